//! What `build.rs` prepares from `lexicon/default/`: the files of the default lexicon, and the
//! layer they read to in the compact form of `lexicon/blob.rs` (empty if they did not read).
//! Kept outside `lexicon/` because `build.rs` compiles that module itself (to read the files),
//! with empty stand-ins for these two.

/// The files of the embedded default lexicon, `(name, TOML text)` in load order.
pub(crate) const DEFAULT_PARTS: &[(&str, &str)] = &include!(concat!(env!("OUT_DIR"), "/default_parts.rs"));

/// The default lexicon's layer, encoded by `build.rs` (empty if it could not read it).
pub(crate) const DEFAULT_BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/default_lexicon.bin"));
