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

/// When a verdict's `model.features` lists the model's top contributions.
///
/// Building the list is a second pass over the text's features plus the spans and strings of up
/// to 8 of them: ≈ 12k instructions on a 100-char Chinese text (callgrind), where the rest of the
/// model's extra cost is ≈ 14k. On a text the model does not flag, the list explains a score that
/// changes nothing. So by default it is built when the model flags the text; a reviewer's view
/// (the demo page) asks for it always.
///
/// ```
/// use prescreen::{ModelFeatures, Screener};
/// let text = "今天天气不错，我们去公园散步吧。";
/// let screener = Screener::default();
/// assert_eq!(screener.model_features(), ModelFeatures::Flagged);
/// let quiet = screener.scan(text).model.unwrap();
/// assert!(quiet.decision == prescreen::Decision::Pass && quiet.features.is_empty());
/// let screener = screener.with_model_features(ModelFeatures::Always);
/// let explained = screener.scan(text).model.unwrap();
/// assert_eq!(explained.score, quiet.score);
/// assert!(!explained.features.is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModelFeatures {
    /// Only when the model alone would ask for review or block (the default).
    #[default]
    Flagged,
    /// On every scan, whatever the model's score.
    Always,
}

impl ModelFeatures {
    /// Both settings.
    pub const ALL: [ModelFeatures; 2] = [ModelFeatures::Flagged, ModelFeatures::Always];

    /// The setting's name (`flagged`, `always`), as the JS package and the CLI spell it.
    pub fn name(self) -> &'static str {
        match self {
            ModelFeatures::Flagged => "flagged",
            ModelFeatures::Always => "always",
        }
    }

    /// The setting of this name.
    pub fn parse(s: &str) -> Option<ModelFeatures> {
        ModelFeatures::ALL.into_iter().find(|m| m.name() == s)
    }
}

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

    /// Scores a folded text; `hits` are the lexicon's counted hits (features too). The
    /// explanation (`features`) is built when the model flags the text (review or block) or
    /// when `explain` is [`ModelFeatures::Always`]; otherwise it is empty.
    ///
    /// A first pass over the features only sums every head's weights. A text that needs its
    /// explanation gets a second pass for the winning head, which keeps a bounded list of its
    /// [`TOP_FEATURES`] largest positive contributions as they come ([`Top`]; no occurrence is
    /// stored). Measured with callgrind on 100-char Chinese texts: building the explanation on
    /// every scan (two top-8 checks per occurrence in the one pass, then spans and strings of 8
    /// features) was ≈ 12k of the model's ≈ 29k extra instructions per text (docs/model.md,
    /// "Cost").
    pub(crate) fn judge(
        &self,
        text: &str,
        view: &View,
        segmenter: &Segmenter,
        hits: &[Hit],
        explain: ModelFeatures,
    ) -> Judgement {
        let k = self.heads.len();
        let mut sums = [0i32; MAX_HEADS];
        let n = if k == 2 {
            // The default model's shape, unrolled (the generic loop costs twice as much).
            let mut sink = TwoSums { weights: &self.weights, sums: [0; 2], n: 0 };
            let units = &view.units;
            // A text of only ASCII letters and digits takes the short way natively. Not in
            // WASM: there it gained English nothing and cost Chinese 3-8 % (Node, builds
            // alternating, with the check inside or outside `judge`), though Chinese's native
            // instructions did not change.
            let latin = cfg!(not(target_arch = "wasm32")) && units.iter().all(|u| u.is_latin());
            if latin {
                self.extractor.latin_each(units, hits, &mut sink);
            } else {
                self.extractor.each(view, segmenter, hits, &mut sink);
            }
            sums[..2].copy_from_slice(&sink.sums);
            sink.n
        } else {
            let mut sink = AnySums { weights: &self.weights, k, sums: [0; MAX_HEADS], n: 0 };
            self.extractor.each(view, segmenter, hits, &mut sink);
            sums = sink.sums;
            sink.n
        };
        let (head, probability, norm) = self.best_head(&sums[..k], n);
        let h = &self.heads[head];
        let decision = if probability >= h.block as f64 {
            Decision::Block
        } else if probability >= h.review as f64 {
            Decision::Review
        } else {
            Decision::Pass
        };
        let features = if decision != Decision::Pass || explain == ModelFeatures::Always {
            self.explain(text, view, segmenter, hits, head, norm)
        } else {
            Vec::new()
        };
        Judgement {
            head,
            probability,
            verdict: ModelVerdict {
                score: crate::score::round(probability),
                category: h.category.clone(),
                decision,
                features,
            },
        }
    }

    /// The [`TOP_FEATURES`] largest positive contributions of head `head` to a text's calibrated
    /// log-odds (`norm`: the text's feature normalization), with their spans and texts.
    fn explain(
        &self,
        text: &str,
        view: &View,
        segmenter: &Segmenter,
        hits: &[Hit],
        head: usize,
        norm: f64,
    ) -> Vec<ModelFeature> {
        let h = &self.heads[head];
        // A feature's contribution to the calibrated logit is `platt_a · scale · norm` (norm > 0)
        // times its stored weight: the sign of `platt_a · scale` says which weights explain.
        let unit = h.platt_a as f64 * h.scale as f64;
        let sign = if unit > 0.0 {
            1
        } else if unit < 0.0 {
            -1
        } else {
            0
        };
        let mut sink = OneHead { weights: &self.weights, k: self.heads.len(), head, sign, top: Top::EMPTY };
        self.extractor.each(view, segmenter, hits, &mut sink);
        let unit = (unit * norm).abs();
        let top = sink.top.as_slice();
        let mut ranges = [(0usize, 0usize); TOP_FEATURES];
        for (r, c) in ranges.iter_mut().zip(top) {
            *r = (c.1 as usize, c.2 as usize);
        }
        top.iter()
            .zip(spans(text, &ranges[..top.len()]))
            .map(|(c, span)| ModelFeature {
                text: text[span.byte[0]..span.byte[1]].to_string(),
                weight: crate::score::round(unit * c.0 as f64),
                span,
            })
            .collect()
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

/// The first pass's [`Sink`] for a two-head model (the default model's shape): sums both heads.
struct TwoSums<'a> {
    weights: &'a [i8],
    sums: [i32; 2],
    n: usize,
}

impl Sink for TwoSums<'_> {
    const SPANS: bool = false;

    #[inline(always)]
    fn push(&mut self, o: Occurrence) {
        let b = o.bucket as usize * 2;
        let row = &self.weights[b..b + 2]; // one bounds check for both heads
        self.sums[0] += row[0] as i32;
        self.sums[1] += row[1] as i32;
        self.n += 1;
    }
}

/// The first pass's [`Sink`] for any number of heads.
struct AnySums<'a> {
    weights: &'a [i8],
    k: usize,
    sums: [i32; MAX_HEADS],
    n: usize,
}

impl Sink for AnySums<'_> {
    const SPANS: bool = false;

    #[inline]
    fn push(&mut self, o: Occurrence) {
        let row = &self.weights[o.bucket as usize * self.k..][..self.k];
        for (sum, &w) in self.sums.iter_mut().zip(row) {
            *sum += w as i32;
        }
        self.n += 1;
    }
}

/// The explanation's [`Sink`]: the top contributions of one head (`sign`: the sign of its
/// `platt_a · scale`).
struct OneHead<'a> {
    weights: &'a [i8],
    k: usize,
    head: usize,
    sign: i32,
    top: Top,
}

impl Sink for OneHead<'_> {
    #[inline(always)]
    fn push(&mut self, o: Occurrence) {
        let w = self.weights[o.bucket as usize * self.k + self.head] as i32;
        self.top.offer(self.sign * w, o.start, o.end);
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
        for text in [
            "河南人素质真差，滚回老家去",
            "you are such an idiot lol",
            "今天天气很好",
            "call 0900 now to win £1000 cash prize",
            "",
        ] {
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
