//! Why a query returned no series, found by re-querying its parts against the
//! store. The first cause that applies, in this order: a metric name with no
//! series (with the name most likely meant), a label matcher that excludes
//! every series of the metric (with values the label does have), series with
//! no samples in the evaluated range (with when the data starts or ends), and
//! otherwise the first sub-expression to be empty (a binary operation whose
//! sides share no label set, a comparison filtering out every value, …).

use super::ast::{AtValue, BinOp, Dur, Expr, ExprKind, LabelMatcher, Span};
use super::engine::{self, Options, Value};
use super::hints::metric_name_span;
use super::printer::quote;
use super::suggest;
use super::types::{ValueType, value_type};
use crate::time::{format_duration, format_utc};
use crate::tsdb::{Head, METRIC_NAME, MatchType, Matcher};

/// What emptied the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// No series has the metric name.
    NoSuchMetric,
    /// The metric has series, but a label matcher excludes them all.
    MatcherExcludesAll,
    /// Series match, but none has a sample in the evaluated range or lookback.
    NoSamplesInRange,
    /// Every selector has data; this sub-expression is the first to be empty.
    EmptySubexpression,
}

/// An empty result explained, with the whole query fixed where a fix is likely.
#[derive(Clone, Debug, PartialEq)]
pub struct EmptyResult {
    pub cause: Cause,
    pub message: String,
    pub fix: Option<String>,
}

/// When the query was evaluated: one instant (`start_ms == end_ms`) or a range.
#[derive(Clone, Copy, Debug)]
pub struct Times {
    pub start_ms: i64,
    pub end_ms: i64,
    pub step_ms: i64,
}

impl Times {
    pub fn instant(t_ms: i64) -> Times {
        Times {
            start_ms: t_ms,
            end_ms: t_ms,
            step_ms: 1,
        }
    }
}

/// How many label values a message lists.
const SHOWN_VALUES: usize = 5;

/// Why `expr` (parsed from `src`), evaluated at `times` on `store`, gave no
/// series; `None` when a part cannot be evaluated alone.
pub fn explain_empty(
    store: &Head,
    src: &str,
    expr: &Expr,
    times: Times,
    opts: &Options,
) -> Option<EmptyResult> {
    let probe = Probe {
        store,
        src,
        times,
        opts,
    };
    let mut found = None;
    for_each_selector(expr, Context::default(), &mut |sel, outer, ctx| {
        if found.is_none() {
            found = probe.selector(sel, outer, ctx);
        }
    });
    found.or_else(|| probe.first_empty(expr))
}

/// Where a selector sits.
#[derive(Clone, Copy, Default)]
pub(super) struct Context {
    /// Inside `histogram_quantile`: a family name means its `_bucket` series.
    want_buckets: bool,
    /// Inside a subquery, whose times are not the query's.
    in_subquery: bool,
}

/// Calls `f` on each vector selector with its outer node (the range selector
/// around it, if any) and its context, in source order.
pub(super) fn for_each_selector(e: &Expr, ctx: Context, f: &mut dyn FnMut(&Expr, &Expr, Context)) {
    match &e.kind {
        ExprKind::Vector(_) => f(e, e, ctx),
        ExprKind::Matrix { selector, .. } => f(selector, e, ctx),
        ExprKind::Call { func, args } => {
            let ctx = Context {
                want_buckets: ctx.want_buckets || func.name == "histogram_quantile",
                ..ctx
            };
            args.iter().for_each(|a| for_each_selector(a, ctx, f));
        }
        ExprKind::Subquery(sq) => {
            let ctx = Context {
                in_subquery: true,
                ..ctx
            };
            for_each_selector(&sq.expr, ctx, f);
        }
        _ => e
            .children()
            .into_iter()
            .for_each(|c| for_each_selector(c, ctx, f)),
    }
}

struct Probe<'a> {
    store: &'a Head,
    src: &'a str,
    times: Times,
    opts: &'a Options,
}

impl Probe<'_> {
    fn text(&self, e: &Expr) -> &str {
        &self.src[e.span.start..e.span.end]
    }

    /// The whole query with `span` replaced.
    fn replaced(&self, span: Span, with: &str) -> String {
        format!("{}{with}{}", &self.src[..span.start], &self.src[span.end..])
    }

    /// `text` evaluated alone at the query's times (`None` if it cannot be).
    fn eval(&self, text: &str) -> Option<Value> {
        let e = super::parse(text).ok()?;
        let t = self.times;
        let out = if t.start_ms == t.end_ms {
            engine::instant_query(self.store, text, &e, t.end_ms, self.opts)
        } else {
            engine::range_query(
                self.store, text, &e, t.start_ms, t.end_ms, t.step_ms, self.opts,
            )
        };
        out.ok().map(|o| o.value)
    }

    fn selector(&self, sel: &Expr, outer: &Expr, ctx: Context) -> Option<EmptyResult> {
        let ExprKind::Vector(vs) = &sel.kind else {
            return None;
        };
        let mut chosen = Vec::new();
        if let Some(name) = &vs.name {
            chosen.push(Matcher::equal(METRIC_NAME, name));
            if self.store.select(&chosen).is_empty() {
                return Some(self.no_such_metric(sel, name, ctx.want_buckets));
            }
        }
        let written = vs
            .matchers
            .iter()
            .filter(|m| !(vs.name.is_some() && m.name == METRIC_NAME && m.op == MatchType::Equal));
        for m in written {
            let matcher = Matcher::new(m.op, &m.name, &m.value).ok()?;
            let before = chosen.clone();
            chosen.push(matcher);
            if self.store.select(&chosen).is_empty() {
                return Some(self.matcher_excludes_all(vs.name.as_deref(), m, &before));
            }
        }
        if ctx.in_subquery {
            return None;
        }
        let alone = match &outer.kind {
            ExprKind::Matrix { .. } => format!("count_over_time({})", self.text(outer)),
            _ => self.text(outer).to_string(),
        };
        if !is_empty(&self.eval(&alone)?) {
            return None;
        }
        Some(self.no_samples_in_range(sel, outer, &chosen))
    }

    fn no_such_metric(&self, sel: &Expr, name: &str, want_buckets: bool) -> EmptyResult {
        let names = self.store.label_values(METRIC_NAME, &[]);
        let meant = suggest::metric_name(name, &names, want_buckets);
        let fix = meant.and_then(|m| Some(self.replaced(metric_name_span(self.src, sel)?, m)));
        EmptyResult {
            cause: Cause::NoSuchMetric,
            message: match meant {
                Some(m) => format!("No series named `{name}`. Did you mean `{m}`?"),
                None => format!(
                    "No series named `{name}`: no metric of this run has that name or one close to it."
                ),
            },
            fix,
        }
    }

    fn matcher_excludes_all(
        &self,
        metric: Option<&str>,
        m: &LabelMatcher,
        before: &[Matcher],
    ) -> EmptyResult {
        let written = &self.src[m.span.start..m.span.end];
        let of = metric.map_or(String::new(), |n| format!(" of `{n}`"));
        let values = self.store.label_values(&m.name, before);
        let replace_matcher = |text: String| self.replaced(m.span, &text);
        if values.is_empty() {
            let names: Vec<&str> = self
                .store
                .label_names(before)
                .into_iter()
                .filter(|n| *n != METRIC_NAME)
                .collect();
            let meant = suggest::nearest(&m.name, names.iter().copied());
            return EmptyResult {
                cause: Cause::MatcherExcludesAll,
                message: format!(
                    "`{written}` matches nothing: no series{of} has a label `{}`. Its labels are {}.",
                    m.name,
                    listed(&names)
                ),
                fix: meant
                    .map(|n| replace_matcher(format!("{n}{}{}", m.op.operator(), quote(&m.value)))),
            };
        }
        // A typo, or the start of a value (`/api/user` for `/api/users/<id>`).
        let meant = (m.op == MatchType::Equal)
            .then(|| {
                suggest::nearest(&m.value, values.iter().copied())
                    .or_else(|| values.iter().copied().find(|v| v.starts_with(&m.value)))
            })
            .flatten();
        EmptyResult {
            cause: Cause::MatcherExcludesAll,
            message: format!(
                "`{written}` excludes every series{of}: {} is one of {}.",
                m.name,
                listed(&values)
            ),
            fix: meant.map(|v| replace_matcher(format!("{}={}", m.name, quote(v)))),
        }
    }

    fn no_samples_in_range(&self, sel: &Expr, outer: &Expr, matchers: &[Matcher]) -> EmptyResult {
        let ExprKind::Vector(vs) = &sel.kind else {
            unreachable!("a selector")
        };
        let (first, last) = self
            .store
            .select(matchers)
            .into_iter()
            .filter_map(|r| self.store.series_time_range(r))
            .fold((i64::MAX, i64::MIN), |(a, b), (lo, hi)| {
                (a.min(lo), b.max(hi))
            });
        let offset = match vs.offset.as_ref().map(|o| &o.value) {
            Some(Dur::Ms(ms)) => *ms,
            _ => 0,
        };
        let (start, end) = match vs.at.map(|a| a.value) {
            Some(AtValue::Timestamp(s)) => ((s * 1000.0) as i64, (s * 1000.0) as i64),
            Some(AtValue::Start) => (self.times.start_ms, self.times.start_ms),
            Some(AtValue::End) => (self.times.end_ms, self.times.end_ms),
            None => (self.times.start_ms, self.times.end_ms),
        };
        let (start, end) = (start - offset, end - offset);
        let window = match &outer.kind {
            ExprKind::Matrix {
                range: Dur::Ms(r), ..
            } => format!("[{}] range", format_duration(*r)),
            _ => format!("{} lookback", format_duration(self.opts.lookback_ms)),
        };
        let shifted = if offset != 0 || vs.at.is_some() {
            " (after its offset or @)"
        } else {
            ""
        };
        let text = self.text(outer);
        let message = if first > end {
            format!(
                "`{text}` has series, but its data starts at {}, after the evaluated time{shifted} ({}).",
                format_utc(first),
                format_utc(end)
            )
        } else if last < start {
            format!(
                "`{text}` has series, but its data ends at {}: no sample falls in the {window} of the evaluated time{shifted} ({}).",
                format_utc(last),
                format_utc(start)
            )
        } else {
            format!(
                "`{text}` has no sample in the {window} of any evaluated time: its data runs from {} to {} with gaps (a target down or restarted).",
                format_utc(first),
                format_utc(last)
            )
        };
        EmptyResult {
            cause: Cause::NoSamplesInRange,
            message,
            fix: None,
        }
    }

    /// The first sub-expression (children before parents, left to right) whose
    /// own result is empty while its inputs are not; subqueries are taken whole.
    fn first_empty(&self, e: &Expr) -> Option<EmptyResult> {
        if !matches!(e.kind, ExprKind::Subquery(_)) {
            for c in e.children() {
                if let Some(found) = self.first_empty(c) {
                    return Some(found);
                }
            }
        }
        if value_type(e) != ValueType::InstantVector
            || matches!(e.kind, ExprKind::Paren(_) | ExprKind::Vector(_))
            || !is_empty(&self.eval(self.text(e))?)
        {
            return None;
        }
        Some(EmptyResult {
            cause: Cause::EmptySubexpression,
            message: self.why_node_empty(e),
            fix: None,
        })
    }

    fn why_node_empty(&self, e: &Expr) -> String {
        let text = self.text(e);
        match &e.kind {
            ExprKind::Binary(b) if is_filter(b.op, b.return_bool) => {
                let (vector, bound) = if value_type(&b.lhs) == ValueType::InstantVector {
                    (&b.lhs, &b.rhs)
                } else {
                    (&b.rhs, &b.lhs)
                };
                if value_type(bound) == ValueType::Scalar
                    && let Some((lo, hi)) = self.eval(self.text(vector)).and_then(|v| span_of(&v))
                {
                    return format!(
                        "`{text}` filters out every series: the values of `{}` run from {} to {}.",
                        self.text(vector),
                        crate::gofmt::go_float(lo),
                        crate::gofmt::go_float(hi)
                    );
                }
                self.unmatched(text, &b.lhs, &b.rhs)
            }
            ExprKind::Binary(b) if b.op != BinOp::Unless => self.unmatched(text, &b.lhs, &b.rhs),
            _ => format!(
                "`{text}` is the first part of the query to give nothing, though its inputs have series."
            ),
        }
    }

    /// Both sides of a binary operation have series, but none pair up.
    fn unmatched(&self, text: &str, lhs: &Expr, rhs: &Expr) -> String {
        let example = |side: &Expr| {
            self.eval(self.text(side))
                .and_then(|v| first_labels(&v))
                .unwrap_or_else(|| "a scalar".into())
        };
        format!(
            "`{text}`: both sides have series, but no label set on the left matches one on the right (left: {}, right: {}). Match on the labels they share with on(...), or drop the others with ignoring(...).",
            example(lhs),
            example(rhs)
        )
    }
}

/// Comparisons without `bool` filter series out.
fn is_filter(op: BinOp, return_bool: bool) -> bool {
    op.is_comparison() && !return_bool
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Vector(v) => v.is_empty(),
        Value::Matrix(m) => m.is_empty(),
        _ => false,
    }
}

/// The smallest and largest value in a result.
fn span_of(v: &Value) -> Option<(f64, f64)> {
    let values: Vec<f64> = match v {
        Value::Vector(v) => v.iter().map(|s| s.v).collect(),
        Value::Matrix(m) => m
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.v))
            .collect(),
        _ => return None,
    };
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (!values.is_empty()).then_some((lo, hi))
}

fn first_labels(v: &Value) -> Option<String> {
    let labels = match v {
        Value::Vector(v) => &v.first()?.labels,
        Value::Matrix(m) => &m.first()?.labels,
        _ => return None,
    };
    // Vector matching never looks at the name.
    Some(labels.without(&[METRIC_NAME]).to_string())
}

/// The first few items, backquoted, with "…" when there are more.
fn listed(items: &[&str]) -> String {
    let mut out: Vec<String> = items
        .iter()
        .take(SHOWN_VALUES)
        .map(|v| format!("`{v}`"))
        .collect();
    if items.len() > SHOWN_VALUES {
        out.push(format!("… ({} in all)", items.len()));
    }
    if out.is_empty() {
        "none".into()
    } else {
        out.join(", ")
    }
}
