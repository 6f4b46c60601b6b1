//! What the CLI does when things go wrong: `batch --resume` after a run killed (SIGKILL) partway
//! — twice — gives byte for byte the output of an uninterrupted run (no line lost, none
//! repeated, same order); texts over the input cap get error lines or a clear error, not aborts;
//! `lexicon check` on every malformed lexicon of `tests/data/bad-lexicons/` names the file,
//! line, column and message its `.expect` gives, and `scan --lexicon` with one stops with exit
//! code 2 before reading any text.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{data, prescreen};

/// A sizable, varied JSONL input: ids and no ids (the id is then the line number, which resuming
/// must keep), hits, benign texts, bad lines, CRLF endings, astral chars.
fn write_input(path: &Path, records: usize) {
    let texts = [
        "出冰毒，加微信",
        "今天天气很好，出去走走",
        "you are a c u n t",
        "处女座的人很好",
        "😀冰😀毒😀 meth",
        "弓虽女干",
        "The class starts at nine.",
        "ＦＵＣＫ",
        "草泥马",
        "一三八一二三四五六七八 加微信",
    ];
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..records {
        let text = format!("{} #{i}", texts[i % texts.len()]);
        match i % 97 {
            13 => writeln!(out, "{{\"id\": \"bad-{i}\", \"text\": ").unwrap(),
            29 => writeln!(out).unwrap(),
            31 => write!(out, "{}\r\n", serde_json::json!({"text": text})).unwrap(),
            _ if i % 3 == 0 => writeln!(out, "{}", serde_json::json!({"text": text})).unwrap(),
            _ => writeln!(out, "{}", serde_json::json!({"id": format!("r{i}"), "text": text})).unwrap(),
        }
    }
}

fn batch_args<'a>(input: &'a str, output: &'a str, lexicon: &'a str) -> Vec<&'a str> {
    vec!["batch", input, "-o", output, "--lexicon", lexicon, "--threads", "2"]
}

/// Starts a batch run and SIGKILLs it once its output holds at least `at` bytes. Returns whether
/// it was killed (false: it finished first).
fn run_and_kill(args: &[&str], output: &Path, at: u64) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_prescreen"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if std::fs::metadata(output).map(|m| m.len()).unwrap_or(0) >= at {
            child.kill().unwrap(); // SIGKILL on Unix: no destructor, no flush runs
            child.wait().unwrap();
            return true;
        }
        assert!(start.elapsed() < Duration::from_secs(600), "the run never reached {at} bytes");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn a_killed_run_resumed_gives_the_uninterrupted_output() {
    let dir = tempfile::tempdir().unwrap();
    let lexicon = data("mini.toml");
    let input = dir.path().join("in.jsonl");
    let full = dir.path().join("full.jsonl");
    let resumed = dir.path().join("resumed.jsonl");
    let (input_s, full_s, resumed_s) = (input.to_str().unwrap(), full.to_str().unwrap(), resumed.to_str().unwrap());

    let mut records = 100_000;
    let expected = loop {
        write_input(&input, records);
        let out = prescreen(&batch_args(input_s, full_s, &lexicon), None);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let expected = std::fs::read(&full).unwrap();
        assert_eq!(expected.iter().filter(|&&b| b == b'\n').count(), records, "one line per record");

        // Kill at about a third, resume and kill again at about two thirds, resume to the end.
        let _ = std::fs::remove_file(&resumed);
        let mut args = batch_args(input_s, resumed_s, &lexicon);
        let first = run_and_kill(&args, &resumed, expected.len() as u64 / 3);
        args.push("--resume");
        let second = first && run_and_kill(&args, &resumed, expected.len() as u64 * 2 / 3);
        if first && second {
            break expected;
        }
        // This machine scanned it all before the kill landed: try a bigger input.
        assert!(records < 3_000_000, "could not interrupt a run of {records} records");
        records *= 4;
    };
    let partial = std::fs::read(&resumed).unwrap();
    assert!(partial.len() < expected.len(), "the run was interrupted");
    assert_eq!(
        &expected[..partial.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)],
        &partial[..partial.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)],
        "complete lines written before the kill are a prefix of the full output"
    );

    let mut args = batch_args(input_s, resumed_s, &lexicon);
    args.push("--resume");
    let out = prescreen(&args, None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got = std::fs::read(&resumed).unwrap();
    assert!(
        got == expected,
        "resumed output differs from the uninterrupted run ({} vs {} bytes)",
        got.len(),
        expected.len()
    );

    // Resuming a finished run adds nothing.
    let out = prescreen(&args, None);
    assert!(out.status.success());
    assert!(std::fs::read(&resumed).unwrap() == expected);
}

#[test]
fn resume_cuts_a_partial_line_and_refuses_a_foreign_output() {
    let dir = tempfile::tempdir().unwrap();
    let lexicon = data("mini.toml");
    let input = dir.path().join("in.jsonl");
    write_input(&input, 500);
    let full = dir.path().join("full.jsonl");
    let out = prescreen(&batch_args(input.to_str().unwrap(), full.to_str().unwrap(), &lexicon), None);
    assert!(out.status.success());
    let expected = std::fs::read(&full).unwrap();

    // 200 complete lines and half of the 201st, as a kill mid-write leaves them.
    let cut = expected.iter().enumerate().filter(|(_, &b)| b == b'\n').nth(199).unwrap().0 + 1;
    let partial = dir.path().join("partial.jsonl");
    std::fs::write(&partial, &expected[..cut + 40]).unwrap();
    let mut args = batch_args(input.to_str().unwrap(), partial.to_str().unwrap(), &lexicon);
    args.push("--resume");
    let out = prescreen(&args, None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&partial).unwrap() == expected);

    // An output from another input: its last id does not match, so nothing is appended.
    let other = dir.path().join("other.jsonl");
    write_input(&other, 300);
    let foreign = std::fs::read(&full).unwrap();
    let mut args = batch_args(other.to_str().unwrap(), full.to_str().unwrap(), &lexicon);
    args.push("--resume");
    let out = prescreen(&args, None);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot resume") && stderr.contains("is it the output of this input?"), "{stderr}");
    assert!(std::fs::read(&full).unwrap() == foreign, "a refused resume leaves the file alone");

    // --resume needs an output file.
    let out = prescreen(&["batch", input.to_str().unwrap(), "--resume"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn texts_over_the_cap_get_error_lines() {
    let lexicon = data("mini.toml");
    let long = "冰毒".repeat(100); // 600 bytes
    let input = format!(
        "{}\n{}\n{}\n",
        serde_json::json!({"id": "short", "text": "出冰毒"}),
        serde_json::json!({"id": "long", "text": long}),
        serde_json::json!({"id": "escaped", "text": "\u{1}".repeat(200)}) // 1,200 bytes of JSON
    );
    let out = prescreen(&["batch", "--lexicon", &lexicon, "--max-input-bytes", "300"], Some(input.as_bytes()));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["hits"][0]["term"], "drugs.meth");
    assert_eq!(lines[1]["id"], "long");
    assert_eq!(
        lines[1]["error"]["message"],
        "text too long: 600 bytes, over the limit for texts of 300 bytes (--max-input-bytes)"
    );
    assert_eq!(lines[2]["decision"], "pass", "200 bytes of text in 1,200 bytes of JSON is within the cap");

    // A text line over the cap (text format) is skipped as it streams, with an error line.
    let input = format!("short\n{}\nfuck\n", "x".repeat(5000));
    let out = prescreen(
        &["batch", "--format", "text", "--lexicon", &lexicon, "--max-input-bytes", "1K"],
        Some(input.as_bytes()),
    );
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["id"], 2);
    assert!(lines[1]["error"]["message"].as_str().unwrap().starts_with("line too long: 5001 bytes"), "{}", lines[1]);
    assert_eq!(lines[2]["hits"][0]["term"], "hate.fuck");

    // `scan`: a clear error, exit code 2.
    let out = prescreen(&["scan", "--max-input-bytes", "10", "--lexicon", &lexicon, "冰毒冰毒冰毒冰毒"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "prescreen: input too long: the text is 24 bytes (UTF-8), the limit is 10 bytes; raise it with --max-input-bytes"
    );
    let out =
        prescreen(&["scan", "--max-input-bytes", "10", "--lexicon", &lexicon], Some("冰毒冰毒冰毒冰毒\n".as_bytes()));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("stdin has more than 10 bytes"));
    let out = prescreen(&["scan", "--max-input-bytes", "lots", "x"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a byte count"));
}

// --- Malformed lexicons ---------------------------------------------------------------------

#[path = "../../tests/common/bad_lexicons.rs"]
mod bad_lexicons;

fn corpus() -> Vec<PathBuf> {
    bad_lexicons::corpus(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/bad-lexicons"))
}

#[test]
fn lexicon_check_names_file_line_column_and_message() {
    let files = corpus();
    assert!(files.len() >= 50);
    for path in &files {
        let file = path.to_str().unwrap();
        let expected = std::fs::read_to_string(format!("{file}.expect")).unwrap();
        let want = format!("{file}:{}", expected.trim_end_matches('\n'));
        let out = prescreen(&["lexicon", "check", file], None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        assert!(stderr.starts_with(&format!("lexicon check failed: {want}")), "{file}\n want: {want}\n got:  {stderr}");
        assert!(out.stdout.is_empty(), "{file}: nothing is reported as loaded");
    }
    for name in ["87-latin1.toml", "09-deep-nesting.toml", "79-json-deep-nesting.json"] {
        let path = files.iter().find(|p| p.ends_with(name)).unwrap().to_str().unwrap();
        let out = prescreen(&["scan", "--lexicon", "default", "--lexicon", path, "冰毒"], None);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).starts_with(&format!("prescreen: {path}:")));
        assert!(out.stdout.is_empty());
    }
}

/// `--model-features`: by default the learned scorer's features are listed only when it flags the
/// text; `always` lists them on every text, with the same scores; a bad value is a usage error.
#[test]
fn model_features_flag() {
    let quiet = "今天天气不错，我们去公园散步吧。";
    let flagged = "河南人素质真差，滚回老家去";
    let scan = |args: &[&str], text: &str| -> serde_json::Value {
        let mut all = vec!["scan", "--json"];
        all.extend_from_slice(args);
        all.push(text);
        let out = prescreen(&all, None);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (a, b) = (scan(&[], quiet), scan(&["--model-features", "always"], quiet));
    assert_eq!(a["model"]["decision"], "pass");
    assert_eq!(a["model"]["features"].as_array().unwrap().len(), 0);
    assert!(!b["model"]["features"].as_array().unwrap().is_empty());
    assert_eq!(a["model"]["score"], b["model"]["score"]);
    let c = scan(&[], flagged);
    assert_ne!(c["model"]["decision"], "pass");
    assert_eq!(c["model"], scan(&["--model-features", "always"], flagged)["model"]);

    // The summary names the scorer and its features.
    let out = prescreen(&["scan", flagged], None);
    let text = String::from_utf8(out.stdout).unwrap();
    let first = c["model"]["features"][0]["text"].as_str().unwrap();
    assert!(text.contains("learned scorer: hate") && text.contains(&format!("feature {first:?}")), "{text}");

    // batch takes it too.
    let input = format!("{quiet}\n{flagged}\n");
    let out = prescreen(&["batch", "--format", "text", "--model-features", "always"], Some(input.as_bytes()));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(!v["model"]["features"].as_array().unwrap().is_empty(), "{line}");
    }

    let out = prescreen(&["scan", "--model-features", "sometimes", quiet], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("possible values: flagged, always"));
}

/// A reader that stops early (`prescreen eval … | head -1`) ends the command quietly: no panic
/// message about a broken pipe.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_prescreen"))
        // Far more output than a pipe buffers (64 KiB), so the writes after the reader stops fail.
        .args([
            "eval",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/cn_labelled_dev.jsonl"),
            "--top",
            "1500",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap(); // then the pipe closes
    let out = child.wait_with_output().unwrap();
    assert!(first.contains("texts"), "{first}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{stderr}");
}
