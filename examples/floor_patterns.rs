//! Prints the floor's patterns: the default lexicon's surface forms, lowercased, one a line.
//!
//! The same list the native floor builds (`bare_automaton` in benches/texts), for the WASM floor
//! of scripts/bench-wasm-floor, which reads them one a line: so no form may hold a line break, and
//! none may be empty (an empty pattern matches at every position).
//! Run: cargo run --release --example floor_patterns > target/wasm-floor/patterns.txt
#[path = "../benches/texts/mod.rs"]
mod texts;

use std::io::Write;

use prescreen::Lexicon;

fn main() -> Result<(), String> {
    let forms: Vec<String> =
        texts::surface_forms(&Lexicon::default_lexicon()).iter().map(|s| s.to_lowercase()).collect();
    if let Some(bad) = forms.iter().find(|f| f.is_empty() || f.contains(['\n', '\r'])) {
        return Err(format!("surface form {bad:?} is empty or holds a line break"));
    }
    let mut out = std::io::stdout().lock();
    for form in &forms {
        writeln!(out, "{form}").map_err(|e| format!("writing the patterns: {e}"))?;
    }
    eprintln!("floor_patterns: {} surface forms", forms.len());
    Ok(())
}
