//! Summary: `_count` and `_sum` of observations (all client_python reports), plus
//! optional quantiles over a sliding time window, as client_golang's `Objectives`,
//! `MaxAge` and `AgeBuckets` describe it. Quantiles here are exact (nearest rank) over
//! the observations in the window rather than approximate; the window slides in steps
//! of `max_age / age_buckets`, so it holds between `max_age - step` and `max_age` of history.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use super::clock::{SharedClock, Timer, time_closure};
use super::error::ClientError;
use super::family::{Metric, MetricVec, SampleSink, lock};
use super::labels::Opts;
use super::registry::Registry;
use crate::expo::encode::format::float_to_go_string;
use crate::expo::model::{Labels, MetricType};

/// A summary family with label names.
pub type SummaryVec = MetricVec<Summary>;

/// client_golang's defaults: a ten-minute window in five steps.
pub const DEFAULT_MAX_AGE_SECONDS: f64 = 600.0;
pub const DEFAULT_AGE_BUCKETS: u32 = 5;

/// What a summary reports beyond count and sum.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryOpts {
    /// `(quantile, allowed error)` pairs; empty means no quantiles (client_python's behaviour).
    /// The error is accepted for client_golang compatibility; quantiles here are exact.
    pub objectives: Vec<(f64, f64)>,
    pub max_age_seconds: f64,
    pub age_buckets: u32,
}

impl Default for SummaryOpts {
    fn default() -> SummaryOpts {
        SummaryOpts {
            objectives: Vec::new(),
            max_age_seconds: DEFAULT_MAX_AGE_SECONDS,
            age_buckets: DEFAULT_AGE_BUCKETS,
        }
    }
}

impl SummaryOpts {
    pub fn with_objectives(objectives: &[(f64, f64)]) -> SummaryOpts {
        SummaryOpts {
            objectives: objectives.to_vec(),
            ..SummaryOpts::default()
        }
    }

    pub fn max_age(mut self, seconds: f64, age_buckets: u32) -> SummaryOpts {
        self.max_age_seconds = seconds;
        self.age_buckets = age_buckets;
        self
    }

    fn validated(mut self) -> Result<SummaryOpts, ClientError> {
        for (quantile, error) in &self.objectives {
            if !(0.0..=1.0).contains(quantile) {
                return Err(ClientError::InvalidSummaryOptions(format!(
                    "quantile {quantile} is not between 0 and 1"
                )));
            }
            if !(0.0..=1.0).contains(error) {
                return Err(ClientError::InvalidSummaryOptions(format!(
                    "allowed error {error} is not between 0 and 1"
                )));
            }
        }
        if self.max_age_seconds.is_nan() || self.max_age_seconds <= 0.0 {
            return Err(ClientError::InvalidSummaryOptions(
                "max_age must be positive".into(),
            ));
        }
        if self.age_buckets == 0 {
            return Err(ClientError::InvalidSummaryOptions(
                "age_buckets must be at least 1".into(),
            ));
        }
        self.objectives.sort_by(|a, b| a.0.total_cmp(&b.0));
        self.objectives.dedup_by(|a, b| a.0 == b.0);
        Ok(self)
    }

    fn step_seconds(&self) -> f64 {
        self.max_age_seconds / f64::from(self.age_buckets)
    }
}

#[derive(Debug, Default)]
struct SummaryState {
    count: f64,
    sum: f64,
    /// Observations by window step (`floor(time / step)`), oldest first.
    window: VecDeque<(i64, Vec<f64>)>,
}

impl SummaryState {
    fn expire(&mut self, opts: &SummaryOpts, now: f64) {
        let current_step = (now / opts.step_seconds()).floor() as i64;
        let oldest_kept = current_step - i64::from(opts.age_buckets) + 1;
        while self
            .window
            .front()
            .is_some_and(|(step, _)| *step < oldest_kept)
        {
            self.window.pop_front();
        }
    }
}

/// One summary series.
#[derive(Clone)]
pub struct Summary {
    opts: Arc<SummaryOpts>,
    state: Arc<Mutex<SummaryState>>,
    created: f64,
    clock: SharedClock,
}

impl Summary {
    pub fn observe(&self, value: f64) {
        self.observe_n(value, 1);
    }

    /// Records `n` observations of the same `value` at once (for simulations that
    /// observe in bulk): the count goes up by `n` and the sum by `value * n`, which may
    /// round differently in the last bits from `n` separate observations. With
    /// quantiles, the window holds `n` copies of the value.
    pub fn observe_n(&self, value: f64, n: u64) {
        if n == 0 {
            return;
        }
        let mut state = lock(&self.state);
        state.count += n as f64;
        state.sum += value * n as f64;
        if self.opts.objectives.is_empty() {
            return;
        }
        let now = self.clock.now();
        let step = (now / self.opts.step_seconds()).floor() as i64;
        state.expire(&self.opts, now);
        let copies = std::iter::repeat_n(value, n as usize);
        match state.window.back_mut() {
            Some((last_step, values)) if *last_step == step => values.extend(copies),
            _ => state.window.push_back((step, copies.collect())),
        }
    }

    /// Runs `work` and observes the clock time it took.
    pub fn time<T>(&self, work: impl FnOnce() -> T) -> T {
        let (result, elapsed) = time_closure(&self.clock, work);
        self.observe(elapsed);
        result
    }

    /// A timer on this summary's clock; pass `timer.elapsed()` to `observe`.
    pub fn start_timer(&self) -> Timer {
        Timer::start(self.clock.clone())
    }

    pub fn count(&self) -> f64 {
        lock(&self.state).count
    }

    pub fn sum(&self) -> f64 {
        lock(&self.state).sum
    }

    /// The `quantile` (0..=1) of the observations in the window now, by nearest rank;
    /// NaN when the window is empty (as client_golang reports it).
    pub fn quantile(&self, quantile: f64) -> f64 {
        let mut state = lock(&self.state);
        state.expire(&self.opts, self.clock.now());
        let mut values: Vec<f64> = state
            .window
            .iter()
            .flat_map(|(_, values)| values.iter().copied())
            .collect();
        nearest_rank(&mut values, quantile)
    }
}

fn nearest_rank(values: &mut [f64], quantile: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let rank = (quantile * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

impl Metric for Summary {
    type Config = SummaryOpts;
    const METRIC_TYPE: MetricType = MetricType::Summary;
    const SUFFIXES: &'static [&'static str] = &["_count", "_sum", "_created"];

    fn reserved_label_names(_family_name: &str, _config: &SummaryOpts) -> Vec<String> {
        vec!["quantile".to_string()]
    }

    fn new_child(config: &Arc<SummaryOpts>, clock: &SharedClock) -> Summary {
        Summary {
            opts: Arc::clone(config),
            state: Arc::new(Mutex::new(SummaryState::default())),
            created: clock.now(),
            clock: clock.clone(),
        }
    }

    fn collect_samples(&self, family_name: &str, labels: &Labels, out: &mut SampleSink) {
        for (quantile, _) in &self.opts.objectives {
            let value = self.quantile(*quantile);
            let quantile = float_to_go_string(*quantile);
            out.push(
                family_name,
                "",
                labels,
                Some(("quantile", &quantile)),
                value,
            );
        }
        let state = lock(&self.state);
        out.push(family_name, "_count", labels, None, state.count);
        out.push(family_name, "_sum", labels, None, state.sum);
        out.push(family_name, "_created", labels, None, self.created);
    }
}

impl SummaryVec {
    pub fn new(
        opts: &Opts,
        summary_opts: SummaryOpts,
        label_names: &[&str],
        clock: SharedClock,
    ) -> Result<SummaryVec, ClientError> {
        MetricVec::with_config(opts, label_names, summary_opts.validated()?, clock)
    }
}

impl Registry {
    /// Creates and registers an unlabelled summary (`SummaryOpts::default()`: no quantiles).
    pub fn summary(&self, opts: &Opts, summary_opts: SummaryOpts) -> Result<Summary, ClientError> {
        self.summary_vec(opts, summary_opts, &[])?.labels(&[])
    }

    /// Creates and registers a summary family with label names.
    pub fn summary_vec(
        &self,
        opts: &Opts,
        summary_opts: SummaryOpts,
        label_names: &[&str],
    ) -> Result<SummaryVec, ClientError> {
        self.register_vec(SummaryVec::new(
            opts,
            summary_opts,
            label_names,
            self.clock().clone(),
        )?)
    }
}
