//! The screener: a lexicon compiled into automata, and the scan that turns a text into a
//! [`Verdict`].
//!
//! Compiling folds every term, variant, allow phrase and (where the term allows it) its pinyin
//! initials with the same [`Folder`] the texts go through, and builds two automata: one over
//! folded characters, one over pinyin syllables (for `pinyin` and `homophone`). Scanning folds the
//! text once, runs the automata, verifies each candidate (repeats, spacing, the term's allowed
//! evasions), checks word boundaries and allow phrases, applies combination rules and scores.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::boundary::Segmenter;
use crate::lexicon::{Boundary, Diagnostic, Evasion, EvasionSet, Lexicon, LexiconError, Mode, Profile, Signal};
use crate::limit::{self, ScanError, DEFAULT_MAX_INPUT_BYTES, MAX_INPUT_BYTES_LIMIT};
use crate::matcher::Automaton;
use crate::model::features::{Extractor, Occurrence};
use crate::model::{Model, ModelFeatures};
use crate::normalize::{is_han, Folder, SyllableView, View, GAP_HARD, GAP_PUNCT, GAP_SPACE};
use crate::overlap::{AllowIndex, ByStart, RangeIndex};
use crate::probe::{CharCheck, Inside, Looked, Probe};
use crate::score::{self, round, Evidence};
use crate::span::spans;
use crate::verdict::{Decision, Hit, LexiconInfo, ShadowOutcome, SuppressReason, Suppressed, Truncated, Verdict};

/// Most noise characters allowed between two characters of one match (`冰 😀 毒`).
const MAX_GAP: u16 = 6;
/// Weight factor for hits through a sound-based evasion (pinyin, initials, homophone): they
/// are likelier to be innocent than the term itself. Variants keep the term's weight: a policy
/// writer listed them as the same term.
const FUZZY_FACTOR: f64 = 0.8;

/// Evasions that apply to every term by default.
const BASE_EVASIONS: EvasionSet = EvasionSet::EMPTY
    .with(Evasion::Width)
    .with(Evasion::Case)
    .with(Evasion::Traditional)
    .with(Evasion::Spacing)
    .with(Evasion::Repeat)
    .with(Evasion::Leet)
    .with(Evasion::Homoglyph)
    .with(Evasion::Split)
    .with(Evasion::Numerals);

/// Which surface form of a term a pattern stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Surface {
    Text,
    Variant(u16),
    Initials,
    Allow(u16),
}

#[derive(Debug)]
struct CharPattern {
    term: u32,
    surface: Surface,
    runs: Box<[u16]>,
    /// Whether the pattern itself has a separator before each unit (`acid tabs`): noise there
    /// in the text is no disguise.
    gaps: Box<[u8]>,
    /// Digits the pattern itself has (`3p`): the text must have the same digit there, not the
    /// letter it would read as in leetspeak.
    literal: Box<[Option<char>]>,
    allowed: EvasionSet,
}

#[derive(Debug)]
struct SyllablePattern {
    term: u32,
    surface: Surface,
    chars: Box<[char]>,
    gaps: Box<[u8]>,
    allowed: EvasionSet,
}

/// A verified candidate match.
#[derive(Debug, Clone, Copy)]
struct Found {
    term: u32,
    surface: Surface,
    first: u32,
    last: u32,
    via: EvasionSet,
}

/// The classified matches of a text: counted and suppressed, each with its byte range in the
/// scanned text; and whether a shadow term matched.
#[derive(Default)]
struct Findings {
    counted: Vec<(Found, (usize, usize))>,
    suppressed: Vec<(Found, (usize, usize), SuppressReason, String)>,
    shadow_seen: bool,
}

impl Findings {
    /// Adds the findings of another part of the text.
    fn append(&mut self, mut other: Findings) {
        self.counted.append(&mut other.counted);
        self.suppressed.append(&mut other.suppressed);
        self.shadow_seen |= other.shadow_seen;
    }

    /// Adds a copy of `other`'s findings, their byte ranges moved by `base`.
    fn append_at(&mut self, other: &Findings, base: usize) {
        let at = |(s, e): (usize, usize)| (s + base, e + base);
        self.counted.extend(other.counted.iter().map(|&(f, r)| (f, at(r))));
        self.suppressed
            .extend(other.suppressed.iter().map(|(f, r, reason, detail)| (*f, at(*r), *reason, detail.clone())));
        self.shadow_seen |= other.shadow_seen;
    }
}

/// The findings of words scanned alone ([`Screener::find_deferred`]), by the word's text, for one
/// long text's scan: a word's findings depend on its text only (its view, matches, checks and
/// word bounds are all of the word alone), so each distinct word is scanned once. Measured with
/// callgrind on 1.5 MB of benign English (novels, SMS), lexicon only: the full scans of deferred
/// words (`something`, `passed`, `class`: ≈ 4.6k instructions each) were 13.9M of 195M
/// instructions. A short text keeps none: its words rarely repeat, and keeping them cost 1–3 %
/// more instructions on 2,000 100-char English texts.
type WordFinds<'t> = HashMap<&'t str, Findings>;

/// Most words [`WordFinds`] keeps (a text of many distinct words with candidates stays bounded
/// in memory; the words past it are scanned each time).
const WORD_FINDS_MAX: usize = 1 << 12;

/// The units of a long text joined from those of its pieces ([`Screener::join_pieces`]): the
/// units of the whole text, as [`Folder::fold`] gives them but for `norm` (there is no folded
/// string; pieces off the fast lane keep their own).
struct Joined {
    units: Vec<crate::normalize::Unit>,
    /// Per piece but the first: where it starts, and its first unit's `gap` and `gap_chars`
    /// when the piece is folded alone (the noise between the cut and that unit).
    firsts: Vec<(usize, u8, u16)>,
}

impl Joined {
    /// The view of `text[from..to]`, where `from` starts a piece and `to` ends one: what
    /// [`Folder::fold`] gives for it.
    fn window(&self, from: usize, to: usize) -> View {
        let lo = self.units.partition_point(|u| (u.start as usize) < from);
        let hi = self.units.partition_point(|u| (u.start as usize) < to);
        let mut kept = self.units[lo..hi].to_vec();
        for u in &mut kept {
            u.start -= from as u32;
            u.end -= from as u32;
        }
        if from > 0 {
            if let (Some(u), Ok(k)) = (kept.first_mut(), self.firsts.binary_search_by_key(&from, |f| f.0)) {
                // Alone, the window has only the noise after the cut before its first unit.
                (u.gap, u.gap_chars) = (self.firsts[k].1, self.firsts[k].2);
            }
        }
        crate::normalize::Keep { units: kept }.into_view()
    }
}

/// Texts of at least [`PIECES_FROM`] bytes are scanned piece by piece when the learned scorer is
/// off ([`Screener::scan_pieces`]): pieces of at least this many bytes, cut at sentence breaks,
/// the probe on each and the full scan only where it finds a candidate, so a candidate no longer
/// sends a whole long text through the full scan. Benign Chinese news has a candidate every few
/// KB (measured: 90 of 107 pieces of 16 KiB had one), so pieces are about a sentence or two.
const PIECE_BYTES: usize = 256;

/// With the model, a long text is scanned whole (not piece by piece) unless its first this many
/// pieces are short (cut within the first 4 × [`PIECE_BYTES`] bytes each on average) and fewer
/// than three in four of them have a candidate. Where pieces are long or nearly every one has a
/// candidate, pieces cost more than one scan of the whole text (the windows' views built again
/// from the units): measured on 1.5 MB of benign English (novels, SMS) with the model when its lines were
/// not yet cut at a break inside a run of noise (pieces of ≈ 2.4 KB, nearly all flagged), 8 %
/// slower, while Chinese news (short pieces, few candidates) gains 15–20 % in wall clock. With
/// those cuts (pieces of ≈ 370 bytes, a quarter flagged) that text goes by pieces too: 371M → 354M
/// instructions (callgrind).
const FEW_PIECES: usize = 8;

/// The shortest text scanned piece by piece (shorter ones, the usual post, are scanned whole).
const PIECES_FROM: usize = 8 << 10;

/// The profile name asked for does not exist in the lexicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProfile {
    /// The name asked for.
    pub name: String,
    /// The profiles the lexicon has.
    pub known: Vec<String>,
}

impl fmt::Display for UnknownProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown profile `{}` (known: {})", self.name, self.known.join(", "))
    }
}

impl std::error::Error for UnknownProfile {}

/// A compiled lexicon, ready to scan. `Send + Sync`: build it once, share it (e.g. in an `Arc`)
/// across threads; scanning takes `&self` and never locks.
pub struct Screener {
    lexicon: Lexicon,
    folder: Folder,
    segmenter: Segmenter,
    char_ac: Automaton,
    char_patterns: Vec<Vec<CharPattern>>,
    syllable_ac: Automaton,
    /// Per character pattern: whether it is the pinyin spelling of a syllable pattern that
    /// allows pinyin, run together (`bingdu`; most stand for no term of their own): the full
    /// scan's and the probe's stand-in for reading Latin words as syllables in texts without Han
    /// (see [`crate::probe`], lite lane).
    char_spells: Vec<bool>,
    syllable_patterns: Vec<Vec<SyllablePattern>>,
    /// Per character pattern: whether a match of it is a candidate (the probe's question, see
    /// [`crate::probe`]), whether its terms' texts are Latin without separators, what the noise
    /// inside its matches must be, whether its
    /// matches may be deferred to their words (ASCII letters, no allow phrase), and whether it
    /// stands for an allow phrase.
    char_counts: Vec<CharCheck>,
    char_inside: Vec<Inside>,
    char_words: Vec<bool>,
    char_allow: Vec<bool>,
    /// Per syllable pattern: whether a term behind it allows homophones; whether one allows pinyin.
    syllable_homophones: Vec<bool>,
    syllable_pinyin: Vec<bool>,
    /// Whether the lexicon has shadow rules (a text with hits is then scanned as if live too).
    shadow_rules: bool,
    model: Option<Model>,
    /// jieba knowing the shadow terms' words too, for scans that count shadow terms as live;
    /// `None` when no shadow term adds a Chinese word (see [`Screener::scan_inner`]).
    shadow_segmenter: Option<Segmenter>,
    /// The input cap (see [`Screener::with_max_input_bytes`]).
    max_input_bytes: usize,
    /// When verdicts list the model's features (see [`Screener::with_model_features`]).
    model_features: ModelFeatures,
    /// The most units a match of an allow phrase spans (0: no allow phrases), for
    /// [`Screener::scan_pieces`]; and per term, of its own allow phrases.
    allow_units: usize,
    term_allow_units: Vec<u16>,
}

impl fmt::Debug for Screener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Screener")
            .field("lexicon", &self.lexicon.name)
            .field("version", &self.lexicon.version)
            .field("terms", &self.lexicon.terms.len())
            .finish()
    }
}

impl Default for Screener {
    /// A screener on the embedded default lexicon.
    fn default() -> Screener {
        Screener::new(Lexicon::default_lexicon())
            .expect("the embedded default lexicon compiles (checked by the test suite)")
    }
}

/// Collects patterns, merging equal byte strings into one automaton pattern; a pattern may be
/// marked (see [`Screener::char_spells`]), with or without patterns of its own.
struct Patterns<P> {
    index: HashMap<Vec<u8>, usize>,
    bytes: Vec<Vec<u8>>,
    refs: Vec<Vec<P>>,
    marked: Vec<bool>,
}

impl<P> Patterns<P> {
    fn new() -> Self {
        Patterns { index: HashMap::new(), bytes: Vec::new(), refs: Vec::new(), marked: Vec::new() }
    }

    /// The id of the automaton pattern `bytes`, added if new.
    fn id(&mut self, bytes: Vec<u8>) -> usize {
        *self.index.entry(bytes.clone()).or_insert_with(|| {
            self.bytes.push(bytes);
            self.refs.push(Vec::new());
            self.marked.push(false);
            self.bytes.len() - 1
        })
    }

    fn add(&mut self, bytes: Vec<u8>, pattern: P) {
        let id = self.id(bytes);
        self.refs[id].push(pattern);
    }

    fn mark(&mut self, bytes: Vec<u8>) {
        let id = self.id(bytes);
        self.marked[id] = true;
    }
}

/// The separators a folded pattern has before each of its units (`GAP_*` flags, 0 for none).
fn gaps_of(view: &View) -> Box<[u8]> {
    view.units.iter().map(|u| u.gap).collect()
}

/// The original characters of a folded pattern's leetspeak units (`3` in `3p`).
fn literals_of(text: &str, view: &View) -> Box<[Option<char>]> {
    view.units
        .iter()
        .map(|u| u.via.contains(Evasion::Leet).then(|| text[u.start as usize..].chars().next()).flatten())
        .collect()
}

/// Default evasions of one surface form: the base set, plus pinyin for Chinese words of two or
/// more characters and homophones for three or more (shorter homophones collide with everyday
/// words: 大妈 sounds like 大麻). Initials are never on by default.
fn default_evasions(view: &View) -> EvasionSet {
    let mut set = BASE_EVASIONS;
    let all_han = view.units.iter().all(|u| is_han(u.ch));
    if all_han && view.units.len() >= 2 {
        set.insert(Evasion::Pinyin);
    }
    if all_han && view.units.len() >= 3 {
        set.insert(Evasion::Homophone);
    }
    set
}

impl Screener {
    /// Compiles a lexicon. Fails (with file/line/column) when a term, variant or allow phrase has
    /// nothing left to match after normalization (only spaces or punctuation).
    ///
    /// The screener uses the embedded default [`Model`] (the learned scorer) unless the lexicon
    /// says `model = false`; see [`Screener::with_model`] to choose.
    pub fn new(lexicon: Lexicon) -> Result<Screener, LexiconError> {
        Screener::with_model(lexicon, Some(Model::default_model()))
    }

    /// Compiles a lexicon with a learned scorer of your choice, or none (lexicon only).
    ///
    /// ```
    /// let lexicon = prescreen::Lexicon::default_lexicon();
    /// let screener = prescreen::Screener::with_model(lexicon, None)?;
    /// assert!(screener.scan("some text").model.is_none());
    /// # Ok::<(), prescreen::LexiconError>(())
    /// ```
    pub fn with_model(lexicon: Lexicon, model: Option<Model>) -> Result<Screener, LexiconError> {
        let folder = Folder::new();
        let mut chars: Patterns<CharPattern> = Patterns::new();
        let mut syllables: Patterns<SyllablePattern> = Patterns::new();
        let mut spellings: HashSet<String> = HashSet::new();
        let mut problems: Vec<Diagnostic> = Vec::new();
        let mut han_words: HashSet<String> = HashSet::new();
        let mut shadow_words: HashSet<String> = HashSet::new();

        for (t, term) in lexicon.terms.iter().enumerate() {
            let term_index = t as u32;
            let surfaces = std::iter::once((Surface::Text, term.text.as_str()))
                .chain(term.variants.iter().enumerate().map(|(k, v)| (Surface::Variant(k as u16), v.as_str())));
            for (surface, text) in surfaces {
                let view = folder.fold(text);
                if view.units.is_empty() {
                    problems.push(term.origin.item_error(format!(
                        "term `{}`: {text:?} has nothing to match after normalization (only spaces, punctuation or symbols)",
                        term.id
                    )));
                    continue;
                }
                let allowed = term.evasions.unwrap_or_else(|| default_evasions(&view));
                let unit_chars: Vec<char> = view.units.iter().map(|u| u.ch).collect();
                let all_han = unit_chars.iter().all(|&c| is_han(c));
                if all_han && unit_chars.len() >= 2 {
                    // Shadow terms stay out of the live dictionary: their words would move the
                    // word boundaries of live terms, and a shadow term never changes a decision.
                    let words = if term.mode == Mode::Live { &mut han_words } else { &mut shadow_words };
                    words.insert(view.text.clone());
                }
                chars.add(
                    view.text.clone().into_bytes(),
                    CharPattern {
                        term: term_index,
                        surface,
                        runs: view.units.iter().map(|u| u.run).collect(),
                        gaps: gaps_of(&view),
                        literal: literals_of(text, &view),
                        allowed,
                    },
                );
                let single_runs = view.units.iter().all(|u| u.run == 1);
                let sound = allowed.contains(Evasion::Pinyin) || allowed.contains(Evasion::Homophone);
                if sound && all_han && single_runs && unit_chars.len() >= 2 {
                    if let Some(code) = folder.syllables.encode_han(&unit_chars) {
                        if allowed.contains(Evasion::Pinyin) {
                            spellings.extend(folder.syllables.spell(&unit_chars));
                        }
                        syllables.add(
                            code,
                            SyllablePattern {
                                term: term_index,
                                surface,
                                chars: unit_chars.clone().into(),
                                gaps: gaps_of(&view),
                                allowed,
                            },
                        );
                    }
                }
                if allowed.contains(Evasion::Initials) && all_han && unit_chars.len() >= 2 {
                    let initials: Option<String> = unit_chars.iter().map(|&c| folder.syllables.initial(c)).collect();
                    if let Some(initials) = initials {
                        let iview = folder.fold(&initials);
                        chars.add(
                            iview.text.clone().into_bytes(),
                            CharPattern {
                                term: term_index,
                                surface: Surface::Initials,
                                runs: iview.units.iter().map(|u| u.run).collect(),
                                gaps: gaps_of(&iview),
                                literal: literals_of(&initials, &iview),
                                allowed,
                            },
                        );
                    }
                }
            }
            for (k, phrase) in term.allow.iter().enumerate() {
                let view = folder.fold(phrase);
                if view.units.is_empty() {
                    problems.push(term.origin.item_error(format!(
                        "term `{}`: allow phrase {phrase:?} has nothing to match after normalization",
                        term.id
                    )));
                    continue;
                }
                chars.add(
                    view.text.clone().into_bytes(),
                    CharPattern {
                        term: term_index,
                        surface: Surface::Allow(k as u16),
                        runs: view.units.iter().map(|u| u.run).collect(),
                        gaps: gaps_of(&view),
                        literal: literals_of(phrase, &view),
                        allowed: EvasionSet::EMPTY,
                    },
                );
            }
        }
        if !problems.is_empty() {
            return Err(LexiconError::new(problems));
        }
        let mut spellings: Vec<String> = spellings.into_iter().collect();
        spellings.sort(); // deterministic pattern ids
        for spelling in spellings {
            chars.mark(spelling.into_bytes());
        }
        let char_spells = std::mem::take(&mut chars.marked);
        let mut han_words: Vec<String> = han_words.into_iter().collect();
        han_words.sort(); // deterministic dictionary, whatever the hash order
        shadow_words.retain(|w| !han_words.contains(w));
        let shadow_segmenter = (!shadow_words.is_empty()).then(|| {
            let mut all: Vec<&str> = han_words.iter().chain(&shadow_words).map(String::as_str).collect();
            all.sort();
            Segmenter::new(all)
        });
        let char_counts = chars
            .refs
            .iter()
            .map(|ps| {
                let terms: Vec<&CharPattern> = ps.iter().filter(|p| !matches!(p.surface, Surface::Allow(_))).collect();
                if terms.is_empty() {
                    CharCheck::Never
                } else if terms.iter().any(|p| p.runs.iter().all(|&r| r == 1)) {
                    CharCheck::Always
                } else {
                    CharCheck::Runs(terms.iter().map(|p| p.runs.clone()).collect())
                }
            })
            .collect();
        // What the noise inside a match must be for `check_gaps` to pass it, for some term
        // surface behind it (allow phrases aside): spaced-apart Latin matches are rejected only
        // for surfaces without a separator of their own (the `latin` kind), punctuation only for
        // those that spell it out.
        let char_inside = chars
            .bytes
            .iter()
            .zip(&chars.refs)
            .map(|(bytes, ps)| {
                let units = std::str::from_utf8(bytes).map_or(0, |t| t.chars().count());
                let alnum = bytes.iter().all(u8::is_ascii_alphanumeric);
                let is_latin = |p: &CharPattern| alnum && p.gaps.iter().skip(1).all(|&g| g == 0);
                let terms = || ps.iter().filter(|p| !matches!(p.surface, Surface::Allow(_)));
                let others = || terms().filter(|p| !is_latin(p));
                // Bit `i`: the unit `i` places before the last must follow punctuation.
                let punct = |p: &CharPattern| {
                    let n = p.gaps.len();
                    let wants = p.gaps.iter().enumerate().skip(1).filter(|(_, &g)| g != 0 && g & GAP_SPACE == 0);
                    wants.map(|(j, _)| n - 1 - j).filter(|&i| i < 16).fold(0u16, |m, i| m | 1 << i)
                };
                let latin = terms().any(is_latin);
                let any_other = others().next().is_some();
                let punct = if any_other { others().fold(u16::MAX, |m, p| m & punct(p)) } else { 0 };
                Inside { units: units.min(255) as u8, punct, latin, other: any_other || !latin }
            })
            .collect();
        let char_allow: Vec<bool> =
            chars.refs.iter().map(|ps| ps.iter().any(|p| matches!(p.surface, Surface::Allow(_)))).collect();
        let char_words = chars
            .bytes
            .iter()
            .zip(&chars.refs)
            .zip(&char_allow)
            .map(|((bytes, ps), &allow)| !ps.is_empty() && !allow && bytes.iter().all(u8::is_ascii_lowercase))
            .collect();
        let mut term_allow_units = vec![0u16; lexicon.terms.len()];
        for p in chars.refs.iter().flatten().filter(|p| matches!(p.surface, Surface::Allow(_))) {
            let units = &mut term_allow_units[p.term as usize];
            *units = (*units).max(p.runs.len().min(usize::from(u16::MAX)) as u16);
        }
        let allow_units = term_allow_units.iter().copied().max().map_or(0, usize::from);
        let syllable_homophones =
            syllables.refs.iter().map(|ps| ps.iter().any(|p| p.allowed.contains(Evasion::Homophone))).collect();
        let syllable_pinyin =
            syllables.refs.iter().map(|ps| ps.iter().any(|p| p.allowed.contains(Evasion::Pinyin))).collect();
        Ok(Screener {
            char_counts,
            char_inside,
            char_words,
            char_allow,
            syllable_homophones,
            syllable_pinyin,
            shadow_rules: lexicon.rules.iter().any(|r| r.mode == Mode::Shadow),
            shadow_segmenter,
            segmenter: Segmenter::new(han_words.iter().map(String::as_str)),
            char_ac: Automaton::new(&chars.bytes),
            char_patterns: chars.refs,
            syllable_ac: Automaton::new(&syllables.bytes),
            char_spells,
            syllable_patterns: syllables.refs,
            model,
            folder,
            lexicon,
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            model_features: ModelFeatures::Flagged,
            allow_units,
            term_allow_units,
        })
    }

    /// Builds now what the screener otherwise builds on first need: jieba with the lexicon's words
    /// (the first scan with a Han word boundary to check builds it) and the matching DFAs (built
    /// after 4 MiB of scanned text; until then the automata are NFAs, ≈ 2× slower). Compiling
    /// leaves them out so that the first verdict comes fast (docs/wasm.md, "Start-up"); a service
    /// that compiles off to the side and scans a lot can call this first, as
    /// [`SharedScreener`](crate::SharedScreener) does, so no request waits for them. Verdicts are
    /// the same either way.
    pub fn warm_up(&self) {
        self.segmenter.warm_up();
        if let Some(segmenter) = &self.shadow_segmenter {
            segmenter.warm_up();
        }
        self.char_ac.warm_up();
        self.syllable_ac.warm_up();
    }

    /// The lexicon this screener was compiled from.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Sets the input cap: the longest text, in UTF-8 bytes, that [`Screener::try_scan`] accepts
    /// and [`Screener::scan`] reads to the end. The default is [`DEFAULT_MAX_INPUT_BYTES`]
    /// (16 MiB); values above [`MAX_INPUT_BYTES_LIMIT`] (2 GiB) are clamped to it.
    ///
    /// ```
    /// let screener = prescreen::Screener::default().with_max_input_bytes(10);
    /// let err = screener.try_scan("a text longer than ten bytes").unwrap_err();
    /// assert_eq!(err, prescreen::ScanError::InputTooLong { len: 28, max: 10 });
    /// ```
    pub fn with_max_input_bytes(mut self, max: usize) -> Screener {
        self.set_max_input_bytes(max);
        self
    }

    /// Sets the input cap in place (see [`Screener::with_max_input_bytes`]).
    pub fn set_max_input_bytes(&mut self, max: usize) {
        self.max_input_bytes = max.min(MAX_INPUT_BYTES_LIMIT);
    }

    /// The input cap in UTF-8 bytes.
    pub fn max_input_bytes(&self) -> usize {
        self.max_input_bytes
    }

    /// Sets when verdicts list the learned scorer's top features ([`ModelFeatures`]; by
    /// default only when the model flags the text). Scores and decisions do not change.
    pub fn with_model_features(mut self, when: ModelFeatures) -> Screener {
        self.model_features = when;
        self
    }

    /// Sets in place when verdicts list the model's features (see
    /// [`Screener::with_model_features`]).
    pub fn set_model_features(&mut self, when: ModelFeatures) {
        self.model_features = when;
    }

    /// When verdicts list the model's features.
    pub fn model_features(&self) -> ModelFeatures {
        self.model_features
    }

    /// Scans a text under the `default` profile.
    ///
    /// A text longer than the input cap ([`Screener::max_input_bytes`]) is scanned up to the cap
    /// (cut back to a char boundary); the verdict then says so in [`Verdict::truncated`] and is at
    /// least `review`, never `pass`. Use [`Screener::try_scan`] to refuse such texts instead.
    pub fn scan(&self, text: &str) -> Verdict {
        let profile = self.lexicon.profile("default");
        self.scan_capped(text, |t| self.scan_inner(t, profile, "default", true))
    }

    /// Scans a text under the `default` profile, or refuses it when it is longer than the input
    /// cap: [`ScanError::InputTooLong`], before any work is done.
    pub fn try_scan(&self, text: &str) -> Result<Verdict, ScanError> {
        self.check_len(text)?;
        Ok(self.scan(text))
    }

    /// Scans a text under a named profile, or refuses it: the text is longer than the input cap,
    /// or the profile does not exist.
    pub fn try_scan_with_profile(&self, text: &str, profile: &str) -> Result<Verdict, ScanError> {
        self.check_len(text)?;
        Ok(self.scan_with_profile(text, profile)?)
    }

    fn check_len(&self, text: &str) -> Result<(), ScanError> {
        if text.len() > self.max_input_bytes {
            return Err(ScanError::InputTooLong { len: text.len(), max: self.max_input_bytes });
        }
        Ok(())
    }

    /// Runs `scan` on the text, or on its prefix within the input cap, marking the verdict.
    fn scan_capped(&self, text: &str, scan: impl FnOnce(&str) -> Verdict) -> Verdict {
        let scanned = limit::prefix(text, self.max_input_bytes);
        let mut verdict = scan(scanned);
        if scanned.len() < text.len() {
            verdict.truncated = Some(Truncated { len: text.len(), scanned: scanned.len() });
            verdict.decision = verdict.decision.max(Decision::Review);
        }
        verdict
    }

    /// Scans a text under the `default` profile with the learned scorer off: the lexicon's
    /// verdict alone (for evaluation: lexicon-only against combined figures). Over-long texts are
    /// handled as by [`Screener::scan`].
    pub fn scan_without_model(&self, text: &str) -> Verdict {
        let profile = self.lexicon.profile("default");
        self.scan_capped(text, |t| self.scan_inner(t, profile, "default", false))
    }

    /// The learned scorer, if this screener has one.
    pub fn model(&self) -> Option<&Model> {
        self.model.as_ref()
    }

    /// Whether the model counts under a profile: the profile's `model` setting, else the
    /// lexicon's, else on.
    fn model_enabled(&self, profile: Option<&Profile>) -> bool {
        profile.and_then(|p| p.model).or(self.lexicon.model).unwrap_or(true)
    }

    /// The probe over this screener's automata; `None` when one of them is an NFA (very large
    /// lexicons, or before the DFAs are built: see [`Screener::warm_up`]), which the probe does
    /// not drive.
    pub(crate) fn probe(&self) -> Option<Probe<'_>> {
        let chars = self.char_ac.stepper()?;
        // The char DFA is built (4 MiB scanned): build the syllable DFA too, which texts without
        // Han or Latin letters never scan towards.
        let syllables = self.syllable_ac.stepper_now()?;
        Some(Probe {
            chars,
            char_counts: &self.char_counts,
            char_inside: &self.char_inside,
            char_words: &self.char_words,
            char_allow: &self.char_allow,
            char_spells: &self.char_spells,
            syllables,
            homophones: &self.syllable_homophones,
            pinyin: &self.syllable_pinyin,
            folder: &self.folder,
        })
    }

    /// The folder (for tests of what reads its units).
    #[cfg(test)]
    pub(crate) fn folder(&self) -> &Folder {
        &self.folder
    }

    /// The segmenter (for tests of what reads words).
    #[cfg(test)]
    pub(crate) fn segmenter(&self) -> &Segmenter {
        &self.segmenter
    }

    /// The model features of a text (lexicon hits included), for training.
    pub(crate) fn feature_occurrences(&self, text: &str, extractor: &Extractor) -> Vec<Occurrence> {
        let verdict = self.scan_inner(text, None, "default", false);
        let view = self.folder.fold(text);
        let mut out = Vec::new();
        extractor.extract(&view, &self.segmenter, &verdict.hits, &mut out);
        out
    }

    /// Scans a text under a named profile (`default` always exists, with the categories' own
    /// thresholds unless the lexicon overrides it). Over-long texts are handled as by
    /// [`Screener::scan`].
    pub fn scan_with_profile(&self, text: &str, profile: &str) -> Result<Verdict, UnknownProfile> {
        let p = self.profile_named(profile)?;
        Ok(self.scan_capped(text, |t| self.scan_inner(t, p, profile, true)))
    }

    /// Scans a text under a named profile with the learned scorer off: the lexicon's verdict
    /// alone (for evaluation: lexicon-only against combined figures, as
    /// [`Screener::scan_without_model`] for the `default` profile).
    ///
    /// ```
    /// let screener = prescreen::Screener::default();
    /// let v = screener.scan_with_profile_without_model("河南人素质真差，滚回老家去", "minors").unwrap();
    /// assert!(v.model.is_none() && v.profile == "minors");
    /// assert!(screener.scan_with_profile_without_model("x", "no such profile").is_err());
    /// ```
    pub fn scan_with_profile_without_model(&self, text: &str, profile: &str) -> Result<Verdict, UnknownProfile> {
        let p = self.profile_named(profile)?;
        Ok(self.scan_capped(text, |t| self.scan_inner(t, p, profile, false)))
    }

    /// The lexicon's profile of this name (`None` for `default` when the lexicon does not
    /// define it: the categories' own thresholds), or the error naming the profiles there are.
    fn profile_named(&self, name: &str) -> Result<Option<&Profile>, UnknownProfile> {
        match self.lexicon.profile(name) {
            Some(p) => Ok(Some(p)),
            None if name == "default" => Ok(None),
            None => {
                let mut known: Vec<String> = self.lexicon.profiles.iter().map(|p| p.name.clone()).collect();
                if !known.iter().any(|k| k == "default") {
                    known.insert(0, "default".into());
                }
                Err(UnknownProfile { name: name.to_string(), known })
            }
        }
    }

    /// Scans a text. Shadow terms and rules (`mode = "shadow"`) take no part in the verdict's
    /// counted fields; when one of them may fire, the text is scanned again as if they were live
    /// (with a segmenter that knows their words), and that scan gives the `shadow` list and the
    /// `shadow_outcome`. Texts without a shadow match pay nothing more.
    fn scan_inner(&self, text: &str, profile: Option<&Profile>, profile_name: &str, use_model: bool) -> Verdict {
        let (mut verdict, shadow_seen) = self.scan_as(text, profile, profile_name, use_model, false);
        if shadow_seen || (self.shadow_rules && !verdict.hits.is_empty()) {
            let (live, _) = self.scan_as(text, profile, profile_name, use_model, true);
            if !live.shadow.is_empty() {
                verdict.shadow = live.shadow;
                verdict.shadow_outcome =
                    Some(ShadowOutcome { decision: live.decision, score: live.score, categories: live.categories });
            }
        }
        verdict
    }

    /// Whether a match is of a shadow term.
    fn is_shadow(&self, f: &Found) -> bool {
        self.lexicon.terms[f.term as usize].mode == Mode::Shadow
    }

    /// Matches, verifies and classifies the terms of `text` (folded into `view`), adding them
    /// to `out` with byte ranges shifted by `base` (the offset of `text` in the scanned text).
    fn find(&self, text: &str, view: &View, segmenter: &Segmenter, shadow_live: bool, base: usize, out: &mut Findings) {
        let mut found: Vec<Found> = Vec::new();
        let mut allows: Vec<(u32, u16, u32, u32)> = Vec::new(); // term, phrase, first, last

        let mut spelled = false;
        let mut on_match = |pid: usize, s: usize, e: usize| {
            spelled |= self.char_spells[pid];
            let first = view.unit_at(s);
            let last = view.unit_at(e - 1);
            for p in &self.char_patterns[pid] {
                if let Surface::Allow(k) = p.surface {
                    allows.push((p.term, k, first as u32, last as u32));
                } else if let Some(via) = verify_chars(text, view, p, first, last) {
                    found.push(Found { term: p.term, surface: p.surface, first: first as u32, last: last as u32, via });
                }
            }
        };
        // Whether the text may hold a syllable match: a Han unit, or (without Han) the pinyin
        // spelling of a syllable pattern that allows pinyin in the folded string (the superset
        // of the probe's lite lane, see `crate::probe`; the syllable view, every Latin word
        // segmented, was ≈ 4k instructions per English text with a candidate). A spelling's
        // match in the character automaton settles it; only then are the units looked at for
        // Han (Chinese text stops at its first unit; looking first would read every unit of a
        // long Latin text: +10M instructions on 1 MiB of English, callgrind).
        let han = |u: &crate::normalize::Unit| is_han(u.ch);
        self.char_ac.for_each(view.text.as_bytes(), &mut on_match);
        let may_sound_alike = !self.syllable_ac.is_empty() && (spelled || view.units.iter().any(han));

        if may_sound_alike {
            let sv = self.folder.syllables.view(view);
            self.syllable_ac.for_each(&sv.bytes, |pid, s, e| {
                for p in &self.syllable_patterns[pid] {
                    if let Some(f) = verify_syllables(view, &sv, p, s / 2, e / 2 - 1) {
                        found.push(f);
                    }
                }
            });
        }

        if found.iter().any(|f| self.is_shadow(f)) {
            out.shadow_seen = true;
            if !shadow_live {
                found.retain(|f| !self.is_shadow(f));
            }
        }

        // Classify: counted, or suppressed (allow phrase, word boundary). One result per term and
        // unit range; the character automaton ran first, so a plain match wins over a fuzzy one.
        // Few findings (a short text): the earlier ones are looked through, which costs less
        // than hashing each and allocating a set.
        const LOOK_BACK: usize = 32;
        let key = |f: &Found| (f.term, f.first, f.last);
        let mut seen: HashSet<(u32, u32, u32)> = HashSet::new();
        let mut counted: Vec<Found> = Vec::new();
        let mut suppressed: Vec<(Found, SuppressReason, String)> = Vec::new();
        let allows = AllowIndex::new(&allows);
        for (i, &f) in found.iter().enumerate() {
            let repeat = if found.len() <= LOOK_BACK {
                found[..i].iter().any(|g| key(g) == key(&f))
            } else {
                !seen.insert(key(&f))
            };
            if repeat {
                continue;
            }
            let term = &self.lexicon.terms[f.term as usize];
            if let Some(k) = allows.containing(f.term, f.first, f.last) {
                suppressed.push((f, SuppressReason::Allow, term.allow[k as usize].clone()));
                continue;
            }
            let check_word = term.boundary == Boundary::Word || f.surface == Surface::Initials;
            if check_word {
                if let Some(word) = segmenter.crossing_word(text, view, f.first as usize, f.last as usize) {
                    suppressed.push((f, SuppressReason::Word, word));
                    continue;
                }
            }
            counted.push(f);
        }

        // A match that another surface of the same term counts over (a variant inside the
        // term's own text) is not news to a reviewer: drop it from the suppressed list.
        let counted_ranges = RangeIndex::new(counted.iter().map(|c| (c.term, c.first, c.last)));
        suppressed.retain(|(s, _, _)| !counted_ranges.overlaps(s.term, s.first, s.last));

        let range = |f: &Found| {
            (base + view.units[f.first as usize].start as usize, base + view.units[f.last as usize].end as usize)
        };
        out.counted.extend(counted.into_iter().map(|f| (f, range(&f))));
        out.suppressed.extend(suppressed.into_iter().map(|(f, reason, detail)| (f, range(&f), reason, detail)));
    }

    /// The lexicon scan of a long text piece by piece ([`Folder::pieces`]): the probe on each
    /// piece, the full scan on those with a candidate ([`Screener::scan_windows`]). `false` when
    /// the text is one piece (the caller scans it whole).
    fn scan_pieces(&self, text: &str, segmenter: &Segmenter, shadow_live: bool, out: &mut Findings) -> bool {
        let Some(probe) = self.probe() else { return false };
        let pieces = self.folder.pieces(text, PIECE_BYTES);
        if pieces.len() < 2 {
            return false;
        }
        // Where nearly every piece has a candidate (English prose: short variants inside common
        // words), probing is wasted work: after 32 pieces with three in four flagged, the rest of
        // the text is scanned in full. Measured with callgrind on 1 MB of benign English (novels, SMS): probing
        // every piece cost 10 % more than the whole-text scan.
        // A piece whose candidates lie inside plain words has each word scanned alone
        // ([`crate::probe::Words`]).
        let (mut probed, mut flagged) = (0usize, 0usize);
        let mut words = Findings::default();
        let mut cache = WordFinds::new();
        let candidate = |k: usize| {
            if probed >= 32 && flagged * 4 >= probed * 3 {
                return true;
            }
            probed += 1;
            let (from, to) = pieces[k];
            let found = match probe.look(&text[from..to]) {
                Looked::Nothing => false,
                Looked::Words(deferred) => {
                    !self.find_words(&probe, text, from, &deferred, segmenter, shadow_live, &mut cache, &mut words)
                }
                Looked::Candidate => true,
            };
            flagged += usize::from(found);
            found
        };
        self.scan_windows(
            text,
            &pieces,
            candidate,
            // A window of Latin pieces on the fast lane (callgrind, 1.5 MB of benign English:
            // 267M -> 256M instructions against the general fold).
            |from, to| probe.view(&text[from..to]),
            segmenter,
            shadow_live,
            out,
        );
        out.append(words);
        true
    }

    /// The full scan of each word in `deferred` (offsets in `text[from..]`) alone, into `out`
    /// with the words' offsets in `text` ([`crate::probe::Words`]); with a `cache`, words scanned
    /// before in this scan take their findings from it.
    #[allow(clippy::too_many_arguments)]
    fn find_deferred<'t>(
        &self,
        probe: &Probe<'_>,
        text: &'t str,
        from: usize,
        deferred: &crate::probe::Deferred,
        segmenter: &Segmenter,
        shadow_live: bool,
        mut cache: Option<&mut WordFinds<'t>>,
        out: &mut Findings,
    ) {
        for (a, b) in deferred.iter() {
            let word = &text[from + a..from + b];
            let Some(cache) = cache.as_deref_mut() else {
                self.find(word, &probe.view(word), segmenter, shadow_live, from + a, out);
                continue;
            };
            if let Some(found) = cache.get(word) {
                out.append_at(found, from + a);
                continue;
            }
            let mut found = Findings::default();
            self.find(word, &probe.view(word), segmenter, shadow_live, 0, &mut found);
            out.append_at(&found, from + a);
            if cache.len() < WORD_FINDS_MAX {
                cache.insert(word, found);
            }
        }
    }

    /// The full scan of the words a piece's candidates were deferred to (`deferred`, offsets in
    /// the piece at `from` of `text`), alone, into `out`: `false` (and nothing added) when one
    /// of their findings is of a term with allow phrases and lies near the piece's edges. An
    /// allow phrase may reach into the piece over its cut from the piece before or after (noise
    /// between its units is dropped), which the probe of the piece alone does not see;
    /// [`Screener::scan_windows`] handles that, so such a piece is flagged instead (`tumble` /
    /// `weed` across a line break, a test in `tests/probe.rs`). Only a finding within as many
    /// units of an edge as its term's longest allow phrase has can be reached so, by the rule of
    /// the windows (`Deferred::near_edges`): measured on 1.5 MB of benign English (novels, SMS),
    /// flagging every piece with such a finding (`ass` in `passed`, `meth` in `something`)
    /// flagged 931 of its 4,226 pieces; the units of the longest allow phrase of any term, 260;
    /// of the finding's own term, 156.
    #[allow(clippy::too_many_arguments)]
    fn find_words<'t>(
        &self,
        probe: &Probe<'_>,
        text: &'t str,
        from: usize,
        deferred: &crate::probe::Deferred,
        segmenter: &Segmenter,
        shadow_live: bool,
        cache: &mut WordFinds<'t>,
        out: &mut Findings,
    ) -> bool {
        let mut found = Findings::default();
        self.find_deferred(probe, text, from, deferred, segmenter, shadow_live, Some(cache), &mut found);
        let reached = |f: &Found| deferred.near_edges(usize::from(self.term_allow_units[f.term as usize]));
        if found.counted.iter().map(|c| &c.0).chain(found.suppressed.iter().map(|s| &s.0)).any(reached) {
            return false;
        }
        out.append(found);
        true
    }

    /// The scan of a long text piece by piece for the learned scorer: the probe keeps each
    /// piece's units ([`Probe::units`]; a piece off the fast lane is folded the general way), and
    /// they are joined into the units of the whole text, which the scorer reads; the pieces with
    /// a candidate get the full scan on views made of the same units, so no piece is folded
    /// twice. `None` when pieces would not pay ([`FEW_PIECES`]): the caller scans it whole.
    ///
    /// Exact: a piece folds alone as it does in the whole text ([`Folder::pieces`]) but for the
    /// noise before its first unit, the sentence break the cut follows, which only the whole
    /// text has: that unit's `gap` and `gap_chars` are taken from folding the break and the char
    /// after it. Views of windows starting at a cut get the piece's own values back, as a fold of
    /// the window would give. Measured with callgrind on 4.2 MB of Chinese news with the model:
    /// the whole-text scan folded all of it the general way (179M instructions) and matched all
    /// of it (187M).
    fn scan_pieces_keeping(
        &self,
        text: &str,
        segmenter: &Segmenter,
        shadow_live: bool,
        out: &mut Findings,
    ) -> Option<Vec<crate::normalize::Unit>> {
        let probe = self.probe()?;
        // Whether pieces pay is decided on the first few (see [`FEW_PIECES`]), cut from the
        // text's first few KB.
        let mut head_end = (FEW_PIECES * PIECE_BYTES * 4).min(text.len());
        while !text.is_char_boundary(head_end) {
            head_end -= 1;
        }
        let mut pieces = self.folder.pieces_from(&text[..head_end], 0, PIECE_BYTES, FEW_PIECES);
        let small = pieces.len() >= FEW_PIECES && pieces[FEW_PIECES - 1].1 < head_end;
        let flagged = pieces.iter().filter(|p| probe.look(&text[p.0..p.1]) == Looked::Candidate).count();
        if !small || flagged * 4 >= FEW_PIECES * 3 {
            return None;
        }
        // The first pieces of the prefix are the text's (each ends at a cut before `head_end`,
        // and a cut looks no further than the char after it); the rest are cut from there.
        pieces.truncate(FEW_PIECES);
        let end = pieces[FEW_PIECES - 1].1;
        pieces.extend(self.folder.pieces_from(text, end, PIECE_BYTES, usize::MAX));
        let (joined, mut flags, deferred) = self.join_pieces(&probe, text, &pieces);
        let mut words = Findings::default();
        let mut cache = WordFinds::new();
        for (k, d) in deferred {
            flags[k] = !self.find_words(&probe, text, pieces[k].0, &d, segmenter, shadow_live, &mut cache, &mut words);
        }
        let window = |from: usize, to: usize| joined.window(from, to);
        self.scan_windows(text, &pieces, |k| flags[k], window, segmenter, shadow_live, out);
        out.append(words);
        Some(joined.units)
    }

    /// The units of the whole text from the probe's units of each of its `pieces`, whether each
    /// piece has a candidate, and for the others whose candidates were deferred to words, the
    /// piece's number and its words (see [`Screener::scan_pieces_keeping`],
    /// [`crate::probe::Words`]).
    #[allow(clippy::type_complexity)]
    fn join_pieces(
        &self,
        probe: &Probe<'_>,
        text: &str,
        pieces: &[(usize, usize)],
    ) -> (Joined, Vec<bool>, Vec<(usize, crate::probe::Deferred)>) {
        let mut joined = Joined {
            units: Vec::with_capacity(crate::normalize::unit_capacity(text)),
            firsts: Vec::with_capacity(pieces.len()),
        };
        let mut flags = Vec::with_capacity(pieces.len());
        let mut words = Vec::new();
        for &(from, to) in pieces {
            let piece = &text[from..to];
            // A piece off the fast lane counts as a candidate: probing it would fold it the
            // general way a second time.
            let base = joined.units.len();
            let (units, looked) = probe.units_onto(piece, std::mem::take(&mut joined.units));
            joined.units = units;
            let candidate = match looked {
                Some(looked) => {
                    if let Looked::Words(deferred) = looked {
                        words.push((flags.len(), deferred));
                    }
                    looked == Looked::Candidate
                }
                None => {
                    joined.units.extend(self.folder.fold(piece).units);
                    true
                }
            };
            let kept = &mut joined.units[base..];
            if from > 0 {
                if let Some(u) = kept.first_mut() {
                    // Alone, the piece has only the noise after the cut before its first unit;
                    // the whole text has the run of noise around the cut ([`Folder::bridge`]).
                    joined.firsts.push((from, u.gap, u.gap_chars));
                    (u.gap, u.gap_chars) =
                        self.folder.bridge_gap(text, from).expect("pieces are cut where a bridge is");
                }
            }
            for u in kept {
                u.start += from as u32;
                u.end += from as u32;
            }
            flags.push(candidate);
        }
        (joined, flags, words)
    }

    /// The full scan of the runs of pieces with a candidate (`candidate`, asked once for each
    /// piece, in order), each run as one window folded by `fold(from, to)` (the view of `text[from..to]`).
    ///
    /// Exact: no match of a term crosses a cut (a sentence break), and each piece folds as it
    /// does in the whole text. Only an allow phrase may reach over a cut (noise between its units
    /// is dropped); so while a finding of a term with allow phrases lies within as many units of
    /// the window's edge as the term's longest allow phrase has, the window takes in more pieces
    /// on that side (a step of bytes
    /// that doubles on each retry) and is scanned again, keeping the findings that start in the
    /// run of flagged pieces.
    #[allow(clippy::too_many_arguments)]
    fn scan_windows(
        &self,
        text: &str,
        pieces: &[(usize, usize)],
        mut candidate: impl FnMut(usize) -> bool,
        fold: impl Fn(usize, usize) -> View,
        segmenter: &Segmenter,
        shadow_live: bool,
        out: &mut Findings,
    ) {
        let mut k = 0;
        while k < pieces.len() {
            if !candidate(k) {
                k += 1;
                continue;
            }
            // A run of pieces with candidates is scanned as one window. Each piece is asked
            // once: the one after the run is known to have none.
            let mut last = k;
            let mut none_after = false;
            while last + 1 < pieces.len() && !none_after {
                if candidate(last + 1) {
                    last += 1;
                } else {
                    none_after = true;
                }
            }
            let (start, end) = (pieces[k].0, pieces[last].1);
            let (mut lo, mut hi) = (k, last);
            // Bytes to widen by: about 8 a unit, doubled on every retry, so a text of sparse
            // units (much noise between them) costs a few scans of the window, not one per piece.
            let mut step = self.allow_units * 8;
            loop {
                let (from, to) = (pieces[lo].0, pieces[hi].1);
                let view = fold(from, to);
                let mut found = Findings::default();
                self.find(&text[from..to], &view, segmenter, shadow_live, from, &mut found);
                found.counted.retain(|(_, r)| (start..end).contains(&r.0));
                found.suppressed.retain(|(_, r, _, _)| (start..end).contains(&r.0));
                let findings = found.counted.iter().map(|c| &c.0).chain(found.suppressed.iter().map(|s| &s.0));
                let (mut near_start, mut near_end) = (false, false);
                for f in findings {
                    let reach = usize::from(self.term_allow_units[f.term as usize]);
                    let (start, end) =
                        crate::probe::near_edges(f.first as usize, f.last as usize, view.units.len(), reach);
                    near_start |= lo > 0 && start;
                    near_end |= hi + 1 < pieces.len() && end;
                }
                if !near_start && !near_end {
                    out.append(found);
                    break;
                }
                if near_start {
                    let want = pieces[lo].0.saturating_sub(step);
                    while lo > 0 && pieces[lo].0 > want {
                        lo -= 1;
                    }
                }
                if near_end {
                    let want = pieces[hi].1 + step;
                    while hi + 1 < pieces.len() && pieces[hi].1 < want {
                        hi += 1;
                    }
                }
                step *= 2;
            }
            k = last + 1 + usize::from(none_after);
        }
    }

    /// One scan. Plain (`shadow_live` false): shadow terms and rules are left out, and the flag
    /// returned says whether a shadow term matched. As if live: they count, and the verdict's
    /// `shadow` holds their hits.
    fn scan_as(
        &self,
        text: &str,
        profile: Option<&Profile>,
        profile_name: &str,
        use_model: bool,
        shadow_live: bool,
    ) -> (Verdict, bool) {
        let model = self.model.as_ref().filter(|_| use_model && self.model_enabled(profile));
        let segmenter = match &self.shadow_segmenter {
            Some(s) if shadow_live => s,
            _ => &self.segmenter,
        };
        let mut findings = Findings::default();
        let mut view = View::default();
        // A long text: only the pieces the probe flags are scanned in full; with the model, the
        // probe keeps the units of every piece for it.
        let by_pieces = text.len() >= PIECES_FROM
            && match model {
                None => self.scan_pieces(text, segmenter, shadow_live, &mut findings),
                Some(_) => match self.scan_pieces_keeping(text, segmenter, shadow_live, &mut findings) {
                    Some(units) => {
                        view = View { text: String::new(), units };
                        true
                    }
                    None => false,
                },
            };
        if !by_pieces {
            // A text with no candidate match needs no folded view at all: without the model the
            // probe's one pass is the whole scan (see `crate::probe`). With the model, the
            // probe's fast lane keeps the units, which the learned scorer reads; when the text
            // has a candidate they become the view the full scan reads, so a text on the fast
            // lane is folded once. Callgrind, 2,000 100-char texts with the model, instructions a
            // text: English 29.5k -> 26.8k (English texts used to skip the probe, as half had a
            // candidate; since the spacing rule at a match's edges, 30 % do), Chinese 32.5k ->
            // 33.0k (the disguises each unit now carries; 5 % of them have a candidate).
            //
            // Candidates inside plain words are deferred to a full scan of each word alone
            // (see [`crate::probe::Words`]).
            let mut words = None;
            let to_scan = match (self.probe(), model) {
                (None, _) => Some(self.folder.fold(text)),
                (Some(p), None) => match p.look(text) {
                    Looked::Nothing => None,
                    Looked::Words(deferred) => {
                        words = Some((p, deferred));
                        None
                    }
                    Looked::Candidate => Some(p.view(text)),
                },
                (Some(p), Some(_)) => match p.units(text) {
                    Some(collected) if collected.looked == Looked::Candidate => Some(collected.into_view()),
                    Some(collected) => {
                        if let Looked::Words(deferred) = collected.looked {
                            words = Some((p, deferred));
                        }
                        view = View { text: String::new(), units: collected.units };
                        None
                    }
                    None => Some(self.folder.fold(text)),
                },
            };
            if let Some(folded) = to_scan {
                view = folded;
                self.find(text, &view, segmenter, shadow_live, 0, &mut findings);
            }
            if let Some((p, deferred)) = words {
                self.find_deferred(&p, text, 0, &deferred, segmenter, shadow_live, None, &mut findings);
            }
        }
        let Findings { counted, suppressed, shadow_seen } = findings;

        let mut ranges: Vec<(usize, usize)> = counted.iter().map(|c| c.1).collect();
        ranges.extend(suppressed.iter().map(|s| s.1));
        let all_spans = spans(text, &ranges);

        let mut hits: Vec<Hit> = counted
            .iter()
            .zip(&all_spans)
            .map(|((f, _), span)| {
                let term = &self.lexicon.terms[f.term as usize];
                let variant = match f.surface {
                    Surface::Variant(k) => Some(term.variants[k as usize].clone()),
                    _ => None,
                };
                let fuzzy = f.via.contains(Evasion::Pinyin)
                    || f.via.contains(Evasion::Initials)
                    || f.via.contains(Evasion::Homophone);
                let disguised = variant.is_some() || f.via.iter().any(|k| !matches!(k, Evasion::Width | Evasion::Case));
                let signal = match term.signal {
                    Signal::Explicit if disguised => Signal::Implicit,
                    s => s,
                };
                Hit {
                    term: term.id.clone(),
                    category: term.category.clone(),
                    signal,
                    weight: round(if fuzzy { term.weight * FUZZY_FACTOR } else { term.weight }),
                    matched: text[span.byte[0]..span.byte[1]].to_string(),
                    via: f.via,
                    policy: term.policy.clone(),
                    span: *span,
                    variant,
                    parts: None,
                }
            })
            .collect();
        let suppressed: Vec<Suppressed> = suppressed
            .into_iter()
            .zip(&all_spans[counted.len()..])
            .map(|((f, _, reason, detail), span)| {
                let term = &self.lexicon.terms[f.term as usize];
                Suppressed {
                    term: term.id.clone(),
                    category: term.category.clone(),
                    matched: text[span.byte[0]..span.byte[1]].to_string(),
                    reason,
                    detail,
                    span: *span,
                }
            })
            .collect();

        let rule_hits = self.apply_rules(text, &hits, shadow_live);
        // As if live, the shadow terms' and rules' own hits are also the verdict's `shadow`.
        let mut shadow: Vec<Hit> = Vec::new();
        if shadow_live {
            shadow.extend(counted.iter().zip(&hits).filter(|((f, _), _)| self.is_shadow(f)).map(|(_, h)| h.clone()));
            shadow.extend(
                rule_hits
                    .iter()
                    .filter(|h| self.lexicon.rule(&h.term).is_some_and(|r| r.mode == Mode::Shadow))
                    .cloned(),
            );
            shadow.sort_by(|a, b| (a.span.byte, &a.term).cmp(&(b.span.byte, &b.term)));
        }
        hits.extend(rule_hits);
        hits.sort_by(|a, b| (a.span.byte, &a.term).cmp(&(b.span.byte, &b.term)));
        let mut suppressed = suppressed;
        suppressed.sort_by(|a, b| (a.span.byte, &a.term).cmp(&(b.span.byte, &b.term)));

        // A category the model may not block on its own: its decision is capped at what the
        // lexicon alone gives, or review (see docs/model.md, "Decision rule").
        let mut capped: Option<&str> = None;
        let judgement = model.map(|m| (m, m.judge(text, &view, segmenter, &hits, self.model_features)));
        let mut evidence: Vec<Evidence<'_>> = hits
            .iter()
            .map(|h| Evidence { id: &h.term, category: &h.category, signal: h.signal, weight: h.weight })
            .collect();
        if let Some((m, j)) = &judgement {
            // The model's evidence joins the noisy-OR of its category (see docs/model.md).
            if let Some(category) = self.lexicon.categories.iter().find(|c| c.id == j.verdict.category) {
                let t = profile.and_then(|p| p.thresholds.get(&category.id));
                let review = t.and_then(|t| t.review).unwrap_or(category.review);
                let block = t.and_then(|t| t.block).unwrap_or(category.block);
                if let Some(weight) = m.evidence_weight(j, review, block) {
                    evidence.push(Evidence { id: "model", category: &category.id, signal: Signal::Implicit, weight });
                    capped = (!m.may_block(j)).then_some(category.id.as_str());
                }
            }
        }
        let mut scores = score::score(&evidence, &self.lexicon.categories, profile);
        if let Some(id) = capped {
            if scores.categories.get(id).is_some_and(|c| c.decision == crate::verdict::Decision::Block) {
                let lexicon_only = score::score(&evidence[..evidence.len() - 1], &self.lexicon.categories, profile);
                if !matches!(lexicon_only.categories.get(id), Some(c) if c.decision == crate::verdict::Decision::Block)
                {
                    if let Some(c) = scores.categories.get_mut(id) {
                        c.decision = crate::verdict::Decision::Review;
                    }
                    scores.decision =
                        scores.categories.values().map(|c| c.decision).max().unwrap_or(crate::verdict::Decision::Pass);
                }
            }
        }
        let verdict = Verdict {
            decision: scores.decision,
            score: scores.score,
            lexicon: LexiconInfo { name: self.lexicon.name.clone(), version: self.lexicon.version.clone() },
            profile: profile_name.to_string(),
            categories: scores.categories,
            signals: scores.signals,
            hits,
            suppressed,
            shadow,
            shadow_outcome: None,
            model: judgement.map(|(_, j)| j.verdict),
            truncated: None,
        };
        crate::normalize::scratch::give(view.units);
        (verdict, shadow_seen)
    }

    /// Combination rules (shadow rules too when `with_shadow`): each fires once, on the first set
    /// of hits (one per `all_of` entry) that lies within `within` characters: anchored on the
    /// earliest hit (in text order) of the first entry that has partners, each partner the
    /// earliest hit of its entry within reach.
    ///
    /// Partners are looked up in an index sorted by position ([`ByStart`]), not by trying every
    /// hit against every other: a text with thousands of far-apart hits stays linear.
    fn apply_rules(&self, text: &str, hits: &[Hit], with_shadow: bool) -> Vec<Hit> {
        let mut out = Vec::new();
        if hits.len() < 2 {
            return out; // every rule needs two parts or more
        }
        for rule in self.lexicon.rules.iter().filter(|r| with_shadow || r.mode == Mode::Live) {
            let part_hit = |part: &String| hits.iter().any(|h| h.term == *part || h.category == *part);
            if !rule.all_of.iter().all(part_hit) {
                continue; // checked before collecting anything: most texts fire no rule
            }
            let candidates: Vec<Vec<&Hit>> = rule
                .all_of
                .iter()
                .map(|part| hits.iter().filter(|h| h.term == *part || h.category == *part).collect())
                .collect();
            let indexes: Vec<ByStart> =
                candidates.iter().map(|c| ByStart::new(c.iter().map(|h| (h.span.char[0], h.span.char[1])))).collect();
            // Within `n` chars: the partner starts at most `n` after the anchor ends and ends at
            // most `n` before it starts.
            let partner = |anchor: &Hit, part: usize| -> Option<&Hit> {
                let (reach_start, reach_end) = match rule.within {
                    Some(n) => (anchor.span.char[0].saturating_sub(n), anchor.span.char[1].saturating_add(n)),
                    None => (0, usize::MAX),
                };
                let index = &indexes[part];
                let mut at = index.first_reaching(0, reach_start)?;
                let mut hit = candidates[part][index.spans[at].2];
                if std::ptr::eq(hit, anchor) {
                    at = index.first_reaching(at + 1, reach_start)?;
                    hit = candidates[part][index.spans[at].2];
                }
                (index.spans[at].0 <= reach_end).then_some(hit)
            };
            let chosen = indexes[0].spans.iter().find_map(|&(_, _, i)| {
                let anchor = candidates[0][i];
                let mut parts = vec![anchor];
                for part in 1..candidates.len() {
                    parts.push(partner(anchor, part)?);
                }
                Some(parts)
            });
            let Some(parts) = chosen else { continue };
            let start = parts.iter().map(|h| h.span).min_by_key(|s| s.byte[0]).expect("parts");
            let end = parts.iter().map(|h| h.span).max_by_key(|s| s.byte[1]).expect("parts");
            let span = crate::verdict::Span {
                byte: [start.byte[0], end.byte[1]],
                char: [start.char[0], end.char[1]],
                utf16: [start.utf16[0], end.utf16[1]],
            };
            out.push(Hit {
                term: rule.id.clone(),
                category: rule.category.clone(),
                signal: rule.signal,
                weight: rule.weight,
                matched: text[span.byte[0]..span.byte[1]].to_string(),
                via: parts.iter().fold(EvasionSet::EMPTY, |acc, h| acc.union(h.via)),
                policy: rule.policy.clone(),
                span,
                variant: None,
                parts: Some(parts.iter().map(|h| h.term.clone()).collect()),
            });
        }
        out
    }
}

/// Checks the noise between the units of a match; adds `spacing` to `via` when there was some
/// where the pattern has none. Spaces between Latin letters count only when every letter stands
/// alone (`f u c k`), so ordinary word sequences never merge into a term: not inside the match
/// (`is hit` is no `shit`), and not at its edges either (`latin_edges`: the match's first or last
/// letter is joined to a letter outside it, as `d m` in `and me` is no `dm`).
fn check_gaps(
    units: &[crate::normalize::Unit],
    pattern_gaps: &[u8],
    via: &mut EvasionSet,
    latin_rule: bool,
    latin_edges: bool,
) -> bool {
    let mut spaced_latin = false;
    let mut joined_latin = false;
    for (k, pair) in units.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        if b.gap_chars > MAX_GAP || b.gap & GAP_HARD != 0 {
            return false;
        }
        let want = pattern_gaps[k + 1];
        if want != 0 {
            // The term has a separator here too (`acid tabs`): the text may join the words, but
            // punctuation the term spells out (`t.me`) must be there, not just a space.
            if want & GAP_SPACE == 0 && b.gap != 0 && b.gap & GAP_PUNCT == 0 {
                return false;
            }
            continue;
        }
        if b.gap != 0 {
            via.insert(Evasion::Spacing);
            if b.gap & GAP_SPACE != 0 && a.is_latin() && b.is_latin() {
                spaced_latin = true;
            }
        } else if a.is_latin() && b.is_latin() {
            joined_latin = true;
        }
    }
    !(latin_rule && spaced_latin && (joined_latin || latin_edges))
}

fn verify_chars(text: &str, view: &View, p: &CharPattern, first: usize, last: usize) -> Option<EvasionSet> {
    let units = &view.units[first..=last];
    if units.len() != p.runs.len() {
        return None;
    }
    let mut via = EvasionSet::EMPTY;
    for ((unit, &want), literal) in units.iter().zip(p.runs.iter()).zip(p.literal.iter()) {
        if unit.run < want {
            return None;
        }
        if unit.run > want {
            via.insert(Evasion::Repeat);
        }
        let mut unit_via = unit.via;
        if let Some(digit) = *literal {
            if !text[unit.start as usize..].starts_with(digit) {
                return None;
            }
            unit_via = unit_via.without(Evasion::Leet);
        }
        via = via.union(unit_via);
    }
    // Whether the match's first (last) unit is a Latin char joined to one before (after) it.
    let joined = |a: Option<&crate::normalize::Unit>, b: Option<&crate::normalize::Unit>| match (a, b) {
        (Some(a), Some(b)) => b.gap == 0 && a.is_latin() && b.is_latin(),
        _ => false,
    };
    let latin_edges = joined(first.checked_sub(1).map(|k| &view.units[k]), units.first())
        || joined(units.last(), view.units.get(last + 1));
    if !check_gaps(units, &p.gaps, &mut via, true, latin_edges) {
        return None;
    }
    if p.surface == Surface::Initials {
        if !units.iter().all(|u| u.ch.is_ascii_lowercase())
            || !via.is_subset(EvasionSet::EMPTY.with(Evasion::Case).with(Evasion::Width))
        {
            return None;
        }
        via.insert(Evasion::Initials);
    }
    via.is_subset(p.allowed).then_some(via)
}

/// Pattern separators of a syllable match, per unit: a Han term's separators sit on its
/// characters, which are the first units of their slots.
fn slot_gaps(pattern_gaps: &[u8], slots: &[(u32, u32)], first: usize) -> Vec<u8> {
    let last = slots[slots.len() - 1].1 as usize;
    let mut gaps = vec![0; last - first + 1];
    for (&(a, _), &g) in slots.iter().zip(pattern_gaps) {
        gaps[a as usize - first] = g;
    }
    gaps
}

fn verify_syllables(view: &View, sv: &SyllableView, p: &SyllablePattern, k0: usize, k1: usize) -> Option<Found> {
    let slots = &sv.slots[k0..=k1];
    if slots.len() != p.chars.len() {
        return None;
    }
    let first = slots[0].0 as usize;
    let last = slots[slots.len() - 1].1 as usize;
    let units = &view.units;
    let mut via = EvasionSet::EMPTY;
    for (&(a, b), &want) in slots.iter().zip(p.chars.iter()) {
        let unit = &units[a as usize];
        if a == b && is_han(unit.ch) {
            if unit.ch != want {
                via.insert(Evasion::Homophone);
            }
        } else {
            via.insert(Evasion::Pinyin);
        }
    }
    if via.is_empty() {
        return None; // the same characters: the character automaton reports it
    }
    // A pinyin match must take whole Latin words: `bingdu` yes, the tail of `xbingdu` no.
    let latin_edge_inside = |i: usize, before: bool| {
        let u = &units[i];
        if !u.ch.is_ascii_lowercase() {
            return false;
        }
        let neighbour = if before { i.checked_sub(1) } else { Some(i + 1) };
        let touching = if before { u.gap == 0 } else { units.get(i + 1).is_some_and(|n| n.gap == 0) };
        touching && neighbour.and_then(|n| units.get(n)).is_some_and(|n| n.ch.is_ascii_lowercase())
    };
    if latin_edge_inside(first, true) || latin_edge_inside(last, false) {
        return None;
    }
    let matched = &units[first..=last];
    for u in matched {
        if u.run > 1 {
            via.insert(Evasion::Repeat);
        }
        via = via.union(u.via);
    }
    if !check_gaps(matched, &slot_gaps(&p.gaps, slots, first), &mut via, false, false) {
        return None;
    }
    via.is_subset(p.allowed).then_some(Found {
        term: p.term,
        surface: p.surface,
        first: first as u32,
        last: last as u32,
        via,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Unit;

    /// A long text of sentences cut at breaks of several kinds, with noise, Latin words, numerals
    /// and a term or two, so that pieces start after `。`, `！`, newlines and `?`. Most sentences
    /// are Chinese ones the probe finds no candidate in, so that most pieces have none and stay on
    /// its fast lane; some have Latin words or an emoji (the general fold), or a term.
    fn long_text(probe: &Probe<'_>) -> String {
        let plain =
            ["今天天气很好，我们去公园散步吧", "明天下午三点半在图书馆见", "价格一百二十三元", "他说这本书很好看"];
        let plain: Vec<&str> = plain.into_iter().filter(|s| !probe.finds(s)).collect();
        assert!(plain.len() >= 3, "{plain:?}");
        let odd = ["The weather was fine, so we walked 3 miles", "hello  world!! soooo good ① 😀"];
        let risky = ["卖冰毒，量大从优", "白粉笔写在黑板上", "我是处女座", "加微信 meth for sale"];
        // Breaks inside runs of noise too (quotes, emoji with a selector, dots; a mark and an
        // apostrophe after the break, noise there), and one that is no cut (an apostrophe right
        // after a unit belongs to it).
        let breaks =
            ["。", "！\n", "\n", "? ", "；", "。\r\n", "。”\n“", " 😂\u{FE0F}\n", "...\n  ", "’\n", "。\u{301}", "！'"];
        let mut text = String::new();
        let mut k = 0;
        while text.len() < 24 << 10 {
            text.push_str(match k {
                _ if k % 40 == 0 => risky[k / 40 % risky.len()],
                _ if k % 25 == 0 => odd[k / 25 % odd.len()],
                _ => plain[k % plain.len()],
            });
            text.push_str(breaks[k % breaks.len()]);
            k += 1;
        }
        text
    }

    /// The joined units are the whole text's fold (but for `norm`, which a units-only view has
    /// not), and a window's view is the fold of the window, for windows starting at every cut.
    #[test]
    fn joined_piece_units_are_the_whole_fold_and_windows_the_folds_of_windows() {
        let screener = Screener::default();
        screener.warm_up();
        let probe = screener.probe().expect("warmed up: the probe runs on DFAs");
        let text = long_text(&probe);
        let pieces = screener.folder.pieces(&text, PIECE_BYTES);
        assert!(pieces.len() > 50, "{} pieces", pieces.len());
        // The first pieces of a prefix are the text's, and the rest cut from the last of them
        // are the text's too (how `scan_pieces_keeping` cuts).
        for end in (2 << 10..=8 << 10).step_by(37).filter(|&e| text.is_char_boundary(e)) {
            let head = screener.folder.pieces_from(&text[..end], 0, PIECE_BYTES, FEW_PIECES);
            let cut = head.iter().take_while(|p| p.1 < end).count();
            assert!(cut > 0, "prefix of {end} bytes");
            assert_eq!(head[..cut], pieces[..cut], "prefix of {end} bytes");
        }
        let rest = screener.folder.pieces_from(&text, pieces[FEW_PIECES - 1].1, PIECE_BYTES, usize::MAX);
        assert_eq!(rest, pieces[FEW_PIECES..]);
        let (joined, flags, _) = screener.join_pieces(&probe, &text, &pieces);
        assert!(flags.iter().any(|&f| f) && flags.iter().any(|&f| !f), "{flags:?}");
        let whole = screener.folder.fold(&text).units;
        assert_eq!(joined.units.len(), whole.len());
        for (k, (a, b)) in joined.units.iter().zip(&whole).enumerate() {
            assert_eq!(Unit { norm: 0, ..*a }, Unit { norm: 0, ..*b }, "unit {k}");
        }
        // The scan takes this path, and gives the verdict of the whole-text scan (a screener
        // that never probes: it scans on its NFAs).
        let mut findings = Findings::default();
        assert!(screener.scan_pieces_keeping(&text, &screener.segmenter, false, &mut findings).is_some());
        assert_eq!(screener.scan(&text), Screener::default().scan(&text));
        for lo in 0..pieces.len() {
            let hi = (lo + lo % 3).min(pieces.len() - 1);
            let (from, to) = (pieces[lo].0, pieces[hi].1);
            let window = joined.window(from, to);
            let folded = screener.folder.fold(&text[from..to]);
            assert_eq!(window.text, folded.text, "window {lo}..={hi}");
            assert_eq!(window.units, folded.units, "window {lo}..={hi}");
        }
    }
}
