//! Scans a long text repeatedly with the lexicon only (no learned model), for a profiler.
//! Run: cargo run --release --example profile_nomodel -- FILE [ROUNDS]
fn main() {
    let mut args = std::env::args().skip(1);
    let text = std::fs::read_to_string(args.next().expect("a text file")).unwrap();
    let rounds: usize = args.next().map_or(5, |r| r.parse().unwrap());
    let s = prescreen::Screener::with_model(prescreen::Lexicon::default_lexicon(), None).unwrap();
    let mut hits = 0;
    for _ in 0..rounds {
        for line in text.lines() {
            hits += s.scan(line).hits.len();
        }
    }
    println!("{hits}");
}
