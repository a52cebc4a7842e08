//! `api`: a demo-grade HTTP API (python/api.py). Request counts by method, route and
//! status, a latency histogram, requests in progress, host CPU/memory/disk, a minutely
//! batch job that sometimes fails, and a metric that exists only in even minutes.
//! Traffic follows the day; scheduled outages (and the ones the user starts) raise
//! errors and latency.

use super::latency::{Latency, LatencyVec};
use super::{Service, Start, Tick, add, observe_latencies, python_source};
use crate::client::{Counter, Gauge, Opts, Registry, exponential_buckets};
use crate::client::{CounterVec, GaugeVec};
use crate::rng::hash;
use crate::sim::controls::Controls;
use crate::sim::pushgateway::Pushgateway;
use crate::sim::rng::Rng;
use crate::sim::{PythonSource, ScenarioInfo};

pub(crate) static DEF: super::ScenarioDef = super::ScenarioDef {
    info: ScenarioInfo {
        name: "api",
        title: "HTTP API",
        description: "A small HTTP API (Flask) with request counts, a latency histogram, \
                      host CPU/memory/disk, a minutely batch job and a metric that comes \
                      and goes. Traffic follows a daily curve; outages raise errors and latency.",
    },
    job: "api",
    host: "api",
    port: 8080,
    instance_name: None,
    default_instances: 3,
    defaults: Controls {
        traffic_rate: 10.0,
        error_ratio: 0.01,
        latency_multiplier: 1.0,
    },
    scheduled_outages: true,
    pushes: false,
    build,
    python,
};

fn python() -> PythonSource {
    python_source(
        "api.py",
        include_str!("python/api.py"),
        &[
            "http_requests",
            "http_request_duration_seconds",
            "http_requests_in_progress",
            "cpu_usage_seconds",
            "memory_usage_bytes",
            "batch_last_success_timestamp_seconds",
            "batch_last_run_duration_seconds",
            "disk_usage_bytes",
            "disk_total_bytes",
            "intermittent_metric",
        ],
    )
}

struct Route {
    method: &'static str,
    path: &'static str,
    /// Share of the traffic.
    share: f64,
    /// Median latency, seconds.
    median: f64,
    /// Status on success.
    ok: &'static str,
    /// Share of requests for something that does not exist.
    not_found: f64,
}

const ROUTES: [Route; 5] = [
    Route {
        method: "GET",
        path: "/api/users/<id>",
        share: 0.30,
        median: 0.035,
        ok: "200",
        not_found: 0.03,
    },
    Route {
        method: "GET",
        path: "/api/products",
        share: 0.35,
        median: 0.060,
        ok: "200",
        not_found: 0.0,
    },
    Route {
        method: "POST",
        path: "/api/orders",
        share: 0.08,
        median: 0.180,
        ok: "201",
        not_found: 0.0,
    },
    Route {
        method: "GET",
        path: "/api/orders/<id>",
        share: 0.12,
        median: 0.045,
        ok: "200",
        not_found: 0.05,
    },
    Route {
        method: "GET",
        path: "/healthz",
        share: 0.15,
        median: 0.002,
        ok: "200",
        not_found: 0.0,
    },
];

/// Status columns: the route's success status, 404, 500, 503.
const OK: usize = 0;
const NOT_FOUND: usize = 1;
const SERVER_ERROR: usize = 2;
const UNAVAILABLE: usize = 3;

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
const MIB: f64 = 1024.0 * 1024.0;
const MEMORY_TOTAL: f64 = 4.0 * GIB;
const DISK_TOTAL: f64 = 100.0 * GIB;
const CORES: f64 = 2.0;
/// Seconds between two host samples (CPU, memory, disk).
const SAMPLE_SECONDS: i64 = 5;

struct Api {
    requests: CounterVec,
    /// Children created on first use, as `labels(...)` does in Python.
    counters: [[Option<Counter>; 4]; ROUTES.len()],
    durations: Vec<Latency>,
    in_progress: Gauge,
    cpu: [Counter; 3],
    memory: [Gauge; 4],
    batch_last_success: Gauge,
    batch_duration: Gauge,
    disk_usage: Gauge,
    intermittent: Gauge,
    /// Where this instance's disk sawtooth starts (fraction of a period).
    disk_phase: f64,
    /// CPU seconds used and load summed since the last host sample.
    cpu_busy: f64,
    load: f64,
}

fn build(registry: &Registry, start: &Start) -> Box<dyn Service> {
    // Registration on a fresh registry with fixed, valid names cannot fail.
    let requests = registry
        .counter_vec(
            &Opts::new("http_requests_total", "HTTP requests served."),
            &["method", "path", "status"],
        )
        .expect("valid metric");
    let buckets = exponential_buckets(0.005, 2.0, 12).expect("valid buckets");
    let latency = LatencyVec::register(
        registry,
        &Opts::new(
            "http_request_duration_seconds",
            "HTTP request latency, in seconds.",
        ),
        &buckets,
        &["method", "path"],
        start.native_histograms,
    )
    .expect("valid metric");
    let in_progress = registry
        .gauge(&Opts::new(
            "http_requests_in_progress",
            "HTTP requests being served now.",
        ))
        .expect("valid metric");
    let cpu_vec = registry
        .counter_vec(
            &Opts::new("cpu_usage_seconds_total", "CPU time spent, by mode."),
            &["mode"],
        )
        .expect("valid metric");
    let memory_vec: GaugeVec = registry
        .gauge_vec(
            &Opts::new("memory_usage_bytes", "Memory, by type."),
            &["type"],
        )
        .expect("valid metric");
    let batch_last_success = registry
        .gauge(&Opts::new(
            "batch_last_success_timestamp_seconds",
            "When the minutely batch job last succeeded.",
        ))
        .expect("valid metric");
    let batch_duration = registry
        .gauge(&Opts::new(
            "batch_last_run_duration_seconds",
            "How long the last batch run took, in seconds.",
        ))
        .expect("valid metric");
    let disk_usage = registry
        .gauge(&Opts::new(
            "disk_usage_bytes",
            "Disk space used by the data directory.",
        ))
        .expect("valid metric");
    let disk_total = registry
        .gauge(&Opts::new("disk_total_bytes", "Size of the data volume."))
        .expect("valid metric");
    disk_total.set(DISK_TOTAL);

    let intermittent = super::intermittent_gauge(
        registry,
        "intermittent_metric",
        "Exposed only in even minutes.",
    );

    let durations = ROUTES
        .iter()
        .map(|route| {
            latency
                .labels(&[route.method, route.path])
                .expect("2 labels")
        })
        .collect();
    let cpu = ["user", "system", "idle"].map(|mode| cpu_vec.labels(&[mode]).expect("1 label"));
    let memory = ["used", "cached", "buffers", "free"]
        .map(|kind| memory_vec.labels(&[kind]).expect("1 label"));
    let disk_phase = (hash(&[start.seed, start.instance as u64, 0xD15C]) % 1000) as f64 / 1000.0;
    let api = Api {
        requests,
        counters: Default::default(),
        durations,
        in_progress,
        cpu,
        memory,
        batch_last_success,
        batch_duration,
        disk_usage,
        intermittent,
        disk_phase,
        cpu_busy: 0.0,
        load: 0.0,
    };
    api.sample_host(start.t_ms, 0.0, 0.0, 1.0);
    Box::new(api)
}

impl Api {
    fn counter(&mut self, route: usize, status: usize) -> &Counter {
        let r = &ROUTES[route];
        let code = [r.ok, "404", "500", "503"][status];
        let requests = &self.requests;
        self.counters[route][status].get_or_insert_with(|| {
            requests
                .labels(&[r.method, r.path, code])
                .expect("3 labels")
        })
    }

    /// Memory and disk gauges (CPU is counted per tick in `step`).
    fn sample_host(&self, t_ms: i64, uptime_s: f64, jitter: f64, load: f64) {
        // Memory: a base, some per-load working set, a slow leak until restart.
        let leak = (uptime_s * 2048.0).min(1.5 * GIB);
        let used = (700.0 * MIB + 250.0 * MIB * load + leak + 8.0 * MIB * jitter).round();
        let cached = (900.0 * MIB + 60.0 * MIB * jitter.abs()).round();
        let buffers = (110.0 * MIB + 4.0 * MIB * jitter).round();
        let free = (MEMORY_TOTAL - used - cached - buffers).max(0.0);
        for (gauge, value) in self.memory.iter().zip([used, cached, buffers, free]) {
            gauge.set(value);
        }
        // Disk: fills up over four hours from 35% to 85%, then a cleanup empties it.
        const PERIOD_MS: f64 = 4.0 * 3600.0 * 1000.0;
        let phase = (t_ms as f64 / PERIOD_MS + self.disk_phase).fract();
        let used_disk = DISK_TOTAL * (0.35 + 0.5 * phase) + 4096.0 * (jitter * 64.0).round();
        self.disk_usage.set(used_disk.round());
    }
}

impl Service for Api {
    fn step(&mut self, tick: &Tick, rng: &mut Rng, _gateway: &Pushgateway) {
        let c = tick.conditions;
        let mut busy_seconds = 0.0;
        for (index, route) in ROUTES.iter().enumerate() {
            let n = rng.poisson(c.rate * route.share);
            if n == 0 {
                continue;
            }
            let errors = rng.binomial(n, c.error_ratio);
            let unavailable = if c.outage {
                rng.binomial(errors, 0.6)
            } else {
                0
            };
            let not_found = rng.binomial(n - errors, route.not_found);
            let ok = n - errors - not_found;
            for (status, count) in [
                (OK, ok),
                (NOT_FOUND, not_found),
                (SERVER_ERROR, errors - unavailable),
                (UNAVAILABLE, unavailable),
            ] {
                if count > 0 {
                    add(self.counter(index, status), count);
                }
            }
            // Latency grows a little with load, and a lot with the latency factor.
            let median = route.median * c.latency * (0.8 + 0.2 * c.rate / 10.0).min(3.0);
            let sigma = if c.slow_release || c.outage { 0.8 } else { 0.5 };
            observe_latencies(&self.durations[index], n, median, sigma, rng);
            busy_seconds += n as f64 * median * 1.13;
        }
        // Little's law: requests in flight = arrival rate × time in the system.
        self.in_progress
            .set(rng.poisson(busy_seconds.max(0.0)) as f64);

        // CPU: a floor, plus work per request, capped by the cores.
        self.cpu_busy += (0.04 + 0.006 * c.rate + 0.2 * busy_seconds).min(CORES * 0.97);
        self.load += c.rate / tick.controls.traffic_rate.max(0.1);

        // The host sampler thread wakes every five seconds.
        if tick.t_ms % (SAMPLE_SECONDS * 1000) == 0 {
            let busy = self.cpu_busy + 0.01 * rng.normal().abs();
            let idle = (CORES * SAMPLE_SECONDS as f64 - busy).max(0.0);
            for (counter, seconds) in self.cpu.iter().zip([busy * 0.72, busy * 0.28, idle]) {
                let _ = counter.inc_by(seconds);
            }
            let load = self.load / SAMPLE_SECONDS as f64;
            self.sample_host(tick.t_ms, tick.uptime_s, rng.normal(), load.min(4.0));
            self.cpu_busy = 0.0;
            self.load = 0.0;
        }

        // The minutely batch job: it runs on the minute and fails now and then.
        if tick.t_ms % 60_000 == 0 {
            let duration = 2.0 * c.latency * crate::sim::rng::exp(0.4 * rng.normal());
            self.batch_duration.set(duration);
            let failure = if c.outage { 0.5 } else { 0.05 };
            if !rng.chance(failure) {
                self.batch_last_success.set(tick.seconds());
            }
        }
        self.intermittent.set(rng.range(0.0, 100.0));
    }
}
