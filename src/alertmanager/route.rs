//! Alertmanager's routing tree: which receivers an alert's labels reach, as its
//! dispatcher (and `amtool config routes test`) finds them. A route matches when
//! all its matchers do; its children are tried in order, the first that matches
//! ends the search unless it says `continue`; a route none of whose children
//! match is itself the answer. Children inherit their parent's receiver, grouping
//! and timings when they do not set them (`dispatch/route.go`, `NewRoute`); the
//! root inherits Alertmanager's defaults: group_wait 30s, group_interval 5m,
//! repeat_interval 4h, no grouping.

use super::config::RouteConfig;
use super::matchers::{MatchOp, Matcher, matches_labels, parse_matchers};
use crate::names::is_legacy_label_name;
use crate::time::{DurationError, parse_duration_ms};

/// Alertmanager's `DefaultRouteOpts` timings, in milliseconds.
pub const DEFAULT_GROUP_WAIT_MS: i64 = 30_000;
pub const DEFAULT_GROUP_INTERVAL_MS: i64 = 5 * 60_000;
pub const DEFAULT_REPEAT_INTERVAL_MS: i64 = 4 * 3_600_000;

#[derive(Clone, Debug)]
pub struct Route {
    pub receiver: String,
    /// The labels alerts are grouped by (empty with `group_by_all`).
    pub group_by: Vec<String>,
    /// `group_by: ['...']`: every label of the alert is a group label.
    pub group_by_all: bool,
    pub group_wait_ms: i64,
    pub group_interval_ms: i64,
    pub repeat_interval_ms: i64,
    /// Names of `time_intervals` muting this route, and making it active (checked
    /// against the configuration, not applied: the simulation has no calendar).
    pub mute_time_intervals: Vec<String>,
    pub active_time_intervals: Vec<String>,
    /// Sorted as Alertmanager sorts them (name, value, operator).
    pub matchers: Vec<Matcher>,
    pub continue_matching: bool,
    pub routes: Vec<Route>,
    /// Alertmanager's `Route.Key()`: the parent's key, `/`, this route's matchers
    /// (`{}` for none); the first part of a group key.
    pub key: String,
}

/// A duration as Alertmanager's configuration reads it (`model.ParseDuration`),
/// with its messages.
pub fn config_duration_ms(text: &str) -> Result<i64, String> {
    match parse_duration_ms(text) {
        Ok(ms) => Ok(ms),
        Err(_) if text.is_empty() => Err("empty duration string".into()),
        Err(DurationError::OutOfRange) => Err("duration out of range".into()),
        Err(DurationError::Syntax(_)) => Err(format!("not a valid duration string: {text:?}")),
    }
}

/// A `match:` / `source_match:` key, checked as `model.LabelNameRE` checks it.
pub(crate) fn check_label_name(name: &str) -> Result<(), String> {
    match is_legacy_label_name(name) {
        true => Ok(()),
        false => Err(format!("invalid label name {name:?}")),
    }
}

/// The matchers of the older `match:` (equality) and `match_re:` (regex) maps,
/// as Alertmanager converts them: a `match_re` value is compiled anchored, and
/// its anchored form becomes the matcher's value (it shows when printed).
pub(crate) fn legacy_matchers(
    equal: &std::collections::BTreeMap<String, String>,
    regex: &std::collections::BTreeMap<String, String>,
) -> Result<Vec<Matcher>, String> {
    let mut matchers = Vec::new();
    for (name, value) in regex {
        check_label_name(name)?;
        matchers.push(Matcher::new(
            name,
            MatchOp::Regex,
            &format!("^(?:{value})$"),
        )?);
    }
    // `match:` names are checked with the route's other checks, after its children.
    for (name, value) in equal {
        matchers.push(Matcher::new(name, MatchOp::Equal, value)?);
    }
    Ok(matchers)
}

/// `matchers:` lines, each possibly several matchers.
pub(crate) fn matcher_lines(lines: &[String]) -> Result<Vec<Matcher>, String> {
    let mut matchers = Vec::new();
    for text in lines {
        matchers.extend(parse_matchers(text)?);
    }
    Ok(matchers)
}

/// Alertmanager's matcher order (`labels.Matchers.Less`): name, value, operator.
pub(crate) fn sort_matchers(matchers: &mut [Matcher]) {
    crate::sort::sort_by(&mut matchers[..], |a, b| {
        (&a.name, &a.value, a.op as u8).cmp(&(&b.name, &b.value, b.op as u8))
    });
}

/// Matchers as `labels.Matchers.String()` writes them: `{a="1",b=~"x"}`.
pub(crate) fn matchers_string(matchers: &[Matcher]) -> String {
    let parts: Vec<String> = matchers.iter().map(|m| m.to_string()).collect();
    format!("{{{}}}", parts.join(","))
}

impl Route {
    /// Builds the tree from its configuration; `parent` gives inherited settings.
    /// Errors come in the order Alertmanager meets them as it reads the file: a
    /// route's matchers and durations, then its children, then its own checks.
    pub fn build(config: &RouteConfig, parent: Option<&Route>) -> Result<Route, String> {
        let mut matchers = legacy_matchers(&config.match_equal, &config.match_re)?;
        matchers.extend(matcher_lines(&config.matchers)?);
        sort_matchers(&mut matchers);
        let duration = |text: &Option<String>| text.as_deref().map(config_duration_ms).transpose();
        let (wait, interval, repeat) = (
            duration(&config.group_wait)?,
            duration(&config.group_interval)?,
            duration(&config.repeat_interval)?,
        );
        let receiver = match config.receiver.as_deref() {
            Some(r) if !r.is_empty() => r.to_string(),
            _ => parent.map(|p| p.receiver.clone()).unwrap_or_default(),
        };
        // As `NewRoute`: names in group_by replace the parent's grouping; `...`
        // alone turns grouping by every label on; neither (or `[]`) inherits.
        let names: Vec<String> = config
            .group_by
            .iter()
            .flatten()
            .filter(|l| *l != "...")
            .cloned()
            .collect();
        let wildcard = config.group_by.iter().flatten().any(|l| l == "...");
        let (group_by, group_by_all) = match (parent, names.is_empty()) {
            (_, false) => (names.clone(), false),
            (Some(p), true) => (p.group_by.clone(), p.group_by_all || wildcard),
            (None, true) => (Vec::new(), wildcard),
        };
        let key = match parent {
            Some(p) => format!("{}/{}", p.key, matchers_string(&matchers)),
            None => matchers_string(&matchers),
        };
        let mut route = Route {
            receiver,
            group_by,
            group_by_all,
            group_wait_ms: wait
                .or(parent.map(|p| p.group_wait_ms))
                .unwrap_or(DEFAULT_GROUP_WAIT_MS),
            group_interval_ms: interval
                .or(parent.map(|p| p.group_interval_ms))
                .unwrap_or(DEFAULT_GROUP_INTERVAL_MS),
            repeat_interval_ms: repeat
                .or(parent.map(|p| p.repeat_interval_ms))
                .unwrap_or(DEFAULT_REPEAT_INTERVAL_MS),
            mute_time_intervals: config.mute_time_intervals.clone(),
            active_time_intervals: config.active_time_intervals.clone(),
            matchers,
            continue_matching: config.continue_matching,
            routes: Vec::new(),
            key,
        };
        let children = config
            .routes
            .iter()
            .map(|child| Route::build(child, Some(&route)))
            .collect::<Result<Vec<_>, _>>()?;
        route.routes = children;
        check_grouping_and_timings(config, &names, wildcard, (interval, repeat))?;
        Ok(route)
    }

    fn matches(&self, labels: &[(String, String)]) -> bool {
        matches_labels(&self.matchers, labels)
    }

    /// The routes `labels` end at, in tree order.
    pub fn route<'a>(&'a self, labels: &[(String, String)]) -> Vec<&'a Route> {
        if !self.matches(labels) {
            return Vec::new();
        }
        let mut found = Vec::new();
        for child in &self.routes {
            let reached = child.route(labels);
            let stop = !reached.is_empty() && !child.continue_matching;
            found.extend(reached);
            if stop {
                break;
            }
        }
        if found.is_empty() {
            found.push(self);
        }
        found
    }

    /// Every receiver the tree names.
    pub fn receivers(&self) -> Vec<&str> {
        self.walk()
            .into_iter()
            .map(|r| r.receiver.as_str())
            .collect()
    }

    /// The routes depth first, parents before children (Alertmanager's `Walk`):
    /// a route's position here is how the dispatcher knows it.
    pub fn walk(&self) -> Vec<&Route> {
        let mut all = vec![self];
        for child in &self.routes {
            all.extend(child.walk());
        }
        all
    }

    /// The first receiver not in `defined`, children before their parent as
    /// Alertmanager's `checkReceiver` looks.
    pub(crate) fn undefined_receiver(&self, defined: &[&str]) -> Option<&str> {
        self.routes
            .iter()
            .find_map(|child| child.undefined_receiver(defined))
            .or_else(|| {
                (!defined.contains(&self.receiver.as_str())).then_some(self.receiver.as_str())
            })
    }

    /// The first time interval name not in `defined`, children first.
    pub(crate) fn undefined_time_interval(&self, defined: &[String]) -> Option<&str> {
        self.routes
            .iter()
            .find_map(|child| child.undefined_time_interval(defined))
            .or_else(|| {
                self.active_time_intervals
                    .iter()
                    .chain(&self.mute_time_intervals)
                    .find(|name| !defined.contains(name))
                    .map(String::as_str)
            })
    }

    /// The matchers as amtool prints them: `{a="1",b=~"x"}`, sorted by name,
    /// value and operator (as they are kept).
    fn matchers_text(&self) -> String {
        matchers_string(&self.matchers)
    }

    fn label(&self, root: bool) -> String {
        if root {
            "default-route".to_string()
        } else {
            self.matchers_text()
        }
    }

    /// The whole tree as `amtool config routes` prints it.
    pub fn render_tree(&self) -> String {
        let line = |route: &Route, root| {
            let mut line = route.label(root);
            if route.continue_matching {
                line.push_str("  continue: true");
            }
            format!("{line}  receiver: {}", route.receiver)
        };
        format!("Routing tree:\n.\n{}\n", self.draw(&line, &|_| true))
    }

    /// The routes `labels` take, as `amtool config routes test --tree` prints
    /// them: the path from the root to each matching route, receivers at the ends.
    pub fn render_matching(&self, labels: &[(String, String)]) -> String {
        let ends = self.route(labels);
        let is_end = |route: &Route| ends.iter().any(|end| std::ptr::eq(*end, route));
        let line = |route: &Route, root| match is_end(route) {
            true => format!("{}  receiver: {}", route.label(root), route.receiver),
            false => route.label(root),
        };
        let on_path = |route: &Route| route.leads_to(&is_end);
        format!("Matching routes:\n.\n{}\n\n", self.draw(&line, &on_path))
    }

    /// The tree from this route down, one `line` per route, children kept by `keep`.
    fn draw(&self, line: &dyn Fn(&Route, bool) -> String, keep: &dyn Fn(&Route) -> bool) -> String {
        let mut out = String::new();
        self.render(&mut out, "", true, true, line, keep);
        out
    }

    /// Whether this route, or one below it, is an end.
    fn leads_to(&self, is_end: &dyn Fn(&Route) -> bool) -> bool {
        is_end(self) || self.routes.iter().any(|c| c.leads_to(is_end))
    }

    fn render(
        &self,
        out: &mut String,
        prefix: &str,
        last: bool,
        root: bool,
        line: &dyn Fn(&Route, bool) -> String,
        keep: &dyn Fn(&Route) -> bool,
    ) {
        out.push_str(prefix);
        out.push_str(if last { "└── " } else { "├── " });
        out.push_str(&line(self, root));
        out.push('\n');
        let children: Vec<&Route> = self.routes.iter().filter(|c| keep(c)).collect();
        let inner = format!("{prefix}{}", if last { "    " } else { "│   " });
        for (i, child) in children.iter().enumerate() {
            child.render(out, &inner, i + 1 == children.len(), false, line, keep);
        }
    }
}

/// The checks `config.Route.UnmarshalYAML` makes once a route is read.
fn check_grouping_and_timings(
    config: &RouteConfig,
    names: &[String],
    wildcard: bool,
    (interval, repeat): (Option<i64>, Option<i64>),
) -> Result<(), String> {
    for name in config.match_equal.keys() {
        check_label_name(name)?;
    }
    if let Some(bad) = names.iter().find(|n| !is_legacy_label_name(n)) {
        return Err(format!("invalid label name {bad:?} in group_by list"));
    }
    if wildcard && !names.is_empty() {
        return Err(
            "cannot have wildcard group_by (`...`) and other other labels at the same time".into(),
        );
    }
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            return Err(format!("duplicated label {name:?} in group_by"));
        }
    }
    if interval == Some(0) {
        return Err("group_interval cannot be zero".into());
    }
    if repeat == Some(0) {
        return Err("repeat_interval cannot be zero".into());
    }
    Ok(())
}
