//! The bucket arithmetic behind [`super::NativeHistogram`], ported from client_golang's
//! `prometheus/histogram.go`: `pickSchema`, the bucket key of `histogramCounts.observe`
//! (`math.Frexp` and the `nativeHistogramBounds` tables), the two bucket-limiting
//! steps (`maybeWidenZeroBucket`, `doubleBucketWidth`) and `makeBuckets`.
//!
//! client_golang keeps a hot and a cold copy of the counts for lock-free observing;
//! behind a mutex one copy suffices, and every sequence of observations and scrapes
//! ends in the same state as client_golang's.

use std::collections::BTreeMap;

use crate::histogram::{Histogram as NativeModel, Span, get_bound_exponential};

/// client_golang's `DefNativeHistogramZeroThreshold`: 2^-128, a bucket boundary at
/// every schema.
pub const DEF_NATIVE_HISTOGRAM_ZERO_THRESHOLD: f64 = 2.938735877055719e-39;

/// client_golang's `NativeHistogramZeroThresholdZero`: a zero bucket of width zero.
pub const NATIVE_HISTOGRAM_ZERO_THRESHOLD_ZERO: f64 = -1.0;

const SCHEMA_MAX: i32 = 8;
const SCHEMA_MIN: i32 = -4;

/// Go's `math.Frexp`: `f = frac * 2^exp` with `frac` in [0.5, 1); subnormals are
/// normalised; 0, ±Inf and NaN come back unchanged with exponent 0.
pub fn frexp(f: f64) -> (f64, i32) {
    if f == 0.0 || !f.is_finite() {
        return (f, 0);
    }
    let (f, mut exp) = if f.abs() < f64::MIN_POSITIVE {
        (f * (1u64 << 52) as f64, -52)
    } else {
        (f, 0)
    };
    let mut bits = f.to_bits();
    exp += ((bits >> 52) & 0x7ff) as i32 - 1023 + 1;
    bits &= !(0x7ff << 52);
    bits |= 1022 << 52;
    (f64::from_bits(bits), exp)
}

/// Go's `math.Log2`: exact at powers of two (so schema boundaries pick as in Go).
fn go_log2(x: f64) -> f64 {
    let (frac, exp) = frexp(x);
    if frac == 0.5 {
        return f64::from(exp - 1);
    }
    frac.ln() * (1.0 / std::f64::consts::LN_2) + f64::from(exp)
}

/// client_golang's `pickSchema`: the largest schema `n` in -4..=8 with
/// `2^(2^-n) <= bucket_factor` (8 for factors below 2^(2^-8)). `None` for a factor
/// of at most 1 (or NaN), which client_golang rejects.
pub fn pick_schema(bucket_factor: f64) -> Option<i32> {
    if bucket_factor.is_nan() || bucket_factor <= 1.0 {
        return None;
    }
    let floor = go_log2(go_log2(bucket_factor)).floor();
    Some(if floor <= -f64::from(SCHEMA_MAX) {
        SCHEMA_MAX
    } else if floor >= -f64::from(SCHEMA_MIN) {
        SCHEMA_MIN
    } else {
        -(floor as i32)
    })
}

/// `nativeHistogramBounds[schema][i]` for schema 1..=8: `0.5 * 2^(i / 2^schema)`,
/// the same literals as client_golang's (Prometheus's schema-8 table, halved exactly).
fn frac_bound(schema: i32, i: i32) -> f64 {
    get_bound_exponential(i << (SCHEMA_MAX - schema), SCHEMA_MAX) * 0.5
}

/// The bucket key of `value` at `schema` (-4..=8), ignoring the zero bucket, exactly
/// as client_golang computes it: bucket `k` holds `(2^((k-1)/2^schema), 2^(k/2^schema)]`
/// in absolute value, and ±Inf lands one past the bucket of `f64::MAX`.
/// The caller keeps NaN (and values within the zero threshold) out.
pub fn bucket_key(value: f64, schema: i32) -> i32 {
    let mut v = value.abs();
    let is_inf = v.is_infinite();
    if is_inf {
        v = f64::MAX;
    }
    let (frac, exp) = frexp(v);
    let mut key = if schema > 0 {
        // sort.SearchFloat64s: the first bound >= frac.
        let len = 1 << schema;
        let (mut lo, mut hi) = (0, len);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if frac_bound(schema, mid) < frac {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo + (exp - 1) * len
    } else {
        let mut key = exp;
        if frac == 0.5 {
            key -= 1;
        }
        let offset = (1 << -schema) - 1;
        (key + offset) >> -schema
    };
    if is_inf {
        key += 1;
    }
    key
}

/// The sparse-bucket part of one histogram: schema and zero bucket as they stand
/// (the limiting strategy changes both) and the populated buckets by key.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct NativeBuckets {
    pub schema: i32,
    pub zero_threshold: f64,
    pub zero_count: u64,
    pub positive: BTreeMap<i32, i64>,
    pub negative: BTreeMap<i32, i64>,
}

impl NativeBuckets {
    pub fn new(schema: i32, zero_threshold: f64) -> NativeBuckets {
        NativeBuckets {
            schema,
            zero_threshold,
            zero_count: 0,
            positive: BTreeMap::new(),
            negative: BTreeMap::new(),
        }
    }

    /// Populated buckets, both signs (client_golang's `nativeHistogramBucketsNumber`).
    pub fn bucket_number(&self) -> usize {
        self.positive.len() + self.negative.len()
    }

    /// Counts a non-NaN observation.
    pub fn observe(&mut self, v: f64) {
        if v > self.zero_threshold {
            *self.positive.entry(bucket_key(v, self.schema)).or_insert(0) += 1;
        } else if v < -self.zero_threshold {
            *self.negative.entry(bucket_key(v, self.schema)).or_insert(0) += 1;
        } else {
            self.zero_count += 1;
        }
    }

    /// `maybeWidenZeroBucket`: widens the zero bucket to the upper bound of the bucket
    /// closest to zero (of either sign) and merges that bucket (or both, if each sign
    /// has one at that key) into it, unless that passes `max_zero_threshold`.
    pub fn widen_zero_bucket(&mut self, max_zero_threshold: f64) -> bool {
        if self.zero_threshold >= max_zero_threshold {
            return false;
        }
        let smallest = [self.positive.keys().next(), self.negative.keys().next()]
            .into_iter()
            .flatten()
            .min()
            .copied();
        let Some(smallest) = smallest else {
            return false;
        };
        let new_threshold = get_bound_exponential(smallest, self.schema);
        if new_threshold > max_zero_threshold {
            return false;
        }
        self.zero_threshold = new_threshold;
        for buckets in [&mut self.positive, &mut self.negative] {
            if let Some(count) = buckets.remove(&smallest) {
                self.zero_count += count as u64;
            }
        }
        true
    }

    /// `doubleBucketWidth`: one schema down (not below -4), merging bucket pairs.
    pub fn double_bucket_width(&mut self) {
        if self.schema == SCHEMA_MIN {
            return;
        }
        self.schema -= 1;
        for buckets in [&mut self.positive, &mut self.negative] {
            let old = std::mem::take(buckets);
            for (key, count) in old {
                // Go: `if key > 0 { key++ }; key /= 2` (division truncating to zero).
                let key = if key > 0 { key + 1 } else { key } / 2;
                *buckets.entry(key).or_insert(0) += count;
            }
        }
    }

    /// The exposed native histogram (client_golang's `Write`), with `count` and `sum`
    /// (which include NaN observations, unlike the buckets).
    pub fn to_model(&self, count: u64, sum: f64) -> NativeModel {
        let (positive_spans, positive_buckets) = make_buckets(&self.positive);
        let (negative_spans, negative_buckets) = make_buckets(&self.negative);
        let mut h = NativeModel {
            schema: self.schema,
            zero_threshold: self.zero_threshold,
            zero_count: self.zero_count,
            count,
            sum,
            positive_spans,
            negative_spans,
            positive_buckets,
            negative_buckets,
            ..NativeModel::default()
        };
        // A no-op span, so that an empty histogram with a zero threshold of zero does
        // not look like a classic histogram to scrapers.
        if h.zero_threshold == 0.0
            && h.zero_count == 0
            && h.positive_spans.is_empty()
            && h.negative_spans.is_empty()
        {
            h.positive_spans.push(Span {
                offset: 0,
                length: 0,
            });
        }
        h
    }
}

/// client_golang's `makeBuckets`: spans and delta-encoded counts; gaps of one or two
/// empty buckets stay inside a span (as zero-count buckets), longer gaps start a new span.
pub fn make_buckets(buckets: &BTreeMap<i32, i64>) -> (Vec<Span>, Vec<i64>) {
    let mut spans: Vec<Span> = Vec::new();
    let mut deltas = Vec::with_capacity(buckets.len());
    let mut prev_count = 0i64;
    let mut next_index = 0i32;
    for (n, (&index, &count)) in buckets.iter().enumerate() {
        let gap = index - next_index;
        let mut append = |spans: &mut Vec<Span>, count: i64| {
            if let Some(last) = spans.last_mut() {
                last.length += 1;
            }
            deltas.push(count - prev_count);
            prev_count = count;
        };
        if n == 0 || gap > 2 {
            spans.push(Span {
                offset: gap,
                length: 0,
            });
        } else {
            for _ in 0..gap {
                append(&mut spans, 0);
            }
        }
        append(&mut spans, count);
        next_index = index + 1;
    }
    (spans, deltas)
}
