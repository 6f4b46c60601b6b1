//! The sound layer: every Han character and every Latin word that reads as pinyin becomes a
//! sequence of toneless syllables, so that `冰毒`, `bingdu`, `bing du`, `冰du` and the homophone
//! `冰读` meet as the same syllables.
//!
//! Syllables are encoded in two bytes each, the first with the high bit set and the second without,
//! so an automaton pattern (which starts with a high byte) can only match at a syllable start.
//! Anything that is not a syllable becomes the barrier `[0, 0]`.

use std::borrow::Cow;
use std::collections::HashMap;

use pinyin::ToPinyin;

use super::tables::{is_han, HAN_BASE, HAN_END};
use super::{View, GAP_NOISE};

const NONE: u16 = u16::MAX;
/// Longest toneless syllable (`zhuang`, `chuang`, `shuang`).
const MAX_SYLLABLE: usize = 6;
/// Longest Latin word tried as pinyin.
pub(crate) const MAX_WORD: usize = 40;

/// The toneless pinyin syllables and the reading of each Han character.
#[derive(Debug)]
pub(crate) struct Syllables {
    ids: HashMap<String, u16>,
    names: Vec<String>,
    /// The syllables as a trie over `a..=z`: `trie[node][letter]` is the next node (0: none),
    /// `terminal[node]` the syllable ending there. Segmenting walks it without allocating.
    trie: Vec<[u16; 26]>,
    terminal: Vec<u16>,
    /// Letters that start a syllable and letters that end one (bit `k` for `a + k`), and for each
    /// letter the letters that may follow it in a run of syllables (inside one, or across two):
    /// a word with another first or last letter or another pair is no pinyin, without the
    /// segmentation's search (most English words: `the`, `with`, `from`, `have`).
    firsts: u32,
    lasts: u32,
    follows: [u32; 26],
    /// Syllable id of each char in `HAN_BASE..HAN_END` (`NONE` if unknown).
    han: Vec<u16>,
}

/// Toneless syllable of a Han char in the spelling users type (`ü` as `v`).
///
/// Borrowed unless it has a `ü`: a new screener reads all 20,992 common chars, and copying each
/// reading cost ≈ 6M of its ≈ 180M instructions (callgrind).
fn plain(c: char) -> Option<Cow<'static, str>> {
    let reading = c.to_pinyin()?.plain();
    Some(if reading.contains('ü') { Cow::Owned(reading.replace('ü', "v")) } else { Cow::Borrowed(reading) })
}

impl Syllables {
    pub fn new() -> Syllables {
        let mut ids = HashMap::new();
        let mut names = Vec::new();
        let mut han = Vec::with_capacity((HAN_END - HAN_BASE) as usize);
        for code in HAN_BASE..HAN_END {
            let id = match char::from_u32(code).and_then(plain) {
                Some(reading) => match ids.get(reading.as_ref()) {
                    Some(&id) => id,
                    None => Syllables::intern(&mut ids, &mut names, reading.into_owned()),
                },
                None => NONE,
            };
            han.push(id);
        }
        let mut trie = vec![[0u16; 26]];
        let mut terminal = vec![NONE];
        for (id, name) in names.iter().enumerate() {
            let mut node = 0usize;
            for b in name.bytes() {
                let Some(k) = b.checked_sub(b'a').filter(|k| *k < 26) else { break };
                if trie[node][k as usize] == 0 {
                    trie.push([0; 26]);
                    terminal.push(NONE);
                    trie[node][k as usize] = (trie.len() - 1) as u16;
                }
                node = trie[node][k as usize] as usize;
            }
            terminal[node] = id as u16;
        }
        let (mut firsts, mut lasts, mut follows) = (0u32, 0u32, [0u32; 26]);
        for name in names.iter().filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase())) {
            let bytes = name.as_bytes();
            firsts |= 1 << (bytes[0] - b'a');
            lasts |= 1 << (bytes[bytes.len() - 1] - b'a');
            for pair in bytes.windows(2) {
                follows[(pair[0] - b'a') as usize] |= 1 << (pair[1] - b'a');
            }
        }
        for (k, next) in follows.iter_mut().enumerate() {
            if lasts >> k & 1 == 1 {
                *next |= firsts;
            }
        }
        Syllables { ids, names, han, trie, terminal, firsts, lasts, follows }
    }

    /// Whether a word of lowercase letters may read as pinyin: its first and last letters and
    /// every pair of neighbours occur in runs of syllables. A word that segments passes.
    #[inline]
    fn may_be_pinyin(&self, word: &[u8]) -> bool {
        let letter = |b: u8| b.wrapping_sub(b'a') as u32;
        let (Some(&first), Some(&last)) = (word.first(), word.last()) else { return false };
        if letter(first) >= 26
            || self.firsts >> letter(first) & 1 == 0
            || letter(last) >= 26
            || self.lasts >> letter(last) & 1 == 0
        {
            return false;
        }
        word.windows(2)
            .all(|pair| letter(pair[1]) < 26 && self.follows[letter(pair[0]) as usize] >> letter(pair[1]) & 1 == 1)
    }

    fn intern(ids: &mut HashMap<String, u16>, names: &mut Vec<String>, name: String) -> u16 {
        let id = names.len() as u16;
        ids.insert(name.clone(), id);
        names.push(name);
        id
    }

    /// Syllable id of a (simplified) Han char.
    #[inline(always)]
    pub fn of_han(&self, c: char) -> Option<u16> {
        let code = c as u32;
        let id = if (HAN_BASE..HAN_END).contains(&code) {
            self.han[(code - HAN_BASE) as usize]
        } else {
            plain(c).and_then(|s| self.ids.get(s.as_ref()).copied()).unwrap_or(NONE)
        };
        (id != NONE).then_some(id)
    }

    /// Syllable of a char of the common Han block (`HAN_BASE..HAN_END`): `Some(None)` for one
    /// without a reading, `None` outside the block.
    #[inline(always)]
    pub fn of_common_han(&self, code: u32) -> Option<Option<u16>> {
        let id = *self.han.get(code.wrapping_sub(HAN_BASE) as usize)?;
        Some((id != NONE).then_some(id))
    }

    /// Syllable of a folded char: its reading's id for a Han char with one, else `None`.
    pub fn of_folded(&self, code: u32) -> Option<u16> {
        match self.of_common_han(code) {
            Some(id) => id,
            None => char::from_u32(code).filter(|&c| is_han(c)).and_then(|c| self.of_han(c)),
        }
    }

    /// First letter of the reading of a Han char (for initials such as `bd` for 冰毒).
    pub fn initial(&self, c: char) -> Option<char> {
        self.of_han(c).and_then(|id| self.names[id as usize].chars().next())
    }

    /// Splits a lowercase Latin word into syllables, fewest syllables first, calling `f(start,
    /// id)` for each in order; `false` (and no call) if it does not read as pinyin. Works on the
    /// stack: the probe runs it on every Latin word of a text.
    pub fn segment_with(&self, word: &[u8], f: impl FnMut(usize, u16)) -> bool {
        if word.is_empty() || word.len() > MAX_WORD || !self.may_be_pinyin(word) {
            return false;
        }
        self.search(word, f)
    }

    /// The segmentation itself (fewest syllables first), without the quick check.
    fn search(&self, word: &[u8], mut f: impl FnMut(usize, u16)) -> bool {
        // best[i]: fewest syllables covering word[..i], with the last syllable's start and id.
        const UNSET: (u8, u8, u16) = (u8::MAX, 0, NONE);
        let mut best = [UNSET; MAX_WORD + 1];
        best[0] = (0, 0, NONE);
        for start in 0..word.len() {
            let (count, _, _) = best[start];
            if count == u8::MAX {
                continue;
            }
            let mut node = 0usize;
            for (end, &b) in word.iter().enumerate().skip(start).take(MAX_SYLLABLE) {
                let Some(k) = b.checked_sub(b'a').filter(|k| *k < 26) else { break };
                node = self.trie[node][k as usize] as usize;
                if node == 0 {
                    break;
                }
                let id = self.terminal[node];
                if id != NONE && count + 1 < best[end + 1].0 {
                    best[end + 1] = (count + 1, start as u8, id);
                }
            }
        }
        if best[word.len()].0 == u8::MAX {
            return false;
        }
        let mut parts = [(0u8, 0u16); MAX_WORD];
        let mut n = 0;
        let mut end = word.len();
        while end > 0 {
            let (_, start, id) = best[end];
            parts[n] = (start, id);
            n += 1;
            end = start as usize;
        }
        for &(start, id) in parts[..n].iter().rev() {
            f(start as usize, id);
        }
        true
    }

    /// Encodes a syllable id as two bytes.
    ///
    /// Five bits in the second byte, the rest in the first: the ≈ 410 syllables then use 13
    /// first bytes and 32 second ones, so the syllable automaton's DFA has under 64 byte classes
    /// and a row of 64 transitions per state. With seven bits in the second byte (128 classes
    /// and more, rows of 256) the DFA of the default lexicon took 8.4 MB; now 2.3 MB, and a
    /// probe step into it misses the cache less (Chinese 100-char texts, lexicon only: median
    /// 2.88 → 2.55 µs over 8 alternating runs of `profile_short`).
    #[inline]
    pub fn code(id: u16) -> [u8; 2] {
        [0x80 | (id >> 5) as u8, (id & 0x1F) as u8]
    }

    /// The pinyin of a Han term as users type it, syllables run together (`bingdu` for 冰毒;
    /// `None` if a char has no reading).
    pub fn spell(&self, chars: &[char]) -> Option<String> {
        chars.iter().map(|&c| self.of_han(c).map(|id| self.names[id as usize].as_str())).collect()
    }

    /// Syllable codes of a Han term (`None` if a char has no reading).
    pub fn encode_han(&self, chars: &[char]) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(chars.len() * 2);
        for &c in chars {
            out.extend(Syllables::code(self.of_han(c)?));
        }
        Some(out)
    }

    /// Builds the syllable view of a folded text.
    pub fn view(&self, view: &View) -> SyllableView {
        let units = &view.units;
        let mut out =
            SyllableView { bytes: Vec::with_capacity(units.len() * 2 + 2), slots: Vec::with_capacity(units.len() + 1) };
        let mut i = 0;
        while i < units.len() {
            let unit = &units[i];
            if is_han(unit.ch) {
                match self.of_han(unit.ch) {
                    Some(id) => out.push(id, i, i),
                    None => out.barrier(),
                }
                i += 1;
            } else if unit.ch.is_ascii_lowercase() {
                // A Latin word: letters with nothing between them.
                let mut end = i + 1;
                while end < units.len() && units[end].ch.is_ascii_lowercase() && units[end].gap & GAP_NOISE == 0 {
                    end += 1;
                }
                let mut word = [0u8; MAX_WORD];
                let len = end - i;
                for (w, u) in word.iter_mut().zip(&units[i..end]) {
                    *w = u.ch as u8;
                }
                // Doubled letters are not pinyin (`dabbing` is not da bing).
                let doubled = units[i..end].iter().any(|u| u.run > 1);
                let mut parts = [(0usize, 0u16); MAX_WORD];
                let mut n = 0;
                let read = !doubled
                    && len <= MAX_WORD
                    && self.segment_with(&word[..len], |start, id| {
                        parts[n] = (start, id);
                        n += 1;
                    });
                if read {
                    for k in 0..n {
                        let (start, id) = parts[k];
                        let last = if k + 1 < n { parts[k + 1].0 } else { len } - 1;
                        out.push(id, i + start, i + last);
                    }
                } else {
                    out.barrier();
                }
                i = end;
            } else {
                out.barrier();
                i += 1;
            }
        }
        out
    }
}

/// Syllable codes of a text and, for each two-byte slot, the units it covers.
#[derive(Debug, Default)]
pub(crate) struct SyllableView {
    pub bytes: Vec<u8>,
    /// `(first unit, last unit)` per slot; `(u32::MAX, u32::MAX)` for a barrier.
    pub slots: Vec<(u32, u32)>,
}

impl SyllableView {
    fn push(&mut self, id: u16, first: usize, last: usize) {
        self.bytes.extend(Syllables::code(id));
        self.slots.push((first as u32, last as u32));
    }

    fn barrier(&mut self) {
        // One barrier is enough between two runs of syllables.
        if self.slots.last() != Some(&(u32::MAX, u32::MAX)) {
            self.bytes.extend([0, 0]);
            self.slots.push((u32::MAX, u32::MAX));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Folder;

    /// The codes use at most 16 first bytes and 32 second ones (with the barrier's 0: under 64
    /// byte classes, see [`Syllables::code`]), and every syllable has its own code.
    #[test]
    fn syllable_codes_stay_in_a_small_alphabet() {
        let folder = Folder::new();
        let n = folder.syllables.names.len();
        assert!((300..=512).contains(&n), "{n} syllables");
        let codes: std::collections::HashSet<[u8; 2]> = (0..n as u16).map(super::Syllables::code).collect();
        assert_eq!(codes.len(), n);
        let firsts: std::collections::HashSet<u8> = codes.iter().map(|c| c[0]).collect();
        assert!(firsts.len() <= 16 && codes.iter().all(|c| c[0] >= 0x80 && c[1] < 32));
    }

    /// The quick check never turns away a word that segments (every syllable, and runs of
    /// syllables read as one word), and turns away common English words that do not.
    #[test]
    fn the_quick_check_keeps_every_pinyin_word() {
        let folder = Folder::new();
        let syl = &folder.syllables;
        let plain: Vec<&str> =
            syl.names.iter().map(String::as_str).filter(|n| n.bytes().all(|b| b.is_ascii_lowercase())).collect();
        let mut seed = 7u64;
        for k in 0..20_000 {
            let mut word = String::new();
            for _ in 0..1 + k % 4 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                word.push_str(plain[(seed >> 33) as usize % plain.len()]);
            }
            let mut parts = 0;
            let segments = syl.segment_with(word.as_bytes(), |_, _| parts += 1);
            assert!(segments && parts >= 1, "{word} should read as pinyin");
        }
        // Every word of up to four letters: the quick check passes all that the search reads.
        let mut word = [0u8; 4];
        for len in 1..=4 {
            for n in 0..26usize.pow(len as u32) {
                let mut m = n;
                for b in word[..len].iter_mut() {
                    *b = b'a' + (m % 26) as u8;
                    m /= 26;
                }
                let w = &word[..len];
                assert!(!syl.search(w, |_, _| {}) || syl.may_be_pinyin(w), "{}", String::from_utf8_lossy(w));
            }
        }
        for word in ["the", "with", "from", "have", "this", "hello", "street"] {
            assert!(!syl.may_be_pinyin(word.as_bytes()), "{word}");
        }
    }

    #[test]
    fn pinyin_words_and_han_meet() {
        let folder = Folder::new();
        let syl = &folder.syllables;
        let term = syl.encode_han(&['冰', '毒']).unwrap();
        for text in ["bingdu", "bing du", "冰du", "冰读", "卖冰毒"] {
            let view = folder.fold(text);
            let sv = syl.view(&view);
            let found = sv.bytes.windows(term.len()).enumerate().any(|(i, w)| i % 2 == 0 && w == term.as_slice());
            assert!(found, "{text:?} should read as bing du");
        }
        let view = folder.fold("binder");
        assert!(!syl.view(&view).bytes.windows(term.len()).any(|w| w == term.as_slice()));
    }
}
