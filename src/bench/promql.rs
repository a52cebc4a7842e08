//! The PromQL speed benchmark, shared by the native CLI (`promplay bench-promql`)
//! and the wasm build (`tests/bench/promql_wasm.rs` in headless Chromium), so
//! both time the same queries over the same simulated data. The clock is passed
//! in: `Instant` natively, `performance.now()` in the page.
//!
//! Data: the `api` service with `instances` instances scraped every 15 s (about
//! 125 series per instance), the same run `promplay simulate` writes for
//! Prometheus (`tests/bench/promql_vs_prometheus.sh`).

use crate::pipeline::{self, Pipeline, Run};
use crate::promql::engine::{self, Options, Value};
use crate::tsdb::Head;

/// The benchmark's queries: the list, as a dashboard would run them.
pub const QUERIES: [(&str, &str); 5] = [
    ("rate", "rate(http_requests_total[5m])"),
    (
        "sum_by_rate",
        "sum by (path) (rate(http_requests_total[5m]))",
    ),
    (
        "histogram_quantile",
        "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
    ),
    ("topk", "topk(5, rate(http_requests_total[5m]))"),
    (
        "binary_join",
        "rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])",
    ),
];

/// The native-histogram queries (`bench-promql --native`, on a run with native
/// histograms on, which also stores the classic series): the same question asked
/// of both kinds, and the functions only native histograms have.
pub const NATIVE_QUERIES: [(&str, &str); 4] = [
    (
        "classic_quantile",
        "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
    ),
    (
        "native_quantile",
        "histogram_quantile(0.99, sum(rate(http_request_duration_seconds[5m])))",
    ),
    (
        "native_count",
        "sum(histogram_count(rate(http_request_duration_seconds[5m])))",
    ),
    (
        "native_sum_by",
        "sum by (path) (rate(http_request_duration_seconds[5m]))",
    ),
];

/// Where the benchmark's data starts (Unix ms), for both promplay and Prometheus.
pub const START_MS: i64 = 1_714_521_600_000; // 2024-05-01T00:00:00Z

/// The simulated store: `instances` × api for `duration_ms`, scraped every 15 s
/// (with native histograms beside the classic ones when `native`).
pub fn api_store(instances: usize, duration_ms: i64, native: bool) -> Head {
    let mut run = Run::new("api", 1, START_MS, instances);
    run.native_histograms = native;
    let mut pipeline =
        Pipeline::new(run, pipeline::Options::default()).expect("the api scenario exists");
    pipeline.advance_to(START_MS + duration_ms - 1);
    pipeline.into_store()
}

/// One query's timing.
#[derive(Clone, Debug)]
pub struct QueryTiming {
    pub name: &'static str,
    pub query: &'static str,
    /// Median evaluation time over the runs, in milliseconds.
    pub median_ms: f64,
    pub result_series: usize,
}

/// Times each query as a range query from `start_ms` to `end_ms` every `step_ms`,
/// `runs` times after one warm-up run, and reports the median.
pub fn time_queries(
    head: &Head,
    queries: &[(&'static str, &'static str)],
    (start_ms, end_ms, step_ms): (i64, i64, i64),
    runs: usize,
    now_ms: fn() -> f64,
) -> Vec<QueryTiming> {
    let opts = Options {
        clock: Some(now_ms),
        ..Options::default()
    };
    queries
        .iter()
        .map(|&(name, query)| {
            let expr = crate::promql::parse(query).expect("the benchmark queries parse");
            let mut times = Vec::with_capacity(runs);
            let mut result_series = 0;
            // One warm-up run, not counted (caches; in the page, wasm tier-up).
            let _ = engine::range_query(head, query, &expr, start_ms, end_ms, step_ms, &opts);
            for _ in 0..runs.max(1) {
                let t0 = now_ms();
                let out = engine::range_query(head, query, &expr, start_ms, end_ms, step_ms, &opts)
                    .expect("the benchmark queries evaluate");
                times.push(now_ms() - t0);
                if let Value::Matrix(m) = out.value {
                    result_series = m.len();
                }
            }
            times.sort_by(f64::total_cmp);
            QueryTiming {
                name,
                query,
                median_ms: times[times.len() / 2],
                result_series,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn benchmark_runs_small() {
        fn zero() -> f64 {
            0.0
        }
        let window = (START_MS + 300_000, START_MS + 600_000, 15_000);
        let head = api_store(1, 10 * 60_000, false);
        let timings = time_queries(&head, &QUERIES, window, 1, zero);
        assert_eq!(timings.len(), QUERIES.len());
        // Every query finds data: the benchmark measures real work.
        assert!(timings.iter().all(|t| t.result_series > 0), "{timings:?}");
        let head = api_store(1, 10 * 60_000, true);
        let timings = time_queries(&head, &NATIVE_QUERIES, window, 1, zero);
        assert!(timings.iter().all(|t| t.result_series > 0), "{timings:?}");
    }
}
