//! Functions of labels: `label_replace`, `label_join`, `absent`.

use crate::re::Regex;

use crate::promql::ExprKind;
use crate::tsdb::matcher::re2_to_rust;
use crate::tsdb::{Labels, METRIC_NAME, MatchType};

use super::{Arg, Ctx, EvalError, Sample};

/// Prometheus 3 validates label names as UTF-8: any non-empty valid string.
fn valid_label_name(s: &str) -> bool {
    !s.is_empty() && crate::tsdb::labels::is_valid_utf8(s)
}

/// `labels` with `name` set to `value` (removed when `value` is empty).
fn with_label(labels: &Labels, name: &str, value: &str) -> Labels {
    labels
        .iter()
        .filter(|(n, _)| *n != name)
        .chain(std::iter::once((name, value)))
        .collect()
}

/// `label_replace(v, dst, replacement, src, regex)`.
pub(super) fn label_replace(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    let (dst, repl, src, pattern) = (
        args[1].string(),
        args[2].string(),
        args[3].string(),
        args[4].string(),
    );
    if !ctx.regexes.contains_key(pattern) {
        let re = Regex::new(&format!("^(?s:{})$", re2_to_rust(pattern))).map_err(|_| {
            EvalError::execution(format!(
                "invalid regular expression in label_replace(): {pattern}"
            ))
        })?;
        ctx.regexes.insert(pattern.to_string(), re);
    }
    if !valid_label_name(dst) {
        return Err(EvalError::execution(format!(
            "invalid destination label name in label_replace(): {}",
            crate::tsdb::labels::escape_raw_bytes(dst)
        )));
    }
    let re = &ctx.regexes[pattern];
    for s in args[0].vector() {
        let mut s = Sample {
            t: ctx.ts,
            ..s.clone()
        };
        let src_val = s.labels.get(src).unwrap_or("");
        if let Some(caps) = re.captures(src_val) {
            let mut value = String::new();
            caps.expand(repl, &mut value);
            s.labels = with_label(&s.labels, dst, &value);
            if dst == METRIC_NAME {
                s.drop_name = false;
            }
        }
        out.push(s);
    }
    Ok(())
}

/// `label_join(v, dst, separator, src...)`.
pub(super) fn label_join(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    let (dst, sep) = (args[1].string(), args[2].string());
    let srcs: Vec<&str> = args[3..].iter().map(|a| a.string()).collect();
    if let Some(bad) = srcs.iter().find(|s| !valid_label_name(s)) {
        return Err(EvalError::execution(format!(
            "invalid source label name in label_join(): {bad}"
        )));
    }
    if !valid_label_name(dst) {
        return Err(EvalError::execution(format!(
            "invalid destination label name in label_join(): {}",
            crate::tsdb::labels::escape_raw_bytes(dst)
        )));
    }
    for s in args[0].vector() {
        let joined = srcs
            .iter()
            .map(|n| s.labels.get(n).unwrap_or(""))
            .collect::<Vec<_>>()
            .join(sep);
        out.push(Sample {
            h: None,
            labels: with_label(&s.labels, dst, &joined),
            t: ctx.ts,
            v: s.v,
            drop_name: if dst == METRIC_NAME {
                false
            } else {
                s.drop_name
            },
        });
    }
    Ok(())
}

/// `absent(v)`: nothing if `v` has elements, else one sample of value 1 whose
/// labels are the argument selector's equality matchers (a label matched more
/// than once, or by another operator, is left out; `__name__` never appears).
pub(super) fn absent(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    if !args[0].vector().is_empty() {
        return Ok(());
    }
    let mut set: Vec<(String, String)> = Vec::new();
    let mut has: Vec<&str> = Vec::new();
    let matchers = match ctx.args.first().map(|e| &e.kind) {
        Some(ExprKind::Vector(vs)) => &vs.matchers[..],
        Some(ExprKind::Matrix { selector, .. }) => match &selector.kind {
            ExprKind::Vector(vs) => &vs.matchers[..],
            _ => &[],
        },
        _ => &[],
    };
    for m in matchers {
        if m.name == METRIC_NAME {
            continue;
        }
        set.retain(|(n, _)| *n != m.name);
        if m.op == MatchType::Equal && !has.contains(&m.name.as_str()) {
            set.push((m.name.clone(), m.value.clone()));
            has.push(&m.name);
        }
    }
    out.push(Sample {
        h: None,
        labels: Labels::from(set),
        t: ctx.ts,
        v: 1.0,
        drop_name: false,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{sample, with_ctx};
    use super::*;
    use crate::promql::parse;

    #[test]
    fn replace() {
        let v = vec![
            sample(&[("__name__", "m"), ("src", "source-value-10")], 0.0),
            sample(&[("__name__", "m"), ("src", "other")], 1.0),
        ];
        let a = |repl: &'static str, re: &'static str| {
            [
                Arg::Vector(&v),
                Arg::String("dst"),
                Arg::String(repl),
                Arg::String("src"),
                Arg::String(re),
            ]
        };
        let mut out = Vec::new();
        with_ctx("", &[], 0, false, |ctx| {
            label_replace(&a("value-$1", "source-value-(.*)"), ctx, &mut out)
        })
        .0
        .unwrap();
        assert_eq!(out[0].labels.get("dst"), Some("value-10"));
        assert_eq!(out[1].labels.get("dst"), None);
        assert_eq!(out[1].labels, v[1].labels);

        out.clear();
        with_ctx("", &[], 0, false, |ctx| {
            label_replace(&a("$1$2", "(?:source-value-)?(.*)"), ctx, &mut out)
        })
        .0
        .unwrap();
        assert_eq!(out[0].labels.get("dst"), Some("10"));
        assert_eq!(out[1].labels.get("dst"), Some("other"));

        let err = with_ctx("", &[], 0, false, |ctx| {
            label_replace(&a("x", "(.*"), ctx, &mut out)
        })
        .0;
        assert_eq!(
            err.unwrap_err().message,
            "invalid regular expression in label_replace(): (.*"
        );
        let args = [
            Arg::Vector(&v),
            Arg::String(""),
            Arg::String(""),
            Arg::String("src"),
            Arg::String("(.*)"),
        ];
        let err = with_ctx("", &[], 0, false, |ctx| label_replace(&args, ctx, &mut out)).0;
        assert_eq!(
            err.unwrap_err().message,
            "invalid destination label name in label_replace(): "
        );
    }

    #[test]
    fn replace_name_keeps_it() {
        let mut s = sample(&[("__name__", "m"), ("a", "x")], 0.0);
        s.drop_name = true;
        let v = vec![s];
        let args = [
            Arg::Vector(&v),
            Arg::String("__name__"),
            Arg::String("new_$1"),
            Arg::String("a"),
            Arg::String("(.*)"),
        ];
        let mut out = Vec::new();
        with_ctx("", &[], 0, false, |ctx| label_replace(&args, ctx, &mut out))
            .0
            .unwrap();
        assert_eq!(out[0].labels.metric_name(), Some("new_x"));
        assert!(!out[0].drop_name);
    }

    #[test]
    fn join() {
        let v = vec![sample(&[("src", "a"), ("src1", "b"), ("dst", "orig")], 0.0)];
        let run = |args: &[Arg<'_>]| {
            let mut out = Vec::new();
            with_ctx("", &[], 0, false, |ctx| label_join(args, ctx, &mut out))
                .0
                .map(|_| out)
        };
        let out = run(&[
            Arg::Vector(&v),
            Arg::String("dst"),
            Arg::String("-"),
            Arg::String("src"),
            Arg::String("src3"),
            Arg::String("src1"),
        ])
        .unwrap();
        assert_eq!(out[0].labels.get("dst"), Some("a--b"));
        let out = run(&[Arg::Vector(&v), Arg::String("dst"), Arg::String(", ")]).unwrap();
        assert_eq!(out[0].labels.get("dst"), None);
        let err = run(&[
            Arg::Vector(&v),
            Arg::String("dst"),
            Arg::String(""),
            Arg::String(""),
        ]);
        assert_eq!(
            err.unwrap_err().message,
            "invalid source label name in label_join(): "
        );
    }

    #[test]
    fn absent_labels_from_matchers() {
        let case = |q: &str| {
            let e = parse(q).unwrap();
            let ExprKind::Call { args, .. } = &e.kind else {
                panic!()
            };
            let mut out = Vec::new();
            with_ctx(q, args, 0, false, |ctx| {
                absent(&[Arg::Vector(&[])], ctx, &mut out)
            })
            .0
            .unwrap();
            out[0].labels.to_string()
        };
        assert_eq!(
            case(r#"absent(nonexistent{job="a", instance!="x"})"#),
            r#"{job="a"}"#
        );
        assert_eq!(
            case(r#"absent(x{job="a",job="b",foo="bar"})"#),
            r#"{foo="bar"}"#
        );
        assert_eq!(case(r#"absent(x{job="a",job=~"b"})"#), "{}");
        assert_eq!(case(r#"absent(sum(x{job="a"}))"#), "{}");
        assert_eq!(case(r#"absent({__name__="x", a="b"})"#), r#"{a="b"}"#);
        let v = vec![sample(&[("a", "b")], 1.0)];
        let mut out = Vec::new();
        with_ctx("", &[], 0, false, |ctx| {
            absent(&[Arg::Vector(&v)], ctx, &mut out)
        })
        .0
        .unwrap();
        assert!(out.is_empty());
    }
}
