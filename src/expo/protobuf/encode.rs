//! Canonical families (`expo::model`) to messages, as client_golang writes them:
//! counters named `x_total`, one `Metric` per label set (a histogram's `_bucket`,
//! `_count`, `_sum`, `_created` and native sample share one, so classic buckets and
//! native fields travel together), optional fields set even when zero, the `+Inf`
//! bucket left out unless it has an exemplar, and a no-op span on an empty native
//! histogram with no zero bucket. Info families become gauges `x_info`, statesets
//! gauges, unknown UNTYPED; samples a type has no field for are left out.

use std::collections::HashMap;
use std::fmt;

use super::messages::{self as m, MetricType as PbType};
use super::write_delimited;
use crate::expo::model::NativeHistogram;
use crate::expo::{Exemplar, Labels, MetricFamily, MetricType, Sample, Timestamp};

/// Why families cannot be written as protobuf.
#[derive(Clone, Debug, PartialEq)]
pub enum EncodeError {
    /// Custom-bucket native histograms (schema -53) have no fields in `metrics.proto`.
    CustomBuckets { family: String },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::CustomBuckets { family } => write!(
                f,
                "{family}: native histograms with custom buckets cannot be written in the protobuf format"
            ),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Canonical families to the length-delimited stream.
pub fn encode(families: &[MetricFamily]) -> Result<Vec<u8>, EncodeError> {
    Ok(write_delimited(&encode_messages(families)?))
}

/// Canonical families to messages.
pub fn encode_messages(families: &[MetricFamily]) -> Result<Vec<m::MetricFamily>, EncodeError> {
    families.iter().map(family).collect()
}

/// The samples of one label set (the label that tells them apart removed).
struct Group {
    labels: Labels,
    timestamp: Option<i64>,
    samples: Vec<(Option<String>, Sample)>,
}

/// Groups samples by labels without `split` (`le`, `quantile`), in order of appearance.
fn group(samples: &[Sample], split: Option<&str>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<Labels, usize> = HashMap::new();
    for s in samples {
        let mut labels = s.labels.clone();
        let split_value = labels
            .iter()
            .position(|(n, _)| Some(n.as_str()) == split)
            .map(|i| labels.remove(i).1);
        let i = *index.entry(labels.clone()).or_insert_with(|| {
            groups.push(Group {
                labels,
                timestamp: None,
                samples: Vec::new(),
            });
            groups.len() - 1
        });
        let g = &mut groups[i];
        if g.timestamp.is_none() {
            g.timestamp = s.timestamp.map(Timestamp::as_millis);
        }
        g.samples.push((split_value, s.clone()));
    }
    groups
}

fn family(f: &MetricFamily) -> Result<m::MetricFamily, EncodeError> {
    let (name, pb_type) = match f.metric_type {
        MetricType::Counter => {
            // A counter whose samples carry the bare name (decoded from such) keeps it.
            let bare = f.samples.iter().any(|s| s.name == f.name);
            let name = if bare {
                f.name.clone()
            } else {
                format!("{}_total", f.name)
            };
            (name, PbType::Counter)
        }
        MetricType::Gauge | MetricType::StateSet => (f.name.clone(), PbType::Gauge),
        MetricType::Info => (format!("{}_info", f.name), PbType::Gauge),
        MetricType::Unknown => (f.name.clone(), PbType::Untyped),
        MetricType::Summary => (f.name.clone(), PbType::Summary),
        MetricType::Histogram => (f.name.clone(), PbType::Histogram),
        MetricType::GaugeHistogram => (f.name.clone(), PbType::GaugeHistogram),
    };
    let split = match pb_type {
        PbType::Summary => Some("quantile"),
        PbType::Histogram | PbType::GaugeHistogram => Some("le"),
        _ => None,
    };
    let created_name = format!("{}_created", f.name);
    let mut metrics = Vec::new();
    for g in group(&f.samples, split) {
        let mut metric = m::Metric {
            label: label_pairs(&g.labels),
            timestamp_ms: g.timestamp,
            ..Default::default()
        };
        let created = g
            .samples
            .iter()
            .find(|(_, s)| s.name == created_name)
            .map(|(_, s)| timestamp_from_seconds(s.value));
        match pb_type {
            PbType::Counter => {
                let Some((_, s)) = g.samples.iter().find(|(_, s)| s.name == name) else {
                    continue;
                };
                metric.counter = Some(m::Counter {
                    value: Some(s.value),
                    exemplar: s.exemplar.as_ref().map(exemplar),
                    created_timestamp: created,
                });
            }
            PbType::Gauge | PbType::Untyped => {
                // Several samples of one label set would be several metrics.
                for (_, s) in g.samples.iter().filter(|(_, s)| s.name == name) {
                    let mut one = metric.clone();
                    one.timestamp_ms = s.timestamp.map(Timestamp::as_millis);
                    if pb_type == PbType::Gauge {
                        one.gauge = Some(m::Gauge {
                            value: Some(s.value),
                        });
                    } else {
                        one.untyped = Some(m::Untyped {
                            value: Some(s.value),
                        });
                    }
                    metrics.push(one);
                }
                continue;
            }
            PbType::Summary => {
                let mut summary = m::Summary {
                    created_timestamp: created,
                    ..Default::default()
                };
                for (q, s) in &g.samples {
                    match s.name.strip_prefix(f.name.as_str()) {
                        Some("") => summary.quantile.push(m::Quantile {
                            quantile: q.as_deref().map(parse_float),
                            value: Some(s.value),
                        }),
                        Some("_sum") => summary.sample_sum = Some(s.value),
                        Some("_count") => summary.sample_count = Some(s.value as u64),
                        _ => {}
                    }
                }
                metric.summary = Some(summary);
            }
            PbType::Histogram | PbType::GaugeHistogram => {
                metric.histogram = Some(histogram(f, &g, created)?);
            }
        }
        metrics.push(metric);
    }
    Ok(m::MetricFamily {
        name: Some(name),
        help: f.help.clone(),
        r#type: Some(pb_type as i32),
        metric: metrics,
        unit: f.unit.clone().filter(|u| !u.is_empty()),
    })
}

fn histogram(
    f: &MetricFamily,
    g: &Group,
    created: Option<m::Timestamp>,
) -> Result<m::Histogram, EncodeError> {
    let mut h = m::Histogram {
        created_timestamp: created,
        ..Default::default()
    };
    let mut count = None;
    for (le, s) in &g.samples {
        match s.name.strip_prefix(f.name.as_str()) {
            Some("_bucket") => {
                let upper = le.as_deref().map_or(f64::INFINITY, parse_float);
                let mut b = m::Bucket {
                    upper_bound: Some(upper),
                    exemplar: s.exemplar.as_ref().map(exemplar),
                    ..Default::default()
                };
                set_count(
                    &mut b.cumulative_count,
                    &mut b.cumulative_count_float,
                    s.value,
                );
                h.bucket.push(b);
            }
            Some("_count" | "_gcount") => count = Some(s.value),
            Some("_sum" | "_gsum") => h.sample_sum = Some(s.value),
            Some("") => {
                if let Some(native) = &s.native {
                    set_native(&mut h, native, f)?;
                    h.exemplars.extend(s.exemplar.as_ref().map(exemplar));
                }
            }
            _ => {}
        }
    }
    // client_golang leaves the +Inf bucket out (the count says it), unless it has an exemplar.
    if let Some(last) = h.bucket.last()
        && last.upper_bound == Some(f64::INFINITY)
        && last.exemplar.is_none()
    {
        h.bucket.pop();
    }
    if h.sample_count.is_none() && h.sample_count_float.is_none() {
        set_count(
            &mut h.sample_count,
            &mut h.sample_count_float,
            count.unwrap_or(0.0),
        );
    }
    Ok(h)
}

/// An integral count as the integer field, anything else as the float one.
fn set_count(int: &mut Option<u64>, float: &mut Option<f64>, v: f64) {
    if v >= 0.0 && v.fract() == 0.0 && v < u64::MAX as f64 {
        *int = Some(v as u64);
    } else {
        *float = Some(v);
    }
}

fn set_native(
    h: &mut m::Histogram,
    native: &NativeHistogram,
    f: &MetricFamily,
) -> Result<(), EncodeError> {
    let spans = |s: &[crate::histogram::Span]| -> Vec<m::BucketSpan> {
        s.iter()
            .map(|s| m::BucketSpan {
                offset: Some(s.offset),
                length: Some(s.length),
            })
            .collect()
    };
    let custom = match native {
        NativeHistogram::Int(n) => n.custom_values.is_some(),
        NativeHistogram::Float(n) => n.custom_values.is_some(),
    };
    if custom {
        return Err(EncodeError::CustomBuckets {
            family: f.name.clone(),
        });
    }
    match native {
        NativeHistogram::Int(n) => {
            h.sample_count = Some(n.count);
            h.sample_sum = Some(n.sum);
            h.schema = Some(n.schema);
            h.zero_threshold = Some(n.zero_threshold);
            h.zero_count = Some(n.zero_count);
            h.negative_span = spans(&n.negative_spans);
            h.negative_delta = n.negative_buckets.clone();
            h.positive_span = spans(&n.positive_spans);
            h.positive_delta = n.positive_buckets.clone();
        }
        NativeHistogram::Float(n) => {
            h.sample_count_float = Some(n.count);
            h.sample_sum = Some(n.sum);
            h.schema = Some(n.schema);
            h.zero_threshold = Some(n.zero_threshold);
            h.zero_count_float = Some(n.zero_count);
            h.negative_span = spans(&n.negative_spans);
            h.negative_count = n.negative_buckets.clone();
            h.positive_span = spans(&n.positive_spans);
            h.positive_count = n.positive_buckets.clone();
        }
    }
    // Otherwise it would read as a classic histogram: client_golang adds this span
    // when there are no buckets and the zero threshold and count are 0.
    if !super::decode::is_native(h) {
        h.positive_span.push(m::BucketSpan {
            offset: Some(0),
            length: Some(0),
        });
    }
    Ok(())
}

fn label_pairs(labels: &Labels) -> Vec<m::LabelPair> {
    labels
        .iter()
        .map(|(n, v)| m::LabelPair {
            name: Some(n.clone()),
            value: Some(v.clone()),
        })
        .collect()
}

fn exemplar(e: &Exemplar) -> m::Exemplar {
    m::Exemplar {
        label: label_pairs(&e.labels),
        value: Some(e.value),
        timestamp: e.timestamp.map(proto_timestamp),
    }
}

fn proto_timestamp(t: Timestamp) -> m::Timestamp {
    match t {
        Timestamp::Exact { secs, nanos } => m::Timestamp {
            seconds: secs,
            nanos: nanos.min(999_999_999) as i32,
        },
        Timestamp::Millis(ms) => m::Timestamp {
            seconds: ms.div_euclid(1000),
            nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
        },
        Timestamp::WholeSeconds(s) => m::Timestamp {
            seconds: s,
            nanos: 0,
        },
        Timestamp::Seconds(s) => timestamp_from_seconds(s),
    }
}

/// Seconds as a float (a `_created` sample's value) to seconds and nanoseconds.
fn timestamp_from_seconds(s: f64) -> m::Timestamp {
    if !s.is_finite() {
        return m::Timestamp::default();
    }
    let secs = s.floor();
    let nanos = ((s - secs) * 1e9).round().min(999_999_999.0);
    m::Timestamp {
        seconds: secs as i64,
        nanos: nanos as i32,
    }
}

/// A `le` or `quantile` label value (`+Inf`, `0.5`, `1e-3`).
fn parse_float(s: &str) -> f64 {
    s.trim().parse().unwrap_or(f64::NAN)
}
