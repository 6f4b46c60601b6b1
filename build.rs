//! Prepares the embedded default lexicon (`lexicon/default/*.toml`, in name order):
//! - `default_parts.rs` lists the files so that `src/embedded.rs` can `include_str!` each of
//!   them (for `Lexicon::default_parts`, and errors by file and line);
//! - `default_lexicon.bin` is the layer they read to, in the compact form of
//!   `src/lexicon/blob.rs`, read here by the crate's own lexicon module, so that building the
//!   default lexicon at run time skips parsing the TOML (about half of a new screener's start-up;
//!   see that file). If the files do not read, the blob is left empty with a warning, and the
//!   crate reads the TOML at run time and reports the same error there.

use std::{env, fs, path::Path};

/// Stand-ins for what `src/embedded.rs` includes from this script's output.
mod embedded {
    pub const DEFAULT_PARTS: &[(&str, &str)] = &[];
    pub const DEFAULT_BLOB: &[u8] = &[];
}

#[allow(dead_code, unused_imports)]
#[path = "src/lexicon/mod.rs"]
mod lexicon;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("lexicon/default");
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rerun-if-changed={}", root.join("src/lexicon").display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("lexicon/default exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("[\n");
    let mut parts = Vec::new();
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = format!("lexicon/default/{}", path.file_name().unwrap().to_string_lossy());
        out.push_str(&format!("    ({name:?}, include_str!({:?})),\n", path.display().to_string()));
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        parts.push((name, text));
    }
    out.push(']');
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out_dir).join("default_parts.rs"), out).expect("OUT_DIR is writable");

    let parts: Vec<(&str, &str)> = parts.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let blob = match lexicon::blob::read_default(&parts) {
        Ok(layer) => lexicon::blob::encode(&layer, &parts),
        Err(e) => {
            println!("cargo:warning=the default lexicon does not read ({e}); it will be read at run time");
            Vec::new()
        }
    };
    fs::write(Path::new(&out_dir).join("default_lexicon.bin"), blob).expect("OUT_DIR is writable");
}
