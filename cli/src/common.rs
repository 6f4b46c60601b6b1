//! What several commands share: loading the (layered) lexicon named by `--lexicon` options.

use std::fs;

use prescreen::{Format, Lexicon, LexiconBuilder, Screener};

/// An error that ends the command with exit code 2 (usage or input problems).
pub type CliError = Box<dyn std::error::Error>;

/// `--lexicon` options: none means the embedded default; `default` names it; files are layered in
/// order, later ones adding to or overriding earlier ones by id.
pub fn load_lexicon(paths: &[String]) -> Result<Lexicon, CliError> {
    if paths.is_empty() {
        return Ok(LexiconBuilder::new().try_add_default()?.build()?);
    }
    let mut builder = LexiconBuilder::new();
    for path in paths {
        if path == "default" {
            builder = builder.try_add_default()?;
            continue;
        }
        let text = fs::read_to_string(path).map_err(|e| format!("cannot read lexicon {path}: {e}"))?;
        builder = builder.add(path, &text, Format::from_path(path))?;
    }
    Ok(builder.build()?)
}

/// Loads the lexicon and compiles it.
pub fn load_screener(paths: &[String]) -> Result<Screener, CliError> {
    Ok(Screener::new(load_lexicon(paths)?)?)
}
