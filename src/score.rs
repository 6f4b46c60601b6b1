//! Scoring: hits → category and signal scores → decisions.
//!
//! A category's score is the noisy-OR of its contributions, `1 - Π(1 - w)`, where each term (or
//! rule) counts once with its highest-weight hit. Noisy-OR reads each weight as the probability
//! that this piece of evidence alone makes the text risky; independent evidence adds up but never
//! passes 1, and one strong hit outweighs many weak repeats of the same word. Signal scores are
//! the same sum taken per signal. The overall score is the highest category score.
//!
//! Decisions follow the category's thresholds (a profile may override them): `block` at or above
//! `block`, `review` at or above `review`. A category whose evidence is all `borderline` never
//! blocks: it caps at `review` — borderline terms deserve a look, not a block.

use std::collections::{BTreeMap, HashMap};

use crate::lexicon::{Category, Profile, Signal};
use crate::verdict::{CategoryScore, Decision};

/// One piece of evidence: a counted hit of a term or rule.
pub(crate) struct Evidence<'a> {
    pub id: &'a str,
    pub category: &'a str,
    pub signal: Signal,
    pub weight: f64,
}

/// Rounds a score for output, so results are stable to read and compare.
pub(crate) fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn noisy_or<'a>(weights: impl Iterator<Item = &'a f64>) -> f64 {
    1.0 - weights.fold(1.0, |acc, w| acc * (1.0 - w))
}

/// The scores and decisions of one text.
pub(crate) struct Scores {
    pub decision: Decision,
    pub score: f64,
    pub categories: BTreeMap<String, CategoryScore>,
    pub signals: BTreeMap<Signal, f64>,
}

pub(crate) fn score(evidence: &[Evidence<'_>], categories: &[Category], profile: Option<&Profile>) -> Scores {
    if evidence.is_empty() {
        return Scores { decision: Decision::Pass, score: 0.0, categories: BTreeMap::new(), signals: BTreeMap::new() };
    }
    // Highest weight per (category, id) and per (signal, id).
    let mut by_category: HashMap<&str, HashMap<&str, f64>> = HashMap::new();
    let mut strong: HashMap<&str, bool> = HashMap::new();
    let mut by_signal: BTreeMap<Signal, HashMap<&str, f64>> = BTreeMap::new();
    for e in evidence {
        let slot = by_category.entry(e.category).or_default().entry(e.id).or_insert(0.0);
        *slot = slot.max(e.weight);
        let slot = by_signal.entry(e.signal).or_default().entry(e.id).or_insert(0.0);
        *slot = slot.max(e.weight);
        *strong.entry(e.category).or_insert(false) |= e.signal != Signal::Borderline;
    }

    let mut out = Scores {
        decision: Decision::Pass,
        score: 0.0,
        categories: BTreeMap::new(),
        signals: BTreeMap::new(),
    };
    for category in categories {
        let Some(weights) = by_category.get(category.id.as_str()) else { continue };
        let score = noisy_or(weights.values());
        if score <= 0.0 {
            continue;
        }
        let overrides = profile.and_then(|p| p.thresholds.get(&category.id));
        let review = overrides.and_then(|t| t.review).unwrap_or(category.review);
        let block = overrides.and_then(|t| t.block).unwrap_or(category.block);
        // A tiny epsilon so that 0.85 written in a file and 0.85 computed by noisy-OR compare equal.
        let reaches = |threshold: f64| score + 1e-9 >= threshold;
        let decision = if reaches(block) && strong[category.id.as_str()] {
            Decision::Block
        } else if reaches(review) {
            Decision::Review
        } else {
            Decision::Pass
        };
        out.decision = out.decision.max(decision);
        out.score = out.score.max(score);
        out.categories.insert(category.id.clone(), CategoryScore { score: round(score), decision });
    }
    for (signal, weights) in by_signal {
        let score = noisy_or(weights.values());
        if score > 0.0 {
            out.signals.insert(signal, round(score));
        }
    }
    out.score = round(out.score);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(id: &str) -> Category {
        Category { id: id.into(), name: id.into(), review: 0.4, block: 0.85 }
    }

    #[test]
    fn noisy_or_counts_each_term_once() {
        let e = |id, w| Evidence { id, category: "drugs", signal: Signal::Implicit, weight: w };
        let s = score(&[e("a", 0.6), e("a", 0.6), e("b", 0.5)], &[category("drugs")], None);
        assert_eq!(s.categories["drugs"].score, 0.8);
        assert_eq!(s.decision, Decision::Review);
    }

    #[test]
    fn borderline_alone_never_blocks() {
        let e = |id| Evidence { id, category: "drugs", signal: Signal::Borderline, weight: 0.9 };
        let s = score(&[e("a"), e("b")], &[category("drugs")], None);
        assert_eq!(s.decision, Decision::Review);
    }
}
