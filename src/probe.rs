//! The probe: does a text hold any candidate match at all?
//!
//! Most texts hold none. For them the probe is the whole lexicon scan: it folds the text with the
//! same [`Folder::fold_into`] as the full scan, but instead of keeping a unit per char and a
//! folded string, it feeds each folded char straight into the character automaton and each
//! syllable into the syllable automaton, and stops at the first candidate. Only a text with a
//! candidate is folded again into a [`crate::normalize::View`] and scanned in full (verification,
//! word boundaries, allow phrases).
//!
//! The probe is exact in one direction: when it says "no candidate", the full scan finds no hit
//! and suppresses nothing (both fold the same way and run the same automata); a candidate it
//! reports may still come to nothing in the full scan. Allow phrases alone are no candidate, nor
//! is a syllable match of Han characters only for a pattern that does not allow homophones (the
//! full scan rejects both).

use crate::matcher::{State, Stepper};
use crate::normalize::{is_han, Emit, Folder, Syllables, Unit, GAP_NOISE, MAX_WORD};

/// When a match of a character pattern is a candidate.
#[derive(Debug)]
pub(crate) enum CharCheck {
    /// Never: the pattern stands for allow phrases only.
    Never,
    /// Always.
    Always,
    /// When the matched units repeat at least as often as one of these terms' units do (`ass`
    /// folds to `as` with runs `[1, 2]`: plain `as` is no candidate).
    Runs(Box<[Box<[u16]>]>),
}

/// Runs of the last units seen, for [`CharCheck::Runs`].
const RUN_HISTORY: usize = 16;

/// What the probe needs of a compiled lexicon.
pub(crate) struct Probe<'a> {
    pub chars: Stepper<'a>,
    /// Per character-automaton pattern: when a match is a candidate.
    pub char_counts: &'a [CharCheck],
    /// The syllable automaton, if there are syllable patterns.
    pub syllables: Option<Stepper<'a>>,
    /// Per syllable-automaton pattern: whether some term behind it allows homophones, and
    /// whether some term allows pinyin.
    pub homophones: &'a [bool],
    pub pinyin: &'a [bool],
    pub folder: &'a Folder,
}

impl Probe<'_> {
    /// Whether `text` holds a candidate match.
    pub fn finds(&self, text: &str) -> bool {
        let run = Run {
            probe: self,
            char_state: self.chars.start(),
            runs: [0; RUN_HISTORY],
            units: 0,
            syllables: self.syllables.unwrap_or(self.chars),
            with_syllables: self.syllables.is_some(),
            syllable_state: self.syllables.map_or(self.chars.start(), |s| s.start()),
            word: [0; MAX_WORD],
            word_len: 0,
            doubled: false,
            slots: 0,
            latin_slot: 0,
            starts: 0,
            found: false,
        };
        let mut builder = crate::normalize::Builder::new(run);
        self.folder.fold_into(text, &mut builder);
        let (mut run, _) = builder.finish();
        if run.word_len != 0 {
            run.end_word();
        }
        run.found
    }
}

/// One probe over one text.
struct Run<'p, 'a> {
    probe: &'p Probe<'a>,
    char_state: State,
    /// `run` of the last units (ring buffer by unit number) and the number of units seen.
    runs: [u16; RUN_HISTORY],
    units: usize,
    /// The syllable automaton (the character one when there is none: then `with_syllables` is
    /// false and it is never stepped).
    syllables: Stepper<'a>,
    with_syllables: bool,
    syllable_state: State,
    /// The Latin word being read (lowercase letters with no noise between them), as in
    /// [`Syllables::view`]; `word_len` may pass `MAX_WORD` (then it is no pinyin).
    word: [u8; MAX_WORD],
    word_len: usize,
    doubled: bool,
    /// Syllable slots fed so far, and the slot number (1-based) of the last one read from Latin
    /// letters (0: none).
    slots: u32,
    latin_slot: u32,
    /// One bit per recent slot (bit 0: the last one): whether a match may start there — a Han
    /// character, or the first syllable of a Latin word (pinyin takes whole words).
    starts: u64,
    found: bool,
}

impl Run<'_, '_> {
    /// Whether the last units repeat as often as `runs` asks.
    fn runs_reach(&self, runs: &[u16]) -> bool {
        if runs.len() > RUN_HISTORY || runs.len() > self.units {
            return true; // not remembered: a candidate, the full scan decides
        }
        let first = self.units - runs.len();
        runs.iter().enumerate().all(|(k, &want)| self.runs[(first + k) % RUN_HISTORY] >= want)
    }

    /// Feeds the UTF-8 bytes of one folded char to the character automaton.
    #[inline(always)]
    fn char(&mut self, ch: char, run: u16) {
        self.runs[self.units % RUN_HISTORY] = run;
        self.units += 1;
        let chars = self.probe.chars;
        let code = ch as u32;
        let state = if code < 0x80 {
            chars.step(self.char_state, code as u8)
        } else if (0x800..0x10000).contains(&code) {
            // Three bytes (all of the common Han block), without encoding into a buffer.
            let state = chars.step(self.char_state, (0xE0 | code >> 12) as u8);
            let state = chars.step(state, (0x80 | (code >> 6 & 0x3F)) as u8);
            chars.step(state, (0x80 | (code & 0x3F)) as u8)
        } else {
            let mut utf8 = [0u8; 4];
            let mut state = self.char_state;
            for &byte in ch.encode_utf8(&mut utf8).as_bytes() {
                state = chars.step(state, byte);
            }
            state
        };
        self.char_state = state;
        if chars.is_match(state) {
            let counts = chars.matches(state).any(|(pid, _)| match &self.probe.char_counts[pid] {
                CharCheck::Never => false,
                CharCheck::Always => true,
                CharCheck::Runs(terms) => terms.iter().any(|runs| self.runs_reach(runs)),
            });
            self.found |= counts;
        }
    }

    /// Feeds one syllable slot (`None`: a barrier). `starts`/`ends`: whether a match may start or
    /// end at this slot (a Han character; the first or last syllable of a Latin word).
    #[inline(always)]
    fn slot(&mut self, id: Option<u16>, latin: bool, starts: bool, ends: bool) {
        let stepper = self.syllables;
        self.slots += 1;
        if latin {
            self.latin_slot = self.slots;
        }
        self.starts = self.starts << 1 | starts as u64;
        let [hi, lo] = id.map_or([0, 0], Syllables::code);
        let state = stepper.step(stepper.step(self.syllable_state, hi), lo);
        self.syllable_state = state;
        if stepper.is_match(state) {
            // A match of Han characters only counts for a pattern that allows homophones (same
            // characters are the character automaton's; other ones are homophones). One with
            // pinyin in it, for a pattern that allows pinyin and when it takes whole words.
            let (slots, latin_slot, history, probe) = (self.slots, self.latin_slot, self.starts, self.probe);
            let counts = stepper.matches(state).any(|(pid, len)| {
                let span = (len / 2) as u32;
                if latin_slot + span > slots {
                    let starts_here = span > 64 || history >> (span - 1) & 1 == 1;
                    probe.pinyin[pid] && ends && starts_here
                } else {
                    probe.homophones[pid]
                }
            });
            self.found |= counts;
        }
    }

    /// The Latin word ends: its syllables (or a barrier) go to the syllable automaton.
    #[inline(never)]
    fn end_word(&mut self) {
        let len = std::mem::take(&mut self.word_len);
        let doubled = std::mem::take(&mut self.doubled);
        if doubled || len > MAX_WORD {
            return self.slot(None, false, false, false);
        }
        let word = self.word;
        let syllables = &self.probe.folder.syllables;
        let mut ids = [0u16; MAX_WORD];
        let mut n = 0;
        if syllables.segment_with(&word[..len], |_, id| {
            ids[n] = id;
            n += 1;
        }) {
            for (k, &id) in ids[..n].iter().enumerate() {
                self.slot(Some(id), true, k == 0, k + 1 == n);
            }
        } else {
            self.slot(None, false, false, false);
        }
    }
}

impl Emit for Run<'_, '_> {
    #[inline(always)]
    fn unit(&mut self, unit: &Unit) {
        self.char(unit.ch, unit.run);
        if !self.with_syllables {
            return;
        }
        if unit.ch.is_ascii_lowercase() {
            if self.word_len != 0 && unit.gap & GAP_NOISE != 0 {
                self.end_word();
            }
            if self.word_len < MAX_WORD {
                self.word[self.word_len] = unit.ch as u8;
            }
            self.word_len += 1;
            self.doubled |= unit.run > 1;
            return;
        }
        if self.word_len != 0 {
            self.end_word();
        }
        // Not Han: no syllable (a barrier); Han without a reading too.
        let syllables = &self.probe.folder.syllables;
        let id = match syllables.of_common_han(unit.ch) {
            Some(id) => id,
            None if is_han(unit.ch) => syllables.of_han(unit.ch),
            None => None,
        };
        self.slot(id, false, true, true);
    }

    #[inline(always)]
    fn done(&self) -> bool {
        self.found
    }
}
