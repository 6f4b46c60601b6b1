//! Table-driven engine cases (tests/data/engine_cases.jsonl) against the small lexicon
//! tests/data/mini.toml: every evasion kind, the boundary cases, allow phrases, rules, profiles.

use prescreen::{Lexicon, Screener};
use serde_json::Value;

fn mini() -> Screener {
    let lexicon = Lexicon::from_toml_str(include_str!("data/mini.toml")).expect("mini lexicon");
    // The engine cases test the lexicon pipeline; the learned scorer has its own tests.
    Screener::with_model(lexicon, None).expect("mini compiles")
}

fn field<'a>(parts: &'a [&'a str], i: usize) -> &'a str {
    parts.get(i).copied().unwrap_or("").trim()
}

#[test]
fn engine_cases() {
    let screener = mini();
    let mut failures = Vec::new();
    let cases = include_str!("data/engine_cases.jsonl");
    for (n, line) in cases.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with("//") {
            continue;
        }
        let case: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
        let text = case["text"].as_str().unwrap();
        let verdict = match case["profile"].as_str() {
            Some(p) => screener.scan_with_profile(text, p).unwrap(),
            None => screener.scan(text),
        };
        let got_hits: Vec<String> = verdict
            .hits
            .iter()
            .map(|h| {
                let via: Vec<&str> = h.via.iter().map(|k| k.name()).collect();
                format!("{} | {} | {}", h.term, h.matched, via.join(" "))
            })
            .collect();
        let want_hits: Vec<String> = case["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                let parts: Vec<&str> = h.as_str().unwrap().split('|').collect();
                format!("{} | {} | {}", field(&parts, 0), field(&parts, 1), field(&parts, 2))
            })
            .collect();
        let got_suppressed: Vec<String> = verdict
            .suppressed
            .iter()
            .map(|s| {
                format!(
                    "{} | {} | {} | {}",
                    s.term,
                    s.matched,
                    serde_json::to_value(s.reason).unwrap().as_str().unwrap(),
                    s.detail
                )
            })
            .collect();
        let want_suppressed: Vec<String> = case["suppressed"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| {
                        let parts: Vec<&str> = s.as_str().unwrap().split('|').collect();
                        format!(
                            "{} | {} | {} | {}",
                            field(&parts, 0),
                            field(&parts, 1),
                            field(&parts, 2),
                            field(&parts, 3)
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let want_decision = case["decision"].as_str().unwrap();
        if got_hits != want_hits || verdict.decision.name() != want_decision || got_suppressed != want_suppressed {
            failures.push(format!(
                "line {} ({}): {text:?}\n  want {want_decision} {want_hits:?} suppressed {want_suppressed:?}\n  got  {} {got_hits:?} suppressed {got_suppressed:?}",
                n + 1,
                case["why"].as_str().unwrap_or(""),
                verdict.decision
            ));
        }
        // Every span slices the original text to exactly `matched`, in all three units.
        for hit in &verdict.hits {
            assert_eq!(&text[hit.span.byte[0]..hit.span.byte[1]], hit.matched);
            let chars: String = text.chars().skip(hit.span.char[0]).take(hit.span.char[1] - hit.span.char[0]).collect();
            assert_eq!(chars, hit.matched);
            let utf16: Vec<u16> = text.encode_utf16().collect();
            assert_eq!(String::from_utf16(&utf16[hit.span.utf16[0]..hit.span.utf16[1]]).unwrap(), hit.matched);
        }
    }
    assert!(failures.is_empty(), "{} engine cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn spans_in_three_units_with_astral_and_combining() {
    let screener = mini();
    let text = "😀e\u{0301} 冰 毒";
    let verdict = screener.scan(text);
    let hit = &verdict.hits[0];
    assert_eq!(hit.matched, "冰 毒");
    assert_eq!(hit.span.byte, [8, 15]);
    assert_eq!(hit.span.char, [4, 7]);
    assert_eq!(hit.span.utf16, [5, 8]);
}

#[test]
fn json_shape_matches_the_contract() {
    let screener = mini();
    let v: Value = serde_json::to_value(screener.scan("出 冰 毒")).unwrap();
    assert_eq!(v["decision"], "block");
    assert_eq!(v["lexicon"]["name"], "mini");
    assert_eq!(v["profile"], "default");
    assert_eq!(v["categories"]["drugs"]["decision"], "block");
    assert!(v["signals"]["implicit"].as_f64().unwrap() > 0.0);
    assert!(v["signals"].get("explicit").is_none(), "signals with score 0 are left out");
    let hit = &v["hits"][0];
    assert_eq!(hit["term"], "drugs.meth");
    assert_eq!(hit["via"], serde_json::json!(["spacing"]));
    assert_eq!(hit["policy"], "DRG-1.1");
    assert_eq!(hit["span"]["char"], serde_json::json!([2, 5]));
    assert_eq!(v["suppressed"], serde_json::json!([]));
}

#[test]
fn unknown_profile_is_an_error() {
    let err = mini().scan_with_profile("x", "kids").unwrap_err();
    assert_eq!(err.to_string(), "unknown profile `kids` (known: default, minors)");
}

#[test]
fn term_examples_of_the_mini_lexicon_pass() {
    let (failures, ran) = prescreen::check::check_examples(&mini());
    assert_eq!(ran, 2);
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn screener_is_send_and_sync_and_deterministic_across_threads() {
    let screener = std::sync::Arc::new(mini());
    let texts = ["出 冰 毒，加微信", "我是处女座", "f.u.c.k", "bing du"];
    let expected: Vec<_> = texts.iter().map(|t| screener.scan(t)).collect();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let s = screener.clone();
            std::thread::spawn(move || texts.iter().map(|t| s.scan(t)).collect::<Vec<_>>())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), expected);
    }
}
