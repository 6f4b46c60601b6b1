//! ~100-char texts cut from a corpus file, shared by the profiling examples.

/// Up to `count` texts of exactly 100 chars, made by joining the file's lines.
pub fn short_texts(file: &str, count: usize) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut texts = Vec::new();
    let mut buf = String::new();
    for line in text.lines() {
        buf.push_str(line);
        if buf.chars().count() >= 100 {
            texts.push(buf.chars().take(100).collect::<String>());
            buf.clear();
            if texts.len() == count {
                break;
            }
        }
    }
    texts
}

/// Scans `texts` with `screener` `PROFILE_ROUNDS` times (1 by default; more for a sampling
/// profiler such as perf) and prints the hits and the time per text.
#[allow(dead_code)] // not every example that cuts texts times them
pub fn scan_rounds(screener: &prescreen::Screener, texts: &[String]) {
    let rounds: usize = std::env::var("PROFILE_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(1);
    let start = std::time::Instant::now();
    let mut hits = 0;
    for _ in 0..rounds {
        hits += texts.iter().map(|t| screener.scan(t).hits.len()).sum::<usize>();
    }
    let per = start.elapsed().as_secs_f64() * 1e6 / (rounds * texts.len()) as f64;
    println!("{} texts, {hits} hits, {per:.2} µs per text", texts.len());
}
