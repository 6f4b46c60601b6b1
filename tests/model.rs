//! The learned scorer: training determinism, the model file format, feature spans, the
//! decision rule, and switching the model off.

use prescreen::model::train::{train, Example, TrainOptions};
use prescreen::{Decision, Lexicon, Model, ModelError, ModelFeatures, Screener};
use proptest::prelude::*;

const HATE_ONLY: &str = r#"
    [[category]]
    id = "hate"
    name = "Hate"
    review = 0.4
    block = 0.85

    [[profile]]
    name = "quiet"
    model = false
"#;

fn examples() -> Vec<Example> {
    let mut out = Vec::new();
    for i in 0..60 {
        out.push(Example { text: format!("你这个傻子，滚回去 {i}"), target: Some(0) });
        out.push(Example { text: format!("you are a worthless idiot {i}"), target: Some(0) });
        out.push(Example { text: format!("今天天气很好，我们去公园 {i}"), target: None });
        out.push(Example { text: format!("see you at the library {i}"), target: None });
    }
    out
}

fn small_options(seed: u64) -> TrainOptions {
    TrainOptions { heads: vec!["hate".into()], seed, epochs: 3, bits: 12, valid: 0.2, ..TrainOptions::default() }
}

#[test]
fn training_is_deterministic_for_a_seed() {
    let screener = Screener::with_model(Lexicon::default_lexicon(), None).unwrap();
    let data = examples();
    let a = train(&screener, &data, &small_options(7), &mut |_| {}).unwrap();
    let b = train(&screener, &data, &small_options(7), &mut |_| {}).unwrap();
    assert_eq!(a.model.to_bytes(), b.model.to_bytes());
    assert_eq!(a.report, b.report);
    let c = train(&screener, &data, &small_options(8), &mut |_| {}).unwrap();
    assert_ne!(a.model.to_bytes(), c.model.to_bytes(), "another seed, another split");
    assert!(a.report.overall.auc > 0.9, "{}", a.report);
}

#[test]
fn model_file_round_trips_and_rejects_bad_files() {
    let model = Model::default_model();
    let bytes = model.to_bytes();
    let again = Model::from_bytes(&bytes).unwrap();
    assert_eq!(again, model);
    assert_eq!(again.to_bytes(), bytes);

    assert_eq!(Model::from_bytes(b"PSMODEL").unwrap_err(), ModelError::BadMagic);
    assert_eq!(Model::from_bytes(b"GIF89a..........").unwrap_err(), ModelError::BadMagic);

    let mut future = bytes.clone();
    future[8..10].copy_from_slice(&2u16.to_le_bytes());
    assert_eq!(Model::from_bytes(&future).unwrap_err(), ModelError::UnsupportedVersion { found: 2, supported: 1 });

    for cut in [9, 16, 30, bytes.len() / 2, bytes.len() - 1] {
        let err = Model::from_bytes(&bytes[..cut]).unwrap_err();
        assert!(matches!(err, ModelError::Truncated { .. } | ModelError::Invalid(_)), "cut at {cut}: {err}");
    }
    let mut corrupt = bytes.clone();
    let last_weight = corrupt.len() - 5;
    corrupt[last_weight] ^= 0x01;
    assert_eq!(Model::from_bytes(&corrupt).unwrap_err(), ModelError::Checksum);
    assert!(ModelError::UnsupportedVersion { found: 2, supported: 1 }.to_string().contains("version 2"));
}

/// The model file's FNV-1a 32-bit checksum, recomputed after editing a header field.
fn reseal(bytes: &mut [u8]) {
    let body = bytes.len() - 4;
    let mut h: u32 = 0x811c_9dc5;
    for &b in &bytes[..body] {
        h = (h ^ b as u32).wrapping_mul(0x0100_0193);
    }
    bytes[body..].copy_from_slice(&h.to_le_bytes());
}

/// Flag 16 (n-grams hashed by the multiply mix) is set by training; a file without it (trained
/// before the flag) still loads and hashes its n-grams with FNV, and a flag this build does not
/// know is refused by name.
#[test]
fn ngram_hash_flag_old_files_load_unknown_flags_fail() {
    let bytes = Model::default_model().to_bytes();
    let flags = u16::from_le_bytes([bytes[10], bytes[11]]);
    assert_eq!(flags & 16, 16, "the default model is trained with the n-gram mix");

    let mut fnv = bytes.clone();
    fnv[10..12].copy_from_slice(&(flags & !16).to_le_bytes());
    reseal(&mut fnv);
    let old = Model::from_bytes(&fnv).expect("a model without flag 16 loads");
    let a = Screener::with_model(Lexicon::default_lexicon(), Some(Model::default_model())).unwrap();
    let b = Screener::with_model(Lexicon::default_lexicon(), Some(old)).unwrap();
    let text = "河南人素质真差，滚回老家去";
    let (va, vb) = (a.scan(text).model.unwrap(), b.scan(text).model.unwrap());
    assert_ne!(va.score, vb.score, "other buckets, another score");

    let mut unknown = bytes.clone();
    unknown[10..12].copy_from_slice(&(flags | 32).to_le_bytes());
    reseal(&mut unknown);
    let err = Model::from_bytes(&unknown).unwrap_err();
    assert!(matches!(&err, ModelError::Invalid(m) if m.contains("unknown feature flags")), "{err}");
}

/// Checks the features' spans and order; they are listed on every scan here.
fn check_features(text: &str, screener: &Screener) {
    let screener_always;
    let screener = if screener.model_features() == ModelFeatures::Always {
        screener
    } else {
        screener_always = Screener::default().with_model_features(ModelFeatures::Always);
        &screener_always
    };
    let verdict = screener.scan(text);
    let model = verdict.model.expect("the model is on");
    assert!((0.0..=1.0).contains(&model.score));
    for f in &model.features {
        let [s, e] = f.span.byte;
        assert!(s < e && text.is_char_boundary(s) && text.is_char_boundary(e), "{text:?}: {f:?}");
        assert_eq!(f.text, &text[s..e]);
        assert_eq!(f.span.char[0], text[..s].chars().count());
        assert_eq!(f.span.char[1], text[..e].chars().count());
        assert_eq!(f.span.utf16[1], text[..e].encode_utf16().count());
        assert!(f.weight > 0.0);
    }
    let weights: Vec<f64> = model.features.iter().map(|f| f.weight).collect();
    assert!(weights.windows(2).all(|w| w[0] >= w[1]), "largest first: {weights:?}");
}

/// By default a verdict lists the model's features only when the model flags the text; asked to
/// list them always, the verdict is otherwise the same, and a flagged text's list is the same.
#[test]
fn features_are_listed_when_the_model_flags_or_always_when_asked() {
    let flagged = Screener::default();
    let always = Screener::default().with_model_features(ModelFeatures::Always);
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data");
    let mut texts: Vec<String> = [
        "河南人素质真差，滚回老家去",
        "you are such an idiot lol",
        "今天天气不错",
        "FREE entry!! call 09061701461 to claim your £1000 prize",
        "",
    ]
    .map(String::from)
    .to_vec();
    for name in ["cn_labelled_dev.jsonl", "en_labelled_dev.jsonl"] {
        let lines = std::fs::read_to_string(format!("{data}/{name}")).unwrap();
        texts.extend(
            lines
                .lines()
                .take(150)
                .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["text"].as_str().unwrap().to_string()),
        );
    }
    let (mut listed, mut quiet, mut explained_quiet) = (0, 0, 0);
    for text in &texts {
        let (a, mut b) = (flagged.scan(text), always.scan(text));
        let (ma, mb) = (a.model.clone().unwrap(), b.model.clone().unwrap());
        assert_eq!((ma.score, ma.decision), (mb.score, mb.decision), "{text}");
        if ma.decision == Decision::Pass {
            assert!(ma.features.is_empty(), "{text}");
            quiet += 1;
        } else {
            assert_eq!(ma.features, mb.features, "{text}");
            listed += 1;
        }
        if ma.decision == Decision::Pass && !mb.features.is_empty() {
            explained_quiet += 1;
        }
        b.model.as_mut().unwrap().features = ma.features.clone();
        assert_eq!(a, b, "{text}: only the features differ");
    }
    assert!(listed >= 20 && quiet >= 20, "both kinds of text: {listed} flagged, {quiet} not");
    assert!(
        explained_quiet * 10 >= quiet * 9,
        "asked, most unflagged texts are explained: {explained_quiet} of {quiet}"
    );
}

#[test]
fn feature_spans_index_the_original_text() {
    let screener = Screener::default();
    for text in [
        "你这个傻逼，滚回你的老家去",
        "ｙｏｕ ａｒｅ ａ ｆｕｃｋｉｎｇ ｉｄｉｏｔ 😀",
        "黑鬼都是懒惰的，真讨厌",
        "女马的，弓虽 煞笔 😡😡",
        "FREE entry!! call 09061701461 to claim your £1000 prize",
        "e\u{301}cole — 你好 wörld 𠀀𠀁",
    ] {
        check_features(text, &screener);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn feature_spans_are_on_char_boundaries(text in "[a-z 0-9傻逼黑人女滚😀ｆＵ\u{301}，。!@]{0,40}") {
        check_features(&text, &Screener::default());
    }

    #[test]
    fn the_model_never_blocks_alone_below_its_threshold(text in "[a-z 傻逼黑人女滚猪狗垃圾去死废物，!]{1,40}") {
        let screener = Screener::new(Lexicon::from_toml_str(HATE_ONLY).unwrap()).unwrap();
        let verdict = screener.scan(&text);
        let model = verdict.model.clone().expect("the model is on");
        prop_assert!(verdict.hits.is_empty());
        let head = screener.model().unwrap().heads().iter().find(|h| h.category == model.category).unwrap();
        // The verdict's score is the probability rounded to 4 decimals: only a score half a unit
        // or more from a threshold says on which side the probability lies (a score of 0.999
        // may be a probability at the block threshold of 0.999f32 = 0.99900001…).
        let half_unit = 0.00005;
        if model.score < head.block as f64 - half_unit {
            prop_assert_ne!(verdict.decision, Decision::Block);
        }
        if model.score >= head.review as f64 + half_unit && model.category == "hate" {
            prop_assert!(verdict.decision >= Decision::Review);
        }
    }
}

#[test]
fn the_model_alone_raises_offensive_text_to_review() {
    let screener = Screener::new(Lexicon::from_toml_str(HATE_ONLY).unwrap()).unwrap();
    let verdict = screener.scan("河南人都是骗子，地域黑不是没有原因的，这些人素质太差了");
    let model = verdict.model.as_ref().unwrap();
    assert_eq!(model.category, "hate");
    assert!(verdict.decision >= Decision::Review, "{model:?}");
    assert!(verdict.signals.contains_key(&prescreen::Signal::Implicit));
    let json = serde_json::to_string(&verdict).unwrap();
    assert!(json.contains("\"model\":{\"score\":"), "{json}");
}

#[test]
fn a_lexicon_or_profile_turns_the_model_off() {
    let text = "河南人都是骗子，地域黑不是没有原因的，这些人素质太差了";
    let screener = Screener::new(Lexicon::from_toml_str(HATE_ONLY).unwrap()).unwrap();
    let quiet = screener.scan_with_profile(text, "quiet").unwrap();
    assert!(quiet.model.is_none());
    assert_eq!(quiet.decision, Decision::Pass);
    assert!(screener.scan_without_model(text).model.is_none());

    let off = format!("[lexicon]\nmodel = false\n{HATE_ONLY}");
    let screener = Screener::new(Lexicon::from_toml_str(&off).unwrap()).unwrap();
    assert!(screener.scan(text).model.is_none());

    let err = Lexicon::from_toml_str(
        "[lexicon]\nmodel = \"no\"\n[[category]]\nid = \"hate\"\nname = \"H\"\nreview = 0.4\nblock = 0.8\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("2:") && err.contains("must be a boolean"), "{err}");
}
