//! Bad lexicons are rejected with file, line and column, and nothing is half-loaded; layering
//! adds and overrides by id. The malformed-lexicon corpus (`tests/data/bad-lexicons/`, see its
//! README): every file is refused with the file, line, column and message its `.expect` names,
//! without a panic.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use prescreen::{Format, Lexicon, LexiconBuilder, LexiconError, Screener};

const CATEGORY: &str = "[[category]]\nid = \"drugs\"\nname = \"Drugs\"\nreview = 0.4\nblock = 0.85\n";

fn toml_error(body: &str) -> String {
    let text = format!("{CATEGORY}{body}");
    match LexiconBuilder::new().add("bad.toml", &text, Format::Toml).and_then(|b| b.build()) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn toml_errors_name_file_line_and_column() {
    // (lexicon body after the category table (5 lines), expected error prefix)
    let cases = [
        ("[[term]]\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.9\nnope = 1\n", "bad.toml:11:1: unknown field `nope` in term `冰毒`"),
        ("[[term]]\ntext = \"冰毒\"\ncategory = \"food\"\nsignal = \"explicit\"\nweight = 0.9\n", "bad.toml:8:12: term `冰毒` has unknown category `food`"),
        ("[[term]]\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 1.5\n", "bad.toml:10:10: `weight` of term `冰毒` must be in (0, 1], found 1.5"),
        ("[[term]]\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0\n", "bad.toml:10:10: `weight` of term `冰毒` must be in (0, 1], found 0"),
        ("[[term]]\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = \"high\"\n", "bad.toml:10:10: `weight` of term `冰毒` must be a number, found a string"),
        ("[[term]]\ntext = \"\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.5\n", "bad.toml:7:8: `text` of a [[term]] is empty"),
        ("[[term]]\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"loud\"\nweight = 0.5\n", "bad.toml:9:10: unknown signal `loud` in term `冰毒`"),
        ("[[term]]\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.5\nevasions = [\"pinyin\", \"morse\"]\n", "bad.toml:11:23: unknown evasion kind `morse` in term `冰毒`"),
        ("[[term]]\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.5\n[[term]]\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.5\n", "bad.toml:11:1: duplicate term id `冰毒`"),
        ("[[term]]\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"explicit\"\n", "bad.toml:6:1: term `冰毒` is missing the required field `weight`"),
        ("[[term]\ntext = \"x\"\n", "bad.toml:6:8: unclosed array table"),
        ("[[term]]\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.5\nboundary = \"line\"\n", "bad.toml:11:12: unknown boundary `line` in term `冰毒`"),
        ("[[rule]]\nid = \"r\"\nall_of = [\"drugs\", \"ghost\"]\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.5\n", "bad.toml:8:10: rule `r` refers to `ghost`, which is neither a category id nor a term id"),
        ("[[rule]]\nid = \"r\"\nall_of = [\"drugs\"]\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.5\n", "bad.toml:8:10: `all_of` of rule `r` needs at least two entries"),
        ("[[profile]]\nname = \"kids\"\nthresholds = { food = { review = 0.1 } }\n", "bad.toml:8:14: profile `kids` sets thresholds for unknown category `food`"),
        ("[[profile]]\nname = \"kids\"\nthresholds = { drugs = { review = 2 } }\n", "bad.toml:8:35: `review` of thresholds of `drugs` in profile `kids` must be between 0 and 1, found 2"),
        ("[[category]]\nid = \"Drugs!\"\nreview = 0.4\nblock = 0.85\n", "bad.toml:7:6: category id `Drugs!` must be lowercase"),
    ];
    for (body, want) in cases {
        let got = toml_error(body);
        assert!(got.starts_with(want), "\nwant prefix: {want}\ngot:         {got}");
    }
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let body = "[[term]]\ntext = \"a\"\ncategory = \"drugs\"\nsignal = \"x\"\nweight = 7\n";
    let text = format!("{CATEGORY}{body}");
    let err = Lexicon::from_toml_str(&text).unwrap_err();
    assert_eq!(err.diagnostics().len(), 2, "{err}");
    assert!(err.to_string().ends_with("(and 1 more problem)"));
}

#[test]
fn json_errors_name_line_and_column() {
    let syntax = "{\n  \"category\": [\n    {\"id\": \"drugs\", \"review\": 0.4 \"block\": 0.8}\n  ]\n}";
    let e = Lexicon::from_json_str(syntax).unwrap_err().to_string();
    assert!(e.starts_with("<json>:3:"), "{e}");
    assert!(e.contains("expected"), "{e}");

    let semantic = r#"{
  "category": [{"id": "drugs", "name": "Drugs", "review": 0.4, "block": 0.85}],
  "term": [
    {"text": "冰毒", "category": "drugs", "signal": "explicit", "weight": 0.9},
    {"text": "大麻", "category": "drugs", "signal": "explicit", "weight": 9}
  ]
}"#;
    let e = Lexicon::from_json_str(semantic).unwrap_err().to_string();
    assert_eq!(e, "<json>:5:73: `weight` of term `大麻` must be in (0, 1], found 9");
}

#[test]
fn json_and_toml_give_the_same_lexicon() {
    let toml = format!("{CATEGORY}[[term]]\nid = \"drugs.meth\"\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.9\nvariants = [\"溜冰\"]\nexamples = {{ match = [\"出冰毒\"] }}\n");
    let json = r#"{"category": [{"id": "drugs", "name": "Drugs", "review": 0.4, "block": 0.85}],
      "term": [{"id": "drugs.meth", "text": "冰毒", "category": "drugs", "signal": "explicit", "weight": 0.9,
                "variants": ["溜冰"], "examples": {"match": ["出冰毒"]}}]}"#;
    let a = Lexicon::from_toml_str(&toml).unwrap();
    let b = Lexicon::from_json_str(json).unwrap();
    assert_eq!(serde_json::to_value(&a).unwrap(), serde_json::to_value(&b).unwrap());
}

#[test]
fn a_term_with_nothing_to_match_fails_at_compile_with_its_position() {
    let text =
        format!("{CATEGORY}[[term]]\ntext = \"!!!\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.9\n");
    let lexicon = LexiconBuilder::new().add("p.toml", &text, Format::Toml).unwrap().build().unwrap();
    let e = Screener::new(lexicon).unwrap_err().to_string();
    assert!(e.starts_with("p.toml:6:1: term `!!!`"), "{e}");
}

#[test]
fn layers_add_and_override_by_id() {
    let base = format!("[lexicon]\nname = \"base\"\nversion = \"1\"\n{CATEGORY}[[term]]\nid = \"t\"\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.9\n");
    let top = "[lexicon]\nname = \"event\"\nversion = \"2\"\n[[term]]\nid = \"t\"\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"borderline\"\nweight = 0.2\n[[term]]\nid = \"new\"\ntext = \"蓝精灵\"\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.6\n";
    let lexicon = LexiconBuilder::new()
        .add("base.toml", &base, Format::Toml)
        .unwrap()
        .add("event.toml", top, Format::Toml)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(lexicon.name, "base+event");
    assert_eq!(lexicon.version, "1+2");
    assert_eq!(lexicon.terms.len(), 2);
    assert_eq!(lexicon.term("t").unwrap().weight, 0.2);
    let screener = Screener::new(lexicon).unwrap();
    let v = screener.scan("蓝精灵和冰毒");
    assert_eq!(v.hits.len(), 2);
    assert_eq!(v.lexicon.version, "1+2");

    // A layer that refers to a category nobody defines fails, naming the layer's file.
    let orphan = "[[term]]\ntext = \"x\"\ncategory = \"ghost\"\nsignal = \"implicit\"\nweight = 0.5\n";
    let e = LexiconBuilder::new()
        .add("base.toml", &base, Format::Toml)
        .unwrap()
        .add("orphan.toml", orphan, Format::Toml)
        .unwrap()
        .build()
        .unwrap_err();
    assert!(e.to_string().starts_with("orphan.toml:3:12: term `x` has unknown category `ghost`"), "{e}");
}

#[test]
fn default_lexicon_layers_under_an_event_pack() {
    let event = "[[term]]\nid = \"drugs.zh.event-test\"\ntext = \"蓝精灵糖\"\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.7\n";
    let lexicon = LexiconBuilder::new().add_default().add("event.toml", event, Format::Toml).unwrap().build().unwrap();
    let screener = Screener::new(lexicon).unwrap();
    assert!(screener.scan("有蓝精灵糖吗").has_hit("drugs.zh.event-test"));
}

// --- The malformed-lexicon corpus ---------------------------------------------------------

#[path = "common/bad_lexicons.rs"]
mod bad_lexicons;

fn corpus() -> Vec<PathBuf> {
    bad_lexicons::corpus(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad-lexicons"))
}

/// Reads and compiles a lexicon file the way the CLI does.
fn load(name: &str, bytes: &[u8]) -> Result<Screener, LexiconError> {
    let lexicon = LexiconBuilder::new().add_bytes(name, bytes, Format::from_path(name))?.build()?;
    Screener::new(lexicon)
}

fn expect_error(name: &str, bytes: &[u8]) -> LexiconError {
    match catch_unwind(AssertUnwindSafe(|| load(name, bytes))) {
        Ok(Ok(_)) => panic!("{name}: loaded, but it is malformed"),
        Ok(Err(e)) => e,
        Err(_) => panic!("{name}: panicked"),
    }
}

#[test]
fn every_malformed_lexicon_is_refused_with_its_position_and_message() {
    let files = corpus();
    assert!(files.len() >= 50, "the corpus has {} files", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let expect_path = format!("{}.expect", path.display());
        let expected = std::fs::read_to_string(&expect_path).unwrap_or_else(|_| panic!("{expect_path} is missing"));
        let expected = expected.trim_end_matches('\n');
        let error = expect_error(name, &std::fs::read(path).unwrap());
        let first = error.first();
        let got = format!("{}:{}: {}", first.line, first.column, first.message);
        if first.file != name || !got.starts_with(expected) {
            failures.push(format!("{name}\n  want: {expected}\n  got:  {}:{got}", first.file));
        }
        assert!(error.to_string().len() < 400, "{name}: the message is short, whatever the input: {error}");
    }
    assert!(failures.is_empty(), "{} of {} files:\n{}", failures.len(), files.len(), failures.join("\n"));
}

#[test]
fn a_ten_megabyte_term_is_refused_quickly_with_a_short_message() {
    let huge = "冰".repeat((10 << 20) / 3); // 10 MB of UTF-8
    let toml = format!("[[category]]\nid = \"drugs\"\nreview = 0.4\nblock = 0.85\n\n[[term]]\ntext = \"{huge}\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.9\n");
    let error = expect_error("huge.toml", toml.as_bytes());
    let message = error.to_string();
    assert!(message.starts_with("huge.toml:7:8: `text` of term `冰冰"), "{message}");
    assert!(message.ends_with(&format!("is too long: {} chars (at most 256)", (10 << 20) / 3)), "{message}");
    assert!(message.len() < 400);

    let json = format!("{{\"category\": [{{\"id\": \"drugs\", \"review\": 0.4, \"block\": 0.85}}],\n\"term\": [{{\"text\": \"x\", \"variants\": [\"{huge}\"], \"category\": \"drugs\", \"signal\": \"explicit\", \"weight\": 0.9}}]}}");
    let message = expect_error("huge.json", json.as_bytes()).to_string();
    assert!(message.starts_with("huge.json:2:37: a variant of term `x` is too long"), "{message}");
}

#[test]
fn nothing_is_half_loaded() {
    // A good layer followed by a bad one: the whole build fails; the builder is gone with it, so
    // there is no lexicon with the good half in it to use by mistake.
    let good = "[[category]]\nid = \"drugs\"\nreview = 0.4\nblock = 0.85\n[[term]]\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.9\n";
    for path in corpus() {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let result = catch_unwind(|| {
            LexiconBuilder::new()
                .add("good.toml", good, Format::Toml)
                .and_then(|b| b.add_bytes(&name, &bytes, Format::from_path(&name)))
                .and_then(|b| b.build())
                .and_then(Screener::new)
        });
        match result {
            Err(_) => panic!("{}: panicked when layered", path.display()),
            // Over a layer that defines the category, "no category" files are fine layers.
            Ok(Ok(_)) => assert!(
                ["65-no-category.toml", "91-empty.toml"].iter().any(|n| path.ends_with(n)),
                "{} loaded as a layer",
                path.display()
            ),
            Ok(Err(e)) => assert!(
                e.diagnostics().iter().all(|d| d.file == path.file_name().unwrap().to_str().unwrap()),
                "every problem is in the bad file: {e}"
            ),
        }
    }
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let text = "\u{feff}[[category]]\nid = \"drugs\"\nreview = 0.4\nblock = 0.85\n";
    assert!(LexiconBuilder::new().add_bytes("bom.toml", text.as_bytes(), Format::Toml).unwrap().build().is_ok());
    let json = "\u{feff}{\"category\": [{\"id\": \"drugs\", \"review\": 0.4, \"block\": 0.85}]}";
    assert!(LexiconBuilder::new().add_bytes("bom.json", json.as_bytes(), Format::Json).unwrap().build().is_ok());
}
