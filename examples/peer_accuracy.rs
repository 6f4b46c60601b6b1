//! Precision and recall of prescreen and of the Rust libraries a user would pick instead, on the
//! labelled dev sets (issue 8; the speed side is `benches/peers.rs`). A text counts as flagged
//! (positive) when:
//! - prescreen (full, and lexicon-only): `decision != pass`;
//! - bare aho-corasick: any of the default lexicon's surface forms occurs (lowercased, raw text);
//! - sensitive-rs, fed the same surface forms: `find_all` is not empty;
//! - rustrict (its own list; English set only): `is(Type::INAPPROPRIATE)` (its `is_inappropriate`);
//! - censor (its own `Standard` list; English set only): `check`.
//!
//! ```text
//! cargo run --release --example peer_accuracy [-- --markdown]
//! ```
//! Data: ../shared/data/{cn,en}_labelled_dev.jsonl (`label` 1 risky, 0 benign); a missing file is
//! skipped.

#[path = "../benches/texts/mod.rs"]
mod texts;

use prescreen::{Decision, Lexicon, Screener};
use texts::{bare_automaton, bare_scan, labelled, surface_forms};

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
}

impl Counts {
    fn add(&mut self, flagged: bool, risky: bool) {
        match (flagged, risky) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn main() {
    let markdown = std::env::args().any(|a| a == "--markdown");
    let full = Screener::default();
    let lexicon_only = Screener::with_model(Lexicon::default_lexicon(), None).unwrap();
    let bare = bare_automaton(full.lexicon());
    let mut sensitive = sensitive_rs::Filter::new();
    let forms = surface_forms(full.lexicon());
    sensitive.add_words(&forms.iter().map(String::as_str).collect::<Vec<_>>());

    type Flag<'a> = Box<dyn Fn(&str) -> bool + 'a>;
    let mut contestants: Vec<(&str, &str, bool, Flag)> = vec![
        (
            "prescreen (lexicon + model)",
            "default lexicon",
            false,
            Box::new(|t| full.scan(t).decision != Decision::Pass),
        ),
        (
            "prescreen lexicon-only",
            "default lexicon",
            false,
            Box::new(|t| lexicon_only.scan(t).decision != Decision::Pass),
        ),
        ("bare aho-corasick", "prescreen's surface forms", false, Box::new(|t| bare_scan(&bare, t) > 0)),
        (
            "sensitive-rs 1.3 `find_all`",
            "prescreen's surface forms",
            false,
            Box::new(|t| {
                sensitive.clear_cache();
                !sensitive.find_all(t).is_empty()
            }),
        ),
    ];
    contestants.push((
        "rustrict 0.7 `is_inappropriate`",
        "its own",
        true,
        Box::new(|t| rustrict::Censor::from_str(t).analyze().is(rustrict::Type::INAPPROPRIATE)),
    ));
    contestants.push(("censor 0.3 `Standard`", "its own", true, Box::new(|t| censor::Censor::Standard.check(t))));

    if markdown {
        println!("| set | library | list | precision | recall | F1 | flagged |");
        println!("|---|---|---|---|---|---|---|");
    }
    for (lang, file) in [("zh", "cn_labelled_dev.jsonl"), ("en", "en_labelled_dev.jsonl")] {
        let rows = labelled(file);
        if rows.is_empty() {
            eprintln!("{file}: skipped (not found in {})", texts::DATA);
            continue;
        }
        let risky = rows.iter().filter(|r| r.risky).count();
        if !markdown {
            println!("\n{file}: {} texts, {risky} risky", rows.len());
        }
        for (name, list, english_only, flag) in &contestants {
            if *english_only && lang != "en" {
                continue;
            }
            let mut c = Counts::default();
            for r in &rows {
                c.add(flag(&r.text), r.risky);
            }
            let flagged = c.tp + c.fp;
            if markdown {
                println!(
                    "| {lang} | {name} | {list} | {:.3} | {:.3} | {:.3} | {flagged} / {} |",
                    c.precision(),
                    c.recall(),
                    c.f1(),
                    rows.len()
                );
            } else {
                println!(
                    "  {name:<32} precision {:.3}  recall {:.3}  F1 {:.3}  (tp {} fp {} fn {} tn {})",
                    c.precision(),
                    c.recall(),
                    c.f1(),
                    c.tp,
                    c.fp,
                    c.fn_,
                    c.tn
                );
            }
        }
    }
}
