//! Prometheus text format 0.0.4, as client_python's `generate_latest` writes it.
//!
//! Canonical families are first named as 0.0.4 names them (`convert::to_text_families`:
//! counters with `_total`, `_created`/`_gcount`/`_gsum` as gauge families of their own,
//! ...), then written. Exemplars, units and native histograms are not part of this
//! format and are dropped.

use super::format::{
    escape_help_text, escape_metric_name, text_timestamp_millis, write_float_to_go_string,
};
use super::{EncodeOptions, write_series};
use crate::expo::convert::to_text_families;
use crate::expo::model::{MetricFamily, MetricType, Sample};

/// Encodes with client_python's default options (names escaped with underscores).
pub fn encode(families: &[MetricFamily]) -> String {
    encode_with(families, EncodeOptions::default())
}

/// Encodes with explicit options (e.g. `NameEscaping::AllowUtf8`).
pub fn encode_with(families: &[MetricFamily], options: EncodeOptions) -> String {
    let mut out = String::with_capacity(super::text_capacity(families));
    for family in to_text_families(families) {
        write_metadata(
            &mut out,
            &family.name,
            family.help.as_deref(),
            type_word(family.metric_type),
            options,
        );
        for sample in family.samples.iter().filter(|s| s.native.is_none()) {
            write_sample(&mut out, sample, options);
        }
    }
    out
}

/// The 0.0.4 type word of a family already named as text (`to_text_families`).
fn type_word(metric_type: MetricType) -> &'static str {
    match metric_type {
        MetricType::Counter => "counter",
        MetricType::Histogram | MetricType::GaugeHistogram => "histogram",
        MetricType::Summary => "summary",
        MetricType::Unknown => "untyped",
        MetricType::Gauge | MetricType::Info | MetricType::StateSet => "gauge",
    }
}

fn write_metadata(
    out: &mut String,
    name: &str,
    help: Option<&str>,
    type_word: &str,
    options: EncodeOptions,
) {
    let written_name = escape_metric_name(name, options.escaping);
    // client_python always has a docstring; a family without HELP (e.g. parsed) gets none.
    if let Some(help) = help {
        out.push_str(&format!(
            "# HELP {written_name} {}\n",
            escape_help_text(help)
        ));
    }
    out.push_str(&format!("# TYPE {written_name} {type_word}\n"));
}

fn write_sample(out: &mut String, sample: &Sample, options: EncodeOptions) {
    write_series(out, &sample.name, &sample.labels, options.escaping);
    out.push(' ');
    write_float_to_go_string(out, sample.value);
    if let Some(ts) = sample.timestamp {
        use std::fmt::Write;
        let _ = write!(out, " {}", text_timestamp_millis(ts));
    }
    out.push('\n');
}
