//! Alertmanager's notification log (`nflog/nflog.go`): for each aggregation group
//! and each integration of its receiver, what the last notification said (which
//! alerts were firing, which resolved) and when. The dedup stage reads it to
//! decide whether a flush needs a notification. It is kept across reloads.

use std::collections::{BTreeMap, BTreeSet};

use super::alert::tick_at_or_after;
use super::silence::{MAINTENANCE_INTERVAL_MS, RETENTION_MS};

/// Which receiver integration an entry is for: group key, receiver name,
/// integration kind and its index among that kind (`nflogpb.Receiver`).
pub(crate) type EntryKey = (String, String, &'static str, usize);

#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub timestamp_ms: i64,
    /// Hashes of the alerts' label sets (`hashAlert`).
    pub firing: BTreeSet<u64>,
    pub resolved: BTreeSet<u64>,
    pub expires_at_ms: i64,
}

impl Entry {
    /// Whether the maintenance has collected it by `now`: at the first
    /// maintenance tick at or after it expires (later than its own writing).
    fn collected_by(&self, now: i64) -> bool {
        let first_chance = self.expires_at_ms.max(self.timestamp_ms.saturating_add(1));
        tick_at_or_after(0, MAINTENANCE_INTERVAL_MS, first_chance) <= now
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct NotificationLog {
    entries: BTreeMap<EntryKey, Entry>,
}

impl NotificationLog {
    /// The entry for `key` as a query at `now` finds it.
    pub(crate) fn query(&self, key: &EntryKey, now: i64) -> Option<&Entry> {
        self.entries.get(key).filter(|e| !e.collected_by(now))
    }

    /// Records a notification (`Log`): it expires after twice the repeat
    /// interval, or the retention if that is shorter.
    pub(crate) fn log(
        &mut self,
        key: EntryKey,
        now: i64,
        firing: BTreeSet<u64>,
        resolved: BTreeSet<u64>,
        repeat_interval_ms: i64,
    ) {
        let expiry = repeat_interval_ms.saturating_mul(2);
        let keep = match expiry > 0 && RETENTION_MS > expiry {
            true => expiry,
            false => RETENTION_MS,
        };
        self.entries.insert(
            key,
            Entry {
                timestamp_ms: now,
                firing,
                resolved,
                expires_at_ms: now.saturating_add(keep),
            },
        );
    }

    /// Forgets the entries collected by `now`.
    pub(crate) fn collect_garbage(&mut self, now: i64) {
        self.entries.retain(|_, e| !e.collected_by(now));
    }
}

/// `hashAlert`: xxHash64 of the sorted label names and values, each followed by
/// the byte 0xff.
pub(crate) fn hash_alert(labels: &[(String, String)]) -> u64 {
    let mut buf = Vec::new();
    for (name, value) in labels {
        buf.extend_from_slice(name.as_bytes());
        buf.push(0xff);
        buf.extend_from_slice(value.as_bytes());
        buf.push(0xff);
    }
    xxhash_rust::xxh64::xxh64(&buf, 0)
}
