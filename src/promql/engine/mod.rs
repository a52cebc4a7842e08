//! The PromQL engine: instant and range queries over a [`Head`], with Prometheus 3
//! semantics (5 m lookback, staleness, left-open ranges, delayed `__name__`
//! removal), its limits and its annotations.
//!
//! Like Prometheus's engine, every expression is evaluated over all steps of the
//! query at once (an instant query is a range query with one step); functions,
//! aggregations and operators then run step by step on instant vectors.
//!
//! ```no_run
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

pub(crate) mod functions;
mod notes;
mod value;

pub use value::{Annotations, ErrorKind, EvalError, Point, Sample, Series, Value};

use crate::promql::Expr;
use crate::tsdb::Head;

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
}

impl Default for Options {
    fn default() -> Options {
        Options {
            lookback_ms: 5 * 60_000,
            max_samples: 50_000_000,
            timeout_ms: Some(120_000.0),
            clock: default_clock(),
            no_step_subquery_interval_ms: 60_000,
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
    let _ = (head, src, expr, t_ms, opts);
    Err(EvalError::execution("not implemented yet"))
}

/// Evaluates `expr` at `start_ms`, `start_ms + step_ms`, ... up to `end_ms`; the
/// result is always a matrix.
pub fn range_query(
    head: &Head,
    src: &str,
    expr: &Expr,
    start_ms: i64,
    end_ms: i64,
    step_ms: i64,
    opts: &Options,
) -> Result<QueryOutput, EvalError> {
    let _ = (head, src, expr, start_ms, end_ms, step_ms, opts);
    Err(EvalError::execution("not implemented yet"))
}
