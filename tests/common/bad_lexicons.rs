//! The malformed-lexicon corpus (tests/data/bad-lexicons): every file but the `.expect` files
//! (the expected diagnostic of each) and the README. Shared by the crate's tests and the CLI's
//! (`#[path]`), which reach the directory from different crate roots.

use std::path::{Path, PathBuf};

/// The corpus files in `dir`, sorted.
pub fn corpus(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".expect") && !p.ends_with("README.md"))
        .collect();
    files.sort();
    files
}
