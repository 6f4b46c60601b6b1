//! Lists the files of the embedded default lexicon (`lexicon/default/*.toml`, in name order) so
//! that `src/lexicon` can `include_str!` each of them and report errors by file and line.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lexicon/default");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("lexicon/default exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = format!("lexicon/default/{}", path.file_name().unwrap().to_string_lossy());
        out.push_str(&format!("    ({name:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    out.push(']');
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out_dir).join("default_parts.rs"), out).expect("OUT_DIR is writable");
}
