//! `prescreen lexicon …`: checking a lexicon (its examples and the case database), comparing two
//! (`diff`, in `diff.rs`) and suggesting terms (`suggest.rs`).

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;
use prescreen::check::{check_cases, check_examples, parse_cases, Case};
use prescreen::{Lexicon, Mode, Screener};

use crate::common::{load_lexicon, today, CliError};

/// The case database shipped with the default lexicon (`cases/*.jsonl`).
const DEFAULT_CASES: &[(&str, &str)] = &include!(concat!(env!("OUT_DIR"), "/default_cases.rs"));

/// Lexicon tools.
#[derive(Subcommand)]
pub enum LexiconCommand {
    /// Validate a lexicon and run every term's examples and the case database.
    #[command(after_help = "Packs, terms and rules whose `expires` day has passed are left out and listed as
warnings (not failures); so are those expiring within 14 days. Shadow terms' examples are looked
for in the verdict's `shadow` list.

Examples:
  prescreen lexicon check                      # the embedded default and its cases
  prescreen lexicon check my.toml --cases my-cases.jsonl
  prescreen lexicon check default event.toml   # a pack layered on the default
  prescreen lexicon check default event.toml --today 2026-12-20   # as it will be on that day")]
    Check {
        /// Lexicon files, layered in order (`default` is the embedded one; none: the default).
        files: Vec<String>,
        /// The day `expires` dates are judged against [default: today, UTC].
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<String>,
        /// Case files (JSONL) or folders of them; the default lexicon uses the embedded cases.
        #[arg(long = "cases", value_name = "PATH")]
        cases: Vec<String>,
        /// Print every failure (by default the first 50).
        #[arg(long)]
        all: bool,
    },
    /// Which texts of a corpus change decision or category between two lexicons, by term.
    Diff(crate::diff::DiffArgs),
    /// Suggest candidate terms from labelled data, and list terms that cause false positives.
    Suggest(crate::suggest::SuggestArgs),
}

pub fn run(cmd: LexiconCommand) -> Result<ExitCode, CliError> {
    match cmd {
        LexiconCommand::Check { files, today: day, cases, all } => check(&files, day.as_deref(), &cases, all),
        LexiconCommand::Diff(args) => crate::diff::run(args),
        LexiconCommand::Suggest(args) => crate::suggest::run(args),
    }
}

fn read_cases(paths: &[String]) -> Result<Vec<Case>, CliError> {
    let mut out = Vec::new();
    for path in paths {
        let p = Path::new(path);
        let mut files = Vec::new();
        if p.is_dir() {
            for entry in fs::read_dir(p).map_err(|e| format!("cannot read {path}: {e}"))? {
                let f = entry?.path();
                if f.extension().is_some_and(|e| e == "jsonl") {
                    files.push(f);
                }
            }
            files.sort();
        } else {
            files.push(p.to_path_buf());
        }
        for f in files {
            let name = f.display().to_string();
            let text = fs::read_to_string(&f).map_err(|e| format!("cannot read cases {name}: {e}"))?;
            out.extend(parse_cases(&name, &text)?);
        }
    }
    Ok(out)
}

/// Days ahead in which an expiring item is pointed out.
const EXPIRY_NOTICE_DAYS: i64 = 14;

/// Warnings about dates and modes: expired items (left out), items expiring soon, shadow items.
fn print_lifetimes(lexicon: &Lexicon, today: prescreen::Date) {
    for e in &lexicon.expired {
        println!("  warning: expired, ignored: {e}");
    }
    let soon =
        |d: prescreen::Date| Some(d.unix_days() - today.unix_days()).filter(|n| (0..=EXPIRY_NOTICE_DAYS).contains(n));
    let dated = lexicon
        .terms
        .iter()
        .map(|t| ("term", &t.id, t.expires))
        .chain(lexicon.rules.iter().map(|r| ("rule", &r.id, r.expires)));
    for (kind, id, expires) in dated {
        if let Some(d) = expires {
            if let Some(n) = soon(d) {
                println!("  note: {kind} `{id}` expires on {d} (in {n} days)");
            }
        }
    }
    let shadow_terms = lexicon.terms.iter().filter(|t| t.mode == Mode::Shadow).count();
    let shadow_rules = lexicon.rules.iter().filter(|r| r.mode == Mode::Shadow).count();
    if shadow_terms + shadow_rules > 0 {
        println!("  note: {shadow_terms} shadow terms and {shadow_rules} shadow rules are reported in `shadow`, never counted");
    }
}

fn check(files: &[String], day: Option<&str>, case_paths: &[String], all: bool) -> Result<ExitCode, CliError> {
    let today = today(day)?;
    let lexicon = match load_lexicon(files, today) {
        Ok(l) => l,
        Err(e) => {
            // A lexicon error is the check's finding: list every problem, then fail.
            eprintln!("lexicon check failed: {e}");
            if let Some(le) = e.downcast_ref::<prescreen::LexiconError>() {
                for d in le.diagnostics().iter().skip(1) {
                    eprintln!("  {d}");
                }
            }
            return Ok(ExitCode::from(1));
        }
    };
    let uses_default = files.is_empty() || files.iter().any(|f| f == "default");
    let mut cases = read_cases(case_paths)?;
    if case_paths.is_empty() && uses_default {
        for (name, text) in DEFAULT_CASES {
            cases.extend(parse_cases(name, text)?);
        }
    }
    // Examples and cases pin the lexicon's judgments, so they run on the lexicon alone; the
    // learned scorer is retrained from data and measured on labelled sets (docs/quality.md).
    // How many cases it would change is reported below, for information.
    let screener = match Screener::with_model(lexicon.clone(), None) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("lexicon check failed: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let lex = screener.lexicon();
    let entries: usize = lex.terms.iter().map(|t| 1 + t.variants.len()).sum();
    println!(
        "lexicon {} {}: {} categories, {} terms ({} entries with variants), {} rules, {} profiles",
        lex.name,
        lex.version,
        lex.categories.len(),
        lex.terms.len(),
        entries,
        lex.rules.len(),
        lex.profiles.len()
    );
    print_lifetimes(lex, today);
    let (mut failures, examples) = check_examples(&screener);
    failures.extend(check_cases(&screener, &cases));
    println!("ran {examples} term examples and {} cases: {} failed", cases.len(), failures.len());
    if let Ok(with_model) = Screener::new(lexicon) {
        if with_model.model().is_some() {
            let changed = cases
                .iter()
                .filter(|c| c.profile.is_none())
                .filter(|c| with_model.scan(&c.text).decision != screener.scan(&c.text).decision)
                .count();
            println!("(with the learned scorer on, {changed} of the cases would change decision)");
        }
    }
    let shown = if all { failures.len() } else { failures.len().min(50) };
    for f in &failures[..shown] {
        println!("  FAIL {f}");
    }
    if shown < failures.len() {
        println!("  … and {} more (use --all)", failures.len() - shown);
    }
    Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
