//! `hello_world`: Hello, World! with `app_requests_total` and the histogram
//! `app_response_time_seconds` (python/hello_world.py).

use super::latency::{Latency, LatencyVec};
use super::{Service, Start, Tick, add, observe_latencies, python_source};
use crate::client::{Counter, DEFAULT_BUCKETS, Opts, Registry};
use crate::sim::controls::Controls;
use crate::sim::pushgateway::Pushgateway;
use crate::sim::rng::Rng;
use crate::sim::{PythonSource, ScenarioInfo};

pub(crate) static DEF: super::ScenarioDef = super::ScenarioDef {
    info: ScenarioInfo {
        name: "hello_world",
        title: "Hello, World!",
        description: "The smallest Flask app: one request counter and one response-time \
                      histogram.",
    },
    job: "hello_world",
    host: "hello",
    port: 8000,
    instance_name: None,
    default_instances: 1,
    defaults: Controls {
        traffic_rate: 5.0,
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
        "hello_world.py",
        include_str!("python/hello_world.py"),
        &["app_requests", "app_response_time_seconds"],
    )
}

struct HelloWorld {
    requests: Counter,
    response_time: Latency,
}

fn build(registry: &Registry, start: &Start) -> Box<dyn Service> {
    let requests = registry
        .counter(&Opts::new(
            "app_requests_total",
            "Total requests to the app.",
        ))
        .expect("valid metric");
    let response_time = LatencyVec::register(
        registry,
        &Opts::new("app_response_time_seconds", "Response time, in seconds."),
        &DEFAULT_BUCKETS,
        &[],
        start.native_histograms,
    )
    .and_then(|v| v.labels(&[]))
    .expect("valid metric");
    Box::new(HelloWorld {
        requests,
        response_time,
    })
}

impl Service for HelloWorld {
    fn step(&mut self, tick: &Tick, rng: &mut Rng, _gateway: &Pushgateway) {
        let c = tick.conditions;
        let n = rng.poisson(c.rate);
        add(&self.requests, n);
        observe_latencies(&self.response_time, n, 0.003 * c.latency, 0.7, rng);
    }
}
