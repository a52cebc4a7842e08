//! Running a query against the playground's store: parse, evaluate as an instant
//! or a range query, and shape the result for the table and the graph.

use crate::promql::engine::{self, Options, Value};
use crate::promql::{self, ParseError};
use crate::tsdb::Head;
use crate::ui::chart::Series;

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

/// Points per graph: range / 250 is Prometheus UI's "medium" resolution.
const GRAPH_POINTS: i64 = 250;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Table,
    Graph,
}

pub struct Request {
    pub expr: String,
    pub view: View,
    pub range_ms: i64,
    pub now_ms: i64,
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

/// One table row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub labels: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Outcome {
    pub error: Option<QueryError>,
    /// Warnings and infos, as the engine words them.
    pub notes: Vec<String>,
    pub rows: Vec<Row>,
    pub series: Vec<Series>,
    /// "12 series, 3 ms"-style line.
    pub summary: String,
}

impl Outcome {
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

fn now() -> f64 {
    crate::ui::browser::now_ms()
}

/// The source line of a parse error with `^~~~` under its span.
fn caret_context(src: &str, e: &ParseError) -> String {
    let line_text = src.lines().nth(e.line - 1).unwrap_or("");
    let width = src
        .get(e.span.start..e.span.end)
        .map_or(1, |s| s.chars().count().max(1));
    format!(
        "{line_text}\n{}^{}",
        " ".repeat(e.col - 1),
        "~".repeat(width - 1)
    )
}

pub fn evaluate(store: &Head, req: &Request) -> Outcome {
    let src = req.expr.trim_end();
    if src.trim().is_empty() {
        return Outcome {
            summary: "Type an expression and press Execute.".into(),
            ..Outcome::default()
        };
    }
    let expr = match promql::parse(src) {
        Ok(e) => e,
        Err(e) => {
            return Outcome {
                error: Some(QueryError {
                    message: format!(
                        "parse error at line {}, column {}: {}",
                        e.line, e.col, e.message
                    ),
                    context: caret_context(src, &e),
                    span: Some((e.span.start, e.span.end)),
                }),
                ..Outcome::default()
            };
        }
    };
    let opts = Options {
        clock: Some(now),
        timeout_ms: Some(10_000.0),
        ..Options::default()
    };
    let started = now();
    let step = (req.range_ms / GRAPH_POINTS).max(1_000);
    let end = req.now_ms - req.now_ms.rem_euclid(step);
    let result = match req.view {
        View::Table => engine::instant_query(store, src, &expr, req.now_ms, &opts),
        View::Graph => match promql::value_type(&expr) {
            promql::ValueType::Scalar | promql::ValueType::InstantVector => {
                engine::range_query(store, src, &expr, end - req.range_ms, end, step, &opts)
            }
            _ => engine::instant_query(store, src, &expr, req.now_ms, &opts),
        },
    };
    let elapsed = now() - started;
    let out = match result {
        Ok(out) => out,
        Err(e) => {
            return Outcome::error_only(&format!("error executing query: {}", e.message));
        }
    };
    let mut outcome = Outcome {
        notes: out
            .annotations
            .warnings
            .iter()
            .chain(&out.annotations.infos)
            .cloned()
            .collect(),
        ..Outcome::default()
    };
    let fmt = engine::format_value;
    match out.value {
        Value::Scalar(p) => outcome.rows.push(Row {
            labels: "scalar".into(),
            value: fmt(p.v),
        }),
        Value::String { s, .. } => outcome.rows.push(Row {
            labels: "string".into(),
            value: s,
        }),
        Value::Vector(v) => outcome.rows.extend(v.iter().map(|s| Row {
            labels: s.labels.to_string(),
            value: fmt(s.v),
        })),
        Value::Matrix(m) => {
            for s in &m {
                let name = s.labels.to_string();
                outcome.rows.push(Row {
                    labels: name.clone(),
                    value: s
                        .points
                        .iter()
                        .map(|p| format!("{} @{}", fmt(p.v), p.t as f64 / 1e3))
                        .collect::<Vec<_>>()
                        .join("\n"),
                });
                outcome.series.push(Series {
                    name: if name.is_empty() { "{}".into() } else { name },
                    points: s.points.iter().map(|p| (p.t as f64 / 1e3, p.v)).collect(),
                });
            }
        }
    }
    let n = outcome.rows.len();
    outcome.summary = format!(
        "{n} {}, evaluated in {elapsed:.1} ms",
        if n == 1 { "result" } else { "results" }
    );
    outcome
}
