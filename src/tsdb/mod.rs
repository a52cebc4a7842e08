//! The store: an in-memory time-series database, as Prometheus's head block.
//!
//! Series are identified by their label sets (`Labels`) and found through an
//! inverted index (postings) that answers `=`, `!=`, `=~`, `!~` matchers with
//! Prometheus's semantics. Samples (`i64` milliseconds, `f64` values) are appended in
//! time order per series into XOR-compressed chunks (`chunkenc`), read back by time
//! range, dropped by time or byte-budget retention, and summarised as Prometheus's
//! TSDB status page does.
//!
//! ```
//! use promplay::tsdb::{Head, Labels, Matcher};
//! let mut head = Head::default();
//! let (r, created) = head.get_or_create(&Labels::new(&[("__name__", "up"), ("job", "api")]));
//! assert!(created);
//! head.append(r, 15_000, 1.0).unwrap();
//! let refs = head.select(&[Matcher::regex("job", "api|web").unwrap()]);
//! assert_eq!(head.iter(refs[0], 0, 60_000).collect::<Vec<_>>(), vec![(15_000, 1.0)]);
//! ```
//!
//! Time is always passed in: nothing here reads a clock, so it runs the same in the
//! browser and natively (the benchmarks that measure it are in `crate::bench`).

use std::fmt;

mod chunk;
pub mod chunkenc;
mod head;
pub mod labels;
pub mod matcher;
mod postings;
mod retention;
mod select_cache;
mod series;
mod start_ts;
mod stats;

pub use head::{Head, Options};
pub use labels::{Labels, METRIC_NAME};
pub use matcher::{MatchType, Matcher, MatcherError};
pub use retention::{RetentionReport, retention_target};
pub use select_cache::Selection;
pub use series::SeriesIterator;
pub use stats::Stats;

/// Prometheus's staleness marker: a NaN with this exact bit pattern, written when a
/// series disappears from a scrape. Other NaNs are ordinary values.
pub const STALE_NAN: u64 = 0x7ff0_0000_0000_0002;

/// Whether `v` is the staleness marker (compared by bits, as NaN != NaN).
pub fn is_stale_nan(v: f64) -> bool {
    v.to_bits() == STALE_NAN
}

/// A series' handle in a `Head`: cheap to copy, stable until retention removes the
/// series (references are never reused).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesRef(pub(crate) u32);

impl SeriesRef {
    pub fn id(self) -> u32 {
        self.0
    }
}

/// Why a sample was not stored. Messages are Prometheus's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AppendError {
    /// Older than the series' last sample.
    OutOfOrder { t: i64, last_t: i64 },
    /// The series' last timestamp again, with a different value.
    Duplicate { t: i64, existing: f64, new: f64 },
    /// The series' last timestamp again, with a value of another kind or a
    /// different histogram.
    DuplicateHistogram { t: i64 },
    /// Older than what time retention keeps.
    OutOfBounds { t: i64, min_valid_t: i64 },
    /// The reference names no series (never created, or removed by retention).
    UnknownSeries(SeriesRef),
}

impl fmt::Display for AppendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppendError::OutOfOrder { .. } => f.write_str("out of order sample"),
            AppendError::Duplicate { t, existing, new } => write!(
                f,
                "duplicate sample for timestamp, timestamp: {t}, existing: {existing}, new: {new}"
            ),
            AppendError::DuplicateHistogram { .. } => f.write_str("duplicate sample for timestamp"),
            AppendError::OutOfBounds { .. } => f.write_str("out of bounds"),
            AppendError::UnknownSeries(r) => write!(f, "unknown series reference {}", r.0),
        }
    }
}

impl std::error::Error for AppendError {}
