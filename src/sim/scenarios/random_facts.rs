//! `random_facts`: a random-facts API counting its calls
//! (python/random_facts.py): `random_facts_api_execution_counter_total`.

use super::{Service, Start, Tick, add, python_source};
use crate::client::{Counter, Opts, Registry};
use crate::sim::controls::Controls;
use crate::sim::pushgateway::Pushgateway;
use crate::sim::rng::Rng;
use crate::sim::{PythonSource, ScenarioInfo};

pub(crate) static DEF: super::ScenarioDef = super::ScenarioDef {
    info: ScenarioInfo {
        name: "random_facts",
        title: "Random facts API",
        description: "A Flask API returning a random fact, with one counter of how many \
                      times it ran: the smallest useful instrumentation.",
    },
    job: "random_facts",
    host: "facts",
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
        "random_facts.py",
        include_str!("python/random_facts.py"),
        &["random_facts_api_execution_counter"],
    )
}

struct RandomFacts {
    executions: Counter,
}

fn build(registry: &Registry, _start: &Start) -> Box<dyn Service> {
    let executions = registry
        .counter(&Opts::new(
            "random_facts_api_execution_counter",
            "Times the random facts API was called.",
        ))
        .expect("valid metric");
    Box::new(RandomFacts { executions })
}

impl Service for RandomFacts {
    fn step(&mut self, tick: &Tick, rng: &mut Rng, _gateway: &Pushgateway) {
        // Failed calls never reach the counter (Flask answers 500 before the handler).
        let c = tick.conditions;
        let calls = rng.poisson(c.rate);
        add(&self.executions, calls - rng.binomial(calls, c.error_ratio));
    }
}
