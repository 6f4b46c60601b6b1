//! What the learned scorer costs: short texts scanned with the default model and without it
//! (the difference is the model's extra cost per text), Chinese and English: one flagged text
//! each (the model builds its explanation) and 1,000 100-char benign texts cut from
//! ../shared/data (the common case; skipped when the data folder is absent).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use prescreen::{Lexicon, Model, Screener};

mod texts;
use texts::short_texts as cut_texts;

const SHORT_ZH: &str = "河南人素质真差，滚回老家去";
const SHORT_EN: &str = "you are such an idiot lol";

fn short_texts(c: &mut Criterion) {
    let with = Screener::with_model(Lexicon::default_lexicon(), Some(Model::default_model())).unwrap();
    let without = Screener::with_model(Lexicon::default_lexicon(), None).unwrap();
    // Steady state: DFAs built, jieba loaded.
    with.warm_up();
    without.warm_up();
    let mut group = c.benchmark_group("model_extra_cost_short_text");
    group.throughput(Throughput::Elements(1));
    for (lang, text) in [("zh", SHORT_ZH), ("en", SHORT_EN)] {
        group.bench_function(format!("{lang}/lexicon_only"), |b| b.iter(|| without.scan(black_box(text))));
        group.bench_function(format!("{lang}/lexicon_and_model"), |b| b.iter(|| with.scan(black_box(text))));
    }
    group.finish();

    for (lang, file) in [("zh", "cn_benign_dev.txt"), ("en", "en_benign_dev.txt")] {
        let texts = cut_texts(file, 1000);
        if texts.is_empty() {
            continue;
        }
        let mut group = c.benchmark_group(format!("model_extra_cost_100_chars_{lang}"));
        group.throughput(Throughput::Elements(texts.len() as u64));
        group.bench_function("lexicon_only", |b| {
            b.iter(|| texts.iter().map(|t| without.scan(black_box(t)).hits.len()).sum::<usize>())
        });
        group.bench_function("lexicon_and_model", |b| {
            b.iter(|| texts.iter().map(|t| with.scan(black_box(t)).hits.len()).sum::<usize>())
        });
        group.finish();
    }
}

fn load(c: &mut Criterion) {
    c.bench_function("model_load_default_from_bytes", |b| b.iter(Model::default_model));
}

criterion_group!(benches, short_texts, load);
criterion_main!(benches);
