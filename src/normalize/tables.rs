//! Character tables: traditional→simplified (OpenCC data), split characters, numerals, and the
//! fold of look-alike, styled and accented letters (Unicode data via `unicode-normalization` and
//! `unicode-security`). Built once per [`Folder`](super::Folder); scans only read them.

use std::collections::HashMap;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use crate::lexicon::Evasion;

/// OpenCC's traditional→simplified character table (Apache-2.0, see NOTICE).
const TS_CHARACTERS: &str = include_str!("../../data/opencc/TSCharacters.txt");
/// Split-character pairs, curated (see the file's header).
const SPLIT: &str = include_str!("../../data/split.tsv");

/// First code point of the dense Han table (CJK Unified Ideographs).
pub(crate) const HAN_BASE: u32 = 0x4E00;
/// One past the last code point of the dense Han table.
pub(crate) const HAN_END: u32 = 0xA000;

/// Whether `c` is a Han ideograph (the ranges jieba and the pinyin table know).
#[inline]
pub(crate) fn is_han(c: char) -> bool {
    let c = c as u32;
    // Below the first block at once (Latin text: one compare instead of three ranges).
    c >= 0x3400
        && ((HAN_BASE..HAN_END).contains(&c) || (0x3400..0x4DC0).contains(&c) || (0x20000..0x2A6E0).contains(&c))
}

/// The digit a Chinese numeral stands for (`〇一…九`, `零`, financial `壹…玖`, `两`).
pub(crate) fn chinese_numeral(c: char) -> Option<u8> {
    Some(match c {
        '〇' | '零' => 0,
        '一' | '壹' | '幺' => 1,
        '二' | '贰' | '貳' | '两' | '兩' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// The digit of a circled / parenthesized / dingbat / full-width digit (`①`, `⑴`, `❶`, `５`).
pub(crate) fn symbol_digit(c: char) -> Option<u8> {
    let c = c as u32;
    let d = match c {
        0x2460..=0x2468 => c - 0x2460 + 1, // ① .. ⑨
        0x2474..=0x247C => c - 0x2474 + 1, // ⑴ .. ⑼
        0x2488..=0x2490 => c - 0x2488 + 1, // ⒈ .. ⒐
        0x24EA | 0x24FF => 0,              // ⓪ ⓿
        0x24F5..=0x24FD => c - 0x24F5 + 1, // ⓵ .. ⓽
        0x2776..=0x277E => c - 0x2776 + 1, // ❶ .. ❾
        0x2780..=0x2788 => c - 0x2780 + 1, // ➀ .. ➈
        0x278A..=0x2792 => c - 0x278A + 1, // ➊ .. ➒
        0x3220..=0x3228 => c - 0x3220 + 1, // ㈠ .. ㈨
        0x3280..=0x3288 => c - 0x3280 + 1, // ㊀ .. ㊈
        _ => return None,
    };
    Some(d as u8)
}

/// Static tables shared by every scan of a screener.
#[derive(Debug)]
pub(crate) struct Tables {
    /// Simplified form of each char in `HAN_BASE..HAN_END` (the char itself when unchanged).
    t2s: Vec<char>,
    /// Traditional chars outside the dense range.
    t2s_other: HashMap<char, char>,
    /// Fold of non-ASCII, non-Han letters: look-alikes, styled and accented letters.
    other: HashMap<char, (char, Evasion)>,
    /// `(first, second) -> whole` for split characters.
    split: HashMap<(char, char), char>,
    /// Bit set over the dense Han range: which chars start a split pair (checked per Han char,
    /// so the hash map is only consulted for the rare candidates).
    split_first: Vec<u64>,
    /// Per char in `HAN_BASE..HAN_END`: its simplified form, plus [`HAN_TRADITIONAL`] when that
    /// differs, or [`HAN_SPECIAL`] when the char needs the general path (a numeral, the first
    /// half of a split pair). One load decides the common case of a scan.
    han: Box<[u32]>,
}

/// [`Tables::han_entry`] flag: the char is traditional (its entry holds the simplified form).
pub(crate) const HAN_TRADITIONAL: u32 = 1 << 30;
/// [`Tables::han_entry`] flag: the char is a numeral or starts a split pair.
pub(crate) const HAN_SPECIAL: u32 = 1 << 31;
/// [`Tables::han_entry`] mask of the simplified char.
pub(crate) const HAN_CHAR: u32 = 0x1F_FFFF;
/// [`Tables::han_entry`]: where the syllable id of the simplified char sits (bits 21..30; see
/// [`Tables::set_syllables`]), and the id of none.
pub(crate) const HAN_SYLLABLE_SHIFT: u32 = 21;
pub(crate) const HAN_NO_SYLLABLE: u32 = 0x1FF;

impl Tables {
    pub fn new() -> Tables {
        let mut t2s: Vec<char> = (HAN_BASE..HAN_END).map(|c| char::from_u32(c).unwrap_or('\u{FFFD}')).collect();
        let mut t2s_other = HashMap::new();
        for line in TS_CHARACTERS.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(from), Some(to)) = (fields.next(), fields.next()) else { continue };
            let (Some(from), Some(to)) = (single_char(from), to.split(' ').next().and_then(single_char)) else {
                continue;
            };
            let code = from as u32;
            if (HAN_BASE..HAN_END).contains(&code) {
                t2s[(code - HAN_BASE) as usize] = to;
            } else {
                t2s_other.insert(from, to);
            }
        }

        let mut split = HashMap::new();
        for line in SPLIT.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if let [a, b, whole] = f[..] {
                if let (Some(a), Some(b), Some(whole)) = (single_char(a), single_char(b), single_char(whole)) {
                    split.insert((a, b), whole);
                }
            }
        }

        let mut split_first = vec![0u64; ((HAN_END - HAN_BASE) as usize).div_ceil(64)];
        for &(a, _) in split.keys() {
            let code = a as u32;
            if (HAN_BASE..HAN_END).contains(&code) {
                let k = (code - HAN_BASE) as usize;
                split_first[k / 64] |= 1 << (k % 64);
            }
        }
        let han = (HAN_BASE..HAN_END)
            .map(|code| {
                let k = (code - HAN_BASE) as usize;
                let simple = t2s[k];
                let mut entry = simple as u32;
                if simple as u32 != code {
                    entry |= HAN_TRADITIONAL;
                }
                if chinese_numeral(simple).is_some() || split_first[k / 64] & (1 << (k % 64)) != 0 {
                    entry |= HAN_SPECIAL;
                }
                entry
            })
            .collect();
        Tables { t2s, t2s_other, other: fold_table(), split, split_first, han }
    }

    /// Puts the syllable id of each entry's simplified char into the entry (bits
    /// [`HAN_SYLLABLE_SHIFT`].., [`HAN_NO_SYLLABLE`] for a char without a reading), so that the
    /// probe reads a Han char's fold and sound with one load.
    pub fn set_syllables(&mut self, syllable: impl Fn(u32) -> Option<u16>) {
        for entry in self.han.iter_mut() {
            let id = syllable(*entry & HAN_CHAR).map_or(HAN_NO_SYLLABLE, u32::from);
            assert!(id <= HAN_NO_SYLLABLE, "syllable ids fit in 9 bits");
            *entry |= id << HAN_SYLLABLE_SHIFT;
        }
    }

    /// The packed entry of a code point in `HAN_BASE..HAN_END` (see [`HAN_SPECIAL`]), `None`
    /// outside.
    #[inline(always)]
    pub fn han_entry(&self, code: u32) -> Option<u32> {
        self.han.get(code.wrapping_sub(HAN_BASE) as usize).copied()
    }

    /// Simplified form of a Han char.
    #[inline]
    pub fn simplify(&self, c: char) -> char {
        let code = c as u32;
        if (HAN_BASE..HAN_END).contains(&code) {
            self.t2s[(code - HAN_BASE) as usize]
        } else {
            *self.t2s_other.get(&c).unwrap_or(&c)
        }
    }

    /// Whether `c` is the first component of a split pair.
    #[inline]
    pub fn is_split_first(&self, c: char) -> bool {
        let code = c as u32;
        if !(HAN_BASE..HAN_END).contains(&code) {
            return false;
        }
        let k = (code - HAN_BASE) as usize;
        self.split_first[k / 64] & (1 << (k % 64)) != 0
    }

    /// The whole character written as `first` + `second`.
    #[inline]
    pub fn split(&self, first: char, second: char) -> Option<char> {
        self.split.get(&(first, second)).copied()
    }

    /// Fold of a non-ASCII, non-Han letter to an ASCII letter, with the evasion it represents.
    #[inline]
    pub fn fold_other(&self, c: char) -> Option<(char, Evasion)> {
        self.other.get(&c).copied()
    }
}

fn single_char(s: &str) -> Option<char> {
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

/// Builds the fold of letters that stand in for ASCII letters:
/// - accented Latin letters (`é` → `e`) and styled letters (`𝐟`, `ⓕ`) by compatibility
///   decomposition, dropping combining marks;
/// - Cyrillic and Greek look-alikes (`а` → `a`, `ο` → `o`) by the Unicode confusables skeleton.
///
/// Full-width ASCII is handled arithmetically by the folder and is not in this table.
fn fold_table() -> HashMap<char, (char, Evasion)> {
    let ranges: &[(u32, u32)] = &[
        (0x00C0, 0x0250),   // Latin-1 supplement letters, Latin extended A/B
        (0x0370, 0x0530),   // Greek, Cyrillic
        (0x1D00, 0x1F00),   // phonetic extensions, Latin extended additional
        (0x2100, 0x2150),   // letterlike symbols (ℂ ℍ …)
        (0x24B6, 0x24EA),   // circled letters
        (0x1D400, 0x1D800), // mathematical alphanumeric symbols
        (0x1F130, 0x1F18A), // squared / negative circled letters
    ];
    let mut table = HashMap::new();
    for &(lo, hi) in ranges {
        for code in lo..hi {
            let Some(c) = char::from_u32(code) else { continue };
            if !c.is_alphabetic() {
                continue;
            }
            let mut decomposed = String::new();
            decompose_compatible(c, |d| {
                if !is_combining_mark(d) {
                    decomposed.push(d)
                }
            });
            if let Some(d) = single_char(&decomposed) {
                if d.is_ascii_alphabetic() {
                    table.insert(c, (d.to_ascii_lowercase(), Evasion::Homoglyph));
                    continue;
                }
            }
            if (0x0370..0x0530).contains(&code) {
                let skeleton: String = unicode_security::skeleton(&c.to_string()).collect();
                if let Some(d) = single_char(&skeleton) {
                    if d.is_ascii_alphabetic() {
                        table.insert(c, (d.to_ascii_lowercase(), Evasion::Homoglyph));
                    }
                }
            }
        }
    }
    table
}
