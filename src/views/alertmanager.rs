//! What the Alertmanager view shows: the routing tree as `amtool config routes`
//! draws it, which receivers a label set reaches (`amtool config routes test`),
//! the silences with their state, the alerts Alertmanager holds, and the
//! notification log (which receiver got which grouped notification, when, why).

use crate::alertmanager::{Alertmanager, parse_matchers, receivers_for};
use crate::time::{format_duration, format_utc};

/// The routing tree, drawn as amtool draws it.
pub fn routing_tree(am: &Alertmanager) -> String {
    am.config().route.render_tree()
}

/// The receivers `labels` (Alertmanager's matcher syntax restricted to `=`:
/// `alertname="X", severity="page"`) reach, comma-joined in tree order, or why
/// the label set does not read.
pub fn route_test(am: &Alertmanager, labels: &str) -> Result<String, String> {
    let matchers = parse_matchers(labels)?;
    let mut pairs = Vec::new();
    for m in matchers {
        if m.op != crate::alertmanager::MatchOp::Equal {
            return Err(format!(
                "{m}: a label set gives each label its value with ="
            ));
        }
        pairs.push((m.name.clone(), m.value.clone()));
    }
    Ok(receivers_for(am.config(), &pairs).join(","))
}

#[derive(Clone, Debug, PartialEq)]
pub struct SilenceView {
    /// Its number in the run (for "expire"), when the run created it.
    pub run_index: Option<usize>,
    pub id: String,
    pub matchers: String,
    /// `active`, `pending` or `expired`.
    pub state: &'static str,
    pub starts: String,
    pub ends: String,
    pub comment: String,
}

/// The silences, newest first; `run_index` maps an Alertmanager id to the run's
/// silence number.
pub fn silence_views(
    am: &Alertmanager,
    now_ms: i64,
    run_index: impl Fn(&str) -> Option<usize>,
) -> Vec<SilenceView> {
    let mut out: Vec<SilenceView> = am
        .silences()
        .iter()
        .map(|s| SilenceView {
            run_index: run_index(&s.id),
            id: s.id.clone(),
            matchers: s
                .matchers
                .iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            state: s.state(now_ms).as_str(),
            starts: format_utc(s.starts_at_ms),
            ends: format_utc(s.ends_at_ms),
            comment: s.comment.clone(),
        })
        .collect();
    out.reverse();
    out
}

#[derive(Clone, Debug, PartialEq)]
pub struct NotificationView {
    pub at: String,
    pub at_ms: i64,
    pub receiver: String,
    /// `pagerduty`, `email`, ...
    pub integration: String,
    /// `firing` or `resolved`.
    pub status: &'static str,
    /// Why it went out: `first`, `changed`, `resolved`, `repeat`.
    pub reason: &'static str,
    pub group_key: String,
    /// `alertname="HighLatency", job="api"`.
    pub group_labels: String,
    /// One line per alert: `[FIRING] {labels}` and its summary, if any.
    pub alerts: Vec<String>,
}

fn pairs_text(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The notification log, newest first, at most `limit` entries.
pub fn notification_views(am: &Alertmanager, limit: usize) -> Vec<NotificationView> {
    am.notifications()
        .iter()
        .rev()
        .take(limit)
        .map(|n| NotificationView {
            at: format_utc(n.at_ms),
            at_ms: n.at_ms,
            receiver: n.receiver.clone(),
            integration: n.integration.clone(),
            status: n.status.as_str(),
            reason: n.reason.as_str(),
            group_key: n.group_key.clone(),
            group_labels: pairs_text(&n.group_labels),
            alerts: n
                .alerts
                .iter()
                .map(|a| {
                    let summary = a
                        .annotations
                        .iter()
                        .find(|(k, _)| k == "summary")
                        .map(|(_, v)| format!(": {v}"))
                        .unwrap_or_default();
                    format!(
                        "[{}] {{{}}}{summary}",
                        a.status.as_str().to_uppercase(),
                        pairs_text(&a.labels)
                    )
                })
                .collect(),
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupView {
    pub receiver: String,
    pub labels: String,
    pub alerts: usize,
    /// `in 25s`, or `waiting` after its last flush.
    pub next_flush: String,
}

/// Alertmanager's aggregation groups and when each flushes next.
pub fn group_views(am: &Alertmanager, now_ms: i64) -> Vec<GroupView> {
    am.groups()
        .into_iter()
        .map(|g| GroupView {
            receiver: g.receiver,
            labels: pairs_text(&g.labels),
            alerts: g.alerts.len(),
            next_flush: format!(
                "{} in {}",
                if g.has_flushed {
                    "group_interval"
                } else {
                    "group_wait"
                },
                format_duration((g.next_flush_ms - now_ms).max(0))
            ),
        })
        .collect()
}
