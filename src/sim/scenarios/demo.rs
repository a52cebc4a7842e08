//! `demo`: Prometheus's demo service, `prometheus_demo_service`
//! (github.com/juliusv/prometheus_demo_service; python/demo.py), the one many PromQL
//! tutorials and the demo site query: the same metric names, help texts, labels,
//! buckets and behaviour, so their queries work as written.
//!
//! - The API sends itself traffic from five client loops (GET and POST on `/api/foo`
//!   and `/api/bar`, GET on `/api/nonexistent`: 404), pausing 1 to 3 times a base
//!   pause as an hour-long oscillation goes; each method and path has a base latency
//!   (normal, 10% spread), an error ratio (500s), and an outage of its own every ten
//!   outage lengths since start (three times the latency, ten times the errors).
//! - CPU (4 cores, 30% user, 20% system) and memory (8 GiB, random walks around
//!   bases) move every 100 ms, the disk fills by about 0.5 MB a second.
//! - A batch job runs every minute (11 s after the tick), failing a quarter of the
//!   time; its "duration" is the time since the previous run, as in the Go code.
//! - Every 5-minute "day" is a holiday with probability 0.2: shipping slows down.
//! - `demo_intermittent_metric` exists only in even minutes.
//!
//! The playground's controls scale the API's traffic (its default, 60, is the Go
//! client's mean rate), add to its error ratios and multiply its latencies; the
//! rest runs as in Go. Instances are named as on the demo site:
//! `demo-service-0:10000`, `demo-service-1:10001`, `demo-service-2:10002`.

use super::{Service, Start, Tick, python_source};
use crate::client::{
    Counter, CounterVec, Gauge, GaugeVec, Histogram, HistogramVec, Opts, Registry,
    exponential_buckets,
};
use crate::rng::hash;
use crate::sim::controls::Controls;
use crate::sim::pushgateway::Pushgateway;
use crate::sim::rng::{Rng, normal_quantile, sin_turns};
use crate::sim::{PythonSource, ScenarioInfo};

pub(crate) static DEF: super::ScenarioDef = super::ScenarioDef {
    info: ScenarioInfo {
        name: "demo",
        title: "Prometheus demo service",
        description: "prometheus_demo_service, as on Prometheus's demo site and in many PromQL \
                      tutorials: demo_api_request_duration_seconds by method, path and status, \
                      demo_cpu_usage_seconds_total, demo_memory_usage_bytes, demo_disk_*, \
                      demo_batch_*, demo_items_shipped_total and demo_intermittent_metric, \
                      job demo, three instances on ports 10000-10002.",
    },
    job: "demo",
    host: "demo-service",
    port: 10000,
    instance_name: Some(instance_name),
    default_instances: 3,
    defaults: Controls {
        traffic_rate: API_RATE,
        error_ratio: 0.0,
        latency_multiplier: 1.0,
    },
    scheduled_outages: false,
    pushes: false,
    build,
    python,
};

/// `demo-service-0:10000`, `demo-service-1:10001`, ... as on the demo site.
fn instance_name(index: usize) -> String {
    format!("demo-service-{index}:{}", 10_000 + index)
}

fn python() -> PythonSource {
    python_source(
        "demo.py",
        include_str!("python/demo.py"),
        &[
            "demo_api_request_duration_seconds",
            "demo_api_http_requests_in_progress",
            "demo_batch_last_success_timestamp_seconds",
            "demo_batch_last_run_timestamp_seconds",
            "demo_batch_last_run_duration_seconds",
            "demo_batch_last_run_processed_bytes",
            "demo_num_cpus",
            "demo_cpu_usage_seconds",
            "demo_disk_usage_bytes",
            "demo_disk_total_bytes",
            "demo_is_holiday",
            "demo_items_shipped",
            "demo_memory_usage_bytes",
            "demo_intermittent_metric",
        ],
    )
}

/// One of the Go client's request loops and what the API does with its requests.
struct Route {
    method: &'static str,
    path: &'static str,
    /// The loop's pause between requests, before the oscillation (1 to 3 times).
    pause_s: f64,
    /// Base latency, seconds (0: not found at once).
    base_s: f64,
    error_ratio: f64,
    /// Every ten of these (seconds since start), an outage of this length.
    outage_s: f64,
}

const ROUTES: [Route; 5] = [
    Route {
        method: "GET",
        path: "/api/foo",
        pause_s: 0.010,
        base_s: 0.010,
        error_ratio: 0.005,
        outage_s: 23.0,
    },
    Route {
        method: "POST",
        path: "/api/foo",
        pause_s: 0.150,
        base_s: 0.020,
        error_ratio: 0.02,
        outage_s: 60.0,
    },
    Route {
        method: "GET",
        path: "/api/bar",
        pause_s: 0.020,
        base_s: 0.015,
        error_ratio: 0.0025,
        outage_s: 13.0,
    },
    Route {
        method: "POST",
        path: "/api/bar",
        pause_s: 0.100,
        base_s: 0.050,
        error_ratio: 0.01,
        outage_s: 47.0,
    },
    Route {
        method: "GET",
        path: "/api/nonexistent",
        pause_s: 0.500,
        base_s: 0.0,
        error_ratio: 0.0,
        outage_s: 0.0,
    },
];

/// The API's requests per second at the Go client's mean pace (the default traffic).
const API_RATE: f64 = 60.0;
/// How long a 404 takes: the handler answers at once.
const NOT_FOUND_S: f64 = 0.000_05;
const OSCILLATION_S: f64 = 3600.0;

const CPUS: f64 = 4.0;
const USER_RATIO: f64 = 0.3;
const SYSTEM_RATIO: f64 = 0.2;

const MIB: f64 = 1024.0 * 1024.0;
const MEMORY_TOTAL: f64 = 8.0 * 1024.0 * MIB;
/// Used, cached, buffers.
const MEMORY_BASES: [f64; 3] = [1200.0 * MIB, 2500.0 * MIB, 165.0 * MIB];
const MEMORY_MAX_DEVIATION: f64 = 0.5;

const DISK_TOTAL: f64 = 160e9;
const DISK_INC: f64 = 0.5e6;

const DAY_S: f64 = 300.0;
const HOLIDAY_RATIO: f64 = 0.2;

const BATCH_INTERVAL_S: f64 = 60.0;
/// The job's 10 s plus the second the Go code adds.
const BATCH_SLEEP_S: f64 = 11.0;
const BATCH_FAILURE_RATIO: f64 = 0.25;

struct Demo {
    started_s: f64,
    durations: HistogramVec,
    /// Per route: the histogram of its success status (200 or 404) and of 500s,
    /// created on first use as `With` does in Go.
    children: [[Option<Histogram>; 2]; ROUTES.len()],
    /// Requests owed to each loop (fractions carried from second to second).
    owed: [f64; ROUTES.len()],
    in_progress: Gauge,
    cpu: [Counter; 3],
    memory: [Gauge; 4],
    memory_now: [f64; 3],
    disk_usage: Gauge,
    disk_now: f64,
    is_holiday: Gauge,
    holiday: bool,
    /// The 5-minute day the holiday was drawn for.
    day: i64,
    shipped: Counter,
    shipped_owed: f64,
    last_success: Gauge,
    last_run: Gauge,
    last_duration: Gauge,
    processed: Gauge,
    /// When the batch job next finishes, and the previous run's time.
    batch_next_s: f64,
    batch_runs: i64,
    batch_last_s: f64,
}

fn build(registry: &Registry, start: &Start) -> Box<dyn Service> {
    // Registration on a fresh registry with fixed, valid names cannot fail.
    let durations: HistogramVec = registry
        .histogram_vec(
            &Opts::new(
                "demo_api_request_duration_seconds",
                "A histogram of the API HTTP request durations in seconds.",
            ),
            &exponential_buckets(0.0001, 1.5, 25).expect("valid buckets"),
            &["method", "path", "status"],
        )
        .expect("valid metric");
    let in_progress = registry
        .gauge(&Opts::new(
            "demo_api_http_requests_in_progress",
            "The current number of API HTTP requests in progress.",
        ))
        .expect("valid metric");
    let gauge = |name: &str, help: &str| registry.gauge(&Opts::new(name, help)).expect("valid");
    let last_success = gauge(
        "demo_batch_last_success_timestamp_seconds",
        "The Unix timestamp in seconds since the last successful demo batch job completion.",
    );
    let last_run = gauge(
        "demo_batch_last_run_timestamp_seconds",
        "The Unix timestamp in seconds since the last demo batch job run.",
    );
    let last_duration = gauge(
        "demo_batch_last_run_duration_seconds",
        "The duration in seconds of the last batch job run.",
    );
    let processed = gauge(
        "demo_batch_last_run_processed_bytes",
        "The number of bytes processed by the demo batch job in the last run.",
    );
    let num_cpus = gauge("demo_num_cpus", "The number of CPUs.");
    num_cpus.set(CPUS);
    let cpu_vec: CounterVec = registry
        .counter_vec(
            &Opts::new(
                "demo_cpu_usage_seconds_total",
                "The CPU usage in seconds split by mode.",
            ),
            &["mode"],
        )
        .expect("valid metric");
    let disk_usage = gauge("demo_disk_usage_bytes", "Disk usage in bytes.");
    let disk_total = gauge("demo_disk_total_bytes", "Total disk space in bytes.");
    disk_total.set(DISK_TOTAL);
    let is_holiday = gauge(
        "demo_is_holiday",
        "Set to 1 if it is currently a holiday, 0 otherwise.",
    );
    let shipped = registry
        .counter(&Opts::new(
            "demo_items_shipped_total",
            "The total number of shipped items. Affected heavily by whether it's currently a holiday.",
        ))
        .expect("valid metric");
    let memory_vec: GaugeVec = registry
        .gauge_vec(
            &Opts::new("demo_memory_usage_bytes", "The memory usage by type."),
            &["type"],
        )
        .expect("valid metric");

    // A constant 1, reported only in even minutes.
    super::intermittent_gauge(
        registry,
        "demo_intermittent_metric",
        "A metric that is only present intermittently to test staleness handling.",
    )
    .set(1.0);

    let cpu = ["user", "system", "idle"].map(|mode| cpu_vec.labels(&[mode]).expect("1 label"));
    let memory = ["used", "cached", "buffers", "free"]
        .map(|kind| memory_vec.labels(&[kind]).expect("1 label"));
    let started_s = start.t_ms as f64 / 1000.0;
    let draw = |salt: u64| hash(&[start.seed, start.instance as u64, start.t_ms as u64, salt]);
    // The first day's holiday and the first batch run's jitter, drawn at start.
    let holiday = (draw(0x401D) % 1000) as f64 / 1000.0 < HOLIDAY_RATIO;
    let jitter_s = (draw(0xBA7C) % 2000) as f64 / 1e6;
    let demo = Demo {
        started_s,
        durations,
        children: Default::default(),
        owed: [0.0; ROUTES.len()],
        in_progress,
        cpu,
        memory,
        memory_now: MEMORY_BASES,
        disk_usage,
        // The disk loop takes its first step at start.
        disk_now: (0.1 * DISK_TOTAL + DISK_INC).trunc(),
        is_holiday,
        holiday,
        day: 0,
        shipped,
        shipped_owed: 0.0,
        last_success,
        last_run,
        last_duration,
        processed,
        batch_next_s: started_s + BATCH_SLEEP_S - jitter_s,
        batch_runs: 0,
        batch_last_s: started_s,
    };
    demo.set_gauges();
    demo.is_holiday.set(if holiday { 1.0 } else { 0.0 });
    // The shipping loop ships its first item before it first sleeps.
    let _ = demo.shipped.inc_by(1.0);
    Box::new(demo)
}

/// Observes `n` durations drawn from a normal distribution (cut at 0), in bulk as
/// `observe_latencies` does: four equally likely slices, one value within each.
fn observe_normal(histogram: &Histogram, n: u64, mean: f64, sd: f64, rng: &mut Rng) {
    const SLICES: u64 = 4;
    if n <= SLICES {
        for _ in 0..n {
            histogram.observe((mean + sd * rng.normal()).max(0.0));
        }
        return;
    }
    let (base, extra) = (n / SLICES, n % SLICES);
    let first_extra = rng.next_u64() % SLICES;
    for slice in 0..SLICES {
        let count = base + u64::from((slice + SLICES - first_extra) % SLICES < extra);
        let u = (slice as f64 + rng.open_uniform()) / SLICES as f64;
        histogram.observe_n((mean + sd * normal_quantile(u)).max(0.0), count);
    }
}

impl Demo {
    fn child(&mut self, route: usize, failed: bool) -> &Histogram {
        let r = &ROUTES[route];
        let status = match (failed, r.base_s > 0.0) {
            (true, _) => "500",
            (false, true) => "200",
            (false, false) => "404",
        };
        let durations = &self.durations;
        self.children[route][usize::from(failed)].get_or_insert_with(|| {
            durations
                .labels(&[r.method, r.path, status])
                .expect("3 labels")
        })
    }

    fn set_gauges(&self) {
        let [used, cached, buffers] = self.memory_now;
        let free = MEMORY_TOTAL - used - cached - buffers;
        for (gauge, value) in self.memory.iter().zip([used, cached, buffers, free]) {
            gauge.set(value);
        }
        self.disk_usage.set(self.disk_now);
    }

    fn api(&mut self, tick: &Tick, uptime_s: f64, rng: &mut Rng) {
        let c = tick.conditions;
        let scale = tick.controls.traffic_rate / API_RATE;
        let oscillation =
            2.0 + sin_turns(sin_turns(uptime_s / OSCILLATION_S) / std::f64::consts::TAU);
        let mut in_flight = 0.0;
        for (index, route) in ROUTES.iter().enumerate() {
            let (mean, error_ratio) = if route.base_s > 0.0 {
                let outage = uptime_s % (10.0 * route.outage_s) < route.outage_s;
                let (latency, errors) = if outage { (3.0, 10.0) } else { (1.0, 1.0) };
                (
                    route.base_s * latency * c.latency,
                    (route.error_ratio * errors + c.error_ratio).min(1.0),
                )
            } else {
                (NOT_FOUND_S, 0.0)
            };
            // A loop: one request, then a pause.
            let rate = scale / (route.pause_s * oscillation + mean);
            in_flight += rate * mean;
            self.owed[index] += rate;
            let n = self.owed[index].floor();
            self.owed[index] -= n;
            let n = n as u64;
            let failed = rng.binomial(n, error_ratio);
            for (is_failure, count) in [(false, n - failed), (true, failed)] {
                if count > 0 {
                    let histogram = self.child(index, is_failure);
                    observe_normal(histogram, count, mean, mean / 10.0, rng);
                }
            }
        }
        let whole = in_flight.floor();
        let extra = rng.chance(in_flight - whole);
        self.in_progress.set(whole + f64::from(u8::from(extra)));
    }
}

impl Service for Demo {
    fn step(&mut self, tick: &Tick, rng: &mut Rng, _gateway: &Pushgateway) {
        let now_s = tick.seconds();
        let uptime_s = now_s - self.started_s;
        self.api(tick, uptime_s, rng);

        // CPU and memory: ten steps of 100 ms.
        let factor = CPUS * 0.1;
        let mut seconds = [0.0; 3];
        for _ in 0..10 {
            let user = (USER_RATIO + (rng.uniform() - 0.5) / 5.0) * factor;
            let system = (SYSTEM_RATIO + (rng.uniform() - 0.5) / 5.0) * factor;
            seconds[0] += user;
            seconds[1] += system;
            seconds[2] += factor - user - system;
            for (now, base) in self.memory_now.iter_mut().zip(MEMORY_BASES) {
                *now += ((rng.uniform() - 0.5) * 60.0 * MIB).trunc();
                let deviation = (base * MEMORY_MAX_DEVIATION).trunc();
                if *now < base - deviation || *now > base + deviation {
                    *now = base;
                }
            }
        }
        for (counter, seconds) in self.cpu.iter().zip(seconds) {
            let _ = counter.inc_by(seconds.max(0.0));
        }
        // Disk: one step a second, back to 10% when 90% full.
        self.disk_now += (DISK_INC * (1.0 - (rng.uniform() - 0.5))).trunc();
        if self.disk_now > 0.9 * DISK_TOTAL {
            self.disk_now = (0.1 * DISK_TOTAL).trunc();
        }
        self.set_gauges();

        // Holidays: drawn at the start of every day since start.
        let day = (uptime_s / DAY_S).floor() as i64;
        if day != self.day {
            self.day = day;
            self.holiday = rng.chance(HOLIDAY_RATIO);
            self.is_holiday.set(if self.holiday { 1.0 } else { 0.0 });
        }
        // Shipping: one item, then a pause of 100 to 300 ms (1.8 times on holidays).
        let pause = 0.1
            * (2.0 + sin_turns(1.0 / std::f64::consts::TAU + uptime_s / DAY_S))
            * if self.holiday { 1.8 } else { 1.0 };
        self.shipped_owed += 1.0 / pause;
        let items = self.shipped_owed.floor();
        self.shipped_owed -= items;
        if items > 0.0 {
            let _ = self.shipped.inc_by(items);
        }

        // The batch job: done 11 s (less up to 2 ms) after each minute since start.
        while self.batch_next_s <= now_s {
            let at = self.batch_next_s;
            if !rng.chance(BATCH_FAILURE_RATIO) {
                self.last_success.set(at);
                self.processed
                    .set(1e6 + 1e5 - (rng.next_u64() % 100_000) as f64);
            }
            self.last_run.set(at);
            self.last_duration.set(at - self.batch_last_s);
            self.batch_last_s = at;
            self.batch_runs += 1;
            let jitter_s = (rng.next_u64() % 2000) as f64 / 1e6;
            self.batch_next_s =
                self.started_s + self.batch_runs as f64 * BATCH_INTERVAL_S + BATCH_SLEEP_S
                    - jitter_s;
        }
    }
}
