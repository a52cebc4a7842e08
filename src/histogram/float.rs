//! [`FloatHistogram`]'s methods (Prometheus's `model/histogram/float_histogram.go`);
//! addition and subtraction are in `float_ops.rs`, trimming in `trim.rs`.

use std::fmt;

use super::generic::{
    Bucket, HistogramError, HistogramErrorKind, check_float_buckets, check_histogram_custom_bounds,
    check_histogram_spans, compact_buckets, custom_bucket_bounds_match, cv, must_reduce_resolution,
    reduce_resolution, spans_match,
};
use super::int::check_reduce;
use super::iter::{AllFloatBucketIter, FloatBucketIter, ReverseFloatBucketIter};
use super::{
    CUSTOM_BUCKETS_SCHEMA, CounterResetHint, FloatHistogram, is_custom_buckets_schema,
    is_exponential_schema,
};
use crate::gofmt::go_g;

pub(crate) use crate::kahan::inc as kahan_inc;

impl FloatHistogram {
    pub fn uses_custom_buckets(&self) -> bool {
        is_custom_buckets_schema(self.schema)
    }

    /// Whether this sample is the stale marker (its sum is the stale NaN).
    pub fn is_stale(&self) -> bool {
        self.sum.to_bits() == crate::tsdb::STALE_NAN
    }

    /// `Copy()`: a deep copy leaving out the fields custom buckets do not use.
    pub fn copy(&self) -> FloatHistogram {
        let mut c = FloatHistogram {
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

    /// A copy at the lower (or equal) `target_schema`. Panics for custom buckets
    /// or a higher target, as upstream; the counter reset hint is not copied
    /// unless the schema is unchanged (upstream's quirk).
    pub fn copy_to_schema(&self, target_schema: i32) -> FloatHistogram {
        if target_schema == self.schema {
            return self.copy();
        }
        if self.uses_custom_buckets() {
            panic!("cannot reduce resolution to {target_schema} when there are custom buckets");
        }
        if is_custom_buckets_schema(target_schema) {
            panic!("cannot reduce resolution to custom buckets schema");
        }
        if target_schema > self.schema {
            panic!("cannot copy from schema {} to {target_schema}", self.schema);
        }
        let (ps, pb) = must_reduce_resolution(
            &self.positive_spans,
            &self.positive_buckets,
            self.schema,
            target_schema,
            false,
        );
        let (ns, nb) = must_reduce_resolution(
            &self.negative_spans,
            &self.negative_buckets,
            self.schema,
            target_schema,
            false,
        );
        FloatHistogram {
            schema: target_schema,
            zero_threshold: self.zero_threshold,
            zero_count: self.zero_count,
            count: self.count,
            sum: self.sum,
            positive_spans: ps,
            positive_buckets: pb,
            negative_spans: ns,
            negative_buckets: nb,
            ..Default::default()
        }
    }

    /// The zero bucket. Panics for custom buckets, as upstream.
    pub fn zero_bucket(&self) -> Bucket<f64> {
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

    /// Scales every count and the sum; a negative factor makes it a gauge.
    pub fn mul(&mut self, factor: f64) -> &mut Self {
        self.zero_count *= factor;
        self.count *= factor;
        self.sum *= factor;
        for b in &mut self.positive_buckets {
            *b *= factor;
        }
        for b in &mut self.negative_buckets {
            *b *= factor;
        }
        if factor < 0.0 {
            self.counter_reset_hint = CounterResetHint::Gauge;
        }
        self
    }

    /// Divides every count and the sum; dividing by 0 drops all buckets (and,
    /// as upstream, keeps the hint).
    pub fn div(&mut self, scalar: f64) -> &mut Self {
        self.zero_count /= scalar;
        self.count /= scalar;
        self.sum /= scalar;
        if scalar == 0.0 {
            self.positive_buckets = Vec::new();
            self.negative_buckets = Vec::new();
            self.positive_spans = Vec::new();
            self.negative_spans = Vec::new();
            return self;
        }
        for b in &mut self.positive_buckets {
            *b /= scalar;
        }
        for b in &mut self.negative_buckets {
            *b /= scalar;
        }
        if scalar < 0.0 {
            self.counter_reset_hint = CounterResetHint::Gauge;
        }
        self
    }

    /// Exact equality as upstream's `Equals`: counts and sum by bit pattern,
    /// spans by the layout they describe.
    pub fn equals(&self, h2: &FloatHistogram) -> bool {
        if self.schema != h2.schema
            || self.count.to_bits() != h2.count.to_bits()
            || self.sum.to_bits() != h2.sum.to_bits()
        {
            return false;
        }
        if self.uses_custom_buckets()
            && !custom_bucket_bounds_match(cv(&self.custom_values), cv(&h2.custom_values))
        {
            return false;
        }
        fn bits_match(a: &[f64], b: &[f64]) -> bool {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
        }
        self.zero_threshold == h2.zero_threshold
            && self.zero_count.to_bits() == h2.zero_count.to_bits()
            && spans_match(&self.negative_spans, &h2.negative_spans)
            && bits_match(&self.negative_buckets, &h2.negative_buckets)
            && spans_match(&self.positive_spans, &h2.positive_spans)
            && bits_match(&self.positive_buckets, &h2.positive_buckets)
    }

    /// Upstream's `Size()`: the bytes Go's representation takes (64-bit), which
    /// the engine counts against its sample limit.
    pub fn size(&self) -> usize {
        168 + 8
            * (self.positive_spans.len()
                + self.negative_spans.len()
                + self.positive_buckets.len()
                + self.negative_buckets.len()
                + cv(&self.custom_values).len())
    }

    /// Drops empty buckets at the ends of spans, merges spans at most
    /// `max_empty_buckets` apart and splits spans at longer runs of empty buckets.
    pub fn compact(&mut self, max_empty_buckets: usize) -> &mut Self {
        compact_buckets(
            &mut self.positive_buckets,
            None,
            &mut self.positive_spans,
            max_empty_buckets,
            false,
        );
        compact_buckets(
            &mut self.negative_buckets,
            None,
            &mut self.negative_spans,
            max_empty_buckets,
            false,
        );
        self
    }

    /// `kahanCompact`: compacts `self` and its compensation buckets in step.
    pub(crate) fn kahan_compact(&mut self, max_empty_buckets: usize, c: &mut FloatHistogram) {
        compact_buckets(
            &mut self.positive_buckets,
            Some(&mut c.positive_buckets),
            &mut self.positive_spans,
            max_empty_buckets,
            false,
        );
        compact_buckets(
            &mut self.negative_buckets,
            Some(&mut c.negative_buckets),
            &mut self.negative_spans,
            max_empty_buckets,
            false,
        );
    }

    /// Whether `self` follows `previous` only after a counter reset: a count or a
    /// populated bucket went down or away, the resolution went up or the zero
    /// bucket shrank. The hint short-cuts (`CounterReset` → true,
    /// `NotCounterReset` → false).
    pub fn detect_reset(&self, previous: &FloatHistogram) -> bool {
        match self.counter_reset_hint {
            CounterResetHint::CounterReset => return true,
            CounterResetHint::NotCounterReset => return false,
            _ => {}
        }
        if self.count < previous.count {
            return true;
        }
        if self.uses_custom_buckets() {
            if !previous.uses_custom_buckets() {
                return true;
            }
            if !custom_bucket_bounds_match(cv(&self.custom_values), cv(&previous.custom_values)) {
                return self.detect_reset_with_mismatched_custom_bounds(
                    previous,
                    cv(&self.custom_values),
                    cv(&previous.custom_values),
                );
            }
        }
        if self.schema > previous.schema {
            return true;
        }
        if self.zero_threshold < previous.zero_threshold {
            return true;
        }
        let (previous_zero_count, new_threshold, _) =
            previous.zero_count_for_larger_threshold(self.zero_threshold, None);
        if new_threshold != self.zero_threshold {
            return true;
        }
        if self.zero_count < previous_zero_count {
            return true;
        }
        let mut curr = FloatBucketIter::new(self, true, self.zero_threshold, self.schema);
        let mut prev = FloatBucketIter::new(previous, true, self.zero_threshold, self.schema);
        if detect_reset(&mut curr, &mut prev) {
            return true;
        }
        let mut curr = FloatBucketIter::new(self, false, self.zero_threshold, self.schema);
        let mut prev = FloatBucketIter::new(previous, false, self.zero_threshold, self.schema);
        detect_reset(&mut curr, &mut prev)
    }

    /// `detectResetWithMismatchedCustomBounds`: compares the counts at the bounds
    /// both histograms share.
    fn detect_reset_with_mismatched_custom_bounds(
        &self,
        previous: &FloatHistogram,
        curr_bounds: &[f64],
        prev_bounds: &[f64],
    ) -> bool {
        if self.schema != CUSTOM_BUCKETS_SCHEMA || previous.schema != CUSTOM_BUCKETS_SCHEMA {
            panic!("detectResetWithMismatchedCustomBounds called with non-NHCB schema");
        }
        let mut curr_it = FloatBucketIter::new(self, true, 0.0, CUSTOM_BUCKETS_SCHEMA);
        let mut prev_it = FloatBucketIter::new(previous, true, 0.0, CUSTOM_BUCKETS_SCHEMA);

        fn rollup(
            it: &mut FloatBucketIter<'_>,
            started: bool,
            mut bucket: Bucket<f64>,
            bound: f64,
        ) -> (f64, Bucket<f64>, bool) {
            if !started {
                if !it.advance() {
                    return (0.0, Bucket::default(), false);
                }
                bucket = it.at();
            }
            let mut sum = 0.0;
            while bucket.upper <= bound {
                sum += bucket.count;
                if !it.advance() {
                    return (sum, Bucket::default(), false);
                }
                bucket = it.at();
            }
            (sum, bucket, true)
        }

        let (mut ci, mut pi) = (0usize, 0usize);
        let (mut curr_bucket, mut prev_bucket) = (Bucket::default(), Bucket::default());
        let (mut curr_started, mut curr_more) = (false, false);
        let (mut prev_started, mut prev_more) = (false, false);
        while ci <= curr_bounds.len() && pi <= prev_bounds.len() {
            let cb = curr_bounds.get(ci).copied().unwrap_or(f64::INFINITY);
            let pb = prev_bounds.get(pi).copied().unwrap_or(f64::INFINITY);
            if cb == pb {
                let mut curr_sum = 0.0;
                if !curr_started || curr_more {
                    (curr_sum, curr_bucket, curr_more) =
                        rollup(&mut curr_it, curr_started, curr_bucket, cb);
                    curr_started = true;
                }
                let mut prev_sum = 0.0;
                if !prev_started || prev_more {
                    (prev_sum, prev_bucket, prev_more) =
                        rollup(&mut prev_it, prev_started, prev_bucket, cb);
                    prev_started = true;
                }
                if curr_sum < prev_sum {
                    return true;
                }
                ci += 1;
                pi += 1;
            } else if cb < pb {
                ci += 1;
            } else {
                pi += 1;
            }
        }
        false
    }

    /// Positive buckets, ascending from zero.
    pub fn positive_bucket_iter(&self) -> FloatBucketIter<'_> {
        FloatBucketIter::new(self, true, 0.0, self.schema)
    }

    /// Negative buckets, descending from zero.
    pub fn negative_bucket_iter(&self) -> FloatBucketIter<'_> {
        FloatBucketIter::new(self, false, 0.0, self.schema)
    }

    /// Positive buckets merged into `target_schema` (≤ the schema), skipping
    /// those with an upper bound ≤ `absolute_start_value` (exponential only);
    /// upstream's internal `floatBucketIterator`.
    pub fn bucket_iter_at_schema(
        &self,
        positive: bool,
        absolute_start_value: f64,
        target_schema: i32,
    ) -> FloatBucketIter<'_> {
        FloatBucketIter::new(self, positive, absolute_start_value, target_schema)
    }

    /// Positive buckets, descending towards zero.
    pub fn positive_reverse_bucket_iter(&self) -> ReverseFloatBucketIter<'_> {
        ReverseFloatBucketIter::new(
            &self.positive_spans,
            &self.positive_buckets,
            self.schema,
            true,
            cv(&self.custom_values),
        )
    }

    /// Negative buckets, ascending towards zero.
    pub fn negative_reverse_bucket_iter(&self) -> ReverseFloatBucketIter<'_> {
        ReverseFloatBucketIter::new(
            &self.negative_spans,
            &self.negative_buckets,
            self.schema,
            false,
            &[],
        )
    }

    /// All buckets (negative, zero if populated, positive), ascending.
    pub fn all_bucket_iter(&self) -> AllFloatBucketIter<'_> {
        AllFloatBucketIter::new(self, false)
    }

    /// All buckets, descending.
    pub fn all_reverse_bucket_iter(&self) -> AllFloatBucketIter<'_> {
        AllFloatBucketIter::new(self, true)
    }

    /// Consistency of spans and buckets, no negative counts, fields fitting the
    /// schema. (The count is not checked against the buckets: float error.)
    pub fn validate(&self) -> Result<(), HistogramError> {
        if self.uses_custom_buckets() {
            check_histogram_custom_bounds(
                cv(&self.custom_values),
                &self.positive_spans,
                self.positive_buckets.len(),
            )
            .map_err(|e| e.wrap("custom buckets"))?;
            if self.zero_count != 0.0 {
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
            check_float_buckets(&self.negative_buckets).map_err(|e| e.wrap("negative side"))?;
            if self.zero_count < 0.0 {
                return Err(HistogramError::with_context(
                    HistogramErrorKind::NegativeBucketCount,
                    format!(
                        "zero bucket has observation count of {}",
                        go_g(self.zero_count)
                    ),
                ));
            }
            if self.custom_values.is_some() {
                return Err(HistogramError::new(
                    HistogramErrorKind::ExpSchemaCustomBounds,
                ));
            }
        } else {
            return Err(HistogramError::invalid_schema(self.schema));
        }
        if self.count < 0.0 {
            return Err(HistogramError::with_context(
                HistogramErrorKind::NegativeCount,
                format!("observation count is  {}", go_g(self.count)),
            ));
        }
        check_float_buckets(&self.positive_buckets).map_err(|e| e.wrap("positive side"))?;
        Ok(())
    }

    /// `zeroCountForLargerThreshold`: the zero count (and compensation) this
    /// histogram would have with the larger threshold, and the threshold actually
    /// usable (moved up to a populated bucket's bound it falls into).
    pub(crate) fn zero_count_for_larger_threshold(
        &self,
        larger_threshold: f64,
        c: Option<&FloatHistogram>,
    ) -> (f64, f64, f64) {
        let mut c_zero_count = c.map_or(0.0, |c| c.zero_count);
        if larger_threshold == self.zero_threshold {
            return (self.zero_count, larger_threshold, c_zero_count);
        }
        if larger_threshold < self.zero_threshold {
            panic!(
                "new threshold {} is less than old threshold {}",
                crate::gofmt::go_f(larger_threshold),
                crate::gofmt::go_f(self.zero_threshold)
            );
        }
        let mut larger_threshold = larger_threshold;
        // As upstream, a restart resets the zero count but not the compensation.
        'outer: loop {
            let mut h_zero_count = self.zero_count;
            for (idx, b) in self.positive_bucket_iter().enumerate() {
                if b.lower >= larger_threshold {
                    break;
                }
                (h_zero_count, c_zero_count) = kahan_inc(b.count, h_zero_count, c_zero_count);
                if let Some(c) = c {
                    (h_zero_count, c_zero_count) =
                        kahan_inc(c.positive_buckets[idx], h_zero_count, c_zero_count);
                }
                if b.upper > larger_threshold {
                    if b.count != 0.0 {
                        larger_threshold = b.upper;
                    }
                    break;
                }
            }
            for (idx, b) in self.negative_bucket_iter().enumerate() {
                if b.upper <= -larger_threshold {
                    break;
                }
                (h_zero_count, c_zero_count) = kahan_inc(b.count, h_zero_count, c_zero_count);
                if let Some(c) = c {
                    (h_zero_count, c_zero_count) =
                        kahan_inc(c.negative_buckets[idx], h_zero_count, c_zero_count);
                }
                if b.lower < -larger_threshold {
                    if b.count != 0.0 {
                        larger_threshold = -b.lower;
                        continue 'outer;
                    }
                    break;
                }
            }
            return (h_zero_count, larger_threshold, c_zero_count);
        }
    }

    /// `trimBucketsInZeroBucket`: empties the buckets inside the zero bucket (their
    /// counts are already in the zero count) and compacts.
    pub(crate) fn trim_buckets_in_zero_bucket(&mut self, mut c: Option<&mut FloatHistogram>) {
        let zt = self.zero_threshold;
        let pos: Vec<usize> = self
            .positive_bucket_iter()
            .enumerate()
            .take_while(|(_, b)| b.lower < zt)
            .map(|(i, _)| i)
            .collect();
        let neg: Vec<usize> = self
            .negative_bucket_iter()
            .enumerate()
            .take_while(|(_, b)| b.upper > -zt)
            .map(|(i, _)| i)
            .collect();
        for i in pos {
            self.positive_buckets[i] = 0.0;
            if let Some(c) = c.as_deref_mut() {
                c.positive_buckets[i] = 0.0;
            }
        }
        for i in neg {
            self.negative_buckets[i] = 0.0;
            if let Some(c) = c.as_deref_mut() {
                c.negative_buckets[i] = 0.0;
            }
        }
        match c {
            Some(c) => self.kahan_compact(0, c),
            None => {
                self.compact(0);
            }
        }
    }

    /// `reconcileZeroBuckets`: widens this histogram's zero bucket until it covers
    /// both zero buckets at a threshold inside no populated bucket of either;
    /// returns the zero count (and compensation) `other` would have there.
    pub(crate) fn reconcile_zero_buckets(
        &mut self,
        other: &FloatHistogram,
        mut c: Option<&mut FloatHistogram>,
    ) -> (f64, f64) {
        let mut other_zero_count = other.zero_count;
        let mut other_zero_threshold = other.zero_threshold;
        let mut other_c_zero_count = 0.0;
        while other_zero_threshold != self.zero_threshold {
            if self.zero_threshold > other_zero_threshold {
                (other_zero_count, other_zero_threshold, other_c_zero_count) =
                    other.zero_count_for_larger_threshold(self.zero_threshold, None);
            }
            if other_zero_threshold > self.zero_threshold {
                let (zc, zt, czc) =
                    self.zero_count_for_larger_threshold(other_zero_threshold, c.as_deref());
                self.zero_count = zc;
                self.zero_threshold = zt;
                if let Some(c) = c.as_deref_mut() {
                    c.zero_count = czc;
                }
                self.trim_buckets_in_zero_bucket(c.as_deref_mut());
            }
        }
        (other_zero_count, other_c_zero_count)
    }

    /// Merges the buckets into the lower `target_schema`.
    pub fn reduce_resolution(&mut self, target_schema: i32) -> Result<(), HistogramError> {
        check_reduce(self.schema, target_schema)?;
        let (ps, pb) = reduce_resolution(
            &self.positive_spans,
            &self.positive_buckets,
            self.schema,
            target_schema,
            false,
        )?;
        let (ns, nb) = reduce_resolution(
            &self.negative_spans,
            &self.negative_buckets,
            self.schema,
            target_schema,
            false,
        )?;
        (self.positive_spans, self.positive_buckets) = (ps, pb);
        (self.negative_spans, self.negative_buckets) = (ns, nb);
        self.schema = target_schema;
        Ok(())
    }

    /// A zeroed Kahan compensation histogram with this histogram's layout.
    pub fn new_compensation_histogram(&self) -> FloatHistogram {
        FloatHistogram {
            counter_reset_hint: self.counter_reset_hint,
            schema: self.schema,
            zero_threshold: self.zero_threshold,
            custom_values: self.custom_values.clone(),
            positive_buckets: vec![0.0; self.positive_buckets.len()],
            positive_spans: self.positive_spans.clone(),
            negative_spans: self.negative_spans.clone(),
            negative_buckets: if self.uses_custom_buckets() {
                Vec::new()
            } else {
                vec![0.0; self.negative_buckets.len()]
            },
            ..Default::default()
        }
    }

    /// Whether a count, the sum, a bucket or a custom bound is infinite (an
    /// aggregation overflowed).
    pub fn has_overflow(&self) -> bool {
        self.zero_count.is_infinite()
            || self.count.is_infinite()
            || self.sum.is_infinite()
            || self.positive_buckets.iter().any(|v| v.is_infinite())
            || self.negative_buckets.iter().any(|v| v.is_infinite())
            || cv(&self.custom_values).iter().any(|v| v.is_infinite())
    }
}

/// `detectReset` over two bucket iterators of the same schema.
fn detect_reset(curr: &mut FloatBucketIter<'_>, prev: &mut FloatBucketIter<'_>) -> bool {
    if !prev.advance() {
        return false;
    }
    let mut prev_b = prev.stripped();
    // The rest of `prev` has a populated bucket.
    fn any_populated(first: (f64, i32), prev: &mut FloatBucketIter<'_>) -> bool {
        let mut b = first;
        loop {
            if b.0 != 0.0 {
                return true;
            }
            if !prev.advance() {
                return false;
            }
            b = prev.stripped();
        }
    }
    if !curr.advance() {
        return any_populated(prev_b, prev);
    }
    let mut curr_b = curr.stripped();
    loop {
        while curr_b.1 < prev_b.1 {
            if !curr.advance() {
                return any_populated(prev_b, prev);
            }
            curr_b = curr.stripped();
        }
        if curr_b.1 > prev_b.1 {
            if prev_b.0 != 0.0 {
                return true;
            }
        } else if curr_b.0 < prev_b.0 {
            return true;
        }
        if !prev.advance() {
            return false;
        }
        prev_b = prev.stripped();
    }
}

impl fmt::Display for FloatHistogram {
    /// Upstream's `String()`: `{count:N, sum:S, <non-empty buckets low to high>}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{count:{}, sum:{}", go_g(self.count), go_g(self.sum))?;
        let neg: Vec<Bucket<f64>> = self
            .negative_bucket_iter()
            .filter(|b| b.count != 0.0)
            .collect();
        for b in neg.iter().rev() {
            write!(f, ", {b}")?;
        }
        if self.zero_count != 0.0 {
            write!(f, ", {}", self.zero_bucket())?;
        }
        for b in self.positive_bucket_iter().filter(|b| b.count != 0.0) {
            write!(f, ", {b}")?;
        }
        f.write_str("}")
    }
}
