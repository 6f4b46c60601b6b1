//! The WebAssembly adapter: the JS face of [`crate::Screener`], built into `pkg/` by
//! `scripts/build-wasm` (wasm-bindgen `--target web`).
//!
//! It only translates: JS strings in, plain JS objects in the design's JSON shape out, errors as
//! JS `Error`s carrying the core's message (file, line and column for lexicon errors). Every
//! decision is the core's; nothing here exists that the native crate lacks.
//!
//! Verdicts cross the boundary in one of two ways:
//! - a verdict with nothing to list (no category, hit, suppressed match, shadow hit or model
//!   feature: most benign texts) is built in JS by one call, `plainVerdict`, from numbers and
//!   strings the adapter keeps as JS values (lexicon name and version, profile, category ids);
//! - any other verdict crosses as its numbers and its strings joined ([`Packed`]), from which
//!   `packedVerdict` builds the object, one call too.
//!
//! Both give the object `JSON.parse(scanJson(text))` gives, keys in the same order
//! (tests/node/). Measured in Node 20 on 2,000 short benign English texts: the JSON path the
//! second kind took until session 17 cost ≈ 2 µs a verdict over the scan itself (the string's
//! UTF-8 decoding and `JSON.parse` of ≈ 250 bytes); the plain path ≈ 0.1 µs. Building the object
//! with `serde-wasm-bindgen` (one boundary crossing per field) measured within noise of the JSON
//! path.

use js_sys::JsString;
use wasm_bindgen::prelude::*;

use crate::{Date, Decision, Format, Lexicon, LexiconBuilder, LexiconError, ModelFeatures, Verdict};

#[wasm_bindgen(inline_js = r#"
const DECISIONS = ["pass", "review", "block"];
// A verdict with nothing to list, in the key order of the JSON (see src/verdict.rs).
export function plainVerdict(decision, score, name, version, profile, modelCategory, modelScore, modelDecision) {
  const verdict = {
    decision: DECISIONS[decision], score, lexicon: { name, version }, profile,
    categories: {}, signals: {}, hits: [], suppressed: [],
  };
  if (modelCategory !== undefined) {
    verdict.model = { score: modelScore, category: modelCategory, decision: DECISIONS[modelDecision], features: [] };
  }
  return verdict;
}
// Any other verdict, from its packed form (src/wasm.rs, `Packed`): its numbers in order, and its
// strings joined in `strings` (each one's length in UTF-16 units is among the numbers). Keys and
// their order are those of the JSON (src/verdict.rs); object literals evaluate their values in
// order. `numbers` is a view of WASM memory: read here, not kept.
export function packedVerdict(numbers, strings) {
  let i = 0, at = 0;
  const num = () => numbers[i++];
  const str = () => { const end = at + numbers[i++]; const s = strings.slice(at, end); at = end; return s; };
  const span = () => ({ byte: [num(), num()], char: [num(), num()], utf16: [num(), num()] });
  const list = (item) => { const out = []; for (let k = num(); k > 0; k--) out.push(item()); return out; };
  const categories = () => {
    const out = {};
    for (let k = num(); k > 0; k--) { const id = str(); out[id] = { score: num(), decision: DECISIONS[num()] }; }
    return out;
  };
  const hit = () => {
    const h = { term: str(), category: str(), signal: str(), weight: num(), matched: str(), via: list(str) };
    if (num()) h.policy = str();
    h.span = span();
    if (num()) h.variant = str();
    if (num()) h.parts = list(str);
    return h;
  };
  const verdict = {
    decision: DECISIONS[num()], score: num(), lexicon: { name: str(), version: str() }, profile: str(),
    categories: categories(), signals: {}, hits: [], suppressed: [],
  };
  for (let k = num(); k > 0; k--) { const id = str(); verdict.signals[id] = num(); }
  verdict.hits = list(hit);
  verdict.suppressed = list(() => ({ term: str(), category: str(), matched: str(), reason: str(), detail: str(), span: span() }));
  if (num()) verdict.shadow = list(hit);
  if (num()) verdict.shadow_outcome = { decision: DECISIONS[num()], score: num(), categories: categories() };
  if (num()) {
    verdict.model = { score: num(), category: str(), decision: DECISIONS[num()], features: [] };
    verdict.model.features = list(() => ({ text: str(), weight: num(), span: span() }));
  }
  if (num()) verdict.truncated = { len: num(), scanned: num() };
  return verdict;
}
const encoder = new TextEncoder();
let memory = null;
let view = null;
// The WASM module's memory, for `encodeText`.
export function useMemory(mem) {
  memory = mem;
}
// The UTF-8 of `text` written at `ptr` in WASM memory, where `room` bytes are free: the bytes
// written, or -1 when the room is too small for all of it. The view is kept for the next call
// (a screener's scratch room stays where it is) until memory grows.
export function encodeText(text, ptr, room) {
  if (view === null || view.buffer !== memory.buffer || view.byteOffset !== ptr || view.length !== room) {
    view = new Uint8Array(memory.buffer, ptr, room);
  }
  const { read, written } = encoder.encodeInto(text, view);
  return read === text.length ? written : -1;
}
"#)]
extern "C" {
    /// Builds a plain verdict: decisions are indices of pass, review, block; `model_category`
    /// is `undefined` when there is no model verdict.
    #[wasm_bindgen(js_name = plainVerdict)]
    #[allow(clippy::too_many_arguments)]
    fn plain_verdict(
        decision: u32,
        score: f64,
        name: &JsValue,
        version: &JsValue,
        profile: &JsValue,
        model_category: &JsValue,
        model_score: f64,
        model_decision: u32,
    ) -> JsValue;

    /// Builds any verdict from its [`Packed`] numbers and strings.
    #[wasm_bindgen(js_name = packedVerdict)]
    fn packed_verdict(numbers: &[f64], strings: &str) -> JsValue;

    /// Writes the UTF-8 of `text` at `ptr` in WASM memory, where `room` bytes are free (lone
    /// surrogates as U+FFFD, as `TextEncoder` does): the number of bytes, or -1 when the room
    /// is too small.
    #[wasm_bindgen(js_name = encodeText)]
    fn encode_text(text: &JsString, ptr: usize, room: usize) -> i32;

    /// Gives `encodeText` the module's memory.
    #[wasm_bindgen(js_name = useMemory)]
    fn use_memory(memory: JsValue);
}

/// The strings of plain verdicts, kept as JS values so that a verdict does not decode them again.
struct Names {
    lexicon: JsValue,
    version: JsValue,
    default_profile: JsValue,
    /// Category ids, in the lexicon's order.
    categories: Vec<(String, JsValue)>,
}

impl Names {
    fn of(lexicon: &Lexicon) -> Names {
        Names {
            lexicon: JsValue::from_str(&lexicon.name),
            version: JsValue::from_str(&lexicon.version),
            default_profile: JsValue::from_str("default"),
            categories: lexicon.categories.iter().map(|c| (c.id.clone(), JsValue::from_str(&c.id))).collect(),
        }
    }
}

fn decision_index(decision: Decision) -> u32 {
    match decision {
        Decision::Pass => 0,
        Decision::Review => 1,
        Decision::Block => 2,
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** `pass`, `review` or `block`. */
export type Decision = "pass" | "review" | "block";
/** The three risk tiers. */
export type Signal = "explicit" | "implicit" | "borderline";
/** Disguises the matcher looks through. */
export type Evasion = "width" | "case" | "traditional" | "spacing" | "repeat" | "leet" | "homoglyph"
  | "pinyin" | "initials" | "homophone" | "split" | "numerals";
/** End-exclusive offsets into the original text: UTF-8 bytes, Unicode scalar values, UTF-16 units. */
export interface Span { byte: [number, number]; char: [number, number]; utf16: [number, number]; }
/** A counted match of a term (or of a combination rule). */
export interface Hit {
  term: string; category: string; signal: Signal; weight: number;
  /** The original text of the match, disguise included. */
  matched: string;
  via: Evasion[];
  policy?: string;
  span: Span;
  /** The lexicon variant that matched, when it was not the term's own text. */
  variant?: string;
  /** For a combination rule: the term ids whose hits formed it. */
  parts?: string[];
}
/** A match found but not counted: it cuts through a longer word, or lies inside an allow phrase. */
export interface Suppressed {
  term: string; category: string; matched: string;
  reason: "word" | "allow";
  /** The longer word or the allow phrase. */
  detail: string;
  span: Span;
}
export interface CategoryScore { score: number; decision: Decision; }
export interface LexiconInfo { name: string; version: string; }
/** The verdict on one text (the JSON of the design contract). */
export interface Verdict {
  decision: Decision;
  score: number;
  lexicon: LexiconInfo;
  profile: string;
  categories: Record<string, CategoryScore>;
  signals: Partial<Record<Signal, number>>;
  hits: Hit[];
  suppressed: Suppressed[];
  /** Hits of shadow terms and rules (`mode = "shadow"`): reported, never counted. */
  shadow?: Hit[];
  /** The decision, score and categories with the shadow terms live (when `shadow` is there). */
  shadow_outcome?: ShadowOutcome;
  /** The learned scorer's judgement, when a model is on. */
  model?: ModelVerdict;
  /** Only from the native `scan`: the text was over the input cap and only `scanned` of its `len`
   *  UTF-8 bytes were read (the JS `scan` throws instead). */
  truncated?: { len: number; scanned: number };
  [extra: string]: unknown;
}
/** A feature of the learned scorer and what it contributed. */
export interface ModelFeature { text: string; weight: number; span: Span; }
/** The learned scorer's judgement on a text. */
export interface ModelVerdict {
  /** Calibrated probability in [0, 1] that the text is risky in `category`. */
  score: number;
  category: string;
  /** What the model alone would decide. */
  decision: Decision;
  /** The largest positive contributions, largest first: listed when the model flags the text
   *  (`decision` review or block), or always when `screener.modelFeatures = "always"`. */
  features: ModelFeature[];
}
/** When verdicts list the learned scorer's features (`Screener.modelFeatures`). */
export type ModelFeatures = "flagged" | "always";
/** What a verdict would be with the shadow terms and rules live. */
export interface ShadowOutcome { decision: Decision; score: number; categories: Record<string, CategoryScore>; }
/** One layer of `Screener.fromLayers`: `"default"` (the embedded lexicon) or a lexicon text. */
export type LexiconLayer = "default" | {
  text: string;
  /** Named in error messages (default `layer N`). */
  name?: string;
  /** Default: `json` when the name ends in `.json`, else `toml`. */
  format?: "toml" | "json";
};
/** Options of `Screener.fromLayers`. */
export interface LayerOptions {
  /** The day `expires` dates are judged against, `YYYY-MM-DD` (default: today, UTC). */
  today?: string;
}
/** A category of the lexicon. */
export interface CategoryInfo { id: string; name: string; review: number; block: number; }
"#;

fn js_error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

/// Today's UTC date from the JS clock: lexicon `expires` dates are judged against it (the core
/// has no clock of its own).
fn today() -> Date {
    let now = js_sys::Date::new_0();
    Date::new(now.get_utc_full_year() as i32, now.get_utc_month() + 1, now.get_utc_date())
        .expect("the JS clock gives a real date")
}

/// One file's text, built for today.
fn single(name: &str, text: &str, format: Format) -> Result<Lexicon, LexiconError> {
    LexiconBuilder::new().add(name, text, format)?.today(today()).build()
}

/// Reads a `fromLayers` layer into the builder.
fn add_layer(builder: LexiconBuilder, layer: &JsValue, n: u32) -> Result<LexiconBuilder, JsError> {
    if layer.as_string().as_deref() == Some("default") {
        return builder.try_add_default().map_err(js_error);
    }
    let field = |key: &str| js_sys::Reflect::get(layer, &key.into()).ok().and_then(|v| v.as_string());
    let text = layer.is_object().then(|| field("text")).flatten().ok_or_else(|| {
        js_error(format!("layer {n}: a layer is \"default\" or an object {{ text, name?, format? }}"))
    })?;
    let name = field("name").unwrap_or_else(|| format!("layer {n}"));
    let format = match field("format").as_deref() {
        None => Format::from_path(&name),
        Some("toml") => Format::Toml,
        Some("json") => Format::Json,
        Some(other) => return Err(js_error(format!("{name}: format must be \"toml\" or \"json\", found {other:?}"))),
    };
    builder.add(&name, &text, format).map_err(js_error)
}

fn scan_error(e: crate::ScanError) -> JsError {
    match e {
        crate::ScanError::InputTooLong { .. } => js_error(format_args!("{e} (maxInputBytes)")),
        e => js_error(e),
    }
}

fn compile(lexicon: Result<Lexicon, LexiconError>) -> Result<Screener, JsError> {
    let lexicon = lexicon.map_err(js_error)?;
    let inner = crate::Screener::new(lexicon).map_err(js_error)?;
    let names = Names::of(inner.lexicon());
    use_memory(wasm_bindgen::memory());
    Ok(Screener { inner, names, scratch: Default::default() })
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string(value).expect("verdicts serialize")
}

fn parse_json(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("serde_json writes valid JSON")
}

/// A verdict as numbers and strings for `packedVerdict`, which builds the object the verdict's
/// JSON parses to: its fields in the JSON's order, numbers as they are (a JSON number parses to
/// the same double), each string's length in UTF-16 units among the numbers and the strings
/// joined, a count before each list, 0 or 1 before each optional field. Measured in Node 20 on
/// the 219 short English lines (of 1,671) whose verdict lists something: `scan()` took 7.9 µs
/// through JSON (serde, the string into JS, `JSON.parse`), and building the same objects in JS
/// from numbers and strings took 0.16 µs where `JSON.parse` took 2.2 µs (BENCHMARKS.md, WASM,
/// session 17).
#[derive(Default)]
struct Packed {
    numbers: Vec<f64>,
    strings: String,
}

impl Packed {
    fn of(verdict: &Verdict) -> Packed {
        let mut p = Packed::default();
        p.numbers.reserve(64);
        p.num(decision_index(verdict.decision));
        p.num(verdict.score);
        p.str(&verdict.lexicon.name);
        p.str(&verdict.lexicon.version);
        p.str(&verdict.profile);
        p.categories(&verdict.categories);
        p.num(verdict.signals.len());
        for (signal, score) in &verdict.signals {
            p.str(signal.name());
            p.num(*score);
        }
        p.hits(&verdict.hits);
        p.num(verdict.suppressed.len());
        for s in &verdict.suppressed {
            p.str(&s.term);
            p.str(&s.category);
            p.str(&s.matched);
            p.str(s.reason.name());
            p.str(&s.detail);
            p.span(&s.span);
        }
        p.num(!verdict.shadow.is_empty());
        if !verdict.shadow.is_empty() {
            p.hits(&verdict.shadow);
        }
        p.num(verdict.shadow_outcome.is_some());
        if let Some(o) = &verdict.shadow_outcome {
            p.num(decision_index(o.decision));
            p.num(o.score);
            p.categories(&o.categories);
        }
        p.num(verdict.model.is_some());
        if let Some(m) = &verdict.model {
            p.num(m.score);
            p.str(&m.category);
            p.num(decision_index(m.decision));
            p.num(m.features.len());
            for f in &m.features {
                p.str(&f.text);
                p.num(f.weight);
                p.span(&f.span);
            }
        }
        p.num(verdict.truncated.is_some());
        if let Some(t) = &verdict.truncated {
            p.num(t.len);
            p.num(t.scanned);
        }
        p
    }

    fn num(&mut self, x: impl Into<Number>) {
        self.numbers.push(x.into().0);
    }

    fn str(&mut self, s: &str) {
        let units = if s.is_ascii() { s.len() } else { s.encode_utf16().count() };
        self.num(units);
        self.strings.push_str(s);
    }

    fn span(&mut self, span: &crate::Span) {
        for &x in span.byte.iter().chain(&span.char).chain(&span.utf16) {
            self.num(x);
        }
    }

    fn categories(&mut self, categories: &std::collections::BTreeMap<String, crate::CategoryScore>) {
        self.num(categories.len());
        for (id, c) in categories {
            self.str(id);
            self.num(c.score);
            self.num(decision_index(c.decision));
        }
    }

    fn hits(&mut self, hits: &[crate::Hit]) {
        self.num(hits.len());
        for h in hits {
            self.str(&h.term);
            self.str(&h.category);
            self.str(h.signal.name());
            self.num(h.weight);
            self.str(&h.matched);
            self.num(h.via.iter().count());
            for e in h.via.iter() {
                self.str(e.name());
            }
            self.num(h.policy.is_some());
            if let Some(policy) = &h.policy {
                self.str(policy);
            }
            self.span(&h.span);
            self.num(h.variant.is_some());
            if let Some(variant) = &h.variant {
                self.str(variant);
            }
            self.num(h.parts.is_some());
            if let Some(parts) = &h.parts {
                self.num(parts.len());
                for part in parts {
                    self.str(part);
                }
            }
        }
    }
}

/// A number of a [`Packed`] verdict: offsets and counts (below 2^53, exact as doubles), flags,
/// decisions and scores.
struct Number(f64);

impl From<f64> for Number {
    fn from(x: f64) -> Number {
        Number(x)
    }
}

impl From<usize> for Number {
    fn from(x: usize) -> Number {
        Number(x as f64)
    }
}

impl From<u32> for Number {
    fn from(x: u32) -> Number {
        Number(f64::from(x))
    }
}

impl From<bool> for Number {
    fn from(x: bool) -> Number {
        Number(if x { 1.0 } else { 0.0 })
    }
}

/// A compiled lexicon, ready to scan.
#[wasm_bindgen(js_name = Screener)]
pub struct Screener {
    inner: crate::Screener,
    names: Names,
    /// Where a text's UTF-8 is written for a scan ([`Screener::with_text`]), kept between
    /// scans up to [`SCRATCH_KEPT`] bytes.
    scratch: std::cell::RefCell<Vec<u8>>,
}

/// The most room [`Screener::with_text`] keeps after a scan (three bytes a UTF-16 unit): the
/// room of a text of over ≈ 21k units is given back.
const SCRATCH_KEPT: usize = 1 << 16;

#[wasm_bindgen(js_class = Screener)]
impl Screener {
    /// A screener on the embedded default lexicon.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Screener {
        let lexicon = LexiconBuilder::new().add_default().today(today()).build();
        compile(lexicon).expect("the embedded default lexicon compiles (checked by the test suite)")
    }

    /// A screener on a lexicon in TOML, as of today (UTC) for `expires`. Throws an `Error`
    /// naming line and column when it is bad.
    #[wasm_bindgen(js_name = fromToml)]
    pub fn from_toml(text: &str) -> Result<Screener, JsError> {
        compile(single("<toml>", text, Format::Toml))
    }

    /// A screener on a lexicon in JSON (the TOML structure). Throws like `fromToml`.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Result<Screener, JsError> {
        compile(single("<json>", text, Format::Json))
    }

    /// A screener on layered lexicons, later layers adding terms or overriding them by id:
    /// `Screener.fromLayers(["default", { name: "event.toml", text }])` puts a pack on the
    /// default. `options.today` (`YYYY-MM-DD`) sets the day `expires` dates are judged against
    /// (default: today, UTC; see `LayerOptions`). Throws an `Error` naming the layer, line and
    /// column when one is bad.
    #[wasm_bindgen(js_name = fromLayers)]
    pub fn from_layers(
        #[wasm_bindgen(unchecked_param_type = "LexiconLayer[]")] layers: JsValue,
        options: Option<js_sys::Object>,
    ) -> Result<Screener, JsError> {
        if !js_sys::Array::is_array(&layers) {
            return Err(js_error("fromLayers takes an array of layers"));
        }
        let today_option = options.and_then(|o| js_sys::Reflect::get(&o, &"today".into()).ok());
        let day = match today_option.filter(|v| !v.is_undefined()) {
            None => today(),
            Some(v) => {
                let s = v.as_string().ok_or_else(|| js_error("options.today must be a string YYYY-MM-DD"))?;
                s.parse::<Date>().map_err(|e| js_error(format!("options.today: {e}")))?
            }
        };
        let mut builder = LexiconBuilder::new().today(day);
        for (n, layer) in js_sys::Array::from(&layers).iter().enumerate() {
            builder = add_layer(builder, &layer, n as u32 + 1)?;
        }
        compile(builder.build())
    }

    /// The embedded default lexicon as one TOML text (for an editor).
    #[wasm_bindgen(js_name = defaultLexiconToml)]
    pub fn default_lexicon_toml() -> String {
        Lexicon::default_toml()
    }

    /// Builds now what the screener otherwise builds on first need: jieba (for word boundaries in
    /// Chinese) and the matching DFAs (until 4 MiB are scanned the automata are NFAs, ≈ 2× slower).
    /// `new Screener()` leaves them out so that the first verdict comes fast; call this when the
    /// page is idle. Verdicts are the same either way.
    #[wasm_bindgen(js_name = warmUp)]
    pub fn warm_up(&self) {
        self.inner.warm_up();
    }

    /// Scans a text under the `default` profile; a plain object (use `span.utf16` in JS).
    /// Throws an `Error` when the text is longer than `maxInputBytes`.
    #[wasm_bindgen(unchecked_return_type = "Verdict")]
    pub fn scan(&self, #[wasm_bindgen(unchecked_param_type = "string")] text: &JsString) -> Result<JsValue, JsError> {
        self.with_text(text, |text| Ok(self.to_js(&self.inner.try_scan(text).map_err(scan_error)?)))
    }

    /// Scans a text; the verdict as a JSON string. Throws like `scan`.
    #[wasm_bindgen(js_name = scanJson)]
    pub fn scan_json(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: &JsString,
    ) -> Result<String, JsError> {
        self.with_text(text, |text| Ok(to_json(&self.inner.try_scan(text).map_err(scan_error)?)))
    }

    /// Scans a text under a named profile. Throws an `Error` when the lexicon has no such profile
    /// or the text is longer than `maxInputBytes`.
    #[wasm_bindgen(js_name = scanWithProfile, unchecked_return_type = "Verdict")]
    pub fn scan_with_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: &JsString,
        profile: &str,
    ) -> Result<JsValue, JsError> {
        self.with_text(text, |text| {
            Ok(self.to_js(&self.inner.try_scan_with_profile(text, profile).map_err(scan_error)?))
        })
    }

    /// The input cap: the longest text, in UTF-8 bytes, that `scan` accepts (default 16 MiB).
    #[wasm_bindgen(getter, js_name = maxInputBytes)]
    pub fn max_input_bytes(&self) -> usize {
        self.inner.max_input_bytes()
    }

    /// Sets the input cap in UTF-8 bytes.
    #[wasm_bindgen(setter, js_name = maxInputBytes)]
    pub fn set_max_input_bytes(&mut self, max: usize) {
        self.inner.set_max_input_bytes(max);
    }

    /// When verdicts list the learned scorer's features: `"flagged"` (the default: when the
    /// model alone would ask for review or block) or `"always"`.
    #[wasm_bindgen(getter, js_name = modelFeatures, unchecked_return_type = "ModelFeatures")]
    pub fn model_features(&self) -> String {
        self.inner.model_features().name().to_string()
    }

    /// Sets when verdicts list the learned scorer's features; throws on another value than
    /// `"flagged"` or `"always"`.
    #[wasm_bindgen(setter, js_name = modelFeatures)]
    pub fn set_model_features(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ModelFeatures")] when: String,
    ) -> Result<(), JsError> {
        let Some(when) = ModelFeatures::parse(&when) else {
            return Err(js_error(format_args!("modelFeatures must be \"flagged\" or \"always\", not {when:?}")));
        };
        self.inner.set_model_features(when);
        Ok(())
    }

    /// Lexicon name.
    #[wasm_bindgen(getter, js_name = lexiconName)]
    pub fn lexicon_name(&self) -> String {
        self.inner.lexicon().name.clone()
    }

    /// Lexicon version.
    #[wasm_bindgen(getter, js_name = lexiconVersion)]
    pub fn lexicon_version(&self) -> String {
        self.inner.lexicon().version.clone()
    }

    /// Names of the lexicon's profiles (`default` first, even when the lexicon does not define it).
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn profiles(&self) -> Vec<String> {
        let mut names = vec!["default".to_string()];
        for p in &self.inner.lexicon().profiles {
            if p.name != "default" {
                names.push(p.name.clone());
            }
        }
        names
    }

    /// The lexicon's categories.
    #[wasm_bindgen(unchecked_return_type = "CategoryInfo[]")]
    pub fn categories(&self) -> JsValue {
        parse_json(&to_json(&self.inner.lexicon().categories))
    }

    /// Every regression example of the lexicon's terms (`examples.match` and `examples.no_match`),
    /// in term order: the page's and the tests' sample texts.
    #[wasm_bindgen(js_name = termExamples, unchecked_return_type = "string[]")]
    pub fn term_examples(&self) -> Vec<String> {
        let terms = &self.inner.lexicon().terms;
        terms.iter().flat_map(|t| t.examples.matches.iter().chain(&t.examples.no_match).cloned()).collect()
    }

    /// Number of terms in the lexicon.
    #[wasm_bindgen(getter, js_name = termCount)]
    pub fn term_count(&self) -> usize {
        self.inner.lexicon().terms.len()
    }
}

impl Screener {
    /// Calls `f` with the JS string as a Rust string, refused before it is copied into WASM
    /// memory when it is surely over the cap: a UTF-16 unit takes at least one byte of UTF-8.
    /// (WASM memory never shrinks, so copying a 100 MB string only to refuse it would keep
    /// 100 MB for good.)
    ///
    /// The string is encoded by `TextEncoder.encodeInto` straight into the screener's scratch
    /// room, which the next scan reuses. wasm-bindgen's own way (`String::from`) allocates, grows
    /// and shrinks a buffer for each string from JS, three calls into WASM for a Chinese one.
    ///
    /// Lone surrogates, which JS strings may hold and UTF-8 cannot, arrive as U+FFFD: one UTF-16
    /// unit for one, so `span.utf16` still indexes the caller's string (tests/node/).
    fn with_text<R>(&self, text: &JsString, f: impl FnOnce(&str) -> Result<R, JsError>) -> Result<R, JsError> {
        let units = text.length() as usize;
        let max = self.inner.max_input_bytes();
        if units > max {
            return Err(js_error(format_args!(
                "input too long: the text has {units} UTF-16 units, so at least {units} bytes of UTF-8; the limit is {max} bytes (maxInputBytes)"
            )));
        }
        let mut scratch = self.scratch.borrow_mut();
        // At most three bytes of UTF-8 a UTF-16 unit (four for a surrogate pair's two).
        let room = units * 3;
        if scratch.len() < room {
            scratch.resize(room, 0);
        }
        let written = encode_text(text, scratch.as_mut_ptr() as usize, scratch.len());
        let written = usize::try_from(written).expect("three bytes a UTF-16 unit hold its UTF-8");
        let text = simdutf8::basic::from_utf8(&scratch[..written]).expect("TextEncoder writes UTF-8");
        let result = f(text);
        if scratch.len() > SCRATCH_KEPT {
            *scratch = Vec::new();
        }
        result
    }

    /// The verdict as a plain JS object: built by `plainVerdict` when it has nothing to list,
    /// else parsed from its JSON.
    fn to_js(&self, verdict: &Verdict) -> JsValue {
        let plain = verdict.categories.is_empty()
            && verdict.signals.is_empty()
            && verdict.hits.is_empty()
            && verdict.suppressed.is_empty()
            && verdict.shadow.is_empty()
            && verdict.shadow_outcome.is_none()
            && verdict.truncated.is_none()
            && verdict.model.as_ref().is_none_or(|m| m.features.is_empty());
        if !plain {
            let packed = Packed::of(verdict);
            return packed_verdict(&packed.numbers, &packed.strings);
        }
        let model_category = verdict.model.as_ref().map(|m| {
            let known = self.names.categories.iter().find(|(id, _)| *id == m.category);
            known.map_or_else(|| JsValue::from_str(&m.category), |(_, js)| js.clone())
        });
        let profile = match verdict.profile.as_str() {
            "default" => self.names.default_profile.clone(),
            other => JsValue::from_str(other),
        };
        let (model_score, model_decision) =
            verdict.model.as_ref().map_or((0.0, 0), |m| (m.score, decision_index(m.decision)));
        plain_verdict(
            decision_index(verdict.decision),
            verdict.score,
            &self.names.lexicon,
            &self.names.version,
            &profile,
            model_category.as_ref().unwrap_or(&JsValue::UNDEFINED),
            model_score,
            model_decision,
        )
    }
}

impl Default for Screener {
    fn default() -> Screener {
        Screener::new()
    }
}

// Run by scripts/test-wasm under Node: `cargo test --target wasm32-unknown-unknown` with
// CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner.
#[cfg(test)]
mod tests {
    use super::Screener;
    use js_sys::JsString;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn get(v: &JsValue, key: &str) -> JsValue {
        js_sys::Reflect::get(v, &key.into()).unwrap()
    }

    fn error_message(e: wasm_bindgen::JsError) -> String {
        let value: JsValue = e.into();
        String::from(value.dyn_into::<js_sys::Error>().expect("an Error object").message())
    }

    #[wasm_bindgen_test]
    fn scan_gives_the_native_verdict_as_a_plain_object() {
        let s = Screener::new();
        let native = crate::Screener::default();
        // A verdict with hits (parsed from JSON) and one with nothing to list (built by
        // `plainVerdict`): both stringify to the native JSON, key order included.
        for (text, listed) in [("出 冰 毒，要的加微信", true), ("今天天气不错，我们去公园散步吧。", false)]
        {
            let v = s.scan(&JsString::from(text)).map_err(error_message).unwrap();
            assert!(v.is_object());
            let want = native.scan(text);
            // (Through JSON.parse: JS writes the number 0 as `0` where serde writes `0.0`.)
            let want_js = super::parse_json(&serde_json::to_string(&want).unwrap());
            assert_eq!(js_sys::JSON::stringify(&v).unwrap(), js_sys::JSON::stringify(&want_js).unwrap());
            assert_eq!(get(&v, "decision").as_string().unwrap(), want.decision.name());
            let hits = get(&v, "hits").dyn_into::<js_sys::Array>().unwrap();
            assert_eq!(hits.length() > 0, listed, "{text}");
        }
    }

    /// Texts reach the engine through the screener's scratch room, reused from scan to scan and
    /// given back after a long text: each verdict is the native one for its own text, whatever
    /// came before (longer, shorter, other scripts), and a lone surrogate arrives as U+FFFD.
    #[wasm_bindgen_test]
    fn texts_through_the_scratch_room_get_their_own_verdicts() {
        let s = Screener::new();
        let native = crate::Screener::default();
        let long = "出 冰 毒，要的加微信。今天天气不错。".repeat(4000); // > SCRATCH_KEPT bytes
        let texts = ["出 冰 毒，要的加微信", "", "a", long.as_str(), "kill yourself 😀 now", "冰", "今天天气不错", ""];
        for text in texts.into_iter().chain(texts.into_iter().rev()) {
            let v = s.scan_json(&JsString::from(text)).map_err(error_message).unwrap();
            assert_eq!(v, super::to_json(&native.scan(text)), "{}", &text[..text.len().min(40)]);
        }
        let lone = JsString::from_char_code(&[0x51B0, 0xD800, 0x6BD2]);
        let v = s.scan_json(&lone).map_err(error_message).unwrap();
        assert_eq!(v, super::to_json(&native.scan("冰\u{FFFD}毒")));
    }

    #[wasm_bindgen_test]
    fn lexicon_errors_are_errors_with_line_and_column() {
        let bad = "[[category]]\nid = \"x\"\nname = \"X\"\nreview = 0.4\nblock = 0.8\n\n[[term]]\ntext = \"oops\n";
        let message = error_message(Screener::from_toml(bad).err().expect("a bad lexicon fails"));
        assert!(message.contains(":8:"), "{message}");
        let message = error_message(Screener::from_json("{").err().expect("bad JSON fails"));
        assert!(message.contains(":1:"), "{message}");
    }

    #[wasm_bindgen_test]
    fn profiles_and_unknown_profiles() {
        let s = Screener::new();
        let profiles = s.profiles();
        assert_eq!(profiles[0], "default");
        for p in &profiles {
            let v = s.scan_with_profile(&JsString::from("卖冰毒"), p).map_err(error_message).unwrap();
            assert_eq!(get(&v, "profile").as_string().unwrap(), *p);
        }
        let message = error_message(s.scan_with_profile(&JsString::from("卖冰毒"), "no-such-profile").err().unwrap());
        assert!(message.contains("unknown profile"), "{message}");
    }

    #[wasm_bindgen_test]
    fn layers_with_expiry_and_shadow() {
        let pack = "[[term]]\nid = \"drugs.x\"\ntext = \"蓝精灵\"\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.7\nexpires = \"2026-11-30\"\n\
                    [[term]]\nid = \"drugs.y\"\ntext = \"冰糖\"\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.7\nmode = \"shadow\"\n";
        let layer = js_sys::Object::new();
        js_sys::Reflect::set(&layer, &"name".into(), &"event.toml".into()).unwrap();
        js_sys::Reflect::set(&layer, &"text".into(), &pack.into()).unwrap();
        let layers = js_sys::Array::of2(&"default".into(), &layer);
        let options = |day: &str| {
            let o = js_sys::Object::new();
            js_sys::Reflect::set(&o, &"today".into(), &day.into()).unwrap();
            Some(o)
        };
        let s = Screener::from_layers(layers.clone().into(), options("2026-11-30")).map_err(error_message).unwrap();
        assert_eq!(s.lexicon_name(), "default", "a layer without [lexicon] adds no name");
        let v = s.scan(&JsString::from("蓝精灵和冰糖")).map_err(error_message).unwrap();
        let hits = get(&v, "hits").dyn_into::<js_sys::Array>().unwrap();
        assert_eq!(get(&hits.get(0), "term").as_string().unwrap(), "drugs.x");
        let shadow = get(&v, "shadow").dyn_into::<js_sys::Array>().unwrap();
        assert_eq!(get(&shadow.get(0), "term").as_string().unwrap(), "drugs.y");
        let later = Screener::from_layers(layers.into(), options("2026-12-01")).map_err(error_message).unwrap();
        assert_eq!(later.term_count(), s.term_count() - 1);
        let bad = js_sys::Array::of1(&"defaults".into());
        let message = error_message(Screener::from_layers(bad.into(), None).err().unwrap());
        assert!(message.contains("layer 1"), "{message}");
    }

    #[wasm_bindgen_test]
    fn default_lexicon_text_compiles_to_the_same_screener() {
        let from_text = Screener::from_toml(&Screener::default_lexicon_toml()).map_err(error_message).unwrap();
        let text = "我是处女座，买白粉笔";
        let text = JsString::from(text);
        assert_eq!(
            from_text.scan_json(&text).map_err(error_message).unwrap(),
            Screener::new().scan_json(&text).map_err(error_message).unwrap()
        );
        assert_eq!(from_text.term_count(), Screener::new().term_count());
    }

    #[wasm_bindgen_test]
    fn texts_over_the_cap_throw_with_a_clear_message() {
        let mut s = Screener::new();
        assert_eq!(s.max_input_bytes(), crate::DEFAULT_MAX_INPUT_BYTES);
        s.set_max_input_bytes(8);
        // 3 UTF-16 units but 9 bytes of UTF-8: refused after conversion, with the exact length.
        let message = error_message(s.scan(&JsString::from("冰毒冰")).err().expect("over the cap"));
        assert_eq!(message, "input too long: the text is 9 bytes (UTF-8), the limit is 8 bytes (maxInputBytes)");
        // 9 UTF-16 units: refused before conversion.
        let message = error_message(s.scan_json(&JsString::from("123456789")).err().expect("over the cap"));
        assert!(message.starts_with("input too long: the text has 9 UTF-16 units"), "{message}");
        assert!(s.scan(&JsString::from("冰毒")).is_ok());
    }
}
