//! Histogram: observations counted into cumulative buckets (`le` upper bounds), with
//! `_count`, `_sum` (left out when a bucket bound is negative, as client_python does,
//! since the sum is then not monotonic) and `_created`; an exemplar per bucket.

use std::sync::{Arc, Mutex};

use super::clock::{SharedClock, Timer, time_closure};
use super::error::ClientError;
use super::family::{Metric, MetricVec, SampleSink, lock};
use super::labels::{Opts, validate_exemplar_labels};
use super::registry::Registry;
use crate::expo::encode::format::float_to_go_string;
use crate::expo::model::{Exemplar, Labels, MetricType, Timestamp};

/// client_python's and client_golang's default bounds (+Inf is appended).
pub const DEFAULT_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// A histogram family with label names.
pub type HistogramVec = MetricVec<Histogram>;

/// `count` bounds `start, start + width, …` (client_golang's `LinearBuckets`).
pub fn linear_buckets(start: f64, width: f64, count: usize) -> Result<Vec<f64>, ClientError> {
    if count < 1 {
        return Err(ClientError::InvalidBuckets(
            "LinearBuckets needs a positive count".into(),
        ));
    }
    Ok((0..count).map(|i| start + width * i as f64).collect())
}

/// `count` bounds `start, start * factor, …` (client_golang's `ExponentialBuckets`).
pub fn exponential_buckets(start: f64, factor: f64, count: usize) -> Result<Vec<f64>, ClientError> {
    if count < 1 {
        return Err(ClientError::InvalidBuckets(
            "ExponentialBuckets needs a positive count".into(),
        ));
    }
    if start <= 0.0 || start.is_nan() {
        return Err(ClientError::InvalidBuckets(
            "ExponentialBuckets needs a positive start value".into(),
        ));
    }
    if factor <= 1.0 || factor.is_nan() {
        return Err(ClientError::InvalidBuckets(
            "ExponentialBuckets needs a factor greater than 1".into(),
        ));
    }
    let mut bounds = Vec::with_capacity(count);
    let mut bound = start;
    for _ in 0..count {
        bounds.push(bound);
        bound *= factor;
    }
    Ok(bounds)
}

/// Checks bucket bounds (no NaN, strictly increasing) and appends +Inf when missing.
pub fn validate_buckets(bounds: &[f64]) -> Result<Vec<f64>, ClientError> {
    if bounds.iter().any(|b| b.is_nan()) {
        return Err(ClientError::InvalidBuckets("a bucket bound is NaN".into()));
    }
    if bounds.windows(2).any(|pair| pair[0] >= pair[1]) {
        return Err(ClientError::InvalidBuckets(
            "Buckets not in sorted order (strictly increasing)".into(),
        ));
    }
    let mut bounds = bounds.to_vec();
    if bounds.last().is_some_and(|last| *last != f64::INFINITY) {
        bounds.push(f64::INFINITY);
    }
    if bounds.len() < 2 {
        return Err(ClientError::InvalidBuckets(
            "Must have at least two buckets".into(),
        ));
    }
    Ok(bounds)
}

/// The validated upper bounds shared by every child of one histogram family.
#[derive(Debug)]
pub struct HistogramConfig {
    upper_bounds: Vec<f64>,
    /// The `le` label value of each bound, formatted once (collect runs every scrape).
    le_values: Vec<String>,
}

#[derive(Debug)]
struct HistogramState {
    /// Per-bucket (not cumulative) counts.
    counts: Vec<f64>,
    sum: f64,
    exemplars: Vec<Option<Exemplar>>,
}

/// One histogram series.
#[derive(Clone)]
pub struct Histogram {
    config: Arc<HistogramConfig>,
    state: Arc<Mutex<HistogramState>>,
    created: f64,
    clock: SharedClock,
}

impl Histogram {
    pub fn observe(&self, value: f64) {
        self.record(value, 1, None);
    }

    /// Observes `value` and keeps an exemplar for it on the bucket it falls in.
    pub fn observe_with_exemplar(
        &self,
        value: f64,
        exemplar_labels: &[(&str, &str)],
    ) -> Result<(), ClientError> {
        let labels = validate_exemplar_labels(exemplar_labels)?;
        let exemplar = Exemplar {
            labels,
            value,
            timestamp: Some(Timestamp::Seconds(self.clock.now())),
        };
        self.record(value, 1, Some(exemplar));
        Ok(())
    }

    /// Records `n` observations of the same `value` at once (for simulations that
    /// observe in bulk): the bucket count goes up by `n` and the sum by `value * n`,
    /// which may round differently in the last bits from `n` separate observations.
    pub fn observe_n(&self, value: f64, n: u64) {
        if n > 0 {
            self.record(value, n, None);
        }
    }

    /// Adds `n` observations of `value` (and an exemplar for its bucket, if given).
    fn record(&self, value: f64, n: u64, exemplar: Option<Exemplar>) {
        let count = n as f64;
        let mut state = lock(&self.state);
        state.sum += value * count;
        // A NaN falls in no bucket (as in client_python) but still poisons the sum.
        if let Some(bucket) = self
            .config
            .upper_bounds
            .iter()
            .position(|bound| value <= *bound)
        {
            state.counts[bucket] += count;
            if exemplar.is_some() {
                state.exemplars[bucket] = exemplar;
            }
        }
    }

    /// Runs `work` and observes the clock time it took.
    pub fn time<T>(&self, work: impl FnOnce() -> T) -> T {
        let (result, elapsed) = time_closure(&self.clock, work);
        self.observe(elapsed);
        result
    }

    /// A timer on this histogram's clock; pass `timer.elapsed()` to `observe`.
    pub fn start_timer(&self) -> Timer {
        Timer::start(self.clock.clone())
    }

    /// Observations so far.
    pub fn count(&self) -> f64 {
        lock(&self.state).counts.iter().sum()
    }

    pub fn sum(&self) -> f64 {
        lock(&self.state).sum
    }
}

impl Metric for Histogram {
    type Config = HistogramConfig;
    const METRIC_TYPE: MetricType = MetricType::Histogram;
    const SUFFIXES: &'static [&'static str] = &["_bucket", "_count", "_sum", "_created"];

    fn reserved_label_names(_family_name: &str, _config: &HistogramConfig) -> Vec<String> {
        vec!["le".to_string()]
    }

    fn new_child(config: &Arc<HistogramConfig>, clock: &SharedClock) -> Histogram {
        let buckets = config.upper_bounds.len();
        Histogram {
            config: Arc::clone(config),
            state: Arc::new(Mutex::new(HistogramState {
                counts: vec![0.0; buckets],
                sum: 0.0,
                exemplars: vec![None; buckets],
            })),
            created: clock.now(),
            clock: clock.clone(),
        }
    }

    fn collect_samples(&self, family_name: &str, labels: &Labels, out: &mut SampleSink) {
        let state = lock(&self.state);
        let mut cumulative = 0.0;
        for (index, le) in self.config.le_values.iter().enumerate() {
            cumulative += state.counts[index];
            let bucket = out.push(family_name, "_bucket", labels, Some(("le", le)), cumulative);
            bucket.exemplar = state.exemplars[index].clone();
        }
        out.push(family_name, "_count", labels, None, cumulative);
        if self
            .config
            .upper_bounds
            .first()
            .is_some_and(|lowest| *lowest >= 0.0)
        {
            out.push(family_name, "_sum", labels, None, state.sum);
        }
        out.push(family_name, "_created", labels, None, self.created);
    }
}

impl HistogramVec {
    /// A histogram family with these bucket upper bounds (see [`validate_buckets`]).
    pub fn new(
        opts: &Opts,
        buckets: &[f64],
        label_names: &[&str],
        clock: SharedClock,
    ) -> Result<HistogramVec, ClientError> {
        let upper_bounds = validate_buckets(buckets)?;
        let le_values = upper_bounds
            .iter()
            .map(|b| float_to_go_string(*b))
            .collect();
        let config = HistogramConfig {
            upper_bounds,
            le_values,
        };
        MetricVec::with_config(opts, label_names, config, clock)
    }

    /// The bucket upper bounds, +Inf included.
    pub fn upper_bounds(&self) -> &[f64] {
        &self.config().upper_bounds
    }
}

impl Registry {
    /// Creates and registers an unlabelled histogram (`&DEFAULT_BUCKETS` for the defaults).
    pub fn histogram(&self, opts: &Opts, buckets: &[f64]) -> Result<Histogram, ClientError> {
        self.histogram_vec(opts, buckets, &[])?.labels(&[])
    }

    /// Creates and registers a histogram family with label names.
    pub fn histogram_vec(
        &self,
        opts: &Opts,
        buckets: &[f64],
        label_names: &[&str],
    ) -> Result<HistogramVec, ClientError> {
        self.register_vec(HistogramVec::new(
            opts,
            buckets,
            label_names,
            self.clock().clone(),
        )?)
    }
}
