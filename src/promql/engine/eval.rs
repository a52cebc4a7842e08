//! The evaluator: every expression is evaluated over all steps of the query at
//! once, as Prometheus's `evaluator.eval`. Instant-vector and scalar expressions
//! give a matrix whose points sit on the step timestamps (a scalar is one series
//! with no labels); functions, operators and aggregations run step by step on
//! the instant vectors gathered from their arguments' matrices (`range_eval`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::histogram::FloatHistogram;

use crate::promql::ast::{
    AtValue, Dur, Expr, ExprKind, Extended, Subquery, UnaryOp, VectorSelector,
};
use crate::promql::types::{ValueType, value_type};
use crate::tsdb::{Head, Labels, Matcher, is_stale_nan};

use super::Options;
use super::notes::Notes;
use super::value::{ErrorKind, EvalError, HPoint, Point, Sample, Series};

/// What evaluating a node gives.
pub(crate) enum Val {
    /// Instant vectors and scalars on the step grid, or a range vector's raw points.
    Matrix(Vec<Series>),
    String(String),
}

impl Val {
    pub fn into_matrix(self) -> Vec<Series> {
        match self {
            Val::Matrix(m) => m,
            Val::String(_) => Vec::new(),
        }
    }
}

/// How many samples a histogram point counts as against the query's limit
/// (Prometheus's `HPoint.size`: its size in 16-byte units).
pub(crate) fn hpoint_size(h: &FloatHistogram) -> usize {
    (h.size() + 8) / 16
}

/// The samples a run of histogram points counts as.
pub(crate) fn hpoints_size(hs: &[HPoint]) -> usize {
    hs.iter().map(|p| hpoint_size(&p.h)).sum()
}

/// The samples one instant-vector element counts as.
pub(crate) fn sample_size(s: &Sample) -> usize {
    s.h.as_deref().map_or(1, hpoint_size)
}

/// The point `series` has at step `ts`, a float or a histogram, if any: `cursor`
/// holds the next float and histogram indices and moves past what is returned.
pub(crate) fn point_at(
    series: &Series,
    (c, hc): &mut (usize, usize),
    ts: i64,
) -> Option<(f64, Option<Arc<FloatHistogram>>)> {
    if let Some(p) = series.points.get(*c).filter(|p| p.t == ts) {
        *c += 1;
        return Some((p.v, None));
    }
    let p = series.histograms.get(*hc).filter(|p| p.t == ts)?;
    *hc += 1;
    Some((0.0, Some(Arc::clone(&p.h))))
}

/// Appends a float or (when `h` is set) a histogram point at `t`.
pub(crate) fn push_point(series: &mut Series, t: i64, v: f64, h: Option<Arc<FloatHistogram>>) {
    match h {
        Some(h) => series.histograms.push(HPoint { t, h }),
        None => series.points.push(Point { t, v }),
    }
}

pub(crate) const TOO_MANY_SAMPLES: &str =
    "query processing would load too many samples into memory in query execution";

pub(crate) struct Evaluator<'h, 's> {
    pub head: &'h Head,
    /// The current step grid (a subquery evaluates on its own grid).
    pub start: i64,
    pub end: i64,
    pub interval: i64,
    /// The whole query's start and end, for `@ start()` / `@ end()`.
    pub query_start: i64,
    pub query_end: i64,
    pub range_query: bool,
    /// The query's step (0 for an instant query), for `step()` in durations.
    pub query_step: i64,
    pub lookback: i64,
    /// 1 when a window's start is left out (Prometheus 3), 0 when it is in
    /// (Prometheus 2's closed ranges, `Options::prometheus2`).
    pub edge: i64,
    pub prometheus2: bool,
    pub no_step_subquery_interval: i64,
    pub max_samples: usize,
    pub current_samples: usize,
    pub samples_read: u64,
    pub notes: Notes<'s>,
    clock: Option<fn() -> f64>,
    deadline: f64,
    checks: u32,
    /// Selectors whose histograms are read as statistics (see `histogram_stats`).
    pub stats_selectors: HashSet<*const VectorSelector>,
}

impl<'h, 's> Evaluator<'h, 's> {
    pub fn new(
        head: &'h Head,
        src: &'s str,
        (start, end, interval): (i64, i64, i64),
        range_query: bool,
        opts: &Options,
    ) -> Evaluator<'h, 's> {
        let deadline = match (opts.clock, opts.timeout_ms) {
            (Some(now), Some(timeout)) => now() + timeout,
            _ => f64::INFINITY,
        };
        Evaluator {
            head,
            start,
            end,
            interval,
            query_start: start,
            query_end: end,
            range_query,
            query_step: interval,
            lookback: opts.lookback_ms,
            edge: if opts.prometheus2 { 0 } else { 1 },
            prometheus2: opts.prometheus2,
            no_step_subquery_interval: opts.no_step_subquery_interval_ms,
            max_samples: opts.max_samples,
            current_samples: 0,
            samples_read: 0,
            notes: Notes::new(src),
            clock: opts.clock,
            deadline,
            checks: 0,
            stats_selectors: HashSet::new(),
        }
    }

    pub fn num_steps(&self) -> usize {
        ((self.end - self.start) / self.interval + 1) as usize
    }

    /// The step timestamps of the current grid as a vector, for the evaluations that
    /// index it. A grid longer than the samples still allowed fails first, with
    /// the too-many-samples error: a subquery like `x[30d:1ms]` must not allocate
    /// 2.6 billion steps before anything counts them.
    pub fn grid(&self) -> Result<Vec<i64>, EvalError> {
        self.check_grid()?;
        Ok(self.steps().collect())
    }

    /// Fails if the current grid has more steps than samples may still be held.
    pub fn check_grid(&self) -> Result<(), EvalError> {
        if self.end < self.start {
            return Ok(());
        }
        let steps = (self.end - self.start) as u64 / self.interval as u64 + 1;
        if steps > self.max_samples.saturating_sub(self.current_samples) as u64 {
            return Err(EvalError::execution(TOO_MANY_SAMPLES));
        }
        Ok(())
    }

    /// The step timestamps of the current grid.
    pub fn steps(&self) -> impl Iterator<Item = i64> + use<> {
        let (start, end, interval) = (self.start, self.end, self.interval);
        (0..)
            .map(move |i| start + i * interval)
            .take_while(move |&t| t <= end)
    }

    /// Fails once the timeout has passed (checked every few calls: reading the
    /// clock is not free).
    pub fn check_deadline(&mut self) -> Result<(), EvalError> {
        self.checks = self.checks.wrapping_add(1);
        if self.checks.is_multiple_of(64)
            && let Some(now) = self.clock
            && now() > self.deadline
        {
            return Err(EvalError {
                kind: ErrorKind::Timeout,
                message: "query timed out in expression evaluation".into(),
                span: None,
            });
        }
        Ok(())
    }

    /// Adds a selector's series to `out` unless it has no points, counting them.
    pub fn push_series(&mut self, out: &mut Vec<Series>, series: Series) -> Result<(), EvalError> {
        if !series.points.is_empty() || !series.histograms.is_empty() {
            self.add_samples(series.points.len() + hpoints_size(&series.histograms))?;
            out.push(series);
        }
        Ok(())
    }

    /// A series' histogram samples in `mint..=maxt`, as statistics where the
    /// selector's histograms only reach `histogram_count`/`_sum`/`_avg`.
    pub fn read_histograms(
        &self,
        stats: bool,
        r: crate::tsdb::SeriesRef,
        mint: i64,
        maxt: i64,
    ) -> Vec<(i64, FloatHistogram)> {
        if !self.head.has_histograms_in(r, mint, maxt) {
            return Vec::new();
        }
        let mut hs: Vec<(i64, FloatHistogram)> = self.head.iter_histograms(r, mint, maxt).collect();
        if stats {
            super::histogram_stats::decode_stats(&mut hs);
        }
        hs
    }

    /// Whether the selector's histograms are read as statistics.
    pub fn reads_stats(&self, vs: &VectorSelector) -> bool {
        self.stats_selectors
            .contains(&(vs as *const VectorSelector))
    }

    /// Counts `n` more samples held in memory, failing past the limit.
    pub fn add_samples(&mut self, n: usize) -> Result<(), EvalError> {
        self.current_samples += n;
        if self.current_samples > self.max_samples {
            return Err(EvalError::execution(TOO_MANY_SAMPLES));
        }
        Ok(())
    }

    pub fn eval(&mut self, e: &Expr) -> Result<Val, EvalError> {
        self.check_deadline()?;
        if self.end < self.start {
            return Ok(Val::Matrix(Vec::new()));
        }
        match &e.kind {
            ExprKind::Number(v) => Ok(Val::Matrix(self.constant(*v)?)),
            ExprKind::Duration(ms) => Ok(Val::Matrix(self.constant(*ms as f64 / 1000.0)?)),
            ExprKind::String(s) => Ok(Val::String(s.clone())),
            ExprKind::Paren(inner) => self.eval(inner),
            ExprKind::Unary { op, expr } => {
                let mut m = self.eval(expr)?.into_matrix();
                if *op == UnaryOp::Neg {
                    for s in &mut m {
                        s.drop_name = true;
                        s.points.iter_mut().for_each(|p| p.v = -p.v);
                        for p in &mut s.histograms {
                            Arc::make_mut(&mut p.h).mul(-1.0);
                        }
                    }
                }
                Ok(Val::Matrix(m))
            }
            ExprKind::Vector(vs) if vs.extended == Some(Extended::Smoothed) => {
                let offset = self.offset_ms(vs)?;
                let at = self.at_ms(vs.at.as_ref());
                let m = self.smoothed_selector(vs, offset, at, e.span)?;
                Ok(Val::Matrix(m))
            }
            ExprKind::Vector(vs) => Ok(Val::Matrix(self.vector_selector(vs, false)?)),
            ExprKind::Matrix { selector, range } => {
                let ExprKind::Vector(vs) = &selector.kind else {
                    return Err(EvalError::execution(
                        "range selector without a vector selector",
                    ));
                };
                let range = self.duration_ms(range)?;
                Ok(Val::Matrix(self.matrix_selector_raw(vs, range)?))
            }
            ExprKind::Subquery(sq) => Ok(Val::Matrix(self.subquery(sq)?.0)),
            ExprKind::Call { func, args } => self.call(e, func, args).map(Val::Matrix),
            ExprKind::Aggregate(agg) => self.aggregate(agg, e.span).map(Val::Matrix),
            ExprKind::Binary(b) => self.binary(e, b).map(Val::Matrix),
        }
    }

    /// A scalar with the same value at every step (its points count as samples).
    pub fn constant(&mut self, v: f64) -> Result<Vec<Series>, EvalError> {
        self.check_grid()?;
        let points: Vec<Point> = self.steps().map(|t| Point { t, v }).collect();
        self.add_samples(points.len())?;
        Ok(vec![Series {
            histograms: Vec::new(),
            labels: Labels::default(),
            points,
            drop_name: false,
        }])
    }

    /// A duration in a range, step or offset, in milliseconds.
    pub fn duration_ms(&mut self, d: &Dur) -> Result<i64, EvalError> {
        match d {
            Dur::Ms(ms) => Ok(*ms),
            Dur::Expr(e) => {
                let v = super::durations::eval_duration(
                    e,
                    self.query_step,
                    self.query_end - self.query_start,
                )?;
                Ok(v)
            }
        }
    }

    /// The `@` time of a selector or subquery, if it has one.
    pub fn at_ms(&self, at: Option<&crate::promql::ast::At>) -> Option<i64> {
        at.map(|a| match a.value {
            AtValue::Timestamp(secs) => (secs * 1000.0).round() as i64,
            AtValue::Start => self.query_start,
            AtValue::End => self.query_end,
        })
    }

    /// The series a selector matches, sorted by labels as Prometheus's storage returns them.
    pub fn select(&mut self, vs: &VectorSelector) -> Result<crate::tsdb::Selection, EvalError> {
        let key: Vec<_> = vs
            .matchers
            .iter()
            .map(|m| (m.op, m.name.as_str(), m.value.as_str()))
            .collect();
        let selection = self.head.select_sorted(&key, || {
            vs.matchers
                .iter()
                .map(|m| {
                    Matcher::new(m.op, &m.name, &m.value)
                        .map_err(|e| EvalError::execution(e.to_string()))
                })
                .collect()
        })?;
        Ok(selection)
    }

    fn offset_ms(&mut self, vs: &VectorSelector) -> Result<i64, EvalError> {
        match &vs.offset {
            Some(o) => self.duration_ms(&o.value),
            None => Ok(0),
        }
    }

    /// An instant selector on the step grid: at each step the newest sample in
    /// `(t - lookback, t]` (`t` moved by offset and `@`), unless it is a stale
    /// marker. With `keep_time`, a point's value is the sample's own timestamp
    /// (for `timestamp()`).
    pub fn vector_selector(
        &mut self,
        vs: &VectorSelector,
        keep_time: bool,
    ) -> Result<Vec<Series>, EvalError> {
        let offset = self.offset_ms(vs)?;
        let at = self.at_ms(vs.at.as_ref());
        let refs_of = |t: i64| at.unwrap_or(t) - offset;
        let (first, last) = (refs_of(self.start), refs_of(self.end));
        let (mint, maxt) = (first.min(last) - self.lookback + self.edge, first.max(last));
        let (start, interval, n_steps) = (self.start, self.interval, self.num_steps() as i64);
        let mut out = Vec::new();
        let mut buf: Vec<(i64, f64)> = Vec::new();
        let mut hbuf: Vec<(i64, Arc<FloatHistogram>)> = Vec::new();
        let stats = self.reads_stats(vs);
        for (r, labels) in self.select(vs)?.iter().cloned() {
            self.check_deadline()?;
            buf.clear();
            buf.extend(self.head.iter(r, mint, maxt));
            hbuf.clear();
            hbuf.extend(
                self.read_histograms(stats, r, mint, maxt)
                    .into_iter()
                    .map(|(t, h)| (t, Arc::new(h))),
            );
            self.samples_read += (buf.len() + hbuf.len()) as u64;
            let oldest = buf
                .first()
                .map(|p| p.0)
                .into_iter()
                .chain(hbuf.first().map(|p| p.0))
                .min();
            let newest = buf
                .last()
                .map(|p| p.0)
                .into_iter()
                .chain(hbuf.last().map(|p| p.0))
                .max();
            let (Some(oldest), Some(newest)) = (oldest, newest) else {
                continue;
            };
            // Only the steps whose window can hold a sample are visited (a
            // subquery's grid can have billions of steps and a few samples).
            let (k_first, k_last) = match at {
                Some(_) => (0, n_steps - 1),
                None => (
                    (oldest + offset - start).div_euclid(interval).max(0),
                    ((newest + offset + self.lookback - self.edge - start).div_euclid(interval))
                        .min(n_steps - 1),
                ),
            };
            let mut series = Series::new(labels, false);
            let mut held = 0usize;
            // buf[..i] and hbuf[..j] are at or before the current reference time.
            let (mut i, mut j) = (0, 0);
            for k in k_first..=k_last {
                let ts = start + k * interval;
                let rt = refs_of(ts);
                if at.is_some() {
                    i = buf.partition_point(|&(t, _)| t <= rt);
                    j = hbuf.partition_point(|(t, _)| *t <= rt);
                } else {
                    while i < buf.len() && buf[i].0 <= rt {
                        i += 1;
                    }
                    while j < hbuf.len() && hbuf[j].0 <= rt {
                        j += 1;
                    }
                }
                let float = i.checked_sub(1).map(|x| buf[x]);
                let hist = j.checked_sub(1).map(|x| &hbuf[x]);
                // The newer of the two kinds is the series' sample at this step.
                let newest_is_float = match (float, hist) {
                    (Some((ft, _)), Some((ht, _))) => ft > *ht,
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => continue,
                };
                let size = if newest_is_float {
                    let (t, v) = float.expect("float sample");
                    if t < rt - self.lookback + self.edge || is_stale_nan(v) {
                        continue;
                    }
                    series.points.push(Point {
                        t: ts,
                        v: if keep_time { t as f64 } else { v },
                    });
                    1
                } else {
                    let (t, h) = hist.expect("histogram sample");
                    if *t < rt - self.lookback + self.edge || is_stale_nan(h.sum) {
                        continue;
                    }
                    if keep_time {
                        series.points.push(Point {
                            t: ts,
                            v: *t as f64,
                        });
                        1
                    } else {
                        series.histograms.push(HPoint {
                            t: ts,
                            h: Arc::clone(h),
                        });
                        hpoint_size(h)
                    }
                };
                held += size;
                if self.current_samples + held > self.max_samples {
                    return Err(EvalError::execution(TOO_MANY_SAMPLES));
                }
            }
            if !series.points.is_empty() || !series.histograms.is_empty() {
                self.add_samples(held)?;
                out.push(series);
            }
        }
        Ok(out)
    }

    /// A range selector evaluated on its own (an instant query of `x[5m]`): the
    /// raw samples in `(t - range, t]`.
    pub fn matrix_selector_raw(
        &mut self,
        vs: &VectorSelector,
        range: i64,
    ) -> Result<Vec<Series>, EvalError> {
        if self.start != self.end {
            return Err(EvalError::execution(
                "cannot do range evaluation of matrix selector",
            ));
        }
        let offset = self.offset_ms(vs)?;
        let maxt = self.at_ms(vs.at.as_ref()).unwrap_or(self.start) - offset;
        let mint = maxt - range;
        let (before, after) = super::extended::margins(vs.extended, self.lookback);
        let mut out = Vec::new();
        let stats = self.reads_stats(vs);
        for (r, labels) in self.select(vs)?.iter().cloned() {
            let mut points: Vec<Point> = self
                .head
                .iter(r, mint - before + self.edge, maxt + after)
                .filter(|&(_, v)| !is_stale_nan(v))
                .map(|(t, v)| Point { t, v })
                .collect();
            let histograms: Vec<HPoint> = self
                .read_histograms(stats, r, mint - before + self.edge, maxt + after)
                .into_iter()
                .filter(|(_, h)| !is_stale_nan(h.sum))
                .map(|(t, h)| HPoint { t, h: Arc::new(h) })
                .collect();
            self.samples_read += (points.len() + histograms.len()) as u64;
            if let Some(ext) = vs.extended {
                if !histograms.is_empty() {
                    return Err(EvalError::execution(format!(
                        "{} modifier is not supported with histograms",
                        ext.name()
                    )));
                }
                let smoothed = ext == Extended::Smoothed;
                points = super::extended::extend_points(&points, mint, maxt, smoothed);
            }
            let series = Series {
                labels,
                points,
                histograms,
                drop_name: false,
            };
            self.push_series(&mut out, series)?;
        }
        Ok(out)
    }

    /// Evaluates a subquery's inner expression on its own grid: steps aligned to
    /// multiples of the step, the first after `start - offset - range`, the last at
    /// `end - offset` (or at `@ - offset`). Returns the matrix and the offset and
    /// `@` that window ends are computed with.
    pub fn subquery(
        &mut self,
        sq: &Subquery,
    ) -> Result<(Vec<Series>, i64, Option<i64>), EvalError> {
        let offset = match &sq.offset {
            Some(o) => self.duration_ms(&o.value)?,
            None => 0,
        };
        let range = self.duration_ms(&sq.range)?;
        let step = match &sq.step {
            Some(s) => self.duration_ms(s)?,
            None => self.no_step_subquery_interval,
        };
        if step <= 0 {
            return Err(EvalError::execution("subquery step must be positive"));
        }
        let at = self.at_ms(sq.at.as_ref());
        let (outer_start, outer_end) = match at {
            Some(t) => (t, t),
            None => (self.start, self.end),
        };
        let lower = outer_start - offset - range;
        let mut inner_start = step * lower.div_euclid(step);
        if inner_start < lower + self.edge {
            inner_start += step;
        }
        let saved = (self.start, self.end, self.interval);
        self.start = inner_start;
        self.end = outer_end - offset;
        self.interval = step;
        let res = self.eval(&sq.expr);
        (self.start, self.end, self.interval) = saved;
        Ok((res?.into_matrix(), offset, at))
    }

    /// The per-step combinator (Prometheus's `rangeEval`): gathers each input
    /// matrix's instant vector at every step, calls `f`, and collects its output
    /// samples into series. Output series are told apart by their full labels
    /// (including a name still to be dropped); one appearing twice in a step is
    /// an error.
    pub fn range_eval<F>(
        &mut self,
        inputs: &[Vec<Series>],
        mut f: F,
    ) -> Result<Vec<Series>, EvalError>
    where
        F: FnMut(
            &mut Self,
            i64,
            &[Vec<Sample>],
            &[Vec<usize>],
            &mut Vec<Sample>,
        ) -> Result<(), EvalError>,
    {
        let before = self.current_samples;
        // Per input series: the next float point and the next histogram point.
        let mut cursors: Vec<Vec<(usize, usize)>> =
            inputs.iter().map(|m| vec![(0, 0); m.len()]).collect();
        let mut vectors: Vec<Vec<Sample>> =
            inputs.iter().map(|m| Vec::with_capacity(m.len())).collect();
        // For each gathered sample, the index of the input series it came from.
        let mut origins: Vec<Vec<usize>> =
            inputs.iter().map(|m| Vec::with_capacity(m.len())).collect();
        let mut out_series: Vec<Series> = Vec::new();
        let mut index: HashMap<Labels, usize> = HashMap::new();
        let mut by_identity: HashMap<usize, usize> = HashMap::new();
        // The step each output series last got a point at.
        let mut last_step: Vec<i64> = Vec::new();
        // Labels sets whose identity is in `by_identity`, kept alive so no other set
        // can take their address while it is.
        let mut keep_alive: Vec<Labels> = Vec::new();
        let mut result = Vec::new();
        let instant = self.start == self.end;
        let mut held = 0usize;
        for ts in self.steps() {
            self.check_deadline()?;
            for (k, m) in inputs.iter().enumerate() {
                let v = &mut vectors[k];
                v.clear();
                origins[k].clear();
                for (j, s) in m.iter().enumerate() {
                    if let Some((value, h)) = point_at(s, &mut cursors[k][j], ts) {
                        origins[k].push(j);
                        v.push(Sample {
                            labels: s.labels.clone(),
                            t: ts,
                            v: value,
                            h,
                            drop_name: s.drop_name,
                        });
                    }
                }
            }
            let gathered: usize = vectors.iter().flatten().map(sample_size).sum();
            self.current_samples = before + held + gathered;
            if self.current_samples > self.max_samples {
                return Err(EvalError::execution(TOO_MANY_SAMPLES));
            }
            result.clear();
            f(self, ts, &vectors, &origins, &mut result)?;
            held += result.iter().map(sample_size).sum::<usize>();
            if before + held > self.max_samples {
                return Err(EvalError::execution(TOO_MANY_SAMPLES));
            }
            if instant {
                out_series.extend(result.drain(..).map(|s| {
                    let mut series = Series::new(s.labels, s.drop_name);
                    push_point(&mut series, ts, s.v, s.h);
                    series
                }));
                continue;
            }
            for s in result.drain(..) {
                // Most outputs reuse a labels set seen at an earlier step: find it by
                // identity first, by contents (hashing every string) only otherwise.
                let found = match by_identity.get(&s.labels.identity()) {
                    Some(&i) => Some(i),
                    None => index.get(&s.labels).copied(),
                };
                match found.map(|i| (i, &mut last_step[i])) {
                    Some((i, last)) => {
                        if *last == ts {
                            return Err(EvalError::execution(
                                "vector cannot contain metrics with the same labelset",
                            ));
                        }
                        *last = ts;
                        push_point(&mut out_series[i], ts, s.v, s.h);
                        if by_identity.insert(s.labels.identity(), i).is_none() {
                            keep_alive.push(s.labels);
                        }
                    }
                    None => {
                        let i = out_series.len();
                        index.insert(s.labels.clone(), i);
                        by_identity.insert(s.labels.identity(), i);
                        last_step.push(ts);
                        let mut series = Series::new(s.labels, s.drop_name);
                        push_point(&mut series, ts, s.v, s.h);
                        out_series.push(series);
                    }
                }
            }
        }
        self.current_samples = before + held;
        Ok(out_series)
    }

    /// Evaluates an argument that must be a scalar: its value at each step.
    pub fn scalar_values(&mut self, e: &Expr) -> Result<Vec<f64>, EvalError> {
        debug_assert_eq!(value_type(e), ValueType::Scalar);
        self.check_grid()?;
        let n = self.num_steps();
        let m = self.eval(e)?.into_matrix();
        let mut out = vec![f64::NAN; n];
        if let Some(s) = m.first() {
            for p in &s.points {
                out[((p.t - self.start) / self.interval) as usize] = p.v;
            }
        }
        Ok(out)
    }
}
