//! Prometheus text format 0.0.4, as client_python's `generate_latest` writes it.
//!
//! Canonical families are munged into 0.0.4's vocabulary: counters are named with
//! `_total`, info families with `_info` and typed gauge, statesets become gauges,
//! gauge histograms histograms, `unknown` is `untyped`; the OpenMetrics-only samples
//! `_created`, `_gcount` and `_gsum` move into gauge families written after their family.
//! Exemplars and units are not part of this format and are dropped.

use super::format::{escape_help_text, escape_metric_name, go_float, text_timestamp_millis};
use super::{EncodeOptions, series_prefix};
use crate::expo::model::{MetricFamily, MetricType, Sample};

/// The suffixes whose samples 0.0.4 writes as separate gauge families (sorted, as written).
const OPENMETRICS_ONLY_SUFFIXES: [&str; 3] = ["_created", "_gcount", "_gsum"];

/// Encodes with client_python's default options (names escaped with underscores).
pub fn encode(families: &[MetricFamily]) -> String {
    encode_with(families, EncodeOptions::default())
}

/// Encodes with explicit options (e.g. `NameEscaping::AllowUtf8`).
pub fn encode_with(families: &[MetricFamily], options: EncodeOptions) -> String {
    let mut out = String::new();
    for family in families {
        encode_family(&mut out, family, options);
    }
    out
}

/// The name and type word 0.0.4 declares for a canonical family.
fn text_name_and_type(family: &MetricFamily) -> (String, &'static str) {
    let name = &family.name;
    match family.metric_type {
        MetricType::Counter => (format!("{name}_total"), "counter"),
        MetricType::Info => (format!("{name}_info"), "gauge"),
        MetricType::StateSet | MetricType::Gauge => (name.clone(), "gauge"),
        MetricType::GaugeHistogram | MetricType::Histogram => (name.clone(), "histogram"),
        MetricType::Summary => (name.clone(), "summary"),
        MetricType::Unknown => (name.clone(), "untyped"),
    }
}

fn write_metadata(out: &mut String, name: &str, help: Option<&str>, type_word: &str, options: EncodeOptions) {
    let written_name = escape_metric_name(name, options.escaping);
    // client_python always has a docstring; a family without HELP (e.g. parsed) gets none.
    if let Some(help) = help {
        out.push_str(&format!("# HELP {written_name} {}\n", escape_help_text(help)));
    }
    out.push_str(&format!("# TYPE {written_name} {type_word}\n"));
}

fn sample_line(sample: &Sample, options: EncodeOptions) -> String {
    let prefix = series_prefix(&sample.name, &sample.labels, options.escaping);
    let timestamp = match sample.timestamp {
        Some(ts) => format!(" {}", text_timestamp_millis(ts)),
        None => String::new(),
    };
    format!("{prefix} {}{timestamp}\n", go_float(sample.value))
}

fn encode_family(out: &mut String, family: &MetricFamily, options: EncodeOptions) {
    let (name, type_word) = text_name_and_type(family);
    write_metadata(out, &name, family.help.as_deref(), type_word, options);

    let mut deferred: [Vec<String>; 3] = Default::default();
    for sample in &family.samples {
        let suffix_slot = OPENMETRICS_ONLY_SUFFIXES
            .iter()
            .position(|suffix| sample.name.strip_prefix(family.name.as_str()) == Some(suffix));
        match suffix_slot {
            Some(slot) => deferred[slot].push(sample_line(sample, options)),
            None => out.push_str(&sample_line(sample, options)),
        }
    }
    for (suffix, lines) in OPENMETRICS_ONLY_SUFFIXES.iter().zip(deferred) {
        if lines.is_empty() {
            continue;
        }
        let gauge_name = format!("{}{suffix}", family.name);
        write_metadata(out, &gauge_name, family.help.as_deref(), "gauge", options);
        lines.iter().for_each(|line| out.push_str(line));
    }
}
