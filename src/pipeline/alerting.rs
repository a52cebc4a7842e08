//! The rule stage of a run: its rule file evaluated on the run's clock, after the
//! scrapes of the same moment, writing recording rules' series and `ALERTS` to
//! the store; the alerts Prometheus would send to Alertmanager are kept in order.

use crate::rules::{RuleFile, RuleFileError, RuleManager, SentAlert, parse_rule_file};
use crate::tsdb::Head;

/// The default group interval (the tutorials' `evaluation_interval: 15s`).
pub const EVALUATION_INTERVAL_MS: i64 = 15_000;
/// The most sent alerts kept (older ones are dropped first).
pub const MAX_SENT: usize = 10_000;

pub struct Alerting {
    rules: RuleManager,
    /// Why the run's rule text did not load (then no rule runs).
    errors: Vec<RuleFileError>,
    /// Alerts sent, with when.
    sent: std::collections::VecDeque<(i64, SentAlert)>,
    /// How many were dropped from the front of `sent`.
    dropped: usize,
}

impl Alerting {
    pub fn new(rule_text: &str) -> Alerting {
        let (file, errors) = match parse_rule_file(rule_text, false) {
            Ok(file) => (file, Vec::new()),
            Err(errors) => (RuleFile::default(), errors),
        };
        let rules = RuleManager::new(&file, EVALUATION_INTERVAL_MS)
            .expect("a checked rule file's expressions parse");
        Alerting {
            rules,
            errors,
            sent: Default::default(),
            dropped: 0,
        }
    }

    /// Switches to `text`'s rules at `t_ms`, as a reload does (unchanged rules keep
    /// their alerts). A text that does not load leaves the rules as they were, as
    /// Prometheus keeps its rules when a reload fails; its errors are kept.
    pub fn set_rules(&mut self, text: &str, store: &mut Head, t_ms: i64) {
        match parse_rule_file(text, false) {
            Ok(file) => {
                self.errors.clear();
                self.rules
                    .reload(&file, store, t_ms)
                    .expect("a checked rule file's expressions parse");
            }
            Err(errors) => self.errors = errors,
        }
    }

    pub fn rules(&self) -> &RuleManager {
        &self.rules
    }

    pub fn errors(&self) -> &[RuleFileError] {
        &self.errors
    }

    pub fn sent(&self) -> impl Iterator<Item = &(i64, SentAlert)> {
        self.sent.iter()
    }

    pub fn next_eval_after(&self, t_ms: i64) -> Option<i64> {
        self.rules.next_eval_after(t_ms)
    }

    /// Evaluates the groups due at `t_ms`; returns how many alerts were sent.
    pub fn eval_due(&mut self, store: &mut Head, t_ms: i64) -> usize {
        let sent = self.rules.eval_due(store, t_ms);
        let n = sent.len();
        for alert in sent {
            if self.sent.len() == MAX_SENT {
                self.sent.pop_front();
                self.dropped += 1;
            }
            self.sent.push_back((t_ms, alert));
        }
        n
    }
}
