//! Converting byte offsets of the original text to char and UTF-16 offsets, for many offsets at
//! once in a single sweep (hits are few; the text may be long).

use crate::verdict::Span;

/// Converts byte ranges to [`Span`]s. `ranges` need not be sorted.
pub(crate) fn spans(text: &str, ranges: &[(usize, usize)]) -> Vec<Span> {
    let mut points: Vec<usize> = ranges.iter().flat_map(|&(s, e)| [s, e]).collect();
    points.sort_unstable();
    points.dedup();
    let mut table = Vec::with_capacity(points.len()); // (byte, char, utf16)
    // Counted on bytes: every byte that is not a continuation byte starts a char, and a 4-byte
    // char (lead byte 0xF0..) takes two UTF-16 units. Offsets are char boundaries.
    let bytes = text.as_bytes();
    let (mut chars, mut astral, mut byte) = (0usize, 0usize, 0usize);
    for &p in &points {
        let p = p.min(bytes.len());
        let part = &bytes[byte.min(p)..p];
        // Two counting loops the compiler vectorizes.
        chars += part.iter().filter(|&&b| (b as i8) >= -0x40).count();
        astral += part.iter().filter(|&&b| b >= 0xF0).count();
        byte = byte.max(p);
        table.push((p, chars, chars + astral));
    }
    let find = |b: usize| {
        let i = table.binary_search_by_key(&b, |t| t.0).expect("every offset is in the table");
        (table[i].1, table[i].2)
    };
    ranges
        .iter()
        .map(|&(s, e)| {
            let (cs, us) = find(s);
            let (ce, ue) = find(e);
            Span { byte: [s, e], char: [cs, ce], utf16: [us, ue] }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_astral_and_combining() {
        let text = "a😀e\u{0301}冰"; // 😀 is 4 bytes, 1 char, 2 UTF-16 units; U+0301 is 2 bytes
        let s = spans(text, &[(5, 8), (0, 1), (8, 11)]);
        assert_eq!(s[0], Span { byte: [5, 8], char: [2, 4], utf16: [3, 5] });
        assert_eq!(s[1], Span { byte: [0, 1], char: [0, 1], utf16: [0, 1] });
        assert_eq!(s[2], Span { byte: [8, 11], char: [4, 5], utf16: [5, 6] });
    }
}
