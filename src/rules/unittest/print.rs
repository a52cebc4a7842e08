//! promtool's ways of printing what a test expected and got.

use crate::gofmt::go_e;
use crate::rules::file::go_quote;

/// Go's `labels.Labels.String()`: `{a="1", b="2"}` (the name is a label too).
pub fn labels_string(pairs: &[(String, String)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(n, v)| format!("{n}={}", go_quote(v)))
        .collect();
    format!("{{{}}}", inner.join(", "))
}

/// Prefixes every line but the first with `indent` (promtool's `indentLines`).
pub fn indent_lines(text: &str, indent: &str) -> String {
    text.split('\n')
        .collect::<Vec<_>>()
        .join(&format!("\n{indent}"))
}

/// An alert as promtool compares it: its labels and annotations.
pub type LabelsAndAnnotations = (Vec<(String, String)>, Vec<(String, String)>);

/// promtool's `labelsAndAnnotations.String()`.
pub fn alerts_string(alerts: &[LabelsAndAnnotations]) -> String {
    if alerts.is_empty() {
        return "[]".into();
    }
    let items: Vec<String> = alerts
        .iter()
        .enumerate()
        .map(|(i, (labels, annotations))| {
            let one = format!(
                "\nLabels:{}\nAnnotations:{}",
                labels_string(labels),
                labels_string(annotations)
            );
            format!("{i}:{}", indent_lines(&one, "  "))
        })
        .collect();
    format!("[\n{}\n]", items.join(",\n"))
}

/// promtool's `parsedSample`: labels, value, and a native histogram as its
/// `TestExpression()` (empty for a float).
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedSample {
    pub labels: Vec<(String, String)>,
    pub value: f64,
    pub histogram: String,
}

/// promtool's `parsedSamplesString`: `{__name__="x"} 1E+00, ...` (a histogram
/// as `{__name__="h"} {{count:2 sum:3}}`), or `nil`.
pub fn samples_string(samples: &[ParsedSample]) -> String {
    if samples.is_empty() {
        return "nil".into();
    }
    samples
        .iter()
        .map(|s| {
            let value = if s.histogram.is_empty() {
                go_e(s.value, -1, true)
            } else {
                s.histogram.clone()
            };
            format!("{} {value}", labels_string(&s.labels))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
