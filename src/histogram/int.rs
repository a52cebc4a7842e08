//! [`Histogram`]'s methods (Prometheus's `model/histogram/histogram.go`).

use std::fmt;

use super::generic::{
    Bucket, HistogramError, HistogramErrorKind, check_histogram_custom_bounds,
    check_histogram_spans, check_int_buckets, compact_buckets, custom_bucket_bounds_match, cv,
    reduce_resolution, spans_match,
};
use super::iter::{CumulativeBucketIter, IntBucketIter};
use super::{FloatHistogram, Histogram, is_custom_buckets_schema, is_exponential_schema};

impl Histogram {
    pub fn uses_custom_buckets(&self) -> bool {
        is_custom_buckets_schema(self.schema)
    }

    /// Whether this sample is the stale marker (its sum is the stale NaN).
    pub fn is_stale(&self) -> bool {
        self.sum.to_bits() == crate::tsdb::STALE_NAN
    }

    /// `Copy()`: a deep copy that, as upstream, leaves out the fields a custom-bucket
    /// histogram does not use.
    pub fn copy(&self) -> Histogram {
        let mut c = Histogram {
            counter_reset_hint: self.counter_reset_hint,
            schema: self.schema,
            count: self.count,
            sum: self.sum,
            positive_spans: self.positive_spans.clone(),
            positive_buckets: self.positive_buckets.clone(),
            ..Default::default()
        };
        if self.uses_custom_buckets() {
            c.custom_values = self.custom_values.clone();
        } else {
            c.zero_threshold = self.zero_threshold;
            c.zero_count = self.zero_count;
            c.negative_spans = self.negative_spans.clone();
            c.negative_buckets = self.negative_buckets.clone();
        }
        c
    }

    /// The zero bucket. Panics for custom buckets, as upstream.
    pub fn zero_bucket(&self) -> Bucket<u64> {
        if self.uses_custom_buckets() {
            panic!("histograms with custom buckets have no zero bucket");
        }
        Bucket {
            lower: -self.zero_threshold,
            upper: self.zero_threshold,
            lower_inclusive: true,
            upper_inclusive: true,
            count: self.zero_count,
            index: 0,
        }
    }

    /// Positive buckets, ascending from zero.
    pub fn positive_bucket_iter(&self) -> IntBucketIter<'_> {
        IntBucketIter::new(
            &self.positive_spans,
            &self.positive_buckets,
            self.schema,
            true,
            cv(&self.custom_values),
        )
    }

    /// Negative buckets, descending from zero.
    pub fn negative_bucket_iter(&self) -> IntBucketIter<'_> {
        IntBucketIter::new(
            &self.negative_spans,
            &self.negative_buckets,
            self.schema,
            false,
            &[],
        )
    }

    /// Cumulative buckets; panics if there are negative buckets (as upstream).
    pub fn cumulative_bucket_iter(&self) -> CumulativeBucketIter<'_> {
        CumulativeBucketIter::new(self)
    }

    /// Exact equality as upstream's `Equals`: the sum by bit pattern, spans by
    /// the layout they describe, custom bounds only for custom buckets.
    pub fn equals(&self, h2: &Histogram) -> bool {
        if self.schema != h2.schema
            || self.count != h2.count
            || self.sum.to_bits() != h2.sum.to_bits()
        {
            return false;
        }
        if self.uses_custom_buckets()
            && !custom_bucket_bounds_match(cv(&self.custom_values), cv(&h2.custom_values))
        {
            return false;
        }
        self.zero_threshold == h2.zero_threshold
            && self.zero_count == h2.zero_count
            && spans_match(&self.negative_spans, &h2.negative_spans)
            && self.negative_buckets == h2.negative_buckets
            && spans_match(&self.positive_spans, &h2.positive_spans)
            && self.positive_buckets == h2.positive_buckets
    }

    /// See [`FloatHistogram::compact`].
    pub fn compact(&mut self, max_empty_buckets: usize) -> &mut Self {
        compact_buckets(
            &mut self.positive_buckets,
            None,
            &mut self.positive_spans,
            max_empty_buckets,
            true,
        );
        compact_buckets(
            &mut self.negative_buckets,
            None,
            &mut self.negative_spans,
            max_empty_buckets,
            true,
        );
        self
    }

    /// The float representation (absolute bucket counts).
    pub fn to_float(&self) -> FloatHistogram {
        fn absolute(deltas: &[i64]) -> Vec<f64> {
            let mut cur = 0.0;
            deltas
                .iter()
                .map(|&b| {
                    cur += b as f64;
                    cur
                })
                .collect()
        }
        let mut fh = FloatHistogram {
            counter_reset_hint: self.counter_reset_hint,
            schema: self.schema,
            count: self.count as f64,
            sum: self.sum,
            positive_spans: self.positive_spans.clone(),
            positive_buckets: absolute(&self.positive_buckets),
            ..Default::default()
        };
        if self.uses_custom_buckets() {
            fh.custom_values = self.custom_values.clone();
        } else {
            fh.zero_threshold = self.zero_threshold;
            fh.zero_count = self.zero_count as f64;
            fh.negative_spans = self.negative_spans.clone();
            fh.negative_buckets = absolute(&self.negative_buckets);
        }
        fh
    }

    /// Consistency of spans and buckets, no negative counts, fields fitting the
    /// schema, and the count equal to the buckets' total (at least it when the sum
    /// is NaN, as NaN observations land in no bucket).
    pub fn validate(&self) -> Result<(), HistogramError> {
        let mut n_count = 0u64;
        if self.uses_custom_buckets() {
            check_histogram_custom_bounds(
                cv(&self.custom_values),
                &self.positive_spans,
                self.positive_buckets.len(),
            )
            .map_err(|e| e.wrap("custom buckets"))?;
            if self.zero_count != 0 {
                return Err(HistogramError::new(
                    HistogramErrorKind::CustomBucketsZeroCount,
                ));
            }
            if self.zero_threshold != 0.0 {
                return Err(HistogramError::new(
                    HistogramErrorKind::CustomBucketsZeroThresh,
                ));
            }
            if !self.negative_spans.is_empty() {
                return Err(HistogramError::new(
                    HistogramErrorKind::CustomBucketsNegSpans,
                ));
            }
            if !self.negative_buckets.is_empty() {
                return Err(HistogramError::new(
                    HistogramErrorKind::CustomBucketsNegBuckets,
                ));
            }
        } else if is_exponential_schema(self.schema) {
            check_histogram_spans(&self.positive_spans, self.positive_buckets.len())
                .map_err(|e| e.wrap("positive side"))?;
            check_histogram_spans(&self.negative_spans, self.negative_buckets.len())
                .map_err(|e| e.wrap("negative side"))?;
            n_count =
                check_int_buckets(&self.negative_buckets).map_err(|e| e.wrap("negative side"))?;
            if self.custom_values.is_some() {
                return Err(HistogramError::new(
                    HistogramErrorKind::ExpSchemaCustomBounds,
                ));
            }
        } else {
            return Err(HistogramError::invalid_schema(self.schema));
        }
        let p_count =
            check_int_buckets(&self.positive_buckets).map_err(|e| e.wrap("positive side"))?;
        let sum_of_buckets = n_count.wrapping_add(p_count).wrapping_add(self.zero_count);
        if self.sum.is_nan() {
            if sum_of_buckets > self.count {
                return Err(HistogramError::with_context(
                    HistogramErrorKind::CountNotBigEnough,
                    format!(
                        "{sum_of_buckets} observations found in buckets, but the Count field is {}",
                        self.count
                    ),
                ));
            }
        } else if sum_of_buckets != self.count {
            return Err(HistogramError::with_context(
                HistogramErrorKind::CountMismatch,
                format!(
                    "{sum_of_buckets} observations found in buckets, but the Count field is {}",
                    self.count
                ),
            ));
        }
        Ok(())
    }

    /// Merges the buckets into the lower `target_schema`.
    pub fn reduce_resolution(&mut self, target_schema: i32) -> Result<(), HistogramError> {
        check_reduce(self.schema, target_schema)?;
        let (ps, pb) = reduce_resolution(
            &self.positive_spans,
            &self.positive_buckets,
            self.schema,
            target_schema,
            true,
        )?;
        let (ns, nb) = reduce_resolution(
            &self.negative_spans,
            &self.negative_buckets,
            self.schema,
            target_schema,
            true,
        )?;
        (self.positive_spans, self.positive_buckets) = (ps, pb);
        (self.negative_spans, self.negative_buckets) = (ns, nb);
        self.schema = target_schema;
        Ok(())
    }
}

/// The misuse checks of both `ReduceResolution`s.
pub(crate) fn check_reduce(schema: i32, target_schema: i32) -> Result<(), HistogramError> {
    if is_custom_buckets_schema(schema) {
        return Err(HistogramError::usage(
            "cannot reduce resolution when there are custom buckets",
        ));
    }
    if is_custom_buckets_schema(target_schema) {
        return Err(HistogramError::usage(
            "cannot reduce resolution to custom buckets schema",
        ));
    }
    if target_schema >= schema {
        return Err(HistogramError::usage(format!(
            "cannot reduce resolution from schema {schema} to {target_schema}"
        )));
    }
    Ok(())
}

impl fmt::Display for Histogram {
    /// Upstream's `String()`: `{count:N, sum:S, <non-empty buckets low to high>}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{count:{}, sum:{}",
            self.count,
            crate::gofmt::go_g(self.sum)
        )?;
        let neg: Vec<Bucket<u64>> = self
            .negative_bucket_iter()
            .filter(|b| b.count != 0)
            .collect();
        for b in neg.iter().rev() {
            write!(f, ", {b}")?;
        }
        if self.zero_count != 0 {
            write!(f, ", {}", self.zero_bucket())?;
        }
        for b in self.positive_bucket_iter().filter(|b| b.count != 0) {
            write!(f, ", {b}")?;
        }
        f.write_str("}")
    }
}
