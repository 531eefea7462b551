//! The little-endian primitives of the model file. Everything the model stores goes
//! through these, so the format is explicit and independent of the platform.

/// Why a model file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("not a byline entity model (bad magic bytes)")]
    BadMagic,
    #[error("model format version {found} is not supported (this build reads {supported})")]
    Version { found: u32, supported: u32 },
    #[error("model file is truncated at byte {0}")]
    Truncated(usize),
    #[error("model file is inconsistent: {0}")]
    Invalid(String),
}

/// Appends little-endian values to a byte buffer.
#[derive(Default)]
pub struct ByteWriter {
    pub bytes: Vec<u8>,
}

impl ByteWriter {
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }

    pub fn u16(&mut self, v: u16) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn f32(&mut self, v: f32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn i16_slice(&mut self, values: &[i16]) {
        self.u64(values.len() as u64);
        self.bytes.reserve(values.len() * 2);
        for v in values {
            self.bytes.extend_from_slice(&v.to_le_bytes());
        }
    }

    pub fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.bytes.extend_from_slice(s.as_bytes());
    }
}

/// Reads little-endian values from a byte slice, failing cleanly at its end.
pub struct ByteReader<'b> {
    bytes: &'b [u8],
    pos: usize,
}

impl<'b> ByteReader<'b> {
    pub fn new(bytes: &'b [u8]) -> ByteReader<'b> {
        ByteReader { bytes, pos: 0 }
    }

    pub fn take(&mut self, n: usize) -> Result<&'b [u8], FormatError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(FormatError::Truncated(self.pos))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub fn u8(&mut self) -> Result<u8, FormatError> {
        Ok(self.array::<1>()?[0])
    }

    pub fn u16(&mut self) -> Result<u16, FormatError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    pub fn u32(&mut self) -> Result<u32, FormatError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Result<u64, FormatError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub fn f32(&mut self) -> Result<f32, FormatError> {
        Ok(f32::from_le_bytes(self.array()?))
    }

    /// A length that must fit in what is left of the file when each item takes
    /// `item_size` bytes, so a corrupt length cannot trigger a huge allocation.
    pub fn len(&mut self, item_size: usize) -> Result<usize, FormatError> {
        let n = usize::try_from(self.u64()?).map_err(|_| FormatError::Truncated(self.pos))?;
        if n.saturating_mul(item_size) > self.bytes.len() - self.pos {
            return Err(FormatError::Truncated(self.pos));
        }
        Ok(n)
    }

    pub fn i16_vec(&mut self) -> Result<Vec<i16>, FormatError> {
        let n = self.len(2)?;
        let raw = self.take(n * 2)?;
        Ok(raw
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect())
    }

    pub fn str(&mut self) -> Result<&'b str, FormatError> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|e| FormatError::Invalid(e.to_string()))
    }

    pub fn is_at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        let mut w = ByteWriter::default();
        w.u8(7);
        w.u16(513);
        w.u32(70_000);
        w.u64(u64::MAX - 3);
        w.f32(-1.5);
        w.i16_slice(&[-3, 0, 32_000]);
        w.str("Zürich");
        let mut r = ByteReader::new(&w.bytes);
        assert_eq!(r.u8(), Ok(7));
        assert_eq!(r.u16(), Ok(513));
        assert_eq!(r.u32(), Ok(70_000));
        assert_eq!(r.u64(), Ok(u64::MAX - 3));
        assert_eq!(r.f32(), Ok(-1.5));
        assert_eq!(r.i16_vec(), Ok(vec![-3, 0, 32_000]));
        assert_eq!(r.str(), Ok("Zürich"));
        assert!(r.is_at_end());
    }

    #[test]
    fn truncation_and_huge_lengths_fail_cleanly() {
        let mut r = ByteReader::new(&[1, 2]);
        assert!(r.u32().is_err());
        let mut w = ByteWriter::default();
        w.u64(u64::MAX / 4);
        let mut r = ByteReader::new(&w.bytes);
        assert!(r.i16_vec().is_err());
    }
}
