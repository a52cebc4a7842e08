//! Native histograms in the instrumentation API: bucket keys against values computed
//! from client_golang's own tables, and client_golang's `TestNativeHistogram` scenarios.

use std::sync::Arc;

use super::native_buckets::{frexp, make_buckets};
use super::*;
use crate::expo::model::{MetricType, NativeHistogram as ExpoNative};
use crate::histogram::Span;

const DEF_ZT: f64 = DEF_NATIVE_HISTOGRAM_ZERO_THRESHOLD;

fn spans(pairs: &[(i32, u32)]) -> Vec<Span> {
    pairs
        .iter()
        .map(|&(offset, length)| Span { offset, length })
        .collect()
}

#[test]
fn frexp_matches_go() {
    assert_eq!(frexp(1.0), (0.5, 1));
    assert_eq!(frexp(0.75), (0.75, 0));
    assert_eq!(frexp(3.0), (0.75, 2));
    assert_eq!(frexp(-3.0), (-0.75, 2));
    assert_eq!(frexp(5e-324), (0.5, -1073));
    assert_eq!(frexp(f64::MAX), (1.0 - f64::EPSILON / 2.0, 1024));
    assert_eq!(frexp(0.0), (0.0, 0));
    assert_eq!(frexp(f64::INFINITY), (f64::INFINITY, 0));
}

#[test]
fn pick_schema_as_client_golang() {
    for (factor, schema) in [
        (1.1, 3),
        (1.2, 2),
        (4.0, -1),
        (17.0, -2),
        (2.0, 0),
        (1.5, 1),
        (1.0001, 8),
        (1.00271, 8),
        (1.0905077326652577, 3), // 2^(2^-3) rounded to a float
        (f64::from_bits(1.0905077326652577f64.to_bits() - 1), 4),
        (65536.0, -4),
        (1e10, -4),
        (256.0, -3),
    ] {
        assert_eq!(pick_schema(factor), Some(schema), "factor {factor}");
    }
    assert_eq!(pick_schema(1.0), None);
    assert_eq!(pick_schema(0.5), None);
    assert_eq!(pick_schema(f64::NAN), None);
}

/// Expected keys computed (in Python) from client_golang's `nativeHistogramBounds`
/// literals and its `math.Frexp` logic: (value, key at schema 0, 3, -2).
#[test]
fn bucket_keys_at_schemas_0_3_minus_2() {
    let table: &[(f64, [i32; 3])] = &[
        (1.0, [0, 0, 0]),
        (2.0, [1, 8, 1]),
        (4.0, [2, 16, 1]),
        (0.5, [-1, -8, 0]),
        (0.25, [-2, -16, 0]),
        (1.5, [1, 5, 1]),
        (3.0, [2, 13, 1]),
        (0.1, [-3, -26, 0]),
        (1.1, [1, 2, 1]),
        (1.2, [1, 3, 1]),
        (1.4, [1, 4, 1]),
        (1.8, [1, 7, 1]),
        (1024.0, [10, 80, 3]),
        (1e300, [997, 7973, 250]),
        (1e-39, [-129, -1036, -32]),
        (DEF_ZT, [-128, -1024, -32]),
        (5e-324, [-1074, -8592, -268]),
        (f64::MAX, [1024, 8192, 256]),
        (f64::INFINITY, [1025, 8193, 257]),
    ];
    for &(value, keys) in table {
        for (schema, key) in [0, 3, -2].into_iter().zip(keys) {
            assert_eq!(bucket_key(value, schema), key, "{value} at schema {schema}");
            assert_eq!(
                bucket_key(-value, schema),
                key,
                "-{value} at schema {schema}"
            );
        }
    }
    // Just above a power of two opens the next bucket.
    let above_one = f64::from_bits(1.0f64.to_bits() + 1);
    assert_eq!(bucket_key(above_one, 0), 1);
    assert_eq!(bucket_key(above_one, 3), 1);
    assert_eq!(bucket_key(above_one, -2), 1);
    assert_eq!(bucket_key(f64::from_bits(16.0f64.to_bits() + 1), -2), 2);
}

/// Every key lands the value in `(lower, upper]` of Prometheus's bucket bounds.
#[test]
fn bucket_keys_agree_with_prometheus_bounds() {
    let mut value = 1e-30;
    while value < 1e30 {
        for schema in -4..=8 {
            let key = bucket_key(value, schema);
            let upper = crate::histogram::get_bound_exponential(key, schema);
            let lower = crate::histogram::get_bound_exponential(key - 1, schema);
            assert!(
                lower < value && value <= upper,
                "{value} schema {schema} key {key}"
            );
        }
        value *= 1.37;
    }
}

#[test]
fn make_buckets_keeps_gaps_of_up_to_two_in_a_span() {
    let map = [(-3, 1), (-1, 2), (2, 1), (6, 4), (7, 4)]
        .into_iter()
        .collect();
    let (got_spans, deltas) = make_buckets(&map);
    // Gaps of 1 (-2) and 2 (0, 1) are filled with empty buckets; a gap of 3 is a new span.
    assert_eq!(got_spans, spans(&[(-3, 6), (3, 2)]));
    assert_eq!(deltas, vec![1, -1, 2, -2, 0, 1, 3, 0]);
    let (got_spans, deltas) = make_buckets(&Default::default());
    assert!(got_spans.is_empty() && deltas.is_empty());
}

/// One of client_golang's `TestNativeHistogram` scenarios: created at 0, observations
/// one minute apart from minute 1, collected a minute after the last.
struct Scenario {
    observations: &'static [f64],
    opts: NativeHistogramOpts,
    count: u64,
    sum: f64,
    schema: i32,
    zero_threshold: f64,
    zero_count: u64,
    positive: (&'static [(i32, u32)], &'static [i64]),
    negative: (&'static [(i32, u32)], &'static [i64]),
    created: f64,
}

fn run(name: &str, s: Scenario) {
    let clock = ManualClock::shared(0.0);
    let registry = Registry::new(clock.clone());
    let h = registry
        .native_histogram(&Opts::new("name", "help"), &s.opts)
        .unwrap();
    clock.advance(60.0);
    for &value in s.observations {
        h.observe(value);
        clock.advance(60.0);
    }
    let got = h.snapshot();
    assert_eq!(got.count, s.count, "{name}: count");
    if s.sum.is_nan() {
        assert!(got.sum.is_nan(), "{name}: sum");
    } else {
        assert_eq!(got.sum, s.sum, "{name}: sum");
    }
    assert_eq!(got.schema, s.schema, "{name}: schema");
    assert_eq!(
        got.zero_threshold, s.zero_threshold,
        "{name}: zero threshold"
    );
    assert_eq!(got.zero_count, s.zero_count, "{name}: zero count");
    assert_eq!(
        got.positive_spans,
        spans(s.positive.0),
        "{name}: positive spans"
    );
    assert_eq!(
        got.positive_buckets, s.positive.1,
        "{name}: positive deltas"
    );
    assert_eq!(
        got.negative_spans,
        spans(s.negative.0),
        "{name}: negative spans"
    );
    assert_eq!(
        got.negative_buckets, s.negative.1,
        "{name}: negative deltas"
    );
    assert_eq!(h.created(), s.created, "{name}: created");
}

fn nh(factor: f64) -> NativeHistogramOpts {
    NativeHistogramOpts::new(factor)
}

const NONE: (&[(i32, u32)], &[i64]) = (&[], &[]);
const ONE_TO_TWO: (&[(i32, u32)], &[i64]) = (&[(0, 5)], &[1, -1, 2, -2, 2]);

fn base(observations: &'static [f64], opts: NativeHistogramOpts) -> Scenario {
    Scenario {
        observations,
        opts,
        count: observations.len() as u64,
        sum: observations.iter().sum(),
        schema: 2,
        zero_threshold: DEF_ZT,
        zero_count: 1,
        positive: NONE,
        negative: NONE,
        created: 0.0,
    }
}

#[test]
fn client_golang_scenarios_without_limits() {
    run(
        "no observations",
        Scenario {
            schema: 3,
            zero_count: 0,
            ..base(&[], nh(1.1))
        },
    );
    run(
        "zero threshold of zero: no-op span",
        Scenario {
            schema: 3,
            zero_count: 0,
            zero_threshold: 0.0,
            positive: (&[(0, 0)], &[]),
            ..base(&[], nh(1.1).native_histogram_zero_threshold(-1.0))
        },
    );
    run(
        "factor 1.1 results in schema 3",
        Scenario {
            schema: 3,
            positive: (&[(0, 1), (7, 1), (4, 1)], &[1, 0, 0]),
            ..base(&[0.0, 1.0, 2.0, 3.0], nh(1.1))
        },
    );
    run(
        "factor 1.2 results in schema 2",
        Scenario {
            positive: ONE_TO_TWO,
            ..base(&[0.0, 1.0, 1.2, 1.4, 1.8, 2.0], nh(1.2))
        },
    );
    let quarter_to_64 = &[
        0.0156251, 0.0625, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 3.5, 5.0, 6.0, 7.0, 33.33,
    ];
    run(
        "factor 4 results in schema -1",
        Scenario {
            schema: -1,
            zero_count: 0,
            sum: 63.2581251,
            positive: (&[(-2, 6)], &[2, 0, 0, 2, -1, -2]),
            ..base(quarter_to_64, nh(4.0))
        },
    );
    run(
        "factor 17 results in schema -2",
        Scenario {
            schema: -2,
            zero_count: 0,
            sum: 63.2581251,
            positive: (&[(-1, 4)], &[2, 2, 3, -6]),
            ..base(quarter_to_64, nh(17.0))
        },
    );
    run(
        "negative buckets",
        Scenario {
            negative: ONE_TO_TWO,
            ..base(&[0.0, -1.0, -1.2, -1.4, -1.8, -2.0], nh(1.2))
        },
    );
    let both = &[0.0, -1.0, -1.2, -1.4, -1.8, -2.0, 1.0, 1.2, 1.4, 1.8, 2.0];
    run(
        "negative and positive buckets",
        Scenario {
            sum: 0.0,
            positive: ONE_TO_TWO,
            negative: ONE_TO_TWO,
            ..base(both, nh(1.2))
        },
    );
    run(
        "wide zero bucket",
        Scenario {
            sum: 0.0,
            zero_threshold: 1.4,
            zero_count: 7,
            positive: (&[(4, 1)], &[2]),
            negative: (&[(4, 1)], &[2]),
            ..base(both, nh(1.2).native_histogram_zero_threshold(1.4))
        },
    );
    run(
        "NaN observation",
        Scenario {
            sum: f64::NAN,
            positive: ONE_TO_TWO,
            ..base(&[0.0, 1.0, 1.2, 1.4, 1.8, 2.0, f64::NAN], nh(1.2))
        },
    );
    run(
        "+Inf observation",
        Scenario {
            positive: (&[(0, 5), (4092, 1)], &[1, -1, 2, -2, 2, -1]),
            ..base(&[0.0, 1.0, 1.2, 1.4, 1.8, 2.0, f64::INFINITY], nh(1.2))
        },
    );
    run(
        "-Inf observation",
        Scenario {
            positive: ONE_TO_TWO,
            negative: (&[(4097, 1)], &[1]),
            ..base(&[0.0, 1.0, 1.2, 1.4, 1.8, 2.0, f64::NEG_INFINITY], nh(1.2))
        },
    );
}

fn limited() -> NativeHistogramOpts {
    nh(1.2).native_histogram_max_bucket_number(4)
}

#[test]
fn client_golang_scenarios_with_limits() {
    let up = &[0.0, 1.0, 1.1, 1.2, 1.4, 1.8, 2.0, 3.0];
    let down = &[0.0, -1.0, -1.1, -1.2, -1.4, -1.8, -2.0, -3.0];
    let up4 = &[0.0, 1.0, 1.1, 1.2, 1.4, 1.8, 2.0, 3.0, 4.0];
    let down4 = &[0.0, -1.0, -1.1, -1.2, -1.4, -1.8, -2.0, -3.0, -4.0];
    let widen = || limited().native_histogram_max_zero_threshold(1.2);
    run(
        "limited buckets but nothing triggered",
        Scenario {
            positive: ONE_TO_TWO,
            ..base(&[0.0, 1.0, 1.2, 1.4, 1.8, 2.0], limited())
        },
    );
    run(
        "limited buckets but nothing triggered, negative",
        Scenario {
            negative: ONE_TO_TWO,
            ..base(&[0.0, -1.0, -1.2, -1.4, -1.8, -2.0], limited())
        },
    );
    let halved = (&[(0, 5)][..], &[1, 2, -1, -2, 1][..]);
    run(
        "halving resolution",
        Scenario {
            schema: 1,
            positive: halved,
            ..base(up, limited())
        },
    );
    run(
        "halving resolution, negative",
        Scenario {
            schema: 1,
            negative: halved,
            ..base(down, limited())
        },
    );
    let widened = (&[(1, 7)][..], &[1, 1, -2, 2, -2, 0, 1][..]);
    run(
        "widening the zero bucket",
        Scenario {
            zero_threshold: 1.0,
            zero_count: 2,
            positive: widened,
            ..base(up, widen())
        },
    );
    run(
        "widening the zero bucket, negative",
        Scenario {
            zero_threshold: 1.0,
            zero_count: 2,
            negative: widened,
            ..base(down, widen())
        },
    );
    let twice = (&[(2, 7)][..], &[2, -2, 2, -2, 0, 1, 0][..]);
    run(
        "widening the zero bucket twice",
        Scenario {
            zero_threshold: 1.189207115002721,
            zero_count: 3,
            positive: twice,
            ..base(up4, widen())
        },
    );
    run(
        "widening the zero bucket twice, negative",
        Scenario {
            zero_threshold: 1.189207115002721,
            zero_count: 3,
            negative: twice,
            ..base(down4, widen())
        },
    );
    let after_reset = (&[(7, 2)][..], &[1, 0][..]);
    run(
        "reset",
        Scenario {
            count: 2,
            sum: 7.0,
            zero_count: 0,
            positive: after_reset,
            created: 8.0 * 60.0,
            ..base(up4, widen().native_histogram_min_reset_duration(300.0))
        },
    );
    run(
        "reset, negative",
        Scenario {
            count: 2,
            sum: -7.0,
            zero_count: 0,
            negative: after_reset,
            created: 8.0 * 60.0,
            ..base(down4, widen().native_histogram_min_reset_duration(300.0))
        },
    );
    let then = &[0.0, 1.0, 1.1, 1.2, 1.4, 1.8, 2.0, 5.0, 5.1, 3.0, 4.0];
    let after_scheduled_reset = Scenario {
        count: 3,
        sum: 12.1,
        zero_count: 0,
        positive: (&[(7, 4)], &[1, 0, -1, 1]),
        created: 9.0 * 60.0,
        ..base(then, limited().native_histogram_min_reset_duration(540.0))
    };
    run("halving resolution, then reset", after_scheduled_reset);
    run(
        "widening the zero bucket, then reset",
        Scenario {
            count: 3,
            sum: 12.1,
            zero_count: 0,
            positive: (&[(7, 4)], &[1, 0, -1, 1]),
            created: 9.0 * 60.0,
            ..base(then, widen().native_histogram_min_reset_duration(540.0))
        },
    );
}

#[test]
fn halving_stops_at_schema_minus_4_and_the_scheduled_reset_restores_it() {
    let clock = ManualClock::shared(100.0);
    let registry = Registry::new(clock.clone());
    let opts = nh(1.1)
        .native_histogram_max_bucket_number(2)
        .native_histogram_min_reset_duration(3600.0);
    let h = registry
        .native_histogram(&Opts::new("spread", "Spread"), &opts)
        .unwrap();
    for exp in -300..300 {
        h.observe(2f64.powi(exp) * 1.5);
    }
    let got = h.snapshot();
    assert_eq!(got.schema, -4);
    assert_eq!(got.count, 600);
    assert!(got.positive_buckets.len() > 2, "still over the limit at -4");
    // Within the hour nothing resets; at the hour the scheduled reset fires.
    clock.set(100.0 + 3599.0);
    assert_eq!(h.count(), 600);
    // Noticed late, the reset still happened (and is dated) when client_golang's timer fired.
    clock.set(100.0 + 3650.0);
    assert_eq!(h.count(), 0);
    assert_eq!(h.created(), 3700.0);
    assert_eq!(h.snapshot().schema, 3);
    h.observe(1.5);
    assert_eq!(h.snapshot().positive_spans, spans(&[(5, 1)]));
}

#[test]
fn collected_family_holds_native_and_classic_samples() {
    let registry = Registry::new(ManualClock::shared(5.0));
    let opts = nh(1.1).buckets(&[1.0, 2.0, 3.0, 4.0]);
    let vec = registry
        .native_histogram_vec(&Opts::new("latency", "Latency"), &opts, &["path"])
        .unwrap();
    assert_eq!(vec.initial_schema(), 3);
    assert_eq!(vec.upper_bounds(), &[1.0, 2.0, 3.0, 4.0, f64::INFINITY]);
    let h = vec.labels(&["/"]).unwrap();
    for value in [0.5, 1.5, 2.5, 10.0, f64::NAN] {
        h.observe(value);
    }
    h.observe_with_exemplar(1.5, &[("trace_id", "abc")])
        .unwrap();
    let families = registry.collect();
    assert_eq!(families.len(), 1);
    let family = &families[0];
    assert_eq!(family.metric_type, MetricType::Histogram);
    let names: Vec<&str> = family.samples.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "latency",
            "latency_bucket",
            "latency_bucket",
            "latency_bucket",
            "latency_bucket",
            "latency_bucket",
            "latency_count",
            "latency_sum",
            "latency_created",
        ]
    );
    let native = family.samples[0].native.as_deref().unwrap();
    let ExpoNative::Int(native) = native else {
        panic!("integer native histogram expected");
    };
    assert_eq!(native.count, 6);
    assert!(native.sum.is_nan());
    assert_eq!(native.schema, 3);
    assert_eq!(family.samples[0].label("path"), Some("/"));
    assert!(family.samples[0].exemplar.is_some());
    let buckets: Vec<(Option<&str>, f64)> = family.samples[1..6]
        .iter()
        .map(|s| (s.label("le"), s.value))
        .collect();
    // NaN is counted only by +Inf and _count, as in client_golang.
    assert_eq!(
        buckets,
        [
            (Some("1.0"), 1.0),
            (Some("2.0"), 3.0),
            (Some("3.0"), 4.0),
            (Some("4.0"), 4.0),
            (Some("+Inf"), 6.0)
        ]
    );
    assert!(family.samples[2].exemplar.is_some());
    assert_eq!(family.samples[6].value, 6.0);
    assert_eq!(family.samples[8].value, 5.0);
    // Positive keys at schema 3: 0.5 → -8, 1.5 → 5 (twice), 2.5 → 11, 10 → 27.
    assert_eq!(
        native.positive_spans,
        spans(&[(-8, 1), (12, 1), (5, 1), (15, 1)])
    );
    assert_eq!(native.positive_buckets, vec![1, 1, -1, 0]);
}

#[test]
fn native_only_family_is_one_sample_per_series() {
    let registry = Registry::new(ManualClock::shared(0.0));
    let vec = registry
        .native_histogram_vec(
            &Opts::new("x", "X"),
            &NativeHistogramOpts::default(),
            &["a"],
        )
        .unwrap();
    vec.labels(&["1"]).unwrap().observe(1.0);
    vec.labels(&["2"]).unwrap().observe(-2.0);
    let family = vec.family();
    assert_eq!(family.samples.len(), 2);
    assert!(
        family
            .samples
            .iter()
            .all(|s| s.name == "x" && s.native.is_some())
    );
    // The registry refuses the classic names too, and `le` as a label.
    assert!(registry.histogram(&Opts::new("x", "X"), &[1.0]).is_err());
    assert_eq!(
        registry
            .native_histogram_vec(
                &Opts::new("y", "Y"),
                &NativeHistogramOpts::default(),
                &["le"]
            )
            .err(),
        Some(ClientError::ReservedLabelName("le".into()))
    );
}

#[test]
fn options_are_validated() {
    let registry = Registry::new(ManualClock::shared(0.0));
    let opts = Opts::new("bad", "Bad");
    for bad in [
        nh(1.0),
        nh(f64::NAN),
        nh(1.1).native_histogram_zero_threshold(f64::NAN),
        nh(1.1).native_histogram_max_zero_threshold(f64::NAN),
        nh(1.1).native_histogram_min_reset_duration(-1.0),
        nh(1.1).buckets(&[2.0, 1.0]),
    ] {
        assert!(
            matches!(
                NativeHistogramVec::new(&opts, &bad, &[], registry.clock().clone()),
                Err(ClientError::InvalidBuckets(_))
            ),
            "{bad:?}"
        );
    }
    let zero = NativeHistogramVec::new(
        &opts,
        &nh(1.1).native_histogram_zero_threshold(NATIVE_HISTOGRAM_ZERO_THRESHOLD_ZERO),
        &[],
        registry.clock().clone(),
    )
    .unwrap();
    assert_eq!(zero.initial_zero_threshold(), 0.0);
    let h = zero.labels(&[]).unwrap();
    h.observe(0.0);
    h.observe(-0.0);
    h.observe(1e-320);
    let got = h.snapshot();
    assert_eq!(got.zero_count, 2);
    assert_eq!(got.positive_spans, spans(&[(bucket_key(1e-320, 3), 1)]));
}

#[test]
fn values_within_the_zero_threshold_go_to_the_zero_bucket() {
    let registry = Registry::new(ManualClock::shared(0.0));
    let h = registry
        .native_histogram(&Opts::new("z", "Z"), &nh(1.1))
        .unwrap();
    let above = f64::from_bits(DEF_ZT.to_bits() + 1);
    for value in [DEF_ZT, -DEF_ZT, 1e-40, -1e-300, 0.0, above, -above] {
        h.observe(value);
    }
    let got = h.snapshot();
    assert_eq!(got.zero_count, 5);
    // Just above 2^-128 is the first bucket above the threshold: key -1023 at schema 3.
    assert_eq!(got.positive_spans, spans(&[(-1023, 1)]));
    assert_eq!(got.negative_spans, spans(&[(-1023, 1)]));
    assert!(got.validate().is_ok());
}

#[test]
fn concurrent_observations_are_all_counted() {
    let registry = Registry::new(ManualClock::shared(0.0));
    let h = Arc::new(
        registry
            .native_histogram(
                &Opts::new("c", "C"),
                &nh(1.1).native_histogram_max_bucket_number(20),
            )
            .unwrap(),
    );
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let h = Arc::clone(&h);
            std::thread::spawn(move || {
                for i in 0..500 {
                    h.observe(f64::from(i * 4 + t) * 0.37 - 100.0);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let got = h.snapshot();
    assert_eq!(got.count, 2000);
    assert!(got.validate().is_ok());
    let populated = got.positive_bucket_iter().chain(got.negative_bucket_iter());
    assert!(populated.filter(|b| b.count > 0).count() <= 20);
}
