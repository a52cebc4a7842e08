//! Validation of a histogram's spans, buckets and custom bounds (upstream's
//! `checkHistogramSpans`, `checkHistogramBuckets`, `checkHistogramCustomBounds`).

use super::Span;
use super::error::{HistogramError, HistogramErrorKind};
use crate::gofmt::go_g;

/// `checkHistogramSpans`.
pub(crate) fn check_histogram_spans(
    spans: &[Span],
    num_buckets: usize,
) -> Result<(), HistogramError> {
    let mut span_buckets = 0usize;
    for (n, span) in spans.iter().enumerate() {
        if n > 0 && span.offset < 0 {
            return Err(HistogramError::with_context(
                HistogramErrorKind::SpanNegativeOffset,
                format!("span number {} with offset {}", n + 1, span.offset),
            ));
        }
        span_buckets += span.length as usize;
    }
    if span_buckets != num_buckets {
        return Err(HistogramError::with_context(
            HistogramErrorKind::SpansBucketsMismatch,
            format!("spans need {span_buckets} buckets, have {num_buckets} buckets"),
        ));
    }
    Ok(())
}

/// `checkHistogramBuckets` for integer deltas; returns the total count.
pub(crate) fn check_int_buckets(buckets: &[i64]) -> Result<u64, HistogramError> {
    let mut last = 0i64;
    let mut total = 0u64;
    for (i, &b) in buckets.iter().enumerate() {
        let c = last.wrapping_add(b);
        if c < 0 {
            return Err(HistogramError::with_context(
                HistogramErrorKind::NegativeBucketCount,
                format!("bucket number {} has observation count of {c}", i + 1),
            ));
        }
        last = c;
        total = total.wrapping_add(c as u64);
    }
    Ok(total)
}

/// `checkHistogramBuckets` for absolute float counts; returns the total count.
pub(crate) fn check_float_buckets(buckets: &[f64]) -> Result<f64, HistogramError> {
    let mut total = 0.0;
    for (i, &c) in buckets.iter().enumerate() {
        if c < 0.0 {
            return Err(HistogramError::with_context(
                HistogramErrorKind::NegativeBucketCount,
                format!(
                    "bucket number {} has observation count of {}",
                    i + 1,
                    go_g(c)
                ),
            ));
        }
        total += c;
    }
    Ok(total)
}

/// `checkHistogramCustomBounds`.
pub(crate) fn check_histogram_custom_bounds(
    bounds: &[f64],
    spans: &[Span],
    num_buckets: usize,
) -> Result<(), HistogramError> {
    let mut prev = f64::NEG_INFINITY;
    for (i, &curr) in bounds.iter().enumerate() {
        if curr.is_nan() {
            return Err(HistogramError::new(HistogramErrorKind::CustomBucketsNaN));
        }
        if i > 0 && curr <= prev {
            return Err(HistogramError::with_context(
                HistogramErrorKind::CustomBucketsInvalid,
                format!(
                    "previous bound is {} and current is {}",
                    crate::gofmt::go_f(prev),
                    crate::gofmt::go_f(curr)
                ),
            ));
        }
        prev = curr;
    }
    if prev == f64::INFINITY {
        return Err(HistogramError::with_context(
            HistogramErrorKind::CustomBucketsInfinite,
            "last +Inf bound must not be explicitly defined",
        ));
    }
    let mut span_buckets = 0usize;
    let mut total_span_length = 0i64;
    for (n, span) in spans.iter().enumerate() {
        if span.offset < 0 {
            return Err(HistogramError::with_context(
                HistogramErrorKind::SpanNegativeOffset,
                format!("span number {} with offset {}", n + 1, span.offset),
            ));
        }
        span_buckets += span.length as usize;
        total_span_length += i64::from(span.length) + i64::from(span.offset);
    }
    if span_buckets != num_buckets {
        return Err(HistogramError::with_context(
            HistogramErrorKind::SpansBucketsMismatch,
            format!("spans need {span_buckets} buckets, have {num_buckets} buckets"),
        ));
    }
    if (bounds.len() as i64 + 1) < total_span_length {
        return Err(HistogramError::with_context(
            HistogramErrorKind::CustomBucketsMismatch,
            format!(
                "only {} custom bounds defined which is insufficient to cover total span length of {total_span_length}",
                bounds.len()
            ),
        ));
    }
    Ok(())
}
