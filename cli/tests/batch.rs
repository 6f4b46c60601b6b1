//! `prescreen batch` end to end: the built binary on the files in `tests/data/` (with the small
//! test lexicon `mini.toml`, so no assertion depends on the default lexicon).

mod common;

use std::io::Write;
use std::process::Output;

use common::{data, prescreen};
use serde_json::Value;

fn lines(out: &Output) -> Vec<Value> {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

#[test]
fn jsonl_every_line_gets_an_output_line_in_order() {
    let out = prescreen(&["batch", &data("mixed.jsonl"), "--lexicon", &data("mini.toml"), "--threads", "2"], None);
    let v = lines(&out);
    assert_eq!(v.len(), 10, "10 lines in, 10 lines out");
    let ids: Vec<String> = v.iter().map(|l| l["id"].to_string()).collect();
    assert_eq!(ids, [r#""a1""#, r#""a2""#, "3", "4", r#""a5""#, r#""a6""#, "7", "8", "7", r#""x<script>""#]);
    assert_eq!(v[0]["decision"], "block");
    assert_eq!(v[0]["hits"][0]["term"], "drugs.meth");
    assert_eq!(v[1]["decision"], "pass");
    // Malformed lines: an error object with the line number, never dropped.
    assert!(v[2]["error"]["message"].as_str().unwrap().starts_with("bad JSON"));
    assert_eq!(v[2]["line"], 3);
    assert_eq!(v[3]["error"]["message"], "empty line");
    assert_eq!(v[4]["error"]["message"], "no field \"text\"");
    assert_eq!(v[4]["id"], "a5", "the id is kept when the line has one");
    assert!(v[5]["error"]["message"].as_str().unwrap().contains("not a string"));
    assert_eq!(v[6]["hits"][0]["term"], "hate.cunt", "id falls back to the line number");
    assert!(v[7]["error"]["message"].as_str().unwrap().contains("array"));
    assert_eq!(v[8]["suppressed"][0]["reason"], "word");
    assert!(out.stderr.is_empty(), "no progress bar when stderr is not a terminal");
}

#[test]
fn output_order_is_input_order_with_two_threads() {
    // Several chunks (the reader cuts at 2048 records) with different texts, so any reordering shows.
    let mut input = String::new();
    for i in 0..5000 {
        let text = if i % 3 == 0 {
            "出冰毒"
        } else if i % 3 == 1 {
            "今天天气很好，我们去公园散步吧"
        } else {
            "fuck"
        };
        input.push_str(&format!("{{\"id\":\"n{i}\",\"text\":\"{text}\"}}\n"));
    }
    let out = prescreen(&["batch", "--lexicon", &data("mini.toml"), "--threads", "2"], Some(input.as_bytes()));
    let v = lines(&out);
    assert_eq!(v.len(), 5000);
    for (i, l) in v.iter().enumerate() {
        assert_eq!(l["id"], format!("n{i}"));
        let expected = ["block", "pass", "review"][i % 3];
        assert_eq!(l["decision"], expected, "line {i}");
    }
    // Same bytes with one thread.
    let one = prescreen(&["batch", "--lexicon", &data("mini.toml"), "--threads", "1"], Some(input.as_bytes()));
    assert_eq!(one.stdout, out.stdout);
}

#[test]
fn a_huge_line_goes_through() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.jsonl");
    let mut big = "今天天气很好。".repeat(60_000); // 21 bytes × 60k ≈ 1.26 MB
    big.push_str("出冰毒");
    let mut file = std::fs::File::create(&path).unwrap();
    writeln!(file, "{}", serde_json::json!({"id": "small1", "text": "hello"})).unwrap();
    writeln!(file, "{}", serde_json::json!({"id": "huge", "text": big})).unwrap();
    writeln!(file, "{}", serde_json::json!({"id": "small2", "text": "fuck"})).unwrap();
    drop(file);
    assert!(std::fs::metadata(&path).unwrap().len() >= 1 << 20);
    let out_path = dir.path().join("out.jsonl");
    let out = prescreen(
        &["batch", path.to_str().unwrap(), "-o", out_path.to_str().unwrap(), "--lexicon", &data("mini.toml")],
        None,
    );
    assert!(out.status.success());
    let text = std::fs::read_to_string(out_path).unwrap();
    let v: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(v.len(), 3);
    assert_eq!(v[1]["id"], "huge");
    assert_eq!(v[1]["hits"][0]["term"], "drugs.meth");
    assert_eq!(v[1]["hits"][0]["span"]["char"][0], 7 * 60_000 + 1);
    assert_eq!(v[2]["decision"], "review");
}

#[test]
fn csv_with_quoted_newlines_and_commas() {
    let out = prescreen(
        &[
            "batch",
            &data("quoted.csv"),
            "--column",
            "content",
            "--id-field",
            "post_id",
            "--lexicon",
            &data("mini.toml"),
        ],
        None,
    );
    let v = lines(&out);
    assert_eq!(v.len(), 4, "4 CSV rows in, 4 lines out (one row spans two lines)");
    assert_eq!(v[0]["id"], "p1");
    let weixin = v[0]["hits"].as_array().unwrap().iter().find(|h| h["term"] == "contact.weixin").expect("contact hit");
    assert_eq!(weixin["span"]["char"][0], 5, "the comma inside quotes stays in the text");
    assert_eq!(v[1]["id"], "p2");
    assert_eq!(v[1]["hits"][0]["matched"], "冰毒");
    assert_eq!(v[1]["hits"][0]["span"]["char"][0], 37, "the embedded newline and quotes are part of the text");
    assert_eq!(v[2]["decision"], "pass", "an empty cell is the empty text");
}

#[test]
fn text_lines_and_stdin() {
    let v = lines(&prescreen(&["batch", &data("lines.txt"), "--lexicon", &data("mini.toml")], None));
    assert_eq!(v.iter().map(|l| l["id"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(v[1]["decision"], "pass", "an empty text line is the empty text");
    let v = lines(&prescreen(
        &["batch", "--format", "text", "--lexicon", &data("mini.toml")],
        Some("出冰毒\r\nok\n\n".as_bytes()),
    ));
    assert_eq!(v.len(), 3);
    assert_eq!(v[0]["hits"][0]["matched"], "冰毒");
}

#[test]
fn keep_copies_fields() {
    let v =
        lines(&prescreen(&["batch", &data("mixed.jsonl"), "--keep", "time", "--lexicon", &data("mini.toml")], None));
    assert_eq!(v[0]["time"], "2026-05-01T10:00:00Z");
    assert_eq!(v[0]["decision"], "block");
}

#[test]
fn input_errors_exit_2_with_a_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["batch", "does/not/exist.jsonl", "--lexicon", &data("mini.toml")], "cannot read does/not/exist.jsonl"),
        (&["batch", &data("quoted.csv"), "--lexicon", &data("mini.toml")], "no column \"text\""),
        (&["batch", &data("mixed.jsonl"), "--lexicon", &data("mini.toml"), "--profile", "nope"], "unknown profile"),
        (&["batch", &data("mixed.jsonl"), "--lexicon", "missing.toml"], "cannot read lexicon missing.toml"),
        (
            &["batch", &data("mixed.jsonl"), "--lexicon", &data("mini.toml"), "-o", "/nonexistent-dir/out.jsonl"],
            "cannot write",
        ),
        (&["eval", "nope.jsonl"], "cannot read nope.jsonl"), // before the (slow) default lexicon loads
        (&["eval", &data("mixed.jsonl"), "--lexicon", &data("mini.toml")], "line 1: no field \"label\""),
        (&["report", "nope.jsonl", "-o", "x.html"], "cannot read nope.jsonl"),
        (&["lexicon", "suggest", "nope.jsonl"], "cannot read nope.jsonl"),
    ];
    for (args, message) in cases {
        let out = prescreen(args, None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn every_command_has_help_with_examples() {
    for cmd in [&["batch"][..], &["eval"], &["report"], &["lexicon", "suggest"], &["scan"], &["lexicon", "check"]] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let out = prescreen(&args, None);
        assert!(out.status.success());
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("Examples:"), "{cmd:?}");
    }
}

#[test]
fn bytes_that_are_not_utf8_get_an_error_line() {
    let input = b"{\"text\":\"ok\"}\n{\"text\":\"\xff\xfe\"}\n\n{\"text\":\"fuck\"}";
    let v = lines(&prescreen(&["batch", "--lexicon", &data("mini.toml")], Some(input)));
    assert_eq!(v.len(), 4, "the last line has no newline and still counts");
    assert!(v[1]["error"]["message"].as_str().unwrap().contains("not UTF-8"));
    assert_eq!(v[2]["error"]["message"], "empty line");
    assert_eq!(v[3]["decision"], "review");
}
