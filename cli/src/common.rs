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
            let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|_| "the system clock is before 1970")?.as_secs();
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
        let text = fs::read_to_string(path).map_err(|e| format!("cannot read lexicon {path}: {e}"))?;
        builder = builder.add(path, &text, Format::from_path(path))?;
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
    /// The day `expires` dates are judged against [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

impl ScreenArgs {
    /// Loads the screener and checks that the profile exists (an unknown profile is a usage
    /// error, reported before any input is read).
    pub fn load(&self) -> Result<Screener, CliError> {
        let lexicon = load_lexicon(&self.lexicons, today(self.today.as_deref())?)?;
        let screener = if self.no_model { Screener::with_model(lexicon, None)? } else { Screener::new(lexicon)? };
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

