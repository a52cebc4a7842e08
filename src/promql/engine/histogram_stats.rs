//! Reading histograms without their buckets, as Prometheus's
//! `HistogramStatsIterator`: where a selector's histograms only reach
//! `histogram_count`, `histogram_sum` or `histogram_avg` (upstream's
//! `detectHistogramStatsDecoding`), the engine reads count and sum alone and
//! decides counter resets on the fly, giving each sample an explicit hint. The
//! hints are visible to what lies between (a `sum` may warn of conflicting
//! counter resets), so this is behaviour, not only an optimisation.

use std::collections::HashSet;

use crate::histogram::{CounterResetHint, FloatHistogram};
use crate::promql::ast::{BinOp, Expr, ExprKind, VectorSelector};
use crate::tsdb::is_stale_nan;

/// The selectors (by address in the query's tree) whose histograms are read as
/// statistics.
pub(crate) fn stats_selectors(expr: &Expr) -> HashSet<*const VectorSelector> {
    let mut out = HashSet::new();
    visit(expr, false, &mut out);
    out
}

/// `skip`: a histogram statistics function lies above, with no subquery, bucket
/// function or trim operator in between.
fn visit(e: &Expr, skip: bool, out: &mut HashSet<*const VectorSelector>) {
    match &e.kind {
        ExprKind::Vector(vs) => {
            if skip {
                out.insert(vs as *const VectorSelector);
            }
        }
        ExprKind::Matrix { selector, .. } => visit(selector, skip, out),
        // A subquery needs the buckets for its own counter-reset detection.
        ExprKind::Subquery(sq) => visit(&sq.expr, false, out),
        ExprKind::Paren(inner) | ExprKind::Unary { expr: inner, .. } => visit(inner, skip, out),
        ExprKind::Call { func, args } => {
            let skip = match func.name {
                "histogram_count" | "histogram_sum" | "histogram_avg" => true,
                "histogram_quantile" | "histogram_quantiles" | "histogram_fraction" => false,
                _ => skip,
            };
            args.iter().for_each(|a| visit(a, skip, out));
        }
        ExprKind::Aggregate(agg) => {
            visit(&agg.expr, skip, out);
            if let Some(p) = &agg.param {
                visit(p, skip, out);
            }
        }
        ExprKind::Binary(b) => {
            let skip = skip && !matches!(b.op, BinOp::TrimUpper | BinOp::TrimLower);
            visit(&b.lhs, skip, out);
            visit(&b.rhs, skip, out);
        }
        ExprKind::Number(_) | ExprKind::Duration(_) | ExprKind::String(_) => {}
    }
}

/// Turns a series' histograms, read in time order, into statistics: schema,
/// count and sum, and a counter-reset hint decided against the previous sample
/// read where the store's hint is unknown. Stale markers pass unchanged.
pub(crate) fn decode_stats(samples: &mut [(i64, FloatHistogram)]) {
    let mut last: Option<FloatHistogram> = None;
    for (_, h) in samples.iter_mut() {
        if is_stale_nan(h.sum) {
            continue;
        }
        let hint = match (&last, h.counter_reset_hint) {
            (_, hint) if hint != CounterResetHint::Unknown => hint,
            (None, _) => CounterResetHint::Unknown,
            (Some(prev), _) if h.detect_reset(prev) => CounterResetHint::CounterReset,
            (Some(_), _) => CounterResetHint::NotCounterReset,
        };
        let stats = FloatHistogram {
            counter_reset_hint: hint,
            schema: h.schema,
            count: h.count,
            sum: h.sum,
            ..FloatHistogram::default()
        };
        let mut full = std::mem::replace(h, stats);
        full.counter_reset_hint = hint;
        last = Some(full);
    }
}
