//! Times a scan of a long benign text with and without the learned model, to see where time goes.
//! Run: cargo run --release --example profile_scan -- ../shared/data/cn_benign_dev.txt
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("a text file");
    let text = std::fs::read_to_string(path).unwrap();
    let t = Instant::now();
    let with_model = prescreen::Screener::default();
    println!("build default (with model): {:?}", t.elapsed());
    let no_model = prescreen::Screener::with_model(prescreen::Lexicon::default_lexicon(), None).unwrap();
    for (name, s) in [("with model", &with_model), ("no model", &no_model)] {
        let t = Instant::now();
        let v = s.scan(&text);
        let e = t.elapsed();
        println!(
            "{name}: {:?} for {} bytes = {:.1} MB/s, {} hits, {} suppressed",
            e,
            text.len(),
            text.len() as f64 / e.as_secs_f64() / 1e6,
            v.hits.len(),
            v.suppressed.len()
        );
        let t = Instant::now();
        let mut n = 0;
        for line in text.lines() {
            n += s.scan(line).hits.len();
        }
        let lines = text.lines().count();
        println!("  per line: {:.2} µs ({} lines, {} hits)", t.elapsed().as_secs_f64() * 1e6 / lines as f64, lines, n);
    }
}
