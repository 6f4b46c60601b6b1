//! A format-neutral document tree with byte spans, so that TOML and JSON lexicons share one reader
//! and every error — even a semantic one such as an unknown category — can name line and column.

use std::ops::Range;

/// A parsed value with the byte range it came from.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub(crate) enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    #[allow(dead_code)] // kept so a boolean field can be read when the format grows one
    Bool(bool),
    /// A TOML local date (`expires = 2026-12-31`), as `YYYY-MM-DD`.
    Date(String),
    /// A value of a type the lexicon never uses (a TOML date-time); kept so the error can say so.
    Other(&'static str),
    Array(Vec<Node>),
    /// Keys keep their own spans (for "unknown field" errors); order is the document's.
    Table(Vec<(Key, Node)>),
}

#[derive(Debug, Clone)]
pub(crate) struct Key {
    pub name: String,
    pub span: Range<usize>,
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Bool(_) => "a boolean",
            Value::Date(_) => "a date",
            Value::Other(name) => name,
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

/// Builds the tree from TOML. Syntax errors keep the parser's span.
pub(crate) fn from_toml(text: &str) -> Result<Node, (Range<usize>, String)> {
    use toml::de::{DeTable, DeValue};

    fn convert(value: &toml::Spanned<DeValue<'_>>) -> Node {
        let span = value.span();
        let value = match value.get_ref() {
            DeValue::String(s) => Value::Str(s.to_string()),
            DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                Ok(n) => Value::Int(n),
                Err(_) => Value::Other("an integer out of range"),
            },
            DeValue::Float(f) => match f.as_str().replace('_', "").parse::<f64>() {
                Ok(x) => Value::Float(x),
                Err(_) => Value::Other("a special float"),
            },
            DeValue::Boolean(b) => Value::Bool(*b),
            DeValue::Datetime(d) if d.date.is_some() && d.time.is_none() => Value::Date(d.to_string()),
            DeValue::Datetime(_) => Value::Other("a datetime"),
            DeValue::Array(items) => Value::Array(items.iter().map(convert).collect()),
            DeValue::Table(table) => Value::Table(convert_table(table)),
        };
        Node { span, value }
    }

    fn convert_table(table: &DeTable<'_>) -> Vec<(Key, Node)> {
        let mut entries: Vec<(Key, Node)> = table
            .iter()
            .map(|(k, v)| {
                let key = Key { name: k.get_ref().to_string(), span: k.span() };
                (key, convert(v))
            })
            .collect();
        // The map is ordered by key; restore document order so "first error" means first in file.
        entries.sort_by_key(|(k, _)| k.span.start);
        entries
    }

    let root = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        (span, e.message().trim().to_string())
    })?;
    let span = root.span();
    Ok(Node { span, value: Value::Table(convert_table(root.get_ref())) })
}

/// Deepest nesting of arrays and objects a JSON lexicon may have (a real one needs 4). Both the
/// span-tracking parser below and dropping the tree recurse, so a file of a million `[` must be
/// refused before them, not overflow the stack.
const MAX_JSON_DEPTH: usize = 64;

/// Builds the tree from JSON. `serde_json` checks the syntax first (its messages are good); the
/// small span-tracking parser below then only ever sees valid JSON.
pub(crate) fn from_json(text: &str) -> Result<Node, (Range<usize>, String)> {
    if let Some(at) = too_deep(text.as_bytes()) {
        return Err((at..at, format!("arrays and objects nested deeper than {MAX_JSON_DEPTH} levels")));
    }
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let offset = offset_of(text, e.line(), e.column());
        let message = e.to_string();
        // serde_json appends " at line X column Y"; we report the position ourselves.
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        return Err((offset..offset, message));
    }
    let mut parser = JsonParser { text: text.as_bytes(), src: text, pos: 0, error: None };
    parser.skip_ws();
    let root = parser.value();
    match parser.error {
        Some(e) => Err(e),
        None => Ok(root),
    }
}

/// The offset of the first `[` or `{` nested deeper than [`MAX_JSON_DEPTH`], outside strings.
fn too_deep(text: &[u8]) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in text.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Byte offset of a 1-based line and column as serde_json counts them: the column in bytes (a
/// line with Chinese text before the error would otherwise point past the end of the line).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let mut at = column.saturating_sub(1).min(l.len());
            while !l.is_char_boundary(at) {
                at -= 1;
            }
            return offset + at;
        }
        offset += l.len();
    }
    text.len()
}

struct JsonParser<'a> {
    text: &'a [u8],
    src: &'a str,
    pos: usize,
    /// The first string serde_json let through but cannot decode (a lone surrogate escape such
    /// as `\ud800`: skipping a value does not check them).
    error: Option<(Range<usize>, String)>,
}

impl JsonParser<'_> {
    fn skip_ws(&mut self) {
        while self.pos < self.text.len() && matches!(self.text[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Node {
        let start = self.pos;
        let value = match self.text[self.pos] {
            b'{' => {
                self.pos += 1;
                let mut entries = Vec::new();
                loop {
                    self.skip_ws();
                    if self.text[self.pos] == b'}' {
                        self.pos += 1;
                        break;
                    }
                    if self.text[self.pos] == b',' {
                        self.pos += 1;
                        continue;
                    }
                    let key_start = self.pos;
                    let name = self.string();
                    let key = Key { name, span: key_start..self.pos };
                    self.skip_ws();
                    self.pos += 1; // ':'
                    self.skip_ws();
                    let value = self.value();
                    entries.push((key, value));
                }
                Value::Table(entries)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.text[self.pos] {
                        b']' => {
                            self.pos += 1;
                            break;
                        }
                        b',' => self.pos += 1,
                        _ => items.push(self.value()),
                    }
                }
                Value::Array(items)
            }
            b'"' => Value::Str(self.string()),
            b't' => {
                self.pos += 4;
                Value::Bool(true)
            }
            b'f' => {
                self.pos += 5;
                Value::Bool(false)
            }
            b'n' => {
                self.pos += 4;
                Value::Other("null")
            }
            _ => {
                while self.pos < self.text.len()
                    && matches!(self.text[self.pos], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    self.pos += 1;
                }
                let number = &self.src[start..self.pos];
                match number.parse::<i64>() {
                    Ok(n) => Value::Int(n),
                    Err(_) => Value::Float(number.parse::<f64>().unwrap_or(f64::NAN)),
                }
            }
        };
        Node { span: start..self.pos, value }
    }

    /// A string literal starting at the current `"`. serde_json already validated it.
    fn string(&mut self) -> String {
        let start = self.pos;
        self.pos += 1;
        while self.text[self.pos] != b'"' {
            if self.text[self.pos] == b'\\' {
                self.pos += 1;
            }
            self.pos += 1;
        }
        self.pos += 1;
        let literal = &self.src[start..self.pos];
        serde_json::from_str(literal).unwrap_or_else(|e| {
            let message = e.to_string();
            let message = message.rfind(" at line ").map_or(message.as_str(), |i| &message[..i]).to_string();
            let hint = if literal.contains("\\u") {
                "; a `\\u` escape must encode a character, not half of a surrogate pair"
            } else {
                ""
            };
            self.error.get_or_insert((start..start, format!("invalid string: {message}{hint}")));
            String::new()
        })
    }
}
