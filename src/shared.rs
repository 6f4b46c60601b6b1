//! One screener shared by many threads, swapped for a new lexicon while they scan.
//!
//! A service builds the new [`Screener`] off to the side (compiling takes a while), then swaps it
//! in with one atomic pointer store. A scan loads the current screener once and keeps it to the
//! end, so every verdict comes wholly from one lexicon — the one its `lexicon.version` names —
//! and scans already running finish on the old one, which is freed when the last of them ends.
//! Loading is lock-free ([`arc_swap`]): scanning threads never wait for a swap or for each other.

use std::fmt;
use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::screener::{Screener, UnknownProfile};
use crate::verdict::Verdict;

/// A [`Screener`] that threads share and a service can replace at any time (hot reload).
///
/// ```
/// use prescreen::{Lexicon, Screener, SharedScreener};
/// let v1 = Lexicon::from_toml_str(r#"
///     [lexicon]
///     version = "1"
///     [[category]]
///     id = "drugs"
///     review = 0.4
///     block = 0.85
///     [[term]]
///     text = "冰毒"
///     category = "drugs"
///     signal = "explicit"
///     weight = 0.9
/// "#)?;
/// let mut v2 = v1.clone();
/// v2.version = "2".into();
/// v2.terms[0].weight = 0.5;
///
/// let shared = SharedScreener::new(Screener::with_model(v1, None)?);
/// assert_eq!(shared.scan("卖冰毒").lexicon.version, "1");
/// let old = shared.replace(Screener::with_model(v2, None)?); // e.g. from a file watcher
/// assert_eq!(old.lexicon().version, "1");
/// let verdict = shared.scan("卖冰毒");
/// assert_eq!((verdict.lexicon.version.as_str(), verdict.hits[0].weight), ("2", 0.5));
/// # Ok::<(), prescreen::LexiconError>(())
/// ```
pub struct SharedScreener {
    current: ArcSwap<Screener>,
}

impl SharedScreener {
    /// Shares `screener` (a [`Screener`] or an `Arc` of one).
    ///
    /// The screener is warmed up first ([`Screener::warm_up`]), here and in
    /// [`SharedScreener::replace`]: a service pays for its lazily built parts when it compiles,
    /// not on a request.
    pub fn new(screener: impl Into<Arc<Screener>>) -> SharedScreener {
        let screener = screener.into();
        screener.warm_up();
        SharedScreener { current: ArcSwap::new(screener) }
    }

    /// Scans with the current screener (see [`Screener::scan`]).
    pub fn scan(&self, text: &str) -> Verdict {
        self.current.load().scan(text)
    }

    /// Scans with the current screener under a named profile (see
    /// [`Screener::scan_with_profile`]).
    pub fn scan_with_profile(&self, text: &str, profile: &str) -> Result<Verdict, UnknownProfile> {
        self.current.load().scan_with_profile(text, profile)
    }

    /// The current screener, to run several scans on one lexicon version or to read its lexicon.
    pub fn current(&self) -> Arc<Screener> {
        self.current.load_full()
    }

    /// Puts `screener` in place for every scan that starts from now on, and returns the one it
    /// replaces (scans still running on it finish there).
    pub fn replace(&self, screener: impl Into<Arc<Screener>>) -> Arc<Screener> {
        let screener = screener.into();
        screener.warm_up();
        self.current.swap(screener)
    }
}

impl fmt::Debug for SharedScreener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedScreener").field("current", &*self.current.load()).finish()
    }
}
