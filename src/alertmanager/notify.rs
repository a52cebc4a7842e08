//! The notification pipeline of one receiver for one flush of an aggregation
//! group (`notify/notify.go`), after the mute stages (inhibition, silences) have
//! taken out the muted alerts: for each integration, the dedup stage asks the
//! notification log whether anything needs saying (`needsUpdate`), the retry
//! stage sends (leaving resolved alerts out where `send_resolved` is off), and
//! the log records what was said. A sent message is a [`Notification`].

use std::collections::BTreeSet;

use super::alert::{Alert, UNSET_MS};
use super::nflog::{NotificationLog, hash_alert};
use super::receivers::ReceiverConfig;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationStatus {
    Firing,
    Resolved,
}

impl NotificationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationStatus::Firing => "firing",
            NotificationStatus::Resolved => "resolved",
        }
    }
}

/// Why the dedup stage let a notification through (the branches of
/// `DedupStage.needsUpdate`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotifyReason {
    /// The log has no entry for this group and integration: the first
    /// notification (after group_wait), or the first since the entry expired.
    First,
    /// An alert is firing that the last notification did not list as firing
    /// (a flush at group_interval).
    Changed,
    /// Alerts resolved since the last notification: all of them, or, where
    /// `send_resolved` is on, some.
    Resolved,
    /// Nothing changed, and the last notification is older than repeat_interval.
    Repeat,
}

impl NotifyReason {
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyReason::First => "first",
            NotifyReason::Changed => "changed",
            NotifyReason::Resolved => "resolved",
            NotifyReason::Repeat => "repeat",
        }
    }
}

/// An alert as a notification carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifiedAlert {
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub status: NotificationStatus,
    pub starts_at_ms: i64,
    /// Unset (`UNSET_MS`) for a firing alert, as Alertmanager sends it.
    pub ends_at_ms: i64,
    pub generator_url: String,
    pub fingerprint: String,
}

/// One message one integration of a receiver sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub at_ms: i64,
    pub receiver: String,
    /// `email`, `slack`, `webhook`, …
    pub integration: String,
    /// Its index among the receiver's integrations of that kind.
    pub integration_index: usize,
    /// Exactly as Alertmanager builds it: the route's key, `:`, the group labels
    /// (`{}/{severity="page"}:{alertname="HighLatency"}`).
    pub group_key: String,
    pub group_labels: Vec<(String, String)>,
    /// Firing if any alert in it fires, else resolved.
    pub status: NotificationStatus,
    pub alerts: Vec<NotifiedAlert>,
    pub reason: NotifyReason,
}

/// What a flush passes down the pipeline (Alertmanager's context values).
pub(crate) struct Flush<'a> {
    pub now: i64,
    pub group_key: &'a str,
    pub group_labels: &'a [(String, String)],
    pub receiver: &'a ReceiverConfig,
    pub repeat_interval_ms: i64,
}

/// Runs the receiver's integrations on `alerts` (sorted, unmuted), recording in
/// `nflog` and handing each message to `send`.
pub(crate) fn notify_receiver(
    flush: &Flush,
    alerts: &[&Alert],
    nflog: &mut NotificationLog,
    send: &mut dyn FnMut(Notification),
) {
    // A stage left with no alerts ends the pipeline: nothing is logged.
    if alerts.is_empty() {
        return;
    }
    let is_resolved = |a: &Alert| a.resolved_at(flush.now);
    let hashes = |resolved: bool| -> BTreeSet<u64> {
        alerts
            .iter()
            .filter(|a| is_resolved(a) == resolved)
            .map(|a| hash_alert(&a.labels))
            .collect()
    };
    let (firing, resolved) = (hashes(false), hashes(true));
    for integration in &flush.receiver.integrations {
        let key = (
            flush.group_key.to_string(),
            flush.receiver.name.clone(),
            integration.kind,
            integration.index,
        );
        let entry = nflog.query(&key, flush.now);
        let Some(reason) = needs_update(
            entry.map(|e| (&e.firing, &e.resolved, e.timestamp_ms)),
            &firing,
            &resolved,
            integration.send_resolved,
            flush.now.saturating_sub(flush.repeat_interval_ms),
        ) else {
            continue;
        };
        // The retry stage: without send_resolved, resolved alerts are left out,
        // and a group of only resolved alerts sends nothing (but is logged).
        let sent: Vec<&Alert> = alerts
            .iter()
            .copied()
            .filter(|a| integration.send_resolved || !is_resolved(a))
            .collect();
        if !sent.is_empty() {
            let any_firing = sent.iter().any(|a| !is_resolved(a));
            send(Notification {
                at_ms: flush.now,
                receiver: flush.receiver.name.clone(),
                integration: integration.kind.to_string(),
                integration_index: integration.index,
                group_key: flush.group_key.to_string(),
                group_labels: flush.group_labels.to_vec(),
                status: match any_firing {
                    true => NotificationStatus::Firing,
                    false => NotificationStatus::Resolved,
                },
                alerts: sent
                    .into_iter()
                    .map(|a| notified(a, is_resolved(a)))
                    .collect(),
                reason,
            });
        }
        nflog.log(
            key,
            flush.now,
            firing.clone(),
            resolved.clone(),
            flush.repeat_interval_ms,
        );
    }
}

/// `DedupStage.needsUpdate`, saying which branch let the notification through.
/// `entry` is the last notification's firing and resolved sets and time.
fn needs_update(
    entry: Option<(&BTreeSet<u64>, &BTreeSet<u64>, i64)>,
    firing: &BTreeSet<u64>,
    resolved: &BTreeSet<u64>,
    send_resolved: bool,
    repeat_cutoff_ms: i64,
) -> Option<NotifyReason> {
    let Some((last_firing, last_resolved, last_at)) = entry else {
        // Never notified: only if something fires.
        return (!firing.is_empty()).then_some(NotifyReason::First);
    };
    if !firing.is_subset(last_firing) {
        return Some(NotifyReason::Changed);
    }
    if firing.is_empty() {
        // All resolved: tell those who were told they fired (whatever
        // send_resolved says, so the log forgets them).
        return (!last_firing.is_empty()).then_some(NotifyReason::Resolved);
    }
    if send_resolved && !resolved.is_subset(last_resolved) {
        return Some(NotifyReason::Resolved);
    }
    // Strictly older than repeat_interval, as `Timestamp.Before(now - repeat)`.
    (last_at < repeat_cutoff_ms).then_some(NotifyReason::Repeat)
}

fn notified(alert: &Alert, resolved: bool) -> NotifiedAlert {
    NotifiedAlert {
        labels: alert.labels.clone(),
        annotations: alert.annotations.clone(),
        status: match resolved {
            true => NotificationStatus::Resolved,
            false => NotificationStatus::Firing,
        },
        starts_at_ms: alert.starts_at_ms,
        // A firing alert is sent without its end (`flush`), so that it does not
        // resolve by itself at the receiver as time moves on.
        ends_at_ms: match resolved {
            true => alert.ends_at_ms,
            false => UNSET_MS,
        },
        generator_url: alert.generator_url.clone(),
        fingerprint: alert.fingerprint().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_branches_as_needs_update() {
        let set = |v: &[u64]| v.iter().copied().collect::<BTreeSet<u64>>();
        let (none, one, two) = (set(&[]), set(&[1]), set(&[1, 2]));
        assert_eq!(
            needs_update(None, &one, &none, false, 0),
            Some(NotifyReason::First)
        );
        assert_eq!(needs_update(None, &none, &one, true, 0), None);
        let last = Some((&one, &none, 100));
        assert_eq!(
            needs_update(last, &two, &none, false, 0),
            Some(NotifyReason::Changed)
        );
        assert_eq!(
            needs_update(last, &none, &one, false, 0),
            Some(NotifyReason::Resolved)
        );
        // One of two resolved: only integrations with send_resolved hear of it.
        let last = Some((&two, &none, 100));
        assert_eq!(
            needs_update(last, &set(&[2]), &one, true, 0),
            Some(NotifyReason::Resolved)
        );
        assert_eq!(needs_update(last, &set(&[2]), &one, false, 0), None);
        // Repeat only once the entry is strictly older than the cut-off.
        assert_eq!(needs_update(last, &two, &none, true, 100), None);
        assert_eq!(
            needs_update(last, &two, &none, true, 101),
            Some(NotifyReason::Repeat)
        );
        // Fired and resolved between two flushes, never told: nothing to say.
        let quiet = Some((&none, &one, 100));
        assert_eq!(needs_update(quiet, &none, &two, true, 0), None);
    }
}
