//! # prescreen
//!
//! Fast, explainable pre-screening of Chinese and English user-generated text for content risk.
//!
//! prescreen finds risk terms of a reviewed lexicon — also when they are disguised by spacing,
//! pinyin, initials, homophones, split characters, traditional script, leetspeak, look-alike
//! letters, full-width forms or numerals — checks that a match does not cut through a longer
//! innocent word (处女座, 白粉笔, "class", "Scunthorpe"), and returns a [`Verdict`]: a decision
//! (`pass` / `review` / `block`), scores per category and per signal (explicit, implicit,
//! borderline), and every hit with its evidence and exact spans in bytes, chars and UTF-16 units.
//!
//! ```
//! let screener = prescreen::Screener::default(); // the embedded default lexicon
//! let verdict = screener.scan("出 冰 毒，要的加微信");
//! assert_ne!(verdict.decision, prescreen::Decision::Pass);
//! let hit = &verdict.hits[0];
//! println!("{} via {:?} at {:?}", hit.term, hit.via, hit.span.utf16);
//! let json = serde_json::to_string(&verdict).unwrap();
//! assert!(json.starts_with("{\"decision\""));
//! ```
//!
//! A custom lexicon (TOML, or JSON of the same shape; see [`Lexicon`]):
//!
//! ```
//! let lexicon = prescreen::Lexicon::from_toml_str(r#"
//!     [[category]]
//!     id = "drugs"
//!     name = "Drugs"
//!     review = 0.4
//!     block = 0.85
//!
//!     [[term]]
//!     id = "drugs.meth"
//!     text = "冰毒"
//!     category = "drugs"
//!     signal = "explicit"
//!     weight = 0.9
//!     variants = ["溜冰"]
//! "#)?;
//! let screener = prescreen::Screener::new(lexicon)?;
//! let verdict = screener.scan("bing du 到货");
//! assert_eq!(verdict.hits[0].term, "drugs.meth");
//! assert_eq!(verdict.hits[0].via.iter().map(|k| k.name()).collect::<Vec<_>>(), ["spacing", "pinyin"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Modules, in pipeline order
//! - [`lexicon`]: reading TOML/JSON lexicons with file/line/column errors; layering.
//! - `normalize`: folding text into the matcher's form while keeping every original offset.
//! - `matcher`: the Aho-Corasick automaton.
//! - `boundary`: word-boundary checks (jieba for Chinese, UAX #29 for Latin scripts).
//! - `score`: noisy-OR scores, thresholds, profiles, decisions.
//! - [`model`]: the learned scorer (hashed features, logistic regression, training).
//! - [`verdict`]: the result types.
//! - `screener`: compiling a lexicon and scanning.
//! - [`check`]: running term examples and the case database.
//! - `shared`: [`SharedScreener`], one screener shared by threads and swapped for a new lexicon
//!   while they scan (native builds).
//!
//! The core does no I/O, starts no threads and reads no clock (a lexicon's `expires` dates are
//! judged against the day you give [`LexiconBuilder::today`]). [`Screener`] is `Send + Sync`.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod boundary;
pub mod check;
mod embedded;
pub mod lexicon;
mod limit;
mod matcher;
pub mod model;
mod normalize;
mod overlap;
mod probe;
mod score;
mod screener;
#[cfg(not(target_arch = "wasm32"))]
mod shared;
mod span;
pub mod verdict;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use lexicon::{
    Boundary, Category, Date, DateError, Diagnostic, Evasion, EvasionSet, Expired, ExpiredKind, Format, Lexicon,
    LexiconBuilder, LexiconError, Mode, Profile, Rule, Signal, Term, Thresholds,
};
pub use limit::{ScanError, DEFAULT_MAX_INPUT_BYTES, MAX_INPUT_BYTES_LIMIT};
pub use model::{Model, ModelError, ModelFeatures};
pub use screener::{Screener, UnknownProfile};
#[cfg(not(target_arch = "wasm32"))]
pub use shared::SharedScreener;
pub use verdict::{
    CategoryScore, Decision, Hit, LexiconInfo, ModelFeature, ModelVerdict, ShadowOutcome, Span, SuppressReason,
    Suppressed, Truncated, Verdict,
};
