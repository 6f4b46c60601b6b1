//! Scan and build speed, with a bare `aho-corasick` overlapping scan of the same patterns on the
//! same texts as the floor, in the same group and run.
//!
//! Texts come from ../shared/data (real news, reviews, novels, SMS); the bench skips a group when
//! the data folder is absent. Run: `cargo bench --bench scan`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use prescreen::{Lexicon, Screener};

mod texts;
use texts::{bare_automaton, bare_scan, long_text, short_texts, synthetic};

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    for n in [1_000, 10_000, 100_000] {
        let lexicon = synthetic(n);
        group.bench_with_input(BenchmarkId::new("screener", n), &lexicon, |b, l| {
            b.iter(|| Screener::new(black_box(l.clone())).unwrap())
        });
    }
    group.bench_function("default_lexicon_parse_and_compile", |b| b.iter(Screener::default));
    group.finish();
}

/// The default lexicon without the learned scorer: the engine of the core issue's targets (the
/// model is measured on its own in `benches/model.rs`).
fn lexicon_only() -> Screener {
    warm(Screener::with_model(Lexicon::default_lexicon(), None).unwrap())
}

/// Steady state: the automata as DFAs and jieba loaded (a new screener builds them on need).
fn warm(screener: Screener) -> Screener {
    screener.warm_up();
    screener
}

fn scan_short(c: &mut Criterion) {
    let screener = warm(Screener::default());
    let plain = lexicon_only();
    let ac = bare_automaton(screener.lexicon());
    for (name, file) in [("zh", "cn_benign_dev.txt"), ("en", "en_benign_dev.txt")] {
        let texts = short_texts(file, 1000);
        if texts.is_empty() {
            continue;
        }
        let bytes: usize = texts.iter().map(String::len).sum();
        let mut group = c.benchmark_group(format!("short_benign_{name}"));
        group.throughput(Throughput::Elements(texts.len() as u64));
        group.bench_function("prescreen", |b| {
            b.iter(|| texts.iter().map(|t| screener.scan(black_box(t)).hits.len()).sum::<usize>())
        });
        group.bench_function("prescreen_lexicon_only", |b| {
            b.iter(|| texts.iter().map(|t| plain.scan(black_box(t)).hits.len()).sum::<usize>())
        });
        group.bench_function("bare_aho_corasick", |b| {
            b.iter(|| texts.iter().map(|t| bare_scan(&ac, black_box(t))).sum::<usize>())
        });
        group.finish();
        let _ = bytes;
    }
    // The 10k-term target: a short benign text against a 10k-term lexicon.
    let big = warm(Screener::with_model(synthetic(10_000), None).unwrap());
    let texts = short_texts("cn_benign_dev.txt", 1000);
    if !texts.is_empty() {
        let mut group = c.benchmark_group("short_benign_zh_10k_terms");
        group.throughput(Throughput::Elements(texts.len() as u64));
        group.bench_function("prescreen", |b| {
            b.iter(|| texts.iter().map(|t| big.scan(black_box(t)).hits.len()).sum::<usize>())
        });
        group.finish();
    }
}

fn scan_long(c: &mut Criterion) {
    let screener = warm(Screener::default());
    let plain = lexicon_only();
    let ac = bare_automaton(screener.lexicon());
    for (name, file) in [("zh", "cn_benign_dev.txt"), ("en", "en_benign_dev.txt")] {
        let text = long_text(file, 1 << 20);
        if text.is_empty() {
            continue;
        }
        let mut group = c.benchmark_group(format!("long_benign_{name}"));
        group.sample_size(10);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("prescreen", |b| b.iter(|| screener.scan(black_box(&text)).hits.len()));
        group.bench_function("prescreen_lexicon_only", |b| b.iter(|| plain.scan(black_box(&text)).hits.len()));
        group.bench_function("bare_aho_corasick", |b| b.iter(|| bare_scan(&ac, black_box(&text))));
        group.finish();
    }
}

fn scan_dense(c: &mut Criterion) {
    let screener = warm(Screener::default());
    let ac = bare_automaton(screener.lexicon());
    let unit = "出 冰 毒，加微信 vx123；f.u.c.k you @ss 傻逼 bing du 弓虽女干 一三八一二三四五六七八 ";
    let text = unit.repeat(200);
    let mut group = c.benchmark_group("dense_hits");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("prescreen", |b| b.iter(|| screener.scan(black_box(&text)).hits.len()));
    group.bench_function("bare_aho_corasick", |b| b.iter(|| bare_scan(&ac, black_box(&text))));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = scan_short, scan_long, scan_dense, build
}
criterion_main!(benches);
