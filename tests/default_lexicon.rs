//! The embedded default lexicon: it loads, compiles, every term example holds and every case of
//! the case database (cases/*.jsonl) gets its expected decision — the same check as
//! `prescreen lexicon check`, run by `cargo test`. Like that command it runs the lexicon alone:
//! the learned scorer is measured on labelled data instead (docs/quality.md).

use prescreen::check::{check_cases, check_examples, parse_cases};
use prescreen::{Lexicon, Screener};

#[test]
fn default_lexicon_examples_and_cases_hold() {
    let screener = Screener::with_model(Lexicon::default_lexicon(), None).expect("default compiles");
    let (mut failures, examples) = check_examples(&screener);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/cases");
    let mut cases = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "jsonl")) {
        let text = std::fs::read_to_string(f).unwrap();
        cases.extend(parse_cases(&f.display().to_string(), &text).unwrap());
    }
    assert!(examples >= 1000, "only {examples} examples");
    assert!(cases.len() >= 400, "only {} cases", cases.len());
    failures.extend(check_cases(&screener, &cases));
    let report: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), report.join("\n"));
}

#[test]
fn default_lexicon_size_and_scope() {
    let lexicon = Lexicon::default_lexicon();
    let han = |s: &str| s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
    let (mut zh, mut en) = (0, 0);
    for term in &lexicon.terms {
        for surface in std::iter::once(&term.text).chain(&term.variants) {
            if han(surface) {
                zh += 1;
            } else {
                en += 1;
            }
        }
        assert!(term.policy.is_some(), "term {} has no policy reference", term.id);
    }
    assert!(zh >= 1500, "{zh} Chinese entries");
    assert!(en >= 800, "{en} English entries");
    let ids: Vec<&str> = lexicon.categories.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "sexual", "violence", "hate", "selfharm", "drugs", "gambling", "fraud", "contact", "minors", "weapons",
            "extremism"
        ]
    );
    assert!(lexicon.profile("minors").is_some());
}
