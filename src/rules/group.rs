//! A rule group (Prometheus's `rules/group.go`): its rules evaluated one after
//! another at the same timestamp, each rule's output written to the store before
//! the next rule runs (so a later rule sees an earlier one's result), and a stale
//! marker for every series a rule produced last time but not this time.

use std::collections::{BTreeSet, VecDeque};

use crate::promql::engine;
use crate::tsdb::{Head, Labels, STALE_NAN};

use super::alerting::{AlertState, AlertingRule, SentAlert, TemplateContext};
use super::file::{GroupSpec, RuleKind, RuleSpec};
use super::query::{RuleExpr, RuleSample, batchable, query_vector, query_vectors};
use super::recording::RecordingRule;

#[derive(Clone, Debug)]
pub enum RuleBody {
    Recording(RecordingRule),
    Alerting(AlertingRule),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    Unknown,
    Ok,
    Err,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Unknown => "unknown",
            Health::Ok => "ok",
            Health::Err => "err",
        }
    }
}

/// A rule with what its last evaluation left.
#[derive(Clone, Debug)]
pub struct Rule {
    pub body: RuleBody,
    pub health: Health,
    pub last_error: Option<String>,
    pub last_eval_ms: Option<i64>,
    /// Wall-clock milliseconds the last evaluation took (0 without a clock).
    pub eval_duration_ms: f64,
    /// The series written by the last successful evaluation.
    previous: BTreeSet<Labels>,
    /// Results of the coming evaluations computed in one pass (`Group::prepare`).
    prepared: VecDeque<Prepared>,
}

/// One evaluation's query result computed ahead, and its share of the pass's
/// wall-clock milliseconds.
#[derive(Clone, Debug)]
struct Prepared {
    query_at: i64,
    result: Result<Vec<RuleSample>, String>,
    ms: f64,
}

impl Rule {
    pub fn name(&self) -> &str {
        match &self.body {
            RuleBody::Recording(r) => &r.name,
            RuleBody::Alerting(r) => &r.name,
        }
    }

    pub fn expr(&self) -> &str {
        &self.rule_expr().text
    }

    fn rule_expr(&self) -> &RuleExpr {
        match &self.body {
            RuleBody::Recording(r) => &r.expr,
            RuleBody::Alerting(r) => &r.expr,
        }
    }

    /// The result prepared for the evaluation querying at `query_at`, if any
    /// (with its share of the time the pass took); older ones are dropped.
    fn take_prepared(&mut self, query_at: i64) -> Option<(Result<Vec<RuleSample>, String>, f64)> {
        while let Some(p) = self.prepared.front()
            && p.query_at < query_at
        {
            self.prepared.pop_front();
        }
        let p = self.prepared.pop_front_if(|p| p.query_at == query_at)?;
        Some((p.result, p.ms))
    }

    pub fn as_alerting(&self) -> Option<&AlertingRule> {
        match &self.body {
            RuleBody::Alerting(r) => Some(r),
            RuleBody::Recording(_) => None,
        }
    }

    fn from_spec(spec: &RuleSpec) -> Result<Rule, String> {
        let expr = RuleExpr::parse(&spec.expr)?;
        let body = match spec.kind {
            RuleKind::Record => RuleBody::Recording(RecordingRule {
                name: spec.name.clone(),
                expr,
                labels: spec.labels.clone(),
            }),
            RuleKind::Alert => RuleBody::Alerting(AlertingRule::new(
                spec.name.clone(),
                expr,
                spec.for_ms,
                spec.keep_firing_for_ms,
                spec.labels.clone(),
                spec.annotations.clone(),
            )),
        };
        Ok(Rule {
            body,
            health: Health::Unknown,
            last_error: None,
            last_eval_ms: None,
            eval_duration_ms: 0.0,
            previous: BTreeSet::new(),
            prepared: VecDeque::new(),
        })
    }

    /// Whether `other` is the same rule as written (reloads keep its state).
    fn same_as(&self, other: &Rule) -> bool {
        match (&self.body, &other.body) {
            (RuleBody::Recording(a), RuleBody::Recording(b)) => {
                a.name == b.name && a.expr.text == b.expr.text && a.labels == b.labels
            }
            (RuleBody::Alerting(a), RuleBody::Alerting(b)) => {
                a.name == b.name
                    && a.expr.text == b.expr.text
                    && a.labels == b.labels
                    && a.annotations == b.annotations
                    && a.for_ms == b.for_ms
                    && a.keep_firing_for_ms == b.keep_firing_for_ms
            }
            _ => false,
        }
    }
}

/// Where the engine's settings and the templates' context come from.
pub struct EvalContext<'a> {
    pub engine: &'a engine::Options,
    pub templates: &'a TemplateContext,
    /// A monotonic wall clock in milliseconds, to time evaluations.
    pub clock: Option<fn() -> f64>,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    pub interval_ms: i64,
    pub query_offset_ms: i64,
    pub limit: usize,
    pub rules: Vec<Rule>,
    pub last_eval_ms: Option<i64>,
    pub eval_duration_ms: f64,
    /// Series of rules a reload removed, marked stale at the next evaluation.
    stale_series: Vec<Labels>,
    /// Evaluations so far and their total wall-clock milliseconds (benchmarks).
    pub evaluations: u64,
    pub total_eval_ms: f64,
}

impl Group {
    /// A group from its spec; `default_interval_ms` when it sets none.
    pub fn new(spec: &GroupSpec, default_interval_ms: i64) -> Result<Group, String> {
        let rules = spec
            .rules
            .iter()
            .map(Rule::from_spec)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Group {
            name: spec.name.clone(),
            interval_ms: spec
                .interval_ms
                .filter(|&i| i > 0)
                .unwrap_or(default_interval_ms),
            query_offset_ms: spec.query_offset_ms.unwrap_or(0),
            limit: spec.limit,
            rules,
            last_eval_ms: None,
            eval_duration_ms: 0.0,
            stale_series: Vec::new(),
            evaluations: 0,
            total_eval_ms: 0.0,
        })
    }

    /// Takes over the state of the rules `old` has unchanged (Prometheus's
    /// `copyState` on reload: alerts keep their pending or firing time).
    /// The series of `old`'s rules that are gone are marked stale at the next
    /// evaluation.
    pub fn copy_state(&mut self, old: &Group) {
        let mut taken = vec![false; old.rules.len()];
        for rule in &mut self.rules {
            let same = old
                .rules
                .iter()
                .enumerate()
                .find(|(i, o)| !taken[*i] && o.same_as(rule));
            if let Some((i, same)) = same {
                taken[i] = true;
                *rule = same.clone();
            }
        }
        self.stale_series = old.stale_series.clone();
        for (rule, taken) in old.rules.iter().zip(taken) {
            if !taken {
                self.stale_series.extend(rule.previous.iter().cloned());
            }
        }
        self.last_eval_ms = old.last_eval_ms;
    }

    /// The series the group's rules wrote last, to mark stale when it goes away.
    pub fn written_series(&self) -> impl Iterator<Item = &Labels> {
        self.rules.iter().flat_map(|r| r.previous.iter())
    }

    /// Series of removed rules still to be marked stale.
    pub fn pending_stale(&self) -> impl Iterator<Item = &Labels> {
        self.stale_series.iter()
    }

    /// The times in `(after_ms, until_ms]` the group evaluates at.
    pub fn eval_times(&self, after_ms: i64, until_ms: i64) -> impl Iterator<Item = i64> + use<> {
        let first = (after_ms.div_euclid(self.interval_ms) + 1) * self.interval_ms;
        (first..=until_ms).step_by(self.interval_ms as usize)
    }

    /// Computes ahead, in one pass each, the queries of the group's evaluations in
    /// `(after_ms, until_ms]` whose rules allow it (`batchable`: `written` tells
    /// the metric names rules write), once the store holds every sample scraped up
    /// to `until_ms`. A replay evaluates a rule every interval over hours of
    /// history; one pass reads each series once, not once per evaluation.
    pub fn prepare(
        &mut self,
        head: &Head,
        (after_ms, until_ms): (i64, i64),
        cx: &EvalContext,
        written: &dyn Fn(&str) -> bool,
    ) {
        let times: Vec<i64> = self.eval_times(after_ms, until_ms).collect();
        let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
            return;
        };
        if times.len() < 2 {
            return;
        }
        let offset = self.query_offset_ms;
        let span = (first - offset, last - offset, self.interval_ms);
        for rule in &mut self.rules {
            if !batchable(&rule.rule_expr().expr, written) {
                continue;
            }
            let started = cx.clock.map(|c| c());
            let Some(results) = query_vectors(head, rule.rule_expr(), span, cx.engine) else {
                continue;
            };
            let ms = match (cx.clock, started) {
                (Some(c), Some(s)) => (c() - s) / times.len() as f64,
                _ => 0.0,
            };
            rule.prepared = times
                .iter()
                .zip(results)
                .map(|(&t, result)| Prepared {
                    query_at: t - offset,
                    result,
                    ms,
                })
                .collect();
        }
    }

    /// Evaluates every rule at `ts`, writing their samples to `head`; returns the
    /// alerts to send to Alertmanager.
    pub fn eval(&mut self, head: &mut Head, ts: i64, cx: &EvalContext) -> Vec<SentAlert> {
        let started = cx.clock.map(|c| c());
        let query_at = ts - self.query_offset_ms;
        for series in std::mem::take(&mut self.stale_series) {
            let _ = head.add(&series, query_at, f64::from_bits(STALE_NAN));
        }
        let mut sent = Vec::new();
        let mut prepared_total_ms = 0.0;
        for rule in &mut self.rules {
            let rule_started = cx.clock.map(|c| c());
            let (query, prepared_ms) = match rule.take_prepared(query_at) {
                Some(prepared) => prepared,
                None => (
                    query_vector(head, rule.rule_expr(), query_at, cx.engine),
                    0.0,
                ),
            };
            let result = query.and_then(|samples| match &mut rule.body {
                RuleBody::Recording(r) => r.eval(samples, self.limit),
                RuleBody::Alerting(r) => {
                    r.eval(head, ts, samples, cx.engine, cx.templates, self.limit)
                }
            });
            rule.last_eval_ms = Some(ts);
            match result {
                Err(e) => {
                    rule.health = Health::Err;
                    rule.last_error = Some(e);
                }
                Ok(samples) => {
                    rule.health = Health::Ok;
                    rule.last_error = None;
                    if let RuleBody::Alerting(r) = &mut rule.body {
                        sent.extend(r.alerts_to_send(ts, self.interval_ms));
                    }
                    let mut written = BTreeSet::new();
                    for s in samples {
                        let appended = match &s.h {
                            // As upstream's `AppendHistogram(…, nil, s.H)`.
                            Some(h) => head.add_float_histogram(&s.labels, query_at, h),
                            None => head.add(&s.labels, query_at, s.v),
                        };
                        match appended {
                            Ok(_) => {
                                written.insert(s.labels);
                            }
                            Err(e) => {
                                rule.health = Health::Err;
                                rule.last_error = Some(e.to_string());
                            }
                        }
                    }
                    for gone in rule.previous.difference(&written) {
                        // Stale markers never conflict with what is there (a rule
                        // writes each series at most once per timestamp); after a
                        // histogram the store makes it a histogram stale marker.
                        let _ = head.add(gone, query_at, f64::from_bits(STALE_NAN));
                    }
                    rule.previous = written;
                }
            }
            prepared_total_ms += prepared_ms;
            if let (Some(c), Some(s)) = (cx.clock, rule_started) {
                rule.eval_duration_ms = c() - s + prepared_ms;
            }
        }
        self.last_eval_ms = Some(ts);
        self.evaluations += 1;
        if let (Some(c), Some(s)) = (cx.clock, started) {
            self.eval_duration_ms = c() - s + prepared_total_ms;
            self.total_eval_ms += self.eval_duration_ms;
        }
        sent
    }

    /// How many of its alerting rules' alerts are in each state.
    pub fn alert_counts(&self) -> [usize; 3] {
        let mut counts = [0; 3];
        for rule in &self.rules {
            if let Some(a) = rule.as_alerting() {
                for alert in a.alerts() {
                    let i = match alert.state {
                        AlertState::Inactive => 0,
                        AlertState::Pending => 1,
                        AlertState::Firing => 2,
                    };
                    counts[i] += 1;
                }
            }
        }
        counts
    }
}
