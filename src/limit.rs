//! The input cap: how long a text a [`crate::Screener`] accepts, and the error beyond it.
//!
//! Scanning is linear in the text, but so is its memory: the folded view keeps about 24 bytes per
//! character, so a 100 MB text of Latin letters needs a few GB. The cap turns an accidental
//! (or hostile) huge input into a clear error instead of an out-of-memory abort.

use std::fmt;

use crate::screener::UnknownProfile;

/// The default cap on a text's length: 16 MiB of UTF-8. Far above any post, comment or
/// document a pre-screener sees (a long novel is a few MB), low enough that a scan's memory
/// stays in the hundreds of MB.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 16 << 20;

/// The highest cap [`crate::Screener::with_max_input_bytes`] accepts (larger values are
/// clamped): 2 GiB. Offsets inside the engine are 32-bit, and folding may lengthen a text (some
/// lowercase letters take more bytes than their capitals).
pub const MAX_INPUT_BYTES_LIMIT: usize = 1 << 31;

/// Why [`crate::Screener::try_scan`] refused a text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScanError {
    /// The text is longer than the screener's cap.
    InputTooLong {
        /// The text's length in UTF-8 bytes.
        len: usize,
        /// The cap, in UTF-8 bytes.
        max: usize,
    },
    /// The profile asked for does not exist.
    UnknownProfile(UnknownProfile),
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::InputTooLong { len, max } => {
                write!(f, "input too long: the text is {len} bytes (UTF-8), the limit is {max} bytes")
            }
            ScanError::UnknownProfile(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ScanError {}

impl From<UnknownProfile> for ScanError {
    fn from(e: UnknownProfile) -> ScanError {
        ScanError::UnknownProfile(e)
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char boundary.
pub(crate) fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
