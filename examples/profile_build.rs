//! Builds the default screener once and prints the time of each step to the first verdicts, for a
//! profiler: a benign first text, then a first hit with Han text around it (whose word-boundary
//! check builds jieba, which the screener loads on first need).
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
    let benign = screener.scan("今天天气不错，我们去公园散步吧。");
    let first = t.elapsed();
    let hit = screener.scan("出冰毒，要的加微信");
    let second = t.elapsed();
    println!(
        "lexicon parse {:?}, model load {:?}, compile {:?}, first scan (benign, {:?}) {:?}, \
         then first hit ({:?}, {} hits) {:?}; first verdict {:?}",
        parsed,
        loaded - parsed,
        built - loaded,
        benign.decision,
        first - built,
        hit.decision,
        hit.hits.len(),
        second - first,
        first
    );
}
