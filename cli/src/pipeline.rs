//! Ordered parallel processing of a record stream: a reader thread fills bounded chunks, a rayon
//! pool maps each chunk in parallel, and the caller's sink receives the results chunk by chunk in
//! input order. At most [`QUEUE`] chunks wait between the reader and the workers and at most
//! [`IN_FLIGHT`] are being mapped, so memory stays flat however large the input is.

use std::collections::VecDeque;
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

/// Chunks mapped at once. With two, the workers start on the next chunk while the last records of
/// the previous one finish and while the sink writes its results: mapping one chunk at a time left
/// a worker idle at the end of every chunk and both idle during every write. Measured on 100 MB
/// of JSONL with two threads: 1.78–1.83 of 2 cores busy before, 1.85–1.89 after (BENCHMARKS.md).
const IN_FLIGHT: usize = 2;

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
    let map = &map;
    // Chunks are mapped as pool jobs; the caller's thread waits for them in input order and sinks
    // them. The scope waits for every job it spawned, also after an error.
    let result = pool.in_place_scope(|scope| {
        // Each chunk in flight: its results to come, the input bytes and records read up to its end.
        type Pending<T> = VecDeque<(mpsc::Receiver<Vec<T>>, u64, u64)>;
        let mut pending: Pending<T> = VecDeque::new();
        let mut sink_oldest = |pending: &mut Pending<T>| {
            let (done, bytes, records) = pending.pop_front().expect("a chunk in flight");
            let out = done.recv().map_err(|_| "a worker thread panicked".to_string())?;
            sink(out)?;
            progress.set_position(bytes);
            progress.set_message(format!("{records} records"));
            Ok::<(), CliError>(())
        };
        for msg in rx.iter() {
            let (chunk, bytes) = msg.map_err(|e| format!("cannot read input: {e}"))?;
            records += chunk.len() as u64;
            let (tx, done) = mpsc::sync_channel(1);
            scope.spawn(move |_| {
                let out: Vec<T> = chunk.into_par_iter().map(map).collect();
                let _ = tx.send(out); // the receiver is gone only after an error
            });
            pending.push_back((done, bytes, records));
            if pending.len() >= IN_FLIGHT {
                sink_oldest(&mut pending)?;
            }
        }
        while !pending.is_empty() {
            sink_oldest(&mut pending)?;
        }
        Ok::<(), CliError>(())
    });
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
            ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}")
                .expect("valid template"),
        ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{spinner} {elapsed} {bytes} {binary_bytes_per_sec} {msg}")
                .expect("valid template"),
        ),
    };
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
