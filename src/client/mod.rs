//! The instrumentation API, in the style of the official Prometheus clients
//! (client_python, client_golang): a [`Registry`] of collectors, and counters, gauges,
//! histograms (classic, and native as client_golang makes them: [`NativeHistogram`]),
//! summaries, info and enum (StateSet) metrics, labelled through
//! [`MetricVec::labels`]. Time comes from an injectable [`Clock`] (virtual time in the
//! playground, a fixed time in tests). `registry.collect()` yields canonical families
//! for `expo::encode`.
//!
//! ```
//! use promplay::client::{ManualClock, Opts, Registry};
//! use promplay::expo::encode::text;
//!
//! let registry = Registry::new(ManualClock::shared(123.456));
//! let requests = registry.counter_vec(&Opts::new("requests", "Requests served"), &["code"]).unwrap();
//! requests.labels(&["200"]).unwrap().inc();
//! assert!(text::encode(&registry.collect()).contains("requests_total{code=\"200\"} 1.0\n"));
//! ```

pub mod clock;
pub mod counter;
pub mod custom;
pub mod error;
pub mod family;
pub mod gauge;
pub mod histogram;
pub mod info;
pub mod labels;
pub mod native_buckets;
pub mod native_histogram;
pub mod registry;
pub mod stateset;
pub mod summary;

#[cfg(test)]
mod native_histogram_tests;
#[cfg(test)]
mod tests;

#[cfg(not(target_arch = "wasm32"))]
pub use clock::SystemClock;
pub use clock::{Clock, ManualClock, SharedClock, Timer, time_closure};
pub use counter::{Counter, CounterVec};
pub use custom::{FamilyBuilder, gauge_histogram_family, histogram_family};
pub use error::ClientError;
pub use family::{Metric, MetricVec};
pub use gauge::{Gauge, GaugeVec};
pub use histogram::{
    DEFAULT_BUCKETS, Histogram, HistogramVec, exponential_buckets, linear_buckets, validate_buckets,
};
pub use info::{Info, InfoVec};
pub use labels::{Opts, validate_label_name};
pub use native_buckets::{
    DEF_NATIVE_HISTOGRAM_ZERO_THRESHOLD, NATIVE_HISTOGRAM_ZERO_THRESHOLD_ZERO, bucket_key,
    pick_schema,
};
pub use native_histogram::{NativeHistogram, NativeHistogramOpts, NativeHistogramVec};
pub use registry::{Collection, Collector, CollectorId, FnCollector, Registry, StaticCollector};
pub use stateset::{Enum, EnumVec};
pub use summary::{Summary, SummaryOpts, SummaryVec};
