//! Overlay packs from the command line: `--lexicon A --lexicon B` layering, `--today` and expiry,
//! shadow terms in scan, batch and report, `lexicon check` warnings and `lexicon diff` on a corpus
//! with known changes. Lexicons: `mini.toml` with the pack `event.toml` on top.

mod common;

use std::process::Output;

use common::data;
use serde_json::{json, Value};

fn run(args: &[&str]) -> Output {
    common::prescreen(args, None)
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "exit {:?}, stderr: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn scan(text: &str, today: &str) -> Value {
    let (mini, event) = (data("mini.toml"), data("event.toml"));
    let out = run(&["scan", "--json", "--lexicon", &mini, "--lexicon", &event, "--today", today, text]);
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn layering_expiry_and_shadow_in_scan() {
    let v = scan("蓝精灵到货", "2026-11-26");
    assert_eq!((v["decision"].as_str(), v["lexicon"]["version"].as_str()), (Some("review"), Some("1+e1")));
    assert_eq!(v["hits"][0]["term"], "drugs.ev.lanjingling");
    // The override by id: 大麻 blocks at 0.9.
    assert_eq!(scan("大麻", "2026-11-26")["hits"][0]["weight"], 0.9);
    // After its `expires` day the term is ignored; the already expired 冰糖 never counts.
    assert_eq!(scan("蓝精灵到货", "2027-01-01")["decision"], "pass");
    assert_eq!(scan("冰糖雪梨", "2026-11-26")["decision"], "pass");
    // Shadow: reported with what it would do, never counted.
    let v = scan("damn it", "2026-11-26");
    assert_eq!(v["decision"], "pass");
    assert_eq!(v["hits"], json!([]));
    assert_eq!(v["shadow"][0]["term"], "hate.ev.damn");
    assert_eq!(v["shadow_outcome"]["decision"], "review");

    let bad = run(&["scan", "--lexicon", &data("mini.toml"), "--today", "2026-13-01", "x"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--today: `2026-13-01` is not a date of the form YYYY-MM-DD"));
}

#[test]
fn lexicon_check_warns_about_expired_items_without_failing() {
    let out = run(&["lexicon", "check", &data("mini.toml"), &data("event.toml"), "--today", "2026-11-26"]);
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "warning: expired, ignored: {}:43:1: term `drugs.ev.bingtang` expired on 2026-01-01",
            data("event.toml")
        )),
        "{text}"
    );
    assert!(text.contains("1 shadow terms and 0 shadow rules"), "{text}");
    assert!(
        text.contains("ran 4 term examples and 0 cases: 0 failed"),
        "the shadow term's example is found in `shadow`: {text}"
    );
    assert!(!text.contains("expires on"), "nothing expires within two weeks of 2026-11-26: {text}");
    let text = stdout(&run(&["lexicon", "check", &data("mini.toml"), &data("event.toml"), "--today", "2026-12-20"]));
    assert!(text.contains("note: term `drugs.ev.lanjingling` expires on 2026-12-31 (in 11 days)"), "{text}");
}

#[test]
fn the_example_pack_checks_on_the_default_and_expires_term_by_term() {
    let pack = format!("{}/../lexicon/examples/event-2026-11.toml", env!("CARGO_MANIFEST_DIR"));
    let text = stdout(&run(&["lexicon", "check", "default", &pack, "--today", "2026-12-20"]));
    assert!(text.contains("term `fraud.zh.ev2611.fanxianqun` expired on 2026-12-15"), "{text}");
    assert!(text.contains("2 shadow terms"), "{text}");
    assert!(text.contains(" 0 failed"), "{text}");
}

#[test]
fn lexicon_diff_groups_changed_texts_by_term() {
    let (mini, event) = (data("mini.toml"), data("event.toml"));
    let new = format!("{mini}+{event}");
    let corpus = data("diff_corpus.jsonl");
    let out = run(&["lexicon", "diff", &mini, &new, "--corpus", &corpus, "--today", "2026-11-26", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!((v["old"]["version"].as_str(), v["new"]["version"].as_str()), (Some("1"), Some("1+e1")));
    assert_eq!((v["texts"].as_u64(), v["unreadable"].as_u64()), (Some(8), Some(1)));
    assert_eq!(v["changed"], json!({"decision": 3, "category_only": 1}));
    assert_eq!(
        v["transitions"],
        json!([
            {"from": "pass", "to": "review", "texts": 1},
            {"from": "pass", "to": "block", "texts": 1},
            {"from": "review", "to": "block", "texts": 1},
        ])
    );
    let groups: Vec<(String, String, u64, Vec<String>)> = v["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let ids = g["examples"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
            (
                g["term"].as_str().unwrap().into(),
                g["status"].as_str().unwrap().into(),
                g["texts"].as_u64().unwrap(),
                ids,
            )
        })
        .collect();
    let want = [
        ("drugs.ev.lanjingling", "added", 2, vec!["b", "c"]),
        ("contact-drugs", "unchanged", 1, vec!["c"]),
        ("drugs.weed", "changed", 1, vec!["d"]),
        ("hate.ev.feiwu", "added", 1, vec!["e"]),
    ];
    let want: Vec<(String, String, u64, Vec<String>)> = want
        .iter()
        .map(|(t, s, n, ids)| (t.to_string(), s.to_string(), *n, ids.iter().map(|i| i.to_string()).collect()))
        .collect();
    assert_eq!(groups, want);
    let c = &v["terms"][0]["examples"][1];
    assert_eq!(c["old"], json!({"decision": "pass", "categories": []}));
    assert_eq!(c["new"], json!({"decision": "block", "categories": ["drugs"]}));
    assert_eq!(c["terms"], json!(["+contact-drugs", "+drugs.ev.lanjingling"]));
    assert_eq!(v["terms"][3]["category_only"], 1);
    assert_eq!(v["terms"][3]["examples"][0]["new"]["categories"], json!(["drugs", "hate"]));

    // The same as a summary; and comparing a lexicon with itself changes nothing.
    let text = stdout(&run(&["lexicon", "diff", &mini, &new, "--corpus", &corpus, "--today", "2026-11-26"]));
    assert!(
        text.contains("8 texts: 3 change decision, 1 change category only, 4 unchanged (1 records unreadable"),
        "{text}"
    );
    assert!(text.contains("drugs.ev.lanjingling (added): 2 texts — pass → review 1, pass → block 1"), "{text}");
    let same: Value =
        serde_json::from_str(&stdout(&run(&["lexicon", "diff", &new, &new, "--corpus", &corpus, "--json"]))).unwrap();
    assert_eq!((same["changed"]["decision"].as_u64(), same["terms"].as_array().map(Vec::len)), (Some(0), Some(0)));
}

#[test]
fn report_shows_what_shadow_terms_would_have_done() {
    let dir = tempfile::tempdir().unwrap();
    let (mini, event) = (data("mini.toml"), data("event.toml"));
    let results = dir.path().join("results.jsonl");
    let results = results.to_str().unwrap();
    stdout(&run(&[
        "batch",
        &data("diff_corpus.jsonl"),
        "--lexicon",
        &mini,
        "--lexicon",
        &event,
        "--today",
        "2026-11-26",
        "--keep",
        "text",
        "-o",
        results,
    ]));
    let html_path = dir.path().join("report.html");
    stdout(&run(&["report", results, "-o", html_path.to_str().unwrap()]));
    let html = std::fs::read_to_string(html_path).unwrap();
    assert!(html.contains("<h2>Shadow terms (matched, not counted)</h2><p>1 texts (12.5%) have shadow hits; with the shadow terms live, <b>1</b> (12.5%) would change decision: pass → review 1.</p>"), "{html}");
    assert!(html.contains("<td>hate.ev.damn</td><td>hate</td><td>explicit</td><td class=\"n\">1</td><td class=\"n\">1</td><td class=\"n\">1</td>"));
    assert!(html.contains("<mark>damn</mark> it"));
}
