//! One scrape target's state: its identity, its series cache (series bytes as the
//! target writes them → store series), which series the last scrape saw (for
//! staleness), and the health shown on the Targets pane.

use rustc_hash::FxHashMap;

use crate::expo::textparse::same_bytes;
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
    /// The series as the target writes it (the index's key).
    pub key: Box<[u8]>,
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
    pub cache: SeriesCache,
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
    /// Where its series is in the cache (see [`SeriesCache::find`]).
    pub slot: Option<usize>,
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
            cache: SeriesCache::default(),
            iteration: 0,
            seen: 0,
            last_body: Vec::new(),
            last_lines: Vec::new(),
            last_format: None,
            report_series: Vec::new(),
        }
    }
}

/// The target's series cache: entries in slots, found by their series bytes.
/// A sample line usually names the series the same line of the last scrape
/// named, so the caller passes that line's slot as a hint: checking the hint's
/// key costs less than hashing the bytes and probing.
#[derive(Default)]
pub(super) struct SeriesCache {
    /// Fx, not SipHash: the keys are the target's own.
    index: FxHashMap<Box<[u8]>, usize>,
    entries: Vec<CacheEntry>,
}

impl SeriesCache {
    /// The slot of the series written `key`: `hint`, if that slot holds it, else
    /// the one the index gives.
    pub fn find(&self, key: &[u8], hint: Option<usize>) -> Option<usize> {
        match hint {
            Some(slot)
                if self
                    .entries
                    .get(slot)
                    .is_some_and(|e| same_bytes(&e.key, key)) =>
            {
                Some(slot)
            }
            _ => self.index.get(key).copied(),
        }
    }

    pub fn entry_mut(&mut self, slot: usize) -> &mut CacheEntry {
        &mut self.entries[slot]
    }

    /// Adds `entry`, or replaces the one with its key; returns its slot and
    /// whether the key is new.
    pub fn insert(&mut self, entry: CacheEntry) -> (usize, bool) {
        if let Some(&slot) = self.index.get(&entry.key) {
            self.entries[slot] = entry;
            return (slot, false);
        }
        let slot = self.entries.len();
        self.index.insert(entry.key.clone(), slot);
        self.entries.push(entry);
        (slot, true)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn entries(&self) -> &[CacheEntry] {
        &self.entries
    }

    pub fn entries_mut(&mut self) -> &mut [CacheEntry] {
        &mut self.entries
    }

    /// Keeps the entries `keep` accepts. Slots of the others are taken by the last
    /// entries: a hint to a moved entry no longer matches, and the index answers.
    pub fn retain(&mut self, keep: impl Fn(&CacheEntry) -> bool) {
        let mut slot = 0;
        while slot < self.entries.len() {
            if keep(&self.entries[slot]) {
                slot += 1;
                continue;
            }
            let gone = self.entries.swap_remove(slot);
            self.index.remove(&gone.key);
            if let Some(moved) = self.entries.get(slot)
                && let Some(at) = self.index.get_mut(&moved.key)
            {
                *at = slot;
            }
        }
    }

    pub fn clear(&mut self) {
        self.index.clear();
        self.entries.clear();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, series: u32) -> CacheEntry {
        CacheEntry {
            key: key.as_bytes().into(),
            series: SeriesRef(series),
            labels: Labels::new(&[("__name__", key)]),
            last_seen: u64::from(series),
            seen_before: 0,
            explicit_timestamp: false,
        }
    }

    /// A hint is only trusted when its slot holds the key: after entries leave and
    /// others move into their slots, every key is still found, by its hint or not.
    #[test]
    fn the_cache_finds_every_key_whatever_the_hint() {
        let mut cache = SeriesCache::default();
        let keys = ["a", "b", "c", "d", "e"];
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(cache.insert(entry(key, i as u32)), (i, true));
        }
        // Replacing keeps the slot.
        assert_eq!(cache.insert(entry("c", 2)), (2, false));
        let slots_before: Vec<usize> = keys
            .iter()
            .map(|k| cache.find(k.as_bytes(), None).unwrap())
            .collect();
        cache.retain(|e| e.series.0 % 2 == 0);
        assert_eq!(cache.len(), 3);
        for (key, hint) in keys.iter().zip(slots_before) {
            let kept = ["a", "c", "e"].contains(key);
            for hint in [None, Some(hint), Some(0), Some(7)] {
                let slot = cache.find(key.as_bytes(), hint);
                assert_eq!(slot.is_some(), kept, "{key} with hint {hint:?}");
                if let Some(slot) = slot {
                    assert_eq!(&*cache.entries()[slot].key, key.as_bytes());
                }
            }
        }
        assert_eq!(cache.find(b"zz", Some(0)), None);
        cache.clear();
        assert_eq!(cache.find(b"a", Some(0)), None);
    }
}
