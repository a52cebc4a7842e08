//! Retention: by time (chunks that end before `now - retention`) and by a byte budget
//! (the oldest chunks across all series first). Whole chunks go, as Prometheus drops
//! whole blocks; a series left without samples leaves the index.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::head::{Head, SERIES_OVERHEAD};
use super::labels::Labels;
use super::series::MemSeries;

/// What one `apply_retention` removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RetentionReport {
    pub chunks_dropped: usize,
    pub samples_dropped: u64,
    pub series_removed: usize,
}

impl Head {
    /// Applies the configured retention at time `now_ms`. Samples older than the time
    /// cutoff are refused from then on ("out of bounds").
    pub fn apply_retention(&mut self, now_ms: i64) -> RetentionReport {
        let mut report = RetentionReport::default();
        let mut emptied: Vec<u32> = Vec::new();
        if let Some(retention) = self.opts.retention_ms {
            let cutoff = now_ms.saturating_sub(retention);
            self.min_valid_t = self.min_valid_t.max(cutoff);
            for (r, slot) in self.series.iter_mut().enumerate() {
                let Some(s) = slot.as_deref_mut() else {
                    continue;
                };
                while oldest_chunk_expired(s, cutoff) {
                    let (bytes, samples) = s.drop_oldest_chunk().expect("a chunk");
                    self.chunk_bytes -= bytes;
                    self.num_chunks -= 1;
                    self.num_samples -= samples as u64;
                    report.chunks_dropped += 1;
                    report.samples_dropped += samples as u64;
                }
                if s.num_chunks() == 0 {
                    emptied.push(r as u32);
                }
            }
        }
        if let Some(budget) = self.opts.max_bytes {
            self.drop_oldest_until(budget, &mut emptied, &mut report);
        }
        emptied.sort_unstable();
        emptied.dedup();
        report.series_removed = emptied.len();
        self.remove_series(&emptied);
        report
    }

    /// Whether `apply_retention(now_ms)` would leave the store as it is: no chunk
    /// dropped, and no sample stamped at or after `writes_from_ms` refused after it.
    pub fn retention_is_noop(&self, now_ms: i64, writes_from_ms: i64) -> bool {
        if self
            .opts
            .max_bytes
            .is_some_and(|budget| self.bytes() > budget)
        {
            return false;
        }
        let Some(retention) = self.opts.retention_ms else {
            return true;
        };
        let cutoff = now_ms.saturating_sub(retention);
        cutoff <= writes_from_ms
            && !self
                .series
                .iter()
                .flatten()
                .any(|s| oldest_chunk_expired(s, cutoff))
    }

    /// Drops the oldest chunks across all series until `bytes()` fits `budget`.
    fn drop_oldest_until(
        &mut self,
        budget: usize,
        emptied: &mut Vec<u32>,
        report: &mut RetentionReport,
    ) {
        // Series emptied but not yet removed still count in `bytes()`: subtract the
        // share their removal frees (the index's shared entries are not counted, so
        // this errs towards dropping slightly more).
        let pending = |head: &Head, r: u32| {
            let s = head.series[r as usize].as_deref().expect("live series");
            SERIES_OVERHEAD + s.labels.heap_bytes() + 4 * (s.labels.len() + 1)
        };
        let mut freed: usize = emptied.iter().map(|&r| pending(self, r)).sum();
        if self.bytes().saturating_sub(freed) <= budget {
            return;
        }
        // A min-heap of each series' oldest chunk: (min time, max time, reference).
        let mut heap: BinaryHeap<Reverse<(i64, i64, u32)>> = self
            .series
            .iter()
            .enumerate()
            .filter_map(|(r, s)| {
                let (lo, hi) = s.as_deref()?.oldest_chunk_range()?;
                Some(Reverse((lo, hi, r as u32)))
            })
            .collect();
        while self.bytes().saturating_sub(freed) > budget {
            let Some(Reverse((_, _, r))) = heap.pop() else {
                break;
            };
            let s = self.series[r as usize].as_deref_mut().expect("live series");
            let (bytes, samples) = s.drop_oldest_chunk().expect("a chunk");
            self.chunk_bytes -= bytes;
            self.num_chunks -= 1;
            self.num_samples -= samples as u64;
            report.chunks_dropped += 1;
            report.samples_dropped += samples as u64;
            match s.oldest_chunk_range() {
                Some((lo, hi)) => heap.push(Reverse((lo, hi, r))),
                None => {
                    emptied.push(r);
                    freed += pending(self, r);
                }
            }
        }
    }

    /// Removes series without chunks from the store and the index.
    fn remove_series(&mut self, refs: &[u32]) {
        let mut dead: Vec<(u32, Labels)> = Vec::with_capacity(refs.len());
        for &r in refs {
            let Some(s) = self.series[r as usize].take() else {
                continue;
            };
            debug_assert_eq!(s.num_chunks(), 0);
            self.refs.remove(&s.labels);
            self.series_bytes -= SERIES_OVERHEAD + s.labels.heap_bytes();
            self.series_generation += 1;
            dead.push((r, s.labels));
        }
        // The slots stay (8 bytes each): references are never reused.
        self.postings.remove(&dead);
    }
}

/// The `max_bytes` to configure for a store that must stay under `budget` bytes when
/// retention runs only now and then: a little under it, leaving room for the samples
/// appended between two passes.
pub fn retention_target(budget: usize) -> usize {
    budget / 100 * 97
}

/// Whether time retention with this cutoff drops the series' oldest chunk (the
/// pass and the check that it would change nothing ask the same).
fn oldest_chunk_expired(s: &MemSeries, cutoff: i64) -> bool {
    s.oldest_chunk_range()
        .is_some_and(|(_, max_t)| max_t < cutoff)
}
