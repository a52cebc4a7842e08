//! `sort`, `sort_desc`, `sort_by_label`, `sort_by_label_desc`: they order the
//! step's output (only visible in instant queries; range queries get a warning).

use std::cmp::Ordering;

use super::stats::sort_by_less;
use super::{Arg, Ctx, EvalError, Sample};

/// Prometheus warns (at the call) that sorting does nothing in a range query.
fn warn_if_range(ctx: &mut Ctx<'_, '_>) {
    if ctx.range_query {
        ctx.notes.warn(
            "sort is ineffective for range queries since results are always ordered by labels",
            ctx.call_span,
        );
    }
}

fn sorted(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
    less: fn(f64, f64) -> bool,
) {
    warn_if_range(ctx);
    let start = out.len();
    out.extend(args[0].vector().iter().map(|s| Sample {
        t: ctx.ts,
        ..s.clone()
    }));
    sort_by_less(&mut out[start..], |a, b| less(a.v, b.v));
}

/// Ascending, NaN last.
pub(super) fn sort(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    sorted(args, ctx, out, |a, b| b.is_nan() || b > a);
    Ok(())
}

/// Descending, NaN last.
pub(super) fn sort_desc(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    sorted(args, ctx, out, |a, b| b.is_nan() || b < a);
    Ok(())
}

fn by_label(args: &[Arg<'_>], ctx: &mut Ctx<'_, '_>, out: &mut Vec<Sample>, desc: bool) {
    warn_if_range(ctx);
    let names: Vec<&str> = args[1..].iter().map(|a| a.string()).collect();
    let cmp = |a: &Sample, b: &Sample| -> Ordering {
        for n in &names {
            let (x, y) = (a.labels.get(n).unwrap_or(""), b.labels.get(n).unwrap_or(""));
            if x == y {
                continue;
            }
            return if natsort_less(x, y) {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        a.labels.cmp(&b.labels)
    };
    let start = out.len();
    out.extend(args[0].vector().iter().map(|s| Sample {
        t: ctx.ts,
        ..s.clone()
    }));
    sort_by_less(&mut out[start..], |a, b| {
        let o = cmp(a, b);
        if desc {
            o == Ordering::Greater
        } else {
            o == Ordering::Less
        }
    });
}

pub(super) fn sort_by_label(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    by_label(args, ctx, out, false);
    Ok(())
}

pub(super) fn sort_by_label_desc(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    by_label(args, ctx, out, true);
    Ok(())
}

/// Runs of ASCII digits and of everything else (`(\d+|\D+)`).
fn chunks(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut digit = None;
    for (i, c) in s.char_indices() {
        let d = c.is_ascii_digit();
        if digit.is_some_and(|p| p != d) {
            out.push(&s[start..i]);
            start = i;
        }
        digit = Some(d);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// `natsort.Compare` (github.com/facette/natsort): whether `a` sorts before `b`
/// in natural order (digit runs compared as integers).
fn natsort_less(a: &str, b: &str) -> bool {
    let (ca, cb) = (chunks(a), chunks(b));
    for (i, x) in ca.iter().enumerate() {
        let Some(y) = cb.get(i) else {
            return false;
        };
        let as_int = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| s.parse::<i64>().ok())
                .flatten()
        };
        if let (Some(xi), Some(yi)) = (as_int(x), as_int(y)) {
            if xi == yi {
                if i == ca.len() - 1 {
                    return true;
                } else if i == cb.len() - 1 {
                    return false;
                }
                continue;
            }
            return xi < yi;
        }
        if x == y {
            if i == ca.len() - 1 {
                return true;
            } else if i == cb.len() - 1 {
                return false;
            }
            continue;
        }
        return x < y;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::tests::{sample, vec_of, with_ctx};
    use super::*;

    #[test]
    fn by_value() {
        let v = vec_of(&[3.0, f64::NAN, 1.0, 2.0]);
        let mut out = Vec::new();
        let (_, notes) = with_ctx("sort(x)", &[], 0, false, |ctx| {
            sort(&[Arg::Vector(&v)], ctx, &mut out)
        });
        assert!(notes.is_empty());
        assert_eq!(
            out[..3].iter().map(|s| s.v).collect::<Vec<_>>(),
            [1.0, 2.0, 3.0]
        );
        assert!(out[3].v.is_nan());
        out.clear();
        let (_, notes) = with_ctx("sort_desc(x)", &[], 0, true, |ctx| {
            sort_desc(&[Arg::Vector(&v)], ctx, &mut out)
        });
        assert_eq!(
            out[..3].iter().map(|s| s.v).collect::<Vec<_>>(),
            [3.0, 2.0, 1.0]
        );
        assert!(out[3].v.is_nan());
        assert_eq!(
            notes.warnings,
            [
                "PromQL warning: sort is ineffective for range queries since results are always ordered by labels (1:1)"
            ]
        );
    }

    #[test]
    fn natural_order() {
        assert!(natsort_less("a2", "a10"));
        assert!(!natsort_less("a10", "a2"));
        assert!(natsort_less("abc", "abd"));
        assert!(natsort_less("1", "1a"));
        assert!(!natsort_less("1a", "1"));
        let v = vec![
            sample(&[("a", "10")], 1.0),
            sample(&[("a", "9")], 2.0),
            sample(&[("a", "9"), ("b", "x")], 3.0),
        ];
        let mut out = Vec::new();
        with_ctx("", &[], 0, false, |ctx| {
            sort_by_label(&[Arg::Vector(&v), Arg::String("a")], ctx, &mut out)
        })
        .0
        .unwrap();
        assert_eq!(out.iter().map(|s| s.v).collect::<Vec<_>>(), [2.0, 3.0, 1.0]);
        out.clear();
        with_ctx("", &[], 0, false, |ctx| {
            sort_by_label_desc(&[Arg::Vector(&v), Arg::String("a")], ctx, &mut out)
        })
        .0
        .unwrap();
        assert_eq!(out.iter().map(|s| s.v).collect::<Vec<_>>(), [1.0, 3.0, 2.0]);
    }
}
