//! `alertmanager.yml`, the parts the simulated Alertmanager uses: the routing tree
//! and the receivers' names and kinds. Other sections (`global`, `templates`,
//! `inhibit_rules`, receiver settings) are read and kept as they are.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::route::Route;

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
}

#[derive(Clone, Debug, Deserialize)]
pub struct ReceiverConfig {
    pub name: String,
}

#[derive(Debug, Deserialize)]
struct File {
    route: Option<RouteConfig>,
    #[serde(default)]
    receivers: Vec<ReceiverConfig>,
    #[serde(default)]
    inhibit_rules: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    templates: Vec<String>,
}

/// A checked configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub route: Route,
    pub receivers: Vec<ReceiverConfig>,
    /// How many inhibition rules it has (they are not evaluated yet).
    pub inhibit_rules: usize,
    /// Template file globs (not read yet).
    pub templates: Vec<String>,
}

/// Parses and checks `alertmanager.yml` as Alertmanager does at load: a root
/// route with a receiver and no matchers, every receiver named once, every
/// route's receiver defined.
pub fn parse(text: &str) -> Result<Config, String> {
    let file: File = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
    let root = file.route.ok_or("no routes provided")?;
    if root.receiver.as_deref().unwrap_or("").is_empty() {
        return Err("root route must specify a default receiver".into());
    }
    if !root.match_equal.is_empty() || !root.match_re.is_empty() || !root.matchers.is_empty() {
        return Err("root route must not have any matchers".into());
    }
    let route = Route::build(&root, None)?;
    let mut names: Vec<&str> = Vec::new();
    for receiver in &file.receivers {
        if names.contains(&receiver.name.as_str()) {
            return Err(format!(
                "notification config name {:?} is not unique",
                receiver.name
            ));
        }
        names.push(&receiver.name);
    }
    if let Some(missing) = route.receivers().into_iter().find(|r| !names.contains(r)) {
        return Err(format!("undefined receiver {missing:?} used in route"));
    }
    Ok(Config {
        route,
        receivers: file.receivers,
        inhibit_rules: file.inhibit_rules.len(),
        templates: file.templates,
    })
}
