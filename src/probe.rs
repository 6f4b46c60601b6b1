//! The probe: does a text hold any candidate match at all?
//!
//! Most texts hold none. For them the probe is the whole lexicon scan: it folds the text as the
//! full scan does, but instead of keeping a unit per char and a folded string, it feeds each
//! folded char straight into the character automaton and each syllable into the syllable
//! automaton, and stops at the first candidate. Only a text with a candidate is folded again into
//! a [`crate::normalize::View`] and scanned in full (verification, word boundaries, allow phrases).
//! With the learned scorer on, the fast lane keeps the units instead ([`Probe::units`]): the
//! scorer reads them, and a text with a candidate takes them as its view, folded once.
//! Texts of Han characters, plain Latin words, digits and punctuation take the fold's fast lane
//! ([`Folder::fold_fast`], state in locals, [`Quick`]); the others the general fold
//! ([`Folder::fold_into`]) with [`Run`] as its unit sink. A text without Han in its first bytes
//! takes the fast lane's lite variant, which does not read Latin words as pinyin but looks for
//! pinyin spellings letter by letter (a superset, see [`Quick`]).
//!
//! The probe is exact in one direction: when it says "no candidate", the full scan finds no hit
//! and suppresses nothing (both fold the same way and run the same automata); a candidate it
//! reports may still come to nothing in the full scan. No candidate: a match of allow phrases
//! only; a term whose units repeat more than the text's (`ass` against `as`); a syllable match of
//! Han characters only for a pattern that does not allow homophones; a pinyin match that cuts a
//! Latin word or whose term does not allow pinyin; Latin letters spaced apart where one of them
//! is joined to a neighbour (`d m` in `and me`, see [`Runs::spaced_apart`]); a sentence break
//! inside a match, or a space where every term behind it spells out punctuation (`that me` for
//! `t.me`); a match that each kind of term behind it rejects so (`as l`: spaced apart for `asl`,
//! no `/` for `a/s/l`; see [`Runs::rejects`]) (the full scan rejects them all).

use crate::lexicon::EvasionSet;
use crate::matcher::{State, Stepper};
use crate::normalize::{
    is_han_lead, Emit, Flow, Folder, Keep, Lane, Sound, Started, Syllables, Unit, View, GAP_HARD, GAP_NOISE, GAP_PUNCT,
    GAP_SPACE, MAX_WORD,
};

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

/// Units remembered for [`CharCheck::Runs`] and [`Runs::spaced_apart`].
const RUN_HISTORY: usize = 16;

/// Whether a folded char is an ASCII letter or digit (a Latin word char).
#[inline(always)]
fn is_latin(ch: u32) -> bool {
    ch < 0x80 && (ch as u8).is_ascii_alphanumeric()
}

/// [`Runs`] mark of a unit that is an ASCII letter or digit (a Latin word char), beside its gap
/// flags.
const LATIN: u8 = 0x80;

/// The last units seen: their runs (for [`CharCheck::Runs`]) and the noise before each (for
/// [`Runs::spaced_apart`]).
#[derive(Clone, Copy)]
struct Runs {
    /// Ring buffers by unit number: the run, and the `GAP_*` flags plus [`LATIN`].
    runs: [u16; RUN_HISTORY],
    marks: [u8; RUN_HISTORY],
    units: usize,
}

impl Runs {
    const NEW: Runs = Runs { runs: [0; RUN_HISTORY], marks: [0; RUN_HISTORY], units: 0 };

    /// A unit after noise `gap`; `latin`: whether it is an ASCII letter or digit ([`is_latin`]).
    #[inline(always)]
    fn push(&mut self, run: u16, gap: u8, latin: bool) {
        self.runs[self.units % RUN_HISTORY] = run;
        self.marks[self.units % RUN_HISTORY] = gap | if latin { LATIN } else { 0 };
        self.units += 1;
    }

    /// The last unit repeats once more.
    #[inline(always)]
    fn bump(&mut self) {
        if self.units > 0 {
            let last = &mut self.runs[(self.units - 1) % RUN_HISTORY];
            *last = last.saturating_add(1);
        }
    }

    /// Whether the last units repeat as often as `want` asks.
    fn reach(&self, want: &[u16]) -> bool {
        if want.len() > RUN_HISTORY || want.len() > self.units {
            return true; // not remembered: a candidate, the full scan decides
        }
        let first = self.units - want.len();
        want.iter().enumerate().all(|(k, &w)| self.runs[(first + k) % RUN_HISTORY] >= w)
    }

    /// Whether the noise inside a match of `len` bytes ending at the last unit fails what
    /// [`Inside`] asks of every term surface behind its pattern: a sentence break inside, or
    /// both of: the surfaces of Latin letters and digits without separators see it spaced apart
    /// ([`Runs::spaced_apart`]), and the others lack punctuation they spell out (`as l` is
    /// neither `asl` nor `a/s/l`). `false` for units not remembered. Out of line: inlined into
    /// the fast lane's loop, it cost Chinese text 3 % more instructions there (callgrind, 2,000
    /// 100-char texts).
    #[inline(never)]
    fn rejects(&self, inside: Inside, len: usize) -> bool {
        let n = usize::from(inside.units).min(self.units).min(RUN_HISTORY);
        let mut unpunctuated = false;
        for i in 0..n.saturating_sub(1) {
            let gap = self.marks[(self.units - 1 - i) % RUN_HISTORY] & !LATIN;
            if gap & GAP_HARD != 0 {
                return true;
            }
            unpunctuated |= inside.punct >> i & 1 == 1 && gap != 0 && gap & GAP_PUNCT == 0;
        }
        (!inside.latin || self.spaced_apart(len)) && (!inside.other || unpunctuated)
    }

    /// Whether the first of the last `len` units may start a Latin word: noise or no Latin unit
    /// before it, or it is the text's first; `true` when not remembered.
    fn starts_word(&self, len: usize) -> bool {
        if len == 0 || len >= RUN_HISTORY || len > self.units {
            return true;
        }
        let first = self.units - len;
        first == 0
            || self.marks[first % RUN_HISTORY] & !LATIN != 0
            || self.marks[(first - 1) % RUN_HISTORY] & LATIN == 0
    }

    /// Whether the last `len` units are Latin letters or digits with no noise between them.
    fn joined(&self, len: usize) -> bool {
        if len == 0 || len > RUN_HISTORY || len > self.units {
            return false;
        }
        let first = self.units - len;
        (first..self.units).all(|k| {
            let mark = self.marks[k % RUN_HISTORY];
            mark & LATIN != 0 && (k == first || mark & !LATIN == 0)
        })
    }

    /// Whether the last `len` units, Latin letters or digits matched by a pattern without
    /// separators, are no spacing disguise by the full scan's rule (`check_gaps`): a space
    /// between two of them, and two others joined or the first joined to a Latin char before it
    /// (`d m` in `and me`). `false` when they are not remembered.
    fn spaced_apart(&self, len: usize) -> bool {
        if !(2..RUN_HISTORY).contains(&len) || len > self.units {
            return false;
        }
        let first = self.units - len;
        let mark = |k: usize| self.marks[k % RUN_HISTORY];
        let (mut spaced, mut joined) = (false, false);
        for k in first + 1..self.units {
            let gap = mark(k) & !LATIN;
            spaced |= gap & GAP_SPACE != 0;
            joined |= gap == 0;
        }
        let left = first > 0 && mark(first) & !LATIN == 0 && mark(first - 1) & LATIN != 0;
        spaced && (joined || left)
    }
}

/// What the full scan's `check_gaps` asks of the noise inside a match of a character pattern,
/// for the term surfaces behind it (allow phrases aside), in two kinds: those of Latin letters
/// and digits without separators (`latin`: there is one), whose matches spaced apart by the rule
/// of [`Runs::spaced_apart`] it rejects, and the others (`other`: there is one, or no surface at
/// all), for which it checks punctuation where every one of them spells it out (`punct`: bit `i`
/// for the unit `i` places before the last; a space alone there fails). For all: no sentence
/// break before any unit but the first (`units`: the match's units).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Inside {
    pub units: u8,
    pub punct: u16,
    pub latin: bool,
    pub other: bool,
}

/// What the probe needs of a compiled lexicon.
pub(crate) struct Probe<'a> {
    pub chars: Stepper<'a>,
    /// Per character-automaton pattern: when a match is a candidate.
    pub char_counts: &'a [CharCheck],
    /// Per character-automaton pattern: what the noise inside its matches must be.
    pub char_inside: &'a [Inside],
    /// Per character-automaton pattern: whether its matches may be deferred to a scan of their
    /// word alone ([`Words`]): its bytes are ASCII letters and it stands for no allow phrase.
    pub char_words: &'a [bool],
    /// Per character-automaton pattern: whether it stands for an allow phrase.
    pub char_allow: &'a [bool],
    /// Per character-automaton pattern: whether it is the pinyin spelling of a syllable pattern
    /// that allows pinyin, run together (`bingdu`): the lite lane's stand-in for reading Latin
    /// words as syllables. Spellings are patterns of the character automaton, not an automaton
    /// of their own: one step a letter, not two (callgrind, 1.5 MB of benign English: see
    /// BENCHMARKS.md, session 16).
    pub char_spells: &'a [bool],
    /// The syllable automaton, if there are syllable patterns.
    pub syllables: Option<Stepper<'a>>,
    /// Per syllable-automaton pattern: whether some term behind it allows homophones, and
    /// whether some term allows pinyin.
    pub homophones: &'a [bool],
    pub pinyin: &'a [bool],
    pub folder: &'a Folder,
}

impl Probe<'_> {
    /// Whether `text` holds a candidate match: the fast lane of the fold when the text allows,
    /// else the general fold (no candidate is deferred to its word: the tests' reference for
    /// [`Probe::look`]).
    #[cfg(test)]
    pub fn finds(&self, text: &str) -> bool {
        let flow = self.folder.fold_fast(text, &mut self.quick(text, lite(text)));
        match flow {
            Flow::Go => false,
            Flow::Stop => true,
            Flow::Bail => self.general(text),
        }
    }

    /// The probe that defers candidates inside plain words ([`Words`]): no candidate, only
    /// such words (the full scan of each word alone finds what the full scan of the text
    /// would), or a candidate.
    #[inline]
    pub fn look(&self, text: &str) -> Looked {
        let mut quick = self.quick(text, lite(text));
        quick.words = Words::deferring(text);
        match self.folder.fold_fast(text, &mut quick) {
            Flow::Go => quick.words.answer(quick.runs.units),
            Flow::Stop => Looked::Candidate,
            Flow::Bail => {
                if self.general(text) {
                    Looked::Candidate
                } else {
                    Looked::Nothing
                }
            }
        }
    }

    /// The view of a text the probe found a candidate in, for the full scan: on the fast lane
    /// for a text on the lite lane (Latin script), else by the general fold. Measured with
    /// callgrind on 2,000 100-char English texts, lexicon only (641 reach the full scan):
    /// 26.4M → 24.8M instructions, 187k → 163k mispredicted branches (simulated). Chinese texts
    /// keep the general fold, which builds the folded string as it goes (cheaper for Han).
    pub fn view(&self, text: &str) -> View {
        if lite(text) {
            if let Some(view) = self.folder.fold_kept(text) {
                return view;
            }
        }
        self.folder.fold(text)
    }

    /// The probe that also keeps the units, for a scan with the learned scorer: on the fast
    /// lane, the text's units, and whether it holds a candidate (the units then go on to the
    /// end, the probe stops); `None` when the text needs the general fold.
    pub fn units(&self, text: &str) -> Option<Collected> {
        // A short text's byte length is room enough (one unit a char at most), without counting
        // its chars (≈ 165 instructions a 100-char English text): the kept vector has it anyway.
        let room = if text.len() <= crate::normalize::scratch::MAX_KEPT {
            text.len()
        } else {
            crate::normalize::unit_capacity(text)
        };
        let (units, looked) = self.collect(text, crate::normalize::scratch::take(room));
        looked.map(|looked| Collected { units, looked })
    }

    /// [`Probe::units`] appended to `units` (a long text's units so far, for its next piece:
    /// no copy of each piece's units), with the units unchanged and `None` when the text needs
    /// the general fold. The units appended have offsets in `text`.
    pub fn units_onto(&self, text: &str, units: Vec<Unit>) -> (Vec<Unit>, Option<Looked>) {
        let base = units.len();
        let (mut units, looked) = self.collect(text, units);
        if looked.is_none() {
            units.truncate(base);
        }
        (units, looked)
    }

    /// The fast lane keeping the units of `text` after those in `units`; `None` when the text
    /// needs the general fold (the units are then partly kept).
    fn collect(&self, text: &str, units: Vec<Unit>) -> (Vec<Unit>, Option<Looked>) {
        let mut lane = Collect { quick: self.quick(text, lite(text)), keep: Keep { units }, candidate: false };
        lane.quick.words = Words::deferring(text);
        match self.folder.fold_fast(text, &mut lane) {
            Flow::Go => {
                let looked =
                    if lane.candidate { Looked::Candidate } else { lane.quick.words.answer(lane.quick.runs.units) };
                (lane.keep.units, Some(looked))
            }
            Flow::Stop | Flow::Bail => (lane.keep.units, None),
        }
    }

    /// The probe on the general fold.
    fn general(&self, text: &str) -> bool {
        let run = Run {
            probe: self,
            char_state: self.chars.start(),
            runs: Runs::NEW,
            open: None,
            units: 0,
            syllables: self.syllables(),
            word: [0; MAX_WORD],
            word_len: 0,
            doubled: false,
            found: false,
        };
        let mut builder = crate::normalize::Builder::new(run);
        self.folder.fold_into(text, &mut builder);
        let mut run = builder.emit;
        if let Some(last) = run.open.take() {
            run.unit(&last);
        }
        if run.word_len != 0 {
            run.end_word();
        }
        run.found
    }

    /// The fast lane's probe, on the lite lane or not (see [`Quick`]).
    #[inline(always)]
    fn quick<'p>(&'p self, text: &'p str, lite: bool) -> Quick<'p, 'p> {
        Quick {
            text,
            lite,
            words: Words::OFF,
            probe: self,
            char_state: self.chars.start(),
            syllables: self.syllables(),
            runs: Runs::NEW,
            pending: None,
        }
    }

    /// Whether a match state holds a term whose runs the last units reach.
    fn runs_reached(&self, state: State, runs: &Runs) -> bool {
        self.chars.matches(state).any(|(pid, len)| self.counts(pid, len, runs))
    }

    /// Whether a match of character pattern `pid` (`len` bytes) ending at the last unit is a
    /// candidate: not rejected for its noise, and of a term surface whose runs the units reach.
    #[inline(always)]
    fn counts(&self, pid: usize, len: usize, runs: &Runs) -> bool {
        !self.spaced_apart(pid, len, runs)
            && match &self.char_counts[pid] {
                CharCheck::Never => false,
                CharCheck::Always => true,
                CharCheck::Runs(terms) => terms.iter().any(|want| runs.reach(want)),
            }
    }

    /// [`Probe::runs_reached`] for the fast lane, which may defer a candidate to its word:
    /// whether a candidate that cannot be deferred ends at the last unit (which ends at byte
    /// `end`).
    fn runs_reached_deferring(&self, state: State, runs: &Runs, words: &mut Words, end: usize) -> bool {
        self.chars
            .matches(state)
            .any(|(pid, len)| self.counts(pid, len, runs) && !(self.char_words[pid] && words.defer(len, end, runs)))
    }

    /// Whether a match of character pattern `pid` (`len` bytes) ending at the last unit is
    /// rejected by the full scan for the noise inside it ([`Runs::rejects`]).
    #[inline(always)]
    fn spaced_apart(&self, pid: usize, len: usize, runs: &Runs) -> bool {
        runs.rejects(self.char_inside[pid], len)
    }

    fn syllables(&self) -> SyllableState<'_> {
        SyllableState {
            stepper: self.syllables.unwrap_or(self.chars),
            on: self.syllables.is_some(),
            state: self.syllables.map_or(self.chars.start(), |s| s.start()),
            slots: 0,
            latin_slot: 0,
            starts: 0,
        }
    }

    /// Feeds the UTF-8 bytes of one folded char to the character automaton; the new state and
    /// whether it is a match state.
    #[inline(always)]
    fn step_char(&self, state: State, code: u32) -> (State, bool) {
        let chars = self.chars;
        let state = if code < 0x80 {
            chars.step(state, code as u8)
        } else if (0x800..0x10000).contains(&code) {
            // Three bytes (all of the common Han block), without encoding into a buffer.
            let state = chars.step(state, (0xE0 | code >> 12) as u8);
            let state = chars.step(state, (0x80 | (code >> 6 & 0x3F)) as u8);
            chars.step(state, (0x80 | (code & 0x3F)) as u8)
        } else {
            let mut utf8 = [0u8; 4];
            let mut state = state;
            let ch = char::from_u32(code).unwrap_or('\u{FFFD}');
            for &byte in ch.encode_utf8(&mut utf8).as_bytes() {
                state = chars.step(state, byte);
            }
            state
        };
        (state, chars.is_match(state))
    }

    /// Syllable of a folded Han char (`None` for other chars and Han without a reading).
    #[inline(always)]
    fn syllable(&self, code: u32) -> Option<u16> {
        self.folder.syllables.of_folded(code)
    }
}

/// The syllable automaton's side of a probe: the syllable view's slots, fed as they come.
#[derive(Clone, Copy)]
struct SyllableState<'a> {
    /// The syllable automaton (the character one when there is none: then `on` is false and it
    /// is never stepped).
    stepper: Stepper<'a>,
    on: bool,
    state: State,
    /// Slots fed so far, and the slot number (1-based) of the last one read from Latin letters
    /// (0: none).
    slots: u32,
    latin_slot: u32,
    /// One bit per recent slot (bit 0: the last one): whether a match may start there — a Han
    /// character, or the first syllable of a Latin word (pinyin takes whole words).
    starts: u64,
}

impl SyllableState<'_> {
    /// Feeds one slot (`None`: a barrier); `starts`/`ends`: whether a match may start or end at
    /// this slot (a Han character; the first or last syllable of a Latin word). Whether a
    /// candidate match ends here.
    #[inline(always)]
    fn slot(&mut self, probe: &Probe<'_>, id: Option<u16>, latin: bool, starts: bool, ends: bool) -> bool {
        let stepper = self.stepper;
        self.slots += 1;
        if latin {
            self.latin_slot = self.slots;
        }
        self.starts = self.starts << 1 | starts as u64;
        let Some(id) = id else {
            // A barrier, `[0, 0]`: no pattern has a 0 byte, so the automaton is back at its start
            // (without the two steps; most words of English text are no pinyin).
            self.state = stepper.start();
            return false;
        };
        let [hi, lo] = Syllables::code(id);
        let state = stepper.step(stepper.step(self.state, hi), lo);
        self.state = state;
        if !stepper.is_match(state) {
            return false;
        }
        // A match of Han characters only counts for a pattern that allows homophones (same
        // characters are the character automaton's; other ones are homophones). One with pinyin
        // in it, for a pattern that allows pinyin and when it takes whole words.
        let (slots, latin_slot, history) = (self.slots, self.latin_slot, self.starts);
        stepper.matches(state).any(|(pid, len)| {
            let span = (len / 2) as u32;
            if latin_slot + span > slots {
                let starts_here = span > 64 || history >> (span - 1) & 1 == 1;
                probe.pinyin[pid] && ends && starts_here
            } else {
                probe.homophones[pid]
            }
        })
    }

    /// Feeds the syllables of a Latin word (`None`, or a word that is no pinyin: a barrier).
    fn word(&mut self, probe: &Probe<'_>, word: Option<&[u8]>) -> bool {
        let mut ids = [0u16; MAX_WORD];
        let mut n = 0;
        let read = word.is_some_and(|w| {
            probe.folder.syllables.segment_with(w, |_, id| {
                ids[n] = id;
                n += 1;
            })
        });
        if !read {
            return self.slot(probe, None, false, false, false);
        }
        let mut found = false;
        for (k, &id) in ids[..n].iter().enumerate() {
            found |= self.slot(probe, Some(id), true, k == 0, k + 1 == n);
        }
        found
    }
}

/// How far into a text [`lite`] looks for Han.
const LITE_LOOKAHEAD: usize = 48;

/// Whether a text takes the lite lane (see [`Quick`]): no Han in its first bytes (a Han char
/// later on makes it a candidate).
#[inline]
fn lite(text: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(LITE_LOOKAHEAD)];
    // No early exit, so the bytes are checked many at a time (callgrind, 2,000 100-char English
    // texts: ≈ 620 instructions a text with `take(..).any(..)`).
    !head.iter().fold(false, |any, &b| any | is_han_lead(b))
}

/// The probe on the fast lane of the fold: all state in a few scalars.
///
/// `lite`: the lite lane, for texts without Han (English above all): Latin words are not read as
/// pinyin (segmented into syllables and fed to the syllable automaton, the largest part of the
/// probe's work on English). Instead a match of a pinyin spelling ([`Probe::char_spells`], in the
/// character automaton) that starts and ends at a word's edge makes the text a candidate
/// ([`Quick::spells_words`]). That is a superset of the pinyin candidates the syllable automaton
/// finds in a text without Han: such a match runs over whole consecutive Latin words with only
/// noise between them (any other unit is a barrier), none of which has a doubled letter (the
/// fold's repeats merge only there), so its spelling is a run of the units the lane sees, from
/// a word's first letter to a word's last. A Han
/// syllable on the lite lane makes the text a candidate too (the syllable automaton never saw the
/// words before it); the full scan then decides. A field, not a type parameter: as one, the two
/// instances of the fold's loop made the Chinese one ≈ 1 instruction a byte longer (callgrind,
/// 2,000 100-char Chinese texts, lexicon only: 35.5M instructions before the lite lane, 37.0–37.4M
/// as a type parameter, with each lane in a function of its own too; 36.0–36.5M as a field).
struct Quick<'p, 'a> {
    probe: &'p Probe<'a>,
    /// The text folded.
    text: &'p str,
    char_state: State,
    syllables: SyllableState<'a>,
    runs: Runs,
    /// A match state whose terms need the runs of their units, the last of which may still
    /// repeat: checked when the next unit starts or the text ends.
    pending: Option<State>,
    /// On the lite lane.
    lite: bool,
    /// Candidates deferred to their words, when on ([`Probe::look`]).
    words: Words<'p>,
}

impl Quick<'_, '_> {
    /// A new unit's char for the character automaton; `at`: where the unit starts and ends.
    #[inline(always)]
    fn char(&mut self, ch: u32, latin: bool, at: &Started) -> Flow {
        if self.settle(at.prev_end) {
            return Flow::Stop;
        }
        self.runs.push(1, at.gap, latin);
        let (state, is_match) = self.probe.step_char(self.char_state, ch);
        self.char_state = state;
        if !is_match {
            return Flow::Go;
        }
        for (pid, len) in self.probe.chars.matches(state) {
            // An allow phrase may reach past a word: matched or not, the text is not deferred.
            self.words.allow |= self.probe.char_allow[pid];
            // The noise inside is checked only for a match that would count (most match
            // states of Chinese text hold patterns that do not).
            match self.probe.char_counts[pid] {
                CharCheck::Never => {}
                CharCheck::Always => {
                    // Rejected for its noise, or deferred to its word: no candidate here.
                    let passed = self.probe.spaced_apart(pid, len, &self.runs)
                        || (self.probe.char_words[pid] && self.words.defer(len, at.end, &self.runs));
                    if !passed {
                        return Flow::Stop;
                    }
                }
                CharCheck::Runs(_) => self.pending = Some(state),
            }
            if self.lite && self.probe.char_spells[pid] && Quick::spells_words(self.text, &self.runs, len, at.end) {
                return Flow::Stop;
            }
        }
        Flow::Go
    }

    /// Whether a match of a spelling (`len` letters) ending at the last unit, a letter ending at
    /// byte `end` of `text`, may be a pinyin match of the full scan, which reads whole Latin
    /// words as syllables: the letter ends its word (no ASCII letter right after it: that would
    /// be the same word, or a repeat merged into it, which makes the word no pinyin), and the
    /// match's first letter starts one ([`Runs::starts_word`]). Out of line: matches are rare
    /// (measured on 1.5 MB of benign English cut into 4,226 pieces: 322 stopped at one, `nima`
    /// in `animal`, `teme` in `statement`).
    #[inline(never)]
    fn spells_words(text: &str, runs: &Runs, len: usize, end: usize) -> bool {
        !text.as_bytes().get(end).is_some_and(u8::is_ascii_alphabetic) && runs.starts_word(len)
    }

    /// Checks a pending match now that its last unit, which ends at byte `end`, is complete.
    #[inline(always)]
    fn settle(&mut self, end: usize) -> bool {
        // Matched, not taken: most units find nothing pending, and then nothing is stored.
        match self.pending {
            Some(state) => {
                self.pending = None;
                self.probe.runs_reached_deferring(state, &self.runs, &mut self.words, end)
            }
            None => false,
        }
    }
}

impl Lane for Quick<'_, '_> {
    #[inline(always)]
    fn unit(&mut self, ch: u32, sound: Sound, at: Started) -> Flow {
        let flow = self.char(ch, is_latin(ch), &at);
        if flow != Flow::Go || !self.syllables.on {
            return flow;
        }
        let id = match sound {
            Sound::Known(id) => id,
            Sound::Unknown => self.probe.syllable(ch),
        };
        if self.lite {
            return if id.is_some() { Flow::Stop } else { Flow::Go };
        }
        if self.syllables.slot(self.probe, id, false, true, true) {
            return Flow::Stop;
        }
        Flow::Go
    }

    #[inline(always)]
    fn letter(&mut self, letter: u8, at: Started) -> Flow {
        self.char(letter as u32, true, &at)
    }

    #[inline(always)]
    fn reads_words(&self) -> bool {
        !self.lite
    }

    #[inline(always)]
    fn repeat(&mut self, _: EvasionSet, _: usize) {
        self.runs.bump();
    }

    fn end(&mut self, last_end: usize) -> Flow {
        if self.settle(last_end) {
            Flow::Stop
        } else {
            Flow::Go
        }
    }

    #[inline(always)]
    fn word(&mut self, letters: Option<&[u8]>) -> Flow {
        if self.syllables.on && !self.lite && self.syllables.word(self.probe, letters) {
            return Flow::Stop;
        }
        Flow::Go
    }
}

/// Most words [`Words`] defers in a text; one more makes the text a candidate.
const DEFERRED_WORDS: usize = 4;

/// Chars of noise a repeat merges across (`MAX_MERGE_GAP` of the fold).
const MERGE_GAP_CHARS: usize = 2;

/// What [`Probe::look`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Looked {
    /// No candidate: the full scan would find nothing.
    Nothing,
    /// Candidates only inside these words: the full scan of each word alone finds all the
    /// full scan of the text would.
    Words(Deferred),
    /// A candidate: the text needs the full scan.
    Candidate,
}

/// The words a probe deferred (byte ranges, in text order), and where their candidates lie in
/// the text's units: the last unit of the first candidate, that of the last one, and the
/// number of units in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Deferred {
    len: u8,
    spans: [(u32, u32); DEFERRED_WORDS],
    first_unit: u32,
    last_unit: u32,
    units: u32,
}

impl Deferred {
    /// The words' byte ranges.
    pub fn iter(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.spans[..usize::from(self.len)].iter().map(|&(a, b)| (a as usize, b as usize))
    }

    /// Whether a match of at most `reach` units that reaches over the text's start or end
    /// may contain a finding in the words ([`near_edges`]): a finding's last unit is at or
    /// after the first candidate's, its first at or before the last one's.
    pub fn near_edges(&self, reach: usize) -> bool {
        let (start, end) = near_edges(self.last_unit as usize, self.first_unit as usize, self.units as usize, reach);
        start || end
    }
}

/// Whether a match of at most `reach` units reaching over the start, and one reaching over the
/// end, of a text of `units` units may contain a finding whose units are `first..=last`: the
/// finding's last unit is within `reach` of the start, its first within `reach` of the end.
/// The rule of [`crate::Screener`]'s windows for allow phrases over a piece cut, and of the
/// deferred words ([`Deferred::near_edges`]).
pub(crate) fn near_edges(first: usize, last: usize, units: usize, reach: usize) -> (bool, bool) {
    (last + 1 < reach, first + reach > units)
}

/// Candidates deferred to a full scan of their word alone.
///
/// Most English texts with a candidate hold nothing but a short variant inside a common word
/// (`ied` in `cried`, `ak` in `make`, `meth` in `something`, `ass` in `passed`), which the full
/// scan suppresses for the word boundary. Measured with callgrind on 2,000 100-char English
/// texts, lexicon only: 541 reached the full scan, at 21k instructions a text against 8.9k for
/// the others, and only 17 of them had a hit. So the fast lane defers a candidate match of
/// ASCII letters whose units are joined (no noise between them) and which lies in a plain word
/// ([`word_around`]): the full scan of that word alone gives the same findings there as the
/// full scan of the text, and the rest of the text goes on being probed.
///
/// Exact: a word folds alone as it does in the text (it is ASCII letters between chars that
/// are noise to the fold, and its first letter starts a unit: no repeat merges into it across
/// the noise before it), its matches lie inside it (their units are joined and end in it),
/// their verification looks at no unit outside them, and its edges are word breaks for UAX #29
/// whatever lies beyond, so the word boundary check gives the same word. Allow phrases may
/// reach past a word: a text where any allow phrase matches takes the full scan. Syllable
/// candidates are never deferred.
#[derive(Clone, Copy)]
pub(crate) struct Words<'t> {
    /// The text; empty when deferring is off.
    text: &'t str,
    /// Whether an allow phrase matched.
    allow: bool,
    deferred: Deferred,
}

impl<'t> Words<'t> {
    /// Deferring off: every candidate stops the probe.
    const OFF: Words<'static> = Words {
        text: "",
        allow: false,
        deferred: Deferred { len: 0, spans: [(0, 0); DEFERRED_WORDS], first_unit: 0, last_unit: 0, units: 0 },
    };

    /// Deferring candidates in `text`.
    fn deferring(text: &'t str) -> Words<'t> {
        Words { text, ..Words::OFF }
    }

    /// Defers a candidate of `len` ASCII letters ending at the last unit, which ends at byte
    /// `end`; `false` when it cannot be.
    #[cold]
    fn defer(&mut self, len: usize, end: usize, runs: &Runs) -> bool {
        if self.text.is_empty() || !runs.joined(len) {
            return false;
        }
        let Some((a, b)) = word_around(self.text, end) else { return false };
        let word = (a as u32, b as u32);
        let d = &mut self.deferred;
        let unit = (runs.units - 1) as u32;
        if d.len > 0 && d.spans[usize::from(d.len) - 1] == word {
            d.last_unit = unit;
            return true;
        }
        if usize::from(d.len) == DEFERRED_WORDS {
            return false;
        }
        if d.len == 0 {
            d.first_unit = unit;
        }
        d.last_unit = unit;
        d.spans[usize::from(d.len)] = word;
        d.len += 1;
        true
    }

    /// The answer once the fast lane has read the whole text, `units` units, without a
    /// candidate it kept.
    fn answer(&self, units: usize) -> Looked {
        match self.deferred.len {
            0 => Looked::Nothing,
            _ if self.allow => Looked::Candidate,
            _ => Looked::Words(Deferred { units: units as u32, ..self.deferred }),
        }
    }
}

/// Non-ASCII punctuation of UAX #29 word-break class Other that the fold reads as noise: a word
/// break on both sides whatever its neighbours (checked in the tests). Curly double quotes and
/// dashes stand beside most words of the English benign corpus's novels.
fn breaks_words(ch: char) -> bool {
    matches!(ch, '\u{201C}' | '\u{201D}' | '\u{2013}' | '\u{2014}' | '\u{2026}')
}

/// The plain word that ends at or runs past byte `end` of `text`, where a candidate whose last
/// unit ends at `end` may be deferred to ([`Words`]): ASCII letters, at least two, with maybe
/// an apostrophe (`'` or `’`) between two of them, which the fold joins to the letter before it
/// and UAX #29 keeps inside the word (`husband’s`); on each side the text's edge or a char that
/// is no letter or digit and that UAX #29 never joins to a letter (ASCII but `'` and `_`, and
/// `.` and `:` only when no letter lies beyond; [`breaks_words`]); and its first letter starts
/// a unit of its own (no repeat of it within reach before it that stands alone, which the fold
/// would merge it into). `None` when any of that fails.
fn word_around(text: &str, end: usize) -> Option<(usize, usize)> {
    const RIGHT_QUOTE: &[u8] = "\u{2019}".as_bytes();
    let bytes = text.as_bytes();
    let letter = |k: usize| bytes[k].is_ascii_alphabetic();
    // The length of an apostrophe ending (starting) at byte `k`, or 0.
    let apostrophe_before = |k: usize| match k {
        _ if k >= 1 && bytes[k - 1] == b'\'' => 1,
        _ if k >= 3 && &bytes[k - 3..k] == RIGHT_QUOTE => 3,
        _ => 0,
    };
    let apostrophe_at = |k: usize| match bytes.get(k) {
        Some(b'\'') => 1,
        Some(_) if bytes[k..].starts_with(RIGHT_QUOTE) => 3,
        _ => 0,
    };
    if end == 0 || end > bytes.len() {
        return None;
    }
    let e = end - apostrophe_before(end); // one the last unit took in
    if e == 0 || !letter(e - 1) {
        return None;
    }
    let mut a = e - 1;
    loop {
        let q = apostrophe_before(a);
        if a > 0 && letter(a - 1) {
            a -= 1;
        } else if q > 0 && a > q && letter(a - q - 1) {
            a -= q + 1;
        } else {
            break;
        }
    }
    let mut b = e;
    loop {
        let q = apostrophe_at(b);
        if b < bytes.len() && letter(b) {
            b += 1;
        } else if q > 0 && b + q < bytes.len() && letter(b + q) {
            b += q + 1;
        } else {
            break;
        }
    }
    if b - a < 2 {
        return None;
    }
    // Whether `ch`, beside the word, breaks it off; `beyond`: the char past it.
    let breaks = |ch: char, beyond: Option<char>| match ch {
        '\'' | '_' => false,
        '.' | ':' => beyond.is_none_or(|c| (c.is_ascii() && !c.is_ascii_alphabetic()) || breaks_words(c)),
        c if c.is_ascii() => !c.is_ascii_alphanumeric(),
        c => breaks_words(c),
    };
    let mut before = text[..a].chars().rev();
    if let Some(ch) = before.next() {
        if !breaks(ch, before.next()) {
            return None;
        }
    }
    let mut after = text[b..].chars();
    if let Some(ch) = after.next() {
        if !breaks(ch, after.next()) {
            return None;
        }
    }
    // A repeat merges into a unit that stands alone (no letter or digit joined before it)
    // across at most two chars of noise (`a aka`: one unit `a a`); other non-ASCII chars may
    // fold to anything, so they are not looked past.
    let first = bytes[a].to_ascii_lowercase();
    let mut before = text[..a].chars().rev();
    for _ in 0..=MERGE_GAP_CHARS {
        let Some(ch) = before.next() else { break };
        if ch.is_ascii_alphanumeric() {
            let alone = !before.next().is_some_and(|c| c.is_ascii_alphanumeric());
            if alone && ch.to_ascii_lowercase() as u8 == first {
                return None;
            }
            break;
        }
        if !ch.is_ascii() && !breaks_words(ch) {
            return None;
        }
    }
    Some((a, b))
}

/// The units of a text from the fast lane ([`Probe::units`]): the units [`Folder::fold`] gives,
/// but for `norm`, which stays 0 (a text without a candidate needs no folded string: the learned
/// scorer reads units only); [`Collected::into_view`] adds both.
pub(crate) struct Collected {
    pub units: Vec<Unit>,
    /// What the probe found (candidates are deferred to their words as by [`Probe::look`]).
    pub looked: Looked,
}

impl Collected {
    /// The [`View`] [`Folder::fold`] gives for the text: the folded string, and each unit's
    /// offset in it.
    pub fn into_view(self) -> View {
        Keep { units: self.units }.into_view()
    }
}

/// The fast lane's probe that also keeps the units, for the learned scorer: a text without a
/// candidate then needs no [`View`] of its own, and one with a candidate needs no second fold.
/// Once the probe finds a candidate it is no longer asked; the units go on to the text's end.
struct Collect<'p, 'a> {
    quick: Quick<'p, 'a>,
    keep: Keep,
    candidate: bool,
}

impl Collect<'_, '_> {
    /// The probe's answer so far: once it finds a candidate, the rest of the text is only folded.
    #[inline(always)]
    fn probe(&mut self, flow: Flow) -> Flow {
        if flow == Flow::Stop {
            self.candidate = true;
        }
        Flow::Go
    }
}

impl Lane for Collect<'_, '_> {
    #[inline(always)]
    fn unit(&mut self, ch: u32, sound: Sound, at: Started) -> Flow {
        self.keep.start(ch, at);
        if self.candidate {
            return Flow::Go;
        }
        let flow = self.quick.unit(ch, sound, at);
        self.probe(flow)
    }

    #[inline(always)]
    fn letter(&mut self, letter: u8, at: Started) -> Flow {
        self.keep.start(letter as u32, at);
        if self.candidate {
            return Flow::Go;
        }
        let flow = self.quick.letter(letter, at);
        self.probe(flow)
    }

    #[inline(always)]
    fn reads_words(&self) -> bool {
        !self.candidate && self.quick.reads_words()
    }

    #[inline(always)]
    fn word(&mut self, letters: Option<&[u8]>) -> Flow {
        if self.candidate {
            return Flow::Go;
        }
        let flow = self.quick.word(letters);
        self.probe(flow)
    }

    #[inline(always)]
    fn repeat(&mut self, via: EvasionSet, end: usize) {
        self.keep.repeat(via, end);
        if !self.candidate {
            self.quick.repeat(via, end);
        }
    }

    #[inline(always)]
    fn extend(&mut self, end: usize) {
        self.keep.ends_at(end);
    }

    fn end(&mut self, last_end: usize) -> Flow {
        if self.candidate {
            return Flow::Go;
        }
        let flow = self.quick.end(last_end);
        self.probe(flow)
    }
}

/// The probe on the general fold.
struct Run<'p, 'a> {
    probe: &'p Probe<'a>,
    char_state: State,
    runs: Runs,
    /// The open unit (see [`Emit`]) and the number of units so far.
    open: Option<Unit>,
    units: u32,
    syllables: SyllableState<'a>,
    /// The Latin word being read (lowercase letters with no noise between them), as in
    /// [`Syllables::view`]; `word_len` may pass `MAX_WORD` (then it is no pinyin).
    word: [u8; MAX_WORD],
    word_len: usize,
    doubled: bool,
    found: bool,
}

impl Run<'_, '_> {
    /// One complete unit for the character automaton.
    fn char(&mut self, ch: char, run: u16, gap: u8) {
        self.runs.push(run, gap, is_latin(ch as u32));
        let (state, is_match) = self.probe.step_char(self.char_state, ch as u32);
        self.char_state = state;
        if is_match {
            self.found |= self.probe.runs_reached(state, &self.runs);
        }
    }

    /// The Latin word ends: its syllables (or a barrier) go to the syllable automaton.
    fn end_word(&mut self) {
        let len = std::mem::take(&mut self.word_len);
        let doubled = std::mem::take(&mut self.doubled);
        let word = (!doubled && len <= MAX_WORD).then_some(self.word);
        let word = word.as_ref().map(|w| &w[..len]);
        self.found |= self.syllables.word(self.probe, word);
    }
}

impl Emit for Run<'_, '_> {
    #[inline(always)]
    fn last(&mut self) -> Option<&mut Unit> {
        self.open.as_mut()
    }

    #[inline(always)]
    fn push(&mut self, unit: Unit) {
        self.units += 1;
        if let Some(complete) = self.open.replace(unit) {
            self.unit(&complete);
        }
    }

    /// Only whether a unit is the first (`norm == 0`) matters to the fold.
    #[inline(always)]
    fn norm(&self) -> u32 {
        self.units
    }

    #[inline(always)]
    fn done(&self) -> bool {
        self.found
    }
}

impl Run<'_, '_> {
    /// A complete unit.
    fn unit(&mut self, unit: &Unit) {
        self.char(unit.ch, unit.run, unit.gap);
        if !self.syllables.on {
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
        let id = self.probe.syllable(unit.ch as u32);
        self.found |= self.syllables.slot(self.probe, id, false, true, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Lexicon, Screener};

    /// `count` deterministic pseudo-random mixes of up to 11 of `pieces` (xorshift from `seed`).
    fn random_mixes(pieces: &[&str], mut seed: u64, count: usize) -> Vec<String> {
        let mut texts = Vec::with_capacity(count);
        for _ in 0..count {
            let mut text = String::new();
            for _ in 0..(seed % 12) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            seed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
            texts.push(text);
        }
        texts
    }

    /// Each of `none` holds no candidate for either lane of the probe, and the full scan finds
    /// nothing in it; each of `some` holds one for both, and the full scan finds a hit.
    fn assert_candidates(none: &[&str], some: &[&str]) {
        let screener = Screener::with_model(Lexicon::default_lexicon(), None).unwrap();
        screener.warm_up();
        let probe = screener.probe().expect("the default lexicon compiles to DFAs");
        for text in none {
            assert!(screener.scan(text).suppressed.is_empty() && screener.scan(text).hits.is_empty(), "{text:?}");
            assert!(!probe.finds(text), "{text:?}");
            assert!(!probe.general(text), "{text:?}");
        }
        for text in some {
            assert!(!screener.scan(text).hits.is_empty(), "{text:?}");
            assert!(probe.finds(text) && probe.general(text), "{text:?}");
        }
    }

    /// Latin letters spaced apart by the full scan's rule (a letter of the match joined to a
    /// neighbour) are no candidate; letters that stand alone are, on both lanes.
    #[test]
    fn spaced_apart_latin_letters_are_no_candidate() {
        assert_candidates(
            &["tell him and me", "he said my name", "one of u c k"],
            &["d m pls", "pls d m", "so f u c k it"],
        );
    }

    /// [`Probe::units_onto`] appends a text's units as [`Probe::units`] gives them alone, and
    /// leaves the units before as they were: after a text of noise only (the lane must not touch
    /// the last unit before), and after one the fast lane bails on.
    #[test]
    fn units_onto_appends_and_leaves_the_units_before_alone() {
        let screener = Screener::default();
        screener.warm_up();
        let probe = screener.probe().expect("the default lexicon compiles to DFAs");
        let fields = |units: &[Unit]| {
            units.iter().map(|u| (u.ch, u.start, u.end, u.run, u.gap, u.gap_chars, u.via)).collect::<Vec<_>>()
        };
        let (before, looked) = probe.units_onto("hello there", Vec::new());
        assert!(looked.is_some() && before.len() == 9, "hel(l)o there");
        let (both, looked) = probe.units_onto("冰 毒 world", before.clone());
        assert_eq!(looked, Some(Looked::Candidate));
        let alone = probe.units("冰 毒 world").expect("on the fast lane");
        assert_eq!(fields(&both[..before.len()]), fields(&before));
        assert_eq!(fields(&both[before.len()..]), fields(&alone.units));
        let (same, looked) = probe.units_onto(" ... ", before.clone());
        assert_eq!(looked, Some(Looked::Nothing));
        assert_eq!(fields(&same), fields(&before));
        let (same, looked) = probe.units_onto("h4x0r", before.clone());
        assert_eq!(looked, None, "leetspeak takes the general fold");
        assert_eq!(fields(&same), fields(&before));
    }

    /// A pattern behind terms of both kinds of [`Inside`] (`asl` and `a/s/l`) is no candidate
    /// where both kinds reject it (`as l`: spaced apart for `asl`, a space where `a/s/l` spells
    /// `/`), and is one where either passes it.
    #[test]
    fn a_match_rejected_for_every_kind_of_term_is_no_candidate() {
        assert_candidates(&["it was late", "who has left", "made a slip"], &["asl?", "a/s/l?", "a s l?"]);
    }

    /// On the lite lane, a pinyin spelling inside a Latin word (`nima` in `animal`, `teme` in
    /// `statement`) or across a word's edge (`dasi` in `had sixty`) is no candidate: pinyin takes
    /// whole words. Whole words are, joined or spaced.
    #[test]
    fn spellings_that_cut_a_word_are_no_candidate_on_the_lite_lane() {
        let screener = Screener::with_model(Lexicon::default_lexicon(), None).unwrap();
        screener.warm_up();
        let probe = screener.probe().expect("the default lexicon compiles to DFAs");
        for text in ["an animal", "a statement", "she had sixty"] {
            assert!(lite(text));
            assert!(screener.scan(text).suppressed.is_empty() && screener.scan(text).hits.is_empty(), "{text:?}");
            assert!(!probe.finds(text), "{text:?}");
        }
        for text in ["nima", "ni ma!", "NiMa de", "dasi ta"] {
            assert!(lite(text));
            assert!(!screener.scan(text).hits.is_empty(), "{text:?}");
            assert!(probe.finds(text), "{text:?}");
        }
    }

    /// The non-ASCII chars [`breaks_words`] takes for word breaks are: UAX #29 breaks between
    /// them and ASCII letters on both sides, whatever lies beyond, and the fold reads them as
    /// noise between two units. The apostrophes, which are none, fail the same checks.
    #[test]
    fn chars_that_break_words_are_noise_and_uax29_breaks() {
        use unicode_segmentation::UnicodeSegmentation;
        let screener = Screener::with_model(Lexicon::default_lexicon(), None).unwrap();
        let folder = screener.folder();
        let holds = |c: char| {
            ["ab{c}cd", "ab{c}.cd", "ab.{c}cd", "ab{c}{c}cd", "a{c}b"].iter().all(|form| {
                let text = form.replace("{c}", &c.to_string());
                let words: Vec<&str> =
                    text.split_word_bounds().filter(|w| w.chars().all(char::is_alphabetic)).collect();
                let letters: String = text.chars().filter(char::is_ascii_alphabetic).collect();
                // Every run of letters is a word of its own.
                let runs: Vec<&str> =
                    text.split(|ch: char| !ch.is_ascii_alphabetic()).filter(|r| !r.is_empty()).collect();
                let folded = folder.fold(&text);
                words == runs && folded.units.len() == letters.len() && folded.units.iter().skip(1).any(|u| u.gap != 0)
            })
        };
        for c in ['\u{201C}', '\u{201D}', '\u{2013}', '\u{2014}', '\u{2026}'] {
            assert!(breaks_words(c) && holds(c), "{c:?}");
        }
        for c in ['\u{2019}', '\u{2018}', '\'', '.', ':', '_'] {
            assert!(!breaks_words(c) && !holds(c), "{c:?}");
        }
    }

    /// Candidates deferred to their words ([`Probe::look`], [`Words`]) give the findings of the
    /// full scan of the whole text, lexicon only and with the model, on English lines and on
    /// random mixes of words with candidates inside and every kind of neighbour [`word_around`]
    /// looks at (apostrophes, dots before letters, repeats that merge across noise, allow
    /// phrases, curly quotes, marks, digits, Han), and pinyin words (read as syllables when
    /// Han comes early, so a text takes the lane that is not lite).
    #[test]
    fn deferred_words_find_what_the_full_scan_finds() {
        let screener = Screener::new(Lexicon::default_lexicon()).unwrap();
        screener.warm_up();
        let probe = screener.probe().expect("the default lexicon compiles to DFAs");
        // Never warmed up and scanning less than 4 MiB: it never probes (checked at the end).
        let unprobed = Screener::new(Lexicon::default_lexicon()).unwrap();
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data");
        let lines = std::fs::read_to_string(format!("{data}/en_benign_dev.txt")).unwrap();
        let mut texts: Vec<String> = lines.lines().take(1500).map(String::from).collect();
        let pieces = [
            "cried", "make", "passed", "something", "between", "husband", "husband\u{2019}s", "husband's", "class",
            "Scunthorpe", "assassin", "cocktail", "ass", "aSS", "ied", "ak", "meth", "tak", "e", "s", "a", "t", "m",
            "cum", "circumstances", "seaweed", "weed", "coke", "the", "a coke", "sb", "kill", "yourself", "fuck",
            "IED", "Ak", " ", " ", " ", ".", ":", "'", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2014}", "_", ",", "!",
            "@", "$", "|", "\u{e9}", "\u{301}", "2", "\u{4e2d}", ". ", "\u{200B}", "-", "a ", "s s", "t t",
            "\u{1F600}", "\u{2018}", "\u{2026}", "\n", "bing", "du", "ma", "shabi", "caonima", "\u{51B0}\u{6BD2}",
        ];
        texts.extend(random_mixes(&pieces, 0x9E37_79B9_7F4A_7C15, 12_000));
        let mut deferred = 0;
        for text in &texts {
            if matches!(probe.look(text), Looked::Words(_)) {
                deferred += 1;
            }
            for (probed, reference) in [
                (screener.scan_without_model(text), unprobed.scan_without_model(text)),
                (screener.scan(text), unprobed.scan(text)),
            ] {
                assert_eq!(probed.hits, reference.hits, "{text:?}");
                assert_eq!(probed.suppressed, reference.suppressed, "{text:?}");
                assert_eq!(probed.shadow, reference.shadow, "{text:?}");
                assert_eq!(probed.model, reference.model, "{text:?}");
            }
        }
        assert!(unprobed.probe().is_none(), "the reference screener built its DFAs");
        assert!(deferred * 5 > texts.len(), "only {deferred} of {} texts deferred to words", texts.len());
    }

    /// The fast lane, where it does not bail, answers exactly as the general fold: on the benign
    /// corpora (where it runs most) and on pieces of every kind it handles or bails on.
    #[test]
    fn the_fast_lane_answers_as_the_general_probe() {
        let screener = Screener::new(Lexicon::default_lexicon()).unwrap();
        screener.warm_up(); // the probe drives DFAs, which a new screener builds on first need
        let probe = screener.probe().expect("the default lexicon compiles to DFAs");
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data");
        let mut texts: Vec<String> = Vec::new();
        for name in ["cn_benign_dev.txt", "en_benign_dev.txt"] {
            let text = std::fs::read_to_string(format!("{data}/{name}")).unwrap();
            texts.extend(text.lines().take(2000).map(String::from));
        }
        let pieces = [
            "冰", "毒", "冰毒", "女", "马", "一", "三", "八", "壹", "１", "9", "ab", "Ab", "a", "s", " ", "  ", "，",
            "。", "'", "’", "\u{0301}", "\u{FE0F}", "😀", "bing", "du", "dont", "加", "微", "信", "賭", "博", "kkk",
            "ass", "\n", "幼", "カ", "한", "é", "3", "@", "\u{200B}", "处女座", "ma", "de", "ni", "hao", "sb", "jb",
            "!", "|", "$", "wow", "2nd", "?", ".", "sh", "it", "A", "SB", "發", "弓", "长", "二", "ＡＢ", "冰 冰", "”",
            "…", "ü", "！", "’", "貳", "兩", "長",
        ];
        texts.extend(random_mixes(&pieces, 0x2545_F491_4F6C_DD1D, 20_000));
        let mut fast = 0;
        let (mut lite_texts, mut lite_more) = (0, 0);
        for text in &texts {
            let answer = match probe.folder.fold_fast(text, &mut probe.quick(text, false)) {
                Flow::Go => false,
                Flow::Stop => true,
                Flow::Bail => continue,
            };
            fast += 1;
            let general = probe.general(text);
            assert_eq!(answer, general, "{text:?}");
            // The lite lane's candidates are a superset, on every text (whether or not it
            // would take that lane).
            let lite_answer = probe.folder.fold_fast(text, &mut probe.quick(text, true)) == Flow::Stop;
            assert!(lite_answer || !general, "the lite lane misses a candidate in {text:?}");
            if lite(text) {
                lite_texts += 1;
                lite_more += usize::from(lite_answer && !general);
            }
        }
        assert!(fast > texts.len() / 2, "the fast lane took only {fast} of {} texts", texts.len());
        assert!(lite_texts > texts.len() / 4, "the lite lane took only {lite_texts} of {} texts", texts.len());
        // The lite lane adds few candidates on the texts it takes (measured: 34 in 6,162).
        assert!(lite_more * 50 < lite_texts, "{lite_more} extra candidates in {lite_texts} lite texts");

        // The units the fast lane keeps for a scan with the learned scorer are the general
        // fold's units, every field but `norm` (which only the view adds), on every text the
        // fast lane folds, and the view adds the folded text and `norm` as the general fold does;
        // it reports a candidate exactly when the probe finds one.
        let mut kept = 0;
        for text in &texts {
            let folded = probe.folder.fold(text);
            let Some(collected) = probe.units(text) else {
                assert_ne!(probe.folder.fold_fast(text, &mut probe.quick(text, lite(text))), Flow::Go, "{text:?}");
                continue;
            };
            kept += 1;
            // A candidate exactly when the probe finds one (on the lite lane: at least then).
            let general = probe.general(text);
            let candidate = collected.looked != Looked::Nothing;
            if lite(text) {
                assert!(candidate || !general, "{text:?}");
            } else {
                assert_eq!(candidate, general, "{text:?}");
            }
            let unit = |u: &Unit| (u.ch, u.start, u.end, u.run, u.gap, u.gap_chars, u.via);
            let want: Vec<_> = folded.units.iter().map(unit).collect();
            assert_eq!(collected.units.iter().map(unit).collect::<Vec<_>>(), want, "{text:?}");
            let view = collected.into_view();
            assert_eq!(view.text, folded.text, "{text:?}");
            let norms = |v: &View| v.units.iter().map(|u| u.norm).collect::<Vec<_>>();
            assert_eq!(norms(&view), norms(&folded), "{text:?}");
            // The view a candidate gets for the full scan ([`Probe::view`], the fast lane with
            // nothing but the units for Latin text) is the general fold's, every field.
            let view = probe.view(text);
            assert_eq!(view.text, folded.text, "{text:?}");
            assert_eq!(view.units, folded.units, "{text:?}");
        }
        assert!(kept > texts.len() / 2, "units kept for only {kept} of {} texts", texts.len());
    }
}
