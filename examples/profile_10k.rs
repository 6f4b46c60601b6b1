//! The 10k-term bench's scan (benches/scan.rs `short_benign_zh_10k_terms`) for a profiler.
//! Run: cargo run --release --example profile_10k -- FILE [COUNT]
#[path = "common/short_texts.rs"]
mod short_texts;
#[path = "../benches/texts/mod.rs"]
mod texts;

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("a text file");
    let count: usize = args.next().map_or(1000, |n| n.parse().unwrap());
    let texts = short_texts::short_texts(&file, count);
    let s = prescreen::Screener::with_model(texts::synthetic(10_000), None).unwrap();
    s.warm_up();
    short_texts::scan_rounds(&s, &texts);
}
