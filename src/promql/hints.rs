//! Hints for common PromQL mistakes, each with a one-click fix (the whole query
//! rewritten): `rate()` of a gauge, a raw counter graphed, `_bucket` series
//! without `histogram_quantile`, `histogram_quantile` without `le` in its
//! aggregation, a histogram's family name where its `_bucket` series are meant,
//! and a rate range shorter than four scrape intervals. Hints about a metric's
//! kind fire only for names the store has (`metric_names`): a name with no
//! series gets the empty result's explanation instead.

use super::ast::{AggOp, Dur, Expr, ExprKind, Span};
use super::printer::format_duration;
use super::why_empty::{Context, for_each_selector};

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

/// The metric names in the store, sorted (as `Head::label_values` gives them).
#[derive(Clone, Copy)]
pub struct Names<'a>(pub &'a [&'a str]);

impl Names<'_> {
    fn has(&self, name: &str) -> bool {
        self.0.binary_search(&name).is_ok()
    }
}

/// The byte span of the metric name written before a selector's braces (`None`
/// for `{"name"}` and `{__name__="name"}`).
pub fn metric_name_span(src: &str, selector: &Expr) -> Option<Span> {
    let ExprKind::Vector(vs) = &selector.kind else {
        return None;
    };
    let name = vs.name.as_deref()?;
    let start = selector.span.start;
    src.get(start..)?
        .starts_with(name)
        .then(|| Span::new(start, start + name.len()))
}

fn replace(src: &str, span: Span, with: &str) -> String {
    format!("{}{with}{}", &src[..span.start], &src[span.end..])
}

/// The hints for `expr`, parsed from `src`; `scrape_interval_ms` of the data,
/// `metric_names` of the store.
pub fn hints(src: &str, expr: &Expr, scrape_interval_ms: i64, metric_names: Names) -> Vec<Hint> {
    let mut out = Vec::new();
    // A bare counter at the top: its graph only ever goes up.
    if let ExprKind::Vector(vs) = &unparen(expr).kind
        && let Some(name) = &vs.name
        && is_counter_name(name)
        && !name.ends_with("_bucket")
        && metric_names.has(name)
    {
        let text = &src[expr.span.start..expr.span.end];
        out.push(Hint {
            message: format!(
                "{name} is a counter: it only goes up. Graph its per-second rate instead."
            ),
            fix: Some(replace(src, expr.span, &format!("rate({text}[5m])"))),
        });
    }
    let mut walker = Walker {
        src,
        interval: scrape_interval_ms,
        names: metric_names,
        out,
    };
    walker.walk(expr, false);
    walker.out
}

fn unparen(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Paren(inner) => unparen(inner),
        _ => e,
    }
}

struct Walker<'a> {
    src: &'a str,
    interval: i64,
    names: Names<'a>,
    out: Vec<Hint>,
}

impl Walker<'_> {
    fn walk(&mut self, e: &Expr, in_quantile: bool) {
        let src = self.src;
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
                        && self.names.has(name)
                    {
                        let name_end = e.span.start + func.name.len();
                        self.out.push(Hint {
                            message: format!(
                                "{}() is for counters, and {name} does not look like one (no _total, _count, _sum or _bucket suffix). For a gauge, deriv() gives its per-second change.",
                                func.name
                            ),
                            fix: Some(replace(src, Span::new(e.span.start, name_end), "deriv")),
                        });
                    }
                    if let Dur::Ms(ms) = range
                        && self.interval > 0
                        && *ms < 4 * self.interval
                    {
                        self.short_range(e, func.name, selector, *ms);
                    }
                }
                let quantile = func.name == "histogram_quantile";
                if quantile && let Some(inner) = args.get(1) {
                    self.histogram_family(inner);
                    self.quantile_without_le(inner);
                }
                for a in args {
                    self.walk(a, in_quantile || quantile);
                }
            }
            ExprKind::Vector(vs) => {
                if let Some(name) = &vs.name
                    && name.ends_with("_bucket")
                    && !in_quantile
                {
                    self.out.push(Hint {
                        message: format!(
                            "{name} holds histogram buckets: their meaning comes out with histogram_quantile()."
                        ),
                        fix: Some(format!(
                            "histogram_quantile(0.95, sum by (le) (rate({name}[5m])))"
                        )),
                    });
                }
            }
            ExprKind::Matrix { selector, .. } => self.walk(selector, in_quantile),
            ExprKind::Subquery(sq) => self.walk(&sq.expr, in_quantile),
            ExprKind::Aggregate(a) => self.walk(&a.expr, in_quantile),
            ExprKind::Binary(b) => {
                self.walk(&b.lhs, in_quantile);
                self.walk(&b.rhs, in_quantile);
            }
            ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => self.walk(expr, in_quantile),
            _ => {}
        }
    }

    fn short_range(&mut self, call: &Expr, func: &str, selector: &Expr, ms: i64) {
        let src = self.src;
        let better = format_duration((4 * self.interval).max(60_000));
        let range_span = bracket_span(src, selector.span.end, call.span.end);
        self.out.push(Hint {
            message: format!(
                "The range [{}] holds fewer than 4 scrapes (one every {}): {func}() may see too few samples and return nothing or jump. Use at least [{better}].",
                format_duration(ms),
                format_duration(self.interval),
            ),
            fix: range_span.map(|s| replace(src, s, &format!("[{better}]"))),
        });
    }

    /// `histogram_quantile(φ, rate(family[5m]))` where the store has no `family`
    /// but has `family_bucket`: the quantile reads the buckets, summed by `le`.
    fn histogram_family(&mut self, arg: &Expr) {
        let src = self.src;
        let mut renames = Vec::new();
        for_each_selector(arg, Context::default(), &mut |sel, _, _| {
            if let ExprKind::Vector(vs) = &sel.kind
                && let Some(name) = &vs.name
                && !name.ends_with("_bucket")
                && !self.names.has(name)
                && self.names.has(&format!("{name}_bucket"))
                && let Some(span) = metric_name_span(src, sel)
            {
                renames.push((span, name.clone()));
            }
        });
        let Some((_, family)) = renames.first().cloned() else {
            return;
        };
        let mut text = src[arg.span.start..arg.span.end].to_string();
        for (span, name) in renames.iter().rev() {
            let at = span.start - arg.span.start;
            text.replace_range(at..at + name.len(), &format!("{name}_bucket"));
        }
        let aggregated = matches!(unparen(arg).kind, ExprKind::Aggregate(_));
        if !aggregated {
            text = format!("sum by (le) ({text})");
        }
        self.out.push(Hint {
            message: format!(
                "{family} is a histogram family: histogram_quantile() reads its {family}_bucket series{}.",
                if aggregated { "" } else { ", summed by le" }
            ),
            fix: Some(replace(src, arg.span, &text)),
        });
    }

    fn quantile_without_le(&mut self, inner: &Expr) {
        let src = self.src;
        if let ExprKind::Aggregate(a) = &unparen(inner).kind
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
            self.out.push(Hint {
                message: "histogram_quantile() needs the le label: aggregate with by (le, ...) or it has no buckets to read.".into(),
                fix: Some(src.replacen(agg_src, &fixed, 1)),
            });
        }
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

    const STORED: [&str; 6] = [
        "app_request_latency_seconds_bucket",
        "http_request_duration_seconds_bucket",
        "http_requests_total",
        "memory_usage_bytes",
        "x_bucket",
        "x_total",
    ];

    fn fixes(q: &str) -> Vec<String> {
        hints(q, &parse(q).unwrap(), 15_000, Names(&STORED))
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

    #[test]
    fn a_histogram_family_name_gets_its_buckets() {
        assert_eq!(
            fixes("histogram_quantile(0.95, rate(app_request_latency_seconds[5m]))"),
            vec![
                "histogram_quantile(0.95, sum by (le) (rate(app_request_latency_seconds_bucket[5m])))"
            ]
        );
        assert_eq!(
            fixes("histogram_quantile(0.9, sum by (le) (rate(x[5m])))"),
            vec!["histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))"]
        );
    }

    #[test]
    fn kind_hints_need_the_name_in_the_store() {
        // No series at all: the empty result explains it, no counter or gauge hint.
        assert!(fixes("no_such_metric_total").is_empty());
        assert!(fixes("app_request_count").is_empty());
        assert!(fixes("rate(no_such_metric[5m])").is_empty());
        assert_eq!(fixes("x_total"), vec!["rate(x_total[5m])"]);
    }
}
