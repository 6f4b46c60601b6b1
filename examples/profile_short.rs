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
    short_texts::scan_rounds(&s, &texts);
}
