//! Numerics shared by the functions and the engine's aggregations, as Prometheus
//! computes them (`util/kahansum`, `promql/quantile.go`, `aggregation()` in
//! `promql/engine.go`), operation for operation so results match bit for bit.

use std::cmp::Ordering;

pub(crate) use crate::kahan::inc as kahan_sum_inc;

/// The mean of a stream of floats as the `avg` aggregation and `avg_over_time`
/// compute it: a Kahan-compensated sum divided at the end, switching to an
/// incremental (Kahan-compensated) mean once the sum would overflow.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KahanMean {
    sum: f64,
    c: f64,
    mean: f64,
    count: f64,
    incremental: bool,
}

impl KahanMean {
    pub fn new(first: f64) -> KahanMean {
        KahanMean {
            sum: first,
            c: 0.0,
            mean: first,
            count: 1.0,
            incremental: false,
        }
    }

    pub fn add(&mut self, f: f64) {
        self.count += 1.0;
        if !self.incremental {
            let (sum, c) = kahan_sum_inc(f, self.sum, self.c);
            if !sum.is_infinite() {
                self.sum = sum;
                self.c = c;
                return;
            }
            self.incremental = true;
            self.mean = self.sum / (self.count - 1.0);
            self.c /= self.count - 1.0;
        }
        let q = (self.count - 1.0) / self.count;
        (self.mean, self.c) = kahan_sum_inc(f / self.count, q * self.mean, q * self.c);
    }

    pub fn value(&self) -> f64 {
        if self.incremental {
            self.mean + self.c
        } else {
            self.sum / self.count + self.c / self.count
        }
    }
}

/// The `stddev`/`stdvar` aggregations' running variance (Welford, no Kahan), as
/// `aggregation()` in engine.go: a first value of NaN or ±Inf makes it NaN.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Welford {
    count: f64,
    mean: f64,
    m2: f64,
}

impl Welford {
    pub fn new(first: f64) -> Welford {
        Welford {
            count: 1.0,
            mean: first,
            m2: if first.is_finite() { 0.0 } else { f64::NAN },
        }
    }

    pub fn add(&mut self, f: f64) {
        self.count += 1.0;
        let delta = f - self.mean;
        self.mean += delta / self.count;
        self.m2 += delta * (f - self.mean);
    }

    pub fn stdvar(&self) -> f64 {
        self.m2 / self.count
    }

    pub fn stddev(&self) -> f64 {
        (self.m2 / self.count).sqrt()
    }
}

/// Prometheus's `vectorByValueHeap` order for sorting: NaN first, then ascending.
pub(crate) fn nan_first_cmp(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

/// The φ-quantile of `values` (sorted in place), as `quantile()` in quantile.go,
/// used by the `quantile` aggregation and `quantile_over_time`: NaN for no values
/// or a NaN `q`, -Inf for `q < 0`, +Inf for `q > 1`, else linear interpolation
/// between the two closest ranks.
pub(crate) fn quantile(q: f64, values: &mut [f64]) -> f64 {
    if values.is_empty() || q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    values.sort_by(|a, b| nan_first_cmp(*a, *b));
    let n = values.len() as f64;
    let rank = q * (n - 1.0);
    let lower = rank.floor().max(0.0);
    let upper = (n - 1.0).min(lower + 1.0);
    let weight = rank - rank.floor();
    values[lower as usize] * (1.0 - weight) + values[upper as usize] * weight
}

/// Go's `math.Max` (+Inf wins over NaN, NaN wins over the rest, +0 over -0).
pub(crate) fn go_max(x: f64, y: f64) -> f64 {
    if x == f64::INFINITY || y == f64::INFINITY {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y { x } else { y }
}

/// Go's `math.Min` (-Inf wins over NaN, NaN wins over the rest, -0 over +0).
pub(crate) fn go_min(x: f64, y: f64) -> f64 {
    if x == f64::NEG_INFINITY || y == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y { x } else { y }
}

/// Prometheus's `almost.Equal`: relative comparison with `epsilon`.
pub(crate) fn almost_equal(a: f64, b: f64, epsilon: f64) -> bool {
    const MIN_NORMAL: f64 = f64::MIN_POSITIVE; // 0x0010000000000000
    if a.is_nan() && b.is_nan() {
        return true;
    }
    if a == b {
        return true;
    }
    let abs_sum = a.abs() + b.abs();
    let diff = (a - b).abs();
    if a == 0.0 || b == 0.0 || abs_sum < MIN_NORMAL {
        return diff < epsilon * MIN_NORMAL;
    }
    diff / abs_sum.min(f64::MAX) < epsilon
}

/// Sorts by a "less" function the way Go's sort does for short inputs (a stable
/// insertion sort), and stably otherwise; never panics on an inconsistent `less`
/// (Prometheus's NaN and natural-order comparators are not strict orders).
pub(crate) fn sort_by_less<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    if v.len() <= 12 {
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && less(&v[j], &v[j - 1]) {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    // Stable merge sort on indices, then permute.
    let mut idx: Vec<usize> = (0..v.len()).collect();
    let mut buf = idx.clone();
    let mut width = 1;
    while width < idx.len() {
        let mut start = 0;
        while start < idx.len() {
            let mid = (start + width).min(idx.len());
            let end = (start + 2 * width).min(idx.len());
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                if less(&v[idx[j]], &v[idx[i]]) {
                    buf[k] = idx[j];
                    j += 1;
                } else {
                    buf[k] = idx[i];
                    i += 1;
                }
                k += 1;
            }
            buf[k..k + mid - i].copy_from_slice(&idx[i..mid]);
            k += mid - i;
            buf[k..k + end - j].copy_from_slice(&idx[j..end]);
            start = end;
        }
        std::mem::swap(&mut idx, &mut buf);
        width *= 2;
    }
    // Apply the permutation: position p takes element idx[p].
    let mut pos: Vec<usize> = (0..v.len()).collect(); // where original i is now
    let mut at: Vec<usize> = (0..v.len()).collect(); // which original is at slot s
    for (p, &orig) in idx.iter().enumerate() {
        let cur = pos[orig];
        if cur != p {
            v.swap(p, cur);
            let displaced = at[p];
            at[cur] = displaced;
            pos[displaced] = cur;
            at[p] = orig;
            pos[orig] = p;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kahan_compensates() {
        let (mut s, mut c) = (0.0, 0.0);
        for x in [1.0, 1e100, 1.0, -1e100] {
            (s, c) = kahan_sum_inc(x, s, c);
        }
        assert_eq!(s + c, 2.0);
        let (s, c) = kahan_sum_inc(f64::INFINITY, 1.0, 0.5);
        assert_eq!((s, c), (f64::INFINITY, 0.0));
    }

    #[test]
    fn mean_switches_to_incremental_on_overflow() {
        let mut m = KahanMean::new(f64::MAX);
        m.add(f64::MAX);
        assert_eq!(m.value(), f64::MAX);
        let mut m = KahanMean::new(1.0);
        for x in [2.0, 3.0, 4.0] {
            m.add(x);
        }
        assert_eq!(m.value(), 2.5);
    }

    #[test]
    fn welford() {
        let mut w = Welford::new(2.0);
        for x in [4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            w.add(x);
        }
        assert_eq!(w.stdvar(), 4.0);
        assert_eq!(w.stddev(), 2.0);
        assert!(Welford::new(f64::INFINITY).stdvar().is_nan());
    }

    #[test]
    fn quantiles() {
        assert!(quantile(0.5, &mut []).is_nan());
        assert_eq!(quantile(-1.0, &mut [1.0]), f64::NEG_INFINITY);
        assert_eq!(quantile(2.0, &mut [1.0]), f64::INFINITY);
        assert_eq!(quantile(0.5, &mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(quantile(0.75, &mut [1.0, 2.0, 3.0]), 2.5);
        assert!(quantile(0.0, &mut [f64::NAN, 1.0]).is_nan());
    }

    #[test]
    fn go_min_max() {
        assert!(go_max(f64::NAN, 1.0).is_nan());
        assert_eq!(go_max(f64::NAN, f64::INFINITY), f64::INFINITY);
        assert_eq!(go_min(f64::NAN, f64::NEG_INFINITY), f64::NEG_INFINITY);
        assert!(go_max(-0.0, 0.0).is_sign_positive());
        assert!(go_min(0.0, -0.0).is_sign_negative());
    }

    #[test]
    fn almost() {
        assert!(almost_equal(1.0, 1.0 + 1e-13, 1e-12));
        assert!(!almost_equal(1.0, 1.1, 1e-12));
    }

    #[test]
    fn sorting_is_stable_and_total() {
        let mut v: Vec<(i32, usize)> = (0..40).map(|i| ((i * 7) % 5, i as usize)).collect();
        sort_by_less(&mut v, |a, b| a.0 < b.0);
        assert!(
            v.windows(2)
                .all(|w| w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1))
        );
        let mut s = vec![3, 1, 2];
        sort_by_less(&mut s, |a, b| a < b);
        assert_eq!(s, vec![1, 2, 3]);
    }
}
