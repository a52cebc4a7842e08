//! Upstream's unit-test tables (`model/histogram/*_test.go`), converted
//! mechanically from the Go literals, plus notation round trips.

// The converted Go literals spell out every field at times, and use 3.14.
#![allow(clippy::needless_update, clippy::approx_constant)]

use std::sync::Arc;

use super::notation::{SeriesPoint, parse_histogram, parse_series_histograms};
use super::*;

fn sp(s: &[(i32, u32)]) -> Vec<Span> {
    s.iter()
        .map(|&(offset, length)| Span { offset, length })
        .collect()
}

fn cvals(v: &[f64]) -> Option<CustomValues> {
    Some(Arc::from(v))
}

#[derive(Default)]
struct AddCase {
    name: &'static str,
    in1: FloatHistogram,
    in2: FloatHistogram,
    expected: FloatHistogram,
    exp_err_msg: &'static str,
    exp_counter_reset_collision: bool,
    exp_nhcb_bounds_reconciled: bool,
}

fn check_add(
    name: &str,
    a: &FloatHistogram,
    b: &FloatHistogram,
    c: &AddCase,
    expected: &FloatHistogram,
    sub: bool,
) {
    assert!(a.validate().is_ok(), "{name}: a invalid");
    assert!(b.validate().is_ok(), "{name}: b invalid");
    let mut res = a.copy();
    let b_copy = b.copy();
    let r = if sub {
        res.sub(&b_copy)
    } else {
        res.add(&b_copy)
    };
    match r {
        Err(e) => {
            assert_eq!(e.to_string(), c.exp_err_msg, "{name}");
            return;
        }
        Ok(out) => {
            assert!(c.exp_err_msg.is_empty(), "{name}: expected an error");
            assert_eq!(
                out.counter_reset_collision, c.exp_counter_reset_collision,
                "{name}"
            );
            assert_eq!(
                out.nhcb_bounds_reconciled, c.exp_nhcb_bounds_reconciled,
                "{name}"
            );
        }
    }
    // Upstream's nil expectation (no case expects an all-default result).
    if *expected == FloatHistogram::default() {
        return;
    }
    let mut exp = expected.copy();
    res.compact(0);
    exp.compact(0);
    assert_eq!(res, exp, "{name}");
    assert_eq!(b, &b_copy, "{name}: argument mutated");
}

fn check_kahan_add(name: &str, a: &FloatHistogram, b: &FloatHistogram, c: &AddCase) {
    let mut res = a.copy();
    let (comp, out) = match res.kahan_add(b, None) {
        Err(e) => {
            assert_eq!(e.to_string(), c.exp_err_msg, "{name}");
            return;
        }
        Ok(x) => x,
    };
    assert_eq!(
        out.counter_reset_collision, c.exp_counter_reset_collision,
        "{name}"
    );
    assert_eq!(
        out.nhcb_bounds_reconciled, c.exp_nhcb_bounds_reconciled,
        "{name}"
    );
    assert_eq!(res.schema, comp.schema, "{name}");
    assert_eq!(res.positive_spans, comp.positive_spans, "{name}");
    assert_eq!(res.negative_spans, comp.negative_spans, "{name}");
    assert_eq!(
        res.positive_buckets.len(),
        comp.positive_buckets.len(),
        "{name}"
    );
    assert_eq!(
        res.negative_buckets.len(),
        comp.negative_buckets.len(),
        "{name}"
    );
    res.add(&comp).unwrap();
    if c.expected == FloatHistogram::default() {
        return;
    }
    let mut exp = c.expected.copy();
    res.compact(0);
    exp.compact(0);
    assert_eq!(res, exp, "{name} (kahan)");
}

#[test]
fn histogram_float_add() {
    type Case = AddCase;
    let cases = vec![
        Case {
            name: "same bucket layout",
            in1: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 8.0,
                count: 21.0,
                sum: 1.234,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![0.0, 0.0, 2.0, 3.0, 6.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 19.0,
                count: 51.0,
                sum: 3.579,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 5.0, 7.0, 13.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![4.0, 2.0, 9.0, 10.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "same bucket layout, defined differently",
            in1: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                positive_spans: sp(&[(-2, 2), (1, 1), (0, 2)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 8.0,
                count: 21.0,
                sum: 1.234,
                positive_spans: sp(&[(-2, 2), (1, 2), (0, 1)]),
                positive_buckets: vec![0.0, 0.0, 2.0, 3.0, 6.0],
                negative_spans: sp(&[(3, 7)]),
                negative_buckets: vec![1.0, 1.0, 0.0, 0.0, 0.0, 4.0, 4.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 19.0,
                count: 51.0,
                sum: 3.579,
                positive_spans: sp(&[(-2, 2), (1, 1), (0, 2)]),
                positive_buckets: vec![1.0, 0.0, 5.0, 7.0, 13.0],
                negative_spans: sp(&[(3, 5), (0, 2)]),
                negative_buckets: vec![4.0, 2.0, 0.0, 0.0, 0.0, 9.0, 10.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "non-overlapping spans",
            in1: FloatHistogram {
                zero_threshold: 0.001,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                positive_spans: sp(&[(-2, 2), (2, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.001,
                zero_count: 8.0,
                count: 21.0,
                sum: 1.234,
                positive_spans: sp(&[(0, 2), (3, 3)]),
                positive_buckets: vec![5.0, 4.0, 2.0, 3.0, 6.0],
                negative_spans: sp(&[(-9, 2), (3, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.001,
                zero_count: 19.0,
                count: 51.0,
                sum: 3.579,
                positive_spans: sp(&[(-2, 4), (0, 6)]),
                positive_buckets: vec![1.0, 0.0, 5.0, 4.0, 3.0, 4.0, 7.0, 2.0, 3.0, 6.0],
                negative_spans: sp(&[(-9, 2), (3, 2), (5, 2), (3, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0, 3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "non-overlapping spans inverted order",
            in1: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 8.0,
                count: 21.0,
                sum: 1.234,
                positive_spans: sp(&[(0, 2), (3, 3)]),
                positive_buckets: vec![5.0, 4.0, 2.0, 3.0, 6.0],
                negative_spans: sp(&[(-6, 2), (1, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                positive_spans: sp(&[(-2, 2), (2, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 19.0,
                count: 51.0,
                sum: 3.579,
                positive_spans: sp(&[(-2, 2), (0, 5), (0, 3)]),
                positive_buckets: vec![1.0, 0.0, 5.0, 4.0, 3.0, 4.0, 7.0, 2.0, 3.0, 6.0],
                negative_spans: sp(&[(-6, 2), (1, 2), (4, 2), (3, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0, 3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "overlapping spans",
            in1: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                positive_spans: sp(&[(-2, 2), (2, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 8.0,
                count: 21.0,
                sum: 1.234,
                positive_spans: sp(&[(-1, 4), (0, 3)]),
                positive_buckets: vec![5.0, 4.0, 2.0, 3.0, 6.0, 2.0, 5.0],
                negative_spans: sp(&[(4, 2), (1, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 19.0,
                count: 51.0,
                sum: 3.579,
                positive_spans: sp(&[(-2, 4), (0, 4)]),
                positive_buckets: vec![1.0, 5.0, 4.0, 2.0, 6.0, 10.0, 9.0, 5.0],
                negative_spans: sp(&[(3, 3), (1, 3)]),
                negative_buckets: vec![3.0, 2.0, 1.0, 4.0, 9.0, 6.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "overlapping spans inverted order",
            in1: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 8.0,
                count: 21.0,
                sum: 1.234,
                positive_spans: sp(&[(-1, 4), (0, 3)]),
                positive_buckets: vec![5.0, 4.0, 2.0, 3.0, 6.0, 2.0, 5.0],
                negative_spans: sp(&[(4, 2), (1, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                positive_spans: sp(&[(-2, 2), (2, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 19.0,
                count: 51.0,
                sum: 3.579,
                positive_spans: sp(&[(-2, 5), (0, 3)]),
                positive_buckets: vec![1.0, 5.0, 4.0, 2.0, 6.0, 10.0, 9.0, 5.0],
                negative_spans: sp(&[(3, 3), (1, 3)]),
                negative_buckets: vec![3.0, 2.0, 1.0, 4.0, 9.0, 6.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "schema change",
            in1: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 8.0,
                count: 21.0,
                sum: 1.234,
                schema: 0,
                positive_spans: sp(&[(-1, 4), (0, 3)]),
                positive_buckets: vec![5.0, 4.0, 2.0, 3.0, 6.0, 2.0, 5.0],
                negative_spans: sp(&[(4, 2), (1, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                schema: 1,
                positive_spans: sp(&[(-4, 3), (5, 5)]),
                positive_buckets: vec![1.0, 0.0, 0.0, 3.0, 2.0, 2.0, 3.0, 4.0],
                negative_spans: sp(&[(6, 3), (6, 4)]),
                negative_buckets: vec![3.0, 0.5, 0.5, 2.0, 3.0, 2.0, 4.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 19.0,
                count: 51.0,
                sum: 3.579,
                positive_spans: sp(&[(-2, 5), (0, 3)]),
                positive_buckets: vec![1.0, 5.0, 4.0, 2.0, 6.0, 10.0, 9.0, 5.0],
                negative_spans: sp(&[(3, 3), (1, 3)]),
                negative_buckets: vec![3.0, 2.0, 1.0, 4.0, 9.0, 6.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "larger zero bucket in first histogram",
            in1: FloatHistogram {
                zero_threshold: 1.0,
                zero_count: 17.0,
                count: 21.0,
                sum: 1.234,
                positive_spans: sp(&[(1, 2), (0, 3)]),
                positive_buckets: vec![2.0, 3.0, 6.0, 2.0, 5.0],
                negative_spans: sp(&[(4, 2), (1, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                positive_spans: sp(&[(-2, 2), (2, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 1.0,
                zero_count: 29.0,
                count: 51.0,
                sum: 3.579,
                positive_spans: sp(&[(1, 2), (0, 3)]),
                positive_buckets: vec![2.0, 6.0, 10.0, 9.0, 5.0],
                negative_spans: sp(&[(3, 3), (1, 3)]),
                negative_buckets: vec![3.0, 2.0, 1.0, 4.0, 9.0, 6.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "larger zero bucket in second histogram",
            in1: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                positive_spans: sp(&[(-2, 2), (2, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 1.0,
                zero_count: 17.0,
                count: 21.0,
                sum: 1.234,
                positive_spans: sp(&[(1, 2), (0, 3)]),
                positive_buckets: vec![2.0, 3.0, 6.0, 2.0, 5.0],
                negative_spans: sp(&[(4, 2), (1, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 1.0,
                zero_count: 29.0,
                count: 51.0,
                sum: 3.579,
                positive_spans: sp(&[(1, 5)]),
                positive_buckets: vec![2.0, 6.0, 10.0, 9.0, 5.0],
                negative_spans: sp(&[(3, 3), (1, 3)]),
                negative_buckets: vec![3.0, 2.0, 1.0, 4.0, 9.0, 6.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "larger zero threshold in first histogram ends up inside a populated bucket of second histogram",
            in1: FloatHistogram {
                zero_threshold: 0.2,
                zero_count: 17.0,
                count: 21.0,
                sum: 1.234,
                positive_spans: sp(&[(1, 2), (0, 3)]),
                positive_buckets: vec![2.0, 3.0, 6.0, 2.0, 5.0],
                negative_spans: sp(&[(4, 2), (1, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                positive_spans: sp(&[(-2, 2), (2, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.25,
                zero_count: 29.0,
                count: 51.0,
                sum: 3.579,
                positive_spans: sp(&[(-1, 1), (1, 5)]),
                positive_buckets: vec![0.0, 2.0, 6.0, 10.0, 9.0, 5.0],
                negative_spans: sp(&[(3, 3), (1, 3)]),
                negative_buckets: vec![3.0, 2.0, 1.0, 4.0, 9.0, 6.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "larger zero threshold in second histogram ends up inside a populated bucket of first histogram",
            in1: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                positive_spans: sp(&[(-2, 2), (2, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.2,
                zero_count: 17.0,
                count: 21.0,
                sum: 1.234,
                positive_spans: sp(&[(1, 2), (0, 3)]),
                positive_buckets: vec![2.0, 3.0, 6.0, 2.0, 5.0],
                negative_spans: sp(&[(4, 2), (1, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.25,
                zero_count: 29.0,
                count: 51.0,
                sum: 3.579,
                positive_spans: sp(&[(1, 5)]),
                positive_buckets: vec![2.0, 6.0, 10.0, 9.0, 5.0],
                negative_spans: sp(&[(3, 3), (1, 3)]),
                negative_buckets: vec![3.0, 2.0, 1.0, 4.0, 9.0, 6.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "schema change combined with larger zero bucket in second histogram",
            in1: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 8.0,
                count: 21.0,
                sum: 1.234,
                schema: 0,
                positive_spans: sp(&[(-2, 5), (0, 3)]),
                positive_buckets: vec![2.0, 5.0, 4.0, 2.0, 3.0, 6.0, 2.0, 5.0],
                negative_spans: sp(&[(4, 2), (1, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.25,
                zero_count: 12.0,
                count: 30.0,
                sum: 2.345,
                schema: 1,
                positive_spans: sp(&[(-3, 2), (5, 5)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 2.0, 2.0, 3.0, 4.0],
                negative_spans: sp(&[(6, 3), (6, 4)]),
                negative_buckets: vec![3.0, 0.5, 0.5, 2.0, 3.0, 2.0, 4.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.25,
                zero_count: 22.0,
                count: 51.0,
                sum: 3.579,
                positive_spans: sp(&[(-1, 7)]),
                positive_buckets: vec![6.0, 4.0, 2.0, 6.0, 10.0, 9.0, 5.0],
                negative_spans: sp(&[(3, 3), (1, 3)]),
                negative_buckets: vec![3.0, 2.0, 1.0, 4.0, 9.0, 6.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "schema change combined with larger zero bucket in first histogram",
            in1: FloatHistogram {
                zero_threshold: 0.25,
                zero_count: 8.0,
                count: 21.0,
                sum: 1.234,
                schema: 0,
                positive_spans: sp(&[(-1, 4), (0, 3)]),
                positive_buckets: vec![5.0, 4.0, 2.0, 3.0, 6.0, 2.0, 5.0],
                negative_spans: sp(&[(4, 2), (1, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                schema: 1,
                positive_spans: sp(&[(-4, 3), (5, 5)]),
                positive_buckets: vec![1.0, 0.0, 0.0, 3.0, 2.0, 2.0, 3.0, 4.0],
                negative_spans: sp(&[(6, 3), (6, 4)]),
                negative_buckets: vec![3.0, 0.5, 0.5, 2.0, 3.0, 2.0, 4.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.25,
                zero_count: 20.0,
                count: 51.0,
                sum: 3.579,
                positive_spans: sp(&[(-1, 4), (0, 3)]),
                positive_buckets: vec![5.0, 4.0, 2.0, 6.0, 10.0, 9.0, 5.0],
                negative_spans: sp(&[(3, 3), (1, 3)]),
                negative_buckets: vec![3.0, 2.0, 1.0, 4.0, 9.0, 6.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "same custom bucket layout",
            in1: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 15.0,
                sum: 2.345,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0]),
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 11.0,
                sum: 1.234,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![0.0, 0.0, 2.0, 3.0, 6.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0]),
                ..Default::default()
            },
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 26.0,
                sum: 3.579,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 5.0, 7.0, 13.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "same custom bucket layout, defined differently",
            in1: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 15.0,
                sum: 2.345,
                positive_spans: sp(&[(0, 2), (1, 1), (0, 2)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0]),
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 11.0,
                sum: 1.234,
                positive_spans: sp(&[(0, 2), (1, 2), (0, 1)]),
                positive_buckets: vec![0.0, 0.0, 2.0, 3.0, 6.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0]),
                ..Default::default()
            },
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 26.0,
                sum: 3.579,
                positive_spans: sp(&[(0, 2), (1, 1), (0, 2)]),
                positive_buckets: vec![1.0, 0.0, 5.0, 7.0, 13.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "non-overlapping spans with custom buckets",
            in1: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 15.0,
                sum: 2.345,
                positive_spans: sp(&[(0, 2), (2, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 20.0,
                sum: 1.234,
                positive_spans: sp(&[(2, 2), (3, 3)]),
                positive_buckets: vec![5.0, 4.0, 2.0, 3.0, 6.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),
                ..Default::default()
            },
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 35.0,
                sum: 3.579,
                positive_spans: sp(&[(0, 4), (0, 6)]),
                positive_buckets: vec![1.0, 0.0, 5.0, 4.0, 3.0, 4.0, 7.0, 2.0, 3.0, 6.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "non-overlapping spans inverted order with custom buckets",
            in1: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 20.0,
                sum: 1.234,
                positive_spans: sp(&[(2, 2), (3, 3)]),
                positive_buckets: vec![5.0, 4.0, 2.0, 3.0, 6.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 15.0,
                sum: 2.345,
                positive_spans: sp(&[(0, 2), (2, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),
                ..Default::default()
            },
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 35.0,
                sum: 3.579,
                positive_spans: sp(&[(0, 4), (0, 6)]),
                positive_buckets: vec![1.0, 0.0, 5.0, 4.0, 3.0, 4.0, 7.0, 2.0, 3.0, 6.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "overlapping spans with custom buckets",
            in1: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 15.0,
                sum: 2.345,
                positive_spans: sp(&[(0, 2), (2, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 27.0,
                sum: 1.234,
                positive_spans: sp(&[(1, 4), (0, 3)]),
                positive_buckets: vec![5.0, 4.0, 2.0, 3.0, 6.0, 2.0, 5.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
                ..Default::default()
            },
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 42.0,
                sum: 3.579,
                positive_spans: sp(&[(0, 4), (0, 4)]),
                positive_buckets: vec![1.0, 5.0, 4.0, 2.0, 6.0, 10.0, 9.0, 5.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "overlapping spans inverted order with custom buckets",
            in1: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 27.0,
                sum: 1.234,
                positive_spans: sp(&[(1, 4), (0, 3)]),
                positive_buckets: vec![5.0, 4.0, 2.0, 3.0, 6.0, 2.0, 5.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 15.0,
                sum: 2.345,
                positive_spans: sp(&[(0, 2), (2, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
                ..Default::default()
            },
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 42.0,
                sum: 3.579,
                positive_spans: sp(&[(0, 4), (0, 4)]),
                positive_buckets: vec![1.0, 5.0, 4.0, 2.0, 6.0, 10.0, 9.0, 5.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "custom buckets with partial intersection",
            in1: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 10.0,
                sum: 100.0,
                positive_spans: sp(&[(0, 3)]),
                positive_buckets: vec![2.0, 3.0, 5.0],
                custom_values: cvals(&[1.0, 2.5]),
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 8.0,
                sum: 80.0,
                positive_spans: sp(&[(0, 4)]),
                positive_buckets: vec![1.0, 2.0, 3.0, 2.0],
                custom_values: cvals(&[1.0, 2.0, 3.0]),
                ..Default::default()
            },
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 18.0,
                sum: 180.0,
                positive_spans: sp(&[(0, 2)]),
                positive_buckets: vec![3.0, 15.0],
                custom_values: cvals(&[1.0]),
                ..Default::default()
            },
            exp_nhcb_bounds_reconciled: true,
            ..Default::default()
        },
        Case {
            name: "different custom bucket layout - intersection and rollup",
            in1: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 6.0,
                sum: 2.345,
                positive_spans: sp(&[(0, 1), (1, 1)]),
                positive_buckets: vec![1.0, 5.0],
                custom_values: cvals(&[2.0, 4.0]),
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 220.0,
                sum: 1.234,
                positive_spans: sp(&[(0, 2), (1, 1), (0, 2)]),
                positive_buckets: vec![10.0, 20.0, 40.0, 50.0, 100.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0]),
                ..Default::default()
            },
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 226.0,
                sum: 3.579,
                positive_spans: sp(&[(0, 3)]),
                positive_buckets: vec![1.0 + 10.0 + 20.0, 40.0, 5.0 + 50.0 + 100.0],
                custom_values: cvals(&[2.0, 4.0]),
                ..Default::default()
            },
            exp_nhcb_bounds_reconciled: true,
            ..Default::default()
        },
        Case {
            name: "custom buckets with no common boundaries except +Inf",
            in1: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3.0,
                sum: 50.0,
                positive_spans: sp(&[(0, 2)]),
                positive_buckets: vec![1.0, 2.0],
                custom_values: cvals(&[1.5]),
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 30.0,
                sum: 40.0,
                positive_spans: sp(&[(0, 2)]),
                positive_buckets: vec![10.0, 20.0],
                custom_values: cvals(&[2.5]),
                ..Default::default()
            },
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 33.0,
                sum: 90.0,
                positive_spans: sp(&[(0, 1)]),
                positive_buckets: vec![1.0 + 2.0 + 10.0 + 20.0],
                custom_values: None,
                ..Default::default()
            },
            exp_nhcb_bounds_reconciled: true,
            ..Default::default()
        },
        Case {
            name: "mix exponential and custom buckets histograms",
            in1: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 8.0,
                count: 59.0,
                sum: 1.234,
                schema: 0,
                positive_spans: sp(&[(-2, 5), (0, 3)]),
                positive_buckets: vec![2.0, 5.0, 4.0, 2.0, 3.0, 6.0, 7.0, 5.0],
                negative_spans: sp(&[(3, 3), (1, 3)]),
                negative_buckets: vec![4.0, 10.0, 1.0, 4.0, 14.0, 7.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 11.0,
                sum: 12.0,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![0.0, 0.0, 2.0, 3.0, 6.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0]),
                ..Default::default()
            },
            exp_err_msg: "cannot apply this operation on histograms with a mix of exponential and custom bucket schemas",
            ..Default::default()
        },
        Case {
            name: "warn on counter reset hint collision",
            in1: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                counter_reset_hint: CounterResetHint::CounterReset,
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                counter_reset_hint: CounterResetHint::NotCounterReset,
                ..Default::default()
            },
            exp_err_msg: "",
            exp_counter_reset_collision: true,
            ..Default::default()
        },
    ];
    assert!(cases.len() > 20);
    for c in &cases {
        check_add(c.name, &c.in1, &c.in2, c, &c.expected, false);
        check_add(c.name, &c.in2, &c.in1, c, &c.expected, false);
        check_kahan_add(c.name, &c.in1, &c.in2, c);
        check_kahan_add(c.name, &c.in2, &c.in1, c);
    }
}

#[test]
fn histogram_float_sub() {
    type Case = AddCase;
    let cases = vec![
        Case {
            name: "same bucket layout",
            in1: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 23.0,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 8.0,
                count: 21.0,
                sum: 12.0,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![0.0, 0.0, 2.0, 3.0, 6.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![1.0, 1.0, 4.0, 4.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 3.0,
                count: 9.0,
                sum: 11.0,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 1.0, 1.0, 1.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![2.0, 0.0, 1.0, 2.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "schema change",
            in1: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 8.0,
                count: 59.0,
                sum: 1.234,
                schema: 0,
                positive_spans: sp(&[(-2, 5), (0, 3)]),
                positive_buckets: vec![2.0, 5.0, 4.0, 2.0, 3.0, 6.0, 7.0, 5.0],
                negative_spans: sp(&[(3, 3), (1, 3)]),
                negative_buckets: vec![4.0, 10.0, 1.0, 4.0, 14.0, 7.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 2.0,
                count: 19.0,
                sum: 0.345,
                schema: 1,
                positive_spans: sp(&[(-4, 3), (5, 5)]),
                positive_buckets: vec![1.0, 0.0, 0.0, 1.0, 2.0, 2.0, 3.0, 4.0],
                negative_spans: sp(&[(6, 3), (6, 4)]),
                negative_buckets: vec![3.0, 0.5, 0.5, 2.0, 3.0, 2.0, 4.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 6.0,
                count: 40.0,
                sum: 0.889,
                positive_spans: sp(&[(-2, 5), (0, 3)]),
                positive_buckets: vec![1.0, 5.0, 4.0, 2.0, 2.0, 2.0, 0.0, 5.0],
                negative_spans: sp(&[(3, 3), (1, 3)]),
                negative_buckets: vec![1.0, 9.0, 1.0, 4.0, 9.0, 1.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "same custom bucket layout",
            in1: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 15.0,
                sum: 23.0,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0]),
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 11.0,
                sum: 12.0,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![0.0, 0.0, 2.0, 3.0, 6.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0]),
                ..Default::default()
            },
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 4.0,
                sum: 11.0,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 1.0, 1.0, 1.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "different custom bucket layout - with intersection and rollup",
            in1: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 220.0,
                sum: 9.9,
                positive_spans: sp(&[(0, 2), (1, 1), (0, 2)]),
                positive_buckets: vec![10.0, 20.0, 40.0, 50.0, 100.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0]),
                counter_reset_hint: CounterResetHint::Gauge,
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 6.0,
                sum: 4.4,
                positive_spans: sp(&[(0, 1), (1, 1)]),
                positive_buckets: vec![1.0, 5.0],
                custom_values: cvals(&[2.0, 4.0]),
                counter_reset_hint: CounterResetHint::Gauge,
                ..Default::default()
            },
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 214.0,
                sum: 5.5,
                positive_spans: sp(&[(0, 3)]),
                positive_buckets: vec![10.0 + 20.0 - 1.0, 40.0, 50.0 + 100.0 - 5.0],
                custom_values: cvals(&[2.0, 4.0]),
                counter_reset_hint: CounterResetHint::Gauge,
                ..Default::default()
            },
            exp_nhcb_bounds_reconciled: true,
            ..Default::default()
        },
        Case {
            name: "mix exponential and custom buckets histograms",
            in1: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 8.0,
                count: 59.0,
                sum: 1.234,
                schema: 0,
                positive_spans: sp(&[(-2, 5), (0, 3)]),
                positive_buckets: vec![2.0, 5.0, 4.0, 2.0, 3.0, 6.0, 7.0, 5.0],
                negative_spans: sp(&[(3, 3), (1, 3)]),
                negative_buckets: vec![4.0, 10.0, 1.0, 4.0, 14.0, 7.0],
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 11.0,
                sum: 12.0,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![0.0, 0.0, 2.0, 3.0, 6.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
                ..Default::default()
            },
            exp_err_msg: "cannot apply this operation on histograms with a mix of exponential and custom bucket schemas",
            ..Default::default()
        },
        Case {
            name: "warn on counter reset hint collision",
            in1: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                counter_reset_hint: CounterResetHint::CounterReset,
                ..Default::default()
            },
            in2: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                counter_reset_hint: CounterResetHint::NotCounterReset,
                ..Default::default()
            },
            exp_err_msg: "",
            exp_counter_reset_collision: true,
            ..Default::default()
        },
    ];
    for c in &cases {
        check_add(c.name, &c.in1, &c.in2, c, &c.expected, true);
        let mut neg = c.expected.copy();
        neg.mul(-1.0);
        neg.counter_reset_hint = c.expected.counter_reset_hint;
        check_add(c.name, &c.in2, &c.in1, c, &neg, true);
    }
}

#[test]
fn histogram_float_detect_reset() {
    #[derive(Default)]
    struct Case {
        name: &'static str,
        previous: FloatHistogram,
        current: FloatHistogram,
        reset_expected: bool,
    }
    let cases = vec![
        Case {
            name: "zero values",
            previous: FloatHistogram {
                ..Default::default()
            },
            current: FloatHistogram {
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "no buckets to some buckets",
            previous: FloatHistogram {
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "some buckets to no buckets",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "one bucket appears, nothing else changes",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "one bucket disappears, nothing else changes",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "an unpopulated bucket disappears, nothing else changes",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "an unpopulated bucket at the end disappears, nothing else changes",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 1), (1, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 1), (1, 2)]),
                positive_buckets: vec![1.0, 3.3, 4.2],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "an unpopulated bucket disappears in a histogram with nothing else",
            previous: FloatHistogram {
                positive_spans: sp(&[(23, 1)]),
                positive_buckets: vec![0.0],
                ..Default::default()
            },
            current: FloatHistogram {
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "zero count goes up",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.6,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "zero count goes down",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.4,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "count goes up",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.4,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "count goes down",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.2,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "sum goes up",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349210.0,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "sum goes down",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349200.0,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "one positive bucket goes up",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.3, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "one positive bucket goes down",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.1, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "one negative bucket goes up",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.1, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "one negative bucket goes down",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 2.9, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "zero threshold decreases",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.009,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "zero threshold increases without touching any existing buckets",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.011,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "zero threshold increases enough to cover existing buckets",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 1.0,
                zero_count: 7.73,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(1, 3)]),
                positive_buckets: vec![3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "zero threshold increases into the middle of an existing buckets",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.3,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "schema increases without any other changes",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                schema: 0,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                schema: 1,
                positive_spans: sp(&[(-5, 4), (2, 6)]),
                positive_buckets: vec![0.4, 0.6, 1.0, 0.23, 2.0, 1.3, 1.2, 3.0, 0.05, 0.05],
                negative_spans: sp(&[(5, 4), (6, 4)]),
                negative_buckets: vec![2.0, 1.1, 2.0, 1.0, 0.234e5, 1e5, 500.0, 500.0],
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "schema decreases without any other changes",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                schema: 1,
                positive_spans: sp(&[(-5, 4), (2, 6)]),
                positive_buckets: vec![0.4, 0.6, 1.0, 0.23, 2.0, 1.3, 1.2, 3.0, 0.05, 0.05],
                negative_spans: sp(&[(5, 4), (6, 4)]),
                negative_buckets: vec![2.0, 1.1, 2.0, 1.0, 0.234e5, 1e5, 500.0, 500.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                schema: 0,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "schema decreases and a bucket goes up",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                schema: 1,
                positive_spans: sp(&[(-5, 4), (2, 6)]),
                positive_buckets: vec![0.4, 0.6, 1.0, 0.23, 2.0, 1.3, 1.2, 3.0, 0.05, 0.05],
                negative_spans: sp(&[(5, 4), (6, 4)]),
                negative_buckets: vec![2.0, 1.1, 2.0, 1.0, 0.234e5, 1e5, 500.0, 500.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                schema: 0,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 4.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "schema decreases and a bucket goes down",
            previous: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                schema: 1,
                positive_spans: sp(&[(-5, 4), (2, 6)]),
                positive_buckets: vec![0.4, 0.6, 1.0, 0.23, 2.0, 1.3, 1.2, 3.0, 0.05, 0.05],
                negative_spans: sp(&[(5, 4), (6, 4)]),
                negative_buckets: vec![2.0, 1.1, 2.0, 1.0, 0.234e5, 1e5, 500.0, 500.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                schema: 0,
                positive_spans: sp(&[(-2, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 2.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "no buckets to some buckets with custom bounds",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                custom_values: cvals(&[1.0, 2.0, 3.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(0, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0]),
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "some buckets to no buckets with custom bounds",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(0, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                custom_values: cvals(&[1.0, 2.0, 3.0]),
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "one bucket appears, nothing else changes with custom bounds",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(0, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 3.3, 4.2, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "one bucket disappears, nothing else changes with custom bounds",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![1.0, 1.23, 3.3, 4.2, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(0, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "an unpopulated bucket disappears, nothing else changes with custom bounds",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(0, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "one positive bucket goes up with custom bounds",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.3, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "one positive bucket goes down with custom bounds",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.2, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.3, 4.1, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "mismatched custom bounds - no reset when all buckets increase",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 200.0,
                sum: 1000.0,
                positive_spans: sp(&[(0, 4)]),
                positive_buckets: vec![20.0, 35.0, 40.0, 50.0],
                custom_values: cvals(&[0.0, 1.0, 2.0, 3.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 200.0,
                sum: 1000.0,
                positive_spans: sp(&[(0, 5)]),
                positive_buckets: vec![25.0, 15.0, 40.0, 50.0, 70.0],
                custom_values: cvals(&[0.0, 0.5, 1.0, 2.0, 3.0]),
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "mismatched custom bounds - reset in middle bucket",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 100.0,
                sum: 500.0,
                positive_spans: sp(&[(1, 4)]),
                positive_buckets: vec![10.0, 15.0, 20.0, 25.0],
                custom_values: cvals(&[0.0, 1.0, 3.0, 5.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 100.0,
                sum: 500.0,
                positive_spans: sp(&[(1, 5)]),
                positive_buckets: vec![10.0, 16.0, 10.0, 5.0, 25.0],
                custom_values: cvals(&[0.0, 1.0, 2.0, 3.0, 5.0]),
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "mismatched custom bounds - reset in last bucket",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 100.0,
                sum: 500.0,
                positive_spans: sp(&[(1, 3)]),
                positive_buckets: vec![10.0, 20.0, 20.0],
                custom_values: cvals(&[0.0, 1.0, 2.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 100.0,
                sum: 500.0,
                positive_spans: sp(&[(1, 4)]),
                positive_buckets: vec![100.0, 200.0, 8.0, 7.0],
                custom_values: cvals(&[0.0, 1.0, 2.0, 3.0]),
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "mismatched custom bounds - no common bounds",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 100.0,
                sum: 500.0,
                positive_spans: sp(&[(1, 3)]),
                positive_buckets: vec![10.0, 20.0, 30.0],
                custom_values: cvals(&[4.0, 5.0, 6.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 100.0,
                sum: 500.0,
                positive_spans: sp(&[(1, 3)]),
                positive_buckets: vec![15.0, 25.0, 35.0],
                custom_values: cvals(&[1.0, 2.0, 3.0]),
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "mismatched custom bounds - sparse common bounds",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 200.0,
                sum: 1000.0,
                positive_spans: sp(&[(0, 4)]),
                positive_buckets: vec![10.0, 20.0, 30.0, 40.0],
                custom_values: cvals(&[0.0, 1.0, 3.0, 5.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 200.0,
                sum: 1000.0,
                positive_spans: sp(&[(0, 5)]),
                positive_buckets: vec![15.0, 25.0, 70.0, 50.0, 100.0],
                custom_values: cvals(&[0.0, 2.0, 3.0, 4.0, 5.0]),
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "reset detected with mismatched custom bounds and split bucket spans",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 200.0,
                sum: 1000.0,
                positive_spans: sp(&[(0, 2), (1, 3)]),
                positive_buckets: vec![10.0, 20.0, 30.0, 40.0, 50.0],
                custom_values: cvals(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 200.0,
                sum: 1000.0,
                positive_spans: sp(&[(0, 3), (1, 2)]),
                positive_buckets: vec![15.0, 25.0, 35.0, 25.0, 60.0],
                custom_values: cvals(&[0.0, 1.0, 3.0, 4.0, 5.0, 7.0]),
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "no reset with mismatched custom bounds and split bucket spans",
            previous: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 300.0,
                sum: 1500.0,
                positive_spans: sp(&[(0, 2), (2, 3)]),
                positive_buckets: vec![10.0, 20.0, 30.0, 40.0, 50.0],
                custom_values: cvals(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
                ..Default::default()
            },
            current: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 300.0,
                sum: 1500.0,
                positive_spans: sp(&[(0, 3), (1, 2)]),
                positive_buckets: vec![12.0, 25.0, 45.0, 75.0, 95.0],
                custom_values: cvals(&[0.0, 0.5, 1.0, 3.0, 5.0, 7.0]),
                ..Default::default()
            },
            reset_expected: false,
            ..Default::default()
        },
        Case {
            name: "reset when a populated bucket following an empty one disappears",
            previous: FloatHistogram {
                zero_threshold: 0.001,
                count: 10.0,
                positive_spans: sp(&[(0, 1)]),
                positive_buckets: vec![5.0],
                negative_spans: sp(&[(1, 2)]),
                negative_buckets: vec![0.0, 5.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.001,
                count: 20.0,
                positive_spans: sp(&[(0, 1)]),
                positive_buckets: vec![20.0],
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
        Case {
            name: "reset when current ends before a later populated previous bucket",
            previous: FloatHistogram {
                zero_threshold: 0.001,
                count: 7.0,
                positive_spans: sp(&[(0, 3)]),
                positive_buckets: vec![2.0, 0.0, 5.0],
                ..Default::default()
            },
            current: FloatHistogram {
                zero_threshold: 0.001,
                count: 100.0,
                positive_spans: sp(&[(0, 1)]),
                positive_buckets: vec![100.0],
                ..Default::default()
            },
            reset_expected: true,
            ..Default::default()
        },
    ];
    assert!(cases.len() > 30);
    for c in &cases {
        assert_eq!(
            c.current.detect_reset(&c.previous),
            c.reset_expected,
            "{}",
            c.name
        );
    }
}

#[test]
fn histogram_float_compact() {
    #[derive(Default)]
    struct Case {
        name: &'static str,
        r#in: FloatHistogram,
        max_empty_buckets: usize,
        expected: FloatHistogram,
    }
    let cases = vec![
        Case {
            name: "empty histogram",
            r#in: FloatHistogram {
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "nothing should happen",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-2, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "eliminate zero offsets",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-2, 1), (0, 3), (0, 1)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 2), (0, 2), (2, 1), (0, 1)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 3.0, 4.0],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 5)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 4), (2, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 3.0, 4.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "eliminate zero length",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-2, 2), (2, 0), (3, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 2), (0, 0), (2, 0), (1, 4)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 3.0, 4.0],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 2), (5, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 2), (3, 4)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 3.0, 4.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "eliminate multiple zero length spans",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-2, 2), (2, 0), (2, 0), (2, 0), (3, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 2), (9, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets at start or end",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-4, 4), (5, 3)]),
                positive_buckets: vec![0.0, 0.0, 1.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 3.0, 4.0, 0.0],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 2), (5, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 2), (3, 4)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 3.0, 4.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets at start and end",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-4, 4), (5, 6)]),
                positive_buckets: vec![0.0, 0.0, 1.0, 3.3, 4.2, 0.1, 3.3, 0.0, 0.0, 0.0],
                negative_spans: sp(&[(-2, 4), (3, 5)]),
                negative_buckets: vec![0.0, 0.0, 3.1, 3.0, 1.234e5, 1000.0, 3.0, 4.0, 0.0],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 2), (5, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 2), (3, 4)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 3.0, 4.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets in the middle",
            r#in: FloatHistogram {
                positive_spans: sp(&[(5, 4)]),
                positive_buckets: vec![1.0, 3.0, 0.0, 2.0],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                positive_spans: sp(&[(5, 2), (1, 1)]),
                positive_buckets: vec![1.0, 3.0, 2.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets at start or end of spans, even in the middle",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-4, 6), (3, 6)]),
                positive_buckets: vec![0.0, 0.0, 1.0, 3.3, 0.0, 0.0, 4.2, 0.1, 3.3, 0.0, 0.0, 0.0],
                negative_spans: sp(&[(0, 2), (2, 6)]),
                negative_buckets: vec![3.1, 3.0, 0.0, 1.234e5, 1000.0, 3.0, 4.0, 0.0],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 2), (5, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 2), (3, 4)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 3.0, 4.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets at start and end - also merge spans due to maxEmptyBuckets",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-4, 4), (5, 3)]),
                positive_buckets: vec![0.0, 0.0, 1.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 3.0, 4.0, 0.0],
                ..Default::default()
            },
            max_empty_buckets: 10,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 10)]),
                positive_buckets: vec![1.0, 3.3, 0.0, 0.0, 0.0, 0.0, 0.0, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 9)]),
                negative_buckets: vec![3.1, 3.0, 0.0, 0.0, 0.0, 1.234e5, 1000.0, 3.0, 4.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets from the middle of a span",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-4, 6), (3, 3)]),
                positive_buckets: vec![0.0, 0.0, 1.0, 0.0, 0.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 0.0, 3.0, 4.0],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 1), (2, 1), (3, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 2), (3, 2), (1, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 3.0, 4.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut out a span containing only empty buckets",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-4, 3), (2, 2), (3, 4)]),
                positive_buckets: vec![0.0, 0.0, 1.0, 0.0, 0.0, 3.3, 4.2, 0.1, 3.3],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 1), (7, 4)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets from the middle of a span, avoiding none due to maxEmptyBuckets",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-2, 4)]),
                positive_buckets: vec![1.0, 0.0, 0.0, 3.3],
                ..Default::default()
            },
            max_empty_buckets: 1,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 1), (2, 1)]),
                positive_buckets: vec![1.0, 3.3],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets and merge spans due to maxEmptyBuckets",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-2, 4), (3, 1)]),
                positive_buckets: vec![1.0, 0.0, 0.0, 3.3, 4.2],
                ..Default::default()
            },
            max_empty_buckets: 1,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 1), (2, 1), (3, 1)]),
                positive_buckets: vec![1.0, 3.3, 4.2],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets from the middle of a span, avoiding some due to maxEmptyBuckets",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-4, 6), (3, 3), (10, 2)]),
                positive_buckets: vec![0.0, 0.0, 1.0, 0.0, 0.0, 3.3, 4.2, 0.1, 3.3, 2.0, 3.0],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 0.0, 3.0, 4.0],
                ..Default::default()
            },
            max_empty_buckets: 1,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 1), (2, 1), (3, 3), (10, 2)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3, 2.0, 3.0],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 0.0, 3.0, 4.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "avoiding all cutting of empty buckets from the middle of a chunk due to maxEmptyBuckets",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-4, 6), (3, 3)]),
                positive_buckets: vec![0.0, 0.0, 1.0, 0.0, 0.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 0.0, 3.0, 4.0],
                ..Default::default()
            },
            max_empty_buckets: 2,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 4), (3, 3)]),
                positive_buckets: vec![1.0, 0.0, 0.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 0.0, 3.0, 4.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "everything merged into one span due to maxEmptyBuckets",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-4, 6), (3, 3)]),
                positive_buckets: vec![0.0, 0.0, 1.0, 0.0, 0.0, 3.3, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0, 0.0, 3.0, 4.0],
                ..Default::default()
            },
            max_empty_buckets: 3,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 10)]),
                positive_buckets: vec![1.0, 0.0, 0.0, 3.3, 0.0, 0.0, 0.0, 4.2, 0.1, 3.3],
                negative_spans: sp(&[(0, 10)]),
                negative_buckets: vec![3.1, 3.0, 0.0, 0.0, 0.0, 1.234e5, 1000.0, 0.0, 3.0, 4.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "more than one span merged in the same pass",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-2, 2), (2, 2), (2, 2)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3, 2.0],
                negative_spans: sp(&[(0, 1), (1, 1), (1, 1)]),
                negative_buckets: vec![3.1, 1000.0, 4.0],
                ..Default::default()
            },
            max_empty_buckets: 3,
            expected: FloatHistogram {
                positive_spans: sp(&[(-2, 10)]),
                positive_buckets: vec![1.0, 3.3, 0.0, 0.0, 4.2, 0.1, 0.0, 0.0, 3.3, 2.0],
                negative_spans: sp(&[(0, 5)]),
                negative_buckets: vec![3.1, 0.0, 1000.0, 0.0, 4.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "only empty buckets and maxEmptyBuckets greater zero",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-4, 6), (3, 3)]),
                positive_buckets: vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                negative_spans: sp(&[(0, 7)]),
                negative_buckets: vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                ..Default::default()
            },
            max_empty_buckets: 3,
            expected: FloatHistogram {
                positive_spans: sp(&[]),
                positive_buckets: vec![],
                negative_spans: sp(&[]),
                negative_buckets: vec![],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "multiple spans of only empty buckets",
            r#in: FloatHistogram {
                positive_spans: sp(&[(-10, 2), (2, 1), (3, 3)]),
                positive_buckets: vec![0.0, 0.0, 0.0, 0.0, 2.0, 3.0],
                negative_spans: sp(&[(-10, 2), (2, 1), (3, 3)]),
                negative_buckets: vec![2.0, 3.0, 0.0, 0.0, 0.0, 0.0],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                positive_spans: sp(&[(-1, 2)]),
                positive_buckets: vec![2.0, 3.0],
                negative_spans: sp(&[(-10, 2)]),
                negative_buckets: vec![2.0, 3.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "nothing should happen with custom buckets",
            r#in: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0]),
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                custom_values: cvals(&[1.0, 2.0, 3.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "eliminate zero offsets with custom buckets",
            r#in: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 1), (0, 3), (0, 1)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 5)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "eliminate multiple zero length spans with custom buckets",
            r#in: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 2), (2, 0), (2, 0), (2, 0), (3, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 2), (9, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets at start and end with custom buckets",
            r#in: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 4), (5, 6)]),
                positive_buckets: vec![0.0, 0.0, 1.0, 3.3, 4.2, 0.1, 3.3, 0.0, 0.0, 0.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(2, 2), (5, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 3.3],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),
                ..Default::default()
            },
            ..Default::default()
        },
    ];
    for c in &cases {
        let mut h = c.r#in.clone();
        let was_valid = h.validate().is_ok();
        h.compact(c.max_empty_buckets);
        assert_eq!(h, c.expected, "{}", c.name);
        if was_valid {
            assert!(h.validate().is_ok(), "{}: compact made it invalid", c.name);
        }
    }
}

#[test]
fn histogram_int_compact() {
    #[derive(Default)]
    struct Case {
        name: &'static str,
        r#in: Histogram,
        max_empty_buckets: usize,
        expected: Histogram,
    }
    let cases = vec![
        Case {
            name: "empty histogram",
            r#in: Histogram {
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "nothing should happen",
            r#in: Histogram {
                positive_spans: sp(&[(-2, 1), (2, 3)]),
                positive_buckets: vec![1, 3, -3, 42],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![5, 3, 123400, 1000],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                positive_spans: sp(&[(-2, 1), (2, 3)]),
                positive_buckets: vec![1, 3, -3, 42],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![5, 3, 123400, 1000],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "eliminate zero offsets",
            r#in: Histogram {
                positive_spans: sp(&[(-2, 1), (0, 3), (0, 1)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                negative_spans: sp(&[(0, 2), (0, 2), (2, 1), (0, 1)]),
                negative_buckets: vec![5, 3, 123400, 1000, 3, 4],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                positive_spans: sp(&[(-2, 5)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                negative_spans: sp(&[(0, 4), (2, 2)]),
                negative_buckets: vec![5, 3, 123400, 1000, 3, 4],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "eliminate zero length",
            r#in: Histogram {
                positive_spans: sp(&[(-2, 2), (2, 0), (3, 3)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                negative_spans: sp(&[(0, 2), (0, 0), (2, 0), (1, 4)]),
                negative_buckets: vec![5, 3, 123400, 1000, 3, 4],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                positive_spans: sp(&[(-2, 2), (5, 3)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                negative_spans: sp(&[(0, 2), (3, 4)]),
                negative_buckets: vec![5, 3, 123400, 1000, 3, 4],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "eliminate multiple zero length spans",
            r#in: Histogram {
                positive_spans: sp(&[(-2, 2), (2, 0), (2, 0), (2, 0), (3, 3)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                positive_spans: sp(&[(-2, 2), (9, 3)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets at start or end",
            r#in: Histogram {
                positive_spans: sp(&[(-4, 4), (5, 3)]),
                positive_buckets: vec![0, 0, 1, 3, -3, 42, 3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![5, 3, -4, -2, 3, 4, -9],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                positive_spans: sp(&[(-2, 2), (5, 3)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                negative_spans: sp(&[(0, 2), (3, 4)]),
                negative_buckets: vec![5, 3, -4, -2, 3, 4],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets at start and end",
            r#in: Histogram {
                positive_spans: sp(&[(-4, 4), (5, 6)]),
                positive_buckets: vec![0, 0, 1, 3, -3, 42, 3, -46, 0, 0],
                negative_spans: sp(&[(-2, 4), (3, 5)]),
                negative_buckets: vec![0, 0, 5, 3, -4, -2, 3, 4, -9],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                positive_spans: sp(&[(-2, 2), (5, 3)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                negative_spans: sp(&[(0, 2), (3, 4)]),
                negative_buckets: vec![5, 3, -4, -2, 3, 4],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets at start or end of spans, even in the middle",
            r#in: Histogram {
                positive_spans: sp(&[(-4, 6), (3, 6)]),
                positive_buckets: vec![0, 0, 1, 3, -4, 0, 1, 42, 3, -46, 0, 0],
                negative_spans: sp(&[(0, 2), (2, 6)]),
                negative_buckets: vec![5, 3, -8, 4, -2, 3, 4, -9],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                positive_spans: sp(&[(-2, 2), (5, 3)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                negative_spans: sp(&[(0, 2), (3, 4)]),
                negative_buckets: vec![5, 3, -4, -2, 3, 4],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets at start or end but merge spans due to maxEmptyBuckets",
            r#in: Histogram {
                positive_spans: sp(&[(-4, 4), (5, 3)]),
                positive_buckets: vec![0, 0, 1, 3, -3, 42, 3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![5, 3, -4, -2, 3, 4, -9],
                ..Default::default()
            },
            max_empty_buckets: 10,
            expected: Histogram {
                positive_spans: sp(&[(-2, 10)]),
                positive_buckets: vec![1, 3, -4, 0, 0, 0, 0, 1, 42, 3],
                negative_spans: sp(&[(0, 9)]),
                negative_buckets: vec![5, 3, -8, 0, 0, 4, -2, 3, 4],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets from the middle of a span",
            r#in: Histogram {
                positive_spans: sp(&[(-4, 6), (3, 3)]),
                positive_buckets: vec![0, 0, 1, -1, 0, 3, -2, 42, 3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![5, 3, -4, -2, -2, 3, 4],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                positive_spans: sp(&[(-2, 1), (2, 1), (3, 3)]),
                positive_buckets: vec![1, 2, -2, 42, 3],
                negative_spans: sp(&[(0, 2), (3, 2), (1, 2)]),
                negative_buckets: vec![5, 3, -4, -2, 1, 4],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut out a span containing only empty buckets",
            r#in: Histogram {
                positive_spans: sp(&[(-4, 3), (2, 2), (3, 4)]),
                positive_buckets: vec![0, 0, 1, -1, 0, 3, -2, 42, 3],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                positive_spans: sp(&[(-2, 1), (7, 4)]),
                positive_buckets: vec![1, 2, -2, 42, 3],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets from the middle of a span, avoiding some due to maxEmptyBuckets",
            r#in: Histogram {
                positive_spans: sp(&[(-4, 6), (3, 3)]),
                positive_buckets: vec![0, 0, 1, -1, 0, 3, -2, 42, 3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![5, 3, -4, -2, -2, 3, 4],
                ..Default::default()
            },
            max_empty_buckets: 1,
            expected: Histogram {
                positive_spans: sp(&[(-2, 1), (2, 1), (3, 3)]),
                positive_buckets: vec![1, 2, -2, 42, 3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![5, 3, -4, -2, -2, 3, 4],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "avoiding all cutting of empty buckets from the middle of a chunk due to maxEmptyBuckets",
            r#in: Histogram {
                positive_spans: sp(&[(-4, 6), (3, 3)]),
                positive_buckets: vec![0, 0, 1, -1, 0, 3, -2, 42, 3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![5, 3, -4, -2, -2, 3, 4],
                ..Default::default()
            },
            max_empty_buckets: 2,
            expected: Histogram {
                positive_spans: sp(&[(-2, 4), (3, 3)]),
                positive_buckets: vec![1, -1, 0, 3, -2, 42, 3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![5, 3, -4, -2, -2, 3, 4],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "everything merged into one span due to maxEmptyBuckets",
            r#in: Histogram {
                positive_spans: sp(&[(-4, 6), (3, 3)]),
                positive_buckets: vec![0, 0, 1, -1, 0, 3, -2, 42, 3],
                negative_spans: sp(&[(0, 2), (3, 5)]),
                negative_buckets: vec![5, 3, -4, -2, -2, 3, 4],
                ..Default::default()
            },
            max_empty_buckets: 3,
            expected: Histogram {
                positive_spans: sp(&[(-2, 10)]),
                positive_buckets: vec![1, -1, 0, 3, -3, 0, 0, 1, 42, 3],
                negative_spans: sp(&[(0, 10)]),
                negative_buckets: vec![5, 3, -8, 0, 0, 4, -2, -2, 3, 4],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "more than one span merged in the same pass",
            r#in: Histogram {
                count: 30,
                positive_spans: sp(&[(0, 2), (2, 2), (2, 2)]),
                positive_buckets: vec![1, 1, 1, 1, 1, 1],
                negative_spans: sp(&[(0, 1), (1, 1), (1, 1)]),
                negative_buckets: vec![2, 1, 1],
                ..Default::default()
            },
            max_empty_buckets: 3,
            expected: Histogram {
                count: 30,
                positive_spans: sp(&[(0, 10)]),
                positive_buckets: vec![1, 1, -2, 0, 3, 1, -4, 0, 5, 1],
                negative_spans: sp(&[(0, 5)]),
                negative_buckets: vec![2, -2, 3, -3, 4],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "only empty buckets and maxEmptyBuckets greater zero",
            r#in: Histogram {
                positive_spans: sp(&[(-4, 6), (3, 3)]),
                positive_buckets: vec![0, 0, 0, 0, 0, 0, 0, 0, 0],
                negative_spans: sp(&[(0, 7)]),
                negative_buckets: vec![0, 0, 0, 0, 0, 0, 0],
                ..Default::default()
            },
            max_empty_buckets: 3,
            expected: Histogram {
                positive_spans: sp(&[]),
                positive_buckets: vec![],
                negative_spans: sp(&[]),
                negative_buckets: vec![],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "multiple spans of only empty buckets",
            r#in: Histogram {
                positive_spans: sp(&[(-10, 2), (2, 1), (3, 3)]),
                positive_buckets: vec![0, 0, 0, 0, 2, 3],
                negative_spans: sp(&[(-10, 2), (2, 1), (3, 3)]),
                negative_buckets: vec![2, 3, -5, 0, 0, 0],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                positive_spans: sp(&[(-1, 2)]),
                positive_buckets: vec![2, 3],
                negative_spans: sp(&[(-10, 2)]),
                negative_buckets: vec![2, 3],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "nothing should happen with custom buckets",
            r#in: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(-2, 1), (2, 3)]),
                positive_buckets: vec![1, 3, -3, 42],
                custom_values: cvals(&[5.0, 10.0, 15.0]),
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(-2, 1), (2, 3)]),
                positive_buckets: vec![1, 3, -3, 42],
                custom_values: cvals(&[5.0, 10.0, 15.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "eliminate zero offsets with custom buckets",
            r#in: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(-2, 1), (0, 3), (0, 1)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                custom_values: cvals(&[5.0, 10.0, 15.0, 20.0]),
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(-2, 5)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                custom_values: cvals(&[5.0, 10.0, 15.0, 20.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "eliminate zero length with custom buckets",
            r#in: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(-2, 2), (2, 0), (3, 3)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                custom_values: cvals(&[5.0, 10.0, 15.0, 20.0]),
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(-2, 2), (5, 3)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                custom_values: cvals(&[5.0, 10.0, 15.0, 20.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "all zero-length spans with non-empty buckets",
            r#in: Histogram {
                positive_spans: sp(&[(0, 0), (2, 0)]),
                positive_buckets: vec![1, 3],
                negative_spans: sp(&[(1, 0)]),
                negative_buckets: vec![2],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                positive_spans: sp(&[]),
                positive_buckets: vec![],
                negative_spans: sp(&[]),
                negative_buckets: vec![],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "more buckets than spans account for",
            r#in: Histogram {
                positive_spans: sp(&[(0, 1), (2, 1)]),
                positive_buckets: vec![1, 2, 3, 4],
                negative_spans: sp(&[(0, 1)]),
                negative_buckets: vec![5, 6],
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                positive_spans: sp(&[(0, 1), (2, 1)]),
                positive_buckets: vec![1, 2, 3, 4],
                negative_spans: sp(&[(0, 1)]),
                negative_buckets: vec![5, 6],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "eliminate multiple zero length spans with custom buckets",
            r#in: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(-2, 2), (2, 0), (2, 0), (2, 0), (3, 3)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                custom_values: cvals(&[5.0, 10.0, 15.0, 20.0]),
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(-2, 2), (9, 3)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                custom_values: cvals(&[5.0, 10.0, 15.0, 20.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "cut empty buckets at start or end of spans, even in the middle, with custom buckets",
            r#in: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(-4, 6), (3, 6)]),
                positive_buckets: vec![0, 0, 1, 3, -4, 0, 1, 42, 3, -46, 0, 0],
                custom_values: cvals(&[5.0, 10.0, 15.0, 20.0]),
                ..Default::default()
            },
            max_empty_buckets: 0,
            expected: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(-2, 2), (5, 3)]),
                positive_buckets: vec![1, 3, -3, 42, 3],
                custom_values: cvals(&[5.0, 10.0, 15.0, 20.0]),
                ..Default::default()
            },
            ..Default::default()
        },
    ];
    for c in &cases {
        let mut h = c.r#in.clone();
        let was_valid = h.validate().is_ok();
        h.compact(c.max_empty_buckets);
        assert_eq!(h, c.expected, "{}", c.name);
        if was_valid {
            assert!(h.validate().is_ok(), "{}: compact made it invalid", c.name);
        }
    }
}

#[test]
fn histogram_float_copy_to_schema() {
    #[derive(Default)]
    struct Case {
        name: &'static str,
        target_schema: i32,
        r#in: FloatHistogram,
        expected: FloatHistogram,
    }
    let cases = vec![
        Case {
            name: "no schema change",
            target_schema: 1,
            r#in: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                schema: 1,
                positive_spans: sp(&[(-4, 3), (5, 5)]),
                positive_buckets: vec![1.0, 0.0, 0.0, 3.0, 2.0, 2.0, 3.0, 4.0],
                negative_spans: sp(&[(6, 3), (6, 4)]),
                negative_buckets: vec![3.0, 0.5, 0.5, 2.0, 3.0, 2.0, 4.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                schema: 1,
                positive_spans: sp(&[(-4, 3), (5, 5)]),
                positive_buckets: vec![1.0, 0.0, 0.0, 3.0, 2.0, 2.0, 3.0, 4.0],
                negative_spans: sp(&[(6, 3), (6, 4)]),
                negative_buckets: vec![3.0, 0.5, 0.5, 2.0, 3.0, 2.0, 4.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "schema change",
            target_schema: 0,
            r#in: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                schema: 1,
                positive_spans: sp(&[(-4, 3), (5, 5)]),
                positive_buckets: vec![1.0, 0.0, 0.0, 3.0, 2.0, 2.0, 3.0, 4.0],
                negative_spans: sp(&[(6, 3), (6, 4)]),
                negative_buckets: vec![3.0, 0.5, 0.5, 2.0, 3.0, 2.0, 4.0],
                ..Default::default()
            },
            expected: FloatHistogram {
                zero_threshold: 0.01,
                zero_count: 11.0,
                count: 30.0,
                sum: 2.345,
                schema: 0,
                positive_spans: sp(&[(-2, 2), (2, 3)]),
                positive_buckets: vec![1.0, 0.0, 3.0, 4.0, 7.0],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.0, 1.0, 5.0, 6.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "no schema change for custom buckets",
            target_schema: CUSTOM_BUCKETS_SCHEMA,
            r#in: FloatHistogram {
                count: 30.0,
                sum: 2.345,
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 3), (5, 5)]),
                positive_buckets: vec![1.0, 0.0, 0.0, 3.0, 2.0, 2.0, 3.0, 4.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
                ..Default::default()
            },
            expected: FloatHistogram {
                count: 30.0,
                sum: 2.345,
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 3), (5, 5)]),
                positive_buckets: vec![1.0, 0.0, 0.0, 3.0, 2.0, 2.0, 3.0, 4.0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
                ..Default::default()
            },
            ..Default::default()
        },
    ];
    for c in &cases {
        let before = c.r#in.clone();
        assert_eq!(
            c.r#in.copy_to_schema(c.target_schema),
            c.expected,
            "{}",
            c.name
        );
        assert_eq!(c.r#in, before, "{}", c.name);
    }
}

#[test]
fn histogram_string() {
    #[derive(Default)]
    struct Case {
        name: &'static str,
        fh: FloatHistogram,
        expected: &'static str,
    }
    let cases = vec![
        Case {
            name: "exponential histogram",
            fh: FloatHistogram {
                schema: 1,
                zero_threshold: 0.01,
                zero_count: 5.5,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(-2, 1), (2, 3)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1],
                negative_spans: sp(&[(3, 2), (3, 2)]),
                negative_buckets: vec![3.1, 3.0, 1.234e5, 1000.0],
                ..Default::default()
            },
            expected: "{count:3493.3, sum:2.349209324e+06, [-22.62741699796952,-16):1000, [-16,-11.31370849898476):123400, [-4,-2.82842712474619):3, [-2.82842712474619,-2):3.1, [-0.01,0.01]:5.5, (0.35355339059327373,0.5]:1, (1,1.414213562373095]:3.3, (1.414213562373095,2]:4.2, (2,2.82842712474619]:0.1}",
            ..Default::default()
        },
        Case {
            name: "custom buckets histogram",
            fh: FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 3493.3,
                sum: 2349209.324,
                positive_spans: sp(&[(0, 1), (2, 4)]),
                positive_buckets: vec![1.0, 3.3, 4.2, 0.1, 5.0],
                custom_values: cvals(&[1.0, 2.0, 5.0, 10.0, 15.0, 20.0]),
                ..Default::default()
            },
            expected: "{count:3493.3, sum:2.349209324e+06, [-Inf,1]:1, (5,10]:3.3, (10,15]:4.2, (15,20]:0.1, (20,+Inf]:5}",
            ..Default::default()
        },
    ];
    for c in &cases {
        assert_eq!(c.fh.to_string(), c.expected, "{}", c.name);
    }
    #[derive(Default)]
    struct IntCase {
        histogram: Histogram,
        expected_string: &'static str,
    }
    let cases = vec![
        IntCase {
            histogram: Histogram {
                schema: 0,
                ..Default::default()
            },
            expected_string: "{count:0, sum:0}",
            ..Default::default()
        },
        IntCase {
            histogram: Histogram {
                schema: 0,
                count: 9,
                sum: -3.1415,
                zero_count: 12,
                zero_threshold: 0.001,
                negative_spans: sp(&[(0, 5), (1, 1)]),
                negative_buckets: vec![1, 2, -2, 1, -1, 0],
                ..Default::default()
            },
            expected_string: "{count:9, sum:-3.1415, [-64,-32):1, [-16,-8):1, [-8,-4):2, [-4,-2):1, [-2,-1):3, [-1,-0.5):1, [-0.001,0.001]:12}",
            ..Default::default()
        },
        IntCase {
            histogram: Histogram {
                schema: 0,
                count: 19,
                sum: 2.7,
                positive_spans: sp(&[(0, 4), (0, 0), (0, 3)]),
                positive_buckets: vec![1, 2, -2, 1, -1, 0, 0],
                negative_spans: sp(&[(0, 5), (1, 0), (0, 1)]),
                negative_buckets: vec![1, 2, -2, 1, -1, 0],
                ..Default::default()
            },
            expected_string: "{count:19, sum:2.7, [-64,-32):1, [-16,-8):1, [-8,-4):2, [-4,-2):1, [-2,-1):3, [-1,-0.5):1, (0.5,1]:1, (1,2]:3, (2,4]:1, (4,8]:2, (8,16]:1, (16,32]:1, (32,64]:1}",
            ..Default::default()
        },
        IntCase {
            histogram: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                count: 19,
                sum: 2.7,
                positive_spans: sp(&[(0, 4), (0, 0), (0, 3)]),
                positive_buckets: vec![1, 2, -2, 1, -1, 0, 0],
                custom_values: cvals(&[1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 25.0, 50.0]),
                ..Default::default()
            },
            expected_string: "{count:19, sum:2.7, [-Inf,1]:1, (1,2]:3, (2,5]:1, (5,10]:2, (10,15]:1, (15,20]:1, (20,25]:1}",
            ..Default::default()
        },
    ];
    for c in &cases {
        assert_eq!(c.histogram.to_string(), c.expected_string);
    }
}

#[test]
fn histogram_validation() {
    #[derive(Default)]
    struct Case {
        name: &'static str,
        h: Histogram,
        err_msg: &'static str,
        skip_float: bool,
    }
    let cases = vec![
        Case {
            name: "valid histogram",
            h: Histogram {
                count: 12,
                zero_count: 2,
                zero_threshold: 0.001,
                sum: 19.4,
                schema: 1,
                positive_spans: sp(&[(0, 2), (1, 2)]),
                positive_buckets: vec![1, 1, -1, 0],
                negative_spans: sp(&[(0, 2), (1, 2)]),
                negative_buckets: vec![1, 1, -1, 0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "valid histogram with NaN observations that has its Count (4) higher than the actual total of buckets (2 + 1)",
            h: Histogram {
                zero_count: 2,
                count: 4,
                sum: f64::NAN,
                positive_spans: sp(&[(0, 1)]),
                positive_buckets: vec![1],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "rejects histogram without NaN observations that has its Count (4) higher than the actual total of buckets (2 + 1)",
            h: Histogram {
                zero_count: 2,
                count: 4,
                sum: 333.0,
                positive_spans: sp(&[(0, 1)]),
                positive_buckets: vec![1],
                ..Default::default()
            },
            err_msg: "3 observations found in buckets, but the Count field is 4: histogram's observation count should equal the number of observations found in the buckets (in absence of NaN)",
            skip_float: true,
            ..Default::default()
        },
        Case {
            name: "rejects histogram that has too few negative buckets",
            h: Histogram {
                negative_spans: sp(&[(0, 1)]),
                negative_buckets: vec![],
                ..Default::default()
            },
            err_msg: "negative side: spans need 1 buckets, have 0 buckets: histogram spans specify different number of buckets than provided",
            ..Default::default()
        },
        Case {
            name: "rejects histogram that has too few positive buckets",
            h: Histogram {
                positive_spans: sp(&[(0, 1)]),
                positive_buckets: vec![],
                ..Default::default()
            },
            err_msg: "positive side: spans need 1 buckets, have 0 buckets: histogram spans specify different number of buckets than provided",
            ..Default::default()
        },
        Case {
            name: "rejects histogram that has too many negative buckets",
            h: Histogram {
                negative_spans: sp(&[(0, 1)]),
                negative_buckets: vec![1, 2],
                ..Default::default()
            },
            err_msg: "negative side: spans need 1 buckets, have 2 buckets: histogram spans specify different number of buckets than provided",
            ..Default::default()
        },
        Case {
            name: "rejects histogram that has too many positive buckets",
            h: Histogram {
                positive_spans: sp(&[(0, 1)]),
                positive_buckets: vec![1, 2],
                ..Default::default()
            },
            err_msg: "positive side: spans need 1 buckets, have 2 buckets: histogram spans specify different number of buckets than provided",
            ..Default::default()
        },
        Case {
            name: "rejects a histogram that has a negative span with a negative offset",
            h: Histogram {
                negative_spans: sp(&[(-1, 1), (-1, 1)]),
                negative_buckets: vec![1, 2],
                ..Default::default()
            },
            err_msg: "negative side: span number 2 with offset -1: histogram has a span whose offset is negative",
            ..Default::default()
        },
        Case {
            name: "rejects a histogram which has a positive span with a negative offset",
            h: Histogram {
                positive_spans: sp(&[(-1, 1), (-1, 1)]),
                positive_buckets: vec![1, 2],
                ..Default::default()
            },
            err_msg: "positive side: span number 2 with offset -1: histogram has a span whose offset is negative",
            ..Default::default()
        },
        Case {
            name: "rejects a histogram that has a negative bucket with a negative count",
            h: Histogram {
                negative_spans: sp(&[(-1, 1)]),
                negative_buckets: vec![-1],
                ..Default::default()
            },
            err_msg: "negative side: bucket number 1 has observation count of -1: histogram has a bucket whose observation count is negative",
            ..Default::default()
        },
        Case {
            name: "rejects a histogram that has a positive bucket with a negative count",
            h: Histogram {
                positive_spans: sp(&[(-1, 1)]),
                positive_buckets: vec![-1],
                ..Default::default()
            },
            err_msg: "positive side: bucket number 1 has observation count of -1: histogram has a bucket whose observation count is negative",
            ..Default::default()
        },
        Case {
            name: "rejects a histogram that has a lower count than count in buckets",
            h: Histogram {
                count: 0,
                negative_spans: sp(&[(-1, 1)]),
                positive_spans: sp(&[(-1, 1)]),
                negative_buckets: vec![1],
                positive_buckets: vec![1],
                ..Default::default()
            },
            err_msg: "2 observations found in buckets, but the Count field is 0: histogram's observation count should equal the number of observations found in the buckets (in absence of NaN)",
            skip_float: true,
            ..Default::default()
        },
        Case {
            name: "rejects a histogram that doesn't count the zero bucket in its count",
            h: Histogram {
                count: 2,
                zero_count: 1,
                negative_spans: sp(&[(-1, 1)]),
                positive_spans: sp(&[(-1, 1)]),
                negative_buckets: vec![1],
                positive_buckets: vec![1],
                ..Default::default()
            },
            err_msg: "3 observations found in buckets, but the Count field is 2: histogram's observation count should equal the number of observations found in the buckets (in absence of NaN)",
            skip_float: true,
            ..Default::default()
        },
        Case {
            name: "rejects an exponential histogram with custom buckets schema",
            h: Histogram {
                count: 12,
                zero_count: 2,
                zero_threshold: 0.001,
                sum: 19.4,
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 2), (1, 2)]),
                positive_buckets: vec![1, 1, -1, 0],
                negative_spans: sp(&[(0, 2), (1, 2)]),
                negative_buckets: vec![1, 1, -1, 0],
                ..Default::default()
            },
            err_msg: "custom buckets: only 0 custom bounds defined which is insufficient to cover total span length of 5: histogram custom bounds are too few",
            ..Default::default()
        },
        Case {
            name: "rejects a custom buckets histogram with exponential schema",
            h: Histogram {
                count: 5,
                sum: 19.4,
                schema: 0,
                positive_spans: sp(&[(0, 2), (1, 2)]),
                positive_buckets: vec![1, 1, -1, 0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            err_msg: "histogram with exponential schema must not have custom bounds",
            skip_float: true,
            ..Default::default()
        },
        Case {
            name: "rejects a custom buckets histogram with zero/negative buckets",
            h: Histogram {
                count: 12,
                zero_count: 2,
                zero_threshold: 0.001,
                sum: 19.4,
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 2), (1, 2)]),
                positive_buckets: vec![1, 1, -1, 0],
                negative_spans: sp(&[(0, 2), (1, 2)]),
                negative_buckets: vec![1, 1, -1, 0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            err_msg: "custom buckets: must have zero count of 0",
            skip_float: true,
            ..Default::default()
        },
        Case {
            name: "rejects a custom buckets histogram with negative offset in first span",
            h: Histogram {
                count: 5,
                sum: 19.4,
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(-1, 2), (1, 2)]),
                positive_buckets: vec![1, 1, -1, 0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            err_msg: "custom buckets: span number 1 with offset -1: histogram has a span whose offset is negative",
            ..Default::default()
        },
        Case {
            name: "rejects a custom buckets histogram with negative offset in subsequent spans",
            h: Histogram {
                count: 5,
                sum: 19.4,
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 2), (-1, 2)]),
                positive_buckets: vec![1, 1, -1, 0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            err_msg: "custom buckets: span number 2 with offset -1: histogram has a span whose offset is negative",
            ..Default::default()
        },
        Case {
            name: "rejects a custom buckets histogram with non-matching bucket counts",
            h: Histogram {
                count: 5,
                sum: 19.4,
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 2), (1, 2)]),
                positive_buckets: vec![1, 1, -1],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            err_msg: "custom buckets: spans need 4 buckets, have 3 buckets: histogram spans specify different number of buckets than provided",
            ..Default::default()
        },
        Case {
            name: "rejects a custom buckets histogram with too few bounds",
            h: Histogram {
                count: 5,
                sum: 19.4,
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 2), (1, 2)]),
                positive_buckets: vec![1, 1, -1, 0],
                custom_values: cvals(&[1.0, 2.0, 3.0]),
                ..Default::default()
            },
            err_msg: "custom buckets: only 3 custom bounds defined which is insufficient to cover total span length of 5: histogram custom bounds are too few",
            ..Default::default()
        },
        Case {
            name: "valid custom buckets histogram",
            h: Histogram {
                count: 5,
                sum: 19.4,
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 2), (1, 2)]),
                positive_buckets: vec![1, 1, -1, 0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "valid custom buckets histogram with extra bounds",
            h: Histogram {
                count: 5,
                sum: 19.4,
                schema: CUSTOM_BUCKETS_SCHEMA,
                positive_spans: sp(&[(0, 2), (1, 2)]),
                positive_buckets: vec![1, 1, -1, 0],
                custom_values: cvals(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "reject custom buckets histogram with non-increasing bound",
            h: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                custom_values: cvals(&[0.0, 0.0]),
                ..Default::default()
            },
            err_msg: "custom buckets: previous bound is 0.000000 and current is 0.000000: histogram custom bounds must be in strictly increasing order",
            ..Default::default()
        },
        Case {
            name: "reject custom buckets histogram with explicit +Inf bound",
            h: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                custom_values: cvals(&[1.0, f64::INFINITY]),
                ..Default::default()
            },
            err_msg: "custom buckets: last +Inf bound must not be explicitly defined: histogram custom bounds must be finite",
            ..Default::default()
        },
        Case {
            name: "valid custom buckets histogram with explicit -Inf bound",
            h: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                custom_values: cvals(&[f64::NEG_INFINITY, 1.0]),
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "reject custom buckets histogram with NaN bound",
            h: Histogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                custom_values: cvals(&[1.0, f64::NAN, 3.0]),
                ..Default::default()
            },
            err_msg: "custom buckets: histogram custom bounds must not be NaN",
            ..Default::default()
        },
        Case {
            name: "schema too high",
            h: Histogram {
                schema: 10,
                ..Default::default()
            },
            err_msg: "histogram has an invalid schema, which must be between -4 and 8 for exponential buckets, or -53 for custom buckets, got schema 10",
            ..Default::default()
        },
        Case {
            name: "schema too low",
            h: Histogram {
                schema: -10,
                ..Default::default()
            },
            err_msg: "histogram has an invalid schema, which must be between -4 and 8 for exponential buckets, or -53 for custom buckets, got schema -10",
            ..Default::default()
        },
    ];
    assert!(cases.len() > 20);
    for c in &cases {
        let check = |r: Result<(), HistogramError>, what: &str| match r {
            Ok(()) => assert!(
                c.err_msg.is_empty(),
                "{} ({what}): expected {}",
                c.name,
                c.err_msg
            ),
            Err(e) => assert_eq!(e.to_string(), c.err_msg, "{} ({what})", c.name),
        };
        check(c.h.validate(), "int");
        if !c.skip_float {
            check(c.h.to_float().validate(), "float");
        }
    }
}

#[test]
fn histogram_reduce_resolution() {
    #[derive(Default)]
    struct Case {
        name: &'static str,
        origin: FloatHistogram,
        target_schema: i32,
        target: FloatHistogram,
        error_msg: &'static str,
    }
    let cases = vec![
        Case {
            name: "valid float histogram",
            origin: FloatHistogram {
                schema: 0,
                positive_spans: sp(&[(-2, 4), (0, 0), (3, 2)]),
                positive_buckets: vec![1.0, 3.0, 1.0, 2.0, 1.0, 1.0],
                negative_spans: sp(&[(0, 4), (0, 0), (3, 2)]),
                negative_buckets: vec![1.0, 3.0, 1.0, 2.0, 1.0, 1.0],
                ..Default::default()
            },
            target_schema: -1,
            target: FloatHistogram {
                schema: -1,
                positive_spans: sp(&[(-1, 3), (1, 1)]),
                positive_buckets: vec![1.0, 4.0, 2.0, 2.0],
                negative_spans: sp(&[(0, 3), (1, 1)]),
                negative_buckets: vec![1.0, 4.0, 2.0, 2.0],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "not enough buckets",
            origin: FloatHistogram {
                schema: 0,
                positive_spans: sp(&[(-2, 4), (0, 0), (3, 2)]),
                positive_buckets: vec![1.0, 3.0, 1.0, 2.0, 1.0],
                ..Default::default()
            },
            target_schema: -1,
            error_msg: "have 5 buckets but spans need more: histogram spans specify different number of buckets than provided",
            ..Default::default()
        },
        Case {
            name: "too many buckets",
            origin: FloatHistogram {
                schema: 0,
                positive_spans: sp(&[(-2, 4), (0, 0), (3, 2)]),
                positive_buckets: vec![1.0, 3.0, 1.0, 2.0, 1.0, 1.0, 5.0],
                ..Default::default()
            },
            target_schema: -1,
            error_msg: "spans need 6 buckets, have 7 buckets: histogram spans specify different number of buckets than provided",
            ..Default::default()
        },
        Case {
            name: "negative offset",
            origin: FloatHistogram {
                schema: 0,
                positive_spans: sp(&[(-2, 4), (-1, 0), (3, 2)]),
                positive_buckets: vec![1.0, 3.0, 1.0, 2.0, 1.0, 1.0],
                ..Default::default()
            },
            target_schema: -1,
            error_msg: "span number 2 with offset -1: histogram has a span whose offset is negative",
            ..Default::default()
        },
    ];
    for c in &cases {
        let mut h = c.origin.clone();
        match h.reduce_resolution(c.target_schema) {
            Ok(()) => assert_eq!(h, c.target, "{}", c.name),
            Err(e) => assert_eq!(e.to_string(), c.error_msg, "{}", c.name),
        }
    }
    #[derive(Default)]
    struct IntCase {
        name: &'static str,
        origin: Histogram,
        target_schema: i32,
        target: Histogram,
        error_msg: &'static str,
    }
    let cases = vec![
        IntCase {
            name: "valid histogram",
            origin: Histogram {
                schema: 0,
                positive_spans: sp(&[(-2, 4), (0, 0), (3, 2)]),
                positive_buckets: vec![1, 2, -2, 1, -1, 0],
                negative_spans: sp(&[(0, 4), (0, 0), (3, 2)]),
                negative_buckets: vec![1, 2, -2, 1, -1, 0],
                ..Default::default()
            },
            target_schema: -1,
            target: Histogram {
                schema: -1,
                positive_spans: sp(&[(-1, 3), (1, 1)]),
                positive_buckets: vec![1, 3, -2, 0],
                negative_spans: sp(&[(0, 3), (1, 1)]),
                negative_buckets: vec![1, 3, -2, 0],
                ..Default::default()
            },
            ..Default::default()
        },
        IntCase {
            name: "not enough buckets",
            origin: Histogram {
                schema: 0,
                positive_spans: sp(&[(-2, 4), (0, 0), (3, 2)]),
                positive_buckets: vec![1, 2, -2, 1, -1],
                ..Default::default()
            },
            target_schema: -1,
            error_msg: "have 5 buckets but spans need more: histogram spans specify different number of buckets than provided",
            ..Default::default()
        },
        IntCase {
            name: "too many buckets",
            origin: Histogram {
                schema: 0,
                positive_spans: sp(&[(-2, 4), (0, 0), (3, 2)]),
                positive_buckets: vec![1, 2, -2, 1, -1, 0, 3],
                ..Default::default()
            },
            target_schema: -1,
            error_msg: "spans need 6 buckets, have 7 buckets: histogram spans specify different number of buckets than provided",
            ..Default::default()
        },
        IntCase {
            name: "negative offset",
            origin: Histogram {
                schema: 0,
                positive_spans: sp(&[(-2, 4), (-1, 0), (3, 2)]),
                positive_buckets: vec![1, 2, -2, 1, -1, 0],
                ..Default::default()
            },
            target_schema: -1,
            error_msg: "span number 2 with offset -1: histogram has a span whose offset is negative",
            ..Default::default()
        },
    ];
    for c in &cases {
        let mut h = c.origin.clone();
        match h.reduce_resolution(c.target_schema) {
            Ok(()) => assert_eq!(h, c.target, "{}", c.name),
            Err(e) => assert_eq!(e.to_string(), c.error_msg, "{}", c.name),
        }
    }
}

#[test]
fn histogram_bounds() {
    // From upstream's TestGetBoundExponential.
    for (idx, schema, want) in [
        (-1, -1, 0.25),
        (0, -1, 1.0),
        (1, -1, 4.0),
        (512, -1, f64::MAX),
        (513, -1, f64::INFINITY),
        (-1, 0, 0.5),
        (0, 0, 1.0),
        (1, 0, 2.0),
        (1024, 0, f64::MAX),
        (1025, 0, f64::INFINITY),
        (-1, 2, 0.8408964152537144),
        (0, 2, 1.0),
        (1, 2, 1.189207115002721),
        (4096, 2, f64::MAX),
        (4097, 2, f64::INFINITY),
        (262144, 8, f64::MAX),
        (262145, 8, f64::INFINITY),
        (-1, 8, 0.9972960560854698),
        (1, 8, 1.0027112750502025),
        (-4, -4, 5.421010862427522e-20),
        (64, -4, f64::MAX),
        (65, -4, f64::INFINITY),
    ] {
        assert_eq!(
            get_bound_exponential(idx, schema),
            want,
            "idx {idx} schema {schema}"
        );
    }
    assert_eq!(get_bound_exponential(-1075, 0), 0.0);
    assert_eq!(get_bound_exponential(-1074, 0), 5e-324);
    assert_eq!(
        get_bound(2, CUSTOM_BUCKETS_SCHEMA, &[1.0, 2.0]),
        f64::INFINITY
    );
    assert_eq!(
        get_bound(-1, CUSTOM_BUCKETS_SCHEMA, &[1.0, 2.0]),
        f64::NEG_INFINITY
    );
}

#[test]
fn histogram_iterators() {
    let h = FloatHistogram {
        zero_threshold: 0.5,
        zero_count: 1.0,
        count: 9.0,
        positive_spans: sp(&[(-1, 2), (1, 1)]),
        positive_buckets: vec![1.0, 2.0, 3.0],
        negative_spans: sp(&[(0, 1)]),
        negative_buckets: vec![2.0],
        ..Default::default()
    };
    let all: Vec<String> = h.all_bucket_iter().map(|b| b.to_string()).collect();
    // The bucket (0.25,0.5] lies inside the zero bucket but is listed, clipped.
    assert_eq!(
        all,
        [
            "[-1,-0.5):2",
            "[-0.5,0.5]:1",
            "(0.5,0.5]:1",
            "(0.5,1]:2",
            "(2,4]:3"
        ]
    );
    let rev: Vec<i32> = h.all_reverse_bucket_iter().map(|b| b.index).collect();
    assert_eq!(rev, [2, 0, -1, 0, 0]);
    let pos_rev: Vec<f64> = h.positive_reverse_bucket_iter().map(|b| b.count).collect();
    assert_eq!(pos_rev, [3.0, 2.0, 1.0]);
    // Merged into schema -1: buckets 0 and 1 of schema 0 are bucket 0 and 1.
    let merged: Vec<(i32, f64)> = h
        .bucket_iter_at_schema(true, 0.0, -1)
        .map(|b| (b.index, b.count))
        .collect();
    assert_eq!(merged, [(0, 3.0), (1, 3.0)]);
    let ih = Histogram {
        count: 6,
        zero_count: 1,
        zero_threshold: 0.001,
        positive_spans: sp(&[(0, 2), (1, 1)]),
        positive_buckets: vec![1, 1, -1],
        ..Default::default()
    };
    let cum: Vec<(f64, u64)> = ih
        .cumulative_bucket_iter()
        .map(|b| (b.upper, b.count))
        .collect();
    assert_eq!(cum, [(0.001, 1), (1.0, 2), (2.0, 4), (4.0, 4), (8.0, 5)]);
    let f = ih.to_float();
    assert_eq!(f.positive_buckets, [1.0, 2.0, 1.0]);
    assert_eq!(
        ih.to_string(),
        "{count:6, sum:0, [-0.001,0.001]:1, (0.5,1]:1, (1,2]:2, (4,8]:1}"
    );
}

#[test]
fn histogram_equals_and_errors() {
    let a = FloatHistogram {
        positive_spans: sp(&[(0, 1), (0, 0), (1, 1)]),
        positive_buckets: vec![1.0, 2.0],
        count: 3.0,
        ..Default::default()
    };
    let mut b = a.clone();
    b.positive_spans = sp(&[(0, 1), (1, 1)]);
    assert!(a.equals(&b));
    b.sum = f64::from_bits(crate::tsdb::STALE_NAN);
    assert!(!a.equals(&b) && b.is_stale());
    let mut c = a.clone();
    c.schema = CUSTOM_BUCKETS_SCHEMA;
    let err = a.clone().add(&c).unwrap_err();
    assert_eq!(err.kind, HistogramErrorKind::IncompatibleSchema);
    let err = a.clone().reduce_resolution(1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot reduce resolution from schema 0 to 1"
    );
    assert_eq!(a.size(), 168 + 8 * 5);
}

#[test]
fn histogram_notation_round_trip() {
    for text in [
        "{{schema:1 count:10 sum:4.5 z_bucket:1 z_bucket_w:0.001 offset:-1 buckets:[1 2 3] n_offset:2 n_buckets:[1 2]}}",
        "{{schema:-53 count:3 sum:5 custom_values:[1 2.5] buckets:[1 2]}}",
        "{{count:1 counter_reset_hint:gauge buckets:[1]}}",
        "{{}}",
    ] {
        let h = parse_histogram(text).unwrap();
        assert_eq!(h.test_expression(), text);
    }
    let h = parse_histogram("{{ buckets:[0 1 0 2 0] offset:3 }}").unwrap();
    assert_eq!(h.positive_spans, sp(&[(3, 5)]));
    assert_eq!(h.test_expression(), "{{offset:4 buckets:[1 0 2]}}");
    let h = parse_histogram("{{sum:010 count:-Inf}}").unwrap();
    assert_eq!((h.sum, h.count), (8.0, f64::NEG_INFINITY));

    let err = parse_histogram("{{schema:1 bukets:[1]}}").unwrap_err();
    assert_eq!(err.offset, 11);
    assert!(
        err.message
            .starts_with("expected a histogram description key"),
        "{err}"
    );
    let err = parse_histogram("{{sum:1 sum:2}}").unwrap_err();
    assert_eq!(
        (err.offset, err.message.as_str()),
        (8, "duplicate key \"sum\" in histogram")
    );
    assert_eq!(parse_histogram("{{buckets:[]}}").unwrap_err().offset, 11);
    assert!(parse_histogram("{{sum:+1}}").is_err());
}

#[test]
fn histogram_notation_series() {
    let pts = parse_series_histograms(
        "{{count:1 buckets:[1]}}+{{count:2 buckets:[2]}}x2 _ _x2 stale 1+1x1 {{sum:1}}x1 {{counter_reset_hint:reset}}",
    )
    .unwrap();
    assert_eq!(pts.len(), 3 + 1 + 2 + 1 + 2 + 2 + 1);
    let counts: Vec<f64> = pts[..3]
        .iter()
        .map(|p| match p {
            SeriesPoint::Histogram { histogram, .. } => histogram.positive_buckets[0],
            _ => panic!("not a histogram"),
        })
        .collect();
    assert_eq!(counts, [1.0, 3.0, 5.0]);
    assert_eq!(pts[3], SeriesPoint::Omitted);
    assert!(pts[6].is_stale());
    assert_eq!(pts[8], SeriesPoint::Float(2.0));
    assert!(matches!(
        pts[11],
        SeriesPoint::Histogram {
            counter_reset_hint_set: true,
            ..
        }
    ));
    let pts = parse_series_histograms("{{schema:0 count:5}}-{{schema:0 count:1}}x2").unwrap();
    assert!(matches!(&pts[2], SeriesPoint::Histogram { histogram, .. } if histogram.count == 3.0));
    let err = parse_series_histograms("{{schema:1}}+{{schema:0}}x1").unwrap_err();
    assert_eq!(
        err.message,
        "error combining histograms: cannot merge from schema 0 to 1"
    );
    assert!(parse_series_histograms("{{}}{{}}").is_err());
    assert!(parse_series_histograms("foo").is_err());
}
