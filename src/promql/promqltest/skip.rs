//! Which evals the runner skips, and why: on request, those using the experimental
//! syntax promplay has (to count the stable subset). Each eval is judged on its own
//! syntax tree.

use std::fmt;

use crate::promql::ast::{Dur, Expr, ExprKind};

use super::EvalCommand;

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
}

impl SkipReason {
    pub const ALL: [SkipReason; 4] = [
        SkipReason::ExperimentalFunctions,
        SkipReason::ExtendedRangeSelectors,
        SkipReason::FillModifiers,
        SkipReason::DurationExpressions,
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

/// The first reason (in `SkipReason` order) not in `run_anyway` that applies to `eval`.
pub(crate) fn skip_reason(eval: &EvalCommand, run_anyway: &[SkipReason]) -> Option<SkipReason> {
    let expr = eval.expr.as_ref().ok()?;
    let found = experimental_syntax(expr);
    SkipReason::ALL
        .into_iter()
        .filter(|r| !run_anyway.contains(r))
        .find(|r| found.contains(r))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promql::promqltest::{Command, parse_file};

    fn reason(file: &str) -> Option<SkipReason> {
        let cmds = parse_file(file).unwrap();
        let mut last = None;
        for c in &cmds {
            if let Command::Eval(e) = c {
                last = skip_reason(e, &[]);
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
    fn start_timestamps_and_type_labels_are_no_reason_to_skip() {
        let st = "load 1m\n  c{t=\"a\"}@st -1mx2\n  c{t=\"a\"} 1 2 3\n\n";
        assert_eq!(reason(&format!("{st}eval instant at 1m c\n")), None);
        // Type-and-unit labels run: the engine drops them with the name.
        let typed = "load 1m\n  m{__type__=\"counter\"} 1\n  n 1\n\n";
        assert_eq!(reason(&format!("{typed}eval instant at 1m -m\n")), None);
    }

    #[test]
    fn run_anyway_lifts_one_reason_only() {
        let cmds = parse_file("eval instant at 0 sort_by_label(x, \"a\")\n").unwrap();
        let Command::Eval(e) = &cmds[0] else { panic!() };
        assert_eq!(skip_reason(e, &[]), Some(SkipReason::ExperimentalFunctions));
        assert_eq!(skip_reason(e, &[SkipReason::ExperimentalFunctions]), None);
    }
}
