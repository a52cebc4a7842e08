//! OpenMetrics 1.0.0 text, as client_python's `openmetrics.exposition.generate_latest`
//! writes it: HELP, TYPE, UNIT (when set), every sample in order with its timestamp
//! and exemplar, and a final `# EOF`. Native histogram samples are written only for
//! the 2.0 draft (`encode_version`, as client_python with `version=2.0.0`), in the
//! syntax of `native`, with all their exemplars; OpenMetrics 1.0 leaves them out.

use super::format::{
    escape_metric_name, escape_quoted, openmetrics_timestamp, write_float_to_go_string,
};
use super::{EncodeError, EncodeOptions, native, write_labels, write_series};
use crate::expo::OpenMetricsVersion;
use crate::expo::model::{Exemplar, MetricFamily, MetricType, Sample};

/// Encodes OpenMetrics 1.0 with default options; a misplaced exemplar (see
/// [`encode_with`]) is left out.
pub fn encode(families: &[MetricFamily]) -> String {
    encode_inner(
        families,
        EncodeOptions::default(),
        OpenMetricsVersion::V1,
        ExemplarPolicy::Drop,
    )
    .unwrap_or_default()
}

/// Encodes with explicit options; an exemplar on a sample that OpenMetrics does not
/// allow one on (anything but a counter's `_total` or a histogram's `_bucket`) is an
/// error, as in client_python.
pub fn encode_with(
    families: &[MetricFamily],
    options: EncodeOptions,
) -> Result<String, EncodeError> {
    encode_inner(
        families,
        options,
        OpenMetricsVersion::V1,
        ExemplarPolicy::Reject,
    )
}

/// [`encode_with`] for an OpenMetrics `version`: the 2.0 draft writes native
/// histograms (a float histogram with fractional counts is an error).
pub fn encode_version(
    families: &[MetricFamily],
    options: EncodeOptions,
    version: OpenMetricsVersion,
) -> Result<String, EncodeError> {
    encode_inner(families, options, version, ExemplarPolicy::Reject)
}

#[derive(Clone, Copy, PartialEq)]
enum ExemplarPolicy {
    Drop,
    Reject,
}

fn encode_inner(
    families: &[MetricFamily],
    options: EncodeOptions,
    version: OpenMetricsVersion,
    policy: ExemplarPolicy,
) -> Result<String, EncodeError> {
    let mut out = String::with_capacity(super::text_capacity(families));
    for family in families {
        write_metadata(&mut out, family, options);
        for sample in &family.samples {
            if let Some(histogram) = &sample.native {
                if version == OpenMetricsVersion::V2Draft
                    && !write_native_sample(&mut out, sample, histogram, options)
                    && policy == ExemplarPolicy::Reject
                {
                    return Err(EncodeError::FractionalNativeCounts {
                        family: family.name.clone(),
                    });
                }
                continue;
            }
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

/// A family's `# HELP`, `# TYPE` and `# UNIT` lines.
fn write_metadata(out: &mut String, family: &MetricFamily, options: EncodeOptions) {
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
}

/// [`encode`] for families written over and over (a target scraped every
/// interval): the text of each family's metadata and of each sample's
/// `name{labels} ` is kept from the last encoding, and reused for a family the
/// collector reports unchanged but for its values. Keep one per collection, and
/// [`Reencoder::forget`] when that collection was encoded some other way.
#[derive(Clone, Debug, Default)]
pub struct Reencoder {
    families: Vec<FamilyText>,
}

/// One family's text but its values.
#[derive(Clone, Debug, Default)]
struct FamilyText {
    metadata: String,
    /// Each sample's `name{labels} `, one after another.
    series: String,
    /// Where each sample's text ends in `series`.
    ends: Vec<usize>,
    /// Each sample's last value and its text: many values do not change from one
    /// scrape to the next (`_created`, quiet buckets), and formatting a float
    /// costs more than comparing it.
    values: Vec<ValueText>,
}

/// A value and how `write_float_to_go_string` wrote it (`len` 0: not yet).
#[derive(Clone, Copy, Debug, Default)]
struct ValueText {
    bits: u64,
    len: u8,
    text: [u8; 32],
}

impl ValueText {
    /// Writes `value` as Go prints it, from the text kept for the same value.
    fn write(&mut self, out: &mut String, value: f64) {
        let bits = value.to_bits();
        if self.len > 0 && self.bits == bits {
            // Only ever copied from what `write_float_to_go_string` wrote: ASCII.
            out.push_str(std::str::from_utf8(&self.text[..self.len as usize]).unwrap_or_default());
            return;
        }
        let start = out.len();
        write_float_to_go_string(out, value);
        let written = &out.as_bytes()[start..];
        self.len = 0;
        if written.len() <= self.text.len() {
            self.bits = bits;
            self.text[..written.len()].copy_from_slice(written);
            self.len = written.len() as u8;
        }
    }
}

impl FamilyText {
    fn rewrite(&mut self, family: &MetricFamily, options: EncodeOptions) {
        self.metadata.clear();
        write_metadata(&mut self.metadata, family, options);
        self.series.clear();
        self.ends.clear();
        for sample in &family.samples {
            write_series(
                &mut self.series,
                &sample.name,
                &sample.labels,
                options.escaping,
            );
            self.series.push(' ');
            self.ends.push(self.series.len());
        }
        self.values.clear();
        self.values
            .resize(family.samples.len(), ValueText::default());
    }
}

impl Reencoder {
    /// What [`encode`] gives for `families`, where `same_series[i]` says family `i`
    /// has the metadata and series (names, labels, order) it had when this
    /// encoder last encoded (as `client::Collection` tells).
    pub fn encode(&mut self, families: &[MetricFamily], same_series: &[bool]) -> String {
        let options = EncodeOptions::default();
        let mut out = String::with_capacity(super::text_capacity(families));
        self.families
            .resize_with(families.len(), FamilyText::default);
        for (i, (family, text)) in families.iter().zip(&mut self.families).enumerate() {
            let same = same_series.get(i) == Some(&true) && text.ends.len() == family.samples.len();
            if !same {
                text.rewrite(family, options);
            }
            out.push_str(&text.metadata);
            let mut start = 0;
            let kept = text.ends.iter().zip(&mut text.values);
            for (sample, (&end, value)) in family.samples.iter().zip(kept) {
                let series = &text.series[start..end];
                start = end;
                // OpenMetrics 1.0 has no native histograms: as `encode`.
                if sample.native.is_some() {
                    continue;
                }
                out.push_str(series);
                value.write(&mut out, sample.value);
                let exemplar = sample
                    .exemplar
                    .as_ref()
                    .filter(|_| exemplar_allowed(family, sample));
                write_after_value(&mut out, sample, exemplar, options);
            }
        }
        out.push_str("# EOF\n");
        out
    }

    /// Forgets every family's text: the next encoding writes them all.
    pub fn forget(&mut self) {
        self.families.clear();
    }
}

/// OpenMetrics 1.0: exemplars only on counter totals and (gauge) histogram buckets.
fn exemplar_allowed(family: &MetricFamily, sample: &Sample) -> bool {
    match family.metric_type {
        MetricType::Counter => sample.name.ends_with("_total"),
        MetricType::Histogram | MetricType::GaugeHistogram => sample.name.ends_with("_bucket"),
        _ => false,
    }
}

/// The 2.0 draft's native histogram line; false (nothing written) if the value cannot be.
fn write_native_sample(
    out: &mut String,
    sample: &Sample,
    histogram: &crate::expo::model::NativeHistogram,
    options: EncodeOptions,
) -> bool {
    let start = out.len();
    write_series(out, &sample.name, &sample.labels, options.escaping);
    out.push(' ');
    if !native::write_value(out, histogram) {
        out.truncate(start);
        return false;
    }
    if let Some(timestamp) = sample.timestamp {
        out.push(' ');
        out.push_str(&openmetrics_timestamp(timestamp));
    }
    for exemplar in sample.exemplar.iter().chain(&sample.extra_exemplars) {
        write_exemplar(out, exemplar, options);
    }
    out.push('\n');
    true
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
    write_after_value(out, sample, exemplar, options);
}

/// What follows a sample's value: timestamp, exemplar, newline.
fn write_after_value(
    out: &mut String,
    sample: &Sample,
    exemplar: Option<&Exemplar>,
    options: EncodeOptions,
) {
    if let Some(timestamp) = sample.timestamp {
        out.push(' ');
        out.push_str(&openmetrics_timestamp(timestamp));
    }
    if let Some(exemplar) = exemplar {
        write_exemplar(out, exemplar, options);
    }
    out.push('\n');
}

/// ` # {labels} value [timestamp]`.
fn write_exemplar(out: &mut String, exemplar: &Exemplar, options: EncodeOptions) {
    out.push_str(" # {");
    write_labels(out, &exemplar.labels, options.escaping);
    out.push_str("} ");
    write_float_to_go_string(out, exemplar.value);
    if let Some(timestamp) = exemplar.timestamp {
        out.push(' ');
        out.push_str(&openmetrics_timestamp(timestamp));
    }
}
