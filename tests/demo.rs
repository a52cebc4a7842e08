//! The `demo` scenario is Prometheus's `prometheus_demo_service`: every family it
//! exposes with the Go service's type, help and labels, its instances named as on
//! the demo site, and well-known tutorial queries answered on a pipeline run.

use std::collections::BTreeSet;

use promplay::expo::model::MetricType;
use promplay::expo::textparse::{Format, ParseOptions, parse};
use promplay::pipeline::{Options, Pipeline, Run, Timeline};
use promplay::promql::engine::{Options as QueryOptions, Value, instant_query};
use promplay::sim::{SimConfig, Simulation};

const START: i64 = 1_714_521_600_000; // 2024-05-01T00:00:00Z
const MIN: i64 = 60_000;

/// (family as in text 0.0.4, type, labels besides `le`, help) as the Go service
/// declares them.
const FAMILIES: &[(&str, MetricType, &[&str], &str)] = &[
    (
        "demo_api_request_duration_seconds",
        MetricType::Histogram,
        &["method", "path", "status"],
        "A histogram of the API HTTP request durations in seconds.",
    ),
    (
        "demo_api_http_requests_in_progress",
        MetricType::Gauge,
        &[],
        "The current number of API HTTP requests in progress.",
    ),
    (
        "demo_batch_last_success_timestamp_seconds",
        MetricType::Gauge,
        &[],
        "The Unix timestamp in seconds since the last successful demo batch job completion.",
    ),
    (
        "demo_batch_last_run_timestamp_seconds",
        MetricType::Gauge,
        &[],
        "The Unix timestamp in seconds since the last demo batch job run.",
    ),
    (
        "demo_batch_last_run_duration_seconds",
        MetricType::Gauge,
        &[],
        "The duration in seconds of the last batch job run.",
    ),
    (
        "demo_batch_last_run_processed_bytes",
        MetricType::Gauge,
        &[],
        "The number of bytes processed by the demo batch job in the last run.",
    ),
    (
        "demo_num_cpus",
        MetricType::Gauge,
        &[],
        "The number of CPUs.",
    ),
    (
        "demo_cpu_usage_seconds_total",
        MetricType::Counter,
        &["mode"],
        "The CPU usage in seconds split by mode.",
    ),
    (
        "demo_disk_usage_bytes",
        MetricType::Gauge,
        &[],
        "Disk usage in bytes.",
    ),
    (
        "demo_disk_total_bytes",
        MetricType::Gauge,
        &[],
        "Total disk space in bytes.",
    ),
    (
        "demo_is_holiday",
        MetricType::Gauge,
        &[],
        "Set to 1 if it is currently a holiday, 0 otherwise.",
    ),
    (
        "demo_items_shipped_total",
        MetricType::Counter,
        &[],
        "The total number of shipped items. Affected heavily by whether it's currently a holiday.",
    ),
    (
        "demo_memory_usage_bytes",
        MetricType::Gauge,
        &["type"],
        "The memory usage by type.",
    ),
    (
        "demo_intermittent_metric",
        MetricType::Gauge,
        &[],
        "A metric that is only present intermittently to test staleness handling.",
    ),
];

#[test]
fn the_demo_service_exposes_each_family_with_its_type_and_labels() {
    let mut sim = Simulation::new(SimConfig::new("demo", 1, START)).unwrap();
    let instances: Vec<String> = sim.targets().into_iter().map(|t| t.instance).collect();
    assert_eq!(
        instances,
        [
            "demo-service-0:10000",
            "demo-service-1:10001",
            "demo-service-2:10002"
        ]
    );
    assert!(sim.targets().iter().all(|t| t.job == "demo"));
    // An even minute, so that the intermittent metric is there.
    sim.advance_to(START + 4 * MIN);
    let body = sim.scrape(0, Format::Text).unwrap();
    let parsed = parse(
        body.as_bytes(),
        ParseOptions {
            format: Some(Format::Text),
            strict: true,
        },
    );
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    for &(name, kind, labels, help) in FAMILIES {
        let family = parsed
            .families
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no {name} in\n{body}"));
        assert_eq!(family.metric_type, kind, "{name}");
        assert_eq!(family.help.as_deref(), Some(help), "{name}");
        let wanted: BTreeSet<&str> = labels.iter().copied().collect();
        for sample in &family.samples {
            let got: BTreeSet<&str> = sample
                .labels
                .iter()
                .map(|(n, _)| n.as_str())
                .filter(|n| *n != "le")
                .collect();
            assert_eq!(got, wanted, "{name}: {sample:?}");
        }
    }
    for needle in [
        // The Go service's buckets: ExponentialBuckets(0.0001, 1.5, 25).
        "demo_api_request_duration_seconds_bucket{le=\"0.0001\",method=\"GET\",path=\"/api/foo\",status=\"200\"}",
        // Printed as Go prints 0.0001 * 1.5 (the shortest form that reads back).
        "demo_api_request_duration_seconds_bucket{le=\"0.00015000000000000001\",method=\"GET\",path=\"/api/foo\",status=\"200\"}",
        "method=\"GET\",path=\"/api/nonexistent\",status=\"404\"",
        "method=\"POST\",path=\"/api/bar\",status=\"200\"",
        "demo_cpu_usage_seconds_total{mode=\"idle\"}",
        "demo_memory_usage_bytes{type=\"buffers\"}",
        "demo_num_cpus 4.0",
        "demo_disk_total_bytes 1.6e+011",
        "demo_intermittent_metric 1.0",
    ] {
        assert!(body.contains(needle), "{needle}\n{body}");
    }
    assert_eq!(
        body.matches("le=\"+Inf\",method=\"GET\",path=\"/api/foo\",status=\"200\"")
            .count(),
        1
    );
    // 25 buckets and +Inf per series.
    let foo = "method=\"GET\",path=\"/api/foo\",status=\"200\"}";
    let buckets = body
        .lines()
        .filter(|l| l.starts_with("demo_api_request_duration_seconds_bucket") && l.contains(foo))
        .count();
    assert_eq!(buckets, 26);
    // An odd minute: gone.
    sim.advance_to(START + 5 * MIN + 30_000);
    let body = sim.scrape(0, Format::Text).unwrap();
    assert!(!body.contains("demo_intermittent_metric"));
}

fn query(pipeline: &Pipeline, expr: &str, t: i64) -> Vec<(String, f64)> {
    let parsed = promplay::promql::parse(expr).unwrap();
    let output = instant_query(pipeline.store(), expr, &parsed, t, &QueryOptions::default())
        .unwrap_or_else(|e| panic!("{expr}: {e:?}"));
    match output.value {
        Value::Vector(samples) => samples
            .into_iter()
            .map(|s| (s.labels.to_string(), s.v))
            .collect(),
        Value::Scalar(p) => vec![(String::new(), p.v)],
        other => panic!("{expr}: {other:?}"),
    }
}

#[test]
fn tutorial_queries_return_data_as_written() {
    let mut pipeline = Pipeline::new(Run::new("demo", 1, START, 3), Options::default()).unwrap();
    let t = START + 15 * MIN;
    pipeline.advance_to(t);

    // Per-second request rates: one series per instance, method, path and status.
    let rates = query(
        &pipeline,
        "rate(demo_api_request_duration_seconds_count[5m])",
        t,
    );
    assert!(rates.len() >= 15, "{rates:?}");
    let total: f64 = query(
        &pipeline,
        "sum(rate(demo_api_request_duration_seconds_count{job=\"demo\"}[5m]))",
        t,
    )[0]
    .1;
    // About 60 requests a second per instance, as the Go client sends them.
    assert!((120.0..=240.0).contains(&total), "{total}");
    let not_found = query(
        &pipeline,
        "sum by (instance) (rate(demo_api_request_duration_seconds_count{path=\"/api/nonexistent\",status=\"404\"}[5m]))",
        t,
    );
    assert_eq!(not_found.len(), 3, "{not_found:?}");

    let p90 = query(
        &pipeline,
        "histogram_quantile(0.9, sum by (le) (rate(demo_api_request_duration_seconds_bucket[5m])))",
        t,
    );
    assert_eq!(p90.len(), 1);
    // Base latencies of 10 to 50 ms.
    assert!((0.01..0.1).contains(&p90[0].1), "{p90:?}");

    let cpu = query(
        &pipeline,
        "sum by (mode) (rate(demo_cpu_usage_seconds_total[1m]))",
        t,
    );
    assert_eq!(cpu.len(), 3, "{cpu:?}");
    // Three instances of 4 CPUs: 12 CPU-seconds a second, 30% user.
    let all: f64 = cpu.iter().map(|(_, v)| v).sum();
    assert!((all - 12.0).abs() < 0.01, "{cpu:?}");
    let user = cpu.iter().find(|(l, _)| l.contains("user")).unwrap().1;
    assert!((3.0..4.2).contains(&user), "{cpu:?}");

    let success = query(&pipeline, "demo_batch_last_success_timestamp_seconds", t);
    assert_eq!(success.len(), 3, "{success:?}");
    for (labels, v) in &success {
        assert!(labels.contains("job=\"demo\""), "{labels}");
        assert!(*v > START as f64 / 1000.0 && *v <= t as f64 / 1000.0, "{v}");
    }
    let age = query(
        &pipeline,
        "time() - demo_batch_last_success_timestamp_seconds",
        t,
    );
    assert!(age.iter().all(|(_, v)| *v < 10.0 * 60.0), "{age:?}");
    let duration = query(&pipeline, "demo_batch_last_run_duration_seconds", t);
    assert!(
        duration.iter().all(|(_, v)| (59.0..61.0).contains(v)),
        "{duration:?}"
    );

    for expr in [
        "demo_memory_usage_bytes{type=\"free\"} / 1024 / 1024",
        "demo_disk_usage_bytes / demo_disk_total_bytes",
        "rate(demo_items_shipped_total[5m])",
        "demo_num_cpus",
        "sum(demo_api_http_requests_in_progress)",
        "demo_is_holiday",
        "up{job=\"demo\"}",
    ] {
        assert!(!query(&pipeline, expr, t).is_empty(), "{expr}");
    }
    // 3 to 10 items a second (slower on holidays).
    for (labels, v) in query(&pipeline, "rate(demo_items_shipped_total[5m])", t) {
        assert!((2.0..11.0).contains(&v), "{labels} {v}");
    }
    // The intermittent metric: present in even minutes, stale in odd ones.
    let t_odd = t + 45_000;
    pipeline.advance_to(t_odd);
    assert!(query(&pipeline, "demo_intermittent_metric", t_odd).is_empty());
    assert_eq!(
        query(
            &pipeline,
            "count_over_time(demo_intermittent_metric[10m])",
            t_odd
        )
        .len(),
        3
    );
}

#[test]
fn the_default_latency_alert_fires_in_an_outage_only() {
    // The default HighLatency rule's objective for `demo` (0.2 s at the p99): met by
    // the service's own per-route outages, missed in an outage started by the user.
    let mut run = Run::new("demo", 1, START, 3);
    run.timeline = Timeline::parse("20m outage 5m", START).unwrap();
    let mut pipeline = Pipeline::new(run, Options::default()).unwrap();
    let p99 = "histogram_quantile(0.99, sum by (le, job) (rate(demo_api_request_duration_seconds_bucket[1m])))";
    for minute in 2..=20 {
        let t = START + minute * MIN;
        pipeline.advance_to(t);
        let v = query(&pipeline, p99, t)[0].1;
        assert!(v < 0.2, "minute {minute}: {v}");
    }
    let t = START + 23 * MIN;
    pipeline.advance_to(t);
    let v = query(&pipeline, p99, t)[0].1;
    assert!(v > 0.2, "in the outage: {v}");
    let firing = query(
        &pipeline,
        "ALERTS{alertname=\"HighLatency\",alertstate=\"firing\"}",
        t,
    );
    assert_eq!(firing.len(), 1, "{firing:?}");
}
