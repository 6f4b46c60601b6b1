//! Lexicon errors: every problem names the file, line and column.

use std::fmt;

/// One problem found in a lexicon file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file (or source name) the problem is in.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// What is wrong, lowercase, without a trailing period.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

/// A lexicon that could not be loaded. Nothing of it was loaded: a lexicon is all or nothing.
///
/// It holds every problem found (at least one), in file order. `Display` shows the first one and
/// how many more there are; iterate [`LexiconError::diagnostics`] for all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconError {
    diagnostics: Vec<Diagnostic>,
}

impl LexiconError {
    pub(crate) fn new(mut diagnostics: Vec<Diagnostic>) -> LexiconError {
        assert!(!diagnostics.is_empty(), "a lexicon error needs at least one diagnostic");
        diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        diagnostics.dedup();
        LexiconError { diagnostics }
    }

    /// Every problem found, in file order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The first problem.
    pub fn first(&self) -> &Diagnostic {
        &self.diagnostics[0]
    }
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.diagnostics[0])?;
        match self.diagnostics.len() {
            1 => Ok(()),
            2 => write!(f, " (and 1 more problem)"),
            n => write!(f, " (and {} more problems)", n - 1),
        }
    }
}

impl std::error::Error for LexiconError {}

/// Maps byte offsets of a source text to line and column, and knows the file name.
///
/// A source may be the concatenation of several files (the embedded default lexicon is); then
/// positions are reported in the part they fall in.
#[derive(Debug, Clone)]
pub(crate) struct SourceMap {
    parts: Vec<(String, usize)>, // (file name, byte offset where the part starts)
    text: std::sync::Arc<str>,
    /// Byte offset of the start of every line of `text`: a position is found by binary search
    /// (every term records positions; counting newlines each time made reading the default
    /// lexicon quadratic — measured: half of the default screener's build time).
    lines: Vec<usize>,
}

impl SourceMap {
    fn new(parts: Vec<(String, usize)>, text: &str) -> SourceMap {
        let lines = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        SourceMap { parts, text: text.into(), lines }
    }

    pub fn single(name: &str, text: &str) -> SourceMap {
        SourceMap::new(vec![(name.to_string(), 0)], text)
    }

    pub fn concatenated(parts: &[(&str, &str)]) -> (SourceMap, String) {
        let mut starts = Vec::new();
        let text = SourceMap::join(parts, |name, at| starts.push((name.to_string(), at)));
        (SourceMap::new(starts, &text), text)
    }

    /// The parts as one text (each ending with a newline), calling `start(name, offset)` for each.
    pub fn join(parts: &[(&str, &str)], mut start: impl FnMut(&str, usize)) -> String {
        let mut text = String::with_capacity(parts.iter().map(|(_, p)| p.len() + 1).sum());
        for (name, part) in parts {
            start(name, text.len());
            text.push_str(part);
            if !part.ends_with('\n') {
                text.push('\n');
            }
        }
        text
    }

    pub fn diagnostic(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let offset = offset.min(self.text.len());
        let (file, start) = self
            .parts
            .iter()
            .rev()
            .find(|(_, start)| *start <= offset)
            .cloned()
            .unwrap_or_else(|| (self.parts[0].0.clone(), 0));
        let offset = floor_char_boundary(&self.text, offset);
        // Lines of the whole text before `offset`, minus those before the part's start.
        let line_of = |at: usize| self.lines.partition_point(|&l| l <= at) - 1;
        let line = line_of(offset) - line_of(start) + 1;
        let line_start = self.lines[line_of(offset)].max(start);
        let column = self.text[line_start..offset].chars().count() + 1;
        Diagnostic { file, line, column, message: message.into() }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
