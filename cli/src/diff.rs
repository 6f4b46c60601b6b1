//! `prescreen lexicon diff OLD NEW --corpus FILE`: which texts of a corpus change decision or
//! flagged categories between two lexicons, grouped by the terms responsible, with counts and
//! examples — how a lexicon change is reviewed before it ships.
//!
//! A term is *responsible* for a changed text when its hits differ between the two verdicts:
//! it hits under one lexicon only (`+` new, `-` gone), or with another weight (`~`). A text counts
//! under each responsible term; a change with no hit difference (thresholds, profiles, the learned
//! scorer) counts under [`NO_TERM`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use prescreen::{Decision, Lexicon, Screener, Verdict};
use serde::Serialize;
use serde_json::Value;

use crate::common::{load_lexicon, today, CliError};
use crate::input::InputArgs;
use crate::pipeline;

/// The group of changes that no hit difference explains.
const NO_TERM: &str = "(no hit changed)";

/// Compare two lexicons on a corpus: texts whose decision or flagged categories change.
#[derive(Args)]
#[command(after_help = "\
OLD and NEW name a lexicon as --lexicon does: `default` (the embedded one), a file, or several
layered in order and joined by `+` (`default+event.toml`; a path that exists as a file is taken
whole). A text changes when its decision or its flagged categories (decision review or block)
differ. Each changed text is listed under every term whose hits differ between the two verdicts:
+ hits only under NEW, - only under OLD, ~ with another weight. Terms are marked added, removed,
expired, changed (definition differs) or unchanged (same definition, different hits: e.g. a new
word moved a word boundary).

Examples:
  prescreen lexicon diff default default+event.toml --corpus posts.jsonl
  prescreen lexicon diff old.toml new.toml --corpus lines.txt --json > diff.json
  prescreen lexicon diff default default+event.toml --corpus posts.jsonl --today 2026-12-20")]
pub struct DiffArgs {
    /// The lexicon before the change.
    old: String,
    /// The lexicon after the change.
    new: String,
    /// Texts to compare on: JSONL with a text field, text lines (.txt) or CSV.
    #[arg(long, value_name = "FILE")]
    corpus: String,
    /// Print the JSON report instead of a summary.
    #[arg(long)]
    json: bool,
    /// Profile whose thresholds apply.
    #[arg(long, default_value = "default")]
    profile: String,
    /// Lexicon only: leave the learned scorer out of both sides.
    #[arg(long)]
    no_model: bool,
    /// The day `expires` dates are judged against [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<String>,
    /// Example texts shown per term.
    #[arg(long, default_value_t = 3, value_name = "N")]
    examples: usize,
    /// Longest text screened, in bytes of UTF-8 (suffixes K, M, G: KiB, MiB, GiB); a longer
    /// record gets an error instead of a result.
    #[arg(long, value_name = "N", default_value = "16M", value_parser = crate::common::parse_bytes)]
    max_input_bytes: usize,
    #[command(flatten)]
    input_args: InputArgs,
}

/// The layers a lexicon name stands for.
fn layers(spec: &str) -> Vec<String> {
    if Path::new(spec).is_file() {
        return vec![spec.to_string()];
    }
    spec.split('+').map(str::to_string).collect()
}

/// What a verdict decides: the decision and the categories at review or above.
#[derive(Serialize, Clone, PartialEq, Eq)]
struct Side {
    decision: Decision,
    categories: Vec<String>,
}

impl Side {
    fn of(v: &Verdict) -> Side {
        let categories =
            v.categories.iter().filter(|(_, c)| c.decision != Decision::Pass).map(|(id, _)| id.clone()).collect();
        Side { decision: v.decision, categories }
    }
}

/// One text whose outcome changed.
#[derive(Serialize, Clone)]
struct Change {
    id: Value,
    text: String,
    old: Side,
    new: Side,
    /// The responsible terms, marked `+`, `-` or `~`.
    terms: Vec<String>,
}

enum Compared {
    Unreadable,
    Same,
    Changed(Change),
}

/// Highest weight per hit id (terms and rules).
fn weights(v: &Verdict) -> BTreeMap<&str, f64> {
    let mut out = BTreeMap::new();
    for h in &v.hits {
        let w = out.entry(h.term.as_str()).or_insert(0.0f64);
        *w = w.max(h.weight);
    }
    out
}

fn responsible(old: &Verdict, new: &Verdict) -> Vec<String> {
    let (a, b) = (weights(old), weights(new));
    let ids: BTreeSet<&str> = a.keys().chain(b.keys()).copied().collect();
    ids.into_iter()
        .filter_map(|id| match (a.get(id), b.get(id)) {
            (None, Some(_)) => Some(format!("+{id}")),
            (Some(_), None) => Some(format!("-{id}")),
            (Some(x), Some(y)) if x != y => Some(format!("~{id}")),
            _ => None,
        })
        .collect()
}

fn compare(old: &Screener, new: &Screener, profile: &str, id: Value, text: &str) -> Compared {
    let a = old.scan_with_profile(text, profile).expect("profile checked at start");
    let b = new.scan_with_profile(text, profile).expect("profile checked at start");
    let (sa, sb) = (Side::of(&a), Side::of(&b));
    if sa == sb {
        return Compared::Same;
    }
    Compared::Changed(Change { id, text: text.to_string(), old: sa, new: sb, terms: responsible(&a, &b) })
}

/// How a term differs between the two lexicons.
fn status(id: &str, old: &Lexicon, new: &Lexicon) -> &'static str {
    let definition = |l: &Lexicon| {
        l.term(id)
            .map(|t| serde_json::to_value(t).expect("serializes"))
            .or_else(|| l.rule(id).map(|r| serde_json::to_value(r).expect("serializes")))
    };
    match (definition(old), definition(new)) {
        (None, Some(_)) => "added",
        (Some(_), None) if new.expired.iter().any(|e| e.id == id) => "expired",
        (Some(_), None) => "removed",
        (Some(a), Some(b)) if a != b => "changed",
        (Some(_), Some(_)) => "unchanged",
        (None, None) => "unknown",
    }
}

#[derive(Serialize)]
struct Transition {
    from: Decision,
    to: Decision,
    texts: u64,
}

fn transitions(counts: &BTreeMap<(Decision, Decision), u64>) -> Vec<Transition> {
    counts.iter().map(|(&(from, to), &texts)| Transition { from, to, texts }).collect()
}

#[derive(Default)]
struct Group {
    texts: u64,
    category_only: u64,
    transitions: BTreeMap<(Decision, Decision), u64>,
    examples: Vec<Change>,
}

#[derive(Serialize)]
struct GroupReport {
    term: String,
    status: &'static str,
    texts: u64,
    /// Texts whose decision stays but whose flagged categories change.
    category_only: u64,
    transitions: Vec<Transition>,
    examples: Vec<Change>,
}

#[derive(Serialize)]
struct LexiconName {
    name: String,
    version: String,
}

#[derive(Serialize)]
struct Changed {
    decision: u64,
    category_only: u64,
}

#[derive(Serialize)]
struct Report {
    old: LexiconName,
    new: LexiconName,
    corpus: String,
    profile: String,
    texts: u64,
    unreadable: u64,
    changed: Changed,
    transitions: Vec<Transition>,
    terms: Vec<GroupReport>,
}

pub fn run(args: DiffArgs) -> Result<ExitCode, CliError> {
    let (reader, parser, settings) = args.input_args.open(Some(&args.corpus), args.max_input_bytes)?;
    let day = today(args.today.as_deref())?;
    let load = |spec: &str| -> Result<Screener, CliError> {
        let lexicon = load_lexicon(&layers(spec), day).map_err(|e| format!("{spec}: {e}"))?;
        let screener = if args.no_model { Screener::with_model(lexicon, None)? } else { Screener::new(lexicon)? };
        screener.scan_with_profile("", &args.profile).map_err(|e| format!("{spec}: {e}"))?;
        Ok(screener)
    };
    let (old, new) = (load(&args.old)?, load(&args.new)?);

    let mut texts = 0u64;
    let mut unreadable = 0u64;
    let mut decision_changed = 0u64;
    let mut category_only = 0u64;
    let mut all_transitions: BTreeMap<(Decision, Decision), u64> = BTreeMap::new();
    let mut groups: HashMap<String, Group> = HashMap::new();
    let map = |raw| {
        let record = parser.parse(raw);
        match record.text {
            Ok(text) => compare(&old, &new, &args.profile, record.id, &text),
            Err(_) => Compared::Unreadable,
        }
    };
    pipeline::run(reader, settings, map, |chunk: Vec<Compared>| {
        for c in chunk {
            let change = match c {
                Compared::Unreadable => {
                    unreadable += 1;
                    continue;
                }
                Compared::Same => {
                    texts += 1;
                    continue;
                }
                Compared::Changed(change) => change,
            };
            texts += 1;
            let transition = (change.old.decision, change.new.decision);
            let decision = transition.0 != transition.1;
            if decision {
                decision_changed += 1;
                *all_transitions.entry(transition).or_default() += 1;
            } else {
                category_only += 1;
            }
            let keys: Vec<String> = if change.terms.is_empty() {
                vec![NO_TERM.to_string()]
            } else {
                change.terms.iter().map(|t| t[1..].to_string()).collect()
            };
            for key in keys {
                let g = groups.entry(key).or_default();
                g.texts += 1;
                if decision {
                    *g.transitions.entry(transition).or_default() += 1;
                } else {
                    g.category_only += 1;
                }
                if g.examples.len() < args.examples {
                    g.examples.push(change.clone());
                }
            }
        }
        Ok(())
    })?;

    let mut terms: Vec<GroupReport> = groups
        .into_iter()
        .map(|(term, g)| GroupReport {
            status: if term == NO_TERM { "none" } else { status(&term, old.lexicon(), new.lexicon()) },
            term,
            texts: g.texts,
            category_only: g.category_only,
            transitions: transitions(&g.transitions),
            examples: g.examples,
        })
        .collect();
    terms.sort_by(|a, b| b.texts.cmp(&a.texts).then_with(|| a.term.cmp(&b.term)));
    let name = |s: &Screener| LexiconName { name: s.lexicon().name.clone(), version: s.lexicon().version.clone() };
    let report = Report {
        old: name(&old),
        new: name(&new),
        corpus: args.corpus.clone(),
        profile: args.profile.clone(),
        texts,
        unreadable,
        changed: Changed { decision: decision_changed, category_only },
        transitions: transitions(&all_transitions),
        terms,
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_report(&report);
    }
    Ok(ExitCode::SUCCESS)
}

fn side(s: &Side) -> String {
    format!("{} [{}]", s.decision, s.categories.join(", "))
}

fn print_report(r: &Report) {
    println!("lexicon diff on {} (profile {})", r.corpus, r.profile);
    println!("  old: {} {}", r.old.name, r.old.version);
    println!("  new: {} {}", r.new.name, r.new.version);
    let same = r.texts - r.changed.decision - r.changed.category_only;
    print!(
        "{} texts: {} change decision, {} change category only, {same} unchanged",
        r.texts, r.changed.decision, r.changed.category_only
    );
    if r.unreadable > 0 {
        print!(" ({} records unreadable, not counted)", r.unreadable);
    }
    println!();
    for t in &r.transitions {
        println!("  {:>6} → {:<6} {}", t.from.name(), t.to.name(), t.texts);
    }
    if r.terms.is_empty() {
        return;
    }
    println!("by term (a text counts under each term responsible: + hits only in new, - only in old, ~ other weight):");
    for g in &r.terms {
        let mut parts: Vec<String> =
            g.transitions.iter().map(|t| format!("{} → {} {}", t.from, t.to, t.texts)).collect();
        if g.category_only > 0 {
            parts.push(format!("category only {}", g.category_only));
        }
        let texts = if g.texts == 1 { "1 text".to_string() } else { format!("{} texts", g.texts) };
        println!("  {} ({}): {texts} — {}", g.term, g.status, parts.join(", "));
        for e in &g.examples {
            let id = match &e.id {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            let text: String = e.text.chars().take(120).collect();
            let more = if e.text.chars().count() > 120 { "…" } else { "" };
            println!("      {id}: {} → {}  {}  {text:?}{more}", side(&e.old), side(&e.new), e.terms.join(" "));
        }
    }
}
