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

mod histogram;
mod labels;
mod math;
mod native;
pub(crate) mod native_extended;
mod native_stats;
mod over_time;
mod range;
mod sort;
pub(crate) mod stats;
pub(crate) mod time;

use std::collections::HashMap;

use crate::re::Regex;

use crate::promql::ast::Extended;
use crate::promql::{Expr, Span};

use super::format;
use super::notes::Notes;
use super::value::{EvalError, HPoint, Point, Sample};
use crate::histogram::FloatHistogram;

/// The samples of one series inside one step's window.
pub(crate) struct Window<'a> {
    /// Float samples with `start < t <= end`, oldest first; no stale markers.
    pub points: &'a [Point],
    /// Histogram samples in the same window, oldest first; no stale markers.
    pub histograms: &'a [HPoint],
    /// Exclusive start: evaluation time - offset - range.
    pub start: i64,
    /// Inclusive end: evaluation time - offset.
    pub end: i64,
    /// An `anchored` / `smoothed` selector's window: `points` then also hold the
    /// samples up to a lookback before `start` (and, smoothed, after `end`).
    pub extended: Option<Extended>,
    /// Extrapolate as Prometheus 2 did (`Options::prometheus2`).
    pub prometheus2: bool,
    /// Start timestamps aligned with `points` (`0`: unknown), or empty: only
    /// `rate`/`increase`/`irate`/`resets` over a selector get them (as upstream).
    pub point_sts: &'a [i64],
    /// Start timestamps aligned with `histograms`, or empty.
    pub histogram_sts: &'a [i64],
}

/// What a range function may need besides its window.
pub(crate) struct RangeCtx<'a, 's> {
    /// Evaluation time of this step (ms); `predict_linear` takes its intercept
    /// there (not at the window's end, which `offset`/`@` move).
    pub ts: i64,
    /// The call's argument expressions (`quantile_over_time` warns at its φ).
    pub args: &'a [Expr],
    /// The series' metric name (for annotations such as "might not be a counter").
    pub metric_name: Option<&'a str>,
    /// The range-vector argument's span (annotations point at it).
    pub arg_span: Span,
    pub notes: &'a mut Notes<'s>,
}

/// `window, scalar args at this step (in argument order), ctx -> value or none`.
pub(crate) type RangeFn =
    fn(&Window<'_>, &[f64], &mut RangeCtx<'_, '_>) -> Result<Option<f64>, EvalError>;

/// A range function's result at one step on a window holding histograms.
pub(crate) enum RangeOut {
    Float(f64),
    Histogram(FloatHistogram),
}

/// A range function's variant for windows that hold histograms (the float
/// variant, [`RangeFn`], serves windows of floats alone).
pub(crate) type HistRangeFn =
    fn(&Window<'_>, &[f64], &mut RangeCtx<'_, '_>) -> Result<Option<RangeOut>, EvalError>;

/// The histogram variant of range function `name`; `None` for functions of floats
/// alone, which ignore histograms (with an info when the range mixes both).
pub(crate) fn histogram_range(name: &str) -> Option<HistRangeFn> {
    native::RANGE_TABLE
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
}

/// Whether instant function `name` reads native-histogram samples; the others
/// see floats alone.
pub(crate) fn sees_histograms(name: &str) -> bool {
    name.starts_with("histogram_")
        || matches!(
            name,
            "label_replace"
                | "label_join"
                | "timestamp"
                | "sort_by_label"
                | "sort_by_label_desc"
                | "absent"
        )
}

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

const fn instant(f: InstantFn) -> Impl {
    Impl::Instant(f)
}

/// Sorted by name.
static TABLE: &[(&str, Impl)] = &[
    ("abs", instant(math::abs)),
    ("absent", instant(labels::absent)),
    ("acos", instant(math::acos)),
    ("acosh", instant(math::acosh)),
    ("asin", instant(math::asin)),
    ("asinh", instant(math::asinh)),
    ("atan", instant(math::atan)),
    ("atanh", instant(math::atanh)),
    ("avg_over_time", range(over_time::avg_over_time)),
    ("ceil", instant(math::ceil)),
    ("changes", range(range::changes)),
    ("clamp", instant(math::clamp)),
    ("clamp_max", instant(math::clamp_max)),
    ("clamp_min", instant(math::clamp_min)),
    ("cos", instant(math::cos)),
    ("cosh", instant(math::cosh)),
    ("count_over_time", range(over_time::count_over_time)),
    ("day_of_month", instant(time::day_of_month)),
    ("day_of_week", instant(time::day_of_week)),
    ("day_of_year", instant(time::day_of_year)),
    ("days_in_month", instant(time::days_in_month_fn)),
    ("deg", instant(math::deg)),
    ("delta", range(range::delta)),
    ("deriv", range(range::deriv)),
    (
        "double_exponential_smoothing",
        range(range::double_exponential_smoothing),
    ),
    ("exp", instant(math::exp)),
    (
        "first_over_time",
        Impl::Range {
            f: over_time::first_over_time,
            keeps_name: true,
        },
    ),
    ("floor", instant(math::floor)),
    ("histogram_avg", instant(histogram::histogram_avg)),
    ("histogram_count", instant(histogram::histogram_count)),
    ("histogram_fraction", instant(histogram::histogram_fraction)),
    ("histogram_quantile", instant(histogram::histogram_quantile)),
    (
        "histogram_quantiles",
        instant(histogram::histogram_quantiles),
    ),
    ("histogram_stddev", instant(histogram::histogram_stddev)),
    ("histogram_stdvar", instant(histogram::histogram_stdvar)),
    ("histogram_sum", instant(histogram::histogram_sum)),
    ("hour", instant(time::hour)),
    ("idelta", range(range::idelta)),
    ("increase", range(range::increase)),
    ("irate", range(range::irate)),
    ("label_join", instant(labels::label_join)),
    ("label_replace", instant(labels::label_replace)),
    (
        "last_over_time",
        Impl::Range {
            f: over_time::last_over_time,
            keeps_name: true,
        },
    ),
    ("ln", instant(math::ln)),
    ("log10", instant(math::log10)),
    ("log2", instant(math::log2)),
    ("mad_over_time", range(over_time::mad_over_time)),
    ("max_of", instant(math::max_of)),
    ("max_over_time", range(over_time::max_over_time)),
    ("min_of", instant(math::min_of)),
    ("min_over_time", range(over_time::min_over_time)),
    ("minute", instant(time::minute)),
    ("month", instant(time::month)),
    ("pi", instant(math::pi)),
    ("predict_linear", range(range::predict_linear)),
    ("present_over_time", range(over_time::present_over_time)),
    ("quantile_over_time", range(over_time::quantile_over_time)),
    ("rad", instant(math::rad)),
    ("rate", range(range::rate)),
    ("resets", range(range::resets)),
    ("round", instant(math::round)),
    ("scalar", instant(math::scalar)),
    ("sgn", instant(math::sgn)),
    ("sin", instant(math::sin)),
    ("sinh", instant(math::sinh)),
    ("sort", instant(sort::sort)),
    ("sort_by_label", instant(sort::sort_by_label)),
    ("sort_by_label_desc", instant(sort::sort_by_label_desc)),
    ("sort_desc", instant(sort::sort_desc)),
    ("sqrt", instant(math::sqrt)),
    ("stddev_over_time", range(over_time::stddev_over_time)),
    ("stdvar_over_time", range(over_time::stdvar_over_time)),
    ("sum_over_time", range(over_time::sum_over_time)),
    ("tan", instant(math::tan)),
    ("tanh", instant(math::tanh)),
    ("time", instant(math::time)),
    ("timestamp", instant(math::timestamp)),
    (
        "ts_of_first_over_time",
        range(over_time::ts_of_first_over_time),
    ),
    (
        "ts_of_last_over_time",
        range(over_time::ts_of_last_over_time),
    ),
    ("ts_of_max_over_time", range(over_time::ts_of_max_over_time)),
    ("ts_of_min_over_time", range(over_time::ts_of_min_over_time)),
    ("vector", instant(math::vector)),
    ("year", instant(time::year)),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tsdb::Labels;

    use super::super::value::Annotations;

    #[test]
    fn table_is_sorted_and_matches_the_parser() {
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
        for (name, _) in TABLE {
            assert!(crate::promql::functions::lookup(name).is_some(), "{name}");
        }
        assert!(implementation("rate").is_some());
        assert!(implementation("absent_over_time").is_none());
        assert!(matches!(
            implementation("last_over_time"),
            Some(Impl::Range {
                keeps_name: true,
                ..
            })
        ));
        assert!(matches!(
            implementation("ts_of_last_over_time"),
            Some(Impl::Range {
                keeps_name: false,
                ..
            })
        ));
    }

    pub(super) fn sample(labels: &[(&str, &str)], v: f64) -> Sample {
        Sample {
            h: None,
            labels: Labels::new(labels),
            t: 0,
            v,
            drop_name: false,
        }
    }

    pub(super) fn vec_of(values: &[f64]) -> Vec<Sample> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| sample(&[("__name__", "m"), ("i", &i.to_string())], *v))
            .collect()
    }

    /// Points from `t0` every `step` ms.
    pub(super) fn points(t0: i64, step: i64, values: &[f64]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| Point {
                t: t0 + step * i as i64,
                v: *v,
            })
            .collect()
    }

    pub(super) fn with_ctx<R>(
        src: &str,
        args: &[Expr],
        ts: i64,
        range_query: bool,
        f: impl FnOnce(&mut Ctx<'_, '_>) -> R,
    ) -> (R, Annotations) {
        let mut notes = Notes::new(src);
        let mut regexes = HashMap::new();
        let mut ctx = Ctx {
            ts,
            range_query,
            args,
            call_span: Span::new(0, src.len()),
            notes: &mut notes,
            regexes: &mut regexes,
        };
        let r = f(&mut ctx);
        (r, notes.out)
    }

    pub(super) fn ctx_at<R>(ts: i64, f: impl FnOnce(&mut Ctx<'_, '_>) -> R) -> R {
        with_ctx("", &[], ts, false, f).0
    }

    /// A range context for `src` = `f(name[range])`-like text (the argument
    /// span starts after the first parenthesis).
    pub(super) fn with_range_ctx<R>(
        src: &str,
        metric_name: Option<&str>,
        ts: i64,
        f: impl FnOnce(&mut RangeCtx<'_, '_>) -> R,
    ) -> (R, Annotations) {
        let mut notes = Notes::new(src);
        let start = src.find('(').map_or(0, |i| i + 1);
        let mut ctx = RangeCtx {
            ts,
            args: &[],
            metric_name,
            arg_span: Span::new(start, src.len()),
            notes: &mut notes,
        };
        let r = f(&mut ctx);
        (r, notes.out)
    }

    pub(super) fn with_range_ctx_args<R>(
        src: &str,
        args: &[Expr],
        f: impl FnOnce(&mut RangeCtx<'_, '_>) -> R,
    ) -> (R, Annotations) {
        let mut notes = Notes::new(src);
        let mut ctx = RangeCtx {
            ts: 0,
            args,
            metric_name: None,
            arg_span: args.last().map_or(Span::default(), |e| e.span),
            notes: &mut notes,
        };
        let r = f(&mut ctx);
        (r, notes.out)
    }
}
