//! What the Rules and Alerts views show, as Prometheus 3's rules and alerts
//! pages do: each group with its last evaluation and how long it took, each
//! rule's health and error; each alerting rule with its state counts and its
//! alerts' labels, annotations, value and active-since time.

use crate::gofmt::go_g;
use crate::rules::{AlertState, Group, Health, RuleBody, RuleManager};
use crate::time::{format_ago, format_duration, format_time_of_day, format_utc};
use crate::tsdb::{Head, METRIC_NAME, Matcher, is_stale_nan};
use crate::views::chart::ChartMarker;

#[derive(Clone, Debug, PartialEq)]
pub struct GroupView {
    pub name: String,
    /// `every 15s`.
    pub interval: String,
    /// `12.3s ago`, or `never`.
    pub last_eval: String,
    /// Milliseconds the last evaluation took, to three decimals.
    pub duration: String,
    pub rules: Vec<RuleView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RuleView {
    /// `record` or `alert`.
    pub kind: &'static str,
    pub name: String,
    pub expr: String,
    /// `ok`, `err` or `unknown`.
    pub health: &'static str,
    pub error: Option<String>,
    pub last_eval: String,
    pub duration: String,
}

fn ago(now_ms: i64, at: Option<i64>) -> String {
    at.map_or_else(|| "never".into(), |t| format_ago(now_ms, t))
}

fn millis(ms: f64) -> String {
    format!("{ms:.3} ms")
}

/// The groups, in file order.
pub fn group_views(rules: &RuleManager, now_ms: i64) -> Vec<GroupView> {
    rules
        .groups()
        .iter()
        .map(|g| group_view(g, now_ms))
        .collect()
}

fn group_view(group: &Group, now_ms: i64) -> GroupView {
    GroupView {
        name: group.name.clone(),
        interval: format!("every {}", format_duration(group.interval_ms)),
        last_eval: ago(now_ms, group.last_eval_ms),
        duration: millis(group.eval_duration_ms),
        rules: group
            .rules
            .iter()
            .map(|r| RuleView {
                kind: match r.body {
                    RuleBody::Recording(_) => "record",
                    RuleBody::Alerting(_) => "alert",
                },
                name: r.name().to_string(),
                expr: r.expr().to_string(),
                health: r.health.as_str(),
                error: r.last_error.clone(),
                last_eval: ago(now_ms, r.last_eval_ms),
                duration: millis(r.eval_duration_ms),
            })
            .collect(),
    }
}

/// Which alerts the Alerts view lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StateFilter {
    pub inactive: bool,
    pub pending: bool,
    pub firing: bool,
}

impl StateFilter {
    pub const ALL: StateFilter = StateFilter {
        inactive: true,
        pending: true,
        firing: true,
    };

    fn shows(&self, state: AlertState) -> bool {
        match state {
            AlertState::Inactive => self.inactive,
            AlertState::Pending => self.pending,
            AlertState::Firing => self.firing,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AlertingRuleView {
    pub group: String,
    pub name: String,
    /// The rule's state: its most active alert's.
    pub state: &'static str,
    /// Alerts pending and firing.
    pub pending: usize,
    pub firing: usize,
    pub expr: String,
    /// `for 1m`, `keep_firing_for 2m`, as set.
    pub timing: String,
    pub alerts: Vec<AlertView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AlertView {
    /// `{alertname="X", job="api"}`.
    pub labels: String,
    pub state: &'static str,
    pub annotations: Vec<(String, String)>,
    pub value: String,
    /// `2024-05-01 10:03:15 UTC`.
    pub active_since: String,
    /// When resolved (kept 15 minutes for Alertmanager), or `None`.
    pub resolved: Option<String>,
}

/// The alerting rules that have an alert `filter` shows (with no alerts at all,
/// rules are shown when `filter.inactive`).
pub fn alerting_rule_views(rules: &RuleManager, filter: StateFilter) -> Vec<AlertingRuleView> {
    let mut out = Vec::new();
    for group in rules.groups() {
        for rule in &group.rules {
            let RuleBody::Alerting(a) = &rule.body else {
                continue;
            };
            let state = a.state();
            if !filter.shows(state) {
                continue;
            }
            let count = |s| a.alerts().filter(|x| x.state == s).count();
            let mut timing = Vec::new();
            if a.for_ms > 0 {
                timing.push(format!("for {}", format_duration(a.for_ms)));
            }
            if a.keep_firing_for_ms > 0 {
                timing.push(format!(
                    "keep_firing_for {}",
                    format_duration(a.keep_firing_for_ms)
                ));
            }
            out.push(AlertingRuleView {
                group: group.name.clone(),
                name: a.name.clone(),
                state: state.as_str(),
                pending: count(AlertState::Pending),
                firing: count(AlertState::Firing),
                expr: a.expr.text.clone(),
                timing: timing.join(", "),
                alerts: a
                    .alerts()
                    .filter(|x| filter.shows(x.state))
                    .map(|x| AlertView {
                        labels: x.labels.to_string(),
                        state: x.state.as_str(),
                        annotations: x.annotations.clone(),
                        value: go_g(x.value),
                        active_since: format_utc(x.active_at_ms),
                        resolved: x.resolved_at_ms.map(format_utc),
                    })
                    .collect(),
            });
        }
    }
    out
}

/// Counts over every alerting rule: (inactive rules, pending rules, firing rules),
/// as the alerts page's filter buttons show them.
pub fn state_counts(rules: &RuleManager) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for group in rules.groups() {
        for rule in &group.rules {
            if let RuleBody::Alerting(a) = &rule.body {
                match a.state() {
                    AlertState::Inactive => counts.0 += 1,
                    AlertState::Pending => counts.1 += 1,
                    AlertState::Firing => counts.2 += 1,
                }
            }
        }
    }
    counts
}

/// Whether any rule failed its last evaluation.
pub fn any_rule_failing(rules: &RuleManager) -> bool {
    rules
        .groups()
        .iter()
        .flat_map(|g| &g.rules)
        .any(|r| r.health == Health::Err)
}

/// The most alert spans drawn on a chart.
pub const MAX_ALERT_MARKERS: usize = 50;

/// Firing alerts between `from_ms` and `to_ms` as chart spans, read from the
/// `ALERTS{alertstate="firing"}` series the rules wrote: a span runs while the
/// series has samples, and ends at a stale marker or a gap of over a minute.
pub fn firing_alert_markers(head: &Head, from_ms: i64, to_ms: i64) -> Vec<ChartMarker> {
    let matchers = [
        Matcher::equal(METRIC_NAME, "ALERTS"),
        Matcher::equal("alertstate", "firing"),
    ];
    let mut out = Vec::new();
    for r in head.select(&matchers) {
        let Some(labels) = head.labels(r) else {
            continue;
        };
        let name = labels.get("alertname").unwrap_or("alert").to_string();
        let shown = labels.without(&[METRIC_NAME, "alertname", "alertstate"]);
        let mut span: Option<(i64, i64)> = None;
        let mut close = |span: &mut Option<(i64, i64)>, end: i64| {
            if let Some((start, _)) = span.take() {
                out.push(ChartMarker {
                    t: start as f64 / 1000.0,
                    until: Some(end as f64 / 1000.0),
                    text: format!("{} {name} firing {shown}", format_time_of_day(start)),
                    alert: true,
                });
            }
        };
        for (t, v) in head.iter(r, from_ms, to_ms) {
            if is_stale_nan(v) {
                close(&mut span, t);
                continue;
            }
            match &mut span {
                Some((_, last)) if t - *last <= 60_000 => *last = t,
                Some((_, last)) => {
                    let end = *last;
                    close(&mut span, end);
                    span = Some((t, t));
                }
                None => span = Some((t, t)),
            }
        }
        if let Some((_, last)) = span {
            close(&mut span, last);
        }
    }
    // Ties in label order, not the store's order of series (which depends on
    // how the run was advanced).
    crate::sort::sort_by(&mut out[..], |a, b| {
        a.t.total_cmp(&b.t).then_with(|| a.text.cmp(&b.text))
    });
    // The newest spans.
    let extra = out.len().saturating_sub(MAX_ALERT_MARKERS);
    out.drain(..extra);
    out
}
