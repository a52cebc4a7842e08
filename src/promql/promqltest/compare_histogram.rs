//! Comparing native histograms as upstream's `compareNativeHistogram`: floats
//! within the relative error, spans equal up to empty ones, custom bounds equal,
//! and the counter-reset hint only where the expected text set it.

use crate::histogram::{FloatHistogram, Span};

use super::compare::{EPSILON, almost_equal};

/// Whether `cur` matches `exp` (both compacted first, as upstream).
pub(crate) fn histograms_match(exp: &FloatHistogram, cur: &FloatHistogram, hint_set: bool) -> bool {
    let (mut exp, mut cur) = (exp.clone(), cur.clone());
    exp.compact(0);
    cur.compact(0);
    if exp.schema != cur.schema
        || !almost_equal(exp.count, cur.count, EPSILON)
        || !almost_equal(exp.sum, cur.sum, EPSILON)
    {
        return false;
    }
    if exp.uses_custom_buckets()
        && exp.custom_values.as_deref().unwrap_or(&[])
            != cur.custom_values.as_deref().unwrap_or(&[])
    {
        return false;
    }
    if exp.zero_threshold != cur.zero_threshold
        || !almost_equal(exp.zero_count, cur.zero_count, EPSILON)
    {
        return false;
    }
    if !spans_match(&exp.negative_spans, &cur.negative_spans)
        || !buckets_match(&exp.negative_buckets, &cur.negative_buckets)
        || !spans_match(&exp.positive_spans, &cur.positive_spans)
        || !buckets_match(&exp.positive_buckets, &cur.positive_buckets)
    {
        return false;
    }
    !hint_set || exp.counter_reset_hint == cur.counter_reset_hint
}

fn buckets_match(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| almost_equal(*x, *y, EPSILON))
}

/// The test framework's `spansMatch`: a zero-length span's offset moves to the
/// next span; trailing empty spans do not count.
fn spans_match(s1: &[Span], s2: &[Span]) -> bool {
    if s1.is_empty() && s2.is_empty() {
        return true;
    }
    let all_empty = |s: &[Span]| s.iter().all(|s| s.length == 0);
    // The next span from `i`, with the offsets of zero-length spans before it added.
    let next = |s: &[Span], i: &mut usize| {
        let mut cur = s[*i];
        *i += 1;
        if cur.length == 0 {
            while *i < s.len() && s[*i].length == 0 {
                cur.offset += s[*i].offset;
                *i += 1;
            }
            if *i < s.len() {
                cur.offset += s[*i].offset;
                cur.length = s[*i].length;
                *i += 1;
            }
        }
        cur
    };
    let (mut i, mut j) = (0, 0);
    loop {
        if i >= s1.len() {
            return all_empty(&s2[j..]);
        }
        if j >= s2.len() {
            return all_empty(&s1[i..]);
        }
        let (a, b) = (next(s1, &mut i), next(s2, &mut j));
        if a.length == 0 && b.length == 0 {
            return true;
        }
        if a != b {
            return false;
        }
    }
}
