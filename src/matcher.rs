//! The multi-pattern automaton, behind one small type so the engine can be swapped (the bench
//! `build`/`scan` groups compare it with the bare `aho-corasick` scan it wraps).
//!
//! The scan drives `aho-corasick`'s automaton one byte at a time through its [`Automaton`]
//! trait instead of the overlapping iterator: a transition is two loads, and a state is only
//! looked at closer when it is a match state. Without a prefilter the start state is not special,
//! so benign text runs the tight loop only (measured with callgrind on 100-char Chinese texts:
//! 14 instructions per byte through `find_overlapping_iter`, 5 in this loop).

use aho_corasick::nfa::contiguous;
use aho_corasick::{dfa, Anchored, MatchKind, StartKind};

/// Above this many patterns the automaton is a contiguous NFA: a DFA's build time and memory grow
/// with patterns × byte classes.
const DFA_LIMIT: usize = 20_000;

#[derive(Debug, Clone)]
enum Engine {
    Dfa(dfa::DFA),
    Nfa(contiguous::NFA),
}

/// An overlapping multi-pattern matcher over bytes.
#[derive(Debug, Clone)]
pub(crate) struct Automaton {
    engine: Option<Engine>,
}

impl Automaton {
    /// Builds the automaton. Patterns are byte strings; ids are their indices.
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Automaton {
        if patterns.is_empty() {
            return Automaton { engine: None };
        }
        let engine = if patterns.len() <= DFA_LIMIT {
            dfa::DFA::builder()
                .match_kind(MatchKind::Standard)
                .start_kind(StartKind::Unanchored)
                .prefilter(false)
                .build(patterns)
                .ok()
                .map(Engine::Dfa)
        } else {
            None
        };
        let engine = engine.unwrap_or_else(|| {
            let nfa = contiguous::NFA::builder()
                .match_kind(MatchKind::Standard)
                .prefilter(false)
                .build(patterns)
                .expect("patterns are small enough for an automaton");
            Engine::Nfa(nfa)
        });
        Automaton { engine: Some(engine) }
    }

    /// Calls `f(pattern, start, end)` for every occurrence of every pattern, overlapping ones too,
    /// in order of `end`.
    #[inline]
    pub fn for_each(&self, haystack: &[u8], f: impl FnMut(usize, usize, usize)) {
        match &self.engine {
            Some(Engine::Dfa(a)) => scan(a, haystack, f),
            Some(Engine::Nfa(a)) => scan(a, haystack, f),
            None => {}
        }
    }

    /// Whether there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.engine.is_none()
    }

    /// The automaton as a DFA to step through by hand ([`Stepper`]); `None` when it has no
    /// patterns or is an NFA (above [`DFA_LIMIT`]).
    pub fn stepper(&self) -> Option<Stepper<'_>> {
        match &self.engine {
            Some(Engine::Dfa(dfa)) => Some(Stepper { dfa }),
            _ => None,
        }
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
        if a.is_special(sid) && a.is_match(sid) {
            for k in 0..a.match_len(sid) {
                let pid = a.match_pattern(sid, k);
                let end = i + 1;
                f(pid.as_usize(), end - a.pattern_len(pid), end);
            }
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

    /// The hand-driven loop finds exactly what `aho-corasick`'s overlapping iterator finds, for
    /// the DFA and for the NFA used above [`DFA_LIMIT`].
    #[test]
    fn same_matches_as_the_overlapping_iterator() {
        let patterns = ["he", "she", "hers", "his", "冰毒", "毒", "s", "ss"];
        let hay = "ushers 冰毒毒 his ass shehers";
        let reference = aho_corasick::AhoCorasick::builder().match_kind(MatchKind::Standard).build(patterns).unwrap();
        let mut want: Vec<(usize, usize, usize)> =
            reference.find_overlapping_iter(hay).map(|m| (m.pattern().as_usize(), m.start(), m.end())).collect();
        want.sort();
        let dfa = Automaton::new(&patterns);
        assert!(matches!(dfa.engine, Some(Engine::Dfa(_))));
        assert_eq!(all(&dfa, hay), want);
        let nfa = Automaton {
            engine: Some(Engine::Nfa(contiguous::NFA::builder().match_kind(MatchKind::Standard).build(patterns).unwrap())),
        };
        assert_eq!(all(&nfa, hay), want);
        assert!(all(&Automaton::new::<&str>(&[]), hay).is_empty());
    }
}
