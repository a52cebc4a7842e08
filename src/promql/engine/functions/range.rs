//! Rate-like range functions: `rate`, `increase`, `delta`, `irate`, `idelta`,
//! `deriv`, `predict_linear`, `resets`, `changes`, `double_exponential_smoothing`.

use crate::promql::ast::Extended;
use crate::promql::engine::extended::{anchored_first, extended_rate};

use super::stats::kahan_sum_inc;
use super::{EvalError, Point, RangeCtx, Window};
use crate::gofmt::go_f;

type Out = Result<Option<f64>, EvalError>;

/// Go's `time.Duration.Seconds()` of a millisecond duration.
fn duration_seconds(ms: i64) -> f64 {
    (ms / 1000) as f64 + ((ms % 1000) * 1_000_000) as f64 / 1e9
}

/// `extrapolatedRate`: the increase over the window, extrapolated towards its
/// boundaries, with counter resets corrected when `is_counter` (by start
/// timestamps too), per second when `is_rate`. A first sample whose start
/// timestamp lies inside the window counts from zero at that time instead.
fn extrapolated_rate(
    w: &Window<'_>,
    is_counter: bool,
    is_rate: bool,
    ctx: &mut RangeCtx<'_, '_>,
) -> Option<f64> {
    if let Some(ext) = w.extended {
        let smoothed = ext == Extended::Smoothed;
        return extended_rate(w.points, w.start, w.end, smoothed, is_counter, is_rate);
    }
    let s = w.points;
    let (&first, &last) = (s.first()?, s.last()?);
    let mut result = last.v - first.v;
    let sts = w.point_sts;
    if is_counter {
        let mut overlap = false;
        for (i, p) in s.windows(2).enumerate() {
            let (prev_st, st) = (st_at(sts, i), st_at(sts, i + 1));
            if !overlap && st_overlap(prev_st, p[0].t, st) {
                overlap = true;
                ctx.notes
                    .start_time_overlap(ctx.metric_name.unwrap_or(""), ctx.arg_span);
            }
            if p[1].v < p[0].v || st_reset(prev_st, p[0].t, st, p[1].t) {
                result += p[0].v;
            }
        }
    }
    let st_start = first_st_in_window(w, sts, first.t, is_counter);
    if st_start.is_some() {
        result += first.v;
    } else if s.len() < 2 {
        return None;
    }
    let factor = extrapolation_factor(
        w,
        (first.t, last.t),
        s.len() - 1,
        is_counter,
        st_start,
        |sampled| (result > 0.0 && first.v >= 0.0).then(|| sampled * (first.v / result)),
        is_rate,
    );
    Some(result * factor)
}

/// Start timestamp `i` of a window's (`0`: unknown, or none given).
pub(super) fn st_at(sts: &[i64], i: usize) -> i64 {
    sts.get(i).copied().unwrap_or(0)
}

/// `isStartTimestampReset`: the current sample's start timestamp says its counter
/// restarted after the previous sample (a delta, or a cumulative counter's reset).
pub(super) fn st_reset(prev_st: i64, prev_t: i64, st: i64, t: i64) -> bool {
    if st == 0 || st >= t || st < prev_t {
        return false;
    }
    if st > prev_t {
        return true;
    }
    // ST == previous T: a delta if the previous ST was known, else a cumulative
    // counter with an unknown start (and an invalid previous ST counts as unknown).
    prev_st <= prev_t && prev_st != 0 && prev_st != prev_t
}

/// `checkStartTimeOverlap`: a start timestamp before the previous sample that is
/// not the previous one's start.
pub(super) fn st_overlap(prev_st: i64, prev_t: i64, st: i64) -> bool {
    st != 0 && st < prev_t && st != prev_st
}

/// The first sample's start timestamp when, for a counter, it lies inside the
/// window (after its exclusive start, before the sample).
pub(super) fn first_st_in_window(
    w: &Window<'_>,
    sts: &[i64],
    first_t: i64,
    is_counter: bool,
) -> Option<i64> {
    let st = st_at(sts, 0);
    (is_counter && st != 0 && st > w.start && st < first_t).then_some(st)
}

/// The factor `extrapolatedRate` scales an increase by: from the samples at
/// `first_t..=last_t` (`gaps` intervals apart) to the window's boundaries, not past
/// where a counter would have been zero (`to_zero` of the sampled interval, for
/// counters), divided by the range in seconds for a rate.
pub(super) fn extrapolation_factor(
    w: &Window<'_>,
    (first_t, last_t): (i64, i64),
    gaps: usize,
    is_counter: bool,
    st_start: Option<i64>,
    to_zero: impl FnOnce(f64) -> Option<f64>,
    is_rate: bool,
) -> f64 {
    let mut to_start = (first_t - w.start) as f64 / 1000.0;
    let mut to_end = (w.end - last_t) as f64 / 1000.0;
    let mut sampled = (last_t - first_t) as f64 / 1000.0;
    let average = if gaps > 0 { sampled / gaps as f64 } else { 0.0 };
    let threshold = average * 1.1;
    let to_zero = if is_counter && st_start.is_none() {
        to_zero(sampled)
    } else {
        None
    };
    if let Some(st) = st_start {
        // From zero at the start timestamp: no extrapolation to the left.
        to_start = 0.0;
        sampled = (last_t - st) as f64 / 1000.0;
    } else if w.prometheus2 {
        // Prometheus 2: towards the zero point first, then the threshold.
        if let Some(z) = to_zero.filter(|z| *z < to_start) {
            to_start = z;
        }
        if to_start >= threshold {
            to_start = average / 2.0;
        }
    } else {
        if to_start >= threshold {
            to_start = average / 2.0;
        }
        if let Some(z) = to_zero.filter(|z| *z < to_start) {
            to_start = z;
        }
    }
    if to_end >= threshold {
        to_end = average / 2.0;
    }
    let mut factor = if sampled != 0.0 {
        (sampled + to_start + to_end) / sampled
    } else {
        1.0
    };
    if is_rate {
        factor /= duration_seconds(w.end - w.start);
    }
    factor
}

/// The info Prometheus gives for `rate`/`increase` of a name that does not look
/// like a counter's.
fn check_counter_name(ctx: &mut RangeCtx<'_, '_>) {
    let Some(name) = ctx.metric_name.filter(|n| !n.is_empty()) else {
        return;
    };
    if !["_total", "_sum", "_count", "_bucket"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        let mut quoted = String::new();
        let _ = crate::tsdb::labels::write_quoted(&mut quoted, name);
        ctx.notes.info(
            format_args!(
                "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: {quoted}"
            ),
            ctx.arg_span,
        );
    }
}

pub(super) fn rate(w: &Window<'_>, _: &[f64], ctx: &mut RangeCtx<'_, '_>) -> Out {
    let r = extrapolated_rate(w, true, true, ctx);
    if r.is_some() {
        check_counter_name(ctx);
    }
    Ok(r)
}

pub(super) fn increase(w: &Window<'_>, _: &[f64], ctx: &mut RangeCtx<'_, '_>) -> Out {
    let r = extrapolated_rate(w, true, false, ctx);
    if r.is_some() {
        check_counter_name(ctx);
    }
    Ok(r)
}

pub(super) fn delta(w: &Window<'_>, _: &[f64], ctx: &mut RangeCtx<'_, '_>) -> Out {
    Ok(extrapolated_rate(w, false, false, ctx))
}

/// `instantValue`: from the last two samples.
fn instant_value(w: &Window<'_>, is_rate: bool) -> Option<f64> {
    let [.., a, b] = w.points else {
        return None;
    };
    let interval = b.t - a.t;
    if interval == 0 {
        return None;
    }
    let n = w.points.len();
    let (sa, sb) = (st_at(w.point_sts, n - 2), st_at(w.point_sts, n - 1));
    let reset = b.v < a.v || st_reset(sa, a.t, sb, b.t);
    // A counter reset keeps the last value for `irate`.
    let mut v = if !is_rate || !reset { b.v - a.v } else { b.v };
    if is_rate {
        v /= interval as f64 / 1000.0;
    }
    Some(v)
}

pub(super) fn irate(w: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
    Ok(instant_value(w, true))
}

pub(super) fn idelta(w: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
    Ok(instant_value(w, false))
}

/// `linearRegression`: least-squares slope and the intercept at `intercept_time`.
fn linear_regression(s: &[Point], intercept_time: i64) -> (f64, f64) {
    let (mut n, mut sum_x, mut c_x, mut sum_y, mut c_y) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let (mut sum_xy, mut c_xy, mut sum_x2, mut c_x2) = (0.0, 0.0, 0.0, 0.0);
    let init_y = s[0].v;
    let mut const_y = true;
    for (i, p) in s.iter().enumerate() {
        if const_y && i > 0 && p.v != init_y {
            const_y = false;
        }
        n += 1.0;
        let x = (p.t - intercept_time) as f64 / 1e3;
        (sum_x, c_x) = kahan_sum_inc(x, sum_x, c_x);
        (sum_y, c_y) = kahan_sum_inc(p.v, sum_y, c_y);
        (sum_xy, c_xy) = kahan_sum_inc(x * p.v, sum_xy, c_xy);
        (sum_x2, c_x2) = kahan_sum_inc(x * x, sum_x2, c_x2);
    }
    if const_y {
        if init_y.is_infinite() {
            return (f64::NAN, f64::NAN);
        }
        return (0.0, init_y);
    }
    sum_x += c_x;
    sum_y += c_y;
    sum_xy += c_xy;
    sum_x2 += c_x2;
    let cov_xy = sum_xy - sum_x * sum_y / n;
    let var_x = sum_x2 - sum_x * sum_x / n;
    let slope = cov_xy / var_x;
    let intercept = sum_y / n - slope * sum_x / n;
    (slope, intercept)
}

pub(super) fn deriv(w: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
    if w.points.len() < 2 {
        return Ok(None);
    }
    Ok(Some(linear_regression(w.points, w.points[0].t).0))
}

/// `predict_linear(v, t)`: the regression line at the evaluation time plus `t` s.
pub(super) fn predict_linear(w: &Window<'_>, params: &[f64], ctx: &mut RangeCtx<'_, '_>) -> Out {
    if w.points.len() < 2 {
        return Ok(None);
    }
    let (slope, intercept) = linear_regression(w.points, ctx.ts);
    Ok(Some(slope * params[0] + intercept))
}

/// The samples `changes` and `resets` compare: an anchored window's start at the
/// last sample at or before its start; `None` if no sample lies after the start.
fn anchored_points<'a>(w: &Window<'a>) -> Option<&'a [Point]> {
    if w.extended == Some(Extended::Anchored) {
        return anchored_first(w.points, w.start).map(|i| &w.points[i..]);
    }
    Some(w.points)
}

pub(super) fn resets(w: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
    let Some(points) = anchored_points(w).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    // Start timestamps line up with the window's points unless anchored.
    let sts = if points.len() == w.points.len() {
        w.point_sts
    } else {
        &[]
    };
    let n = (1..points.len())
        .filter(|&i| {
            let (a, b) = (points[i - 1], points[i]);
            b.v < a.v || st_reset(st_at(sts, i - 1), a.t, st_at(sts, i), b.t)
        })
        .count();
    Ok(Some(n as f64))
}

pub(super) fn changes(w: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
    let Some(points) = anchored_points(w).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let n = points
        .windows(2)
        .filter(|p| p[1].v != p[0].v && !(p[1].v.is_nan() && p[0].v.is_nan()))
        .count();
    Ok(Some(n as f64))
}

/// `double_exponential_smoothing(v, sf, tf)` (Holt's linear method).
pub(super) fn double_exponential_smoothing(
    w: &Window<'_>,
    params: &[f64],
    _: &mut RangeCtx<'_, '_>,
) -> Out {
    let (sf, tf) = (params[0], params[1]);
    if sf.is_nan() || sf <= 0.0 || sf >= 1.0 {
        return Err(EvalError::execution(format!(
            "invalid smoothing factor. Expected: 0 < sf < 1, got: {}",
            go_f(sf)
        )));
    }
    if tf.is_nan() || tf <= 0.0 || tf >= 1.0 {
        return Err(EvalError::execution(format!(
            "invalid trend factor. Expected: 0 < tf < 1, got: {}",
            go_f(tf)
        )));
    }
    let s = w.points;
    if s.len() < 2 {
        return Ok(None);
    }
    let (mut s0, mut s1) = (0.0, s[0].v);
    let mut b = s[1].v - s[0].v;
    for (i, p) in s.iter().enumerate().skip(1) {
        let x = sf * p.v;
        // calcTrendValue(i-1, ...)
        if i - 1 != 0 {
            b = tf * (s1 - s0) + (1.0 - tf) * b;
        }
        let y = (1.0 - sf) * (s1 + b);
        (s0, s1) = (s1, x + y);
    }
    Ok(Some(s1))
}

#[cfg(test)]
mod tests {
    use super::super::RangeFn;
    use super::super::tests::{points, with_range_ctx};
    use super::*;

    /// `f` over the window `(end - range, end]` of `pts`, at evaluation time `end`.
    fn at(f: RangeFn, pts: &[Point], end: i64, range: i64, params: &[f64]) -> Option<f64> {
        let inside: Vec<Point> = pts
            .iter()
            .copied()
            .filter(|p| p.t > end - range && p.t <= end)
            .collect();
        let w = Window {
            points: &inside,
            histograms: &[],
            start: end - range,
            end,
            extended: None,
            prometheus2: false,
            point_sts: &[],
            histogram_sts: &[],
        };
        with_range_ctx("x", Some("x_total"), end, |ctx| f(&w, params, ctx))
            .0
            .unwrap()
    }

    fn assert_close(a: f64, b: f64) {
        assert!(
            crate::promql::engine::functions::stats::almost_equal(a, b, 1e-12),
            "{a} != {b}"
        );
    }

    #[test]
    fn rate_increase_delta() {
        // http_requests{path="/foo"} 0+10x10 every 5m (functions.test).
        let pts = points(
            0,
            300_000,
            &(0..=10).map(|i| i as f64 * 10.0).collect::<Vec<_>>(),
        );
        assert_close(
            at(rate, &pts, 3_000_000, 3_000_000, &[]).unwrap(),
            100.0 / 3000.0,
        );
        assert_eq!(at(increase, &pts, 3_000_000, 3_000_000, &[]), Some(100.0));
        assert_eq!(at(delta, &pts, 3_000_000, 3_000_000, &[]), Some(100.0));
        // A counter reset: 0 1 2 3 4 5 0 1 2 (every minute): increase over 8m at 8m.
        let pts = points(0, 60_000, &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 0.0, 1.0, 2.0]);
        // Samples at 1m..8m: increase = 2 - 1 + 5 = 6 over 7m sampled; start 1m after
        // the window start (threshold 66s, zero point at 7m*1/6 = 70s -> 60s), end 0.
        assert_eq!(
            at(increase, &pts, 480_000, 480_000, &[]),
            Some(6.0 * (420.0 + 60.0) / 420.0)
        );
        assert_eq!(at(rate, &pts, 60_000, 60_000, &[]), None);
    }

    #[test]
    fn counter_name_info() {
        let pts = points(0, 60_000, &[1.0, 2.0, 3.0]);
        let w = Window {
            points: &pts[1..],
            histograms: &[],
            start: 0,
            end: 120_000,
            extended: None,
            prometheus2: false,
            point_sts: &[],
            histogram_sts: &[],
        };
        let (_, notes) =
            with_range_ctx("rate(x[2m])", Some("x"), 120_000, |ctx| rate(&w, &[], ctx));
        assert_eq!(
            notes.infos,
            [
                r#"PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "x" (1:6)"#
            ]
        );
        let (_, notes) = with_range_ctx("delta(x[2m])", Some("x"), 120_000, |ctx| {
            delta(&w, &[], ctx)
        });
        assert!(notes.is_empty());
    }

    #[test]
    fn instant_values() {
        let pts = points(0, 10_000, &[1.0, 5.0, 2.0]);
        assert_eq!(at(irate, &pts, 20_000, 30_000, &[]), Some(0.2));
        assert_eq!(at(idelta, &pts, 20_000, 30_000, &[]), Some(-3.0));
        assert_eq!(at(irate, &pts, 10_000, 30_000, &[]), Some(0.4));
        assert_eq!(at(idelta, &pts, 0, 30_000, &[]), None);
    }

    #[test]
    fn regression() {
        // testcounter_reset_middle 0+10x4 then 0+10x5 every 5m (functions.test):
        // deriv over 1h at 50m is 0.010606060606060607.
        let vals = [
            0.0, 10.0, 20.0, 30.0, 40.0, 0.0, 10.0, 20.0, 30.0, 40.0, 50.0,
        ];
        let pts = points(0, 300_000, &vals);
        assert_eq!(
            at(deriv, &pts, 3_000_000, 3_600_000, &[]),
            Some(0.010606060606060607)
        );
        // predict_linear(testcounter_reset_middle_total[50m], 3600) at 50m is 70.
        assert_eq!(
            at(predict_linear, &pts, 3_000_000, 3_000_000, &[3600.0]),
            Some(70.0)
        );
        // ...[55m] @ 3000 at 70m: the window ends at 3000 s, the intercept is at 70m.
        let w = Window {
            points: &pts,
            histograms: &[],
            start: -300_000,
            end: 3_000_000,
            extended: None,
            prometheus2: false,
            point_sts: &[],
            histogram_sts: &[],
        };
        let r = with_range_ctx("x", None, 4_200_000, |ctx| {
            predict_linear(&w, &[3600.0], ctx)
        });
        assert_eq!(r.0.unwrap(), Some(89.54545454545455));
        let r = with_range_ctx("x", None, 600_000, |ctx| predict_linear(&w, &[3600.0], ctx));
        assert_eq!(r.0.unwrap(), Some(51.36363636363637));
        // -Inf 0+80x10 Inf: NaN.
        let mut inf = points(
            0,
            300_000,
            &(0..=12).map(|i| i as f64 * 80.0).collect::<Vec<_>>(),
        );
        inf[0].v = f64::NEG_INFINITY;
        inf[12].v = f64::INFINITY;
        assert!(at(deriv, &inf, 6_000_000, 6_000_000, &[]).unwrap().is_nan());
        let flat = points(0, 60_000, &[3.0, 3.0]);
        assert_eq!(at(deriv, &flat, 60_000, 120_000, &[]), Some(0.0));
    }

    #[test]
    fn resets_and_changes() {
        let pts = points(0, 10_000, &[1.0, 2.0, 1.0, 1.0, f64::NAN, f64::NAN, 0.0]);
        assert_eq!(at(resets, &pts, 60_000, 70_000, &[]), Some(1.0));
        assert_eq!(at(changes, &pts, 60_000, 70_000, &[]), Some(4.0));
    }

    #[test]
    fn smoothing() {
        let pts = points(0, 10_000, &[1.0, 2.0, 3.0]);
        let r = at(
            double_exponential_smoothing,
            &pts,
            20_000,
            30_000,
            &[0.5, 0.5],
        )
        .unwrap();
        // s1: 1; i=1: b=1, y=0.5*(1+1)=1, s1=1+1=2; i=2: b=0.5*(2-1)+0.5*1=1,
        // y=0.5*(2+1)=1.5, s1=1.5+1.5=3.
        assert_eq!(r, 3.0);
        let w = Window {
            points: &pts,
            histograms: &[],
            start: 0,
            end: 1,
            extended: None,
            prometheus2: false,
            point_sts: &[],
            histogram_sts: &[],
        };
        let err = with_range_ctx("x", None, 0, |ctx| {
            double_exponential_smoothing(&w, &[1.0, 0.5], ctx)
        })
        .0;
        assert_eq!(
            err.unwrap_err().message,
            "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000"
        );
    }
}
