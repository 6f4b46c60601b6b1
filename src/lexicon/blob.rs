//! The embedded default lexicon, read ahead of time.
//!
//! `build.rs` reads `lexicon/default/*.toml` with this very module's reader and writes the layer
//! it reads in this compact binary form; [`crate::LexiconBuilder::add_default`] decodes it instead of
//! parsing the TOML again. Measured (callgrind, `examples/startup_parts`, native): parsing the
//! TOML took ≈ 140M of the 290M instructions of a new default screener (`toml` 55M, the span
//! tree 30M, the reader 26M, and their allocations); decoding this takes a few million. A start-up
//! in WASM (`new Screener()`) is dominated by the same work.
//!
//! The form is private to one build: varints; strings as a reference to the same bytes in the
//! TOML text (which ships anyway, for `Lexicon::default_parts`) where they occur there, else
//! length-prefixed UTF-8; and an interning table for the short strings that repeat in every
//! item's origin (file names, field names). References keep the blob small: 123 KB raw and
//! 21 KB gzipped, against 321 KB and 103 KB with every string spelled out (the TOML itself is
//! 86 KB gzipped). The blob and the TOML it refers to come out of the same build; its header
//! holds the length of that TOML, and decoding checks it and every read, giving up (`None`) on
//! anything unexpected; the builder then parses the TOML as before. A test checks that the
//! embedded blob decodes to exactly the layer the TOML reads to.

use std::collections::BTreeMap;

use super::*;

/// First bytes of a blob; a new layout changes the version byte.
const MAGIC: &[u8; 8] = b"PSLEX\0\0\x02";

/// Reads the default lexicon's files (concatenated, as one document) into a layer.
pub(crate) fn read_default(parts: &[(&str, &str)]) -> Result<Layer, LexiconError> {
    let (map, text) = SourceMap::concatenated(parts);
    read::read_layer(&map, &text, Format::Toml)
}

/// Encodes a layer read from `parts` (for `build.rs` and the tests; the crate only decodes).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn encode(layer: &Layer, parts: &[(&str, &str)]) -> Vec<u8> {
    let source = SourceMap::join(parts, |_, _| {});
    let mut w = Writer { out: MAGIC.to_vec(), symbols: HashMap::new(), source: &source, cursor: 0, line: 0 };
    w.n(source.len() as u64);
    w.layer(layer);
    w.out
}

/// Decodes a layer written by [`encode`] with the same `parts`; `None` if the bytes are not one.
pub(crate) fn decode(bytes: &[u8], parts: &[(&str, &str)]) -> Option<Layer> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let source = SourceMap::join(parts, |_, _| {});
    let mut r = Reader { bytes: rest, symbols: Vec::new(), source: &source, cursor: 0, line: 0 };
    if r.usize()? != source.len() {
        return None; // written against another text
    }
    let layer = r.layer()?;
    r.bytes.is_empty().then_some(layer)
}

#[cfg_attr(not(test), allow(dead_code))]
struct Writer<'a> {
    out: Vec<u8>,
    symbols: HashMap<String, usize>,
    /// The TOML text, and where the last reference into it ended.
    source: &'a str,
    cursor: usize,
    /// The line of the last diagnostic.
    line: usize,
}

#[cfg_attr(not(test), allow(dead_code))]
impl Writer<'_> {
    fn n(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.out.push(n as u8 | 0x80);
            n >>= 7;
        }
        self.out.push(n as u8);
    }

    /// A string: `2 × len` and where it occurs in the source relative to the last reference
    /// (strings come in source order, so mostly a small step ahead), or `2 × len + 1` and its
    /// bytes when it does not occur there (escapes; the empty string).
    fn str(&mut self, s: &str) {
        let found = match s.is_empty() {
            true => None,
            false => self.source[self.cursor..].find(s).map(|at| self.cursor + at).or_else(|| self.source.find(s)),
        };
        match found {
            Some(at) => {
                self.n(2 * s.len() as u64);
                let step = at as i64 - self.cursor as i64;
                self.n(((step << 1) ^ (step >> 63)) as u64); // zigzag
                self.cursor = at + s.len();
            }
            None => {
                self.n(2 * s.len() as u64 + 1);
                self.out.extend_from_slice(s.as_bytes());
            }
        }
    }

    /// A short string spelled out (a symbol's text).
    fn literal(&mut self, s: &str) {
        self.n(s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
    }

    /// A string that repeats: its number if seen before, else a new number and the text.
    fn sym(&mut self, s: &str) {
        match self.symbols.get(s) {
            Some(&k) => self.n(k as u64),
            None => {
                let k = self.symbols.len();
                self.symbols.insert(s.to_string(), k);
                self.n(k as u64);
                self.literal(s);
            }
        }
    }

    fn f64(&mut self, x: f64) {
        self.out.extend_from_slice(&x.to_bits().to_le_bytes());
    }

    fn opt<T>(&mut self, x: &Option<T>, mut f: impl FnMut(&mut Self, &T)) {
        match x {
            None => self.n(0),
            Some(v) => {
                self.n(1);
                f(self, v);
            }
        }
    }

    fn list<T>(&mut self, xs: &[T], mut f: impl FnMut(&mut Self, &T)) {
        self.n(xs.len() as u64);
        for x in xs {
            f(self, x);
        }
    }

    fn strs(&mut self, xs: &[String]) {
        self.list(xs, |w, s| w.str(s));
    }

    fn date(&mut self, d: &Option<Date>) {
        self.opt(d, |w, d| {
            w.n(d.year() as u64);
            w.n(d.month() as u64);
            w.n(d.day() as u64);
        });
    }

    fn diagnostic(&mut self, d: &Diagnostic) {
        self.sym(&d.file);
        // Lines as a step from the last one (items come in file order: mostly a few lines on).
        let step = d.line as i64 - self.line as i64;
        self.n(((step << 1) ^ (step >> 63)) as u64);
        self.line = d.line;
        self.n(d.column as u64);
        self.sym(&d.message);
    }

    fn origin(&mut self, o: &Origin) {
        self.list(&o.fields, |w, (field, d)| {
            w.sym(field);
            w.diagnostic(d);
        });
        self.opt(&o.item, Writer::diagnostic);
    }

    fn signal(&mut self, s: Signal) {
        self.n(s as u64);
    }

    fn mode(&mut self, m: Mode) {
        self.n(m as u64);
    }

    fn layer(&mut self, l: &Layer) {
        self.str(&l.file);
        self.opt(&l.name, |w, s| w.str(s));
        self.opt(&l.version, |w, s| w.str(s));
        self.opt(&l.model, |w, &b| w.n(b as u64));
        self.date(&l.expires);
        self.mode(l.mode);
        self.origin(&l.origin);
        self.list(&l.categories, |w, (c, o)| {
            w.str(&c.id);
            w.str(&c.name);
            w.f64(c.review);
            w.f64(c.block);
            w.origin(o);
        });
        self.list(&l.terms, |w, t| {
            w.str(&t.id);
            w.str(&t.text);
            w.sym(&t.category);
            w.signal(t.signal);
            w.f64(t.weight);
            w.strs(&t.variants);
            w.opt(&t.evasions, |w, e| w.n(e.0 as u64));
            w.n(t.boundary as u64);
            w.strs(&t.allow);
            w.opt(&t.policy, |w, s| w.str(s));
            w.strs(&t.examples.matches);
            w.strs(&t.examples.no_match);
            w.date(&t.expires);
            w.mode(t.mode);
            w.origin(&t.origin);
        });
        self.list(&l.rules, |w, r| {
            w.str(&r.id);
            w.strs(&r.all_of);
            w.opt(&r.within, |w, &n| w.n(n as u64));
            w.sym(&r.category);
            w.signal(r.signal);
            w.f64(r.weight);
            w.opt(&r.policy, |w, s| w.str(s));
            w.date(&r.expires);
            w.mode(r.mode);
            w.origin(&r.origin);
        });
        self.list(&l.profiles, |w, p| {
            w.str(&p.name);
            let thresholds: Vec<_> = p.thresholds.iter().collect();
            w.list(&thresholds, |w, (category, t)| {
                w.sym(category);
                w.opt(&t.review, |w, &x| w.f64(x));
                w.opt(&t.block, |w, &x| w.f64(x));
            });
            w.opt(&p.model, |w, &b| w.n(b as u64));
            w.origin(&p.origin);
        });
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    symbols: Vec<String>,
    source: &'a str,
    cursor: usize,
    line: usize,
}

impl Reader<'_> {
    fn n(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            n |= u64::from(b & 0x7F) << shift;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.n()?).ok()
    }

    fn str(&mut self) -> Option<String> {
        let head = self.usize()?;
        let len = head / 2;
        if head % 2 == 1 {
            return self.literal(len);
        }
        let step = self.n()?;
        let step = (step >> 1) as i64 ^ -((step & 1) as i64); // zigzag
        let at = usize::try_from(self.cursor as i64 + step).ok()?;
        let s = self.source.get(at..at.checked_add(len)?)?;
        self.cursor = at + len;
        Some(s.to_string())
    }

    fn literal(&mut self, len: usize) -> Option<String> {
        if len > self.bytes.len() {
            return None;
        }
        let (s, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        String::from_utf8(s.to_vec()).ok()
    }

    fn sym(&mut self) -> Option<String> {
        let k = self.usize()?;
        if k == self.symbols.len() {
            let len = self.usize()?;
            let s = self.literal(len)?;
            self.symbols.push(s);
        }
        self.symbols.get(k).cloned()
    }

    fn f64(&mut self) -> Option<f64> {
        let (b, rest) = self.bytes.split_first_chunk::<8>()?;
        self.bytes = rest;
        Some(f64::from_bits(u64::from_le_bytes(*b)))
    }

    fn bool(&mut self) -> Option<bool> {
        match self.n()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.bool()? {
            false => Some(None),
            true => f(self).map(Some),
        }
    }

    fn list<T>(&mut self, mut f: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let len = self.usize()?;
        // Every item takes at least one byte: a corrupt length cannot reserve much.
        let mut out = Vec::with_capacity(len.min(self.bytes.len()));
        for _ in 0..len {
            out.push(f(self)?);
        }
        Some(out)
    }

    fn strs(&mut self) -> Option<Vec<String>> {
        self.list(Reader::str)
    }

    fn date(&mut self) -> Option<Option<Date>> {
        self.opt(|r| {
            let year = i32::try_from(r.n()?).ok()?;
            Date::new(year, u32::try_from(r.n()?).ok()?, u32::try_from(r.n()?).ok()?)
        })
    }

    fn diagnostic(&mut self) -> Option<Diagnostic> {
        let file = self.sym()?;
        let step = self.n()?;
        let step = (step >> 1) as i64 ^ -((step & 1) as i64); // zigzag
        self.line = usize::try_from(self.line as i64 + step).ok()?;
        Some(Diagnostic { file, line: self.line, column: self.usize()?, message: self.sym()? })
    }

    fn origin(&mut self) -> Option<Origin> {
        let fields = self.list(|r| Some((r.sym()?, r.diagnostic()?)))?;
        Some(Origin { fields, item: self.opt(Reader::diagnostic)? })
    }

    fn signal(&mut self) -> Option<Signal> {
        Signal::ALL.get(self.usize()?).copied()
    }

    fn mode(&mut self) -> Option<Mode> {
        [Mode::Live, Mode::Shadow].get(self.usize()?).copied()
    }

    fn layer(&mut self) -> Option<Layer> {
        let file = self.str()?;
        let name = self.opt(Reader::str)?;
        let version = self.opt(Reader::str)?;
        let model = self.opt(Reader::bool)?;
        let expires = self.date()?;
        let mode = self.mode()?;
        let origin = self.origin()?;
        let categories = self.list(|r| {
            let category = Category { id: r.str()?, name: r.str()?, review: r.f64()?, block: r.f64()? };
            Some((category, r.origin()?))
        })?;
        let terms = self.list(|r| {
            Some(Term {
                id: r.str()?,
                text: r.str()?,
                category: r.sym()?,
                signal: r.signal()?,
                weight: r.f64()?,
                variants: r.strs()?,
                evasions: r.opt(|r| Some(EvasionSet(u16::try_from(r.n()?).ok()?)))?,
                boundary: [Boundary::Word, Boundary::Substring].get(r.usize()?).copied()?,
                allow: r.strs()?,
                policy: r.opt(Reader::str)?,
                examples: Examples { matches: r.strs()?, no_match: r.strs()? },
                expires: r.date()?,
                mode: r.mode()?,
                origin: r.origin()?,
            })
        })?;
        let rules = self.list(|r| {
            Some(Rule {
                id: r.str()?,
                all_of: r.strs()?,
                within: r.opt(Reader::usize)?,
                category: r.sym()?,
                signal: r.signal()?,
                weight: r.f64()?,
                policy: r.opt(Reader::str)?,
                expires: r.date()?,
                mode: r.mode()?,
                origin: r.origin()?,
            })
        })?;
        let profiles = self.list(|r| {
            let name = r.str()?;
            let thresholds =
                r.list(|r| Some((r.sym()?, Thresholds { review: r.opt(Reader::f64)?, block: r.opt(Reader::f64)? })))?;
            Some(Profile {
                name,
                thresholds: thresholds.into_iter().collect::<BTreeMap<_, _>>(),
                model: r.opt(Reader::bool)?,
                origin: r.origin()?,
            })
        })?;
        Some(Layer { file, name, version, model, expires, mode, origin, categories, terms, rules, profiles })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_layer() -> Layer {
        read_default(DEFAULT_PARTS).expect("the default lexicon reads")
    }

    #[test]
    fn the_default_layer_round_trips() {
        let layer = default_layer();
        assert_eq!(decode(&encode(&layer, DEFAULT_PARTS), DEFAULT_PARTS), Some(layer));
    }

    /// The blob `build.rs` embedded is what the TOML reads to now (not a stale or a failed one).
    #[test]
    fn the_embedded_blob_is_the_default_toml() {
        assert!(!DEFAULT_BLOB.is_empty(), "build.rs could not read the default lexicon (see its warning)");
        assert_eq!(decode(DEFAULT_BLOB, DEFAULT_PARTS), Some(default_layer()));
    }

    #[test]
    fn layers_with_every_field_round_trip() {
        let text = r#"
            [lexicon]
            name = "event"
            version = "3"
            model = false
            expires = "2027-01-31"
            mode = "shadow"

            [[category]]
            id = "drugs"
            name = "Drugs"
            review = 0.4
            block = 0.85

            [[term]]
            id = "t1"
            text = "冰毒"
            category = "drugs"
            signal = "implicit"
            weight = 0.7
            variants = ["溜冰"]
            evasions = ["pinyin", "spacing"]
            boundary = "substring"
            allow = ["溜冰场"]
            policy = "DRG-1"
            examples = { match = ["卖冰毒"], no_match = ["去溜冰场"] }
            expires = "2026-12-31"

            [[rule]]
            id = "r1"
            all_of = ["t1", "drugs"]
            within = 12
            category = "drugs"
            signal = "explicit"
            weight = 0.9

            [[profile]]
            name = "kids"
            model = true
            thresholds = { drugs = { review = 0.2 } }
        "#;
        let map = SourceMap::single("event.toml", text);
        let layer = read::read_layer(&map, text, Format::Toml).unwrap();
        let parts = [("event.toml", text)];
        assert_eq!(decode(&encode(&layer, &parts), &parts), Some(layer.clone()));
        // Without the source to refer to, every string is spelled out.
        assert_eq!(decode(&encode(&layer, &[]), &[]), Some(layer));
    }

    #[test]
    fn a_cut_or_corrupt_blob_is_refused() {
        let bytes = encode(&default_layer(), DEFAULT_PARTS);
        for cut in [0, 7, 8, 9, bytes.len() / 2, bytes.len() - 1] {
            assert_eq!(decode(&bytes[..cut], DEFAULT_PARTS), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer, DEFAULT_PARTS), None);
        let mut other = bytes.clone();
        other[7] ^= 0xFF;
        assert_eq!(decode(&other, DEFAULT_PARTS), None);
        // Nor against another text (its length is in the header).
        assert_eq!(decode(&bytes, &[("x.toml", "[lexicon]\n")]), None);
        let mut parts = DEFAULT_PARTS.to_vec();
        parts.pop();
        assert_eq!(decode(&bytes, &parts), None);
    }
}
