//! The bucket iterators (upstream's `regularBucketIterator`,
//! `cumulativeBucketIterator`, `floatBucketIterator`,
//! `reverseFloatBucketIterator` and `allFloatBucketIterator`).

use super::generic::{Bucket, get_bound, get_bound_exponential, target_idx};
use super::{FloatHistogram, Histogram, Span, is_custom_buckets_schema, is_exponential_schema};

/// Bounds and inclusiveness of bucket `idx` on one side (`baseBucketIterator.at`).
fn bucket_at<T>(idx: i32, count: T, schema: i32, positive: bool, custom: &[f64]) -> Bucket<T> {
    let (lower, upper) = if positive {
        (
            get_bound(idx - 1, schema, custom),
            get_bound(idx, schema, custom),
        )
    } else {
        (
            -get_bound(idx, schema, custom),
            -get_bound(idx - 1, schema, custom),
        )
    };
    let (lower_inclusive, upper_inclusive) = if is_custom_buckets_schema(schema) {
        (idx == 0, true)
    } else {
        (lower < 0.0, upper > 0.0)
    };
    Bucket {
        lower,
        upper,
        lower_inclusive,
        upper_inclusive,
        count,
        index: idx,
    }
}

/// The buckets of one side of a [`Histogram`], decoded from deltas, going away
/// from zero.
#[derive(Clone, Debug)]
pub struct IntBucketIter<'a> {
    schema: i32,
    spans: &'a [Span],
    buckets: &'a [i64],
    positive: bool,
    custom_values: &'a [f64],
    spans_idx: usize,
    idx_in_span: u32,
    buckets_idx: usize,
    curr_count: i64,
    curr_idx: i32,
}

impl<'a> IntBucketIter<'a> {
    pub(crate) fn new(
        spans: &'a [Span],
        buckets: &'a [i64],
        schema: i32,
        positive: bool,
        custom_values: &'a [f64],
    ) -> Self {
        IntBucketIter {
            schema,
            spans,
            buckets,
            positive,
            custom_values,
            spans_idx: 0,
            idx_in_span: 0,
            buckets_idx: 0,
            curr_count: 0,
            curr_idx: 0,
        }
    }
}

impl Iterator for IntBucketIter<'_> {
    type Item = Bucket<u64>;

    fn next(&mut self) -> Option<Bucket<u64>> {
        if self.spans_idx >= self.spans.len() {
            return None;
        }
        let mut span = self.spans[self.spans_idx];
        if self.buckets_idx == 0 {
            self.curr_idx = span.offset;
        } else {
            self.curr_idx += 1;
        }
        while self.idx_in_span >= span.length {
            self.idx_in_span = 0;
            self.spans_idx += 1;
            if self.spans_idx >= self.spans.len() {
                return None;
            }
            span = self.spans[self.spans_idx];
            self.curr_idx += span.offset;
        }
        if self.buckets_idx >= self.buckets.len() {
            return None;
        }
        self.curr_count = self.curr_count.wrapping_add(self.buckets[self.buckets_idx]);
        self.idx_in_span += 1;
        self.buckets_idx += 1;
        Some(bucket_at(
            self.curr_idx,
            self.curr_count as u64,
            self.schema,
            self.positive,
            self.custom_values,
        ))
    }
}

/// Cumulative buckets of a [`Histogram`] without negative buckets: the zero
/// bucket (if populated), then every positive bucket including the empty ones
/// between spans, each with lower bound -Inf.
#[derive(Clone, Debug)]
pub struct CumulativeBucketIter<'a> {
    h: &'a Histogram,
    pos_spans_idx: isize,
    pos_buckets_idx: usize,
    idx_in_span: u32,
    initialized: bool,
    curr_idx: i32,
    curr_upper: f64,
    curr_count: i64,
    curr_cumulative_count: u64,
    empty_bucket_count: i32,
}

impl<'a> CumulativeBucketIter<'a> {
    pub(crate) fn new(h: &'a Histogram) -> Self {
        if !h.negative_buckets.is_empty() {
            panic!("CumulativeBucketIterator called on Histogram with negative buckets");
        }
        CumulativeBucketIter {
            h,
            pos_spans_idx: -1,
            pos_buckets_idx: 0,
            idx_in_span: 0,
            initialized: false,
            curr_idx: 0,
            curr_upper: 0.0,
            curr_count: 0,
            curr_cumulative_count: 0,
            empty_bucket_count: 0,
        }
    }

    fn advance(&mut self) -> bool {
        let h = self.h;
        if self.pos_spans_idx == -1 {
            self.pos_spans_idx += 1;
            if h.zero_count == 0 {
                return self.advance();
            }
            self.curr_upper = h.zero_threshold;
            self.curr_count = h.zero_count as i64;
            self.curr_cumulative_count = self.curr_count as u64;
            return true;
        }
        let psi = self.pos_spans_idx as usize;
        if psi >= h.positive_spans.len() {
            return false;
        }
        let cv = super::generic::cv(&h.custom_values);
        if self.empty_bucket_count > 0 {
            self.curr_upper = get_bound(self.curr_idx, h.schema, cv);
            self.curr_idx += 1;
            self.empty_bucket_count -= 1;
            return true;
        }
        let span = h.positive_spans[psi];
        if psi == 0 && !self.initialized {
            self.curr_idx = span.offset;
            self.curr_count = 0;
            self.initialized = true;
        }
        if self.pos_buckets_idx >= h.positive_buckets.len() {
            return false;
        }
        self.curr_count = self
            .curr_count
            .wrapping_add(h.positive_buckets[self.pos_buckets_idx]);
        self.curr_cumulative_count = self
            .curr_cumulative_count
            .wrapping_add(self.curr_count as u64);
        self.curr_upper = get_bound(self.curr_idx, h.schema, cv);
        self.pos_buckets_idx += 1;
        self.idx_in_span += 1;
        self.curr_idx += 1;
        if self.idx_in_span >= span.length {
            self.pos_spans_idx += 1;
            self.idx_in_span = 0;
            if let Some(next) = h.positive_spans.get(self.pos_spans_idx as usize) {
                self.empty_bucket_count = next.offset;
            }
        }
        true
    }
}

impl Iterator for CumulativeBucketIter<'_> {
    type Item = Bucket<u64>;

    fn next(&mut self) -> Option<Bucket<u64>> {
        if !self.advance() {
            return None;
        }
        Some(Bucket {
            upper: self.curr_upper,
            lower: f64::NEG_INFINITY,
            upper_inclusive: true,
            lower_inclusive: true,
            count: self.curr_cumulative_count,
            index: self.curr_idx - 1,
        })
    }
}

/// The buckets of one side of a [`FloatHistogram`] going away from zero,
/// optionally merged into a lower `target_schema` and skipping buckets whose
/// upper bound is at most `absolute_start_value` (exponential schemas only).
#[derive(Clone, Debug)]
pub struct FloatBucketIter<'a> {
    schema: i32,
    spans: &'a [Span],
    buckets: &'a [f64],
    positive: bool,
    custom_values: &'a [f64],
    spans_idx: usize,
    idx_in_span: u32,
    buckets_idx: usize,
    curr_count: f64,
    curr_idx: i32,
    target_schema: i32,
    orig_idx: i32,
    absolute_start_value: f64,
    bound_reached_start_value: bool,
}

impl<'a> FloatBucketIter<'a> {
    /// `floatBucketIterator`; panics on the schema combinations upstream panics on.
    pub(crate) fn new(
        h: &'a FloatHistogram,
        positive: bool,
        absolute_start_value: f64,
        target_schema: i32,
    ) -> Self {
        let custom = h.uses_custom_buckets();
        if custom && target_schema != h.schema {
            panic!("cannot merge from custom buckets schema to exponential schema");
        }
        if !custom && is_custom_buckets_schema(target_schema) {
            panic!("cannot merge from exponential buckets schema to custom schema");
        }
        if target_schema > h.schema {
            panic!("cannot merge from schema {} to {target_schema}", h.schema);
        }
        let (spans, buckets, custom_values): (&[Span], &[f64], &[f64]) = if positive {
            (
                &h.positive_spans,
                &h.positive_buckets,
                super::generic::cv(&h.custom_values),
            )
        } else {
            (&h.negative_spans, &h.negative_buckets, &[])
        };
        FloatBucketIter {
            schema: h.schema,
            spans,
            buckets,
            positive,
            custom_values,
            spans_idx: 0,
            idx_in_span: 0,
            buckets_idx: 0,
            curr_count: 0.0,
            curr_idx: 0,
            target_schema,
            orig_idx: 0,
            absolute_start_value,
            bound_reached_start_value: absolute_start_value == 0.0,
        }
    }

    /// The current bucket's count and index (without computing bounds).
    pub(crate) fn stripped(&self) -> (f64, i32) {
        (self.curr_count, self.curr_idx)
    }

    pub(crate) fn at(&self) -> Bucket<f64> {
        bucket_at(
            self.curr_idx,
            self.curr_count,
            self.target_schema,
            self.positive,
            self.custom_values,
        )
    }

    pub(crate) fn advance(&mut self) -> bool {
        loop {
            if !self.step() {
                return false;
            }
            // Skip buckets below the start value (exponential schemas).
            if !self.bound_reached_start_value
                && is_exponential_schema(self.target_schema)
                && get_bound_exponential(self.curr_idx, self.target_schema)
                    <= self.absolute_start_value
            {
                continue;
            }
            self.bound_reached_start_value = true;
            return true;
        }
    }

    fn step(&mut self) -> bool {
        if self.spans_idx >= self.spans.len() {
            return false;
        }
        let mut span = self.spans[self.spans_idx];
        if self.schema == self.target_schema {
            if self.buckets_idx == 0 {
                self.curr_idx = span.offset;
            } else {
                self.curr_idx += 1;
            }
            if self.buckets_idx >= self.buckets.len() {
                return false;
            }
            while self.idx_in_span >= span.length {
                self.idx_in_span = 0;
                self.spans_idx += 1;
                if self.spans_idx >= self.spans.len() {
                    return false;
                }
                span = self.spans[self.spans_idx];
                self.curr_idx += span.offset;
            }
            self.curr_count = self.buckets[self.buckets_idx];
            self.idx_in_span += 1;
            self.buckets_idx += 1;
            return true;
        }
        // Merge all original buckets that fall into one target bucket; work on
        // copies so the look-ahead can be rolled back.
        let (mut orig_idx, mut spans_idx, mut idx_in_span) =
            (self.orig_idx, self.spans_idx, self.idx_in_span);
        let mut first_pass = true;
        self.curr_count = 0.0;
        loop {
            if self.buckets_idx == 0 {
                orig_idx = span.offset;
            } else {
                orig_idx += 1;
            }
            if self.buckets_idx >= self.buckets.len() {
                if first_pass {
                    return false;
                }
                break;
            }
            let mut exhausted = false;
            while idx_in_span >= span.length {
                idx_in_span = 0;
                spans_idx += 1;
                if spans_idx >= self.spans.len() {
                    exhausted = true;
                    break;
                }
                span = self.spans[spans_idx];
                orig_idx += span.offset;
            }
            if exhausted {
                if first_pass {
                    return false;
                }
                break;
            }
            let curr_idx = target_idx(orig_idx, self.schema, self.target_schema);
            if first_pass {
                self.curr_idx = curr_idx;
                first_pass = false;
            } else if curr_idx != self.curr_idx {
                break;
            }
            self.curr_count += self.buckets[self.buckets_idx];
            idx_in_span += 1;
            self.buckets_idx += 1;
            self.orig_idx = orig_idx;
            self.spans_idx = spans_idx;
            self.idx_in_span = idx_in_span;
        }
        true
    }
}

impl Iterator for FloatBucketIter<'_> {
    type Item = Bucket<f64>;

    fn next(&mut self) -> Option<Bucket<f64>> {
        if self.advance() {
            Some(self.at())
        } else {
            None
        }
    }
}

/// The buckets of one side of a [`FloatHistogram`] going towards zero.
#[derive(Clone, Debug)]
pub struct ReverseFloatBucketIter<'a> {
    schema: i32,
    spans: &'a [Span],
    buckets: &'a [f64],
    positive: bool,
    custom_values: &'a [f64],
    spans_idx: isize,
    idx_in_span: i32,
    buckets_idx: isize,
    curr_count: f64,
    curr_idx: i32,
}

impl<'a> ReverseFloatBucketIter<'a> {
    pub(crate) fn new(
        spans: &'a [Span],
        buckets: &'a [f64],
        schema: i32,
        positive: bool,
        custom_values: &'a [f64],
    ) -> Self {
        let spans_idx = spans.len() as isize - 1;
        ReverseFloatBucketIter {
            schema,
            spans,
            buckets,
            positive,
            custom_values,
            spans_idx,
            idx_in_span: spans.last().map_or(0, |s| s.length as i32 - 1),
            buckets_idx: buckets.len() as isize - 1,
            curr_count: 0.0,
            curr_idx: spans.iter().map(|s| s.offset + s.length as i32).sum(),
        }
    }
}

impl Iterator for ReverseFloatBucketIter<'_> {
    type Item = Bucket<f64>;

    fn next(&mut self) -> Option<Bucket<f64>> {
        self.curr_idx -= 1;
        if self.buckets_idx < 0 {
            return None;
        }
        while self.idx_in_span < 0 {
            self.spans_idx -= 1;
            if self.spans_idx < 0 {
                return None;
            }
            let si = self.spans_idx as usize;
            self.idx_in_span = self.spans[si].length as i32 - 1;
            self.curr_idx -= self.spans[si + 1].offset;
        }
        self.curr_count = self.buckets[self.buckets_idx as usize];
        self.buckets_idx -= 1;
        self.idx_in_span -= 1;
        Some(bucket_at(
            self.curr_idx,
            self.curr_count,
            self.schema,
            self.positive,
            self.custom_values,
        ))
    }
}

/// Every bucket of a [`FloatHistogram`], negative, zero and positive, in
/// ascending order (or descending for the reverse variant); a bucket
/// overlapping the zero bucket is clipped at the zero threshold.
#[derive(Clone, Debug)]
pub struct AllFloatBucketIter<'a> {
    h: &'a FloatHistogram,
    left: ReverseFloatBucketIter<'a>,
    right: FloatBucketIter<'a>,
    state: i8,
}

impl<'a> AllFloatBucketIter<'a> {
    pub(crate) fn new(h: &'a FloatHistogram, reverse: bool) -> Self {
        let (left, right) = if reverse {
            (
                ReverseFloatBucketIter::new(
                    &h.positive_spans,
                    &h.positive_buckets,
                    h.schema,
                    true,
                    super::generic::cv(&h.custom_values),
                ),
                FloatBucketIter::new(h, false, 0.0, h.schema),
            )
        } else {
            (
                ReverseFloatBucketIter::new(
                    &h.negative_spans,
                    &h.negative_buckets,
                    h.schema,
                    false,
                    &[],
                ),
                FloatBucketIter::new(h, true, 0.0, h.schema),
            )
        };
        AllFloatBucketIter {
            h,
            left,
            right,
            state: -1,
        }
    }
}

impl Iterator for AllFloatBucketIter<'_> {
    type Item = Bucket<f64>;

    fn next(&mut self) -> Option<Bucket<f64>> {
        let zt = self.h.zero_threshold;
        loop {
            match self.state {
                -1 => {
                    if let Some(mut b) = self.left.next() {
                        if b.upper < 0.0 && b.upper > -zt {
                            b.upper = -zt;
                        } else if b.lower > 0.0 && b.lower < zt {
                            b.lower = zt;
                        }
                        return Some(b);
                    }
                    self.state = 0;
                }
                0 => {
                    self.state = 1;
                    if self.h.zero_count > 0.0 {
                        return Some(self.h.zero_bucket());
                    }
                }
                1 => {
                    if let Some(mut b) = self.right.next() {
                        if b.lower > 0.0 && b.lower < zt {
                            b.lower = zt;
                        } else if b.upper < 0.0 && b.upper > -zt {
                            b.upper = -zt;
                        }
                        return Some(b);
                    }
                    self.state = 42;
                    return None;
                }
                _ => return None,
            }
        }
    }
}
