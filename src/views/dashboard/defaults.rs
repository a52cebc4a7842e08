//! The default dashboard of each simulated service: the four golden signals
//! (traffic, errors, latency, saturation) written with the metric names that
//! service really exposes (see `src/sim/scenarios/`). Services that expose less
//! get the signals they can show, plus what the scraper records about them.

use super::model::{Dashboard, Panel};
use crate::sim::{HttpSignals, http_signals};
use crate::views::chart::{ChartKind, Unit};

/// The default dashboard for `scenario` (a generic one for unknown names).
pub fn default_dashboard(scenario: &str) -> Dashboard {
    let (title, panels) = match scenario {
        "api" => ("HTTP API", api()),
        "worker" => ("Worker", worker()),
        "batch" => ("Batch job", batch()),
        "demo" => ("Prometheus demo service", demo()),
        other => match http_signals(other) {
            Some(signals) => (scenario_title(other), http(signals)),
            None => ("Scrape targets", scrape_health()),
        },
    };
    Dashboard {
        title: format!("Four golden signals: {title}"),
        panels,
    }
}

fn rate(selector: &str) -> String {
    format!("rate({selector}[$__rate_interval])")
}

/// `label_replace(histogram_quantile(q, …), "quantile", "p50", "", "")` for each
/// quantile, joined with `or`: one panel query can then show several quantiles,
/// each series named by its `quantile` label.
fn quantiles(buckets: &str) -> String {
    [("0.5", "p50"), ("0.95", "p95"), ("0.99", "p99")]
        .iter()
        .map(|(q, name)| {
            format!(
                "label_replace(histogram_quantile({q}, sum by (le) ({})), \"quantile\", \"{name}\", \"\", \"\")",
                rate(buckets)
            )
        })
        .collect::<Vec<_>>()
        .join("\nor ")
}

fn latency_panels(histogram: &str) -> Vec<Panel> {
    let buckets = format!("{histogram}_bucket");
    let by_le = format!("sum by (le) ({})", rate(&buckets));
    vec![
        Panel::new("Latency: p50, p95, p99", &quantiles(&buckets))
            .legend("{{quantile}}")
            .unit(Unit::Seconds),
        // The values are observations per second; the buckets' bounds (seconds)
        // label the rows.
        Panel::new("Latency distribution over time", &by_le)
            .kind(ChartKind::Heatmap)
            .legend("{{le}}")
            .unit(Unit::PerSecond),
        Panel::new("Latency distribution now", &by_le)
            .kind(ChartKind::Bars)
            .legend("{{le}}")
            .unit(Unit::PerSecond),
    ]
}

/// Share of requests matching `errors`; `or vector(0)` shows 0 rather than
/// nothing while no error has been counted yet (the series appear with the
/// first error).
fn error_ratio(requests: &str, errors: &str) -> String {
    format!(
        "(sum({}) or vector(0))\n/ sum({})",
        rate(&format!("{requests}{{{errors}}}")),
        rate(requests)
    )
}

fn api() -> Vec<Panel> {
    let mut panels = vec![
        Panel::new(
            "Traffic: requests per second",
            &format!("sum({})", rate("http_requests_total")),
        )
        .kind(ChartKind::Stat)
        .unit(Unit::PerSecond),
        Panel::new(
            "Traffic: requests per second, by path",
            &format!("sum by (path) ({})", rate("http_requests_total")),
        )
        .legend("{{path}}")
        .unit(Unit::PerSecond),
        Panel::new(
            "Errors: share of 5xx responses",
            &error_ratio("http_requests_total", "status=~\"5..\""),
        )
        .legend("5xx")
        .unit(Unit::Ratio),
    ];
    panels.extend(latency_panels("http_request_duration_seconds"));
    panels.extend([
        Panel::new(
            "Saturation: requests in progress",
            "sum by (instance) (http_requests_in_progress)",
        )
        .legend("{{instance}}"),
        Panel::new(
            "Saturation: CPU cores busy, by mode",
            &format!(
                "sum by (mode) ({})",
                rate("cpu_usage_seconds_total{mode!=\"idle\"}")
            ),
        )
        .kind(ChartKind::Stacked)
        .legend("{{mode}}"),
        Panel::new(
            "Saturation: memory, by type",
            "sum by (type) (memory_usage_bytes{type!=\"free\"})",
        )
        .kind(ChartKind::Stacked)
        .legend("{{type}}")
        .unit(Unit::Bytes),
        Panel::new(
            "Saturation: fullest disk",
            "max(disk_usage_bytes / disk_total_bytes)",
        )
        .kind(ChartKind::Gauge)
        .unit(Unit::Ratio),
    ]);
    panels
}

/// What an HTTP-style tutorial service exposes: a request counter (maybe with a
/// label worth splitting by), an error selector if its labels have a status, a
/// latency histogram if it has one.
fn scenario_title(scenario: &str) -> &'static str {
    match scenario {
        "course_catalog" => "Course catalog",
        "flask_app" => "Flask app",
        "treecounter" => "Tree counter",
        "random_facts" => "Random facts",
        "hello_world" => "Hello world",
        _ => "HTTP service",
    }
}

fn http(s: HttpSignals) -> Vec<Panel> {
    let mut panels = vec![
        Panel::new(
            "Traffic: requests per second",
            &format!("sum({})", rate(s.requests)),
        )
        .kind(ChartKind::Stat)
        .unit(Unit::PerSecond),
    ];
    if let Some(by) = s.by {
        panels.push(
            Panel::new(
                &format!("Traffic: requests per second, by {by}"),
                &format!("sum by ({by}) ({})", rate(s.requests)),
            )
            .legend(&format!("{{{{{by}}}}}"))
            .unit(Unit::PerSecond),
        );
    } else {
        panels.push(
            Panel::new(
                "Traffic: requests per second, by instance",
                &format!("sum by (instance) ({})", rate(s.requests)),
            )
            .legend("{{instance}}")
            .unit(Unit::PerSecond),
        );
    }
    if let Some((selector, name)) = s.errors {
        panels.push(
            Panel::new(
                &format!("Errors: share of {name} responses"),
                &error_ratio(s.requests, selector),
            )
            .legend(name)
            .unit(Unit::Ratio),
        );
    }
    if let Some(histogram) = s.histogram {
        panels.extend(latency_panels(histogram));
    }
    panels.extend(scrape_health());
    panels
}

/// The demo service: the HTTP signals of its one histogram (by path, 5xx, latency),
/// and its host's CPU, memory and disk as saturation.
fn demo() -> Vec<Panel> {
    let mut panels = http(http_signals("demo").expect("demo serves requests"));
    panels.truncate(panels.len() - 2);
    panels.extend([
        Panel::new(
            "Saturation: requests in progress",
            "sum by (instance) (demo_api_http_requests_in_progress)",
        )
        .legend("{{instance}}"),
        Panel::new(
            "Saturation: CPU cores busy, by mode",
            &format!(
                "sum by (mode) ({})",
                rate("demo_cpu_usage_seconds_total{mode!=\"idle\"}")
            ),
        )
        .kind(ChartKind::Stacked)
        .legend("{{mode}}"),
        Panel::new(
            "Saturation: memory, by type",
            "sum by (type) (demo_memory_usage_bytes{type!=\"free\"})",
        )
        .kind(ChartKind::Stacked)
        .legend("{{type}}")
        .unit(Unit::Bytes),
        Panel::new(
            "Saturation: fullest disk",
            "max(demo_disk_usage_bytes / demo_disk_total_bytes)",
        )
        .kind(ChartKind::Gauge)
        .unit(Unit::Ratio),
    ]);
    panels.extend(scrape_health());
    panels
}

/// A worker exposing a summary without quantiles: traffic from `_count`, mean
/// latency from `_sum / _count`, and busy time (seconds of work per second: the
/// share of time the single worker is busy) as saturation.
fn worker() -> Vec<Panel> {
    let mut panels = vec![
        Panel::new(
            "Traffic: requests per second",
            &format!(
                "sum by (instance) ({})",
                rate("request_processing_seconds_count")
            ),
        )
        .legend("{{instance}}")
        .unit(Unit::PerSecond),
        Panel::new(
            "Latency: mean processing time",
            &format!(
                "sum by (instance) ({})\n/ sum by (instance) ({})",
                rate("request_processing_seconds_sum"),
                rate("request_processing_seconds_count")
            ),
        )
        .legend("{{instance}}")
        .unit(Unit::Seconds),
        // The time spent processing per second. The Summary's sum grows when a
        // request ends, by its whole duration, so a window that catches the end
        // of a request begun before it counts more time than the window holds:
        // this loop, busy all the time, reads up to 102% over a 1m window. One
        // worker is never busy more than all of the time: the share is at most 1.
        Panel::new(
            "Saturation: share of time busy",
            &format!(
                "clamp_max(max({}), 1)",
                rate("request_processing_seconds_sum")
            ),
        )
        .kind(ChartKind::Gauge)
        .unit(Unit::Ratio),
    ];
    panels.extend(scrape_health());
    panels
}

/// A batch job pushing to a Pushgateway: nothing to rate, but when it last
/// succeeded, how long it ran and whether the last run failed.
fn batch() -> Vec<Panel> {
    vec![
        Panel::new(
            "Errors: time since the last success",
            "time() - max(batch_job_last_success_timestamp_seconds)",
        )
        .kind(ChartKind::Stat)
        .unit(Unit::Seconds),
        Panel::new(
            "Errors: hosts whose last run failed",
            "count(batch_job_last_failure_timestamp_seconds > batch_job_last_success_timestamp_seconds)\nor vector(0)",
        )
        .kind(ChartKind::Stat),
        Panel::new("Latency: run duration", "batch_job_duration_seconds")
            .legend("{{instance}}")
            .unit(Unit::Seconds),
        Panel::new(
            "Traffic: records processed by the last run",
            "batch_job_records_processed",
        )
        .legend("{{instance}}"),
        Panel::new(
            "Time since the last push",
            "time() - max by (instance) (push_time_seconds)",
        )
        .legend("{{instance}}")
        .unit(Unit::Seconds),
        Panel::new("Pushgateway up", "up{job=\"pushgateway\"}").legend("{{instance}}"),
    ]
}

/// What the scraper itself records about every target.
fn scrape_health() -> Vec<Panel> {
    vec![
        Panel::new("Targets up", "sum(up)").kind(ChartKind::Stat),
        Panel::new("Scrape duration", "scrape_duration_seconds")
            .legend("{{instance}}")
            .unit(Unit::Seconds),
    ]
}
