//! `batch --resume`: where an interrupted run stopped.
//!
//! `batch` writes one line per input record, in input order, each line whole before the next
//! begins (JSON escapes every newline inside a line). So whatever killed a run — Ctrl-C, the OOM
//! killer, SIGKILL — the output file is the first K result lines, perhaps followed by the start
//! of line K+1 that was being written. Resuming cuts that partial line off, skips K input records
//! and appends from record K+1: no line lost, none written twice.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

use serde_json::Value;

use crate::common::CliError;

/// The complete lines of an earlier run's output.
pub struct Done {
    /// How many complete lines (= input records already done).
    pub lines: u64,
    /// The `id` of the last complete line, to check that the output belongs to this input.
    pub last_id: Option<Value>,
}

/// Reads the output file of an interrupted run, cuts off a partial last line, and says how many
/// complete lines it holds. A missing file is a run that has not started: zero lines.
pub fn prepare(path: &str) -> Result<Done, CliError> {
    let mut file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Done { lines: 0, last_id: None }),
        Err(e) => return Err(format!("cannot resume {path}: {e}").into()),
    };
    let fail = |e: std::io::Error| -> CliError { format!("cannot resume {path}: {e}").into() };
    // One pass: count newlines and remember where the last complete line starts and ends.
    let (mut lines, mut pos, mut last_start, mut complete_end) = (0u64, 0u64, 0u64, 0u64);
    {
        let mut reader = BufReader::with_capacity(1 << 16, &file);
        loop {
            let buf = reader.fill_buf().map_err(fail)?;
            if buf.is_empty() {
                break;
            }
            let n = buf.len();
            for (i, &b) in buf.iter().enumerate() {
                if b == b'\n' {
                    lines += 1;
                    last_start = complete_end;
                    complete_end = pos + i as u64 + 1;
                }
            }
            pos += n as u64;
            reader.consume(n);
        }
    }
    if complete_end < pos {
        file.set_len(complete_end).map_err(fail)?; // the line being written when the run stopped
    }
    let last_id = if lines == 0 {
        None
    } else {
        let mut line = Vec::new();
        file.seek(SeekFrom::Start(last_start)).map_err(fail)?;
        (&mut file).take(complete_end - last_start).read_to_end(&mut line).map_err(fail)?;
        let value: Value = serde_json::from_slice(&line)
            .map_err(|e| format!("cannot resume {path}: line {lines} is not a batch result line ({e})"))?;
        Some(value.get("id").cloned().ok_or_else(|| format!("cannot resume {path}: line {lines} has no `id`"))?)
    };
    Ok(Done { lines, last_id })
}

/// Opens the output for appending after [`prepare`].
pub fn append(path: &str) -> Result<File, CliError> {
    OpenOptions::new().create(true).append(true).open(path).map_err(|e| format!("cannot write {path}: {e}").into())
}
