//! `Options::prometheus2`: Prometheus 2's closed windows and rate extrapolation
//! order, which `tests/promql_vs_prometheus.sh` compares with Prometheus 2.42 on
//! the sample grid.

use promplay::promql::engine::{self, Options, Value};
use promplay::promql::parse;
use promplay::tsdb::{Head, Labels};

fn head(values: &[(i64, f64)]) -> Head {
    let mut head = Head::default();
    let labels = Labels::new(&[("__name__", "c_total")]);
    for &(t, v) in values {
        head.add(&labels, t, v).unwrap();
    }
    head
}

fn value(head: &Head, q: &str, t: i64, prometheus2: bool) -> Option<f64> {
    let opts = Options {
        prometheus2,
        ..Options::default()
    };
    let out = engine::instant_query(head, q, &parse(q).unwrap(), t, &opts).unwrap();
    match out.value {
        Value::Vector(v) => v.first().map(|s| s.v),
        Value::Scalar(p) => Some(p.v),
        _ => None,
    }
}

#[test]
fn a_sample_on_the_window_start_counts_in_prometheus_2_only() {
    let h = head(&[(0, 1.0), (60_000, 2.0), (120_000, 3.0)]);
    assert_eq!(
        value(&h, "count_over_time(c_total[2m])", 120_000, false),
        Some(2.0)
    );
    assert_eq!(
        value(&h, "count_over_time(c_total[2m])", 120_000, true),
        Some(3.0)
    );
    // A subquery's first step on the window's start, likewise.
    let q = "count_over_time(c_total[2m:1m])";
    assert_eq!(value(&h, q, 120_000, false), Some(2.0));
    assert_eq!(value(&h, q, 120_000, true), Some(3.0));
    // The lookback: a sample exactly 5 m old is still seen by Prometheus 2.
    assert_eq!(value(&h, "c_total", 420_000, false), None);
    assert_eq!(value(&h, "c_total", 420_000, true), Some(3.0));
}

#[test]
fn rate_extrapolates_towards_zero_before_the_threshold_in_prometheus_2() {
    // Samples 60 s apart (threshold 66 s), increase 6 over 120 s; the counter
    // would have been zero 40 s before the first sample, the window starts 100 s
    // before it. 3 first cuts 100 s to half an interval (30 s), then to the zero
    // point if nearer (it is not); 2 first cuts to the zero point (40 s), which
    // is under the threshold, so it stays.
    let h = head(&[(100_000, 2.0), (160_000, 5.0), (220_000, 8.0)]);
    let q = "increase(c_total[3m20s])";
    let three = value(&h, q, 220_000, false).unwrap();
    let two = value(&h, q, 220_000, true).unwrap();
    assert!(
        (three - 6.0 * (120.0 + 30.0) / 120.0).abs() < 1e-9,
        "{three}"
    );
    assert!((two - 6.0 * (120.0 + 40.0) / 120.0).abs() < 1e-9, "{two}");
}
