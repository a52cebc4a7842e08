//! Statistics of one native histogram, as Prometheus's `HistogramQuantile`,
//! `HistogramFraction` (`promql/quantile.go`) and `histogramVariance`
//! (`promql/functions.go`).

use crate::histogram::FloatHistogram;

use super::stats::kahan_sum_inc;

/// What a statistic found worth an info annotation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct NaNObservations {
    /// The quantile lies above every bucket: the result is NaN.
    pub quantile_nan: bool,
    /// The histogram holds NaN observations; the quantile is skewed higher.
    pub quantile_skew: bool,
    /// NaN observations are in no bucket, so fractions leave them out.
    pub fraction_excludes: bool,
}

/// `HistogramQuantile`: the φ-quantile, interpolated exponentially within
/// exponential buckets and linearly within custom buckets and the zero bucket.
pub(super) fn quantile(q: f64, h: &FloatHistogram) -> (f64, NaNObservations) {
    let mut notes = NaNObservations::default();
    if q < 0.0 {
        return (f64::NEG_INFINITY, notes);
    }
    if q > 1.0 {
        return (f64::INFINITY, notes);
    }
    if h.count == 0.0 || q.is_nan() {
        return (f64::NAN, notes);
    }
    let forward = h.sum.is_nan() || q < 0.5;
    let mut it: Box<dyn Iterator<Item = crate::histogram::Bucket<f64>>> = if forward {
        Box::new(h.all_bucket_iter())
    } else {
        Box::new(h.all_reverse_bucket_iter())
    };
    let mut rank = if forward {
        q * h.count
    } else {
        (1.0 - q) * h.count
    };
    let mut count = 0.0;
    let mut bucket = crate::histogram::Bucket::<f64>::default();
    for b in it.by_ref() {
        bucket = b;
        if bucket.count == 0.0 {
            continue;
        }
        count += bucket.count;
        if count >= rank {
            break;
        }
    }
    let custom = h.uses_custom_buckets();
    if !custom && bucket.lower < 0.0 && bucket.upper > 0.0 {
        if h.negative_buckets.is_empty() && !h.positive_buckets.is_empty() {
            bucket.lower = 0.0;
        } else if h.positive_buckets.is_empty() && !h.negative_buckets.is_empty() {
            bucket.upper = 0.0;
        }
    } else if custom {
        if bucket.lower == f64::NEG_INFINITY {
            if bucket.upper <= 0.0 {
                return (bucket.upper, notes);
            }
            bucket.lower = 0.0;
        } else if bucket.upper == f64::INFINITY {
            return (bucket.lower, notes);
        }
    }
    if count > h.count {
        count = h.count;
    }
    if count < rank {
        if h.sum.is_nan() {
            notes.quantile_nan = true;
            return (f64::NAN, notes);
        }
        return (bucket.upper, notes);
    }
    if forward {
        rank -= count - bucket.count;
    } else {
        rank = count - rank;
    }
    if h.sum.is_nan() {
        for b in it {
            count += b.count;
        }
        if count < h.count {
            notes.quantile_skew = true;
        }
    }
    let fraction = rank / bucket.count;
    if custom || (bucket.lower <= 0.0 && bucket.upper >= 0.0) {
        return (
            bucket.lower + (bucket.upper - bucket.lower) * fraction,
            notes,
        );
    }
    let log_lower = bucket.lower.abs().log2();
    let log_upper = bucket.upper.abs().log2();
    if bucket.lower > 0.0 {
        return (
            (log_lower + (log_upper - log_lower) * fraction).exp2(),
            notes,
        );
    }
    (
        -(log_upper + (log_lower - log_upper) * (1.0 - fraction)).exp2(),
        notes,
    )
}

/// `HistogramFraction`: the estimated fraction of observations between `lower`
/// and `upper`.
pub(super) fn fraction(lower: f64, upper: f64, h: &FloatHistogram) -> (f64, NaNObservations) {
    let mut notes = NaNObservations::default();
    if h.count == 0.0 || lower.is_nan() || upper.is_nan() {
        return (f64::NAN, notes);
    }
    if lower >= upper {
        return (0.0, notes);
    }
    let custom = h.uses_custom_buckets();
    let (mut count, mut rank, mut lower_rank, mut upper_rank) = (0.0, 0.0, 0.0, 0.0);
    let (mut lower_set, mut upper_set) = (false, false);
    let mut it = h.all_bucket_iter();
    for mut b in it.by_ref() {
        count += b.count;
        let mut zero_bucket = false;
        if b.lower <= 0.0 && b.upper >= 0.0 {
            zero_bucket = true;
            if h.negative_buckets.is_empty() && !h.positive_buckets.is_empty() {
                b.lower = 0.0;
            } else if h.positive_buckets.is_empty() && !h.negative_buckets.is_empty() {
                b.upper = 0.0;
            }
        }
        let linear = custom || zero_bucket;
        let interpolate = |v: f64| {
            if linear && b.lower == f64::NEG_INFINITY {
                return b.count;
            }
            rank + b.count * b.fraction_below(v, linear)
        };
        if !lower_set && b.lower >= lower {
            lower_rank = rank;
            lower_set = true;
        }
        if !upper_set && b.lower >= upper {
            upper_rank = rank;
            upper_set = true;
        }
        if lower_set && upper_set {
            break;
        }
        if !lower_set && b.lower < lower && b.upper > lower {
            lower_rank = interpolate(lower);
            lower_set = true;
        }
        if !upper_set && b.lower < upper && b.upper > upper {
            upper_rank = interpolate(upper);
            upper_set = true;
        }
        if lower_set && upper_set {
            break;
        }
        rank += b.count;
    }
    if h.sum.is_nan() {
        for b in it {
            count += b.count;
        }
        if count < h.count {
            notes.fraction_excludes = true;
        }
    } else {
        count = h.count;
    }
    if !lower_set || lower_rank > count {
        lower_rank = count;
    }
    if !upper_set || upper_rank > count {
        upper_rank = count;
    }
    ((upper_rank - lower_rank) / h.count, notes)
}

/// `histogramVariance`: the variance of the observations, each bucket's taken at
/// its geometric mean (arithmetic for custom buckets, zero in the zero bucket).
pub(super) fn variance(h: &FloatHistogram) -> f64 {
    let mean = h.sum / h.count;
    let (mut variance, mut c) = (0.0, 0.0);
    let custom = h.uses_custom_buckets();
    for b in h.all_bucket_iter() {
        if b.count == 0.0 {
            continue;
        }
        let val = if custom {
            (b.upper + b.lower) / 2.0
        } else if b.lower <= 0.0 && b.upper >= 0.0 {
            0.0
        } else {
            let v = (b.upper * b.lower).sqrt();
            if b.upper < 0.0 { -v } else { v }
        };
        let delta = val - mean;
        (variance, c) = kahan_sum_inc(b.count * delta * delta, variance, c);
    }
    (variance + c) / h.count
}
