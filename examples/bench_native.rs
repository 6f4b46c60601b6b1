//! The native side of `benches/js/bench.mjs`: the same texts and loops, on the native crate, so
//! WASM and native figures from the same machine sit side by side (BENCHMARKS.md, "WASM").
//!
//! Texts: lines of `../shared/data/{cn,en}_benign_dev.txt` (or `DATA_DIR`); short = the lines of
//! at most 64 UTF-16 units (µs per text, `scan`), long = lines joined with `\n` until the text
//! passes 200,000 UTF-16 units (MB/s, `scan` then `serde_json::to_string`, as `scanJson` does);
//! 3 s loops after a warm-up, for the default screener (with the learned scorer) and the
//! default lexicon alone.
//! Run: cargo run --release --example bench_native
use std::time::{Duration, Instant};

use prescreen::{Lexicon, Screener};

const LOOP: Duration = Duration::from_secs(3);

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// µs per text over `texts`, scanned again and again for [`LOOP`].
fn time_short(texts: &[&str], scan: impl Fn(&str) -> usize) -> f64 {
    let mut sink = 0;
    for t in texts.iter().take(2000) {
        sink += scan(t); // warm-up
    }
    let (start, mut n) = (Instant::now(), 0usize);
    while start.elapsed() < LOOP {
        for t in texts {
            sink += scan(t);
        }
        n += texts.len();
    }
    std::hint::black_box(sink);
    start.elapsed().as_secs_f64() * 1e6 / n as f64
}

/// MB/s on `text`, scanned again and again for [`LOOP`].
fn time_long(text: &str, scan: impl Fn(&str) -> usize) -> f64 {
    let mut sink = scan(text);
    let (start, mut n) = (Instant::now(), 0usize);
    while start.elapsed() < LOOP {
        sink += scan(text);
        n += 1;
    }
    std::hint::black_box(sink);
    (text.len() * n) as f64 / start.elapsed().as_secs_f64() / 1e6
}

fn main() -> Result<(), String> {
    let dir =
        std::env::var("DATA_DIR").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data").into());
    let full = Screener::default();
    let lexicon_only = Screener::with_model(Lexicon::default_lexicon(), None).map_err(|e| e.to_string())?;
    // Steady state, as bench.mjs's warmUp(): the matching DFAs and jieba built.
    full.warm_up();
    lexicon_only.warm_up();
    for lang in ["cn", "en"] {
        let file = format!("{dir}/{lang}_benign_dev.txt");
        let all = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
        let lines: Vec<&str> = all.split('\n').filter(|l| !l.trim().is_empty()).collect();
        let short: Vec<&str> = lines.iter().copied().filter(|l| utf16_len(l) <= 64).collect();
        let (mut long, mut units) = (String::new(), 0);
        for l in &lines {
            if units > 200_000 {
                break;
            }
            long.push_str(l);
            long.push('\n');
            units += utf16_len(l) + 1;
        }
        let avg = short.iter().map(|t| t.len()).sum::<usize>() / short.len().max(1);
        for (name, s) in [("default", &full), ("lexicon only", &lexicon_only)] {
            let us = time_short(&short, |t| s.scan(t).hits.len());
            let json = |t: &str| serde_json::to_string(&s.scan(t)).map_or(0, |j| j.len());
            let mbs = time_long(&long, json);
            println!(
                "{lang} {name}: short {us:.2} µs/text ({} texts, avg {avg} B), long {mbs:.1} MB/s ({} KiB)",
                short.len(),
                long.len() / 1024
            );
        }
    }
    Ok(())
}
