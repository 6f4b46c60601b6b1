//! The automaton choice, measured: `aho-corasick`'s DFA (the engine's matcher) against
//! `daachorse`'s double-array Aho-Corasick, bytewise and charwise, on the floor's patterns (the
//! default lexicon's surface forms, lowercased) and the same texts.
//!
//! Each automaton runs an overlapping scan of every text (its own iterator; for the DFA also the
//! hand-driven loop the engine uses, see `src/matcher.rs`; for charwise daachorse also its
//! stepper, fed one char at a time as the engine's probe would feed folded chars). All must find
//! the same number of matches; the example checks that, then prints µs per text, alternating the
//! automata so that a slow phase of the machine hits each.
//! Run: cargo run --release --example automata -- [FILE] [COUNT] [ROUNDS] (with `AUTOMATA_TERMS=N`, on
//! the synthetic N-term lexicon of the 10k-term bench)
#[path = "common/short_texts.rs"]
mod short_texts;
#[path = "../benches/texts/mod.rs"]
mod texts;

use std::time::Instant;

use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa, Anchored, MatchKind};
use daachorse::{CharwiseDoubleArrayAhoCorasick, DoubleArrayAhoCorasick};

/// The engine's loop (`src/matcher.rs`): one transition per byte, match states looked at closer
/// (the DFA, and the contiguous NFA a screener starts with and keeps above 20,000 patterns).
fn dfa_loop(a: &dfa::DFA, text: &str) -> usize {
    engine_loop(a, text)
}

fn nfa_loop(a: &aho_corasick::nfa::contiguous::NFA, text: &str) -> usize {
    engine_loop(a, text)
}

#[inline(always)]
fn engine_loop<A: Automaton>(a: &A, text: &str) -> usize {
    let mut sid = a.start_state(Anchored::No).unwrap();
    let mut n = 0;
    for &b in text.as_bytes() {
        sid = a.next_state(Anchored::No, sid, b);
        if a.is_special(sid) && a.is_match(sid) {
            n += a.match_len(sid);
        }
    }
    n
}

fn time(name: &str, texts: &[String], rounds: usize, scan: impl Fn(&str) -> usize) -> usize {
    let start = Instant::now();
    let mut matches = 0;
    for _ in 0..rounds {
        for t in texts {
            matches += scan(t);
        }
    }
    let per = start.elapsed().as_secs_f64() * 1e6 / (rounds * texts.len()) as f64;
    print!("{name} {per:.3}  ");
    matches / rounds
}

fn main() {
    let mut args = std::env::args().skip(1);
    let file =
        args.next().unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/cn_benign_dev.txt").into());
    let count: usize = args.next().map_or(2000, |n| n.parse().unwrap());
    let rounds: usize = args.next().map_or(50, |n| n.parse().unwrap());

    // `AUTOMATA_TERMS=N`: the synthetic N-term lexicon of the 10k-term bench instead.
    let lexicon = match std::env::var("AUTOMATA_TERMS").ok().and_then(|n| n.parse().ok()) {
        Some(n) => texts::synthetic(n),
        None => prescreen::Lexicon::default_lexicon(),
    };
    let mut patterns: Vec<String> = texts::surface_forms(&lexicon).iter().map(|s| s.to_lowercase()).collect();
    patterns.sort();
    patterns.dedup(); // daachorse rejects duplicates; the match counts stay comparable
    let t = Instant::now();
    let ac = texts::bare_automaton_of(&patterns);
    let ac_build = t.elapsed();
    let t = Instant::now();
    let raw = dfa::DFA::builder().match_kind(MatchKind::Standard).prefilter(false).build(&patterns).unwrap();
    let raw_build = t.elapsed();
    let t = Instant::now();
    let nfa = aho_corasick::nfa::contiguous::NFA::builder()
        .match_kind(MatchKind::Standard)
        .prefilter(false)
        .build(&patterns)
        .unwrap();
    let nfa_build = t.elapsed();
    let t = Instant::now();
    let bytewise: DoubleArrayAhoCorasick<u32> = DoubleArrayAhoCorasick::new(&patterns).unwrap();
    let bytewise_build = t.elapsed();
    let t = Instant::now();
    let charwise: CharwiseDoubleArrayAhoCorasick<u32> = CharwiseDoubleArrayAhoCorasick::new(&patterns).unwrap();
    let charwise_build = t.elapsed();
    println!(
        "{} patterns; build / memory: aho-corasick DFA {:.0} ms / {:.1} MB, daachorse bytewise {:.0} ms / {:.1} MB, \
         charwise {:.0} ms / {:.1} MB; the engine's DFA (no prefilter) {:.0} ms, its contiguous NFA {:.0} ms / {:.1} MB",
        patterns.len(),
        ac_build.as_secs_f64() * 1e3,
        ac.memory_usage() as f64 / 1e6,
        bytewise_build.as_secs_f64() * 1e3,
        bytewise.heap_bytes() as f64 / 1e6,
        charwise_build.as_secs_f64() * 1e3,
        charwise.heap_bytes() as f64 / 1e6,
        raw_build.as_secs_f64() * 1e3,
        nfa_build.as_secs_f64() * 1e3,
        nfa.memory_usage() as f64 / 1e6,
    );

    let texts = short_texts::short_texts(&file, count);
    println!("{} texts from {file}; µs per text:", texts.len());
    for _ in 0..3 {
        let counts = [
            time("ac-iter", &texts, rounds, |t| texts::bare_scan(&ac, t)),
            time("ac-loop", &texts, rounds, |t| dfa_loop(&raw, t)),
            time("ac-nfa-loop", &texts, rounds, |t| nfa_loop(&nfa, t)),
            time("daac-byte", &texts, rounds, |t| bytewise.find_overlapping_iter(t).count()),
            time("daac-char", &texts, rounds, |t| charwise.find_overlapping_iter(t).count()),
            time("daac-char-step", &texts, rounds, |t| {
                let mut s = charwise.find_overlapping_stepper();
                let mut n = 0;
                for c in t.chars() {
                    s.consume(c);
                    n += s.matches().count();
                }
                n
            }),
        ];
        println!("matches {}", counts[0]);
        assert!(counts.iter().all(|&c| c == counts[0]), "all automata must find the same matches: {counts:?}");
    }
}
