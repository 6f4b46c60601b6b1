//! Reads one parsed file (a [`tree::Node`]) into a [`Layer`], checking everything that can be
//! checked inside one file: field names and types, ranges, ids, duplicates.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use super::tree::{self, Key, Node, Value};
use super::*;

/// Longest term text, variant or allow phrase, in chars. The longest in the default lexicon has 46;
/// matching cost grows with pattern length (a 2,000-char term took seconds to compile), and a
/// "term" of megabytes is a mistake, not a term.
pub const MAX_TERM_CHARS: usize = 256;

/// An id or text as shown in a message: cut at 60 chars, so a huge value cannot flood the
/// message.
pub(super) fn shown(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// What a message is about (`` `weight` of term `冰毒` ``), written out only when there is a
/// problem. Measured with callgrind: formatting these descriptions eagerly, for every field of every
/// term, was a tenth of the instructions of building the default screener.
type What<'a> = &'a dyn fmt::Display;

/// `{part} of {what}`: `each entry of …`, `a variant of …`.
struct Of<'a>(&'a str, What<'a>);

impl fmt::Display for Of<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of {}", self.0, self.1)
    }
}

/// `` `{field}` of {what} ``.
struct FieldOf<'a>(&'a str, What<'a>);

impl fmt::Display for FieldOf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` of {}", self.0, self.1)
    }
}

/// An item by its id (`` term `冰毒` ``), or `a [[term]]` when it has none.
struct Item<'a> {
    kind: &'static str,
    id: Option<&'a str>,
}

impl fmt::Display for Item<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.id {
            Some(id) => write!(f, "{} `{}`", self.kind, shown(id)),
            None => write!(f, "a [[{}]]", self.kind),
        }
    }
}

pub(crate) fn read_layer(map: &SourceMap, text: &str, format: Format) -> Result<Layer, LexiconError> {
    let root = match format {
        Format::Toml => tree::from_toml(text),
        Format::Json => tree::from_json(text),
    }
    .map_err(|(span, message)| LexiconError::new(vec![map.diagnostic(span.start, message)]))?;
    let mut reader = Reader { map, problems: Vec::new() };
    let layer = reader.layer(&root);
    if reader.problems.is_empty() {
        Ok(layer)
    } else {
        Err(LexiconError::new(reader.problems))
    }
}

struct Reader<'a> {
    map: &'a SourceMap,
    problems: Vec<Diagnostic>,
}

/// The fields of one table, taken one by one; whatever is left over is an unknown field.
struct Fields<'n> {
    entries: Vec<(&'n Key, &'n Node)>,
    span_start: usize,
}

impl<'n> Fields<'n> {
    fn take(&mut self, name: &str) -> Option<&'n Node> {
        let i = self.entries.iter().position(|(k, _)| k.name == name)?;
        Some(self.entries.remove(i).1)
    }
}

impl Reader<'_> {
    fn error(&mut self, offset: usize, message: impl Into<String>) {
        self.problems.push(self.map.diagnostic(offset, message));
    }

    fn table<'n>(&mut self, node: &'n Node, what: What<'_>) -> Option<Fields<'n>> {
        match &node.value {
            Value::Table(entries) => {
                Some(Fields { entries: entries.iter().map(|(k, v)| (k, v)).collect(), span_start: node.span.start })
            }
            other => {
                self.error(node.span.start, format!("{what} must be a table, found {}", other.type_name()));
                None
            }
        }
    }

    fn finish(&mut self, fields: Fields<'_>, what: What<'_>, known: &str) {
        for (key, _) in fields.entries {
            // A known field still here was given twice (JSON allows that syntactically; TOML
            // refuses it while parsing).
            if known.split(", ").any(|k| k == key.name) {
                self.error(key.span.start, format!("duplicate field `{}` in {what}", key.name));
            } else {
                self.error(
                    key.span.start,
                    format!("unknown field `{}` in {what} (known fields: {known})", shown(&key.name)),
                );
            }
        }
    }

    fn string(&mut self, node: &Node, what: What<'_>) -> Option<String> {
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            other => {
                self.error(node.span.start, format!("{what} must be a string, found {}", other.type_name()));
                None
            }
        }
    }

    fn boolean(&mut self, node: &Node, what: What<'_>) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            ref other => {
                self.error(node.span.start, format!("{what} must be a boolean, found {}", other.type_name()));
                None
            }
        }
    }

    fn required_string(&mut self, fields: &mut Fields<'_>, name: &str, what: What<'_>) -> Option<(String, usize)> {
        match fields.take(name) {
            Some(node) => self.string(node, &FieldOf(name, what)).map(|s| (s, node.span.start)),
            None => {
                self.error(fields.span_start, format!("{what} is missing the required field `{name}`"));
                None
            }
        }
    }

    fn number(&mut self, node: &Node, what: What<'_>) -> Option<f64> {
        match node.value {
            Value::Float(x) if x.is_finite() => Some(x),
            Value::Float(x) => {
                self.error(node.span.start, format!("{what} must be a finite number, found {x}"));
                None
            }
            Value::Int(n) => Some(n as f64),
            ref other => {
                self.error(node.span.start, format!("{what} must be a number, found {}", other.type_name()));
                None
            }
        }
    }

    fn strings(&mut self, node: &Node, what: What<'_>) -> Vec<(String, usize)> {
        match &node.value {
            Value::Array(items) => items
                .iter()
                .filter_map(|item| self.string(item, &Of("each entry", what)).map(|s| (s, item.span.start)))
                .collect(),
            other => {
                self.error(node.span.start, format!("{what} must be an array of strings, found {}", other.type_name()));
                Vec::new()
            }
        }
    }

    fn array<'n>(&mut self, node: &'n Node, what: &'static str) -> &'n [Node] {
        match &node.value {
            Value::Array(items) => items,
            other => {
                self.error(
                    node.span.start,
                    format!("`{what}` must be an array of tables, found {}", other.type_name()),
                );
                &[]
            }
        }
    }

    /// Refuses a term text, variant or allow phrase longer than [`MAX_TERM_CHARS`].
    fn length(&mut self, s: &str, at: usize, what: What<'_>) {
        if s.chars().nth(MAX_TERM_CHARS).is_some() {
            let chars = s.chars().count();
            self.error(at, format!("{what} is too long: {chars} chars (at most {MAX_TERM_CHARS})"));
        }
    }

    fn threshold(&mut self, node: &Node, what: What<'_>) -> Option<f64> {
        let x = self.number(node, what)?;
        if !(0.0..=1.0).contains(&x) {
            self.error(node.span.start, format!("{what} must be between 0 and 1, found {x}"));
            return None;
        }
        Some(x)
    }

    fn weight(&mut self, fields: &mut Fields<'_>, what: What<'_>) -> Option<f64> {
        let Some(node) = fields.take("weight") else {
            self.error(fields.span_start, format!("{what} is missing the required field `weight`"));
            return None;
        };
        let x = self.number(node, &FieldOf("weight", what))?;
        if !(x > 0.0 && x <= 1.0) {
            self.error(node.span.start, format!("`weight` of {what} must be in (0, 1], found {x}"));
            return None;
        }
        Some(x)
    }

    fn signal(&mut self, fields: &mut Fields<'_>, what: What<'_>) -> Option<Signal> {
        let (s, at) = self.required_string(fields, "signal", what)?;
        let signal = Signal::parse(&s);
        if signal.is_none() {
            self.error(
                at,
                format!("unknown signal `{}` in {what} (expected explicit, implicit or borderline)", shown(&s)),
            );
        }
        signal
    }

    /// `expires`: a `YYYY-MM-DD` string (or a TOML date).
    fn expires(&mut self, node: &Node, what: What<'_>) -> Option<Date> {
        let text = match &node.value {
            Value::Str(s) | Value::Date(s) => s,
            other => {
                self.error(
                    node.span.start,
                    format!("`expires` of {what} must be a date \"YYYY-MM-DD\", found {}", other.type_name()),
                );
                return None;
            }
        };
        let date = Date::parse(text);
        if date.is_none() {
            self.error(node.span.start, format!("`expires` of {what} must be a date \"YYYY-MM-DD\", found `{text}`"));
        }
        date
    }

    /// `mode`: `live` or `shadow`.
    fn mode(&mut self, node: &Node, what: What<'_>) -> Option<Mode> {
        let name = self.string(node, &FieldOf("mode", what))?;
        let mode = Mode::parse(&name);
        if mode.is_none() {
            self.error(node.span.start, format!("unknown mode `{name}` in {what} (expected live or shadow)"));
        }
        mode
    }

    fn origin(&self, item_at: usize, fields: &[(&str, usize)]) -> Origin {
        Origin {
            item: Some(self.map.diagnostic(item_at, "")),
            fields: fields.iter().map(|(f, at)| (f.to_string(), self.map.diagnostic(*at, ""))).collect(),
        }
    }

    fn layer(&mut self, root: &Node) -> Layer {
        let mut layer = Layer::default();
        let Some(mut fields) = self.table(root, &"the lexicon") else { return layer };

        layer.origin = self.origin(root.span.start, &[]);
        if let Some(node) = fields.take("lexicon") {
            let mut at = vec![];
            if let Some(mut meta) = self.table(node, &"`[lexicon]`") {
                if let Some(n) = meta.take("name") {
                    layer.name = self.string(n, &"`name` of [lexicon]");
                }
                if let Some(v) = meta.take("version") {
                    layer.version = self.string(v, &"`version` of [lexicon]");
                }
                if let Some(d) = meta.take("description") {
                    self.string(d, &"`description` of [lexicon]");
                }
                if let Some(m) = meta.take("model") {
                    at.push(("model", m.span.start));
                    layer.model = self.boolean(m, &"`model` of [lexicon]");
                }
                if let Some(e) = meta.take("expires") {
                    layer.expires = self.expires(e, &"[lexicon]");
                }
                if let Some(m) = meta.take("mode") {
                    layer.mode = self.mode(m, &"[lexicon]").unwrap_or_default();
                }
                self.finish(meta, &"[lexicon]", "name, version, description, model, expires, mode");
            }
            layer.origin = self.origin(node.span.start, &at);
        }
        // The pack's `expires` and `mode` are its terms' and rules' defaults.
        let pack = (layer.expires, layer.mode);

        let mut seen = HashSet::new();
        if let Some(node) = fields.take("category") {
            for item in self.array(node, "category") {
                if let Some(c) = self.category(item) {
                    if !seen.insert(c.0.id.clone()) {
                        self.error(item.span.start, format!("duplicate category id `{}`", shown(&c.0.id)));
                    }
                    layer.categories.push(c);
                }
            }
        }

        let mut seen = HashSet::new();
        if let Some(node) = fields.take("term") {
            for item in self.array(node, "term") {
                if let Some(term) = self.term(item, pack) {
                    if !seen.insert(term.id.clone()) {
                        self.error(item.span.start, format!("duplicate term id `{}`", shown(&term.id)));
                    }
                    layer.terms.push(term);
                }
            }
        }

        let mut seen = HashSet::new();
        if let Some(node) = fields.take("rule") {
            for item in self.array(node, "rule") {
                if let Some(rule) = self.rule(item, pack) {
                    if !seen.insert(rule.id.clone()) {
                        self.error(item.span.start, format!("duplicate rule id `{}`", shown(&rule.id)));
                    }
                    layer.rules.push(rule);
                }
            }
        }

        let mut seen = HashSet::new();
        if let Some(node) = fields.take("profile") {
            for item in self.array(node, "profile") {
                if let Some(profile) = self.profile(item) {
                    if !seen.insert(profile.name.clone()) {
                        self.error(item.span.start, format!("duplicate profile name `{}`", shown(&profile.name)));
                    }
                    layer.profiles.push(profile);
                }
            }
        }
        self.finish(fields, &"the lexicon", "lexicon, category, term, rule, profile");
        layer
    }

    fn category(&mut self, node: &Node) -> Option<(Category, Origin)> {
        let mut f = self.table(node, &"a [[category]]")?;
        let id = self.required_string(&mut f, "id", &"a [[category]]");
        let item = Item { kind: "category", id: id.as_ref().map(|(id, _)| id.as_str()) };
        let what: What<'_> = &item;
        if let Some((id, at)) = &id {
            if id.is_empty()
                || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
            {
                self.error(
                    *at,
                    format!("category id `{}` must be lowercase ascii letters, digits, `_` or `-`", shown(id)),
                );
            }
        }
        let name = f.take("name").and_then(|n| self.string(n, &FieldOf("name", what)));
        let review = match f.take("review") {
            Some(n) => self.threshold(n, &FieldOf("review", what)),
            None => {
                self.error(f.span_start, format!("{what} is missing the required field `review`"));
                None
            }
        };
        let block = match f.take("block") {
            Some(n) => self.threshold(n, &FieldOf("block", what)),
            None => {
                self.error(f.span_start, format!("{what} is missing the required field `block`"));
                None
            }
        };
        self.finish(f, what, "id, name, review, block");
        let ((id, _), review, block) = (id?, review?, block?);
        if review > block {
            let what = Item { kind: "category", id: Some(&id) };
            self.error(node.span.start, format!("{what}: review threshold {review} is above block threshold {block}"));
            return None;
        }
        let name = name.unwrap_or_else(|| id.clone());
        Some((Category { id, name, review, block }, self.origin(node.span.start, &[])))
    }

    /// An item's `expires` (the earlier of its own and its pack's) and `mode` (its own, else its
    /// pack's).
    fn lifetime(&mut self, f: &mut Fields<'_>, what: What<'_>, pack: (Option<Date>, Mode)) -> (Option<Date>, Mode) {
        let own = f.take("expires").and_then(|n| self.expires(n, what));
        let expires = match (own, pack.0) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let mode = f.take("mode").and_then(|n| self.mode(n, what)).unwrap_or(pack.1);
        (expires, mode)
    }

    fn term(&mut self, node: &Node, pack: (Option<Date>, Mode)) -> Option<Term> {
        let mut f = self.table(node, &"a [[term]]")?;
        let text = self.required_string(&mut f, "text", &"a [[term]]");
        let explicit_id = f.take("id");
        let id = match explicit_id {
            Some(n) => self.string(n, &"`id` of a [[term]]").map(|s| (s, n.span.start)),
            None => text.clone(),
        };
        let item = Item { kind: "term", id: id.as_ref().map(|(id, _)| id.as_str()).filter(|id| !id.trim().is_empty()) };
        let what: What<'_> = &item;
        if let (Some((id, at)), Some(_)) = (&id, explicit_id) {
            if id.trim().is_empty() {
                self.error(*at, "term id is empty");
            }
        }
        if let Some((text, at)) = &text {
            if text.trim().is_empty() {
                self.error(*at, format!("`text` of {what} is empty"));
            }
            self.length(text, *at, &FieldOf("text", what));
        }
        let category = self.required_string(&mut f, "category", what);
        let signal = self.signal(&mut f, what);
        let weight = self.weight(&mut f, what);
        let variants = match f.take("variants") {
            Some(n) => self.strings(n, &FieldOf("variants", what)),
            None => Vec::new(),
        };
        for (v, at) in &variants {
            if v.trim().is_empty() {
                self.error(*at, format!("a variant of {what} is empty"));
            }
            self.length(v, *at, &Of("a variant", what));
        }
        let evasions = f.take("evasions").map(|n| {
            let mut set = EvasionSet::EMPTY;
            for (name, at) in self.strings(n, &FieldOf("evasions", what)) {
                match Evasion::parse(&name) {
                    Some(kind) => set.insert(kind),
                    None => {
                        let known: Vec<_> = Evasion::ALL.iter().map(|k| k.name()).collect();
                        self.error(
                            at,
                            format!("unknown evasion kind `{}` in {what} (known: {})", shown(&name), known.join(", ")),
                        );
                    }
                }
            }
            set
        });
        let boundary = match f.take("boundary") {
            Some(n) => match self.string(n, &FieldOf("boundary", what)).as_deref() {
                Some("word") => Boundary::Word,
                Some("substring") => Boundary::Substring,
                Some(other) => {
                    self.error(
                        n.span.start,
                        format!("unknown boundary `{}` in {what} (expected word or substring)", shown(other)),
                    );
                    Boundary::Word
                }
                None => Boundary::Word,
            },
            None => Boundary::Word,
        };
        let allow = match f.take("allow") {
            Some(n) => self.strings(n, &FieldOf("allow", what)),
            None => Vec::new(),
        };
        for (phrase, at) in &allow {
            if phrase.trim().is_empty() {
                self.error(*at, format!("an allow phrase of {what} is empty"));
            }
            self.length(phrase, *at, &Of("an allow phrase", what));
        }
        let allow: Vec<String> = allow.into_iter().map(|(s, _)| s).collect();
        let policy = f.take("policy").and_then(|n| self.string(n, &FieldOf("policy", what)));
        let examples = match f.take("examples") {
            Some(n) => self.examples(n, what),
            None => Examples::default(),
        };
        let (expires, mode) = self.lifetime(&mut f, what, pack);
        let known =
            "id, text, category, signal, weight, variants, evasions, boundary, allow, policy, examples, expires, mode";
        self.finish(f, what, known);
        let ((id, _), (text, _), (category, category_at)) = (id?, text?, category?);
        Some(Term {
            id,
            text,
            category,
            signal: signal?,
            weight: weight?,
            variants: variants.into_iter().map(|(s, _)| s).collect(),
            evasions,
            boundary,
            allow,
            policy,
            examples,
            expires,
            mode,
            origin: self.origin(node.span.start, &[("category", category_at), ("text", node.span.start)]),
        })
    }

    fn examples(&mut self, node: &Node, what: What<'_>) -> Examples {
        let Some(mut f) = self.table(node, &FieldOf("examples", what)) else {
            return Examples::default();
        };
        let mut examples = Examples::default();
        if let Some(n) = f.take("match") {
            examples.matches = self.strings(n, &FieldOf("examples.match", what)).into_iter().map(|(s, _)| s).collect();
        }
        if let Some(n) = f.take("no_match") {
            examples.no_match =
                self.strings(n, &FieldOf("examples.no_match", what)).into_iter().map(|(s, _)| s).collect();
        }
        self.finish(f, &FieldOf("examples", what), "match, no_match");
        examples
    }

    fn rule(&mut self, node: &Node, pack: (Option<Date>, Mode)) -> Option<Rule> {
        let mut f = self.table(node, &"a [[rule]]")?;
        let id = self.required_string(&mut f, "id", &"a [[rule]]");
        let item = Item { kind: "rule", id: id.as_ref().map(|(id, _)| id.as_str()) };
        let what: What<'_> = &item;
        let (all_of, all_of_at) = match f.take("all_of") {
            Some(n) => (self.strings(n, &FieldOf("all_of", what)), n.span.start),
            None => {
                self.error(f.span_start, format!("{what} is missing the required field `all_of`"));
                (Vec::new(), f.span_start)
            }
        };
        if all_of.len() < 2 && f.span_start != all_of_at {
            self.error(all_of_at, format!("`all_of` of {what} needs at least two entries"));
        }
        let within = match f.take("within") {
            Some(n) => match n.value {
                Value::Int(x) if x > 0 => Some(usize::try_from(x).unwrap_or(usize::MAX)),
                _ => {
                    self.error(n.span.start, format!("`within` of {what} must be a positive integer (characters)"));
                    None
                }
            },
            None => None,
        };
        let category = self.required_string(&mut f, "category", what);
        let signal = self.signal(&mut f, what);
        let weight = self.weight(&mut f, what);
        let policy = f.take("policy").and_then(|n| self.string(n, &FieldOf("policy", what)));
        let (expires, mode) = self.lifetime(&mut f, what, pack);
        self.finish(f, what, "id, all_of, within, category, signal, weight, policy, expires, mode");
        let ((id, _), (category, category_at)) = (id?, category?);
        Some(Rule {
            id,
            all_of: all_of.into_iter().map(|(s, _)| s).collect(),
            within,
            category,
            signal: signal?,
            weight: weight?,
            policy,
            expires,
            mode,
            origin: self.origin(node.span.start, &[("category", category_at), ("all_of", all_of_at)]),
        })
    }

    fn profile(&mut self, node: &Node) -> Option<Profile> {
        let mut f = self.table(node, &"a [[profile]]")?;
        let name = self.required_string(&mut f, "name", &"a [[profile]]");
        let item = Item { kind: "profile", id: name.as_ref().map(|(name, _)| name.as_str()) };
        let what: What<'_> = &item;
        let mut thresholds = BTreeMap::new();
        let mut thresholds_at = node.span.start;
        if let Some(n) = f.take("thresholds") {
            thresholds_at = n.span.start;
            if let Some(t) = self.table(n, &FieldOf("thresholds", what)) {
                for (key, value) in t.entries {
                    let inner_what = format!("thresholds of `{}` in {what}", shown(&key.name));
                    if thresholds.contains_key(&key.name) {
                        self.error(key.span.start, format!("duplicate {inner_what}"));
                        continue;
                    }
                    let Some(mut tf) = self.table(value, &inner_what) else { continue };
                    let mut entry = Thresholds::default();
                    if let Some(r) = tf.take("review") {
                        entry.review = self.threshold(r, &FieldOf("review", &inner_what));
                    }
                    if let Some(b) = tf.take("block") {
                        entry.block = self.threshold(b, &FieldOf("block", &inner_what));
                    }
                    self.finish(tf, &inner_what, "review, block");
                    thresholds.insert(key.name.clone(), entry);
                }
            }
        }
        let model = match f.take("model") {
            Some(m) => self.boolean(m, &FieldOf("model", what)),
            None => None,
        };
        self.finish(f, what, "name, thresholds, model");
        let (name, _) = name?;
        Some(Profile {
            name,
            thresholds,
            model,
            origin: self.origin(node.span.start, &[("thresholds", thresholds_at)]),
        })
    }
}
