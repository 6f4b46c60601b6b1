//! The 10k-term bench's scan (benches/scan.rs `short_benign_zh_10k_terms`) for a profiler.
//! Run: cargo run --release --example profile_10k -- FILE [COUNT]
#[path = "common/short_texts.rs"]
mod short_texts;

fn synthetic(n: usize) -> prescreen::Lexicon {
    let mut toml = String::from("[[category]]\nid = \"x\"\nname = \"X\"\nreview = 0.4\nblock = 0.85\n");
    let han: Vec<char> = ('\u{4E00}'..'\u{9FA5}').step_by(7).collect();
    for i in 0..n {
        let text = if i % 2 == 0 {
            let k = i / 2;
            format!(
                "{}{}{}",
                han[k % han.len()],
                han[(k / han.len() + 3 * k) % han.len()],
                han[(k * 7 + 1) % han.len()]
            )
        } else {
            format!("zq{:x}w", i * 2654435761usize % 0xFFFFFF)
        };
        toml.push_str(&format!(
            "[[term]]\nid = \"t{i}\"\ntext = \"{text}\"\ncategory = \"x\"\nsignal = \"implicit\"\nweight = 0.5\n"
        ));
    }
    prescreen::Lexicon::from_toml_str(&toml).unwrap()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("a text file");
    let count: usize = args.next().map_or(1000, |n| n.parse().unwrap());
    let texts = short_texts::short_texts(&file, count);
    let s = prescreen::Screener::with_model(synthetic(10_000), None).unwrap();
    s.warm_up();
    let rounds: usize = std::env::var("PROFILE_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(1);
    let start = std::time::Instant::now();
    let mut hits = 0;
    for _ in 0..rounds {
        hits += texts.iter().map(|t| s.scan(t).hits.len()).sum::<usize>();
    }
    let per = start.elapsed().as_secs_f64() * 1e6 / (rounds * texts.len()) as f64;
    println!("{} texts, {hits} hits, {per:.2} µs per text", texts.len());
}
