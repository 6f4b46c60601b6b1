//! How much a two-byte code for Han chars would save the automaton, measured before building it.
//!
//! The probe's time on Chinese text goes mostly to waiting on the character DFA's transition
//! loads: three dependent loads per Han char, one per UTF-8 byte (BENCHMARKS.md, session 7/8).
//! This example measures the floor scan (the lexicon's surface forms, lowercased, one overlapping
//! `aho-corasick` DFA) on the same texts twice:
//! - as they are (UTF-8: three bytes per Han char), as the `bare_aho_corasick` floor of the benches;
//! - re-encoded: a char of some pattern as two bytes (lead `C0..=FE`, then `80..=BF`, so a match
//!   can only start where a char starts), every other non-ASCII char as the one byte `FF` (no
//!   pattern holds it, so the automaton falls back as it does on any char of no pattern),
//!   ASCII as it is. The encoding is done before timing: in the probe it would be a table load
//!   per char, off the chain of transition loads.
//!
//! Both must find the same matches; the example checks that, then prints µs per text.
//! Run: cargo run --release --example encoded_floor -- [FILE] [COUNT] [ROUNDS]
#[path = "common/short_texts.rs"]
mod short_texts;
#[path = "../benches/texts/mod.rs"]
mod texts;

use std::collections::HashMap;
use std::time::Instant;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

const OTHER: u8 = 0xFF;

fn encode(text: &str, ids: &HashMap<char, u16>) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else if let Some(&id) = ids.get(&c) {
            out.push(0xC0 + (id >> 6) as u8);
            out.push(0x80 | (id & 0x3F) as u8);
        } else {
            out.push(OTHER);
        }
    }
    out
}

fn time(ac: &AhoCorasick, texts: &[Vec<u8>], rounds: usize) -> (f64, usize) {
    let start = Instant::now();
    let mut matches = 0;
    for _ in 0..rounds {
        for t in texts {
            matches += ac.find_overlapping_iter(t.as_slice()).count();
        }
    }
    (start.elapsed().as_secs_f64() * 1e6 / (rounds * texts.len()) as f64, matches / rounds)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let file =
        args.next().unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/cn_benign_dev.txt").into());
    let count: usize = args.next().map_or(2000, |n| n.parse().unwrap());
    let rounds: usize = args.next().map_or(50, |n| n.parse().unwrap());

    let lexicon = prescreen::Lexicon::default_lexicon();
    // The floor's patterns, as `texts::bare_automaton` builds them.
    let patterns: Vec<String> = texts::surface_forms(&lexicon).iter().map(|s| s.to_lowercase()).collect();
    let mut ids: HashMap<char, u16> = HashMap::new();
    for c in patterns.iter().flat_map(|p| p.chars()).filter(|c| !c.is_ascii()) {
        let next = ids.len() as u16;
        ids.entry(c).or_insert(next);
    }
    assert!(ids.len() < 63 * 64, "{} chars do not fit two bytes", ids.len());
    let build = |pats: Vec<Vec<u8>>| {
        AhoCorasick::builder().match_kind(MatchKind::Standard).kind(Some(AhoCorasickKind::DFA)).build(pats).unwrap()
    };
    let utf8 = build(patterns.iter().map(|p| p.as_bytes().to_vec()).collect());
    let coded = build(patterns.iter().map(|p| encode(p, &ids)).collect());

    let texts = short_texts::short_texts(&file, count);
    let raw: Vec<Vec<u8>> = texts.iter().map(|t| t.as_bytes().to_vec()).collect();
    let enc: Vec<Vec<u8>> = texts.iter().map(|t| encode(t, &ids)).collect();
    let bytes = |v: &[Vec<u8>]| v.iter().map(Vec::len).sum::<usize>() as f64 / v.len() as f64;
    println!(
        "{} patterns, {} distinct non-ASCII chars; {} texts, {:.0} bytes each as UTF-8, {:.0} coded",
        patterns.len(),
        ids.len(),
        texts.len(),
        bytes(&raw),
        bytes(&enc)
    );
    println!(
        "DFA memory: UTF-8 {:.1} MB, coded {:.1} MB",
        utf8.memory_usage() as f64 / 1e6,
        coded.memory_usage() as f64 / 1e6
    );
    // Alternate the two, three times each, so a slow phase of the machine hits both.
    for _ in 0..3 {
        let (a, ma) = time(&utf8, &raw, rounds);
        let (b, mb) = time(&coded, &enc, rounds);
        assert_eq!(ma, mb, "both encodings must find the same matches");
        println!("UTF-8 {a:.3} µs per text, coded {b:.3} µs per text ({:.2}×), {ma} matches", a / b);
    }
}
