//! Info: constant key-value facts about the target (version, build), reported as one
//! `<name>_info` sample of value 1 carrying them as labels.

use std::sync::{Arc, Mutex};

use super::clock::SharedClock;
use super::error::ClientError;
use super::family::{Metric, MetricVec, SampleSink, lock};
use super::labels::{Opts, validate_label_name};
use super::registry::Registry;
use crate::expo::model::{Labels, MetricType};

/// An info family with label names.
pub type InfoVec = MetricVec<Info>;

/// The family's own label names, which info labels must not repeat.
#[derive(Debug)]
pub struct InfoConfig {
    metric_name: String,
    label_names: Vec<String>,
}

/// One info series.
#[derive(Clone)]
pub struct Info {
    config: Arc<InfoConfig>,
    facts: Arc<Mutex<Labels>>,
}

impl Info {
    /// Replaces the reported facts.
    pub fn info(&self, facts: &[(&str, &str)]) -> Result<(), ClientError> {
        for (name, _) in facts {
            validate_label_name(name)?;
        }
        let overlapping: Vec<String> = facts
            .iter()
            .map(|(name, _)| name.to_string())
            .filter(|name| self.config.label_names.contains(name))
            .collect();
        if !overlapping.is_empty() {
            return Err(ClientError::OverlappingLabels {
                metric: self.config.metric_name.clone(),
                labels: overlapping,
            });
        }
        *lock(&self.facts) = facts
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        Ok(())
    }
}

impl Metric for Info {
    type Config = InfoConfig;
    const METRIC_TYPE: MetricType = MetricType::Info;
    const SUFFIXES: &'static [&'static str] = &["_info"];
    const FIXED_SERIES: bool = false;

    fn new_child(config: &Arc<InfoConfig>, _clock: &SharedClock) -> Info {
        Info {
            config: Arc::clone(config),
            facts: Arc::new(Mutex::new(Labels::new())),
        }
    }

    fn collect_samples(&self, family_name: &str, labels: &Labels, out: &mut SampleSink) {
        let mut all = labels.clone();
        all.extend(lock(&self.facts).iter().cloned());
        out.push(family_name, "_info", &all, None, 1.0);
    }
}

impl InfoVec {
    pub fn new(
        opts: &Opts,
        label_names: &[&str],
        clock: SharedClock,
    ) -> Result<InfoVec, ClientError> {
        let config = InfoConfig {
            metric_name: opts.full_name(MetricType::Info)?,
            label_names: label_names.iter().map(|n| n.to_string()).collect(),
        };
        MetricVec::with_config(opts, label_names, config, clock)
    }
}

impl Registry {
    /// Creates and registers an unlabelled info metric.
    pub fn info(&self, opts: &Opts) -> Result<Info, ClientError> {
        self.info_vec(opts, &[])?.labels(&[])
    }

    /// Creates and registers an info family with label names.
    pub fn info_vec(&self, opts: &Opts, label_names: &[&str]) -> Result<InfoVec, ClientError> {
        self.register_vec(InfoVec::new(opts, label_names, self.clock().clone())?)
    }
}
