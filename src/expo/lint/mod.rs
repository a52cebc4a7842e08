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
    let mut linter = Linter::new(families, rules);
    while !linter.step(usize::MAX) {}
    linter.finish()
}

/// Linting a slice at a time, so a page can lint megabytes between frames: each
/// `step` merges or checks about `budget` samples' worth (the rules of one family
/// run in one step), and `finish` sorts.
pub struct Linter<'a> {
    merger: Option<view::Merger<'a>>,
    families: Vec<view::Family<'a>>,
    /// The next family to check, and the first of its series not yet checked.
    next_family: usize,
    next_series: usize,
    rules: RuleSet,
    problems: Vec<Problem>,
}

/// Series shown to the rules at once (a family with more is checked in parts).
const SERIES_PER_PART: usize = 2_000;

impl<'a> Linter<'a> {
    pub fn new(families: &'a [MetricFamily], rules: RuleSet) -> Linter<'a> {
        Linter {
            merger: Some(view::Merger::new(families)),
            families: Vec::new(),
            next_family: 0,
            next_series: 0,
            rules,
            problems: Vec::new(),
        }
    }

    /// Does about `budget` samples' worth of work; true when every family is checked.
    pub fn step(&mut self, budget: usize) -> bool {
        if let Some(merger) = &mut self.merger {
            if !merger.step(budget) {
                return false;
            }
            self.families = self
                .merger
                .take()
                .map(view::Merger::finish)
                .unwrap_or_default();
            return self.families.is_empty();
        }
        let mut done = 0usize;
        while let Some(family) = self.families.get(self.next_family) {
            if done >= budget {
                return false;
            }
            let end = family
                .series
                .len()
                .min(self.next_series + SERIES_PER_PART.min(budget.max(1)));
            let part = rules::Part {
                family,
                series: &family.series[self.next_series..end],
                first: self.next_series == 0,
            };
            for rule in rules::RULES.iter().filter(|r| r.applies_to(self.rules)) {
                self.problems
                    .extend((rule.check)(&part).into_iter().map(|text| Problem {
                        metric: family.name.to_string(),
                        text,
                    }));
            }
            done = done.saturating_add((end - self.next_series).max(1));
            if end == family.series.len() {
                self.next_family += 1;
                self.next_series = 0;
            } else {
                self.next_series = end;
            }
        }
        true
    }

    /// The problems, sorted (call after `step` returned true).
    pub fn finish(mut self) -> Vec<Problem> {
        crate::sort::sort(&mut self.problems[..]);
        self.problems
    }
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
