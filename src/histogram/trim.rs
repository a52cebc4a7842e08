//! `TrimBuckets`: the `</` and `>/` operators' removal of observations above or
//! below a value, interpolating inside the bucket that holds it.

use super::FloatHistogram;
use super::generic::Bucket;

impl FloatHistogram {
    /// Keeps only the observations below `rhs` (`upper`, `</`) or above it
    /// (`>/`), estimating the part of a bucket that holds `rhs` and the new sum
    /// from bucket midpoints. Count and sum change only if a bucket was trimmed;
    /// the result is compacted then.
    pub fn trim_buckets(&mut self, rhs: f64, upper: bool) -> &mut Self {
        let mut updated_count = 0.0;
        let mut updated_sum = 0.0;
        let mut trimmed = false;
        let custom = self.uses_custom_buckets();
        let mut has_positive = false;
        let mut has_negative = false;

        for positive in [true, false] {
            let buckets: Vec<Bucket<f64>> = if positive {
                self.positive_bucket_iter().collect()
            } else {
                self.negative_bucket_iter().collect()
            };
            for (i, bucket) in buckets.into_iter().enumerate() {
                if bucket.count == 0.0 {
                    continue;
                }
                if positive {
                    has_positive = true;
                } else {
                    has_negative = true;
                }
                let (keep_all, partial) = if upper {
                    (bucket.upper <= rhs, bucket.lower < rhs)
                } else {
                    (bucket.lower >= rhs, bucket.upper > rhs)
                };
                let target = if positive {
                    &mut self.positive_buckets
                } else {
                    &mut self.negative_buckets
                };
                if keep_all {
                    updated_count += bucket.count;
                    let mid = compute_midpoint(bucket.lower, bucket.upper, positive, custom);
                    updated_sum += mid * bucket.count;
                } else if partial {
                    let (keep, mid) = compute_bucket_trim(&bucket, rhs, upper, positive, custom);
                    updated_count += keep;
                    updated_sum += mid * keep;
                    if target[i] != keep {
                        target[i] = keep;
                        trimmed = true;
                    }
                } else {
                    target[i] = 0.0;
                    trimmed = true;
                }
            }
        }

        if self.zero_count > 0.0 {
            let (keep, mid) = compute_zero_bucket_trim(
                &self.zero_bucket(),
                rhs,
                has_negative,
                has_positive,
                upper,
            );
            if self.zero_count != keep {
                self.zero_count = keep;
                trimmed = true;
            }
            updated_sum += mid * keep;
            updated_count += keep;
        }

        if trimmed {
            self.count = updated_count;
            self.sum = updated_sum;
            self.compact(0);
        }
        self
    }
}

fn handle_infinity_buckets(upper: bool, b: &Bucket<f64>, rhs: f64) -> (f64, f64) {
    let zero_if_inf = |x: f64| if x.is_infinite() { 0.0 } else { x };
    if b.lower == f64::NEG_INFINITY {
        if upper {
            if rhs >= b.upper {
                return (b.count, 0.0);
            }
            if rhs > 0.0 && b.upper > 0.0 && b.upper != f64::INFINITY {
                // Only NHCB get here: treat the lower bound as 0, interpolate linearly.
                return (b.count * rhs / b.upper, rhs / 2.0);
            }
            if b.upper <= 0.0 {
                return (b.count, rhs);
            }
            return (0.0, zero_if_inf(b.upper));
        }
        if rhs <= b.lower {
            return (b.count, 0.0);
        }
        if rhs >= 0.0 && b.upper > rhs && b.upper != f64::INFINITY {
            return (b.count * (1.0 - rhs / b.upper), (rhs + b.upper) / 2.0);
        }
        return (0.0, zero_if_inf(b.upper));
    }
    if b.upper == f64::INFINITY {
        if upper {
            return (0.0, zero_if_inf(b.lower));
        }
        if rhs >= b.lower {
            return (b.count, rhs);
        }
        return (0.0, zero_if_inf(b.lower));
    }
    panic!("one of the bounds must be infinite for handleInfinityBuckets, got {b}");
}

fn compute_split(b: &Bucket<f64>, rhs: f64, linear: bool) -> f64 {
    if rhs <= b.lower {
        return 0.0;
    }
    if rhs >= b.upper {
        return b.count;
    }
    b.count * b.fraction_below(rhs, linear)
}

fn compute_zero_bucket_trim(
    zb: &Bucket<f64>,
    rhs: f64,
    has_negative: bool,
    has_positive: bool,
    upper_trim: bool,
) -> (f64, f64) {
    let mut lower = zb.lower;
    let mut upper = zb.upper;
    if has_negative && !has_positive {
        upper = 0.0;
    }
    if has_positive && !has_negative {
        lower = 0.0;
    }
    let (fraction, midpoint) = if upper_trim {
        if rhs <= lower {
            return (0.0, 0.0);
        }
        if rhs >= upper {
            return (zb.count, (lower + upper) / 2.0);
        }
        ((rhs - lower) / (upper - lower), (lower + rhs) / 2.0)
    } else {
        if rhs <= lower {
            return (zb.count, (lower + upper) / 2.0);
        }
        if rhs >= upper {
            return (0.0, 0.0);
        }
        ((upper - rhs) / (upper - lower), (rhs + upper) / 2.0)
    };
    (zb.count * fraction, midpoint)
}

fn compute_bucket_trim(
    b: &Bucket<f64>,
    rhs: f64,
    upper: bool,
    positive: bool,
    custom: bool,
) -> (f64, f64) {
    if b.lower == f64::NEG_INFINITY || b.upper == f64::INFINITY {
        return handle_infinity_buckets(upper, b, rhs);
    }
    let under = compute_split(b, rhs, custom);
    if upper {
        return (under, compute_midpoint(b.lower, rhs, positive, custom));
    }
    (
        b.count - under,
        compute_midpoint(rhs, b.upper, positive, custom),
    )
}

fn compute_midpoint(lower: f64, upper: f64, positive: bool, linear: bool) -> f64 {
    if lower.is_infinite() {
        if upper.is_infinite() {
            return 0.0;
        }
        if upper > 0.0 {
            return upper / 2.0;
        }
        return upper;
    } else if upper.is_infinite() {
        return lower;
    }
    if linear {
        return (lower + upper) / 2.0;
    }
    let geo_mean = (lower * upper).abs().sqrt();
    if positive { geo_mean } else { -geo_mean }
}
