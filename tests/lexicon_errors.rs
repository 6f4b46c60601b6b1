//! Bad lexicons are rejected with file, line and column, and nothing is half-loaded; layering
//! adds and overrides by id.

use prescreen::{Format, Lexicon, LexiconBuilder, Screener};

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
    let text = format!("{CATEGORY}[[term]]\ntext = \"!!!\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.9\n");
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
