//! Function calls: range-vector functions run per series and step over their
//! windows; the others run per step through `range_eval`, as Prometheus's engine
//! does for `*parser.Call`.

use std::collections::HashMap;
use std::sync::Arc;

use crate::histogram::CounterResetHint;

use crate::promql::ast::{Expr, ExprKind, Extended, Span, VectorSelector};
use crate::promql::functions::Function;
use crate::promql::types::{ValueType, value_type};
use crate::tsdb::{Labels, MatchType, is_stale_nan};

use super::eval::{Evaluator, TOO_MANY_SAMPLES, hpoint_size, hpoints_size};
use super::functions::{self, Arg, Ctx, Impl, RangeCtx, RangeOut, Window};
use super::value::{EvalError, HPoint, Point, Sample, Series};

/// The series a range function reads, with the windows' offset and `@`.
struct RangeInput {
    source: RangeSource,
    range: i64,
    offset: i64,
    at: Option<i64>,
    /// The argument's span (annotations point at it).
    span: Span,
    /// An `anchored` / `smoothed` selector's modifier.
    extended: Option<Extended>,
}

/// Where a range function's series come from.
enum RangeSource {
    /// A range selector: each matching series is read from the store when its turn
    /// comes (into one reused buffer), over `mint..=maxt`, stale markers left out.
    Selector {
        series: crate::tsdb::Selection,
        mint: i64,
        maxt: i64,
        /// Histograms are read as statistics (see `histogram_stats`).
        stats: bool,
    },
    /// A subquery's evaluated series.
    Computed(Vec<Series>),
}

impl RangeSource {
    fn len(&self) -> usize {
        match self {
            RangeSource::Selector { series, .. } => series.len(),
            RangeSource::Computed(series) => series.len(),
        }
    }
}

impl Evaluator<'_, '_> {
    pub(crate) fn call(
        &mut self,
        call: &Expr,
        func: &'static Function,
        args: &[Expr],
    ) -> Result<Vec<Series>, EvalError> {
        let matrix_arg = args
            .iter()
            .position(|a| value_type(a) == ValueType::RangeVector);
        // The query's own parameters (experimental), constant over its steps.
        let secs = |ms: i64| ms as f64 / 1000.0;
        match func.name {
            "step" => return self.constant(secs(self.query_step)),
            "range" => return self.constant(secs(self.query_end - self.query_start)),
            "start" => return self.constant(secs(self.query_start)),
            "end" => return self.constant(secs(self.query_end)),
            _ => {}
        }
        if func.name == "info" {
            return self.info(args);
        }
        if func.name == "timestamp"
            && let ExprKind::Vector(vs) = &unwrap_parens(&args[0]).kind
        {
            let m = self.vector_selector(vs, true)?;
            return self.instant_call(call, func, args, vec![m], true);
        }
        if func.name == "start_timestamp" {
            return self.start_timestamp(&args[0]);
        }
        match matrix_arg {
            Some(i) => self.range_call(func, args, i),
            None => {
                let mut inputs = Vec::with_capacity(args.len());
                for a in args {
                    inputs.push(self.eval(a)?.into_matrix());
                }
                self.instant_call(call, func, args, inputs, false)
            }
        }
    }

    /// `start_timestamp(v)`: the start timestamp (s; 0 when unknown) of each
    /// selected sample; nothing for any other expression (its samples have none).
    fn start_timestamp(&mut self, arg: &Expr) -> Result<Vec<Series>, EvalError> {
        let ExprKind::Vector(vs) = &unwrap_parens(arg).kind else {
            self.eval(arg)?;
            return Ok(Vec::new());
        };
        let mut out = self.vector_selector(vs, true)?;
        for s in &mut out {
            let r = self.head.get(&s.labels);
            for p in &mut s.points {
                // The point holds its sample's time.
                let st = r.map_or(0, |r| self.head.start_timestamp(r, p.v as i64));
                p.v = st as f64 / 1000.0;
            }
            s.drop_name = true;
        }
        Ok(out)
    }

    fn instant_call(
        &mut self,
        call: &Expr,
        func: &'static Function,
        args: &[Expr],
        inputs: Vec<Vec<Series>>,
        sample_times: bool,
    ) -> Result<Vec<Series>, EvalError> {
        let Some(Impl::Instant(f)) = functions::implementation(func.name) else {
            return Err(unsupported(func));
        };
        let mut inputs = inputs;
        if !functions::sees_histograms(func.name) {
            // Functions of floats ignore histogram samples (upstream filters them out).
            inputs
                .iter_mut()
                .flatten()
                .for_each(|s| s.histograms.clear());
        }
        let kinds: Vec<ValueType> = args.iter().map(value_type).collect();
        let strings: Vec<&str> = args
            .iter()
            .map(|a| match &unwrap_parens(a).kind {
                ExprKind::String(s) => s.as_str(),
                _ => "",
            })
            .collect();
        let mut regexes = HashMap::new();
        let range_query = self.range_query;
        self.range_eval(&inputs, |ev, ts, vectors, _, out| {
            let mut timed: Vec<Sample> = Vec::new();
            let mut step_args: Vec<Arg<'_>> = Vec::with_capacity(args.len());
            for (i, kind) in kinds.iter().enumerate() {
                step_args.push(match kind {
                    ValueType::String => Arg::String(strings[i]),
                    ValueType::Scalar => Arg::Scalar(
                        vectors
                            .get(i)
                            .and_then(|v| v.first())
                            .map_or(f64::NAN, |s| s.v),
                    ),
                    _ if sample_times => {
                        // The points carry each sample's own timestamp.
                        timed = vectors[i]
                            .iter()
                            .map(|s| Sample {
                                t: s.v as i64,
                                ..s.clone()
                            })
                            .collect();
                        Arg::Vector(&[])
                    }
                    _ => Arg::Vector(vectors.get(i).map_or(&[][..], |v| &v[..])),
                });
            }
            if sample_times {
                step_args[0] = Arg::Vector(&timed);
            }
            let mut ctx = Ctx {
                ts,
                range_query,
                args,
                call_span: call.span,
                notes: &mut ev.notes,
                regexes: &mut regexes,
            };
            f(&step_args, &mut ctx, out)
        })
    }

    fn range_input(&mut self, arg: &Expr) -> Result<RangeInput, EvalError> {
        match &unwrap_parens(arg).kind {
            ExprKind::Matrix { selector, range } => {
                let ExprKind::Vector(vs) = &selector.kind else {
                    return Err(EvalError::execution(
                        "range selector without a vector selector",
                    ));
                };
                let range = self.duration_ms(range)?;
                let offset = match &vs.offset {
                    Some(o) => self.duration_ms(&o.value)?,
                    None => 0,
                };
                let at = self.at_ms(vs.at.as_ref());
                let (mint, maxt) = self.range_bounds(vs, range, offset, at);
                Ok(RangeInput {
                    source: RangeSource::Selector {
                        series: self.select(vs)?,
                        mint,
                        maxt,
                        stats: self.reads_stats(vs),
                    },
                    range,
                    offset,
                    at,
                    span: arg.span,
                    extended: vs.extended,
                })
            }
            ExprKind::Subquery(sq) => {
                let range = self.duration_ms(&sq.range)?;
                let (mut series, offset, at) = self.subquery(sq)?;
                // A name the subquery's expression dropped stays dropped.
                for s in &mut series {
                    if s.drop_name {
                        s.labels = s.labels.without(&[crate::tsdb::METRIC_NAME]);
                        s.drop_name = false;
                    }
                    // A subquery may repeat a sample or skip some: the store's
                    // counter-reset hints no longer say what lies between its
                    // points, so they are forgotten (as upstream's `evalSubquery`).
                    for p in &mut s.histograms {
                        if matches!(
                            p.h.counter_reset_hint,
                            CounterResetHint::CounterReset | CounterResetHint::NotCounterReset
                        ) {
                            Arc::make_mut(&mut p.h).counter_reset_hint = CounterResetHint::Unknown;
                        }
                    }
                }
                Ok(RangeInput {
                    source: RangeSource::Computed(series),
                    range,
                    offset,
                    at,
                    span: arg.span,
                    extended: None,
                })
            }
            _ => Err(EvalError::execution("expected a range vector argument")),
        }
    }

    /// The time range a range selector's windows can see over the whole query
    /// (an extended selector's reach further, see [`super::extended`]).
    fn range_bounds(
        &self,
        vs: &VectorSelector,
        range: i64,
        offset: i64,
        at: Option<i64>,
    ) -> (i64, i64) {
        let first = at.unwrap_or(self.start) - offset;
        let last = at.unwrap_or(self.end) - offset;
        let (before, after) = super::extended::margins(vs.extended, self.lookback);
        (
            first.min(last) - range - before + self.edge,
            first.max(last) + after,
        )
    }

    fn range_call(
        &mut self,
        func: &'static Function,
        args: &[Expr],
        matrix_index: usize,
    ) -> Result<Vec<Series>, EvalError> {
        if let ExprKind::Matrix { selector, .. } = &unwrap_parens(&args[matrix_index]).kind
            && let ExprKind::Vector(vs) = &selector.kind
            && let Some(ext) = vs.extended
            && !ext.allowed_functions().contains(&func.name)
        {
            return Err(EvalError::execution(format!(
                "{} modifier can only be used with: {} - not with {}",
                ext.name(),
                ext.allowed_functions().join(", "),
                func.name
            )));
        }
        // Scalar arguments, one value per step.
        let mut params: Vec<Vec<f64>> = Vec::new();
        for (i, a) in args.iter().enumerate() {
            if i != matrix_index {
                params.push(self.scalar_values(a)?);
            }
        }
        let input = self.range_input(&args[matrix_index])?;
        let absent = func.name == "absent_over_time";
        let (f, keeps_name) = match functions::implementation(func.name) {
            Some(Impl::Range { f, keeps_name }) => (Some(f), keeps_name),
            _ if absent => (None, false),
            _ => return Err(unsupported(func)),
        };
        let steps: Vec<i64> = self.grid()?;
        let n_steps = steps.len();
        let mut out = Vec::new();
        let mut found = vec![false; n_steps];
        let mut step_params = vec![0.0; params.len()];
        let (before, after) = super::extended::margins(input.extended, self.lookback);
        let hist_f = functions::histogram_range(func.name);
        let mut buf: Vec<Point> = Vec::new();
        let mut hbuf: Vec<HPoint> = Vec::new();
        // Start timestamps reach these functions alone, and only from a selector.
        let with_sts = matches!(func.name, "rate" | "increase" | "irate" | "resets");
        let (mut sbuf, mut hsbuf): (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
        for i in 0..input.source.len() {
            self.check_deadline()?;
            sbuf.clear();
            hsbuf.clear();
            let (labels, samples, hsamples): (&Labels, &[Point], &[HPoint]) = match &input.source {
                RangeSource::Selector {
                    series,
                    mint,
                    maxt,
                    stats,
                } => {
                    let (r, labels) = &series[i];
                    buf.clear();
                    buf.extend(
                        self.head
                            .iter(*r, *mint, *maxt)
                            .filter(|&(_, v)| !is_stale_nan(v))
                            .map(|(t, v)| Point { t, v }),
                    );
                    hbuf.clear();
                    let read = self.read_histograms(*stats, *r, *mint, *maxt);
                    hbuf.extend(
                        read.into_iter()
                            .filter(|(_, h)| !is_stale_nan(h.sum))
                            .map(|(t, h)| HPoint { t, h: Arc::new(h) }),
                    );
                    self.samples_read += (buf.len() + hbuf.len()) as u64;
                    if with_sts && self.head.has_start_timestamps(*r) {
                        let st = |t| self.head.start_timestamp(*r, t);
                        sbuf.extend(buf.iter().map(|p| st(p.t)));
                        hsbuf.extend(hbuf.iter().map(|p| st(p.t)));
                    }
                    (labels, &buf, &hbuf)
                }
                RangeSource::Computed(series) => {
                    (&series[i].labels, &series[i].points, &series[i].histograms)
                }
            };
            let metric_name = labels.metric_name();
            let mut out_series = Series::new(labels.clone(), !keeps_name);
            // An instant query (a rule) sizes it exactly: no growing, no shrinking.
            out_series
                .points
                .reserve_exact(if n_steps <= 16 { n_steps } else { 0 });
            let (mut lo, mut hi) = (0usize, 0usize);
            let (mut hlo, mut hhi) = (0usize, 0usize);
            let mut held = 0usize;
            for (k, &ts) in steps.iter().enumerate() {
                let end = input.at.unwrap_or(ts) - input.offset;
                let start = end - input.range;
                // Windows only move forward (or stay put under `@`).
                while hi < samples.len() && samples[hi].t <= end + after {
                    hi += 1;
                }
                while lo < hi && samples[lo].t < start - before + self.edge {
                    lo += 1;
                }
                while hhi < hsamples.len() && hsamples[hhi].t <= end + after {
                    hhi += 1;
                }
                while hlo < hhi && hsamples[hlo].t < start - before + self.edge {
                    hlo += 1;
                }
                if lo == hi && hlo == hhi {
                    continue;
                }
                // The window's samples are held in memory too (Prometheus counts them).
                let window_size = (hi - lo) + hpoints_size(&hsamples[hlo..hhi]);
                if self.current_samples + held + window_size > self.max_samples {
                    return Err(EvalError::execution(TOO_MANY_SAMPLES));
                }
                if absent {
                    found[k] = true;
                    continue;
                }
                for (j, p) in params.iter().enumerate() {
                    step_params[j] = p[k];
                }
                let window = Window {
                    points: &samples[lo..hi],
                    histograms: &hsamples[hlo..hhi],
                    start,
                    end,
                    extended: input.extended,
                    prometheus2: self.prometheus2,
                    point_sts: sbuf.get(lo..hi).unwrap_or(&[]),
                    histogram_sts: hsbuf.get(hlo..hhi).unwrap_or(&[]),
                };
                let mut ctx = RangeCtx {
                    ts,
                    args,
                    metric_name,
                    arg_span: input.span,
                    notes: &mut self.notes,
                };
                let Some(f) = f else { continue };
                let result = match hist_f {
                    Some(hf) if !window.histograms.is_empty() => {
                        hf(&window, &step_params, &mut ctx)?
                    }
                    _ => {
                        if !window.histograms.is_empty() {
                            if window.points.is_empty() {
                                continue;
                            }
                            // A float-only function ignores the histograms in a mixed range.
                            ctx.notes.histogram_ignored_in_mixed_range(
                                metric_name.unwrap_or(""),
                                input.span,
                            );
                        }
                        f(&window, &step_params, &mut ctx)?.map(RangeOut::Float)
                    }
                };
                match result {
                    Some(RangeOut::Float(v)) => {
                        held += 1;
                        out_series.points.push(Point { t: ts, v });
                    }
                    Some(RangeOut::Histogram(h)) => {
                        held += hpoint_size(&h);
                        out_series.histograms.push(HPoint {
                            t: ts,
                            h: Arc::new(h),
                        });
                    }
                    None => {}
                }
            }
            if out_series.points.is_empty() && out_series.histograms.is_empty() {
                continue;
            }
            if self.current_samples + held > self.max_samples {
                return Err(EvalError::execution(TOO_MANY_SAMPLES));
            }
            self.current_samples += held;
            out_series.points.shrink_to_fit();
            out.push(out_series);
        }
        if absent {
            return Ok(self.absent_over_time(&args[matrix_index], &steps, &found));
        }
        Ok(out)
    }

    fn absent_over_time(&self, arg: &Expr, steps: &[i64], found: &[bool]) -> Vec<Series> {
        let points: Vec<Point> = steps
            .iter()
            .zip(found)
            .filter(|&(_, f)| !f)
            .map(|(&t, _)| Point { t, v: 1.0 })
            .collect();
        if points.is_empty() {
            return Vec::new();
        }
        vec![Series {
            histograms: Vec::new(),
            labels: absent_labels(arg),
            points,
            drop_name: true,
        }]
    }
}

/// The labels `absent()` and `absent_over_time()` give: the selector's equality
/// matchers, except the name and any label matched more than once or otherwise.
pub(crate) fn absent_labels(arg: &Expr) -> Labels {
    let vs = match &unwrap_parens(arg).kind {
        ExprKind::Vector(vs) => vs,
        ExprKind::Matrix { selector, .. } => match &selector.kind {
            ExprKind::Vector(vs) => vs,
            _ => return Labels::default(),
        },
        _ => return Labels::default(),
    };
    let mut set: Vec<(&str, &str)> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for m in &vs.matchers {
        if m.name == crate::tsdb::METRIC_NAME {
            continue;
        }
        if m.op == MatchType::Equal && !seen.contains(&m.name.as_str()) {
            set.retain(|(n, _)| *n != m.name);
            set.push((&m.name, &m.value));
            seen.push(&m.name);
        } else {
            set.retain(|(n, _)| *n != m.name);
        }
    }
    Labels::new(&set)
}

pub(crate) fn unwrap_parens(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Paren(inner) => unwrap_parens(inner),
        _ => e,
    }
}

fn unsupported(func: &Function) -> EvalError {
    EvalError::execution(format!(
        "function {:?} is not supported by promplay's engine yet",
        func.name
    ))
}
