//! Scans ~100-char texts cut from a corpus, for a profiler (callgrind, perf).
//! Run: cargo run --release --example profile_short -- FILE [COUNT] [model|nomodel]
//! With `PROFILE_LINES=1`, the texts are the file's first COUNT lines as they are (e.g. one
//! benchmark text repeated), not 100-char texts. With `PROFILE_ROUNDS=N`, the texts are scanned N times.
#[path = "common/short_texts.rs"]
mod short_texts;

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("a text file");
    let count: usize = args.next().map_or(2000, |n| n.parse().unwrap());
    let model = args.next().is_none_or(|m| m == "model");
    let texts = if std::env::var_os("PROFILE_LINES").is_some() {
        let all = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        all.lines().take(count).map(str::to_string).collect()
    } else {
        short_texts::short_texts(&file, count)
    };
    let lexicon = prescreen::Lexicon::default_lexicon();
    let s =
        if model { prescreen::Screener::new(lexicon) } else { prescreen::Screener::with_model(lexicon, None) }.unwrap();
    // Steady state: the automata as DFAs (a new screener starts on NFAs) and jieba loaded.
    s.warm_up();
    // `PROFILE_ROUNDS=N` scans the texts N times (for a sampling profiler such as perf).
    let rounds: usize = std::env::var("PROFILE_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(1);
    let start = std::time::Instant::now();
    let mut hits = 0;
    for _ in 0..rounds {
        hits += texts.iter().map(|t| s.scan(t).hits.len()).sum::<usize>();
    }
    let per = start.elapsed().as_secs_f64() * 1e6 / (rounds * texts.len()) as f64;
    println!("{} texts, {hits} hits, {per:.2} µs per text", texts.len());
}
