//! The scenarios: one file per simulated service, each with the Python
//! `prometheus_client` program it mirrors (in `python/`), and the table that ties
//! them together.
//!
//! A service is instrumented only through `crate::client`, like the Python program
//! it mirrors. It does not serve requests one by one: each second of virtual time it
//! draws how many requests each label set got (Poisson draws) and observes their
//! latencies in bulk (see [`observe_latencies`]).

pub(crate) mod api;
pub(crate) mod batch;
pub(crate) mod course_catalog;
pub(crate) mod demo;
pub(crate) mod flask_app;
pub(crate) mod hello_world;
pub(crate) mod latency;
pub(crate) mod random_facts;
pub(crate) mod treecounter;
pub(crate) mod worker;

use super::controls::{Conditions, Controls};
use super::pushgateway::Pushgateway;
use super::rng::{Rng, exp, normal_quantile};
use super::{PythonSource, ScenarioInfo};
use crate::client::{Counter, FnCollector, Gauge, GaugeVec, Opts, Registry};
use latency::Latency;

/// One second of virtual time for one instance.
pub(crate) struct Tick<'a> {
    /// The end of the second, in milliseconds since the epoch.
    pub t_ms: i64,
    pub instance: usize,
    /// Seconds since the instance (re)started.
    pub uptime_s: f64,
    pub conditions: &'a Conditions,
    pub controls: &'a Controls,
}

impl Tick<'_> {
    pub fn seconds(&self) -> f64 {
        self.t_ms as f64 / 1000.0
    }
}

/// What a service is told when it starts.
pub(crate) struct Start<'a> {
    pub seed: u64,
    /// Latency histograms carry a native histogram beside their classic buckets.
    pub native_histograms: bool,
    pub instance: usize,
    pub instance_name: &'a str,
    pub t_ms: i64,
}

/// A running service: its metrics live in the registry it was built with.
pub(crate) trait Service {
    /// Runs one second of virtual time; `gateway` is the Pushgateway batch jobs push to.
    fn step(&mut self, tick: &Tick, rng: &mut Rng, gateway: &Pushgateway);
}

/// Builds a service, registering its metrics in `registry`.
pub(crate) type Build = fn(&Registry, &Start) -> Box<dyn Service>;

/// One scenario.
pub(crate) struct ScenarioDef {
    pub info: ScenarioInfo,
    /// The scrape job name.
    pub job: &'static str,
    /// The instance label is `{host}-{n}:{port}` (or `{host}:{port}` for one instance).
    pub host: &'static str,
    pub port: u16,
    /// The instance label of the instance at this index, where the service names its
    /// instances otherwise (the demo site's `demo-service-0:10000`, ...).
    pub instance_name: Option<fn(usize) -> String>,
    pub default_instances: usize,
    pub defaults: Controls,
    /// Outages on a schedule (the `api` scenario), besides the ones the user starts.
    pub scheduled_outages: bool,
    /// Instances push to a Pushgateway, which is the only scrape target.
    pub pushes: bool,
    pub build: Build,
    pub python: fn() -> PythonSource,
}

pub(crate) static SCENARIOS: [&ScenarioDef; 9] = [
    &api::DEF,
    &course_catalog::DEF,
    &flask_app::DEF,
    &treecounter::DEF,
    &random_facts::DEF,
    &worker::DEF,
    &hello_world::DEF,
    &batch::DEF,
    &demo::DEF,
];

pub(crate) static INFOS: [ScenarioInfo; 9] = [
    api::DEF.info,
    course_catalog::DEF.info,
    flask_app::DEF.info,
    treecounter::DEF.info,
    random_facts::DEF.info,
    worker::DEF.info,
    hello_world::DEF.info,
    batch::DEF.info,
    demo::DEF.info,
];

pub(crate) fn find(name: &str) -> Option<&'static ScenarioDef> {
    SCENARIOS.iter().copied().find(|def| def.info.name == name)
}

/// Registers a gauge that a custom collector reports only in even minutes of the
/// registry's (virtual) clock, for staleness to be seen; returns it for setting.
pub(crate) fn intermittent_gauge(registry: &Registry, name: &str, help: &str) -> Gauge {
    let vec = GaugeVec::new(
        &Opts::new(name, help),
        &[],
        std::sync::Arc::clone(registry.clock()),
    )
    .expect("valid metric");
    let gauge = vec.labels(&[]).expect("no labels");
    let clock = std::sync::Arc::clone(registry.clock());
    registry
        .register(FnCollector(move || {
            if (clock.now() / 60.0).floor() as i64 % 2 == 0 {
                vec![vec.family()]
            } else {
                Vec::new()
            }
        }))
        .expect("custom collectors are not checked for duplicates");
    gauge
}

/// Adds `n` to a counter (a count is never negative, so this cannot fail).
pub(crate) fn add(counter: &Counter, n: u64) {
    if n > 0 {
        let _ = counter.inc_by(n as f64);
    }
}

/// Observes `n` latencies drawn from a log-normal distribution with this median and
/// log-spread. A few are observed one by one; more are observed in bulk: the
/// distribution is cut into eight equally likely slices, and each slice's share of
/// the requests is observed at one value drawn within that slice (stratified
/// sampling), so a second's work costs at most four observations per series.
pub(crate) fn observe_latencies(
    histogram: &Latency,
    n: u64,
    median: f64,
    sigma: f64,
    rng: &mut Rng,
) {
    const SLICES: u64 = 4;
    if n <= SLICES {
        for _ in 0..n {
            histogram.observe(median * exp(sigma * rng.normal()));
        }
        return;
    }
    let base = n / SLICES;
    let extra = n % SLICES;
    let first_extra = rng.next_u64() % SLICES;
    for slice in 0..SLICES {
        let gets_extra = (slice + SLICES - first_extra) % SLICES < extra;
        let count = base + u64::from(gets_extra);
        let u = (slice as f64 + rng.open_uniform()) / SLICES as f64;
        histogram.observe_n(median * exp(sigma * normal_quantile(u)), count);
    }
}

/// Builds a [`PythonSource`]: for each metric (its OpenMetrics family name), the line
/// that defines it (the first line naming it) and, when that definition is assigned to
/// a variable (`REQUESTS = Counter(...)`), every later line using that variable.
pub(crate) fn python_source(
    file_name: &'static str,
    code: &'static str,
    metrics: &[&'static str],
) -> PythonSource {
    let lines: Vec<&str> = code.lines().collect();
    let metric_lines = metrics
        .iter()
        .map(|name| {
            let Some(defined) = lines.iter().position(|line| names_metric(line, name)) else {
                return (*name, Vec::new());
            };
            // The variable is on the defining line, or on the line opening a call
            // whose arguments are written one per line.
            let variable = assigned_variable(lines[defined]).or_else(|| {
                (defined > 0)
                    .then(|| lines[defined - 1])
                    .filter(|line| line.trim_end().ends_with('('))
                    .and_then(assigned_variable)
            });
            let mut found = vec![defined + 1];
            if let Some(variable) = variable {
                for (index, line) in lines.iter().enumerate().skip(defined + 1) {
                    if uses_variable(line, variable) {
                        found.push(index + 1);
                    }
                }
            }
            (*name, found)
        })
        .collect();
    PythonSource {
        file_name,
        code,
        metric_lines,
    }
}

/// The line names the metric in quotes (`"requests"`, or `"requests_total"` for the
/// counter `requests`), as a constructor's first argument does.
fn names_metric(line: &str, name: &str) -> bool {
    line.match_indices(name).any(|(at, _)| {
        let quote = line[..at].chars().next_back();
        let rest = &line[at + name.len()..];
        let rest = rest.strip_prefix("_total").unwrap_or(rest);
        matches!(quote, Some('"' | '\'')) && rest.chars().next() == quote
    })
}

fn assigned_variable(line: &str) -> Option<&str> {
    let (left, _) = line.split_once(" = ")?;
    let left = left.trim();
    (!left.is_empty() && left.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(left)
}

fn uses_variable(line: &str, variable: &str) -> bool {
    let code = line.split('#').next().unwrap_or("");
    code.match_indices(variable).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + variable.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') && after == Some('.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_lines_follow_the_variable() {
        let code = "from x import Counter\n\
                    REQUESTS = Counter('requests_total', 'Requests', ['code'])\n\
                    LATENCY = Histogram(\n    'latency_seconds',\n    'Latency',\n)\n\
                    def handle():\n    REQUESTS.labels('200').inc()\n    \
                    with LATENCY.time():\n        pass\n    NOT_REQUESTS.inc()\n";
        let source = python_source("x.py", code, &["requests", "latency_seconds", "absent"]);
        assert_eq!(
            source.metric_lines,
            vec![
                ("requests", vec![2, 8]),
                ("latency_seconds", vec![4, 9]),
                ("absent", vec![])
            ]
        );
    }

    #[test]
    fn bulk_latencies_keep_the_count_and_the_median() {
        let registry = Registry::new(crate::client::ManualClock::shared(0.0));
        let histogram = Latency::Classic(
            registry
                .histogram(&crate::client::Opts::new("h", "h"), &[0.1, 1.0])
                .unwrap(),
        );
        let mut rng = Rng::from_key(1, super::super::rng::Stream::Service, 0, 0);
        for n in [0, 3, 8, 9, 1000] {
            observe_latencies(&histogram, n, 0.1, 0.5, &mut rng);
        }
        let Latency::Classic(h) = &histogram else {
            unreachable!()
        };
        assert_eq!(h.count(), 1020.0);
        let family = registry.collect().remove(0);
        let below_median = family.samples[0].value;
        assert!((400.0..=620.0).contains(&below_median), "{below_median}");
    }
}

/// What an HTTP service's metrics are called: the golden signals' sources, for
/// its default dashboard and its default alerting rules.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HttpSignals {
    /// The requests counter.
    pub requests: &'static str,
    /// The label requests are broken down by, if any.
    pub by: Option<&'static str>,
    /// The matcher selecting failed requests, and what to call them.
    pub errors: Option<(&'static str, &'static str)>,
    /// The latency histogram's name (without `_bucket`).
    pub histogram: Option<&'static str>,
    /// A p99 latency objective (seconds) the service meets outside incidents and
    /// misses during an outage: the default HighLatency alert's threshold.
    pub latency_objective_s: f64,
}

/// The HTTP signals of `scenario`, for the services that serve requests.
pub fn http_signals(scenario: &str) -> Option<HttpSignals> {
    let signals = |requests, by, errors, histogram, latency_objective_s| HttpSignals {
        requests,
        by,
        errors,
        histogram,
        latency_objective_s,
    };
    Some(match scenario {
        "api" => signals(
            "http_requests_total",
            Some("path"),
            Some(("status=~\"5..\"", "5xx")),
            Some("http_request_duration_seconds"),
            1.0,
        ),
        "course_catalog" => signals(
            "app_request_count_total",
            Some("endpoint"),
            Some(("http_status=~\"5..\"", "5xx")),
            Some("app_request_latency_seconds"),
            0.5,
        ),
        "flask_app" => signals("requests_total", Some("endpoint"), None, Some("slow"), 8.0),
        "treecounter" => signals(
            "requests_total",
            Some("endpoint"),
            Some(("status=~\"[45]..\"", "4xx and 5xx")),
            None,
            1.0,
        ),
        "random_facts" => signals(
            "random_facts_api_execution_counter_total",
            None,
            None,
            None,
            1.0,
        ),
        "demo" => signals(
            "demo_api_request_duration_seconds_count",
            Some("path"),
            Some(("status=~\"5..\"", "5xx")),
            Some("demo_api_request_duration_seconds"),
            0.2,
        ),
        "hello_world" => signals(
            "app_requests_total",
            None,
            None,
            Some("app_response_time_seconds"),
            0.05,
        ),
        _ => return None,
    })
}
