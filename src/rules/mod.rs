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

    /// How far back the groups' queries look (their `query_offset`), at most.
    pub fn max_query_offset_ms(&self) -> i64 {
        self.groups
            .iter()
            .map(|g| g.query_offset_ms)
            .max()
            .unwrap_or(0)
    }

    /// The first evaluation time after `after_ms`, over all groups.
    pub fn next_eval_after(&self, after_ms: i64) -> Option<i64> {
        self.groups
            .iter()
            .filter_map(|g| g.eval_times(after_ms, i64::MAX).next())
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

    /// Computes ahead the queries of the evaluations due in `(after_ms, until_ms]`
    /// that one pass can answer (`Group::prepare`), once `head` holds every sample
    /// scraped up to `until_ms`; `eval_due` then takes them in turn. Without it,
    /// each evaluation queries at its own time.
    pub fn prepare(&mut self, head: &Head, after_ms: i64, until_ms: i64) {
        // One evaluation per group (live, at every tick) has nothing to prepare.
        if self
            .groups
            .iter()
            .all(|g| g.eval_times(after_ms, until_ms).nth(1).is_none())
        {
            return;
        }
        // The metric names the rules write: an evaluation reading them must see
        // what the evaluations before it wrote.
        let mut written: std::collections::HashSet<String> =
            ["ALERTS", "ALERTS_FOR_STATE"].map(String::from).into();
        for group in &self.groups {
            for rule in &group.rules {
                if let RuleBody::Recording(r) = &rule.body {
                    written.insert(r.name.clone());
                }
            }
            for series in group.written_series().chain(group.pending_stale()) {
                if let Some(name) = series.metric_name() {
                    written.insert(name.to_string());
                }
            }
        }
        let cx = EvalContext {
            engine: &self.engine,
            templates: &self.templates,
            clock: self.engine.clock,
        };
        let written = |name: &str| written.contains(name);
        for group in &mut self.groups {
            group.prepare(head, (after_ms, until_ms), &cx, &written);
        }
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

#[cfg(test)]
mod histogram_tests {
    use super::*;
    use crate::histogram::notation::parse_histogram;
    use crate::tsdb::{Head, Labels};

    use query::{RuleExpr, query_vector};

    /// `some_histogram{i="0"|"1"}`, one `{{count:2 sum:3 buckets:[2]}}` every 15s
    /// from 0 to `until_ms`.
    fn head_with_histograms(until_ms: i64) -> Head {
        let mut head = Head::default();
        let h = parse_histogram("{{count:2 sum:3 buckets:[2]}}").unwrap();
        for i in ["0", "1"] {
            let labels = Labels::new(&[("__name__", "some_histogram"), ("i", i)]);
            for t in (0..=until_ms).step_by(15_000) {
                head.add_float_histogram(&labels, t, &h).unwrap();
            }
        }
        head
    }

    fn manager(rules: &str) -> RuleManager {
        let text = format!("groups:\n- name: g\n  interval: 15s\n  rules:\n{rules}");
        RuleManager::new(&parse_rule_file(&text, false).unwrap(), 60_000).unwrap()
    }

    fn query(head: &Head, expr: &str, t: i64) -> Vec<query::RuleSample> {
        let rule = RuleExpr::parse(expr).unwrap();
        query_vector(head, &rule, t, &engine::Options::default()).unwrap()
    }

    #[test]
    fn recording_rule_stores_a_histogram_series_a_later_query_reads() {
        let mut head = head_with_histograms(60_000);
        let mut m = manager("  - record: job:some_histogram:sum\n    expr: sum(some_histogram)\n");
        for t in (15_000..=60_000).step_by(15_000) {
            m.eval_due(&mut head, t);
        }
        let rule = &m.groups()[0].rules[0];
        assert_eq!(rule.health, Health::Ok, "{:?}", rule.last_error);
        let got = query(&head, "job:some_histogram:sum", 60_000);
        assert_eq!(got.len(), 1);
        let h = got[0].h.as_ref().expect("a histogram sample");
        assert_eq!(
            h.test_expression(),
            "{{count:4 sum:6 counter_reset_hint:not_reset buckets:[4]}}"
        );
        // Stored as a series of float histograms: functions over ranges see them.
        let rate = query(
            &head,
            "histogram_count(rate(job:some_histogram:sum[1m]))",
            60_000,
        );
        assert_eq!(rate.len(), 1);
        assert!(rate[0].h.is_none());
        assert_eq!(rate[0].v, 0.0);
    }

    #[test]
    fn a_histogram_series_a_rule_stops_producing_is_marked_stale() {
        let mut head = head_with_histograms(60_000);
        // Produced at 15s and 30s, nothing from 45s on.
        let mut m = manager(
            "  - record: h:copy\n    expr: some_histogram{i=\"0\"} unless on() (vector(time()) > 30)\n",
        );
        for t in (15_000..=45_000).step_by(15_000) {
            m.eval_due(&mut head, t);
        }
        let r = head
            .get(&Labels::new(&[("__name__", "h:copy"), ("i", "0")]))
            .unwrap();
        let points: Vec<(i64, crate::histogram::FloatHistogram)> =
            head.iter_histograms(r, 0, 60_000).collect();
        let times: Vec<i64> = points.iter().map(|p| p.0).collect();
        assert_eq!(times, [15_000, 30_000, 45_000]);
        assert_eq!(points[2].1.sum.to_bits(), crate::tsdb::STALE_NAN);
        // Within the lookback of the 30s sample, yet gone.
        assert_eq!(query(&head, "h:copy", 50_000).len(), 0);
        assert_eq!(query(&head, "h:copy", 40_000).len(), 1);
    }

    #[test]
    fn alerting_rule_on_a_histogram_has_value_zero_and_the_histogram_as_value_in_templates() {
        let mut head = head_with_histograms(60_000);
        let mut m = manager(concat!(
            "  - alert: H\n    expr: some_histogram{i=\"1\"}\n",
            "    annotations:\n",
            "      v: \"{{ $value }}\"\n",
            "      count: \"{{ $value.Count }}\"\n",
            "      h: \"{{ humanize $value }}\"\n",
            "      q: '{{ query \"some_histogram{i=\\\"0\\\"}\" | first | value }}'\n",
        ));
        m.eval_due(&mut head, 15_000);
        let rule = m.groups()[0].rules[0].as_alerting().unwrap();
        let alert = rule.alerts().next().unwrap();
        assert_eq!(alert.value, 0.0);
        let ann: std::collections::BTreeMap<&str, &str> = alert
            .annotations
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(ann["v"], "{count:2, sum:3, (0.5,1]:2}");
        assert_eq!(ann["count"], "2");
        assert_eq!(ann["q"], "{count:2, sum:3, (0.5,1]:2}");
        assert_eq!(
            ann["h"],
            "<error expanding template: error executing template __alert_H: template: __alert_H:1:115: executing \"__alert_H\" at <humanize $value>: error calling humanize: can't convert *histogram.FloatHistogram to float>"
        );
        let alerts = query(&head, "ALERTS", 15_000);
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].v, 1.0);
    }
}
