//! Alertmanager's routing tree: which receivers an alert's labels reach, as its
//! dispatcher (and `amtool config routes test`) finds them. A route matches when
//! all its matchers do; its children are tried in order, the first that matches
//! ends the search unless it says `continue`; a route none of whose children
//! match is itself the answer. Children inherit their parent's receiver and
//! grouping when they do not set them.

use super::config::RouteConfig;
use super::matchers::{MatchOp, Matcher, parse_matchers};

#[derive(Clone, Debug)]
pub struct Route {
    pub receiver: String,
    pub group_by: Vec<String>,
    pub matchers: Vec<Matcher>,
    pub continue_matching: bool,
    pub routes: Vec<Route>,
}

impl Route {
    /// Builds the tree from its configuration; `parent` gives inherited settings.
    pub fn build(config: &RouteConfig, parent: Option<&Route>) -> Result<Route, String> {
        let mut matchers = Vec::new();
        for (name, value) in &config.match_equal {
            matchers.push(Matcher::new(name, MatchOp::Equal, value)?);
        }
        for (name, value) in &config.match_re {
            matchers.push(Matcher::new(name, MatchOp::Regex, value)?);
        }
        for text in &config.matchers {
            matchers.extend(parse_matchers(text)?);
        }
        let receiver = config
            .receiver
            .clone()
            .or_else(|| parent.map(|p| p.receiver.clone()))
            .unwrap_or_default();
        let group_by = config
            .group_by
            .clone()
            .or_else(|| parent.map(|p| p.group_by.clone()))
            .unwrap_or_default();
        let mut route = Route {
            receiver,
            group_by,
            matchers,
            continue_matching: config.continue_matching,
            routes: Vec::new(),
        };
        let children = config
            .routes
            .iter()
            .map(|child| Route::build(child, Some(&route)))
            .collect::<Result<Vec<_>, _>>()?;
        route.routes = children;
        Ok(route)
    }

    fn matches(&self, labels: &[(String, String)]) -> bool {
        self.matchers.iter().all(|m| {
            let value = labels
                .iter()
                .find(|(n, _)| *n == m.name)
                .map_or("", |(_, v)| v.as_str());
            m.matches(value)
        })
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

    /// Every receiver the tree names, for validation.
    pub fn receivers(&self) -> Vec<&str> {
        let mut all = vec![self.receiver.as_str()];
        for child in &self.routes {
            all.extend(child.receivers());
        }
        all
    }
}
