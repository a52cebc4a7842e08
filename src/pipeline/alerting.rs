//! The alerting stage of a run: its rule file evaluated on the run's clock, after
//! the scrapes of the same moment, writing recording rules' series and `ALERTS`
//! to the store; the alerts Prometheus sends go to the simulated Alertmanager,
//! whose timers run on the same clock and whose notification log the page shows.

use std::collections::VecDeque;

use crate::alertmanager::{self, Alertmanager};
use crate::gofmt::go_query_escape;
use crate::rules::{RuleFile, RuleFileError, RuleManager, SentAlert};
use crate::tsdb::Head;

use super::run::SilenceText;

/// The default group interval (the tutorials' `evaluation_interval: 15s`).
pub const EVALUATION_INTERVAL_MS: i64 = 15_000;
/// The most sent alerts kept (older ones are dropped first).
pub const MAX_SENT: usize = 10_000;

pub struct Alerting {
    rules: RuleManager,
    /// Why the last rule text given did not load (the rules before it stay).
    errors: Vec<RuleFileError>,
    /// Alerts sent to Alertmanager, with when.
    sent: VecDeque<(i64, SentAlert)>,
    alertmanager: Alertmanager,
    /// Why the last Alertmanager configuration given did not load.
    alertmanager_error: Option<String>,
    /// The Alertmanager's id of each of the run's silences created so far.
    silence_ids: Vec<Option<String>>,
}

/// The shortest group interval the playground runs: a group evaluated every
/// millisecond of virtual time would keep the page busy at any clock speed.
pub const MIN_GROUP_INTERVAL_MS: i64 = 1000;

/// A rule file as the playground loads it: checked as Prometheus checks it, and
/// every group's interval at least [`MIN_GROUP_INTERVAL_MS`]. (Reads with the
/// YAML reader itself: the pipeline reads through [`super::yaml`].)
pub fn check_rule_text(text: &str) -> Result<RuleFile, Vec<RuleFileError>> {
    super::yaml::read_rules(Some(super::yaml::YamlParsers::ALL), "", text)
}

/// Refuses groups evaluated more often than [`MIN_GROUP_INTERVAL_MS`].
pub(super) fn check_group_intervals(file: RuleFile) -> Result<RuleFile, Vec<RuleFileError>> {
    let too_fast: Vec<RuleFileError> = file
        .groups
        .iter()
        .filter(|g| g.interval_ms.is_some_and(|i| i > 0 && i < MIN_GROUP_INTERVAL_MS))
        .map(|g| RuleFileError {
            message: format!(
                "{}:{}: group {:?}: the playground evaluates a group at most once a second (interval {})",
                g.line,
                g.column,
                g.name,
                crate::time::format_duration(g.interval_ms.unwrap_or(0))
            ),
            line: Some(g.line),
            column: Some(g.column),
        })
        .collect();
    if too_fast.is_empty() {
        Ok(file)
    } else {
        Err(too_fast)
    }
}

fn rules_from(read: Result<RuleFile, Vec<RuleFileError>>) -> (RuleManager, Vec<RuleFileError>) {
    let (file, errors) = match read {
        Ok(file) => (file, Vec::new()),
        Err(errors) => (RuleFile::default(), errors),
    };
    let rules = RuleManager::new(&file, EVALUATION_INTERVAL_MS)
        .expect("a checked rule file's expressions parse");
    (rules, errors)
}

impl Alerting {
    /// Starts with the rule file and Alertmanager configuration read (or why
    /// they could not be: then no rules, and the default configuration).
    pub fn new(
        rules: Result<RuleFile, Vec<RuleFileError>>,
        alertmanager: Result<alertmanager::Config, String>,
    ) -> Alerting {
        let (rules, errors) = rules_from(rules);
        let (config, alertmanager_error) = match alertmanager {
            Ok(config) => (config, None),
            Err(e) => (alertmanager::defaults::default_config(), Some(e)),
        };
        Alerting {
            rules,
            errors,
            sent: VecDeque::new(),
            alertmanager: Alertmanager::new(config),
            alertmanager_error,
            silence_ids: Vec::new(),
        }
    }

    /// Switches to a rule file's rules at `t_ms`, as a reload does (unchanged rules
    /// keep their alerts). A text that did not read leaves the rules as they were,
    /// as Prometheus keeps its rules when a reload fails; its errors are kept.
    pub fn set_rules(
        &mut self,
        read: Result<RuleFile, Vec<RuleFileError>>,
        store: &mut Head,
        t_ms: i64,
    ) {
        match read {
            Ok(file) => {
                self.errors.clear();
                self.rules
                    .reload(&file, store, t_ms)
                    .expect("a checked rule file's expressions parse");
            }
            Err(errors) => self.errors = errors,
        }
    }

    /// Reloads Alertmanager at `t_ms` (kept as it was if the text did not read).
    pub fn set_alertmanager(&mut self, read: Result<alertmanager::Config, String>, t_ms: i64) {
        match read {
            Ok(config) => {
                self.alertmanager_error = None;
                self.alertmanager.set_config(t_ms, config);
            }
            Err(e) => self.alertmanager_error = Some(e),
        }
    }

    /// Creates the run's silence number `n` at `t_ms`, for its duration.
    pub fn add_silence(&mut self, n: usize, silence: &SilenceText, t_ms: i64) {
        let spec = alertmanager::SilenceSpec {
            matchers: silence.matchers.clone(),
            starts_at_ms: t_ms,
            ends_at_ms: t_ms.saturating_add(silence.duration_ms),
            created_by: "playground".into(),
            comment: silence.comment.clone(),
        };
        let id = self.alertmanager.add_silence(t_ms, spec).ok();
        if self.silence_ids.len() <= n {
            self.silence_ids.resize(n + 1, None);
        }
        self.silence_ids[n] = id;
    }

    /// Ends the run's silence number `n` at `t_ms`.
    pub fn expire_silence(&mut self, n: usize, t_ms: i64) {
        if let Some(Some(id)) = self.silence_ids.get(n) {
            let _ = self.alertmanager.expire_silence(t_ms, id);
        }
    }

    /// The engine settings rule queries run with (the page bounds them tighter
    /// than Prometheus: its evaluations run on the page's main thread).
    pub fn set_query_options(&mut self, options: crate::promql::engine::Options) {
        self.rules.engine = options;
    }

    pub fn rules(&self) -> &RuleManager {
        &self.rules
    }

    pub fn errors(&self) -> &[RuleFileError] {
        &self.errors
    }

    pub fn alertmanager(&self) -> &Alertmanager {
        &self.alertmanager
    }

    pub fn alertmanager_error(&self) -> Option<&str> {
        self.alertmanager_error.as_deref()
    }

    /// The Alertmanager id of the run's silence `n`, once created.
    pub fn silence_id(&self, n: usize) -> Option<&str> {
        self.silence_ids.get(n)?.as_deref()
    }

    pub fn sent(&self) -> impl Iterator<Item = &(i64, SentAlert)> {
        self.sent.iter()
    }

    pub fn next_eval_after(&self, t_ms: i64) -> Option<i64> {
        self.rules.next_eval_after(t_ms)
    }

    /// Runs Alertmanager's timers up to `t_ms`.
    pub fn advance_to(&mut self, t_ms: i64) {
        self.alertmanager.advance_to(t_ms);
    }

    /// Evaluates the groups due in `(after_ms, until_ms]` in time order, their
    /// queries prepared in one pass where they allow it, once the store holds what
    /// was scraped up to `until_ms`; returns how many evaluation rounds ran.
    pub fn eval_through(&mut self, store: &mut Head, after_ms: i64, until_ms: i64) -> usize {
        self.rules.prepare(store, after_ms, until_ms);
        let mut rounds = 0;
        let mut now = after_ms;
        while let Some(t) = self.next_eval_after(now).filter(|&t| t <= until_ms) {
            self.eval_due(store, t);
            rounds += 1;
            now = t;
        }
        rounds
    }

    /// Evaluates the groups due at `t_ms` and sends what they fire (or resolve) to
    /// Alertmanager; returns how many alerts were sent.
    pub fn eval_due(&mut self, store: &mut Head, t_ms: i64) -> usize {
        self.alertmanager.advance_to(t_ms);
        let sent = self.rules.eval_due(store, t_ms);
        let n = sent.len();
        if n > 0 {
            let posted = sent.iter().map(to_alertmanager).collect();
            // Rules give valid alerts; one Alertmanager refuses is dropped, as the
            // API's 400 drops it.
            let _ = self.alertmanager.post_alerts(t_ms, posted);
        }
        for alert in sent {
            if self.sent.len() == MAX_SENT {
                self.sent.pop_front();
            }
            self.sent.push_back((t_ms, alert));
        }
        n
    }
}

/// An alert as Prometheus's notifier posts it: a link back to the rule's
/// expression in the graph (`TableLinkForExpression`).
fn to_alertmanager(sent: &SentAlert) -> alertmanager::Alert {
    alertmanager::Alert {
        labels: sent.labels.to_vec(),
        annotations: sent.annotations.clone(),
        starts_at_ms: sent.starts_at_ms,
        ends_at_ms: sent.ends_at_ms,
        generator_url: format!("/graph?g0.expr={}&g0.tab=1", go_query_escape(&sent.expr)),
    }
}
