//! Texts and the bare-automaton floor shared by the benches (`scan`, `peers`).
//!
//! Texts come from ../shared/data (real news, reviews, novels, SMS, tweets, forum comments); every
//! loader returns an empty collection when the data folder or file is absent, and the benches skip
//! a group with no texts.

#![allow(dead_code)] // each bench uses a different subset

use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use prescreen::Lexicon;

/// The shared data folder, beside the repository (as in the other worktrees and in CI).
pub const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data");

/// The lines of a data file (empty when it is absent).
pub fn lines(file: &str) -> Vec<String> {
    let path = Path::new(DATA).join(file);
    std::fs::read_to_string(path).map(|s| s.lines().map(str::to_string).collect()).unwrap_or_default()
}

/// About-100-char texts from a corpus (lines cut or joined to length).
pub fn short_texts(file: &str, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = String::new();
    for line in lines(file) {
        buf.push_str(&line);
        if buf.chars().count() >= 100 {
            out.push(buf.chars().take(100).collect());
            buf.clear();
            if out.len() == n {
                break;
            }
        }
    }
    out
}

/// At least `bytes` of text: the given texts joined by newlines, repeated as needed.
pub fn repeat_to(texts: &[String], bytes: usize) -> String {
    let all = texts.join("\n");
    if all.is_empty() {
        return all;
    }
    let mut out = String::with_capacity(bytes + all.len());
    while out.len() < bytes {
        out.push_str(&all);
        out.push('\n');
    }
    out
}

/// Texts joined by newlines, cycling through them until the result has at least `bytes` (about
/// `bytes` of a large corpus, rather than all of it).
pub fn cycle_to(texts: &[String], bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 1024);
    if texts.iter().all(String::is_empty) {
        return out;
    }
    for t in texts.iter().cycle() {
        if out.len() >= bytes {
            break;
        }
        out.push_str(t);
        out.push('\n');
    }
    out
}

/// At least `bytes` of text from a corpus, repeated as needed.
pub fn long_text(file: &str, bytes: usize) -> String {
    repeat_to(&lines(file), bytes)
}

/// One labelled text (`label`: 1 risky, 0 benign) from a JSONL dev set.
pub struct Labelled {
    pub text: String,
    pub risky: bool,
}

/// The rows of a labelled JSONL dev set (empty when it is absent; bad lines are skipped).
pub fn labelled(file: &str) -> Vec<Labelled> {
    lines(file)
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| Some(Labelled { text: v["text"].as_str()?.to_string(), risky: v["label"].as_i64()? == 1 }))
        .collect()
}

/// The lexicon's surface forms: every term's text and variants, as written in the lexicon.
pub fn surface_forms(lexicon: &Lexicon) -> Vec<String> {
    lexicon.terms.iter().flat_map(|t| std::iter::once(&t.text).chain(&t.variants)).cloned().collect()
}

/// The floor: the same surface forms (lowercased) in one overlapping DFA, run on the raw text.
pub fn bare_automaton(lexicon: &Lexicon) -> AhoCorasick {
    let patterns: Vec<String> = surface_forms(lexicon).iter().map(|s| s.to_lowercase()).collect();
    bare_automaton_of(&patterns)
}

/// The floor's automaton over given patterns: one overlapping DFA.
#[allow(dead_code)] // not every user of this module builds its own pattern list
pub fn bare_automaton_of(patterns: &[String]) -> AhoCorasick {
    AhoCorasick::builder().match_kind(MatchKind::Standard).kind(Some(AhoCorasickKind::DFA)).build(patterns).unwrap()
}

/// Every overlapping match of the floor automaton, counted.
pub fn bare_scan(ac: &AhoCorasick, text: &str) -> usize {
    ac.find_overlapping_iter(text).count()
}

/// A synthetic lexicon of `n` distinct Chinese and English terms (for build and scale benches).
pub fn synthetic(n: usize) -> Lexicon {
    let mut toml = String::from("[[category]]\nid = \"x\"\nname = \"X\"\nreview = 0.4\nblock = 0.85\n");
    let han: Vec<char> = ('\u{4E00}'..'\u{9FA5}').step_by(7).collect();
    for i in 0..n {
        let text = if i % 2 == 0 {
            let k = i / 2;
            format!(
                "{}{}{}",
                han[k % han.len()],
                han[(k / han.len() + 3 * k) % han.len()],
                han[(k * 7 + 1) % han.len()]
            )
        } else {
            format!("zq{:x}w", i * 2654435761usize % 0xFFFFFF)
        };
        toml.push_str(&format!(
            "[[term]]\nid = \"t{i}\"\ntext = \"{text}\"\ncategory = \"x\"\nsignal = \"implicit\"\nweight = 0.5\n"
        ));
    }
    Lexicon::from_toml_str(&toml).unwrap()
}
