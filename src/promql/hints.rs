//! Hints for common PromQL mistakes, each with a one-click fix (the whole query
//! rewritten): `rate()` of a gauge, a raw counter graphed, `_bucket` series
//! without `histogram_quantile`, `histogram_quantile` without `le` in its
//! aggregation, and a rate range shorter than four scrape intervals.

use super::ast::{AggOp, Dur, Expr, ExprKind, Span};
use super::printer::format_duration;

#[derive(Clone, Debug, PartialEq)]
pub struct Hint {
    pub message: String,
    /// The query with the fix applied.
    pub fix: Option<String>,
}

const COUNTER_SUFFIXES: [&str; 4] = ["_total", "_count", "_sum", "_bucket"];

fn is_counter_name(name: &str) -> bool {
    COUNTER_SUFFIXES.iter().any(|s| name.ends_with(s))
}

fn replace(src: &str, span: Span, with: &str) -> String {
    format!("{}{with}{}", &src[..span.start], &src[span.end..])
}

/// The hints for `expr`, parsed from `src`; `scrape_interval_ms` of the data.
pub fn hints(src: &str, expr: &Expr, scrape_interval_ms: i64) -> Vec<Hint> {
    let mut out = Vec::new();
    // A bare counter at the top: its graph only ever goes up.
    if let ExprKind::Vector(vs) = &unparen(expr).kind
        && let Some(name) = &vs.name
        && is_counter_name(name)
        && !name.ends_with("_bucket")
    {
        let text = &src[expr.span.start..expr.span.end];
        out.push(Hint {
            message: format!(
                "{name} is a counter: it only goes up. Graph its per-second rate instead."
            ),
            fix: Some(replace(src, expr.span, &format!("rate({text}[5m])"))),
        });
    }
    walk(src, expr, false, scrape_interval_ms, &mut out);
    out
}

fn unparen(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Paren(inner) => unparen(inner),
        _ => e,
    }
}

fn walk(src: &str, e: &Expr, in_quantile: bool, interval: i64, out: &mut Vec<Hint>) {
    match &e.kind {
        ExprKind::Call { func, args } => {
            let counter_fn = matches!(func.name, "rate" | "irate" | "increase");
            if counter_fn
                && let Some(ExprKind::Matrix { selector, range }) =
                    args.first().map(|a| &unparen(a).kind)
                && let ExprKind::Vector(vs) = &selector.kind
            {
                if let Some(name) = &vs.name
                    && !is_counter_name(name)
                {
                    let name_end = e.span.start + func.name.len();
                    out.push(Hint {
                        message: format!(
                            "{}() is for counters, and {name} does not look like one (no _total, _count, _sum or _bucket suffix). For a gauge, deriv() gives its per-second change.",
                            func.name
                        ),
                        fix: Some(replace(src, Span::new(e.span.start, name_end), "deriv")),
                    });
                }
                if let Dur::Ms(ms) = range
                    && interval > 0
                    && *ms < 4 * interval
                {
                    let better = format_duration((4 * interval).max(60_000));
                    let range_span = bracket_span(src, selector.span.end, e.span.end);
                    out.push(Hint {
                        message: format!(
                            "The range [{}] holds fewer than 4 scrapes (one every {}): {}() may see too few samples and return nothing or jump. Use at least [{better}].",
                            format_duration(*ms),
                            format_duration(interval),
                            func.name
                        ),
                        fix: range_span.map(|s| replace(src, s, &format!("[{better}]"))),
                    });
                }
            }
            let quantile = func.name == "histogram_quantile";
            if quantile
                && let Some(inner) = args.get(1)
                && let ExprKind::Aggregate(a) = &unparen(inner).kind
                && a.op != AggOp::Count
                && !a.without
                && !a.grouping.iter().any(|l| l == "le")
            {
                let by_le = if a.grouping.is_empty() {
                    "le".to_string()
                } else {
                    format!("le, {}", a.grouping.join(", "))
                };
                let agg_src = &src[unparen(inner).span.start..unparen(inner).span.end];
                let fixed = format!(
                    "{} by ({by_le}) ({})",
                    a.op.name(),
                    &src[a.expr.span.start..a.expr.span.end]
                );
                out.push(Hint {
                    message: "histogram_quantile() needs the le label: aggregate with by (le, ...) or it has no buckets to read.".into(),
                    fix: Some(src.replacen(agg_src, &fixed, 1)),
                });
            }
            for a in args {
                walk(src, a, in_quantile || quantile, interval, out);
            }
        }
        ExprKind::Vector(vs) => {
            if let Some(name) = &vs.name
                && name.ends_with("_bucket")
                && !in_quantile
            {
                out.push(Hint {
                    message: format!(
                        "{name} holds histogram buckets: their meaning comes out with histogram_quantile()."
                    ),
                    fix: Some(format!(
                        "histogram_quantile(0.95, sum by (le) (rate({name}[5m])))"
                    )),
                });
            }
        }
        ExprKind::Matrix { selector, .. } => walk(src, selector, in_quantile, interval, out),
        ExprKind::Subquery(sq) => walk(src, &sq.expr, in_quantile, interval, out),
        ExprKind::Aggregate(a) => walk(src, &a.expr, in_quantile, interval, out),
        ExprKind::Binary(b) => {
            walk(src, &b.lhs, in_quantile, interval, out);
            walk(src, &b.rhs, in_quantile, interval, out);
        }
        ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => {
            walk(src, expr, in_quantile, interval, out)
        }
        _ => {}
    }
}

/// The `[...]` after a selector ending at `from`, within `to`.
fn bracket_span(src: &str, from: usize, to: usize) -> Option<Span> {
    let open = from + src.get(from..to)?.find('[')?;
    let close = open + src[open..to].find(']')? + 1;
    Some(Span::new(open, close))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promql::parse;

    fn fixes(q: &str) -> Vec<String> {
        hints(q, &parse(q).unwrap(), 15_000)
            .into_iter()
            .filter_map(|h| h.fix)
            .collect()
    }

    #[test]
    fn each_hint_and_its_fix() {
        assert_eq!(
            fixes("rate(memory_usage_bytes[5m])"),
            vec!["deriv(memory_usage_bytes[5m])"]
        );
        assert_eq!(
            fixes("http_requests_total"),
            vec!["rate(http_requests_total[5m])"]
        );
        assert_eq!(
            fixes("rate(http_request_duration_seconds_bucket[5m])"),
            vec![
                "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"
            ]
        );
        assert_eq!(
            fixes("histogram_quantile(0.9, sum by (path) (rate(x_bucket[5m])))"),
            vec!["histogram_quantile(0.9, sum by (le, path) (rate(x_bucket[5m])))"]
        );
        assert_eq!(
            fixes("rate(http_requests_total[30s])"),
            vec!["rate(http_requests_total[1m])"]
        );
        assert!(fixes("sum by (path) (rate(http_requests_total[5m]))").is_empty());
        assert!(fixes("histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))").is_empty());
    }
}
