//! `prescreen`: screen texts from the command line — one text, batches, evaluation against labels,
//! reports and lexicon tools. A thin layer over the `prescreen` crate: it reads files, parses
//! options and prints; the judging is all in the core.

mod batch;
mod common;
mod diff;
mod eval;
mod input;
mod lexicon_cmd;
mod pipeline;
mod report;
mod resume;
mod scan;
mod suggest;
mod svg;
mod train;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Fast, explainable pre-screening of Chinese and English text for content risk.
#[derive(Parser)]
#[command(name = "prescreen", version, about, long_about = None)]
#[command(
    after_help = "Examples:\n  prescreen scan \"出冰毒，加微信\"\n  echo \"f u c k you\" | prescreen scan --json\n  prescreen batch posts.jsonl -o results.jsonl\n  prescreen eval labelled.jsonl --lexicon my.toml\n  prescreen report results.jsonl -o report.html\n  prescreen lexicon check\n  prescreen lexicon diff default default+event.toml --corpus posts.jsonl\n  prescreen lexicon suggest labelled.jsonl --top 50"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Scan(scan::ScanArgs),
    Batch(batch::BatchArgs),
    Eval(eval::EvalArgs),
    Report(report::ReportArgs),
    Train(train::TrainArgs),
    #[command(subcommand)]
    Lexicon(lexicon_cmd::LexiconCommand),
}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Report(args) => report::run(args),
        Command::Train(args) => train::run(args),
        Command::Lexicon(cmd) => lexicon_cmd::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("prescreen: {e}");
            ExitCode::from(2)
        }
    }
}

/// Dies quietly on a closed pipe (`prescreen eval data.jsonl | head`), as command-line tools do:
/// Rust ignores SIGPIPE, so a write to a closed stdout would otherwise panic in `println!`.
#[cfg(unix)]
fn restore_sigpipe() {
    // SAFETY: setting a signal's disposition to its default at the start of `main`, before any
    // thread exists, has no precondition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}
