//! Features of the learned scorer, taken from the same folded [`View`] the matcher sees, so
//! every feature occurrence carries the byte range of the original text it came from.
//!
//! Three families, each switchable by a flag stored in the model file:
//! - character n-grams (1..=`max_ngram`) over folded non-Latin units (Han above all); an n-gram
//!   never crosses whitespace. Latin letters and digits get word features only: measured, English
//!   character n-grams (`as`, `ig`, `it`) made novels look like abusive tweets;
//! - words: jieba words (two or more characters) in runs of Han units, UAX #29 words elsewhere
//!   (digits read as `0`, so phone numbers and prices generalise);
//! - lexicon hits: the term (or rule) id and the category of every counted hit.
//!
//! Words and hits are hashed with 64-bit FNV-1a (stable across runs, platforms and Rust versions,
//! unlike std's randomized hasher) into `2^bits` buckets, after a one-byte tag naming its family.
//! Char n-grams of models with the [`NGRAM_MIX`] flag (every model trained since) use a cheaper
//! hash: one multiply per char, combined by rotate/xor/multiply; older models' n-grams keep FNV.

use unicode_segmentation::UnicodeSegmentation;

use crate::boundary::Segmenter;
use crate::normalize::{is_han, View, GAP_SPACE};
use crate::verdict::Hit;

/// Feature family flag: character n-grams.
pub(crate) const CHARS: u16 = 1;
/// Feature family flag: UAX #29 words of non-Han text.
pub(crate) const WORDS: u16 = 2;
/// Feature family flag: lexicon hits (term id, category).
pub(crate) const HITS: u16 = 4;
/// Feature family flag: jieba words of Han runs. Separate from [`WORDS`] because segmenting whole
/// texts is most of the model's cost (measured: +46 µs on a 100-char news line with it, see
/// docs/model.md), while char n-grams already carry most of what the words do.
pub(crate) const HAN_WORDS: u16 = 8;
/// Hash flag: char n-grams are hashed by [`mix_unit`]/[`mix_step`] instead of FNV-1a over their
/// UTF-8 bytes. Measured with callgrind on 100-char Chinese texts: FNV took ≈ 25k instructions per
/// text (three n-grams per char, one multiply per UTF-8 byte, each n-gram from scratch); the mix
/// takes one multiply per char and one per n-gram. Buckets differ, so it is a flag of the model
/// file: models without it (trained before) still load and hash as they were trained.
pub(crate) const NGRAM_MIX: u16 = 16;
/// Every flag this version knows.
pub(crate) const ALL: u16 = CHARS | WORDS | HITS | HAN_WORDS | NGRAM_MIX;

const TAG_CHARS: u8 = b'c';
const TAG_WORD: u8 = b'w';
const TAG_TERM: u8 = b't';
const TAG_CATEGORY: u8 = b'k';

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

#[inline]
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// FNV-1a over the UTF-8 bytes of one char, without encoding it into a buffer first.
#[inline(always)]
fn fnv_char(h: u64, c: char) -> u64 {
    let step = |h: u64, b: u32| (h ^ (b & 0xFF) as u64).wrapping_mul(FNV_PRIME);
    let c = c as u32;
    match c {
        0..0x80 => step(h, c),
        0x80..0x800 => step(step(h, 0xC0 | c >> 6), 0x80 | (c & 0x3F)),
        0x800..0x10000 => step(step(step(h, 0xE0 | c >> 12), 0x80 | ((c >> 6) & 0x3F)), 0x80 | (c & 0x3F)),
        _ => step(
            step(step(step(h, 0xF0 | c >> 18), 0x80 | ((c >> 12) & 0x3F)), 0x80 | ((c >> 6) & 0x3F)),
            0x80 | (c & 0x3F),
        ),
    }
}

// Constants of the n-gram mix: odd 64-bit multipliers with well-spread bits (from splitmix64 and
// the golden ratio) and a seed standing in for FNV's family tag. Changing any of them changes
// every bucket: it needs a new flag and retrained models.
const MIX_SEED: u64 = 0x6367_7261_6d73_0001; // "cgrams" + 1
const MIX_UNIT: u64 = 0x9e37_79b9_7f4a_7c15;
const MIX_STEP: u64 = 0xbf58_476d_1ce4_e5b9;

/// The hash of one char of an n-gram: one multiply.
#[inline(always)]
fn mix_unit(c: char) -> u64 {
    (c as u64 ^ MIX_SEED).wrapping_mul(MIX_UNIT)
}

/// The hash of an n-gram extended by one char (`unit` = [`mix_unit`] of it); the n-gram of one
/// char is `mix_step(0, unit)`. Order matters (the rotation), and the multiply spreads the result
/// to the high bits, which pick the bucket.
#[inline(always)]
fn mix_step(h: u64, unit: u64) -> u64 {
    (h.rotate_left(27) ^ unit).wrapping_mul(MIX_STEP)
}

/// One feature seen in a text: its bucket and the original byte range it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Occurrence {
    pub bucket: u32,
    pub start: u32,
    pub end: u32,
}

/// Where feature occurrences go. A trait rather than a closure so the scan's summing can be
/// `#[inline(always)]` (closures cannot be marked on stable Rust). Measured with callgrind on
/// 100-char Chinese texts (≈ 250 occurrences each): the closure, not inlined, cost ≈ 56
/// instructions per occurrence, the inlined sink ≈ 40.
pub(crate) trait Sink {
    /// Whether the sink reads the occurrences' spans (`start`, `end`). The sums of the first
    /// pass do not; the n-gram pass then keeps no starts (measured with callgrind on 100-char
    /// Chinese texts: ≈ 500 instructions a text of stores nobody read).
    const SPANS: bool = true;
    /// Takes one occurrence.
    fn push(&mut self, o: Occurrence);
}

impl Sink for Vec<Occurrence> {
    #[inline]
    fn push(&mut self, o: Occurrence) {
        Vec::push(self, o);
    }
}

/// Which features to take and how to hash them (the model file's header fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Extractor {
    pub bits: u8,
    pub flags: u16,
    pub max_ngram: u8,
}

#[inline]
fn fold_digit(c: char) -> char {
    if c.is_ascii_digit() {
        '0'
    } else {
        c
    }
}

impl Extractor {
    #[inline]
    fn bucket(&self, h: u64) -> u32 {
        // Fold the high half in: FNV's low bits alone mix less well.
        ((h ^ (h >> 32)) as u32) & ((1u32 << self.bits) - 1)
    }

    /// All feature occurrences of a folded text, appended to `out`.
    pub fn extract(&self, view: &View, segmenter: &Segmenter, hits: &[Hit], out: &mut Vec<Occurrence>) {
        self.each(view, segmenter, hits, out);
    }

    /// Gives `out` every feature occurrence of a folded text (the scan's path: the model sums
    /// weights as features come, without collecting them).
    #[inline]
    pub fn each(&self, view: &View, segmenter: &Segmenter, hits: &[Hit], out: &mut impl Sink) {
        let units = &view.units;
        if self.flags & CHARS != 0 && self.flags & NGRAM_MIX != 0 {
            self.ngrams_mixed(units, out);
        } else if self.flags & CHARS != 0 {
            // Latin letters and digits are never part of an n-gram, so digits need no folding.
            let start = fnv(FNV_OFFSET, &[TAG_CHARS]);
            let n = self.max_ngram as usize;
            for (i, first) in units.iter().enumerate() {
                if first.is_latin() {
                    continue;
                }
                let mut h = start;
                let stop = (i + n).min(units.len());
                for (j, u) in units[..stop].iter().enumerate().skip(i) {
                    if u.is_latin() || (j > i && u.gap & GAP_SPACE != 0) {
                        break;
                    }
                    h = fnv_char(h, u.ch);
                    out.push(Occurrence { bucket: self.bucket(h), start: first.start, end: u.end });
                }
            }
        }
        if self.flags & (WORDS | HAN_WORDS) != 0 {
            self.words(view, segmenter, out);
        }
        self.hits(hits, out);
    }

    /// The hit occurrences: each counted hit's term (or rule) id and category.
    #[inline(always)]
    fn hits(&self, hits: &[Hit], out: &mut impl Sink) {
        if self.flags & HITS != 0 {
            for hit in hits {
                let (start, end) = (hit.span.byte[0] as u32, hit.span.byte[1] as u32);
                let h = fnv(fnv(FNV_OFFSET, &[TAG_TERM]), hit.term.as_bytes());
                out.push(Occurrence { bucket: self.bucket(h), start, end });
                let h = fnv(fnv(FNV_OFFSET, &[TAG_CATEGORY]), hit.category.as_bytes());
                out.push(Occurrence { bucket: self.bucket(h), start, end });
            }
        }
    }

    /// [`Extractor::each`] for a text of only ASCII letters and digits (the caller checks): no
    /// n-grams (Latin units start none), and each stretch between dropped noise is one word, as
    /// the general word loop finds it, without asking each unit whether it is Han. Measured with
    /// callgrind on 2,000 100-char English texts with the model: 33.2M -> 31.6M instructions
    /// (Chinese unchanged). Native builds only (see `Model::judge`): in WASM (Node, builds
    /// alternating) it gained English nothing and cost Chinese 3–8 %, wherever the check sat;
    /// a flag set by the collecting lane instead gave English 29.7M natively, and Chinese 7–10 %
    /// slower in WASM.
    #[inline(never)]
    pub fn latin_each(&self, units: &[crate::normalize::Unit], hits: &[Hit], out: &mut impl Sink) {
        if self.flags & WORDS != 0 {
            self.ascii_run_words(units, out);
        }
        self.hits(hits, out);
    }

    /// Char n-grams hashed by the mix ([`NGRAM_MIX`]): the same n-grams and spans as the FNV
    /// path, a different bucket for each, given by their last unit: one pass over the units
    /// keeps the hashes of the n-grams ending at the previous unit and extends each by one step.
    /// Measured with callgrind on 100-char Chinese texts (≈ 250 occurrences each), a scan with
    /// the model took 35.5k instructions with the loop by first unit (each unit hashed up to `n`
    /// times, the units of every n-gram sliced and checked again), 34.1k with this pass.
    #[inline(always)]
    fn ngrams_mixed<S: Sink>(&self, units: &[crate::normalize::Unit], out: &mut S) {
        const MAX: usize = 5; // the model format's longest n-gram
        let n = (self.max_ngram as usize).clamp(1, MAX);
        let shift = 64 - self.bits as u32;
        // `hashes[k]`, `starts[k]`: hash and original start of the (k+1)-gram ending at the
        // previous unit, for k < `len`.
        let mut hashes = [0u64; MAX];
        let mut starts = [0u32; MAX];
        let mut len = 0;
        for u in units {
            if u.is_latin() {
                len = 0;
                continue;
            }
            if u.gap & GAP_SPACE != 0 {
                len = 0; // an n-gram never crosses whitespace
            }
            let unit = mix_unit(u.ch);
            let longest = len.min(n - 1);
            // Longest first, so `hashes[k - 1]` is still the previous unit's when read.
            for k in (1..=longest).rev() {
                let h = mix_step(hashes[k - 1], unit);
                hashes[k] = h;
                if S::SPANS {
                    starts[k] = starts[k - 1];
                }
                out.push(Occurrence { bucket: (h >> shift) as u32, start: starts[k], end: u.end });
            }
            let h = mix_step(0, unit);
            hashes[0] = h;
            if S::SPANS {
                starts[0] = u.start;
            }
            out.push(Occurrence { bucket: (h >> shift) as u32, start: u.start, end: u.end });
            len = longest + 1;
        }
    }

    /// Word features: runs of Han units (no noise inside) are cut by jieba; everything else is
    /// written out with a space wherever noise was dropped and split by UAX #29 word bounds.
    fn words(&self, view: &View, segmenter: &Segmenter, out: &mut impl Sink) {
        let units = &view.units;
        // Allocated on the first run that needs them (most Chinese texts have none).
        let mut buf = String::new();
        let mut owner: Vec<usize> = Vec::new();
        let mut i = 0;
        while i < units.len() {
            let han = is_han(units[i].ch);
            let mut j = i + 1;
            if han && self.flags & HAN_WORDS == 0 {
                // Skipped whole, noise or not: on to the next non-Han unit.
                while j < units.len() && is_han(units[j].ch) {
                    j += 1;
                }
                i = j;
                continue;
            }
            if !han {
                // Non-Han units, stretch by stretch (between dropped noise), in one pass: the
                // buffer of the whole run has a space where noise was dropped, and no UAX #29
                // rule joins across a lone space (WB4 attaches an Extend or Format char after it
                // to the space, which starts no word), so each stretch has the words it has in
                // the whole run. A stretch of ASCII letters and digits is one word, hashed as it
                // comes; any other goes through the buffer. Measured with callgrind on 1.5 MB of
                // benign English (novels, SMS) with the model (one run, as some unit is not ASCII): the
                // segmenter over the whole run was 407M of 719M instructions; on 2,000 100-char
                // English texts, finding each run's end first and then hashing its stretches
                // was ≈ 450 instructions a text more than this one pass.
                if self.flags & WORDS == 0 {
                    while j < units.len() && !is_han(units[j].ch) {
                        j += 1;
                    }
                    i = j;
                    continue;
                }
                let seed = fnv(FNV_OFFSET, &[TAG_WORD]);
                let mut h = fnv(seed, &[fold_digit(units[i].ch) as u8]);
                let mut ascii = units[i].ch.is_ascii_alphanumeric();
                while j < units.len() && units[j].gap == 0 && !is_han(units[j].ch) {
                    ascii &= units[j].ch.is_ascii_alphanumeric();
                    h = fnv(h, &[fold_digit(units[j].ch) as u8]); // ASCII: the char is its one byte
                    j += 1;
                }
                if ascii {
                    out.push(Occurrence { bucket: self.bucket(h), start: units[i].start, end: units[j - 1].end });
                } else {
                    self.run_words(&units[i..j], false, segmenter, &mut buf, &mut owner, out);
                }
                i = j;
                continue;
            }
            while j < units.len() && is_han(units[j].ch) && units[j].gap == 0 {
                j += 1;
            }
            self.run_words(&units[i..j], true, segmenter, &mut buf, &mut owner, out);
            i = j;
        }
    }

    /// The words of a run of ASCII letters and digits, hashed as they come: what
    /// [`Extractor::run_words`] gives for such a run, whose buffer would hold only word chars and
    /// the spaces standing for noise, so its words are the stretches between noise. Measured
    /// with callgrind on 100-char English texts, a scan with the model took 36.9k instructions
    /// through the buffer, its owner table and the splitter, 30.9k with this path. The words of
    /// [`Extractor::latin_each`], and the tests' reference for the one pass of
    /// [`Extractor::words`], which hashes the same way.
    #[inline]
    fn ascii_run_words(&self, run: &[crate::normalize::Unit], out: &mut impl Sink) {
        let seed = fnv(FNV_OFFSET, &[TAG_WORD]);
        let mut i = 0;
        while i < run.len() {
            let mut h = fnv(seed, &[fold_digit(run[i].ch) as u8]);
            let mut j = i + 1;
            while j < run.len() && run[j].gap == 0 {
                h = fnv(h, &[fold_digit(run[j].ch) as u8]); // ASCII: the char is its one byte
                j += 1;
            }
            out.push(Occurrence { bucket: self.bucket(h), start: run[i].start, end: run[j - 1].end });
            i = j;
        }
    }

    /// The words of one run of units (all Han, or none), through a buffer: jieba for Han runs,
    /// UAX #29 word bounds for the others, with a space where noise was dropped.
    fn run_words(
        &self,
        run: &[crate::normalize::Unit],
        han: bool,
        segmenter: &Segmenter,
        buf: &mut String,
        owner: &mut Vec<usize>,
        out: &mut impl Sink,
    ) {
        buf.clear();
        owner.clear();
        // Sized for the run at once: growing them char by char was ≈ 7k instructions per
        // English text.
        buf.reserve(run.len() * 4 + 8);
        owner.reserve(run.len() * 2 + 2);
        for (k, u) in run.iter().enumerate() {
            if !han && k > 0 && u.gap != 0 {
                buf.push(' ');
                owner.push(usize::MAX);
            }
            buf.push(fold_digit(u.ch));
            owner.push(k);
        }
        let mut emit = |word: &str, first_char: usize, chars: usize| {
            let (a, b) = (owner[first_char], owner[first_char + chars - 1]);
            let h = fnv(fnv(FNV_OFFSET, &[TAG_WORD]), word.as_bytes());
            out.push(Occurrence { bucket: self.bucket(h), start: run[a].start, end: run[b].end });
        };
        if han {
            if run.len() >= 2 {
                let mut at = 0;
                for word in segmenter.words(buf) {
                    let n = word.chars().count();
                    if n >= 2 {
                        emit(word, at, n);
                    }
                    at += n;
                }
            }
        } else if buf.is_ascii() {
            ascii_words(buf, |start, end| emit(&buf[start..end], start, end - start));
        } else {
            let mut at = 0;
            for word in buf.split_word_bounds() {
                let n = word.chars().count();
                if word.chars().next().is_some_and(char::is_alphanumeric) {
                    emit(word, at, n);
                }
                at += n;
            }
        }
    }
}

/// The UAX #29 words of an ASCII text that start with a letter or digit, as byte ranges: what
/// `split_word_bounds` gives for such text, filtered to alphanumeric starts (the word features'
/// filter). Measured with callgrind on 100-char English texts: the general segmenter (Unicode
/// category tables, every word boundary rule) was ≈ 17k of the model's ≈ 36k instructions per
/// text. In ASCII only these rules can join two chars of a word: letters, digits and `_` join
/// each other (WB5, WB8–WB10, WB13a/b); `:`, `.` and `'` join two letters (WB6/7); `,`, `;`, `.`
/// and `'` join two digits (WB11/12). A word starting with `_` is a word too, just not kept.
fn ascii_words(text: &str, mut emit: impl FnMut(usize, usize)) {
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        if !word(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < b.len() {
            let (prev, c) = (b[i - 1], b[i]);
            if word(c) {
                i += 1;
                continue;
            }
            let Some(&next) = b.get(i + 1) else { break };
            let letters = prev.is_ascii_alphabetic() && next.is_ascii_alphabetic() && matches!(c, b':' | b'.' | b'\'');
            let digits = prev.is_ascii_digit() && next.is_ascii_digit() && matches!(c, b',' | b';' | b'.' | b'\'');
            if letters || digits {
                i += 2;
            } else {
                break;
            }
        }
        if b[start].is_ascii_alphanumeric() {
            emit(start, i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Models without the [`NGRAM_MIX`] flag (trained before it) hash their n-grams with FNV as
    /// they were trained; with it, the same n-grams with the same spans land in other buckets.
    #[test]
    fn the_mix_flag_changes_buckets_not_ngrams() {
        let screener = crate::Screener::with_model(crate::Lexicon::default_lexicon(), None).unwrap();
        let text = "冰 河南人素质真差, ok 滚回老家去😀";
        let fnv_ex = Extractor { bits: 17, flags: CHARS, max_ngram: 3 };
        let mix_ex = Extractor { flags: CHARS | NGRAM_MIX, ..fnv_ex };
        let old = screener.feature_occurrences(text, &fnv_ex);
        let new = screener.feature_occurrences(text, &mix_ex);
        // Each n-gram has a span of its own; the two paths give them in different orders.
        let by_span = |v: &[Occurrence]| {
            let mut v = v.to_vec();
            v.sort_by_key(|o| (o.start, o.end));
            v
        };
        let (old_sorted, new_sorted) = (by_span(&old), by_span(&new));
        let spans = |v: &[Occurrence]| v.iter().map(|o| (o.start, o.end)).collect::<Vec<_>>();
        assert_eq!(spans(&old_sorted), spans(&new_sorted));
        assert!(
            old.len() > 20
                && old_sorted.iter().zip(&new_sorted).filter(|(a, b)| a.bucket != b.bucket).count() > old.len() / 2
        );
        // The FNV path is the documented one: tag `c`, then the n-gram's UTF-8 bytes.
        let h = fnv(fnv(FNV_OFFSET, &[TAG_CHARS]), "冰".as_bytes());
        assert_eq!(old[0], Occurrence { bucket: fnv_ex.bucket(h), start: 0, end: 3 });
        let h = mix_step(0, mix_unit('冰'));
        assert_eq!(new[0], Occurrence { bucket: (h >> (64 - 17)) as u32, start: 0, end: 3 });
    }

    /// The one-pass n-grams of the mix are exactly the n-grams by first unit (every run of
    /// 1..=`max_ngram` non-Latin units with no whitespace inside), each hashed from scratch.
    #[test]
    fn one_pass_ngrams_are_every_ngram() {
        let screener = crate::Screener::with_model(crate::Lexicon::default_lexicon(), None).unwrap();
        let texts = [
            "冰 河南人素质真差, ok 滚回老家去😀",
            "a冰b毒  c 卖。冰毒，加V信",
            "",
            "abc",
            "冰",
            "一 二三 四五六七八九十 ok",
        ];
        for text in texts {
            let units = screener.folder().fold(text).units;
            for max_ngram in 1..=5u8 {
                let ex = Extractor { bits: 17, flags: CHARS | NGRAM_MIX, max_ngram };
                let mut want = Vec::new();
                for (i, first) in units.iter().enumerate().filter(|(_, u)| !u.is_latin()) {
                    let mut h = mix_step(0, mix_unit(first.ch));
                    want.push(Occurrence { bucket: (h >> (64 - 17)) as u32, start: first.start, end: first.end });
                    for u in units.iter().skip(i + 1).take(max_ngram as usize - 1) {
                        if u.is_latin() || u.gap & GAP_SPACE != 0 {
                            break;
                        }
                        h = mix_step(h, mix_unit(u.ch));
                        want.push(Occurrence { bucket: (h >> (64 - 17)) as u32, start: first.start, end: u.end });
                    }
                }
                let mut got = screener.feature_occurrences(text, &ex);
                let key = |o: &Occurrence| (o.start, o.end, o.bucket);
                want.sort_by_key(key);
                got.sort_by_key(key);
                assert_eq!(got, want, "{text:?} max_ngram {max_ngram}");
            }
        }
    }

    /// `count` strings of up to `max_len - 1` pieces of `alphabet`, from a seeded LCG (the same
    /// strings on every run).
    fn random_mixes(alphabet: &[&str], mut seed: u64, count: usize, max_len: u64) -> Vec<String> {
        let mut texts = Vec::with_capacity(count);
        for _ in 0..count {
            let mut text = String::new();
            for _ in 0..(seed % max_len) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(alphabet[((seed >> 33) % alphabet.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
            texts.push(text);
        }
        texts
    }

    /// The direct path for runs of ASCII letters and digits gives what the buffer path gives,
    /// on real English lines and on mixes of the chars the fold and the word rules treat apart.
    #[test]
    fn ascii_runs_hash_as_the_buffer_path() {
        let screener = crate::Screener::with_model(crate::Lexicon::default_lexicon(), None).unwrap();
        let ex = Extractor { bits: 17, flags: WORDS, max_ngram: 1 };
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/en_benign_dev.txt");
        let mut texts: Vec<String> =
            std::fs::read_to_string(data).unwrap().lines().take(500).map(String::from).collect();
        let alphabet = [
            "a", "B", "0", "9", "_", ".", ":", "'", ",", ";", " ", "  ", "-", "!", "@", "$", "x", "ss", "冰", "é",
            "\u{200B}",
        ];
        texts.extend(random_mixes(&alphabet, 5, 5000, 14));
        let (mut direct, mut buf, mut owner) = (0, String::new(), Vec::new());
        for text in &texts {
            let units = screener.folder().fold(text).units;
            let mut i = 0;
            while i < units.len() {
                let mut j = i + 1;
                while j < units.len() && is_han(units[j].ch) == is_han(units[i].ch) {
                    j += 1;
                }
                let run = &units[i..j];
                if !is_han(run[0].ch) && run.iter().all(|u| u.ch.is_ascii_alphanumeric()) {
                    let (mut got, mut want) = (Vec::new(), Vec::new());
                    ex.ascii_run_words(run, &mut got);
                    ex.run_words(run, false, screener.segmenter(), &mut buf, &mut owner, &mut want);
                    assert_eq!(got, want, "{text:?}");
                    direct += 1;
                }
                i = j;
            }
        }
        assert!(direct > 1000, "only {direct} runs took the direct path");
    }

    /// Runs of non-Han units that are not all ASCII take their words stretch by stretch (between
    /// dropped noise): the same words, spans and order as the buffer of the whole run through
    /// UAX #29, on real English lines and random mixes of letters of other scripts, marks,
    /// emoji, joiners, format chars and the ASCII chars the word rules treat apart.
    #[test]
    fn non_ascii_runs_word_by_word_give_the_whole_runs_words() {
        let screener = crate::Screener::with_model(crate::Lexicon::default_lexicon(), None).unwrap();
        let ex = Extractor { bits: 17, flags: WORDS, max_ngram: 1 };
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/en_benign_dev.txt");
        let mut texts: Vec<String> =
            std::fs::read_to_string(data).unwrap().lines().take(1000).map(String::from).collect();
        let alphabet = [
            "a", "B", "0", "9", "_", ".", ":", "'", ",", ";", " ", "-", "!", "x", "é", "ü", "Ж", "ß", "İ", "ﬁ", "٣",
            "\u{0301}", "😀", "👍🏽", "\u{200D}", "\u{FE0F}", "\u{00AD}", "\u{2060}", "\u{200B}", "’", "1,000", "ａ",
            "ｂ", "🇨🇳", "\t", "\n", "@", "#", "あ", "한", "ไ", "\u{0E31}",
        ];
        texts.extend(random_mixes(&alphabet, 7, 6000, 20));
        let segmenter = screener.segmenter();
        let (mut split, mut buf, mut owner) = (0, String::new(), Vec::new());
        for text in &texts {
            let units = screener.folder().fold(text).units;
            let mut got = Vec::new();
            ex.words(&View { text: String::new(), units: units.clone() }, segmenter, &mut got);
            // The whole run through the buffer, as before the split.
            let mut want = Vec::new();
            let mut i = 0;
            while i < units.len() {
                let han = is_han(units[i].ch);
                let mut j = i + 1;
                while j < units.len() && is_han(units[j].ch) == han && (!han || units[j].gap == 0) {
                    j += 1;
                }
                let run = &units[i..j];
                if !han {
                    if run.iter().all(|u| u.ch.is_ascii_alphanumeric()) {
                        ex.ascii_run_words(run, &mut want);
                    } else {
                        ex.run_words(run, false, segmenter, &mut buf, &mut owner, &mut want);
                        split += usize::from(run.iter().skip(1).any(|u| u.gap != 0));
                    }
                }
                i = j;
            }
            assert_eq!(got, want, "{text:?}");
        }
        assert!(split > 1000, "only {split} runs were split");
    }

    /// The short way for texts of only ASCII letters and digits ([`Extractor::latin_each`]: no
    /// n-grams walked for, one word a stretch between dropped noise) gives the occurrences the
    /// general way gives, hits included. On English lines and random mixes of letters, digits,
    /// noise and terms, for the mix and FNV n-grams, with or without words.
    #[test]
    fn latin_texts_the_short_way_give_the_same_features() {
        let screener = crate::Screener::with_model(crate::Lexicon::default_lexicon(), None).unwrap();
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/en_benign_dev.txt");
        let mut texts: Vec<String> =
            std::fs::read_to_string(data).unwrap().lines().take(1000).map(String::from).collect();
        let alphabet = ["a", "B", "0", "9", "42", " ", ".", "'", "-", "\n", "x", "yz", "  ", "fuck", "meth"];
        texts.extend(random_mixes(&alphabet, 13, 3000, 20));
        let extractors = [
            Extractor { bits: 17, flags: ALL & !HAN_WORDS, max_ngram: 3 },
            Extractor { bits: 17, flags: CHARS | WORDS | HITS, max_ngram: 4 },
            Extractor { bits: 12, flags: CHARS | NGRAM_MIX | HITS, max_ngram: 2 },
        ];
        let (mut latin, mut with_hits) = (0, 0);
        for text in &texts {
            let view = screener.folder().fold(text);
            if !view.units.iter().all(|u| u.is_latin()) {
                continue;
            }
            latin += 1;
            let hits = screener.scan(text).hits;
            with_hits += usize::from(!hits.is_empty());
            for ex in &extractors {
                let (mut want, mut got) = (Vec::new(), Vec::new());
                ex.extract(&view, screener.segmenter(), &hits, &mut want);
                ex.latin_each(&view.units, &hits, &mut got);
                assert_eq!(got, want, "{text:?} {ex:?}");
            }
        }
        assert!(latin > 1500 && with_hits > 100, "{latin} texts of ASCII letters and digits, {with_hits} with hits");
    }

    /// The ASCII splitter keeps exactly the words `split_word_bounds` gives that start with a
    /// letter or digit, on random strings over the chars the rules treat differently.
    #[test]
    fn ascii_words_match_uax29() {
        let alphabet = b"ab0Z9_.:',;\" -!\t\n\r#@x";
        let mut seed = 11u64;
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % m) as usize
        };
        for _ in 0..20_000 {
            let len = next(16);
            let text: String = (0..len).map(|_| alphabet[next(alphabet.len() as u64)] as char).collect();
            let mut want = Vec::new();
            let mut at = 0;
            for word in text.split_word_bounds() {
                if word.chars().next().is_some_and(char::is_alphanumeric) {
                    want.push((at, at + word.len()));
                }
                at += word.len();
            }
            let mut got = Vec::new();
            ascii_words(&text, |s, e| got.push((s, e)));
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn fnv_char_hashes_the_utf8_bytes() {
        for c in ['a', 'é', '冰', '😀', '\u{7FF}', '\u{800}', '\u{FFFF}', '\u{10000}'] {
            let mut buf = [0u8; 4];
            assert_eq!(fnv_char(FNV_OFFSET, c), fnv(FNV_OFFSET, c.encode_utf8(&mut buf).as_bytes()), "{c:?}");
        }
    }
}
