//! `prescreen lexicon check` on every malformed lexicon of `tests/data/bad-lexicons/`: a failed
//! check naming the file, line, column and message its `.expect` gives; `scan --lexicon` with one
//! stops with exit code 2 and the same message, before reading any text.

mod common;

use std::path::{Path, PathBuf};

use common::prescreen;

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/bad-lexicons");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".expect") && !p.ends_with("README.md"))
        .collect();
    files.sort();
    files
}

#[test]
fn lexicon_check_names_file_line_column_and_message() {
    let files = corpus();
    assert!(files.len() >= 50);
    for path in &files {
        let file = path.to_str().unwrap();
        let expected = std::fs::read_to_string(format!("{file}.expect")).unwrap();
        let want = format!("{file}:{}", expected.trim_end_matches('\n'));
        let out = prescreen(&["lexicon", "check", file], None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        assert!(stderr.starts_with(&format!("lexicon check failed: {want}")), "{file}\n want: {want}\n got:  {stderr}");
        assert!(out.stdout.is_empty(), "{file}: nothing is reported as loaded");
    }
    for name in ["87-latin1.toml", "09-deep-nesting.toml", "79-json-deep-nesting.json"] {
        let path = files.iter().find(|p| p.ends_with(name)).unwrap().to_str().unwrap();
        let out = prescreen(&["scan", "--lexicon", "default", "--lexicon", path, "冰毒"], None);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).starts_with(&format!("prescreen: {path}:")));
        assert!(out.stdout.is_empty());
    }
}
