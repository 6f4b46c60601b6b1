//! The learned scorer's extra cost per 100-char text, robust to a machine whose speed drifts:
//! passes over the same 1,000 texts (each after a warm-up pass) alternate between the lexicon-only screener and the one with
//! the model, and the median of the per-round differences is reported with both medians.
//! Run: cargo run --release --example model_cost -- [ROUNDS] (default 31), from the repository
//! root with ../shared/data present.
#[path = "common/short_texts.rs"]
mod short_texts;

use std::time::Instant;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args().nth(1).map_or(31, |n| n.parse().expect("a number of rounds"));
    let lexicon = prescreen::Lexicon::default_lexicon();
    let with = prescreen::Screener::new(lexicon.clone()).unwrap();
    let without = prescreen::Screener::with_model(lexicon, None).unwrap();
    with.warm_up();
    without.warm_up();
    for (lang, file) in [("zh", "cn_benign_dev.txt"), ("en", "en_benign_dev.txt")] {
        let texts = short_texts::short_texts(&format!("{}/../shared/data/{file}", env!("CARGO_MANIFEST_DIR")), 1000);
        // Each measured pass follows an unmeasured one on the same screener: the two screeners'
        // tables do not share the caches, and a service scans with one.
        let pass = |s: &prescreen::Screener| {
            let hits: usize = texts.iter().map(|x| s.scan(x).hits.len()).sum();
            std::hint::black_box(hits);
            let t = Instant::now();
            let hits: usize = texts.iter().map(|x| s.scan(x).hits.len()).sum();
            std::hint::black_box(hits);
            t.elapsed().as_secs_f64() * 1e6 / texts.len() as f64
        };
        pass(&with);
        pass(&without);
        let (mut a, mut b, mut d) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            // Alternate which goes first, so a drift within a round does not favour one side.
            let (x, y) = if round % 2 == 0 {
                let x = pass(&without);
                (x, pass(&with))
            } else {
                let y = pass(&with);
                (pass(&without), y)
            };
            a.push(x);
            b.push(y);
            d.push(y - x);
        }
        println!(
            "{lang}: {} texts, {rounds} rounds: lexicon only {:.2} µs, with the model {:.2} µs, extra {:.2} µs (median of per-round differences)",
            texts.len(),
            median(&mut a),
            median(&mut b),
            median(&mut d)
        );
    }
}
