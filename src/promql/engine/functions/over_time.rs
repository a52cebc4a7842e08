//! `<aggregation>_over_time` functions and the `ts_of_*_over_time` family.

use super::stats::{KahanMean, kahan_sum_inc, quantile};
use super::{EvalError, RangeCtx, Window};
use crate::gofmt::go_g;

type Out = Result<Option<f64>, EvalError>;

macro_rules! over_time {
    ($($name:ident($w:ident) $body:block)*) => {$(
        pub(super) fn $name($w: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
            if $w.points.is_empty() {
                return Ok(None);
            }
            Ok(Some($body))
        }
    )*};
}

/// `compareOverTime`: the first sample for which `better(value, best)` holds
/// last, as (value, time).
fn compare(w: &Window<'_>, better: fn(f64, f64) -> bool) -> (f64, i64) {
    let mut best = (w.points[0].v, w.points[0].t);
    for p in w.points {
        if better(p.v, best.0) {
            best = (p.v, p.t);
        }
    }
    best
}

fn variance(w: &Window<'_>) -> f64 {
    let (mut count, mut mean, mut c_mean, mut aux, mut c_aux) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for p in w.points {
        count += 1.0;
        let delta = p.v - (mean + c_mean);
        (mean, c_mean) = kahan_sum_inc(delta / count, mean, c_mean);
        (aux, c_aux) = kahan_sum_inc(delta * (p.v - (mean + c_mean)), aux, c_aux);
    }
    (aux + c_aux) / count
}

over_time! {
    avg_over_time(w) {
        let mut m = KahanMean::new(w.points[0].v);
        w.points[1..].iter().for_each(|p| m.add(p.v));
        m.value()
    }
    count_over_time(w) { w.points.len() as f64 }
    sum_over_time(w) {
        let (mut sum, mut c) = (0.0, 0.0);
        for p in w.points {
            (sum, c) = kahan_sum_inc(p.v, sum, c);
        }
        if sum.is_infinite() { sum } else { sum + c }
    }
    min_over_time(w) { compare(w, |cur, best| cur < best || best.is_nan()).0 }
    max_over_time(w) { compare(w, |cur, best| cur > best || best.is_nan()).0 }
    last_over_time(w) { w.points[w.points.len() - 1].v }
    first_over_time(w) { w.points[0].v }
    present_over_time(_w) { 1.0 }
    stddev_over_time(w) { variance(w).sqrt() }
    stdvar_over_time(w) { variance(w) }
    mad_over_time(w) {
        // A NaN sample makes the result NaN rather than being sorted away.
        if w.points.iter().any(|p| p.v.is_nan()) {
            f64::NAN
        } else {
            let mut values: Vec<f64> = w.points.iter().map(|p| p.v).collect();
            let median = quantile(0.5, &mut values);
            let mut dev: Vec<f64> = w.points.iter().map(|p| (p.v - median).abs()).collect();
            quantile(0.5, &mut dev)
        }
    }
    ts_of_first_over_time(w) { w.points[0].t as f64 / 1000.0 }
    ts_of_last_over_time(w) { w.points[w.points.len() - 1].t as f64 / 1000.0 }
    ts_of_min_over_time(w) { compare(w, |cur, best| cur <= best || best.is_nan()).1 as f64 / 1000.0 }
    ts_of_max_over_time(w) { compare(w, |cur, best| cur >= best || best.is_nan()).1 as f64 / 1000.0 }
}

/// `quantile_over_time(φ, v)`; warns (at the φ argument) when φ is not in [0, 1].
pub(super) fn quantile_over_time(
    w: &Window<'_>,
    params: &[f64],
    ctx: &mut RangeCtx<'_, '_>,
) -> Out {
    if w.points.is_empty() {
        return Ok(None);
    }
    let q = params[0];
    if q.is_nan() || !(0.0..=1.0).contains(&q) {
        let span = ctx.args.first().map_or(ctx.arg_span, |e| e.span);
        ctx.notes.warn(
            format_args!("quantile value should be between 0 and 1, got {}", go_g(q)),
            span,
        );
    }
    let mut values: Vec<f64> = w.points.iter().map(|p| p.v).collect();
    Ok(Some(quantile(q, &mut values)))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{points, with_range_ctx};
    use super::super::{RangeFn, Window};
    use super::*;
    use crate::promql::{ExprKind, parse};

    fn run(f: RangeFn, vals: &[f64], params: &[f64]) -> Option<f64> {
        let pts = points(10_000, 10_000, vals);
        let w = Window {
            points: &pts,
            histograms: &[],
            start: 0,
            end: 10_000 * vals.len() as i64,
            extended: None,
            prometheus2: false,
            point_sts: &[],
            histogram_sts: &[],
        };
        with_range_ctx("x", None, w.end, |ctx| f(&w, params, ctx))
            .0
            .unwrap()
    }

    #[test]
    fn aggregations() {
        let v = [1.0, 4.0, 2.0, 3.0];
        assert_eq!(run(avg_over_time, &v, &[]), Some(2.5));
        assert_eq!(run(count_over_time, &v, &[]), Some(4.0));
        assert_eq!(run(sum_over_time, &v, &[]), Some(10.0));
        assert_eq!(run(min_over_time, &v, &[]), Some(1.0));
        assert_eq!(run(max_over_time, &v, &[]), Some(4.0));
        assert_eq!(run(first_over_time, &v, &[]), Some(1.0));
        assert_eq!(run(last_over_time, &v, &[]), Some(3.0));
        assert_eq!(run(present_over_time, &v, &[]), Some(1.0));
        assert_eq!(run(stdvar_over_time, &v, &[]), Some(1.25));
        assert_eq!(run(stddev_over_time, &v, &[]), Some(1.25f64.sqrt()));
        assert_eq!(run(ts_of_first_over_time, &v, &[]), Some(10.0));
        assert_eq!(run(ts_of_last_over_time, &v, &[]), Some(40.0));
        assert_eq!(run(ts_of_max_over_time, &v, &[]), Some(20.0));
        assert_eq!(run(ts_of_min_over_time, &v, &[]), Some(10.0));
        assert_eq!(run(sum_over_time, &[], &[]), None);
        // NaN handling: NaN is replaced by any later value.
        assert_eq!(run(max_over_time, &[f64::NAN, 1.0], &[]), Some(1.0));
        assert_eq!(run(min_over_time, &[2.0, f64::NAN], &[]), Some(2.0));
        // Ties: ts_of_max takes the last of equal maxima.
        assert_eq!(run(ts_of_max_over_time, &[5.0, 5.0, 1.0], &[]), Some(20.0));
        assert_eq!(
            run(sum_over_time, &[1e308, 1e308], &[]),
            Some(f64::INFINITY)
        );
        assert_eq!(
            run(avg_over_time, &[1e308, 1e308, -1e308], &[]),
            Some(1e308 / 3.0)
        );
    }

    #[test]
    fn mad() {
        // metric 4 6 2 1 999 1 2 (functions.test): mad_over_time = 1.
        assert_eq!(
            run(mad_over_time, &[4.0, 6.0, 2.0, 1.0, 999.0, 1.0, 2.0], &[]),
            Some(1.0)
        );
    }

    #[test]
    fn quantiles() {
        // data{test="two samples"} 0 1 (functions.test).
        assert_eq!(run(quantile_over_time, &[0.0, 1.0], &[0.75]), Some(0.75));
        assert_eq!(run(quantile_over_time, &[0.0, 1.0, 2.0], &[0.8]), Some(1.6));
        let q = "quantile_over_time(-1, x[1m])";
        let e = parse(q).unwrap();
        let ExprKind::Call { args, .. } = &e.kind else {
            panic!()
        };
        let pts = points(10_000, 10_000, &[1.0, 2.0]);
        let w = Window {
            points: &pts,
            histograms: &[],
            start: 0,
            end: 20_000,
            extended: None,
            prometheus2: false,
            point_sts: &[],
            histogram_sts: &[],
        };
        let (r, notes) = super::super::tests::with_range_ctx_args(q, args, |ctx| {
            quantile_over_time(&w, &[-1.0], ctx)
        });
        assert_eq!(r.unwrap(), Some(f64::NEG_INFINITY));
        assert_eq!(
            notes.warnings,
            ["PromQL warning: quantile value should be between 0 and 1, got -1 (1:20)"]
        );
    }
}
