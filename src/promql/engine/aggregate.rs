//! Aggregation operators, as Prometheus's `rangeEvalAgg`, `aggregation`,
//! `aggregationK` and `aggregationCountValues`: the same grouping, the same
//! floating-point steps (Kahan sums, the overflow-safe mean, Welford's variance).

use std::collections::HashMap;

use crate::promql::ast::{AggOp, Aggregate};
use crate::tsdb::Labels;

use std::sync::Arc;

use crate::histogram::{CounterResetHint, FloatHistogram};

use super::eval::{Evaluator, hpoints_size, point_at, push_point};
use super::functions::stats::{KahanMean, Welford, go_max, go_min, kahan_sum_inc, quantile};
use super::grouping::{GroupIndex, Keep};
use super::heap::{KHeap, label_hash};
use super::notes::HistogramOp;
use super::value::{EvalError, HPoint, Point, Sample, Series};
use crate::gofmt::go_g;

/// The largest float that converts to an int64 without overflow, and the smallest.
const MAX_INT64: f64 = 9_223_372_036_854_774_784.0;
const MIN_INT64: f64 = -9_223_372_036_854_775_808.0;

/// One output group's running state at one step.
#[derive(Clone)]
struct Group {
    seen: bool,
    /// sum, min, max, group.
    value: f64,
    kahan_c: f64,
    count: f64,
    mean: KahanMean,
    variance: Welford,
    drop_name: bool,
    /// quantile's inputs.
    values: Vec<f64>,
    /// sum and avg of native histograms.
    hist: HistogramAgg,
}

/// A group's native-histogram state for `sum` and `avg`.
#[derive(Clone, Default)]
struct HistogramAgg {
    has_float: bool,
    has_histogram: bool,
    /// Exponential and custom buckets met: the group has no result.
    incompatible: bool,
    value: Option<FloatHistogram>,
    kahan_c: Option<FloatHistogram>,
    /// Set once the direct sum overflowed (avg).
    mean: Option<FloatHistogram>,
    reset_seen: bool,
    not_reset_seen: bool,
}

impl HistogramAgg {
    fn track(&mut self, h: &FloatHistogram) {
        match h.counter_reset_hint {
            CounterResetHint::CounterReset => self.reset_seen = true,
            CounterResetHint::NotCounterReset => self.not_reset_seen = true,
            _ => {}
        }
    }
}

impl Default for Group {
    fn default() -> Group {
        Group {
            seen: false,
            value: 0.0,
            kahan_c: 0.0,
            count: 0.0,
            mean: KahanMean::new(0.0),
            variance: Welford::new(0.0),
            drop_name: false,
            values: Vec::new(),
            hist: HistogramAgg::default(),
        }
    }
}

impl Evaluator<'_, '_> {
    pub(crate) fn aggregate(
        &mut self,
        agg: &Aggregate,
        span: crate::promql::Span,
    ) -> Result<Vec<Series>, EvalError> {
        let mut grouping = agg.grouping.clone();
        grouping.sort();
        if agg.op == AggOp::CountValues {
            return self.count_values(agg, grouping);
        }
        let params = match &agg.param {
            Some(p) => Some(self.scalar_values(p)?),
            None => None,
        };
        let before = self.current_samples;
        let input = self.eval(&agg.expr)?.into_matrix();
        let out = if matches!(
            agg.op,
            AggOp::Topk | AggOp::Bottomk | AggOp::Limitk | AggOp::LimitRatio
        ) {
            self.aggregate_k(
                agg,
                span,
                &grouping,
                &input,
                params.as_deref().unwrap_or(&[]),
            )?
        } else {
            self.aggregate_values(agg, &grouping, &input, params.as_deref())?
        };
        self.current_samples = before
            + out
                .iter()
                .map(|s| s.points.len() + hpoints_size(&s.histograms))
                .sum::<usize>();
        Ok(out)
    }

    fn aggregate_values(
        &mut self,
        agg: &Aggregate,
        grouping: &[String],
        input: &[Series],
        params: Option<&[f64]>,
    ) -> Result<Vec<Series>, EvalError> {
        let op = agg.op;
        if op == AggOp::Quantile
            && let (Some(qs), Some(p)) = (params, &agg.param)
        {
            let mut warn = |q: f64| {
                self.notes.warn(
                    format_args!("quantile value should be between 0 and 1, got {}", go_g(q)),
                    p.span,
                )
            };
            if qs.iter().any(|q| q.is_nan()) {
                warn(f64::NAN);
            }
            let (lo, hi) = min_max(qs);
            if hi > 1.0 {
                warn(hi);
            }
            if lo < 0.0 {
                warn(lo);
            }
        }
        let keep = Keep::aggregation(grouping, agg.without);
        let mut index = GroupIndex::default();
        let series_group: Vec<usize> = input
            .iter()
            .map(|s| index.group_of(&s.labels, keep).0)
            .collect();
        let mut out: Vec<Series> = index
            .into_labels()
            .into_iter()
            .map(|labels| Series::new(labels, false))
            .collect();
        let mut groups = vec![Group::default(); out.len()];
        let mut cursors = vec![(0usize, 0usize); input.len()];
        let steps: Vec<i64> = self.grid()?;
        let span = agg.expr.span;
        for (k, &ts) in steps.iter().enumerate() {
            self.check_deadline()?;
            groups.iter_mut().for_each(|g| g.seen = false);
            for (si, s) in input.iter().enumerate() {
                let Some((f, h)) = point_at(s, &mut cursors[si], ts) else {
                    continue;
                };
                let h = h.as_deref();
                let g = &mut groups[series_group[si]];
                if !g.seen {
                    let values = std::mem::take(&mut g.values);
                    *g = Group {
                        seen: true,
                        value: if op == AggOp::Group { 1.0 } else { f },
                        count: 1.0,
                        mean: KahanMean::new(f),
                        variance: Welford::new(f),
                        drop_name: s.drop_name,
                        values,
                        ..Group::default()
                    };
                    g.values.clear();
                    if let Some(h) = h {
                        match op {
                            AggOp::Sum | AggOp::Avg => {
                                g.hist.has_histogram = true;
                                g.hist.track(h);
                                g.hist.value = Some(h.clone());
                            }
                            AggOp::Stddev
                            | AggOp::Stdvar
                            | AggOp::Quantile
                            | AggOp::Min
                            | AggOp::Max => {
                                g.seen = false;
                                self.notes.histogram_ignored_in_aggregation(op.name(), span);
                            }
                            _ => {}
                        }
                    } else {
                        g.hist.has_float = true;
                    }
                    if op == AggOp::Quantile && h.is_none() {
                        g.values.push(f);
                    }
                    continue;
                }
                if g.hist.incompatible {
                    continue;
                }
                if s.drop_name {
                    g.drop_name = true;
                }
                if let Some(h) = h {
                    match op {
                        AggOp::Sum | AggOp::Avg => {
                            if op == AggOp::Avg {
                                g.count += 1.0;
                            }
                            g.hist.has_histogram = true;
                            if g.hist.value.is_some() {
                                g.hist.track(h);
                                let name = s.labels.metric_name().unwrap_or("");
                                let added = if op == AggOp::Sum {
                                    sum_histogram(&mut g.hist, h)
                                } else {
                                    mean_histogram(&mut g.hist, h, g.count)
                                };
                                match added {
                                    Ok(true) => {
                                        self.notes.mismatched_custom_buckets(HistogramOp::Agg, span)
                                    }
                                    Ok(false) => {}
                                    Err(()) => {
                                        self.notes.mixed_exponential_custom(name, span);
                                        g.hist.incompatible = true;
                                    }
                                }
                            }
                        }
                        AggOp::Count => g.count += 1.0,
                        AggOp::Group => {}
                        _ => self.notes.histogram_ignored_in_aggregation(op.name(), span),
                    }
                    continue;
                }
                g.hist.has_float = true;
                match op {
                    AggOp::Sum => (g.value, g.kahan_c) = kahan_sum_inc(f, g.value, g.kahan_c),
                    AggOp::Avg => g.mean.add(f),
                    AggOp::Max if g.value < f || g.value.is_nan() => g.value = f,
                    AggOp::Min if g.value > f || g.value.is_nan() => g.value = f,
                    AggOp::Count => g.count += 1.0,
                    AggOp::Stddev | AggOp::Stdvar => g.variance.add(f),
                    AggOp::Quantile => g.values.push(f),
                    _ => {}
                }
            }
            for (ri, g) in groups.iter_mut().enumerate() {
                if !g.seen {
                    continue;
                }
                if matches!(op, AggOp::Sum | AggOp::Avg) && g.hist.has_histogram {
                    if g.hist.has_float {
                        self.notes.mixed_floats_histograms_in_aggregation(span);
                        continue;
                    }
                    if g.hist.reset_seen && g.hist.not_reset_seen {
                        self.notes.counter_reset_collision(HistogramOp::Agg, span);
                    }
                    if g.hist.incompatible {
                        continue;
                    }
                    let h = finish_histogram(&mut g.hist, op, g.count);
                    out[ri].histograms.push(HPoint {
                        t: ts,
                        h: Arc::new(h),
                    });
                    out[ri].drop_name = g.drop_name;
                    continue;
                }
                let v = match op {
                    AggOp::Avg => g.mean.value(),
                    AggOp::Count => g.count,
                    AggOp::Stdvar => g.variance.stdvar(),
                    AggOp::Stddev => g.variance.stddev(),
                    AggOp::Quantile => quantile(params.map_or(f64::NAN, |q| q[k]), &mut g.values),
                    AggOp::Sum => g.value + g.kahan_c,
                    _ => g.value,
                };
                out[ri].points.push(Point { t: ts, v });
                out[ri].drop_name = g.drop_name;
            }
        }
        out.retain(|s| !s.points.is_empty() || !s.histograms.is_empty());
        Ok(out)
    }

    fn aggregate_k(
        &mut self,
        agg: &Aggregate,
        span: crate::promql::Span,
        grouping: &[String],
        input: &[Series],
        params: &[f64],
    ) -> Result<Vec<Series>, EvalError> {
        let op = agg.op;
        let (lo, hi) = min_max(params);
        let any_nan = params.iter().any(|p| p.is_nan());
        if op == AggOp::LimitRatio {
            if hi == 0.0 && lo == 0.0 {
                return Ok(Vec::new());
            }
            if any_nan {
                return Err(EvalError::execution("Ratio value is NaN"));
            }
            if let Some(p) = &agg.param {
                if hi > 1.0 {
                    self.notes.warn(
                        format_args!(
                            "ratio value should be between -1 and 1, got {}, capping to 1",
                            go_g(hi)
                        ),
                        p.span,
                    );
                }
                if lo < -1.0 {
                    self.notes.warn(
                        format_args!(
                            "ratio value should be between -1 and 1, got {}, capping to -1",
                            go_g(lo)
                        ),
                        p.span,
                    );
                }
            }
        } else {
            if hi < 1.0 {
                return Ok(Vec::new());
            }
            if any_nan {
                return Err(EvalError::execution("Parameter value is NaN"));
            }
            if lo <= MIN_INT64 {
                return Err(EvalError::execution(format!(
                    "Scalar value {} underflows int64",
                    go_g(lo)
                )));
            }
            if hi >= MAX_INT64 {
                return Err(EvalError::execution(format!(
                    "Scalar value {} overflows int64",
                    go_g(hi)
                )));
            }
        }
        let keep = Keep::aggregation(grouping, agg.without);
        let mut index = GroupIndex::default();
        let series_group: Vec<usize> = input
            .iter()
            .map(|s| index.group_of(&s.labels, keep).0)
            .collect();
        let offsets: Vec<f64> = if op == AggOp::LimitRatio {
            input
                .iter()
                .map(|s| label_hash(&s.labels) as f64 / u64::MAX as f64)
                .collect()
        } else {
            Vec::new()
        };
        let mut heaps: Vec<Option<KHeap>> = vec![None; index.len()];
        let mut cursors = vec![(0usize, 0usize); input.len()];
        let mut out: Vec<Series> = Vec::new();
        let mut out_index: HashMap<Labels, usize> = HashMap::new();
        let instant = self.start == self.end;
        let steps: Vec<i64> = self.grid()?;
        for (k, &ts) in steps.iter().enumerate() {
            self.check_deadline()?;
            let param = params.get(k).copied().unwrap_or(f64::NAN);
            heaps.iter_mut().for_each(|h| *h = None);
            let limit = (param as i64).min(input.len() as i64);
            let ratio = param.clamp(-1.0, 1.0);
            let skip_step = match op {
                AggOp::LimitRatio => param == 0.0,
                _ => limit < 1,
            };
            for (si, s) in input.iter().enumerate() {
                let Some((v, h)) = point_at(s, &mut cursors[si], ts) else {
                    continue;
                };
                if skip_step {
                    continue;
                }
                if h.is_some() && matches!(op, AggOp::Topk | AggOp::Bottomk) {
                    self.notes.histogram_ignored_in_aggregation(op.name(), span);
                    continue;
                }
                let sample = Sample {
                    labels: s.labels.clone(),
                    t: ts,
                    v,
                    h,
                    drop_name: s.drop_name,
                };
                let heap = heaps[series_group[si]].get_or_insert_with(|| KHeap::new(op));
                match op {
                    AggOp::LimitRatio => {
                        let off = offsets[si];
                        if (ratio >= 0.0 && off < ratio) || (ratio < 0.0 && off >= 1.0 + ratio) {
                            heap.push(sample);
                        }
                    }
                    AggOp::Limitk => {
                        if (heap.len() as i64) < limit {
                            heap.push(sample);
                        }
                    }
                    _ => heap.offer(sample, limit as usize),
                }
            }
            for heap in heaps.iter_mut().flatten() {
                for s in heap.take_sorted() {
                    if instant {
                        let mut series = Series::new(s.labels, s.drop_name);
                        push_point(&mut series, ts, s.v, s.h);
                        out.push(series);
                        continue;
                    }
                    let i = *out_index.entry(s.labels.clone()).or_insert_with(|| {
                        out.push(Series::new(s.labels.clone(), s.drop_name));
                        out.len() - 1
                    });
                    push_point(&mut out[i], ts, s.v, s.h);
                }
            }
        }
        Ok(out)
    }

    fn count_values(
        &mut self,
        agg: &Aggregate,
        mut grouping: Vec<String>,
    ) -> Result<Vec<Series>, EvalError> {
        let label = match agg
            .param
            .as_deref()
            .map(|p| &super::call::unwrap_parens(p).kind)
        {
            Some(crate::promql::ExprKind::String(s)) => s.clone(),
            _ => {
                return Err(EvalError::execution(
                    "count_values needs a string parameter",
                ));
            }
        };
        if label.is_empty() || !crate::tsdb::labels::is_valid_utf8(&label) {
            let mut quoted = String::new();
            let _ = crate::tsdb::labels::write_quoted(&mut quoted, &label);
            return Err(EvalError::execution(format!("invalid label name {quoted}")));
        }
        if !agg.without {
            grouping.push(label.clone());
            grouping.sort();
        }
        let input = self.eval(&agg.expr)?.into_matrix();
        let without = agg.without;
        self.range_eval(&[input], |_, ts, vectors, _, out| {
            let mut groups: Vec<(Labels, f64)> = Vec::new();
            let mut index: HashMap<Labels, usize> = HashMap::new();
            for s in &vectors[0] {
                let value = match &s.h {
                    Some(h) => h.to_string(),
                    None => crate::gofmt::go_float(s.v),
                };
                let metric: Labels = s
                    .labels
                    .iter()
                    .filter(|(n, _)| *n != label)
                    .chain(std::iter::once((label.as_str(), value.as_str())))
                    .collect();
                let key = Keep::aggregation(&grouping, without).labels(&metric);
                match index.get(&key) {
                    Some(&i) => groups[i].1 += 1.0,
                    None => {
                        index.insert(key.clone(), groups.len());
                        groups.push((key, 1.0));
                    }
                }
            }
            out.extend(groups.into_iter().map(|(labels, v)| Sample {
                h: None,
                labels,
                t: ts,
                v,
                drop_name: false,
            }));
            Ok(())
        })
    }
}

/// The parameter's smallest and largest value over the steps, with Go's
/// `math.Min`/`math.Max` (a NaN makes both NaN), as Prometheus's `fParams`.
fn min_max(values: &[f64]) -> (f64, f64) {
    values.iter().fold((f64::MAX, -f64::MAX), |(lo, hi), &v| {
        (go_min(lo, v), go_max(hi, v))
    })
}

/// `sum`: adds `h` to the group's Kahan sum; `Ok(true)` when custom bounds were
/// reconciled, `Err` when exponential and custom buckets mix.
fn sum_histogram(agg: &mut HistogramAgg, h: &FloatHistogram) -> Result<bool, ()> {
    let value = agg.value.as_mut().expect("a histogram sum");
    let (c, outcome) = value.kahan_add(h, agg.kahan_c.take()).map_err(|_| ())?;
    agg.kahan_c = Some(c);
    Ok(outcome.nhcb_bounds_reconciled)
}

/// `avg`: the direct Kahan sum while it does not overflow, then an incremental
/// mean (`count` is the group's count including `h`).
fn mean_histogram(agg: &mut HistogramAgg, h: &FloatHistogram, count: f64) -> Result<bool, ()> {
    let mut reconciled = false;
    if agg.mean.is_none() {
        let mut v = agg.value.clone().expect("a histogram sum");
        let (c, outcome) = v.kahan_add(h, agg.kahan_c.clone()).map_err(|_| ())?;
        reconciled |= outcome.nhcb_bounds_reconciled;
        let c = Some(c);
        if !v.has_overflow() {
            (agg.value, agg.kahan_c) = (Some(v), c);
            return Ok(reconciled);
        }
        let mut mean = agg.value.clone().expect("a histogram sum");
        mean.div(count - 1.0);
        agg.mean = Some(mean);
        if let Some(c) = &mut agg.kahan_c {
            c.div(count - 1.0);
        }
    }
    let q = (count - 1.0) / count;
    if let Some(c) = &mut agg.kahan_c {
        c.mul(q);
    }
    let mut to_add = h.clone();
    to_add.div(count);
    let mean = agg.mean.as_mut().expect("an incremental mean");
    mean.mul(q);
    let (c, outcome) = mean
        .kahan_add(&to_add, agg.kahan_c.take())
        .map_err(|_| ())?;
    agg.kahan_c = Some(c);
    reconciled |= outcome.nhcb_bounds_reconciled;
    Ok(reconciled)
}

/// The group's histogram result at the end of a step.
fn finish_histogram(agg: &mut HistogramAgg, op: AggOp, count: f64) -> FloatHistogram {
    let c = agg.kahan_c.take();
    let mut h = if op == AggOp::Avg {
        match agg.mean.take() {
            Some(mut mean) => {
                if let Some(c) = &c {
                    let _ = mean.add(c);
                }
                mean
            }
            None => {
                let mut sum = agg.value.take().expect("a histogram sum");
                sum.div(count);
                if let Some(mut c) = c {
                    c.div(count);
                    let _ = sum.add(&c);
                }
                sum
            }
        }
    } else {
        let mut sum = agg.value.take().expect("a histogram sum");
        if let Some(c) = &c {
            let _ = sum.add(c);
        }
        sum
    };
    h.compact(0);
    h
}
