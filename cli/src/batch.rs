//! `prescreen batch`: one result line per input record, in input order, streaming.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use serde_json::Value;

use crate::common::{create_output, CliError, ScreenArgs};
use crate::input::{ChunkReader, InputArgs, Parser, Record};
use crate::pipeline;
use crate::resume;

/// Screen many texts: JSONL (`{"id":…, "text":…}`), plain text lines or CSV in; one JSON result
/// line out per input record, in input order.
#[derive(Args)]
#[command(after_help = "\
Each output line is {\"id\": …, …result}: the id from the id field, or the record number (the
1-based line for JSONL and text, the 1-based data row for CSV). A record that cannot be screened —
bad JSON, an empty JSONL line, no text field, a text that is not a string — gets
{\"id\": …, \"line\": N, \"error\": {\"message\": …}} instead: N records in, N lines out, always.
In text format every line is a text, and an empty line is the empty text (it passes).

Examples:
  prescreen batch posts.jsonl -o results.jsonl
  cat posts.jsonl | prescreen batch --text-field body --id-field post_id > results.jsonl
  prescreen batch comments.csv --column content --threads 2 -o results.jsonl
  prescreen batch lines.txt --lexicon default --lexicon event.toml --profile minors
  prescreen batch posts.jsonl --keep created_at -o results.jsonl   # for `prescreen report` trends
  prescreen batch posts.jsonl -o results.jsonl --resume   # after an interruption: only the rest

With --resume, a run killed at any point and run again with the same arguments gives exactly the
output of an uninterrupted run: no line lost, none repeated, same order. (It relies on the
operating system having kept what was written; after a machine crash, check the tail.)")]
pub struct BatchArgs {
    /// Input file (stdin when absent or `-`).
    input: Option<String>,
    /// Output file (stdout when absent or `-`).
    #[arg(short, long, value_name = "OUT")]
    output: Option<String>,
    #[command(flatten)]
    screen: ScreenArgs,
    #[command(flatten)]
    input_args: InputArgs,
    /// Copy this input field into the output line (repeatable), e.g. a time field for reports.
    #[arg(long, value_name = "FIELD")]
    keep: Vec<String>,
    /// Continue an interrupted run: keep the complete lines already in OUT (dropping a partial
    /// last line), skip as many input records and append the rest. Needs -o OUT; a missing OUT
    /// starts from the beginning.
    #[arg(long, requires = "output")]
    resume: bool,
}

pub fn run(args: BatchArgs) -> Result<ExitCode, CliError> {
    let (mut reader, parser, settings) = args.input_args.open(args.input.as_deref(), args.screen.max_input_bytes)?;
    let screener = args.screen.load()?;
    let mut out = match (args.resume, args.output.as_deref()) {
        (true, Some(path)) if path != "-" => {
            skip_done(path, &mut reader, &parser)?;
            Box::new(std::io::BufWriter::with_capacity(1 << 16, resume::append(path)?))
        }
        (true, _) => return Err("--resume needs an output file (-o OUT), not stdout".into()),
        (false, output) => create_output(output)?,
    };
    let profile = args.screen.profile.as_str();
    let keep = &args.keep;
    let map = |raw| {
        let record = parser.parse(raw);
        let mut line = render(&screener, profile, keep, &record);
        line.push('\n');
        line
    };
    let mut closed = false;
    let result = pipeline::run(reader, settings, map, |lines: Vec<String>| {
        for l in &lines {
            out.write_all(l.as_bytes()).map_err(|e| write_error(e, &mut closed))?;
        }
        Ok(())
    })
    .and_then(|_| out.flush().map_err(|e| write_error(e, &mut closed)));
    match result {
        // The reader went away (`prescreen batch … | head`): stop quietly, like other Unix tools.
        Err(_) if closed => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e),
        Ok(()) => Ok(ExitCode::SUCCESS),
    }
}

/// For `--resume`: counts the complete lines of OUT (cutting off a partial one) and skips as many
/// input records, checking that OUT's last line is the result of the last record skipped.
fn skip_done(path: &str, reader: &mut ChunkReader, parser: &Parser) -> Result<(), CliError> {
    let done = resume::prepare(path)?;
    let (skipped, last) = reader.skip(done.lines).map_err(|e| format!("cannot read input: {e}"))?;
    if skipped < done.lines {
        return Err(format!(
            "cannot resume: {path} has {} result lines but the input has only {skipped} records; is it the output of this input?",
            done.lines
        )
        .into());
    }
    if let (Some(raw), Some(id)) = (last, done.last_id) {
        let expected = parser.parse(raw).id;
        if expected != id {
            return Err(format!(
                "cannot resume: line {} of {path} has id {id} but input record {} has id {expected}; is it the output of this input?",
                done.lines, done.lines
            )
            .into());
        }
    }
    Ok(())
}

fn write_error(e: std::io::Error, closed: &mut bool) -> CliError {
    *closed |= e.kind() == std::io::ErrorKind::BrokenPipe;
    format!("cannot write output: {e}").into()
}

/// The output line of one record (without the newline).
fn render(screener: &prescreen::Screener, profile: &str, keep: &[String], record: &Record) -> String {
    let id = serde_json::to_string(&record.id).expect("JSON values serialize");
    let mut line = format!("{{\"id\":{id}");
    if let Some(object) = &record.object {
        for field in keep {
            if let Some(v) = object.get(field) {
                line.push(',');
                line.push_str(&serde_json::to_string(&Value::String(field.clone())).expect("strings serialize"));
                line.push(':');
                line.push_str(&serde_json::to_string(v).expect("JSON values serialize"));
            }
        }
    }
    match &record.text {
        Ok(text) => {
            // The profile was checked before the run, so this cannot fail.
            let verdict = screener.scan_with_profile(text, profile).expect("profile checked at start");
            let json = serde_json::to_string(&verdict).expect("verdicts serialize");
            // `{"decision":…}` → `,"decision":…}` appended after the id.
            line.push(',');
            line.push_str(&json[1..]);
        }
        Err(message) => {
            let error = serde_json::json!({ "message": message });
            line.push_str(&format!(",\"line\":{},\"error\":{}}}", record.line, error));
        }
    }
    line
}
