//! Upstream's extra checks on instant evals (`atModifierTestCases` and the range
//! mode check in `runInstantQuery`): the query re-run with `@ <eval time>` on every
//! selector at other evaluation times, which must not change the result.

use crate::promql::ast::{At, AtValue, Expr, ExprKind, Span};
use crate::promql::{format, parse};

/// Functions whose result can change with the evaluation time even when their
/// arguments cannot (upstream's `promql.AtModifierUnsafeFunctions`).
const AT_MODIFIER_UNSAFE_FUNCTIONS: &[&str] = &[
    "days_in_month",
    "day_of_month",
    "day_of_week",
    "day_of_year",
    "hour",
    "minute",
    "month",
    "year",
    "predict_linear",
    "time",
    "timestamp",
    // The query's own start and end (experimental) move with the evaluation time too.
    "start",
    "end",
];

/// One extra instant query: its text, its tree, when to run it.
#[derive(Clone, Debug)]
pub(crate) struct AtModifierCase {
    pub text: String,
    pub expr: Expr,
    pub t_ms: i64,
}

/// The `@`-pinned variants of `expr` evaluated at `t_ms`, or none when the query
/// calls a function that depends on the evaluation time (upstream skips those).
/// The pinned query is printed and parsed again, as upstream runs its `String()`,
/// so annotation positions refer to the text actually run.
pub(crate) fn at_modifier_cases(expr: &Expr, t_ms: i64) -> Result<Vec<AtModifierCase>, String> {
    let mut pinned = expr.clone();
    let mut unsafe_function = false;
    pin(&mut pinned, t_ms, &mut unsafe_function);
    if unsafe_function {
        return Ok(Vec::new());
    }
    let text = format(&pinned);
    let reparsed = parse(&text)
        .map_err(|e| format!("the query with @ added, {text:?}, does not parse again: {e}"))?;
    let times: Vec<i64> = if t_ms == 0 {
        vec![-1000, 0, 1000]
    } else {
        vec![-10 * t_ms, 0, t_ms / 5, t_ms, 10 * t_ms]
    };
    Ok(times
        .into_iter()
        .map(|t| AtModifierCase {
            text: text.clone(),
            expr: reparsed.clone(),
            t_ms: t,
        })
        .collect())
}

/// Sets `@ t` on every selector and subquery not already pinned to a timestamp
/// (`@ start()`/`@ end()` are replaced, as upstream's `Timestamp` field wins over
/// them when printed). Nothing inside a subquery is visited: upstream pins the
/// subquery itself and leaves its inside alone, unsafe functions included.
fn pin(e: &mut Expr, t_ms: i64, unsafe_function: &mut bool) {
    let set = |at: &mut Option<At>| {
        if !matches!(
            at,
            Some(At {
                value: AtValue::Timestamp(_),
                ..
            })
        ) {
            *at = Some(At {
                span: Span::default(),
                value: AtValue::Timestamp(t_ms as f64 / 1000.0),
            });
        }
    };
    match &mut e.kind {
        ExprKind::Number(_) | ExprKind::Duration(_) | ExprKind::String(_) => {}
        ExprKind::Vector(vs) => set(&mut vs.at),
        ExprKind::Matrix { selector, .. } => {
            if let ExprKind::Vector(vs) = &mut selector.kind {
                set(&mut vs.at);
            }
        }
        ExprKind::Subquery(sq) => set(&mut sq.at),
        ExprKind::Call { func, args } => {
            *unsafe_function |= AT_MODIFIER_UNSAFE_FUNCTIONS.contains(&func.name);
            args.iter_mut().for_each(|a| pin(a, t_ms, unsafe_function));
        }
        ExprKind::Aggregate(a) => {
            if let Some(p) = &mut a.param {
                pin(p, t_ms, unsafe_function);
            }
            pin(&mut a.expr, t_ms, unsafe_function);
        }
        ExprKind::Binary(b) => {
            pin(&mut b.lhs, t_ms, unsafe_function);
            pin(&mut b.rhs, t_ms, unsafe_function);
        }
        ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => pin(expr, t_ms, unsafe_function),
    }
}

/// Upstream skips the range-mode check for queries calling `start()`, `end()`,
/// `range()` or `step()` (a regular expression on the query text).
pub(crate) fn uses_query_context_functions(query: &str) -> bool {
    ["start()", "end()", "range()", "step()"]
        .iter()
        .any(|f| query.contains(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(q: &str, t_ms: i64) -> Vec<(String, i64)> {
        at_modifier_cases(&parse(q).unwrap(), t_ms)
            .unwrap()
            .into_iter()
            .map(|c| (c.text, c.t_ms))
            .collect()
    }

    #[test]
    fn every_selector_is_pinned_and_times_vary() {
        let got = texts("sum(rate(a[5m])) / b offset 1m", 60_000);
        let q = "sum(rate(a[5m] @ 60.000)) / b @ 60.000 offset 1m".to_string();
        assert_eq!(
            got,
            vec![
                (q.clone(), -600_000),
                (q.clone(), 0),
                (q.clone(), 12_000),
                (q.clone(), 60_000),
                (q, 600_000)
            ]
        );
        let at_zero: Vec<i64> = texts("a", 0).into_iter().map(|(_, t)| t).collect();
        assert_eq!(at_zero, vec![-1000, 0, 1000]);
    }

    #[test]
    fn existing_timestamps_stay_and_start_end_are_replaced() {
        assert_eq!(
            texts("a @ 10 + b @ start()", 5000)[0].0,
            "a @ 10.000 + b @ 5.000"
        );
    }

    #[test]
    fn subqueries_are_pinned_not_entered() {
        assert_eq!(
            texts("max_over_time(timestamp(a)[5m:1m])", 60_000)[0].0,
            "max_over_time(timestamp(a)[5m:1m] @ 60.000)"
        );
    }

    #[test]
    fn time_dependent_functions_skip_the_check() {
        assert!(texts("time() - timestamp(a)", 60_000).is_empty());
        assert!(texts("hour(a)", 60_000).is_empty());
        assert!(uses_query_context_functions("a[step()]"));
        assert!(!uses_query_context_functions("rate(a[5m])"));
    }

    #[test]
    fn negative_times_print_and_parse() {
        let cases = at_modifier_cases(&parse("a").unwrap(), -90_500).unwrap();
        assert_eq!(cases[0].text, "a @ -90.500");
    }
}
