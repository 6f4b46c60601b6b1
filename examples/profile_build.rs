//! Builds the default screener once and prints the time of each step, for a profiler.
//! Run: cargo run --release --example profile_build
use std::time::Instant;

fn main() {
    let t = Instant::now();
    let lexicon = prescreen::Lexicon::default_lexicon();
    let parsed = t.elapsed();
    let model = prescreen::Model::default_model();
    let loaded = t.elapsed();
    let screener = prescreen::Screener::with_model(lexicon, Some(model)).unwrap();
    let built = t.elapsed();
    let verdict = screener.scan("你好");
    println!(
        "lexicon parse {:?}, model load {:?}, compile {:?}, first scan {:?} ({:?})",
        parsed,
        loaded - parsed,
        built - loaded,
        t.elapsed() - built,
        verdict.decision
    );
}
