//! Binary operators and vector matching, as Prometheus's `VectorBinop`,
//! `VectorscalarBinop`, `VectorAnd/Or/Unless` and `resultMetric`, with their
//! errors for many-to-many and duplicate matches.

use std::collections::{HashMap, HashSet};

use crate::promql::ast::{BinOp, Binary, Expr};
use crate::promql::types::{ValueType, value_type};
use crate::tsdb::{Labels, METRIC_NAME};

use super::binary_native::{BinNote, elem_binop_native};
use super::eval::Evaluator;
use super::format::go_labels;
use super::value::{EvalError, Sample, Series};

/// Labels that describe a metric's meaning and go when arithmetic changes it.
const SCHEMA_LABELS: [&str; 3] = [METRIC_NAME, "__type__", "__unit__"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Card {
    OneToOne,
    ManyToOne,
    OneToMany,
    ManyToMany,
}

/// How the two sides are matched.
struct Matching<'a> {
    card: Card,
    on: bool,
    names: &'a [String],
    include: &'a [String],
}

impl Matching<'_> {
    /// The labels two samples must share to match (`MatchLabels`).
    fn signature(&self, labels: &Labels) -> Labels {
        labels
            .iter()
            .filter(|(n, _)| {
                let listed = self.names.iter().any(|m| m == n);
                if self.on {
                    listed
                } else {
                    !listed && *n != METRIC_NAME
                }
            })
            .collect()
    }
}

fn changes_metric_schema(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Pow | BinOp::Mod | BinOp::Atan2
    )
}

fn btos(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Two floats: the value and whether a comparison keeps the sample.
fn elem_binop(op: BinOp, l: f64, r: f64) -> (f64, bool) {
    match op {
        BinOp::Add => (l + r, true),
        BinOp::Sub => (l - r, true),
        BinOp::Mul => (l * r, true),
        BinOp::Div => (l / r, true),
        BinOp::Pow => (l.powf(r), true),
        BinOp::Mod => (go_mod(l, r), true),
        BinOp::Atan2 => (l.atan2(r), true),
        BinOp::Eql => (l, l == r),
        BinOp::Neq => (l, l != r),
        BinOp::Gtr => (l, l > r),
        BinOp::Lss => (l, l < r),
        BinOp::Gte => (l, l >= r),
        BinOp::Lte => (l, l <= r),
        // Histogram trimming: nothing to keep between floats.
        BinOp::TrimUpper | BinOp::TrimLower | BinOp::And | BinOp::Or | BinOp::Unless => {
            (0.0, false)
        }
    }
}

/// Go's `math.Mod`: the result has the sign of `l` (Rust's `%` on floats agrees).
fn go_mod(l: f64, r: f64) -> f64 {
    l % r
}

fn scalar_binop(op: BinOp, l: f64, r: f64) -> f64 {
    match op {
        BinOp::Eql => btos(l == r),
        BinOp::Neq => btos(l != r),
        BinOp::Gtr => btos(l > r),
        BinOp::Lss => btos(l < r),
        BinOp::Gte => btos(l >= r),
        BinOp::Lte => btos(l <= r),
        _ => elem_binop(op, l, r).0,
    }
}

impl Evaluator<'_, '_> {
    pub(crate) fn binary(&mut self, e: &Expr, b: &Binary) -> Result<Vec<Series>, EvalError> {
        let (lt, rt) = (value_type(&b.lhs), value_type(&b.rhs));
        let lhs = self.eval(&b.lhs)?.into_matrix();
        let rhs = self.eval(&b.rhs)?.into_matrix();
        let op = b.op;
        let trim = matches!(op, BinOp::TrimUpper | BinOp::TrimLower);
        let span = e.span;
        match (lt, rt) {
            (ValueType::Scalar, ValueType::Scalar) => {
                self.range_eval(&[lhs, rhs], |_, ts, v, _, out| {
                    let (l, r) = (
                        v[0].first().map_or(f64::NAN, |s| s.v),
                        v[1].first().map_or(f64::NAN, |s| s.v),
                    );
                    out.push(Sample {
                        h: None,
                        labels: Labels::default(),
                        t: ts,
                        v: scalar_binop(op, l, r),
                        drop_name: false,
                    });
                    Ok(())
                })
            }
            (ValueType::InstantVector, ValueType::InstantVector) => {
                self.vector_binop(b, span, lhs, rhs)
            }
            _ => {
                let swap = lt == ValueType::Scalar;
                let inputs = if swap { [rhs, lhs] } else { [lhs, rhs] };
                let return_bool = b.return_bool;
                self.range_eval(&inputs, |ev, _, v, _, out| {
                    let scalar = v[1].first().map_or(f64::NAN, |s| s.v);
                    // Upstream reports only the last note of a step.
                    let mut last_note = None;
                    for s in &v[0] {
                        let (mut value, mut h, mut keep) = if s.h.is_some() {
                            let (l, r) = if swap {
                                ((scalar, None), (s.v, s.h.as_ref()))
                            } else {
                                ((s.v, s.h.as_ref()), (scalar, None))
                            };
                            let r = elem_binop_native(op, l, r);
                            if let Some(err) = r.err.filter(|e| e.is_error()) {
                                last_note = Some(err);
                                continue;
                            }
                            (r.v, r.h, r.keep)
                        } else if trim {
                            last_note = Some(FLOAT_TRIM);
                            continue;
                        } else {
                            let (l, r) = if swap { (scalar, s.v) } else { (s.v, scalar) };
                            let (value, keep) = elem_binop(op, l, r);
                            (value, None, keep)
                        };
                        if op.is_comparison() && swap {
                            value = s.v;
                            h = s.h.clone();
                        }
                        if return_bool {
                            value = btos(keep);
                            h = None;
                            keep = true;
                        }
                        if keep {
                            out.push(Sample {
                                v: value,
                                h,
                                drop_name: s.drop_name || changes_metric_schema(op) || return_bool,
                                ..s.clone()
                            });
                        }
                    }
                    if let Some(note) = last_note {
                        note.report(op, &mut ev.notes, span);
                    }
                    Ok(())
                })
            }
        }
    }

    fn vector_binop(
        &mut self,
        b: &Binary,
        span: crate::promql::Span,
        lhs: Vec<Series>,
        rhs: Vec<Series>,
    ) -> Result<Vec<Series>, EvalError> {
        let (on, names, include, card) = match &b.matching {
            Some(m) => {
                let card = match &m.group {
                    _ if b.op.is_set() => Card::ManyToMany,
                    Some(g) if g.left => Card::ManyToOne,
                    Some(_) => Card::OneToMany,
                    None => Card::OneToOne,
                };
                let include = m.group.as_ref().map_or(&[][..], |g| &g.labels[..]);
                (m.on, &m.labels[..], include, card)
            }
            None if b.op.is_set() => (false, &[][..], &[][..], Card::ManyToMany),
            None => (false, &[][..], &[][..], Card::OneToOne),
        };
        let matching = Matching {
            card,
            on,
            names,
            include,
        };
        // One ordinal per distinct signature, shared by both sides.
        let mut ordinals: HashMap<Labels, usize> = HashMap::new();
        let mut sig_of = |m: &[Series]| -> Vec<usize> {
            m.iter()
                .map(|s| {
                    let n = ordinals.len();
                    *ordinals.entry(matching.signature(&s.labels)).or_insert(n)
                })
                .collect()
        };
        let sigs = [sig_of(&lhs), sig_of(&rhs)];
        let num_sigs = ordinals.len();
        let op = b.op;
        let fills = (b.fill_left, b.fill_right);
        let return_bool = b.return_bool;
        let mut scratch = Scratch::new(num_sigs);
        let (mut ls, mut rs) = (Vec::new(), Vec::new());
        self.range_eval(&[lhs, rhs], |ev, _, v, origins, out| {
            ls.clear();
            ls.extend(origins[0].iter().map(|&i| sigs[0][i]));
            rs.clear();
            rs.extend(origins[1].iter().map(|&i| sigs[1][i]));
            match op {
                BinOp::And | BinOp::Or | BinOp::Unless => {
                    set_op(op, (&v[0], &ls), (&v[1], &rs), &mut scratch, out);
                    Ok(())
                }
                _ => {
                    let args = StepArgs {
                        op,
                        matching: &matching,
                        return_bool,
                        fills,
                    };
                    let sides = [
                        (&v[0][..], &ls[..], &origins[0][..]),
                        (&v[1][..], &rs[..], &origins[1][..]),
                    ];
                    if let Some(note) = args.run(sides, &mut scratch, out)? {
                        note.report(op, &mut ev.notes, span);
                    }
                    Ok(())
                }
            }
        })
    }
}

/// A trim operator between floats.
const FLOAT_TRIM: BinNote = BinNote::IncompatibleTypes {
    lhs: "float",
    rhs: "float",
};

/// Per-signature marks reused across steps (a generation counter avoids clearing).
struct Scratch {
    generation: u32,
    mark: Vec<u32>,
    /// For one side's samples: the generation they were seen in and their index.
    slot: Vec<(u32, usize)>,
    /// Signatures matched at this step (one-to-one: by generation).
    matched: Vec<u32>,
    /// Many-to-one: the result labels already produced per signature, this step.
    matched_labels: HashMap<usize, HashSet<Labels>>,
    /// Result labels by (left series, right series): reused across steps, as
    /// Prometheus caches `resultMetric`, so output series keep one labels set.
    result_labels: HashMap<(usize, usize), Labels>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            generation: 0,
            mark: vec![0; n],
            slot: vec![(0, 0); n],
            matched: vec![0; n],
            matched_labels: HashMap::new(),
            result_labels: HashMap::new(),
        }
    }

    fn next(&mut self) -> u32 {
        self.generation += 1;
        self.generation
    }
}

type Side<'a> = (&'a [Sample], &'a [usize]);

fn set_op(
    op: BinOp,
    (lhs, lsig): Side<'_>,
    (rhs, rsig): Side<'_>,
    sc: &mut Scratch,
    out: &mut Vec<Sample>,
) {
    // The samples of `keep` whose signature is (`present`) or is not on `other`.
    let mut filter = |keep: Side<'_>, other: &[usize], present: bool, out: &mut Vec<Sample>| {
        let g = sc.next();
        other.iter().for_each(|&s| sc.mark[s] = g);
        out.extend(
            keep.0
                .iter()
                .zip(keep.1)
                .filter(|&(_, &s)| (sc.mark[s] == g) == present)
                .map(|(x, _)| x.clone()),
        );
    };
    match op {
        BinOp::And if lhs.is_empty() || rhs.is_empty() => {}
        BinOp::And => filter((lhs, lsig), rsig, true, out),
        BinOp::Or => {
            out.extend(lhs.iter().cloned());
            if lhs.is_empty() || rhs.is_empty() {
                out.extend(rhs.iter().cloned());
            } else {
                filter((rhs, rsig), lsig, false, out);
            }
        }
        _ if lhs.is_empty() || rhs.is_empty() => out.extend(lhs.iter().cloned()),
        _ => filter((lhs, lsig), rsig, false, out),
    }
}

struct StepArgs<'a> {
    op: BinOp,
    matching: &'a Matching<'a>,
    return_bool: bool,
    fills: (Option<f64>, Option<f64>),
}

/// A side at one step: its samples, their signature ordinals and the input series
/// each came from.
type StepSide<'a> = (&'a [Sample], &'a [usize], &'a [usize]);

/// Stands for the series a fill value makes up.
const FILLED: usize = usize::MAX;

impl StepArgs<'_> {
    /// One step of `VectorBinop`. Returns the step's last note, which upstream reports.
    fn run(
        &self,
        [left, right]: [StepSide<'_>; 2],
        sc: &mut Scratch,
        out: &mut Vec<Sample>,
    ) -> Result<Option<BinNote>, EvalError> {
        let m = self.matching;
        let (fill_left, fill_right) = self.fills;
        if (left.0.is_empty() && right.0.is_empty())
            || ((left.0.is_empty() || right.0.is_empty())
                && fill_left.is_none()
                && fill_right.is_none())
        {
            return Ok(None);
        }
        // One-to-many is many-to-one with the sides swapped.
        let swapped = m.card == Card::OneToMany;
        let ((lhs, lsig, lorig), (rhs, rsig, rorig)) = if swapped {
            (right, left)
        } else {
            (left, right)
        };
        // As Prometheus, the fills are not swapped with the sides.
        let (fill_for_lhs, fill_for_rhs) = (fill_left, fill_right);
        let g = sc.next();
        for (j, (rs, &sig)) in rhs.iter().zip(rsig).enumerate() {
            if sc.slot[sig].0 == g {
                let dup = &rhs[sc.slot[sig].1];
                let one_side = if swapped { "left" } else { "right" };
                // Reported in label order, so the message is stable.
                let (first, second) = if dup.labels <= rs.labels {
                    (dup, rs)
                } else {
                    (rs, dup)
                };
                return Err(EvalError::execution(format!(
                    "found duplicate series for the match group {} on the {one_side} hand-side of the operation: [{}, {}];many-to-many matching not allowed: matching labels must be unique on one side",
                    go_labels(&m.signature(&rs.labels)),
                    go_labels(&first.labels),
                    go_labels(&second.labels)
                )));
            }
            sc.slot[sig] = (g, j);
        }
        sc.matched_labels.clear();
        let mut last_note = None;
        let mut do_op = |sc: &mut Scratch,
                         (ls, lo): (&Sample, usize),
                         (rs, ro): (&Sample, usize),
                         sig: usize|
         -> Result<(), EvalError> {
            let (l, r) = if swapped { (rs, ls) } else { (ls, rs) };
            let (mut value, mut h, keep) = if l.h.is_some() || r.h.is_some() {
                let res = elem_binop_native(self.op, (l.v, l.h.as_ref()), (r.v, r.h.as_ref()));
                if let Some(err) = res.err {
                    last_note = Some(err);
                    return Ok(());
                }
                if let Some(info) = res.info {
                    last_note = Some(info);
                }
                (res.v, res.h, res.keep)
            } else if matches!(self.op, BinOp::TrimUpper | BinOp::TrimLower) {
                last_note = Some(FLOAT_TRIM);
                return Ok(());
            } else {
                let (value, keep) = elem_binop(self.op, l.v, r.v);
                (value, None, keep)
            };
            if self.return_bool {
                value = btos(keep);
                h = None;
            }
            let metric = if lo == FILLED || ro == FILLED {
                result_metric(&ls.labels, &rs.labels, self.op, m)
            } else {
                sc.result_labels
                    .entry((lo, ro))
                    .or_insert_with(|| result_metric(&ls.labels, &rs.labels, self.op, m))
                    .clone()
            };
            if m.card == Card::OneToOne {
                if sc.matched[sig] == g {
                    return Err(EvalError::execution(
                        "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
                    ));
                }
                sc.matched[sig] = g;
            } else {
                sc.matched[sig] = g;
                if !sc
                    .matched_labels
                    .entry(sig)
                    .or_default()
                    .insert(metric.clone())
                {
                    return Err(EvalError::execution(
                        "multiple matches for labels: grouping labels must ensure unique matches",
                    ));
                }
            }
            if keep || self.return_bool {
                out.push(Sample {
                    labels: metric,
                    t: ls.t,
                    v: value,
                    h,
                    drop_name: self.return_bool,
                });
            }
            Ok(())
        };
        for ((ls, &sig), &lo) in lhs.iter().zip(lsig).zip(lorig) {
            if sc.slot[sig].0 == g {
                let j = sc.slot[sig].1;
                do_op(sc, (ls, lo), (&rhs[j], rorig[j]), sig)?;
            } else if let Some(fill) = fill_for_rhs {
                let rs = Sample {
                    labels: m.signature(&ls.labels),
                    v: fill,
                    ..ls.clone()
                };
                do_op(sc, (ls, lo), (&rs, FILLED), sig)?;
            }
        }
        if let Some(fill) = fill_for_lhs {
            for ((rs, &sig), &ro) in rhs.iter().zip(rsig).zip(rorig) {
                if sc.matched[sig] == g {
                    continue;
                }
                let ls = Sample {
                    labels: m.signature(&rs.labels),
                    v: fill,
                    ..rs.clone()
                };
                do_op(sc, (&ls, FILLED), (rs, ro), sig)?;
            }
        }
        Ok(last_note)
    }
}

/// The labels of a result sample (`resultMetric`): the "many" side's labels, less
/// the name for arithmetic, less or only the matching labels for one-to-one, plus
/// the `group_x` labels taken from the "one" side.
fn result_metric(lhs: &Labels, rhs: &Labels, op: BinOp, m: &Matching<'_>) -> Labels {
    let drop_schema = changes_metric_schema(op);
    let mut pairs: Vec<(&str, &str)> = lhs
        .iter()
        .filter(|(n, _)| !(drop_schema && SCHEMA_LABELS.contains(n)))
        .filter(|(n, _)| {
            if m.card != Card::OneToOne {
                return true;
            }
            let listed = m.names.iter().any(|x| x == n);
            if m.on { listed } else { !listed }
        })
        .collect();
    for name in m.include {
        pairs.retain(|(n, _)| n != name);
        if let Some(v) = rhs.get(name) {
            pairs.push((name, v));
        }
    }
    Labels::new(&pairs)
}
