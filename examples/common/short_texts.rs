//! ~100-char texts cut from a corpus file, shared by the profiling examples.

/// Up to `count` texts of exactly 100 chars, made by joining the file's lines.
pub fn short_texts(file: &str, count: usize) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut texts = Vec::new();
    let mut buf = String::new();
    for line in text.lines() {
        buf.push_str(line);
        if buf.chars().count() >= 100 {
            texts.push(buf.chars().take(100).collect::<String>());
            buf.clear();
            if texts.len() == count {
                break;
            }
        }
    }
    texts
}
