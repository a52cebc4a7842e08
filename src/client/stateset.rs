//! Enum (OpenMetrics StateSet): exactly one of a fixed list of states is current. Each
//! state is a sample labelled `<metric name>="<state>"`, 1 for the current one, else 0.

use std::sync::{Arc, Mutex};

use super::clock::SharedClock;
use super::error::ClientError;
use super::family::{Metric, MetricVec, SampleSink, lock};
use super::labels::Opts;
use super::registry::Registry;
use crate::expo::model::{Labels, MetricType};

/// An enum family with label names.
pub type EnumVec = MetricVec<Enum>;

/// The declared states, shared by every child.
#[derive(Debug)]
pub struct EnumConfig {
    metric_name: String,
    states: Vec<String>,
}

/// One enum series; starts in the first declared state.
#[derive(Clone)]
pub struct Enum {
    config: Arc<EnumConfig>,
    current: Arc<Mutex<usize>>,
}

impl Enum {
    /// Makes `state` the current state.
    pub fn state(&self, state: &str) -> Result<(), ClientError> {
        let index = self
            .config
            .states
            .iter()
            .position(|s| s == state)
            .ok_or_else(|| ClientError::UnknownState {
                metric: self.config.metric_name.clone(),
                state: state.to_string(),
            })?;
        *lock(&self.current) = index;
        Ok(())
    }

    /// The current state.
    pub fn current(&self) -> &str {
        let index = *lock(&self.current);
        &self.config.states[index]
    }
}

impl Metric for Enum {
    type Config = EnumConfig;
    const METRIC_TYPE: MetricType = MetricType::StateSet;
    const SUFFIXES: &'static [&'static str] = &[];

    fn new_child(config: &Arc<EnumConfig>, _clock: &SharedClock) -> Enum {
        Enum {
            config: Arc::clone(config),
            current: Arc::new(Mutex::new(0)),
        }
    }

    fn collect_samples(&self, family_name: &str, labels: &Labels, out: &mut SampleSink) {
        let current = *lock(&self.current);
        for (index, state) in self.config.states.iter().enumerate() {
            let value = if index == current { 1.0 } else { 0.0 };
            out.push(family_name, "", labels, Some((family_name, state)), value);
        }
    }
}

impl EnumVec {
    pub fn new(
        opts: &Opts,
        states: &[&str],
        label_names: &[&str],
        clock: SharedClock,
    ) -> Result<EnumVec, ClientError> {
        let metric_name = opts.full_name(MetricType::StateSet)?;
        if states.is_empty() {
            return Err(ClientError::NoStates(metric_name));
        }
        if label_names.contains(&metric_name.as_str()) {
            return Err(ClientError::OverlappingLabels {
                metric: metric_name.clone(),
                labels: vec![metric_name],
            });
        }
        let config = EnumConfig {
            metric_name,
            states: states.iter().map(|s| s.to_string()).collect(),
        };
        MetricVec::with_config(opts, label_names, config, clock)
    }
}

impl Registry {
    /// Creates and registers an unlabelled enum (StateSet).
    pub fn enumeration(&self, opts: &Opts, states: &[&str]) -> Result<Enum, ClientError> {
        self.enum_vec(opts, states, &[])?.labels(&[])
    }

    /// Creates and registers an enum family with label names.
    pub fn enum_vec(
        &self,
        opts: &Opts,
        states: &[&str],
        label_names: &[&str],
    ) -> Result<EnumVec, ClientError> {
        self.register_vec(EnumVec::new(
            opts,
            states,
            label_names,
            self.clock().clone(),
        )?)
    }
}
