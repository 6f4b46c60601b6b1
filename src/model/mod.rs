//! The learned scorer: a small hashed logistic-regression model for implicit risk that the
//! lexicon alone misses (abuse without profanity, stereotypes, spam).
//!
//! Its features come from the folded text the matcher sees ([`features`]), so each one maps back
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
use features::{Extractor, Occurrence};

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
    /// One pass over the features sums every head's weights and keeps the occurrences; the
    /// explanation then looks only at the winning head: a histogram of its (8-bit) weights gives
    /// the cut-off of the top [`TOP_FEATURES`], and only occurrences at or above it are ranked.
    /// Measured with callgrind on 100-char Chinese texts: sorting every occurrence cost more than
    /// the features themselves.
    pub(crate) fn judge(&self, text: &str, view: &View, segmenter: &Segmenter, hits: &[Hit]) -> Judgement {
        let k = self.heads.len();
        let mut sums = vec![0i32; k];
        let mut occurrences: Vec<Occurrence> = Vec::with_capacity(view.units.len() * self.extractor.max_ngram as usize + 8);
        let weights = &self.weights;
        if k == 2 {
            // The default model's shape, unrolled (the generic loop below costs twice as much).
            let (mut s0, mut s1) = (0i32, 0i32);
            self.extractor.each(view, segmenter, hits, &mut |o: Occurrence| {
                let b = o.bucket as usize * 2;
                s0 += weights[b] as i32;
                s1 += weights[b + 1] as i32;
                occurrences.push(o);
            });
            sums = vec![s0, s1];
        } else {
            self.extractor.each(view, segmenter, hits, &mut |o: Occurrence| {
                for (sum, &w) in sums.iter_mut().zip(&weights[o.bucket as usize * k..][..k]) {
                    *sum += w as i32;
                }
                occurrences.push(o);
            });
        }
        let norm = norm(occurrences.len());
        let (head, probability) = sums
            .iter()
            .zip(&self.heads)
            .map(|(&s, h)| {
                let z = h.bias as f64 + h.scale as f64 * s as f64 * norm;
                sigmoid(h.platt_a as f64 * z + h.platt_b as f64)
            })
            .enumerate()
            .fold((0, -1.0), |best, (i, p)| if p > best.1 { (i, p) } else { best });
        let h = &self.heads[head];
        // A feature's contribution to the calibrated logit is `unit` × its stored weight; only
        // positive contributions explain.
        let unit = h.platt_a as f64 * h.scale as f64 * norm;
        let sign: i32 = if unit > 0.0 { 1 } else if unit < 0.0 { -1 } else { 0 };
        let key = |o: &Occurrence| sign * self.weights[o.bucket as usize * k + head] as i32;
        let top = top_features(&occurrences, key);
        let top: Vec<(f64, u32, u32)> = top.iter().map(|&(key, s, e)| (unit.abs() * key as f64, s, e)).collect();
        let ranges: Vec<(usize, usize)> = top.iter().map(|c| (c.1 as usize, c.2 as usize)).collect();
        let features = top
            .iter()
            .zip(spans(text, &ranges))
            .map(|(c, span)| ModelFeature {
                text: text[span.byte[0]..span.byte[1]].to_string(),
                weight: crate::score::round(c.0),
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

/// The [`TOP_FEATURES`] largest positive keys `(key, start, end)` of the occurrences, largest
/// first, ties by span, one per span (the larger key). Keys are stored 8-bit weights (times ±1),
/// so a histogram finds the smallest key that can make the list; only occurrences at or above it
/// are ranked.
fn top_features(occurrences: &[Occurrence], key: impl Fn(&Occurrence) -> i32) -> Vec<(i32, u32, u32)> {
    let mut histogram = [0u32; 129];
    for o in occurrences {
        let k = key(o);
        if k > 0 {
            histogram[k.min(128) as usize] += 1;
        }
    }
    let mut cut = 1;
    let mut above = 0;
    for k in (1..=128).rev() {
        above += histogram[k];
        if above >= TOP_FEATURES as u32 {
            cut = k as i32;
            break;
        }
    }
    let rank = |cut: i32| {
        let mut ranked: Vec<(i32, u32, u32)> =
            occurrences.iter().map(|o| (key(o), o.start, o.end)).filter(|c| c.0 >= cut).collect();
        ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
        let mut top: Vec<(i32, u32, u32)> = Vec::with_capacity(TOP_FEATURES);
        for c in ranked {
            if top.len() == TOP_FEATURES {
                break;
            }
            if !top.iter().any(|t| (t.1, t.2) == (c.1, c.2)) {
                top.push(c);
            }
        }
        top
    };
    let top = rank(cut);
    // Spans seen twice (a hit's term and its category) may leave the list short: rank them all.
    if top.len() < TOP_FEATURES && cut > 1 {
        rank(1)
    } else {
        top
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

    /// The bounded selection gives what sorting everything would: the largest contribution per
    /// span, largest first, ties by span.
    #[test]
    fn top_features_match_a_full_sort() {
        let mut seed = 7u64;
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % m) as u32
        };
        for _ in 0..500 {
            let n = next(40) as usize;
            let items: Vec<(i32, u32, u32)> = (0..n).map(|_| (next(9) as i32 - 4, next(6), next(6) + 6)).collect();
            let mut want: Vec<(i32, u32, u32)> = items.iter().copied().filter(|c| c.0 > 0).collect();
            want.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
            let mut seen = std::collections::HashSet::new();
            want.retain(|c| seen.insert((c.1, c.2)));
            want.truncate(TOP_FEATURES);
            let occurrences: Vec<Occurrence> = items.iter().map(|&(_, s, e)| Occurrence { bucket: 0, start: s, end: e }).collect();
            let key = |o: &Occurrence| items[occurrences.iter().position(|p| std::ptr::eq(p, o)).unwrap()].0;
            assert_eq!(top_features(&occurrences, key), want);
        }
    }
}
