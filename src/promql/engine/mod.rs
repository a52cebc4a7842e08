//! The PromQL engine: instant and range queries over a [`Head`], with Prometheus 3
//! semantics (5 m lookback, staleness, left-open ranges, delayed `__name__`
//! removal), its limits and its annotations.
//!
//! Like Prometheus's engine, every expression is evaluated over all steps of the
//! query at once (an instant query is a range query with one step); functions,
//! aggregations and operators then run step by step on instant vectors.
//!
//! ```
//! use promplay::promql::{engine, parse};
//! use promplay::tsdb::{Head, Labels};
//! let mut head = Head::default();
//! let up = Labels::new(&[("__name__", "up"), ("job", "api")]);
//! head.add(&up, 0, 1.0).unwrap();
//! let q = "sum(up)";
//! let out = engine::instant_query(&head, q, &parse(q).unwrap(), 10_000, &engine::Options::default()).unwrap();
//! let engine::Value::Vector(v) = out.value else { panic!() };
//! assert_eq!(v[0].v, 1.0);
//! ```

mod aggregate;
mod binary;
mod binary_native;
mod call;
mod durations;
mod eval;
mod extended;
mod format;
pub(crate) mod functions;
pub(crate) mod grouping;
mod heap;
mod histogram_stats;
mod info;
mod notes;
mod steps;
mod value;

pub use steps::instant_values;
pub use value::{Annotations, ErrorKind, EvalError, HPoint, Point, Sample, Series, Value};

use crate::promql::Expr;
use crate::promql::types::{ValueType, value_type};
use crate::tsdb::Head;

use eval::{Evaluator, Val};

/// Engine settings; the defaults are Prometheus's.
#[derive(Clone, Debug)]
pub struct Options {
    /// How far back an instant selector looks for a sample (5 m).
    pub lookback_ms: i64,
    /// The most samples a query may hold in memory at once (50 000 000).
    pub max_samples: usize,
    /// Give up after this long (2 min); needs `clock`.
    pub timeout_ms: Option<f64>,
    /// A monotonic clock in milliseconds (`performance.now()` in the page).
    pub clock: Option<fn() -> f64>,
    /// The step of a subquery written without one (`[5m:]`): 1 m.
    pub no_step_subquery_interval_ms: i64,
    /// Prometheus 2's semantics where Prometheus 3 changed them, for comparing
    /// with a Prometheus 2 server: closed windows (a range `[t - range, t]`, a
    /// lookback `[t - 5m, t]`, a subquery's first step at `t - range` when it falls
    /// on the step; Prometheus 3 leaves the window's start out), and `rate`'s
    /// extrapolation towards a counter's zero applied before the extrapolation
    /// threshold rather than after it. README "Prometheus 2 and 3" lists them.
    pub prometheus2: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            lookback_ms: 5 * 60_000,
            max_samples: 50_000_000,
            timeout_ms: Some(120_000.0),
            clock: default_clock(),
            no_step_subquery_interval_ms: 60_000,
            prometheus2: false,
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn default_clock() -> Option<fn() -> f64> {
    fn now() -> f64 {
        use std::sync::OnceLock;
        use std::time::Instant;
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
    }
    Some(now)
}

#[cfg(target_arch = "wasm32")]
fn default_clock() -> Option<fn() -> f64> {
    None
}

/// A query's result and the annotations raised while computing it.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryOutput {
    pub value: Value,
    pub annotations: Annotations,
    /// Samples read from the store (Prometheus's `totalQueryableSamples`).
    pub samples_read: u64,
}

/// Evaluates `expr` (parsed from `src`, which annotations quote positions in) at
/// `t_ms`. The result is a vector, scalar, string or (for a range selector or
/// subquery) a matrix.
pub fn instant_query(
    head: &Head,
    src: &str,
    expr: &Expr,
    t_ms: i64,
    opts: &Options,
) -> Result<QueryOutput, EvalError> {
    // An instant query is a range query of one step (1 ms apart, as Prometheus).
    let mut ev = Evaluator::new(head, src, (t_ms, t_ms, 1), false, opts);
    ev.query_step = 0;
    ev.stats_selectors = histogram_stats::stats_selectors(expr);
    let val = ev.eval(expr)?;
    let value = match (val, value_type(expr)) {
        (Val::String(s), _) => Value::String { t: t_ms, s },
        (Val::Matrix(m), ValueType::Scalar) => Value::Scalar(Point {
            t: t_ms,
            v: m.first()
                .and_then(|s| s.points.first())
                .map_or(f64::NAN, |p| p.v),
        }),
        (Val::Matrix(m), ValueType::InstantVector) => {
            let mut vector: Vec<Sample> = m
                .into_iter()
                .filter_map(|mut s| {
                    let (v, h) = match (s.points.first(), s.histograms.pop()) {
                        (Some(p), _) => (p.v, None),
                        (None, Some(p)) => (0.0, Some(p.h)),
                        (None, None) => return None,
                    };
                    Some(Sample {
                        labels: s.labels,
                        t: t_ms,
                        v,
                        h,
                        drop_name: s.drop_name,
                    })
                })
                .collect();
            for s in &mut vector {
                if std::mem::take(&mut s.drop_name) {
                    s.labels = s.labels.without(&SCHEMA_LABELS);
                }
            }
            let mut seen = std::collections::HashSet::new();
            if !vector.iter().all(|s| seen.insert(&s.labels)) {
                return Err(EvalError::execution(
                    "vector cannot contain metrics with the same labelset",
                ));
            }
            Value::Vector(vector)
        }
        (Val::Matrix(m), _) => Value::Matrix(cleanup_matrix(m)?),
    };
    Ok(QueryOutput {
        value,
        annotations: ev.notes.out,
        samples_read: ev.samples_read,
    })
}

/// Evaluates `expr` at `start_ms`, `start_ms + step_ms`, ... up to `end_ms`; the
/// result is always a matrix, sorted by labels.
pub fn range_query(
    head: &Head,
    src: &str,
    expr: &Expr,
    start_ms: i64,
    end_ms: i64,
    step_ms: i64,
    opts: &Options,
) -> Result<QueryOutput, EvalError> {
    let kind = value_type(expr);
    if kind != ValueType::Scalar && kind != ValueType::InstantVector {
        return Err(EvalError {
            kind: ErrorKind::BadData,
            message: format!(
                "invalid expression type {:?} for range query, must be Scalar or instant Vector",
                kind.to_string()
            ),
            span: Some(expr.span),
        });
    }
    if step_ms <= 0 {
        return Err(EvalError {
            kind: ErrorKind::BadData,
            message: "zero or negative query resolution step widths are not accepted. Try a positive integer".into(),
            span: None,
        });
    }
    let mut ev = Evaluator::new(head, src, (start_ms, end_ms, step_ms), true, opts);
    ev.query_step = step_ms;
    ev.stats_selectors = histogram_stats::stats_selectors(expr);
    let mut m = cleanup_matrix(ev.eval(expr)?.into_matrix())?;
    m.sort_by(|a, b| a.labels.cmp(&b.labels));
    Ok(QueryOutput {
        value: Value::Matrix(m),
        annotations: ev.notes.out,
        samples_read: ev.samples_read,
    })
}

/// Labels delayed name removal takes away.
const SCHEMA_LABELS: [&str; 3] = [crate::tsdb::METRIC_NAME, "__type__", "__unit__"];

/// Drops the names marked for dropping; series that end up with the same labels
/// are merged unless they have a point at the same time.
fn cleanup_matrix(mut m: Vec<Series>) -> Result<Vec<Series>, EvalError> {
    let mut any = false;
    for s in &mut m {
        if std::mem::take(&mut s.drop_name) {
            s.labels = s.labels.without(&SCHEMA_LABELS);
            any = true;
        }
    }
    if !any || m.len() < 2 {
        return Ok(m);
    }
    let mut index: std::collections::HashMap<crate::tsdb::Labels, usize> = Default::default();
    let mut out: Vec<Series> = Vec::with_capacity(m.len());
    let mut merged = false;
    for s in m {
        match index.get(&s.labels) {
            Some(&i) => {
                out[i].points.extend(s.points);
                out[i].histograms.extend(s.histograms);
                merged = true;
            }
            None => {
                index.insert(s.labels.clone(), out.len());
                out.push(s);
            }
        }
    }
    if merged {
        for s in &mut out {
            s.points.sort_by_key(|p| p.t);
            s.histograms.sort_by_key(|p| p.t);
            let mut times: Vec<i64> = s.points.iter().map(|p| p.t).collect();
            times.extend(s.histograms.iter().map(|p| p.t));
            times.sort_unstable();
            if times.windows(2).any(|w| w[0] == w[1]) {
                return Err(EvalError::execution(
                    "vector cannot contain metrics with the same labelset",
                ));
            }
        }
    }
    Ok(out)
}
