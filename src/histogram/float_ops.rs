//! Addition and subtraction of float histograms (upstream's `Add`, `Sub`,
//! `KahanAdd` and their bucket helpers).

use std::sync::Arc;

use super::float::kahan_inc;
use super::generic::{
    HistogramError, HistogramErrorKind, custom_bucket_bounds_match, cv, get_bound_exponential,
    must_reduce_resolution, target_idx,
};
use super::{CounterResetHint, CustomValues, FloatHistogram, Span, is_exponential_schema};

/// What an addition or subtraction reports besides its result (the engine turns
/// these into annotations).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AddOutcome {
    /// One side said `CounterReset`, the other `NotCounterReset`; the result's
    /// hint was set to unknown.
    pub counter_reset_collision: bool,
    /// Custom bucket bounds differed and were reduced to the bounds both share.
    pub nhcb_bounds_reconciled: bool,
}

impl FloatHistogram {
    /// Adds `other` into `self`, reconciling zero thresholds and schemas (the
    /// result has the lower resolution). Buckets may end up empty or spans
    /// adjacent: call [`FloatHistogram::compact`] to normalise. Errors (leaving
    /// `self` untouched) when one side has custom buckets and the other not.
    pub fn add(&mut self, other: &FloatHistogram) -> Result<AddOutcome, HistogramError> {
        self.add_or_sub(other, false)
    }

    /// Like [`FloatHistogram::add`] but subtracts. The hint is adjusted as for
    /// addition; PromQL's `-` sets it to gauge afterwards.
    pub fn sub(&mut self, other: &FloatHistogram) -> Result<AddOutcome, HistogramError> {
        self.add_or_sub(other, true)
    }

    fn add_or_sub(
        &mut self,
        other: &FloatHistogram,
        negative: bool,
    ) -> Result<AddOutcome, HistogramError> {
        self.check_schema_and_bounds(other)?;
        let mut out = AddOutcome {
            counter_reset_collision: self.adjust_counter_reset(other),
            ..Default::default()
        };
        if !self.uses_custom_buckets() {
            let (other_zero_count, _) = self.reconcile_zero_buckets(other, None);
            if negative {
                self.zero_count -= other_zero_count;
            } else {
                self.zero_count += other_zero_count;
            }
        }
        if negative {
            self.count -= other.count;
            self.sum -= other.sum;
        } else {
            self.count += other.count;
            self.sum += other.sum;
        }

        if self.uses_custom_buckets() {
            if custom_bucket_bounds_match(cv(&self.custom_values), cv(&other.custom_values)) {
                add_buckets(
                    self.schema,
                    self.zero_threshold,
                    negative,
                    &mut self.positive_spans,
                    &mut self.positive_buckets,
                    &other.positive_spans,
                    &other.positive_buckets,
                    None,
                    None,
                );
            } else {
                out.nhcb_bounds_reconciled = true;
                let intersected = intersect_custom_bucket_bounds(
                    cv(&self.custom_values),
                    cv(&other.custom_values),
                );
                let (spans, buckets, _) = add_custom_buckets_with_mismatches(
                    negative,
                    &self.positive_spans,
                    &self.positive_buckets,
                    cv(&self.custom_values),
                    &other.positive_spans,
                    &other.positive_buckets,
                    cv(&other.custom_values),
                    None,
                    cv(&intersected),
                );
                self.positive_spans = spans;
                self.positive_buckets = buckets;
                self.custom_values = intersected;
            }
            return Ok(out);
        }

        let mut other_ps: &[Span] = &other.positive_spans;
        let mut other_pb: &[f64] = &other.positive_buckets;
        let mut other_ns: &[Span] = &other.negative_spans;
        let mut other_nb: &[f64] = &other.negative_buckets;
        let reduced_other;
        if other.schema < self.schema {
            (self.positive_spans, self.positive_buckets) = must_reduce_resolution(
                &self.positive_spans,
                &self.positive_buckets,
                self.schema,
                other.schema,
                false,
            );
            (self.negative_spans, self.negative_buckets) = must_reduce_resolution(
                &self.negative_spans,
                &self.negative_buckets,
                self.schema,
                other.schema,
                false,
            );
            self.schema = other.schema;
        } else if other.schema > self.schema {
            reduced_other = (
                must_reduce_resolution(other_ps, other_pb, other.schema, self.schema, false),
                must_reduce_resolution(other_ns, other_nb, other.schema, self.schema, false),
            );
            (other_ps, other_pb) = (&reduced_other.0.0, &reduced_other.0.1);
            (other_ns, other_nb) = (&reduced_other.1.0, &reduced_other.1.1);
        }
        add_buckets(
            self.schema,
            self.zero_threshold,
            negative,
            &mut self.positive_spans,
            &mut self.positive_buckets,
            other_ps,
            other_pb,
            None,
            None,
        );
        add_buckets(
            self.schema,
            self.zero_threshold,
            negative,
            &mut self.negative_spans,
            &mut self.negative_buckets,
            other_ns,
            other_nb,
            None,
            None,
        );
        Ok(out)
    }

    /// [`FloatHistogram::add`] with Kahan summation: `c` is the compensation
    /// histogram (a fresh one if `None`), returned updated; the caller adds it
    /// to the sum at the end, as upstream's callers do.
    pub fn kahan_add(
        &mut self,
        other: &FloatHistogram,
        c: Option<FloatHistogram>,
    ) -> Result<(FloatHistogram, AddOutcome), HistogramError> {
        self.check_schema_and_bounds(other)?;
        let mut out = AddOutcome {
            counter_reset_collision: self.adjust_counter_reset(other),
            ..Default::default()
        };
        let mut c = c.unwrap_or_else(|| self.new_compensation_histogram());
        if !self.uses_custom_buckets() {
            let (ozc, oczc) = self.reconcile_zero_buckets(other, Some(&mut c));
            (self.zero_count, c.zero_count) = kahan_inc(ozc, self.zero_count, c.zero_count);
            (self.zero_count, c.zero_count) = kahan_inc(oczc, self.zero_count, c.zero_count);
        }
        (self.count, c.count) = kahan_inc(other.count, self.count, c.count);
        (self.sum, c.sum) = kahan_inc(other.sum, self.sum, c.sum);

        if self.uses_custom_buckets() {
            if custom_bucket_bounds_match(cv(&self.custom_values), cv(&other.custom_values)) {
                add_buckets(
                    self.schema,
                    self.zero_threshold,
                    false,
                    &mut self.positive_spans,
                    &mut self.positive_buckets,
                    &other.positive_spans,
                    &other.positive_buckets,
                    Some(&mut c.positive_buckets),
                    None,
                );
            } else {
                out.nhcb_bounds_reconciled = true;
                let intersected = intersect_custom_bucket_bounds(
                    cv(&self.custom_values),
                    cv(&other.custom_values),
                );
                let (spans, buckets, cbuckets) = add_custom_buckets_with_mismatches(
                    false,
                    &self.positive_spans,
                    &self.positive_buckets,
                    cv(&self.custom_values),
                    &other.positive_spans,
                    &other.positive_buckets,
                    cv(&other.custom_values),
                    Some(&c.positive_buckets),
                    cv(&intersected),
                );
                self.positive_spans = spans;
                self.positive_buckets = buckets;
                c.positive_buckets = cbuckets;
                self.custom_values = intersected.clone();
                c.custom_values = intersected;
            }
            c.positive_spans = self.positive_spans.clone();
            return Ok((c, out));
        }

        let mut other_ps: &[Span] = &other.positive_spans;
        let mut other_pb: &[f64] = &other.positive_buckets;
        let mut other_ns: &[Span] = &other.negative_spans;
        let mut other_nb: &[f64] = &other.negative_buckets;
        let mut other_cpb: Option<Vec<f64>> = None;
        let mut other_cnb: Option<Vec<f64>> = None;
        let reduced_pos;
        let reduced_neg;
        if other.schema < self.schema {
            (
                self.positive_spans,
                self.positive_buckets,
                c.positive_buckets,
            ) = kahan_reduce_resolution(
                &self.positive_spans,
                &self.positive_buckets,
                &c.positive_buckets,
                self.schema,
                other.schema,
            );
            (
                self.negative_spans,
                self.negative_buckets,
                c.negative_buckets,
            ) = kahan_reduce_resolution(
                &self.negative_spans,
                &self.negative_buckets,
                &c.negative_buckets,
                self.schema,
                other.schema,
            );
            self.schema = other.schema;
        } else if other.schema > self.schema {
            if !other_pb.is_empty() {
                let zeros = vec![0.0; other_pb.len()];
                let (s, b, cb) =
                    kahan_reduce_resolution(other_ps, other_pb, &zeros, other.schema, self.schema);
                reduced_pos = (s, b);
                (other_ps, other_pb) = (&reduced_pos.0, &reduced_pos.1);
                other_cpb = Some(cb);
            }
            if !other_nb.is_empty() {
                let zeros = vec![0.0; other_nb.len()];
                let (s, b, cb) =
                    kahan_reduce_resolution(other_ns, other_nb, &zeros, other.schema, self.schema);
                reduced_neg = (s, b);
                (other_ns, other_nb) = (&reduced_neg.0, &reduced_neg.1);
                other_cnb = Some(cb);
            }
        }
        add_buckets(
            self.schema,
            self.zero_threshold,
            false,
            &mut self.positive_spans,
            &mut self.positive_buckets,
            other_ps,
            other_pb,
            Some(&mut c.positive_buckets),
            other_cpb.as_deref(),
        );
        add_buckets(
            self.schema,
            self.zero_threshold,
            false,
            &mut self.negative_spans,
            &mut self.negative_buckets,
            other_ns,
            other_nb,
            Some(&mut c.negative_buckets),
            other_cnb.as_deref(),
        );
        c.schema = self.schema;
        c.zero_threshold = self.zero_threshold;
        c.positive_spans = self.positive_spans.clone();
        c.negative_spans = self.negative_spans.clone();
        Ok((c, out))
    }

    /// Both exponential or both custom buckets.
    pub(crate) fn check_schema_and_bounds(
        &self,
        other: &FloatHistogram,
    ) -> Result<(), HistogramError> {
        if self.uses_custom_buckets() != other.uses_custom_buckets() {
            return Err(HistogramError::new(HistogramErrorKind::IncompatibleSchema));
        }
        Ok(())
    }

    /// The hint of a sum or difference; true on a `CounterReset` /
    /// `NotCounterReset` collision (the hint then becomes unknown).
    pub(crate) fn adjust_counter_reset(&mut self, other: &FloatHistogram) -> bool {
        use CounterResetHint::*;
        let (h, o) = (self.counter_reset_hint, other.counter_reset_hint);
        if o == h || h == Gauge {
            return false;
        }
        if o == Gauge {
            self.counter_reset_hint = Gauge;
            return false;
        }
        if h == Unknown {
            return false;
        }
        self.counter_reset_hint = Unknown;
        o != Unknown
    }
}

/// `addBuckets` (and, with compensation buckets, `kahanAddBuckets`): adds (or
/// subtracts) B's buckets into A's, inserting missing ones. B's buckets with an
/// upper bound ≤ `threshold` (exponential schemas) are skipped: they are in the
/// zero bucket.
#[allow(clippy::too_many_arguments)]
pub(crate) fn add_buckets(
    schema: i32,
    threshold: f64,
    negative: bool,
    spans_a: &mut Vec<Span>,
    buckets_a: &mut Vec<f64>,
    spans_b: &[Span],
    buckets_b: &[f64],
    mut comp_a: Option<&mut Vec<f64>>,
    comp_b: Option<&[f64]>,
) {
    let mut started = false;
    let mut i_span = 0usize;
    let mut i_bucket = 0usize;
    let mut i_in_span = 0i32;
    let mut index_a = 0i32;
    let mut index_b = 0i32;
    let mut b_idx_b = 0usize;
    let mut lower_than_threshold = true;

    // Adds into bucket i: plainly, or Kahan-compensated.
    let add_at = |buckets_a: &mut Vec<f64>,
                  comp_a: &mut Option<&mut Vec<f64>>,
                  i: usize,
                  b: f64,
                  cb: f64| {
        match comp_a.as_deref_mut() {
            None => buckets_a[i] += b,
            Some(ca) => {
                (buckets_a[i], ca[i]) = kahan_inc(b, buckets_a[i], ca[i]);
                if cb != 0.0 {
                    (buckets_a[i], ca[i]) = kahan_inc(cb, buckets_a[i], ca[i]);
                }
            }
        }
    };

    for span_b in spans_b {
        index_b += span_b.offset;
        for _ in 0..span_b.length {
            'next: {
                if lower_than_threshold
                    && is_exponential_schema(schema)
                    && get_bound_exponential(index_b, schema) <= threshold
                {
                    break 'next;
                }
                lower_than_threshold = false;
                let mut bucket_b = buckets_b[b_idx_b];
                let mut comp_bucket_b = comp_b.map_or(0.0, |c| c[b_idx_b]);
                if negative {
                    bucket_b *= -1.0;
                    comp_bucket_b *= -1.0;
                }
                if !started {
                    if spans_a.is_empty() || spans_a[0].offset > index_b {
                        // Before all others.
                        buckets_a.insert(0, bucket_b);
                        if let Some(ca) = comp_a.as_deref_mut() {
                            ca.insert(0, comp_bucket_b);
                        }
                        if !spans_a.is_empty() && spans_a[0].offset == index_b + 1 {
                            spans_a[0].length += 1;
                            spans_a[0].offset -= 1;
                            break 'next;
                        }
                        spans_a.insert(
                            0,
                            Span {
                                offset: index_b,
                                length: 1,
                            },
                        );
                        if spans_a.len() > 1 {
                            spans_a[1].offset -= index_b + 1;
                        }
                        break 'next;
                    } else if spans_a[0].offset == index_b {
                        add_at(buckets_a, &mut comp_a, 0, bucket_b, comp_bucket_b);
                        break 'next;
                    }
                    started = true;
                    i_span = 0;
                    i_bucket = 0;
                    i_in_span = 0;
                    index_a = spans_a[0].offset;
                }
                let mut delta_index = index_b - index_a;
                loop {
                    let remaining_in_span = spans_a[i_span].length as i32 - i_in_span;
                    if delta_index < remaining_in_span {
                        // In the current span.
                        i_bucket = (i_bucket as i64 + i64::from(delta_index)) as usize;
                        i_in_span += delta_index;
                        add_at(buckets_a, &mut comp_a, i_bucket, bucket_b, comp_bucket_b);
                        break;
                    }
                    delta_index -= remaining_in_span;
                    i_bucket = (i_bucket as i64 + i64::from(remaining_in_span)) as usize;
                    i_span += 1;
                    if i_span == spans_a.len() || delta_index < spans_a[i_span].offset {
                        // In the gap behind the previous span (or after all spans).
                        buckets_a.insert(i_bucket, bucket_b);
                        if let Some(ca) = comp_a.as_deref_mut() {
                            ca.insert(i_bucket, comp_bucket_b);
                        }
                        if delta_index == 0 {
                            // Right after the previous span: extend it.
                            if i_span < spans_a.len() {
                                spans_a[i_span].offset -= 1;
                            }
                            i_span -= 1;
                            i_in_span = spans_a[i_span].length as i32;
                            spans_a[i_span].length += 1;
                        } else if i_span < spans_a.len()
                            && delta_index == spans_a[i_span].offset - 1
                        {
                            // Right before the next span: extend that.
                            i_in_span = 0;
                            spans_a[i_span].offset -= 1;
                            spans_a[i_span].length += 1;
                        } else {
                            i_in_span = 0;
                            if i_span < spans_a.len() {
                                spans_a[i_span].offset -= delta_index + 1;
                            }
                            spans_a.insert(
                                i_span,
                                Span {
                                    length: 1,
                                    offset: delta_index,
                                },
                            );
                        }
                        break 'next;
                    }
                    // Try the start of the next span.
                    delta_index -= spans_a[i_span].offset;
                    i_in_span = 0;
                }
            }
            index_a = index_b;
            index_b += 1;
            b_idx_b += 1;
        }
    }
}

/// The bounds both lists have (`None` if none, as upstream's nil).
pub(crate) fn intersect_custom_bucket_bounds(a: &[f64], b: &[f64]) -> Option<CustomValues> {
    let mut result: Vec<f64> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            result.push(a[i]);
            i += 1;
            j += 1;
        } else if a[i] < b[j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    if result.is_empty() {
        None
    } else {
        Some(Arc::from(result))
    }
}

/// `addCustomBucketsWithMismatches`: A plus (or minus) B, both mapped onto the
/// intersected bounds (Kahan-summed); empty buckets are dropped. Returns spans,
/// buckets and compensation buckets.
#[allow(clippy::too_many_arguments)]
pub(crate) fn add_custom_buckets_with_mismatches(
    negative: bool,
    spans_a: &[Span],
    buckets_a: &[f64],
    bounds_a: &[f64],
    spans_b: &[Span],
    buckets_b: &[f64],
    bounds_b: &[f64],
    buckets_c: Option<&[f64]>,
    intersected: &[f64],
) -> (Vec<Span>, Vec<f64>, Vec<f64>) {
    let n = intersected.len() + 1;
    let mut target = vec![0.0; n];
    let mut c_target = vec![0.0; n];

    let mut map_buckets =
        |spans: &[Span], buckets: &[f64], bounds: &[f64], negative: bool, comp: Option<&[f64]>| {
            let mut src_idx = 0usize;
            let mut bucket_idx = 0usize;
            let mut intersect_idx = 0usize;
            for span in spans {
                src_idx = (src_idx as i64 + i64::from(span.offset)) as usize;
                for _ in 0..span.length {
                    if bucket_idx < buckets.len() {
                        let value = buckets[bucket_idx];
                        let mut t = n - 1;
                        if src_idx < bounds.len() {
                            let src_bound = bounds[src_idx];
                            while intersect_idx < intersected.len() {
                                if intersected[intersect_idx] >= src_bound {
                                    t = intersect_idx;
                                    break;
                                }
                                intersect_idx += 1;
                            }
                        }
                        if negative {
                            (target[t], c_target[t]) = kahan_inc(-value, target[t], c_target[t]);
                        } else {
                            (target[t], c_target[t]) = kahan_inc(value, target[t], c_target[t]);
                            if let Some(c) = comp {
                                (target[t], c_target[t]) =
                                    kahan_inc(c[bucket_idx], target[t], c_target[t]);
                            }
                        }
                    }
                    src_idx += 1;
                    bucket_idx += 1;
                }
            }
        };
    map_buckets(spans_a, buckets_a, bounds_a, false, buckets_c);
    map_buckets(spans_b, buckets_b, bounds_b, negative, None);

    let mut dest_spans: Vec<Span> = Vec::new();
    let mut dest_buckets = Vec::new();
    let mut c_dest_buckets = Vec::new();
    let mut last_idx = -1i32;
    for i in 0..n {
        if target[i] == 0.0 && c_target[i] == 0.0 {
            continue;
        }
        dest_buckets.push(target[i]);
        c_dest_buckets.push(c_target[i]);
        let idx = i as i32;
        if !dest_spans.is_empty() && idx == last_idx + 1 {
            dest_spans.last_mut().unwrap().length += 1;
        } else {
            let offset = if dest_spans.is_empty() {
                idx
            } else {
                idx - last_idx - 1
            };
            dest_spans.push(Span { offset, length: 1 });
        }
        last_idx = idx;
    }
    (dest_spans, dest_buckets, c_dest_buckets)
}

/// `kahanReduceResolution`: [`super::generic`]'s resolution reduction with
/// compensation buckets merged in step (Kahan-summed).
pub(crate) fn kahan_reduce_resolution(
    origin_spans: &[Span],
    origin_buckets: &[f64],
    origin_comp: &[f64],
    origin_schema: i32,
    target_schema: i32,
) -> (Vec<Span>, Vec<f64>, Vec<f64>) {
    let mut spans: Vec<Span> = Vec::new();
    let mut buckets: Vec<f64> = Vec::new();
    let mut comp: Vec<f64> = Vec::new();
    let mut bucket_idx = 0i32;
    let mut count_idx = 0usize;
    let mut last_target = 0i32;
    for span in origin_spans {
        bucket_idx += span.offset;
        for _ in 0..span.length {
            let t = target_idx(bucket_idx, origin_schema, target_schema);
            let (b, cb) = (origin_buckets[count_idx], origin_comp[count_idx]);
            if spans.is_empty() {
                spans.push(Span {
                    offset: t,
                    length: 1,
                });
                buckets.push(b);
                last_target = t;
                comp.push(cb);
            } else if last_target == t {
                let l = buckets.len() - 1;
                (buckets[l], comp[l]) = kahan_inc(b, buckets[l], comp[l]);
                (buckets[l], comp[l]) = kahan_inc(cb, buckets[l], comp[l]);
            } else if last_target + 1 == t {
                spans.last_mut().unwrap().length += 1;
                last_target += 1;
                buckets.push(b);
                comp.push(cb);
            } else if last_target + 1 < t {
                spans.push(Span {
                    offset: t - last_target - 1,
                    length: 1,
                });
                last_target = t;
                buckets.push(b);
                comp.push(cb);
            }
            bucket_idx += 1;
            count_idx += 1;
        }
    }
    (spans, buckets, comp)
}
