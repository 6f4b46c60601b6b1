//! The model file: reading and writing the versioned binary format documented in
//! `docs/model.md`.
//!
//! All integers and floats are little-endian. Layout of version 1:
//!
//! ```text
//! magic      8 bytes  "PSMODEL\0"
//! version    u16      1
//! flags      u16      feature families: 1 char n-grams, 2 words (non-Han), 4 lexicon hits, 8 jieba words (Han);
//!                     16: char n-grams hashed by the multiply mix instead of FNV-1a
//! bits       u8       hash space is 2^bits buckets (10..=24)
//! max_ngram  u8       longest character n-gram (1..=5)
//! heads      u8       number of heads (1..=16), one category each
//! reserved   u8       0
//! per head:  name_len u8, name (UTF-8), scale f32, bias f32, platt_a f32, platt_b f32,
//!            review f32, block f32
//! count      u32      buckets with a non-zero weight in some head
//! entries    count × (delta varint: bucket minus previous bucket (first: bucket itself),
//!                     then `heads` × i8 quantized weights)
//! checksum   u32      FNV-1a 32-bit of every byte before it
//! ```

use std::fmt;

use super::{Head, Model};

/// The magic bytes a model file starts with.
pub const MAGIC: &[u8; 8] = b"PSMODEL\0";
/// The format version this build writes and reads.
pub const VERSION: u16 = 1;
/// The most heads a model file may have (the scan keeps per-head sums on the stack).
pub(crate) const MAX_HEADS: usize = 16;

/// Why bytes could not be read as a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// The bytes do not start with `PSMODEL\0`.
    BadMagic,
    /// The file's format version is not one this build reads.
    UnsupportedVersion {
        /// The version in the file.
        found: u16,
        /// The version this build reads.
        supported: u16,
    },
    /// The file ends before the data it announces.
    Truncated {
        /// Byte offset where more data was expected.
        at: usize,
    },
    /// The checksum does not match the contents.
    Checksum,
    /// A field holds a value out of range.
    Invalid(String),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::BadMagic => f.write_str("not a prescreen model file (bad magic bytes)"),
            ModelError::UnsupportedVersion { found, supported } => {
                write!(f, "model format version {found} is not supported (this build reads version {supported})")
            }
            ModelError::Truncated { at } => write!(f, "model file is truncated (more data expected at byte {at})"),
            ModelError::Checksum => f.write_str("model file checksum mismatch (the file is corrupt)"),
            ModelError::Invalid(what) => write!(f, "invalid model file: {what}"),
        }
    }
}

impl std::error::Error for ModelError {}

fn fnv32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(ModelError::Truncated { at: self.bytes.len() })?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, ModelError> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().expect("2 bytes")))
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }
    fn f32(&mut self) -> Result<f32, ModelError> {
        let v = f32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes"));
        if v.is_finite() {
            Ok(v)
        } else {
            Err(ModelError::Invalid(format!("non-finite number at byte {}", self.at - 4)))
        }
    }
    fn varint(&mut self) -> Result<u32, ModelError> {
        let mut v: u64 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.u8()?;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(v)
                    .map_err(|_| ModelError::Invalid(format!("varint too large at byte {}", self.at)));
            }
        }
        Err(ModelError::Invalid(format!("varint too long at byte {}", self.at)))
    }
}

pub(super) fn read(bytes: &[u8]) -> Result<Model, ModelError> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(ModelError::BadMagic);
    }
    let mut r = Reader { bytes, at: MAGIC.len() };
    let version = r.u16()?;
    if version != VERSION {
        return Err(ModelError::UnsupportedVersion { found: version, supported: VERSION });
    }
    let flags = r.u16()?;
    if flags & !super::features::ALL != 0 {
        return Err(ModelError::Invalid(format!("unknown feature flags {flags:#x}")));
    }
    let bits = r.u8()?;
    if !(10..=24).contains(&bits) {
        return Err(ModelError::Invalid(format!("hash space of 2^{bits} buckets (10..=24 allowed)")));
    }
    let max_ngram = r.u8()?;
    if !(1..=5).contains(&max_ngram) {
        return Err(ModelError::Invalid(format!("max n-gram {max_ngram} (1..=5 allowed)")));
    }
    let n_heads = r.u8()? as usize;
    if !(1..=MAX_HEADS).contains(&n_heads) {
        return Err(ModelError::Invalid(format!("{n_heads} heads (1..={MAX_HEADS} allowed)")));
    }
    r.u8()?;
    let mut heads = Vec::with_capacity(n_heads);
    for _ in 0..n_heads {
        let len = r.u8()? as usize;
        let at = r.at;
        let category = std::str::from_utf8(r.take(len)?)
            .map_err(|_| ModelError::Invalid(format!("head name at byte {at} is not UTF-8")))?
            .to_string();
        heads.push(Head {
            category,
            scale: r.f32()?,
            bias: r.f32()?,
            platt_a: r.f32()?,
            platt_b: r.f32()?,
            review: r.f32()?,
            block: r.f32()?,
        });
    }
    let count = r.u32()? as usize;
    let size = 1usize << bits;
    if count > size {
        return Err(ModelError::Invalid(format!("{count} entries for {size} buckets")));
    }
    let mut weights = vec![0i8; size * n_heads];
    let mut bucket: u64 = 0;
    for k in 0..count {
        let delta = r.varint()? as u64;
        bucket = if k == 0 { delta } else { bucket + delta };
        if bucket >= size as u64 || (k > 0 && delta == 0) {
            return Err(ModelError::Invalid(format!("bucket {bucket} out of order or out of range")));
        }
        for (slot, &b) in weights[bucket as usize * n_heads..][..n_heads].iter_mut().zip(r.take(n_heads)?) {
            *slot = b as i8;
        }
    }
    let body_end = r.at;
    let checksum = r.u32()?;
    if r.at != bytes.len() {
        return Err(ModelError::Invalid(format!("{} trailing bytes after the checksum", bytes.len() - r.at)));
    }
    if fnv32(&bytes[..body_end]) != checksum {
        return Err(ModelError::Checksum);
    }
    Ok(Model {
        extractor: super::features::Extractor { bits, flags, max_ngram },
        heads,
        weights: weights.into_boxed_slice(),
    })
}

pub(super) fn write(model: &Model) -> Vec<u8> {
    let k = model.heads.len();
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&model.extractor.flags.to_le_bytes());
    out.push(model.extractor.bits);
    out.push(model.extractor.max_ngram);
    out.push(k as u8);
    out.push(0);
    for h in &model.heads {
        let name = h.category.as_bytes();
        out.push(name.len() as u8);
        out.extend_from_slice(name);
        for v in [h.scale, h.bias, h.platt_a, h.platt_b, h.review, h.block] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    let rows: Vec<usize> =
        (0..model.weights.len() / k).filter(|&b| model.weights[b * k..][..k].iter().any(|&w| w != 0)).collect();
    out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    let mut prev = 0usize;
    for (i, &b) in rows.iter().enumerate() {
        let mut delta = if i == 0 { b } else { b - prev } as u32;
        prev = b;
        loop {
            let byte = (delta & 0x7f) as u8;
            delta >>= 7;
            if delta == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
        out.extend(model.weights[b * k..][..k].iter().map(|&w| w as u8));
    }
    let checksum = fnv32(&out);
    out.extend_from_slice(&checksum.to_le_bytes());
    out
}
