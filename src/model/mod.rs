//! The learned scorer: a small hashed logistic-regression model for implicit risk that the
//! lexicon alone misses (abuse without profanity, stereotypes, spam).
//!
//! Its features come from the folded text the matcher sees (`features.rs`), so each one maps back
//! to a span of the original text, and its score is a sum of per-feature weights: the verdict's
//! `model.features` lists the largest contributions with their spans. A model has one or more
//! *heads*, one risk category each (the default model: `hate` for offensive Chinese/English text
//! and `fraud` for spam), each with its own calibration and thresholds. See `docs/model.md` for
//! the file format, the calibration and the decision rule.
//!
//! ```
//! let model = prescreen::Model::default_model();
//! let bytes = model.to_bytes();
//! assert_eq!(prescreen::Model::from_bytes(&bytes).unwrap().to_bytes(), bytes);
//! assert!(matches!(prescreen::Model::from_bytes(b"nope"), Err(prescreen::ModelError::BadMagic)));
//! ```

pub(crate) mod features;
mod format;
pub mod train;

use crate::boundary::Segmenter;
use crate::normalize::View;
use crate::span::spans;
use crate::verdict::{Decision, Hit, ModelFeature, ModelVerdict};
use features::{Extractor, Occurrence, Sink};
use format::MAX_HEADS;

pub use format::{ModelError, MAGIC, VERSION};

/// How many top contributing features a verdict lists.
const TOP_FEATURES: usize = 8;

/// One head of a model: a category, its dequantization scale, and its calibration and
/// thresholds (on the calibrated probability).
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// Category id this head scores (e.g. `hate`).
    pub category: String,
    /// A stored weight `q: i8` stands for `q * scale`.
    pub scale: f32,
    /// Intercept of the raw score.
    pub bias: f32,
    /// Platt scaling: probability = sigmoid(`platt_a` × raw + `platt_b`).
    pub platt_a: f32,
    /// Platt scaling intercept.
    pub platt_b: f32,
    /// Calibrated probability at or above which the model alone asks for review.
    pub review: f32,
    /// Calibrated probability at or above which the model alone may block.
    pub block: f32,
}

/// A trained model: a hash space of quantized weights per head. Load one with
/// [`Model::from_bytes`] or take the embedded [`Model::default_model`].
#[derive(Clone, PartialEq)]
pub struct Model {
    pub(crate) extractor: Extractor,
    pub(crate) heads: Vec<Head>,
    /// Dense, `bucket * heads.len() + head`.
    pub(crate) weights: Box<[i8]>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("bits", &self.extractor.bits)
            .field("flags", &self.extractor.flags)
            .field("heads", &self.heads)
            .field("non_zero", &self.weights.iter().filter(|&&w| w != 0).count())
            .finish()
    }
}

/// The model file shipped in the crate (`data/model/default.bin`, built by
/// `scripts/train-default-model`).
static DEFAULT_MODEL: &[u8] = include_bytes!("../../data/model/default.bin");

/// What one text scores, before it becomes part of a verdict.
pub(crate) struct Judgement {
    pub head: usize,
    pub probability: f64,
    pub verdict: ModelVerdict,
}

pub(crate) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl Model {
    /// Reads a model file (see `docs/model.md`), checking magic bytes, version, ranges and the
    /// checksum.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        format::read(bytes)
    }

    /// The model file bytes: `Model::from_bytes(&m.to_bytes())` gives back `m`.
    pub fn to_bytes(&self) -> Vec<u8> {
        format::write(self)
    }

    /// The model embedded in the crate, trained on the project's public training data.
    pub fn default_model() -> Model {
        Model::from_bytes(DEFAULT_MODEL).expect("the embedded default model is well-formed (checked by the test suite)")
    }

    /// The heads, one per category.
    pub fn heads(&self) -> &[Head] {
        &self.heads
    }

    /// Number of hash buckets, as a power of two.
    pub fn bits(&self) -> u8 {
        self.extractor.bits
    }

    /// Scores a folded text; `hits` are the lexicon's counted hits (features too).
    ///
    /// One pass over the features sums every head's weights and, per head, keeps a bounded list
    /// of its [`TOP_FEATURES`] largest positive contributions ([`Top`]); the winning head's list is
    /// the explanation. No occurrence is stored: measured with callgrind on 100-char Chinese
    /// texts, collecting every occurrence and ranking them afterwards (a histogram of the 8-bit
    /// weights, then a sort above the cut) cost ≈ 6k instructions per text plus the vector.
    pub(crate) fn judge(&self, text: &str, view: &View, segmenter: &Segmenter, hits: &[Hit]) -> Judgement {
        let k = self.heads.len();
        // A feature's contribution to head `i`'s calibrated logit is `platt_a · scale · norm` (norm
        // > 0) times its stored weight: the sign of `platt_a · scale` says which weights explain.
        let mut signs = [0i32; MAX_HEADS];
        for (sign, h) in signs.iter_mut().zip(&self.heads) {
            let unit = h.platt_a as f64 * h.scale as f64;
            *sign = if unit > 0.0 { 1 } else if unit < 0.0 { -1 } else { 0 };
        }
        let (head, probability, norm, top) = if k == 2 {
            // The default model's shape, unrolled (the generic loop costs twice as much).
            let mut sink = TwoHeads { weights: &self.weights, signs: [signs[0], signs[1]], sums: [0; 2], tops: [Top::EMPTY; 2], n: 0 };
            self.extractor.each(view, segmenter, hits, &mut sink);
            let (head, probability, norm) = self.best_head(&sink.sums, sink.n);
            (head, probability, norm, sink.tops[head])
        } else {
            let mut sink = AnyHeads { weights: &self.weights, k, signs, sums: [0; MAX_HEADS], tops: [Top::EMPTY; MAX_HEADS], n: 0 };
            self.extractor.each(view, segmenter, hits, &mut sink);
            let (head, probability, norm) = self.best_head(&sink.sums[..k], sink.n);
            (head, probability, norm, sink.tops[head])
        };
        let h = &self.heads[head];
        let unit = (h.platt_a as f64 * h.scale as f64 * norm).abs();
        let top = top.as_slice();
        let mut ranges = [(0usize, 0usize); TOP_FEATURES];
        for (r, c) in ranges.iter_mut().zip(top) {
            *r = (c.1 as usize, c.2 as usize);
        }
        let features = top
            .iter()
            .zip(spans(text, &ranges[..top.len()]))
            .map(|(c, span)| ModelFeature {
                text: text[span.byte[0]..span.byte[1]].to_string(),
                weight: crate::score::round(unit * c.0 as f64),
                span,
            })
            .collect();
        let decision = if probability >= h.block as f64 {
            Decision::Block
        } else if probability >= h.review as f64 {
            Decision::Review
        } else {
            Decision::Pass
        };
        Judgement {
            head,
            probability,
            verdict: ModelVerdict { score: crate::score::round(probability), category: h.category.clone(), decision, features },
        }
    }

    /// The head with the highest calibrated probability for these sums of stored weights over
    /// `n` occurrences: `(head, probability, norm)`.
    fn best_head(&self, sums: &[i32], n: usize) -> (usize, f64, f64) {
        let norm = norm(n);
        let (head, probability) = sums
            .iter()
            .zip(&self.heads)
            .map(|(&s, h)| {
                let z = h.bias as f64 + h.scale as f64 * s as f64 * norm;
                sigmoid(h.platt_a as f64 * z + h.platt_b as f64)
            })
            .enumerate()
            .fold((0, -1.0), |best, (i, p)| if p > best.1 { (i, p) } else { best });
        (head, probability, norm)
    }

    /// Whether the model's probability reaches its head's block threshold (the model may then
    /// block on its own; below it, the model's evidence never turns review into block).
    pub(crate) fn may_block(&self, judgement: &Judgement) -> bool {
        judgement.probability >= self.heads[judgement.head].block as f64
    }

    /// The weight the model's evidence gets in the noisy-OR of its category, whose effective
    /// review/block thresholds are `review` and `block`; `None` below the head's review threshold.
    ///
    /// Between the head's review and block thresholds the weight rises from the category's
    /// review threshold to halfway towards its block threshold: alone, the model asks for review;
    /// with lexicon evidence of the same category it can reach block. At or above the head's block
    /// threshold the weight is the category's block threshold: the model alone blocks.
    pub(crate) fn evidence_weight(&self, judgement: &Judgement, review: f64, block: f64) -> Option<f64> {
        let h = &self.heads[judgement.head];
        let (p, lo, hi) = (judgement.probability, h.review as f64, h.block as f64);
        if p < lo {
            None
        } else if p >= hi {
            Some(block.min(1.0))
        } else {
            let t = ((p - lo) / (hi - lo).max(1e-9)).clamp(0.0, 1.0);
            // Strictly below halfway, so rounding never lets the model block alone.
            Some((review + (block - review) * 0.5 * t).min(block - 1e-6).max(0.0))
        }
    }
}

/// The scan's [`Sink`] for a two-head model (the default model's shape): sums both heads and
/// keeps both heads' top contributions.
struct TwoHeads<'a> {
    weights: &'a [i8],
    signs: [i32; 2],
    sums: [i32; 2],
    tops: [Top; 2],
    n: usize,
}

impl Sink for TwoHeads<'_> {
    #[inline(always)]
    fn push(&mut self, o: Occurrence) {
        let b = o.bucket as usize * 2;
        let row = &self.weights[b..b + 2]; // one bounds check for both heads
        let (w0, w1) = (row[0] as i32, row[1] as i32);
        self.sums[0] += w0;
        self.sums[1] += w1;
        self.n += 1;
        self.tops[0].offer(self.signs[0] * w0, o.start, o.end);
        self.tops[1].offer(self.signs[1] * w1, o.start, o.end);
    }
}

/// The scan's [`Sink`] for any number of heads.
struct AnyHeads<'a> {
    weights: &'a [i8],
    k: usize,
    signs: [i32; MAX_HEADS],
    sums: [i32; MAX_HEADS],
    tops: [Top; MAX_HEADS],
    n: usize,
}

impl Sink for AnyHeads<'_> {
    #[inline]
    fn push(&mut self, o: Occurrence) {
        let row = &self.weights[o.bucket as usize * self.k..][..self.k];
        for (((sum, top), &sign), &w) in self.sums.iter_mut().zip(self.tops.iter_mut()).zip(&self.signs).zip(row) {
            *sum += w as i32;
            top.offer(sign * w as i32, o.start, o.end);
        }
        self.n += 1;
    }
}

/// The [`TOP_FEATURES`] largest positive keys `(key, start, end)` offered so far, largest first,
/// ties by span, one per span (the larger key), kept as they come: no occurrence is stored.
///
/// Exact: a span dropped from the list had a key at or below the list's last entry, and that
/// bound only rises, so it could never come back with the key it had.
#[derive(Clone, Copy)]
struct Top {
    items: [(i32, u32, u32); TOP_FEATURES],
    len: usize,
}

impl Top {
    const EMPTY: Top = Top { items: [(0, 0, 0); TOP_FEATURES], len: 0 };

    fn as_slice(&self) -> &[(i32, u32, u32)] {
        &self.items[..self.len]
    }

    /// Whether `a` ranks before `b`: larger key, then earlier span.
    #[inline(always)]
    fn before(a: (i32, u32, u32), b: (i32, u32, u32)) -> bool {
        a.0 > b.0 || (a.0 == b.0 && (a.1, a.2) < (b.1, b.2))
    }

    #[inline(always)]
    fn offer(&mut self, key: i32, start: u32, end: u32) {
        // The common case, kept inline: a weight that explains nothing or cannot make the list.
        if key <= 0 || (self.len == TOP_FEATURES && !Top::before((key, start, end), self.items[TOP_FEATURES - 1])) {
            return;
        }
        self.insert((key, start, end));
    }

    /// Puts `c` in its place: over an entry of the same span with a smaller key (then moves it
    /// up), else at the end or over the last entry (then moves it up). Out of line: about 30
    /// offers per 100-char text get here, ≈ 100 instructions each (callgrind).
    #[inline(never)]
    fn insert(&mut self, c: (i32, u32, u32)) {
        let mut at = match self.items[..self.len].iter().position(|t| (t.1, t.2) == (c.1, c.2)) {
            Some(p) if self.items[p].0 >= c.0 => return,
            Some(p) => p,
            None if self.len < TOP_FEATURES => {
                self.len += 1;
                self.len - 1
            }
            None => TOP_FEATURES - 1,
        };
        self.items[at] = c;
        while at > 0 && Top::before(self.items[at], self.items[at - 1]) {
            self.items.swap(at, at - 1);
            at -= 1;
        }
    }
}

/// Feature values are counts scaled by 1/sqrt(n), so long and short texts score alike.
#[inline]
pub(crate) fn norm(n: usize) -> f64 {
    if n == 0 {
        0.0
    } else {
        1.0 / (n as f64).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generic sink (any number of heads) explains as the unrolled two-head one: the default
    /// model with a copy of its first head appended (a tie, so the copy never wins) gives the same
    /// model verdicts.
    #[test]
    fn any_heads_match_two_heads() {
        let two = Model::default_model();
        let mut three = two.clone();
        three.heads.push(two.heads[0].clone());
        three.weights = two.weights.chunks(2).flat_map(|row| [row[0], row[1], row[0]]).collect();
        let lexicon = crate::Lexicon::default_lexicon();
        let a = crate::Screener::with_model(lexicon.clone(), Some(two)).unwrap();
        let b = crate::Screener::with_model(lexicon, Some(three)).unwrap();
        for text in ["河南人素质真差，滚回老家去", "you are such an idiot lol", "今天天气很好", "call 0900 now to win £1000 cash prize", ""] {
            assert_eq!(a.scan(text).model, b.scan(text).model, "{text}");
        }
    }

    /// The bounded selection gives what sorting everything would: the largest contribution per
    /// span, largest first, ties by span.
    #[test]
    fn top_features_match_a_full_sort() {
        let mut seed = 7u64;
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % m) as u32
        };
        for _ in 0..2000 {
            let n = next(40) as usize;
            let items: Vec<(i32, u32, u32)> = (0..n).map(|_| (next(9) as i32 - 4, next(6), next(6) + 6)).collect();
            let mut want: Vec<(i32, u32, u32)> = items.iter().copied().filter(|c| c.0 > 0).collect();
            want.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
            let mut seen = std::collections::HashSet::new();
            want.retain(|c| seen.insert((c.1, c.2)));
            want.truncate(TOP_FEATURES);
            let mut top = Top::EMPTY;
            for &(key, s, e) in &items {
                top.offer(key, s, e);
            }
            assert_eq!(top.as_slice(), &want[..], "{items:?}");
        }
    }
}
