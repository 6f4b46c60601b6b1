//! Hot swap under load: eight threads scan while the lexicon is swapped 1,000 times. Every
//! verdict must be exactly the verdict of the version it names in `lexicon.version` — never a
//! mix of two lexicons — and both versions must have been seen.
#![cfg(not(target_arch = "wasm32"))] // SharedScreener is for native services

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use prescreen::{Lexicon, Screener, SharedScreener, Verdict};

const THREADS: usize = 8;
const SWAPS: usize = 1000;
const TEXTS: [&str; 5] = ["出 冰 毒，加微信", "蓝精灵到货", "我是处女座", "f.u.c.k", "白粉笔和大麻"];

/// Version 1 is tests/data/mini.toml; version 2 changes weights, drops a term and adds one, so
/// that a verdict mixing the two would show.
fn versions() -> (Arc<Screener>, Arc<Screener>) {
    let v1 = Lexicon::from_toml_str(include_str!("data/mini.toml")).unwrap();
    let mut v2 = v1.clone();
    v2.version = "2".into();
    for t in &mut v2.terms {
        t.weight = (t.weight / 2.0).max(0.1);
    }
    v2.terms.retain(|t| t.id != "hate.fuck");
    let mut slang = v2.term("drugs.heroin-slang").unwrap().clone();
    (slang.id, slang.text, slang.variants) = ("drugs.slang".into(), "蓝精灵".into(), vec![]);
    v2.terms.push(slang);
    (Arc::new(Screener::new(v1).unwrap()), Arc::new(Screener::new(v2).unwrap()))
}

#[test]
fn eight_threads_scan_through_a_thousand_swaps() {
    let (v1, v2) = versions();
    let expected: HashMap<(String, &str), Verdict> =
        [&v1, &v2].iter().flat_map(|s| TEXTS.map(|t| ((s.lexicon().version.clone(), t), s.scan(t)))).collect();
    // The two versions disagree on every text but the benign one, so tearing would show.
    let differ =
        TEXTS.iter().filter(|t| expected[&("1".into(), **t)].hits != expected[&("2".into(), **t)].hits).count();
    assert_eq!(differ, TEXTS.len() - 1);

    let shared = Arc::new(SharedScreener::new(v1.clone()));
    let scans = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(THREADS + 1));
    let expected = Arc::new(expected);
    let scanners: Vec<_> = (0..THREADS)
        .map(|n| {
            let (shared, scans, done, start, expected) =
                (shared.clone(), scans.clone(), done.clone(), start.clone(), expected.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut seen: HashMap<String, usize> = HashMap::new();
                let mut i = n;
                while !done.load(Ordering::Acquire) {
                    let text = TEXTS[i % TEXTS.len()];
                    let verdict = shared.scan(text);
                    let version = verdict.lexicon.version.clone();
                    assert_eq!(verdict, expected[&(version.clone(), text)], "torn verdict for {text:?}");
                    *seen.entry(version).or_default() += 1;
                    scans.fetch_add(1, Ordering::Release);
                    i += 1;
                }
                seen
            })
        })
        .collect();

    start.wait();
    for k in 0..SWAPS {
        // Let at least one scan run on each version before the next swap.
        let before = scans.load(Ordering::Acquire);
        while scans.load(Ordering::Acquire) == before {
            std::thread::yield_now();
        }
        let next = if k % 2 == 0 { &v2 } else { &v1 };
        let old = shared.replace(next.clone());
        assert!(!Arc::ptr_eq(&old, next), "replace returns the screener it replaced");
    }
    done.store(true, Ordering::Release);

    let mut total: HashMap<String, usize> = HashMap::new();
    for h in scanners {
        for (version, n) in h.join().expect("no scanning thread panicked") {
            *total.entry(version).or_default() += n;
        }
    }
    assert!(total["1"] > 0 && total["2"] > 0, "both versions scanned: {total:?}");
    assert!(total.values().sum::<usize>() >= SWAPS);
    // 1,000 swaps: back on version 1, and new scans use it.
    assert_eq!(shared.current().lexicon().version, "1");
    assert_eq!(shared.scan(TEXTS[0]), expected[&("1".into(), TEXTS[0])]);
}

#[test]
fn a_verdict_keeps_the_version_it_was_scanned_with() {
    let (v1, v2) = versions();
    let shared = SharedScreener::new(v1);
    let pinned = shared.current(); // e.g. a request that scans several texts on one version
    shared.replace(v2);
    assert_eq!(pinned.scan("蓝精灵到货").lexicon.version, "1");
    assert!(pinned.scan("蓝精灵到货").hits.is_empty());
    let now = shared.scan("蓝精灵到货");
    assert_eq!(now.lexicon.version, "2");
    assert!(now.has_hit("drugs.slang"));
}
