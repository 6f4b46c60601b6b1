//! `prescreen report`: a self-contained HTML risk-assessment report (inline CSS and SVG, no
//! scripts, no external requests) from raw texts (scanned here) or from `batch` output (used as
//! is). Every piece of text that comes from the data goes through [`esc`].

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use prescreen::Screener;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::common::{create_output, CliError, ScreenArgs};
use crate::input::{InputArgs, Record};
use crate::pipeline;
use crate::svg::{esc, hbars, lines, Bar, Series};

/// Write an HTML risk-assessment report with charts and example hits.
#[derive(Args)]
#[command(after_help = "\
IN may hold raw texts (JSONL with a text field, text lines, CSV; they are scanned with the
lexicon and profile given) or `prescreen batch` output (lines that carry `decision` and `hits`
are used as they are; error lines are counted). The report is one HTML file with inline SVG
charts; it loads nothing from the network and runs no scripts.

Trends over time appear when records carry a time: ISO dates or date-times (`2026-05-01`,
`2026-05-01T12:00:00Z`) or Unix seconds/milliseconds, in --time-field or else the first of
`time`, `created_at`, `timestamp`. For batch output, keep the field with `batch --keep`.

Examples:
  prescreen report posts.jsonl -o report.html
  prescreen batch posts.jsonl --keep created_at --keep text -o results.jsonl
  prescreen report results.jsonl -o report.html --title \"Forum, week 18\"")]
pub struct ReportArgs {
    /// Input: raw texts or `batch` output (stdin when `-`).
    input: String,
    /// The HTML file to write (stdout when absent or `-`).
    #[arg(short, long, value_name = "OUT")]
    output: Option<String>,
    #[command(flatten)]
    screen: ScreenArgs,
    #[command(flatten)]
    input_args: InputArgs,
    /// Field holding the record's time [default: time, created_at or timestamp].
    #[arg(long, value_name = "NAME")]
    time_field: Option<String>,
    /// Report title.
    #[arg(long, default_value = "prescreen risk report")]
    title: String,
    /// Example hits shown per category.
    #[arg(long, default_value_t = 5, value_name = "N")]
    examples: usize,
}

/// A hit as the report needs it (also the shape of a hit in batch output).
#[derive(Deserialize, Clone)]
struct HitLite {
    term: String,
    category: String,
    signal: String,
    matched: String,
    #[serde(default)]
    via: Vec<String>,
    span: Option<SpanLite>,
}

#[derive(Deserialize, Clone, Copy)]
struct SpanLite {
    char: [usize; 2],
}

#[derive(Deserialize, Clone, Copy)]
struct CategoryLite {
    score: f64,
}

/// The part of a result the report reads (from a fresh verdict or a batch output line).
#[derive(Deserialize)]
struct ResultLite {
    decision: String,
    #[serde(default)]
    score: f64,
    #[serde(default)]
    categories: BTreeMap<String, CategoryLite>,
    #[serde(default)]
    signals: BTreeMap<String, f64>,
    #[serde(default)]
    hits: Vec<HitLite>,
    lexicon: Option<LexiconLite>,
    /// Hits of shadow terms and rules (reported, not counted).
    #[serde(default)]
    shadow: Vec<HitLite>,
    /// The decision with the shadow terms live.
    shadow_outcome: Option<OutcomeLite>,
}

#[derive(Deserialize)]
struct OutcomeLite {
    decision: String,
}

#[derive(Deserialize, Clone)]
struct LexiconLite {
    name: String,
    version: String,
}

/// One record, reduced. (Records with errors are only counted.)
#[allow(clippy::large_enum_variant)] // short-lived, one chunk at a time; boxing buys nothing
enum Item {
    Error,
    Result { id: Value, result: ResultLite, text: Option<String>, day: Option<Day> },
}

pub fn run(args: ReportArgs) -> Result<ExitCode, CliError> {
    let (reader, parser, settings) = args.input_args.open(Some(&args.input), args.screen.max_input_bytes)?;
    let screener = args.screen.load()?;
    // Opened before the run so that a bad output path fails fast.
    let mut out = create_output(args.output.as_deref())?;
    let profile = args.screen.profile.as_str();
    let time_field = args.time_field.as_deref();
    let text_field = args.input_args.text_field.as_str();
    let mut agg = Aggregate::new(args.examples);
    let map = |raw| reduce(&screener, profile, time_field, text_field, parser.parse(raw));
    pipeline::run(reader, settings, map, |items: Vec<Item>| {
        for item in items {
            agg.add(item);
        }
        Ok(())
    })?;
    let lexicon = agg.lexicon.clone().unwrap_or_else(|| {
        let l = screener.lexicon();
        LexiconLite { name: l.name.clone(), version: l.version.clone() }
    });
    let html = agg.html(&args.title, &args.input, &lexicon);
    out.write_all(html.as_bytes()).and_then(|()| out.flush()).map_err(|e| format!("cannot write report: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

fn reduce(screener: &Screener, profile: &str, time_field: Option<&str>, text_field: &str, record: Record) -> Item {
    let object = record.object.unwrap_or_default();
    let day = find_day(&object, time_field);
    if object.contains_key("decision") {
        // A batch output line: use it as it is.
        return match serde_json::from_value::<ResultLite>(Value::Object(object.clone())) {
            Ok(result) => {
                let text = object.get(text_field).and_then(Value::as_str).map(str::to_string);
                Item::Result { id: record.id, result, text, day }
            }
            Err(_) => Item::Error,
        };
    }
    if object.contains_key("error") {
        return Item::Error;
    }
    match record.text {
        Ok(text) => {
            let verdict = screener.scan_with_profile(&text, profile).expect("profile checked at start");
            let result = serde_json::from_value(serde_json::to_value(&verdict).expect("serializes"))
                .expect("verdict has the report's fields");
            Item::Result { id: record.id, result, text: Some(text), day }
        }
        Err(_) => Item::Error,
    }
}

/// A calendar day as days since 1970-01-01.
type Day = i64;

fn find_day(object: &Map<String, Value>, field: Option<&str>) -> Option<Day> {
    let v = match field {
        Some(f) => object.get(f)?,
        None => ["time", "created_at", "timestamp"].iter().find_map(|f| object.get(*f))?,
    };
    match v {
        Value::String(s) => parse_iso_day(s),
        Value::Number(n) => {
            let secs = n.as_f64()?;
            // Values past the year 5138 in seconds are taken as milliseconds.
            let secs = if secs.abs() > 1e11 { secs / 1000.0 } else { secs };
            Some((secs / 86400.0).floor() as i64)
        }
        _ => None,
    }
}

/// `YYYY-MM-DD` at the start of the string (a date or an ISO date-time).
fn parse_iso_day(s: &str) -> Option<Day> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

const DECISIONS: [&str; 3] = ["pass", "review", "block"];
const DECISION_COLORS: [&str; 3] = ["#4caf50", "#f0a020", "#d32f2f"];
const SIGNALS: [&str; 3] = ["explicit", "implicit", "borderline"];
const SIGNAL_COLORS: [&str; 3] = ["#b71c1c", "#6a1b9a", "#1565c0"];

#[derive(Default)]
struct TermStats {
    hits: u64,
    texts: u64,
    category: String,
    signal: String,
    forms: HashMap<String, u64>,
}

struct Example {
    score: f64,
    id: Value,
    decision: String,
    text: Option<String>,
    hits: Vec<HitLite>,
}

/// Everything the report shows, accumulated record by record (memory bounded by the lexicon size,
/// the number of days, and the examples kept).
struct Aggregate {
    texts: u64,
    errors: u64,
    decisions: [u64; 3],
    categories: BTreeMap<String, [u64; 4]>, // texts with score > 0, then by decision
    signal_texts: [u64; 3],
    signal_hits: [u64; 3],
    terms: HashMap<String, TermStats>,
    via: BTreeMap<String, u64>,
    plain_hits: u64,
    days: BTreeMap<Day, [u64; 3]>,
    examples: BTreeMap<String, Vec<Example>>,
    per_category: usize,
    lexicon: Option<LexiconLite>,
    shadow: ShadowStats,
}

/// What the shadow terms would have done (`shadow` and `shadow_outcome` of each result).
#[derive(Default)]
struct ShadowStats {
    /// Texts with at least one shadow hit.
    texts: u64,
    /// Decision now → decision with the shadow terms live, for texts where it would change.
    changes: BTreeMap<(usize, usize), u64>,
    terms: HashMap<String, TermStats>,
    /// Texts that would change decision, per shadow term.
    term_changes: HashMap<String, u64>,
    /// The first texts that would change decision, highest new decision first.
    examples: Vec<(usize, Example)>,
}

impl Aggregate {
    fn new(per_category: usize) -> Aggregate {
        Aggregate {
            texts: 0,
            errors: 0,
            decisions: [0; 3],
            categories: BTreeMap::new(),
            signal_texts: [0; 3],
            signal_hits: [0; 3],
            terms: HashMap::new(),
            via: BTreeMap::new(),
            plain_hits: 0,
            days: BTreeMap::new(),
            examples: BTreeMap::new(),
            per_category,
            lexicon: None,
            shadow: ShadowStats::default(),
        }
    }

    fn add(&mut self, item: Item) {
        let Item::Result { id, result, text, day } = item else {
            self.errors += 1;
            return;
        };
        self.texts += 1;
        if self.lexicon.is_none() {
            self.lexicon = result.lexicon.clone();
        }
        let d = DECISIONS.iter().position(|x| *x == result.decision).unwrap_or(0);
        self.decisions[d] += 1;
        if let Some(day) = day {
            self.days.entry(day).or_default()[d] += 1;
        }
        for (c, s) in &result.categories {
            if s.score > 0.0 {
                let e = self.categories.entry(c.clone()).or_default();
                e[0] += 1;
                e[1 + d] += 1;
            }
        }
        for (i, s) in SIGNALS.iter().enumerate() {
            if result.signals.get(*s).is_some_and(|v| *v > 0.0) {
                self.signal_texts[i] += 1;
            }
        }
        let mut seen_terms: Vec<&str> = Vec::new();
        for h in &result.hits {
            if let Some(i) = SIGNALS.iter().position(|s| *s == h.signal) {
                self.signal_hits[i] += 1;
            }
            if h.via.is_empty() {
                self.plain_hits += 1;
            }
            for v in &h.via {
                *self.via.entry(v.clone()).or_default() += 1;
            }
            let t = self.terms.entry(h.term.clone()).or_default();
            t.hits += 1;
            t.category.clone_from(&h.category);
            t.signal.clone_from(&h.signal);
            if t.forms.len() < 50 || t.forms.contains_key(&h.matched) {
                *t.forms.entry(h.matched.clone()).or_default() += 1;
            }
            if !seen_terms.contains(&h.term.as_str()) {
                seen_terms.push(&h.term);
                t.texts += 1;
            }
        }
        self.add_shadow(&id, &result, text.as_deref(), d);
        // Examples: the highest-scoring texts of each category with a hit.
        let mut cats: Vec<&str> = result.hits.iter().map(|h| h.category.as_str()).collect();
        cats.sort_unstable();
        cats.dedup();
        for c in cats {
            let list = self.examples.entry(c.to_string()).or_default();
            if list.len() >= self.per_category && list.last().is_some_and(|e| e.score >= result.score) {
                continue;
            }
            list.push(Example {
                score: result.score,
                id: id.clone(),
                decision: result.decision.clone(),
                text: text.as_deref().map(|t| t.chars().take(2000).collect()),
                hits: result.hits.clone(),
            });
            list.sort_by(|a, b| b.score.total_cmp(&a.score));
            list.truncate(self.per_category);
        }
    }

    fn add_shadow(&mut self, id: &Value, result: &ResultLite, text: Option<&str>, now: usize) {
        if result.shadow.is_empty() {
            return;
        }
        let s = &mut self.shadow;
        s.texts += 1;
        let live =
            result.shadow_outcome.as_ref().and_then(|o| DECISIONS.iter().position(|x| *x == o.decision)).unwrap_or(now);
        if live != now {
            *s.changes.entry((now, live)).or_default() += 1;
        }
        let mut seen: Vec<&str> = Vec::new();
        for h in &result.shadow {
            let t = s.terms.entry(h.term.clone()).or_default();
            t.hits += 1;
            t.category.clone_from(&h.category);
            t.signal.clone_from(&h.signal);
            if t.forms.len() < 50 || t.forms.contains_key(&h.matched) {
                *t.forms.entry(h.matched.clone()).or_default() += 1;
            }
            if !seen.contains(&h.term.as_str()) {
                seen.push(&h.term);
                t.texts += 1;
                if live != now {
                    *s.term_changes.entry(h.term.clone()).or_default() += 1;
                }
            }
        }
        if live != now
            && (s.examples.len() < self.per_category * 2 || s.examples.last().is_some_and(|(l, _)| *l < live))
        {
            let example = Example {
                score: result.score,
                id: id.clone(),
                decision: result.decision.clone(),
                text: text.map(|t| t.chars().take(2000).collect()),
                hits: result.shadow.clone(),
            };
            s.examples.push((live, example));
            // Stable: among equal new decisions, the earliest texts stay.
            s.examples.sort_by_key(|e| std::cmp::Reverse(e.0));
            s.examples.truncate(self.per_category * 2);
        }
    }

    /// The shadow section: what shadow terms matched and what they would have decided.
    fn shadow_section(&self, h: &mut String) {
        let s = &self.shadow;
        if s.texts == 0 {
            return;
        }
        let pct = |n: u64| if self.texts == 0 { 0.0 } else { n as f64 * 100.0 / self.texts as f64 };
        let would: u64 = s.changes.values().sum();
        let _ = write!(
            h,
            "<h2>Shadow terms (matched, not counted)</h2><p>{} texts ({:.1}%) have shadow hits; with the shadow terms live, <b>{would}</b> ({:.1}%) would change decision",
            s.texts,
            pct(s.texts),
            pct(would),
        );
        let changes: Vec<String> =
            s.changes.iter().map(|((a, b), n)| format!("{} → {} {n}", DECISIONS[*a], DECISIONS[*b])).collect();
        if !changes.is_empty() {
            let _ = write!(h, ": {}", changes.join(", "));
        }
        h.push_str(".</p>");
        let mut terms: Vec<(&String, &TermStats)> = s.terms.iter().collect();
        terms.sort_by(|a, b| b.1.texts.cmp(&a.1.texts).then(a.0.cmp(b.0)));
        h.push_str("<table><tr><th>shadow term</th><th>category</th><th>signal</th><th>hits</th><th>texts</th><th>texts that would change decision</th><th>forms seen (count)</th></tr>");
        for (t, st) in terms.iter().take(50) {
            let mut forms: Vec<(&String, &u64)> = st.forms.iter().collect();
            forms.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let forms: Vec<String> = forms.iter().take(6).map(|(f, n)| format!("{} ({n})", esc(f))).collect();
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(t),
                esc(&st.category),
                esc(&st.signal),
                st.hits,
                st.texts,
                s.term_changes.get(*t).copied().unwrap_or(0),
                forms.join(", ")
            );
        }
        h.push_str("</table>");
        if s.examples.is_empty() {
            return;
        }
        h.push_str("<h3>Texts the shadow terms would change</h3><table><tr><th>id</th><th>decision now → live</th><th>text / shadow matches</th><th>shadow hits</th></tr>");
        for (live, e) in &s.examples {
            let id = match &e.id {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            let text = match &e.text {
                Some(t) => highlight(t, &e.hits),
                None => {
                    e.hits.iter().map(|hh| format!("<mark>{}</mark>", esc(&hh.matched))).collect::<Vec<_>>().join(" ")
                }
            };
            let evidence: Vec<String> =
                e.hits.iter().map(|hh| format!("{} «{}»", esc(&hh.term), esc(&hh.matched))).collect();
            let _ = write!(
                h,
                "<tr><td>{}</td><td><span class=\"{d}\">{d}</span> → <span class=\"{l}\">{l}</span></td><td class=\"text\">{}</td><td>{}</td></tr>",
                esc(&id),
                text,
                evidence.join("<br>"),
                d = esc(&e.decision),
                l = DECISIONS[*live],
            );
        }
        h.push_str("</table>\n");
    }

    fn html(&self, title: &str, input: &str, lexicon: &LexiconLite) -> String {
        let mut h = String::new();
        let pct = |n: u64, of: u64| {
            if of == 0 {
                0.0
            } else {
                n as f64 * 100.0 / of as f64
            }
        };
        let _ = write!(
            h,
            r#"<!DOCTYPE html>
<html lang="zh-Hans-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t}</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}}
h1{{font-size:22px;margin-bottom:4px}} h2{{font-size:17px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}}
.meta{{color:#666;font-size:13px}} .cards{{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}}
.card{{border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:120px}} .card b{{display:block;font-size:22px}}
.grid{{display:flex;flex-wrap:wrap;gap:24px}} svg{{max-width:100%;height:auto}}
table{{border-collapse:collapse;font-size:13px;width:100%}} td,th{{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}}
th{{background:#f6f6f6}} td.n{{text-align:right;font-variant-numeric:tabular-nums}}
mark{{background:#ffe08a;padding:0 1px}} .pass{{color:#2e7d32}} .review{{color:#b26a00}} .block{{color:#c62828;font-weight:bold}}
.text{{max-width:560px;word-break:break-all;white-space:pre-wrap}} .small{{color:#666;font-size:12px}}
</style></head><body>
<h1>{t}</h1>
<p class="meta">input {i} · lexicon {ln} {lv} · {n} texts{e}</p>
"#,
            t = esc(title),
            i = esc(input),
            ln = esc(&lexicon.name),
            lv = esc(&lexicon.version),
            n = self.texts,
            e = if self.errors > 0 {
                format!(" · {} records with errors (not counted)", self.errors)
            } else {
                String::new()
            },
        );

        h.push_str("<div class=\"cards\">");
        let flagged = self.decisions[1] + self.decisions[2];
        let _ = write!(h, "<div class=\"card\">texts<b>{}</b></div>", self.texts);
        let _ = write!(
            h,
            "<div class=\"card\">flagged (review+block)<b>{:.1}%</b>{}</div>",
            pct(flagged, self.texts),
            flagged
        );
        for (i, d) in DECISIONS.iter().enumerate() {
            let _ = write!(
                h,
                "<div class=\"card {d}\">{d}<b>{:.1}%</b>{}</div>",
                pct(self.decisions[i], self.texts),
                self.decisions[i]
            );
        }
        h.push_str("</div>\n<h2>Overview</h2><div class=\"grid\">");

        let bars: Vec<Bar> = DECISIONS
            .iter()
            .enumerate()
            .map(|(i, d)| Bar {
                label: d.to_string(),
                value: self.decisions[i] as f64,
                color: DECISION_COLORS[i],
                note: format!("{} ({:.1}%)", self.decisions[i], pct(self.decisions[i], self.texts)),
            })
            .collect();
        h.push_str(&hbars("Decisions", &bars));

        let mut cats: Vec<(&String, &[u64; 4])> = self.categories.iter().collect();
        cats.sort_by(|a, b| b.1[0].cmp(&a.1[0]).then(a.0.cmp(b.0)));
        let bars: Vec<Bar> = cats
            .iter()
            .map(|(c, v)| Bar {
                label: c.to_string(),
                value: v[0] as f64,
                color: "#5c6bc0",
                note: format!("{} ({:.1}%) · review {} · block {}", v[0], pct(v[0], self.texts), v[2], v[3]),
            })
            .collect();
        h.push_str(&hbars("Texts per category (score > 0)", &bars));

        let bars: Vec<Bar> = SIGNALS
            .iter()
            .enumerate()
            .map(|(i, s)| Bar {
                label: s.to_string(),
                value: self.signal_hits[i] as f64,
                color: SIGNAL_COLORS[i],
                note: format!("{} hits in {} texts", self.signal_hits[i], self.signal_texts[i]),
            })
            .collect();
        h.push_str(&hbars("Signal mix (hits)", &bars));

        let mut via: Vec<(String, u64)> = self.via.iter().map(|(k, v)| (k.clone(), *v)).collect();
        via.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        via.push(("(as written)".into(), self.plain_hits));
        let bars: Vec<Bar> = via
            .iter()
            .map(|(k, v)| Bar { label: k.clone(), value: *v as f64, color: "#00897b", note: v.to_string() })
            .collect();
        h.push_str(&hbars("Evasions seen through (hits, via)", &bars));

        let mut terms: Vec<(&String, &TermStats)> = self.terms.iter().collect();
        terms.sort_by(|a, b| b.1.hits.cmp(&a.1.hits).then(a.0.cmp(b.0)));
        let bars: Vec<Bar> = terms
            .iter()
            .take(20)
            .map(|(t, s)| Bar {
                label: t.to_string(),
                value: s.hits as f64,
                color: "#8d6e63",
                note: format!("{} hits, {} texts", s.hits, s.texts),
            })
            .collect();
        h.push_str(&hbars("Top terms (hits)", &bars));
        h.push_str("</div>\n");

        self.trends(&mut h);

        h.push_str("<h2>Top terms</h2><table><tr><th>term</th><th>category</th><th>signal</th><th>hits</th><th>texts</th><th>forms seen (count)</th></tr>");
        for (t, s) in terms.iter().take(50) {
            let mut forms: Vec<(&String, &u64)> = s.forms.iter().collect();
            forms.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let forms: Vec<String> = forms.iter().take(6).map(|(f, n)| format!("{} ({n})", esc(f))).collect();
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(t),
                esc(&s.category),
                esc(&s.signal),
                s.hits,
                s.texts,
                forms.join(", ")
            );
        }
        h.push_str("</table>\n");
        self.shadow_section(&mut h);
        h.push_str("<h2>Example hits by category</h2>");
        if self.examples.is_empty() {
            h.push_str("<p class=\"small\">no hits</p>");
        }
        for (c, list) in &self.examples {
            let _ = write!(h, "<h3>{}</h3><table><tr><th>id</th><th>decision</th><th>score</th><th>text / matches</th><th>evidence</th></tr>", esc(c));
            for e in list {
                let id = match &e.id {
                    Value::String(s) => s.clone(),
                    v => v.to_string(),
                };
                let evidence: Vec<String> = e
                    .hits
                    .iter()
                    .map(|hh| {
                        let via =
                            if hh.via.is_empty() { String::new() } else { format!(" via {}", esc(&hh.via.join("+"))) };
                        format!(
                            "{} <span class=\"small\">{} · {}{}</span> «{}»",
                            esc(&hh.term),
                            esc(&hh.category),
                            esc(&hh.signal),
                            via,
                            esc(&hh.matched)
                        )
                    })
                    .collect();
                let text = match &e.text {
                    Some(t) => highlight(t, &e.hits),
                    None => {
                        let m: Vec<String> =
                            e.hits.iter().map(|hh| format!("<mark>{}</mark>", esc(&hh.matched))).collect();
                        format!("<span class=\"small\">(text not in input)</span> {}", m.join(" "))
                    }
                };
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td class=\"{d}\">{d}</td><td class=\"n\">{:.2}</td><td class=\"text\">{}</td><td>{}</td></tr>",
                    esc(&id),
                    e.score,
                    text,
                    evidence.join("<br>"),
                    d = esc(&e.decision),
                );
            }
            h.push_str("</table>");
        }
        h.push_str("\n<p class=\"small\">Generated by prescreen. Decisions are pre-screening hints for human review, not final judgements.</p>\n</body></html>\n");
        h
    }

    fn trends(&self, h: &mut String) {
        let (Some(first), Some(last)) = (self.days.keys().next(), self.days.keys().next_back()) else {
            return;
        };
        // Daily buckets for up to 120 days, monthly beyond.
        let mut buckets: BTreeMap<String, [u64; 3]> = BTreeMap::new();
        if last - first <= 120 {
            for d in *first..=*last {
                let (y, m, dd) = civil_from_days(d);
                buckets.insert(format!("{y:04}-{m:02}-{dd:02}"), self.days.get(&d).copied().unwrap_or_default());
            }
        } else {
            for (d, v) in &self.days {
                let (y, m, _) = civil_from_days(*d);
                let e = buckets.entry(format!("{y:04}-{m:02}")).or_default();
                for i in 0..3 {
                    e[i] += v[i];
                }
            }
        }
        let labels: Vec<String> = buckets.keys().cloned().collect();
        let volume: Vec<Series> = DECISIONS
            .iter()
            .enumerate()
            .map(|(i, d)| Series {
                name: d.to_string(),
                color: DECISION_COLORS[i],
                values: buckets.values().map(|v| v[i] as f64).collect(),
            })
            .collect();
        let rate = |v: &[u64; 3], i: usize| {
            let n: u64 = v.iter().sum();
            if n == 0 {
                0.0
            } else {
                v[i] as f64 * 100.0 / n as f64
            }
        };
        let rates = vec![
            Series {
                name: "review".into(),
                color: DECISION_COLORS[1],
                values: buckets.values().map(|v| rate(v, 1)).collect(),
            },
            Series {
                name: "block".into(),
                color: DECISION_COLORS[2],
                values: buckets.values().map(|v| rate(v, 2)).collect(),
            },
        ];
        h.push_str("<h2>Trends</h2><div class=\"grid\">");
        h.push_str(&lines("Texts per period, by decision", &labels, &volume, ""));
        h.push_str(&lines("Review and block rate per period", &labels, &rates, "%"));
        h.push_str("</div>\n");
    }
}

/// The text, escaped, with the hits' character spans marked.
fn highlight(text: &str, hits: &[HitLite]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut marked = vec![false; chars.len()];
    for hh in hits {
        if let Some(s) = hh.span {
            for m in marked.iter_mut().take(s.char[1].min(chars.len())).skip(s.char[0]) {
                *m = true;
            }
        }
    }
    let limit = 600;
    let mut out = String::new();
    let mut open = false;
    for (i, c) in chars.iter().enumerate().take(limit) {
        if marked[i] != open {
            out.push_str(if marked[i] { "<mark>" } else { "</mark>" });
            open = marked[i];
        }
        out.push_str(&esc(&c.to_string()));
    }
    if open {
        out.push_str("</mark>");
    }
    if chars.len() > limit {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_iso_day("1970-01-02"), Some(1));
        assert_eq!(parse_iso_day("2026-05-01T10:00:00Z").map(civil_from_days), Some((2026, 5, 1)));
        assert_eq!(parse_iso_day("yesterday"), None);
        for d in [-1000, 0, 19000, 20000, 730000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }
}
