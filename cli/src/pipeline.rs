//! Ordered parallel processing of a record stream: a reader thread fills bounded chunks, a rayon
//! pool maps each chunk in parallel, and the caller's sink receives the results chunk by chunk in
//! input order. At most [`QUEUE`] chunks wait between the reader and the workers, so memory stays
//! flat however large the input is.

use std::io::IsTerminal;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::common::CliError;
use crate::input::{ChunkReader, Raw};

/// Chunks read ahead of the workers. Two keeps the pool busy while the reader works on the next.
const QUEUE: usize = 2;

/// How many worker threads, and the input size for the progress bar's ETA.
pub struct Run {
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Input size in bytes, when known (files; not stdin).
    pub total_bytes: Option<u64>,
}

/// Reads every chunk, maps its records with `map` in parallel and hands the results to `sink` in
/// input order. Returns the number of records. A progress bar (rate, ETA when the size is known)
/// is drawn on stderr when stderr is a terminal.
pub fn run<T, F, S>(mut reader: ChunkReader, run: Run, map: F, mut sink: S) -> Result<u64, CliError>
where
    T: Send,
    F: Fn(Raw) -> T + Sync + Send,
    S: FnMut(Vec<T>) -> Result<(), CliError>,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(run.threads)
        .build()
        .map_err(|e| format!("cannot start {} worker threads: {e}", run.threads))?;
    let progress = progress_bar(run.total_bytes);
    let (tx, rx) = mpsc::sync_channel::<std::io::Result<(Vec<Raw>, u64)>>(QUEUE);
    let reader_thread = thread::spawn(move || loop {
        let next = reader.next_chunk();
        let bytes = reader.bytes;
        let msg = match next {
            Ok(Some(chunk)) => Ok((chunk, bytes)),
            Ok(None) => break,
            Err(e) => Err(e),
        };
        let stop = msg.is_err();
        if tx.send(msg).is_err() || stop {
            break;
        }
    });
    let mut records = 0u64;
    let result = (|| {
        for msg in rx.iter() {
            let (chunk, bytes) = msg.map_err(|e| format!("cannot read input: {e}"))?;
            records += chunk.len() as u64;
            let out: Vec<T> = pool.install(|| chunk.into_par_iter().map(&map).collect());
            sink(out)?;
            progress.set_position(bytes);
            progress.set_message(format!("{records} records"));
        }
        Ok::<(), CliError>(())
    })();
    // On a sink error (e.g. a closed stdout) the reader may be blocked on a full queue: dropping the
    // receiver unblocks it.
    drop(rx);
    let _ = reader_thread.join();
    progress.finish_and_clear();
    result.map(|()| records)
}

fn progress_bar(total: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
            )
            .expect("valid template"),
        ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template(
                "{spinner} {elapsed} {bytes} {binary_bytes_per_sec} {msg}",
            )
            .expect("valid template"),
        ),
    };
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
