//! The probe (src/probe.rs) on real text: a lexicon-only scan lets the probe decide that a text
//! holds no candidate and skips the full scan, else folds the text again for it; a scan with the
//! model keeps the units of the probe's fast lane and, when it finds a candidate, the full scan
//! reads them (texts off the fast lane are folded the general way). Their findings must be the
//! same on every text, and the same as those of a screener that never probes (it folds and scans
//! every text in full): the term examples of the default lexicon (every
//! disguise it is meant to catch), the case database, the labelled dev sets and the benign corpora
//! (real news, novels, tweets: where a missed candidate would hide). The property test in
//! tests/props.rs asks the same of generated strings.

use prescreen::{Lexicon, Screener, SuppressReason};

fn texts() -> Vec<String> {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data");
    let lexicon = Lexicon::default_lexicon();
    let mut texts: Vec<String> =
        lexicon.terms.iter().flat_map(|t| t.examples.matches.iter().chain(&t.examples.no_match).cloned()).collect();
    let lines = if cfg!(debug_assertions) { 300 } else { 3000 };
    for name in ["cn_benign_dev.txt", "en_benign_dev.txt"] {
        let text = std::fs::read_to_string(format!("{data}/{name}")).expect("the shared benign corpora");
        texts.extend(text.lines().take(lines).map(String::from));
    }
    let jsonl = [
        format!("{data}/cn_labelled_dev.jsonl"),
        format!("{data}/en_labelled_dev.jsonl"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/cases/zh.jsonl").to_string(),
        concat!(env!("CARGO_MANIFEST_DIR"), "/cases/en.jsonl").to_string(),
    ];
    for path in jsonl {
        let text = std::fs::read_to_string(&path).expect("labelled data");
        for line in text.lines().take(lines) {
            let row: serde_json::Value = serde_json::from_str(line).expect("JSON lines");
            texts.push(row["text"].as_str().expect("a text field").to_string());
        }
    }
    texts
}

#[test]
fn the_probe_misses_no_candidate_on_real_text() {
    let screener = Screener::default();
    screener.warm_up(); // the probe runs on DFAs, which a new screener builds after 4 MiB scanned
    let texts = texts();
    assert!(texts.len() > 3000, "only {} texts", texts.len());
    // A screener that never probes: a new one scans on its NFAs, which the probe does not drive,
    // so it folds and scans every text in full; it builds its DFAs (and would probe) only after
    // 4 MiB of scanned text (`DFA_AFTER_BYTES` in src/matcher.rs), more than these texts hold.
    let unprobed = Screener::default();
    let bytes: usize = texts.iter().map(String::len).sum();
    assert!(bytes < 4 << 20, "{bytes} bytes of texts would switch the reference screener to its DFAs");
    let mut with_findings = 0;
    for text in &texts {
        let full = screener.scan(text);
        let probed = screener.scan_without_model(text);
        let reference = unprobed.scan(text);
        for (name, verdict) in [("with the model", &full), ("lexicon only", &probed)] {
            assert_eq!(verdict.hits, reference.hits, "hits of {text:?}, {name}");
            assert_eq!(verdict.suppressed, reference.suppressed, "suppressed of {text:?}, {name}");
            assert_eq!(verdict.shadow, reference.shadow, "shadow of {text:?}, {name}");
        }
        with_findings += usize::from(!full.hits.is_empty() || !full.suppressed.is_empty());
    }
    // The comparison means something only if many texts do have findings.
    assert!(with_findings > 1000, "only {with_findings} texts with findings");
}

/// Long texts (well over twice the piece size) are scanned piece by piece without the model:
/// the probe on each piece, the full scan only on pieces with a candidate. The same real texts
/// joined into long ones, with sentence breaks of several kinds between them (where pieces are
/// cut) and with none, must give the same findings as the whole-text scan with the model.
#[test]
fn long_texts_scanned_by_pieces_find_what_the_whole_scan_finds() {
    let screener = Screener::default();
    screener.warm_up();
    let texts = texts();
    let mut long_texts = 0;
    let mut with_findings = 0;
    for (k, sep) in ["\n", "。", "？", " ; ", "！\n", ""].iter().enumerate() {
        for group in texts.chunks(700).skip(k).step_by(2) {
            let text = group.join(sep);
            if text.len() < 64 << 10 {
                continue;
            }
            let full = screener.scan(&text);
            let pieces = screener.scan_without_model(&text);
            assert_eq!(full.hits, pieces.hits, "hits, separator {sep:?}");
            assert_eq!(full.suppressed, pieces.suppressed, "suppressed, separator {sep:?}");
            assert_eq!(full.shadow, pieces.shadow, "shadow, separator {sep:?}");
            long_texts += 1;
            with_findings += usize::from(!full.hits.is_empty());
        }
    }
    assert!(long_texts >= 6 && with_findings >= 6, "{long_texts} long texts, {with_findings} with hits");
}

/// Long texts with the model are scanned piece by piece too: the probe keeps each piece's units,
/// which are joined for the learned scorer and give the views of the windows with a candidate.
/// The whole verdict (hits, suppressed, the model's score and features) must be the one of a
/// screener that never probes (its NFAs: it folds and scans every text whole; a new one per text,
/// so none of them reaches the 4 MiB after which it would build its DFAs and probe).
#[test]
fn long_texts_with_the_model_by_pieces_get_the_whole_scans_verdict() {
    let screener = Screener::default();
    screener.warm_up();
    let texts = texts();
    let (mut long_texts, mut with_findings, mut explained) = (0, 0, 0);
    for (k, sep) in ["\n", "。", "？", " ; ", "！\n", "", "😀\n"].iter().enumerate() {
        for group in texts.chunks(300).skip(k).step_by(5) {
            let text = group.join(sep);
            if text.len() < 16 << 10 {
                continue;
            }
            let pieces = screener.scan(&text);
            let whole = Screener::default().scan(&text);
            assert_eq!(pieces, whole, "separator {sep:?}");
            long_texts += 1;
            with_findings += usize::from(!pieces.hits.is_empty() || !pieces.suppressed.is_empty());
            explained += usize::from(pieces.model.as_ref().is_some_and(|m| !m.features.is_empty()));
        }
    }
    // The model flags some of them: their features (spans and texts) are compared too.
    assert!(
        long_texts >= 10 && with_findings >= 10 && explained >= 1,
        "{long_texts} long texts, {with_findings} with findings, {explained} with model features"
    );
}

/// An allow phrase may reach over a sentence break (`白粉。笔`: noise between the units of an
/// allow phrase is dropped), and a piece may be cut at that very break. The hit near the cut is
/// then still suppressed by the allow phrase, as in the whole-text scan.
#[test]
fn an_allow_phrase_over_a_piece_cut_still_suppresses() {
    let screener = Screener::default();
    screener.warm_up();
    // No sentence break in the filler: the first cut after 16 KiB is the one inside the phrase.
    let filler = "天气很好我们去公园散步".repeat(700);
    let text = format!("{filler}白粉。笔写在黑板上{filler}");
    let full = screener.scan(&text);
    let pieces = screener.scan_without_model(&text);
    assert_eq!(full.hits, pieces.hits);
    assert_eq!(full.suppressed, pieces.suppressed);
    assert!(pieces.hits.iter().all(|h| !h.matched.contains("白粉")), "{:?}", pieces.hits);
    assert!(pieces.suppressed.iter().any(|s| s.matched == "白粉" && s.detail == "白粉笔"), "{:?}", pieces.suppressed);
}

/// The English corpus as one long text, lexicon only: most of its pieces have a candidate, so
/// probing stops after 32 of them, and pieces whose candidates lie inside plain words have those
/// words scanned alone. The findings must be those of a screener that never probes, each once.
#[test]
fn a_long_english_text_by_pieces_finds_each_finding_once() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data");
    let mut text = std::fs::read_to_string(format!("{data}/en_benign_dev.txt")).expect("the English corpus");
    if cfg!(debug_assertions) {
        let mut end = 256 << 10;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    let screener = Screener::with_model(Lexicon::default_lexicon(), None).unwrap();
    screener.warm_up();
    // A new screener scans on its NFAs (it would build its DFAs and probe after 4 MiB).
    let unprobed = Screener::with_model(Lexicon::default_lexicon(), None).unwrap();
    let (probed, reference) = (screener.scan(&text), unprobed.scan(&text));
    assert!(reference.hits.len() > 20 && reference.suppressed.len() > 200);
    assert_eq!(probed.hits, reference.hits);
    assert_eq!(probed.suppressed, reference.suppressed);
    // With the model too: lines ending in `.”`, `)` or an emoji are cut (a run of noise around
    // the line break), so the text goes by pieces, and the whole verdict (the model's score and
    // features from the joined units) is the whole-text scan's.
    let screener = Screener::default().with_model_features(prescreen::ModelFeatures::Always);
    screener.warm_up();
    let unprobed = Screener::default().with_model_features(prescreen::ModelFeatures::Always);
    let probed = screener.scan(&text);
    assert_eq!(probed, unprobed.scan(&text));
    assert!(probed.model.is_some_and(|m| !m.features.is_empty()));
}

/// An allow phrase may reach over a piece cut into a word the probe would defer: `tumble` ends
/// one piece, `weed` starts the next, and the allow phrase `tumble weed` (of the term `weed`)
/// covers the match across the line break, as in the whole-text scan; and the other way:
/// `magna cum` ends a piece and the allow phrase `magna cum laude` (of the term `cum`) reaches
/// over the cut into the next. No such piece may be settled by scanning its word alone.
#[test]
fn an_allow_phrase_over_a_cut_reaches_a_deferred_word() {
    let screener = Screener::default();
    screener.warm_up();
    // No sentence break in the filler: the first cut after 256 bytes is the one in the phrase.
    // With the model, a text goes by pieces only when its first 8 are short: the second text
    // starts with 10 pieces cut at line breaks between letters.
    let filler = "the cat sat on the mat and slept ".repeat(300);
    let short = "the cat sat on the mat and slept ".repeat(9);
    let head = format!("{short}well\nthen ").repeat(10);
    // The last three reach deep: `ass` 6 units into its piece under `jawbone of an ass` (13
    // units; `an ass` flags the piece), `cocaine` 9 units into its piece under `solution of
    // cocaine` (17), and `kill` 12 units before its piece's end under `kill two birds with one
    // stone` (24).
    let phrases = [
        ("we saw tumble\nweed roll by ", "weed"),
        ("she took a magna cum\nlaude degree ", "cum"),
        ("the jawbone\nof an ass lay there ", "ass"),
        ("a solution\nof cocaine was used ", "cocaine"),
        ("to kill two birds with\none stone ", "kill"),
    ];
    for (phrase, word) in phrases {
        let texts = [format!("{filler}{phrase}{filler}"), format!("{head}{}{phrase}{filler}", &filler[..400])];
        let unprobed = Screener::default();
        let pairs = texts.iter().flat_map(|text| {
            [
                (screener.scan_without_model(text), unprobed.scan_without_model(text)),
                (screener.scan(text), unprobed.scan(text)),
            ]
        });
        for (probed, reference) in pairs {
            assert!(
                reference
                    .suppressed
                    .iter()
                    .any(|s| s.matched.eq_ignore_ascii_case(word) && s.reason == SuppressReason::Allow),
                "{:?}",
                reference.suppressed
            );
            assert_eq!(probed.hits, reference.hits, "{phrase:?}");
            assert_eq!(probed.suppressed, reference.suppressed, "{phrase:?}");
        }
    }
}
