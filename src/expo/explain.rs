//! Explanations, in words, of what one line of exposition text means: what the
//! Inspect and Exposition panes show when a line is clicked.

use crate::expo::textparse::{LineKind, Parsed};
use crate::expo::{MetricFamily, MetricType, Sample, Timestamp};

/// Explains line `line` (1-based) of a parsed document.
pub fn explain_line(parsed: &Parsed, line: usize) -> String {
    let Some(kind) = line.checked_sub(1).and_then(|i| parsed.lines.get(i)) else {
        return format!("There is no line {line}.");
    };
    match *kind {
        LineKind::Blank => {
            "An empty line. Text 0.0.4 ignores it; OpenMetrics does not allow blank lines.".into()
        }
        LineKind::Comment => {
            "A comment: Prometheus ignores it (only # HELP and # TYPE lines mean something).".into()
        }
        LineKind::Eof => "# EOF ends an OpenMetrics document; nothing may follow it.".into(),
        LineKind::Error => {
            let errors: Vec<String> = parsed
                .errors
                .iter()
                .filter(|e| e.line as usize == line)
                .map(|e| e.message())
                .collect();
            format!("This line could not be parsed: {}.", errors.join("; "))
        }
        LineKind::Help(f) => {
            let family = &parsed.families[f];
            format!(
                "HELP: the description of {} that tools show beside it: \u{201c}{}\u{201d}.",
                family.name,
                family.help.as_deref().unwrap_or("")
            )
        }
        LineKind::Type(f) => {
            let family = &parsed.families[f];
            format!(
                "TYPE: {} is {}",
                family.name,
                describe_type(family.metric_type)
            )
        }
        LineKind::Unit(f) => {
            let family = &parsed.families[f];
            format!(
                "UNIT: the values of {} are in {}. OpenMetrics requires the name to end with the unit.",
                family.name,
                family
                    .unit
                    .as_deref()
                    .filter(|u| !u.is_empty())
                    .unwrap_or("(no unit)")
            )
        }
        LineKind::Sample(f, s) => {
            explain_sample(&parsed.families[f], &parsed.families[f].samples[s])
        }
    }
}

fn describe_type(t: MetricType) -> &'static str {
    match t {
        MetricType::Counter => {
            "a counter: a count that only goes up, and starts again from 0 when the process restarts. Query its rate: rate(name[5m])."
        }
        MetricType::Gauge => {
            "a gauge: a value that goes up and down, read as it is (temperature, memory in use, queue length)."
        }
        MetricType::Histogram => {
            "a histogram: observations (often durations or sizes) counted into cumulative buckets, with their count and sum. Query quantiles with histogram_quantile(0.99, rate(name_bucket[5m]))."
        }
        MetricType::GaugeHistogram => {
            "a gauge histogram: buckets of a current distribution (not cumulative over time), like a histogram of queue item ages."
        }
        MetricType::Summary => {
            "a summary: observations summarised by the client into quantiles over a recent window, with their count and sum. Quantiles from several instances cannot be averaged."
        }
        MetricType::Info => {
            "an info metric: its value is always 1 and its labels carry the information (versions, build details)."
        }
        MetricType::StateSet => {
            "a state set: one series per state, 1 for the states that hold and 0 for the others."
        }
        MetricType::Unknown => "untyped: the exposer did not say what kind of value it is.",
    }
}

/// `0.25 s`, `512 bytes`, or the bare number when the unit is not known.
fn with_unit(family: &MetricFamily, v: f64) -> String {
    let unit = family
        .unit
        .clone()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| {
            [
                "seconds", "bytes", "ratio", "celsius", "meters", "volts", "joules", "grams",
            ]
            .into_iter()
            .find(|u| family.name.ends_with(&format!("_{u}")))
            .unwrap_or("")
            .to_string()
        });
    let number = crate::gofmt::go_float(v);
    match unit.as_str() {
        "" => number,
        "seconds" => format!("{number} s"),
        other => format!("{number} {other}"),
    }
}

fn series_text(sample: &Sample) -> String {
    if sample.labels.is_empty() {
        sample.name.clone()
    } else {
        let labels: Vec<String> = sample
            .labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect();
        format!("{}{{{}}}", sample.name, labels.join(","))
    }
}

fn explain_sample(family: &MetricFamily, sample: &Sample) -> String {
    let suffix = sample.name.strip_prefix(family.name.as_str()).unwrap_or("");
    let v = sample.value;
    let name = &family.name;
    let mut text = match (family.metric_type, suffix) {
        (MetricType::Counter, "_total") | (MetricType::Counter, "") => format!(
            "Counter sample: {} has counted {} since the process started (or its last restart). The number itself rarely matters: graph rate({}[5m]) for the per-second rate.",
            series_text(sample),
            crate::gofmt::go_float(v),
            sample.name
        ),
        (_, "_created") => format!(
            "Creation time of {name}'s series: {} (Unix seconds). It lets tools tell a restart from a counter that was never incremented.",
            crate::gofmt::go_float(v)
        ),
        (MetricType::Histogram | MetricType::GaugeHistogram, "_bucket") => {
            let le = sample.label("le").unwrap_or("?");
            let bound = le
                .parse::<f64>()
                .map(|b| with_unit(family, b))
                .unwrap_or_else(|_| le.to_string());
            if le == "+Inf" {
                format!(
                    "Histogram bucket +Inf: all {} observations of {name}; it always equals {name}_count.",
                    crate::gofmt::go_float(v)
                )
            } else {
                format!(
                    "Histogram bucket: {} observations of {name} were \u{2264} {bound}. Buckets are cumulative: each counts everything at or below its bound, and the +Inf bucket equals _count.",
                    crate::gofmt::go_float(v)
                )
            }
        }
        (_, "_count") | (_, "_gcount") => format!(
            "Count: {} observations of {name} so far. rate({}[5m]) is the number of observations per second.",
            crate::gofmt::go_float(v),
            sample.name
        ),
        (_, "_sum") | (_, "_gsum") => format!(
            "Sum of every observed value of {name}: {}. Divide by the count for the mean: rate({name}_sum[5m]) / rate({name}_count[5m]).",
            with_unit(family, v)
        ),
        (MetricType::Summary, "") => {
            let q = sample.label("quantile").unwrap_or("?");
            let described = match q {
                "0.5" => "the median".to_string(),
                "0" => "the minimum".to_string(),
                "1" => "the maximum".to_string(),
                _ => q
                    .parse::<f64>()
                    .map(|p| format!("the {}th percentile", p * 100.0))
                    .unwrap_or_else(|_| q.to_string()),
            };
            format!(
                "Summary quantile {q}: {described} of {name} over the client's recent window is {}. Computed in the client, so it cannot be aggregated across instances.",
                with_unit(family, v)
            )
        }
        (MetricType::Info, _) => {
            let labels: Vec<String> = sample
                .labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            format!(
                "Info: {name} says {}. The value is always 1.",
                labels.join(", ")
            )
        }
        (MetricType::StateSet, _) => format!(
            "State set: the state {:?} of {name} is {}.",
            sample.label(name).unwrap_or("?"),
            if v == 1.0 { "on" } else { "off" }
        ),
        (MetricType::Gauge, _) => format!(
            "Gauge sample: {} is {} right now.",
            series_text(sample),
            with_unit(family, v)
        ),
        _ => format!(
            "Sample: {} is {} (the type is not declared).",
            series_text(sample),
            crate::gofmt::go_float(v)
        ),
    };
    if let Some(ts) = sample.timestamp {
        text.push_str(&format!(
            " It carries its own timestamp ({} ms since 1970); Prometheus normally stamps samples with the scrape time instead.",
            ts.as_millis()
        ));
    }
    if let Some(exemplar) = &sample.exemplar {
        let labels: Vec<String> = exemplar
            .labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect();
        text.push_str(&format!(
            " Exemplar: one real event behind this value ({{{}}}, value {}{}), e.g. a trace to open.",
            labels.join(","),
            crate::gofmt::go_float(exemplar.value),
            exemplar.timestamp.map(|t: Timestamp| format!(", at {} s", t.as_seconds())).unwrap_or_default()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expo::textparse::{Format, ParseOptions, parse};

    fn explain(input: &str, line: usize) -> String {
        let parsed = parse(
            input.as_bytes(),
            ParseOptions {
                format: None,
                strict: true,
            },
        );
        explain_line(&parsed, line)
    }

    #[test]
    fn histogram_bucket_is_explained_with_its_bound_and_unit() {
        let doc = "# TYPE http_request_duration_seconds histogram\nhttp_request_duration_seconds_bucket{le=\"0.25\"} 42\nhttp_request_duration_seconds_bucket{le=\"+Inf\"} 50\n";
        assert_eq!(
            explain(doc, 2),
            "Histogram bucket: 42 observations of http_request_duration_seconds were \u{2264} 0.25 s. Buckets are cumulative: each counts everything at or below its bound, and the +Inf bucket equals _count."
        );
        assert!(explain(doc, 3).contains("it always equals http_request_duration_seconds_count"));
        assert!(explain(doc, 1).starts_with("TYPE: http_request_duration_seconds is a histogram"));
    }

    #[test]
    fn counters_gauges_errors_and_exemplars() {
        assert!(
            explain("# TYPE r_total counter\nr_total{code=\"200\"} 7\n", 2)
                .contains("rate(r_total[5m])")
        );
        assert!(
            explain("# TYPE m_bytes gauge\nm_bytes 512\n", 2).ends_with("is 512 bytes right now.")
        );
        assert!(
            explain("oops{ 1\n", 1)
                .starts_with("This line could not be parsed: expected a label name")
        );
        let om = "# TYPE r counter\nr_total 1 # {trace_id=\"x\"} 1\n# EOF\n";
        let parsed = parse(
            om.as_bytes(),
            ParseOptions {
                format: Some(Format::OpenMetrics),
                strict: true,
            },
        );
        assert!(explain_line(&parsed, 2).contains("Exemplar: one real event"));
        assert_eq!(
            explain_line(&parsed, 3),
            "# EOF ends an OpenMetrics document; nothing may follow it."
        );
        assert_eq!(explain_line(&parsed, 9), "There is no line 9.");
    }
}

/// A sensible PromQL query for graphing line `line` ("graph this"): a counter's
/// rate, a histogram's 95th percentile from its buckets (or its average from
/// `_sum`/`_count`), a gauge as it is. `None` for lines with no metric.
pub fn graph_query(parsed: &Parsed, line: usize) -> Option<String> {
    let kind = line.checked_sub(1).and_then(|i| parsed.lines.get(i))?;
    let (family, sample) = match *kind {
        LineKind::Sample(f, s) => (&parsed.families[f], Some(&parsed.families[f].samples[s])),
        LineKind::Help(f) | LineKind::Type(f) | LineKind::Unit(f) => (&parsed.families[f], None),
        _ => return None,
    };
    let selector = |name: &str, skip: &[&str]| {
        let labels: Vec<String> = sample
            .map(|s| {
                s.labels
                    .iter()
                    .filter(|(n, _)| !skip.contains(&n.as_str()))
                    .map(|(n, v)| {
                        format!("{n}=\"{}\"", crate::expo::encode::format::escape_quoted(v))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if labels.is_empty() {
            name.to_string()
        } else {
            format!("{name}{{{}}}", labels.join(", "))
        }
    };
    let base = family.name.as_str();
    let name = sample.map_or(base, |s| s.name.as_str());
    if name.ends_with("_created") {
        return Some(selector(name, &[]));
    }
    Some(match family.metric_type {
        MetricType::Counter => {
            let total = if name.ends_with("_total") {
                name.to_string()
            } else {
                format!("{base}_total")
            };
            let total = if sample.is_some() {
                name.to_string()
            } else {
                total
            };
            format!("rate({}[5m])", selector(&total, &[]))
        }
        MetricType::Histogram | MetricType::Summary => {
            if name.ends_with("_sum") || name.ends_with("_count") {
                let inner = |suffix: &str| {
                    format!("rate({}[5m])", selector(&format!("{base}{suffix}"), &[]))
                };
                if name.ends_with("_count") {
                    inner("_count")
                } else {
                    format!("{} / {}", inner("_sum"), inner("_count"))
                }
            } else if family.metric_type == MetricType::Histogram {
                format!(
                    "histogram_quantile(0.95, sum by (le) (rate({}[5m])))",
                    selector(&format!("{base}_bucket"), &["le"])
                )
            } else {
                selector(name, &[])
            }
        }
        _ => selector(name, &[]),
    })
}

#[cfg(test)]
mod graph_tests {
    use super::*;
    use crate::expo::textparse::{Format, ParseOptions, parse};

    #[test]
    fn graph_this_picks_a_sensible_query() {
        let text = "# TYPE req counter\nreq_total{path=\"/a\"} 3\n# TYPE lat histogram\nlat_bucket{le=\"0.1\",path=\"/a\"} 1\nlat_bucket{le=\"+Inf\",path=\"/a\"} 2\nlat_sum{path=\"/a\"} 0.3\nlat_count{path=\"/a\"} 2\n# TYPE mem gauge\nmem 5\n# EOF\n";
        let p = parse(
            text.as_bytes(),
            ParseOptions {
                format: Some(Format::OpenMetrics),
                strict: false,
            },
        );
        assert_eq!(
            graph_query(&p, 2).unwrap(),
            "rate(req_total{path=\"/a\"}[5m])"
        );
        assert_eq!(graph_query(&p, 1).unwrap(), "rate(req_total[5m])");
        assert_eq!(
            graph_query(&p, 4).unwrap(),
            "histogram_quantile(0.95, sum by (le) (rate(lat_bucket{path=\"/a\"}[5m])))"
        );
        assert_eq!(
            graph_query(&p, 6).unwrap(),
            "rate(lat_sum{path=\"/a\"}[5m]) / rate(lat_count{path=\"/a\"}[5m])"
        );
        assert_eq!(graph_query(&p, 9).unwrap(), "mem");
        assert_eq!(graph_query(&p, 10), None);
    }
}
