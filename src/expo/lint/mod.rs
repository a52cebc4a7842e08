//! The exposition linter: the checks of `promtool check metrics`, which are
//! client_golang's `prometheus/testutil/promlint`, with the same messages, the
//! same order and the same repeats, plus the cardinality table of
//! `promtool check metrics --extended`.
//!
//! Input is families as text 0.0.4 names them (`# TYPE http_requests_total
//! counter`), because that is what promtool reads. [`lint`] applies upstream's
//! current rules; [`lint_with`] and [`RuleSet::Promtool2_42`] give exactly what
//! promtool 2.42 reports (it predates two rules).
//!
//! ```
//! use promplay::expo::{lint, MetricFamily, MetricType, Sample};
//!
//! let mut family = MetricFamily::new("latency_ms", MetricType::Gauge);
//! family.samples.push(Sample::new("latency_ms", vec![], 3.0));
//! let report = lint::render_problems(&lint::lint(&[family]));
//! assert_eq!(report, "latency_ms metric names should not contain abbreviated units\nlatency_ms no help text\n");
//! ```

mod cardinality;
mod rules;
mod units;
mod view;

use std::fmt;

pub use cardinality::{FamilyCardinality, LabelCardinality, cardinality, render_table};

use crate::expo::MetricFamily;

/// One lint finding, printed by promtool as `<metric> <text>`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Problem {
    /// The family name (field order gives promtool's sort: by metric, then text).
    pub metric: String,
    pub text: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.metric, self.text)
    }
}

/// Which vintage of promlint's rules to apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RuleSet {
    /// client_golang's current rules, including `non-gauge metrics should not
    /// have "_timestamp_seconds" suffix` and `metric not unique`.
    #[default]
    Upstream,
    /// The rules of promtool 2.42 (Debian's build), without those two.
    Promtool2_42,
}

/// Lints with upstream's current rules. See [`lint_with`].
pub fn lint(families: &[MetricFamily]) -> Vec<Problem> {
    lint_with(families, RuleSet::Upstream)
}

/// Every problem in `families`, sorted by metric name then text, byte-wise as Go
/// compares strings. Nothing is de-duplicated: promtool prints a problem found
/// on several series (a camelCase label, an `le` label on a gauge, a duplicate
/// series) once per series, and so does this.
pub fn lint_with(families: &[MetricFamily], rules: RuleSet) -> Vec<Problem> {
    let mut problems: Vec<Problem> = view::families(families)
        .iter()
        .flat_map(|family| {
            rules::RULES
                .iter()
                .filter(|rule| rule.applies_to(rules))
                .flat_map(|rule| (rule.check)(family))
                .map(|text| Problem {
                    metric: family.name.to_string(),
                    text,
                })
        })
        .collect();
    problems.sort();
    problems
}

/// The names of the rules `rules` applies, as client_golang names them
/// (`LintHelp`, `LintMetricUnits`, ...), in its order.
pub fn rule_names(rules: RuleSet) -> Vec<&'static str> {
    rules::RULES
        .iter()
        .filter(|rule| rule.applies_to(rules))
        .map(|rule| rule.name)
        .collect()
}

/// The problems as promtool writes them to stderr: one `<metric> <text>` line each.
pub fn render_problems(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("{p}\n")).collect()
}
