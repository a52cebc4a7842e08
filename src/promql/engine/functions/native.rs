//! Range functions on windows that hold native histograms, as the histogram
//! branches of Prometheus's `promql/functions.go`: `rate`, `increase`, `delta`,
//! `irate`, `idelta`, `sum_over_time`, `avg_over_time`, the functions that count
//! or pick samples of either kind, `changes` and `resets`. The float-only
//! functions ignore histograms (see `histogram_range` in `mod.rs`). Anchored and
//! smoothed rates are in `native_extended.rs`.

use crate::histogram::{CounterResetHint, FloatHistogram};
use crate::promql::ast::Extended;
use crate::promql::engine::notes::HistogramOp;

use super::range::{extrapolation_factor, first_st_in_window, st_at, st_overlap, st_reset};
use super::{EvalError, HPoint, HistRangeFn, RangeCtx, RangeOut, Window};

type Out = Result<Option<RangeOut>, EvalError>;

/// Sorted by name.
pub(super) static RANGE_TABLE: &[(&str, HistRangeFn)] = &[
    ("avg_over_time", avg_over_time),
    ("changes", changes),
    ("count_over_time", count_over_time),
    ("delta", delta),
    ("first_over_time", first_over_time),
    ("idelta", idelta),
    ("increase", increase),
    ("irate", irate),
    ("last_over_time", last_over_time),
    ("present_over_time", present_over_time),
    ("rate", rate),
    ("resets", resets),
    ("sum_over_time", sum_over_time),
    ("ts_of_first_over_time", ts_of_first_over_time),
    ("ts_of_last_over_time", ts_of_last_over_time),
];

pub(super) fn name<'a>(ctx: &RangeCtx<'a, '_>) -> &'a str {
    ctx.metric_name.unwrap_or("")
}

/// `h += other` with Prometheus's annotations; `false` if the schemas cannot mix.
pub(super) fn add_noted(
    h: &mut FloatHistogram,
    other: &FloatHistogram,
    ctx: &mut RangeCtx<'_, '_>,
) -> bool {
    match h.add(other) {
        Ok(outcome) => {
            if outcome.nhcb_bounds_reconciled {
                ctx.notes
                    .mismatched_custom_buckets(HistogramOp::Add, ctx.arg_span);
            }
            true
        }
        Err(_) => {
            ctx.notes.mixed_exponential_custom(name(ctx), ctx.arg_span);
            false
        }
    }
}

/// `histogramRate`: the increase from the first to the last histogram, counter
/// resets corrected when `is_counter` (by start timestamps `sts` too), as a
/// gauge histogram.
fn histogram_increase(
    points: &[HPoint],
    sts: &[i64],
    is_counter: bool,
    ctx: &mut RangeCtx<'_, '_>,
) -> Option<FloatHistogram> {
    let (first, last) = (&points[0].h, &points[points.len() - 1].h);
    let mut prev: FloatHistogram = (**first).clone();
    let mut custom = prev.uses_custom_buckets();
    if is_counter
        && (first.counter_reset_hint == CounterResetHint::Gauge
            || last.counter_reset_hint == CounterResetHint::Gauge)
    {
        ctx.notes.histogram_not_counter(name(ctx), ctx.arg_span);
    }
    // A reset between the first two samples: the first does not matter (nor its layout).
    let st_reset_at = |i: usize| {
        st_reset(
            st_at(sts, i - 1),
            points[i - 1].t,
            st_at(sts, i),
            points[i].t,
        )
    };
    if is_counter && (st_reset_at(1) || points[1].h.detect_reset(&prev)) {
        let second = &points[1].h;
        prev = FloatHistogram {
            schema: second.schema,
            custom_values: second.custom_values.clone(),
            ..FloatHistogram::default()
        };
        custom = second.uses_custom_buckets();
    }
    if last.uses_custom_buckets() != custom {
        ctx.notes.mixed_exponential_custom(name(ctx), ctx.arg_span);
        return None;
    }
    let mut min_schema = last.schema.min(prev.schema);
    for p in &points[1..points.len() - 1] {
        if !is_counter {
            continue;
        }
        if p.h.counter_reset_hint == CounterResetHint::Gauge {
            ctx.notes.histogram_not_counter(name(ctx), ctx.arg_span);
        }
        min_schema = min_schema.min(p.h.schema);
        if p.h.uses_custom_buckets() != custom {
            ctx.notes.mixed_exponential_custom(name(ctx), ctx.arg_span);
            return None;
        }
    }
    let mut h = last.copy_to_schema(min_schema);
    match h.sub(&prev) {
        Ok(outcome) => {
            if outcome.nhcb_bounds_reconciled {
                ctx.notes
                    .mismatched_custom_buckets(HistogramOp::Sub, ctx.arg_span);
            }
        }
        Err(_) => {
            ctx.notes.mixed_exponential_custom(name(ctx), ctx.arg_span);
            return None;
        }
    }
    if is_counter {
        let mut prev: &FloatHistogram = &prev;
        let mut overlap = false;
        for (i, p) in points.iter().enumerate().skip(1) {
            if !overlap && st_overlap(st_at(sts, i - 1), points[i - 1].t, st_at(sts, i)) {
                overlap = true;
                ctx.notes.start_time_overlap(name(ctx), ctx.arg_span);
            }
            if (st_reset_at(i) || p.h.detect_reset(prev)) && !add_noted(&mut h, prev, ctx) {
                return None;
            }
            prev = &p.h;
        }
    } else if first.counter_reset_hint != CounterResetHint::Gauge
        || last.counter_reset_hint != CounterResetHint::Gauge
    {
        ctx.notes.histogram_not_gauge(name(ctx), ctx.arg_span);
    }
    h.counter_reset_hint = CounterResetHint::Gauge;
    h.compact(0);
    Some(h)
}

/// `extrapolatedRate` on histograms.
fn extrapolated(
    w: &Window<'_>,
    ctx: &mut RangeCtx<'_, '_>,
    is_counter: bool,
    is_rate: bool,
) -> Out {
    if !w.points.is_empty() {
        ctx.notes.mixed_floats_histograms(name(ctx), ctx.arg_span);
        return Ok(None);
    }
    if w.extended.is_some() {
        let h = super::native_extended::extended_rate(w, ctx, is_counter, is_rate);
        return Ok(h.map(RangeOut::Histogram));
    }
    let hs = w.histograms;
    let Some(first) = hs.first() else {
        return Ok(None);
    };
    // A single sample gives an increase only from its start timestamp.
    let st_start = first_st_in_window(w, w.histogram_sts, first.t, is_counter);
    let mut h = match (hs.len() > 1, st_start) {
        (true, _) => {
            let Some(h) = histogram_increase(hs, w.histogram_sts, is_counter, ctx) else {
                return Ok(None);
            };
            h
        }
        (false, Some(_)) => FloatHistogram::default(),
        (false, None) => return Ok(None),
    };
    if st_start.is_some() {
        // Counted from zero at the start timestamp.
        if hs.len() == 1 {
            h = (*first.h).clone();
        } else if !add_noted(&mut h, &first.h, ctx) {
            return Ok(None);
        }
    }
    let first_count = hs[0].h.count;
    let result_count = h.count;
    let factor = extrapolation_factor(
        w,
        (hs[0].t, hs[hs.len() - 1].t),
        hs.len() - 1,
        is_counter,
        st_start,
        |sampled| {
            // Prometheus 2 did not extrapolate histograms towards zero.
            (result_count > 0.0 && first_count >= 0.0 && !w.prometheus2)
                .then(|| sampled * (first_count / result_count))
        },
        is_rate,
    );
    h.mul(factor);
    Ok(Some(RangeOut::Histogram(h)))
}

fn rate(w: &Window<'_>, _: &[f64], ctx: &mut RangeCtx<'_, '_>) -> Out {
    extrapolated(w, ctx, true, true)
}

fn increase(w: &Window<'_>, _: &[f64], ctx: &mut RangeCtx<'_, '_>) -> Out {
    extrapolated(w, ctx, true, false)
}

fn delta(w: &Window<'_>, _: &[f64], ctx: &mut RangeCtx<'_, '_>) -> Out {
    extrapolated(w, ctx, false, false)
}

/// One sample of either kind.
#[derive(Clone, Copy)]
enum Either<'a> {
    Float(f64),
    Histogram(&'a FloatHistogram),
}

/// The window's samples of both kinds in time order, from an anchored window's
/// anchor (`pickFirstSampleIndices`); `None` when an anchored window has no
/// sample after its start.
fn merged<'a>(w: &Window<'a>) -> Option<Vec<(i64, Either<'a>, i64)>> {
    let (mut i, mut j) = (0, 0);
    if w.extended == Some(Extended::Anchored) {
        let last_f = w.points.partition_point(|p| p.t <= w.start) as isize - 1;
        let last_h = w.histograms.partition_point(|p| p.t <= w.start) as isize - 1;
        if last_f + 1 >= w.points.len() as isize && last_h + 1 >= w.histograms.len() as isize {
            return None;
        }
        (i, j) = match (last_f, last_h) {
            (f, h) if f < 0 && h < 0 => (0, 0),
            (f, h) if h < 0 || (f >= 0 && w.points[f as usize].t >= w.histograms[h as usize].t) => {
                (f as usize, (h + 1) as usize)
            }
            (f, h) => ((f + 1) as usize, h as usize),
        };
    }
    let mut out = Vec::with_capacity(w.points.len() + w.histograms.len());
    while i < w.points.len() || j < w.histograms.len() {
        if j >= w.histograms.len() || (i < w.points.len() && w.points[i].t < w.histograms[j].t) {
            let st = st_at(w.point_sts, i);
            out.push((w.points[i].t, Either::Float(w.points[i].v), st));
            i += 1;
        } else {
            let st = st_at(w.histogram_sts, j);
            out.push((w.histograms[j].t, Either::Histogram(&w.histograms[j].h), st));
            j += 1;
        }
    }
    Some(out)
}

fn resets(w: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
    let Some(samples) = merged(w) else {
        return Ok(None);
    };
    let n = samples
        .windows(2)
        .filter(|p| {
            let st = st_reset(p[0].2, p[0].0, p[1].2, p[1].0);
            match (p[0].1, p[1].1) {
                (Either::Float(a), Either::Float(b)) => b < a || st,
                (Either::Histogram(a), Either::Histogram(b)) => st || b.detect_reset(a),
                _ => true,
            }
        })
        .count();
    Ok(Some(RangeOut::Float(n as f64)))
}

fn changes(w: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
    let Some(samples) = merged(w) else {
        return Ok(None);
    };
    let n = samples
        .windows(2)
        .filter(|p| match (p[0].1, p[1].1) {
            (Either::Float(a), Either::Float(b)) => b != a && !(a.is_nan() && b.is_nan()),
            (Either::Histogram(a), Either::Histogram(b)) => !b.equals(a),
            _ => true,
        })
        .count();
    Ok(Some(RangeOut::Float(n as f64)))
}

/// `instantValue` when either of the last two samples is a histogram.
fn instant_value(w: &Window<'_>, ctx: &mut RangeCtx<'_, '_>, is_rate: bool) -> Out {
    if w.points.len() + w.histograms.len() < 2 {
        return Ok(None);
    }
    let (np, nh) = (w.points.len(), w.histograms.len());
    let mut last_two: Vec<(i64, Either<'_>, i64)> = (np.saturating_sub(2)..np)
        .map(|i| {
            let p = &w.points[i];
            (p.t, Either::Float(p.v), st_at(w.point_sts, i))
        })
        .chain((nh.saturating_sub(2)..nh).map(|i| {
            let p = &w.histograms[i];
            (p.t, Either::Histogram(&p.h), st_at(w.histogram_sts, i))
        }))
        .collect();
    // Floats first at equal times, as upstream orders them.
    last_two.sort_by_key(|(t, e, _)| (*t, matches!(e, Either::Histogram(_))));
    let [.., (t0, s0, st0), (t1, s1, st1)] = last_two[..] else {
        return Ok(None);
    };
    let interval = t1 - t0;
    if interval == 0 {
        return Ok(None);
    }
    let (Either::Histogram(h0), Either::Histogram(h1)) = (s0, s1) else {
        ctx.notes.mixed_floats_histograms(name(ctx), ctx.arg_span);
        return Ok(None);
    };
    let mut h = h1.clone();
    let gauge = |h: &FloatHistogram| h.counter_reset_hint == CounterResetHint::Gauge;
    if is_rate && (gauge(h1) || gauge(h0)) {
        ctx.notes.histogram_not_counter(name(ctx), ctx.arg_span);
    }
    if !is_rate && (!gauge(h1) || !gauge(h0)) {
        ctx.notes.histogram_not_gauge(name(ctx), ctx.arg_span);
    }
    if !is_rate || !(st_reset(st0, t0, st1, t1) || h1.detect_reset(h0)) {
        match h.sub(h0) {
            Ok(outcome) => {
                if outcome.nhcb_bounds_reconciled {
                    ctx.notes
                        .mismatched_custom_buckets(HistogramOp::Sub, ctx.arg_span);
                }
            }
            Err(_) => {
                ctx.notes.mixed_exponential_custom(name(ctx), ctx.arg_span);
                return Ok(None);
            }
        }
    }
    h.counter_reset_hint = CounterResetHint::Gauge;
    h.compact(0);
    if is_rate {
        h.div(interval as f64 / 1000.0);
    }
    Ok(Some(RangeOut::Histogram(h)))
}

fn irate(w: &Window<'_>, _: &[f64], ctx: &mut RangeCtx<'_, '_>) -> Out {
    instant_value(w, ctx, true)
}

fn idelta(w: &Window<'_>, _: &[f64], ctx: &mut RangeCtx<'_, '_>) -> Out {
    instant_value(w, ctx, false)
}

/// Notes a counter-reset collision or reconciled custom buckets seen while
/// summing histograms over time.
#[derive(Default)]
struct AggTracker {
    reset: bool,
    not_reset: bool,
    reconciled: bool,
}

impl AggTracker {
    fn track(&mut self, h: &FloatHistogram) {
        match h.counter_reset_hint {
            CounterResetHint::CounterReset => self.reset = true,
            CounterResetHint::NotCounterReset => self.not_reset = true,
            _ => {}
        }
    }

    fn report(&self, ctx: &mut RangeCtx<'_, '_>) {
        if self.reset && self.not_reset {
            ctx.notes
                .counter_reset_collision(HistogramOp::Agg, ctx.arg_span);
        }
        if self.reconciled {
            ctx.notes
                .mismatched_custom_buckets(HistogramOp::Agg, ctx.arg_span);
        }
    }
}

fn sum_over_time(w: &Window<'_>, _: &[f64], ctx: &mut RangeCtx<'_, '_>) -> Out {
    over_time(w, ctx, sum_histograms)
}

fn avg_over_time(w: &Window<'_>, _: &[f64], ctx: &mut RangeCtx<'_, '_>) -> Out {
    over_time(w, ctx, average_histograms)
}

/// `sum_over_time` / `avg_over_time` of histograms: nothing (and a warning) when
/// the window mixes floats in or exponential and custom buckets.
fn over_time(
    w: &Window<'_>,
    ctx: &mut RangeCtx<'_, '_>,
    combine: fn(&[HPoint], &mut AggTracker) -> Result<FloatHistogram, ()>,
) -> Out {
    if !w.points.is_empty() {
        ctx.notes.mixed_floats_histograms(name(ctx), ctx.arg_span);
        return Ok(None);
    }
    let mut tracker = AggTracker::default();
    let result = combine(w.histograms, &mut tracker);
    tracker.report(ctx);
    match result {
        Ok(h) => Ok(Some(RangeOut::Histogram(h))),
        Err(()) => {
            ctx.notes.mixed_exponential_custom(name(ctx), ctx.arg_span);
            Ok(None)
        }
    }
}

/// The Kahan sum of the histograms; `Err` if exponential and custom buckets mix.
fn sum_histograms(hs: &[HPoint], tracker: &mut AggTracker) -> Result<FloatHistogram, ()> {
    let mut sum = (*hs[0].h).clone();
    tracker.track(&sum);
    let mut comp: Option<FloatHistogram> = None;
    for p in &hs[1..] {
        tracker.track(&p.h);
        let (c, outcome) = sum.kahan_add(&p.h, comp.take()).map_err(|_| ())?;
        comp = Some(c);
        tracker.reconciled |= outcome.nhcb_bounds_reconciled;
    }
    if let Some(c) = comp {
        let outcome = sum.add(&c).map_err(|_| ())?;
        tracker.reconciled |= outcome.nhcb_bounds_reconciled;
    }
    Ok(sum)
}

/// The mean of the histograms: a direct Kahan sum while it does not overflow,
/// an incremental mean after (upstream's `funcAvgOverTime`).
fn average_histograms(hs: &[HPoint], tracker: &mut AggTracker) -> Result<FloatHistogram, ()> {
    let mut sum = (*hs[0].h).clone();
    tracker.track(&sum);
    let mut comp: Option<FloatHistogram> = None;
    let mut mean: Option<FloatHistogram> = None;
    let mut count = 1.0;
    for (i, p) in hs[1..].iter().enumerate() {
        tracker.track(&p.h);
        count = (i + 2) as f64;
        let m = match &mut mean {
            None => {
                let mut sum_copy = sum.clone();
                let comp_copy = comp.clone();
                let (c, outcome) = sum_copy.kahan_add(&p.h, comp_copy).map_err(|_| ())?;
                let comp_copy = Some(c);
                tracker.reconciled |= outcome.nhcb_bounds_reconciled;
                if !sum_copy.has_overflow() {
                    (sum, comp) = (sum_copy, comp_copy);
                    continue;
                }
                let mut m = sum.clone();
                m.div(count - 1.0);
                if let Some(c) = &mut comp {
                    c.div(count - 1.0);
                }
                mean.insert(m)
            }
            Some(m) => m,
        };
        let q = (count - 1.0) / count;
        if let Some(c) = &mut comp {
            c.mul(q);
        }
        let mut to_add = (*p.h).clone();
        to_add.div(count);
        m.mul(q);
        let (c, outcome) = m.kahan_add(&to_add, comp.take()).map_err(|_| ())?;
        comp = Some(c);
        tracker.reconciled |= outcome.nhcb_bounds_reconciled;
    }
    if let Some(mut m) = mean {
        if let Some(c) = &comp {
            m.add(c).map_err(|_| ())?;
        }
        return Ok(m);
    }
    sum.div(count);
    if let Some(mut c) = comp {
        c.div(count);
        sum.add(&c).map_err(|_| ())?;
    }
    Ok(sum)
}

fn count_over_time(w: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
    Ok(Some(RangeOut::Float(
        (w.points.len() + w.histograms.len()) as f64,
    )))
}

fn present_over_time(_: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
    Ok(Some(RangeOut::Float(1.0)))
}

/// The window's first (`last == false`) or last sample of either kind.
fn pick(w: &Window<'_>, last: bool) -> Option<(i64, RangeOut)> {
    let f = if last {
        w.points.last()
    } else {
        w.points.first()
    };
    let h = if last {
        w.histograms.last()
    } else {
        w.histograms.first()
    };
    match (f, h) {
        // At equal times (which the store never holds) the histogram wins, as upstream.
        (Some(f), Some(h)) if if last { f.t > h.t } else { f.t < h.t } => {
            Some((f.t, RangeOut::Float(f.v)))
        }
        (Some(f), None) => Some((f.t, RangeOut::Float(f.v))),
        (_, Some(h)) => Some((h.t, RangeOut::Histogram((*h.h).clone()))),
        (None, None) => None,
    }
}

fn first_over_time(w: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
    Ok(pick(w, false).map(|(_, v)| v))
}

fn last_over_time(w: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
    Ok(pick(w, true).map(|(_, v)| v))
}

fn ts_of_first_over_time(w: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
    Ok(pick(w, false).map(|(t, _)| RangeOut::Float(t as f64 / 1000.0)))
}

fn ts_of_last_over_time(w: &Window<'_>, _: &[f64], _: &mut RangeCtx<'_, '_>) -> Out {
    Ok(pick(w, true).map(|(t, _)| RangeOut::Float(t as f64 / 1000.0)))
}
