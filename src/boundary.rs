//! Word boundaries: a `word`-boundary term must not cut through a longer word of the text.
//!
//! Chinese has no spaces, so the edges of a match in Han text are checked with jieba
//! segmentation — run only on a small window around the match, never on the whole text (that is
//! what keeps scanning fast). Latin-script edges are checked with Unicode (UAX #29) word
//! boundaries on the original text. Each edge is checked by the rule of its own script, so a mixed
//! term such as `加v` is handled at both ends.

use std::collections::HashSet;
use std::sync::OnceLock;

use jieba_rs::Jieba;
use unicode_segmentation::UnicodeSegmentation;

use crate::normalize::{is_han, View, GAP_SPACE};

/// Han units taken on each side of a match for segmentation.
const HAN_WINDOW: usize = 8;
/// Bytes of original text taken on each side of a match for UAX #29 word bounds.
const LATIN_WINDOW: usize = 64;

/// Frequency multiplier for lexicon terms added to jieba's dictionary (see [`Segmenter::new`]).
const LEXICON_WORD_BOOST: usize = 10;

/// jieba with the lexicon's Chinese words added, so terms segment as words.
///
/// jieba is built on first use, not with the screener: loading its dictionary was ≈ 40 % of
/// compiling the default screener (≈ 100–200 ms in WASM), and a scan only segments when a match
/// has Han text around it (or the model reads jieba words, which the default model does not), so
/// benign texts and most Latin-script hits never need it.
pub(crate) struct Segmenter {
    jieba: OnceLock<Jieba>,
    /// The lexicon's own Chinese words, in the order they are added to jieba.
    words: Vec<String>,
    /// The same words as a set: one term never hides another (`同城美女上门` has both 同城美女
    /// and 美女上门).
    lexicon_words: HashSet<String>,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Segmenter")
    }
}

#[cfg(feature = "full-dict")]
fn base_jieba() -> Jieba {
    Jieba::new()
}

#[cfg(not(feature = "full-dict"))]
fn base_jieba() -> Jieba {
    // The trimmed dictionary (see scripts/trim-dict and docs/DESIGN.md).
    let mut dict: &[u8] = include_bytes!("../data/jieba/dict.trimmed.txt");
    Jieba::with_dict(&mut dict).expect("the embedded jieba dictionary is well-formed")
}

impl Segmenter {
    /// A segmenter knowing `words` (the lexicon's Han terms) besides jieba's dictionary.
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Segmenter {
        let words: Vec<String> = words.into_iter().map(str::to_string).collect();
        let lexicon_words = words.iter().cloned().collect();
        Segmenter { jieba: OnceLock::new(), words, lexicon_words }
    }

    /// Builds jieba now if no scan has yet.
    pub fn warm_up(&self) {
        self.jieba();
    }

    /// jieba with the lexicon's words, built the first time a scan needs it.
    fn jieba(&self) -> &Jieba {
        self.jieba.get_or_init(|| {
            let mut jieba = base_jieba();
            for word in &self.words {
                // jieba's suggestion keeps the word whole on its own; the boost makes a lexicon term
                // win a close call against a neighbouring word (用纸/飞机 vs 用/纸飞机: 3.3× apart in
                // jieba's counts) while a real longer word still wins a clear one (处女座 beats
                // 处女/座 by 138×). Added in order: each suggestion sees the words before it.
                let freq = jieba.suggest_freq(word).saturating_mul(LEXICON_WORD_BOOST);
                jieba.add_word(word, Some(freq), None);
            }
            jieba
        })
    }

    /// Cuts a string of Han characters into jieba words (no HMM), for the learned scorer's
    /// word features.
    pub(crate) fn words<'a>(&self, text: &'a str) -> impl Iterator<Item = &'a str> {
        self.jieba().cut(text, false).into_iter().map(|token| token.word)
    }

    /// If the match of units `first..=last` cuts through a longer word, that word.
    ///
    /// `original` is the text the view was folded from.
    pub fn crossing_word(&self, original: &str, view: &View, first: usize, last: usize) -> Option<String> {
        let units = &view.units;
        let start_han = is_han(units[first].ch);
        let end_han = is_han(units[last].ch);
        if start_han || end_han {
            if let Some(word) = self.han_crossing(original, view, first, last, start_han, end_han) {
                return Some(word);
            }
        }
        let start = units[first].start as usize;
        let end = units[last].end as usize;
        let mut edges = Vec::new();
        if !start_han && units[first].ch.is_alphanumeric() {
            edges.push(start);
        }
        if !end_han && units[last].ch.is_alphanumeric() {
            edges.push(end);
        }
        if edges.is_empty() {
            return None;
        }
        latin_crossing(original, start, end, &edges)
    }

    fn han_crossing(
        &self,
        original: &str,
        view: &View,
        first: usize,
        last: usize,
        check_start: bool,
        check_end: bool,
    ) -> Option<String> {
        let units = &view.units;
        // Extend over Han units on both sides, not across whitespace: a space ends a Chinese word.
        let mut lo = first;
        while lo > 0 && first - lo < HAN_WINDOW && is_han(units[lo - 1].ch) && units[lo].gap & GAP_SPACE == 0 {
            lo -= 1;
        }
        let mut hi = last;
        while hi + 1 < units.len()
            && hi - last < HAN_WINDOW
            && is_han(units[hi + 1].ch)
            && units[hi + 1].gap & GAP_SPACE == 0
        {
            hi += 1;
        }
        if lo == first && hi == last {
            return None; // nothing around the match to form a longer word with
        }
        let mut window = String::with_capacity((hi - lo + 1) * 3);
        let mut starts = Vec::with_capacity(hi - lo + 1); // window byte offset of each unit
        let mut match_start = 0;
        let mut match_end = 0;
        for (i, unit) in units.iter().enumerate().take(hi + 1).skip(lo) {
            if i == first {
                match_start = window.len();
            }
            starts.push(window.len());
            window.push(unit.ch);
            if i == last {
                match_end = window.len();
            }
        }
        let mut offset = 0;
        for word in self.jieba().cut(&window, false) {
            let word: &str = word.word;
            let (ws, we) = (offset, offset + word.len());
            offset = we;
            let crosses = |p: usize| ws < p && p < we;
            let crossing = (check_start && crosses(match_start)) || (check_end && crosses(match_end));
            // Another lexicon word that merely overlaps the match does not hide it (同城美女 /
            // 美女上门 are both terms); one that contains it does (性交 inside the term 性交易).
            let contains_match = ws <= match_start && match_end <= we;
            if crossing && (contains_match || !self.lexicon_words.contains(word)) {
                // Report the word as written in the original text (traditional, spaced, …).
                let a = lo + starts.partition_point(|&b| b < ws);
                let b = lo + starts.partition_point(|&b| b < we) - 1;
                return Some(original[units[a].start as usize..units[b].end as usize].to_string());
            }
        }
        None
    }
}

/// [`latin_crossing`] without segmentation where the text around each edge is plain ASCII: an
/// edge between two ASCII letters or digits lies inside the run of them around it, and that run
/// is a whole UAX #29 word when each of its ends is an end of the window `lo..hi` or an ASCII
/// char that breaks a word on either side. `Some(None)`: no edge cuts a word; `None`: undecided
/// here (a char of another rule next to an edge or a run: `'`, `.`, `_`, non-ASCII, ...).
///
/// Measured with callgrind on 2,000 100-char English texts, lexicon only: the segmenter took
/// ≈ 2.8k instructions per text that reached the full scan, mostly for words like `cried`
/// around `ied`.
fn ascii_crossing(bytes: &[u8], lo: usize, hi: usize, edges: &[usize]) -> Option<Option<(usize, usize)>> {
    let word_char = |b: u8| b.is_ascii_alphanumeric();
    // ASCII chars of word-break class Other, Newline, CR, LF or WSegSpace: a word break on
    // both sides of them whatever their neighbours (UAX #29 WB3–WB3d, WB999). Excluded: the
    // ones some rule joins to letters or digits (`'` `.` `:` `,` `;` `_` `"`).
    let breaks = |b: u8| b.is_ascii() && !word_char(b) && !matches!(b, b'\'' | b'.' | b':' | b',' | b';' | b'_' | b'"');
    for &p in edges {
        if p <= lo || p >= hi {
            continue; // the window's edge: a boundary of the segmented window too
        }
        let (left, right) = (bytes[p - 1], bytes[p]);
        match (word_char(left), word_char(right)) {
            (true, true) => {}
            // A letter or digit beside a breaking char: a boundary (a mark after the breaking
            // char would join it, WB4, so the other side must be the letter itself).
            (true, false) if breaks(right) => continue,
            (false, true) if breaks(left) => continue,
            _ => return None,
        }
        let mut a = p - 1;
        while a > lo && word_char(bytes[a - 1]) {
            a -= 1;
        }
        let mut b = p + 1;
        while b < hi && word_char(bytes[b]) {
            b += 1;
        }
        if (a > lo && !breaks(bytes[a - 1])) || (b < hi && !breaks(bytes[b])) {
            return None;
        }
        return Some(Some((a, b)));
    }
    Some(None)
}

/// If one of `edges` (byte offsets in `text`) is not a UAX #29 word boundary, the word it is in.
fn latin_crossing(text: &str, start: usize, end: usize, edges: &[usize]) -> Option<String> {
    let bytes = text.as_bytes();
    let space = |i: usize| bytes[i].is_ascii_whitespace();
    // Whitespace always breaks a word (UAX #29 WB3a/b, WB3d): an edge next to it, or at either end
    // of the text, cuts through nothing. The common case of a real hit; no segmentation needed.
    if edges.iter().all(|&p| p == 0 || p == bytes.len() || space(p - 1) || space(p)) {
        return None;
    }
    // The word around an edge lies between the nearest whitespace on either side.
    let floor = start.saturating_sub(LATIN_WINDOW);
    let mut lo = (floor..start).rev().find(|&i| space(i)).map_or(floor, |i| i + 1);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let ceiling = (end + LATIN_WINDOW).min(text.len());
    let mut hi = (end..ceiling).find(|&i| space(i)).unwrap_or(ceiling);
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    match ascii_crossing(bytes, lo, hi, edges) {
        Some(word) => word.map(|(a, b)| text[a..b].to_string()),
        None => segmented_crossing(text, lo, hi, edges).map(|(a, b)| text[a..b].to_string()),
    }
}

/// The first UAX #29 word of `text[lo..hi]` that one of `edges` cuts through, as a byte range.
fn segmented_crossing(text: &str, lo: usize, hi: usize, edges: &[usize]) -> Option<(usize, usize)> {
    text[lo..hi]
        .split_word_bound_indices()
        .map(|(i, word)| (lo + i, lo + i + word.len()))
        .find(|&(ws, we)| edges.iter().any(|&p| ws < p && p < we))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the ASCII shortcut decides, it decides as the segmenter: on every window and pair of
    /// edges of texts mixed from letters, digits, spaces and the chars of other rules.
    #[test]
    fn the_ascii_shortcut_agrees_with_segmentation() {
        let pieces = [
            "a", "b", "Z", "7", " ", "\n", "\r", "'", ".", ",", ":", ";", "_", "\"", "-", "!", "(", "é", "\u{301}",
            "冰", "\u{200D}", "\t",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let (mut decided, mut crossing) = (0, 0);
        for _ in 0..20_000 {
            // Half the chars letters or digits, so edges often fall inside words.
            let text: String = (0..1 + next(14))
                .map(|_| if next(2) == 0 { pieces[next(4)] } else { pieces[next(pieces.len())] })
                .collect();
            let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let mut pick = || bounds[next(bounds.len())];
            let (mut lo, mut hi) = (pick(), pick());
            if lo > hi {
                std::mem::swap(&mut lo, &mut hi);
            }
            let (mut p, mut q) = (pick().clamp(lo, hi), pick().clamp(lo, hi));
            if p > q {
                std::mem::swap(&mut p, &mut q);
            }
            for edges in [vec![p], vec![q], vec![p, q]] {
                if let Some(word) = ascii_crossing(text.as_bytes(), lo, hi, &edges) {
                    decided += 1;
                    crossing += usize::from(word.is_some());
                    assert_eq!(word, segmented_crossing(&text, lo, hi, &edges), "{text:?} {lo}..{hi} {edges:?}");
                }
            }
        }
        assert!(decided > 20_000 && crossing > 1_000, "decided {decided}, crossing {crossing}");
    }
}
