//! `course_catalog`: a course catalog with search (python/course_catalog.py).
//! Requests by method, endpoint and status; failed searches (no query: 400, nothing
//! found: 404) are counted like any other request, under their status.

use super::latency::{Latency, LatencyVec};
use super::{Service, Start, Tick, add, observe_latencies, python_source};
use crate::client::{Counter, CounterVec, DEFAULT_BUCKETS, Opts, Registry};
use crate::sim::controls::Controls;
use crate::sim::pushgateway::Pushgateway;
use crate::sim::rng::Rng;
use crate::sim::{PythonSource, ScenarioInfo};

pub(crate) static DEF: super::ScenarioDef = super::ScenarioDef {
    info: ScenarioInfo {
        name: "course_catalog",
        title: "Course catalog",
        description: "A Flask course catalog with search: requests counted by method, \
                      endpoint and HTTP status (failed searches show as 400 and 404), \
                      latency in a histogram.",
    },
    job: "course_catalog",
    host: "catalog",
    port: 5000,
    instance_name: None,
    default_instances: 1,
    defaults: Controls {
        traffic_rate: 4.0,
        error_ratio: 0.01,
        latency_multiplier: 1.0,
    },
    scheduled_outages: false,
    pushes: false,
    build,
    python,
};

fn python() -> PythonSource {
    python_source(
        "course_catalog.py",
        include_str!("python/course_catalog.py"),
        &["app_request_count", "app_request_latency_seconds"],
    )
}

/// (endpoint, share of traffic, median latency in seconds)
const ENDPOINTS: [(&str, f64, f64); 3] = [
    ("/", 0.2, 0.004),
    ("/courses", 0.35, 0.012),
    ("/search", 0.45, 0.030),
];

struct CourseCatalog {
    count: CounterVec,
    /// Per endpoint: 200, 400, 404, 500 (created on first use).
    counters: [[Option<Counter>; 4]; 3],
    latency: Vec<Latency>,
}

fn build(registry: &Registry, start: &Start) -> Box<dyn Service> {
    let count = registry
        .counter_vec(
            &Opts::new("app_request_count_total", "Application request count"),
            &["method", "endpoint", "http_status"],
        )
        .expect("valid metric");
    let latency_vec = LatencyVec::register(
        registry,
        &Opts::new("app_request_latency_seconds", "Application request latency"),
        &DEFAULT_BUCKETS,
        &["method", "endpoint"],
        start.native_histograms,
    )
    .expect("valid metric");
    let latency = ENDPOINTS
        .iter()
        .map(|(endpoint, _, _)| latency_vec.labels(&["GET", endpoint]).expect("2 labels"))
        .collect();
    Box::new(CourseCatalog {
        count,
        counters: Default::default(),
        latency,
    })
}

impl Service for CourseCatalog {
    fn step(&mut self, tick: &Tick, rng: &mut Rng, _gateway: &Pushgateway) {
        let c = tick.conditions;
        for (index, (endpoint, share, median)) in ENDPOINTS.iter().enumerate() {
            let n = rng.poisson(c.rate * share);
            if n == 0 {
                continue;
            }
            let errors = rng.binomial(n, c.error_ratio);
            let (missing_query, not_found) = if *endpoint == "/search" {
                let missing = rng.binomial(n - errors, 0.04);
                (missing, rng.binomial(n - errors - missing, 0.15))
            } else {
                (0, 0)
            };
            let ok = n - errors - missing_query - not_found;
            for (status, count) in [(0, ok), (1, missing_query), (2, not_found), (3, errors)] {
                if count > 0 {
                    let counter = self.counters[index][status].get_or_insert_with(|| {
                        let code = ["200", "400", "404", "500"][status];
                        self.count
                            .labels(&["GET", endpoint, code])
                            .expect("3 labels")
                    });
                    add(counter, count);
                }
            }
            observe_latencies(&self.latency[index], n, median * c.latency, 0.6, rng);
        }
    }
}
