//! Quality figures of the learned scorer: lexicon-only, model-only and combined, on labelled dev
//! sets (flagged = decision ≥ review) and on benign corpora (blocked and flagged rates).
//!
//! ```text
//! cargo run --release --example eval_model -- [--model model.bin] [--data DIR]
//! ```
//! `DIR` defaults to /work/shared/data; the embedded default model is used without `--model`.

use prescreen::{Decision, Lexicon, Model, Screener, Verdict};

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
    blocked: usize,
}

impl Counts {
    fn add(&mut self, flagged: bool, blocked: bool, label: bool) {
        match (flagged, label) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
        self.blocked += blocked as usize;
    }
    fn prf(&self) -> (f64, f64, f64) {
        let p = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let r = self.tp as f64 / (self.tp + self.fn_).max(1) as f64;
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        (p, r, f)
    }
    fn total(&self) -> usize {
        self.tp + self.fp + self.fn_ + self.tn
    }
}

/// (lexicon-only, model-only, combined) decisions of one text.
fn decisions(screener: &Screener, text: &str) -> [Decision; 3] {
    let lexicon = screener.scan_without_model(text).decision;
    let v: Verdict = screener.scan(text);
    let model = v.model.as_ref().map_or(Decision::Pass, |m| m.decision);
    [lexicon, model, v.decision]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let dir = opt("--data").unwrap_or_else(|| "/work/shared/data".into());
    let model = match opt("--model") {
        Some(path) => Model::from_bytes(&std::fs::read(&path).expect("model file")).expect("valid model"),
        None => Model::default_model(),
    };
    let screener = Screener::with_model(Lexicon::default_lexicon(), Some(model)).expect("lexicon compiles");
    let names = ["lexicon", "model", "combined"];

    for set in ["cn_labelled_dev.jsonl", "en_labelled_dev.jsonl"] {
        let text = std::fs::read_to_string(format!("{dir}/{set}")).expect("dev set");
        let mut counts = [Counts::default(); 3];
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let row: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let label = row["label"].as_i64() == Some(1);
            let d = decisions(&screener, row["text"].as_str().unwrap_or(""));
            for (c, d) in counts.iter_mut().zip(d) {
                c.add(d >= Decision::Review, d == Decision::Block, label);
            }
        }
        println!("{set} ({} texts)", counts[0].total());
        println!("  {:<9} {:>9} {:>7} {:>7}", "", "precision", "recall", "F1");
        for (name, c) in names.iter().zip(&counts) {
            let (p, r, f) = c.prf();
            println!("  {name:<9} {p:>9.3} {r:>7.3} {f:>7.3}");
        }
    }
    for set in ["cn_benign_dev.txt", "en_benign_dev.txt"] {
        let text = std::fs::read_to_string(format!("{dir}/{set}")).expect("benign corpus");
        let mut counts = [Counts::default(); 3];
        let mut show: usize = opt("--show").map_or(0, |n| n.parse().expect("--show N"));
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let d = decisions(&screener, line);
            if show > 0 && d[1] >= Decision::Review {
                show -= 1;
                let v = screener.scan(line);
                let m = v.model.expect("model on");
                let f: Vec<String> = m.features.iter().map(|f| format!("{}:{}", f.text, f.weight)).collect();
                println!("  FP {:.3} {} | {}", m.score, line.chars().take(80).collect::<String>(), f.join(" "));
            }
            for (c, d) in counts.iter_mut().zip(d) {
                c.add(d >= Decision::Review, d == Decision::Block, false);
            }
        }
        let n = counts[0].total() as f64;
        println!("{set} ({} lines)", counts[0].total());
        println!("  {:<9} {:>8} {:>8}", "", "flagged", "blocked");
        for (name, c) in names.iter().zip(&counts) {
            println!("  {name:<9} {:>7.2}% {:>7.2}%", 100.0 * c.fp as f64 / n, 100.0 * c.blocked as f64 / n);
        }
    }
}
