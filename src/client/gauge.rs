//! Gauge: a value that goes up and down.

use std::sync::{Arc, Mutex};

use super::clock::{SharedClock, time_closure};
use super::error::ClientError;
use super::family::{Metric, MetricVec, SampleSink, lock};
use super::labels::Opts;
use super::registry::Registry;
use crate::expo::model::{Labels, MetricType};

/// A gauge family with label names.
pub type GaugeVec = MetricVec<Gauge>;

/// One gauge series.
#[derive(Clone)]
pub struct Gauge {
    value: Arc<Mutex<f64>>,
    clock: SharedClock,
}

impl Gauge {
    pub fn set(&self, value: f64) {
        *lock(&self.value) = value;
    }

    pub fn inc(&self) {
        self.inc_by(1.0);
    }

    pub fn dec(&self) {
        self.inc_by(-1.0);
    }

    pub fn inc_by(&self, amount: f64) {
        *lock(&self.value) += amount;
    }

    pub fn dec_by(&self, amount: f64) {
        *lock(&self.value) -= amount;
    }

    /// Sets the gauge to the clock's current time (seconds since the epoch).
    pub fn set_to_current_time(&self) {
        self.set(self.clock.now());
    }

    /// Runs `work` and sets the gauge to the clock time it took.
    pub fn set_duration_of<T>(&self, work: impl FnOnce() -> T) -> T {
        let (result, elapsed) = time_closure(&self.clock, work);
        self.set(elapsed);
        result
    }

    pub fn get(&self) -> f64 {
        *lock(&self.value)
    }
}

impl Metric for Gauge {
    type Config = ();
    const METRIC_TYPE: MetricType = MetricType::Gauge;
    const SUFFIXES: &'static [&'static str] = &[];

    fn new_child(_config: &Arc<()>, clock: &SharedClock) -> Gauge {
        Gauge {
            value: Arc::new(Mutex::new(0.0)),
            clock: clock.clone(),
        }
    }

    fn collect_samples(&self, family_name: &str, labels: &Labels, out: &mut SampleSink) {
        out.push(family_name, "", labels, None, self.get());
    }
}

impl GaugeVec {
    pub fn new(
        opts: &Opts,
        label_names: &[&str],
        clock: SharedClock,
    ) -> Result<GaugeVec, ClientError> {
        MetricVec::with_config(opts, label_names, (), clock)
    }
}

impl Registry {
    /// Creates and registers an unlabelled gauge.
    pub fn gauge(&self, opts: &Opts) -> Result<Gauge, ClientError> {
        self.gauge_vec(opts, &[])?.labels(&[])
    }

    /// Creates and registers a gauge family with label names.
    pub fn gauge_vec(&self, opts: &Opts, label_names: &[&str]) -> Result<GaugeVec, ClientError> {
        self.register_vec(GaugeVec::new(opts, label_names, self.clock().clone())?)
    }
}
