//! Reading lexicons: the TOML/JSON format of the design contract, validation with file/line/column
//! errors, and layering (a later file adds terms or overrides them by id).
//!
//! A file is parsed into a tree with byte spans (`tree.rs`), read into a layer (`read.rs`), and the layers
//! are merged and cross-checked by [`LexiconBuilder::build`]. Only a complete, valid lexicon ever
//! comes out: there is no half-loaded state.

pub(crate) mod blob;
mod date;
mod error;
mod read;
pub(crate) mod tree;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

pub use date::{Date, DateError};
pub(crate) use error::SourceMap;
pub use error::{Diagnostic, LexiconError};
use read::shown;

use crate::embedded::{DEFAULT_BLOB, DEFAULT_PARTS};
pub use read::MAX_TERM_CHARS;

/// The three tiers of risk signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Signal {
    /// Unambiguous risk terms.
    Explicit,
    /// Coded or disguised risk: slang, euphemisms, homophones, combinations.
    Implicit,
    /// Context-dependent terms that alone deserve a look, not a block.
    Borderline,
}

impl Signal {
    /// All signals, in report order.
    pub const ALL: [Signal; 3] = [Signal::Explicit, Signal::Implicit, Signal::Borderline];

    /// The name used in files and results.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Explicit => "explicit",
            Signal::Implicit => "implicit",
            Signal::Borderline => "borderline",
        }
    }

    fn parse(s: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|k| k.name() == s)
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A kind of disguise the matcher looks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Evasion {
    /// Full-width / half-width forms (`ｆｕｃｋ`).
    Width,
    /// Upper / lower case.
    Case,
    /// Traditional characters for simplified ones (`冰毒` written `冰毒` in 繁體).
    Traditional,
    /// Spaces, punctuation, emoji or zero-width characters between characters.
    Spacing,
    /// Repeated characters (`fuuuck`).
    Repeat,
    /// Leetspeak digits and symbols inside Latin words (`sh1t`, `@ss`).
    Leet,
    /// Look-alike letters from other scripts (Cyrillic `а`), styled letters, diacritics.
    Homoglyph,
    /// Full pinyin for Chinese terms (`bingdu`, `bing du`, `冰du`).
    Pinyin,
    /// Pinyin initials (`bd`).
    Initials,
    /// Same-sound characters.
    Homophone,
    /// A character split into its components (`女马` for 妈).
    Split,
    /// Chinese, circled or financial numerals for digits (`①③⑧`, `壹叁捌`).
    Numerals,
}

impl Evasion {
    /// Every evasion kind, in the order of the design contract.
    pub const ALL: [Evasion; 12] = [
        Evasion::Width,
        Evasion::Case,
        Evasion::Traditional,
        Evasion::Spacing,
        Evasion::Repeat,
        Evasion::Leet,
        Evasion::Homoglyph,
        Evasion::Pinyin,
        Evasion::Initials,
        Evasion::Homophone,
        Evasion::Split,
        Evasion::Numerals,
    ];

    /// The name used in files and results.
    pub fn name(self) -> &'static str {
        match self {
            Evasion::Width => "width",
            Evasion::Case => "case",
            Evasion::Traditional => "traditional",
            Evasion::Spacing => "spacing",
            Evasion::Repeat => "repeat",
            Evasion::Leet => "leet",
            Evasion::Homoglyph => "homoglyph",
            Evasion::Pinyin => "pinyin",
            Evasion::Initials => "initials",
            Evasion::Homophone => "homophone",
            Evasion::Split => "split",
            Evasion::Numerals => "numerals",
        }
    }

    /// Parses a name used in files.
    pub fn parse(s: &str) -> Option<Evasion> {
        Evasion::ALL.into_iter().find(|k| k.name() == s)
    }

    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

impl fmt::Display for Evasion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of [`Evasion`] kinds (a bit set), serialized as a list of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EvasionSet(u16);

impl EvasionSet {
    /// The empty set.
    pub const EMPTY: EvasionSet = EvasionSet(0);

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: Evasion) -> bool {
        self.0 & kind.bit() != 0
    }

    /// Adds `kind`.
    pub fn insert(&mut self, kind: Evasion) {
        self.0 |= kind.bit();
    }

    /// The set with `kind` added.
    pub const fn with(self, kind: Evasion) -> EvasionSet {
        EvasionSet(self.0 | kind.bit())
    }

    /// The set without `kind`.
    pub const fn without(self, kind: Evasion) -> EvasionSet {
        EvasionSet(self.0 & !kind.bit())
    }

    /// Union of two sets.
    pub fn union(self, other: EvasionSet) -> EvasionSet {
        EvasionSet(self.0 | other.0)
    }

    /// Whether every kind of `self` is in `other`.
    pub fn is_subset(self, other: EvasionSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The kinds in the set, in contract order.
    pub fn iter(self) -> impl Iterator<Item = Evasion> {
        Evasion::ALL.into_iter().filter(move |k| self.contains(*k))
    }
}

impl FromIterator<Evasion> for EvasionSet {
    fn from_iter<I: IntoIterator<Item = Evasion>>(iter: I) -> Self {
        let mut set = EvasionSet::EMPTY;
        for kind in iter {
            set.insert(kind);
        }
        set
    }
}

impl Serialize for EvasionSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Evasion::name))
    }
}

/// Where a term may match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Boundary {
    /// The match must not cut through a longer word of the text (the default).
    #[default]
    Word,
    /// Anywhere, even inside a longer word.
    Substring,
}

/// Whether a term's (or rule's) hits count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Hits count in scores and decisions (the default).
    #[default]
    Live,
    /// Hits are matched and reported in the verdict's `shadow` list, never counted: a way to try
    /// a new term on real traffic before it decides anything.
    Shadow,
}

impl Mode {
    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Shadow => "shadow",
        }
    }

    fn parse(s: &str) -> Option<Mode> {
        [Mode::Live, Mode::Shadow].into_iter().find(|m| m.name() == s)
    }

    fn is_live(&self) -> bool {
        *self == Mode::Live
    }
}

/// A risk category with its decision thresholds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    /// Lowercase id, referenced by terms and rules.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Score at or above which the decision is at least `review`.
    pub review: f64,
    /// Score at or above which the decision is `block`.
    pub block: f64,
}

/// Regression examples of a term, run by `prescreen lexicon check`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Examples {
    /// Texts that must produce a hit of the term.
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    /// Texts that must not produce a hit of the term.
    pub no_match: Vec<String>,
}

/// A lexicon term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    /// Unique id (defaults to the text).
    pub id: String,
    /// The surface form.
    pub text: String,
    /// Category id.
    pub category: String,
    /// Signal tier.
    pub signal: Signal,
    /// Contribution of one hit, in (0, 1].
    pub weight: f64,
    /// Extra surface forms reported as this term.
    pub variants: Vec<String>,
    /// Disguises to look through; `None` means the defaults that apply to the term.
    pub evasions: Option<EvasionSet>,
    /// Word or substring matching.
    pub boundary: Boundary,
    /// Phrases inside which a hit is suppressed.
    pub allow: Vec<String>,
    /// Policy clause this term enforces.
    pub policy: Option<String>,
    /// Regression examples.
    pub examples: Examples,
    /// Last day the term is used (the earlier of its own `expires` and its pack's); a lexicon
    /// built for a later day leaves it out (see [`LexiconBuilder::today`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
    /// `live` (counted) or `shadow` (reported apart, never counted).
    #[serde(skip_serializing_if = "Mode::is_live")]
    pub mode: Mode,
    #[serde(skip)]
    pub(crate) origin: Origin,
}

/// A combination rule: several hits together form a stronger signal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// Unique rule id.
    pub id: String,
    /// Category ids or term ids that must all be present.
    pub all_of: Vec<String>,
    /// Maximum distance in characters between the parts; `None` means anywhere in the text.
    pub within: Option<usize>,
    /// Category of the combined hit.
    pub category: String,
    /// Signal of the combined hit.
    pub signal: Signal,
    /// Weight of the combined hit.
    pub weight: f64,
    /// Policy clause this rule enforces.
    pub policy: Option<String>,
    /// Last day the rule is used, like a term's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
    /// `live` (counted) or `shadow`: a shadow rule sees live and shadow hits, and its hit is
    /// reported in `shadow`.
    #[serde(skip_serializing_if = "Mode::is_live")]
    pub mode: Mode,
    #[serde(skip)]
    pub(crate) origin: Origin,
}

/// Review/block thresholds of a category, as overridden by a profile (`None` keeps the category's).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Thresholds {
    /// Review threshold.
    pub review: Option<f64>,
    /// Block threshold.
    pub block: Option<f64>,
}

/// A scene profile: different thresholds, e.g. for a children's product.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    /// Profile name.
    pub name: String,
    /// Per-category threshold overrides.
    pub thresholds: BTreeMap<String, Thresholds>,
    /// `model = false` turns the learned scorer off under this profile (`None`: as the lexicon says).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<bool>,
    #[serde(skip)]
    pub(crate) origin: Origin,
}

/// Where an item was defined, for errors found after layering.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Origin {
    /// Positions of fields that cross-checks may complain about, by field name.
    pub fields: Vec<(String, Diagnostic)>,
    pub item: Option<Diagnostic>,
}

impl Origin {
    fn at(&self, field: &str, message: String) -> Diagnostic {
        let base = self.fields.iter().find(|(f, _)| f == field).map(|(_, d)| d).or(self.item.as_ref());
        match base {
            Some(d) => Diagnostic { message, ..d.clone() },
            None => Diagnostic { file: "<lexicon>".into(), line: 1, column: 1, message },
        }
    }

    /// Diagnostic for a problem with the whole item.
    pub(crate) fn item_error(&self, message: String) -> Diagnostic {
        self.at("", message)
    }
}

/// A complete, validated lexicon: categories, terms, combination rules and profiles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lexicon {
    /// Name (layers joined by `+`).
    pub name: String,
    /// Version (layers joined by `+`).
    pub version: String,
    /// Categories.
    pub categories: Vec<Category>,
    /// Terms.
    pub terms: Vec<Term>,
    /// Combination rules.
    pub rules: Vec<Rule>,
    /// Scene profiles.
    pub profiles: Vec<Profile>,
    /// `[lexicon] model = false` turns the learned scorer off (`None`: on, the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<bool>,
    /// Packs, terms and rules left out because their `expires` day had passed on the day the
    /// lexicon was built for (for `prescreen lexicon check`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expired: Vec<Expired>,
}

/// What kind of item expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpiredKind {
    /// A whole file (`[lexicon] expires`).
    Pack,
    /// A term.
    Term,
    /// A rule: its own date passed, or a term it needs expired (named in `because`).
    Rule,
}

/// A pack, term or rule left out of a lexicon because its `expires` day has passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expired {
    /// Pack, term or rule.
    pub kind: ExpiredKind,
    /// Its id (a pack: its name, else its file).
    pub id: String,
    /// The last day it was used.
    pub expires: Date,
    /// For a rule left out because a term it needs expired: that term's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
    /// Where it is defined: file, line, column (the message is empty).
    #[serde(skip)]
    pub at: Diagnostic,
}

impl fmt::Display for Expired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ExpiredKind::Pack => "pack",
            ExpiredKind::Term => "term",
            ExpiredKind::Rule => "rule",
        };
        write!(f, "{}:{}:{}: {kind} `{}` ", self.at.file, self.at.line, self.at.column, self.id)?;
        match &self.because {
            Some(term) => write!(f, "left out: the term `{term}` it needs expired on {}", self.expires),
            None => write!(f, "expired on {}", self.expires),
        }
    }
}

/// Format of a lexicon file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML, the usual format.
    Toml,
    /// JSON with the same structure.
    Json,
}

impl Format {
    /// Guesses the format from a file name (`.json` is JSON, anything else TOML).
    pub fn from_path(path: &str) -> Format {
        if path.to_ascii_lowercase().ends_with(".json") {
            Format::Json
        } else {
            Format::Toml
        }
    }
}

impl Lexicon {
    /// Parses a complete lexicon from TOML text.
    ///
    /// ```
    /// let lexicon = prescreen::Lexicon::from_toml_str(r#"
    ///     [[category]]
    ///     id = "drugs"
    ///     name = "Drugs"
    ///     review = 0.4
    ///     block = 0.85
    ///
    ///     [[term]]
    ///     text = "冰毒"
    ///     category = "drugs"
    ///     signal = "explicit"
    ///     weight = 0.9
    /// "#)?;
    /// assert_eq!(lexicon.terms[0].id, "冰毒");
    /// # Ok::<(), prescreen::LexiconError>(())
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Lexicon, LexiconError> {
        LexiconBuilder::new().add("<toml>", text, Format::Toml)?.build()
    }

    /// Parses a complete lexicon from JSON text with the same structure as the TOML format.
    pub fn from_json_str(text: &str) -> Result<Lexicon, LexiconError> {
        LexiconBuilder::new().add("<json>", text, Format::Json)?.build()
    }

    /// The embedded default lexicon.
    pub fn default_lexicon() -> Lexicon {
        LexiconBuilder::new()
            .add_default()
            .build()
            .expect("the embedded default lexicon is valid (checked by the test suite)")
    }

    /// The text of the embedded default lexicon as one TOML document (its files concatenated).
    pub fn default_toml() -> String {
        SourceMap::concatenated(DEFAULT_PARTS).1
    }

    /// The files of the embedded default lexicon: `(file name, TOML text)` in load order.
    pub fn default_parts() -> &'static [(&'static str, &'static str)] {
        DEFAULT_PARTS
    }

    /// The category with this id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The profile with this name.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// The term with this id.
    pub fn term(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon::default_lexicon()
    }
}

/// One parsed file (or the embedded default), not yet merged or cross-checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Layer {
    /// The file it was read from (for problems of the whole lexicon).
    pub file: String,
    pub name: Option<String>,
    pub version: Option<String>,
    pub model: Option<bool>,
    /// `[lexicon] expires`: the whole file is left out after this day.
    pub expires: Option<Date>,
    /// `[lexicon] mode`: the default of the file's terms and rules (already applied to them).
    pub mode: Mode,
    /// Where `[lexicon]` and its fields are, for errors about the pack as a whole.
    pub origin: Origin,
    pub categories: Vec<(Category, Origin)>,
    pub terms: Vec<Term>,
    pub rules: Vec<Rule>,
    pub profiles: Vec<Profile>,
}

/// Builds a lexicon from several layered files: a later file adds terms, rules, categories and
/// profiles, or replaces earlier ones with the same id (profiles: the same name).
///
/// ```
/// use prescreen::{LexiconBuilder, Format};
/// let event = r#"
///     [lexicon]
///     name = "event"
///     version = "2026.11.26"
///
///     [[term]]
///     id = "drugs.zh.new-slang"
///     text = "蓝精灵糖"
///     category = "drugs"
///     signal = "implicit"
///     weight = 0.7
/// "#;
/// let lexicon = LexiconBuilder::new()
///     .add_default()
///     .add("event.toml", event, Format::Toml)?
///     .build()?;
/// assert!(lexicon.term("drugs.zh.new-slang").is_some());
/// assert_eq!(lexicon.name, "default+event");
/// # Ok::<(), prescreen::LexiconError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct LexiconBuilder {
    layers: Vec<Layer>,
    today: Option<Date>,
}

impl LexiconBuilder {
    /// An empty builder.
    pub fn new() -> LexiconBuilder {
        LexiconBuilder::default()
    }

    /// Adds a file on top of the layers so far. `name` is used in error messages. A leading
    /// byte-order mark is ignored.
    pub fn add(mut self, name: &str, text: &str, format: Format) -> Result<Self, LexiconError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let map = SourceMap::single(name, text);
        let mut layer = read::read_layer(&map, text, format)?;
        layer.file = name.to_string();
        self.layers.push(layer);
        Ok(self)
    }

    /// Adds a file given as bytes (as read from disk): like [`LexiconBuilder::add`], and bytes
    /// that are not UTF-8 are an error naming the line and column of the first bad one.
    ///
    /// ```
    /// let err = prescreen::LexiconBuilder::new()
    ///     .add_bytes("bad.toml", b"[lexicon]\nname = \"caf\xe9\"\n", prescreen::Format::Toml)
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "bad.toml:2:12: the file is not valid UTF-8 (byte 0xE9 cannot appear here); save it as UTF-8");
    /// ```
    pub fn add_bytes(self, name: &str, bytes: &[u8], format: Format) -> Result<Self, LexiconError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.add(name, text, format),
            Err(e) => {
                let good = e.valid_up_to();
                // The valid prefix positions the error; the offending byte is the next one.
                let valid = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
                let map = SourceMap::single(name, valid);
                let message = format!(
                    "the file is not valid UTF-8 (byte 0x{:02X} cannot appear here); save it as UTF-8",
                    bytes[good]
                );
                Err(LexiconError::new(vec![map.diagnostic(good, message)]))
            }
        }
    }

    /// Adds the embedded default lexicon on top of the layers so far.
    pub fn add_default(self) -> Self {
        self.try_add_default().expect("the embedded default lexicon is valid (checked by the test suite)")
    }

    /// Adds the embedded default lexicon, returning its error instead of panicking (for checks).
    pub fn try_add_default(mut self) -> Result<Self, LexiconError> {
        // What build.rs read ahead of time, else (it could not: the error is the TOML's) read now.
        let mut layer = match blob::decode(DEFAULT_BLOB, DEFAULT_PARTS) {
            Some(layer) => layer,
            None => blob::read_default(DEFAULT_PARTS)?,
        };
        layer.file = "default".to_string();
        self.layers.push(layer);
        Ok(self)
    }

    /// The day the lexicon is built for: packs, terms and rules whose `expires` day is before it
    /// are left out (and listed in [`Lexicon::expired`]). Without a day nothing expires — the
    /// core has no clock, so a service passes today's date and rebuilds at least once a day.
    ///
    /// ```
    /// use prescreen::{Date, Format, LexiconBuilder};
    /// let pack = r#"
    ///     [[term]]
    ///     id = "drugs.zh.event-slang"
    ///     text = "蓝精灵糖"
    ///     category = "drugs"
    ///     signal = "implicit"
    ///     weight = 0.7
    ///     expires = "2026-12-31"
    /// "#;
    /// let build = |day: &str| {
    ///     LexiconBuilder::new().add_default().add("event.toml", pack, Format::Toml)?.today(day.parse().unwrap()).build()
    /// };
    /// assert!(build("2026-12-31")?.term("drugs.zh.event-slang").is_some()); // the last day it counts
    /// let later = build("2027-01-01")?;
    /// assert!(later.term("drugs.zh.event-slang").is_none());
    /// assert_eq!(later.expired[0].id, "drugs.zh.event-slang");
    /// # Ok::<(), prescreen::LexiconError>(())
    /// ```
    pub fn today(mut self, date: Date) -> Self {
        self.today = Some(date);
        self
    }

    /// Merges the layers and checks every cross-reference.
    ///
    /// Expired items are dropped before merging, so an override that expires uncovers what it
    /// replaced. A shadow pack or term may add, never take away from what counts: replacing a
    /// live term or rule, changing a category or profile, or the `model` setting is an error.
    pub fn build(self) -> Result<Lexicon, LexiconError> {
        let today = self.today;
        let passed = |expires: Option<Date>| matches!((today, expires), (Some(t), Some(e)) if t > e);
        let mut names = Vec::new();
        let mut versions = Vec::new();
        let mut categories: Vec<(Category, Origin)> = Vec::new();
        let mut terms: Vec<Term> = Vec::new();
        let mut rules: Vec<Rule> = Vec::new();
        let mut profiles: Vec<Profile> = Vec::new();
        let mut term_index: HashMap<String, usize> = HashMap::new();
        let mut model = None;
        let mut expired: Vec<Expired> = Vec::new();
        let mut problems = Vec::new();
        let last_file = self.layers.last().map(|l| l.file.clone()).unwrap_or_else(|| "<lexicon>".into());

        for layer in self.layers {
            let at = layer.origin.item_error(String::new());
            if passed(layer.expires) {
                let id = layer.name.clone().unwrap_or_else(|| at.file.clone());
                expired.push(Expired {
                    kind: ExpiredKind::Pack,
                    id,
                    expires: layer.expires.expect("passed"),
                    because: None,
                    at,
                });
                continue;
            }
            let shadow_pack = layer.mode == Mode::Shadow;
            names.extend(layer.name);
            versions.extend(layer.version);
            if shadow_pack && layer.model.is_some() {
                problems.push(
                    layer.origin.at("model", "a shadow pack cannot set `model`: it would change live decisions".into()),
                );
            }
            model = layer.model.or(model); // a later layer's setting wins
            for (category, origin) in layer.categories {
                match categories.iter_mut().find(|(c, _)| c.id == category.id) {
                    Some((old, _)) if shadow_pack && *old != category => problems.push(origin.item_error(format!(
                        "a shadow pack cannot change category `{}`: it would change live decisions",
                        category.id
                    ))),
                    Some(slot) => *slot = (category, origin),
                    None => categories.push((category, origin)),
                }
            }
            for term in layer.terms {
                if passed(term.expires) {
                    let at = term.origin.item_error(String::new());
                    expired.push(Expired {
                        kind: ExpiredKind::Term,
                        id: term.id,
                        expires: term.expires.expect("passed"),
                        because: None,
                        at,
                    });
                    continue;
                }
                match term_index.get(&term.id) {
                    Some(&i) if term.mode == Mode::Shadow && terms[i].mode == Mode::Live => {
                        problems.push(term.origin.item_error(format!(
                            "shadow term `{}` would replace the live term of the same id; give the trial its own id",
                            term.id
                        )));
                    }
                    Some(&i) => terms[i] = term,
                    None => {
                        term_index.insert(term.id.clone(), terms.len());
                        terms.push(term);
                    }
                }
            }
            for rule in layer.rules {
                if passed(rule.expires) {
                    let at = rule.origin.item_error(String::new());
                    expired.push(Expired {
                        kind: ExpiredKind::Rule,
                        id: rule.id,
                        expires: rule.expires.expect("passed"),
                        because: None,
                        at,
                    });
                    continue;
                }
                match rules.iter_mut().find(|r| r.id == rule.id) {
                    Some(old) if rule.mode == Mode::Shadow && old.mode == Mode::Live => {
                        problems.push(rule.origin.item_error(format!(
                            "shadow rule `{}` would replace the live rule of the same id; give the trial its own id",
                            rule.id
                        )));
                    }
                    Some(slot) => *slot = rule,
                    None => rules.push(rule),
                }
            }
            for profile in layer.profiles {
                match profiles.iter_mut().find(|p| p.name == profile.name) {
                    Some(_) if shadow_pack => problems.push(profile.origin.item_error(format!(
                        "a shadow pack cannot change profile `{}`: it would change live decisions",
                        profile.name
                    ))),
                    Some(slot) => *slot = profile,
                    None => profiles.push(profile),
                }
            }
        }

        // A rule that needs an expired term goes with it (rather than failing the whole lexicon
        // on the day the term expires).
        rules.retain(|rule| {
            let gone = rule.all_of.iter().find(|part| {
                !term_index.contains_key(*part)
                    && !categories.iter().any(|(c, _)| &c.id == *part)
                    && expired.iter().any(|e| e.kind == ExpiredKind::Term && &e.id == *part)
            });
            let Some(part) = gone else { return true };
            let expires = expired.iter().find(|e| e.kind == ExpiredKind::Term && &e.id == part).expect("found").expires;
            let at = rule.origin.item_error(String::new());
            expired.push(Expired {
                kind: ExpiredKind::Rule,
                id: rule.id.clone(),
                expires,
                because: Some(part.clone()),
                at,
            });
            false
        });

        let category_ids: HashSet<&str> = categories.iter().map(|(c, _)| c.id.as_str()).collect();
        let rule_ids: HashSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        for term in &terms {
            if !category_ids.contains(term.category.as_str()) {
                problems.push(term.origin.at(
                    "category",
                    format!("term `{}` has unknown category `{}`", shown(&term.id), shown(&term.category)),
                ));
            }
        }
        for rule in &rules {
            let id = shown(&rule.id);
            if !category_ids.contains(rule.category.as_str()) {
                problems.push(
                    rule.origin.at("category", format!("rule `{id}` has unknown category `{}`", shown(&rule.category))),
                );
            }
            if term_index.contains_key(&rule.id) {
                // A rule's hit carries its id where a term's carries the term id: one name, two meanings.
                problems.push(
                    rule.origin.item_error(format!("rule id `{id}` is also a term id; give the rule its own id")),
                );
            }
            for part in &rule.all_of {
                if category_ids.contains(part.as_str()) || term_index.contains_key(part) {
                    continue;
                }
                let message = if rule_ids.contains(part.as_str()) {
                    // Rules see term hits only, so a rule naming a rule (itself, or in a cycle)
                    // could never fire.
                    format!(
                        "rule `{id}` refers to the rule `{}`; rules combine categories and terms, not other rules",
                        shown(part)
                    )
                } else {
                    format!("rule `{id}` refers to `{}`, which is neither a category id nor a term id", shown(part))
                };
                problems.push(rule.origin.at("all_of", message));
            }
        }
        for profile in &profiles {
            for (category, t) in &profile.thresholds {
                let Some((base, _)) = categories.iter().find(|(c, _)| &c.id == category) else {
                    problems.push(profile.origin.at(
                        "thresholds",
                        format!(
                            "profile `{}` sets thresholds for unknown category `{}`",
                            shown(&profile.name),
                            shown(category)
                        ),
                    ));
                    continue;
                };
                let review = t.review.unwrap_or(base.review);
                let block = t.block.unwrap_or(base.block);
                if review > block {
                    problems.push(profile.origin.at(
                        "thresholds",
                        format!(
                            "profile `{}`: review threshold {review} of `{}` is above its block threshold {block}",
                            shown(&profile.name),
                            shown(category)
                        ),
                    ));
                }
            }
        }
        if categories.is_empty() {
            problems.push(Diagnostic {
                file: last_file,
                line: 1,
                column: 1,
                message: "the lexicon defines no category".into(),
            });
        }
        if !problems.is_empty() {
            return Err(LexiconError::new(problems));
        }
        Ok(Lexicon {
            name: if names.is_empty() { "unnamed".into() } else { names.join("+") },
            version: if versions.is_empty() { "0".into() } else { versions.join("+") },
            categories: categories.into_iter().map(|(c, _)| c).collect(),
            terms,
            rules,
            profiles,
            model,
            expired,
        })
    }
}
