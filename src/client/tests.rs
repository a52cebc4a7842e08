//! Behaviour and error tests of the instrumentation API (the byte-level output is
//! covered by `tests/client_python.rs`).

use std::sync::Arc;

use super::*;
use crate::expo::encode::{EncodeError, EncodeOptions, openmetrics, text};
use crate::expo::model::{Exemplar, MetricType, Timestamp};

fn clock_at(seconds: f64) -> (Arc<ManualClock>, Registry) {
    let clock = ManualClock::shared(seconds);
    let registry = Registry::new(clock.clone());
    (clock, registry)
}

#[test]
fn counter_refuses_negative_and_nan_increments() {
    let (_, registry) = clock_at(0.0);
    let counter = registry.counter(&Opts::new("jobs", "Jobs")).unwrap();
    counter.inc();
    counter.inc_by(2.5).unwrap();
    assert_eq!(
        counter.inc_by(-1.0),
        Err(ClientError::NegativeIncrement(-1.0))
    );
    assert!(counter.inc_by(f64::NAN).is_err());
    assert!(counter.inc_with_exemplar(-1.0, &[]).is_err());
    assert_eq!(counter.get(), 3.5);
    assert!(
        ClientError::NegativeIncrement(-1.0)
            .to_string()
            .contains("non-negative")
    );
}

#[test]
fn counter_created_comes_from_the_clock() {
    let (clock, registry) = clock_at(10.0);
    let counter = registry.counter_vec(&Opts::new("c", "C"), &["k"]).unwrap();
    clock.set(42.0);
    assert_eq!(counter.labels(&["v"]).unwrap().created(), 42.0);
}

#[test]
fn label_names_are_validated() {
    let (_, registry) = clock_at(0.0);
    let opts = Opts::new("m", "M");
    for (name, expected) in [
        ("1abc", ClientError::InvalidLabelName("1abc".into())),
        ("a-b", ClientError::InvalidLabelName("a-b".into())),
        ("", ClientError::InvalidLabelName("".into())),
        (
            "__reserved",
            ClientError::ReservedLabelName("__reserved".into()),
        ),
    ] {
        assert_eq!(registry.gauge_vec(&opts, &[name]).err(), Some(expected));
    }
    assert_eq!(
        registry.gauge_vec(&opts, &["a", "a"]).err(),
        Some(ClientError::DuplicateLabelName("a".into()))
    );
    assert_eq!(
        registry
            .histogram_vec(&Opts::new("h", "H"), &DEFAULT_BUCKETS, &["le"])
            .err(),
        Some(ClientError::ReservedLabelName("le".into()))
    );
    assert_eq!(
        registry
            .summary_vec(&Opts::new("s", "S"), SummaryOpts::default(), &["quantile"])
            .err(),
        Some(ClientError::ReservedLabelName("quantile".into()))
    );
    assert_eq!(
        ClientError::InvalidLabelName("a-b".into()).to_string(),
        "Invalid label metric name: a-b"
    );
}

#[test]
fn wrong_label_count_and_names_are_errors() {
    let (_, registry) = clock_at(0.0);
    let gauges = registry
        .gauge_vec(&Opts::new("g", "G"), &["a", "b"])
        .unwrap();
    let error = gauges.labels(&["x"]).err().unwrap();
    assert_eq!(
        error,
        ClientError::IncorrectLabelCount {
            expected: 2,
            got: 1
        }
    );
    assert!(error.to_string().starts_with("Incorrect label count"));
    assert!(gauges.labels(&["x", "y", "z"]).is_err());
    assert!(gauges.labels_by_name(&[("a", "1"), ("c", "2")]).is_err());
    assert!(
        gauges
            .labels_by_name(&[("a", "1"), ("b", "2"), ("c", "3")])
            .is_err()
    );

    // By name in any order reaches the same child as by position.
    gauges
        .labels_by_name(&[("b", "2"), ("a", "1")])
        .unwrap()
        .set(5.0);
    assert_eq!(gauges.labels(&["1", "2"]).unwrap().get(), 5.0);
}

#[test]
fn children_report_in_first_use_order_and_can_be_removed() {
    let (_, registry) = clock_at(0.0);
    let gauges = registry.gauge_vec(&Opts::new("g", "G"), &["k"]).unwrap();
    for key in ["z", "a", "m"] {
        gauges.labels(&[key]).unwrap().inc();
    }
    gauges.remove(&["a"]).unwrap();
    gauges.labels(&["m"]).unwrap().inc();
    let family = registry.collect().remove(0);
    let keys: Vec<_> = family
        .samples
        .iter()
        .map(|s| s.label("k").unwrap().to_string())
        .collect();
    assert_eq!(keys, ["z", "m"]);
    assert_eq!(family.samples[1].value, 2.0);
    gauges.clear();
    assert!(registry.collect()[0].samples.is_empty());
}

#[test]
fn gauge_operations() {
    let (clock, registry) = clock_at(100.0);
    let gauge = registry.gauge(&Opts::new("g", "G")).unwrap();
    gauge.set(10.0);
    gauge.inc();
    gauge.dec();
    gauge.inc_by(5.0);
    gauge.dec_by(2.0);
    assert_eq!(gauge.get(), 13.0);
    gauge.set_to_current_time();
    assert_eq!(gauge.get(), 100.0);
    let result = gauge.set_duration_of(|| {
        clock.advance(3.0);
        "done"
    });
    assert_eq!((result, gauge.get()), ("done", 3.0));
}

#[test]
fn bucket_bounds_are_validated() {
    assert_eq!(
        validate_buckets(&[1.0, 2.0]).unwrap(),
        [1.0, 2.0, f64::INFINITY]
    );
    assert_eq!(
        validate_buckets(&[1.0, f64::INFINITY]).unwrap(),
        [1.0, f64::INFINITY]
    );
    assert!(validate_buckets(&[2.0, 1.0]).is_err());
    assert!(
        validate_buckets(&[1.0, 1.0]).is_err(),
        "bounds must be strictly increasing"
    );
    assert!(validate_buckets(&[f64::NAN]).is_err());
    assert!(validate_buckets(&[]).is_err());
    assert!(
        validate_buckets(&[f64::INFINITY]).is_err(),
        "+Inf alone is one bucket"
    );
    let (_, registry) = clock_at(0.0);
    assert!(matches!(
        registry.histogram(&Opts::new("h", "H"), &[3.0, 1.0]),
        Err(ClientError::InvalidBuckets(_))
    ));
}

#[test]
fn bucket_helpers_follow_client_golang() {
    assert_eq!(linear_buckets(1.0, 2.0, 3).unwrap(), [1.0, 3.0, 5.0]);
    assert_eq!(
        exponential_buckets(1.0, 10.0, 3).unwrap(),
        [1.0, 10.0, 100.0]
    );
    assert!(linear_buckets(0.0, 1.0, 0).is_err());
    assert!(exponential_buckets(1.0, 2.0, 0).is_err());
    assert!(exponential_buckets(0.0, 2.0, 3).is_err());
    assert!(exponential_buckets(1.0, 1.0, 3).is_err());
}

#[test]
fn histogram_counts_into_cumulative_buckets() {
    let (_, registry) = clock_at(0.0);
    let histogram = registry
        .histogram(&Opts::new("h", "H"), &[1.0, 2.0])
        .unwrap();
    for value in [0.5, 1.0, 1.5, 9.0] {
        histogram.observe(value);
    }
    let family = registry.collect().remove(0);
    let values: Vec<(String, f64)> = family
        .samples
        .iter()
        .map(|s| (s.name.clone(), s.value))
        .collect();
    assert_eq!(
        values[..3],
        [
            ("h_bucket".into(), 2.0),
            ("h_bucket".into(), 3.0),
            ("h_bucket".into(), 4.0)
        ]
    );
    assert_eq!(
        values[3..5],
        [("h_count".into(), 4.0), ("h_sum".into(), 12.0)]
    );
}

#[test]
fn timers_use_the_injected_clock() {
    let (clock, registry) = clock_at(1000.0);
    let histogram = registry
        .histogram(&Opts::new("latency", "L"), &DEFAULT_BUCKETS)
        .unwrap();
    let answer = histogram.time(|| {
        clock.advance(2.5);
        42
    });
    assert_eq!((answer, histogram.count(), histogram.sum()), (42, 1.0, 2.5));
    let timer = histogram.start_timer();
    clock.advance(0.25);
    assert_eq!(timer.elapsed(), 0.25);

    let summary = registry
        .summary(&Opts::new("work", "W"), SummaryOpts::default())
        .unwrap();
    summary.time(|| clock.advance(7.0));
    assert_eq!((summary.count(), summary.sum()), (1.0, 7.0));
}

#[test]
fn summary_quantiles_cover_the_sliding_window() {
    let (clock, registry) = clock_at(0.0);
    let opts =
        SummaryOpts::with_objectives(&[(0.5, 0.05), (0.9, 0.01), (0.99, 0.001)]).max_age(60.0, 3);
    let summary = registry.summary(&Opts::new("s", "S"), opts).unwrap();
    assert!(summary.quantile(0.5).is_nan(), "no observations yet");
    for value in 1..=100 {
        summary.observe(f64::from(value));
    }
    assert_eq!(
        (
            summary.quantile(0.5),
            summary.quantile(0.9),
            summary.quantile(0.99)
        ),
        (50.0, 90.0, 99.0)
    );
    assert_eq!((summary.quantile(0.0), summary.quantile(1.0)), (1.0, 100.0));

    // 20 s steps: at t=45 the first step (0..20) is still in the window…
    clock.set(45.0);
    for _ in 0..100 {
        summary.observe(1000.0);
    }
    assert_eq!(summary.quantile(0.5), 100.0);
    // …at t=61 it has slid out, leaving only the later observations.
    clock.set(61.0);
    assert_eq!(summary.quantile(0.5), 1000.0);
    clock.set(200.0);
    assert!(summary.quantile(0.5).is_nan());
    assert_eq!(summary.count(), 200.0, "count and sum are not windowed");

    let family = registry.collect().remove(0);
    let names: Vec<_> = family
        .samples
        .iter()
        .map(|s| (s.name.as_str(), s.label("quantile")))
        .collect();
    assert_eq!(
        names,
        [
            ("s", Some("0.5")),
            ("s", Some("0.9")),
            ("s", Some("0.99")),
            ("s_count", None),
            ("s_sum", None),
            ("s_created", None)
        ]
    );
}

#[test]
fn summary_options_are_validated() {
    let (_, registry) = clock_at(0.0);
    for opts in [
        SummaryOpts::with_objectives(&[(1.5, 0.01)]),
        SummaryOpts::with_objectives(&[(0.5, -0.1)]),
        SummaryOpts::default().max_age(0.0, 5),
        SummaryOpts::default().max_age(60.0, 0),
    ] {
        assert!(matches!(
            registry.summary(&Opts::new("s", "S"), opts),
            Err(ClientError::InvalidSummaryOptions(_))
        ));
    }
}

#[test]
fn registry_rejects_duplicate_series_and_keeps_order() {
    let (_, registry) = clock_at(0.0);
    registry.counter(&Opts::new("cc", "C")).unwrap();
    let error = registry.counter(&Opts::new("cc_total", "C")).err().unwrap();
    assert!(
        matches!(&error, ClientError::DuplicatedTimeseries(names) if names.contains(&"cc_total".to_string()))
    );
    assert!(
        error
            .to_string()
            .starts_with("Duplicated timeseries in CollectorRegistry")
    );
    assert!(registry.gauge(&Opts::new("cc_created", "G")).is_err());
    assert!(
        registry
            .histogram(&Opts::new("h", "H"), &DEFAULT_BUCKETS)
            .is_ok()
    );
    assert!(registry.gauge(&Opts::new("h_bucket", "G")).is_err());
    registry.gauge(&Opts::new("g", "G")).unwrap();

    let names: Vec<_> = registry.collect().into_iter().map(|f| f.name).collect();
    assert_eq!(names, ["cc", "h", "g"]);

    registry.unregister_by_name("cc").unwrap();
    assert_eq!(
        registry.unregister_by_name("cc"),
        Err(ClientError::UnknownCollector)
    );
    registry.counter(&Opts::new("cc", "C again")).unwrap();
    let names: Vec<_> = registry.collect().into_iter().map(|f| f.name).collect();
    assert_eq!(names, ["h", "g", "cc"]);
}

#[test]
fn custom_collectors_run_at_collect_time() {
    let (_, registry) = clock_at(0.0);
    let id = registry
        .register(FnCollector(|| {
            vec![
                FamilyBuilder::new("up", "Up", MetricType::Gauge)
                    .sample("up", &[], 1.0)
                    .build(),
            ]
        }))
        .unwrap();
    assert_eq!(registry.collect()[0].samples[0].value, 1.0);
    registry.unregister(id).unwrap();
    assert!(registry.collect().is_empty());
    assert_eq!(registry.unregister(id), Err(ClientError::UnknownCollector));
}

#[test]
fn names_are_built_like_client_python() {
    let full = |opts: Opts, metric_type| opts.full_name(metric_type);
    assert_eq!(
        full(Opts::new("requests", "").unit("total"), MetricType::Counter).unwrap(),
        "requests_total"
    );
    assert_eq!(
        full(Opts::new("cc_total", ""), MetricType::Counter).unwrap(),
        "cc"
    );
    assert_eq!(
        full(
            Opts::new("cc_seconds", "").unit("seconds"),
            MetricType::Counter
        )
        .unwrap(),
        "cc_seconds"
    );
    assert_eq!(
        full(
            Opts::new("d", "")
                .namespace("ns")
                .subsystem("sub")
                .unit("bytes"),
            MetricType::Gauge
        )
        .unwrap(),
        "ns_sub_d_bytes"
    );
    assert_eq!(
        full(Opts::new("", ""), MetricType::Gauge),
        Err(ClientError::EmptyMetricName)
    );
    assert!(matches!(
        full(Opts::new("i", "").unit("x"), MetricType::Info),
        Err(ClientError::UnitNotAllowed { .. })
    ));
}

#[test]
fn info_and_enum_validate_their_labels_and_states() {
    let (_, registry) = clock_at(0.0);
    let infos = registry.info_vec(&Opts::new("build", "B"), &["a"]).unwrap();
    let child = infos.labels(&["x"]).unwrap();
    assert!(matches!(
        child.info(&[("a", "1")]),
        Err(ClientError::OverlappingLabels { .. })
    ));
    assert!(child.info(&[("bad-name", "1")]).is_err());
    child.info(&[("version", "1.0")]).unwrap();

    assert_eq!(
        registry.enumeration(&Opts::new("e", "E"), &[]).err(),
        Some(ClientError::NoStates("e".into()))
    );
    assert!(matches!(
        registry.enum_vec(&Opts::new("e", "E"), &["on"], &["e"]),
        Err(ClientError::OverlappingLabels { .. })
    ));
    let state = registry
        .enumeration(&Opts::new("e", "E"), &["starting", "running"])
        .unwrap();
    assert_eq!(state.current(), "starting");
    assert!(matches!(
        state.state("stopped"),
        Err(ClientError::UnknownState { .. })
    ));
    state.state("running").unwrap();
    assert_eq!(state.current(), "running");
}

#[test]
fn exemplar_labels_are_limited_to_128_characters() {
    let (_, registry) = clock_at(0.0);
    let counter = registry.counter(&Opts::new("c", "C")).unwrap();
    let long = "x".repeat(127);
    assert_eq!(counter.inc_with_exemplar(1.0, &[("a", &long)]), Ok(()));
    assert_eq!(
        counter.inc_with_exemplar(1.0, &[("ab", &long)]),
        Err(ClientError::ExemplarTooLong(129))
    );
    let histogram = registry
        .histogram(&Opts::new("h", "H"), &DEFAULT_BUCKETS)
        .unwrap();
    assert!(
        histogram
            .observe_with_exemplar(1.0, &[("trace-id", "1")])
            .is_err()
    );
    // Characters, not bytes: 1 + 63 two-byte characters, twice, is 128 characters.
    let wide = "é".repeat(63);
    assert!(
        histogram
            .observe_with_exemplar(1.0, &[("a", &wide), ("b", &wide)])
            .is_ok()
    );
}

#[test]
fn openmetrics_refuses_misplaced_exemplars_and_text_drops_them() {
    let exemplar = Exemplar {
        labels: vec![("a".into(), "b".into())],
        value: 1.0,
        timestamp: Some(Timestamp::Seconds(1.5)),
    };
    let misplaced = [
        FamilyBuilder::new("g", "G", MetricType::Gauge)
            .sample_with_exemplar("g", &[], 1.0, exemplar.clone())
            .build(),
        FamilyBuilder::new("hh", "H", MetricType::Unknown)
            .sample_with_exemplar("hh_bucket", &[], 1.0, exemplar.clone())
            .build(),
        FamilyBuilder::new("h", "H", MetricType::Histogram)
            .sample_with_exemplar("h_count", &[], 1.0, exemplar.clone())
            .build(),
        FamilyBuilder::counter("c", "C")
            .sample_with_exemplar("c_created", &[], 1.0, exemplar.clone())
            .build(),
    ];
    for family in &misplaced {
        let families = std::slice::from_ref(family);
        assert!(matches!(
            openmetrics::encode_with(families, EncodeOptions::default()),
            Err(EncodeError::MisplacedExemplar { .. })
        ));
        assert!(
            !openmetrics::encode(families).contains(" # {"),
            "lenient encode drops it"
        );
        assert!(
            !text::encode(families).contains(" # {"),
            "text 0.0.4 has no exemplars"
        );
    }
}

#[test]
fn bulk_observations_equal_repeated_ones() {
    let (_clock, registry) = clock_at(10.0);
    let one_by_one = registry
        .histogram(&Opts::new("single", "h"), &[0.5, 1.0])
        .unwrap();
    let bulk = registry
        .histogram(&Opts::new("bulk", "h"), &[0.5, 1.0])
        .unwrap();
    for _ in 0..3 {
        one_by_one.observe(0.75);
    }
    bulk.observe_n(0.75, 3);
    bulk.observe_n(0.25, 0);
    assert_eq!(bulk.count(), one_by_one.count());
    assert_eq!(bulk.sum(), one_by_one.sum());
    let text = text::encode(&registry.collect());
    assert!(text.contains("bulk_bucket{le=\"0.5\"} 0.0\n"));
    assert!(text.contains("bulk_bucket{le=\"1.0\"} 3.0\n"));

    let plain = registry
        .summary(&Opts::new("plain", "s"), SummaryOpts::default())
        .unwrap();
    plain.observe_n(2.0, 4);
    assert_eq!((plain.count(), plain.sum()), (4.0, 8.0));
    let quantiles = registry
        .summary(
            &Opts::new("quantiles", "s"),
            SummaryOpts::with_objectives(&[(0.5, 0.05)]),
        )
        .unwrap();
    quantiles.observe_n(1.0, 3);
    quantiles.observe_n(5.0, 1);
    assert_eq!(quantiles.count(), 4.0);
    assert_eq!(quantiles.quantile(0.5), 1.0);
    assert_eq!(quantiles.quantile(1.0), 5.0);
}

/// Collecting over the last collection gives what collecting afresh gives; the
/// families it marks as having the same series (values aside) have them, and the
/// OpenMetrics text kept from one collection to the next is `encode`'s.
#[test]
fn collecting_over_the_last_collection_equals_collecting_afresh() {
    use crate::expo::encode::openmetrics::Reencoder;
    use crate::expo::model::{Labels, MetricFamily, Sample};
    let (clock, registry) = clock_at(10.0);
    let requests = registry
        .counter_vec(&Opts::new("requests", "Requests"), &["path", "code"])
        .unwrap();
    let latency = registry
        .histogram_vec(
            &Opts::new("latency_seconds", "Latency"),
            &[0.1, 1.0],
            &["path"],
        )
        .unwrap();
    let custom = crate::client::FnCollector(|| {
        let mut family = MetricFamily::new("custom", MetricType::Gauge);
        family
            .samples
            .push(Sample::new("custom", Labels::new(), 1.0));
        vec![family]
    });
    registry.register(custom).unwrap();
    let mut collection = crate::client::Collection::default();
    let mut previous: Vec<MetricFamily> = Vec::new();
    let mut kept = Reencoder::default();
    let mut check = |step: &str, same: &[bool]| {
        registry.collect_into(&mut collection);
        let afresh = registry.collect();
        assert_eq!(collection.families(), afresh, "{step}");
        assert_eq!(collection.same_series(), same, "{step}");
        for (i, family) in afresh.iter().enumerate() {
            if collection.same_series()[i] {
                let series = |f: &MetricFamily| {
                    let mut f = f.clone();
                    f.samples
                        .iter_mut()
                        .for_each(|s| (s.value, s.exemplar) = (0.0, None));
                    f
                };
                assert_eq!(series(family), series(&previous[i]), "{step}: family {i}");
            }
        }
        let text = kept.encode(collection.families(), collection.same_series());
        assert_eq!(text, openmetrics::encode(&afresh), "{step}");
        previous = afresh;
    };
    requests.labels(&["/a", "200"]).unwrap().inc();
    latency.labels(&["/a"]).unwrap().observe(0.05);
    check("first", &[false, false, false]);
    requests.labels(&["/a", "200"]).unwrap().inc();
    check("values changed", &[true, true, false]);
    clock.set(20.0);
    requests
        .labels(&["/b", "500"])
        .unwrap()
        .inc_with_exemplar(1.0, &[("trace", "x")])
        .unwrap();
    latency.labels(&["/b"]).unwrap().observe(2.0);
    check("children added, an exemplar", &[false, false, false]);
    requests.remove(&["/a", "200"]).unwrap();
    check("a child removed: the others move up", &[false, true, false]);
    requests.labels(&["/b", "500"]).unwrap().inc();
    check("the exemplar's sample again", &[true, true, false]);
    requests.remove(&["/b", "500"]).unwrap();
    requests.labels(&["/c", "200"]).unwrap().inc();
    check("a child replaced by another", &[false, true, false]);
    requests.labels(&["/c", "200"]).unwrap().inc();
    check("the new child again", &[true, true, false]);
    let extra = registry.gauge(&Opts::new("extra", "Extra")).unwrap();
    extra.set(3.0);
    check("a family registered", &[true, true, false, false]);
    latency.clear();
    requests.clear();
    check("children cleared", &[false, false, false, true]);
    registry.unregister_by_name("extra").unwrap();
    check("a family unregistered", &[true, true, false]);
    // An info metric's facts are labels: set again, its series change.
    let build = registry.info(&Opts::new("build", "Build")).unwrap();
    build.info(&[("version", "1")]).unwrap();
    check("an info family registered", &[true, true, false, false]);
    build.info(&[("version", "2")]).unwrap();
    check("the info's facts changed", &[true, true, false, false]);
    check("the info again", &[true, true, false, true]);
    requests.labels(&["/d", "200"]).unwrap().inc();
    check(
        "a child added after values-only collections",
        &[false, true, false, true],
    );
    check("and again", &[true, true, false, true]);
}
