//! A bit stream: most-significant bit first, as Prometheus's `tsdb/chunkenc/bstream.go`.
//!
//! The writer appends to a byte vector, filling the last byte from its high bits down;
//! the reader loads eight bytes at a time (big-endian) so that most reads are one
//! shift pair rather than a loop over bits.

/// Appends bits to a growing byte vector.
#[derive(Clone, Debug, Default)]
pub struct BitWriter {
    bytes: Vec<u8>,
    /// How many low bits of the last byte are still free for writing (0 = none).
    free: u32,
}

impl BitWriter {
    pub fn new() -> BitWriter {
        BitWriter::default()
    }

    /// A writer with room for `cap` bytes before it reallocates.
    pub fn with_capacity(cap: usize) -> BitWriter {
        BitWriter {
            bytes: Vec::with_capacity(cap),
            free: 0,
        }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Mutable access for in-place headers (the chunk's sample count).
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Bytes reserved by the vector (for memory accounting of open chunks).
    pub fn capacity(&self) -> usize {
        self.bytes.capacity()
    }

    pub fn write_bit(&mut self, bit: bool) {
        if self.free == 0 {
            self.bytes.push(0);
            self.free = 8;
        }
        self.free -= 1;
        if bit {
            let last = self.bytes.len() - 1;
            self.bytes[last] |= 1 << self.free;
        }
    }

    /// Writes the low `n` bits of `v` (`n` ≤ 64), most significant first.
    pub fn write_bits(&mut self, v: u64, n: u32) {
        debug_assert!(n <= 64);
        let mut n = n;
        while n > 0 {
            if self.free == 0 {
                // Whole bytes at once while aligned.
                if n >= 8 {
                    n -= 8;
                    self.bytes.push((v >> n) as u8);
                    continue;
                }
                self.bytes.push(0);
                self.free = 8;
            }
            let take = n.min(self.free);
            let chunk = (v >> (n - take)) & ((1u64 << take) - 1);
            let last = self.bytes.len() - 1;
            self.bytes[last] |= (chunk as u8) << (self.free - take);
            self.free -= take;
            n -= take;
        }
    }

    pub fn write_byte(&mut self, b: u8) {
        self.write_bits(u64::from(b), 8);
    }
}

/// Reads bits from a byte slice; every read returns `None` past the end.
#[derive(Clone, Debug)]
pub struct BitReader<'a> {
    bytes: &'a [u8],
    /// Position in bits from the start of `bytes`.
    pos: usize,
}

impl<'a> BitReader<'a> {
    pub fn new(bytes: &'a [u8]) -> BitReader<'a> {
        BitReader { bytes, pos: 0 }
    }

    /// Eight bytes from `at`, big-endian, zero-padded past the end.
    #[inline]
    fn word_at(&self, at: usize) -> u64 {
        match self.bytes.get(at..at + 8) {
            Some(b) => u64::from_be_bytes(b.try_into().expect("8 bytes")),
            None => {
                let mut buf = [0u8; 8];
                let rest = self.bytes.get(at..).unwrap_or(&[]);
                buf[..rest.len()].copy_from_slice(rest);
                u64::from_be_bytes(buf)
            }
        }
    }

    #[inline]
    pub fn read_bit(&mut self) -> Option<bool> {
        let byte = *self.bytes.get(self.pos >> 3)?;
        let bit = (byte >> (7 - (self.pos & 7))) & 1 == 1;
        self.pos += 1;
        Some(bit)
    }

    /// Reads `n` bits (`n` ≤ 64) as the low bits of the result.
    #[inline]
    pub fn read_bits(&mut self, n: u32) -> Option<u64> {
        debug_assert!(n <= 64);
        if n == 0 {
            return Some(0);
        }
        if self.pos + n as usize > self.bytes.len() * 8 {
            return None;
        }
        let off = (self.pos & 7) as u32;
        let v = if off + n <= 64 {
            (self.word_at(self.pos >> 3) << off) >> (64 - n)
        } else {
            // At most 7 + 64 bits span nine bytes: take the high part, then the rest.
            let hi_n = 64 - off;
            let hi = (self.word_at(self.pos >> 3) << off) >> off;
            let lo_n = n - hi_n;
            let lo = u64::from(self.bytes[(self.pos >> 3) + 8]) >> (8 - lo_n);
            (hi << lo_n) | lo
        };
        self.pos += n as usize;
        Some(v)
    }

    pub fn read_byte(&mut self) -> Option<u8> {
        self.read_bits(8).map(|b| b as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    #[test]
    fn bits_round_trip_at_every_alignment() {
        let mut rng = SplitMix64::new(7);
        let mut items = Vec::new();
        let mut w = BitWriter::new();
        for _ in 0..5000 {
            let n = (rng.next_u64() % 65) as u32;
            let v = if n == 64 {
                rng.next_u64()
            } else {
                rng.next_u64() & ((1u64 << n) - 1)
            };
            if rng.below(5) == 0 {
                let b = rng.next_u64() & 1 == 1;
                w.write_bit(b);
                items.push((u64::from(b), 1, true));
            } else {
                w.write_bits(v, n);
                items.push((v, n, false));
            }
        }
        let bytes = w.into_bytes();
        let mut r = BitReader::new(&bytes);
        for (v, n, single) in items {
            if single {
                assert_eq!(r.read_bit(), Some(v == 1));
            } else {
                assert_eq!(r.read_bits(n), Some(v), "n={n}");
            }
        }
    }

    #[test]
    fn layout_is_msb_first() {
        let mut w = BitWriter::new();
        w.write_bit(true);
        w.write_bits(0b01, 2);
        w.write_bits(0xABCD, 16);
        assert_eq!(w.bytes(), &[0b1011_0101, 0b0111_1001, 0b1010_0000]);
    }

    #[test]
    fn reads_past_the_end_fail() {
        let bytes = [0xFFu8];
        let mut r = BitReader::new(&bytes);
        assert_eq!(r.read_bits(7), Some(0x7F));
        assert_eq!(r.read_bits(2), None);
        assert_eq!(r.read_bit(), Some(true));
        assert_eq!(r.read_bit(), None);
    }
}
