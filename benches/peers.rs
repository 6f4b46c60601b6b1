//! prescreen against the Rust libraries a user would pick instead, on the same texts, in the same
//! group and run (issue 8). The ratio that matters is a peer's time ÷ prescreen's time.
//!
//! Contestants (each scans one text per call, on one core):
//! - `prescreen`: `Screener::default()`: the full pipeline with the learned scorer.
//! - `prescreen_lexicon_only`: `Screener::with_model(Lexicon::default_lexicon(), None)`.
//! - `bare_aho_corasick`: the floor — the default lexicon's surface forms (lowercased) in one
//!   overlapping DFA on the raw text: no folding, no disguises, no boundaries, no scoring.
//! - `sensitive_rs`: `sensitive_rs::Filter` fed the same surface forms; `find_all` (its noise
//!   stripping, exact automaton, then pinyin and shape-variant detection). Built without its
//!   default `parallel` feature so it runs on one core like the others; its result cache is
//!   cleared before every call so that no call is answered from memory.
//! - `sensitive_rs_replace`: the same filter's exact-only path, `replace(t, '*')` (noise stripping
//!   and a leftmost-longest automaton; no variant detection, no cache).
//! - `rustrict` (English groups only): its own built-in list, `Censor::from_str(t).analyze()`.
//! - `censor` (English groups only): its own `Censor::Standard` list, `check`.
//!
//! Texts (../shared/data; a group is skipped when its file is absent):
//! - `short_benign_*`: 1,000 100-char texts cut from the benign corpora (news, reviews; novels, SMS).
//! - `short_risky_*`: the 750 texts labelled risky in the labelled dev sets, as they are (COLD
//!   comments, mean 51 chars; Davidson hate/offensive tweets and SMS spam, mean 91 chars).
//! - `long_benign_*` / `long_risky_*`: one text of ≥ 1 MiB: the corpus's lines (the risky texts)
//!   joined by newlines from the start, cycling when the corpus is smaller.
//!
//! Run: `cargo bench --bench peers` (or `scripts/bench-peers`, which also runs the Node side and
//! prints the ratio table). Short groups report texts/s, long groups bytes/s.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use prescreen::{Lexicon, Screener};

mod texts;
use texts::{bare_automaton, bare_scan, cycle_to, labelled, lines, short_texts, surface_forms};

const LONG: usize = 1 << 20;

/// One contestant: a name and a function from a text to a count (hits, matches or a 0/1 flag),
/// returned so the optimizer keeps the work.
type Contestant<'a> = (&'static str, Box<dyn Fn(&str) -> usize + 'a>);

/// Everything built once: the screeners and the peers' compiled lists.
struct Peers {
    full: Screener,
    lexicon_only: Screener,
    bare: aho_corasick::AhoCorasick,
    sensitive: sensitive_rs::Filter,
}

impl Peers {
    fn new() -> Peers {
        let full = Screener::default();
        let lexicon_only = Screener::with_model(Lexicon::default_lexicon(), None).unwrap();
        // Steady state: DFAs built, jieba loaded.
        full.warm_up();
        lexicon_only.warm_up();
        let bare = bare_automaton(full.lexicon());
        let forms = surface_forms(full.lexicon());
        let mut sensitive = sensitive_rs::Filter::new();
        // One call: each add_words rebuilds its automaton.
        sensitive.add_words(&forms.iter().map(String::as_str).collect::<Vec<_>>());
        Peers { full, lexicon_only, bare, sensitive }
    }

    /// The contestants for a language: the Chinese groups leave out the English-only filters.
    fn contestants(&self, english: bool) -> Vec<Contestant<'_>> {
        let mut out: Vec<Contestant<'_>> = vec![
            ("prescreen", Box::new(|t| self.full.scan(t).hits.len())),
            ("prescreen_lexicon_only", Box::new(|t| self.lexicon_only.scan(t).hits.len())),
            ("bare_aho_corasick", Box::new(|t| bare_scan(&self.bare, t))),
            (
                "sensitive_rs",
                Box::new(|t| {
                    // Its LRU cache (1,000 texts) would otherwise answer repeated texts from memory.
                    self.sensitive.clear_cache();
                    self.sensitive.find_all(t).len()
                }),
            ),
            // Its exact-only path (noise stripping, leftmost-longest automaton; no variants, no cache).
            ("sensitive_rs_replace", Box::new(|t| self.sensitive.replace(t, '*').len())),
        ];
        if english {
            out.push((
                "rustrict",
                Box::new(|t| rustrict::Censor::from_str(t).analyze().is(rustrict::Type::INAPPROPRIATE) as usize),
            ));
            out.push(("censor", Box::new(|t| censor::Censor::Standard.check(t) as usize)));
        }
        out
    }
}

/// Risky texts (label 1) of a labelled dev set.
fn risky(file: &str) -> Vec<String> {
    labelled(file).into_iter().filter(|r| r.risky).map(|r| r.text).collect()
}

fn describe(group: &str, peers: &Peers, texts: &[String]) {
    let bytes: usize = texts.iter().map(String::len).sum();
    let hits: usize = texts.iter().map(|t| peers.lexicon_only.scan(t).hits.len()).sum();
    eprintln!(
        "{group}: {} text(s), {bytes} bytes (mean {:.0}), {hits} prescreen lexicon hits ({:.2} per KiB)",
        texts.len(),
        bytes as f64 / texts.len() as f64,
        hits as f64 * 1024.0 / bytes as f64
    );
}

fn short(c: &mut Criterion) {
    let peers = Peers::new();
    let sets = [
        ("short_benign_zh", false, short_texts("cn_benign_dev.txt", 1000)),
        ("short_benign_en", true, short_texts("en_benign_dev.txt", 1000)),
        ("short_risky_zh", false, risky("cn_labelled_dev.jsonl")),
        ("short_risky_en", true, risky("en_labelled_dev.jsonl")),
    ];
    for (name, english, texts) in sets {
        if texts.is_empty() {
            eprintln!("{name}: skipped (no data in {})", texts::DATA);
            continue;
        }
        let name = format!("peers_{name}");
        describe(&name, &peers, &texts);
        let mut group = c.benchmark_group(&name);
        // Per-text cost: criterion's time per iteration ÷ texts.len().
        group.throughput(Throughput::Elements(texts.len() as u64));
        group.sampling_mode(SamplingMode::Flat).sample_size(10);
        for (id, scan) in peers.contestants(english) {
            group.bench_function(id, |b| b.iter(|| texts.iter().map(|t| scan(black_box(t))).sum::<usize>()));
        }
        group.finish();
    }
}

fn long(c: &mut Criterion) {
    let peers = Peers::new();
    let sets = [
        ("long_benign_zh", false, cycle_to(&lines("cn_benign_dev.txt"), LONG)),
        ("long_benign_en", true, cycle_to(&lines("en_benign_dev.txt"), LONG)),
        ("long_risky_zh", false, cycle_to(&risky("cn_labelled_dev.jsonl"), LONG)),
        ("long_risky_en", true, cycle_to(&risky("en_labelled_dev.jsonl"), LONG)),
    ];
    for (name, english, text) in sets {
        if text.is_empty() {
            eprintln!("{name}: skipped (no data in {})", texts::DATA);
            continue;
        }
        let name = format!("peers_{name}");
        describe(&name, &peers, std::slice::from_ref(&text));
        let mut group = c.benchmark_group(&name);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.sampling_mode(SamplingMode::Flat).sample_size(10);
        for (id, scan) in peers.contestants(english) {
            group.bench_function(id, |b| b.iter(|| scan(black_box(&text))));
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(3));
    targets = short, long
}
criterion_main!(benches);
