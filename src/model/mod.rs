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

    /// Raw (uncalibrated) score of every head for these feature occurrences.
    fn raw(&self, occurrences: &[Occurrence]) -> Vec<f64> {
        let k = self.heads.len();
        let mut sums = vec![0i32; k];
        for o in occurrences {
            for (s, &w) in sums.iter_mut().zip(&self.weights[o.bucket as usize * k..][..k]) {
                *s += w as i32;
            }
        }
        let norm = norm(occurrences.len());
        self.heads.iter().zip(sums).map(|(h, s)| h.bias as f64 + h.scale as f64 * s as f64 * norm).collect()
    }

    /// Scores a folded text; `hits` are the lexicon's counted hits (features too).
    pub(crate) fn judge(&self, text: &str, view: &View, segmenter: &Segmenter, hits: &[Hit]) -> Judgement {
        let mut occurrences = Vec::with_capacity(view.units.len() * 4);
        self.extractor.extract(view, segmenter, hits, &mut occurrences);
        let raw = self.raw(&occurrences);
        let (head, probability) = raw
            .iter()
            .zip(&self.heads)
            .map(|(&z, h)| sigmoid(h.platt_a as f64 * z + h.platt_b as f64))
            .enumerate()
            .fold((0, -1.0), |best, (i, p)| if p > best.1 { (i, p) } else { best });
        let h = &self.heads[head];
        let k = self.heads.len();
        // Contribution of one occurrence to the calibrated logit.
        let unit = h.platt_a as f64 * h.scale as f64 * norm(occurrences.len());
        let mut top: Vec<(f64, u32, u32)> = occurrences
            .iter()
            .map(|o| (unit * self.weights[o.bucket as usize * k + head] as f64, o.start, o.end))
            .filter(|c| c.0 > 0.0)
            .collect();
        top.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
        top.dedup_by_key(|c| (c.1, c.2));
        top.truncate(TOP_FEATURES);
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

/// Feature values are counts scaled by 1/sqrt(n), so long and short texts score alike.
#[inline]
pub(crate) fn norm(n: usize) -> f64 {
    if n == 0 {
        0.0
    } else {
        1.0 / (n as f64).sqrt()
    }
}
