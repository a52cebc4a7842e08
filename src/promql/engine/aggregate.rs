//! Aggregation operators, as Prometheus's `rangeEvalAgg`, `aggregation`,
//! `aggregationK` and `aggregationCountValues`: the same grouping, the same
//! floating-point steps (Kahan sums, the overflow-safe mean, Welford's variance).

use std::collections::HashMap;

use crate::promql::ast::{AggOp, Aggregate};
use crate::tsdb::{Labels, METRIC_NAME};

use super::eval::Evaluator;
use super::functions::stats::{KahanMean, Welford, go_max, go_min, kahan_sum_inc, quantile};
use super::heap::{KHeap, label_hash};
use super::value::{EvalError, Point, Sample, Series};
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
        }
    }
}

/// The labels of the group a series falls in.
fn group_labels(labels: &Labels, grouping: &[String], without: bool) -> Labels {
    if without {
        labels
            .iter()
            .filter(|(n, _)| *n != METRIC_NAME && !grouping.iter().any(|g| g == n))
            .collect()
    } else if grouping.is_empty() {
        Labels::default()
    } else {
        labels
            .iter()
            .filter(|(n, _)| grouping.iter().any(|g| g == n))
            .collect()
    }
}

impl Evaluator<'_, '_> {
    pub(crate) fn aggregate(&mut self, agg: &Aggregate) -> Result<Vec<Series>, EvalError> {
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
            self.aggregate_k(agg, &grouping, &input, params.as_deref().unwrap_or(&[]))?
        } else {
            self.aggregate_values(agg, &grouping, &input, params.as_deref())?
        };
        self.current_samples = before + out.iter().map(|s| s.points.len()).sum::<usize>();
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
        let mut index: HashMap<Labels, usize> = HashMap::new();
        let mut out: Vec<Series> = Vec::new();
        let series_group: Vec<usize> = input
            .iter()
            .map(|s| {
                let key = group_labels(&s.labels, grouping, agg.without);
                *index.entry(key.clone()).or_insert_with(|| {
                    out.push(Series {
                        histograms: Vec::new(),
                        labels: key,
                        points: Vec::new(),
                        drop_name: false,
                    });
                    out.len() - 1
                })
            })
            .collect();
        let mut groups = vec![Group::default(); out.len()];
        let mut cursors = vec![0usize; input.len()];
        let steps: Vec<i64> = self.grid()?;
        for (k, &ts) in steps.iter().enumerate() {
            self.check_deadline()?;
            groups.iter_mut().for_each(|g| g.seen = false);
            for (si, s) in input.iter().enumerate() {
                let Some(p) = s.points.get(cursors[si]).filter(|p| p.t == ts) else {
                    continue;
                };
                cursors[si] += 1;
                let f = p.v;
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
                    if op == AggOp::Quantile {
                        g.values.push(f);
                    }
                    continue;
                }
                if s.drop_name {
                    g.drop_name = true;
                }
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
        out.retain(|s| !s.points.is_empty());
        Ok(out)
    }

    fn aggregate_k(
        &mut self,
        agg: &Aggregate,
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
        let mut index: HashMap<Labels, usize> = HashMap::new();
        let series_group: Vec<usize> = input
            .iter()
            .map(|s| {
                let n = index.len();
                *index
                    .entry(group_labels(&s.labels, grouping, agg.without))
                    .or_insert(n)
            })
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
        let mut cursors = vec![0usize; input.len()];
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
                let Some(p) = s.points.get(cursors[si]).filter(|p| p.t == ts) else {
                    continue;
                };
                cursors[si] += 1;
                if skip_step {
                    continue;
                }
                let sample = Sample {
                    h: None,
                    labels: s.labels.clone(),
                    t: ts,
                    v: p.v,
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
                        out.push(Series {
                            histograms: Vec::new(),
                            labels: s.labels,
                            points: vec![Point { t: ts, v: s.v }],
                            drop_name: s.drop_name,
                        });
                        continue;
                    }
                    let i = *out_index.entry(s.labels.clone()).or_insert_with(|| {
                        out.push(Series {
                            histograms: Vec::new(),
                            labels: s.labels.clone(),
                            points: Vec::new(),
                            drop_name: s.drop_name,
                        });
                        out.len() - 1
                    });
                    out[i].points.push(Point { t: ts, v: s.v });
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
        if label.is_empty() || std::str::from_utf8(label.as_bytes()).is_err() {
            return Err(EvalError::execution(format!(
                "invalid label name {label:?}"
            )));
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
                let value = crate::gofmt::go_float(s.v);
                let metric: Labels = s
                    .labels
                    .iter()
                    .filter(|(n, _)| *n != label)
                    .chain(std::iter::once((label.as_str(), value.as_str())))
                    .collect();
                let key = group_labels(&metric, &grouping, without);
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
