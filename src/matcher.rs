//! The multi-pattern automaton, behind one small type so the engine can be swapped (the bench
//! `build`/`scan` groups compare it with the bare `aho-corasick` scan it wraps).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// An overlapping multi-pattern matcher over bytes.
#[derive(Debug, Clone)]
pub(crate) struct Automaton {
    ac: Option<AhoCorasick>,
}

impl Automaton {
    /// Builds the automaton. Patterns are byte strings; ids are their indices.
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Automaton {
        if patterns.is_empty() {
            return Automaton { ac: None };
        }
        // A DFA is the fastest for overlapping search; for very large pattern sets its memory
        // grows, and `aho-corasick` falls back to a contiguous NFA by itself when we ask for `None`.
        let kind = if patterns.len() <= 20_000 { Some(AhoCorasickKind::DFA) } else { None };
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(kind)
            .build(patterns)
            .or_else(|_| AhoCorasick::builder().match_kind(MatchKind::Standard).build(patterns))
            .expect("patterns are small enough for an automaton");
        Automaton { ac: Some(ac) }
    }

    /// Calls `f(pattern, start, end)` for every occurrence of every pattern, overlapping ones too.
    #[inline]
    pub fn for_each(&self, haystack: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(haystack) {
                f(m.pattern().as_usize(), m.start(), m.end());
            }
        }
    }

    /// Whether there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.ac.is_none()
    }
}
