//! The multi-pattern automaton, behind one small type so the engine can be swapped (the bench
//! `build`/`scan` groups compare it with the bare `aho-corasick` scan it wraps).
//!
//! The scan drives `aho-corasick`'s automaton one byte at a time through its [`Automaton`]
//! trait instead of the overlapping iterator: a transition is two loads, and a state is only
//! looked at closer when it is a match state. Without a prefilter the start state is not special,
//! so benign text runs the tight loop only (measured with callgrind on 100-char Chinese texts:
//! 14 instructions per byte through `find_overlapping_iter`, 5 in this loop).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use aho_corasick::nfa::contiguous;
use aho_corasick::{dfa, Anchored, MatchKind, StartKind};

/// Above this many patterns the automaton stays a contiguous NFA: a DFA's build time and memory
/// grow with patterns × byte classes.
const DFA_LIMIT: usize = 20_000;

/// Bytes an automaton scans with its NFA before it builds its DFA.
///
/// Measured on the default lexicon's 6,541 folded patterns (native release, loaded machine): the
/// contiguous NFA builds in ≈ 14 ms and scans Chinese prose at ≈ 90 MB/s; the DFA takes 85–100 ms
/// (≈ 250 ms in WASM, the largest step of `new Screener()`) and 23 MB, and scans at 170–250 MB/s.
/// So a screener starts with the NFA and switches once it has scanned enough text for the DFA to
/// pay: 4 MiB at the ≈ 5 ns/byte the DFA saves is ≈ 20 ms, a fifth of its build. A text longer
/// than this builds the DFA before it is scanned.
const DFA_AFTER_BYTES: usize = 4 << 20;

/// An overlapping multi-pattern matcher over bytes.
#[derive(Debug)]
pub(crate) struct Automaton {
    nfa: Option<contiguous::NFA>,
    /// The patterns the DFA is built from (none above [`DFA_LIMIT`]: no DFA then).
    patterns: Vec<Vec<u8>>,
    dfa: OnceLock<Option<dfa::DFA>>,
    /// Bytes scanned so far, until the DFA is built.
    scanned: AtomicUsize,
}

impl Clone for Automaton {
    fn clone(&self) -> Automaton {
        Automaton {
            nfa: self.nfa.clone(),
            patterns: self.patterns.clone(),
            dfa: self.dfa.clone(),
            scanned: AtomicUsize::new(self.scanned.load(Ordering::Relaxed)),
        }
    }
}

impl Automaton {
    /// Builds the automaton. Patterns are byte strings; ids are their indices.
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Automaton {
        let nfa = (!patterns.is_empty()).then(|| {
            contiguous::NFA::builder()
                .match_kind(MatchKind::Standard)
                .prefilter(false)
                .build(patterns)
                .expect("patterns are small enough for an automaton")
        });
        let patterns = if patterns.len() <= DFA_LIMIT {
            patterns.iter().map(|p| p.as_ref().to_vec()).collect()
        } else {
            Vec::new()
        };
        Automaton { nfa, patterns, dfa: OnceLock::new(), scanned: AtomicUsize::new(0) }
    }

    /// Builds the DFA now if no scan has yet.
    pub fn warm_up(&self) {
        self.dfa(DFA_AFTER_BYTES);
    }

    /// The DFA, once [`DFA_AFTER_BYTES`] have been scanned (counting the `next` bytes about to be).
    #[inline]
    fn dfa(&self, next: usize) -> Option<&dfa::DFA> {
        if let Some(dfa) = self.dfa.get() {
            return dfa.as_ref();
        }
        if self.patterns.is_empty() || self.scanned.fetch_add(next, Ordering::Relaxed) + next < DFA_AFTER_BYTES {
            return None;
        }
        let build = || {
            dfa::DFA::builder()
                .match_kind(MatchKind::Standard)
                .start_kind(StartKind::Unanchored)
                .prefilter(false)
                .build(&self.patterns)
                .ok()
        };
        self.dfa.get_or_init(build).as_ref()
    }

    /// Calls `f(pattern, start, end)` for every occurrence of every pattern, overlapping ones too,
    /// in order of `end`.
    #[inline]
    pub fn for_each(&self, haystack: &[u8], f: impl FnMut(usize, usize, usize)) {
        self.scan_on(self.dfa(haystack.len()), haystack, f);
    }

    /// [`Automaton::for_each`] on `dfa` when there is one, else on the NFA.
    #[inline]
    fn scan_on(&self, dfa: Option<&dfa::DFA>, haystack: &[u8], f: impl FnMut(usize, usize, usize)) {
        match (dfa, &self.nfa) {
            (Some(a), _) => scan(a, haystack, f),
            (None, Some(a)) => scan(a, haystack, f),
            (None, None) => {}
        }
    }

    /// Whether there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.nfa.is_none()
    }

    /// [`Automaton::stepper`], building the DFA first if it is not built yet: `Some(None)` when
    /// there are no patterns, `None` when the automaton stays an NFA.
    #[inline]
    pub fn stepper_now(&self) -> Option<Option<Stepper<'_>>> {
        if let Some(stepper) = self.stepper() {
            return Some(Some(stepper));
        }
        if self.is_empty() {
            return Some(None);
        }
        self.warm_up();
        self.stepper().map(Some)
    }

    /// The automaton as a DFA to step through by hand ([`Stepper`]); `None` when it has no
    /// patterns, has not built its DFA yet ([`DFA_AFTER_BYTES`], [`Automaton::warm_up`]) or stays
    /// an NFA (above [`DFA_LIMIT`]).
    pub fn stepper(&self) -> Option<Stepper<'_>> {
        self.dfa.get()?.as_ref().map(|dfa| Stepper { dfa })
    }
}

/// A DFA driven one byte at a time by a caller that produces its haystack as it goes (the
/// screener's probe folds and matches in one pass, without building the folded text).
#[derive(Clone, Copy)]
pub(crate) struct Stepper<'a> {
    dfa: &'a dfa::DFA,
}

/// A state of a [`Stepper`].
pub(crate) type State = aho_corasick::automaton::StateID;

impl<'a> Stepper<'a> {
    #[inline(always)]
    pub fn start(&self) -> State {
        use aho_corasick::automaton::Automaton as _;
        self.dfa.start_state(Anchored::No).expect("an unanchored DFA has an unanchored start state")
    }

    /// The state after `byte`.
    #[inline(always)]
    pub fn step(&self, sid: State, byte: u8) -> State {
        use aho_corasick::automaton::Automaton as _;
        self.dfa.next_state(Anchored::No, sid, byte)
    }

    /// Whether `sid` is a match state. A caller feeding whole chars (or whole syllables) asks
    /// only after the last byte of each: patterns are whole chars, so they end only there.
    #[inline(always)]
    pub fn is_match(&self, sid: State) -> bool {
        use aho_corasick::automaton::Automaton as _;
        self.dfa.is_special(sid) && self.dfa.is_match(sid)
    }

    /// The patterns (ids and byte lengths) that end in match state `sid`.
    #[inline]
    pub fn matches(&self, sid: State) -> impl Iterator<Item = (usize, usize)> + 'a {
        use aho_corasick::automaton::Automaton as _;
        let dfa = self.dfa;
        (0..dfa.match_len(sid)).map(move |k| {
            let pid = dfa.match_pattern(sid, k);
            (pid.as_usize(), dfa.pattern_len(pid))
        })
    }
}

#[inline(always)]
fn scan<A: aho_corasick::automaton::Automaton>(a: &A, haystack: &[u8], mut f: impl FnMut(usize, usize, usize)) {
    let Ok(mut sid) = a.start_state(Anchored::No) else { return };
    for (i, &byte) in haystack.iter().enumerate() {
        sid = a.next_state(Anchored::No, sid, byte);
        report(a, sid, i + 1, &mut f);
    }
}

/// Calls `f(pattern, start, end)` for each pattern that ends at `end` in state `sid` of `a`.
#[inline(always)]
fn report<A: aho_corasick::automaton::Automaton>(
    a: &A,
    sid: State,
    end: usize,
    f: &mut impl FnMut(usize, usize, usize),
) {
    if a.is_special(sid) && a.is_match(sid) {
        for k in 0..a.match_len(sid) {
            let pid = a.match_pattern(sid, k);
            f(pid.as_usize(), end - a.pattern_len(pid), end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(a: &Automaton, hay: &str) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        a.for_each(hay.as_bytes(), |p, s, e| out.push((p, s, e)));
        out.sort();
        out
    }

    /// The hand-driven loop finds exactly what `aho-corasick`'s overlapping iterator finds, with
    /// the NFA an automaton starts with and with the DFA it switches to.
    #[test]
    fn same_matches_as_the_overlapping_iterator() {
        let patterns = ["he", "she", "hers", "his", "冰毒", "毒", "s", "ss"];
        let hay = "ushers 冰毒毒 his ass shehers";
        let reference = aho_corasick::AhoCorasick::builder().match_kind(MatchKind::Standard).build(patterns).unwrap();
        let mut want: Vec<(usize, usize, usize)> =
            reference.find_overlapping_iter(hay).map(|m| (m.pattern().as_usize(), m.start(), m.end())).collect();
        want.sort();
        let a = Automaton::new(&patterns);
        assert_eq!(all(&a, hay), want);
        assert!(a.dfa.get().is_none(), "a short scan keeps the NFA");
        let copies = DFA_AFTER_BYTES / hay.len() + 1;
        let mut count = 0;
        a.for_each(hay.repeat(copies).as_bytes(), |_, _, _| count += 1);
        assert_eq!(count, want.len() * copies);
        assert!(matches!(a.dfa.get(), Some(Some(_))), "a long scan builds the DFA");
        assert_eq!(all(&a, hay), want);
        assert_eq!(all(&a.clone(), hay), want);
        assert!(all(&Automaton::new::<&str>(&[]), hay).is_empty());
    }
}
