//! `treecounter`: an `http.server` handler counting `/treecounter` hits
//! (python/treecounter.py): `requests_total{status,endpoint}`, 404s for other paths.

use super::{Service, Start, Tick, add, python_source};
use crate::client::{Counter, CounterVec, Opts, Registry};
use crate::sim::controls::Controls;
use crate::sim::pushgateway::Pushgateway;
use crate::sim::rng::Rng;
use crate::sim::{PythonSource, ScenarioInfo};

pub(crate) static DEF: super::ScenarioDef = super::ScenarioDef {
    info: ScenarioInfo {
        name: "treecounter",
        title: "Tree counter (http.server)",
        description: "A plain Python http.server handler that counts hits on /treecounter; \
                      any other path is a 404, counted with its path.",
    },
    job: "treecounter",
    host: "trees",
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
        "treecounter.py",
        include_str!("python/treecounter.py"),
        &["requests"],
    )
}

/// Paths browsers and scanners ask for, besides the real one.
const OTHER_PATHS: [(&str, f64); 3] = [("/favicon.ico", 0.6), ("/", 0.3), ("/trees", 0.1)];

struct TreeCounter {
    requests: CounterVec,
    hits: Counter,
    not_found: [Option<Counter>; 3],
}

fn build(registry: &Registry, _start: &Start) -> Box<dyn Service> {
    let requests = registry
        .counter_vec(
            &Opts::new("requests_total", "Requests, by status and endpoint."),
            &["status", "endpoint"],
        )
        .expect("valid metric");
    Box::new(TreeCounter {
        hits: requests.labels(&["200", "/treecounter"]).expect("2 labels"),
        requests,
        not_found: Default::default(),
    })
}

impl Service for TreeCounter {
    fn step(&mut self, tick: &Tick, rng: &mut Rng, _gateway: &Pushgateway) {
        let c = tick.conditions;
        add(&self.hits, rng.poisson(c.rate * 0.85));
        // Errors (the control) add to the stray requests that get a 404.
        let stray_rate = c.rate * (0.15 + c.error_ratio);
        for (index, (path, share)) in OTHER_PATHS.iter().enumerate() {
            let n = rng.poisson(stray_rate * share);
            if n > 0 {
                let requests = &self.requests;
                let counter = self.not_found[index]
                    .get_or_insert_with(|| requests.labels(&["404", path]).expect("2 labels"));
                add(counter, n);
            }
        }
    }
}
