//! Native histograms end to end: a run with native histograms on instruments its
//! latency with client_golang-style native histograms beside the classic buckets,
//! the scraper asks for protobuf, and the store holds both, so PromQL answers the
//! same question from either.

use promplay::expo::textparse::Format;
use promplay::pipeline::{self, Pipeline};
use promplay::promql::engine::{self, Value};
use promplay::promql::parse;
use promplay::tsdb::Matcher;

const START: i64 = 1_714_521_600_000; // 2024-05-01T00:00:00Z
const MIN: i64 = 60_000;

fn pipeline(native: bool) -> Pipeline {
    let mut run = pipeline::Run::new("api", 7, START, 2);
    run.native_histograms = native;
    Pipeline::new(run, pipeline::Options::default()).unwrap()
}

fn scalar(p: &Pipeline, q: &str) -> f64 {
    let out = engine::instant_query(
        p.store(),
        q,
        &parse(q).unwrap(),
        p.now_ms(),
        &engine::Options::default(),
    )
    .unwrap();
    match out.value {
        Value::Vector(v) if v.len() == 1 => v[0].v,
        other => panic!("{q}: {other:?}"),
    }
}

#[test]
fn the_scraper_stores_native_and_classic_series_from_protobuf() {
    let mut p = pipeline(true);
    p.advance_to(START + 15 * MIN);
    let (body, format) = p.peek_scrape(0, Format::Protobuf).unwrap();
    assert_eq!(format, Format::Protobuf);
    let text = promplay::scrape::body_text(&body, format);
    assert!(
        text.contains("name: \"http_request_duration_seconds\""),
        "{text}"
    );
    assert!(text.contains("schema: 3"), "{text}");

    let store = p.store();
    let native = store.select(&[Matcher::equal("__name__", "http_request_duration_seconds")]);
    let classic = store.select(&[Matcher::equal(
        "__name__",
        "http_request_duration_seconds_bucket",
    )]);
    assert!(!native.is_empty());
    // One series per route and instance instead of one per bucket.
    assert!(
        classic.len() >= 10 * native.len(),
        "{} vs {}",
        classic.len(),
        native.len()
    );
    let samples: Vec<_> = store
        .iter_histograms(native[0], i64::MIN, i64::MAX)
        .collect();
    assert!(samples.len() >= 50, "a histogram sample per scrape");

    // The same question from both: within the classic buckets' coarseness.
    let from_native = scalar(
        &p,
        "histogram_quantile(0.9, sum(rate(http_request_duration_seconds[5m])))",
    );
    let from_classic = scalar(
        &p,
        "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
    );
    assert!(
        (from_native / from_classic - 1.0).abs() < 0.5,
        "{from_native} vs {from_classic}"
    );
    let count_native = scalar(
        &p,
        "sum(histogram_count(rate(http_request_duration_seconds[5m])))",
    );
    let count_classic = scalar(&p, "sum(rate(http_request_duration_seconds_count[5m]))");
    assert!(
        (count_native / count_classic - 1.0).abs() < 1e-9,
        "{count_native} vs {count_classic}"
    );
}

#[test]
fn without_native_histograms_the_run_is_unchanged() {
    let mut p = pipeline(false);
    p.advance_to(START + 5 * MIN);
    let store = p.store();
    assert!(
        store
            .select(&[Matcher::equal("__name__", "http_request_duration_seconds")])
            .is_empty()
    );
    let (_, format) = p.peek_scrape(0, Format::OpenMetrics).unwrap();
    assert_eq!(format, Format::OpenMetrics);
}

#[test]
fn the_setting_travels_in_the_link() {
    let mut run = pipeline::Run::new("api", 7, START, 2);
    run.native_histograms = true;
    let text = run.settings_text();
    assert!(text.ends_with(";native_histograms=1"), "{text}");
    assert!(pipeline::Run::from_settings_text(&text, START).native_histograms);
    let plain = pipeline::Run::new("api", 7, START, 2).settings_text();
    assert!(!pipeline::Run::from_settings_text(&plain, START).native_histograms);
}
