//! `prescreen train`: trains the learned scorer on labelled JSONL and writes a model file. The
//! training itself is `prescreen::model::train`; this reads the files, maps labels to heads,
//! reports progress on stderr and prints the validation table.

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::ExitCode;

use clap::Args;
use prescreen::model::train::{train, Example, Progress, TrainOptions};
use prescreen::Screener;

use crate::common::{load_lexicon, today, CliError};

/// Train the learned scorer on labelled JSONL (`text`, `label` 1 risky / 0 benign, optional
/// `category`) and write a model file.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  prescreen train data/train/*.jsonl -o model.bin --seed 7\n  prescreen train cn.jsonl en.jsonl -o model.bin --head fraud=spam --epochs 8"
)]
pub struct TrainArgs {
    /// Labelled JSONL files.
    #[arg(required = true)]
    data: Vec<String>,
    /// Where to write the model.
    #[arg(short, long, value_name = "FILE")]
    output: String,
    /// Seed of the validation split and the example order (same seed, same model bytes).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Passes over the training split.
    #[arg(long, default_value_t = 6)]
    epochs: u32,
    /// Fraction held apart for calibration, thresholds and the metrics table.
    #[arg(long, default_value_t = 0.1)]
    valid: f64,
    /// Hash space: 2^bits buckets.
    #[arg(long, default_value_t = 18)]
    bits: u8,
    /// Longest character n-gram (0: no character n-grams).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(0..=5))]
    max_ngram: u8,
    /// Category of risky texts without a `--head` match.
    #[arg(long, default_value = "hate")]
    category: String,
    /// Extra head `CATEGORY=LABEL,…`: risky texts whose `category` field is one of the labels
    /// train this head instead (the default model: `fraud=spam`).
    #[arg(long, value_name = "CATEGORY=LABELS")]
    head: Vec<String>,
    /// Fixed review threshold (calibrated probability) instead of the best F1 on validation.
    #[arg(long)]
    review: Option<f64>,
    /// Precision floor when choosing the review threshold on validation.
    #[arg(long, default_value_t = 0.0)]
    min_precision: f64,
    /// Calibrated probability at or above which the model alone may block.
    #[arg(long, default_value_t = 0.97)]
    block: f64,
    /// Smallest quantized weight magnitude kept (1..=127).
    #[arg(long, default_value_t = 2)]
    prune: u8,
    /// Without word features (char n-grams and lexicon hits only).
    #[arg(long)]
    no_words: bool,
    /// Without jieba word features for Chinese (UAX #29 words for other text stay).
    #[arg(long)]
    no_han_words: bool,
    /// Lexicon whose hits are features; repeat to layer; `default` names the embedded one.
    #[arg(long = "lexicon", value_name = "FILE")]
    lexicons: Vec<String>,
}

pub fn run(args: TrainArgs) -> Result<ExitCode, CliError> {
    let mut heads = vec![args.category.clone()];
    let mut routes: Vec<(String, usize)> = Vec::new();
    for spec in &args.head {
        let (category, labels) =
            spec.split_once('=').ok_or_else(|| format!("--head {spec:?}: expected CATEGORY=LABEL,…"))?;
        heads.push(category.to_string());
        routes.extend(labels.split(',').map(|l| (l.trim().to_string(), heads.len() - 1)));
    }

    let mut examples = Vec::new();
    for path in &args.data {
        let file = fs::File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        for (n, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| format!("cannot read {path}: {e}"))?;
            if line.trim().is_empty() {
                continue;
            }
            let row: serde_json::Value = serde_json::from_str(&line).map_err(|e| format!("{path}:{}: {e}", n + 1))?;
            let text = row["text"].as_str().ok_or_else(|| format!("{path}:{}: no string field `text`", n + 1))?;
            let label = match &row["label"] {
                serde_json::Value::Number(x) => x.as_f64().unwrap_or(0.0) >= 0.5,
                serde_json::Value::Bool(b) => *b,
                _ => return Err(format!("{path}:{}: `label` must be 0/1 or a boolean", n + 1).into()),
            };
            let category = row["category"].as_str().unwrap_or("");
            let target = label.then(|| routes.iter().find(|(l, _)| l == category).map_or(0, |r| r.1));
            examples.push(Example { text: text.to_string(), target });
        }
        eprintln!("read {path}: {} examples so far", examples.len());
    }

    let screener = Screener::with_model(load_lexicon(&args.lexicons, today(None)?)?, None)?;
    let options = TrainOptions {
        heads,
        seed: args.seed,
        epochs: args.epochs,
        valid: args.valid,
        bits: args.bits,
        max_ngram: args.max_ngram,
        words: !args.no_words,
        han_words: !args.no_words && !args.no_han_words,
        prune: args.prune,
        block: args.block,
        review: args.review,
        min_precision: args.min_precision,
        ..TrainOptions::default()
    };
    let trained = train(&screener, &examples, &options, &mut |p| match p {
        Progress::Features { done, total } => eprint!("\rfeatures: {done}/{total}"),
        Progress::Epoch { epoch, loss } => {
            eprintln!("{}epoch {epoch}: loss {loss:.4}", if epoch == 1 { "\n" } else { "" })
        }
    })?;
    let bytes = trained.model.to_bytes();
    fs::write(&args.output, &bytes).map_err(|e| format!("cannot write {}: {e}", args.output))?;
    eprintln!("wrote {} ({} bytes)", args.output, bytes.len());
    print!("{}", trained.report);
    Ok(ExitCode::SUCCESS)
}
