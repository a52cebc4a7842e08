//! Messages to canonical families (`expo::model`), series by series as Prometheus's
//! `protobufparse.go` yields them: counters keep the family name as the series name
//! (client_golang's `x_total`; the family is `x`), summaries and classic histograms
//! split into `_count`, `_sum`, `{quantile}` and `_bucket{le}` (a missing `+Inf`
//! bucket added), native histograms become one sample with `native` set (float
//! when `sample_count_float` or `zero_count_float` is positive; gauge hint for
//! GAUGE_HISTOGRAM; compacted), with the classic series too when the message has
//! classic buckets. Start (created) timestamps become `_created` samples (seconds).
//! Samples follow the text formats' order (buckets/quantiles, `_count`, `_sum`,
//! `_created`); protobufparse yields `_count` and `_sum` first.

use super::messages::{self as m, MetricType as PbType};
use super::{DecodeError, DecodeOptions, Framed, decode_messages_partial};
use crate::expo::model::NativeHistogram;
use crate::expo::{Exemplar, Labels, MetricFamily, MetricType, Sample, Timestamp};
use crate::histogram::{
    CounterResetHint, FloatHistogram, Histogram, Span, format_openmetrics_float,
};

/// Decodes the stream and converts each message; returns the families before the
/// first error and the error.
pub fn decode_partial(
    bytes: &[u8],
    options: DecodeOptions,
) -> (Vec<MetricFamily>, Option<DecodeError>) {
    let (framed, error) = decode_messages_partial(bytes, options);
    match to_model(&framed) {
        Ok(families) => (families, error),
        Err((families, e)) => (families, Some(e)),
    }
}

/// Converts decoded messages; on a message Prometheus rejects, returns the families
/// before it and the error (at the message's offset).
#[allow(clippy::type_complexity)]
pub fn to_model(framed: &[Framed]) -> Result<Vec<MetricFamily>, (Vec<MetricFamily>, DecodeError)> {
    let mut out = Vec::with_capacity(framed.len());
    for f in framed {
        match family(&f.family) {
            Ok(family) => out.push(family),
            Err(message) => return Err((out, DecodeError::invalid(f.offset, message))),
        }
    }
    Ok(out)
}

fn family(pb: &m::MetricFamily) -> Result<MetricFamily, String> {
    let name = pb.name.clone().unwrap_or_default();
    let raw_type = pb.r#type.unwrap_or(0);
    let pb_type = PbType::try_from(raw_type).ok();
    if !pb.metric.is_empty() {
        // Prometheus checks these only for a family with metrics (it skips empty ones).
        if name.is_empty() {
            return Err("invalid metric name: the name is empty".into());
        }
        if pb_type.is_none() {
            return Err(format!(
                "unknown metric type for metric {name:?}: {raw_type}"
            ));
        }
    }
    let pb_type = pb_type.unwrap_or(PbType::Untyped);
    let (family_name, metric_type) = match pb_type {
        PbType::Counter => (
            name.strip_suffix("_total").unwrap_or(&name).to_string(),
            MetricType::Counter,
        ),
        PbType::Gauge => (name.clone(), MetricType::Gauge),
        PbType::Summary => (name.clone(), MetricType::Summary),
        PbType::Untyped => (name.clone(), MetricType::Unknown),
        PbType::Histogram => (name.clone(), MetricType::Histogram),
        PbType::GaugeHistogram => (name.clone(), MetricType::GaugeHistogram),
    };
    let mut out = MetricFamily::new(family_name, metric_type);
    out.help = pb.help.clone();
    out.unit = pb.unit.clone().filter(|u| !u.is_empty());
    for metric in &pb.metric {
        let labels = labels(&metric.label);
        // Prometheus treats timestamp_ms 0 as absent.
        let ts = metric
            .timestamp_ms
            .filter(|&t| t != 0)
            .map(Timestamp::Millis);
        let push = |out: &mut MetricFamily, name: String, labels: Labels, value: f64| {
            let mut s = Sample::new(name, labels, value);
            s.timestamp = ts;
            out.samples.push(s);
        };
        let created_name = format!("{}_created", out.name);
        match pb_type {
            PbType::Counter => {
                let c = metric.counter.clone().unwrap_or_default();
                push(
                    &mut out,
                    name.clone(),
                    labels.clone(),
                    c.value.unwrap_or(0.0),
                );
                out.samples.last_mut().expect("pushed").exemplar =
                    c.exemplar.as_ref().map(exemplar);
                if let Some(created) = c.created_timestamp {
                    push(&mut out, created_name, labels, seconds(&created));
                }
            }
            PbType::Gauge => {
                let v = metric.gauge.as_ref().and_then(|g| g.value).unwrap_or(0.0);
                push(&mut out, name.clone(), labels, v);
            }
            PbType::Untyped => {
                let v = metric.untyped.as_ref().and_then(|g| g.value).unwrap_or(0.0);
                push(&mut out, name.clone(), labels, v);
            }
            PbType::Summary => {
                let s = metric.summary.clone().unwrap_or_default();
                for q in &s.quantile {
                    let mut l = labels.clone();
                    l.push((
                        "quantile".into(),
                        format_openmetrics_float(q.quantile.unwrap_or(0.0)),
                    ));
                    push(&mut out, name.clone(), l, q.value.unwrap_or(0.0));
                }
                push(
                    &mut out,
                    format!("{name}_sum"),
                    labels.clone(),
                    s.sample_sum.unwrap_or(0.0),
                );
                let count = s.sample_count.unwrap_or(0) as f64;
                push(&mut out, format!("{name}_count"), labels.clone(), count);
                if let Some(created) = s.created_timestamp {
                    push(&mut out, created_name, labels, seconds(&created));
                }
            }
            PbType::Histogram | PbType::GaugeHistogram => {
                let h = metric.histogram.clone().unwrap_or_default();
                let gauge = pb_type == PbType::GaugeHistogram;
                let native = is_native(&h);
                if native {
                    let nh = native_histogram(&h, gauge)
                        .map_err(|e| format!("histogram {name:?}: {e}"))?;
                    push(&mut out, name.clone(), labels.clone(), 0.0);
                    let s = out.samples.last_mut().expect("pushed");
                    s.native = Some(Box::new(nh));
                    s.exemplar = native_exemplar(&h).map(exemplar);
                }
                if !native || !h.bucket.is_empty() {
                    classic(&mut out, &name, &labels, &h, ts);
                }
                if let Some(created) = h.created_timestamp {
                    push(&mut out, created_name, labels, seconds(&created));
                }
            }
        }
    }
    Ok(out)
}

fn labels(pairs: &[m::LabelPair]) -> Labels {
    pairs
        .iter()
        .map(|p| {
            (
                p.name.clone().unwrap_or_default(),
                p.value.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn seconds(t: &m::Timestamp) -> f64 {
    t.seconds as f64 + f64::from(t.nanos) / 1e9
}

fn exemplar(e: &m::Exemplar) -> Exemplar {
    Exemplar {
        labels: labels(&e.label),
        value: e.value.unwrap_or(0.0),
        timestamp: e.timestamp.map(|t| Timestamp::Exact {
            secs: t.seconds,
            nanos: t.nanos.clamp(0, 999_999_999) as u32,
        }),
    }
}

/// Count overridden by its float form when that is positive (upstream's rule).
fn count(int: Option<u64>, float: Option<f64>) -> f64 {
    match float {
        Some(f) if f > 0.0 => f,
        _ => int.unwrap_or(0) as f64,
    }
}

/// `_bucket{le}` samples up to the `+Inf` bucket (added if missing), `_count`, `_sum`.
fn classic(
    out: &mut MetricFamily,
    name: &str,
    labels: &Labels,
    h: &m::Histogram,
    ts: Option<Timestamp>,
) {
    let mut push = |sample_name: String, l: Labels, v: f64, ex: Option<&m::Exemplar>| {
        let mut s = Sample::new(sample_name, l, v);
        s.timestamp = ts;
        s.exemplar = ex.map(exemplar);
        out.samples.push(s);
    };
    let total = count(h.sample_count, h.sample_count_float);
    let mut saw_inf = false;
    for b in &h.bucket {
        let upper = b.upper_bound.unwrap_or(0.0);
        let mut l = labels.clone();
        l.push(("le".into(), format_openmetrics_float(upper)));
        let v = count(b.cumulative_count, b.cumulative_count_float);
        push(format!("{name}_bucket"), l, v, b.exemplar.as_ref());
        if upper == f64::INFINITY {
            saw_inf = true;
            break;
        }
    }
    if !saw_inf {
        let mut l = labels.clone();
        l.push(("le".into(), "+Inf".into()));
        push(format!("{name}_bucket"), l, total, None);
    }
    push(format!("{name}_count"), labels.clone(), total, None);
    push(
        format!("{name}_sum"),
        labels.clone(),
        h.sample_sum.unwrap_or(0.0),
        None,
    );
}

/// Upstream's `isNativeHistogram`.
pub(super) fn is_native(h: &m::Histogram) -> bool {
    !h.positive_span.is_empty()
        || !h.negative_span.is_empty()
        || h.zero_threshold.unwrap_or(0.0) > 0.0
        || h.zero_count.unwrap_or(0) > 0
}

/// The first native exemplar with a timestamp: from `exemplars`, else from the buckets.
fn native_exemplar(h: &m::Histogram) -> Option<&m::Exemplar> {
    let with_ts = |e: &&m::Exemplar| e.timestamp.is_some();
    if h.exemplars.is_empty() {
        h.bucket
            .iter()
            .filter_map(|b| b.exemplar.as_ref())
            .find(with_ts)
    } else {
        h.exemplars.iter().find(with_ts)
    }
}

fn spans(pb: &[m::BucketSpan]) -> Vec<Span> {
    pb.iter()
        .map(|s| Span {
            offset: s.offset.unwrap_or(0),
            length: s.length.unwrap_or(0),
        })
        .collect()
}

fn check_spans(side: &str, spans: &[Span], buckets: usize) -> Result<(), String> {
    let total: u64 = spans.iter().map(|s| u64::from(s.length)).sum();
    if total != buckets as u64 {
        return Err(format!(
            "{side} side: spans require {total} buckets, have {buckets}"
        ));
    }
    Ok(())
}

fn native_histogram(h: &m::Histogram, gauge: bool) -> Result<NativeHistogram, String> {
    let is_float =
        h.sample_count_float.unwrap_or(0.0) > 0.0 || h.zero_count_float.unwrap_or(0.0) > 0.0;
    let (pos, neg) = (spans(&h.positive_span), spans(&h.negative_span));
    let hint = if gauge {
        CounterResetHint::Gauge
    } else {
        CounterResetHint::Unknown
    };
    if is_float {
        check_spans("positive", &pos, h.positive_count.len())?;
        check_spans("negative", &neg, h.negative_count.len())?;
        let mut fh = FloatHistogram {
            counter_reset_hint: hint,
            schema: h.schema.unwrap_or(0),
            zero_threshold: h.zero_threshold.unwrap_or(0.0),
            zero_count: h.zero_count_float.unwrap_or(0.0),
            count: h.sample_count_float.unwrap_or(0.0),
            sum: h.sample_sum.unwrap_or(0.0),
            positive_spans: pos,
            negative_spans: neg,
            positive_buckets: h.positive_count.clone(),
            negative_buckets: h.negative_count.clone(),
            custom_values: None,
        };
        fh.compact(0);
        Ok(NativeHistogram::Float(fh))
    } else {
        check_spans("positive", &pos, h.positive_delta.len())?;
        check_spans("negative", &neg, h.negative_delta.len())?;
        let mut ih = Histogram {
            counter_reset_hint: hint,
            schema: h.schema.unwrap_or(0),
            zero_threshold: h.zero_threshold.unwrap_or(0.0),
            zero_count: h.zero_count.unwrap_or(0),
            count: h.sample_count.unwrap_or(0),
            sum: h.sample_sum.unwrap_or(0.0),
            positive_spans: pos,
            negative_spans: neg,
            positive_buckets: h.positive_delta.clone(),
            negative_buckets: h.negative_delta.clone(),
            custom_values: None,
        };
        ih.compact(0);
        Ok(NativeHistogram::Int(ih))
    }
}
