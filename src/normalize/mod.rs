//! Normalizing text into the form the matcher sees, without losing a single original offset.
//!
//! A text becomes a [`View`]: a folded string (lowercase, half-width, simplified, look-alikes
//! replaced, leetspeak read, noise dropped, repeats collapsed, split characters joined) and one
//! [`Unit`] per folded character that remembers the exact byte range it came from in the
//! original, the disguises seen inside it (`via`) and the noise skipped before it. Lexicon terms go
//! through the same folding, so a term and a disguised occurrence meet in the middle.
//!
//! The folding runs in two steps: every char is classified on its own ([`Raw`]), then units are
//! assembled with the context rules that need neighbours (leetspeak only inside Latin words,
//! Chinese numerals only in runs of four or more, split characters only when adjacent).

mod pinyin;
mod tables;

use crate::lexicon::{Evasion, EvasionSet};

pub(crate) use pinyin::{SyllableView, Syllables, MAX_WORD};
pub(crate) use tables::is_han;
use tables::{
    chinese_numeral, symbol_digit, Tables, HAN_CHAR, HAN_NO_SYLLABLE, HAN_SPECIAL, HAN_SYLLABLE_SHIFT, HAN_TRADITIONAL,
};

/// Noise was skipped before a unit.
pub(crate) const GAP_NOISE: u8 = 1;
/// The skipped noise contained whitespace.
pub(crate) const GAP_SPACE: u8 = 2;
/// The skipped noise contained something other than whitespace (`.`, `*`, an emoji, …).
pub(crate) const GAP_PUNCT: u8 = 8;
/// The skipped noise contained a sentence break (`。！？；`, a line break): no match crosses it.
pub(crate) const GAP_HARD: u8 = 4;

/// Chinese numerals count as digits only in runs at least this long (`一三八一二三四…` is a phone
/// number; `一个` is not).
const NUMERAL_RUN: usize = 4;

/// Per byte: the lowercase ASCII letter it is, or 0 (one load where the word loop of
/// [`Folder::fold_fast`] would test and fold a byte in ≈ 12 instructions).
const LOWER_LETTER: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        if byte.is_ascii_alphabetic() {
            table[b] = byte.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// Per byte, when looking for a sentence break ([`Folder::pieces`]): 0 for the bytes that may
/// start one (`\n`, `\r`, `?`, `;`, and the lead bytes of `。！？；` and U+2028/9), else how far
/// to step: past a whole char of the common Han block, else one byte.
const BREAK_SKIP: [u8; 256] = {
    let mut table = [1u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        if matches!(byte, b'\n' | b'\r' | b'?' | b';' | 0xE2 | 0xE3 | 0xEF) {
            table[b] = 0;
        } else if is_han_lead(byte) {
            table[b] = 3;
        }
        b += 1;
    }
    table
};

/// Most chars of noise on each side of a piece's cut ([`Folder::bridge`]).
const MAX_BRIDGE: usize = 16;

/// Most noise characters a repeat may merge across (`a s s`, `冰 冰毒`).
const MAX_MERGE_GAP: u16 = 2;

/// One folded character and where it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Unit {
    /// The folded character.
    pub ch: char,
    /// Original byte range, end-exclusive; covers merged repeats and attached combining marks.
    pub start: u32,
    pub end: u32,
    /// Byte offset of `ch` in the folded text.
    pub norm: u32,
    /// How many equal characters were merged into this unit (repeat).
    pub run: u16,
    /// Number of noise characters skipped right before this unit.
    pub gap_chars: u16,
    /// `GAP_*` flags of the noise skipped right before this unit.
    pub gap: u8,
    /// Disguises seen inside this unit (`spacing` only when a repeat merged across noise;
    /// `repeat` itself is derived from `run`).
    pub via: EvasionSet,
}

impl Unit {
    /// Whether the unit is an ASCII letter or digit (a Latin-script word character).
    #[inline]
    pub fn is_latin(&self) -> bool {
        self.ch.is_ascii_alphanumeric()
    }
}

/// Room for the units of `text`: one per char at most. Measured with callgrind on 2,000
/// 100-char English texts with the model: half the byte length (the old guess) made the unit
/// vector grow once for most Latin texts, ≈ 0.5k instructions a text in `realloc`; the byte length
/// itself would over-reserve Chinese texts threefold (a 1 MiB text: 24 MiB of units).
#[inline]
pub(crate) fn unit_capacity(text: &str) -> usize {
    text.chars().count()
}

/// A vector for the units of a short text, kept between scans on the same thread: the scan with
/// the learned scorer takes it for its units ([`crate::probe::Probe::units`]) and gives it back
/// when the verdict is built. Measured with callgrind on 2,000 100-char texts with the model:
/// allocating and freeing the ≈ 2.4 KB of units cost ≈ 800 instructions a text (glibc serves
/// blocks that size from its sorted bins, not its per-thread cache), 4.5 % of an English scan.
/// Only vectors of up to [`scratch::MAX_KEPT`] units are kept, so a long text's units are freed.
pub(crate) mod scratch {
    use super::Unit;
    use std::cell::Cell;

    /// The most units a kept vector has room for (96 KiB).
    pub const MAX_KEPT: usize = 4096;

    thread_local! {
        static UNITS: Cell<Vec<Unit>> = const { Cell::new(Vec::new()) };
    }

    /// An empty vector with room for `capacity` units: the kept one if there is one.
    #[inline]
    pub fn take(capacity: usize) -> Vec<Unit> {
        let mut units = UNITS.with(Cell::take);
        units.clear();
        units.reserve(capacity);
        units
    }

    /// Keeps `units` for the next [`take`] on this thread, unless it is too big.
    #[inline]
    pub fn give(units: Vec<Unit>) {
        if units.capacity() <= MAX_KEPT {
            UNITS.with(|kept| kept.set(units));
        }
    }
}

/// A folded text and its units.
#[derive(Debug, Clone, Default)]
pub(crate) struct View {
    pub text: String,
    pub units: Vec<Unit>,
}

impl View {
    /// Index of the unit whose folded char starts at or covers folded byte `offset`.
    #[inline]
    pub fn unit_at(&self, offset: usize) -> usize {
        match self.units.binary_search_by_key(&(offset as u32), |u| u.norm) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }
}

/// How one char of the input is read, before context is applied.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Spacing noise: whitespace, punctuation, symbols, emoji, zero-width; `hard` for sentence
    /// breaks.
    Noise { space: bool, hard: bool },
    /// Combining mark or variation selector: belongs to the char before it.
    Attach,
    /// An apostrophe inside a word (`today's`, `don't`): belongs to the word, no disguise.
    Joiner,
    /// A (simplified) Han character.
    Han(char),
    /// A Han numeral (`一`, `壹`): a digit in long numeral runs, a Han character elsewhere.
    HanNumeral(char, u8),
    /// An ASCII letter after folding (lowercase).
    Letter(char),
    /// A digit (ASCII, full-width or circled).
    Digit(u8),
    /// `@ $ ! |`: leetspeak inside a Latin word, noise elsewhere.
    LeetSymbol(char),
    /// Any other letter or number (kana, Hangul, …), kept as is.
    Other(char),
}

#[derive(Debug, Clone, Copy)]
struct Raw {
    kind: Kind,
    start: u32,
    end: u32,
    via: EvasionSet,
}

/// Chars below this code point (ASCII, Latin, Greek, Cyrillic, general punctuation, CJK
/// punctuation, kana) are classified by one lookup in a table built from [`Folder::classify_slow`].
const FAST_END: u32 = 0x3400;

/// The folding machinery: character tables plus the pinyin syllable table.
#[derive(Debug)]
pub(crate) struct Folder {
    tables: Tables,
    pub syllables: Syllables,
    /// `classify` of every char below [`FAST_END`].
    fast: Box<[(Kind, EvasionSet)]>,
    /// `classify` of the half- and full-width forms (U+FF00..U+FFEF: `，！（）` and full-width
    /// ASCII), common in Chinese text.
    wide: Box<[(Kind, EvasionSet)]>,
    /// Per ASCII byte: its `GAP_*` flags when it is noise, else 0 (the fast lane's one load for
    /// a space or a punctuation mark).
    ascii_noise: [u8; 128],
    /// [`Folder::ascii_noise`] for the three-byte chars of [`NOISE3`] (general and CJK
    /// punctuation: `“”—…、。「」`) and of the half- and full-width forms (`，！（）：`).
    noise3: Box<[u8]>,
}

/// The three-byte chars below [`FAST_END`] that [`Folder::noise3`] covers: general punctuation
/// to CJK punctuation and kana.
const NOISE3: std::ops::Range<u32> = 0x2000..FAST_END;

/// The block of half- and full-width forms.
const WIDE: std::ops::Range<u32> = 0xFF00..0xFFF0;

impl Folder {
    pub fn new() -> Folder {
        let mut folder = Folder {
            tables: Tables::new(),
            syllables: Syllables::new(),
            fast: Box::default(),
            wide: Box::default(),
            ascii_noise: [0; 128],
            noise3: Box::default(),
        };
        folder.fast = (0..FAST_END)
            .map(|code| match char::from_u32(code) {
                Some(c) => folder.classify_slow(c, EvasionSet::EMPTY),
                None => (Kind::Noise { space: false, hard: false }, EvasionSet::EMPTY), // surrogates
            })
            .collect();
        folder.wide = WIDE
            .map(|code| {
                folder.classify_slow(char::from_u32(code).expect("the block has no surrogates"), EvasionSet::EMPTY)
            })
            .collect();
        for (flags, (kind, _)) in folder.ascii_noise.iter_mut().zip(&folder.fast[..128]) {
            if let Kind::Noise { space, hard } = *kind {
                *flags = noise_flags(space, hard);
            }
        }
        let kinds = folder.fast[NOISE3.start as usize..].iter().chain(folder.wide.iter());
        folder.noise3 = kinds
            .map(|(kind, _)| match *kind {
                Kind::Noise { space, hard } => noise_flags(space, hard),
                _ => 0,
            })
            .collect();
        let syllables = &folder.syllables;
        folder.tables.set_syllables(|code| syllables.of_folded(code));
        folder
    }

    /// How one char reads: a table lookup for the common ranges, Han by the dense Han tables.
    #[inline]
    fn classify(&self, c: char, via: EvasionSet) -> (Kind, EvasionSet) {
        match self.fast.get(c as usize) {
            Some(&(kind, own)) => (kind, own.union(via)),
            None => match self.wide.get((c as u32).wrapping_sub(WIDE.start) as usize) {
                Some(&(kind, own)) => (kind, own.union(via)),
                None => match self.tables.han_entry(c as u32) {
                    Some(entry) => han_kind(entry, via),
                    None => self.classify_slow(c, via),
                },
            },
        }
    }

    fn classify_slow(&self, c: char, via: EvasionSet) -> (Kind, EvasionSet) {
        if is_han(c) {
            let simple = self.tables.simplify(c);
            let via = if simple != c { via.with(Evasion::Traditional) } else { via };
            return match chinese_numeral(simple) {
                Some(d) => (Kind::HanNumeral(simple, d), via),
                None => (Kind::Han(simple), via),
            };
        }

        if c.is_ascii() {
            let kind = match c {
                'a'..='z' => Kind::Letter(c),
                'A'..='Z' => return (Kind::Letter(c.to_ascii_lowercase()), via.with(Evasion::Case)),
                '0'..='9' => Kind::Digit(c as u8 - b'0'),
                '@' | '$' | '!' | '|' => Kind::LeetSymbol(c),
                '\n' | '\r' | '?' | ';' => Kind::Noise { space: true, hard: true },
                '\'' => Kind::Joiner,
                _ => Kind::Noise { space: c.is_ascii_whitespace(), hard: false },
            };
            return (kind, via);
        }
        let code = c as u32;
        if c == '\u{2019}' {
            return (Kind::Joiner, via); // ’ as an apostrophe
        }
        if matches!(c, '。' | '！' | '？' | '；' | '\u{2028}' | '\u{2029}') {
            return (Kind::Noise { space: true, hard: true }, via);
        }
        if (0xFF01..=0xFF5E).contains(&code) {
            // Full-width ASCII: same char 0xFEE0 lower.
            let ascii = char::from_u32(code - 0xFEE0).unwrap_or(c);
            return self.classify(ascii, via.with(Evasion::Width));
        }
        if let Some(d) = symbol_digit(c) {
            return (Kind::Digit(d), via.with(Evasion::Numerals));
        }
        match code {
            0x200B..=0x200F | 0x2060..=0x2064 | 0xFEFF | 0x00AD | 0x180E => {
                return (Kind::Noise { space: false, hard: false }, via)
            }
            0xFE00..=0xFE0F | 0xE0100..=0xE01EF | 0x1F3FB..=0x1F3FF => return (Kind::Attach, via),
            _ => {}
        }
        if unicode_normalization::char::is_combining_mark(c) {
            return (Kind::Attach, via);
        }
        if let Some((folded, kind)) = self.tables.fold_other(c) {
            return (Kind::Letter(folded), via.with(kind));
        }
        if c.is_whitespace() {
            return (Kind::Noise { space: true, hard: false }, via);
        }
        if c.is_alphanumeric() {
            let mut lower = c.to_lowercase();
            let folded = match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => c,
            };
            return (Kind::Other(folded), via);
        }
        (Kind::Noise { space: false, hard: false }, via)
    }

    /// Cuts `text` into pieces of at least `min` bytes (the last may be shorter) that fold inside
    /// the whole text exactly as they fold alone, as `(start, end)` byte ranges covering it, but
    /// for the noise before a piece's first unit (see [`Folder::bridge`]).
    ///
    /// A cut goes right after a sentence break (hard noise: `。`, `？`, a newline) that lies in
    /// a run of noise ([`Folder::bridge`]: `.”⏎“`, `！⏎`, `😂⏎`) between two units, the one before
    /// a Han char, a Latin letter or digit or another letter, the one after a Han char (not a
    /// numeral) or a Latin letter. Nothing of the fold reaches over such a run: noise ends Latin
    /// tokens, marks and apostrophes after noise are noise, split characters join only when
    /// adjacent, repeats never merge across a sentence break; Chinese numeral runs do reach over
    /// noise, but only forward, and the unit after the run stops them. No match of a term
    /// crosses a sentence break either (the gap check refuses it); only allow phrases may, which
    /// the caller handles.
    pub(crate) fn pieces(&self, text: &str, min: usize) -> Vec<(usize, usize)> {
        self.pieces_from(text, 0, min, usize::MAX)
    }

    /// [`Folder::pieces`] of `text[start..]` (`start` a cut, or 0), stopping after `limit` pieces
    /// that end at a cut: the last piece ends at `text.len()` exactly when no piece is left out.
    pub(crate) fn pieces_from(&self, text: &str, mut start: usize, min: usize, limit: usize) -> Vec<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        while text.len() - start > min {
            if out.len() == limit {
                return out;
            }
            let mut from = start + min;
            while !text.is_char_boundary(from) {
                from += 1;
            }
            // Only these bytes start a sentence break (`\n`, `\r`, `?`, `;`, and the 3-byte
            // `。`, `！`, `？`, `；`, U+2028/9): the others are skipped without decoding, a char
            // of the common Han block (three bytes, none of which can start one) at once.
            let mut cut = None;
            let mut i = from;
            while i < bytes.len() {
                let skip = BREAK_SKIP[usize::from(bytes[i])];
                if skip != 0 {
                    i += usize::from(skip);
                    continue;
                }
                let c = text[i..].chars().next().expect("a lead byte starts a char");
                i += 1;
                if !matches!(self.classify(c, EvasionSet::EMPTY).0, Kind::Noise { hard: true, .. }) {
                    continue;
                }
                let end = i - 1 + c.len_utf8();
                if self.bridge(text, end).is_some() {
                    cut = Some(end);
                    break;
                }
            }
            let Some(cut) = cut else { break };
            out.push((start, cut));
            start = cut;
        }
        out.push((start, text.len()));
        out
    }

    /// The run of noise around a cut at `cut` (right after a sentence break), as the byte range
    /// from its first char to the end of the first unit after it, when a piece may start there
    /// ([`Folder::pieces`]); `None` when it may not. Folded alone, the range gives one unit: the
    /// piece's first unit, with the noise before it as in the whole text (the piece alone has
    /// only the noise after the cut).
    ///
    /// The run: at most [`MAX_BRIDGE`] chars each side of the cut, the first of them noise
    /// proper (a mark or apostrophe right after a unit would belong to it), the rest noise,
    /// marks or apostrophes (after noise, the fold reads them as noise). Before it, a unit that
    /// no fold of what follows changes (Han, a numeral, a Latin letter or digit, another
    /// letter: not `@$!|`, whose reading depends on the token); after it, a Han char (not a
    /// numeral, which a numeral run before could count) or a Latin letter.
    pub(crate) fn bridge(&self, text: &str, cut: usize) -> Option<(usize, usize)> {
        let kind = |c: char| self.classify(c, EvasionSet::EMPTY).0;
        let noise = |k: Kind| matches!(k, Kind::Noise { .. } | Kind::Attach | Kind::Joiner);
        let mut after = text[cut..].char_indices().enumerate();
        let end = loop {
            let (n, (j, c)) = after.next()?;
            match kind(c) {
                Kind::Han(_) | Kind::Letter(_) => break cut + j + c.len_utf8(),
                k if noise(k) && n < MAX_BRIDGE => {}
                _ => return None,
            }
        };
        let mut start = cut;
        let mut first = None;
        for (k, c) in text[..cut].chars().rev().enumerate() {
            let kc = kind(c);
            if noise(kc) {
                if k == MAX_BRIDGE {
                    return None;
                }
                start -= c.len_utf8();
                first = Some(kc);
                continue;
            }
            let unit =
                matches!(kc, Kind::Han(_) | Kind::HanNumeral(..) | Kind::Letter(_) | Kind::Digit(_) | Kind::Other(_));
            let run_starts_with_noise = matches!(first, Some(Kind::Noise { .. }));
            return (unit && run_starts_with_noise).then_some((start, end));
        }
        None
    }

    /// The noise before the first unit after a cut at `cut`, as the whole text has it: the `gap`
    /// flags and `gap_chars` of the one unit [`Folder::bridge`]'s range folds to. Every char of
    /// the range but the last is read as noise (the run starts with noise proper, so a mark or an
    /// apostrophe in it has no unit to join). `None` where no piece may start. Measured with
    /// callgrind on 4.2 MB of Chinese news with the model: folding the range (a view allocated
    /// and freed for each of 12k pieces) cost ≈ 9M instructions.
    pub(crate) fn bridge_gap(&self, text: &str, cut: usize) -> Option<(u8, u16)> {
        let (start, end) = self.bridge(text, cut)?;
        let run = &text[start..end];
        let unit = run.chars().next_back()?;
        let (mut gap, mut gap_chars) = (0u8, 0u16);
        for c in run[..run.len() - unit.len_utf8()].chars() {
            gap |= match self.classify(c, EvasionSet::EMPTY).0 {
                Kind::Noise { space, hard } => noise_flags(space, hard),
                _ => noise_flags(false, false),
            };
            gap_chars = gap_chars.saturating_add(1);
        }
        Some((gap, gap_chars))
    }

    fn raw_at(&self, text: &str, i: usize) -> Option<Raw> {
        let c = text[i..].chars().next()?;
        let (kind, via) = self.classify(c, EvasionSet::EMPTY);
        Some(Raw { kind, start: i as u32, end: (i + c.len_utf8()) as u32, via })
    }

    /// Folds `text` into a [`View`].
    ///
    /// One pass over the chars. Latin tokens are buffered (their leetspeak reading needs the
    /// whole token); split characters peek at the next char, and Chinese numerals look ahead for
    /// their run, only when the current char can start one. (The fast lane with a lane that keeps
    /// units, [`Folder::fold_kept`], is not used here: it costs more on Chinese texts, where
    /// building the folded string char by char afterwards costs more than the general fold's
    /// building it as it goes, and on long texts the lane nearly always bails somewhere, losing
    /// the work up to there. The probe uses it for short Latin texts: `Probe::view`.)
    pub fn fold(&self, text: &str) -> View {
        let mut view = View::default();
        view.text.reserve(text.len());
        view.units.reserve(unit_capacity(text));
        let mut out = Builder::new(view);
        self.fold_into(text, &mut out);
        out.emit
    }

    /// [`Folder::fold`] on the fast lane: `None` where the fast lane bails.
    pub(crate) fn fold_kept(&self, text: &str) -> Option<View> {
        let mut keep = Keep::for_text(text);
        match self.fold_fast(text, &mut keep) {
            Flow::Go => Some(keep.into_view()),
            Flow::Stop | Flow::Bail => None,
        }
    }

    /// Folds `text` into `out`, one unit at a time; stops early when the emitter says so
    /// ([`Emit::done`]). [`Folder::fold`] and the screener's probe share this one folding.
    pub(crate) fn fold_into<E: Emit>(&self, text: &str, out: &mut Builder<E>) {
        let mut token: Vec<Raw> = Vec::new();
        // End (exclusive, byte offset) of the current run of Chinese numerals read as digits,
        // and how far ahead runs have been looked for.
        let mut numeral_run_end = 0usize;
        let mut numeral_checked_to = 0usize;
        let mut skip_to = 0usize;

        let bytes = text.as_bytes();
        let mut next = 0usize;
        while next < bytes.len() {
            if out.emit.done() {
                return;
            }
            let i = next.max(skip_to);
            if i >= bytes.len() {
                break;
            }
            // The common case, decoded by hand: a Han char of U+4E00..U+9FFF (three bytes, lead
            // byte E4..E9) outside a Latin token that is neither a numeral nor the first half of
            // a split pair.
            let lead = bytes[i];
            if let Some(code) = han3(&bytes[i..]).filter(|_| token.is_empty()) {
                if let Some(entry) = self.tables.han_entry(code) {
                    if entry & HAN_SPECIAL == 0 {
                        if entry & HAN_TRADITIONAL == 0 {
                            out.push_han(code, i as u32);
                        } else {
                            let simple = char::from_u32(entry & HAN_CHAR).unwrap_or('\u{FFFD}');
                            let via = EvasionSet::EMPTY.with(Evasion::Traditional);
                            out.push(simple, i as u32, (i + 3) as u32, via, true);
                        }
                        next = i + 3;
                        continue;
                    }
                }
            }
            // A plain ASCII word (letters only, ending in something that cannot continue a
            // Latin token): its letters are units as they are, no leetspeak to read.
            if lead.is_ascii_alphabetic() && token.is_empty() {
                let end = bytes[i..].iter().position(|b| !b.is_ascii_alphabetic()).map_or(bytes.len(), |n| i + n);
                let continues = bytes.get(end).is_some_and(|&b| {
                    !b.is_ascii() || b.is_ascii_digit() || matches!(b, b'@' | b'$' | b'!' | b'|' | b'\'')
                });
                if !continues {
                    for (k, &b) in bytes[i..end].iter().enumerate() {
                        let via = if b.is_ascii_uppercase() {
                            EvasionSet::EMPTY.with(Evasion::Case)
                        } else {
                            EvasionSet::EMPTY
                        };
                        let at = (i + k) as u32;
                        out.push(b.to_ascii_lowercase() as char, at, at + 1, via, true);
                    }
                    next = end;
                    continue;
                }
            }
            let c = text[i..].chars().next().expect("i is a char boundary below the end");
            next = i + c.len_utf8();
            let (kind, via) = self.classify(c, EvasionSet::EMPTY);
            let raw = Raw { kind, start: i as u32, end: (i + c.len_utf8()) as u32, via };
            match kind {
                Kind::Letter(_) | Kind::Digit(_) | Kind::LeetSymbol(_) => {
                    token.push(raw);
                    continue;
                }
                Kind::Attach | Kind::Joiner if !token.is_empty() => {
                    token.push(raw);
                    continue;
                }
                _ => {}
            }
            if !token.is_empty() {
                fold_latin_token(&token, out);
                token.clear();
            }
            match kind {
                Kind::Noise { space, hard } => out.noise(space, hard),
                Kind::Joiner => out.noise(false, false),
                Kind::Attach => out.attach(raw),
                Kind::Han(h) => {
                    if self.tables.is_split_first(h) {
                        if let Some(next) = self.raw_at(text, raw.end as usize) {
                            if let Kind::Han(n) | Kind::HanNumeral(n, _) = next.kind {
                                if let Some(whole) = self.tables.split(h, n) {
                                    let via = raw.via.union(next.via).with(Evasion::Split);
                                    out.push(whole, raw.start, next.end, via, true);
                                    skip_to = next.end as usize;
                                    continue;
                                }
                            }
                        }
                    }
                    out.push(h, raw.start, raw.end, raw.via, true);
                }
                Kind::HanNumeral(h, d) => {
                    if i >= numeral_checked_to && !self.plain_han_at(bytes, raw.end as usize) {
                        let (end, checked) = self.numeral_run(text, i);
                        numeral_run_end = end;
                        numeral_checked_to = checked;
                    }
                    if i < numeral_run_end {
                        let digit = (b'0' + d) as char;
                        out.push(digit, raw.start, raw.end, raw.via.with(Evasion::Numerals), false);
                    } else {
                        out.push(h, raw.start, raw.end, raw.via, true);
                    }
                }
                Kind::Other(o) => out.push(o, raw.start, raw.end, raw.via, true),
                Kind::Letter(_) | Kind::Digit(_) | Kind::LeetSymbol(_) => unreachable!("buffered above"),
            }
        }
        if !token.is_empty() {
            fold_latin_token(&token, out);
        }
    }

    /// The fast lane of a fold, for the probe: the same units as [`Folder::fold_into`], with the
    /// fold's state in locals and nothing built, for texts of Han characters, plain Latin words,
    /// digits and punctuation. Anything else — leetspeak (a digit or `@$!|` touching a letter),
    /// look-alike or full-width letters, marks on a letter, rare Han blocks — returns
    /// [`Flow::Bail`] at once, and the caller folds the text the general way.
    ///
    /// Latin letters go to [`Lane::letter`] one by one and to [`Lane::word`] once their word ends
    /// (the word the syllable view reads as pinyin: letters with no noise between them).
    #[inline(always)]
    pub(crate) fn fold_fast<L: Lane>(&self, text: &str, lane: &mut L) -> Flow {
        const NONE: u32 = u32::MAX;
        let bytes = text.as_bytes();
        // The last unit: its char (NONE before the first), its end, and whether a repeat may
        // still merge into it across noise (it stands alone and has not merged yet).
        let mut last_ch = NONE;
        let mut last_end = 0usize;
        let mut last_standalone = false;
        let (mut gap, mut gap_chars) = (0u8, 0u16);
        // The open Latin word (usize::MAX: none) and whether a letter in it repeats.
        let mut word_start = usize::MAX;
        let mut doubled = false;
        // What the current Latin token (letters, digits, joiners) holds.
        let (mut token_letter, mut token_digit, mut token_leet) = (false, false, false);
        let (mut numeral_run_end, mut numeral_checked_to) = (0usize, 0usize);
        let case = EvasionSet::EMPTY.with(Evasion::Case);
        let traditional = EvasionSet::EMPTY.with(Evasion::Traditional);

        macro_rules! flow {
            ($e:expr) => {
                match $e {
                    Flow::Go => {}
                    other => return other,
                }
            };
        }
        macro_rules! noise {
            ($space:expr, $hard:expr) => {{
                gap |= noise_flags($space, $hard);
                gap_chars = gap_chars.saturating_add(1);
            }};
        }
        // A char of noise proper, with its `GAP_*` flags: it ends the Latin token.
        macro_rules! noise_ending_token {
            ($flags:expr) => {{
                token_letter = false;
                token_digit = false;
                token_leet = false;
                gap |= $flags;
                gap_chars = gap_chars.saturating_add(1);
            }};
        }
        macro_rules! end_word {
            () => {
                if word_start != usize::MAX {
                    if !lane.reads_words() {
                        word_start = usize::MAX;
                        doubled = false;
                    } else {
                        let mut letters = [0u8; MAX_WORD];
                        let mut n = 0usize;
                        for &b in &bytes[word_start..last_end] {
                            if b.is_ascii_alphabetic() {
                                if n == MAX_WORD {
                                    n = MAX_WORD + 1;
                                    break;
                                }
                                letters[n] = b.to_ascii_lowercase();
                                n += 1;
                            }
                        }
                        let word = (!doubled && n <= MAX_WORD).then(|| &letters[..n]);
                        word_start = usize::MAX;
                        doubled = false;
                        flow!(lane.word(word));
                    }
                }
            };
        }
        // Builder::push, on the locals: merge a repeat, or start a unit. `$via`: the disguises
        // the char's fold saw through (as the general fold gives them); `$sound`: the unit's
        // syllable when known (a Han char's entry has it), else `Sound::Unknown`.
        macro_rules! push {
            ($ch:expr, $start:expr, $end:expr, $mergeable:expr, $latin:expr, $via:expr) => {
                push!($ch, $start, $end, $mergeable, $latin, $via, Sound::Unknown)
            };
            ($ch:expr, $start:expr, $end:expr, $mergeable:expr, $latin:expr, $via:expr, $sound:expr) => {{
                let ch: u32 = $ch;
                if $mergeable && last_ch == ch && repeat_merges(last_standalone, gap, gap_chars) {
                    last_end = $end;
                    last_standalone = false;
                    doubled |= word_start != usize::MAX;
                    let via: EvasionSet = $via;
                    lane.repeat(if gap != 0 { via.with(Evasion::Spacing) } else { via }, last_end);
                } else {
                    if $latin {
                        if gap != 0 {
                            end_word!();
                        }
                        if word_start == usize::MAX {
                            word_start = $start;
                        }
                    } else {
                        end_word!();
                    }
                    last_standalone = gap != 0 || last_ch == NONE;
                    last_ch = ch;
                    let at = Started { start: $start, end: $end, gap, gap_chars, prev_end: last_end, via: $via };
                    last_end = $end;
                    if $latin {
                        flow!(lane.letter(ch as u8, at));
                    } else {
                        flow!(lane.unit(ch, $sound, at));
                    }
                }
                gap = 0;
                gap_chars = 0;
            }};
        }

        let mut i = 0usize;
        while i < bytes.len() {
            let lead = bytes[i];
            if lead < 0x80 {
                match lead {
                    b'a'..=b'z' | b'A'..=b'Z' => {
                        if token_digit || token_leet {
                            return Flow::Bail; // leetspeak territory
                        }
                        token_letter = true;
                        let via = if lead.is_ascii_uppercase() { case } else { EvasionSet::EMPTY };
                        push!(lead.to_ascii_lowercase() as u32, i, i + 1, true, true, via);
                        // The rest of a plain word: a letter right after a letter, which does
                        // not repeat it, starts a unit with no noise before it, in the same
                        // token and word; what `push!` checks holds for it unchanged.
                        while let Some(&next) = bytes.get(i + 1) {
                            let lower = LOWER_LETTER[next as usize];
                            if lower == 0 || lower as u32 == last_ch {
                                break;
                            }
                            i += 1;
                            let via = if next.is_ascii_uppercase() { case } else { EvasionSet::EMPTY };
                            last_standalone = false;
                            last_ch = lower as u32;
                            let at = Started { start: i, end: i + 1, gap: 0, gap_chars: 0, prev_end: last_end, via };
                            last_end = i + 1;
                            flow!(lane.letter(lower, at));
                        }
                    }
                    b'0'..=b'9' => {
                        if token_letter {
                            return Flow::Bail;
                        }
                        token_digit = true;
                        push!(lead as u32, i, i + 1, false, false, EvasionSet::EMPTY);
                    }
                    b'@' | b'$' | b'!' | b'|' => {
                        // In a token without letters a leet symbol is noise (a letter joining
                        // the token later bails); so is a `!` or `|` that ends a word (`wow!`,
                        // `dear!”`), as only one between two token chars reads as a letter.
                        if token_letter {
                            let ends_token = match bytes.get(i + 1) {
                                None => true,
                                Some(&b) if b.is_ascii() => {
                                    !b.is_ascii_alphanumeric() && !matches!(b, b'@' | b'$' | b'!' | b'|' | b'\'')
                                }
                                Some(_) => self.ends_token(text, i + 1),
                            };
                            if !(matches!(lead, b'!' | b'|') && ends_token) {
                                return Flow::Bail;
                            }
                        }
                        token_leet = true;
                        noise!(false, false);
                    }
                    b'\'' => {
                        if token_letter || token_digit || token_leet {
                            // A joiner inside a word belongs to the unit before it.
                            if gap == 0 && last_end == i {
                                last_end = i + 1;
                                lane.extend(last_end);
                            } else {
                                noise!(false, false);
                            }
                        } else {
                            noise!(false, false);
                        }
                    }
                    _ => {
                        let flags = self.ascii_noise[usize::from(lead & 0x7F)];
                        if flags == 0 {
                            return Flow::Bail;
                        }
                        noise_ending_token!(flags);
                    }
                }
                i += 1;
                continue;
            }
            if let Some(code) = han3(&bytes[i..]) {
                if let Some(entry) = self.tables.han_entry(code) {
                    if entry & HAN_SPECIAL == 0 {
                        token_letter = false;
                        token_digit = false;
                        token_leet = false;
                        let via = if entry & HAN_TRADITIONAL != 0 { traditional } else { EvasionSet::EMPTY };
                        push!(entry & HAN_CHAR, i, i + 3, true, false, via, Sound::of_entry(entry));
                        i += 3;
                        continue;
                    }
                }
            }
            // Punctuation of three bytes (`，。、“”`: a tenth of the chars of Chinese news) is
            // noise by one load, without decoding the char again and classifying it.
            if let [lead @ (0xE2 | 0xE3 | 0xEF), b1, b2, ..] = bytes[i..] {
                let flags = self.noise3_flags(code3(lead, b1, b2));
                if flags != 0 {
                    noise_ending_token!(flags);
                    i += 3;
                    continue;
                }
            }
            let c = text[i..].chars().next().expect("i is a char boundary below the end");
            let len = c.len_utf8();
            let code = c as u32;
            if let Some(entry) = self.tables.han_entry(code) {
                token_letter = false;
                token_digit = false;
                token_leet = false;
                if entry & HAN_SPECIAL == 0 {
                    let via = if entry & HAN_TRADITIONAL != 0 { traditional } else { EvasionSet::EMPTY };
                    push!(entry & HAN_CHAR, i, i + 3, true, false, via, Sound::of_entry(entry));
                    i += 3;
                    continue;
                }
                // A numeral or the first half of a split pair: what `classify` gives, from the
                // entry (the simplified char, and whether it differs) without the general path.
                let h = char::from_u32(entry & HAN_CHAR).expect("entries hold chars");
                let via = if entry & HAN_TRADITIONAL != 0 { traditional } else { EvasionSet::EMPTY };
                match chinese_numeral(h) {
                    Some(d) => {
                        if i >= numeral_checked_to && !self.plain_han_at(bytes, i + len) {
                            (numeral_run_end, numeral_checked_to) = self.numeral_run(text, i);
                        }
                        if i < numeral_run_end {
                            push!((b'0' + d) as u32, i, i + len, false, false, via.with(Evasion::Numerals));
                        } else {
                            push!(h as u32, i, i + len, true, false, via);
                        }
                    }
                    None => {
                        if self.tables.is_split_first(h) {
                            if let Some(next) = self.raw_at(text, i + len) {
                                if let Kind::Han(n) | Kind::HanNumeral(n, _) = next.kind {
                                    if let Some(whole) = self.tables.split(h, n) {
                                        let via = via.union(next.via).with(Evasion::Split);
                                        push!(whole as u32, i, next.end as usize, true, false, via);
                                        i = next.end as usize;
                                        continue;
                                    }
                                }
                            }
                        }
                        push!(h as u32, i, i + len, true, false, via);
                    }
                }
                i += len;
                continue;
            }
            let (kind, via) = self.classify(c, EvasionSet::EMPTY);
            match kind {
                Kind::Noise { space, hard } => noise_ending_token!(noise_flags(space, hard)),
                Kind::Attach if !token_letter => {
                    // A mark with no unit before it (the text's first char) is noise, as in
                    // the general fold.
                    if gap == 0 && last_end == i && last_ch != NONE {
                        last_end = i + len;
                        lane.extend(last_end);
                    } else {
                        noise!(false, false);
                    }
                }
                Kind::Joiner => {
                    if (token_letter || token_digit || token_leet) && gap == 0 && last_end == i {
                        last_end = i + len;
                        lane.extend(last_end);
                    } else {
                        noise!(false, false);
                    }
                }
                Kind::Digit(d) => {
                    if token_letter {
                        return Flow::Bail;
                    }
                    token_digit = true;
                    push!((b'0' + d) as u32, i, i + len, false, false, via);
                }
                Kind::Other(o) => {
                    token_letter = false;
                    token_digit = false;
                    token_leet = false;
                    push!(o as u32, i, i + len, true, false, via);
                }
                _ => return Flow::Bail,
            }
            i += len;
        }
        end_word!();
        debug_assert!(word_start == usize::MAX && !doubled, "the last word was read");
        lane.end(last_end)
    }

    /// The `GAP_*` flags of a three-byte char of [`NOISE3`] or of the half- and full-width
    /// forms when it is noise; 0 for any other char.
    #[inline(always)]
    fn noise3_flags(&self, code: u32) -> u8 {
        let k = if code < FAST_END {
            code.wrapping_sub(NOISE3.start)
        } else if code >= WIDE.start {
            code - WIDE.start + NOISE3.len() as u32
        } else {
            return 0;
        };
        self.noise3.get(k as usize).copied().unwrap_or(0)
    }

    /// Whether the char at byte `at` (a char boundary) ends the Latin token before it, in the
    /// general fold: it is none of the kinds a token takes in (letters, digits, leet symbols,
    /// marks and apostrophes). Out of line: the fast lane asks only after a `!` or `|` in a word
    /// followed by a char beyond ASCII (`dear!”`, which used to send the text to the general
    /// fold: 116 of 4,226 pieces of the English corpus).
    #[inline(never)]
    fn ends_token(&self, text: &str, at: usize) -> bool {
        text[at..].chars().next().is_none_or(|c| {
            !matches!(
                self.classify(c, EvasionSet::EMPTY).0,
                Kind::Letter(_) | Kind::Digit(_) | Kind::LeetSymbol(_) | Kind::Attach | Kind::Joiner
            )
        })
    }

    /// Whether a plain Han char (no numeral, no split half) starts at byte `at`: then a numeral
    /// right before it is no numeral run (`一个`), without [`Folder::numeral_run`] looking further.
    #[inline(always)]
    fn plain_han_at(&self, bytes: &[u8], at: usize) -> bool {
        bytes
            .get(at..)
            .and_then(han3)
            .and_then(|code| self.tables.han_entry(code))
            .is_some_and(|e| e & HAN_SPECIAL == 0)
    }

    /// Looks for a run of numeral-like chars starting at byte `i` (noise may sit between them).
    /// Returns the run's end if it holds at least [`NUMERAL_RUN`] numerals (else `i`), and where
    /// the look stopped, so the same run is not scanned again.
    fn numeral_run(&self, text: &str, i: usize) -> (usize, usize) {
        let mut count = 0;
        let mut end = i;
        let mut stopped = text.len();
        for (j, c) in text[i..].char_indices() {
            let (kind, _) = self.classify(c, EvasionSet::EMPTY);
            match kind {
                Kind::HanNumeral(..) | Kind::Digit(_) => {
                    count += 1;
                    end = i + j + c.len_utf8();
                }
                Kind::Noise { .. } | Kind::Attach => {}
                _ => {
                    stopped = i + j;
                    break;
                }
            }
        }
        if count >= NUMERAL_RUN {
            (end, stopped)
        } else {
            (i, stopped.max(i + 1))
        }
    }
}

/// Whether a byte leads a 3-byte char of U+4000..U+9FFF, the block of common Han characters.
#[inline(always)]
pub(crate) const fn is_han_lead(b: u8) -> bool {
    matches!(b, 0xE4..=0xE9)
}

/// What [`Folder::classify`] gives for a Han char of the dense table from its entry (the
/// simplified char, whether it differs, and whether it may be a numeral): one load, where the
/// general path checks the Han blocks, simplifies and asks whether it is a numeral. Cutting long
/// texts classifies the Han chars around each cut, and a text or piece off the fast lane is
/// folded the general way. Callgrind with the model: 4.2 MB of Chinese news 489.3M → 482.0M
/// instructions, 2,000 100-char Chinese texts 65.6M → 64.8M (lexicon only +0.2–0.9 %, from code
/// generation; WASM ±2 %). The test checks it against the general path for every char.
#[inline(always)]
fn han_kind(entry: u32, via: EvasionSet) -> (Kind, EvasionSet) {
    let simple = char::from_u32(entry & HAN_CHAR).expect("entries hold chars");
    let via = if entry & HAN_TRADITIONAL != 0 { via.with(Evasion::Traditional) } else { via };
    if entry & HAN_SPECIAL != 0 {
        if let Some(d) = chinese_numeral(simple) {
            return (Kind::HanNumeral(simple, d), via);
        }
    }
    (Kind::Han(simple), via)
}

/// The code point of a char of U+4000..U+9FFF (lead byte E4..E9, three bytes) at the start of
/// `bytes`, decoded by hand: the common case of Chinese text. `None` for any other start.
#[inline(always)]
fn han3(bytes: &[u8]) -> Option<u32> {
    match *bytes {
        [lead, b1, b2, ..] if is_han_lead(lead) => Some(code3(lead, b1, b2)),
        _ => None,
    }
}

/// The code point of the three-byte char whose UTF-8 is `lead`, `b1`, `b2`.
#[inline(always)]
fn code3(lead: u8, b1: u8, b2: u8) -> u32 {
    u32::from(lead & 0x0F) << 12 | u32::from(b1 & 0x3F) << 6 | u32::from(b2 & 0x3F)
}

/// The `GAP_*` flags of one noise char.
#[inline(always)]
fn noise_flags(space: bool, hard: bool) -> u8 {
    GAP_NOISE | if space { GAP_SPACE } else { GAP_PUNCT } | if hard { GAP_HARD } else { 0 }
}

/// Whether a char equal to the last unit's merges into it as a repeat, after noise `gap` of
/// `gap_chars` chars: always with no noise between; across a little noise when the last unit
/// stands alone (`a s s`, `冰 冰毒`: noise before it or none at all, and no repeat yet), which is
/// then spacing — but never the last letter of one word with the first of the next (`chong go`),
/// and never across a sentence break.
#[inline(always)]
fn repeat_merges(standalone: bool, gap: u8, gap_chars: u16) -> bool {
    gap == 0 || (standalone && gap & GAP_HARD == 0 && gap_chars <= MAX_MERGE_GAP)
}

/// The letter a leetspeak digit stands for.
fn leet_digit(d: u8) -> Option<char> {
    Some(match d {
        0 => 'o',
        1 => 'i',
        3 => 'e',
        4 => 'a',
        5 => 's',
        7 => 't',
        8 => 'b',
        9 => 'g',
        _ => return None,
    })
}

/// The letter a leetspeak symbol stands for.
fn leet_symbol(c: char) -> char {
    match c {
        '@' => 'a',
        '$' => 's',
        '!' => 'i',
        _ => 'l', // '|'
    }
}

/// Folds one Latin token. Leetspeak is read only where the token has letters and the digit or
/// symbol touches one: `sh1t`, `@ss`, `h3ll0` are words, `2026`, `qq12345` keep their digits
/// (runs of three or more digits are numbers, not leetspeak).
fn fold_latin_token<E: Emit>(token: &[Raw], out: &mut Builder<E>) {
    let has_letter = token.iter().any(|r| matches!(r.kind, Kind::Letter(_)));
    let is_letterish = |k: Option<&Raw>| matches!(k.map(|r| r.kind), Some(Kind::Letter(_)));
    // The digit run around the current digit, `[start, end)`: found once per run, not once per
    // digit, so a token of a million digits stays linear (it was quadratic: 200 KB took 53 s).
    let mut digits = (0usize, 0usize);
    for (j, raw) in token.iter().enumerate() {
        match raw.kind {
            Kind::Letter(c) => out.push(c, raw.start, raw.end, raw.via, true),
            Kind::Attach => out.attach(*raw),
            Kind::Joiner => out.join(*raw),
            Kind::Digit(d) => {
                if j >= digits.1 {
                    // The first digit of a run (the digit before it would have covered it).
                    let end = token[j..]
                        .iter()
                        .position(|r| !matches!(r.kind, Kind::Digit(_)))
                        .map_or(token.len(), |p| j + p);
                    digits = (j, end);
                }
                let (run_start, run_end) = digits;
                let touches_letter =
                    (run_start > 0 && is_letterish(token.get(run_start - 1))) || is_letterish(token.get(run_end));
                match leet_digit(d) {
                    Some(letter) if has_letter && run_end - run_start <= 2 && touches_letter => {
                        out.push(letter, raw.start, raw.end, raw.via.with(Evasion::Leet), true)
                    }
                    _ => out.push((b'0' + d) as char, raw.start, raw.end, raw.via, false),
                }
            }
            Kind::LeetSymbol(c) => {
                // `@ss`, `a$$`: `@` and `$` next to a letter; `sh!t`: `!` and `|` only between
                // letters, so a trailing `lol!` stays `lol`.
                let before = j > 0 && !matches!(token[j - 1].kind, Kind::Attach);
                let after = j + 1 < token.len();
                let touches = if matches!(c, '@' | '$') { before || after } else { before && after };
                if has_letter && touches {
                    out.push(leet_symbol(c), raw.start, raw.end, raw.via.with(Evasion::Leet), true)
                } else {
                    out.noise(false, false)
                }
            }
            _ => unreachable!("a Latin token holds letters, digits, leet symbols and marks only"),
        }
    }
}

/// What [`Folder::fold_fast`] reports to.
pub(crate) trait Lane {
    /// A unit starts with folded char `ch` (a code point), which is not an ASCII letter, and
    /// whose syllable the fold may know.
    fn unit(&mut self, ch: u32, sound: Sound, at: Started) -> Flow;
    /// A unit starts with ASCII letter `letter` (lowercase).
    fn letter(&mut self, letter: u8, at: Started) -> Flow;
    /// A Latin word ends: its letters, or `None` when it cannot read as pinyin (a letter in it
    /// repeats, or it is longer than [`MAX_WORD`]).
    fn word(&mut self, letters: Option<&[u8]>) -> Flow;
    /// Whether the lane reads [`Lane::word`] now (when not, the fold does not gather the
    /// letters).
    fn reads_words(&self) -> bool {
        true
    }
    /// The last unit repeats once more (its run grows), and it also saw through `via` (with
    /// `spacing` when the repeat merged across noise). It now ends at byte `end`.
    fn repeat(&mut self, via: EvasionSet, end: usize);
    /// The last unit takes in a mark or an apostrophe: it now ends at byte `end`.
    #[inline(always)]
    fn extend(&mut self, end: usize) {
        let _ = end;
    }
    /// The text ends; the last unit ends at byte `last_end`.
    fn end(&mut self, last_end: usize) -> Flow;
}

/// The units a lane of the fast lane keeps (the probe's collecting lane): those of
/// [`Folder::fold_into`] but for `norm` (0 until [`Keep::into_view`] adds the folded string).
pub(crate) struct Keep {
    pub units: Vec<Unit>,
}

impl Keep {
    /// An empty lane sized for `text`.
    pub fn for_text(text: &str) -> Keep {
        Keep { units: Vec::with_capacity(unit_capacity(text)) }
    }

    /// A unit starts with folded char `ch`; the unit before ends.
    #[inline(always)]
    pub fn start(&mut self, ch: u32, at: Started) {
        let ch = char::from_u32(ch).expect("the fold emits chars");
        self.units.push(Unit {
            ch,
            start: at.start as u32,
            end: at.end as u32,
            norm: 0,
            run: 1,
            gap_chars: at.gap_chars,
            gap: at.gap,
            via: at.via,
        });
    }

    /// See [`Lane::repeat`].
    #[inline(always)]
    pub fn repeat(&mut self, via: EvasionSet, end: usize) {
        if let Some(last) = self.units.last_mut() {
            last.run = last.run.saturating_add(1);
            last.via = last.via.union(via);
            last.end = end as u32;
        }
    }

    /// The last unit ends at byte `end` (see [`Lane::extend`]).
    #[inline(always)]
    pub fn ends_at(&mut self, end: usize) {
        if let Some(last) = self.units.last_mut() {
            last.end = end as u32;
        }
    }

    /// The [`View`] [`Folder::fold_into`] gives for the text: the folded string, and each unit's
    /// offset in it.
    pub fn into_view(self) -> View {
        let mut text = String::with_capacity(self.units.len() * 3);
        let mut units = self.units;
        for u in &mut units {
            u.norm = text.len() as u32;
            text.push(u.ch);
        }
        View { text, units }
    }
}

/// The fast lane that only keeps the units: [`Folder::fold_kept`].
impl Lane for Keep {
    #[inline(always)]
    fn unit(&mut self, ch: u32, _: Sound, at: Started) -> Flow {
        self.start(ch, at);
        Flow::Go
    }

    #[inline(always)]
    fn letter(&mut self, letter: u8, at: Started) -> Flow {
        self.start(letter as u32, at);
        Flow::Go
    }

    #[inline(always)]
    fn word(&mut self, _: Option<&[u8]>) -> Flow {
        Flow::Go
    }

    #[inline(always)]
    fn reads_words(&self) -> bool {
        false
    }

    #[inline(always)]
    fn repeat(&mut self, via: EvasionSet, end: usize) {
        Keep::repeat(self, via, end);
    }

    #[inline(always)]
    fn extend(&mut self, end: usize) {
        Keep::ends_at(self, end);
    }

    /// Nothing to do: every growth of the last unit set its end when it happened.
    #[inline(always)]
    fn end(&mut self, _: usize) -> Flow {
        Flow::Go
    }
}

/// Where a unit of the fast lane starts ([`Lane::unit`], [`Lane::letter`]), for a lane that keeps
/// units. Its end may still grow: a repeat ([`Lane::repeat`]), a mark or a joiner
/// ([`Lane::extend`]) give the new one. (Measured with callgrind on 100-char texts with the
/// model: setting the end of the unit before at every new unit, from `prev_end`, cost ≈ 4
/// instructions a unit more.) The probe ignores it all (inlined away).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Started {
    pub start: usize,
    pub end: usize,
    pub gap: u8,
    pub gap_chars: u16,
    /// The final end of the unit before (0 before the first).
    pub prev_end: usize,
    /// The disguises the char's fold saw through, as [`Folder::fold`] gives them in the unit's
    /// `via`.
    pub via: EvasionSet,
}

/// The syllable of a unit of the fast lane ([`Lane::unit`]), when the fold read it with the char.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sound {
    /// The syllable id (`None`: the char has no reading).
    Known(Option<u16>),
    /// Not read: the lane looks it up if it needs it.
    Unknown,
}

impl Sound {
    /// The syllable a Han table entry holds ([`Tables::set_syllables`]).
    #[inline(always)]
    fn of_entry(entry: u32) -> Sound {
        let id = entry >> HAN_SYLLABLE_SHIFT & HAN_NO_SYLLABLE;
        Sound::Known((id != HAN_NO_SYLLABLE).then_some(id as u16))
    }
}

/// Whether [`Folder::fold_fast`] goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// On (at the end: the whole text was folded).
    Go,
    /// The lane has seen what it needed.
    Stop,
    /// The text needs the general fold (or the lane the general probe).
    Bail,
}

/// Where a fold puts its units. The last unit stays open: a repeat may still merge into it, a
/// mark attach to it. [`View`] keeps every unit in place; the probe keeps only the open one and
/// looks at each unit once it is complete.
pub(crate) trait Emit {
    /// The last unit, still open.
    fn last(&mut self) -> Option<&mut Unit>;
    /// A new unit: the last one is complete.
    fn push(&mut self, unit: Unit);
    /// Folded bytes before the next unit (its `norm`).
    fn norm(&self) -> u32;
    /// Whether the fold may stop here (the emitter has seen what it needed).
    #[inline(always)]
    fn done(&self) -> bool {
        false
    }
}

impl Emit for View {
    #[inline(always)]
    fn last(&mut self) -> Option<&mut Unit> {
        self.units.last_mut()
    }

    #[inline(always)]
    fn push(&mut self, unit: Unit) {
        self.text.push(unit.ch);
        self.units.push(unit);
    }

    #[inline(always)]
    fn norm(&self) -> u32 {
        self.text.len() as u32
    }
}

/// Assembles units from classified chars: merges repeats, attaches marks, remembers the noise
/// before the next unit.
pub(crate) struct Builder<E> {
    pub emit: E,
    gap: u8,
    gap_chars: u16,
}

impl<E: Emit> Builder<E> {
    pub fn new(emit: E) -> Builder<E> {
        Builder { emit, gap: 0, gap_chars: 0 }
    }

    fn noise(&mut self, space: bool, hard: bool) {
        self.gap |= noise_flags(space, hard);
        self.gap_chars = self.gap_chars.saturating_add(1);
    }

    fn attach(&mut self, raw: Raw) {
        match self.emit.last() {
            Some(last) if self.gap == 0 && last.end == raw.start => {
                last.end = raw.end;
                if last.ch.is_ascii_alphabetic() {
                    // A diacritic on a Latin letter is a look-alike disguise (`fü`).
                    last.via.insert(Evasion::Homoglyph);
                }
            }
            _ => self.noise(false, false),
        }
    }

    /// An apostrophe inside a word: part of the unit before it, not noise and not a disguise.
    fn join(&mut self, raw: Raw) {
        match self.emit.last() {
            Some(last) if self.gap == 0 && last.end == raw.start => last.end = raw.end,
            _ => self.noise(false, false),
        }
    }

    /// [`Builder::push`] for a Han char (3 bytes of UTF-8 at `start`) that folds to itself.
    #[inline(always)]
    fn push_han(&mut self, code: u32, start: u32) {
        if self.gap != 0 {
            // Merging across noise has its own rules.
            let ch = char::from_u32(code).unwrap_or('\u{FFFD}');
            return self.push(ch, start, start + 3, EvasionSet::EMPTY, true);
        }
        if let Some(last) = self.emit.last() {
            if last.ch as u32 == code {
                last.end = start + 3;
                last.run = last.run.saturating_add(1);
                return;
            }
        }
        let ch = char::from_u32(code).unwrap_or('\u{FFFD}');
        let norm = self.emit.norm();
        self.emit.push(Unit { ch, start, end: start + 3, norm, run: 1, gap_chars: 0, gap: 0, via: EvasionSet::EMPTY });
    }

    /// Emits a unit, or merges it into the previous one when it repeats it (`mergeable`).
    #[inline(always)]
    fn push(&mut self, ch: char, start: u32, end: u32, via: EvasionSet, mergeable: bool) {
        if mergeable {
            let (gap, gap_chars) = (self.gap, self.gap_chars);
            if let Some(last) = self.emit.last() {
                let standalone = (last.gap != 0 || last.norm == 0) && last.run == 1;
                if last.ch == ch && repeat_merges(standalone, gap, gap_chars) {
                    last.end = end;
                    last.run = last.run.saturating_add(1);
                    last.via = last.via.union(via);
                    if gap != 0 {
                        last.via.insert(Evasion::Spacing);
                    }
                    self.gap = 0;
                    self.gap_chars = 0;
                    return;
                }
            }
        }
        let norm = self.emit.norm();
        self.emit.push(Unit { ch, start, end, norm, run: 1, gap_chars: self.gap_chars, gap: self.gap, via });
        self.gap = 0;
        self.gap_chars = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> String {
        Folder::new().fold(text).text
    }

    /// `classify`'s lookups (the tables of common chars and of full-width forms, the Han
    /// entries) give what the general path gives, for every char.
    #[test]
    fn classify_by_lookup_is_the_general_path() {
        let folder = Folder::new();
        let via = EvasionSet::EMPTY.with(Evasion::Spacing);
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(folder.classify(c, EvasionSet::EMPTY), folder.classify_slow(c, EvasionSet::EMPTY), "{c:?}");
            assert_eq!(folder.classify(c, via), folder.classify_slow(c, via), "{c:?}");
        }
    }

    /// The fast lane's noise flags of a three-byte char ([`Folder::noise3_flags`]) are those of
    /// the general path's noise for every char its table covers, and 0 (the general path then
    /// runs) for every other char.
    #[test]
    fn three_byte_noise_by_lookup_is_the_general_path() {
        let folder = Folder::new();
        for c in '\u{800}'..='\u{FFFF}' {
            let want = match folder.classify_slow(c, EvasionSet::EMPTY).0 {
                Kind::Noise { space, hard } => noise_flags(space, hard),
                _ => 0,
            };
            let code = c as u32;
            let covered = NOISE3.contains(&code) || WIDE.contains(&code);
            assert_eq!(folder.noise3_flags(code), if covered { want } else { 0 }, "{c:?}");
        }
    }

    /// Pieces cover the text, are at least `min` bytes but the last, and are cut only after a
    /// sentence break in a run of noise between plain units; each piece folds exactly as it does
    /// in the whole text, but for the noise before its first unit, which the bridge gives.
    #[test]
    fn pieces_cut_after_sentence_breaks_between_plain_chars() {
        let folder = Folder::new();
        let text = "一二三四。五六七八九十一二。天气好。好的！ok\nfine 123。\n456 冰\u{0301}。毒 \
                    Yes.”\n“No sir)\n\n(fine 😂\u{FE0F}\nok\n@you wow!\nok rock’\nroll x\u{0301}\nyes "
            .repeat(40);
        let whole = folder.fold(&text);
        let mut kinds = std::collections::BTreeSet::new();
        // Several piece sizes, so that cuts fall at every kind of break.
        for min in [23, 41, 64, 97] {
            let pieces = folder.pieces(&text, min);
            assert!(pieces.len() > 10, "{pieces:?}");
            assert_eq!(pieces[0].0, 0);
            assert_eq!(pieces.last().unwrap().1, text.len());
            for (k, &(start, end)) in pieces.iter().enumerate() {
                if k + 1 < pieces.len() {
                    assert!(end - start >= min && pieces[k + 1].0 == end);
                    // The first cut allowed past `min`: no sentence break before it has a bridge.
                    let mut from = start + min;
                    while !text.is_char_boundary(from) {
                        from += 1;
                    }
                    for (p, c) in text[from..end].char_indices() {
                        let hard = matches!(folder.classify(c, EvasionSet::EMPTY).0, Kind::Noise { hard: true, .. });
                        let cut = from + p + c.len_utf8();
                        assert!(
                            cut == end || !hard || folder.bridge(&text, cut).is_none(),
                            "a cut at {cut} was passed"
                        );
                    }
                    let before = text[..end].chars().next_back();
                    let after = text[end..].chars().next().unwrap();
                    assert!(matches!(before, Some('。' | '！' | '\n')), "{before:?}");
                    assert!(
                        !matches!(after, '五' | '4' | '毒' | '@'),
                        "cut before {after:?} (a numeral run, a mark, leet)"
                    );
                    let (a, b) = folder.bridge(&text, end).expect("a cut has a bridge");
                    let last = text[..a].chars().next_back().unwrap();
                    assert!(!matches!(last, '!' | '’' | '\u{0301}'), "cut after {last:?} (leet, a joiner, a mark)");
                    kinds.insert(&text[a..b]);
                    // The bridge's one unit is the piece's first unit as the whole text has it.
                    let bridge = folder.fold(&text[a..b]).units;
                    let first = whole.units.iter().find(|u| u.start as usize >= end).unwrap();
                    assert_eq!(bridge.len(), 1);
                    let unit = |u: &Unit| (u.ch, u.gap, u.gap_chars);
                    assert_eq!(unit(&bridge[0]), unit(first));
                }
                let alone = folder.fold(&text[start..end]);
                let inside: Vec<(char, u32, u32)> = whole
                    .units
                    .iter()
                    .filter(|u| (start..end).contains(&(u.start as usize)))
                    .map(|u| (u.ch, u.start, u.end))
                    .collect();
                let shifted: Vec<(char, u32, u32)> =
                    alone.units.iter().map(|u| (u.ch, u.start + start as u32, u.end + start as u32)).collect();
                assert_eq!(inside, shifted, "piece {k}");
            }
        }
        // Cuts inside runs of noise, not only between plain chars.
        assert!(kinds.contains(".”\n“N") && kinds.contains(")\n\n(f") && kinds.contains(" 😂\u{FE0F}\no"), "{kinds:?}");
    }

    /// The scratch vector comes back empty with the room asked for, is the same allocation
    /// after it was given back, and one too big is not kept.
    #[test]
    fn scratch_keeps_small_unit_vectors_between_scans() {
        let mut units = scratch::take(100);
        assert!(units.is_empty() && units.capacity() >= 100);
        units.extend(Folder::new().fold("abc").units);
        let at = units.as_ptr();
        scratch::give(units);
        let again = scratch::take(50);
        assert!(again.is_empty());
        assert_eq!(again.as_ptr(), at, "the kept allocation");
        scratch::give(Vec::with_capacity(scratch::MAX_KEPT + 1));
        assert_eq!(scratch::take(0).capacity(), 0, "too big to keep");
    }

    #[test]
    fn folds_width_case_traditional_leet_homoglyph() {
        let cases = [
            ("ＦＵＣＫ", "fuck"),
            ("Sh1t", "shit"),
            ("@ss", "as"), // repeat merged: runs are kept on the unit
            ("h3ll0", "helo"),
            ("аss", "as"), // Cyrillic а
            ("冰毒", "冰毒"),
            ("氷毒", "氷毒"),
            ("賭博", "赌博"),
            ("f.u.c.k", "fuck"),
            ("冰\u{200B}毒", "冰毒"),
            ("女马的", "妈的"),
            ("一三八一二三四五六七八", "13812345678"),
            ("一个人", "一个人"),
            ("①③⑧", "138"),
            ("qq12345", "q12345"), // the repeat is kept as a run of 2 on the unit
            ("2026", "2026"),
        ];
        for (input, want) in cases {
            assert_eq!(folded(input), want, "folding {input:?}");
        }
    }

    /// A Han entry's packed syllable is the syllable of its simplified char, for every char of
    /// the dense block, and the fast lane hands it to the lane with the char.
    #[test]
    fn han_entries_hold_the_syllable_of_their_simplified_char() {
        let folder = Folder::new();
        let mut with_reading = 0;
        for code in tables::HAN_BASE..tables::HAN_END {
            let entry = folder.tables.han_entry(code).expect("an entry for every char of the block");
            let want = folder.syllables.of_folded(entry & HAN_CHAR);
            assert_eq!(Sound::of_entry(entry), Sound::Known(want), "U+{code:04X}");
            with_reading += usize::from(want.is_some());
        }
        assert!(with_reading > 20_000, "only {with_reading} chars with a reading");
        // 發 folds to 发 and sounds `fa`; 冰 is `bing`.
        struct Sounds(Vec<(u32, Sound)>);
        impl Lane for Sounds {
            fn unit(&mut self, ch: u32, sound: Sound, _: Started) -> Flow {
                self.0.push((ch, sound));
                Flow::Go
            }
            fn letter(&mut self, _: u8, _: Started) -> Flow {
                Flow::Go
            }
            fn word(&mut self, _: Option<&[u8]>) -> Flow {
                Flow::Go
            }
            fn repeat(&mut self, _: EvasionSet, _: usize) {}
            fn end(&mut self, _: usize) -> Flow {
                Flow::Go
            }
        }
        let mut lane = Sounds(Vec::new());
        assert_eq!(folder.fold_fast("發冰", &mut lane), Flow::Go);
        let id = |c: char| folder.syllables.of_folded(c as u32);
        assert!(id('发').is_some() && id('冰').is_some());
        assert_eq!(lane.0, [('发' as u32, Sound::Known(id('发'))), ('冰' as u32, Sound::Known(id('冰')))]);
    }

    #[test]
    fn units_keep_original_offsets() {
        let text = "a\u{0301}b 冰😀毒";
        let view = Folder::new().fold(text);
        for unit in &view.units {
            assert!(text.is_char_boundary(unit.start as usize));
            assert!(text.is_char_boundary(unit.end as usize));
        }
        assert_eq!(&text[view.units[0].start as usize..view.units[0].end as usize], "a\u{0301}");
        let du = view.units.last().unwrap();
        assert_eq!(&text[du.start as usize..du.end as usize], "毒");
        assert_eq!(du.gap, GAP_NOISE | GAP_PUNCT);
    }
}
