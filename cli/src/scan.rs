//! `prescreen scan`: one text, from the argument or stdin.

use std::io::Read;
use std::process::ExitCode;

use clap::Args;

use crate::common::{scan_error, CliError, ScreenArgs};

/// Screen one text (the argument, or stdin) and print the verdict.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  prescreen scan \"bing du 到货，加v\"\n  prescreen scan --json --profile minors < post.txt\n  prescreen scan --model-features always \"今天天气不错\"   # the learned scorer's evidence even when it passes\n  prescreen scan --lexicon default --lexicon event.toml \"蓝精灵糖\"\n  prescreen scan --lexicon default --lexicon event.toml --today 2026-12-20 \"…\"   # as on that day"
)]
pub struct ScanArgs {
    /// The text (read from stdin when absent).
    text: Option<String>,
    #[command(flatten)]
    screen: ScreenArgs,
    /// Print the JSON result instead of a summary.
    #[arg(long)]
    json: bool,
}

pub fn run(args: ScanArgs) -> Result<ExitCode, CliError> {
    let screener = args.screen.load()?;
    let max = args.screen.max_input_bytes;
    let text = match args.text {
        Some(t) => t,
        None => {
            // Read at most one byte past the cap: a huge stdin is refused, not buffered.
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(max as u64 + 2) // the cap, a final newline, and one byte to tell "over"
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            if bytes.last() == Some(&b'\n') {
                bytes.pop();
            }
            if bytes.len() > max {
                return Err(format!(
                    "input too long: stdin has more than {max} bytes, the limit; raise it with --max-input-bytes"
                )
                .into());
            }
            String::from_utf8(bytes).map_err(|e| format!("stdin is not UTF-8: {}", e.utf8_error()))?
        }
    };
    let verdict = screener.try_scan_with_profile(&text, &args.screen.profile).map_err(scan_error)?;
    if args.json {
        println!("{}", serde_json::to_string(&verdict)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "decision: {}  score: {:.2}  (lexicon {} {}, profile {})",
        verdict.decision, verdict.score, verdict.lexicon.name, verdict.lexicon.version, verdict.profile
    );
    for (category, s) in &verdict.categories {
        println!("  category {category}: {:.2} {}", s.score, s.decision);
    }
    for hit in &verdict.hits {
        let via: Vec<&str> = hit.via.iter().map(|k| k.name()).collect();
        println!(
            "  hit {:?} [{}..{}] {} {} {} w={:.2}{}{}",
            hit.matched,
            hit.span.char[0],
            hit.span.char[1],
            hit.term,
            hit.category,
            hit.signal,
            hit.weight,
            if via.is_empty() { String::new() } else { format!(" via {}", via.join("+")) },
            hit.policy.as_deref().map(|p| format!(" policy {p}")).unwrap_or_default(),
        );
    }
    for hit in &verdict.shadow {
        println!(
            "  shadow (not counted) {:?} [{}..{}] {} {} {} w={:.2}",
            hit.matched, hit.span.char[0], hit.span.char[1], hit.term, hit.category, hit.signal, hit.weight
        );
    }
    if let Some(o) = &verdict.shadow_outcome {
        println!("  with the shadow terms live: {} {:.2}", o.decision, o.score);
    }
    for s in &verdict.suppressed {
        println!(
            "  not counted {:?} [{}..{}] {}: {:?} {}",
            s.matched, s.span.char[0], s.span.char[1], s.term, s.reason, s.detail
        );
    }
    if let Some(m) = &verdict.model {
        println!("  learned scorer: {} {:.3} (alone: {})", m.category, m.score, m.decision);
        for f in &m.features {
            println!("    feature {:?} [{}..{}] +{:.3}", f.text, f.span.char[0], f.span.char[1], f.weight);
        }
    }
    Ok(ExitCode::SUCCESS)
}
