//! OpenMetrics 1.0.0 text, as client_python's `openmetrics.exposition.generate_latest`
//! writes it: HELP, TYPE, UNIT (when set), every sample in order with its timestamp
//! and exemplar, and a final `# EOF`.

use super::format::{
    escape_metric_name, escape_quoted, openmetrics_timestamp, write_float_to_go_string,
};
use super::{EncodeError, EncodeOptions, write_labels, write_series};
use crate::expo::model::{Exemplar, MetricFamily, MetricType, Sample};

/// Encodes with default options; a misplaced exemplar (see [`encode_with`]) is left out.
pub fn encode(families: &[MetricFamily]) -> String {
    encode_inner(families, EncodeOptions::default(), ExemplarPolicy::Drop).unwrap_or_default()
}

/// Encodes with explicit options; an exemplar on a sample that OpenMetrics does not
/// allow one on (anything but a counter's `_total` or a histogram's `_bucket`) is an
/// error, as in client_python.
pub fn encode_with(
    families: &[MetricFamily],
    options: EncodeOptions,
) -> Result<String, EncodeError> {
    encode_inner(families, options, ExemplarPolicy::Reject)
}

#[derive(Clone, Copy, PartialEq)]
enum ExemplarPolicy {
    Drop,
    Reject,
}

fn encode_inner(
    families: &[MetricFamily],
    options: EncodeOptions,
    policy: ExemplarPolicy,
) -> Result<String, EncodeError> {
    let mut out = String::new();
    for family in families {
        let name = escape_metric_name(&family.name, options.escaping);
        if let Some(help) = &family.help {
            out.push_str(&format!("# HELP {name} {}\n", escape_quoted(help)));
        }
        out.push_str(&format!(
            "# TYPE {name} {}\n",
            family.metric_type.openmetrics_name()
        ));
        if let Some(unit) = family.unit.as_deref().filter(|unit| !unit.is_empty()) {
            out.push_str(&format!("# UNIT {name} {unit}\n"));
        }
        for sample in &family.samples {
            let exemplar = match &sample.exemplar {
                Some(exemplar) if exemplar_allowed(family, sample) => Some(exemplar),
                Some(_) if policy == ExemplarPolicy::Reject => {
                    return Err(EncodeError::MisplacedExemplar {
                        family: family.name.clone(),
                        sample: sample.name.clone(),
                    });
                }
                _ => None,
            };
            write_sample(&mut out, sample, exemplar, options);
        }
    }
    out.push_str("# EOF\n");
    Ok(out)
}

/// OpenMetrics 1.0: exemplars only on counter totals and (gauge) histogram buckets.
fn exemplar_allowed(family: &MetricFamily, sample: &Sample) -> bool {
    match family.metric_type {
        MetricType::Counter => sample.name.ends_with("_total"),
        MetricType::Histogram | MetricType::GaugeHistogram => sample.name.ends_with("_bucket"),
        _ => false,
    }
}

fn write_sample(
    out: &mut String,
    sample: &Sample,
    exemplar: Option<&Exemplar>,
    options: EncodeOptions,
) {
    write_series(out, &sample.name, &sample.labels, options.escaping);
    out.push(' ');
    write_float_to_go_string(out, sample.value);
    if let Some(timestamp) = sample.timestamp {
        out.push(' ');
        out.push_str(&openmetrics_timestamp(timestamp));
    }
    if let Some(exemplar) = exemplar {
        out.push_str(" # {");
        write_labels(out, &exemplar.labels, options.escaping);
        out.push_str("} ");
        write_float_to_go_string(out, exemplar.value);
        if let Some(timestamp) = exemplar.timestamp {
            out.push(' ');
            out.push_str(&openmetrics_timestamp(timestamp));
        }
    }
    out.push('\n');
}
