//! Where a new default screener's time goes (native): parsing the embedded lexicon, compiling it,
//! loading the model. Run: cargo run --release --example startup_parts
use std::time::Instant;

fn main() {
    let rounds: usize = std::env::args().nth(1).map_or(3, |n| n.parse().expect("a number of rounds"));
    for round in 0..rounds {
        let t = Instant::now();
        let lexicon = prescreen::Lexicon::default_lexicon();
        let parse = t.elapsed();
        let t = Instant::now();
        let model = prescreen::Model::default_model();
        let model_load = t.elapsed();
        let t = Instant::now();
        let screener = prescreen::Screener::with_model(lexicon, Some(model)).unwrap();
        let compile = t.elapsed();
        let t = Instant::now();
        let v = screener.scan("今天天气不错，我们去公园散步吧。");
        let first = t.elapsed();
        println!(
            "round {round}: parse {parse:?}, model {model_load:?}, compile {compile:?}, first scan {first:?} ({:?})",
            v.decision
        );
    }
}
