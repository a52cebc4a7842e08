//! The registry: collectors in registration order, each asked for its families at
//! collect time (client_python's `CollectorRegistry`, client_golang's `Registry`),
//! with client_python's duplicate-series check at registration.

use std::sync::{Arc, Mutex};

use super::clock::SharedClock;
use super::error::ClientError;
use super::family::lock;
use crate::expo::model::{MetricFamily, MetricType};

/// Anything that reports metric families: the API's own metrics, or a custom collector
/// that builds families by hand (client_python's `Metric`, `CounterMetricFamily`, …).
pub trait Collector: Send + Sync {
    /// The families as they stand now.
    fn collect(&self) -> Vec<MetricFamily>;

    /// [`Collector::collect`] written over `into`'s families from `*at` (advancing
    /// `at`): a collector whose series stay the same from one collection to the
    /// next may reuse what the last one left there, and say so. By default,
    /// collects afresh.
    fn collect_over(&self, into: &mut Collection, at: &mut usize) {
        for family in self.collect() {
            into.put(*at, family);
            *at += 1;
        }
    }

    /// Every series name this collector will report (family names and suffixed sample
    /// names), for the registry's duplicate check. Custom collectors may leave it empty,
    /// which skips the check, as in client_python.
    fn describe(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A custom collector made from a closure.
pub struct FnCollector<F>(pub F);

impl<F: Fn() -> Vec<MetricFamily> + Send + Sync> Collector for FnCollector<F> {
    fn collect(&self) -> Vec<MetricFamily> {
        (self.0)()
    }
}

/// A custom collector with fixed families (handy for tests and static info).
pub struct StaticCollector(pub Vec<MetricFamily>);

impl Collector for StaticCollector {
    fn collect(&self) -> Vec<MetricFamily> {
        self.0.clone()
    }
}

/// Identifies one registration, for `unregister`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CollectorId(u64);

struct Registration {
    id: CollectorId,
    names: Vec<String>,
    collector: Box<dyn Collector>,
}

#[derive(Default)]
struct Registrations {
    next_id: u64,
    entries: Vec<Registration>,
}

/// A set of collectors. Cloning shares the same registry.
#[derive(Clone)]
pub struct Registry {
    clock: SharedClock,
    registrations: Arc<Mutex<Registrations>>,
}

impl Registry {
    /// A registry whose metrics take their time (`_created`, exemplars, timers) from `clock`.
    pub fn new(clock: SharedClock) -> Registry {
        Registry {
            clock,
            registrations: Arc::new(Mutex::new(Registrations::default())),
        }
    }

    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// Adds a collector; refuses it if any series name it describes is already registered.
    pub fn register(
        &self,
        collector: impl Collector + 'static,
    ) -> Result<CollectorId, ClientError> {
        self.register_boxed(Box::new(collector))
    }

    pub fn register_boxed(
        &self,
        collector: Box<dyn Collector>,
    ) -> Result<CollectorId, ClientError> {
        let names = collector.describe();
        let mut registrations = lock(&self.registrations);
        let mut duplicates: Vec<String> = names
            .iter()
            .filter(|name| {
                registrations
                    .entries
                    .iter()
                    .any(|entry| entry.names.contains(name))
            })
            .cloned()
            .collect();
        if !duplicates.is_empty() {
            crate::sort::sort(&mut duplicates[..]);
            duplicates.dedup();
            return Err(ClientError::DuplicatedTimeseries(duplicates));
        }
        let id = CollectorId(registrations.next_id);
        registrations.next_id += 1;
        registrations.entries.push(Registration {
            id,
            names,
            collector,
        });
        Ok(id)
    }

    /// Removes a registration.
    pub fn unregister(&self, id: CollectorId) -> Result<(), ClientError> {
        let mut registrations = lock(&self.registrations);
        let before = registrations.entries.len();
        registrations.entries.retain(|entry| entry.id != id);
        if registrations.entries.len() == before {
            return Err(ClientError::UnknownCollector);
        }
        Ok(())
    }

    /// Removes the registration that describes the series `name`.
    pub fn unregister_by_name(&self, name: &str) -> Result<(), ClientError> {
        let id = {
            let registrations = lock(&self.registrations);
            registrations
                .entries
                .iter()
                .find(|entry| entry.names.iter().any(|n| n == name))
                .map(|entry| entry.id)
        };
        self.unregister(id.ok_or(ClientError::UnknownCollector)?)
    }

    /// Every family of every collector, in registration order.
    pub fn collect(&self) -> Vec<MetricFamily> {
        let mut collection = Collection::default();
        self.collect_into(&mut collection);
        collection.families
    }

    /// [`Registry::collect`] into `collection`, reusing the families and samples
    /// a previous collection left there: a scrape after scrape of the same series
    /// then allocates only for what changed.
    pub fn collect_into(&self, collection: &mut Collection) {
        let registrations = lock(&self.registrations);
        let mut at = 0;
        for entry in &registrations.entries {
            entry.collector.collect_over(collection, &mut at);
        }
        collection.families.truncate(at);
        collection.same_series.truncate(at);
        collection.writers.truncate(at);
    }
}

/// The families of a collection, written over by the next, and for each whether
/// its metadata and series (names, labels, order) are what the previous
/// collection left: only its values may differ. An encoder can then keep the
/// family's text but its values (`expo::encode::openmetrics::Reencoder`).
#[derive(Clone, Debug, Default)]
pub struct Collection {
    families: Vec<MetricFamily>,
    same_series: Vec<bool>,
    /// Who wrote each family last: a metric family's id and the version of its
    /// children ((0, 0) for a custom collector's).
    writers: Vec<(u64, u64)>,
}

impl Collection {
    /// The families, in registration order.
    pub fn families(&self) -> &[MetricFamily] {
        &self.families
    }

    /// For each family, whether its metadata and series are the previous
    /// collection's (values aside).
    pub fn same_series(&self) -> &[bool] {
        &self.same_series
    }

    /// The family at `at` to write over (an empty one past the end), marked
    /// changed until [`Collection::mark_same`], and who wrote it last, for the
    /// writer to update.
    pub(crate) fn slot_with_writer(
        &mut self,
        at: usize,
        new: impl FnOnce() -> MetricFamily,
    ) -> (&mut MetricFamily, &mut (u64, u64)) {
        if at == self.families.len() {
            self.families.push(new());
        }
        if at >= self.same_series.len() {
            self.same_series.resize(at + 1, false);
            self.writers.resize(at + 1, (0, 0));
        }
        self.same_series[at] = false;
        (&mut self.families[at], &mut self.writers[at])
    }

    /// `family` at `at`, in place of what was there (so: changed).
    pub fn put(&mut self, at: usize, family: MetricFamily) {
        let (slot, writer) =
            self.slot_with_writer(at, || MetricFamily::new(String::new(), MetricType::Unknown));
        *slot = family;
        *writer = (0, 0);
    }

    /// Marks the family at `at` as having the previous collection's series.
    pub(crate) fn mark_same(&mut self, at: usize) {
        self.same_series[at] = true;
    }
}

impl Registry {
    /// Registers a metric family and hands it back, for `registry.counter(...)` and friends.
    pub fn register_vec<M: super::family::Metric>(
        &self,
        vec: super::family::MetricVec<M>,
    ) -> Result<super::family::MetricVec<M>, ClientError> {
        self.register(vec.clone())?;
        Ok(vec)
    }
}
