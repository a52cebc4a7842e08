//! Running a query against the playground's store: parse, evaluate as an instant
//! or a range query, and shape the result for the table and the graph.

use crate::promql::engine::{self, Options, Value};
use crate::promql::explain::{ExplainNode, explain};
use crate::promql::hints::{Hint, Names, hints};
use crate::promql::why_empty::{EmptyResult, Times, explain_empty};
use crate::promql::{self, Expr, ParseError, suggest};
use crate::tsdb::{Head, METRIC_NAME};

pub use super::shape::Row;
use super::shape::{chart_series, has_histograms, series_name, table_rows};
use super::state::Tab;
use crate::views::chart::ChartSeries;

/// The graph's range presets, as Prometheus's UI offers them.
pub const RANGES: [(i64, &str); 7] = [
    (5 * 60_000, "5m"),
    (15 * 60_000, "15m"),
    (3_600_000, "1h"),
    (3 * 3_600_000, "3h"),
    (6 * 3_600_000, "6h"),
    (12 * 3_600_000, "12h"),
    (24 * 3_600_000, "1d"),
];

/// What a Query panel asks: its query, view and window.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub expr: String,
    pub tab: Tab,
    pub range_ms: i64,
    /// The table's time and the graph's end (Unix ms).
    pub end_ms: i64,
    pub step_ms: i64,
    /// The data's scrape interval (for the range-too-short hint).
    pub scrape_interval_ms: i64,
}

/// One row of the explain tree.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplainRow {
    pub depth: usize,
    pub text: String,
    pub sentence: String,
    /// "12 series", "scalar", or the evaluation error.
    pub result: String,
}

/// A parse or evaluation error: the message and, for parse errors, the line
/// with a caret under the offending text.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryError {
    pub message: String,
    pub context: String,
    /// Byte span in the query to underline (parse errors).
    pub span: Option<(usize, usize)>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Outcome {
    pub error: Option<QueryError>,
    /// Warnings and infos, as the engine words them.
    pub notes: Vec<String>,
    pub rows: Vec<Row>,
    pub series: Vec<ChartSeries>,
    /// The result holds native histograms: the graph draws their buckets as a heatmap.
    pub histograms: bool,
    pub hints: Vec<Hint>,
    /// Why the table or graph is empty (when it is).
    pub empty: Option<EmptyResult>,
    pub explain: Vec<ExplainRow>,
    /// "12 series, 3 ms"-style line.
    pub summary: String,
}

impl Outcome {
    /// What an empty editor shows.
    pub fn nothing_typed() -> Outcome {
        Outcome {
            summary: "Type an expression and press Execute.".into(),
            ..Outcome::default()
        }
    }

    pub fn error_only(message: &str) -> Outcome {
        Outcome {
            error: Some(QueryError {
                message: message.to_string(),
                context: String::new(),
                span: None,
            }),
            ..Outcome::default()
        }
    }
}

/// A parse error as the views show it: where and what, and the source line with
/// `^~~~` under the offending text (the Query pane and the dashboard alike).
pub fn parse_error(src: &str, e: &ParseError) -> QueryError {
    let line_text = src.lines().nth(e.line - 1).unwrap_or("");
    let width = src
        .get(e.span.start..e.span.end)
        .map_or(1, |s| s.chars().count().max(1));
    QueryError {
        message: format!(
            "parse error at line {}, column {}: {}",
            e.line, e.col, e.message
        ),
        context: format!(
            "{line_text}\n{}^{}",
            " ".repeat(e.col - 1),
            "~".repeat(width - 1)
        ),
        span: Some((e.span.start, e.span.end)),
    }
}

/// "Did you mean rate?" for an unknown function, with the query fixed; the
/// error keeps Prometheus's wording.
fn unknown_function_hint(src: &str, e: &ParseError) -> Option<Hint> {
    if !e.message.starts_with("unknown function with name") {
        return None;
    }
    let unknown = src.get(e.span.start..e.span.end)?;
    let meant = suggest::function_name(unknown)?;
    Some(Hint {
        message: format!("Unknown function {unknown}; did you mean {meant}?"),
        fix: Some(format!(
            "{}{meant}{}",
            &src[..e.span.start],
            &src[e.span.end..]
        )),
    })
}

/// Runs `req` on `store`; `clock` (milliseconds) bounds the evaluation time.
pub fn evaluate(store: &Head, req: &Request, clock: fn() -> f64) -> Outcome {
    let src = req.expr.trim_end();
    if src.trim().is_empty() {
        return Outcome::nothing_typed();
    }
    if let Some(message) = crate::views::query_too_long(src) {
        return Outcome::error_only(&message);
    }
    let expr = match promql::parse(src) {
        Ok(e) => e,
        Err(e) => {
            return Outcome {
                error: Some(parse_error(src, &e)),
                hints: unknown_function_hint(src, &e).into_iter().collect(),
                ..Outcome::default()
            };
        }
    };
    let opts = crate::views::query_options(clock);
    let metric_names = store.label_values(METRIC_NAME, &[]);
    let hint_list = hints(src, &expr, req.scrape_interval_ms, Names(&metric_names));
    if req.tab == Tab::Explain {
        let mut rows = Vec::new();
        flatten(&explain(&expr), 0, &mut rows, &|text| {
            describe_result(store, text, req.end_ms, &opts)
        });
        return Outcome {
            hints: hint_list,
            explain: rows,
            summary: "Each sub-expression evaluated on its own at the table's time.".into(),
            ..Outcome::default()
        };
    }
    let (graphed, times) = times_for(req, &expr);
    let result = if graphed {
        engine::range_query(
            store,
            src,
            &expr,
            times.start_ms,
            times.end_ms,
            times.step_ms,
            &opts,
        )
    } else {
        engine::instant_query(store, src, &expr, req.end_ms, &opts)
    };
    let out = match result {
        Ok(out) => out,
        Err(e) => {
            return Outcome::error_only(&format!("error executing query: {}", e.message));
        }
    };
    let mut outcome = Outcome {
        hints: hint_list,
        notes: out.annotations.messages(),
        ..Outcome::default()
    };
    outcome.rows = table_rows(&out.value);
    outcome.histograms = has_histograms(&out.value);
    if let Value::Matrix(m) = &out.value {
        outcome.series = chart_series(m, series_name);
    }
    let n = outcome.rows.len();
    if n == 0 {
        outcome.empty = explain_empty(store, src, &expr, times, &opts);
    }
    outcome.summary = result_count(n);
    outcome
}

/// Whether `req` graphs `expr` (a scalar or instant vector in the Graph tab), and
/// the times it is evaluated at: the graph's range, aligned down to the step, or
/// the table's instant. The in-page store and a Prometheus server alike.
pub fn times_for(req: &Request, expr: &Expr) -> (bool, Times) {
    let graphed = req.tab == Tab::Graph
        && matches!(
            promql::value_type(expr),
            promql::ValueType::Scalar | promql::ValueType::InstantVector
        );
    if !graphed {
        return (false, Times::instant(req.end_ms));
    }
    let step = req.step_ms.max(1);
    let end = req.end_ms - req.end_ms.rem_euclid(step);
    (
        true,
        Times {
            start_ms: end - req.range_ms,
            end_ms: end,
            step_ms: step,
        },
    )
}

/// The summary line of a result: "1 result", "12 results".
pub fn result_count(n: usize) -> String {
    format!("{n} {}", if n == 1 { "result" } else { "results" })
}

/// A value with how long it took to compute. Equal values compare equal whatever
/// the time, so a memo holding one wakes its views only when the value changed.
#[derive(Clone, Debug, Default)]
pub struct Timed<T> {
    pub value: T,
    pub ms: f64,
}

impl<T: PartialEq> PartialEq for Timed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> Timed<T> {
    /// Runs `f`, timing it with `clock` (milliseconds).
    pub fn measure(clock: fn() -> f64, f: impl FnOnce() -> T) -> Timed<T> {
        let started = clock();
        let value = f();
        Timed {
            value,
            ms: clock() - started,
        }
    }
}

fn flatten(
    node: &ExplainNode,
    depth: usize,
    out: &mut Vec<ExplainRow>,
    result: &dyn Fn(&str) -> String,
) {
    out.push(ExplainRow {
        depth,
        text: node.text.clone(),
        sentence: node.sentence.clone(),
        result: result(&node.text),
    });
    for c in &node.children {
        flatten(c, depth + 1, out, result);
    }
}

/// What a sub-expression gives on its own at `t_ms`.
fn describe_result(store: &Head, text: &str, t_ms: i64, opts: &Options) -> String {
    let Ok(e) = promql::parse(text) else {
        return "does not parse on its own".into();
    };
    match engine::instant_query(store, text, &e, t_ms, opts) {
        Ok(out) => match out.value {
            Value::Scalar(p) => format!("scalar {}", crate::gofmt::go_float(p.v)),
            Value::String { .. } => "a string".into(),
            Value::Vector(v) => format!("{} series", v.len()),
            Value::Matrix(m) => format!("{} series (range)", m.len()),
        },
        Err(e) => format!("error: {}", e.message),
    }
}
