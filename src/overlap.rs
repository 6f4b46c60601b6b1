//! Interval look-ups for the classification after matching: the allow phrase that contains a
//! match, whether a counted match overlaps a suppressed one, the hit that lies within a rule's
//! distance of another.
//!
//! Each of these was a scan of every other match per match, which is quadratic on texts with
//! many matches (200 KB of `冰毒检测` took 136 ms, 400 KB would take half a second, 100 MB hours).
//! With these indexes a scan stays linear in the text (times a log for the sorting).

use std::collections::HashMap;

/// One term's allow-phrase matches: `(first, last, order found, phrase)` sorted by `first`, and
/// the longest match in units minus one (a phrase containing a match starts at most that far
/// before the match's end).
type TermAllows = (Vec<(u32, u32, usize, u16)>, u32);

/// Allow-phrase matches by term, sorted by first unit, for "which phrase contains this match".
pub(crate) struct AllowIndex {
    by_term: HashMap<u32, TermAllows>,
}

impl AllowIndex {
    /// Indexes `(term, phrase, first unit, last unit)` matches, given in the order the matcher
    /// found them.
    pub fn new(allows: &[(u32, u16, u32, u32)]) -> AllowIndex {
        let mut by_term: HashMap<u32, TermAllows> = HashMap::new();
        for (order, &(term, phrase, first, last)) in allows.iter().enumerate() {
            let entry = by_term.entry(term).or_default();
            entry.0.push((first, last, order, phrase));
            entry.1 = entry.1.max(last - first);
        }
        for (list, _) in by_term.values_mut() {
            list.sort_unstable();
        }
        AllowIndex { by_term }
    }

    /// The phrase of `term` whose match contains units `first..=last`; of several, the one found
    /// first (as a scan of the matches in order would answer).
    pub fn containing(&self, term: u32, first: u32, last: u32) -> Option<u16> {
        let (list, longest) = self.by_term.get(&term)?;
        // A phrase match is as long as its pattern, so one that reaches `last` starts at or after
        // `last - longest`: only a bounded window of matches is looked at.
        let lo = list.partition_point(|a| a.0 < last.saturating_sub(*longest));
        let hi = list.partition_point(|a| a.0 <= first);
        list.get(lo..hi)?.iter().filter(|a| a.1 >= last).min_by_key(|a| a.2).map(|a| a.3)
    }
}

/// One term's ranges sorted by start, and the running maximum of their ends.
type TermRanges = (Vec<(u32, u32)>, Vec<u32>);

/// Unit ranges by term, for "does any range of this term overlap this one".
pub(crate) struct RangeIndex {
    by_term: HashMap<u32, TermRanges>,
}

impl RangeIndex {
    /// Indexes `(term, first, last)` ranges.
    pub fn new(ranges: impl IntoIterator<Item = (u32, u32, u32)>) -> RangeIndex {
        let mut by_term: HashMap<u32, TermRanges> = HashMap::new();
        for (term, first, last) in ranges {
            by_term.entry(term).or_default().0.push((first, last));
        }
        for (list, ends) in by_term.values_mut() {
            list.sort_unstable();
            let mut max = 0;
            ends.extend(list.iter().map(|r| {
                max = max.max(r.1);
                max
            }));
        }
        RangeIndex { by_term }
    }

    /// Whether a range of `term` shares a unit with `first..=last`.
    pub fn overlaps(&self, term: u32, first: u32, last: u32) -> bool {
        let Some((list, ends)) = self.by_term.get(&term) else { return false };
        // Ranges starting at or before `last`; one of them overlaps iff the furthest end reaches `first`.
        let n = list.partition_point(|r| r.0 <= last);
        n > 0 && ends[n - 1] >= first
    }
}

/// Spans `(start, end)` (end-exclusive) sorted by start, answering "the first one, in start
/// order, from index `from` on, whose end reaches `y`" in logarithmic time (a max segment tree
/// over the ends).
pub(crate) struct ByStart {
    /// The sorted spans with the caller's index of each.
    pub spans: Vec<(usize, usize, usize)>,
    tree: Vec<usize>,
    size: usize,
}

impl ByStart {
    /// Sorts `(start, end)` spans; `spans[i].2` is the index in the input.
    pub fn new(spans: impl IntoIterator<Item = (usize, usize)>) -> ByStart {
        let mut spans: Vec<(usize, usize, usize)> =
            spans.into_iter().enumerate().map(|(i, (s, e))| (s, e, i)).collect();
        spans.sort_unstable();
        let size = spans.len().next_power_of_two().max(1);
        let mut tree = vec![0; 2 * size];
        for (i, s) in spans.iter().enumerate() {
            tree[size + i] = s.1;
        }
        for node in (1..size).rev() {
            tree[node] = tree[2 * node].max(tree[2 * node + 1]);
        }
        ByStart { spans, tree, size }
    }

    /// The first position `>= from` in start order whose end is `>= y`.
    pub fn first_reaching(&self, from: usize, y: usize) -> Option<usize> {
        if from >= self.spans.len() {
            return None;
        }
        self.descend(1, 0, self.size, from, y)
    }

    fn descend(&self, node: usize, lo: usize, hi: usize, from: usize, y: usize) -> Option<usize> {
        if hi <= from || self.tree[node] < y || lo >= self.spans.len() {
            return None;
        }
        if hi - lo == 1 {
            return Some(lo);
        }
        let mid = (lo + hi) / 2;
        self.descend(2 * node, lo, mid, from, y).or_else(|| self.descend(2 * node + 1, mid, hi, from, y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_index_answers_like_a_scan() {
        let allows = [(1, 0, 5, 8), (1, 1, 3, 9), (2, 0, 0, 100), (1, 2, 6, 7)];
        let index = AllowIndex::new(&allows);
        let scan = |t: u32, f: u32, l: u32| allows.iter().find(|a| a.0 == t && a.2 <= f && l <= a.3).map(|a| a.1);
        for t in 0..3 {
            for f in 0..12 {
                for l in f..12 {
                    assert_eq!(index.containing(t, f, l), scan(t, f, l), "term {t} {f}..={l}");
                }
            }
        }
    }

    #[test]
    fn range_index_answers_like_a_scan() {
        let ranges = [(1, 5, 8), (1, 0, 1), (1, 20, 30), (2, 4, 4)];
        let index = RangeIndex::new(ranges);
        for t in 0..3 {
            for f in 0..35 {
                for l in f..35 {
                    let scan = ranges.iter().any(|r| r.0 == t && r.1 <= l && f <= r.2);
                    assert_eq!(index.overlaps(t, f, l), scan, "term {t} {f}..={l}");
                }
            }
        }
    }

    #[test]
    fn by_start_finds_the_first_reaching_span() {
        let spans = [(10, 12), (0, 3), (2, 40), (5, 6), (30, 31), (2, 2)];
        let index = ByStart::new(spans);
        for from in 0..8 {
            for y in 0..45 {
                let scan = (from..index.spans.len()).find(|&i| index.spans[i].1 >= y);
                assert_eq!(index.first_reaching(from, y), scan, "from {from} y {y}");
            }
        }
        assert_eq!(ByStart::new([]).first_reaching(0, 0), None);
    }
}
