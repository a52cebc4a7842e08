//! `batch`: a batch job run by cron every five minutes (python/batch_job.py). It is
//! never scraped: when a run finishes it pushes its metrics to the Pushgateway, which
//! is the only scrape target. `up` for that target is about the gateway, never about
//! the job; the job's health is in `batch_job_last_success_timestamp_seconds`.

use super::{Service, Start, Tick, python_source};
use crate::client::{ManualClock, Opts, Registry};
use crate::sim::controls::Controls;
use crate::sim::pushgateway::{PushMethod, Pushgateway};
use crate::sim::rng::{Rng, exp};
use crate::sim::{PythonSource, ScenarioInfo};

pub(crate) static DEF: super::ScenarioDef = super::ScenarioDef {
    info: ScenarioInfo {
        name: "batch",
        title: "Batch job and Pushgateway",
        description: "A cron batch job that pushes its metrics to a Pushgateway when it \
                      finishes; Prometheus scrapes the gateway (honor_labels: true). Shows \
                      push against pull, and why `up` says nothing about a batch job.",
    },
    job: "batch_job",
    host: "batch",
    port: 0,
    instance_name: None,
    default_instances: 1,
    defaults: Controls {
        traffic_rate: 5.0,
        error_ratio: 0.1,
        latency_multiplier: 1.0,
    },
    scheduled_outages: false,
    pushes: true,
    build,
    python,
};

const METRICS: [&str; 6] = [
    "batch_job_duration_seconds",
    "batch_job_records_processed",
    "batch_job_last_success_timestamp_seconds",
    "batch_job_last_failure_timestamp_seconds",
    "push_time_seconds",
    "push_failure_time_seconds",
];

fn python() -> PythonSource {
    let mut source = python_source(
        "batch_job.py",
        include_str!("python/batch_job.py"),
        &METRICS,
    );
    // The gateway's own series come from the push itself.
    let push_lines: Vec<usize> = source
        .code
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            line.contains("push_to_gateway(GATEWAY") || line.contains("pushadd_to_gateway(GATEWAY")
        })
        .map(|(index, _)| index + 1)
        .collect();
    for (name, lines) in &mut source.metric_lines {
        if name.starts_with("push_") {
            lines.extend(&push_lines);
        }
    }
    source
}

/// Minutes between runs (cron `*/5`).
const PERIOD_MS: i64 = 5 * 60 * 1000;

struct BatchJob {
    host: String,
    /// The run in progress: (ends at, succeeds, seconds it takes, records).
    running: Option<(i64, bool, f64, u64)>,
}

fn build(_registry: &Registry, start: &Start) -> Box<dyn Service> {
    // The job's metrics live in a registry of its own per run; the instance's registry
    // stays empty (nobody scrapes a batch job).
    let host = start
        .instance_name
        .split(':')
        .next()
        .unwrap_or("batch")
        .to_string();
    Box::new(BatchJob {
        host,
        running: None,
    })
}

impl Service for BatchJob {
    fn step(&mut self, tick: &Tick, rng: &mut Rng, gateway: &Pushgateway) {
        let c = tick.conditions;
        // Each host's cron fires at its own offset in the five minutes.
        let offset = (tick.instance as i64 * 47_000) % PERIOD_MS;
        if self.running.is_none() && (tick.t_ms - offset).rem_euclid(PERIOD_MS) == 0 {
            let seconds = (45.0 * c.latency * exp(0.35 * rng.normal())).clamp(1.0, 290.0);
            let succeeds = !rng.chance(c.error_ratio);
            let records = rng.poisson(c.rate * seconds * 20.0);
            let ends = tick.t_ms + (seconds * 1000.0) as i64;
            self.running = Some((ends, succeeds, seconds, records));
        }
        let Some((ends, succeeds, seconds, records)) = self.running else {
            return;
        };
        if tick.t_ms < ends {
            return;
        }
        self.running = None;
        // The process ends: build its registry, set the gauges, push.
        let now = tick.seconds();
        let registry = Registry::new(ManualClock::shared(now));
        let grouping = [("job", DEF.job), ("instance", self.host.as_str())];
        if succeeds {
            let gauge = |name: &str, help: &str, value: f64| {
                registry
                    .gauge(&Opts::new(name, help))
                    .expect("valid metric")
                    .set(value);
            };
            gauge(METRICS[0], "How long the last run took.", seconds);
            gauge(
                METRICS[1],
                "Records the last run processed.",
                records as f64,
            );
            gauge(METRICS[2], "When the job last succeeded.", now);
            gateway.push(&grouping, registry.collect(), PushMethod::Put, now);
        } else {
            registry
                .gauge(&Opts::new(METRICS[3], "When the job last failed."))
                .expect("valid metric")
                .set_to_current_time();
            gateway.push(&grouping, registry.collect(), PushMethod::Post, now);
        }
    }
}
