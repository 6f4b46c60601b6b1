//! `prescreen lexicon suggest`: candidate new terms mined from labelled data (character n-grams
//! and English words over-represented in risky texts where the lexicon has no hit), and the
//! lexicon terms that cause false positives. Output for a policy person to review, never applied
//! automatically.

use std::collections::HashMap;
use std::process::ExitCode;

use clap::Args;
use prescreen::Screener;
use serde::Serialize;
use serde_json::{json, Value};

use crate::common::{CliError, ScreenArgs};
use crate::eval::snippet;
use crate::input::{InputArgs, InputFormat, Record};
use crate::pipeline;

/// Suggest candidate terms from labelled data, and list terms that cause false positives.
#[derive(Args)]
#[command(after_help = "\
Candidates are Chinese character n-grams (2–4 characters within a run of Han characters) and
English words (2+ letters, lowercased, common function words skipped) that occur in label-1 texts
outside every counted hit. Each is scored by the log-odds ratio of appearing in a label-1 vs a
label-0 text, with add-one smoothing (the prior), and ranked by its z-score (log-odds divided by
its standard error), so frequent and strongly skewed forms come first. An n-gram that only ever
occurs inside a longer candidate with the same counts is folded into it. Counts are texts, not
occurrences. The whole data set is held in memory (it is meant for labelled sets, not streams).

False-positive terms: lexicon terms with counted hits on label-0 texts, with the number of label-0
and label-1 texts they hit and examples.

Examples:
  prescreen lexicon suggest data/cn_labelled_dev.jsonl --top 40
  prescreen lexicon suggest labelled.jsonl --lexicon default --lexicon event.toml --min-count 5 --json")]
pub struct SuggestArgs {
    /// Labelled JSONL (`label` 1 risky, 0 benign).
    data: String,
    #[command(flatten)]
    screen: ScreenArgs,
    #[command(flatten)]
    input_args: InputArgs,
    /// JSON field holding the label.
    #[arg(long, default_value = "label", value_name = "NAME")]
    label_field: String,
    /// Minimum number of label-1 texts a candidate must appear in.
    #[arg(long, default_value_t = 3, value_name = "N")]
    min_count: u32,
    /// How many candidates (and false-positive terms) to list.
    #[arg(long, default_value_t = 30, value_name = "N")]
    top: usize,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// What one labelled text contributes.
struct Doc {
    label: bool,
    id: Value,
    text: String,
    /// Distinct candidate forms outside counted hits.
    grams: Vec<String>,
    /// Distinct (term, category, matched) of counted hits.
    hits: Vec<(String, String, String)>,
}

#[derive(Default)]
struct GramCount {
    risky: u32,
    benign: u32,
    examples: Vec<u32>,
}

#[derive(Serialize)]
struct Candidate {
    term: String,
    kind: &'static str,
    risky: u32,
    benign: u32,
    log_odds: f64,
    z: f64,
    examples: Vec<Value>,
}

#[derive(Default)]
struct TermCount {
    category: String,
    on_label_0: u32,
    on_label_1: u32,
    forms: HashMap<String, u32>,
    examples: Vec<u32>,
}

/// English words too common to be worth a reviewer's time.
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "for", "with", "by", "from", "as", "is",
    "are", "was", "were", "be", "been", "am", "it", "its", "this", "that", "these", "those", "i", "me", "my", "we",
    "our", "he", "him", "his", "she", "her", "they", "them", "their", "what", "which", "who", "so", "not", "no", "do",
    "does", "did", "have", "has", "had", "will", "would", "can", "could", "just", "all", "up", "out", "about", "than",
    "then", "there", "here", "rt", "amp", "http", "https", "co", "com", "www", "im", "u", "ur", "you", "your",
    "you're", "yours", "i'm", "it's", "don't", "dont", "like", "now", "get", "got", "go", "going", "know", "one",
    "how", "when", "why", "where", "some", "any", "more", "very", "too", "should", "shall", "may", "might", "must",
    "into", "over", "again", "also", "only", "even", "because", "being", "us",
];

/// Han characters that make poor n-gram edges (particles).
const EDGE_PARTICLES: &str = "的了是在吗呢吧啊着和与也就都而";

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Distinct candidate forms of a text, skipping any that overlap a counted hit (char spans).
fn grams(text: &str, covered: &[bool]) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_han(c) {
            let start = i;
            while i < chars.len() && is_han(chars[i]) {
                i += 1;
            }
            for s in start..i {
                for n in 2..=4 {
                    let e = s + n;
                    if e > i || covered[s..e].iter().any(|&x| x) {
                        continue;
                    }
                    if EDGE_PARTICLES.contains(chars[s]) || EDGE_PARTICLES.contains(chars[e - 1]) {
                        continue;
                    }
                    out.push(chars[s..e].iter().collect());
                }
            }
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '\'') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect::<String>().trim_end_matches('\'').to_lowercase();
            let word = word.strip_suffix("'s").unwrap_or(&word).to_string();
            if word.len() >= 2 && !covered[start..i].iter().any(|&x| x) && !STOPWORDS.contains(&word.as_str()) {
                out.push(word);
            }
        } else {
            i += 1;
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn scan_doc(screener: &Screener, profile: &str, label_field: &str, record: Record) -> Result<Option<Doc>, String> {
    let line = record.line;
    let Some((text, _, label)) = crate::eval::labelled(record.text, record.object, line, label_field)? else {
        return Ok(None);
    };
    let verdict = screener.scan_with_profile(&text, profile).expect("profile checked at start");
    let mut covered = vec![false; text.chars().count()];
    for h in &verdict.hits {
        let [s, e] = h.span.char;
        for c in covered.iter_mut().take(e).skip(s) {
            *c = true;
        }
    }
    let grams = if label { grams(&text, &covered) } else { grams(&text, &vec![false; covered.len()]) };
    let mut hits: Vec<(String, String, String)> =
        verdict.hits.iter().map(|h| (h.term.clone(), h.category.clone(), h.matched.clone())).collect();
    hits.sort();
    hits.dedup();
    Ok(Some(Doc { label, id: record.id, text: snippet(&text, 160), grams, hits }))
}

pub fn run(args: SuggestArgs) -> Result<ExitCode, CliError> {
    let mut input_args = args.input_args.clone();
    input_args.format = Some(InputFormat::Jsonl);
    let (reader, parser, settings) = input_args.open(Some(&args.data), args.screen.max_input_bytes)?;
    let screener = args.screen.load()?;
    let profile = args.screen.profile.as_str();
    let label_field = args.label_field.as_str();
    let mut docs: Vec<(bool, Value, String)> = Vec::new();
    let mut counts: HashMap<String, GramCount> = HashMap::new();
    let mut terms: HashMap<String, TermCount> = HashMap::new();
    let map = |raw| scan_doc(&screener, profile, label_field, parser.parse(raw));
    pipeline::run(reader, settings, map, |chunk: Vec<Result<Option<Doc>, String>>| {
        for doc in chunk {
            let Some(doc) = doc.map_err(|e| format!("{}: {e}", args.data))? else {
                continue;
            };
            let index = docs.len() as u32;
            for g in doc.grams {
                let c = counts.entry(g).or_default();
                if doc.label {
                    c.risky += 1;
                    if c.examples.len() < 2 {
                        c.examples.push(index);
                    }
                } else {
                    c.benign += 1;
                }
            }
            let mut seen: Vec<&str> = Vec::new();
            for (term, category, matched) in &doc.hits {
                let t = terms.entry(term.clone()).or_default();
                t.category.clone_from(category);
                *t.forms.entry(matched.clone()).or_default() += 1;
                if seen.contains(&term.as_str()) {
                    continue;
                }
                seen.push(term);
                if doc.label {
                    t.on_label_1 += 1;
                } else {
                    t.on_label_0 += 1;
                    if t.examples.len() < 3 {
                        t.examples.push(index);
                    }
                }
            }
            docs.push((doc.label, doc.id, doc.text));
        }
        Ok(())
    })?;
    let risky_docs = docs.iter().filter(|d| d.0).count() as f64;
    let benign_docs = docs.len() as f64 - risky_docs;
    if risky_docs == 0.0 {
        return Err(format!("{}: no label-1 texts to learn from", args.data).into());
    }
    let example = |i: &u32| -> Value {
        let (_, id, text) = &docs[*i as usize];
        json!({ "id": id, "text": text })
    };

    // Fold n-grams into a longer candidate with identical counts (they only occur inside it).
    let mut folded: Vec<&str> = Vec::new();
    for (g, c) in &counts {
        let n = g.chars().count();
        if c.risky < args.min_count || n < 3 || !g.chars().all(is_han) {
            continue;
        }
        let chars: Vec<char> = g.chars().collect();
        for sub in [&chars[..n - 1], &chars[1..]] {
            let sub: String = sub.iter().collect();
            if let Some((k, sc)) = counts.get_key_value(&sub) {
                if sc.risky == c.risky && sc.benign == c.benign {
                    folded.push(k.as_str());
                }
            }
        }
    }
    folded.sort_unstable();
    folded.dedup();

    let alpha = 1.0;
    let mut candidates: Vec<Candidate> = counts
        .iter()
        .filter(|(g, c)| c.risky >= args.min_count && folded.binary_search(&g.as_str()).is_err())
        .filter_map(|(g, c)| {
            let (r, b) = (c.risky as f64, c.benign as f64);
            let log_odds =
                ((r + alpha) / (risky_docs - r + alpha)).ln() - ((b + alpha) / (benign_docs - b + alpha)).ln();
            let var = 1.0 / (r + alpha)
                + 1.0 / (risky_docs - r + alpha)
                + 1.0 / (b + alpha)
                + 1.0 / (benign_docs - b + alpha);
            (log_odds > 0.0).then(|| Candidate {
                term: g.clone(),
                kind: if g.chars().next().is_some_and(is_han) { "zh-ngram" } else { "en-word" },
                risky: c.risky,
                benign: c.benign,
                log_odds: (log_odds * 1000.0).round() / 1000.0,
                z: (log_odds / var.sqrt() * 1000.0).round() / 1000.0,
                examples: c.examples.iter().map(example).collect(),
            })
        })
        .collect();
    candidates.sort_by(|a, b| b.z.total_cmp(&a.z).then(a.term.cmp(&b.term)));
    candidates.truncate(args.top);

    let mut fp_terms: Vec<(&String, &TermCount)> = terms.iter().filter(|(_, t)| t.on_label_0 > 0).collect();
    fp_terms.sort_by(|a, b| {
        b.1.on_label_0.cmp(&a.1.on_label_0).then(a.1.on_label_1.cmp(&b.1.on_label_1)).then(a.0.cmp(b.0))
    });
    fp_terms.truncate(args.top);
    let fp_json: Vec<Value> = fp_terms
        .iter()
        .map(|(term, t)| {
            let mut forms: Vec<(&String, &u32)> = t.forms.iter().collect();
            forms.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let total = t.on_label_0 + t.on_label_1;
            json!({
                "term": term, "category": t.category, "on_label_0": t.on_label_0, "on_label_1": t.on_label_1,
                "precision": ((t.on_label_1 as f64 / total as f64) * 10000.0).round() / 10000.0,
                "forms": forms.iter().take(8).map(|(f, n)| json!({ "matched": f, "count": n })).collect::<Vec<_>>(),
                "examples": t.examples.iter().map(example).collect::<Vec<_>>(),
            })
        })
        .collect();

    if args.json {
        let out = json!({
            "data": args.data, "texts": docs.len(), "label_1": risky_docs as u64, "label_0": benign_docs as u64,
            "candidates": candidates, "false_positive_terms": fp_json,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}: {} texts ({} label 1, {} label 0)", args.data, docs.len(), risky_docs, benign_docs);
    println!("\ncandidate terms (in label-1 texts, outside counted hits; min {} texts):", args.min_count);
    println!("  {:<20} {:>8} {:>7} {:>9} {:>7}  example", "term", "label 1", "label 0", "log-odds", "z");
    for c in &candidates {
        let ex = c.examples.first().and_then(|e| e["text"].as_str()).map(|t| snippet(t, 50)).unwrap_or_default();
        println!(
            "  {:<20} {:>8} {:>7} {:>9.2} {:>7.2}  {}",
            c.term,
            c.risky,
            c.benign,
            c.log_odds,
            c.z,
            ex.replace('\n', " ")
        );
    }
    println!("\nterms with false positives (hits on label-0 texts):");
    println!("  {:<28} {:<12} {:>7} {:>7} {:>9}  example", "term", "category", "label 0", "label 1", "precision");
    for v in &fp_json {
        let ex = v["examples"][0]["text"].as_str().map(|t| snippet(t, 50)).unwrap_or_default();
        println!(
            "  {:<28} {:<12} {:>7} {:>7} {:>8.1}%  {}",
            v["term"].as_str().unwrap_or(""),
            v["category"].as_str().unwrap_or(""),
            v["on_label_0"].as_u64().unwrap_or(0),
            v["on_label_1"].as_u64().unwrap_or(0),
            v["precision"].as_f64().unwrap_or(0.0) * 100.0,
            ex.replace('\n', " ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
