//! Property tests: no panic on any string; every span lies on char boundaries of the original and
//! slices it to exactly `matched` in all three units; scanning twice gives the same verdict.
//! CI runs the default number of cases; set PROPTEST_CASES for a longer run.

use std::sync::OnceLock;

use prescreen::{Lexicon, Screener, Verdict};
use proptest::prelude::*;

fn screener() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    S.get_or_init(|| Screener::new(Lexicon::from_toml_str(include_str!("data/mini.toml")).unwrap()).unwrap())
}

fn default_screener() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    S.get_or_init(Screener::default)
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
}

/// Text made of the characters that exercise the folding: term characters, look-alikes, noise.
fn tricky() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop::sample::select(vec![
            "冰", "毒", "溜", "处", "女", "座", "白", "粉", "笔", "强", "奸", "弓", "虽", "干", "马", "操", "你", "妈",
            "f", "u", "c", "k", "a", "s", "S", "1", "@", "$", "!", "0", "3", "А", "а", "ü", "\u{0301}", "\u{200B}",
            "\u{200D}", "\u{FE0F}", "😀", "👨‍👩‍👧", " ", ".", "，", "①", "一", "三", "八", "Ｆ", "ｕ", "\u{202E}",
            "\u{0000}", "\t", "\n", "bing", "du", "sb", "讀", "強", "姦", "𝐟",
        ]),
        0..40,
    );
    pieces.prop_map(|p| p.concat())
}

proptest! {
    #[test]
    fn any_string_is_safe(text in any::<String>()) {
        let v = screener().scan(&text);
        check_spans(&text, &v);
    }

    #[test]
    fn tricky_strings_have_exact_spans_and_are_deterministic(text in tricky()) {
        let a = screener().scan(&text);
        check_spans(&text, &a);
        prop_assert_eq!(&a, &screener().scan(&text));
        let d = default_screener().scan(&text);
        check_spans(&text, &d);
        prop_assert_eq!(d, default_screener().scan(&text));
    }

    #[test]
    fn long_runs_of_one_character(c in prop::sample::select(vec!['冰', 'a', 's', '1', ' ', '😀', '\u{0301}']), n in 1usize..3000) {
        let text: String = std::iter::repeat_n(c, n).collect();
        check_spans(&text, &screener().scan(&text));
    }
}
