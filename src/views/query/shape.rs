//! A query's value shaped for what shows it: rows for the Query pane's table,
//! series for a chart (the Query pane's graph and the dashboard's panels), and
//! the text promtool prints (`promplay query --format promql`). One place decides
//! how labels, values and timestamps read.

use crate::gofmt::{go_f, go_float, go_g};
use crate::histogram::FloatHistogram;
use crate::promql::engine::{Series, Value};
use crate::tsdb::Labels;
use crate::views::chart::{ChartSeries, native_bucket_series};

/// One table row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub labels: String,
    pub value: String,
}

/// A Unix time in ms as seconds, the shortest decimal that reads back the same
/// (Go's `FormatFloat(t, 'f', -1, 64)`, as Prometheus prints timestamps).
pub fn seconds(t_ms: i64) -> String {
    go_float(t_ms as f64 / 1e3)
}

/// A native histogram as the Prometheus client model prints it
/// (`SampleHistogram.String()`): `Count: 24.000000, Sum: 3.500000, Buckets:
/// [(0.5,1]:2 (1,2]:3]`, buckets with observations only.
pub fn histogram_text(h: &FloatHistogram) -> String {
    let buckets: Vec<String> = h
        .all_bucket_iter()
        .filter(|b| b.count != 0.0)
        .map(|b| {
            format!(
                "{}{},{}{}:{}",
                if b.lower_inclusive { '[' } else { '(' },
                go_g(b.lower),
                go_g(b.upper),
                if b.upper_inclusive { ']' } else { ')' },
                go_float(b.count)
            )
        })
        .collect();
    format!(
        "Count: {}, Sum: {}, Buckets: [{}]",
        go_f(h.count),
        go_f(h.sum),
        buckets.join(" ")
    )
}

/// The value as Prometheus's UI table lists it: a row per sample (a range
/// vector's row holds `value @time` lines), `scalar` and `string` rows.
pub fn table_rows(value: &Value) -> Vec<Row> {
    match value {
        Value::Scalar(p) => vec![Row {
            labels: "scalar".into(),
            value: go_float(p.v),
        }],
        Value::String { s, .. } => vec![Row {
            labels: "string".into(),
            value: s.clone(),
        }],
        Value::Vector(v) => v
            .iter()
            .map(|s| Row {
                labels: s.labels.to_string(),
                value: match &s.h {
                    Some(h) => histogram_text(h),
                    None => go_float(s.v),
                },
            })
            .collect(),
        Value::Matrix(m) => m
            .iter()
            .map(|s| Row {
                labels: s.labels.to_string(),
                value: timed_values(s, " @")
                    .into_iter()
                    .map(|(_, text)| text)
                    .collect::<Vec<_>>()
                    .join("\n"),
            })
            .collect(),
    }
}

/// A series' float and histogram points in time order, each as `value<at>time`
/// (`at` is ` @` for the table, ` @[` for promtool's text, which closes it).
fn timed_values(s: &Series, at: &str) -> Vec<(i64, String)> {
    let close = if at.ends_with('[') { "]" } else { "" };
    let mut out: Vec<(i64, String)> = s
        .points
        .iter()
        .map(|p| (p.t, format!("{}{at}{}{close}", go_float(p.v), seconds(p.t))))
        .chain(s.histograms.iter().map(|p| {
            (
                p.t,
                format!("{}{at}{}{close}", histogram_text(&p.h), seconds(p.t)),
            )
        }))
        .collect();
    crate::sort::sort_by_key(&mut out[..], |(t, _)| *t);
    out
}

/// A series' name where no legend template names it: its labels, `{}` when none.
pub fn series_name(labels: &Labels) -> String {
    if labels.is_empty() {
        "{}".into()
    } else {
        labels.to_string()
    }
}

/// A matrix as chart series (times in seconds), each named by `name`. A series of
/// native histograms becomes one `le` series per bucket bound (see
/// [`native_bucket_series`]), which the heatmap draws.
pub fn chart_series(matrix: &[Series], name: impl Fn(&Labels) -> String) -> Vec<ChartSeries> {
    let mut out = Vec::with_capacity(matrix.len());
    for s in matrix {
        if !s.points.is_empty() || s.histograms.is_empty() {
            out.push(ChartSeries {
                name: name(&s.labels),
                labels: s.labels.to_vec(),
                points: s.points.iter().map(|p| (p.t as f64 / 1e3, p.v)).collect(),
            });
        }
        out.extend(native_bucket_series(
            &name(&s.labels),
            &s.labels.to_vec(),
            &s.histograms,
        ));
    }
    out
}

/// Whether the value holds native histograms (the graph then shows a heatmap).
pub fn has_histograms(value: &Value) -> bool {
    match value {
        Value::Vector(v) => v.iter().any(|s| s.h.is_some()),
        Value::Matrix(m) => m.iter().any(|s| !s.histograms.is_empty()),
        _ => false,
    }
}

/// The value as `promtool query` prints it by default (Prometheus's client model
/// `String()` forms): `labels => value @[time]` per sample, `labels =>` then a
/// `value @[time]` line per point for a matrix, `scalar: value @[time]`, and a
/// string as itself. Ends with a newline unless empty.
pub fn promtool_text(value: &Value) -> String {
    let pair = |v: f64, t: i64| format!("{} @[{}]", go_float(v), seconds(t));
    let lines: Vec<String> = match value {
        Value::Scalar(p) => vec![format!("scalar: {}", pair(p.v, p.t))],
        Value::String { s, .. } => vec![s.clone()],
        Value::Vector(v) => v
            .iter()
            .map(|s| match &s.h {
                Some(h) => format!(
                    "{} => {} @[{}]",
                    series_name(&s.labels),
                    histogram_text(h),
                    seconds(s.t)
                ),
                None => format!("{} => {}", series_name(&s.labels), pair(s.v, s.t)),
            })
            .collect(),
        Value::Matrix(m) => m
            .iter()
            .map(|s| {
                let points: Vec<String> =
                    timed_values(s, " @[").into_iter().map(|(_, p)| p).collect();
                format!("{} =>\n{}", series_name(&s.labels), points.join("\n"))
            })
            .collect(),
    };
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text
}
