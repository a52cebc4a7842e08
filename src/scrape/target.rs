//! One scrape target's state: its identity, its series cache (series bytes as the
//! target writes them → store series), which series the last scrape saw (for
//! staleness), and the health shown on the Targets pane.

use rustc_hash::FxHashMap;

use crate::tsdb::{Labels, SeriesRef};

/// Health as Prometheus's Targets page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    Unknown,
    Up,
    Down,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Unknown => "unknown",
            Health::Up => "up",
            Health::Down => "down",
        }
    }
}

/// What the Targets pane shows about a target.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetStatus {
    pub job: String,
    pub instance: String,
    pub honor_labels: bool,
    pub health: Health,
    /// Virtual time of the last scrape, ms.
    pub last_scrape_ms: Option<i64>,
    pub last_duration_s: f64,
    pub last_error: Option<String>,
    pub last_samples: usize,
    /// When the next scrape is due, ms.
    pub next_scrape_ms: i64,
}

pub(super) struct CacheEntry {
    pub series: SeriesRef,
    /// The series' labels, to create it again if retention removed it.
    pub labels: Labels,
    /// The scrape iteration that last saw the series (0: never in a scrape).
    pub last_seen: u64,
    /// `last_seen` before the current scrape, to undo marking when a scrape fails.
    pub seen_before: u64,
    /// Samples with their own timestamps get no stale markers, as in Prometheus.
    pub explicit_timestamp: bool,
}

pub(super) struct Target {
    pub status: TargetStatus,
    /// Keyed by a series as written; Fx, not SipHash: every sample of every
    /// scrape looks its series up here, and the keys are the target's own.
    pub cache: FxHashMap<Box<[u8]>, CacheEntry>,
    pub iteration: u64,
    /// Cached series this scrape has seen so far (each counted once).
    pub seen: usize,
    /// Store series of `up` and the other scrape_* series, once created.
    pub report_series: Vec<(Labels, SeriesRef)>,
    /// The last text body and each sample line as it was read from it: the next
    /// scrape's lines are checked against them first (see `stage`).
    pub last_body: Vec<u8>,
    pub last_lines: Vec<ReadLine>,
    /// The format they were read in: a line reads differently in another.
    pub last_format: Option<crate::expo::textparse::Format>,
}

/// A sample line of the last body: where it is, how long its series is, what
/// it read.
pub(super) struct ReadLine {
    pub at: usize,
    pub len: usize,
    pub series_len: usize,
    pub value: f64,
    pub timestamp: Option<crate::expo::Timestamp>,
}

impl Target {
    pub fn new(job: String, instance: String, honor_labels: bool, first_scrape_ms: i64) -> Target {
        Target {
            status: TargetStatus {
                job,
                instance,
                honor_labels,
                health: Health::Unknown,
                last_scrape_ms: None,
                last_duration_s: 0.0,
                last_error: None,
                last_samples: 0,
                next_scrape_ms: first_scrape_ms,
            },
            cache: FxHashMap::default(),
            iteration: 0,
            seen: 0,
            last_body: Vec::new(),
            last_lines: Vec::new(),
            last_format: None,
            report_series: Vec::new(),
        }
    }
}

/// Prometheus spreads targets over the interval by a hash of their identity, so
/// they are not all scraped at once; this is that offset, the same on every machine.
pub fn scrape_offset_ms(job: &str, instance: &str, interval_ms: i64) -> i64 {
    // FNV-1a: tiny, stable across platforms and Rust versions.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in job.bytes().chain([0xff]).chain(instance.bytes()) {
        hash ^= b as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash % interval_ms.max(1) as u64) as i64
}
