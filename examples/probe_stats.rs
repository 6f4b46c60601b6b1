//! Which texts does the probe send to the full scan, and what does the full scan find there?
//! Run: cargo run --release --example probe_stats -- FILE [COUNT]
#[path = "common/short_texts.rs"]
mod short_texts;

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("a text file");
    let count: usize = args.next().map_or(2000, |n| n.parse().unwrap());
    let texts = short_texts::short_texts(&file, count);
    let s = prescreen::Screener::with_model(prescreen::Lexicon::default_lexicon(), None).unwrap();
    s.warm_up();
    let mut terms = std::collections::BTreeMap::new();
    let mut empty = 0;
    // With `PROBE_SPLIT=PREFIX`, the texts go to PREFIX.empty / PREFIX.found by whether the scan
    // reports anything (hits or suppressed matches), one per line, for profiling each kind alone.
    let mut split = std::env::var("PROBE_SPLIT").ok().map(|p| (p, String::new(), String::new()));
    for t in &texts {
        let v = s.scan(t);
        let nothing = v.hits.is_empty() && v.suppressed.is_empty();
        if nothing {
            empty += 1;
        }
        if let Some((_, e, f)) = &mut split {
            let out = if nothing { e } else { f };
            out.push_str(t);
            out.push('\n');
        }
        for h in &v.hits {
            *terms.entry(format!("hit {} {:?}", h.term, h.via)).or_insert(0) += 1;
        }
        for h in &v.suppressed {
            *terms.entry(format!("suppressed {} {}", h.term, h.detail)).or_insert(0) += 1;
        }
    }
    println!("{} texts, {empty} with no hit and nothing suppressed", texts.len());
    if let Some((prefix, e, f)) = split {
        std::fs::write(format!("{prefix}.empty"), e).unwrap();
        std::fs::write(format!("{prefix}.found"), f).unwrap();
    }
    let mut v: Vec<_> = terms.into_iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.1));
    for (k, n) in v.iter().take(25) {
        println!("{n:6} {k}");
    }
}
