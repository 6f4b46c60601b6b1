//! Property tests: no panic on any string; every span lies on char boundaries of the original and
//! slices it to exactly `matched` in all three units; scanning twice gives the same verdict; the
//! input cap refuses or cuts exactly as documented; the lexicon's findings are the same whether
//! the model runs or not (without it, most texts take the probe's one pass instead of the full
//! scan, see src/probe.rs).
//!
//! The strings: arbitrary Unicode, and strings built from what breaks text code — control
//! characters, bidirectional marks and overrides, long combining sequences, non-characters,
//! U+FFFD (what a lone surrogate from JavaScript becomes; the WASM side is tested in
//! tests/node/), emoji sequences, term characters with their disguises, very long runs of one
//! character. CI runs 256 cases per property (32 in debug builds); `scripts/fuzz-props` runs a
//! million.

use std::sync::{Mutex, OnceLock};

use prescreen::{Lexicon, ModelFeatures, Screener, Verdict};
use proptest::prelude::*;

fn screener() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    S.get_or_init(|| warm(Screener::new(Lexicon::from_toml_str(include_str!("data/mini.toml")).unwrap()).unwrap()))
}

fn default_screener() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    // Features listed on every scan, so their spans are checked on every text.
    S.get_or_init(|| warm(Screener::default().with_model_features(ModelFeatures::Always)))
}

/// The probe drives DFAs, which a screener builds on first need (after 4 MiB scanned): built
/// here, so that the properties cover the probe (the NFAs are covered by the other tests, whose
/// screeners are new).
fn warm(screener: Screener) -> Screener {
    screener.warm_up();
    screener
}

fn check_span(text: &str, utf16: &[u16], chars: &[char], span: prescreen::Span, matched: &str) {
    let [b0, b1] = span.byte;
    assert!(b0 <= b1 && b1 <= text.len());
    assert!(text.is_char_boundary(b0) && text.is_char_boundary(b1));
    assert_eq!(&text[b0..b1], matched);
    let by_chars: String = chars[span.char[0]..span.char[1]].iter().collect();
    assert_eq!(by_chars, matched);
    assert_eq!(String::from_utf16(&utf16[span.utf16[0]..span.utf16[1]]).unwrap(), matched);
}

fn check_spans(text: &str, verdict: &Verdict) {
    let utf16: Vec<u16> = text.encode_utf16().collect();
    let chars: Vec<char> = text.chars().collect();
    let spans = verdict
        .hits
        .iter()
        .map(|h| (h.span, &h.matched))
        .chain(verdict.suppressed.iter().map(|s| (s.span, &s.matched)));
    for (span, matched) in spans {
        let [b0, b1] = span.byte;
        assert!(b0 < b1 && b1 <= text.len());
        assert!(text.is_char_boundary(b0) && text.is_char_boundary(b1));
        assert_eq!(&text[b0..b1], matched.as_str());
        let by_chars: String = chars[span.char[0]..span.char[1]].iter().collect();
        assert_eq!(&by_chars, matched);
        assert_eq!(&String::from_utf16(&utf16[span.utf16[0]..span.utf16[1]]).unwrap(), matched);
    }
    for pair in verdict.hits.windows(2) {
        assert!(pair[0].span.byte[0] <= pair[1].span.byte[0], "hits are in span order");
    }
    assert!((0.0..=1.0).contains(&verdict.score));
    if let Some(model) = &verdict.model {
        for f in &model.features {
            check_span(text, &utf16, &chars, f.span, &f.text);
        }
    }
    // The JSON of any verdict is valid JSON that reads back as the same object.
    let json = serde_json::to_string(verdict).unwrap();
    let back: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(back, serde_json::to_value(verdict).unwrap());
}

/// Characters that break text code: controls, bidi marks and overrides, joiners and selectors,
/// combining marks, non-characters, the replacement character, private use, astral letters.
const HOSTILE: &[char] = &[
    '\u{0}', '\u{1}', '\u{7}', '\u{8}', '\u{b}', '\u{c}', '\r', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}', '\u{200e}',
    '\u{200f}', '\u{061c}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
    '\u{2068}', '\u{2069}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{fe0f}', '\u{e0100}',
    '\u{0300}', '\u{0301}', '\u{0336}', '\u{20dd}', '\u{1ab0}', '\u{3099}', '\u{fffd}', '\u{fffe}', '\u{ffff}',
    '\u{10ffff}', '\u{e000}', '\u{f8ff}', '\u{1f3fb}', '\u{1f1e8}', '\u{1f1f3}', '\u{2028}', '\u{2029}', '\u{3000}',
    '\u{a0}', '\u{ad}', '\u{115f}', '\u{3164}', '\u{1d41f}', '\u{20000}', 'ß', 'ẞ', 'İ', 'Ⱥ', 'ﬀ',
];

/// Strings mixing hostile characters with term characters, long combining sequences (a base
/// char and up to 200 marks) and runs of one hostile char.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(HOSTILE).prop_map(String::from),
        3 => tricky_piece(),
        1 => (prop::sample::select(vec!['a', '冰', 'e', '😀', '毒']), prop::collection::vec(prop::sample::select(vec!['\u{0300}', '\u{0301}', '\u{0336}', '\u{20dd}', '\u{fe0f}', '\u{200d}']), 1..200))
            .prop_map(|(base, marks)| std::iter::once(base).chain(marks).collect()),
        1 => (prop::sample::select(HOSTILE), 1usize..500).prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|p| p.concat())
}

/// One piece of text that exercises the folding: term characters, look-alikes, noise.
fn tricky_piece() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "冰", "毒", "溜", "处", "女", "座", "白", "粉", "笔", "强", "奸", "弓", "虽", "干", "马", "操", "你", "妈",
        "f", "u", "c", "k", "a", "s", "S", "1", "@", "$", "!", "0", "3", "А", "а", "ü", "\u{0301}", "\u{200B}",
        "\u{200D}", "\u{FE0F}", "😀", "👨‍👩‍👧", " ", ".", "，", "①", "一", "三", "八", "Ｆ", "ｕ", "\u{202E}", "\u{0000}",
        "\t", "\n", "bing", "du", "sb", "讀", "強", "姦", "𝐟", "加微信", "检测试剂", "12", "345",
    ])
    .prop_map(String::from)
}

/// Text made of the characters that exercise the folding: term characters, look-alikes, noise.
fn tricky() -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_piece(), 0..40).prop_map(|p| p.concat())
}

/// Spans exact and verdicts the same twice, under the test lexicon and the default one.
fn exact_and_deterministic(text: &str) -> Result<(), TestCaseError> {
    for screener in [screener(), default_screener()] {
        let a = screener.scan(text);
        check_spans(text, &a);
        prop_assert_eq!(a, screener.scan(text));
    }
    Ok(())
}

/// The lexicon's findings (hits, suppressed matches, shadow hits) with the model and without: with
/// it every text takes the full scan; without it a text the probe finds no candidate in never
/// does. A difference is a candidate the probe missed.
fn same_findings_without_model(text: &str) -> Result<(), TestCaseError> {
    for screener in [screener(), default_screener()] {
        let full = screener.scan(text);
        let probed = screener.scan_without_model(text);
        prop_assert_eq!(&full.hits, &probed.hits, "hits of {:?}", text);
        prop_assert_eq!(&full.suppressed, &probed.suppressed, "suppressed of {:?}", text);
        prop_assert_eq!(&full.shadow, &probed.shadow, "shadow of {:?}", text);
    }
    Ok(())
}

/// Cases per property: `PROPTEST_CASES` when set (`scripts/fuzz-props`), else 256 as in CI — and
/// 32 in a debug build, where a scan costs ten times more (plain `cargo test`).
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 32 } else { 256 });
    ProptestConfig { cases, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_string_is_safe(text in any::<String>()) {
        let v = screener().scan(&text);
        check_spans(&text, &v);
    }

    #[test]
    fn tricky_strings_have_exact_spans_and_are_deterministic(text in tricky()) {
        exact_and_deterministic(&text)?;
    }

    #[test]
    fn long_runs_of_one_character(c in prop::sample::select(vec!['冰', 'a', 's', '1', ' ', '😀', '\u{0301}', '\u{202e}', '\u{0}', '\u{fffd}', '一', '①']), n in 1usize..3000) {
        let text: String = std::iter::repeat_n(c, n).collect();
        check_spans(&text, &screener().scan(&text));
    }

    #[test]
    fn hostile_strings_are_safe_exact_and_deterministic(text in hostile()) {
        exact_and_deterministic(&text)?;
    }

    #[test]
    fn any_string_is_deterministic_under_the_default_lexicon(text in any::<String>()) {
        let v = default_screener().scan(&text);
        check_spans(&text, &v);
        prop_assert_eq!(v, default_screener().scan(&text));
    }

    #[test]
    fn the_probe_misses_no_candidate(text in prop_oneof![tricky(), hostile(), any::<String>()]) {
        same_findings_without_model(&text)?;
    }

    #[test]
    fn the_input_cap_refuses_or_cuts_exactly(text in prop_oneof![tricky(), hostile()], cap in 0usize..200) {
        let s = capped(cap);
        match s.try_scan(&text) {
            Ok(v) => {
                prop_assert!(text.len() <= cap);
                prop_assert_eq!(v.truncated, None);
                prop_assert_eq!(&v, &screener().scan(&text));
            }
            Err(prescreen::ScanError::InputTooLong { len, max }) => {
                prop_assert!(text.len() > cap);
                prop_assert_eq!((len, max), (text.len(), cap));
                // `scan` reads the longest prefix within the cap and says so.
                let v = s.scan(&text);
                let t = v.truncated.expect("a cut verdict says so");
                prop_assert_eq!(t.len, text.len());
                prop_assert!(t.scanned <= cap && cap - t.scanned < 4 && text.is_char_boundary(t.scanned));
                prop_assert_ne!(v.decision, prescreen::Decision::Pass);
                check_spans(&text, &v);
                prop_assert!(v.hits.iter().all(|h| h.span.byte[1] <= t.scanned));
                let prefix = screener().scan(&text[..t.scanned]);
                prop_assert_eq!(v.hits, prefix.hits);
            }
            Err(e) => panic!("unexpected error {e}"),
        }
    }
}

/// The mini screener with its input cap set to `cap`, locked for the case.
fn capped(cap: usize) -> std::sync::MutexGuard<'static, Screener> {
    static S: OnceLock<Mutex<Screener>> = OnceLock::new();
    let mut s = S
        .get_or_init(|| {
            Mutex::new(Screener::new(Lexicon::from_toml_str(include_str!("data/mini.toml")).unwrap()).unwrap())
        })
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    s.set_max_input_bytes(cap);
    s
}
