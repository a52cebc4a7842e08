//! `anchored` / `smoothed` `rate`, `increase` and `delta` on native histograms
//! (upstream's `extendedHistogramRate` and its helpers), and the histogram
//! interpolation the smoothed instant selector shares (see [`super::super::extended`]
//! for the float versions and how extended windows reach past their range).
//!
//! As for floats, the boundary values are the samples at the range edges
//! (`anchored`: the last one at or before the start, else the first; the last
//! one) or interpolated there (`smoothed`); counter resets strictly between the
//! boundaries are corrected for, those the interpolation spans are not.

use crate::histogram::{CounterResetHint, FloatHistogram, HistogramError, HistogramErrorKind};
use crate::promql::Span;
use crate::promql::ast::Extended;
use crate::promql::engine::notes::{HistogramOp, Notes};

use super::native::{add_noted, name};
use super::{HPoint, RangeCtx, Window};

/// `interpolateHistograms`: the histogram at `t` on the line from `(t1, h1)` to
/// `(t2, h2)`. For a counter that reset between them, `h2` scaled by the
/// fraction (a restart from zero at `t1`). Errors when exponential and custom
/// buckets mix; reconciled custom bounds are noted.
pub(crate) fn interpolate_histograms(
    (t1, h1): (i64, &FloatHistogram),
    (t2, h2): (i64, &FloatHistogram),
    t: i64,
    is_counter: bool,
    notes: &mut Notes<'_>,
    span: Span,
) -> Result<FloatHistogram, HistogramError> {
    if t == t1 {
        return Ok(h1.copy());
    }
    if t == t2 {
        return Ok(h2.copy());
    }
    let fraction = (t - t1) as f64 / (t2 - t1) as f64;
    let mut result = h2.copy();
    if is_counter && h2.detect_reset(h1) {
        result.mul(fraction);
        return Ok(result);
    }
    // h1 + (h2 - h1) * fraction.
    if result.sub(h1)?.nhcb_bounds_reconciled {
        notes.mismatched_custom_buckets(HistogramOp::Sub, span);
    }
    result.mul(fraction);
    if result.add(h1)?.nhcb_bounds_reconciled {
        notes.mismatched_custom_buckets(HistogramOp::Add, span);
    }
    Ok(result)
}

/// `annosFromInterpolationError`.
fn interpolation_error(err: &HistogramError, ctx: &mut RangeCtx<'_, '_>) {
    if err.kind == HistogramErrorKind::IncompatibleSchema {
        ctx.notes.mixed_exponential_custom(name(ctx), ctx.arg_span);
    }
}

/// `subHistogramWithAnnotations`: `h -= other`; `false` if the schemas cannot mix.
fn sub_noted(h: &mut FloatHistogram, other: &FloatHistogram, ctx: &mut RangeCtx<'_, '_>) -> bool {
    match h.sub(other) {
        Ok(outcome) => {
            if outcome.nhcb_bounds_reconciled {
                ctx.notes
                    .mismatched_custom_buckets(HistogramOp::Sub, ctx.arg_span);
            }
            true
        }
        Err(_) => {
            ctx.notes.mixed_exponential_custom(name(ctx), ctx.arg_span);
            false
        }
    }
}

/// `validateHistogramRange`: `false` (with a warning) when exponential and
/// custom buckets mix; warns for gauge samples in a counter function.
fn validate_range(hs: &[HPoint], is_counter: bool, ctx: &mut RangeCtx<'_, '_>) -> bool {
    let custom = hs[0].h.uses_custom_buckets();
    for p in hs {
        if p.h.uses_custom_buckets() != custom {
            ctx.notes.mixed_exponential_custom(name(ctx), ctx.arg_span);
            return false;
        }
        if is_counter && p.h.counter_reset_hint == CounterResetHint::Gauge {
            ctx.notes.histogram_not_counter(name(ctx), ctx.arg_span);
        }
    }
    true
}

/// `pickOrInterpolateLeftHistogram`.
fn left_histogram(
    hs: &[HPoint],
    first: usize,
    range_start: i64,
    smoothed: bool,
    is_counter: bool,
    ctx: &mut RangeCtx<'_, '_>,
) -> Result<FloatHistogram, HistogramError> {
    if smoothed && hs[first].t < range_start {
        let (a, b) = (&hs[first], &hs[first + 1]);
        return interpolate_histograms(
            (a.t, &a.h),
            (b.t, &b.h),
            range_start,
            is_counter,
            ctx.notes,
            ctx.arg_span,
        );
    }
    Ok(hs[first].h.copy())
}

/// `pickOrInterpolateRightHistogram`.
fn right_histogram(
    hs: &[HPoint],
    last: usize,
    range_end: i64,
    smoothed: bool,
    is_counter: bool,
    ctx: &mut RangeCtx<'_, '_>,
) -> Result<FloatHistogram, HistogramError> {
    if smoothed && last > 0 && hs[last].t > range_end {
        let (a, b) = (&hs[last - 1], &hs[last]);
        return interpolate_histograms(
            (a.t, &a.h),
            (b.t, &b.h),
            range_end,
            is_counter,
            ctx.notes,
            ctx.arg_span,
        );
    }
    Ok(hs[last].h.copy())
}

/// `correctForCounterResetsHistogram`: the sum of the histograms before each
/// reset strictly between the boundary samples `first` and `last` (whose values
/// `left` and `right` stand for). `Err` when the schemas cannot mix.
#[allow(clippy::too_many_arguments)]
fn counter_correction(
    hs: &[HPoint],
    first: usize,
    last: usize,
    left: &FloatHistogram,
    right: &FloatHistogram,
    range_start: i64,
    smoothed: bool,
    ctx: &mut RangeCtx<'_, '_>,
) -> Result<Option<FloatHistogram>, ()> {
    let mut from = first + 1;
    let mut prev = left;
    // A left boundary interpolated across a reset already accounts for it: the
    // sample after the reset becomes the reference for the next one.
    if smoothed
        && hs[first].t < range_start
        && let Some(next) = hs.get(first + 1)
        && next.h.detect_reset(&hs[first].h)
    {
        prev = &next.h;
        from += 1;
    }
    // `last` itself is left out: `right` is it or inherits its hint, and would
    // detect a reset against itself.
    if from > last {
        return Ok(None);
    }
    let mut correction: Option<FloatHistogram> = None;
    let mut add = |prev: &FloatHistogram, ctx: &mut RangeCtx<'_, '_>| match &mut correction {
        None => {
            correction = Some(prev.copy());
            true
        }
        Some(c) => add_noted(c, prev, ctx),
    };
    for p in &hs[from..last] {
        if p.h.detect_reset(prev) && !add(prev, ctx) {
            return Err(());
        }
        prev = &p.h;
    }
    if right.detect_reset(prev) && !add(prev, ctx) {
        return Err(());
    }
    Ok(correction)
}

/// `extendedHistogramRate`: `rate`/`increase`/`delta` of the histograms in an
/// extended window (which holds no floats), as a gauge histogram.
pub(super) fn extended_rate(
    w: &Window<'_>,
    ctx: &mut RangeCtx<'_, '_>,
    is_counter: bool,
    is_rate: bool,
) -> Option<FloatHistogram> {
    let hs = w.histograms;
    let smoothed = w.extended == Some(Extended::Smoothed);
    let n = hs.len().checked_sub(1)?;
    let first = hs[..n]
        .partition_point(|p| p.t <= w.start)
        .saturating_sub(1);
    let last = if smoothed {
        hs[..n].partition_point(|p| p.t < w.end)
    } else {
        n
    };
    if hs[last].t <= w.start || (smoothed && hs[first].t > w.end) {
        return None;
    }
    if !validate_range(&hs[first..=last], is_counter, ctx) {
        return None;
    }
    let boundaries = left_histogram(hs, first, w.start, smoothed, is_counter, ctx)
        .and_then(|l| right_histogram(hs, last, w.end, smoothed, is_counter, ctx).map(|r| (l, r)));
    let (left, right) = match boundaries {
        Ok(b) => b,
        Err(e) => {
            interpolation_error(&e, ctx);
            return None;
        }
    };
    let gauge = |h: &FloatHistogram| h.counter_reset_hint == CounterResetHint::Gauge;
    if !is_counter && (!gauge(&left) || !gauge(&right)) {
        ctx.notes.histogram_not_gauge(name(ctx), ctx.arg_span);
    }
    let mut result = right.copy();
    if !sub_noted(&mut result, &left, ctx) {
        return None;
    }
    if is_counter {
        let correction =
            counter_correction(hs, first, last, &left, &right, w.start, smoothed, ctx).ok()?;
        if let Some(c) = correction
            && !add_noted(&mut result, &c, ctx)
        {
            return None;
        }
    }
    if is_rate {
        result.div((w.end - w.start) as f64 / 1000.0);
    }
    result.counter_reset_hint = CounterResetHint::Gauge;
    result.compact(0);
    Some(result)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::histogram::notation::parse_histogram;
    use crate::promql::engine::functions::tests::with_range_ctx;

    /// Histograms of one bucket: `(t in s, count, reset hint)`.
    fn series(values: &[(i64, f64, &str)]) -> Vec<HPoint> {
        values
            .iter()
            .map(|&(t, c, hint)| {
                let hint = if hint.is_empty() {
                    String::new()
                } else {
                    format!(" counter_reset_hint:{hint}")
                };
                let text = format!("{{{{schema:0 sum:{c} count:{c} buckets:[{c}]{hint}}}}}");
                HPoint {
                    t: t * 1000,
                    h: Arc::new(parse_histogram(&text).unwrap()),
                }
            })
            .collect()
    }

    /// `(count, annotations)` of the increase (or delta) over `(start, end]` s.
    fn run(
        hs: &[HPoint],
        start: i64,
        end: i64,
        ext: Extended,
        is_counter: bool,
    ) -> (Option<f64>, Vec<String>) {
        let w = Window {
            points: &[],
            histograms: hs,
            start: start * 1000,
            end: end * 1000,
            extended: Some(ext),
            prometheus2: false,
            point_sts: &[],
            histogram_sts: &[],
        };
        let (r, notes) = with_range_ctx("increase(m[1m])", Some("m"), end * 1000, |ctx| {
            extended_rate(&w, ctx, is_counter, false)
        });
        (r.map(|h| h.count), notes.warnings)
    }

    #[test]
    fn interpolation_across_a_reset() {
        let hs = series(&[(0, 10.0, ""), (15, 2.0, "reset")]);
        let (h, notes) = with_range_ctx("x", None, 0, |ctx| {
            interpolate_histograms(
                (0, &hs[0].h),
                (15_000, &hs[1].h),
                5_000,
                true,
                ctx.notes,
                ctx.arg_span,
            )
        });
        let h = h.unwrap();
        assert!((h.count - 2.0 / 3.0).abs() < 1e-12, "{}", h.count);
        assert_eq!(h.counter_reset_hint, CounterResetHint::CounterReset);
        assert!(notes.warnings.is_empty());
        // As a gauge: plain linear interpolation.
        let (h, _) = with_range_ctx("x", None, 0, |ctx| {
            interpolate_histograms(
                (0, &hs[0].h),
                (15_000, &hs[1].h),
                5_000,
                false,
                ctx.notes,
                ctx.arg_span,
            )
        });
        assert!((h.unwrap().count - (10.0 - 8.0 / 3.0)).abs() < 1e-12);
    }

    #[test]
    fn anchored_resets() {
        // A reset on the last sample counts once: 3 - 5 + 10.
        let hs = series(&[(0, 5.0, ""), (30, 10.0, ""), (60, 3.0, "reset")]);
        assert_eq!(run(&hs, 0, 70, Extended::Anchored, true).0, Some(8.0));
        // Two samples, the second a reset at the range end: 3 - 5 + 5.
        assert_eq!(run(&hs[1..], 30, 60, Extended::Anchored, true).0, Some(3.0));
        // Only the anchor: nothing.
        assert_eq!(run(&hs[..1], 0, 30, Extended::Anchored, true).0, None);
        // One sample in range: zero.
        assert_eq!(
            run(&hs[..1], -30, 30, Extended::Anchored, true).0,
            Some(0.0)
        );
        // delta: no correction, and a warning for counters.
        let (r, warnings) = run(&hs, 0, 70, Extended::Anchored, false);
        assert_eq!(r, Some(-2.0));
        assert_eq!(
            warnings,
            ["PromQL warning: this native histogram metric is not a gauge: \"m\" (1:10)"]
        );
    }

    #[test]
    fn smoothed_resets() {
        // The left boundary interpolated across the first reset; the correction
        // for the second one is taken against the sample after the first (5).
        let hs = series(&[
            (0, 10.0, ""),
            (10, 5.0, "reset"),
            (20, 2.0, "reset"),
            (30, 4.0, ""),
        ]);
        let (r, _) = run(&hs, 1, 15, Extended::Smoothed, true);
        assert!((r.unwrap() - 5.5).abs() < 1e-12, "{r:?}");
        // Both boundaries interpolated across the same reset: no correction.
        let hs = series(&[(0, 10.0, ""), (20, 5.0, "reset")]);
        let (r, _) = run(&hs, 5, 15, Extended::Smoothed, true);
        assert!((r.unwrap() - 2.5).abs() < 1e-12, "{r:?}");
        // The right boundary across a reset: 1.5 - 7.5 + 10.
        let hs = series(&[(0, 5.0, ""), (10, 10.0, ""), (20, 3.0, "reset")]);
        let (r, _) = run(&hs, 5, 15, Extended::Smoothed, true);
        assert!((r.unwrap() - 4.0).abs() < 1e-12, "{r:?}");
        // Data only after the range: nothing.
        assert_eq!(run(&hs[1..], -10, 5, Extended::Smoothed, true).0, None);
    }

    #[test]
    fn mixed_schemas() {
        let mut hs = series(&[(0, 1.0, ""), (30, 2.0, "")]);
        hs[1].h = Arc::new(
            parse_histogram("{{schema:-53 sum:1 count:1 custom_values:[5 10] buckets:[1]}}")
                .unwrap(),
        );
        let (r, warnings) = run(&hs, 0, 30, Extended::Anchored, true);
        assert_eq!(r, None);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("mix of histograms with exponential and custom"));
    }
}
