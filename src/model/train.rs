//! Training a [`Model`]: hashed features, class-balanced logistic regression trained with
//! AdaGrad, int8 quantization, then Platt calibration and thresholds chosen on a held-apart
//! validation split. Pure computation, no I/O (the CLI reads the files): deterministic for a
//! given seed, so the same data and seed give a byte-identical model file.
//!
//! ```
//! use prescreen::model::train::{train, Example, TrainOptions};
//! let screener = prescreen::Screener::with_model(prescreen::Lexicon::default_lexicon(), None)?;
//! let mut examples = Vec::new();
//! for i in 0..40 {
//!     examples.push(Example { text: format!("you are a stupid idiot {i}"), target: Some(0) });
//!     examples.push(Example { text: format!("have a lovely day {i}"), target: None });
//! }
//! let options = TrainOptions { heads: vec!["hate".into()], epochs: 3, ..TrainOptions::default() };
//! let trained = train(&screener, &examples, &options, &mut |_| {})?;
//! assert!(trained.report.overall.auc > 0.9);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use super::features::{self, Extractor};
use super::{norm, sigmoid, Head, Model};
use crate::normalize::is_han;
use crate::Screener;

/// One labelled text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The text.
    pub text: String,
    /// Index (into [`TrainOptions::heads`]) of the head this text is a positive of; `None` for a
    /// benign text.
    pub target: Option<usize>,
}

/// Knobs of a training run. `TrainOptions::default()` is what the default model uses.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    /// Category of each head (e.g. `["hate", "fraud"]`).
    pub heads: Vec<String>,
    /// Seed for the validation split and the example order.
    pub seed: u64,
    /// Passes over the training split.
    pub epochs: u32,
    /// Fraction of the examples held apart for calibration, thresholds and the metrics.
    pub valid: f64,
    /// Hash space: 2^bits buckets.
    pub bits: u8,
    /// Longest character n-gram (0: no character n-grams).
    pub max_ngram: u8,
    /// Word features (jieba for Han runs, UAX #29 elsewhere).
    pub words: bool,
    /// Use jieba word features for Chinese runs.
    pub han_words: bool,
    /// Lexicon hits (term id and category) as features.
    pub lexicon_hits: bool,
    /// AdaGrad learning rate.
    pub learning_rate: f64,
    /// L2 penalty, applied to the weights an example touches.
    pub l2: f64,
    /// Quantized weights with a smaller magnitude are dropped (keeps the file small).
    pub prune: u8,
    /// Calibrated probability at or above which the model alone may block.
    pub block: f64,
    /// Review threshold; `None`: the one with the best F1 on the validation split among those
    /// with at least `min_precision`.
    pub review: Option<f64>,
    /// Precision floor when choosing the review threshold.
    pub min_precision: f64,
}

impl Default for TrainOptions {
    fn default() -> TrainOptions {
        TrainOptions {
            heads: vec!["hate".into()],
            seed: 1,
            epochs: 6,
            valid: 0.1,
            bits: 18,
            max_ngram: 3,
            words: true,
            han_words: true,
            lexicon_hits: true,
            learning_rate: 0.1,
            l2: 1e-5,
            prune: 2,
            block: 0.97,
            review: None,
            min_precision: 0.0,
        }
    }
}

/// What a training run reports as it goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Progress {
    /// Feature extraction: `done` of `total` texts.
    Features {
        /// Texts done.
        done: usize,
        /// Texts in all.
        total: usize,
    },
    /// An epoch finished with this mean (class-weighted) log-loss on the training split.
    Epoch {
        /// 1-based epoch number.
        epoch: u32,
        /// Mean training loss.
        loss: f64,
    },
}

/// Why training could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainError(pub String);

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TrainError {}

/// Validation figures of one head (one-vs-rest), or of the model as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    /// Head category, or `any` for the whole model.
    pub category: String,
    /// Positives in the validation split.
    pub positives: usize,
    /// Negatives in the validation split.
    pub negatives: usize,
    /// Review threshold (calibrated probability).
    pub threshold: f64,
    /// Precision at the review threshold.
    pub precision: f64,
    /// Recall at the review threshold.
    pub recall: f64,
    /// F1 at the review threshold.
    pub f1: f64,
    /// Area under the ROC curve.
    pub auc: f64,
}

/// The validation report of a training run.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Texts trained on.
    pub train: usize,
    /// Texts held apart.
    pub valid: usize,
    /// Per head.
    pub heads: Vec<Metrics>,
    /// Any head at or above its review threshold, against any positive.
    pub overall: Metrics,
    /// Buckets with a non-zero weight after quantization.
    pub non_zero: usize,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "trained on {} texts, validated on {}; {} non-zero buckets",
            self.train, self.valid, self.non_zero
        )?;
        writeln!(
            f,
            "{:<10} {:>6} {:>6} {:>9} {:>9} {:>7} {:>7} {:>7}",
            "head", "pos", "neg", "threshold", "precision", "recall", "F1", "AUC"
        )?;
        for m in self.heads.iter().chain(std::iter::once(&self.overall)) {
            let threshold =
                if std::ptr::eq(m, &self.overall) { "per head".to_string() } else { format!("{:.3}", m.threshold) };
            writeln!(
                f,
                "{:<10} {:>6} {:>6} {:>9} {:>9.3} {:>7.3} {:>7.3} {:>7.3}",
                m.category, m.positives, m.negatives, threshold, m.precision, m.recall, m.f1, m.auc
            )?;
        }
        Ok(())
    }
}

/// A trained model and its validation report.
#[derive(Debug, Clone)]
pub struct Trained {
    /// The model.
    pub model: Model,
    /// Validation figures.
    pub report: Report,
}

/// SplitMix64: a tiny, well-known generator, so the shuffle never depends on a crate version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// A sparse feature vector: (bucket, value), buckets ascending.
type Sparse = Vec<(u32, f32)>;

fn vectorize(buckets: &mut [u32]) -> Sparse {
    let n = norm(buckets.len()) as f32;
    buckets.sort_unstable();
    let mut out: Sparse = Vec::with_capacity(buckets.len());
    for &b in buckets.iter() {
        match out.last_mut() {
            Some(last) if last.0 == b => last.1 += n,
            _ => out.push((b, n)),
        }
    }
    out
}

/// Trains a model on `examples`, using `screener` (build it without a model) for folding,
/// segmentation and lexicon hits.
pub fn train(
    screener: &Screener,
    examples: &[Example],
    options: &TrainOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Trained, TrainError> {
    let k = options.heads.len();
    if k == 0 || k > 16 {
        return Err(TrainError(format!("{k} heads asked for (1..=16 allowed)")));
    }
    if let Some(h) = options.heads.iter().find(|h| h.is_empty() || h.len() > 255) {
        return Err(TrainError(format!("bad head category {h:?}")));
    }
    if !(10..=24).contains(&options.bits) || options.max_ngram > 5 {
        return Err(TrainError("bits must be in 10..=24 and max_ngram in 0..=5".into()));
    }
    if !(0.0..1.0).contains(&options.valid) {
        return Err(TrainError(format!("validation fraction {} is not in [0, 1)", options.valid)));
    }
    if let Some(e) = examples.iter().find(|e| e.target.is_some_and(|t| t >= k)) {
        return Err(TrainError(format!("example {:?} targets head {:?}, but there are {k} heads", e.text, e.target)));
    }
    let mut flags = 0;
    if options.max_ngram > 0 {
        flags |= features::CHARS | features::NGRAM_MIX;
    }
    if options.words {
        flags |= features::WORDS;
    }
    if options.han_words {
        flags |= features::HAN_WORDS;
    }
    if options.lexicon_hits {
        flags |= features::HITS;
    }
    let extractor = Extractor { bits: options.bits, flags, max_ngram: options.max_ngram.max(1) };

    // Features.
    let total = examples.len();
    let mut xs: Vec<Sparse> = Vec::with_capacity(total);
    for (i, e) in examples.iter().enumerate() {
        let mut buckets: Vec<u32> =
            screener.feature_occurrences(&e.text, &extractor).iter().map(|o| o.bucket).collect();
        xs.push(vectorize(&mut buckets));
        if (i + 1) % 2000 == 0 || i + 1 == total {
            progress(Progress::Features { done: i + 1, total });
        }
    }

    // Split.
    let mut rng = Rng(options.seed);
    let mut order: Vec<usize> = (0..total).collect();
    rng.shuffle(&mut order);
    let n_valid = ((total as f64) * options.valid).round() as usize;
    let (valid, train_set) = order.split_at(n_valid);
    let mut train_set = train_set.to_vec();
    if train_set.is_empty() {
        return Err(TrainError("no examples left to train on".into()));
    }
    for head in 0..k {
        if !train_set.iter().any(|&i| examples[i].target == Some(head)) {
            return Err(TrainError(format!("head `{}` has no positive example to train on", options.heads[head])));
        }
    }

    // Class weights, balanced within each script group (texts with Han characters, others): the
    // English data is 78 % positive, the Chinese about even; unbalanced, the model would learn
    // "English is risky".
    let group = |i: usize| examples[i].text.chars().any(is_han) as usize;
    let mut counts = [[0usize; 2]; 2];
    for &i in &train_set {
        counts[group(i)][examples[i].target.is_some() as usize] += 1;
    }
    let class_weight = |g: usize, pos: bool| -> f32 {
        let [neg, posn] = counts[g];
        let n = (neg + posn) as f32;
        let c = if pos { posn } else { neg } as f32;
        if neg == 0 || posn == 0 {
            1.0
        } else {
            n / (2.0 * c)
        }
    };

    // Logistic regression per head, AdaGrad.
    let size = 1usize << options.bits;
    let mut w = vec![0f32; size * k];
    let mut acc = vec![0f32; size * k];
    let mut bias = vec![0f32; k];
    let mut bias_acc = vec![0f32; k];
    let (lr, l2) = (options.learning_rate as f32, options.l2 as f32);
    const EPS: f32 = 1e-6;
    for epoch in 1..=options.epochs {
        rng.shuffle(&mut train_set);
        let mut loss = 0f64;
        let mut weight_sum = 0f64;
        for &i in &train_set {
            let x = &xs[i];
            let sw = class_weight(group(i), examples[i].target.is_some());
            for head in 0..k {
                let y = (examples[i].target == Some(head)) as u8 as f32;
                let z = bias[head] + x.iter().map(|&(b, v)| w[b as usize * k + head] * v).sum::<f32>();
                let p = sigmoid(z as f64) as f32;
                loss += sw as f64 * -((if y > 0.5 { p } else { 1.0 - p }).max(1e-7) as f64).ln();
                weight_sum += sw as f64;
                let g = (p - y) * sw;
                for &(b, v) in x {
                    let j = b as usize * k + head;
                    let grad = g * v + l2 * w[j];
                    acc[j] += grad * grad;
                    w[j] -= lr * grad / (acc[j] + EPS).sqrt();
                }
                bias_acc[head] += g * g;
                bias[head] -= lr * g / (bias_acc[head] + EPS).sqrt();
            }
        }
        progress(Progress::Epoch { epoch, loss: loss / weight_sum.max(1e-9) });
    }

    // Quantize: one scale per head from a high percentile of the magnitudes (a few outliers
    // would otherwise squash every other weight to zero); larger weights saturate at ±127.
    let mut heads = Vec::with_capacity(k);
    let mut weights = vec![0i8; size * k];
    for head in 0..k {
        let mut mags: Vec<f32> = (0..size).map(|b| w[b * k + head].abs()).filter(|&m| m > 0.0).collect();
        mags.sort_unstable_by(f32::total_cmp);
        let top = mags.get(((mags.len() as f64) * 0.9995) as usize).or(mags.last()).copied().unwrap_or(1.0);
        let scale = (top / 127.0).max(1e-9);
        for b in 0..size {
            let q = (w[b * k + head] / scale).round().clamp(-127.0, 127.0) as i8;
            if q.unsigned_abs() >= options.prune.max(1) {
                weights[b * k + head] = q;
            }
        }
        heads.push(Head {
            category: options.heads[head].clone(),
            scale,
            bias: bias[head],
            platt_a: 1.0,
            platt_b: 0.0,
            review: 0.5,
            block: options.block as f32,
        });
    }
    let mut model = Model { extractor, heads, weights: weights.into_boxed_slice() };
    let non_zero = (0..size).filter(|&b| model.weights[b * k..][..k].iter().any(|&q| q != 0)).count();

    // Calibrate and choose thresholds on the validation split, with the quantized weights that
    // ship. Without a validation split, keep raw probabilities and a 0.5 threshold.
    let raws: Vec<Vec<f64>> = valid
        .iter()
        .map(|&i| {
            // The same sum as `Model::raw`, from the sparse vector.
            model
                .heads
                .iter()
                .enumerate()
                .map(|(h, head)| {
                    let s: f64 = xs[i].iter().map(|&(b, v)| model.weights[b as usize * k + h] as f64 * v as f64).sum();
                    head.bias as f64 + head.scale as f64 * s
                })
                .collect()
        })
        .collect();
    let mut head_metrics = Vec::with_capacity(k);
    let mut probs: Vec<Vec<f64>> = vec![Vec::new(); valid.len()];
    for head in 0..k {
        let labels: Vec<bool> = valid.iter().map(|&i| examples[i].target == Some(head)).collect();
        let z: Vec<f64> = raws.iter().map(|r| r[head]).collect();
        let (a, b) =
            if labels.iter().any(|&l| l) && labels.iter().any(|&l| !l) { platt(&z, &labels) } else { (1.0, 0.0) };
        let p: Vec<f64> = z.iter().map(|&z| sigmoid(a * z + b)).collect();
        // Never below 0.5: the model alone asks for review only when risk is likelier than not
        // (the spam head, with few validation positives, otherwise picks thresholds near 0.3).
        let threshold = options.review.unwrap_or_else(|| best_threshold(&p, &labels, options.min_precision).max(0.5));
        let h = &mut model.heads[head];
        h.platt_a = a as f32;
        h.platt_b = b as f32;
        h.review = f32_at_most(threshold);
        h.block = (options.block as f32).max(h.review);
        for (row, &pv) in probs.iter_mut().zip(&p) {
            row.push(pv);
        }
        head_metrics.push(metrics(&options.heads[head], &p, &labels, h.review as f64));
    }
    // Overall: flagged when any head reaches its threshold; ranked by the best head's margin.
    let labels: Vec<bool> = valid.iter().map(|&i| examples[i].target.is_some()).collect();
    let flagged: Vec<bool> =
        probs.iter().map(|row| row.iter().zip(&model.heads).any(|(&p, h)| p >= h.review as f64)).collect();
    let ranking: Vec<f64> = probs
        .iter()
        .map(|row| row.iter().zip(&model.heads).map(|(&p, h)| p - h.review as f64).fold(f64::MIN, f64::max))
        .collect();
    let mut overall = metrics("any", &ranking, &labels, 0.0);
    let (precision, recall, f1) = prf(&flagged, &labels);
    overall.threshold = 0.0; // per head
    overall.precision = precision;
    overall.recall = recall;
    overall.f1 = f1;
    Ok(Trained {
        model,
        report: Report { train: train_set.len(), valid: valid.len(), heads: head_metrics, overall, non_zero },
    })
}

/// The largest f32 not above `x`: a threshold stored as f32 must not drop the texts it was
/// chosen to flag.
fn f32_at_most(x: f64) -> f32 {
    let y = x as f32;
    if (y as f64) > x && y > 0.0 {
        f32::from_bits(y.to_bits() - 1)
    } else {
        y
    }
}

/// Platt scaling: fits `sigmoid(a z + b)` to the labels by Newton's method, with Platt's
/// smoothed targets so a separable split does not drive `a` to infinity.
fn platt(z: &[f64], labels: &[bool]) -> (f64, f64) {
    let pos = labels.iter().filter(|&&l| l).count() as f64;
    let neg = labels.len() as f64 - pos;
    let (hi, lo) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
    let (mut a, mut b) = (1.0f64, 0.0f64);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
        for (&zi, &l) in z.iter().zip(labels) {
            let t = if l { hi } else { lo };
            let p = sigmoid(a * zi + b);
            let d = p - t;
            let s = p * (1.0 - p);
            ga += d * zi;
            gb += d;
            haa += s * zi * zi;
            hab += s * zi;
            hbb += s;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a -= da;
        b -= db;
        if da.abs() < 1e-9 && db.abs() < 1e-9 {
            break;
        }
    }
    (a, b)
}

fn prf(flagged: &[bool], labels: &[bool]) -> (f64, f64, f64) {
    let tp = flagged.iter().zip(labels).filter(|(&f, &l)| f && l).count() as f64;
    let fp = flagged.iter().zip(labels).filter(|(&f, &l)| f && !l).count() as f64;
    let fn_ = flagged.iter().zip(labels).filter(|(&f, &l)| !f && l).count() as f64;
    let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let recall = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    (precision, recall, f1)
}

/// The threshold with the best F1 among those whose precision is at least `min_precision`
/// (thresholds are the observed scores; ties go to the higher threshold).
fn best_threshold(p: &[f64], labels: &[bool], min_precision: f64) -> f64 {
    let mut idx: Vec<usize> = (0..p.len()).collect();
    idx.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    let total_pos = labels.iter().filter(|&&l| l).count() as f64;
    let (mut tp, mut fp) = (0.0, 0.0);
    let (mut best, mut best_f1) = (0.5, -1.0);
    for (n, &i) in idx.iter().enumerate() {
        if labels[i] {
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        if idx.get(n + 1).is_some_and(|&j| p[j] == p[i]) {
            continue;
        }
        let precision = tp / (tp + fp);
        let recall = if total_pos > 0.0 { tp / total_pos } else { 0.0 };
        let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
        if precision >= min_precision && f1 > best_f1 {
            best_f1 = f1;
            best = p[i];
        }
    }
    best
}

/// Area under the ROC curve (ties count half).
fn auc(scores: &[f64], labels: &[bool]) -> f64 {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum = 0.0;
    let mut n = 0;
    while n < idx.len() {
        let mut m = n;
        while m + 1 < idx.len() && scores[idx[m + 1]] == scores[idx[n]] {
            m += 1;
        }
        let rank = (n + m) as f64 / 2.0 + 1.0;
        rank_sum += idx[n..=m].iter().filter(|&&i| labels[i]).count() as f64 * rank;
        n = m + 1;
    }
    let pos = labels.iter().filter(|&&l| l).count() as f64;
    let neg = labels.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return f64::NAN;
    }
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

fn metrics(category: &str, p: &[f64], labels: &[bool], threshold: f64) -> Metrics {
    let flagged: Vec<bool> = p.iter().map(|&x| x >= threshold).collect();
    let (precision, recall, f1) = prf(&flagged, labels);
    let positives = labels.iter().filter(|&&l| l).count();
    Metrics {
        category: category.to_string(),
        positives,
        negatives: labels.len() - positives,
        threshold,
        precision,
        recall,
        f1,
        auc: auc(p, labels),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_of_a_perfect_and_a_reversed_ranking() {
        assert_eq!(auc(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]), 1.0);
        assert_eq!(auc(&[0.9, 0.8, 0.2, 0.1], &[false, false, true, true]), 0.0);
        assert_eq!(auc(&[0.5, 0.5], &[false, true]), 0.5);
    }
}
