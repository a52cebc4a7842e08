//! How a run reads its YAML texts: rule files and `alertmanager.yml`.
//!
//! The readers (serde-saphyr, the serde code it drives, the unknown-key checks)
//! are about a quarter of the page's code, so the page's split build loads them
//! as a part of their own after first paint, and the pipeline reaches them only
//! through [`YamlParsers`]. The default texts need no reader: they come prebuilt
//! (`rules::defaults`, `alertmanager::defaults`), so a run with the defaults
//! starts, scrapes and evaluates its rules before the part has arrived.

use crate::alertmanager::{self, Config, defaults::DEFAULT_CONFIG};
use crate::rules::defaults::{default_rule_file, default_rules};
use crate::rules::{RuleFile, RuleFileError, parse_rule_file};

use super::Run;
use super::alerting::check_group_intervals;

/// The YAML readers, as function pointers: code that names them directly would
/// pull them into whichever part of the page it is in.
#[derive(Clone, Copy, Debug)]
pub struct YamlParsers {
    rules: fn(&str) -> Result<RuleFile, Vec<RuleFileError>>,
    alertmanager: fn(&str) -> Result<Config, String>,
}

impl YamlParsers {
    /// The readers themselves: rule files as Prometheus loads them (unknown
    /// fields are errors), `alertmanager.yml` as Alertmanager does.
    pub const ALL: YamlParsers = YamlParsers {
        rules: read_rule_file,
        alertmanager: alertmanager::parse,
    };

    /// What a pipeline has unless given them: all, except in the page's split
    /// build, which installs them once their part has loaded.
    pub fn built_in() -> Option<YamlParsers> {
        #[cfg(not(feature = "split"))]
        return Some(YamlParsers::ALL);
        #[cfg(feature = "split")]
        return None;
    }
}

fn read_rule_file(text: &str) -> Result<RuleFile, Vec<RuleFileError>> {
    parse_rule_file(text, false)
}

/// Why a text other than the defaults could not be read (the page waits for the
/// readers before it gives a pipeline such a text, so users should not see it).
pub const NOT_LOADED: &str = "the YAML reader has not loaded yet";

/// Reads a rule text of a run of `scenario` as the playground loads rule files:
/// checked as Prometheus checks them, and no group faster than the playground
/// runs (see [`check_group_intervals`]).
pub fn read_rules(
    parsers: Option<YamlParsers>,
    scenario: &str,
    text: &str,
) -> Result<RuleFile, Vec<RuleFileError>> {
    let file = if text == default_rules(scenario) {
        default_rule_file(scenario)
    } else {
        let parsers = parsers.ok_or_else(|| {
            vec![RuleFileError {
                message: NOT_LOADED.into(),
                line: None,
                column: None,
            }]
        })?;
        (parsers.rules)(text)?
    };
    check_group_intervals(file)
}

/// Reads an `alertmanager.yml` text.
pub fn read_alertmanager(parsers: Option<YamlParsers>, text: &str) -> Result<Config, String> {
    if text == DEFAULT_CONFIG {
        return Ok(alertmanager::defaults::default_config());
    }
    (parsers.ok_or(NOT_LOADED)?.alertmanager)(text)
}

/// Whether replaying `run` reads a text other than the defaults.
pub fn needs_parsers(run: &Run) -> bool {
    let rules = &run.alerting.rules;
    rules.iter().any(|t| *t != default_rules(&run.scenario))
        || run
            .alerting
            .alertmanager
            .iter()
            .any(|t| t != DEFAULT_CONFIG)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_the_readers_only_the_defaults_read() {
        let file = read_rules(None, "api", &default_rules("api")).unwrap();
        assert_eq!(file, default_rule_file("api"));
        let other = default_rules("api").replace("15s", "30s");
        assert_eq!(
            read_rules(None, "api", &other).unwrap_err()[0].message,
            NOT_LOADED
        );
        let with = read_rules(Some(YamlParsers::ALL), "api", &other).unwrap();
        assert_eq!(with.groups[0].interval_ms, Some(30_000));
        // Another service's defaults are a text like any other.
        assert!(read_rules(None, "batch", &default_rules("api")).is_err());

        assert!(read_alertmanager(None, DEFAULT_CONFIG).is_ok());
        let other = DEFAULT_CONFIG.replace("4h", "3h");
        assert_eq!(read_alertmanager(None, &other).unwrap_err(), NOT_LOADED);
        assert!(read_alertmanager(Some(YamlParsers::ALL), &other).is_ok());
    }

    #[test]
    fn a_run_needs_the_readers_only_for_texts_other_than_the_defaults() {
        let mut run = Run::new("api", 1, 0, 1);
        assert!(!needs_parsers(&run));
        run.alerting.rules.push(default_rules("api"));
        run.alerting.alertmanager.push(DEFAULT_CONFIG.into());
        assert!(!needs_parsers(&run), "the defaults, written out");
        run.alerting.rules.push("groups: []\n".into());
        assert!(needs_parsers(&run));
        run.alerting.rules.truncate(1);
        run.alerting
            .alertmanager
            .push(DEFAULT_CONFIG.replace("4h", "3h"));
        assert!(needs_parsers(&run));
    }

    #[test]
    fn the_group_interval_check_applies_to_every_text() {
        let fast = "groups:\n  - name: hot\n    interval: 10ms\n    rules: []\n";
        let errors = read_rules(Some(YamlParsers::ALL), "api", fast).unwrap_err();
        assert!(
            errors[0].message.contains("at most once a second"),
            "{errors:?}"
        );
    }
}
