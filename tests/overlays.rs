//! Overlay packs on a base lexicon: layering and override by id, `expires` against a fixed day,
//! and shadow mode (matched and reported, never counted). The base is tests/data/mini.toml.

use std::sync::OnceLock;

use prescreen::{Date, Decision, ExpiredKind, Format, Lexicon, LexiconBuilder, Mode, Screener, Verdict};
use proptest::prelude::*;
use serde_json::Value;

const MINI: &str = include_str!("data/mini.toml");

/// A trial pack: new drug slang, a term that is also a Chinese word around live terms (冰毒检测:
/// were it in jieba's dictionary, it could move live boundaries), and a rule needing the slang.
const SHADOW_PACK: &str = r#"
[lexicon]
name = "trial"
version = "t1"
mode = "shadow"

[[term]]
id = "drugs.trial.lanjingling"
text = "蓝精灵"
category = "drugs"
signal = "implicit"
weight = 0.7
examples = { match = ["蓝精灵到货"] }

[[term]]
id = "drugs.trial.jiance"
text = "冰毒检测"
category = "drugs"
signal = "borderline"
weight = 0.3

[[term]]
id = "hate.trial.damn"
text = "damn"
category = "hate"
signal = "explicit"
weight = 0.5

[[rule]]
id = "trial-slang-contact"
all_of = ["drugs.trial.lanjingling", "contact"]
within = 10
category = "drugs"
signal = "implicit"
weight = 0.6
"#;

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

fn build(layers: &[(&str, &str)], today: Option<&str>) -> Result<Lexicon, prescreen::LexiconError> {
    let mut b = LexiconBuilder::new();
    for (name, text) in layers {
        b = b.add(name, text, Format::from_path(name))?;
    }
    if let Some(t) = today {
        b = b.today(day(t));
    }
    b.build()
}

fn screener(layers: &[(&str, &str)], today: Option<&str>) -> Screener {
    // Lexicon only (mini.toml says `model = false`), so every figure below is the lexicon's.
    Screener::new(build(layers, today).expect("lexicon builds")).expect("lexicon compiles")
}

fn error(layers: &[(&str, &str)]) -> String {
    build(layers, None).expect_err("the lexicon must be rejected").to_string()
}

/// Texts of the engine cases plus texts with hits of the shadow pack.
fn texts() -> Vec<String> {
    let mut out: Vec<String> = include_str!("data/engine_cases.jsonl")
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["text"].as_str().unwrap().to_string())
        .collect();
    out.extend(
        [
            "蓝精灵到货，加微信",
            "蓝 精 灵",
            "冰毒检测试剂盒",
            "买冰毒检测服务",
            "出冰毒，冰毒检测不出",
            "damn, that shit",
            "蓝精灵是动画片",
            "lan jing ling 加微信 13812345678",
        ]
        .map(String::from),
    );
    out
}

/// A verdict's JSON without what an added pack may change: its name in `lexicon`, `shadow`,
/// `shadow_outcome`.
fn counted_part(v: &Verdict) -> Value {
    let mut json = serde_json::to_value(v).unwrap();
    let object = json.as_object_mut().unwrap();
    for key in ["lexicon", "shadow", "shadow_outcome"] {
        object.remove(key);
    }
    json
}

#[test]
fn a_shadow_pack_never_changes_what_counts() {
    let base = screener(&[("mini.toml", MINI)], None);
    let with_shadow = screener(&[("mini.toml", MINI), ("trial.toml", SHADOW_PACK)], None);
    let mut with_shadow_hits = 0;
    for text in texts() {
        let (a, b) = (base.scan(&text), with_shadow.scan(&text));
        assert_eq!(counted_part(&a), counted_part(&b), "{text:?}");
        assert!(a.shadow.is_empty() && a.shadow_outcome.is_none());
        assert_eq!(
            b.shadow.is_empty(),
            b.shadow_outcome.is_none(),
            "{text:?}: an outcome exactly when shadow hits exist"
        );
        with_shadow_hits += usize::from(!b.shadow.is_empty());
        for profile in ["default", "minors"] {
            let (a, b) = (
                base.scan_with_profile(&text, profile).unwrap(),
                with_shadow.scan_with_profile(&text, profile).unwrap(),
            );
            assert_eq!(counted_part(&a), counted_part(&b), "{text:?} under {profile}");
        }
    }
    assert!(with_shadow_hits >= 6, "the texts exercise the shadow pack ({with_shadow_hits} with shadow hits)");
}

/// The base lexicon and the base with the shadow pack, built once for the property test.
fn pair() -> &'static (Screener, Screener) {
    static PAIR: OnceLock<(Screener, Screener)> = OnceLock::new();
    PAIR.get_or_init(|| {
        (screener(&[("mini.toml", MINI)], None), screener(&[("mini.toml", MINI), ("trial.toml", SHADOW_PACK)], None))
    })
}

proptest! {
    /// Texts made of the pack's and the base's words, their pieces, noise and look-alikes: the
    /// shadow pack changes nothing but `shadow`, `shadow_outcome` and the lexicon's name.
    #[test]
    fn shadow_never_changes_a_verdict(parts in prop::collection::vec(
        prop::sample::select(vec!["蓝精灵", "蓝", "精灵", "冰毒", "检测", "冰毒检测", "试剂", "大麻", "处女", "座", "加微信",
            "13812345678", "damn", "shit", " ", "，", "。", "😀", "lan jing ling", "bing du", "d a m n", "的", "到货"]),
        0..8,
    )) {
        let text: String = parts.concat();
        let (base, with_shadow) = pair();
        let (a, b) = (base.scan(&text), with_shadow.scan(&text));
        prop_assert_eq!(counted_part(&a), counted_part(&b), "{:?}", text);
        prop_assert_eq!(b.shadow.is_empty(), b.shadow_outcome.is_none());
    }
}

#[test]
fn shadow_hits_are_reported_with_what_they_would_do() {
    let s = screener(&[("mini.toml", MINI), ("trial.toml", SHADOW_PACK)], None);
    let v = s.scan("蓝精灵到货，加微信");
    // Counted: only the borderline contact term (0.4, below contact's review threshold 0.45).
    assert_eq!(v.decision, Decision::Pass);
    assert_eq!(v.hits.iter().map(|h| h.term.as_str()).collect::<Vec<_>>(), ["contact.weixin"]);
    assert_eq!(v.lexicon.name, "mini+trial");
    // Reported: the slang and the shadow rule it forms with the contact term, in span order.
    let shadow: Vec<(&str, &str)> = v.shadow.iter().map(|h| (h.term.as_str(), h.matched.as_str())).collect();
    assert_eq!(shadow, [("drugs.trial.lanjingling", "蓝精灵"), ("trial-slang-contact", "蓝精灵到货，加微信")]);
    assert_eq!(
        v.shadow[1].parts.as_deref(),
        Some(&["drugs.trial.lanjingling".to_string(), "contact.weixin".to_string()][..])
    );
    // Live, the slang would block: 0.7 and the rules (trial 0.6, live contact-drugs 0.8) on drugs.
    let outcome = v.shadow_outcome.as_ref().unwrap();
    assert_eq!(outcome.decision, Decision::Block);
    assert_eq!(outcome.categories["drugs"].score, 0.976);

    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["shadow"][0]["term"], "drugs.trial.lanjingling");
    assert_eq!(json["shadow"][0]["span"]["utf16"], serde_json::json!([0, 3]));
    assert_eq!(json["shadow_outcome"]["decision"], "block");
    // Without shadow hits the two fields are left out of the JSON.
    let plain = serde_json::to_value(s.scan("出冰毒")).unwrap();
    assert!(plain.get("shadow").is_none() && plain.get("shadow_outcome").is_none());
}

#[test]
fn the_shadow_outcome_is_the_verdict_with_the_pack_live() {
    let live_pack = SHADOW_PACK.replace("mode = \"shadow\"\n", "");
    let shadow = screener(&[("mini.toml", MINI), ("trial.toml", SHADOW_PACK)], None);
    let live = screener(&[("mini.toml", MINI), ("trial.toml", &live_pack)], None);
    let mut compared = 0;
    for text in texts() {
        let (s, l) = (shadow.scan(&text), live.scan(&text));
        let Some(outcome) = &s.shadow_outcome else { continue };
        compared += 1;
        assert_eq!(
            (outcome.decision, outcome.score, &outcome.categories),
            (l.decision, l.score, &l.categories),
            "{text:?}"
        );
        // What shadow reports is what the live pack counts on top of the base.
        for h in &s.shadow {
            assert!(l.hits.iter().any(|x| x.term == h.term && x.span == h.span), "{text:?}: {} live too", h.term);
        }
    }
    assert!(compared >= 6, "compared {compared} texts");
}

#[test]
fn term_level_shadow_mode_and_promotion_by_a_later_layer() {
    let pack = "[[term]]\nid = \"drugs.new\"\ntext = \"蓝精灵\"\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.7\nmode = \"shadow\"\n\
                [[term]]\nid = \"drugs.other\"\ntext = \"冰糖\"\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.5\n";
    let s = screener(&[("mini.toml", MINI), ("pack.toml", pack)], None);
    let v = s.scan("蓝精灵和冰糖");
    assert_eq!(v.hits.iter().map(|h| h.term.as_str()).collect::<Vec<_>>(), ["drugs.other"]);
    assert_eq!(v.shadow.iter().map(|h| h.term.as_str()).collect::<Vec<_>>(), ["drugs.new"]);
    assert_eq!(s.lexicon().term("drugs.new").unwrap().mode, Mode::Shadow);

    // A later live layer promotes the trial term by id.
    let promote =
        "[[term]]\nid = \"drugs.new\"\ntext = \"蓝精灵\"\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.7\n";
    let s = screener(&[("mini.toml", MINI), ("pack.toml", pack), ("promote.toml", promote)], None);
    let v = s.scan("蓝精灵和冰糖");
    assert!(v.has_hit("drugs.new") && v.shadow.is_empty());

    // A live term in a shadow pack (its own `mode` wins) counts.
    let mixed = "[lexicon]\nmode = \"shadow\"\n[[term]]\nid = \"drugs.sure\"\ntext = \"蓝精灵\"\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.7\nmode = \"live\"\n";
    assert!(screener(&[("mini.toml", MINI), ("mixed.toml", mixed)], None).scan("蓝精灵").has_hit("drugs.sure"));
}

#[test]
fn shadow_examples_are_checked_in_the_shadow_list() {
    let s = screener(&[("mini.toml", MINI), ("trial.toml", SHADOW_PACK)], None);
    let (failures, ran) = prescreen::check::check_examples(&s);
    assert_eq!(ran, 3, "mini's two examples and the pack's one");
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn a_shadow_pack_may_only_add() {
    let cases = [
        (
            "[lexicon]\nmode = \"shadow\"\n[[term]]\nid = \"drugs.weed\"\ntext = \"大麻\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.2\n",
            "s.toml:3:1: shadow term `drugs.weed` would replace the live term of the same id; give the trial its own id",
        ),
        (
            "[[rule]]\nid = \"contact-drugs\"\nall_of = [\"drugs\", \"contact\"]\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.2\nmode = \"shadow\"\n",
            "s.toml:1:1: shadow rule `contact-drugs` would replace the live rule of the same id",
        ),
        (
            "[lexicon]\nmode = \"shadow\"\n[[category]]\nid = \"drugs\"\nname = \"Drugs\"\nreview = 0.1\nblock = 0.2\n",
            "s.toml:3:1: a shadow pack cannot change category `drugs`: it would change live decisions",
        ),
        (
            "[lexicon]\nmode = \"shadow\"\n[[profile]]\nname = \"minors\"\nthresholds = { drugs = { review = 0.1 } }\n",
            "s.toml:3:1: a shadow pack cannot change profile `minors`",
        ),
        ("[lexicon]\nmode = \"shadow\"\nmodel = true\n", "s.toml:3:9: a shadow pack cannot set `model`"),
    ];
    for (pack, want) in cases {
        let got = error(&[("mini.toml", MINI), ("s.toml", pack)]);
        assert!(got.starts_with(want), "\nwant prefix: {want}\ngot:         {got}");
    }
    // Repeating a category unchanged, or adding a new one, is fine.
    let same =
        "[lexicon]\nmode = \"shadow\"\n[[category]]\nid = \"drugs\"\nname = \"Drugs\"\nreview = 0.4\nblock = 0.85\n\
                [[category]]\nid = \"scam\"\nname = \"Scam\"\nreview = 0.4\nblock = 0.85\n";
    assert!(build(&[("mini.toml", MINI), ("s.toml", same)], None).is_ok());
}

#[test]
fn bad_expires_and_mode_name_file_line_and_column() {
    let term = |extra: &str| {
        format!("[[term]]\nid = \"x\"\ntext = \"蓝精灵\"\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.5\n{extra}\n")
    };
    let cases = [
        (term("expires = \"2026-02-30\""), "e.toml:7:11: `expires` of term `x` must be a date \"YYYY-MM-DD\", found `2026-02-30`"),
        (term("expires = \"next week\""), "e.toml:7:11: `expires` of term `x` must be a date \"YYYY-MM-DD\", found `next week`"),
        (term("expires = 20261130"), "e.toml:7:11: `expires` of term `x` must be a date \"YYYY-MM-DD\", found an integer"),
        (term("expires = 2026-11-30T10:00:00"), "e.toml:7:11: `expires` of term `x` must be a date \"YYYY-MM-DD\", found a datetime"),
        (term("mode = \"dry-run\""), "e.toml:7:8: unknown mode `dry-run` in term `x` (expected live or shadow)"),
        ("[lexicon]\nexpires = \"soon\"\n".to_string(), "e.toml:2:11: `expires` of [lexicon] must be a date"),
        ("[lexicon]\nmode = 1\n".to_string(), "e.toml:2:8: `mode` of [lexicon] must be a string, found an integer"),
        (
            "[[rule]]\nid = \"r\"\nall_of = [\"drugs\", \"contact\"]\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.5\nexpires = \"2026-1-1\"\n".to_string(),
            "e.toml:7:11: `expires` of rule `r` must be a date",
        ),
    ];
    for (pack, want) in cases {
        let got = error(&[("mini.toml", MINI), ("e.toml", &pack)]);
        assert!(got.starts_with(want), "\nwant prefix: {want}\ngot:         {got}");
    }
    // The same in JSON.
    let json = r#"{"term": [{"id": "x", "text": "蓝精灵", "category": "drugs", "signal": "implicit", "weight": 0.5,
  "expires": "2026-11-31"}]}"#;
    let got = error(&[("mini.toml", MINI), ("e.json", json)]);
    assert!(got.starts_with("e.json:2:14: `expires` of term `x` must be a date"), "{got}");
}

/// An event pack: a new term until the 30th, a weaker override of 大麻 until the 27th, a rule on
/// the new term, and a TOML date literal.
const EVENT: &str = r#"
[lexicon]
name = "event"
version = "2026.11.26"

[[term]]
id = "drugs.event.lanjingling"
text = "蓝精灵"
category = "drugs"
signal = "implicit"
weight = 0.7
expires = "2026-11-30"

[[term]]
id = "drugs.weed"
text = "大麻"
category = "drugs"
signal = "borderline"
weight = 0.2
expires = 2026-11-27

[[rule]]
id = "event-slang-contact"
all_of = ["drugs.event.lanjingling", "contact"]
category = "drugs"
signal = "implicit"
weight = 0.6
"#;

#[test]
fn expiry_against_a_fixed_day() {
    let layers = [("mini.toml", MINI), ("event.toml", EVENT)];
    let term_ids = |l: &Lexicon| {
        l.terms
            .iter()
            .filter(|t| t.id.contains("event") || t.id == "drugs.weed")
            .map(|t| (t.id.clone(), t.weight))
            .collect::<Vec<_>>()
    };

    // On the 27th both terms count (the `expires` day itself is the last day).
    let on_27 = build(&layers, Some("2026-11-27")).unwrap();
    assert_eq!(term_ids(&on_27), [("drugs.weed".to_string(), 0.2), ("drugs.event.lanjingling".to_string(), 0.7)]);
    assert!(on_27.expired.is_empty());
    assert_eq!(on_27.term("drugs.weed").unwrap().expires, Some(day("2026-11-27")));

    // On the 28th the override has expired: mini's own 大麻 is back.
    let on_28 = build(&layers, Some("2026-11-28")).unwrap();
    assert_eq!(term_ids(&on_28), [("drugs.weed".to_string(), 0.6), ("drugs.event.lanjingling".to_string(), 0.7)]);
    assert_eq!(on_28.expired.len(), 1);
    assert_eq!(on_28.expired[0].to_string(), "event.toml:14:1: term `drugs.weed` expired on 2026-11-27");
    let s = Screener::new(on_28).unwrap();
    assert_eq!(s.scan("大麻").hits[0].weight, 0.6);

    // In December the new term is gone, and the rule that needs it goes with it (not an error).
    let december = build(&layers, Some("2026-12-01")).unwrap();
    assert!(december.term("drugs.event.lanjingling").is_none());
    assert!(december.rule("event-slang-contact").is_none());
    let expired: Vec<(ExpiredKind, &str, Option<&str>)> =
        december.expired.iter().map(|e| (e.kind, e.id.as_str(), e.because.as_deref())).collect();
    assert_eq!(
        expired,
        [
            (ExpiredKind::Term, "drugs.event.lanjingling", None),
            (ExpiredKind::Term, "drugs.weed", None),
            (ExpiredKind::Rule, "event-slang-contact", Some("drugs.event.lanjingling")),
        ]
    );
    assert_eq!(december.expired[2].to_string(), "event.toml:22:1: rule `event-slang-contact` left out: the term `drugs.event.lanjingling` it needs expired on 2026-11-30");
    let s = Screener::new(december).unwrap();
    assert!(s.scan("蓝精灵加微信").hits.iter().all(|h| h.term == "contact.weixin"));

    // Without a day, nothing expires: the core has no clock.
    let undated = build(&layers, None).unwrap();
    assert!(undated.term("drugs.event.lanjingling").is_some() && undated.expired.is_empty());
}

#[test]
fn an_expired_pack_is_left_out_whole() {
    let pack = "[lexicon]\nname = \"event\"\nversion = \"e1\"\nexpires = \"2026-11-30\"\n\
                [[category]]\nid = \"drugs\"\nname = \"Drugs\"\nreview = 0.1\nblock = 0.3\n\
                [[term]]\nid = \"drugs.new\"\ntext = \"蓝精灵\"\ncategory = \"drugs\"\nsignal = \"implicit\"\nweight = 0.7\nexpires = \"2027-01-31\"\n";
    let layers = [("mini.toml", MINI), ("event.toml", pack)];
    let active = build(&layers, Some("2026-11-30")).unwrap();
    assert_eq!((active.name.as_str(), active.version.as_str()), ("mini+event", "1+e1"));
    assert_eq!(active.category("drugs").unwrap().block, 0.3);
    // A term's expiry is the earlier of its own and its pack's.
    assert_eq!(active.term("drugs.new").unwrap().expires, Some(day("2026-11-30")));

    let after = build(&layers, Some("2026-12-01")).unwrap();
    assert_eq!((after.name.as_str(), after.version.as_str()), ("mini", "1"));
    assert_eq!(after.category("drugs").unwrap().block, 0.85, "the pack's threshold change is gone too");
    assert!(after.term("drugs.new").is_none());
    assert_eq!(after.expired.len(), 1);
    assert_eq!(after.expired[0].to_string(), "event.toml:1:1: pack `event` expired on 2026-11-30");
}

#[test]
fn layering_adds_and_overrides_by_id() {
    let top = r#"
[lexicon]
name = "top"
version = "2"

[[category]]
id = "contact"
name = "Contact"
review = 0.3
block = 0.9

[[term]]
id = "drugs.heroin-slang"
text = "白粉"
category = "drugs"
signal = "implicit"
weight = 0.9
variants = ["白面儿"]

[[rule]]
id = "contact-drugs"
all_of = ["drugs", "contact"]
within = 5
category = "drugs"
signal = "implicit"
weight = 0.3

[[profile]]
name = "minors"
thresholds = { contact = { review = 0.1 } }
"#;
    let json = r#"{"lexicon": {"name": "third", "version": "3"},
      "term": [{"id": "drugs.heroin-slang", "text": "白粉", "category": "drugs", "signal": "implicit", "weight": 0.8}]}"#;
    let two = build(&[("mini.toml", MINI), ("top.toml", top)], None).unwrap();
    let base = build(&[("mini.toml", MINI)], None).unwrap();
    assert_eq!((two.name.as_str(), two.version.as_str()), ("mini+top", "1+2"));
    assert_eq!(two.terms.len(), base.terms.len(), "an override replaces, it does not add");
    let position = |l: &Lexicon| l.terms.iter().position(|t| t.id == "drugs.heroin-slang");
    assert_eq!(position(&two), position(&base), "an override keeps the term's place");
    let t = two.term("drugs.heroin-slang").unwrap();
    assert_eq!((t.weight, t.variants.as_slice()), (0.9, &["白面儿".to_string()][..]));
    assert_eq!(two.rule("contact-drugs").unwrap().within, Some(5));
    assert_eq!(two.category("contact").unwrap().review, 0.3);
    assert_eq!(two.profile("minors").unwrap().thresholds["contact"].review, Some(0.1));
    assert!(!two.profile("minors").unwrap().thresholds.contains_key("sexual"), "a profile is replaced whole");

    let s = Screener::new(two).unwrap();
    let v = s.scan("白面儿");
    assert_eq!(
        (v.hits[0].term.as_str(), v.hits[0].weight, v.hits[0].variant.as_deref()),
        ("drugs.heroin-slang", 0.9, Some("白面儿"))
    );
    // The rule's new `within` applies: contact 6+ chars away no longer combines.
    assert!(!s.scan("白粉，我们明天再说加微信").has_hit("contact-drugs"));
    assert!(s.scan("白粉加微信").has_hit("contact-drugs"));

    // A third layer (JSON) overrides the second.
    let three = build(&[("mini.toml", MINI), ("top.toml", top), ("third.json", json)], None).unwrap();
    assert_eq!(three.version, "1+2+3");
    let t = three.term("drugs.heroin-slang").unwrap();
    assert_eq!((t.weight, t.variants.len()), (0.8, 0), "a term is replaced whole, not merged field by field");
}

#[test]
fn the_example_event_pack_layers_on_the_default() {
    let pack = include_str!("../lexicon/examples/event-2026-11.toml");
    for (name, _) in Lexicon::default_parts() {
        assert!(name.starts_with("lexicon/default/"), "{name} is not embedded");
    }
    let default = Lexicon::default_lexicon();
    let lexicon = LexiconBuilder::new()
        .add_default()
        .add("event-2026-11.toml", pack, Format::Toml)
        .unwrap()
        .today(day("2026-11-26"))
        .build()
        .unwrap();
    let added: Vec<&str> =
        lexicon.terms.iter().filter(|t| default.term(&t.id).is_none()).map(|t| t.id.as_str()).collect();
    assert!(!added.is_empty());
    assert!(lexicon.terms.iter().any(|t| t.mode == Mode::Shadow), "the example shows a shadow term");
    assert!(lexicon.terms.iter().any(|t| t.expires.is_some()), "the example shows expires");
    let screener = Screener::with_model(lexicon, None).unwrap();
    let (failures, ran) = prescreen::check::check_examples(&screener);
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(ran > 0);
    // After the event the pack is gone.
    let later = LexiconBuilder::new()
        .add_default()
        .add("event-2026-11.toml", pack, Format::Toml)
        .unwrap()
        .today(day("2027-06-01"))
        .build()
        .unwrap();
    assert_eq!(later.terms.len(), default.terms.len());
}
