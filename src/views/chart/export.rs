//! What a chart's downloads hold: the series as CSV, and the files' names.

use super::ChartSpec;

/// One CSV field, quoted when it holds a comma, a quote or a line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Every point of every series as `time,series,value` rows under that header:
/// time in Unix seconds (millisecond precision), the series' legend name, the
/// value as Prometheus prints it (`NaN`, `+Inf`).
pub fn to_csv(spec: &ChartSpec) -> String {
    let mut out = String::from("time,series,value\n");
    for (s, name) in spec.series.iter().zip(spec.names()) {
        let name = field(&name);
        for &(t, v) in &s.points {
            let v = crate::gofmt::go_float(v);
            out.push_str(&format!("{:.3},{name},{v}\n", t));
        }
    }
    out
}

/// A file name from `base`: letters, digits, `-`, `_` and `.` kept, the rest `_`.
pub fn file_name(base: &str, extension: &str) -> String {
    let stem: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = if stem.is_empty() {
        "chart".into()
    } else {
        stem
    };
    format!("{stem}.{extension}")
}
