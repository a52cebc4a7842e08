//! `MetricVec<M>`: one metric family with its label names and a child per label-value
//! combination, in first-use order (client_python's `.labels(...)`, client_golang's
//! `*Vec`). Each metric type (counter, gauge, …) implements [`Metric`] for its child;
//! unlabelled metrics are a vec with no label names and its single child.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::clock::SharedClock;
use super::error::ClientError;
use super::labels::{Opts, validate_label_names};
use super::registry::{Collection, Collector};
use crate::expo::model::{Labels, MetricFamily, MetricType, Sample};

/// Locks a mutex, carrying on with the data even if a panic elsewhere poisoned it
/// (metric state stays meaningful; refusing to report would be worse).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A metric type's child: the state behind one label-value combination.
pub trait Metric: Clone + Send + Sync + 'static {
    /// Settings shared by every child of one family (buckets, states, …).
    type Config: Send + Sync + 'static;
    const METRIC_TYPE: MetricType;
    /// Sample suffixes this type writes, for the registry's duplicate check.
    const SUFFIXES: &'static [&'static str];
    /// A child writes the same sample names and labels at every collection (its
    /// values aside), so a collection of the same children need not compare them.
    /// Not an info metric: its facts are labels, and can be set again.
    const FIXED_SERIES: bool = true;

    /// Label names the type uses itself and so forbids (`le`, `quantile`, …).
    fn reserved_label_names(_family_name: &str, _config: &Self::Config) -> Vec<String> {
        Vec::new()
    }

    /// A fresh child, created now (its `_created` time comes from the clock).
    fn new_child(config: &Arc<Self::Config>, clock: &SharedClock) -> Self;

    /// Writes this child's samples; `labels` are the family's label pairs for it.
    fn collect_samples(&self, family_name: &str, labels: &Labels, out: &mut SampleSink);
}

struct Children<M> {
    in_order: Vec<(Vec<String>, M)>,
    position: HashMap<Vec<String>, usize>,
    /// Changes with every child added or removed.
    version: u64,
}

struct VecInner<M: Metric> {
    name: String,
    help: String,
    unit: String,
    label_names: Vec<String>,
    config: Arc<M::Config>,
    clock: SharedClock,
    children: Mutex<Children<M>>,
    /// Tells this family from every other (see `Collection::writers`).
    id: u64,
}

/// A metric family with label names; `.labels(&[...])` returns the child for those values.
pub struct MetricVec<M: Metric> {
    inner: Arc<VecInner<M>>,
}

impl<M: Metric> Clone for MetricVec<M> {
    fn clone(&self) -> Self {
        MetricVec {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<M: Metric> MetricVec<M> {
    /// Builds a family: the full name from `opts`, validated label names, and (when there
    /// are no label names) the single child right away, so an untouched metric still reports.
    pub fn with_config(
        opts: &Opts,
        label_names: &[&str],
        config: M::Config,
        clock: SharedClock,
    ) -> Result<MetricVec<M>, ClientError> {
        let name = opts.full_name(M::METRIC_TYPE)?;
        let reserved = M::reserved_label_names(&name, &config);
        let reserved: Vec<&str> = reserved.iter().map(String::as_str).collect();
        let label_names = validate_label_names(label_names, &reserved)?;
        let vec = MetricVec {
            inner: Arc::new(VecInner {
                name,
                help: opts.help.clone(),
                unit: opts.unit.clone(),
                label_names,
                config: Arc::new(config),
                clock,
                id: {
                    static NEXT_ID: std::sync::atomic::AtomicU64 =
                        std::sync::atomic::AtomicU64::new(1);
                    NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                },
                children: Mutex::new(Children {
                    in_order: Vec::new(),
                    position: HashMap::new(),
                    version: 0,
                }),
            }),
        };
        if vec.inner.label_names.is_empty() {
            vec.labels(&[])?;
        }
        Ok(vec)
    }

    /// The family name (without sample suffixes).
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    pub fn label_names(&self) -> &[String] {
        &self.inner.label_names
    }

    pub(crate) fn config(&self) -> &Arc<M::Config> {
        &self.inner.config
    }

    pub fn clock(&self) -> &SharedClock {
        &self.inner.clock
    }

    /// The child for these label values (in label-name order), created on first use.
    pub fn labels(&self, values: &[&str]) -> Result<M, ClientError> {
        let key = self.child_key(values)?;
        let mut children = lock(&self.inner.children);
        if let Some(&at) = children.position.get(&key) {
            return Ok(children.in_order[at].1.clone());
        }
        let child = M::new_child(&self.inner.config, &self.inner.clock);
        let at = children.in_order.len();
        children.in_order.push((key.clone(), child.clone()));
        children.position.insert(key, at);
        children.version += 1;
        Ok(child)
    }

    /// The child for these `(name, value)` pairs, in any order; they must name exactly
    /// the metric's label names.
    pub fn labels_by_name(&self, pairs: &[(&str, &str)]) -> Result<M, ClientError> {
        let mut values = Vec::with_capacity(self.inner.label_names.len());
        for name in &self.inner.label_names {
            match pairs.iter().find(|(n, _)| n == name) {
                Some((_, value)) => values.push(*value),
                None => return Err(self.incorrect_names(pairs)),
            }
        }
        if pairs.len() != values.len() {
            return Err(self.incorrect_names(pairs));
        }
        self.labels(&values)
    }

    /// The children map's key for these label values, if there are as many as label names.
    fn child_key(&self, values: &[&str]) -> Result<Vec<String>, ClientError> {
        if values.len() != self.inner.label_names.len() {
            return Err(ClientError::IncorrectLabelCount {
                expected: self.inner.label_names.len(),
                got: values.len(),
            });
        }
        Ok(values.iter().map(|v| v.to_string()).collect())
    }

    fn incorrect_names(&self, pairs: &[(&str, &str)]) -> ClientError {
        ClientError::IncorrectLabelNames {
            expected: self.inner.label_names.clone(),
            got: pairs.iter().map(|(n, _)| n.to_string()).collect(),
        }
    }

    /// Forgets the child for these label values (it stops being reported).
    pub fn remove(&self, values: &[&str]) -> Result<(), ClientError> {
        let key = self.child_key(values)?;
        let mut children = lock(&self.inner.children);
        if let Some(at) = children.position.remove(&key) {
            children.in_order.remove(at);
            children.version += 1;
            let Children {
                in_order, position, ..
            } = &mut *children;
            for (index, (key, _)) in in_order.iter().enumerate().skip(at) {
                position.insert(key.clone(), index);
            }
        }
        Ok(())
    }

    /// Forgets every child.
    pub fn clear(&self) {
        let mut children = lock(&self.inner.children);
        children.in_order.clear();
        children.position.clear();
        children.version += 1;
    }

    /// This family as it stands now.
    pub fn family(&self) -> MetricFamily {
        let mut family = MetricFamily::new(String::new(), M::METRIC_TYPE);
        self.write_family(&mut family, None);
        family
    }

    /// This family written over `family`, reusing its strings and samples;
    /// whether its metadata and series are those `family` had (values aside).
    /// `written_by` is who wrote `family` last (this family's id and children's
    /// version) and is updated: when it is this family with the same children,
    /// and its children write fixed series, only values are written.
    fn write_family(&self, family: &mut MetricFamily, written_by: Option<&mut (u64, u64)>) -> bool {
        let inner = &self.inner;
        let mut same = true;
        if family.name != inner.name {
            family.name.clone_from(&inner.name);
            same = false;
        }
        if family.metric_type != M::METRIC_TYPE {
            family.metric_type = M::METRIC_TYPE;
            same = false;
        }
        if family.help.as_deref() != Some(inner.help.as_str()) {
            family.help = Some(inner.help.clone());
            same = false;
        }
        if family.unit.as_deref().unwrap_or("") != inner.unit {
            family.unit = (!inner.unit.is_empty()).then(|| inner.unit.clone());
            same = false;
        }
        let children = lock(&inner.children);
        let writer = (inner.id, children.version);
        let values_only = match written_by {
            Some(last) => {
                let same = *last == writer && same && M::FIXED_SERIES;
                *last = writer;
                same
            }
            None => false,
        };
        let mut sink = SampleSink {
            samples: &mut family.samples,
            len: 0,
            same_series: true,
            values_only,
        };
        let mut labels = Labels::new();
        for (at, (values, child)) in children.in_order.iter().enumerate() {
            if !values_only {
                zip_labels_into(&mut labels, &inner.label_names, values);
            }
            child.collect_samples(&inner.name, &labels, &mut sink);
            if at == 0 {
                // Children write as many samples each (same buckets, quantiles):
                // room for all of them at once, not a reallocation per doubling.
                let rest = children.in_order.len() - 1;
                sink.samples
                    .reserve((sink.len * rest).saturating_sub(sink.samples.len() - sink.len));
            }
        }
        let (len, same_series) = (sink.len, sink.same_series);
        let same = same && same_series && len == family.samples.len();
        family.samples.truncate(len);
        same
    }
}

/// Where a child writes its samples: over the samples a previous collection of
/// the family left (the same series in the same order, scrape after scrape), so
/// that a sample whose name and labels are unchanged costs no allocation.
pub struct SampleSink<'a> {
    samples: &'a mut Vec<Sample>,
    /// Samples written so far.
    len: usize,
    /// No sample so far was new or had its name or labels rewritten.
    same_series: bool,
    /// The samples are known to have the names and labels they are pushed with
    /// (the same children wrote them last time): skip comparing them.
    values_only: bool,
}

impl SampleSink<'_> {
    /// The next sample: named `family` + `suffix`, labelled `labels` then `extra`
    /// (a bucket's `le`, a quantile, a state), with `value` and nothing else (the
    /// caller adds an exemplar or native histogram).
    pub fn push(
        &mut self,
        family: &str,
        suffix: &str,
        labels: &Labels,
        extra: Option<(&str, &str)>,
        value: f64,
    ) -> &mut Sample {
        let at = self.len;
        self.len += 1;
        if self.values_only && at < self.samples.len() {
            let sample = &mut self.samples[at];
            debug_assert!(sample.name.len() == family.len() + suffix.len());
            sample.value = value;
            sample.timestamp = None;
            sample.exemplar = None;
            sample.extra_exemplars.clear();
            sample.native = None;
            return sample;
        }
        if at == self.samples.len() {
            // A new sample: written below like one whose series changed.
            self.samples
                .push(Sample::new(String::new(), Labels::new(), value));
            self.same_series = false;
        }
        let sample = &mut self.samples[at];
        let same_name = sample.name.len() == family.len() + suffix.len()
            && sample.name.starts_with(family)
            && sample.name.ends_with(suffix);
        if !same_name {
            self.same_series = false;
            sample.name.clear();
            sample.name.push_str(family);
            sample.name.push_str(suffix);
        }
        let same_labels = sample.labels.len() == labels.len() + usize::from(extra.is_some())
            && sample.labels.iter().zip(labels).all(|(a, b)| a == b)
            && extra.is_none_or(|(n, v)| {
                let (name, value) = &sample.labels[labels.len()];
                name == n && value == v
            });
        if !same_labels {
            self.same_series = false;
            sample.labels.clear();
            sample.labels.extend(labels.iter().cloned());
            sample
                .labels
                .extend(extra.map(|(n, v)| (n.to_string(), v.to_string())));
        }
        sample.value = value;
        sample.timestamp = None;
        sample.exemplar = None;
        sample.extra_exemplars.clear();
        sample.native = None;
        sample
    }
}

/// `labels` set to the pairs of `names` and `values`, reusing its strings.
fn zip_labels_into(labels: &mut Labels, names: &[String], values: &[String]) {
    labels.truncate(names.len());
    for (at, (name, value)) in names.iter().zip(values).enumerate() {
        match labels.get_mut(at) {
            Some((n, v)) => {
                if n != name {
                    n.clone_from(name);
                }
                if v != value {
                    v.clone_from(value);
                }
            }
            None => labels.push((name.clone(), value.clone())),
        }
    }
}

impl<M: Metric> Collector for MetricVec<M> {
    fn collect(&self) -> Vec<MetricFamily> {
        vec![self.family()]
    }

    fn collect_over(&self, into: &mut Collection, at: &mut usize) {
        let (slot, written_by) =
            into.slot_with_writer(*at, || MetricFamily::new(String::new(), M::METRIC_TYPE));
        if self.write_family(slot, Some(written_by)) {
            into.mark_same(*at);
        }
        *at += 1;
    }

    fn describe(&self) -> Vec<String> {
        let name = &self.inner.name;
        std::iter::once(name.clone())
            .chain(M::SUFFIXES.iter().map(|suffix| format!("{name}{suffix}")))
            .collect()
    }
}
