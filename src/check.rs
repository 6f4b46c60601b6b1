//! Running a lexicon's regression material: every term's `examples`, and the case database
//! (`cases/*.jsonl`: text, expected decision, expected categories, policy, rationale).
//!
//! The core parses and runs; reading files is the caller's job (the CLI, the tests).

use serde::Deserialize;

use crate::verdict::Decision;
use crate::Screener;

/// One labelled case of the case database.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Case id.
    pub id: String,
    /// The text.
    pub text: String,
    /// Expected decision (`pass`, `review` or `block`).
    pub decision: String,
    /// Categories that must appear in the verdict.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Policy clause the case illustrates.
    #[serde(default)]
    pub policy: Option<String>,
    /// Why the expected verdict is right.
    #[serde(default)]
    pub rationale: String,
    /// Profile to scan under (default: `default`).
    #[serde(default)]
    pub profile: Option<String>,
}

/// A case file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    /// File name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for CaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

impl std::error::Error for CaseError {}

/// Parses a JSONL case file (blank lines and lines starting with `//` are skipped).
pub fn parse_cases(file: &str, text: &str) -> Result<Vec<Case>, CaseError> {
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        let case: Case = serde_json::from_str(trimmed).map_err(|e| CaseError {
            file: file.to_string(),
            line: i + 1,
            column: e.column(),
            message: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
        })?;
        if Decision::parse(&case.decision).is_none() {
            return Err(CaseError {
                file: file.to_string(),
                line: i + 1,
                column: 1,
                message: format!(
                    "case `{}`: decision must be pass, review or block, found `{}`",
                    case.id, case.decision
                ),
            });
        }
        cases.push(case);
    }
    Ok(cases)
}

/// One failed example or case.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// `example` or `case`.
    pub kind: &'static str,
    /// Term id (examples) or case id.
    pub id: String,
    /// The text that was scanned.
    pub text: String,
    /// What was expected.
    pub expected: String,
    /// What happened.
    pub actual: String,
    /// The case's rationale (empty for examples).
    pub rationale: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {:?}: expected {}, got {}", self.kind, self.id, self.text, self.expected, self.actual)?;
        if !self.rationale.is_empty() {
            write!(f, " — {}", self.rationale)?;
        }
        Ok(())
    }
}

fn describe_hits(screener: &Screener, text: &str, term: &str) -> String {
    let verdict = screener.scan(text);
    let hits: Vec<&str> = verdict.hits.iter().map(|h| h.term.as_str()).collect();
    let shadow: Vec<&str> = verdict.shadow.iter().map(|h| h.term.as_str()).collect();
    let suppressed: Vec<String> = verdict
        .suppressed
        .iter()
        .filter(|s| s.term == term)
        .map(|s| format!("suppressed ({:?}: {})", s.reason, s.detail))
        .collect();
    let mut out = if hits.is_empty() { "no hits".to_string() } else { format!("hits [{}]", hits.join(", ")) };
    if !shadow.is_empty() {
        out.push_str(&format!(", shadow hits [{}]", shadow.join(", ")));
    }
    if !suppressed.is_empty() {
        out.push_str(&format!(", {}", suppressed.join(", ")));
    }
    out
}

/// Whether a text gives a hit of the term: counted, or in `shadow` for a shadow term.
fn matches(screener: &Screener, text: &str, term: &str) -> bool {
    let verdict = screener.scan(text);
    verdict.has_hit(term) || verdict.has_shadow_hit(term)
}

/// Runs every term's examples (a shadow term's hit is looked for in `shadow`). Returns the
/// failures and how many examples ran.
pub fn check_examples(screener: &Screener) -> (Vec<Failure>, usize) {
    let mut failures = Vec::new();
    let mut ran = 0;
    for term in &screener.lexicon().terms {
        for text in &term.examples.matches {
            ran += 1;
            if !matches(screener, text, &term.id) {
                failures.push(Failure {
                    kind: "example",
                    id: term.id.clone(),
                    text: text.clone(),
                    expected: format!("a hit of `{}`", term.id),
                    actual: describe_hits(screener, text, &term.id),
                    rationale: String::new(),
                });
            }
        }
        for text in &term.examples.no_match {
            ran += 1;
            if matches(screener, text, &term.id) {
                failures.push(Failure {
                    kind: "example",
                    id: term.id.clone(),
                    text: text.clone(),
                    expected: format!("no hit of `{}`", term.id),
                    actual: describe_hits(screener, text, &term.id),
                    rationale: String::new(),
                });
            }
        }
    }
    (failures, ran)
}

/// Runs cases. A case passes when the decision is the expected one and every expected category
/// appears in the verdict.
pub fn check_cases(screener: &Screener, cases: &[Case]) -> Vec<Failure> {
    let mut failures = Vec::new();
    for case in cases {
        let verdict = match &case.profile {
            Some(p) => match screener.scan_with_profile(&case.text, p) {
                Ok(v) => v,
                Err(e) => {
                    failures.push(Failure {
                        kind: "case",
                        id: case.id.clone(),
                        text: case.text.clone(),
                        expected: format!("profile `{p}`"),
                        actual: e.to_string(),
                        rationale: case.rationale.clone(),
                    });
                    continue;
                }
            },
            None => screener.scan(&case.text),
        };
        let missing: Vec<&str> =
            case.categories.iter().filter(|c| !verdict.categories.contains_key(*c)).map(String::as_str).collect();
        if verdict.decision.name() != case.decision || !missing.is_empty() {
            let cats: Vec<String> = verdict.categories.iter().map(|(c, s)| format!("{c} {:.2}", s.score)).collect();
            let hits: Vec<&str> = verdict.hits.iter().map(|h| h.term.as_str()).collect();
            failures.push(Failure {
                kind: "case",
                id: case.id.clone(),
                text: case.text.clone(),
                expected: format!("{} [{}]", case.decision, case.categories.join(", ")),
                actual: format!("{} [{}] hits [{}]", verdict.decision, cats.join(", "), hits.join(", ")),
                rationale: case.rationale.clone(),
            });
        }
    }
    failures
}
