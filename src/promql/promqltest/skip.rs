//! Which evals the runner skips, and why: those needing a feature promplay does not
//! build (start timestamps), and on request the experimental syntax promplay has
//! (to count the stable subset). Each eval is judged on its own: its syntax tree, its expected output,
//! and whether its selectors could reach a series whose data we cannot load.

use std::fmt;

use crate::promql::ast::{Dur, Expr, ExprKind, VectorSelector};
use crate::tsdb::{Labels, Matcher};

use super::{EvalCommand, LoadCommand};

/// Why an eval was not run. The order is the order of precedence when several apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// A function behind `--enable-feature=promql-experimental-functions`.
    ExperimentalFunctions,
    /// `anchored` / `smoothed` range selectors.
    ExtendedRangeSelectors,
    /// `fill()`, `fill_left()`, `fill_right()` on binary operators.
    FillModifiers,
    /// Duration arithmetic (`[1h/2]`, `offset (2*1m)`, `[step()]`).
    DurationExpressions,
    /// The eval could select a series with `@st` start timestamps.
    StartTimestamps,
}

impl SkipReason {
    pub const ALL: [SkipReason; 5] = [
        SkipReason::ExperimentalFunctions,
        SkipReason::ExtendedRangeSelectors,
        SkipReason::FillModifiers,
        SkipReason::DurationExpressions,
        SkipReason::StartTimestamps,
    ];

    /// Features promplay's engine has although Prometheus keeps them behind feature
    /// flags: their evals run by default (`test-promql --skip REASON` skips them
    /// again, to count the stable subset alone).
    pub const SUPPORTED: [SkipReason; 4] = [
        SkipReason::ExperimentalFunctions,
        SkipReason::ExtendedRangeSelectors,
        SkipReason::FillModifiers,
        SkipReason::DurationExpressions,
    ];

    /// A short kebab-case name, as printed in the skip counts.
    pub fn name(self) -> &'static str {
        match self {
            SkipReason::ExperimentalFunctions => "experimental-functions",
            SkipReason::ExtendedRangeSelectors => "extended-range-selectors",
            SkipReason::FillModifiers => "fill-modifiers",
            SkipReason::DurationExpressions => "duration-expressions",
            SkipReason::StartTimestamps => "start-timestamps",
        }
    }

    pub fn from_name(name: &str) -> Option<SkipReason> {
        SkipReason::ALL.into_iter().find(|r| r.name() == name)
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Series loaded (since the last `clear`) whose data the store does not hold as
/// upstream's does, by the feature they need.
#[derive(Clone, Debug, Default)]
pub(crate) struct UnloadedData {
    start_timestamps: Vec<Labels>,
}

impl UnloadedData {
    /// Notes the series of a load block that need a feature we lack.
    pub(crate) fn note(&mut self, load: &LoadCommand) {
        for s in &load.series {
            if s.start_timestamps {
                self.start_timestamps.push(s.labels.clone());
            }
        }
    }
}

/// The first reason (in `SkipReason` order) not in `run_anyway` that applies to `eval`.
pub(crate) fn skip_reason(
    eval: &EvalCommand,
    unloaded: &UnloadedData,
    run_anyway: &[SkipReason],
) -> Option<SkipReason> {
    let expr = eval.expr.as_ref().ok();
    let selects = |set: &[Labels]| expr.is_some_and(|e| may_select_any(e, set));
    SkipReason::ALL
        .into_iter()
        .filter(|r| !run_anyway.contains(r))
        .find(|&r| match r {
            SkipReason::StartTimestamps => selects(&unloaded.start_timestamps),
            syntax => expr.is_some_and(|e| experimental_syntax(e).contains(&syntax)),
        })
}

/// Visits every node of the tree, including the expressions inside durations.
pub(crate) fn walk<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    f(e);
    let walk_dur = |d: &'a Dur, f: &mut dyn FnMut(&'a Expr)| {
        if let Dur::Expr(inner) = d {
            walk(inner, f);
        }
    };
    match &e.kind {
        ExprKind::Number(_) | ExprKind::Duration(_) | ExprKind::String(_) => {}
        ExprKind::Vector(vs) => {
            if let Some(o) = &vs.offset {
                walk_dur(&o.value, f);
            }
        }
        ExprKind::Matrix { selector, range } => {
            walk(selector, f);
            walk_dur(range, f);
        }
        ExprKind::Subquery(sq) => {
            walk(&sq.expr, f);
            walk_dur(&sq.range, f);
            if let Some(s) = &sq.step {
                walk_dur(s, f);
            }
            if let Some(o) = &sq.offset {
                walk_dur(&o.value, f);
            }
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|a| walk(a, f)),
        ExprKind::Aggregate(a) => {
            if let Some(p) = &a.param {
                walk(p, f);
            }
            walk(&a.expr, f);
        }
        ExprKind::Binary(b) => {
            walk(&b.lhs, f);
            walk(&b.rhs, f);
        }
        ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => walk(expr, f),
    }
}

/// The experimental syntax an expression uses (each reason once).
pub fn experimental_syntax(e: &Expr) -> Vec<SkipReason> {
    let mut found = Vec::new();
    let mut add = |r: SkipReason| {
        if !found.contains(&r) {
            found.push(r);
        }
    };
    let has_dur_expr = |d: &Dur| matches!(d, Dur::Expr(_));
    walk(e, &mut |node| match &node.kind {
        ExprKind::Call { func, .. } if func.experimental => add(SkipReason::ExperimentalFunctions),
        ExprKind::Vector(vs) => {
            if vs.extended.is_some() {
                add(SkipReason::ExtendedRangeSelectors);
            }
            if vs.offset.as_ref().is_some_and(|o| has_dur_expr(&o.value)) {
                add(SkipReason::DurationExpressions);
            }
        }
        ExprKind::Matrix { range, .. } if has_dur_expr(range) => {
            add(SkipReason::DurationExpressions)
        }
        ExprKind::Subquery(sq) => {
            let offset = sq.offset.as_ref().map(|o| &o.value);
            if has_dur_expr(&sq.range)
                || sq.step.as_ref().is_some_and(has_dur_expr)
                || offset.is_some_and(has_dur_expr)
            {
                add(SkipReason::DurationExpressions);
            }
        }
        ExprKind::Binary(b) if b.fill_left.is_some() || b.fill_right.is_some() => {
            add(SkipReason::FillModifiers)
        }
        _ => {}
    });
    found
}

/// Whether some vector selector in `e` matches one of `series` (every matcher true
/// of the series' labels, a missing label being ""). A query whose selectors reach
/// none of them cannot see their data, so its result does not depend on it.
fn may_select_any(e: &Expr, series: &[Labels]) -> bool {
    if series.is_empty() {
        return false;
    }
    let mut hit = false;
    walk(e, &mut |node| {
        if let ExprKind::Vector(vs) = &node.kind
            && !hit
        {
            hit = series.iter().any(|l| selects(vs, l));
        }
    });
    hit
}

fn selects(vs: &VectorSelector, labels: &Labels) -> bool {
    vs.matchers.iter().all(|m| {
        // A matcher that does not compile fails the query anyway: nothing selected.
        Matcher::new(m.op, &m.name, &m.value)
            .is_ok_and(|matcher| matcher.matches(labels.get(&m.name).unwrap_or("")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promql::promqltest::{Command, parse_file};

    fn reason(file: &str) -> Option<SkipReason> {
        let cmds = parse_file(file).unwrap();
        let mut unloaded = UnloadedData::default();
        let mut last = None;
        for c in &cmds {
            match c {
                Command::Load(l) => unloaded.note(l),
                Command::Clear { .. } => unloaded = UnloadedData::default(),
                Command::Eval(e) => last = skip_reason(e, &unloaded, &[]),
            }
        }
        last
    }

    #[test]
    fn native_histograms_are_no_reason_to_skip() {
        let load = "load 1m\n  h {{schema:0 sum:1 count:1}}x2\n  f 1 2\n\n";
        assert_eq!(reason(&format!("{load}eval instant at 1m h\n")), None);
        assert_eq!(
            reason("eval instant at 1m vector(1)\n  {} {{schema:0 sum:1 count:1}}\n"),
            None
        );
        let nhcb = "load_with_nhcb 1m\n  c_bucket{le=\"1\"} 1\n  c_count 1\n\n";
        assert_eq!(reason(&format!("{nhcb}eval instant at 1m c\n")), None);
    }

    #[test]
    fn experimental_syntax_is_found_anywhere_in_the_tree() {
        let cases = [
            (
                "sum(double_exponential_smoothing(x[5m], 0.5, 0.5))",
                SkipReason::ExperimentalFunctions,
            ),
            ("rate(x[5m] anchored)", SkipReason::ExtendedRangeSelectors),
            ("x + fill(0) y", SkipReason::FillModifiers),
            ("x[5m:1m * 2]", SkipReason::DurationExpressions),
            ("x offset (1m + 1m)", SkipReason::DurationExpressions),
        ];
        for (q, want) in cases {
            assert_eq!(
                reason(&format!("eval instant at 0 {q}\n")),
                Some(want),
                "{q}"
            );
        }
        assert_eq!(
            reason("eval instant at 0 rate(x[5m]) + y offset 1m\n"),
            None
        );
    }

    #[test]
    fn start_timestamps_are_a_reason_type_labels_not() {
        let st = "load 1m\n  c{t=\"a\"}@st -1mx2\n  c{t=\"a\"} 1 2 3\n  d 1\n\n";
        assert_eq!(
            reason(&format!("{st}eval instant at 1m c\n")),
            Some(SkipReason::StartTimestamps)
        );
        assert_eq!(reason(&format!("{st}eval instant at 1m d\n")), None);
        // Type-and-unit labels run: the engine drops them with the name.
        let typed = "load 1m\n  m{__type__=\"counter\"} 1\n  n 1\n\n";
        assert_eq!(reason(&format!("{typed}eval instant at 1m -m\n")), None);
    }

    #[test]
    fn run_anyway_lifts_one_reason_only() {
        let cmds = parse_file("eval instant at 0 sort_by_label(x, \"a\")\n").unwrap();
        let Command::Eval(e) = &cmds[0] else { panic!() };
        let none = UnloadedData::default();
        assert_eq!(
            skip_reason(e, &none, &[]),
            Some(SkipReason::ExperimentalFunctions)
        );
        assert_eq!(
            skip_reason(e, &none, &[SkipReason::ExperimentalFunctions]),
            None
        );
    }
}
