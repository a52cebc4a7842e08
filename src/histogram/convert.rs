//! Native histograms with custom buckets back to classic `_bucket`/`_count`/
//! `_sum` series (Prometheus's `model/histogram/convert.go`).

use super::generic::cv;
use super::{FloatHistogram, Histogram, is_custom_buckets_schema};
use crate::gofmt::go_g;
use crate::tsdb::labels::{Labels, METRIC_NAME};

/// Either histogram type, as upstream's `any` argument.
#[derive(Clone, Copy, Debug)]
pub enum AnyHistogram<'a> {
    Int(&'a Histogram),
    Float(&'a FloatHistogram),
}

/// `labels.FormatOpenMetricsFloat`: Go's shortest float with `.0` appended when
/// there is neither a `.` nor an `e`.
pub fn format_openmetrics_float(f: f64) -> String {
    if f == 0.0 {
        return "0.0".into();
    }
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let mut s = go_g(f);
    if !s.contains(['e', '.']) {
        s.push_str(".0");
    }
    s
}

/// `ConvertNHCBToClassic`: emits, through `emit`, one cumulative `_bucket`
/// series per bound (`le` as OpenMetrics formats it) and `+Inf`, then `_count`
/// and `_sum`. The histogram must be a valid NHCB; errors as upstream's texts;
/// an error from `emit` stops and is returned.
pub fn convert_nhcb_to_classic(
    nhcb: AnyHistogram<'_>,
    lset: &Labels,
    mut emit: impl FnMut(Labels, f64) -> Result<(), String>,
) -> Result<(), String> {
    let base_name = lset.metric_name().unwrap_or("");
    if base_name.is_empty() {
        return Err("metric name label '__name__' is missing".into());
    }
    let (custom_values, positive_buckets, count, sum) = match nhcb {
        AnyHistogram::Int(h) => {
            if !is_custom_buckets_schema(h.schema) {
                return Err("unsupported histogram schema, not a NHCB".into());
            }
            h.validate().map_err(|e| e.to_string())?;
            let cvs = cv(&h.custom_values);
            let mut pb = vec![0.0; cvs.len() + 1];
            let (mut idx, mut curr_idx, mut acc) = (0usize, 0usize, 0i64);
            for s in &h.positive_spans {
                for _ in 0..s.offset {
                    pb[idx] = acc as f64;
                    idx += 1;
                }
                for _ in 0..s.length {
                    acc = acc.wrapping_add(h.positive_buckets[curr_idx]);
                    pb[idx] = acc as f64;
                    idx += 1;
                    curr_idx += 1;
                }
            }
            (cvs, pb, h.count as f64, h.sum)
        }
        AnyHistogram::Float(h) => {
            if !is_custom_buckets_schema(h.schema) {
                return Err("unsupported histogram schema, not a NHCB".into());
            }
            h.validate().map_err(|e| e.to_string())?;
            let cvs = cv(&h.custom_values);
            let mut pb = vec![0.0; cvs.len() + 1];
            let (mut idx, mut curr_idx) = (0usize, 0usize);
            for s in &h.positive_spans {
                idx += s.offset as usize;
                for _ in 0..s.length {
                    pb[idx] = h.positive_buckets[curr_idx];
                    idx += 1;
                    curr_idx += 1;
                }
            }
            (cvs, pb, h.count, h.sum)
        }
    };

    let with = |name: &str, le: Option<String>| -> Labels {
        let drop_le = le.is_some();
        lset.iter()
            .filter(|(n, _)| *n != METRIC_NAME && !(drop_le && *n == "le"))
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .chain(std::iter::once((METRIC_NAME.to_string(), name.to_string())))
            .chain(le.map(|le| ("le".to_string(), le)))
            .collect()
    };
    let bucket_name = format!("{base_name}_bucket");
    let mut curr_count = 0.0;
    for (i, &val) in custom_values.iter().enumerate() {
        curr_count += positive_buckets[i];
        emit(
            with(&bucket_name, Some(format_openmetrics_float(val))),
            curr_count,
        )?;
    }
    curr_count += positive_buckets[positive_buckets.len() - 1];
    emit(
        with(&bucket_name, Some(format_openmetrics_float(f64::INFINITY))),
        curr_count,
    )?;
    emit(with(&format!("{base_name}_count"), None), count)?;
    emit(with(&format!("{base_name}_sum"), None), sum)?;
    Ok(())
}
