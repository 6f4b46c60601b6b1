//! The result of a scan: plain data with serde derives, in exactly the JSON shape of the design
//! contract.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::lexicon::{EvasionSet, Signal};

/// What to do with a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Nothing worth a look.
    Pass,
    /// A person (or a heavier model) should look.
    Review,
    /// Clear enough to block.
    Block,
}

impl Decision {
    /// The name used in results.
    pub fn name(self) -> &'static str {
        match self {
            Decision::Pass => "pass",
            Decision::Review => "review",
            Decision::Block => "block",
        }
    }

    /// Parses `pass`, `review` or `block`.
    pub fn parse(s: &str) -> Option<Decision> {
        [Decision::Pass, Decision::Review, Decision::Block].into_iter().find(|d| d.name() == s)
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A range of the original text in three units, each end-exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    /// UTF-8 byte offsets.
    pub byte: [usize; 2],
    /// Unicode scalar value (Rust `char`) offsets.
    pub char: [usize; 2],
    /// UTF-16 code unit offsets (JavaScript string indices).
    pub utf16: [usize; 2],
}

/// Name and version of the lexicon that produced a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LexiconInfo {
    /// Lexicon name.
    pub name: String,
    /// Lexicon version.
    pub version: String,
}

/// A category's score and decision.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CategoryScore {
    /// Score in [0, 1].
    pub score: f64,
    /// Decision for this category under the profile's thresholds.
    pub decision: Decision,
}

/// A counted match of a term (or of a combination rule).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Term id (or rule id for a combination).
    pub term: String,
    /// Category id.
    pub category: String,
    /// Signal of this hit: an explicit term seen through a disguise or variant counts as implicit.
    pub signal: Signal,
    /// This hit's contribution.
    pub weight: f64,
    /// The original text of the match, disguise included.
    pub matched: String,
    /// The disguises the match saw through.
    pub via: EvasionSet,
    /// Policy clause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Where, in the original text.
    pub span: Span,
    /// The lexicon variant that matched, when it was not the term's own text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// For a combination rule: the term ids whose hits formed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<String>>,
}

/// Why a match was not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressReason {
    /// The match cuts through a longer word of the text (named in `detail`).
    Word,
    /// The match lies inside an allow phrase of the term (named in `detail`).
    Allow,
}

impl SuppressReason {
    /// The name used in results.
    pub fn name(self) -> &'static str {
        match self {
            SuppressReason::Word => "word",
            SuppressReason::Allow => "allow",
        }
    }
}

/// A match that was found but not counted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suppressed {
    /// Term id.
    pub term: String,
    /// Category id.
    pub category: String,
    /// The original text of the match.
    pub matched: String,
    /// Why it was not counted.
    pub reason: SuppressReason,
    /// The longer word or the allow phrase.
    pub detail: String,
    /// Where, in the original text.
    pub span: Span,
}

/// The verdict on one text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// `pass`, `review` or `block`.
    pub decision: Decision,
    /// Overall score in [0, 1] (the highest category score).
    pub score: f64,
    /// The lexicon used.
    pub lexicon: LexiconInfo,
    /// The profile whose thresholds were applied.
    pub profile: String,
    /// Categories with a score above 0.
    pub categories: BTreeMap<String, CategoryScore>,
    /// Signals with a score above 0.
    pub signals: BTreeMap<Signal, f64>,
    /// Counted hits, in order of `span.byte[0]`.
    pub hits: Vec<Hit>,
    /// Matches found but not counted.
    pub suppressed: Vec<Suppressed>,
    /// Hits of shadow terms and rules (`mode = "shadow"`), in the shape of `hits`: matched and
    /// reported, never counted in any score or decision. Left out of the JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shadow: Vec<Hit>,
    /// What the verdict would be if the shadow terms and rules were live; there when `shadow`
    /// is not empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shadow_outcome: Option<ShadowOutcome>,
    /// The learned scorer's judgement, when a model is on (see [`crate::Model`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelVerdict>,
    /// Set when the text was longer than the screener's input cap and only its beginning was
    /// scanned (by [`crate::Screener::scan`]; [`crate::Screener::try_scan`] refuses instead).
    /// Such a verdict is never `pass`: a text nobody read to the end goes to review.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated: Option<Truncated>,
}

/// How much of an over-long text was scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Truncated {
    /// The text's length in UTF-8 bytes.
    pub len: usize,
    /// The bytes scanned: the longest prefix within the cap that ends on a char boundary.
    /// Spans index the original text and all lie inside this prefix.
    pub scanned: usize,
}

/// The decision, score and categories a text would get with the shadow terms and rules live.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShadowOutcome {
    /// Decision if the shadow terms were live.
    pub decision: Decision,
    /// Overall score if the shadow terms were live.
    pub score: f64,
    /// Categories with a score above 0 if the shadow terms were live.
    pub categories: BTreeMap<String, CategoryScore>,
}

/// The learned scorer's judgement on a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelVerdict {
    /// Calibrated probability in [0, 1] that the text is risky in `category`.
    pub score: f64,
    /// The category of the model head that scored highest.
    pub category: String,
    /// What the model alone would decide (its own review/block thresholds), for evaluation;
    /// the verdict's `decision` combines this evidence with the lexicon's.
    pub decision: Decision,
    /// The largest positive contributions, largest first.
    pub features: Vec<ModelFeature>,
}

/// One feature that pushed the model's score up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelFeature {
    /// The original text the feature covers (exactly the slice `span.byte`).
    pub text: String,
    /// Its contribution to the calibrated log-odds.
    pub weight: f64,
    /// Where, in the original text.
    pub span: Span,
}

impl Verdict {
    /// Whether a hit of this term id was counted.
    pub fn has_hit(&self, term: &str) -> bool {
        self.hits.iter().any(|h| h.term == term)
    }

    /// Whether a shadow hit of this term id was reported.
    pub fn has_shadow_hit(&self, term: &str) -> bool {
        self.shadow.iter().any(|h| h.term == term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the JS adapter packs (src/wasm.rs) are the JSON's.
    #[test]
    fn names_are_the_json_names() {
        for d in [Decision::Pass, Decision::Review, Decision::Block] {
            assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{}\"", d.name()));
        }
        for r in [SuppressReason::Word, SuppressReason::Allow] {
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{}\"", r.name()));
        }
    }
}
