//! The floor in WASM: the native floor of benches/texts (`bare_automaton`, `bare_scan`) behind a
//! wasm-bindgen class, so benches/js/floor.mjs can time it beside pkg/'s `Screener`.
#![forbid(unsafe_code)]

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use wasm_bindgen::prelude::*;

/// One overlapping DFA over the given patterns.
#[wasm_bindgen]
pub struct Floor {
    ac: AhoCorasick,
}

#[wasm_bindgen]
impl Floor {
    /// Builds the DFA from patterns one a line (empty lines skipped: an empty pattern would match
    /// at every position).
    #[wasm_bindgen(constructor)]
    pub fn new(patterns: &str) -> Result<Floor, JsError> {
        let patterns = patterns.split('\n').filter(|p| !p.is_empty());
        let ac =
            AhoCorasick::builder().match_kind(MatchKind::Standard).kind(Some(AhoCorasickKind::DFA)).build(patterns)?;
        Ok(Floor { ac })
    }

    /// The number of overlapping matches in `text` (the text is copied in as UTF-8, as any scan
    /// from JS must).
    pub fn count(&self, text: &str) -> u32 {
        self.ac.find_overlapping_iter(text).count() as u32
    }
}
