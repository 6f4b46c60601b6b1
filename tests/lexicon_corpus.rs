//! The malformed-lexicon corpus (`tests/data/bad-lexicons/`, see its README): every file is
//! refused with the file, line, column and message its `.expect` names; nothing panics; nothing
//! is half-loaded.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use prescreen::{Format, LexiconBuilder, LexiconError, Screener};

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad-lexicons");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".expect") && !p.ends_with("README.md"))
        .collect();
    files.sort();
    files
}

/// Reads and compiles a lexicon file the way the CLI does.
fn load(name: &str, bytes: &[u8]) -> Result<Screener, LexiconError> {
    let lexicon = LexiconBuilder::new().add_bytes(name, bytes, Format::from_path(name))?.build()?;
    Screener::new(lexicon)
}

fn expect_error(name: &str, bytes: &[u8]) -> LexiconError {
    match catch_unwind(AssertUnwindSafe(|| load(name, bytes))) {
        Ok(Ok(_)) => panic!("{name}: loaded, but it is malformed"),
        Ok(Err(e)) => e,
        Err(_) => panic!("{name}: panicked"),
    }
}

#[test]
fn every_malformed_lexicon_is_refused_with_its_position_and_message() {
    let files = corpus();
    assert!(files.len() >= 50, "the corpus has {} files", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let expect_path = format!("{}.expect", path.display());
        let expected = std::fs::read_to_string(&expect_path).unwrap_or_else(|_| panic!("{expect_path} is missing"));
        let expected = expected.trim_end_matches('\n');
        let error = expect_error(name, &std::fs::read(path).unwrap());
        let first = error.first();
        let got = format!("{}:{}: {}", first.line, first.column, first.message);
        if first.file != name || !got.starts_with(expected) {
            failures.push(format!("{name}\n  want: {expected}\n  got:  {}:{got}", first.file));
        }
        assert!(error.to_string().len() < 400, "{name}: the message is short, whatever the input: {error}");
    }
    assert!(failures.is_empty(), "{} of {} files:\n{}", failures.len(), files.len(), failures.join("\n"));
}

#[test]
fn a_ten_megabyte_term_is_refused_quickly_with_a_short_message() {
    let huge = "冰".repeat(10 << 20 / 3); // 10 MB of UTF-8
    let toml = format!("[[category]]\nid = \"drugs\"\nreview = 0.4\nblock = 0.85\n\n[[term]]\ntext = \"{huge}\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.9\n");
    let error = expect_error("huge.toml", toml.as_bytes());
    let message = error.to_string();
    assert!(message.starts_with("huge.toml:7:8: `text` of term `冰冰"), "{message}");
    assert!(message.ends_with(&format!("is too long: {} chars (at most 256)", 10 << 20 / 3)), "{message}");
    assert!(message.len() < 400);

    let json = format!("{{\"category\": [{{\"id\": \"drugs\", \"review\": 0.4, \"block\": 0.85}}],\n\"term\": [{{\"text\": \"x\", \"variants\": [\"{huge}\"], \"category\": \"drugs\", \"signal\": \"explicit\", \"weight\": 0.9}}]}}");
    let message = expect_error("huge.json", json.as_bytes()).to_string();
    assert!(message.starts_with("huge.json:2:37: a variant of term `x` is too long"), "{message}");
}

#[test]
fn nothing_is_half_loaded() {
    // A good layer followed by a bad one: the whole build fails; the builder is gone with it, so
    // there is no lexicon with the good half in it to use by mistake.
    let good = "[[category]]\nid = \"drugs\"\nreview = 0.4\nblock = 0.85\n[[term]]\ntext = \"冰毒\"\ncategory = \"drugs\"\nsignal = \"explicit\"\nweight = 0.9\n";
    for path in corpus() {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let result = catch_unwind(|| {
            LexiconBuilder::new()
                .add("good.toml", good, Format::Toml)
                .and_then(|b| b.add_bytes(&name, &bytes, Format::from_path(&name)))
                .and_then(|b| b.build())
                .and_then(Screener::new)
        });
        match result {
            Err(_) => panic!("{}: panicked when layered", path.display()),
            // Over a layer that defines the category, "no category" files are fine layers.
            Ok(Ok(_)) => assert!(
                ["65-no-category.toml", "91-empty.toml"].iter().any(|n| path.ends_with(n)),
                "{} loaded as a layer",
                path.display()
            ),
            Ok(Err(e)) => assert!(
                e.diagnostics().iter().all(|d| d.file == path.file_name().unwrap().to_str().unwrap()),
                "every problem is in the bad file: {e}"
            ),
        }
    }
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let text = "\u{feff}[[category]]\nid = \"drugs\"\nreview = 0.4\nblock = 0.85\n";
    assert!(LexiconBuilder::new().add_bytes("bom.toml", text.as_bytes(), Format::Toml).unwrap().build().is_ok());
    let json = "\u{feff}{\"category\": [{\"id\": \"drugs\", \"review\": 0.4, \"block\": 0.85}]}";
    assert!(LexiconBuilder::new().add_bytes("bom.json", json.as_bytes(), Format::Json).unwrap().build().is_ok());
}
