//! Collecting annotations with Prometheus's wording and position suffix.

use std::any::Any;
use std::collections::HashMap;
use std::fmt::Display;

use crate::promql::{ParseError, Span};

use super::value::Annotations;

/// Annotations being gathered for one query, which knows the query text so it
/// can add `(line:col)` as Prometheus does.
pub(crate) struct Notes<'s> {
    src: &'s str,
    pub(crate) out: Annotations,
    /// Infos that merge with earlier ones of the same key instead of repeating
    /// (see [`Notes::info_merged`]): key -> (message as now in `out`, position, state).
    merged: HashMap<String, (String, String, Box<dyn Any>)>,
}

impl<'s> Notes<'s> {
    pub fn new(src: &'s str) -> Notes<'s> {
        Notes {
            src,
            out: Annotations::default(),
            merged: HashMap::new(),
        }
    }

    /// `PromQL warning: <message> (<line>:<col>)`.
    pub fn warn(&mut self, message: impl Display, span: Span) {
        let m = format!("PromQL warning: {message} ({})", self.position(span));
        self.out.push_warning(m);
    }

    /// `PromQL info: <message> (<line>:<col>)`.
    pub fn info(&mut self, message: impl Display, span: Span) {
        let m = format!("PromQL info: {message} ({})", self.position(span));
        self.out.push_info(m);
    }

    /// An info that Prometheus merges with earlier occurrences of the same `key`
    /// rather than repeating it (its mergeable annotations, e.g. histogram_quantile's
    /// monotonicity fix, which reports the range of buckets and times it covered):
    /// `merge` folds `state` into the stored one, `render` writes the message from
    /// the state. The position is the first occurrence's.
    pub fn info_merged<T: 'static>(
        &mut self,
        key: &str,
        span: Span,
        state: T,
        merge: impl FnOnce(&mut T, T),
        render: impl Fn(&T) -> String,
    ) {
        let Some((shown, pos, stored)) = self.merged.get_mut(key) else {
            let pos = self.position(span);
            let m = format!("PromQL info: {} ({pos})", render(&state));
            self.out.push_info(m.clone());
            self.merged
                .insert(key.to_string(), (m, pos, Box::new(state)));
            return;
        };
        let Some(stored) = stored.downcast_mut::<T>() else {
            return;
        };
        merge(stored, state);
        let m = format!("PromQL info: {} ({pos})", render(stored));
        match self.out.infos.iter_mut().find(|i| **i == *shown) {
            Some(slot) => *slot = m.clone(),
            None => self.out.push_info(m.clone()),
        }
        *shown = m;
    }

    fn position(&self, span: Span) -> String {
        let e = ParseError::new(self.src, span, String::new());
        format!("{}:{}", e.line, e.col)
    }
}

/// The operation a histogram annotation names (Prometheus's `HistogramOperation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HistogramOp {
    Add,
    Sub,
    Agg,
}

impl HistogramOp {
    fn name(self) -> &'static str {
        match self {
            HistogramOp::Add => "addition",
            HistogramOp::Sub => "subtraction",
            HistogramOp::Agg => "aggregation",
        }
    }
}

fn quoted(name: &str) -> String {
    let mut q = String::new();
    let _ = crate::tsdb::labels::write_quoted(&mut q, name);
    q
}

/// The annotations native histograms raise, with Prometheus's wording.
impl Notes<'_> {
    pub fn mixed_floats_histograms(&mut self, metric_name: &str, span: Span) {
        let m = format!(
            "encountered a mix of histograms and floats for metric name {}",
            quoted(metric_name)
        );
        self.warn(m, span);
    }

    pub fn mixed_floats_histograms_in_aggregation(&mut self, span: Span) {
        self.warn(
            "encountered a mix of histograms and floats for aggregation",
            span,
        );
    }

    /// A start timestamp before the previous sample (and not its start).
    pub fn start_time_overlap(&mut self, metric_name: &str, span: Span) {
        let m = format!(
            "sample has start time that overlaps with previous sample timestamp for metric {}",
            quoted(metric_name)
        );
        self.warn(m, span);
    }

    pub fn histogram_not_counter(&mut self, metric_name: &str, span: Span) {
        let m = format!(
            "this native histogram metric is not a counter: {}",
            quoted(metric_name)
        );
        self.warn(m, span);
    }

    pub fn histogram_not_gauge(&mut self, metric_name: &str, span: Span) {
        let m = format!(
            "this native histogram metric is not a gauge: {}",
            quoted(metric_name)
        );
        self.warn(m, span);
    }

    pub fn mixed_exponential_custom(&mut self, metric_name: &str, span: Span) {
        let m = format!(
            "vector contains a mix of histograms with exponential and custom buckets schemas for metric name {}",
            quoted(metric_name)
        );
        self.warn(m, span);
    }

    pub fn counter_reset_collision(&mut self, op: HistogramOp, span: Span) {
        let m = format!("conflicting counter resets during histogram {}", op.name());
        self.warn(m, span);
    }

    pub fn mismatched_custom_buckets(&mut self, op: HistogramOp, span: Span) {
        let m = format!(
            "mismatched custom buckets were reconciled during {}",
            op.name()
        );
        self.info(m, span);
    }

    pub fn histogram_ignored_in_mixed_range(&mut self, metric_name: &str, span: Span) {
        let m = format!(
            "ignored histograms in a range containing both floats and histograms for metric name {}",
            quoted(metric_name)
        );
        self.info(m, span);
    }

    pub fn histogram_ignored_in_aggregation(&mut self, aggregation: &str, span: Span) {
        self.info(
            format_args!("ignored histogram in {aggregation} aggregation"),
            span,
        );
    }

    pub fn incompatible_bucket_layout(&mut self, operator: &str, span: Span) {
        self.warn(
            format_args!("incompatible bucket layout encountered for binary operator {operator}"),
            span,
        );
    }

    pub fn incompatible_types_in_binop(
        &mut self,
        lhs: &str,
        operator: &str,
        rhs: &str,
        span: Span,
    ) {
        self.info(
            format_args!(
                "incompatible sample types encountered for binary operator {}: {lhs} {operator} {rhs}",
                quoted(operator)
            ),
            span,
        );
    }
}
