//! The XOR chunk encoding (Facebook's Gorilla, as Prometheus's `tsdb/chunkenc/xor.go`).
//!
//! Layout, bit for bit the same as Prometheus's `EncXOR` chunk:
//!
//! - 2 bytes: the number of samples, big-endian (rewritten on every append);
//! - sample 0: timestamp as a zig-zag varint, value as 64 raw bits;
//! - sample 1: timestamp delta as a uvarint, value XOR-encoded against sample 0;
//! - sample n ≥ 2: delta-of-delta of the timestamp in a prefix code
//!   (`0` = 0; `10` + 14 bits; `110` + 17 bits; `1110` + 20 bits; `1111` + 64 bits),
//!   then the value XOR-encoded against the previous one: `0` = same bits;
//!   `10` + meaningful bits inside the previous leading/trailing-zero window;
//!   `11` + 5 bits leading zeros + 6 bits significant-bit count + the bits.
//!
//! Values are compared and stored as bit patterns, so every NaN payload (and
//! Prometheus's stale marker) survives exactly. Timestamp arithmetic wraps as Go's
//! does, so any `i64` sequence in non-decreasing order round-trips.

use super::bstream::{BitReader, BitWriter};

/// Bytes of the sample-count header.
const HEADER: usize = 2;

/// A finished (immutable) XOR chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XorChunk {
    bytes: Box<[u8]>,
}

impl XorChunk {
    /// A chunk from bytes an `XorAppender` wrote (or Prometheus did).
    pub fn from_bytes(bytes: Box<[u8]>) -> XorChunk {
        XorChunk { bytes }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn num_samples(&self) -> usize {
        num_samples(&self.bytes)
    }

    pub fn iter(&self) -> XorIterator<'_> {
        XorIterator::new(&self.bytes)
    }
}

fn num_samples(bytes: &[u8]) -> usize {
    match bytes {
        [a, b, ..] => usize::from(u16::from_be_bytes([*a, *b])),
        _ => 0,
    }
}

/// Writes samples into a new chunk; `finish` seals it.
#[derive(Clone, Debug)]
pub struct XorAppender {
    b: BitWriter,
    num: u16,
    t: i64,
    v: u64,
    t_delta: u64,
    /// 0xff until the first XOR with a non-zero delta sets a window.
    leading: u8,
    trailing: u8,
}

impl Default for XorAppender {
    fn default() -> Self {
        XorAppender::new()
    }
}

impl XorAppender {
    pub fn new() -> XorAppender {
        XorAppender::with_capacity(HEADER)
    }

    /// An appender whose buffer starts with room for `cap` bytes.
    pub fn with_capacity(cap: usize) -> XorAppender {
        let mut b = BitWriter::with_capacity(cap.max(HEADER));
        b.write_bits(0, 16);
        XorAppender {
            b,
            num: 0,
            t: 0,
            v: 0,
            t_delta: 0,
            leading: 0xff,
            trailing: 0,
        }
    }

    pub fn num_samples(&self) -> usize {
        usize::from(self.num)
    }

    /// The chunk so far (header included): readable with `XorIterator` at any time.
    pub fn bytes(&self) -> &[u8] {
        self.b.bytes()
    }

    /// Bytes the open buffer holds reserved.
    pub fn capacity(&self) -> usize {
        self.b.capacity()
    }

    /// Appends a sample. The caller keeps timestamps in order (the head checks);
    /// a chunk holds at most `u16::MAX` samples.
    pub fn append(&mut self, t: i64, v: f64) {
        assert!(self.num < u16::MAX, "XOR chunk full");
        let vbits = v.to_bits();
        let mut t_delta = 0u64;
        match self.num {
            0 => {
                write_varint(&mut self.b, t);
                self.b.write_bits(vbits, 64);
            }
            1 => {
                t_delta = t.wrapping_sub(self.t) as u64;
                write_uvarint(&mut self.b, t_delta);
                self.write_value(vbits);
            }
            _ => {
                t_delta = t.wrapping_sub(self.t) as u64;
                let dod = t_delta.wrapping_sub(self.t_delta) as i64;
                // Prometheus keeps millisecond resolution, hence wider buckets than Gorilla.
                if dod == 0 {
                    self.b.write_bit(false);
                } else if bit_range(dod, 14) {
                    self.b.write_bits(0b10, 2);
                    self.b.write_bits(dod as u64 & mask(14), 14);
                } else if bit_range(dod, 17) {
                    self.b.write_bits(0b110, 3);
                    self.b.write_bits(dod as u64 & mask(17), 17);
                } else if bit_range(dod, 20) {
                    self.b.write_bits(0b1110, 4);
                    self.b.write_bits(dod as u64 & mask(20), 20);
                } else {
                    self.b.write_bits(0b1111, 4);
                    self.b.write_bits(dod as u64, 64);
                }
                self.write_value(vbits);
            }
        }
        self.t = t;
        self.v = vbits;
        self.t_delta = t_delta;
        self.num += 1;
        self.b.bytes_mut()[..HEADER].copy_from_slice(&self.num.to_be_bytes());
    }

    fn write_value(&mut self, vbits: u64) {
        let delta = vbits ^ self.v;
        if delta == 0 {
            self.b.write_bit(false);
            return;
        }
        self.b.write_bit(true);
        // Clamped: 5 bits hold the leading-zero count.
        let leading = (delta.leading_zeros() as u8).min(31);
        let trailing = delta.trailing_zeros() as u8;
        if self.leading != 0xff && leading >= self.leading && trailing >= self.trailing {
            // The meaningful bits fit the previous window: reuse it.
            self.b.write_bit(false);
            let n = 64 - u32::from(self.leading) - u32::from(self.trailing);
            self.b.write_bits(delta >> self.trailing, n);
            return;
        }
        self.leading = leading;
        self.trailing = trailing;
        self.b.write_bit(true);
        self.b.write_bits(u64::from(leading), 5);
        // 64 significant bits do not fit 6 bits: written as 0 (0 never occurs otherwise).
        let sigbits = 64 - u32::from(leading) - u32::from(trailing);
        self.b.write_bits(u64::from(sigbits) & mask(6), 6);
        self.b.write_bits(delta >> trailing, sigbits);
    }

    /// Seals the chunk: the buffer shrinks to its length.
    pub fn finish(self) -> XorChunk {
        XorChunk {
            bytes: self.b.into_bytes().into_boxed_slice(),
        }
    }
}

/// Whether `x` fits the `nbits` bucket (Prometheus's asymmetric range, see its
/// `docs/bstream.md`): −(2^(n−1) − 1) ..= 2^(n−1).
fn bit_range(x: i64, nbits: u32) -> bool {
    let half = 1i64 << (nbits - 1);
    -(half - 1) <= x && x <= half
}

fn mask(n: u32) -> u64 {
    if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
}

/// Go's `binary.PutVarint`: zig-zag, then `PutUvarint`.
fn write_varint(b: &mut BitWriter, x: i64) {
    write_uvarint(b, ((x << 1) ^ (x >> 63)) as u64);
}

fn write_uvarint(b: &mut BitWriter, mut x: u64) {
    while x >= 0x80 {
        b.write_byte(x as u8 | 0x80);
        x >>= 7;
    }
    b.write_byte(x as u8);
}

fn read_uvarint(r: &mut BitReader<'_>) -> Option<u64> {
    let mut x = 0u64;
    let mut shift = 0u32;
    for i in 0..10 {
        let byte = r.read_byte()?;
        if byte < 0x80 {
            if i == 9 && byte > 1 {
                return None; // overflows 64 bits
            }
            return Some(x | u64::from(byte) << shift);
        }
        x |= u64::from(byte & 0x7f) << shift;
        shift += 7;
    }
    None
}

fn read_varint(r: &mut BitReader<'_>) -> Option<i64> {
    let ux = read_uvarint(r)?;
    Some(((ux >> 1) as i64) ^ -((ux & 1) as i64))
}

/// Decodes a chunk's samples in order. Stops early (and `failed` says so) on a
/// truncated or corrupt chunk.
#[derive(Clone, Debug)]
pub struct XorIterator<'a> {
    r: BitReader<'a>,
    total: usize,
    read: usize,
    t: i64,
    v: u64,
    t_delta: u64,
    leading: u8,
    trailing: u8,
    failed: bool,
}

impl<'a> XorIterator<'a> {
    pub fn new(bytes: &'a [u8]) -> XorIterator<'a> {
        let total = num_samples(bytes);
        XorIterator {
            r: BitReader::new(bytes.get(HEADER..).unwrap_or(&[])),
            total,
            read: 0,
            t: 0,
            v: 0,
            t_delta: 0,
            leading: 0,
            trailing: 0,
            failed: false,
        }
    }

    /// Whether decoding stopped on a malformed chunk.
    pub fn failed(&self) -> bool {
        self.failed
    }

    fn step(&mut self) -> Option<(i64, f64)> {
        match self.read {
            0 => {
                self.t = read_varint(&mut self.r)?;
                self.v = self.r.read_bits(64)?;
            }
            1 => {
                self.t_delta = read_uvarint(&mut self.r)?;
                self.t = self.t.wrapping_add(self.t_delta as i64);
                self.read_value()?;
            }
            _ => {
                let mut prefix = 0u8;
                for _ in 0..4 {
                    prefix <<= 1;
                    if !self.r.read_bit()? {
                        break;
                    }
                    prefix |= 1;
                }
                let sz = match prefix {
                    0b0 => 0,
                    0b10 => 14,
                    0b110 => 17,
                    0b1110 => 20,
                    _ => 64,
                };
                let dod = match sz {
                    0 => 0,
                    64 => self.r.read_bits(64)? as i64,
                    _ => {
                        let mut bits = self.r.read_bits(sz)?;
                        // Negative values come back as large unsigned ones.
                        if bits > 1 << (sz - 1) {
                            bits = bits.wrapping_sub(1 << sz);
                        }
                        bits as i64
                    }
                };
                self.t_delta = self.t_delta.wrapping_add(dod as u64);
                self.t = self.t.wrapping_add(self.t_delta as i64);
                self.read_value()?;
            }
        }
        self.read += 1;
        Some((self.t, f64::from_bits(self.v)))
    }

    #[inline]
    fn read_value(&mut self) -> Option<()> {
        if !self.r.read_bit()? {
            return Some(()); // unchanged
        }
        if self.r.read_bit()? {
            self.leading = self.r.read_bits(5)? as u8;
            let mut sig = self.r.read_bits(6)? as u8;
            if sig == 0 {
                sig = 64;
            }
            self.trailing = 64u8.checked_sub(self.leading + sig)?;
        }
        let sig = 64 - u32::from(self.leading) - u32::from(self.trailing);
        let bits = self.r.read_bits(sig)?;
        self.v ^= bits.checked_shl(u32::from(self.trailing)).unwrap_or(0);
        Some(())
    }
}

impl Iterator for XorIterator<'_> {
    type Item = (i64, f64);

    #[inline]
    fn next(&mut self) -> Option<(i64, f64)> {
        if self.read >= self.total || self.failed {
            return None;
        }
        let s = self.step();
        if s.is_none() {
            self.failed = true;
        }
        s
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.total.saturating_sub(self.read);
        (if self.failed { 0 } else { left }, Some(left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;
    use crate::tsdb::STALE_NAN;

    fn round_trip(samples: &[(i64, f64)]) {
        let mut app = XorAppender::new();
        for &(t, v) in samples {
            app.append(t, v);
        }
        // The open chunk reads the same as the sealed one.
        let open: Vec<(i64, u64)> = XorIterator::new(app.bytes())
            .map(|(t, v)| (t, v.to_bits()))
            .collect();
        let chunk = app.finish();
        assert_eq!(chunk.num_samples(), samples.len());
        let mut it = chunk.iter();
        let got: Vec<(i64, u64)> = it.by_ref().map(|(t, v)| (t, v.to_bits())).collect();
        assert!(!it.failed());
        let want: Vec<(i64, u64)> = samples.iter().map(|&(t, v)| (t, v.to_bits())).collect();
        assert_eq!(got, want);
        assert_eq!(open, want);
    }

    #[test]
    fn known_bytes_for_a_small_chunk() {
        // Hand-derived from xor.go's rules: t=1000 v=1; t=2000 v=1; t=3000 v=2.
        let mut app = XorAppender::new();
        app.append(1000, 1.0);
        app.append(2000, 1.0);
        app.append(3000, 2.0);
        let chunk = app.finish();
        // header 3 | varint(1000)=zigzag 2000 = d0 0f | 1.0 = 3ff0000000000000
        // | uvarint(1000) = e8 07 | '0' (same value)
        // | dod 0 '0' | value: 1.0^2.0 = 0x7ff0... leading 1, trailing 52, sig 11:
        //   '1' '1' 00001 001011 11111111111
        let mut w = BitWriter::new();
        w.write_bits(0x0003, 16);
        for b in [0xd0, 0x0f, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0xe8, 0x07] {
            w.write_byte(b);
        }
        w.write_bit(false);
        w.write_bit(false);
        w.write_bits(0b11, 2);
        w.write_bits(1, 5);
        w.write_bits(11, 6);
        w.write_bits(0x7ff, 11);
        assert_eq!(chunk.bytes(), w.bytes());
    }

    #[test]
    fn empty_and_single() {
        round_trip(&[]);
        round_trip(&[(-5, f64::NAN)]);
        round_trip(&[(i64::MIN, -0.0)]);
    }

    #[test]
    fn every_dod_bucket_and_its_edges() {
        let mut samples = vec![(0i64, 0.0f64), (1000, 1.0)];
        let mut t = 1000i64;
        let mut delta = 1000i64;
        for dod in [
            0i64,
            1,
            -1,
            8191,
            8192,
            -8191,
            -8192,
            8193,
            65536,
            -65535,
            65537,
            -65536,
            524288,
            -524287,
            524289,
            -524288,
            1 << 40,
            -(1 << 39),
        ] {
            delta += dod;
            t += delta;
            samples.push((t, dod as f64));
        }
        round_trip(&samples);
    }

    #[test]
    fn extreme_timestamps_wrap_like_go() {
        round_trip(&[(i64::MIN, 1.0), (0, 2.0), (i64::MAX, 3.0)]);
        round_trip(&[(i64::MIN, 1.0), (i64::MAX, 2.0), (i64::MAX, 2.0)]);
        round_trip(&[(i64::MIN, 1.0), (i64::MIN + 1, 2.0), (i64::MAX, 3.0)]);
    }

    #[test]
    fn special_values_bit_exact() {
        let nan_payload = f64::from_bits(0x7ff8_dead_beef_0001);
        let neg_nan = f64::from_bits(0xfff8_0000_0000_0000);
        let vals = [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::from_bits(STALE_NAN),
            nan_payload,
            neg_nan,
            f64::MIN_POSITIVE,
            f64::from_bits(1),
            f64::MAX,
            f64::from_bits(STALE_NAN),
            1.0,
        ];
        let samples: Vec<_> = vals
            .iter()
            .enumerate()
            .map(|(i, &v)| (i as i64 * 15_000, v))
            .collect();
        round_trip(&samples);
    }

    #[test]
    fn property_random_series_round_trip() {
        let mut rng = SplitMix64::new(42);
        for case in 0..400 {
            let n = 1 + rng.below(300) as usize;
            let mut t = match case % 4 {
                0 => i64::MIN + rng.below(1000) as i64,
                1 => i64::MAX - (1 << 40),
                _ => rng.next_u64() as i64 >> 20,
            };
            let style = rng.below(5);
            let mut v = rng.uniform() * 1000.0;
            let mut samples = Vec::with_capacity(n);
            for _ in 0..n {
                samples.push((t, v));
                let step: i64 = match style {
                    0 => 15_000,
                    1 => 15_000 + rng.below(21) as i64 - 10,
                    2 => rng.below(1 << 22) as i64,
                    3 => (rng.next_u64() >> (rng.below(64) as u32)) as i64 >> 24,
                    _ => rng.below(3) as i64,
                };
                t = t.saturating_add(step);
                v = match rng.below(6) {
                    0 => v,
                    1 => v + 1.0,
                    2 => rng.uniform() * 1e6,
                    3 => f64::from_bits(rng.next_u64()),
                    4 => f64::from_bits(STALE_NAN),
                    _ => (v + rng.below(100) as f64).floor(),
                };
            }
            round_trip(&samples);
        }
    }

    #[test]
    fn truncated_chunk_stops_and_reports() {
        let mut app = XorAppender::new();
        for i in 0..50 {
            app.append(i * 1000, (i * i) as f64 * 0.37);
        }
        let bytes = app.bytes();
        let cut = &bytes[..bytes.len() / 2];
        let mut it = XorIterator::new(cut);
        let n = it.by_ref().count();
        assert!(n < 50);
        assert!(it.failed());
    }
}
