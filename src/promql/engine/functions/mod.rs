//! Function implementations, as Prometheus's `promql/functions.go`: a table from
//! name to implementation. The engine evaluates arguments; the functions here see
//! one evaluation step at a time.
//!
//! Two shapes:
//! - [`RangeFn`]: functions of a range vector (`rate`, `*_over_time`...). Called
//!   once per series and step with the samples in the window `(start, end]`, plus
//!   the values of the call's scalar arguments at that step.
//! - [`InstantFn`]: everything else. Called once per step with the step's
//!   arguments (instant vectors, scalars, strings); appends its output samples.
//!   A function returning a scalar appends one sample with empty labels.
//!
//! Name handling: with delayed name removal (Prometheus 3's behaviour and what
//! the test corpus expects) a function that drops `__name__` sets
//! `Sample::drop_name` rather than removing the label; the engine removes it at
//! the end. Range functions drop the name unless their entry says `keeps_name`.

use std::collections::HashMap;

use regex::Regex;

use crate::promql::{Expr, Span};

pub(crate) mod stats;

use super::notes::Notes;
use super::value::{EvalError, Point, Sample};

/// The samples of one series inside one step's window.
pub(crate) struct Window<'a> {
    /// Float samples with `start < t <= end`, oldest first; no stale markers.
    pub points: &'a [Point],
    /// Exclusive start: evaluation time - offset - range.
    pub start: i64,
    /// Inclusive end: evaluation time - offset.
    pub end: i64,
    /// The step's evaluation time (differs from `end` under offset or `@`;
    /// `predict_linear` predicts from it).
    pub ts: i64,
}

/// What a range function may need besides its window.
pub(crate) struct RangeCtx<'a, 's> {
    /// The series' metric name (for annotations such as "might not be a counter").
    pub metric_name: Option<&'a str>,
    /// The range-vector argument's span (annotations point at it).
    pub arg_span: Span,
    pub notes: &'a mut Notes<'s>,
}

/// `window, scalar args at this step (in argument order), ctx -> value or none`.
pub(crate) type RangeFn =
    fn(&Window<'_>, &[f64], &mut RangeCtx<'_, '_>) -> Result<Option<f64>, EvalError>;

/// One evaluated argument of an instant function at one step.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg<'a> {
    Vector(&'a [Sample]),
    Scalar(f64),
    String(&'a str),
}

impl<'a> Arg<'a> {
    /// The vector (empty for other kinds; the parser's type checks make that unreachable).
    pub fn vector(self) -> &'a [Sample] {
        match self {
            Arg::Vector(v) => v,
            _ => &[],
        }
    }

    pub fn scalar(self) -> f64 {
        match self {
            Arg::Scalar(f) => f,
            _ => f64::NAN,
        }
    }

    pub fn string(self) -> &'a str {
        match self {
            Arg::String(s) => s,
            _ => "",
        }
    }
}

/// What an instant function may need besides its arguments.
pub(crate) struct Ctx<'a, 's> {
    /// Evaluation time of this step (ms).
    pub ts: i64,
    /// Whether the whole query is a range query (for `sort`'s warning).
    pub range_query: bool,
    /// The call's argument expressions (e.g. `absent` reads their matchers).
    pub args: &'a [Expr],
    /// The whole call.
    pub call_span: Span,
    pub notes: &'a mut Notes<'s>,
    /// Compiled regexes, kept across the steps of one call.
    pub regexes: &'a mut HashMap<String, Regex>,
}

/// `step args, ctx, output`.
pub(crate) type InstantFn =
    fn(&[Arg<'_>], &mut Ctx<'_, '_>, &mut Vec<Sample>) -> Result<(), EvalError>;

#[derive(Clone, Copy)]
pub(crate) enum Impl {
    Range { f: RangeFn, keeps_name: bool },
    Instant(InstantFn),
}

/// The implementation of the function called `name`; `None` for those the engine
/// evaluates itself (`absent_over_time`, `timestamp` of a selector, `start()`...)
/// or that need native histograms.
pub(crate) fn implementation(name: &str) -> Option<Impl> {
    TABLE
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .map(|i| TABLE[i].1)
}

const fn range(f: RangeFn) -> Impl {
    Impl::Range {
        f,
        keeps_name: false,
    }
}

/// Sorted by name.
static TABLE: &[(&str, Impl)] = &[
    ("abs", Impl::Instant(math_abs)),
    ("sum_over_time", range(sum_over_time)),
];

// Two examples of the shapes; the real implementations live in submodules.

fn math_abs(args: &[Arg<'_>], _: &mut Ctx<'_, '_>, out: &mut Vec<Sample>) -> Result<(), EvalError> {
    out.extend(args[0].vector().iter().map(|s| Sample {
        v: s.v.abs(),
        drop_name: true,
        ..s.clone()
    }));
    Ok(())
}

fn sum_over_time(
    w: &Window<'_>,
    _: &[f64],
    _: &mut RangeCtx<'_, '_>,
) -> Result<Option<f64>, EvalError> {
    if w.points.is_empty() {
        return Ok(None);
    }
    Ok(Some(w.points.iter().map(|p| p.v).sum()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted() {
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
