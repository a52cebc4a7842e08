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
        // As Alertmanager converts `match_re`: the anchors become part of the value
        // (and show when the tree is printed).
        for (name, value) in &config.match_re {
            matchers.push(Matcher::new(
                name,
                MatchOp::Regex,
                &format!("^(?:{value})$"),
            )?);
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

    /// The matchers as amtool prints them: `{a="1",b=~"x"}`, sorted by name,
    /// value and operator.
    fn matchers_text(&self) -> String {
        let mut sorted: Vec<&Matcher> = self.matchers.iter().collect();
        sorted
            .sort_by(|a, b| (&a.name, &a.value, a.op as u8).cmp(&(&b.name, &b.value, b.op as u8)));
        let parts: Vec<String> = sorted.iter().map(|m| m.to_string()).collect();
        format!("{{{}}}", parts.join(","))
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
