//! Binary operators where a side is a native histogram, as the histogram cases of
//! Prometheus's `vectorElemBinop`: `histogram * float`, `histogram / float`,
//! `histogram ± histogram`, `==`/`!=` between histograms, and the trim operators
//! `</` and `>/`; every other combination is an info and no result.

use std::sync::Arc;

use crate::histogram::{CounterResetHint, FloatHistogram};
use crate::promql::Span;
use crate::promql::ast::BinOp;

use super::notes::{HistogramOp, Notes};

/// What an operation on histograms reports (upstream returns these as `info`
/// and `err`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum BinNote {
    /// `lhs op rhs` is not defined for these sample types.
    IncompatibleTypes {
        lhs: &'static str,
        rhs: &'static str,
    },
    CounterResetCollision(HistogramOp),
    MismatchedCustomBuckets(HistogramOp),
    /// Exponential and custom buckets cannot be added or subtracted.
    IncompatibleSchema,
}

impl BinNote {
    /// Whether upstream returns it as an error (the sample is dropped in a
    /// vector-vector operation) rather than an info.
    pub fn is_error(self) -> bool {
        !matches!(self, BinNote::MismatchedCustomBuckets(_))
    }

    /// Adds the annotation; `span` is the binary expression's.
    pub fn report(self, op: BinOp, notes: &mut Notes<'_>, span: Span) {
        match self {
            BinNote::IncompatibleTypes { lhs, rhs } => {
                notes.incompatible_types_in_binop(lhs, op.symbol(), rhs, span)
            }
            BinNote::CounterResetCollision(o) => notes.counter_reset_collision(o, span),
            BinNote::MismatchedCustomBuckets(o) => notes.mismatched_custom_buckets(o, span),
            BinNote::IncompatibleSchema => notes.incompatible_bucket_layout(op.symbol(), span),
        }
    }
}

/// The result of one element operation involving a histogram.
pub(crate) struct ElemResult {
    pub v: f64,
    pub h: Option<Arc<FloatHistogram>>,
    pub keep: bool,
    pub info: Option<BinNote>,
    pub err: Option<BinNote>,
}

impl ElemResult {
    fn value(h: FloatHistogram) -> ElemResult {
        ElemResult {
            v: 0.0,
            h: Some(Arc::new(h)),
            keep: true,
            info: None,
            err: None,
        }
    }

    fn incompatible(lhs: &'static str, rhs: &'static str) -> ElemResult {
        ElemResult {
            v: 0.0,
            h: None,
            keep: false,
            info: None,
            err: Some(BinNote::IncompatibleTypes { lhs, rhs }),
        }
    }
}

/// `lhs op rhs` where at least one side is a histogram (`hl`, `hr`).
pub(crate) fn elem_binop_native(
    op: BinOp,
    (fl, hl): (f64, Option<&Arc<FloatHistogram>>),
    (fr, hr): (f64, Option<&Arc<FloatHistogram>>),
) -> ElemResult {
    let compacted = |mut h: FloatHistogram| {
        h.compact(0);
        h
    };
    match (hl, hr) {
        (None, Some(hr)) => match op {
            BinOp::Mul => {
                let mut h = (**hr).clone();
                h.mul(fl);
                ElemResult::value(compacted(h))
            }
            _ => ElemResult::incompatible("float", "histogram"),
        },
        (Some(hl), None) => match op {
            BinOp::Mul | BinOp::Div => {
                let mut h = (**hl).clone();
                if op == BinOp::Mul {
                    h.mul(fr);
                } else {
                    h.div(fr);
                }
                ElemResult::value(compacted(h))
            }
            BinOp::TrimUpper | BinOp::TrimLower => {
                let mut h = (**hl).clone();
                h.trim_buckets(fr, op == BinOp::TrimUpper);
                ElemResult::value(h)
            }
            _ => ElemResult::incompatible("histogram", "float"),
        },
        (Some(hl), Some(hr)) => match op {
            BinOp::Add | BinOp::Sub => {
                let mut h = (**hl).clone();
                let (outcome, hop) = if op == BinOp::Add {
                    (h.add(hr), HistogramOp::Add)
                } else {
                    (h.sub(hr), HistogramOp::Sub)
                };
                let Ok(outcome) = outcome else {
                    return ElemResult {
                        v: 0.0,
                        h: None,
                        keep: false,
                        info: None,
                        err: Some(BinNote::IncompatibleSchema),
                    };
                };
                if op == BinOp::Sub {
                    h.counter_reset_hint = CounterResetHint::Gauge;
                }
                let mut r = ElemResult::value(compacted(h));
                if outcome.counter_reset_collision {
                    r.err = Some(BinNote::CounterResetCollision(hop));
                }
                if outcome.nhcb_bounds_reconciled {
                    r.info = Some(BinNote::MismatchedCustomBuckets(hop));
                }
                r
            }
            BinOp::Eql | BinOp::Neq => ElemResult {
                v: 0.0,
                h: Some(Arc::clone(hl)),
                keep: hl.equals(hr) == (op == BinOp::Eql),
                info: None,
                err: None,
            },
            _ => ElemResult::incompatible("histogram", "histogram"),
        },
        (None, None) => unreachable!("a float operation"),
    }
}
