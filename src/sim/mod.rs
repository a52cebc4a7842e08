//! Simulated instrumented services on a virtual clock: the start of the pipeline.
//!
//! A [`Simulation`] runs one scenario (a demo HTTP API, the apps of well-known
//! Prometheus tutorials, a batch job pushing to a Pushgateway) as a few instances, each
//! instrumented only through [`crate::client`] and exposing `/metrics` through
//! [`crate::expo::encode`], exactly as the Python program shown beside it would.
//!
//! Time is virtual and passed in. The services run in fixed one-second ticks, and
//! every random draw comes from `(seed, instance, tick)` (see `rng`), so the same
//! configuration gives byte-identical scrape bodies at the same virtual times however
//! [`Simulation::advance_to`] is called, and on every platform.
//!
//! ```
//! use promplay::expo::textparse::Format;
//! use promplay::sim::{SimConfig, Simulation};
//!
//! let mut sim = Simulation::new(SimConfig::new("api", 7, 1_700_000_000_000)).unwrap();
//! sim.advance_to(1_700_000_060_000);
//! let body = sim.scrape(0, Format::Text).unwrap();
//! assert!(body.contains("http_requests_total{method=\"GET\""));
//! ```

mod controls;
mod lab;
mod metric_lab;
mod pushgateway;
mod rng;
pub(crate) mod scenarios;

use std::fmt;
use std::sync::Arc;

use crate::client::{Collection, ManualClock, Registry};
use crate::expo::encode::openmetrics::Reencoder;
use crate::expo::encode::text;
use crate::expo::model::MetricFamily;
use crate::expo::textparse::Format;

use controls::{Conditions, Event, EventKind, instance_skew, minute_wobble, scheduled_outage};
pub use controls::{Controls, daily_factor};
pub use lab::{CRON_EVERY_MS, LabRoute, LabTraffic, Work};
pub use metric_lab::{Action, MetricLab, MetricOp};
use pushgateway::Pushgateway;
use rng::{Rng, Stream};
pub use scenarios::{HttpSignals, http_signals};
use scenarios::{ScenarioDef, Service, Start, Tick};

/// Length of one simulation step, in milliseconds of virtual time.
pub const TICK_MS: i64 = 1000;

/// What to simulate.
#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    /// A name from [`scenarios`].
    pub scenario: String,
    pub seed: u64,
    /// Virtual start time, milliseconds since the Unix epoch.
    pub start_ms: i64,
    /// How many instances of the service run (batch: how many batch jobs push).
    pub instances: usize,
    pub controls: Controls,
    /// Latency histograms carry a native histogram (client_golang style, factor
    /// 1.1) beside their classic buckets.
    pub native_histograms: bool,
}

impl SimConfig {
    /// A scenario with its default instance count and controls (an unknown scenario
    /// gets one instance and the generic defaults, and `Simulation::new` refuses it).
    pub fn new(scenario: &str, seed: u64, start_ms: i64) -> SimConfig {
        let def = scenarios::find(scenario);
        SimConfig {
            scenario: scenario.to_string(),
            seed,
            start_ms,
            instances: def.map_or(1, |def| def.default_instances),
            controls: Controls::for_scenario(scenario),
            native_histograms: false,
        }
    }
}

/// A scenario, for pickers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScenarioInfo {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
}

/// A scrape target: what Prometheus's scrape config would say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetSpec {
    pub job: String,
    pub instance: String,
    pub honor_labels: bool,
}

/// The Python `prometheus_client` program a scenario mirrors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PythonSource {
    pub file_name: &'static str,
    pub code: &'static str,
    /// For each metric (by its OpenMetrics family name, e.g. `http_requests` for
    /// `http_requests_total`), the 1-based lines that define and update it.
    pub metric_lines: Vec<(&'static str, Vec<usize>)>,
}

impl PythonSource {
    /// The lines behind a family or sample name as scraped (`http_requests_total`,
    /// `http_request_duration_seconds_bucket`, `x_created`, ...).
    pub fn lines_for(&self, name: &str) -> Option<&[usize]> {
        let find = |wanted: &str| {
            self.metric_lines
                .iter()
                .find(|(metric, _)| *metric == wanted)
                .map(|(_, lines)| lines.as_slice())
        };
        find(name).or_else(|| {
            ["_total", "_bucket", "_count", "_sum", "_created", "_info"]
                .iter()
                .find_map(|suffix| name.strip_suffix(suffix).and_then(find))
        })
    }
}

/// Why a simulation cannot be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    UnknownScenario {
        name: String,
        known: Vec<&'static str>,
    },
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::UnknownScenario { name, known } => write!(
                f,
                "unknown scenario {name:?}; known scenarios: {}",
                known.join(", ")
            ),
        }
    }
}

impl std::error::Error for SimError {}

/// Every scenario, in the order a picker should show them.
pub fn scenarios() -> &'static [ScenarioInfo] {
    &scenarios::INFOS
}

/// One running (or crashed) instance of the service.
struct Instance {
    index: usize,
    name: String,
    clock: Arc<ManualClock>,
    registry: Registry,
    /// `None` while the process is down (a crash during an outage).
    service: Option<Box<dyn Service>>,
    started_ms: i64,
    /// This instance's share of the traffic, relative to the others.
    skew: f64,
    /// The traffic wobble of one minute: (minute, factor), computed once per minute.
    wobble: (i64, f64),
}

impl Instance {
    fn start(
        def: &ScenarioDef,
        (seed, native_histograms): (u64, bool),
        index: usize,
        name: String,
        t_ms: i64,
    ) -> Instance {
        let clock = ManualClock::shared(t_ms as f64 / 1000.0);
        let registry = Registry::new(clock.clone());
        let service = (def.build)(
            &registry,
            &Start {
                seed,
                native_histograms,
                instance: index,
                instance_name: &name,
                t_ms,
            },
        );
        Instance {
            index,
            name,
            clock,
            registry,
            service: Some(service),
            started_ms: t_ms,
            skew: instance_skew(seed, index),
            wobble: (i64::MIN, 1.0),
        }
    }
}

/// A running scenario.
pub struct Simulation {
    def: &'static ScenarioDef,
    seed: u64,
    native_histograms: bool,
    now_ms: i64,
    /// The next tick to run, as a tick number (its time is `next_tick * TICK_MS`).
    next_tick: i64,
    controls: Controls,
    events: Vec<Event>,
    instances: Vec<Instance>,
    gateway: Pushgateway,
    python: PythonSource,
    /// Each target's families as its last scrape collected them, written over by
    /// the next (see `Registry::collect_into`), and their OpenMetrics text but
    /// the values, kept while the series stay the same.
    scrape_families: Vec<(Collection, Reencoder)>,
}

impl Simulation {
    pub fn new(config: SimConfig) -> Result<Simulation, SimError> {
        let def = scenarios::find(&config.scenario).ok_or_else(|| SimError::UnknownScenario {
            name: config.scenario.clone(),
            known: scenarios().iter().map(|info| info.name).collect(),
        })?;
        let mut simulation = Simulation {
            def,
            seed: config.seed,
            native_histograms: config.native_histograms,
            now_ms: config.start_ms,
            next_tick: config.start_ms.div_euclid(TICK_MS) + 1,
            controls: config.controls.sanitized(),
            events: Vec::new(),
            instances: Vec::new(),
            gateway: Pushgateway::new(config.start_ms as f64 / 1000.0),
            python: (def.python)(),
            scrape_families: Vec::new(),
        };
        simulation.set_instances(config.instances);
        Ok(simulation)
    }

    pub fn scenario(&self) -> &'static ScenarioInfo {
        &self.def.info
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The virtual time, milliseconds since the epoch.
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// Runs the services up to `t_ms`: every whole second of virtual time up to it.
    /// An earlier time is a no-op (virtual time never goes back).
    pub fn advance_to(&mut self, t_ms: i64) {
        if t_ms <= self.now_ms {
            return;
        }
        let last_tick = t_ms.div_euclid(TICK_MS);
        while self.next_tick <= last_tick {
            self.run_tick(self.next_tick * TICK_MS);
            self.next_tick += 1;
        }
        self.now_ms = t_ms;
    }

    fn run_tick(&mut self, t_ms: i64) {
        let scheduled = self.def.scheduled_outages && scheduled_outage(self.seed, t_ms);
        let mut outage = scheduled;
        let mut slow_release = false;
        for event in self.events.iter().filter(|event| event.active_at(t_ms)) {
            match event.kind {
                EventKind::Outage { .. } => outage = true,
                EventKind::SlowRelease => slow_release = true,
            }
        }
        let (def, seed, build) = (self.def, self.seed, (self.seed, self.native_histograms));
        let daily = daily_factor(t_ms);
        for instance in &mut self.instances {
            let down = self.events.iter().any(|event| match event.kind {
                EventKind::Outage {
                    down: Some((index, from, to)),
                } => index == instance.index && from < t_ms && t_ms <= to,
                _ => false,
            });
            instance.clock.set(t_ms as f64 / 1000.0);
            if down {
                instance.service = None;
                continue;
            }
            if instance.service.is_none() {
                // Back up: a new process, with fresh metrics.
                *instance =
                    Instance::start(def, build, instance.index, instance.name.clone(), t_ms);
                continue;
            }
            let minute = t_ms.div_euclid(60_000);
            if instance.wobble.0 != minute {
                instance.wobble = (minute, minute_wobble(seed, instance.index, minute));
            }
            let load = daily * instance.skew * instance.wobble.1;
            let conditions = Conditions::at(&self.controls, load, outage, slow_release);
            let tick = Tick {
                t_ms,
                instance: instance.index,
                uptime_s: (t_ms - instance.started_ms) as f64 / 1000.0,
                conditions: &conditions,
                controls: &self.controls,
            };
            let mut rng = Rng::from_key(seed, Stream::Service, instance.index as u64, t_ms);
            if let Some(service) = instance.service.as_mut() {
                self.gateway.set_time(t_ms as f64 / 1000.0);
                service.step(&tick, &mut rng, &self.gateway);
            }
        }
        self.events.retain(|event| event.end_ms >= t_ms);
    }

    /// The scrape targets: one per instance, or only the Pushgateway for `batch`.
    pub fn targets(&self) -> Vec<TargetSpec> {
        if self.def.pushes {
            return vec![TargetSpec {
                job: "pushgateway".to_string(),
                instance: "pushgateway:9091".to_string(),
                honor_labels: true,
            }];
        }
        self.instances
            .iter()
            .map(|instance| TargetSpec {
                job: self.def.job.to_string(),
                instance: instance.name.clone(),
                honor_labels: false,
            })
            .collect()
    }

    /// How many scrape targets there are (see `targets`).
    pub fn target_count(&self) -> usize {
        if self.def.pushes {
            1
        } else {
            self.instances.len()
        }
    }

    /// The target's `/metrics` body at the current virtual time in `format` (text,
    /// or the protobuf format's bytes), or why the scrape fails (`connection
    /// refused` while an instance is down).
    pub fn scrape_body(&mut self, target: usize, format: Format) -> Result<Vec<u8>, String> {
        let now = self.now_ms as f64 / 1000.0;
        if self.scrape_families.len() <= target {
            self.scrape_families
                .resize_with(target + 1, Default::default);
        }
        let registry = if self.def.pushes {
            if target != 0 {
                return Err(format!("no target {target}"));
            }
            self.gateway.set_time(now);
            self.gateway.registry()
        } else {
            let instance = self
                .instances
                .get(target)
                .ok_or_else(|| format!("no target {target}"))?;
            if instance.service.is_none() {
                return Err(format!(
                    "Get \"http://{}/metrics\": dial tcp {}: connect: connection refused",
                    instance.name, instance.name
                ));
            }
            instance.clock.set(now);
            &instance.registry
        };
        // The families of this target's last scrape, written over: the same
        // series scrape after scrape cost no allocation.
        let (collection, kept) = &mut self.scrape_families[target];
        registry.collect_into(collection);
        let families: &[MetricFamily] = collection.families();
        if format != Format::OpenMetrics {
            // The kept text is of the collection before this one from now on.
            kept.forget();
        }
        Ok(match format {
            Format::Text => text::encode(families).into_bytes(),
            Format::OpenMetrics => kept.encode(families, collection.same_series()).into_bytes(),
            // The families are the client's own: always encodable (no custom buckets).
            Format::Protobuf => crate::expo::protobuf::encode(families)
                .map_err(|e| format!("encoding protobuf: {e}"))?,
        })
    }

    /// [`Simulation::scrape_body`] as text (protobuf rendered as its text format).
    pub fn scrape(&mut self, target: usize, format: Format) -> Result<String, String> {
        self.scrape_body(target, format)
            .map(|body| crate::scrape::body_text(&body, format))
    }

    pub fn controls(&self) -> &Controls {
        &self.controls
    }

    /// New controls, in effect from the current virtual time on.
    pub fn set_controls(&mut self, controls: Controls) {
        self.controls = controls.sanitized();
    }

    /// Starts or stops instances (new ones start now; the last ones stop first).
    pub fn set_instances(&mut self, n: usize) {
        let n = n.min(MAX_INSTANCES);
        self.instances.truncate(n);
        let (def, seed, now) = (self.def, (self.seed, self.native_histograms), self.now_ms);
        for index in self.instances.len()..n {
            let name = match def.instance_name {
                Some(name) => name(index),
                None => format!("{}-{}:{}", def.host, index + 1, def.port),
            };
            self.instances
                .push(Instance::start(def, seed, index, name, now));
        }
    }

    pub fn instances(&self) -> usize {
        self.instances.len()
    }

    /// From now on, for `duration_ms`: more errors (5xx), four times the latency, and
    /// one instance crashes for the second quarter of it, then restarts.
    pub fn start_outage(&mut self, duration_ms: i64) {
        let instances = if self.def.pushes {
            0
        } else {
            self.instances.len()
        };
        self.events.push(Event::outage(
            self.seed,
            self.now_ms,
            duration_ms,
            instances,
        ));
    }

    /// From now on, for `duration_ms`: a release that is three times slower.
    pub fn deploy_slow_release(&mut self, duration_ms: i64) {
        self.events.push(Event {
            kind: EventKind::SlowRelease,
            start_ms: self.now_ms,
            end_ms: self.now_ms.saturating_add(duration_ms.max(0)),
        });
    }

    /// Whether an outage (scheduled or started) is on at the current time.
    pub fn in_outage(&self) -> bool {
        let t = self.now_ms;
        (self.def.scheduled_outages && scheduled_outage(self.seed, t))
            || self.events.iter().any(|event| {
                matches!(event.kind, EventKind::Outage { .. })
                    && event.start_ms <= t
                    && t < event.end_ms
            })
    }

    pub fn python_source(&self) -> &PythonSource {
        &self.python
    }
}

/// The most instances a run has (80 of `api` are about 10 000 series: the PromQL
/// benchmark's large case).
pub const MAX_INSTANCES: usize = 100;

/// A fingerprint of what a run exposes: an FNV-1a hash of every scrape body of every
/// target, every `interval_ms` for `duration_ms`. Equal fingerprints on two machines
/// (or natively and in the browser) mean the same data; tests pin it.
pub fn fingerprint(config: SimConfig, duration_ms: i64, interval_ms: i64) -> Result<u64, SimError> {
    let start = config.start_ms;
    let mut sim = Simulation::new(config)?;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut t = start;
    while t < start + duration_ms {
        t += interval_ms;
        sim.advance_to(t);
        for target in 0..sim.targets().len() {
            let body = sim
                .scrape(target, Format::OpenMetrics)
                .unwrap_or_else(|e| e);
            for b in body.bytes() {
                hash ^= b as u64;
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    Ok(hash)
}
