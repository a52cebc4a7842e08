//! Native histograms in the instrumentation API, with client_golang's semantics
//! (`HistogramOpts.NativeHistogram…`): exponential buckets at the schema picked from a
//! bucket factor, a zero bucket, optional classic `le` buckets alongside, and the
//! bucket-count limit (reset after the minimum reset duration, else widen the zero
//! bucket, else halve the resolution). Time ("since the last reset") comes from the
//! registry's [`Clock`](super::Clock); client_golang's reset timer is replayed lazily
//! when the histogram is next observed or collected, at the time it would have fired.
//!
//! Each series collects as ONE sample named as the family carrying the native
//! histogram, followed (when classic buckets are configured) by `_bucket{le}`,
//! `_count`, `_sum` and `_created`. As in client_golang, `_count` and the `+Inf` bucket
//! include NaN observations (which fall in no other bucket) and `_sum` is always written.

use std::sync::{Arc, Mutex};

use super::clock::{SharedClock, Timer, time_closure};
use super::error::ClientError;
use super::family::{Metric, MetricVec, SampleSink, lock};
use super::histogram::validate_buckets;
use super::labels::{Opts, validate_exemplar_labels};
use super::native_buckets::{DEF_NATIVE_HISTOGRAM_ZERO_THRESHOLD, NativeBuckets, pick_schema};
use super::registry::Registry;
use crate::expo::encode::format::float_to_go_string;
use crate::expo::model::{Exemplar, Labels, MetricType, NativeHistogram as ExpoNative, Timestamp};

/// A native histogram family with label names.
pub type NativeHistogramVec = MetricVec<NativeHistogram>;

/// client_golang's `HistogramOpts` fields for native histograms (names kept).
#[derive(Clone, Debug, PartialEq)]
pub struct NativeHistogramOpts {
    /// Classic `le` bounds exposed alongside (empty: native only, client_golang's
    /// default once a bucket factor is set). `+Inf` is implied.
    pub buckets: Vec<f64>,
    /// Must exceed 1; the schema is the largest whose bucket growth factor is at most this.
    pub native_histogram_bucket_factor: f64,
    /// Observations with `|v| <=` this go to the zero bucket. 0 means
    /// [`DEF_NATIVE_HISTOGRAM_ZERO_THRESHOLD`]; a negative value means a zero bucket
    /// of width zero (only exact zeros).
    pub native_histogram_zero_threshold: f64,
    /// Populated buckets (both signs) allowed before limiting; 0 is unlimited.
    pub native_histogram_max_bucket_number: u32,
    /// Seconds since creation or the last reset after which exceeding the bucket limit
    /// resets the histogram (0: never reset). Widened zero buckets and halved
    /// resolutions are undone by a reset this long after the last one.
    pub native_histogram_min_reset_duration: f64,
    /// How far the zero bucket may be widened to limit buckets (0: never widened).
    pub native_histogram_max_zero_threshold: f64,
}

impl Default for NativeHistogramOpts {
    /// Factor 1.1 (schema 3), which client_golang's documentation recommends; no
    /// classic buckets, no limit.
    fn default() -> NativeHistogramOpts {
        NativeHistogramOpts::new(1.1)
    }
}

impl NativeHistogramOpts {
    pub fn new(bucket_factor: f64) -> NativeHistogramOpts {
        NativeHistogramOpts {
            buckets: Vec::new(),
            native_histogram_bucket_factor: bucket_factor,
            native_histogram_zero_threshold: 0.0,
            native_histogram_max_bucket_number: 0,
            native_histogram_min_reset_duration: 0.0,
            native_histogram_max_zero_threshold: 0.0,
        }
    }

    /// Classic buckets exposed alongside the native histogram.
    pub fn buckets(mut self, bounds: &[f64]) -> NativeHistogramOpts {
        self.buckets = bounds.to_vec();
        self
    }

    pub fn native_histogram_zero_threshold(mut self, threshold: f64) -> NativeHistogramOpts {
        self.native_histogram_zero_threshold = threshold;
        self
    }

    pub fn native_histogram_max_bucket_number(mut self, max: u32) -> NativeHistogramOpts {
        self.native_histogram_max_bucket_number = max;
        self
    }

    pub fn native_histogram_min_reset_duration(mut self, seconds: f64) -> NativeHistogramOpts {
        self.native_histogram_min_reset_duration = seconds;
        self
    }

    pub fn native_histogram_max_zero_threshold(mut self, threshold: f64) -> NativeHistogramOpts {
        self.native_histogram_max_zero_threshold = threshold;
        self
    }

    fn validated(&self) -> Result<NativeHistogramConfig, ClientError> {
        let invalid = |reason: &str| Err(ClientError::InvalidBuckets(reason.to_string()));
        let Some(schema) = pick_schema(self.native_histogram_bucket_factor) else {
            return invalid("the native histogram bucket factor must be greater than 1");
        };
        let threshold = self.native_histogram_zero_threshold;
        let zero_threshold = if threshold.is_nan() {
            return invalid("the native histogram zero threshold is NaN");
        } else if threshold > 0.0 {
            threshold
        } else if threshold == 0.0 {
            DEF_NATIVE_HISTOGRAM_ZERO_THRESHOLD
        } else {
            0.0
        };
        if self.native_histogram_max_zero_threshold.is_nan() {
            return invalid("the native histogram max zero threshold is NaN");
        }
        let min_reset = self.native_histogram_min_reset_duration;
        if min_reset.is_nan() || min_reset < 0.0 {
            return invalid("the native histogram min reset duration must not be negative");
        }
        let upper_bounds = if self.buckets.is_empty() {
            Vec::new()
        } else {
            validate_buckets(&self.buckets)?
        };
        let le_values = upper_bounds
            .iter()
            .map(|b| float_to_go_string(*b))
            .collect();
        Ok(NativeHistogramConfig {
            schema,
            zero_threshold,
            max_buckets: self.native_histogram_max_bucket_number,
            min_reset_duration: min_reset,
            max_zero_threshold: self.native_histogram_max_zero_threshold,
            upper_bounds,
            le_values,
        })
    }
}

/// The validated settings shared by every child of one family.
#[derive(Debug)]
pub struct NativeHistogramConfig {
    /// The initial schema and zero threshold (limiting changes them until a reset).
    schema: i32,
    zero_threshold: f64,
    max_buckets: u32,
    min_reset_duration: f64,
    max_zero_threshold: f64,
    /// Classic bounds with `+Inf` last, or empty for native only.
    upper_bounds: Vec<f64>,
    le_values: Vec<String>,
}

#[derive(Debug)]
struct NativeHistogramState {
    count: u64,
    sum: f64,
    /// Per-bucket (not cumulative) classic counts; the `+Inf` slot is unused (that
    /// bucket is `count`, NaN included).
    classic: Vec<u64>,
    exemplars: Vec<Option<Exemplar>>,
    /// The latest exemplar, put on the native sample (the model holds one per sample).
    native_exemplar: Option<Exemplar>,
    native: NativeBuckets,
    /// Creation or last reset: the created timestamp.
    last_reset: f64,
    /// When client_golang's scheduled reset fires (set when limiting first widens or halves).
    reset_due: Option<f64>,
}

impl NativeHistogramState {
    fn new(config: &NativeHistogramConfig, now: f64) -> NativeHistogramState {
        NativeHistogramState {
            count: 0,
            sum: 0.0,
            classic: vec![0; config.upper_bounds.len()],
            exemplars: vec![None; config.upper_bounds.len()],
            native_exemplar: None,
            native: NativeBuckets::new(config.schema, config.zero_threshold),
            last_reset: now,
            reset_due: None,
        }
    }

    /// `resetCounts`: everything back to the initial state (exemplars stay, as in Go).
    fn reset(&mut self, config: &NativeHistogramConfig, now: f64) {
        self.count = 0;
        self.sum = 0.0;
        self.classic.iter_mut().for_each(|c| *c = 0);
        self.native = NativeBuckets::new(config.schema, config.zero_threshold);
        self.last_reset = now;
        self.reset_due = None;
    }

    /// Fires the scheduled reset if its time has come.
    fn catch_up(&mut self, config: &NativeHistogramConfig, now: f64) {
        if let Some(due) = self.reset_due
            && now >= due
        {
            self.reset(config, due);
        }
    }

    /// `histogramCounts.observe`: the classic bucket index is `None` for NaN.
    fn count_in(&mut self, value: f64, classic: Option<usize>) {
        if let Some(index) = classic {
            self.classic[index] += 1;
        }
        self.sum += value;
        if !value.is_nan() {
            self.native.observe(value);
        }
        self.count += 1;
    }

    /// `limitBuckets`, after the observation of `value` was counted.
    fn limit(
        &mut self,
        config: &NativeHistogramConfig,
        value: f64,
        classic: Option<usize>,
        now: f64,
    ) {
        if config.max_buckets == 0 || config.max_buckets as usize >= self.native.bucket_number() {
            return;
        }
        let min_reset = config.min_reset_duration;
        // maybeReset: start over, keeping only the latest observation.
        if min_reset > 0.0 && self.reset_due.is_none() && now - self.last_reset >= min_reset {
            self.reset(config, now);
            self.count_in(value, classic);
            return;
        }
        // Undo what follows once the minimum reset duration has passed.
        if min_reset > 0.0 && self.reset_due.is_none() {
            self.reset_due = Some(self.last_reset + min_reset);
        }
        if !self.native.widen_zero_bucket(config.max_zero_threshold) {
            self.native.double_bucket_width();
        }
    }
}

/// One native histogram series.
#[derive(Clone)]
pub struct NativeHistogram {
    config: Arc<NativeHistogramConfig>,
    state: Arc<Mutex<NativeHistogramState>>,
    clock: SharedClock,
}

impl NativeHistogram {
    pub fn observe(&self, value: f64) {
        self.record(value, None);
    }

    /// Observes `value` with an exemplar, kept on its classic bucket (if any) and on
    /// the native sample. client_golang keeps up to 10 native exemplars; the model
    /// carries one per sample, so the latest is kept.
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
        self.record(value, Some(exemplar));
        Ok(())
    }

    fn record(&self, value: f64, exemplar: Option<Exemplar>) {
        let config = &*self.config;
        // Go's findBucket: NaN matches no finite bound and lands on +Inf (not counted).
        let classic = config.upper_bounds.iter().position(|bound| value <= *bound);
        let mut state = lock(&self.state);
        let needs_clock = state.reset_due.is_some() || config.max_buckets > 0;
        let now = if needs_clock { self.clock.now() } else { 0.0 };
        state.catch_up(config, now);
        state.count_in(value, classic);
        if !value.is_nan() {
            state.limit(config, value, classic, now);
        }
        if let Some(exemplar) = exemplar {
            if !state.exemplars.is_empty() {
                let last = state.exemplars.len() - 1;
                state.exemplars[classic.unwrap_or(last)] = Some(exemplar.clone());
            }
            state.native_exemplar = Some(exemplar);
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

    /// Observations since creation or the last reset (NaN included).
    pub fn count(&self) -> u64 {
        self.current().count
    }

    pub fn sum(&self) -> f64 {
        self.current().sum
    }

    /// The native histogram as it would be collected now.
    pub fn snapshot(&self) -> crate::histogram::Histogram {
        let state = self.current();
        state.native.to_model(state.count, state.sum)
    }

    /// Creation time, or the time of the last reset.
    pub fn created(&self) -> f64 {
        self.current().last_reset
    }

    /// The state with any due reset applied.
    fn current(&self) -> std::sync::MutexGuard<'_, NativeHistogramState> {
        let mut state = lock(&self.state);
        if state.reset_due.is_some() {
            state.catch_up(&self.config, self.clock.now());
        }
        state
    }
}

impl Metric for NativeHistogram {
    type Config = NativeHistogramConfig;
    const METRIC_TYPE: MetricType = MetricType::Histogram;
    const SUFFIXES: &'static [&'static str] = &["_bucket", "_count", "_sum", "_created"];

    fn reserved_label_names(_family_name: &str, _config: &NativeHistogramConfig) -> Vec<String> {
        vec!["le".to_string()]
    }

    fn new_child(config: &Arc<NativeHistogramConfig>, clock: &SharedClock) -> NativeHistogram {
        NativeHistogram {
            config: Arc::clone(config),
            state: Arc::new(Mutex::new(NativeHistogramState::new(config, clock.now()))),
            clock: clock.clone(),
        }
    }

    fn collect_samples(&self, family_name: &str, labels: &Labels, out: &mut SampleSink) {
        let state = self.current();
        let native = out.push(family_name, "", labels, None, 0.0);
        native.native = Some(Box::new(ExpoNative::Int(
            state.native.to_model(state.count, state.sum),
        )));
        native.exemplar = state.native_exemplar.clone();
        if self.config.upper_bounds.is_empty() {
            return;
        }
        let mut cumulative = 0;
        let last = self.config.le_values.len() - 1;
        for (index, le) in self.config.le_values.iter().enumerate() {
            cumulative = if index == last {
                state.count
            } else {
                cumulative + state.classic[index]
            };
            let bucket = out.push(
                family_name,
                "_bucket",
                labels,
                Some(("le", le)),
                cumulative as f64,
            );
            bucket.exemplar = state.exemplars[index].clone();
        }
        for (suffix, value) in [
            ("_count", state.count as f64),
            ("_sum", state.sum),
            ("_created", state.last_reset),
        ] {
            out.push(family_name, suffix, labels, None, value);
        }
    }
}

impl NativeHistogramVec {
    /// A native histogram family (see [`NativeHistogramOpts`]).
    pub fn new(
        opts: &Opts,
        native_opts: &NativeHistogramOpts,
        label_names: &[&str],
        clock: SharedClock,
    ) -> Result<NativeHistogramVec, ClientError> {
        MetricVec::with_config(opts, label_names, native_opts.validated()?, clock)
    }

    /// The schema new series start with.
    pub fn initial_schema(&self) -> i32 {
        self.config().schema
    }

    /// The zero threshold new series start with.
    pub fn initial_zero_threshold(&self) -> f64 {
        self.config().zero_threshold
    }

    /// Classic bucket upper bounds (`+Inf` last), empty for native only.
    pub fn upper_bounds(&self) -> &[f64] {
        &self.config().upper_bounds
    }
}

impl Registry {
    /// Creates and registers an unlabelled native histogram.
    pub fn native_histogram(
        &self,
        opts: &Opts,
        native_opts: &NativeHistogramOpts,
    ) -> Result<NativeHistogram, ClientError> {
        self.native_histogram_vec(opts, native_opts, &[])?
            .labels(&[])
    }

    /// Creates and registers a native histogram family with label names.
    pub fn native_histogram_vec(
        &self,
        opts: &Opts,
        native_opts: &NativeHistogramOpts,
        label_names: &[&str],
    ) -> Result<NativeHistogramVec, ClientError> {
        self.register_vec(NativeHistogramVec::new(
            opts,
            native_opts,
            label_names,
            self.clock().clone(),
        )?)
    }
}
