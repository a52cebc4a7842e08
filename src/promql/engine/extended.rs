//! Experimental extended range selectors (`anchored`, `smoothed`), as Prometheus's
//! engine: an extended selector reads further than its range (`anchored` one
//! lookback before it, `smoothed` one lookback before and after), and the
//! functions allowed with it take their boundary values from those samples
//! instead of extrapolating:
//!
//! - `anchored`: the left boundary is the last sample at or before the range
//!   start (or the first one in the range), the right one the last sample;
//! - `smoothed`: both boundaries are interpolated linearly between the samples
//!   around them (a counter reset between them counts from zero).
//!
//! A bare `x smoothed` instant selector interpolates each step's value between
//! the samples around it. Native histograms: see `functions/native_extended.rs`.

use std::sync::Arc;

use crate::histogram::{CounterResetHint, FloatHistogram, HistogramErrorKind};
use crate::promql::Span;
use crate::promql::ast::{Extended, VectorSelector};
use crate::tsdb::is_stale_nan;

use super::eval::Evaluator;
use super::functions::native_extended::interpolate_histograms;
use super::value::{EvalError, HPoint, Point, Series};

/// How far the samples an extended window reads reach beyond `(start, end]`:
/// `(before, after)` in milliseconds.
pub(crate) fn margins(ext: Option<Extended>, lookback: i64) -> (i64, i64) {
    match ext {
        None => (0, 0),
        Some(Extended::Anchored) => (lookback, 0),
        Some(Extended::Smoothed) => (lookback, lookback),
    }
}

/// `interpolate`: the value at `t` on the line from `p1` to `p2`; a counter that
/// went down between them restarts from zero at `p1`.
fn interpolate(p1: Point, p2: Point, t: i64, is_counter: bool) -> f64 {
    let y1 = if is_counter && p2.v < p1.v { 0.0 } else { p1.v };
    y1 + (p2.v - y1) * (t - p1.t) as f64 / (p2.t - p1.t) as f64
}

/// `pickOrInterpolateLeft`.
fn left_value(f: &[Point], first: usize, range_start: i64, smoothed: bool, counter: bool) -> f64 {
    if smoothed && f[first].t < range_start {
        return interpolate(f[first], f[first + 1], range_start, counter);
    }
    f[first].v
}

/// `pickOrInterpolateRight`.
fn right_value(f: &[Point], last: usize, range_end: i64, smoothed: bool, counter: bool) -> f64 {
    if smoothed && last > 0 && f[last].t > range_end {
        return interpolate(f[last - 1], f[last], range_end, counter);
    }
    f[last].v
}

/// The boundary samples' indices in an extended window (Prometheus's
/// `firstSampleIndex` / `lastSampleIndex`): the last sample at or before the
/// range start (else the first), and for `smoothed` the first at or after the
/// range end (else the last). `None` when no sample lies after the range start.
fn boundaries(
    f: &[Point],
    range_start: i64,
    range_end: i64,
    smoothed: bool,
) -> Option<(usize, usize)> {
    let n = f.len().checked_sub(1)?;
    let first = f[..n]
        .partition_point(|p| p.t <= range_start)
        .saturating_sub(1);
    let last = if smoothed {
        f[..n].partition_point(|p| p.t < range_end)
    } else {
        n
    };
    if f[last].t <= range_start {
        return None;
    }
    Some((first, last))
}

/// `extendedRate`: `rate`/`increase`/`delta` over an extended window `f` (the
/// samples in `(range_start - lookback, range_end (+ lookback)]`).
pub(crate) fn extended_rate(
    f: &[Point],
    range_start: i64,
    range_end: i64,
    smoothed: bool,
    is_counter: bool,
    is_rate: bool,
) -> Option<f64> {
    let (mut first, last) = boundaries(f, range_start, range_end, smoothed)?;
    if smoothed && f[first].t > range_end {
        return None;
    }
    let left = left_value(f, first, range_start, smoothed, is_counter);
    let right = right_value(f, last, range_end, smoothed, is_counter);
    let mut result = right - left;
    if is_counter {
        // Only the samples strictly inside the range: the boundary values
        // already account for resets at the edges.
        first += usize::from(f[first].t <= range_start);
        let end = if f[last].t >= range_end {
            last
        } else {
            last + 1
        };
        result += counter_correction(left, right, &f[first.min(end)..end]);
    }
    if is_rate {
        result /= (range_end - range_start) as f64 / 1000.0;
    }
    Some(result)
}

/// `correctForCounterResets`.
fn counter_correction(left: f64, right: f64, points: &[Point]) -> f64 {
    let mut correction = 0.0;
    let mut prev = left;
    for p in points {
        if p.v < prev {
            correction += prev;
        }
        prev = p.v;
    }
    if right < prev {
        correction += prev;
    }
    correction
}

/// `pickFirstSampleIndex` for `changes`/`resets` over an anchored window: the
/// index of the last sample at or before the range start (else 0); `None` when
/// no sample lies after the range start.
pub(crate) fn anchored_first(f: &[Point], range_start: i64) -> Option<usize> {
    let after = f.partition_point(|p| p.t <= range_start);
    if after >= f.len() {
        return None;
    }
    Some(after.saturating_sub(1))
}

/// `extendFloats`: a bare extended range selector's samples, with synthetic
/// boundary points at `mint` and `maxt` (interpolated when `smoothed`).
pub(crate) fn extend_points(f: &[Point], mint: i64, maxt: i64, smoothed: bool) -> Vec<Point> {
    let Some((first, last)) = boundaries(f, mint, maxt, smoothed) else {
        return Vec::new();
    };
    let left = left_value(f, first, mint, smoothed, false);
    let right = right_value(f, last, maxt, smoothed, false);
    // The samples strictly inside `(mint, maxt)`.
    let from = first + usize::from(f[first].t <= mint);
    let to = if f[last].t >= maxt { last } else { last + 1 };
    let inner = &f[from.min(to)..to];
    let mut out = Vec::with_capacity(inner.len() + 2);
    out.push(Point { t: mint, v: left });
    out.extend_from_slice(inner);
    out.push(Point { t: maxt, v: right });
    out
}

impl Evaluator<'_, '_> {
    /// `x smoothed` (Prometheus's `smoothSeries`): at each step, the sample at the
    /// reference time, else the value interpolated between the samples around it
    /// (within a lookback either side), else the last one before it. A step whose
    /// lookbacks hold floats and histograms is skipped with a warning.
    pub(crate) fn smoothed_selector(
        &mut self,
        vs: &VectorSelector,
        offset: i64,
        at: Option<i64>,
        span: Span,
    ) -> Result<Vec<Series>, EvalError> {
        let lb = self.lookback;
        let steps: Vec<i64> = self.grid()?;
        let refs_of = |t: i64| at.unwrap_or(t) - offset;
        let (first, last) = (refs_of(self.start), refs_of(self.end));
        let (mint, maxt) = (first.min(last) - lb + 1, first.max(last) + lb);
        let mut out = Vec::new();
        for (r, labels) in self.select(vs)?.iter().cloned() {
            self.check_deadline()?;
            let buf: Vec<Point> = self
                .head
                .iter(r, mint, maxt)
                .filter(|&(_, v)| !is_stale_nan(v))
                .map(|(t, v)| Point { t, v })
                .collect();
            let hbuf: Vec<HPoint> = self
                .head
                .iter_histograms(r, mint, maxt)
                .filter(|(_, h)| !is_stale_nan(h.sum))
                .map(|(t, h)| HPoint { t, h: Arc::new(h) })
                .collect();
            self.samples_read += (buf.len() + hbuf.len()) as u64;
            let name = labels.metric_name().unwrap_or("").to_string();
            let mut series = Series::new(labels, false);
            for &ts in &steps {
                let rt = refs_of(ts);
                let w = window(&buf, |p| p.t, rt - lb, rt + lb);
                let hw = window(&hbuf, |p| p.t, rt - lb, rt + lb);
                if !w.is_empty() && !hw.is_empty() {
                    self.notes.mixed_floats_histograms(&name, span);
                    continue;
                }
                if !hw.is_empty() {
                    if let Some(h) = self.smoothed_histogram(hw, rt, &name, span) {
                        series.histograms.push(HPoint {
                            t: ts,
                            h: Arc::new(h),
                        });
                    }
                    continue;
                }
                let i = w.partition_point(|p| p.t < rt);
                let v = match (w.get(i), i.checked_sub(1).map(|j| w[j])) {
                    (Some(p), _) if p.t == rt => p.v,
                    (Some(&next), Some(prev)) => interpolate(prev, next, rt, false),
                    (None, Some(prev)) => prev.v,
                    _ => continue,
                };
                series.points.push(Point { t: ts, v });
            }
            self.push_series(&mut out, series)?;
        }
        Ok(out)
    }

    /// One step of a smoothed histogram series at reference time `rt`, from the
    /// histograms `hw` within a lookback either side of it.
    fn smoothed_histogram(
        &mut self,
        hw: &[HPoint],
        rt: i64,
        name: &str,
        span: Span,
    ) -> Option<FloatHistogram> {
        let i = hw.partition_point(|p| p.t < rt);
        match (hw.get(i), i.checked_sub(1).map(|j| &hw[j])) {
            (Some(p), _) if p.t == rt => Some(p.h.copy()),
            (Some(next), Some(prev)) => {
                if prev.h.uses_custom_buckets() != next.h.uses_custom_buckets() {
                    self.notes.mixed_exponential_custom(name, span);
                    return None;
                }
                // A counter unless both samples say gauge.
                let gauge = |h: &FloatHistogram| h.counter_reset_hint == CounterResetHint::Gauge;
                let is_counter = !gauge(&prev.h) || !gauge(&next.h);
                let interpolated = interpolate_histograms(
                    (prev.t, &prev.h),
                    (next.t, &next.h),
                    rt,
                    is_counter,
                    &mut self.notes,
                    span,
                );
                match interpolated {
                    Ok(h) => Some(h),
                    Err(e) => {
                        if e.kind == HistogramErrorKind::IncompatibleSchema {
                            self.notes.mixed_exponential_custom(name, span);
                        }
                        None
                    }
                }
            }
            // Carried forward: the hint described its relation to the sample before.
            (None, Some(prev)) => {
                let mut h = prev.h.copy();
                h.counter_reset_hint = CounterResetHint::Unknown;
                Some(h)
            }
            _ => None,
        }
    }
}

/// The elements of time-sorted `xs` in `(after, upto]`.
fn window<T>(xs: &[T], t: impl Fn(&T) -> i64, after: i64, upto: i64) -> &[T] {
    let lo = xs.partition_point(|x| t(x) <= after);
    let hi = xs.partition_point(|x| t(x) <= upto);
    &xs[lo..hi.max(lo)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(values: &[(i64, f64)]) -> Vec<Point> {
        values.iter().map(|&(t, v)| Point { t, v }).collect()
    }

    #[test]
    fn interpolation() {
        let a = Point { t: 0, v: 10.0 };
        let b = Point { t: 10, v: 20.0 };
        assert_eq!(interpolate(a, b, 5, false), 15.0);
        // A counter reset: from zero at `a`.
        let c = Point { t: 10, v: 4.0 };
        assert_eq!(interpolate(a, c, 5, true), 2.0);
        assert_eq!(interpolate(a, c, 5, false), 7.0);
    }

    #[test]
    fn anchored_increase() {
        // metric 1+1x4 every 15s; increase(metric[1m] anchored) at 80s: the window
        // (20s, 80s] anchored at the 15s sample (2) up to the 75s sample (6).
        let f = pts(&[
            (0, 1.0),
            (15_000, 2.0),
            (30_000, 3.0),
            (45_000, 4.0),
            (60_000, 5.0),
            (75_000, 6.0),
        ]);
        assert_eq!(
            extended_rate(&f, 20_000, 80_000, false, true, false),
            Some(4.0)
        );
        // Only samples at or before the range start: nothing.
        assert_eq!(
            extended_rate(&f[..2], 20_000, 80_000, false, true, false),
            None
        );
        // One sample in range: zero.
        assert_eq!(
            extended_rate(&f[..1], -55_000, 5_000, false, true, false),
            Some(0.0)
        );
        // A reset inside: 5 3 -> corrected by 5.
        let r = pts(&[(0, 1.0), (10_000, 5.0), (20_000, 3.0)]);
        assert_eq!(extended_rate(&r, 0, 20_000, false, true, false), Some(7.0));
        assert_eq!(extended_rate(&r, 0, 20_000, false, false, false), Some(2.0));
        assert_eq!(extended_rate(&r, 0, 20_000, false, true, true), Some(0.35));
    }

    #[test]
    fn smoothed_increase() {
        // metric 100 10 every 15s: rate(metric[10s] smoothed) at 12s. Left at 2s:
        // 100 -> 10 is a reset, so 0 + 10 * 2/15; right at 12s: 10 * 12/15.
        let f = pts(&[(0, 100.0), (15_000, 10.0)]);
        let r = extended_rate(&f, 2_000, 12_000, true, true, true).unwrap();
        assert!((r - 0.666666666666667).abs() < 1e-12, "{r}");
        // Data only after the range: nothing.
        let f = pts(&[(10_000, 5.0), (20_000, 6.0)]);
        assert_eq!(extended_rate(&f, 0, 5_000, true, true, true), None);
        // At 15s over 10s: left 5 (no earlier sample), right interpolated 5.5.
        assert_eq!(
            extended_rate(&f, 5_000, 15_000, true, true, false),
            Some(0.5)
        );
    }

    #[test]
    fn anchored_first_index() {
        let f = pts(&[(0, 1.0), (60_000, 2.0), (120_000, 3.0)]);
        assert_eq!(anchored_first(&f, 60_000), Some(1));
        assert_eq!(anchored_first(&f, 30_000), Some(0));
        assert_eq!(anchored_first(&f, -1), Some(0));
        assert_eq!(anchored_first(&f, 120_000), None);
    }

    #[test]
    fn extended_points() {
        let f = pts(&[(0, 0.0), (10_000, 10.0), (20_000, 20.0), (30_000, 30.0)]);
        assert_eq!(
            extend_points(&f, 5_000, 25_000, true),
            pts(&[(5_000, 5.0), (10_000, 10.0), (20_000, 20.0), (25_000, 25.0)])
        );
        assert_eq!(
            extend_points(&f[..3], 5_000, 25_000, false),
            pts(&[(5_000, 0.0), (10_000, 10.0), (20_000, 20.0), (25_000, 20.0)])
        );
        assert_eq!(extend_points(&f[..1], 5_000, 25_000, false), vec![]);
        assert_eq!(extend_points(&[], 5_000, 25_000, false), vec![]);
    }

    /// `metric 0+1x20` every 10s, queried at `t_ms`.
    fn query(q: &str, t_ms: i64) -> Vec<(String, f64)> {
        use crate::promql::engine::{Options, Value, instant_query};
        use crate::tsdb::{Head, Labels};
        let mut head = Head::default();
        let l = Labels::new(&[("__name__", "metric")]);
        for i in 0..=20 {
            head.add(&l, i * 10_000, i as f64).unwrap();
        }
        let expr = crate::promql::parse(q).unwrap();
        let out = instant_query(&head, q, &expr, t_ms, &Options::default()).unwrap();
        match out.value {
            Value::Vector(v) => v.into_iter().map(|s| (s.labels.to_string(), s.v)).collect(),
            Value::Matrix(m) => m
                .into_iter()
                .flat_map(|s| s.points.into_iter().map(|p| (p.t.to_string(), p.v)))
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn through_the_engine() {
        assert_eq!(query("metric smoothed", 15_000), [("metric".into(), 1.5)]);
        assert_eq!(query("metric offset -100s smoothed", 15_000)[0].1, 11.5);
        // Past the last sample: carried forward.
        assert_eq!(query("metric smoothed", 250_000)[0].1, 20.0);
        assert_eq!(query("increase(metric[1m] anchored)", 65_000)[0].1, 6.0);
        assert_eq!(query("increase(metric[1m] smoothed)", 65_000)[0].1, 6.0);
        assert_eq!(query("changes(metric[1m] anchored)", 60_000)[0].1, 6.0);
        assert_eq!(query("changes(metric[1m])", 60_000)[0].1, 5.0);
        // A bare extended range selector: synthetic points at both ends.
        let m = query("metric[15s] smoothed", 25_000);
        assert_eq!(
            m,
            [
                ("10000".into(), 1.0),
                ("20000".into(), 2.0),
                ("25000".into(), 2.5)
            ]
        );
    }

    /// A histogram counter `count: 1, 4, 2 (reset)` every 15s, plus a float at
    /// 600s; the query's value (histogram count) and annotations at `t_ms`.
    fn hist_query(q: &str, t_ms: i64) -> Result<(Vec<f64>, Vec<String>), String> {
        use crate::histogram::notation::parse_histogram;
        use crate::promql::engine::{Options, Value, instant_query};
        use crate::tsdb::{Head, Labels};
        let mut head = Head::default();
        let (r, _) = head.get_or_create(&Labels::new(&[("__name__", "h")]));
        for (i, text) in [
            "{{count:1 sum:1 buckets:[1]}}",
            "{{count:4 sum:4 buckets:[4]}}",
            "{{count:2 sum:2 buckets:[2] counter_reset_hint:reset}}",
        ]
        .iter()
        .enumerate()
        {
            let h = parse_histogram(text).unwrap();
            head.append_float_histogram(r, i as i64 * 15_000, &h)
                .unwrap();
        }
        head.append(r, 600_000, 7.0).unwrap();
        let expr = crate::promql::parse(q).unwrap();
        let out =
            instant_query(&head, q, &expr, t_ms, &Options::default()).map_err(|e| e.to_string())?;
        let Value::Vector(v) = out.value else {
            panic!("{:?}", out.value)
        };
        let counts = v
            .iter()
            .map(|s| s.h.as_ref().map_or(s.v, |h| h.count))
            .collect();
        Ok((counts, out.annotations.warnings))
    }

    #[test]
    fn smoothed_histograms() {
        // Linear between the first two: 1 + 3 * 5/15.
        assert_eq!(
            hist_query("h smoothed", 5_000).unwrap(),
            (vec![2.0], vec![])
        );
        // Across the reset: from zero, 2 * 10/15.
        let (v, _) = hist_query("h smoothed", 25_000).unwrap();
        assert!((v[0] - 4.0 / 3.0).abs() < 1e-12, "{v:?}");
        // The float at 600s is within a lookback: a mix, skipped with a warning.
        let (v, w) = hist_query("h smoothed", 320_000).unwrap();
        assert!(v.is_empty());
        assert_eq!(
            w,
            [
                "PromQL warning: encountered a mix of histograms and floats for metric name \"h\" (1:1)"
            ]
        );
        // anchored increase over (0, 30]: 2 - 1 + 4.
        let (v, _) = hist_query("increase(h[30s] anchored)", 30_000).unwrap();
        assert_eq!(v, [5.0]);
        // A bare extended range selector does not take histograms.
        let e = hist_query("h[30s] anchored", 30_000).unwrap_err();
        assert!(
            e.contains("anchored modifier is not supported with histograms"),
            "{e}"
        );
    }
}
