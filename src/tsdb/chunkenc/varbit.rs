//! Varbit integers, as Prometheus's `tsdb/chunkenc/varbit.go`: a unary prefix of up
//! to eight bits picks a bucket of 0, 3, 6, 9, 12, 18, 25, 56 or 64 value bits. The
//! histogram chunks write their timestamps, counts, bucket deltas and layout with it.
//!
//! | prefix     | int range                 | uint range  |
//! |------------|---------------------------|-------------|
//! | `0`        | 0                         | 0           |
//! | `10`       | -3 ..= 4                  | ..= 7       |
//! | `110`      | -31 ..= 32                | ..= 63      |
//! | `1110`     | -255 ..= 256              | ..= 511     |
//! | `11110`    | -2047 ..= 2048            | ..= 4095    |
//! | `111110`   | -131071 ..= 131072        | ..= 2^18-1  |
//! | `1111110`  | -(2^24-1) ..= 2^24        | ..= 2^25-1  |
//! | `11111110` | -(2^55-1) ..= 2^55        | ..= 2^56-1  |
//! | `11111111` | the rest, 64 bits         | the rest    |

use super::bstream::{BitReader, BitWriter};

/// Value bits per bucket, indexed by the number of leading 1s of the prefix.
const SIZES: [u32; 9] = [0, 3, 6, 9, 12, 18, 25, 56, 64];

/// Whether `x` fits the `nbits` bucket: −(2^(n−1) − 1) ..= 2^(n−1), as upstream's `bitRange`.
pub(crate) fn bit_range(x: i64, nbits: u32) -> bool {
    let half = 1i64 << (nbits - 1);
    -(half - 1) <= x && x <= half
}

fn mask(n: u32) -> u64 {
    if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
}

/// Writes the prefix for bucket `i` (≥ 1): `i` ones, then a zero unless `i` is 8.
fn write_prefix(b: &mut BitWriter, i: usize) {
    let ones = (1u64 << i) - 1;
    if i < 8 {
        b.write_bits(ones << 1, i as u32 + 1);
    } else {
        b.write_bits(ones, 8);
    }
}

/// Upstream's `putVarbitInt`.
pub fn put_varbit_int(b: &mut BitWriter, v: i64) {
    if v == 0 {
        b.write_bit(false);
        return;
    }
    for (i, &sz) in SIZES.iter().enumerate().skip(1) {
        if sz == 64 || bit_range(v, sz) {
            write_prefix(b, i);
            b.write_bits(v as u64 & mask(sz), sz);
            return;
        }
    }
}

/// Upstream's `putVarbitUint`: the same buckets, unsigned.
pub fn put_varbit_uint(b: &mut BitWriter, v: u64) {
    if v == 0 {
        b.write_bit(false);
        return;
    }
    for (i, &sz) in SIZES.iter().enumerate().skip(1) {
        if sz == 64 || v.leading_zeros() >= 64 - sz {
            write_prefix(b, i);
            b.write_bits(v, sz);
            return;
        }
    }
}

/// The bucket's value width from the unary prefix.
fn read_size(r: &mut BitReader<'_>) -> Option<u32> {
    let mut ones = 0;
    while ones < 8 && r.read_bit()? {
        ones += 1;
    }
    Some(SIZES[ones])
}

/// Upstream's `readVarbitInt`; `None` past the end.
pub fn read_varbit_int(r: &mut BitReader<'_>) -> Option<i64> {
    match read_size(r)? {
        0 => Some(0),
        64 => Some(r.read_bits(64)? as i64),
        sz => {
            let mut bits = r.read_bits(sz)?;
            if bits > 1 << (sz - 1) {
                bits = bits.wrapping_sub(1 << sz);
            }
            Some(bits as i64)
        }
    }
}

/// Upstream's `readVarbitUint`; `None` past the end.
pub fn read_varbit_uint(r: &mut BitReader<'_>) -> Option<u64> {
    match read_size(r)? {
        0 => Some(0),
        sz => r.read_bits(sz),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_boundaries_round_trip() {
        let numbers = [
            i64::MIN,
            -36028797018963968,
            -36028797018963967,
            -16777216,
            -16777215,
            -131072,
            -131071,
            -2048,
            -2047,
            -256,
            -255,
            -32,
            -31,
            -4,
            -3,
            -1,
            0,
            1,
            4,
            5,
            32,
            33,
            256,
            257,
            2048,
            2049,
            131072,
            131073,
            16777216,
            16777217,
            36028797018963968,
            36028797018963969,
            i64::MAX,
        ];
        let mut w = BitWriter::new();
        for &n in &numbers {
            put_varbit_int(&mut w, n);
        }
        let bytes = w.into_bytes();
        let mut r = BitReader::new(&bytes);
        for &n in &numbers {
            assert_eq!(read_varbit_int(&mut r), Some(n));
        }
    }

    #[test]
    fn uint_boundaries_round_trip() {
        let numbers = [
            0u64,
            1,
            7,
            8,
            63,
            64,
            511,
            512,
            4095,
            4096,
            262143,
            262144,
            33554431,
            33554432,
            72057594037927935,
            72057594037927936,
            u64::MAX,
        ];
        let mut w = BitWriter::new();
        for &n in &numbers {
            put_varbit_uint(&mut w, n);
        }
        let bytes = w.into_bytes();
        let mut r = BitReader::new(&bytes);
        for &n in &numbers {
            assert_eq!(read_varbit_uint(&mut r), Some(n));
        }
    }

    #[test]
    fn bucket_widths_and_bits() {
        // (value, expected total width)
        for (v, width) in [
            (0i64, 1u32),
            (4, 5),
            (-3, 5),
            (5, 9),
            (-4, 9),
            (32, 9),
            (33, 13),
            (-32, 13),
            (256, 13),
            (2048, 17),
            (131072, 24),
            (16777216, 32),
            (1 << 55, 64),
            ((1 << 55) + 1, 72),
            (i64::MIN, 72),
        ] {
            let mut w = BitWriter::new();
            put_varbit_int(&mut w, v);
            w.write_bit(true); // marker right after the value
            let bytes = w.into_bytes();
            let mut r = BitReader::new(&bytes);
            assert_eq!(read_varbit_int(&mut r), Some(v));
            assert_eq!(r.read_bit(), Some(true), "v={v}");
            assert_eq!(bytes.len(), (width as usize + 1).div_ceil(8), "v={v}");
        }
        // -1 in the 3-bit bucket: 10 111.
        let mut w = BitWriter::new();
        put_varbit_int(&mut w, -1);
        assert_eq!(w.bytes(), &[0b1011_1000]);
        // 8 as uint: 110 001000.
        let mut w = BitWriter::new();
        put_varbit_uint(&mut w, 8);
        assert_eq!(w.bytes(), &[0b1100_0100, 0]);
    }

    #[test]
    fn truncated_reads_fail() {
        let mut w = BitWriter::new();
        put_varbit_int(&mut w, 1 << 40);
        let bytes = w.into_bytes();
        let mut r = BitReader::new(&bytes[..3]);
        assert_eq!(read_varbit_int(&mut r), None);
    }
}
