//! `flask_app`: a Flask app with a fast `/` and a slow `/database`
//! (python/flask_app.py): `requests_total{endpoint}` and the histogram `slow{endpoint}`.

use super::latency::{Latency, LatencyVec};
use super::{Service, Start, Tick, add, python_source};
use crate::client::{Counter, DEFAULT_BUCKETS, Opts, Registry};
use crate::sim::controls::Controls;
use crate::sim::pushgateway::Pushgateway;
use crate::sim::rng::Rng;
use crate::sim::{PythonSource, ScenarioInfo};

pub(crate) static DEF: super::ScenarioDef = super::ScenarioDef {
    info: ScenarioInfo {
        name: "flask_app",
        title: "Flask app with a slow page",
        description: "A Flask app with a fast page (/) and a slow one (/database, 1 to 3 \
                      seconds): requests counted by endpoint, the slow page timed by a \
                      histogram.",
    },
    job: "flask_app",
    host: "flask",
    port: 8000,
    instance_name: None,
    default_instances: 1,
    defaults: Controls {
        traffic_rate: 3.0,
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
        "flask_app.py",
        include_str!("python/flask_app.py"),
        &["requests", "slow"],
    )
}

struct FlaskApp {
    index: Counter,
    database: Counter,
    slow: Latency,
}

fn build(registry: &Registry, start: &Start) -> Box<dyn Service> {
    let requests = registry
        .counter_vec(
            &Opts::new("requests_total", "Total requests, by endpoint."),
            &["endpoint"],
        )
        .expect("valid metric");
    let slow = LatencyVec::register(
        registry,
        &Opts::new("slow", "Time spent serving slow pages, in seconds."),
        &DEFAULT_BUCKETS,
        &["endpoint"],
        start.native_histograms,
    )
    .expect("valid metric");
    Box::new(FlaskApp {
        index: requests.labels(&["/"]).expect("1 label"),
        database: requests.labels(&["/database"]).expect("1 label"),
        slow: slow.labels(&["/database"]).expect("1 label"),
    })
}

impl Service for FlaskApp {
    fn step(&mut self, tick: &Tick, rng: &mut Rng, _gateway: &Pushgateway) {
        let c = tick.conditions;
        add(&self.index, rng.poisson(c.rate * 0.75));
        let slow_requests = rng.poisson(c.rate * 0.25);
        add(&self.database, slow_requests);
        // time.sleep(random.uniform(1, 3)): a few requests a second, observed one by one.
        for _ in 0..slow_requests.min(64) {
            self.slow.observe(rng.range(1.0, 3.0) * c.latency);
        }
        if slow_requests > 64 {
            self.slow.observe_n(2.0 * c.latency, slow_requests - 64);
        }
    }
}
