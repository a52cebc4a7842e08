//! Alerts as Alertmanager keeps them: identified by their labels (the
//! fingerprint), firing until their end time, merged when Prometheus sends them
//! again (`types/types.go`, `provider/mem/mem.go`), checked and completed as its
//! `POST /api/v2/alerts` does (`api/v2/api.go`).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use crate::names::is_legacy_label_name;

/// Go's zero time for an alert's `starts_at_ms`/`ends_at_ms`: "not given". A
/// firing alert in a notification has no end, as Alertmanager sends it.
pub const UNSET_MS: i64 = 0;

/// An alert as Prometheus posts it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Alert {
    /// Sorted by name (`Alert::new` sorts them).
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub generator_url: String,
}

impl Alert {
    /// An alert with these labels (sorted here) starting at `starts_at_ms`,
    /// without an end (Alertmanager then gives it `resolve_timeout`).
    pub fn new(labels: &[(&str, &str)], starts_at_ms: i64) -> Alert {
        let mut labels: Vec<(String, String)> = labels
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        crate::sort::sort(&mut labels[..]);
        Alert {
            labels,
            starts_at_ms,
            ..Alert::default()
        }
    }

    /// The same alert with an end time (Prometheus always sends one: a time
    /// ahead while firing, the time it resolved once resolved).
    pub fn ending_at(mut self, ends_at_ms: i64) -> Alert {
        self.ends_at_ms = ends_at_ms;
        self
    }

    /// The same alert with an annotation.
    pub fn annotated(mut self, name: &str, value: &str) -> Alert {
        self.annotations.push((name.to_string(), value.to_string()));
        crate::sort::sort(&mut self.annotations[..]);
        self
    }

    pub fn fingerprint(&self) -> Fingerprint {
        fingerprint(&self.labels)
    }

    /// A label's value, empty when missing (as Alertmanager reads labels).
    pub fn label(&self, name: &str) -> &str {
        label(&self.labels, name)
    }

    /// Resolved at `t`: it has an end, and the end is not after `t`.
    pub fn resolved_at(&self, t: i64) -> bool {
        self.ends_at_ms != UNSET_MS && self.ends_at_ms <= t
    }
}

pub(crate) fn label<'a>(labels: &'a [(String, String)], name: &str) -> &'a str {
    labels
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

/// A label set's identity, `model.Fingerprint`: FNV-1a over the sorted names and
/// values, each followed by the byte 0xff. Printed as 16 hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint(pub u64);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// `labels` must be sorted by name.
pub fn fingerprint(labels: &[(String, String)]) -> Fingerprint {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, value) in labels {
        for b in name
            .bytes()
            .chain([0xff])
            .chain(value.bytes())
            .chain([0xff])
        {
            hash ^= b as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    Fingerprint(hash)
}

/// A label set as `model.LabelSet.String()` writes it (group keys, logs):
/// `name="value"` pairs (Go's `%q`) sorted as strings, joined by `, `.
pub fn label_set_string(labels: &[(String, String)]) -> String {
    let mut pairs: Vec<String> = labels
        .iter()
        .map(|(n, v)| {
            let mut pair = format!("{n}=");
            // Writing to a String cannot fail.
            let _ = crate::tsdb::labels::write_quoted(&mut pair, v);
            pair
        })
        .collect();
    // Sorted as whole strings, not by name: `a0="x"` comes before `a="x"`.
    crate::sort::sort(&mut pairs[..]);
    format!("{{{}}}", pairs.join(", "))
}

/// `model.LabelSet.Before`: fewer labels first; then, over the sorted union of
/// names, the first label missing on one side puts that side first, else the
/// first differing value decides.
pub fn cmp_label_sets(a: &[(String, String)], b: &[(String, String)]) -> Ordering {
    if a.len() != b.len() {
        return a.len().cmp(&b.len());
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let ((an, av), (bn, bv)) = (&a[i], &b[j]);
        match an.cmp(bn) {
            // `bn` comes first and `a` lacks it.
            Ordering::Greater => return Ordering::Less,
            Ordering::Less => return Ordering::Greater,
            Ordering::Equal if av != bv => return av.cmp(bv),
            Ordering::Equal => (i, j) = (i + 1, j + 1),
        }
    }
    Ordering::Equal
}

/// The order of alerts in a notification (`types.AlertSlice.Less`): by `job`,
/// then `instance` (an alert with the label before one without), then label sets.
pub fn cmp_alerts(a: &Alert, b: &Alert) -> Ordering {
    for key in ["job", "instance"] {
        let (x, y) = (
            a.labels.iter().find(|(n, _)| n == key),
            b.labels.iter().find(|(n, _)| n == key),
        );
        match (x, y) {
            (None, None) => continue,
            (None, Some(_)) => return Ordering::Greater,
            (Some(_), None) => return Ordering::Less,
            (Some((_, x)), Some((_, y))) if x != y => return x.cmp(y),
            _ => {}
        }
    }
    cmp_label_sets(&a.labels, &b.labels)
}

/// An alert as the store holds it: when it was last posted, and whether its end
/// was made up from `resolve_timeout` (`Timeout`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAlert {
    pub alert: Alert,
    pub updated_at_ms: i64,
    pub timeout: bool,
}

/// An alert as `POST /api/v2/alerts` takes it in at `now`: empty labels dropped,
/// a missing start and end filled in, then checked; or the reason it is refused.
pub(crate) fn accept(
    mut alert: Alert,
    now: i64,
    resolve_timeout_ms: i64,
) -> Result<StoredAlert, String> {
    if alert.starts_at_ms == UNSET_MS {
        alert.starts_at_ms = match alert.ends_at_ms {
            UNSET_MS => now,
            ends => ends,
        };
    }
    let timeout = alert.ends_at_ms == UNSET_MS;
    if timeout {
        alert.ends_at_ms = now.saturating_add(resolve_timeout_ms);
    }
    alert.labels.retain(|(_, v)| !v.is_empty());
    crate::sort::sort(&mut alert.labels[..]);
    alert.labels.dedup_by(|a, b| a.0 == b.0);
    // `model.Alert.Validate`.
    if alert.ends_at_ms < alert.starts_at_ms {
        return Err("start time must be before end time".into());
    }
    if let Some((name, _)) = alert.labels.iter().find(|(n, _)| !is_legacy_label_name(n)) {
        return Err(format!("invalid label set: invalid name {name:?}"));
    }
    if alert.labels.is_empty() {
        return Err("at least one label pair required".into());
    }
    if let Some((name, _)) = alert
        .annotations
        .iter()
        .find(|(n, _)| !is_legacy_label_name(n))
    {
        return Err(format!("invalid annotations: invalid name {name:?}"));
    }
    Ok(StoredAlert {
        alert,
        updated_at_ms: now,
        timeout,
    })
}

/// `types.Alert.Merge`: the younger alert's fields, the earliest start, and the
/// end that should win (the latest explicit resolution, or a later end that was
/// not made up from a timeout).
fn merge(old: &StoredAlert, new: &StoredAlert, now: i64) -> StoredAlert {
    let (a, o) = match new.updated_at_ms < old.updated_at_ms {
        true => (new, old),
        false => (old, new),
    };
    let mut res = o.clone();
    if a.alert.starts_at_ms < o.alert.starts_at_ms {
        res.alert.starts_at_ms = a.alert.starts_at_ms;
    }
    if o.alert.resolved_at(now) {
        if a.alert.resolved_at(now) && a.alert.ends_at_ms > o.alert.ends_at_ms {
            res.alert.ends_at_ms = a.alert.ends_at_ms;
        }
    } else if a.alert.ends_at_ms > o.alert.ends_at_ms && !a.timeout {
        res.alert.ends_at_ms = a.alert.ends_at_ms;
    }
    res
}

/// Alertmanager's alert store (`provider/mem`): the latest version of every
/// alert, resolved ones kept until the 30-minute garbage collection.
#[derive(Clone, Debug, Default)]
pub(crate) struct AlertStore {
    pub alerts: BTreeMap<Fingerprint, StoredAlert>,
    /// Changes whenever an alert is stored or dropped.
    pub version: u64,
}

/// `--alerts.gc-interval`'s default; the collections run at whole multiples of it
/// (Unix time), as if Alertmanager had started at a whole hour.
pub(crate) const ALERT_GC_INTERVAL_MS: i64 = 30 * 60_000;

impl AlertStore {
    /// Stores an accepted alert (`Alerts.Put`): merged with the one stored when
    /// their activity overlaps, else replacing it. Returns the stored version.
    pub(crate) fn put(&mut self, alert: StoredAlert, now: i64) -> StoredAlert {
        let fp = alert.alert.fingerprint();
        let stored = match self.alerts.get(&fp) {
            Some(old) => {
                let (new, old_a) = (&alert.alert, &old.alert);
                let overlaps = (new.ends_at_ms > old_a.starts_at_ms
                    && new.ends_at_ms < old_a.ends_at_ms)
                    || (new.starts_at_ms > old_a.starts_at_ms
                        && new.starts_at_ms < old_a.ends_at_ms);
                match overlaps {
                    true => merge(old, &alert, now),
                    false => alert,
                }
            }
            None => alert,
        };
        self.alerts.insert(fp, stored.clone());
        self.version += 1;
        stored
    }

    /// Drops the alerts a garbage collection up to `now` has removed: resolved
    /// at a collection that came after they were last stored.
    pub(crate) fn collect_garbage(&mut self, now: i64) {
        let before = self.alerts.len();
        self.alerts.retain(|_, a| {
            let first_chance = a.alert.ends_at_ms.max(a.updated_at_ms.saturating_add(1));
            tick_at_or_after(0, ALERT_GC_INTERVAL_MS, first_chance) > now
        });
        if self.alerts.len() != before {
            self.version += 1;
        }
    }
}

/// The first tick at or after `t` of a clock ticking every `period` from `origin`.
pub(crate) fn tick_at_or_after(origin: i64, period: i64, t: i64) -> i64 {
    let period = period.max(1);
    let base = origin.saturating_add(
        (t.saturating_sub(origin))
            .div_euclid(period)
            .saturating_mul(period),
    );
    match base < t {
        true => base.saturating_add(period),
        false => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        Alert::new(pairs, 0).labels
    }

    #[test]
    fn fingerprints_and_label_sets_as_prometheus_model_writes_them() {
        // FNV-1a 64 of the empty set is its offset basis, as in Go.
        assert_eq!(fingerprint(&[]).to_string(), "cbf29ce484222325");
        let a = labels(&[("alertname", "X"), ("a0", "1"), ("a", "\"q\"")]);
        assert_eq!(
            label_set_string(&a),
            r#"{a0="1", a="\"q\"", alertname="X"}"#
        );
        assert_ne!(fingerprint(&a), fingerprint(&labels(&[("alertname", "X")])));
    }

    #[test]
    fn alerts_sort_by_job_instance_then_labels() {
        let with_job = Alert::new(&[("job", "b"), ("z", "1")], 0);
        let other_job = Alert::new(&[("job", "a"), ("z", "1"), ("y", "1")], 0);
        let no_job = Alert::new(&[("a", "1")], 0);
        assert_eq!(cmp_alerts(&other_job, &with_job), Ordering::Less);
        assert_eq!(cmp_alerts(&with_job, &no_job), Ordering::Less);
        // Fewer labels first; then the side lacking the first name the other has.
        let (x, y) = (
            labels(&[("a", "1"), ("c", "1")]),
            labels(&[("a", "1"), ("b", "1")]),
        );
        assert_eq!(cmp_label_sets(&x, &y), Ordering::Less);
        assert_eq!(cmp_label_sets(&y, &x), Ordering::Greater);
        assert_eq!(cmp_label_sets(&labels(&[("a", "2")]), &y), Ordering::Less);
    }

    #[test]
    fn posted_alerts_are_completed_checked_and_merged() {
        let a = accept(
            Alert::new(&[("alertname", "X"), ("e", "")], 0),
            1000,
            300_000,
        )
        .unwrap();
        assert_eq!(
            (a.alert.starts_at_ms, a.alert.ends_at_ms, a.timeout),
            (1000, 301_000, true)
        );
        assert_eq!(a.alert.labels.len(), 1);
        assert_eq!(
            accept(Alert::new(&[("e", "")], 5), 10, 1).unwrap_err(),
            "at least one label pair required"
        );
        assert_eq!(
            accept(Alert::new(&[("1x", "v")], 5), 10, 1).unwrap_err(),
            "invalid label set: invalid name \"1x\""
        );
        let mut store = AlertStore::default();
        store.put(a.clone(), 1000);
        // Resolved at 2000 by Prometheus: overlaps, merged, the explicit end wins.
        let resolved = accept(
            Alert::new(&[("alertname", "X")], 1000).ending_at(2000),
            2000,
            1,
        )
        .unwrap();
        let got = store.put(resolved, 2000);
        assert_eq!((got.alert.starts_at_ms, got.alert.ends_at_ms), (1000, 2000));
        assert_eq!(tick_at_or_after(0, 30, 31), 60);
        assert_eq!(tick_at_or_after(0, 30, 60), 60);
        assert_eq!(tick_at_or_after(5, 30, -100), -85);
    }
}
