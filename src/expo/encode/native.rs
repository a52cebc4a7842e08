//! A native histogram sample value in the OpenMetrics 2.0 draft's syntax, as
//! client_python 0.26 writes it (`version=2.0.0`): the five scalar fields, then the
//! negative side's spans and deltas, then the positive side's, a side left out when
//! it has no spans. Numbers are written as Python's `str()` writes client_python's
//! values: whole numbers without a fraction, others as `repr()` (`0.001`,
//! `2.938735877055719e-39`).

use std::fmt::Write;

use super::format::python_float_repr;
use crate::expo::model::NativeHistogram;
use crate::histogram::Span;

/// The value, e.g. `{count:0,sum:0,schema:3,zero_threshold:0,zero_count:0}`; `None`
/// for a float histogram whose counts are not whole numbers (the syntax has none).
pub fn native_histogram_value(histogram: &NativeHistogram) -> Option<String> {
    let mut out = String::new();
    write_value(&mut out, histogram).then_some(out)
}

/// Appends the value to `out`; false (and nothing written) if it cannot be written.
pub fn write_value(out: &mut String, histogram: &NativeHistogram) -> bool {
    match histogram {
        NativeHistogram::Int(h) => {
            let _ = write!(out, "{{count:{},sum:", h.count);
            write_number(out, h.sum);
            let _ = write!(out, ",schema:{},zero_threshold:", h.schema);
            write_number(out, h.zero_threshold);
            let _ = write!(out, ",zero_count:{}", h.zero_count);
            write_side(out, "negative", &h.negative_spans, &h.negative_buckets);
            write_side(out, "positive", &h.positive_spans, &h.positive_buckets);
            out.push('}');
            true
        }
        NativeHistogram::Float(h) => {
            let whole = |v: f64| (0.0..9.007_199_254_740_992e15).contains(&v) && v.fract() == 0.0;
            let buckets = h.positive_buckets.iter().chain(&h.negative_buckets);
            if !(whole(h.count) && whole(h.zero_count) && buckets.copied().all(whole)) {
                return false;
            }
            let mut int = crate::histogram::Histogram {
                count: h.count as u64,
                sum: h.sum,
                schema: h.schema,
                zero_threshold: h.zero_threshold,
                zero_count: h.zero_count as u64,
                positive_spans: h.positive_spans.clone(),
                negative_spans: h.negative_spans.clone(),
                ..Default::default()
            };
            int.positive_buckets = to_deltas(&h.positive_buckets);
            int.negative_buckets = to_deltas(&h.negative_buckets);
            write_value(out, &NativeHistogram::Int(int))
        }
    }
}

/// Absolute (whole) counts to the first count and differences.
fn to_deltas(counts: &[f64]) -> Vec<i64> {
    let mut previous = 0i64;
    counts
        .iter()
        .map(|&count| {
            let count = count as i64;
            let delta = count - previous;
            previous = count;
            delta
        })
        .collect()
}

fn write_side(out: &mut String, side: &str, spans: &[Span], deltas: &[i64]) {
    if spans.is_empty() {
        return;
    }
    let _ = write!(out, ",{side}_spans:[");
    for (i, span) in spans.iter().enumerate() {
        let comma = if i == 0 { "" } else { "," };
        let _ = write!(out, "{comma}{}:{}", span.offset, span.length);
    }
    let _ = write!(out, "],{side}_deltas:[");
    for (i, delta) in deltas.iter().enumerate() {
        let comma = if i == 0 { "" } else { "," };
        let _ = write!(out, "{comma}{delta}");
    }
    out.push(']');
}

/// Whole numbers as integers (`100`), others as Python's `repr()`; `NaN`, `+Inf`, `-Inf`.
fn write_number(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("NaN");
    } else if value.is_infinite() {
        out.push_str(if value > 0.0 { "+Inf" } else { "-Inf" });
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        let _ = write!(out, "{}", value as i64);
    } else {
        out.push_str(&python_float_repr(value));
    }
}

#[cfg(test)]
mod tests {
    use super::native_histogram_value;
    use crate::expo::model::NativeHistogram;
    use crate::expo::textparse::parse_native_histogram_value;
    use crate::histogram::{FloatHistogram, Span};

    #[test]
    fn values_are_written_as_client_python_writes_them() {
        let text = "{count:24,sum:100,schema:0,zero_threshold:0.001,zero_count:4,\
                    negative_spans:[0:2,1:2],negative_deltas:[2,1,-2,3],\
                    positive_spans:[0:2,1:2],positive_deltas:[2,1,-3,3]}";
        let h = parse_native_histogram_value(text.as_bytes()).unwrap();
        let written = native_histogram_value(&NativeHistogram::Int(h)).unwrap();
        assert_eq!(written, text);
        let mut h = parse_native_histogram_value(
            b"{count:0,sum:0.5,schema:3,zero_threshold:2.938735877055719e-39,zero_count:0}",
        )
        .unwrap();
        h.sum = f64::NAN;
        assert_eq!(
            native_histogram_value(&NativeHistogram::Int(h)).unwrap(),
            "{count:0,sum:NaN,schema:3,zero_threshold:2.938735877055719e-39,zero_count:0}"
        );
    }

    #[test]
    fn float_histograms_need_whole_counts() {
        let mut h = FloatHistogram {
            count: 3.0,
            sum: 1.5,
            positive_spans: vec![Span {
                offset: -2,
                length: 2,
            }],
            positive_buckets: vec![2.0, 1.0],
            ..FloatHistogram::default()
        };
        assert_eq!(
            native_histogram_value(&NativeHistogram::Float(h.clone())).unwrap(),
            "{count:3,sum:1.5,schema:0,zero_threshold:0,zero_count:0,\
             positive_spans:[-2:2],positive_deltas:[2,-1]}"
        );
        h.positive_buckets[0] = 1.5;
        assert_eq!(native_histogram_value(&NativeHistogram::Float(h)), None);
    }
}
