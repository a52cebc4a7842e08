//! `alertmanager.yml`, the parts the simulated Alertmanager uses: `global`'s
//! `resolve_timeout` and the settings integrations fall back on, the routing
//! tree with its timings, the receivers and their integrations, the inhibition
//! rules, and the names of time intervals. Settings that only address real
//! services (URLs, keys, templates' contents) are checked, not used.
//!
//! The checks, and their order and wording, are those of Alertmanager 0.25's
//! `config.Load`: what each part checks as it is read, then the file as a whole.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::inhibit::{InhibitRule, InhibitRuleFile};
use super::receivers::{GlobalFile, ReceiverFile};
use super::route::{Route, config_duration_ms};

pub use super::receivers::{Integration, ReceiverConfig};

/// `global.resolve_timeout`'s default: an alert posted without an end time is
/// resolved this long after it was last posted.
pub const DEFAULT_RESOLVE_TIMEOUT_MS: i64 = 5 * 60_000;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct RouteConfig {
    #[serde(default)]
    pub receiver: Option<String>,
    #[serde(default)]
    pub group_by: Option<Vec<String>>,
    /// The older `match:` (label → value, equality).
    #[serde(default, rename = "match")]
    pub match_equal: BTreeMap<String, String>,
    /// The older `match_re:` (label → regex).
    #[serde(default)]
    pub match_re: BTreeMap<String, String>,
    #[serde(default)]
    pub matchers: Vec<String>,
    #[serde(default, rename = "continue")]
    pub continue_matching: bool,
    #[serde(default)]
    pub routes: Vec<RouteConfig>,
    #[serde(default)]
    pub group_wait: Option<String>,
    #[serde(default)]
    pub group_interval: Option<String>,
    #[serde(default)]
    pub repeat_interval: Option<String>,
    #[serde(default)]
    pub mute_time_intervals: Vec<String>,
    #[serde(default)]
    pub active_time_intervals: Vec<String>,
}

/// A `time_intervals` (or older `mute_time_intervals`) entry: only its name is
/// used (routes must name defined ones); its times are not simulated.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct TimeIntervalFile {
    pub(crate) name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct File {
    #[serde(default)]
    pub(crate) global: Option<GlobalFile>,
    pub(crate) route: Option<RouteConfig>,
    #[serde(default)]
    pub(crate) receivers: Vec<ReceiverFile>,
    #[serde(default)]
    pub(crate) inhibit_rules: Vec<InhibitRuleFile>,
    #[serde(default)]
    pub(crate) templates: Vec<String>,
    #[serde(default)]
    pub(crate) mute_time_intervals: Vec<TimeIntervalFile>,
    #[serde(default)]
    pub(crate) time_intervals: Vec<TimeIntervalFile>,
}

/// A checked configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub route: Route,
    pub receivers: Vec<ReceiverConfig>,
    pub inhibit_rules: Vec<InhibitRule>,
    /// Template file globs (not read).
    pub templates: Vec<String>,
    /// `global.resolve_timeout`, in milliseconds.
    pub resolve_timeout_ms: i64,
    /// The names of `time_intervals` and `mute_time_intervals` (their times
    /// are not simulated: routes naming them are never muted by them).
    pub time_intervals: Vec<String>,
}

impl Config {
    /// The receiver named `name`, if defined.
    pub fn receiver(&self, name: &str) -> Option<&ReceiverConfig> {
        self.receivers.iter().find(|r| r.name == name)
    }
}

/// Parses and checks `alertmanager.yml` as Alertmanager does at load.
pub fn parse(text: &str) -> Result<Config, String> {
    check(serde_saphyr::from_str(text).map_err(|e| e.to_string())?)
}

/// Checks a file as read, and builds the configuration it gives.
pub(crate) fn check(file: File) -> Result<Config, String> {
    // What each part checks as it is read (`UnmarshalYAML`).
    let resolve_timeout_ms = match file
        .global
        .as_ref()
        .and_then(|g| g.resolve_timeout.as_deref())
    {
        Some(text) => config_duration_ms(text)?,
        None => DEFAULT_RESOLVE_TIMEOUT_MS,
    };
    let route = file
        .route
        .as_ref()
        .map(|r| Route::build(r, None))
        .transpose()?;
    for receiver in &file.receivers {
        receiver.check_read()?;
    }
    let inhibit_rules = file
        .inhibit_rules
        .iter()
        .map(InhibitRule::build)
        .collect::<Result<Vec<_>, _>>()?;
    for (list, kind) in [
        (&file.mute_time_intervals, "mute time interval"),
        (&file.time_intervals, "time interval"),
    ] {
        if list
            .iter()
            .any(|i| i.name.as_deref().unwrap_or("").is_empty())
        {
            return Err(format!("missing name in {kind}"));
        }
    }
    // Then the file as a whole (`Config.UnmarshalYAML`).
    let global = file.global.unwrap_or_default();
    global.check()?;
    let mut names: Vec<&str> = Vec::new();
    for receiver in &file.receivers {
        if names.contains(&receiver.name()) {
            return Err(format!(
                "notification config name {:?} is not unique",
                receiver.name()
            ));
        }
        receiver.check_globals(&global)?;
        names.push(receiver.name());
    }
    let (Some(root), Some(route)) = (file.route.as_ref(), route) else {
        return Err("no routes provided".into());
    };
    if root.receiver.as_deref().unwrap_or("").is_empty() {
        return Err("root route must specify a default receiver".into());
    }
    if !root.match_equal.is_empty() || !root.match_re.is_empty() || !root.matchers.is_empty() {
        return Err("root route must not have any matchers".into());
    }
    if !root.mute_time_intervals.is_empty() {
        return Err("root route must not have any mute time intervals".into());
    }
    if !root.active_time_intervals.is_empty() {
        return Err("root route must not have any active time intervals".into());
    }
    if let Some(missing) = route.undefined_receiver(&names) {
        return Err(format!("undefined receiver {missing:?} used in route"));
    }
    let time_intervals = time_interval_names(&file.mute_time_intervals, &file.time_intervals)?;
    if let Some(missing) = route.undefined_time_interval(&time_intervals) {
        return Err(format!("undefined time interval {missing:?} used in route"));
    }
    // Last, `config.Load`'s own check.
    if root.continue_matching {
        return Err("cannot have continue in root route".into());
    }
    Ok(Config {
        route,
        receivers: file.receivers.iter().map(ReceiverFile::build).collect(),
        inhibit_rules,
        templates: file.templates,
        resolve_timeout_ms,
        time_intervals,
    })
}

/// The names of both kinds of time interval, each named once.
fn time_interval_names(
    mute: &[TimeIntervalFile],
    plain: &[TimeIntervalFile],
) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = Vec::new();
    for (list, kind) in [(mute, "mute time interval"), (plain, "time interval")] {
        for interval in list {
            let name = interval.name.clone().unwrap_or_default();
            if names.contains(&name) {
                return Err(format!("{kind} {name:?} is not unique"));
            }
            names.push(name);
        }
    }
    Ok(names)
}
