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
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn eval_figures() {
    let v =
        json(prescreen(&["eval", &data("labelled.jsonl"), "--lexicon", &data("mini.toml"), "--json", "--top", "3"]));
    assert_eq!(v["texts"], 13);
    assert_eq!(v["label_1"], 7);
    // Flagged (review or block): 出冰毒, 白粉到货加微信, fuck you, 你个傻逼 on label 1;
    // 大麻的历史研究 and "what a cock up" on label 0.
    let f = &v["flagged"];
    assert_eq!(
        (f["tp"].as_u64(), f["fp"].as_u64(), f["fn"].as_u64(), f["tn"].as_u64()),
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
    let recalls: Vec<f64> = sweep.iter().map(|s| s["recall"].as_f64().unwrap()).collect();
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
    // mini.toml says `model = false`: no per-source figures.
    assert!(v.get("by_source").is_none());
}

/// Labelled texts where the lexicon alone and the model alone catch different ones (with the
/// default lexicon and model of 2026-11): both, one of them, or neither, on label 1 and label 0.
/// The last two are flagged by the lexicon alone under `minors` but not under `default`.
const BY_SOURCE_DATA: &[(&str, u8)] = &[
    (
        "你要女权？女权就是男女平等，女的能打男的，男的就能打回去。",
        1,
    ),
    (
        "说实话，不是歧视河南，大学爱占小便宜的人群里面河南人占比比较大",
        1,
    ),
    ("感觉这种骗子居多吧？我一个男的都有人要。", 1),
    ("连你老婆亲闺女都不信，信一个叔。。你帮个几把", 1),
    ("This girl is retarded", 1),
    ("Kyles a bitch", 1),
    ("有个时候女生的暴力比男生更残忍！", 1),
    (
        "并不是所有男人都非出轨不可，女人们也不是非得嫁给要出轨的男人。",
        0,
    ),
    ("My flow retarded 😎", 0),
    ("今天天气不错", 0),
    ("good morning", 0),
    ("你还别说真是这样。没办法，黑人的吸毒犯罪率就是比白人高，", 1),
    ("终于等到这个了！我打算今年高考完回归玩，哎现在对新人超级友好当初什么装备都要氪金，第一次处女氪金啊！现在直接免费送还有人物啥的，内心mmp简直童年啊", 0),
];

#[test]
fn eval_by_source() {
    use prescreen::{Decision, LexiconBuilder, Screener};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("by_source.jsonl");
    let lines: Vec<String> = BY_SOURCE_DATA
        .iter()
        .map(|(text, label)| serde_json::json!({ "text": text, "label": label }).to_string())
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    let path = path.to_str().unwrap();
    let today = "2026-11-26";
    let lexicon = LexiconBuilder::new().try_add_default().unwrap().today(today.parse().unwrap()).build().unwrap();
    let with_model = Screener::new(lexicon.clone()).unwrap();
    let without_model = Screener::with_model(lexicon, None).unwrap();

    // `default` takes `scan_without_model` for the lexicon alone, another profile a second screener.
    let mut lexicon_only = Vec::new();
    for profile in ["default", "minors"] {
        // The expected counts, from the library: (tp, fp, fn, tn) per source.
        let mut expected = [[0u64; 4]; 3];
        for (text, label) in BY_SOURCE_DATA {
            let verdict = with_model.scan_with_profile(text, profile).unwrap();
            let decisions = [
                without_model.scan_with_profile(text, profile).unwrap().decision,
                verdict.model.expect("the model is on").decision,
                verdict.decision,
            ];
            for (counts, d) in expected.iter_mut().zip(decisions) {
                let i = match (*label == 1, d >= Decision::Review) {
                    (true, true) => 0,
                    (false, true) => 1,
                    (true, false) => 2,
                    (false, false) => 3,
                };
                counts[i] += 1;
            }
        }
        let args = ["eval", path, "--lexicon", "default", "--today", today, "--profile", profile];
        let v = json(prescreen(&[&args[..], &["--json"]].concat()));
        let by_source = &v["by_source"];
        for (key, want) in ["lexicon_only", "model_only", "combined"].iter().zip(expected) {
            let c = &by_source[key];
            let got = ["tp", "fp", "fn", "tn"].map(|k| c[k].as_u64().unwrap());
            assert_eq!(got, want, "{key} under {profile}");
            let precision = want[0] as f64 / (want[0] + want[1]) as f64;
            assert_eq!(c["precision"], (precision * 10000.0).round() / 10000.0, "{key}");
        }
        assert_eq!(by_source["combined"], v["flagged"], "combined is the overall figure");
        lexicon_only.push(expected[0]);
        // The data is only a test if the three differ; if a retrained model makes them agree, pick
        // other texts.
        assert!(
            expected[0] != expected[2] && expected[1] != expected[2] && expected[0] != expected[1],
            "{expected:?} under {profile}"
        );

        let text = prescreen(&args);
        let text = String::from_utf8(text.stdout).unwrap();
        for needle in ["by source (review+block)", "lexicon only", "model only", "combined (= overall)"] {
            assert!(text.contains(needle), "{needle} in\n{text}");
        }
    }

    assert_ne!(
        lexicon_only[0], lexicon_only[1],
        "the data must tell `minors` from `default` for the lexicon alone (scan_without_model knows only `default`)"
    );

    // Without the model: no per-source figures, in JSON or in text.
    let v = json(prescreen(&["eval", path, "--lexicon", "default", "--no-model", "--json"]));
    assert!(v.get("by_source").is_none());
    let text = prescreen(&["eval", path, "--lexicon", "default", "--no-model"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("overall (review+block)"));
    assert!(!text.contains("by source") && !text.contains("model only"), "{text}");
}

#[test]
fn eval_human_output() {
    let out = prescreen(&["eval", &data("labelled.jsonl"), "--lexicon", &data("mini.toml")]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "overall (review+block)", "overall (block only)", "confusion", "threshold sweep", "worst false positives",
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
    assert!(candidates.iter().all(|c| c["term"] != "冰毒" && c["term"] != "fuck"));
    let fp: Vec<&str> =
        v["false_positive_terms"].as_array().unwrap().iter().map(|t| t["term"].as_str().unwrap()).collect();
    assert!(fp.contains(&"sexual.cock") && fp.contains(&"drugs.weed"), "{fp:?}");
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
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&html_path).unwrap();
    check_report(&html);
    assert!(html.contains("Trends"), "the input has a time field");
    assert!(html.contains("2026-05-02"), "days without records are filled in");
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
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html2 = std::fs::read_to_string(&html2_path).unwrap();
    check_report(&html2);
    assert!(html2.contains("lexicon mini 1"), "the lexicon named in the batch output");
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
    for needle in ["http://", "https://", "src=\"", "href=\"", "@import", "url("] {
        let hits: Vec<_> = html.match_indices(needle).filter(|(i, _)| !html[..*i].ends_with("xmlns=\"")).collect();
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
