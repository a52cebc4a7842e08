//! Recording and alerting rules, as Prometheus evaluates them: rule files
//! (`file.rs`, checked with Prometheus's wording; `lint.rs` promtool's duplicate
//! check), groups evaluated in rule order (`group.rs`), recording rules
//! (`recording.rs`), alerting rules with their pending → firing → resolved
//! states and `ALERTS` series (`alerting.rs`), alert templates (`template/`,
//! Go's text/template with Prometheus's functions) and `promtool test rules`
//! (`unittest/`). Browser-free; the pipeline runs a [`RuleManager`] on the
//! run's timeline.

pub mod alerting;
pub mod defaults;
pub mod file;
pub mod group;
pub mod lint;
pub mod query;
pub mod recording;
pub mod template;
pub mod unittest;
mod yaml_keys;

pub use alerting::{Alert, AlertState, AlertingRule, SentAlert, TemplateContext};
pub use file::{GroupSpec, RuleFile, RuleFileError, RuleKind, RuleSpec, parse_rule_file};
pub use group::{EvalContext, Group, Health, Rule, RuleBody};

use crate::promql::engine;
use crate::tsdb::{Head, STALE_NAN};

/// Prometheus's default `evaluation_interval`.
pub const DEFAULT_EVALUATION_INTERVAL_MS: i64 = 60_000;

/// The loaded rule groups, evaluated along virtual time. Each group runs at the
/// multiples of its interval (Prometheus spreads groups by a hash of their name;
/// here they line up, which makes lessons easier to follow).
#[derive(Clone, Debug)]
pub struct RuleManager {
    groups: Vec<Group>,
    default_interval_ms: i64,
    pub templates: TemplateContext,
    pub engine: engine::Options,
}

impl RuleManager {
    /// Groups from a checked file; expressions were checked by the file's parser.
    pub fn new(file: &RuleFile, default_interval_ms: i64) -> Result<RuleManager, String> {
        let groups = file
            .groups
            .iter()
            .map(|g| Group::new(g, default_interval_ms))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RuleManager {
            groups,
            default_interval_ms,
            templates: TemplateContext::default(),
            engine: engine::Options::default(),
        })
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The first evaluation time after `after_ms`, over all groups.
    pub fn next_eval_after(&self, after_ms: i64) -> Option<i64> {
        self.groups
            .iter()
            .map(|g| (after_ms.div_euclid(g.interval_ms) + 1) * g.interval_ms)
            .min()
    }

    /// Evaluates, in file order, every group due at `t_ms`; returns the alerts to
    /// send to Alertmanager.
    pub fn eval_due(&mut self, head: &mut Head, t_ms: i64) -> Vec<SentAlert> {
        let cx = EvalContext {
            engine: &self.engine,
            templates: &self.templates,
            clock: self.engine.clock,
        };
        let mut sent = Vec::new();
        for group in &mut self.groups {
            if t_ms.rem_euclid(group.interval_ms) == 0 {
                sent.extend(group.eval(head, t_ms, &cx));
            }
        }
        sent
    }

    /// Replaces the rules with `file`'s at `t_ms`, as a reload does: unchanged
    /// rules keep their state, and series of groups that are gone are marked stale.
    pub fn reload(&mut self, file: &RuleFile, head: &mut Head, t_ms: i64) -> Result<(), String> {
        let mut next = RuleManager::new(file, self.default_interval_ms)?;
        for group in &mut next.groups {
            if let Some(old) = self.groups.iter().find(|g| g.name == group.name) {
                group.copy_state(old);
            }
        }
        for old in &self.groups {
            if !next.groups.iter().any(|g| g.name == old.name) {
                for series in old.written_series() {
                    let _ = head.add(series, t_ms, f64::from_bits(STALE_NAN));
                }
            }
        }
        self.groups = next.groups;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenarios_default_rules_load() {
        for info in crate::sim::scenarios() {
            let text = defaults::default_rules(info.name);
            let file = parse_rule_file(&text, false)
                .unwrap_or_else(|e| panic!("{}: {e:?}\n{text}", info.name));
            assert!(!file.groups[0].rules.is_empty());
            RuleManager::new(&file, DEFAULT_EVALUATION_INTERVAL_MS).unwrap();
        }
    }
}

#[cfg(test)]
mod eval_tests {
    use super::*;
    use crate::tsdb::{Head, Labels, Matcher};

    #[test]
    fn recording_rule_writes_its_series() {
        let mut head = Head::default();
        for i in 0..10 {
            head.add(
                &Labels::new(&[("__name__", "x_total"), ("job", "a")]),
                i * 15_000,
                i as f64 * 10.0,
            )
            .unwrap();
        }
        let file = parse_rule_file("groups:\n- name: g\n  interval: 15s\n  rules:\n  - record: job:x:rate1m\n    expr: sum by (job) (rate(x_total[1m]))\n", false).unwrap();
        let mut m = RuleManager::new(&file, 60_000).unwrap();
        for i in 1..10 {
            m.eval_due(&mut head, i * 15_000);
        }
        let r = head.select(&[Matcher::equal("__name__", "job:x:rate1m")]);
        assert_eq!(r.len(), 1, "{:?}", m.groups()[0].rules[0]);
    }
}
