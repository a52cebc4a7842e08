//! The native histogram cases of client_python's conformance file, built as families
//! (without `promplay::client`) from each case's `setup:` line; help texts as the
//! expected output shows them.

use promplay::expo::model::NativeHistogram;
use promplay::expo::{Exemplar, MetricFamily, MetricType, Sample, Timestamp};
use promplay::histogram::{Histogram, Span};

pub type Builder = fn() -> Vec<MetricFamily>;

pub const BUILDERS: &[(&str, Builder)] = &[
    ("openmetrics/native_histogram", native_histogram),
    ("openmetrics/nh_histogram_with_exemplars", with_exemplars),
    ("openmetrics/nh_no_observation", no_observation),
    ("openmetrics/nh_longer_spans", longer_spans),
    ("openmetrics/native_histogram_utf8", utf8),
    ("openmetrics/native_histogram_utf8_stress", utf8_stress),
    ("openmetrics/native_histogram_with_labels", with_labels),
    (
        "openmetrics/native_histogram_with_labels_utf8",
        with_labels_utf8,
    ),
    (
        "openmetrics/native_histogram_with_classic_histogram",
        with_classic,
    ),
    (
        "openmetrics/native_plus_classic_histogram_two_labelsets",
        with_classic_two_sets,
    ),
    (
        "openmetrics/native_histogram_version_comparison@v1",
        version_comparison,
    ),
    (
        "openmetrics/native_histogram_version_comparison@v2",
        version_comparison,
    ),
];

const BASIC_HELP: &str = "Is a basic example of a native histogram";
const LABELS_HELP: &str = "Is a basic example of a native histogram with labels";

fn spans(pairs: &[(i32, u32)]) -> Vec<Span> {
    pairs
        .iter()
        .map(|&(offset, length)| Span { offset, length })
        .collect()
}

/// `NativeHistogram(count, sum, schema, zero_threshold, zero_count)` without buckets.
fn histogram(count: u64, sum: f64, schema: i32, zero_threshold: f64, zero_count: u64) -> Histogram {
    Histogram {
        count,
        sum,
        schema,
        zero_threshold,
        zero_count,
        ..Histogram::default()
    }
}

/// The histogram most cases share: count=24, sum=100, schema=0, zero_threshold=0.001,
/// zero_count=4, both sides with spans [(0,2),(1,2)].
fn standard() -> Histogram {
    Histogram {
        positive_spans: spans(&[(0, 2), (1, 2)]),
        positive_buckets: vec![2, 1, -3, 3],
        negative_spans: spans(&[(0, 2), (1, 2)]),
        negative_buckets: vec![2, 1, -2, 3],
        ..histogram(24, 100.0, 0, 0.001, 4)
    }
}

fn native(name: &str, labels: &[(&str, &str)], h: Histogram) -> Sample {
    let labels = labels
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let mut sample = Sample::new(name, labels, h.count as f64);
    sample.native = Some(Box::new(NativeHistogram::Int(h)));
    sample
}

fn histogram_family(name: &str, help: &str, samples: Vec<Sample>) -> Vec<MetricFamily> {
    let mut family = MetricFamily::new(name, MetricType::Histogram);
    family.help = Some(help.to_string());
    family.samples = samples;
    vec![family]
}

fn native_histogram() -> Vec<MetricFamily> {
    histogram_family("nh", "nh", vec![native("nh", &[], standard())])
}

fn with_exemplars() -> Vec<MetricFamily> {
    let exemplar = |trace_id: &str, value, timestamp| Exemplar {
        labels: vec![("trace_id".to_string(), trace_id.to_string())],
        value,
        timestamp,
    };
    let mut sample = native("nh", &[], standard());
    sample.exemplar = Some(exemplar("KOO5S4vxi0o", 0.67, None));
    sample.extra_exemplars = vec![exemplar(
        "oHg5SJYRHA0",
        9.8,
        Some(Timestamp::Seconds(1520879607.789)),
    )];
    histogram_family("nh", "nh", vec![sample])
}

fn no_observation() -> Vec<MetricFamily> {
    let h = histogram(0, 0.0, 3, 2.938735877055719e-39, 0);
    histogram_family("nhnoobs", "nhnoobs", vec![native("nhnoobs", &[], h)])
}

fn longer_spans() -> Vec<MetricFamily> {
    let h = Histogram {
        positive_spans: spans(&[(0, 1), (7, 1), (4, 1)]),
        positive_buckets: vec![1, 0, 0],
        ..histogram(4, 6.0, 3, 2.938735877055719e-39, 1)
    };
    let help = "Is a basic example of a native histogram with three spans";
    histogram_family("nhsp", help, vec![native("nhsp", &[], h)])
}

fn utf8() -> Vec<MetricFamily> {
    let name = "native{histogram";
    histogram_family(name, BASIC_HELP, vec![native(name, &[], standard())])
}

fn utf8_stress() -> Vec<MetricFamily> {
    let name = "native{histogram";
    let sample = native(name, &[("xx{} # {}", " EOF # {}}}")], standard());
    histogram_family(name, BASIC_HELP, vec![sample])
}

fn with_labels() -> Vec<MetricFamily> {
    let name = "hist_w_labels";
    let sample = native(name, &[("foo", "bar"), ("baz", "qux")], standard());
    histogram_family(name, LABELS_HELP, vec![sample])
}

fn with_labels_utf8() -> Vec<MetricFamily> {
    let name = "hist.w.labels";
    let sample = native(name, &[("foo", "bar"), ("baz", "qux")], standard());
    histogram_family(name, LABELS_HELP, vec![sample])
}

/// A native sample followed by its classic buckets, count and sum, per `foo` value.
fn native_and_classic(name: &str, foo_values: &[&str]) -> Vec<Sample> {
    let mut samples = Vec::new();
    for &label_value in foo_values {
        let classic = |suffix: &str, le: Option<&str>, value| {
            let mut labels = vec![("foo".to_string(), label_value.to_string())];
            labels.extend(le.map(|le| ("le".to_string(), le.to_string())));
            Sample::new(format!("{name}{suffix}"), labels, value)
        };
        samples.push(native(name, &[("foo", label_value)], standard()));
        samples.push(classic("_bucket", Some("0.001"), 4.0));
        samples.push(classic("_bucket", Some("+Inf"), 24.0));
        samples.push(classic("_count", None, 24.0));
        samples.push(classic("_sum", None, 100.0));
    }
    samples
}

fn with_classic() -> Vec<MetricFamily> {
    let name = "hist_w_classic";
    let help = "Is a basic example of a native histogram coexisting with a classic histogram";
    histogram_family(name, help, native_and_classic(name, &["bar"]))
}

fn with_classic_two_sets() -> Vec<MetricFamily> {
    let name = "hist_w_classic_two_sets";
    let help = "Is an example of a native histogram plus a classic histogram with two label sets";
    histogram_family(name, help, native_and_classic(name, &["bar", "baz"]))
}

/// Encoded twice by the cases: 1.0.0 leaves the sample out, 2.0.0 writes it.
fn version_comparison() -> Vec<MetricFamily> {
    let h = Histogram {
        positive_spans: spans(&[(0, 1)]),
        positive_buckets: vec![3],
        negative_spans: spans(&[(0, 1)]),
        negative_buckets: vec![4],
        ..histogram(5, 10.0, 0, 0.01, 2)
    };
    histogram_family(
        "nh_version",
        "nh version test",
        vec![native("nh_version", &[], h)],
    )
}
