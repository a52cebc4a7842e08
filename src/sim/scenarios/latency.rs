//! The latency histograms the services instrument: classic `le` buckets, or, in a
//! run with native histograms on, a native histogram as client_golang offers it
//! (bucket factor 1.1, i.e. schema 3) with the same classic buckets alongside, so
//! text scrapes read what they always did and a protobuf scrape gets both.

use crate::client::{
    ClientError, Histogram, HistogramVec, NativeHistogram, NativeHistogramOpts, NativeHistogramVec,
    Opts, Registry,
};

/// client_golang's suggested factor: each bucket about 10% wider than the last.
pub(crate) const NATIVE_BUCKET_FACTOR: f64 = 1.1;
/// How many native buckets a series may keep before halving its resolution.
pub(crate) const NATIVE_MAX_BUCKETS: u32 = 160;

/// A latency family: its children are [`Latency`] histograms.
pub(crate) enum LatencyVec {
    Classic(HistogramVec),
    Native(NativeHistogramVec),
}

/// One latency histogram.
#[derive(Clone)]
pub(crate) enum Latency {
    Classic(Histogram),
    Native(NativeHistogram),
}

impl LatencyVec {
    /// Registers the family: classic buckets `bounds`, with a native histogram
    /// alongside when `native`.
    pub fn register(
        registry: &Registry,
        opts: &Opts,
        bounds: &[f64],
        label_names: &[&str],
        native: bool,
    ) -> Result<LatencyVec, ClientError> {
        if native {
            let native_opts = NativeHistogramOpts::new(NATIVE_BUCKET_FACTOR)
                .buckets(bounds)
                .native_histogram_max_bucket_number(NATIVE_MAX_BUCKETS);
            registry
                .native_histogram_vec(opts, &native_opts, label_names)
                .map(LatencyVec::Native)
        } else {
            registry
                .histogram_vec(opts, bounds, label_names)
                .map(LatencyVec::Classic)
        }
    }

    pub fn labels(&self, values: &[&str]) -> Result<Latency, ClientError> {
        match self {
            LatencyVec::Classic(v) => v.labels(values).map(Latency::Classic),
            LatencyVec::Native(v) => v.labels(values).map(Latency::Native),
        }
    }
}

impl Latency {
    pub fn observe(&self, value: f64) {
        match self {
            Latency::Classic(h) => h.observe(value),
            Latency::Native(h) => h.observe(value),
        }
    }

    /// `n` observations of `value`.
    pub fn observe_n(&self, value: f64, n: u64) {
        match self {
            Latency::Classic(h) => h.observe_n(value, n),
            Latency::Native(h) => (0..n).for_each(|_| h.observe(value)),
        }
    }
}
