//! `prescreen eval`: precision, recall and F1 of the screener against labelled data (with the
//! model: lexicon only, model only and combined), with a confusion table, a threshold sweep and
//! the worst mistakes with their evidence.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use clap::Args;
use prescreen::{Decision, Screener, Verdict};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::common::{CliError, ScreenArgs};
use crate::input::{json_kind, InputArgs, Record};
use crate::pipeline;

/// Measure the screener against labelled JSONL: `label` 1 (risky) or 0 (benign), optional
/// `category`.
#[derive(Args)]
#[command(after_help = "\
Definitions:
  flagged        decision review or block (the \"block only\" figures count block alone)
  by source      shown only when the learned scorer is on: flagged by the lexicon alone (same
                 lexicon and profile, model off), by the model alone (its own decision,
                 `model.decision`), and combined (the verdict's decision: the overall line)
  sweep          flagged = overall score >= threshold, thresholds 0.05, 0.10 … 1.00
  per data category   texts whose `category` field is C, overall flag vs label
  per lexicon category  texts with a counted hit in lexicon category C: how many are label 1
                 (precision); when the data also uses C in `category`, recall = label-1 texts of
                 category C that have a hit in C / all label-1 texts of category C
  false positive label 0 but flagged (worst: highest score first)
  false negative label 1 but passed (worst: lowest score first, then input order)
Empty lines are skipped; any other line without a usable text or label is an error (exit 2).

Examples:
  prescreen eval data/cn_labelled_dev.jsonl
  prescreen eval labelled.jsonl --lexicon default --lexicon event.toml --profile minors --json > eval.json
  prescreen eval labelled.jsonl --label-field is_toxic --top 20")]
pub struct EvalArgs {
    /// Labelled JSONL file (`-` for stdin).
    data: String,
    #[command(flatten)]
    screen: ScreenArgs,
    #[command(flatten)]
    input_args: InputArgs,
    /// JSON field holding the label (1 / true: risky; 0 / false: benign).
    #[arg(long, default_value = "label", value_name = "NAME")]
    label_field: String,
    /// JSON field holding the (optional) category of the text.
    #[arg(long, default_value = "category", value_name = "NAME")]
    category_field: String,
    /// How many false positives and false negatives to show.
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
    /// Print everything as one JSON object.
    #[arg(long)]
    json: bool,
}

/// What eval keeps of one scanned text.
struct Row {
    label: bool,
    category: Option<String>,
    score: f64,
    decision: Decision,
    /// The lexicon's and the model's decisions on their own; `None` without a model.
    sources: Option<Sources>,
    hit_categories: BTreeSet<String>,
    /// Evidence, only kept while the row may still be among the worst mistakes.
    example: Option<Example>,
}

/// The decisions of the lexicon alone and of the model alone on one text.
#[derive(Clone, Copy)]
struct Sources {
    lexicon: Decision,
    model: Decision,
}

/// A mistake shown to the user.
#[derive(Serialize, Clone)]
struct Example {
    id: Value,
    line: u64,
    score: f64,
    decision: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<String>,
    text: String,
    hits: Vec<Value>,
    suppressed: Vec<Value>,
}

/// True/false positives/negatives with the figures derived from them.
#[derive(Serialize, Default, Clone, Copy)]
struct Counts {
    tp: u64,
    fp: u64,
    #[serde(rename = "fn")]
    fn_: u64,
    tn: u64,
}

impl Counts {
    fn add(&mut self, label: bool, flagged: bool) {
        match (label, flagged) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn f1(&self) -> Option<f64> {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
    fn flag_rate(&self) -> Option<f64> {
        ratio(self.tp + self.fp, self.tp + self.fp + self.fn_ + self.tn)
    }
    fn to_json(self) -> Value {
        json!({
            "tp": self.tp, "fp": self.fp, "fn": self.fn_, "tn": self.tn,
            "precision": round(self.precision()), "recall": round(self.recall()),
            "f1": round(self.f1()), "flag_rate": round(self.flag_rate()),
        })
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn round(x: Option<f64>) -> Option<f64> {
    x.map(|x| (x * 10000.0).round() / 10000.0)
}

/// A labelled record: its text, its JSON object and its label.
pub type Labelled = (String, serde_json::Map<String, Value>, bool);

/// Reads the label: 1/0, true/false, "1"/"0".
/// The text, the JSON object and the label of a labelled record; `None` for an empty line
/// (skipped), an error naming the line for anything else that is missing.
pub fn labelled(
    text: Result<String, String>,
    object: Option<serde_json::Map<String, Value>>,
    line: u64,
    label_field: &str,
) -> Result<Option<Labelled>, String> {
    let text = match text {
        Ok(t) => t,
        Err(e) if e == "empty line" => return Ok(None),
        Err(e) => return Err(format!("line {line}: {e}")),
    };
    let object = object.unwrap_or_default();
    let label = parse_label(object.get(label_field), label_field).map_err(|e| format!("line {line}: {e}"))?;
    Ok(Some((text, object, label)))
}

/// Reads a label: 1 / 0 as a number, string or boolean.
pub fn parse_label(v: Option<&Value>, field: &str) -> Result<bool, String> {
    match v {
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::Number(n)) if n.as_f64() == Some(1.0) => Ok(true),
        Some(Value::Number(n)) if n.as_f64() == Some(0.0) => Ok(false),
        Some(Value::String(s)) if s == "1" => Ok(true),
        Some(Value::String(s)) if s == "0" => Ok(false),
        Some(other) => Err(format!("field {field:?} must be 1 or 0, not {}", compact(other))),
        None => Err(format!("no field {field:?}")),
    }
}

fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("a JSON {}", json_kind(v))
    } else {
        s
    }
}

/// Shortens a text for display.
pub fn snippet(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max_chars).collect();
    s.push('…');
    s
}

/// A hit as shown in evidence: the fields a reviewer checks.
pub fn hit_evidence(verdict: &Verdict) -> (Vec<Value>, Vec<Value>) {
    let hits = verdict
        .hits
        .iter()
        .map(|h| {
            json!({ "term": h.term, "category": h.category, "signal": h.signal, "weight": h.weight,
                    "matched": h.matched, "via": h.via, "span": { "char": h.span.char } })
        })
        .collect();
    let suppressed = verdict
        .suppressed
        .iter()
        .map(|s| json!({ "term": s.term, "matched": s.matched, "reason": s.reason, "detail": s.detail }))
        .collect();
    (hits, suppressed)
}

pub fn run(args: EvalArgs) -> Result<ExitCode, CliError> {
    let mut input_args = args.input_args.clone();
    input_args.format = Some(crate::input::InputFormat::Jsonl);
    let (reader, parser, settings) = input_args.open(Some(&args.data), args.screen.max_input_bytes)?;
    let screener = args.screen.load()?;
    let profile = args.screen.profile.as_str();
    let (label_field, category_field) = (args.label_field.as_str(), args.category_field.as_str());
    let top = args.top;

    let mut rows: Vec<Row> = Vec::new();
    let mut fps: Vec<(usize, f64)> = Vec::new(); // (row index, score), best kept
    let mut fns: Vec<(usize, f64)> = Vec::new();
    let map = |raw| scan_row(&screener, profile, label_field, category_field, parser.parse(raw));
    pipeline::run(reader, settings, map, |chunk: Vec<Result<Option<Row>, String>>| {
        for row in chunk {
            let Some(row) = row.map_err(|e| format!("{}: {e}", args.data))? else {
                continue;
            };
            let i = rows.len();
            let flagged = row.decision >= Decision::Review;
            if !row.label && flagged {
                fps.push((i, row.score));
            } else if row.label && !flagged {
                fns.push((i, row.score));
            }
            rows.push(row);
        }
        // Keep the evidence of the current worst `top` only, so memory stays small.
        fps.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        fns.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        for &(i, _) in fps.iter().skip(top).chain(fns.iter().skip(top)) {
            rows[i].example = None;
        }
        fps.truncate(top);
        fns.truncate(top);
        Ok(())
    })?;
    if rows.is_empty() {
        return Err(format!("{}: no labelled texts", args.data).into());
    }
    let lexicon = screener.lexicon();
    let report = summarize(&rows, &fps, &fns, lexicon.categories.iter().map(|c| c.id.as_str()).collect());
    let mut report = report;
    report.insert("data".into(), json!(args.data));
    report.insert("lexicon".into(), json!({ "name": lexicon.name, "version": lexicon.version }));
    report.insert("profile".into(), json!(profile));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&Value::Object(report))?);
    } else {
        print_human(&report);
    }
    Ok(ExitCode::SUCCESS)
}

fn scan_row(
    screener: &Screener,
    profile: &str,
    label_field: &str,
    category_field: &str,
    record: Record,
) -> Result<Option<Row>, String> {
    let line = record.line;
    let Some((text, object, label)) = labelled(record.text, record.object, line, label_field)? else {
        return Ok(None);
    };
    let category = match object.get(category_field) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let verdict = screener.scan_with_profile(&text, profile).expect("profile checked at start");
    // A verdict has a `model` field exactly when the model took part (`--no-model`, or the
    // lexicon or profile saying `model = false`, leaves it out): then no per-source figures.
    let sources = verdict.model.as_ref().map(|m| Sources {
        lexicon: screener.scan_with_profile_without_model(&text, profile).expect("profile checked at start").decision,
        model: m.decision,
    });
    let flagged = verdict.decision >= Decision::Review;
    let hit_categories = verdict.hits.iter().map(|h| h.category.clone()).collect();
    // Evidence is only built for mistakes; correct rows carry none.
    let example = (label != flagged).then(|| {
        let (hits, suppressed) = hit_evidence(&verdict);
        Example {
            id: record.id,
            line,
            score: verdict.score,
            decision: verdict.decision,
            category: category.clone(),
            text: snippet(&text, 300),
            hits,
            suppressed,
        }
    });
    Ok(Some(Row {
        label,
        category,
        score: verdict.score,
        decision: verdict.decision,
        sources,
        hit_categories,
        example,
    }))
}

fn summarize(
    rows: &[Row],
    fps: &[(usize, f64)],
    fns: &[(usize, f64)],
    lexicon_categories: Vec<&str>,
) -> Map<String, Value> {
    let mut flagged = Counts::default();
    let mut blocked = Counts::default();
    let (mut lexicon_only, mut model_only) = (Counts::default(), Counts::default());
    let mut confusion: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    for r in rows {
        flagged.add(r.label, r.decision >= Decision::Review);
        blocked.add(r.label, r.decision == Decision::Block);
        if let Some(s) = r.sources {
            lexicon_only.add(r.label, s.lexicon >= Decision::Review);
            model_only.add(r.label, s.model >= Decision::Review);
        }
        let key = if r.label { "label_1" } else { "label_0" };
        *confusion.entry(key).or_insert_with(zero_decisions).entry(r.decision.name()).or_default() += 1;
    }

    // Per data category: the overall flag within the texts of that category.
    let mut by_data: BTreeMap<&str, (Counts, Counts)> = BTreeMap::new();
    for r in rows {
        if let Some(c) = &r.category {
            let e = by_data.entry(c.as_str()).or_default();
            e.0.add(r.label, r.decision >= Decision::Review);
            e.1.add(r.label, r.decision == Decision::Block);
        }
    }
    let by_data_json: Map<String, Value> = by_data
        .iter()
        .map(|(c, (f, b))| {
            let n = f.tp + f.fp + f.fn_ + f.tn;
            (
                c.to_string(),
                json!({ "texts": n, "label_1": f.tp + f.fn_, "flagged": f.to_json(), "block": b.to_json() }),
            )
        })
        .collect();

    // Per lexicon category: texts with a counted hit in it, against the labels.
    let data_categories: BTreeSet<&str> = by_data.keys().copied().collect();
    let mut by_lexicon = Map::new();
    for c in lexicon_categories {
        let (mut hit1, mut hit0) = (0u64, 0u64);
        for r in rows.iter().filter(|r| r.hit_categories.contains(c)) {
            if r.label {
                hit1 += 1
            } else {
                hit0 += 1
            }
        }
        let mut entry = json!({ "texts_hit": hit1 + hit0, "on_label_1": hit1, "on_label_0": hit0,
                                "precision": round(ratio(hit1, hit1 + hit0)) });
        if data_categories.contains(c) {
            let gold: Vec<&Row> = rows.iter().filter(|r| r.label && r.category.as_deref() == Some(c)).collect();
            let found = gold.iter().filter(|r| r.hit_categories.contains(c)).count() as u64;
            entry["recall"] = json!(round(ratio(found, gold.len() as u64)));
            entry["label_1_in_category"] = json!(gold.len());
        }
        if hit1 + hit0 > 0 || data_categories.contains(c) {
            by_lexicon.insert(c.to_string(), entry);
        }
    }

    // Threshold sweep over the overall score, in 0.05 steps.
    let mut sweep = Vec::new();
    let mut best: Option<(f64, f64)> = None;
    for step in 1..=20 {
        let t = step as f64 * 0.05;
        let mut c = Counts::default();
        for r in rows {
            // A small epsilon so that 0.15 (say) counts as ≥ 0.15 despite float rounding.
            c.add(r.label, r.score + 1e-9 >= t);
        }
        if let Some(f1) = c.f1() {
            if best.is_none_or(|(_, b)| f1 > b) {
                best = Some((t, f1));
            }
        }
        let mut v = c.to_json();
        v["threshold"] = json!((t * 100.0).round() / 100.0);
        sweep.push(v);
    }

    let examples = |list: &[(usize, f64)]| -> Vec<Value> {
        list.iter()
            .filter_map(|&(i, _)| rows[i].example.as_ref())
            .map(|e| serde_json::to_value(e).expect("serializes"))
            .collect()
    };
    let positives = rows.iter().filter(|r| r.label).count();
    let mut out = Map::new();
    out.insert("texts".into(), json!(rows.len()));
    out.insert("label_1".into(), json!(positives));
    out.insert("label_0".into(), json!(rows.len() - positives));
    out.insert("flagged".into(), flagged.to_json());
    out.insert("block".into(), blocked.to_json());
    // Every row has sources or none does (the model is on for the whole run or off).
    if rows.iter().any(|r| r.sources.is_some()) {
        out.insert(
            "by_source".into(),
            json!({ "lexicon_only": lexicon_only.to_json(), "model_only": model_only.to_json(),
                    "combined": flagged.to_json() }),
        );
    }
    out.insert("confusion".into(), json!(confusion));
    out.insert("by_data_category".into(), Value::Object(by_data_json));
    out.insert("by_lexicon_category".into(), Value::Object(by_lexicon));
    out.insert("sweep".into(), Value::Array(sweep));
    out.insert(
        "best_f1_threshold".into(),
        json!(best.map(|(t, f)| json!({ "threshold": (t * 100.0).round() / 100.0, "f1": round(Some(f)) }))),
    );
    out.insert("false_positives".into(), Value::Array(examples(fps)));
    out.insert("false_negatives".into(), Value::Array(examples(fns)));
    out
}

fn zero_decisions() -> BTreeMap<&'static str, u64> {
    [("pass", 0), ("review", 0), ("block", 0)].into_iter().collect()
}

fn pct(v: &Value) -> String {
    v.as_f64().map(|x| format!("{:.1}%", x * 100.0)).unwrap_or_else(|| "—".into())
}

fn print_human(r: &Map<String, Value>) {
    // The name column fits the longest data category.
    let w = r["by_data_category"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(c, _)| c.chars().count() + 2)
        .fold(22, usize::max);
    println!(
        "{}: {} texts ({} label 1, {} label 0); lexicon {} {}, profile {}",
        r["data"].as_str().unwrap_or(""),
        r["texts"],
        r["label_1"],
        r["label_0"],
        r["lexicon"]["name"].as_str().unwrap_or(""),
        r["lexicon"]["version"].as_str().unwrap_or(""),
        r["profile"].as_str().unwrap_or("")
    );
    println!();
    println!(
        "{:<w$} {:>9} {:>9} {:>9} {:>9} {:>6} {:>6} {:>6} {:>6}",
        "", "precision", "recall", "F1", "flagged", "tp", "fp", "fn", "tn"
    );
    let line = |name: &str, c: &Value| {
        println!(
            "{:<w$} {:>9} {:>9} {:>9} {:>9} {:>6} {:>6} {:>6} {:>6}",
            name,
            pct(&c["precision"]),
            pct(&c["recall"]),
            pct(&c["f1"]),
            pct(&c["flag_rate"]),
            c["tp"].as_u64().unwrap_or(0),
            c["fp"].as_u64().unwrap_or(0),
            c["fn"].as_u64().unwrap_or(0),
            c["tn"].as_u64().unwrap_or(0)
        );
    };
    line("overall (review+block)", &r["flagged"]);
    line("overall (block only)", &r["block"]);
    if let Some(s) = r.get("by_source") {
        println!("\nby source (review+block):");
        line("  lexicon only", &s["lexicon_only"]);
        line("  model only", &s["model_only"]);
        line("  combined (= overall)", &s["combined"]);
    }
    if let Some(cats) = r["by_data_category"].as_object().filter(|m| !m.is_empty()) {
        println!("\nper data category (texts whose `category` is C; overall flag):");
        for (c, v) in cats {
            line(&format!("  {c}"), &v["flagged"]);
        }
    }
    if let Some(cats) = r["by_lexicon_category"].as_object().filter(|m| !m.is_empty()) {
        println!("\nper lexicon category (texts with a hit in C):");
        println!(
            "  {:<20} {:>9} {:>10} {:>10} {:>9} {:>9}",
            "category", "texts hit", "on label 1", "on label 0", "precision", "recall"
        );
        for (c, v) in cats {
            println!(
                "  {:<20} {:>9} {:>10} {:>10} {:>9} {:>9}",
                c,
                v["texts_hit"].as_u64().unwrap_or(0),
                v["on_label_1"].as_u64().unwrap_or(0),
                v["on_label_0"].as_u64().unwrap_or(0),
                pct(&v["precision"]),
                v.get("recall").map(pct).unwrap_or_else(|| "n/a".into())
            );
        }
    }
    println!("\nconfusion (label × decision):");
    println!("  {:<10} {:>8} {:>8} {:>8}", "", "pass", "review", "block");
    for key in ["label_1", "label_0"] {
        let c = &r["confusion"][key];
        println!(
            "  {:<10} {:>8} {:>8} {:>8}",
            key.replace('_', " "),
            c["pass"].as_u64().unwrap_or(0),
            c["review"].as_u64().unwrap_or(0),
            c["block"].as_u64().unwrap_or(0)
        );
    }
    println!("\nthreshold sweep (flagged = score >= t):");
    println!("  {:>5} {:>9} {:>9} {:>9} {:>9}", "t", "precision", "recall", "F1", "flagged");
    for v in r["sweep"].as_array().into_iter().flatten() {
        println!(
            "  {:>5.2} {:>9} {:>9} {:>9} {:>9}",
            v["threshold"].as_f64().unwrap_or(0.0),
            pct(&v["precision"]),
            pct(&v["recall"]),
            pct(&v["f1"]),
            pct(&v["flag_rate"])
        );
    }
    if let Some(b) = r["best_f1_threshold"].as_object() {
        println!("  best F1 {} at t = {:.2}", pct(&b["f1"]), b["threshold"].as_f64().unwrap_or(0.0));
    }
    for (key, title) in [
        ("false_positives", "worst false positives (label 0, flagged)"),
        ("false_negatives", "worst false negatives (label 1, passed)"),
    ] {
        let list = r[key].as_array().cloned().unwrap_or_default();
        if list.is_empty() {
            continue;
        }
        println!("\n{title}:");
        for e in list {
            let id = e["id"].as_str().map(str::to_string).unwrap_or_else(|| e["id"].to_string());
            println!(
                "  [{id}] line {} score {:.2} {}: {}",
                e["line"],
                e["score"].as_f64().unwrap_or(0.0),
                e["decision"].as_str().unwrap_or(""),
                e["text"].as_str().unwrap_or("")
            );
            for h in e["hits"].as_array().into_iter().flatten() {
                let via: Vec<&str> = h["via"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                println!(
                    "      hit {} ({} {}) {:?}{}",
                    h["term"].as_str().unwrap_or(""),
                    h["category"].as_str().unwrap_or(""),
                    h["signal"].as_str().unwrap_or(""),
                    h["matched"].as_str().unwrap_or(""),
                    if via.is_empty() { String::new() } else { format!(" via {}", via.join("+")) }
                );
            }
            for s in e["suppressed"].as_array().into_iter().flatten() {
                println!(
                    "      not counted {} {:?}: {} {}",
                    s["term"].as_str().unwrap_or(""),
                    s["matched"].as_str().unwrap_or(""),
                    s["reason"].as_str().unwrap_or(""),
                    s["detail"].as_str().unwrap_or("")
                );
            }
        }
    }
}
