//! What the two histogram chunk encodings share, as Prometheus's
//! `tsdb/chunkenc/histogram_meta.go`: the 3-byte header with its counter-reset bits,
//! the layout (zero threshold, schema, spans, custom bounds) the first sample
//! writes, the bucket-index walk over spans, the "inserts" that widen a layout, and
//! the XOR float encoding the sums and float buckets use.

use super::bstream::{BitReader, BitWriter};
use super::varbit::{put_varbit_int, put_varbit_uint, read_varbit_int, read_varbit_uint};
use crate::histogram::{CounterResetHint, Span, is_custom_buckets_schema};

/// Header bytes: the sample count (2, big-endian) and the flags byte.
pub const HISTOGRAM_HEADER_SIZE: usize = 3;
/// Position of the flags byte.
pub(crate) const FLAG_POS: usize = 2;
/// The counter-reset bits of the flags byte.
pub const COUNTER_RESET_HEADER_MASK: u8 = 0b1100_0000;

/// The top two bits of a histogram chunk's flags byte (upstream's `CounterResetHeader`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum CounterResetHeader {
    /// Not known whether the chunk was cut by a counter reset.
    #[default]
    UnknownCounterReset = 0b0000_0000,
    /// The chunk was cut because of a counter reset.
    CounterReset = 0b1000_0000,
    /// Certainly no counter reset when the chunk was cut.
    NotCounterReset = 0b0100_0000,
    /// A gauge histogram chunk.
    GaugeType = 0b1100_0000,
}

impl CounterResetHeader {
    /// The header from a flags byte (other bits ignored).
    pub fn from_flags(b: u8) -> CounterResetHeader {
        match b & COUNTER_RESET_HEADER_MASK {
            0b1000_0000 => CounterResetHeader::CounterReset,
            0b0100_0000 => CounterResetHeader::NotCounterReset,
            0b1100_0000 => CounterResetHeader::GaugeType,
            _ => CounterResetHeader::UnknownCounterReset,
        }
    }

    /// Upstream's `CounterResetHintToHeader`.
    pub fn from_hint(hint: CounterResetHint) -> CounterResetHeader {
        match hint {
            CounterResetHint::CounterReset => CounterResetHeader::CounterReset,
            CounterResetHint::NotCounterReset => CounterResetHeader::NotCounterReset,
            CounterResetHint::Gauge => CounterResetHeader::GaugeType,
            CounterResetHint::Unknown => CounterResetHeader::UnknownCounterReset,
        }
    }
}

/// What appending a histogram sample did (upstream's `AppendHistogram` results).
#[derive(Clone, Debug)]
pub enum AppendOutcome<A> {
    /// The sample went into the current chunk.
    Appended,
    /// The chunk was re-encoded with a wider bucket layout and the sample appended:
    /// the appender now holds the recoded chunk (the old bytes are to be replaced).
    Recoded,
    /// The sample cannot go into this chunk (counter reset, schema or zero-threshold
    /// change, custom bounds change, a stale chunk, a gauge/counter switch...): `app`
    /// is a new chunk holding it as its first sample, `header` its counter-reset bits.
    /// The current appender is untouched.
    NewChunk { app: A, header: CounterResetHeader },
}

/// Why an append-only append (upstream's `appendOnly = true`) refused a sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppendError {
    /// A counter reset: the sample belongs in a new chunk.
    CounterReset,
    /// Schema, zero threshold, bounds or stale state differ: a new chunk is needed.
    SchemaChange,
    /// New buckets: the chunk would have to be recoded.
    LayoutChange,
}

impl std::fmt::Display for AppendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AppendError::CounterReset => "histogram counter reset",
            AppendError::SchemaChange => "histogram schema change",
            AppendError::LayoutChange => "histogram layout change",
        })
    }
}

impl std::error::Error for AppendError {}

/// Whether `v` is Prometheus's stale marker.
pub(crate) fn is_stale(v: f64) -> bool {
    v.to_bits() == crate::tsdb::STALE_NAN
}

/// Upstream's `IsKnownSchema`: custom buckets or -9 ..= 52.
pub(crate) fn is_known_schema(s: i32) -> bool {
    use crate::histogram::{EXPONENTIAL_SCHEMA_MAX_RESERVED, EXPONENTIAL_SCHEMA_MIN_RESERVED};
    is_custom_buckets_schema(s)
        || (EXPONENTIAL_SCHEMA_MIN_RESERVED..=EXPONENTIAL_SCHEMA_MAX_RESERVED).contains(&s)
}

/// Upstream's `CustomBucketBoundsMatch` (`None` as empty).
pub(crate) fn bounds_match(a: Option<&[f64]>, b: Option<&[f64]>) -> bool {
    let (a, b) = (a.unwrap_or(&[]), b.unwrap_or(&[]));
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// A fresh chunk buffer: the three header bytes, zeroed.
pub(crate) fn new_chunk_writer(cap: usize) -> BitWriter {
    let mut b = BitWriter::with_capacity(cap.max(HISTOGRAM_HEADER_SIZE));
    b.write_bits(0, 24);
    b
}

/// Stores the sample count in the header.
pub(crate) fn set_num_samples(bytes: &mut [u8], n: usize) {
    bytes[..2].copy_from_slice(&(n as u16).to_be_bytes());
}

/// The header of a chunk's bytes (unknown if too short).
pub(crate) fn header_of(bytes: &[u8]) -> CounterResetHeader {
    bytes
        .get(FLAG_POS)
        .map_or(CounterResetHeader::UnknownCounterReset, |&b| {
            CounterResetHeader::from_flags(b)
        })
}

pub(crate) fn set_header(bytes: &mut [u8], h: CounterResetHeader) {
    bytes[FLAG_POS] = (bytes[FLAG_POS] & !COUNTER_RESET_HEADER_MASK) | h as u8;
}

pub(crate) fn num_samples_of(bytes: &[u8]) -> usize {
    match bytes {
        [a, b, ..] => usize::from(u16::from_be_bytes([*a, *b])),
        _ => 0,
    }
}

/// The hint the iterators put on the `num_read`-th sample (1-based), upstream's
/// `counterResetHint`: the first sample of a counter chunk gets `Unknown` whatever
/// the header says (the previous chunk may be gone or out of order).
pub fn counter_reset_hint(header: CounterResetHeader, num_read: usize) -> CounterResetHint {
    if header == CounterResetHeader::GaugeType {
        CounterResetHint::Gauge
    } else if num_read > 1 {
        CounterResetHint::NotCounterReset
    } else {
        CounterResetHint::Unknown
    }
}

/// A chunk's layout, written once before the first sample.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    pub schema: i32,
    pub zero_threshold: f64,
    pub positive_spans: Vec<Span>,
    pub negative_spans: Vec<Span>,
    /// Only for the custom-buckets schema (empty otherwise).
    pub custom_values: Vec<f64>,
}

/// Upstream's `writeHistogramChunkLayout`.
pub fn write_layout(
    b: &mut BitWriter,
    schema: i32,
    zero_threshold: f64,
    positive_spans: &[Span],
    negative_spans: &[Span],
    custom_values: &[f64],
) {
    put_zero_threshold(b, zero_threshold);
    put_varbit_int(b, i64::from(schema));
    put_spans(b, positive_spans);
    put_spans(b, negative_spans);
    if is_custom_buckets_schema(schema) {
        put_varbit_uint(b, custom_values.len() as u64);
        for &v in custom_values {
            put_custom_bound(b, v);
        }
    }
}

/// Upstream's `readHistogramChunkLayout`.
pub fn read_layout(r: &mut BitReader<'_>) -> Option<Layout> {
    let zero_threshold = read_zero_threshold(r)?;
    let schema = read_varbit_int(r)? as i32;
    let positive_spans = read_spans(r)?;
    let negative_spans = read_spans(r)?;
    let mut custom_values = Vec::new();
    if is_custom_buckets_schema(schema) {
        let n = read_varbit_uint(r)?;
        for _ in 0..n {
            custom_values.push(read_custom_bound(r)?);
        }
    }
    Some(Layout {
        schema,
        zero_threshold,
        positive_spans,
        negative_spans,
        custom_values,
    })
}

fn put_spans(b: &mut BitWriter, spans: &[Span]) {
    put_varbit_uint(b, spans.len() as u64);
    for s in spans {
        put_varbit_uint(b, u64::from(s.length));
        put_varbit_int(b, i64::from(s.offset));
    }
}

fn read_spans(r: &mut BitReader<'_>) -> Option<Vec<Span>> {
    let n = read_varbit_uint(r)?;
    let mut spans = Vec::new();
    for _ in 0..n {
        let length = read_varbit_uint(r)? as u32;
        let offset = read_varbit_int(r)? as i32;
        spans.push(Span { offset, length });
    }
    Some(spans)
}

/// Upstream's `putZeroThreshold`: 0 as byte 0; a power of two 2^-243 ..= 2^10 as one
/// byte (its frexp exponent + 243); anything else as 255 and the 64 bits.
pub fn put_zero_threshold(b: &mut BitWriter, threshold: f64) {
    if threshold == 0.0 {
        b.write_byte(0);
        return;
    }
    match frexp_exp_of_power_of_two(threshold) {
        Some(exp) if (-242..=11).contains(&exp) => b.write_byte((exp + 243) as u8),
        _ => {
            b.write_byte(255);
            b.write_bits(threshold.to_bits(), 64);
        }
    }
}

/// The `exp` of Go's `math.Frexp(x)` when its fraction is exactly 0.5 (x a positive
/// normal power of two); subnormals fall outside the one-byte range anyway.
fn frexp_exp_of_power_of_two(x: f64) -> Option<i32> {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let positive_normal = bits >> 63 == 0 && biased != 0 && biased != 0x7ff;
    (positive_normal && bits & ((1u64 << 52) - 1) == 0).then_some(biased - 1022)
}

/// Upstream's `readZeroThreshold`.
pub fn read_zero_threshold(r: &mut BitReader<'_>) -> Option<f64> {
    match r.read_byte()? {
        0 => Some(0.0),
        255 => Some(f64::from_bits(r.read_bits(64)?)),
        // ldexp(0.5, b-243) = 2^(b-244), always normal for b in 1..=254.
        b => Some(f64::from_bits(((i64::from(b) - 244 + 1023) as u64) << 52)),
    }
}

/// Upstream's `putCustomBound`: multiples of 0.001 in 0 ..= 33554.430 as varbit
/// uint of bound×1000+1, anything else as a 0 bit and the 64 bits.
pub fn put_custom_bound(b: &mut BitWriter, f: f64) {
    let tf = f * 1000.0;
    if !(0.0..=33_554_430.0).contains(&tf) || !is_whole_when_multiplied(f) {
        b.write_bit(false);
        b.write_bits(f.to_bits(), 64);
        return;
    }
    put_varbit_uint(b, tf.round() as u64 + 1);
}

fn is_whole_when_multiplied(f: f64) -> bool {
    let i = (f * 1000.0).round() as u64;
    i as f64 / 1000.0 == f
}

/// Upstream's `readCustomBound`.
pub fn read_custom_bound(r: &mut BitReader<'_>) -> Option<f64> {
    match read_varbit_uint(r)? {
        0 => Some(f64::from_bits(r.read_bits(64)?)),
        v => Some((v - 1) as f64 / 1000.0),
    }
}

/// Gorilla XOR of `new` against `cur`, upstream's `xorWrite`; `leading` 0xff means
/// no window yet.
pub(crate) fn xor_write(
    b: &mut BitWriter,
    new: f64,
    cur: f64,
    leading: &mut u8,
    trailing: &mut u8,
) {
    let delta = new.to_bits() ^ cur.to_bits();
    if delta == 0 {
        b.write_bit(false);
        return;
    }
    b.write_bit(true);
    let new_leading = (delta.leading_zeros() as u8).min(31);
    let new_trailing = delta.trailing_zeros() as u8;
    if *leading != 0xff && new_leading >= *leading && new_trailing >= *trailing {
        b.write_bit(false);
        let n = 64 - u32::from(*leading) - u32::from(*trailing);
        b.write_bits(delta >> *trailing, n);
        return;
    }
    *leading = new_leading;
    *trailing = new_trailing;
    b.write_bit(true);
    b.write_bits(u64::from(new_leading), 5);
    // 64 significant bits are written as 0 (6 bits), as upstream.
    let sigbits = 64 - u32::from(new_leading) - u32::from(new_trailing);
    b.write_bits(u64::from(sigbits) & 0x3f, 6);
    b.write_bits(delta >> new_trailing, sigbits);
}

/// Upstream's `xorRead`: updates `value` (as bits) and the window.
pub(crate) fn xor_read(
    r: &mut BitReader<'_>,
    value: &mut f64,
    leading: &mut u8,
    trailing: &mut u8,
) -> Option<()> {
    if !r.read_bit()? {
        return Some(());
    }
    if r.read_bit()? {
        let l = r.read_bits(5)? as u8;
        let mut sig = r.read_bits(6)? as u8;
        if sig == 0 {
            sig = 64;
        }
        *leading = l;
        *trailing = 64u8.checked_sub(l + sig)?;
    }
    let sig = 64 - u32::from(*leading) - u32::from(*trailing);
    let bits = r.read_bits(sig)?;
    let v = value.to_bits() ^ bits.checked_shl(u32::from(*trailing)).unwrap_or(0);
    *value = f64::from_bits(v);
    Some(())
}

/// Total buckets the spans cover.
pub fn count_spans(spans: &[Span]) -> usize {
    spans.iter().map(|s| s.length as usize).sum()
}

/// Walks the bucket indices the spans cover, in order (upstream's `bucketIterator`).
#[derive(Clone, Debug)]
pub struct BucketIndices<'a> {
    spans: &'a [Span],
    span: usize,
    bucket: i64,
    idx: i64,
}

impl<'a> BucketIndices<'a> {
    pub fn new(spans: &'a [Span]) -> BucketIndices<'a> {
        let idx = -1 + spans.first().map_or(0, |s| i64::from(s.offset));
        BucketIndices {
            spans,
            span: 0,
            bucket: -1,
            idx,
        }
    }
}

impl Iterator for BucketIndices<'_> {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        if self.span >= self.spans.len() {
            return None;
        }
        if self.bucket < i64::from(self.spans[self.span].length) - 1 {
            self.bucket += 1;
            self.idx += 1;
            return Some(self.idx);
        }
        while self.span + 1 < self.spans.len() {
            self.span += 1;
            self.idx += i64::from(self.spans[self.span].offset) + 1;
            self.bucket = 0;
            if self.spans[self.span].length == 0 {
                self.idx -= 1;
                continue;
            }
            return Some(self.idx);
        }
        None
    }
}

/// `num` new buckets go before the `pos`-th bucket of the original list
/// (upstream's `Insert`; `bucket_idx` is the first new bucket's index).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Insert {
    pub pos: usize,
    pub num: usize,
    pub bucket_idx: i64,
}

/// Appends bucket index `b` to `spans` (the merged-span builder upstream inlines).
fn add_bucket(spans: &mut Vec<Span>, last: &mut i64, b: i64) {
    let mut offset = b - *last - 1;
    if offset == 0 && !spans.is_empty() {
        spans.last_mut().expect("non-empty").length += 1;
    } else {
        if spans.is_empty() {
            offset += 1;
        }
        spans.push(Span {
            offset: offset as i32,
            length: 1,
        });
    }
    *last = b;
}

/// Upstream's `expandSpansBothWays` (gauge histograms, no reset check): the forward
/// inserts widening `a` to also cover `b`'s buckets, the backward inserts widening
/// `b` to `a`'s, and the merged spans.
pub fn expand_spans_both_ways(a: &[Span], b: &[Span]) -> (Vec<Insert>, Vec<Insert>, Vec<Span>) {
    let mut ai = BucketIndices::new(a);
    let mut bi = BucketIndices::new(b);
    let (mut f_inserts, mut b_inserts, mut merged) = (Vec::new(), Vec::new(), Vec::new());
    let mut last = 0i64;
    let (mut f_inter, mut b_inter) = (Insert::default(), Insert::default());
    let mut av = ai.next();
    let mut bv = bi.next();
    loop {
        match (av, bv) {
            (Some(x), Some(y)) if x == y => {
                if f_inter.num > 0 {
                    f_inserts.push(f_inter);
                    f_inter.num = 0;
                }
                if b_inter.num > 0 {
                    b_inserts.push(b_inter);
                    b_inter.num = 0;
                }
                add_bucket(&mut merged, &mut last, x);
                av = ai.next();
                bv = bi.next();
                f_inter.pos += 1;
                b_inter.pos += 1;
            }
            (Some(x), Some(y)) if x < y => {
                b_inter.num += 1;
                if f_inter.num > 0 {
                    f_inserts.push(f_inter);
                    f_inter.num = 0;
                }
                add_bucket(&mut merged, &mut last, x);
                f_inter.pos += 1;
                av = ai.next();
            }
            (Some(_), Some(y)) => {
                f_inter.num += 1;
                if b_inter.num > 0 {
                    b_inserts.push(b_inter);
                    b_inter.num = 0;
                }
                add_bucket(&mut merged, &mut last, y);
                b_inter.pos += 1;
                bv = bi.next();
            }
            (Some(x), None) => {
                b_inter.num += 1;
                add_bucket(&mut merged, &mut last, x);
                av = ai.next();
            }
            (None, Some(y)) => {
                f_inter.num += 1;
                add_bucket(&mut merged, &mut last, y);
                bv = bi.next();
            }
            (None, None) => {
                if f_inter.num > 0 {
                    f_inserts.push(f_inter);
                }
                if b_inter.num > 0 {
                    b_inserts.push(b_inter);
                }
                break;
            }
        }
    }
    (f_inserts, b_inserts, merged)
}

/// Upstream's `expandIntSpansAndBuckets` / `expandFloatSpansAndBuckets` (counter
/// histograms), over absolute bucket counts: the forward inserts widening `a` to
/// `b`, and the backward inserts widening `b` by `a`'s buckets it lacks — allowed
/// only where `a`'s count is 0. `None` on a counter reset (a bucket decreased or a
/// used one vanished).
pub fn expand_spans_and_buckets<T, A, B>(
    a: &[Span],
    b: &[Span],
    mut a_counts: A,
    mut b_counts: B,
) -> Option<(Vec<Insert>, Vec<Insert>)>
where
    T: PartialOrd + Default + Copy,
    A: Iterator<Item = T>,
    B: Iterator<Item = T>,
{
    let mut ai = BucketIndices::new(a);
    let mut bi = BucketIndices::new(b);
    let (mut a_inserts, mut b_inserts) = (Vec::new(), Vec::new());
    let (mut a_inter, mut b_inter) = (Insert::default(), Insert::default());
    let mut a_idx = ai.next();
    let mut b_idx = bi.next();
    let mut a_count = if a_idx.is_some() {
        a_counts.next().unwrap_or_default()
    } else {
        T::default()
    };
    let mut b_count = if b_idx.is_some() {
        b_counts.next().unwrap_or_default()
    } else {
        T::default()
    };
    let zero = T::default();

    fn add_insert(inserts: &mut Vec<Insert>, ins: &mut Insert, other_idx: i64) {
        if ins.num == 0 {
            ins.bucket_idx = other_idx;
        } else if ins.bucket_idx + ins.num as i64 != other_idx {
            inserts.push(*ins);
            ins.num = 0;
            ins.bucket_idx = other_idx;
        }
        ins.num += 1;
    }
    macro_rules! advance {
        ($inserts:ident, $inter:ident, $it:ident, $idx:ident, $counts:ident, $count:ident) => {
            if $inter.num > 0 {
                $inserts.push($inter);
                $inter.num = 0;
            }
            $idx = $it.next();
            $inter.pos += 1;
            if $idx.is_some() {
                $count = $counts.next().unwrap_or_default();
            }
        };
    }

    loop {
        match (a_idx, b_idx) {
            (Some(x), Some(y)) if x == y => {
                if a_count > b_count {
                    return None;
                }
                advance!(a_inserts, a_inter, ai, a_idx, a_counts, a_count);
                advance!(b_inserts, b_inter, bi, b_idx, b_counts, b_count);
            }
            (Some(x), by) if by.is_none_or(|y| x < y) => {
                if a_count != zero {
                    return None;
                }
                add_insert(&mut b_inserts, &mut b_inter, x);
                advance!(a_inserts, a_inter, ai, a_idx, a_counts, a_count);
            }
            (_, Some(y)) => {
                add_insert(&mut a_inserts, &mut a_inter, y);
                advance!(b_inserts, b_inter, bi, b_idx, b_counts, b_count);
            }
            (Some(_), None) => unreachable!("handled above"),
            (None, None) => {
                if a_inter.num > 0 {
                    a_inserts.push(a_inter);
                }
                if b_inter.num > 0 {
                    b_inserts.push(b_inter);
                }
                return Some((a_inserts, b_inserts));
            }
        }
    }
}

/// Running sums of delta-encoded buckets (absolute counts, wrapping as Go's int64).
pub(crate) fn absolute(deltas: &[i64]) -> impl Iterator<Item = i64> + '_ {
    deltas.iter().scan(0i64, |acc, &d| {
        *acc = acc.wrapping_add(d);
        Some(*acc)
    })
}

/// A bucket value `insert` can fill: `i64` deltas or `f64` absolute counts.
pub trait BucketValue: Copy + Default {
    fn add(self, o: Self) -> Self;
    fn neg(self) -> Self;
}

impl BucketValue for i64 {
    fn add(self, o: i64) -> i64 {
        self.wrapping_add(o)
    }
    fn neg(self) -> i64 {
        self.wrapping_neg()
    }
}

impl BucketValue for f64 {
    fn add(self, o: f64) -> f64 {
        self + o
    }
    fn neg(self) -> f64 {
        -self
    }
}

/// Upstream's `insert`: `input` widened by the inserts into `out_len` buckets, the
/// new buckets empty. With `deltas`, the values are delta-encoded and the bucket
/// after an insert is re-based.
pub fn insert<T: BucketValue>(
    input: &[T],
    out_len: usize,
    inserts: &[Insert],
    deltas: bool,
) -> Vec<T> {
    let mut out = Vec::with_capacity(out_len);
    let mut v = T::default();
    let mut ii = 0;
    for (i, &d) in input.iter().enumerate() {
        if ii >= inserts.len() || i != inserts[ii].pos {
            out.push(d);
            v = v.add(d);
            continue;
        }
        let mut first = true;
        while ii < inserts.len() && i == inserts[ii].pos {
            if deltas && first {
                out.push(v.neg());
                first = false;
            } else {
                out.push(T::default());
            }
            out.extend((1..inserts[ii].num).map(|_| T::default()));
            ii += 1;
        }
        out.push(if deltas { d.add(v) } else { d });
        v = v.add(d);
    }
    while ii < inserts.len() {
        assert!(
            inserts[ii].pos >= input.len(),
            "leftover inserts must be after the current buckets"
        );
        out.push(if deltas { v.neg() } else { T::default() });
        out.extend((1..inserts[ii].num).map(|_| T::default()));
        ii += 1;
        v = T::default();
    }
    out.resize(out_len.max(out.len()), T::default());
    out
}

/// Upstream's `adjustForInserts`: `spans` widened by the inserts' buckets.
pub fn adjust_for_inserts(spans: &[Span], inserts: &[Insert]) -> Vec<Span> {
    if inserts.is_empty() {
        return spans.to_vec();
    }
    let mut merged = Vec::new();
    let mut last = 0i64;
    let mut i = 0;
    let mut insert_idx = inserts[0].bucket_idx;
    let mut insert_num = inserts[0].num;
    let consume = |i: &mut usize, insert_idx: &mut i64, insert_num: &mut usize| {
        *insert_num -= 1;
        if *insert_num == 0 {
            *i += 1;
            if *i < inserts.len() {
                *insert_idx = inserts[*i].bucket_idx;
                *insert_num = inserts[*i].num;
            }
        } else {
            *insert_idx += 1;
        }
    };
    let mut it = BucketIndices::new(spans);
    let mut bucket = it.next();
    while let Some(bk) = bucket {
        if i < inserts.len() && insert_idx < bk {
            add_bucket(&mut merged, &mut last, insert_idx);
            consume(&mut i, &mut insert_idx, &mut insert_num);
        } else {
            add_bucket(&mut merged, &mut last, bk);
            bucket = it.next();
        }
    }
    while i < inserts.len() {
        add_bucket(&mut merged, &mut last, insert_idx);
        consume(&mut i, &mut insert_idx, &mut insert_num);
    }
    merged
}

#[cfg(test)]
#[path = "histogram_meta_tests.rs"]
mod tests;
