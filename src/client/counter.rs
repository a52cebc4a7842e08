//! Counter: a value that only goes up (and resets with the process), with its
//! `_created` time and an optional exemplar on the latest increment.

use std::sync::{Arc, Mutex};

use super::clock::SharedClock;
use super::error::ClientError;
use super::family::{Metric, MetricVec, SampleSink, lock};
use super::labels::{Opts, validate_exemplar_labels};
use super::registry::Registry;
use crate::expo::model::{Exemplar, Labels, MetricType, Timestamp};

/// A counter family with label names.
pub type CounterVec = MetricVec<Counter>;

#[derive(Debug)]
struct CounterState {
    value: f64,
    exemplar: Option<Exemplar>,
}

/// One counter series.
#[derive(Clone)]
pub struct Counter {
    state: Arc<Mutex<CounterState>>,
    created: f64,
    clock: SharedClock,
}

impl Counter {
    /// Adds one.
    pub fn inc(&self) {
        lock(&self.state).value += 1.0;
    }

    /// Adds `amount`, which must not be negative (NaN is refused too).
    pub fn inc_by(&self, amount: f64) -> Result<(), ClientError> {
        if amount.is_nan() || amount < 0.0 {
            return Err(ClientError::NegativeIncrement(amount));
        }
        lock(&self.state).value += amount;
        Ok(())
    }

    /// Adds `amount` and records an exemplar for it, stamped with the clock's time.
    pub fn inc_with_exemplar(
        &self,
        amount: f64,
        exemplar_labels: &[(&str, &str)],
    ) -> Result<(), ClientError> {
        if amount.is_nan() || amount < 0.0 {
            return Err(ClientError::NegativeIncrement(amount));
        }
        let labels = validate_exemplar_labels(exemplar_labels)?;
        let exemplar = Exemplar {
            labels,
            value: amount,
            timestamp: Some(Timestamp::Seconds(self.clock.now())),
        };
        let mut state = lock(&self.state);
        state.value += amount;
        state.exemplar = Some(exemplar);
        Ok(())
    }

    pub fn get(&self) -> f64 {
        lock(&self.state).value
    }

    /// When this series was created, in clock seconds.
    pub fn created(&self) -> f64 {
        self.created
    }
}

impl Metric for Counter {
    type Config = ();
    const METRIC_TYPE: MetricType = MetricType::Counter;
    const SUFFIXES: &'static [&'static str] = &["_total", "_created"];

    fn new_child(_config: &Arc<()>, clock: &SharedClock) -> Counter {
        Counter {
            state: Arc::new(Mutex::new(CounterState {
                value: 0.0,
                exemplar: None,
            })),
            created: clock.now(),
            clock: clock.clone(),
        }
    }

    fn collect_samples(&self, family_name: &str, labels: &Labels, out: &mut SampleSink) {
        let state = lock(&self.state);
        let total = out.push(family_name, "_total", labels, None, state.value);
        total.exemplar = state.exemplar.clone();
        out.push(family_name, "_created", labels, None, self.created);
    }
}

impl CounterVec {
    pub fn new(
        opts: &Opts,
        label_names: &[&str],
        clock: SharedClock,
    ) -> Result<CounterVec, ClientError> {
        MetricVec::with_config(opts, label_names, (), clock)
    }
}

impl Registry {
    /// Creates and registers an unlabelled counter.
    pub fn counter(&self, opts: &Opts) -> Result<Counter, ClientError> {
        self.counter_vec(opts, &[])?.labels(&[])
    }

    /// Creates and registers a counter family with label names.
    pub fn counter_vec(
        &self,
        opts: &Opts,
        label_names: &[&str],
    ) -> Result<CounterVec, ClientError> {
        self.register_vec(CounterVec::new(opts, label_names, self.clock().clone())?)
    }
}
