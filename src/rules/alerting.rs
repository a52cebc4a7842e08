//! An alerting rule, as Prometheus 2.42's `rules/alerting.go`: each series its
//! expression returns is an alert, pending until it has been active for `for`,
//! then firing; when the expression stops returning it, it is resolved (after
//! `keep_firing_for`, if set) and kept 15 minutes so Alertmanager hears of it.
//! Every evaluation writes `ALERTS{alertstate=...}` (1) and `ALERTS_FOR_STATE`
//! (the active-since time in seconds) for each pending or firing alert.
//! A native-histogram sample makes an alert as a float does: its value is 0
//! (upstream's `F`) and templates see the histogram as `$value`.

use std::collections::BTreeMap;

use crate::promql::engine;
use crate::tsdb::{Head, Labels, METRIC_NAME};

use super::query::{HeadQuerier, RuleExpr, RuleSample};
use super::template::{alert_data, alert_data_histogram, expand_alert_data};

/// How long a resolved alert is kept (and re-sent to Alertmanager).
pub const RESOLVED_RETENTION_MS: i64 = 15 * 60_000;
/// How often a firing alert is re-sent (Prometheus's `--rules.alert.resend-delay`).
pub const RESEND_DELAY_MS: i64 = 60_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AlertState {
    Inactive,
    Pending,
    Firing,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Inactive => "inactive",
            AlertState::Pending => "pending",
            AlertState::Firing => "firing",
        }
    }
}

/// One alert of a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    /// The series' labels without its name, the rule's labels (expanded) and
    /// `alertname`.
    pub labels: Labels,
    /// Expanded annotations, sorted by name.
    pub annotations: Vec<(String, String)>,
    pub state: AlertState,
    /// The expression's value at the last evaluation that returned it.
    pub value: f64,
    pub active_at_ms: i64,
    pub fired_at_ms: Option<i64>,
    pub resolved_at_ms: Option<i64>,
    pub last_sent_at_ms: Option<i64>,
    pub valid_until_ms: i64,
    keep_firing_since_ms: Option<i64>,
}

impl Alert {
    /// Whether the notifier sends it at `ts` (Prometheus's `needsSending`).
    fn needs_sending(&self, ts: i64) -> bool {
        if self.state == AlertState::Pending {
            return false;
        }
        if let Some(resolved) = self.resolved_at_ms
            && self.last_sent_at_ms.is_none_or(|sent| resolved > sent)
        {
            return true;
        }
        self.last_sent_at_ms
            .is_none_or(|sent| sent + RESEND_DELAY_MS < ts)
    }
}

/// What an alert looks like to Alertmanager when Prometheus sends it.
#[derive(Clone, Debug, PartialEq)]
pub struct SentAlert {
    pub labels: Labels,
    pub annotations: Vec<(String, String)>,
    /// When it started firing.
    pub starts_at_ms: i64,
    /// When it was resolved, or how long it stays valid without a re-send.
    pub ends_at_ms: i64,
    /// The rule's expression (for a link back to the graph).
    pub expr: String,
}

/// What templates see besides the alert's own labels and value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TemplateContext {
    pub external_labels: Vec<(String, String)>,
    pub external_url: String,
}

#[derive(Clone, Debug)]
pub struct AlertingRule {
    pub name: String,
    pub expr: RuleExpr,
    pub for_ms: i64,
    pub keep_firing_for_ms: i64,
    /// As written (values are templates), sorted by name.
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    /// By label set: pending, firing and recently resolved alerts.
    active: BTreeMap<Labels, Alert>,
}

impl AlertingRule {
    pub fn new(
        name: String,
        expr: RuleExpr,
        for_ms: i64,
        keep_firing_for_ms: i64,
        labels: Vec<(String, String)>,
        annotations: Vec<(String, String)>,
    ) -> AlertingRule {
        AlertingRule {
            name,
            expr,
            for_ms,
            keep_firing_for_ms,
            labels,
            annotations,
            active: BTreeMap::new(),
        }
    }

    /// The alerts held now (pending, firing, and resolved ones still kept).
    pub fn alerts(&self) -> impl Iterator<Item = &Alert> {
        self.active.values()
    }

    /// The rule's state: firing if any alert fires, else pending if any is pending.
    pub fn state(&self) -> AlertState {
        self.active
            .values()
            .map(|a| a.state)
            .max()
            .unwrap_or(AlertState::Inactive)
    }

    /// One evaluation at `ts` of the expression's `result` there: returns the
    /// `ALERTS` and `ALERTS_FOR_STATE` samples to write. Fails (and forgets every
    /// alert) when more than `limit` are active. (`head` answers the templates'
    /// `query`.)
    pub fn eval(
        &mut self,
        head: &Head,
        ts: i64,
        result: Vec<RuleSample>,
        opts: &engine::Options,
        context: &TemplateContext,
        limit: usize,
    ) -> Result<Vec<RuleSample>, String> {
        let mut current: BTreeMap<Labels, Alert> = BTreeMap::new();
        for sample in result {
            let series_labels = sample.labels.to_vec();
            let value = sample.v;
            let (ext, url) = (&context.external_labels, &context.external_url);
            let data = match &sample.h {
                Some(h) => alert_data_histogram(&series_labels, ext, url, h.clone()),
                None => alert_data(&series_labels, ext, url, value),
            };
            let expand = |text: &str| {
                let mut querier = HeadQuerier { head, opts };
                expand_alert_data(&self.name, text, data.clone(), url, ts, Some(&mut querier))
            };
            let mut pairs: Vec<(String, String)> = series_labels
                .iter()
                .filter(|(n, _)| n != METRIC_NAME)
                .cloned()
                .collect();
            for (name, text) in &self.labels {
                pairs.push((name.clone(), expand(text)));
            }
            pairs.push(("alertname".into(), self.name.clone()));
            let annotations = self
                .annotations
                .iter()
                .map(|(name, text)| (name.clone(), expand(text)))
                .collect();
            let labels = Labels::from(pairs);
            if current.contains_key(&labels) {
                return Err(
                    "vector contains metrics with the same labelset after applying alert labels"
                        .into(),
                );
            }
            current.insert(
                labels.clone(),
                Alert {
                    labels,
                    annotations,
                    state: AlertState::Pending,
                    value,
                    active_at_ms: ts,
                    fired_at_ms: None,
                    resolved_at_ms: None,
                    last_sent_at_ms: None,
                    valid_until_ms: 0,
                    keep_firing_since_ms: None,
                },
            );
        }
        for (labels, alert) in &current {
            match self.active.get_mut(labels) {
                Some(held) if held.state != AlertState::Inactive => {
                    held.value = alert.value;
                    held.annotations = alert.annotations.clone();
                }
                _ => {
                    self.active.insert(labels.clone(), alert.clone());
                }
            }
        }
        let mut samples = Vec::new();
        let mut active = 0;
        let mut forget = Vec::new();
        for (labels, alert) in &mut self.active {
            if !current.contains_key(labels) {
                let mut keep_firing = false;
                if alert.state == AlertState::Firing && self.keep_firing_for_ms > 0 {
                    let since = *alert.keep_firing_since_ms.get_or_insert(ts);
                    keep_firing = ts - since < self.keep_firing_for_ms;
                }
                let expired = alert
                    .resolved_at_ms
                    .is_some_and(|at| ts - at > RESOLVED_RETENTION_MS);
                if alert.state == AlertState::Pending || expired {
                    forget.push(labels.clone());
                }
                if alert.state != AlertState::Inactive && !keep_firing {
                    alert.state = AlertState::Inactive;
                    alert.resolved_at_ms = Some(ts);
                }
                if !keep_firing {
                    continue;
                }
            } else {
                alert.keep_firing_since_ms = None;
            }
            active += 1;
            if alert.state == AlertState::Pending && ts - alert.active_at_ms >= self.for_ms {
                alert.state = AlertState::Firing;
                alert.fired_at_ms = Some(ts);
            }
            samples.push(series_sample(
                &self.labels,
                &self.name,
                alert,
                "ALERTS",
                Some(alert.state),
                1.0,
            ));
            let since = (alert.active_at_ms.div_euclid(1000)) as f64;
            samples.push(series_sample(
                &self.labels,
                &self.name,
                alert,
                "ALERTS_FOR_STATE",
                None,
                since,
            ));
        }
        for labels in forget {
            self.active.remove(&labels);
        }
        if limit > 0 && active > limit {
            self.active.clear();
            return Err(format!("exceeded limit of {limit} with {active} alerts"));
        }
        Ok(samples)
    }

    /// The alerts to send to Alertmanager after an evaluation at `ts` with the
    /// group's `interval_ms` (Prometheus's `sendAlerts`).
    pub fn alerts_to_send(&mut self, ts: i64, interval_ms: i64) -> Vec<SentAlert> {
        let mut sent = Vec::new();
        for alert in self.active.values_mut() {
            if !alert.needs_sending(ts) {
                continue;
            }
            alert.last_sent_at_ms = Some(ts);
            // Allows for two missed evaluations or sends.
            alert.valid_until_ms = ts + 4 * RESEND_DELAY_MS.max(interval_ms);
            sent.push(SentAlert {
                labels: alert.labels.clone(),
                annotations: alert.annotations.clone(),
                starts_at_ms: alert.fired_at_ms.unwrap_or(alert.active_at_ms),
                ends_at_ms: alert.resolved_at_ms.unwrap_or(alert.valid_until_ms),
                expr: self.expr.text.clone(),
            });
        }
        sent
    }
}

/// An `ALERTS`-style sample: the rule's labels as written, then the alert's.
fn series_sample(
    rule_labels: &[(String, String)],
    rule_name: &str,
    alert: &Alert,
    metric: &str,
    state: Option<AlertState>,
    value: f64,
) -> RuleSample {
    let mut pairs: Vec<(&str, &str)> = rule_labels
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    pairs.extend(alert.labels.iter());
    pairs.push((METRIC_NAME, metric));
    pairs.push(("alertname", rule_name));
    if let Some(state) = state {
        pairs.push(("alertstate", state.as_str()));
    }
    RuleSample::float(Labels::new(&pairs), value)
}
