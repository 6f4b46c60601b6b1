//! Scans one long text, for a profiler (callgrind, perf): lexicon only (the piece-by-piece scan),
//! or with the default learned scorer when the second argument is `model`.
//! Run: cargo run --release --example profile_long -- [FILE [model]]
//! The text is FILE (default: ../shared/data/cn_benign_dev.txt) repeated to at least 1 MiB.
fn main() {
    let file = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/cn_benign_dev.txt").into());
    let model = std::env::args().nth(2).is_some_and(|a| a == "model");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut long = String::new();
    while long.len() < 1 << 20 {
        long.push_str(&text);
    }
    let screener = if model {
        prescreen::Screener::default()
    } else {
        prescreen::Screener::with_model(prescreen::Lexicon::default_lexicon(), None).unwrap()
    };
    // Steady state: the automata as DFAs (the probe needs them) and jieba loaded.
    screener.warm_up();
    let start = std::time::Instant::now();
    let verdict = screener.scan(&long);
    let secs = start.elapsed().as_secs_f64();
    println!("{} bytes, {} hits, {:.1} MB/s", long.len(), verdict.hits.len(), long.len() as f64 / secs / 1e6);
}
