//! What the metric-types lab shows, browser-free: each type's starting
//! declaration, a family's lines in the lab's exposition with the ones that
//! changed marked, and the two queries graphed beside it (the raw value, and how
//! fast it changes: `rate()` for what counts, `deriv()` for a gauge).

use crate::expo::model::MetricType;

/// A type's first declaration: (name, help, bounds), as a tutorial would write it.
pub fn starting_declaration(kind: MetricType) -> (&'static str, &'static str, &'static str) {
    match kind {
        MetricType::Counter => ("demo_events", "Events seen.", ""),
        MetricType::Gauge => ("demo_queue_size", "Items waiting in the queue.", ""),
        MetricType::Histogram => (
            "demo_latency_seconds",
            "How long a request took.",
            "0.1, 0.25, 0.5, 1, 2.5",
        ),
        _ => (
            "demo_payload_bytes",
            "Size of the payloads received.",
            "0.5, 0.9, 0.99",
        ),
    }
}

/// The sample name a query uses for `name` of `kind` (a counter's `_total`, a
/// histogram's or summary's `_count`).
fn series(kind: MetricType, name: &str) -> String {
    match kind {
        MetricType::Counter => format!("{}_total", name.strip_suffix("_total").unwrap_or(name)),
        MetricType::Histogram | MetricType::Summary => format!("{name}_count"),
        _ => name.to_string(),
    }
}

/// The raw value's query and its rate of change's query, with their titles.
pub fn graph_queries(kind: MetricType, name: &str) -> [(String, String); 2] {
    let s = series(kind, name);
    let change = match kind {
        // A gauge's rate of change: rate() assumes a counter (resets) and is wrong for one.
        MetricType::Gauge => (
            format!("deriv({s}[1m])"),
            format!("deriv({s}[1m]): change per second"),
        ),
        _ => (
            format!("rate({s}[1m])"),
            format!("rate({s}[1m]): per second"),
        ),
    };
    [(s.clone(), format!("{s}: the raw value")), change]
}

/// The lines of family `name` in an exposition (its comments and samples),
/// each with whether it differs from `before`'s lines.
pub fn family_lines(text: &str, name: &str, before: &[String]) -> Vec<(String, bool)> {
    let base = name.strip_suffix("_total").unwrap_or(name);
    let ours = |line: &str| {
        let sample = line
            .strip_prefix("# HELP ")
            .or_else(|| line.strip_prefix("# TYPE "))
            .or_else(|| line.strip_prefix("# UNIT "))
            .unwrap_or(line);
        let metric = sample.split(['{', ' ']).next().unwrap_or("");
        metric == base
            || ["_total", "_created", "_bucket", "_count", "_sum"]
                .iter()
                .any(|suffix| metric.strip_suffix(suffix) == Some(base))
    };
    text.lines()
        .filter(|l| ours(l))
        .map(|l| (l.to_string(), !before.iter().any(|b| b == l)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_a_family_with_changes_marked() {
        let text = "# HELP demo_events_total Events seen.\n# TYPE demo_events_total counter\ndemo_events_total 2.0\ndemo_events_created 1.7e9\n# HELP other x\nother 1.0\n";
        let before = vec![
            "demo_events_total 1.0".to_string(),
            "# TYPE demo_events_total counter".to_string(),
        ];
        let lines = family_lines(text, "demo_events", &before);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[1], ("# TYPE demo_events_total counter".into(), false));
        assert_eq!(lines[2], ("demo_events_total 2.0".into(), true));
    }

    #[test]
    fn each_type_is_graphed_with_its_own_rate_of_change() {
        assert_eq!(
            graph_queries(MetricType::Counter, "demo_events")[1].0,
            "rate(demo_events_total[1m])"
        );
        assert_eq!(graph_queries(MetricType::Gauge, "q")[1].0, "deriv(q[1m])");
        assert_eq!(graph_queries(MetricType::Histogram, "h")[0].0, "h_count");
        assert_eq!(
            starting_declaration(MetricType::Summary).0,
            "demo_payload_bytes"
        );
    }
}
