//! `worker`: the prometheus_client README example (python/worker.py): a loop that
//! processes requests of `random.random()` seconds each, timed by the Summary
//! `request_processing_seconds`. The loop is as fast as its work allows, so traffic
//! and error controls do not apply; the latency multiplier stretches the work.

use super::{Service, Start, Tick, python_source};
use crate::client::{Opts, Registry, Summary, SummaryOpts};
use crate::sim::controls::Controls;
use crate::sim::pushgateway::Pushgateway;
use crate::sim::rng::Rng;
use crate::sim::{PythonSource, ScenarioInfo};

pub(crate) static DEF: super::ScenarioDef = super::ScenarioDef {
    info: ScenarioInfo {
        name: "worker",
        title: "Worker with a Summary",
        description: "The prometheus_client README example: a worker loop whose requests \
                      take random.random() seconds, timed by a Summary (count and sum). \
                      Only the latency multiplier applies.",
    },
    job: "worker",
    host: "worker",
    port: 8000,
    instance_name: None,
    default_instances: 1,
    defaults: Controls {
        traffic_rate: 2.0,
        error_ratio: 0.0,
        latency_multiplier: 1.0,
    },
    scheduled_outages: false,
    pushes: false,
    build,
    python,
};

fn python() -> PythonSource {
    python_source(
        "worker.py",
        include_str!("python/worker.py"),
        &["request_processing_seconds"],
    )
}

struct Worker {
    time: Summary,
    /// Seconds of the request in progress that fall after the current tick.
    carried: f64,
    /// That request's full duration (observed when it finishes).
    current: f64,
}

fn build(registry: &Registry, _start: &Start) -> Box<dyn Service> {
    let time = registry
        .summary(
            &Opts::new(
                "request_processing_seconds",
                "Time spent processing request",
            ),
            SummaryOpts::default(),
        )
        .expect("valid metric");
    Box::new(Worker {
        time,
        carried: 0.0,
        current: 0.0,
    })
}

impl Service for Worker {
    fn step(&mut self, tick: &Tick, rng: &mut Rng, _gateway: &Pushgateway) {
        // Run the loop for one second: finish the request in progress, then start
        // new ones until the second is used up.
        let mut budget = 1.0;
        loop {
            if self.carried > budget {
                self.carried -= budget;
                return;
            }
            if self.current > 0.0 {
                self.time.observe(self.current);
            }
            budget -= self.carried;
            self.current = rng.uniform() * tick.conditions.latency;
            self.carried = self.current;
            if self.current <= 0.0 {
                // A zero-length request (possible with a tiny multiplier): count it.
                self.time.observe(0.0);
                self.carried = 0.0;
                if budget <= 0.0 {
                    return;
                }
            }
        }
    }
}
