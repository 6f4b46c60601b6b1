//! What several commands share: loading the (layered) lexicon named by `--lexicon` options, for
//! the day given by `--today` (else the system clock's UTC date).

use std::fs;
use std::time::{SystemTime, UNIX_EPOCH};

use prescreen::{Date, Format, Lexicon, LexiconBuilder, Screener};

/// An error that ends the command with exit code 2 (usage or input problems).
pub type CliError = Box<dyn std::error::Error>;

/// The day lexicon `expires` dates are judged against: `--today YYYY-MM-DD`, else today's UTC
/// date from the system clock (the core has no clock of its own).
pub fn today(arg: Option<&str>) -> Result<Date, CliError> {
    match arg {
        Some(s) => Ok(s.parse().map_err(|e| format!("--today: {e}"))?),
        None => {
            let secs =
                SystemTime::now().duration_since(UNIX_EPOCH).map_err(|_| "the system clock is before 1970")?.as_secs();
            Ok(Date::from_unix_days((secs / 86_400) as i64))
        }
    }
}

/// `--lexicon` options: none means the embedded default; `default` names it; files are layered in
/// order, later ones adding to or overriding earlier ones by id. Items whose `expires` day is
/// before `today` are left out.
pub fn load_lexicon(paths: &[String], today: Date) -> Result<Lexicon, CliError> {
    if paths.is_empty() {
        return Ok(LexiconBuilder::new().try_add_default()?.today(today).build()?);
    }
    let mut builder = LexiconBuilder::new().today(today);
    for path in paths {
        if path == "default" {
            builder = builder.try_add_default()?;
            continue;
        }
        let bytes = fs::read(path).map_err(|e| format!("cannot read lexicon {path}: {e}"))?;
        builder = builder.add_bytes(path, &bytes, Format::from_path(path))?;
    }
    Ok(builder.build()?)
}

/// The lexicon and profile options every screening command takes.
#[derive(clap::Args, Debug, Clone)]
pub struct ScreenArgs {
    /// Lexicon file (TOML or JSON); repeat to layer; `default` names the embedded one.
    #[arg(long = "lexicon", value_name = "FILE")]
    pub lexicons: Vec<String>,
    /// Profile whose thresholds apply.
    #[arg(long, default_value = "default")]
    pub profile: String,
    /// Lexicon only: leave the learned scorer out (as `[lexicon] model = false` does).
    #[arg(long)]
    pub no_model: bool,
    /// When results list the learned scorer's top features (`model.features`): only when the
    /// model flags the text, or on every text.
    #[arg(long, value_enum, default_value = "flagged", value_name = "WHEN")]
    pub model_features: ModelFeaturesArg,
    /// The day `expires` dates are judged against [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Longest text screened, in bytes of UTF-8 (suffixes K, M, G: KiB, MiB, GiB); a longer
    /// record gets an error instead of a result.
    #[arg(long, value_name = "N", default_value = "16M", value_parser = parse_bytes)]
    pub max_input_bytes: usize,
}

/// `--model-features`: when results list the learned scorer's features.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelFeaturesArg {
    /// When the model alone would ask for review or block.
    Flagged,
    /// On every text.
    Always,
}

impl From<ModelFeaturesArg> for prescreen::ModelFeatures {
    fn from(arg: ModelFeaturesArg) -> Self {
        match arg {
            ModelFeaturesArg::Flagged => prescreen::ModelFeatures::Flagged,
            ModelFeaturesArg::Always => prescreen::ModelFeatures::Always,
        }
    }
}

/// Parses a byte count: digits with an optional K, M or G (KiB, MiB, GiB; `16M`, `100MiB`).
pub fn parse_bytes(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("`{s}` is not a byte count (like 1000000, 512K, 16M or 1G)")),
    };
    let n: usize = number.parse().map_err(|_| format!("`{s}` is not a byte count (like 1000000, 512K, 16M or 1G)"))?;
    let n = n.checked_shl(shift).filter(|v| v >> shift == n).ok_or_else(|| format!("`{s}` is too large"))?;
    if n > prescreen::MAX_INPUT_BYTES_LIMIT {
        return Err(format!("`{s}` is above the engine's limit of {} bytes (2G)", prescreen::MAX_INPUT_BYTES_LIMIT));
    }
    Ok(n)
}

/// The CLI's words for an input over the cap.
pub fn scan_error(e: prescreen::ScanError) -> CliError {
    match e {
        prescreen::ScanError::InputTooLong { .. } => format!("{e}; raise it with --max-input-bytes").into(),
        e => e.into(),
    }
}

impl ScreenArgs {
    /// Loads the screener and checks that the profile exists (an unknown profile is a usage
    /// error, reported before any input is read).
    pub fn load(&self) -> Result<Screener, CliError> {
        let lexicon = load_lexicon(&self.lexicons, today(self.today.as_deref())?)?;
        let screener = if self.no_model { Screener::with_model(lexicon, None)? } else { Screener::new(lexicon)? };
        let screener =
            screener.with_max_input_bytes(self.max_input_bytes).with_model_features(self.model_features.into());
        screener.scan_with_profile("", &self.profile)?;
        Ok(screener)
    }
}

/// Creates (truncates) an output file, or stdout for `None` / `-`, buffered.
pub fn create_output(path: Option<&str>) -> Result<Box<dyn std::io::Write>, CliError> {
    match path {
        None | Some("-") => Ok(Box::new(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()))),
        Some(p) => {
            let file = fs::File::create(p).map_err(|e| format!("cannot write {p}: {e}"))?;
            Ok(Box::new(std::io::BufWriter::with_capacity(1 << 16, file)))
        }
    }
}
