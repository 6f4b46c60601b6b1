//! `prescreen eval`, `prescreen report` and `prescreen lexicon suggest` end to end, on the small
//! labelled set `tests/data/labelled.jsonl` and the test lexicon `mini.toml`.

mod common;

use std::process::Output;

use common::data;
use serde_json::Value;

fn prescreen(args: &[&str]) -> Output {
    common::prescreen(args, None)
}

fn json(out: Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn eval_figures() {
    let v = json(prescreen(&[
        "eval",
        &data("labelled.jsonl"),
        "--lexicon",
        &data("mini.toml"),
        "--json",
        "--top",
        "3",
    ]));
    assert_eq!(v["texts"], 13);
    assert_eq!(v["label_1"], 7);
    // Flagged (review or block): 出冰毒, 白粉到货加微信, fuck you, 你个傻逼 on label 1;
    // 大麻的历史研究 and "what a cock up" on label 0.
    let f = &v["flagged"];
    assert_eq!(
        (
            f["tp"].as_u64(),
            f["fp"].as_u64(),
            f["fn"].as_u64(),
            f["tn"].as_u64()
        ),
        (Some(4), Some(2), Some(3), Some(4))
    );
    assert_eq!(f["precision"], 0.6667);
    assert_eq!(f["recall"], 0.5714);
    assert_eq!(v["confusion"]["label_1"]["pass"], 3);
    assert!(v["block"]["tp"].as_u64().unwrap() <= 4);
    // Sweep: 20 thresholds, recall never rises as the threshold does.
    let sweep = v["sweep"].as_array().unwrap();
    assert_eq!(sweep.len(), 20);
    assert_eq!(sweep[0]["threshold"], 0.05);
    let recalls: Vec<f64> = sweep
        .iter()
        .map(|s| s["recall"].as_f64().unwrap())
        .collect();
    assert!(recalls.windows(2).all(|w| w[0] >= w[1]));
    // Per data category and per lexicon category (the data's categories are lexicon ids here).
    assert_eq!(v["by_data_category"]["drugs"]["flagged"]["recall"], 1.0);
    assert_eq!(v["by_lexicon_category"]["hate"]["on_label_1"], 2);
    assert_eq!(v["by_lexicon_category"]["hate"]["recall"], 0.4);
    assert_eq!(v["by_lexicon_category"]["sexual"]["on_label_0"], 1);
    // Worst mistakes with evidence.
    let fp = v["false_positives"].as_array().unwrap();
    assert_eq!(fp.len(), 2);
    assert_eq!(fp[0]["id"], "t12", "highest score first");
    assert_eq!(fp[0]["hits"][0]["matched"], "cock");
    let fns = v["false_negatives"].as_array().unwrap();
    assert_eq!(fns.len(), 3, "--top 3");
    assert_eq!(fns[0]["id"], "t5");
}

#[test]
fn eval_human_output() {
    let out = prescreen(&[
        "eval",
        &data("labelled.jsonl"),
        "--lexicon",
        &data("mini.toml"),
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "overall (review+block)",
        "overall (block only)",
        "confusion",
        "threshold sweep",
        "worst false positives",
        "hit sexual.cock",
    ] {
        assert!(text.contains(needle), "{needle} in\n{text}");
    }
}

#[test]
fn suggest_finds_missed_terms_and_false_positive_terms() {
    let v = json(prescreen(&[
        "lexicon",
        "suggest",
        &data("labelled.jsonl"),
        "--lexicon",
        &data("mini.toml"),
        "--min-count",
        "2",
        "--json",
    ]));
    let candidates = v["candidates"].as_array().unwrap();
    assert_eq!(candidates[0]["term"], "废物", "{candidates:?}");
    assert_eq!(candidates[0]["risky"], 3);
    assert_eq!(candidates[0]["benign"], 0);
    assert!(!candidates[0]["examples"].as_array().unwrap().is_empty());
    // Terms the lexicon already hits are not candidates.
    assert!(candidates
        .iter()
        .all(|c| c["term"] != "冰毒" && c["term"] != "fuck"));
    let fp: Vec<&str> = v["false_positive_terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    assert!(
        fp.contains(&"sexual.cock") && fp.contains(&"drugs.weed"),
        "{fp:?}"
    );
}

#[test]
fn report_is_self_contained_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let html_path = dir.path().join("report.html");
    let out = prescreen(&[
        "report",
        &data("mixed.jsonl"),
        "-o",
        html_path.to_str().unwrap(),
        "--lexicon",
        &data("mini.toml"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&html_path).unwrap();
    check_report(&html);
    assert!(html.contains("Trends"), "the input has a time field");
    assert!(
        html.contains("2026-05-02"),
        "days without records are filled in"
    );
    assert!(html.contains("5 records with errors"));

    // The same report from batch output (used as is, text and time kept).
    let batch_path = dir.path().join("batch.jsonl");
    let out = prescreen(&[
        "batch",
        &data("mixed.jsonl"),
        "-o",
        batch_path.to_str().unwrap(),
        "--keep",
        "time",
        "--keep",
        "text",
        "--lexicon",
        &data("mini.toml"),
    ]);
    assert!(out.status.success());
    let html2_path = dir.path().join("report2.html");
    let out = prescreen(&[
        "report",
        batch_path.to_str().unwrap(),
        "-o",
        html2_path.to_str().unwrap(),
        "--lexicon",
        &data("mini.toml"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html2 = std::fs::read_to_string(&html2_path).unwrap();
    check_report(&html2);
    assert!(
        html2.contains("lexicon mini 1"),
        "the lexicon named in the batch output"
    );
    assert!(html2.contains("Trends"));
}

fn check_report(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    // No injected markup: every payload from the data is escaped.
    assert!(!html.contains("<script"), "no script element at all");
    assert!(!html.contains("<img"), "no img element");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(html.contains("x&lt;script&gt;"), "ids are escaped too");
    // Self-contained: no external resources.
    for needle in [
        "http://", "https://", "src=\"", "href=\"", "@import", "url(",
    ] {
        let hits: Vec<_> = html
            .match_indices(needle)
            .filter(|(i, _)| !html[..*i].ends_with("xmlns=\""))
            .collect();
        assert!(hits.is_empty(), "{needle} in the report");
    }
    assert!(html.contains("<svg"), "charts");
    assert!(
        html.contains("Decisions")
            && html.contains("Signal mix")
            && html.contains("Top terms")
            && html.contains("Evasions")
    );
    assert!(html.contains("<mark>"), "example hits are marked");
}
