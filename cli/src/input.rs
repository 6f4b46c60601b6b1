//! Reading records (JSONL, plain text lines or CSV rows) in bounded chunks, so that inputs of any
//! size stream through in constant memory.
//!
//! Every physical input line (JSONL, text) or CSV record becomes exactly one [`Raw`] record, also
//! when it is empty or malformed: the commands keep the "N records in, N results out" rule and
//! report problems per record instead of dropping them. A final newline does not start a record.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use serde_json::{Map, Value};

use crate::common::CliError;

/// How the input is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// One JSON object a line.
    Jsonl,
    /// One text a line.
    Text,
    /// CSV with a header row; the text is in a named column.
    Csv,
}

impl InputFormat {
    /// The format an input path suggests: `.csv` is CSV, `.txt` is text, everything else (and
    /// stdin) is JSONL.
    pub fn guess(path: Option<&str>) -> InputFormat {
        match path.and_then(|p| Path::new(p).extension()).and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => InputFormat::Csv,
            Some(e) if e.eq_ignore_ascii_case("txt") => InputFormat::Text,
            _ => InputFormat::Jsonl,
        }
    }
}

/// Which fields (JSONL keys or CSV columns) hold the text and the id.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Text field.
    pub text: String,
    /// Id field; records without it get their record number as id.
    pub id: String,
}

/// One unparsed record: its number (1-based physical line for JSONL/text, 1-based data row for
/// CSV) and its content. Parsing happens later, in parallel.
#[derive(Debug)]
pub struct Raw {
    /// Record number.
    pub line: u64,
    content: Content,
}

#[derive(Debug)]
enum Content {
    /// A JSONL or text line without its line ending (possibly not UTF-8).
    Line(Vec<u8>),
    /// A line longer than the reader's line cap, skipped without being kept: its length in bytes.
    TooLong(u64),
    /// A CSV row with the text and id columns picked out, or the CSV error of that row.
    Csv(Result<(Option<String>, Option<String>), String>),
}

/// A parsed record: id, text (or why there is none) and the whole JSON object when there is one.
#[derive(Debug)]
pub struct Record {
    /// Record number (see [`Raw::line`]).
    pub line: u64,
    /// Id from the id field, or the record number.
    pub id: Value,
    /// The text, or a message saying why the record has none.
    pub text: Result<String, String>,
    /// The JSON object of a JSONL line (other fields: label, category, time, a batch result…).
    pub object: Option<Map<String, Value>>,
}

/// Chunks stop at this many records…
const CHUNK_RECORDS: usize = 2048;
/// …or once they hold this many bytes (a few huge lines must not make a chunk huge).
const CHUNK_BYTES: usize = 4 << 20;

/// Reads records in chunks of bounded size.
pub struct ChunkReader {
    source: Source,
    line: u64,
    /// Bytes consumed so far (for the progress bar).
    pub bytes: u64,
    /// Longest line kept in memory (see [`line_cap`]); longer ones become [`Content::TooLong`].
    max_line: usize,
}

/// The longest JSONL or text line read into memory when texts may have `max_text` bytes: a text
/// line is the text; a JSONL line may escape every char of it (`\u0001` is six bytes for one)
/// and carry other fields. A longer line is skipped as it streams by, so one huge line cannot
/// exhaust memory; it gets an error record like any other bad line.
pub fn line_cap(format: InputFormat, max_text: usize) -> usize {
    match format {
        InputFormat::Text => max_text.saturating_add(1), // and a `\r`
        _ => max_text.saturating_mul(6).saturating_add(1 << 20),
    }
}

/// Reads one line (through `\n`) into `buf`; returns the bytes consumed and whether the line
/// (without its `\n`) was longer than `max`: then it is consumed to its end but not kept.
fn read_line_capped(reader: &mut dyn BufRead, buf: &mut Vec<u8>, max: usize) -> io::Result<(usize, bool)> {
    let mut consumed = 0;
    let mut over = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((consumed, over));
        }
        let (n, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if !over && buf.len() + n - usize::from(done) <= max {
            buf.extend_from_slice(&available[..n]);
        } else if !over {
            over = true;
            *buf = Vec::new();
        }
        reader.consume(n);
        consumed += n;
        if done {
            return Ok((consumed, over));
        }
    }
}

enum Source {
    Lines { reader: Box<dyn BufRead + Send>, format: InputFormat },
    Csv { reader: csv::Reader<Box<dyn Read + Send>>, text: usize, id: Option<usize> },
}

/// Opens a path (or stdin for `None` / `-`), returning the reader and the input size when known.
pub fn open(path: Option<&str>) -> Result<(Box<dyn Read + Send>, Option<u64>), CliError> {
    match path {
        None | Some("-") => Ok((Box::new(io::stdin()), None)),
        Some(p) => {
            let file = File::open(p).map_err(|e| format!("cannot read {p}: {e}"))?;
            let meta = file.metadata().map_err(|e| format!("cannot read {p}: {e}"))?;
            if meta.is_dir() {
                return Err(format!("cannot read {p}: it is a directory").into());
            }
            Ok((Box::new(file), Some(meta.len())))
        }
    }
}

impl ChunkReader {
    /// A reader of `format` records from `input`. For CSV the header row is read here, and a
    /// missing text column is an error (naming the columns there are).
    pub fn new(
        input: Box<dyn Read + Send>,
        format: InputFormat,
        fields: &Fields,
        max_line: usize,
    ) -> Result<ChunkReader, CliError> {
        let source = match format {
            InputFormat::Jsonl | InputFormat::Text => {
                Source::Lines { reader: Box::new(BufReader::with_capacity(1 << 16, input)), format }
            }
            InputFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
                let headers = reader.headers().map_err(|e| format!("cannot read the CSV header: {e}"))?.clone();
                let find = |name: &str| headers.iter().position(|h| h == name);
                let text = find(&fields.text).ok_or_else(|| {
                    let names: Vec<&str> = headers.iter().collect();
                    format!(
                        "CSV has no column {:?} (columns: {}); name the text column with --column",
                        fields.text,
                        names.join(", ")
                    )
                })?;
                Source::Csv { reader, text, id: find(&fields.id) }
            }
        };
        Ok(ChunkReader { source, line: 0, bytes: 0, max_line })
    }

    /// The next chunk of records, or `None` at the end of the input.
    pub fn next_chunk(&mut self) -> io::Result<Option<Vec<Raw>>> {
        let mut chunk = Vec::new();
        let mut bytes = 0usize;
        while chunk.len() < CHUNK_RECORDS && bytes < CHUNK_BYTES {
            let Some((raw, size)) = self.next_record()? else { break };
            bytes += size;
            chunk.push(raw);
        }
        Ok(if chunk.is_empty() { None } else { Some(chunk) })
    }

    /// Reads past `n` records (for `batch --resume`), numbering them as a full read would.
    /// Returns how many there were (fewer than `n` at the end of the input) and the last one.
    pub fn skip(&mut self, n: u64) -> io::Result<(u64, Option<Raw>)> {
        let mut last = None;
        let mut skipped = 0;
        while skipped < n {
            let Some((raw, _)) = self.next_record()? else { break };
            last = Some(raw);
            skipped += 1;
        }
        Ok((skipped, last))
    }

    /// The next record and the bytes it holds in memory, or `None` at the end of the input.
    fn next_record(&mut self) -> io::Result<Option<(Raw, usize)>> {
        match &mut self.source {
            Source::Lines { reader, .. } => {
                let mut buf = Vec::new();
                let (n, over) = read_line_capped(reader.as_mut(), &mut buf, self.max_line)?;
                if n == 0 {
                    return Ok(None);
                }
                self.bytes += n as u64;
                self.line += 1;
                if over {
                    return Ok(Some((Raw { line: self.line, content: Content::TooLong(n as u64) }, 0)));
                }
                if buf.last() == Some(&b'\n') {
                    buf.pop();
                    if buf.last() == Some(&b'\r') {
                        buf.pop();
                    }
                }
                let size = buf.len();
                Ok(Some((Raw { line: self.line, content: Content::Line(buf) }, size)))
            }
            Source::Csv { reader, text, id } => {
                let mut record = csv::StringRecord::new();
                let before = reader.position().byte();
                let content = match reader.read_record(&mut record) {
                    Ok(false) => return Ok(None),
                    Ok(true) => {
                        Ok((record.get(*text).map(str::to_string), id.and_then(|i| record.get(i)).map(str::to_string)))
                    }
                    Err(e) => {
                        // An I/O error ends the run; a malformed row is reported on its own line.
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            return Err(io::Error::other(e.to_string()));
                        }
                        Err(format!("bad CSV row: {e}"))
                    }
                };
                let n = reader.position().byte().saturating_sub(before) as usize;
                self.bytes += n as u64;
                self.line += 1;
                Ok(Some((Raw { line: self.line, content: Content::Csv(content) }, n)))
            }
        }
    }

    /// Whether records are plain text lines (no fields).
    fn is_text(&self) -> bool {
        matches!(self.source, Source::Lines { format: InputFormat::Text, .. })
    }

    /// A parser for this reader's records (cheap to share across threads); texts longer than
    /// `max_text` bytes become error records.
    pub fn parser(&self, fields: &Fields, max_text: usize) -> Parser {
        Parser { fields: fields.clone(), text_lines: self.is_text(), max_text }
    }
}

/// Turns [`Raw`] records into [`Record`]s; `Sync`, used from the worker threads.
#[derive(Debug, Clone)]
pub struct Parser {
    fields: Fields,
    text_lines: bool,
    max_text: usize,
}

impl Parser {
    /// Parses one record. Never fails: problems end up in [`Record::text`].
    pub fn parse(&self, raw: Raw) -> Record {
        let mut record = self.parse_unchecked(raw);
        if let Ok(text) = &record.text {
            if text.len() > self.max_text {
                record.text = Err(too_long("text", text.len() as u64, self.max_text));
            }
        }
        record
    }

    fn parse_unchecked(&self, raw: Raw) -> Record {
        let line = raw.line;
        let number = Value::from(line);
        match raw.content {
            Content::Csv(Ok((text, id))) => Record {
                line,
                id: id.map(Value::String).unwrap_or(number),
                text: text.ok_or_else(|| format!("row has no column {:?}", self.fields.text)),
                object: None,
            },
            Content::Csv(Err(e)) => Record { line, id: number, text: Err(e), object: None },
            Content::TooLong(bytes) => {
                Record { line, id: number, text: Err(too_long("line", bytes, self.max_text)), object: None }
            }
            Content::Line(bytes) => {
                let text = match String::from_utf8(bytes) {
                    Ok(t) => t,
                    Err(e) => {
                        return Record {
                            line,
                            id: number,
                            text: Err(format!("line is not UTF-8: {}", e.utf8_error())),
                            object: None,
                        }
                    }
                };
                if self.text_lines {
                    // A text line is a text, also when empty (an empty text passes).
                    return Record { line, id: number, text: Ok(text), object: None };
                }
                if text.trim().is_empty() {
                    return Record { line, id: number, text: Err("empty line".into()), object: None };
                }
                let object = match serde_json::from_str::<Value>(&text) {
                    Ok(Value::Object(map)) => map,
                    Ok(other) => {
                        let kind = json_kind(&other);
                        return Record {
                            line,
                            id: number,
                            text: Err(format!("line is a JSON {kind}, not an object")),
                            object: None,
                        };
                    }
                    Err(e) => return Record { line, id: number, text: Err(format!("bad JSON: {e}")), object: None },
                };
                let id = match object.get(&self.fields.id) {
                    Some(v) if !v.is_null() => v.clone(),
                    _ => number,
                };
                let text = match object.get(&self.fields.text) {
                    Some(Value::String(s)) => Ok(s.clone()),
                    Some(v) => Err(format!("field {:?} is a JSON {}, not a string", self.fields.text, json_kind(v))),
                    None => Err(format!("no field {:?}", self.fields.text)),
                };
                Record { line, id, text, object: Some(object) }
            }
        }
    }
}

/// The message of a record over the input cap.
fn too_long(what: &str, len: u64, max_text: usize) -> String {
    format!("{what} too long: {len} bytes, over the limit for texts of {max_text} bytes (--max-input-bytes)")
}

/// The JSON type name of a value, for messages.
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The input options shared by `batch`, `eval`, `report` and `lexicon suggest`.
#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// JSON field holding the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_field: String,
    /// JSON field (or CSV column) holding the id; records without one get their record number.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,
    /// Input format [default: from the extension: .csv csv, .txt text, otherwise jsonl].
    #[arg(long, value_enum)]
    pub format: Option<InputFormat>,
    /// CSV column holding the text [default: the --text-field name].
    #[arg(long, value_name = "NAME")]
    pub column: Option<String>,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
}

impl InputArgs {
    /// Opens `path` (stdin for `None` or `-`): the chunk reader, its record parser, and the run
    /// settings for [`crate::pipeline::run`].
    /// Texts longer than `max_text` bytes (the `--max-input-bytes` option) become error records.
    pub fn open(
        &self,
        path: Option<&str>,
        max_text: usize,
    ) -> Result<(ChunkReader, Parser, crate::pipeline::Run), CliError> {
        let format = self.format.unwrap_or_else(|| InputFormat::guess(path));
        let fields = Fields {
            text: if format == InputFormat::Csv {
                self.column.clone().unwrap_or_else(|| self.text_field.clone())
            } else {
                self.text_field.clone()
            },
            id: self.id_field.clone(),
        };
        let (input, total_bytes) = open(path)?;
        let reader = ChunkReader::new(input, format, &fields, line_cap(format, max_text)).map_err(|e| match path {
            Some(p) => format!("{p}: {e}"),
            None => e.to_string(),
        })?;
        let parser = reader.parser(&fields, max_text);
        Ok((reader, parser, crate::pipeline::Run { threads: self.threads, total_bytes }))
    }
}
