//! The explain view's model (after PromLens): a query as a tree of its
//! sub-expressions, each with its text and a sentence saying what it does,
//! e.g. "Sums the per-second rate over 5m of http_requests_total, keeping only
//! the path label."

use super::ast::{AggOp, Aggregate, BinOp, Dur, Expr, ExprKind, VectorSelector};
use super::docs::doc;
use super::printer::{format, format_duration};
use crate::gofmt::go_float;

/// One sub-expression.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplainNode {
    /// The sub-expression in canonical form (evaluable on its own).
    pub text: String,
    pub sentence: String,
    pub children: Vec<ExplainNode>,
}

/// The tree of `e`. Parentheses are skipped; literals appear only as arguments'
/// text, not as nodes of their own.
pub fn explain(e: &Expr) -> ExplainNode {
    let e = unparen(e);
    let children: Vec<ExplainNode> = match &e.kind {
        ExprKind::Call { args, .. } => args
            .iter()
            .filter(|a| !is_literal(a))
            .map(explain)
            .collect(),
        ExprKind::Aggregate(a) => vec![explain(&a.expr)],
        ExprKind::Binary(b) => [&b.lhs, &b.rhs]
            .into_iter()
            .filter(|a| !is_literal(a))
            .map(|a| explain(a))
            .collect(),
        ExprKind::Unary { expr, .. } => vec![explain(expr)],
        ExprKind::Subquery(sq) => vec![explain(&sq.expr)],
        ExprKind::Matrix { .. } | ExprKind::Vector(_) => Vec::new(),
        _ => Vec::new(),
    };
    ExplainNode {
        text: format(e),
        sentence: sentence(e),
        children,
    }
}

fn unparen(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Paren(inner) => unparen(inner),
        _ => e,
    }
}

fn is_literal(e: &Expr) -> bool {
    matches!(
        unparen(e).kind,
        ExprKind::Number(_) | ExprKind::String(_) | ExprKind::Duration(_)
    )
}

fn dur(d: &Dur) -> String {
    match d {
        Dur::Ms(ms) => format_duration(*ms),
        Dur::Expr(e) => format!("({})", format(e)),
    }
}

fn selector_phrase(vs: &VectorSelector) -> String {
    let name = vs.name.clone().unwrap_or_else(|| "every series".into());
    let filters: Vec<String> = vs
        .matchers
        .iter()
        .filter(|m| m.name != crate::tsdb::METRIC_NAME || vs.name.is_none())
        .map(|m| format!("{}{}{:?}", m.name, m.op.operator(), m.value))
        .collect();
    let mut s = if filters.is_empty() {
        name
    } else {
        format!("{name} where {}", filters.join(" and "))
    };
    if let Some(o) = &vs.offset {
        s.push_str(&format!(", {} earlier", dur(&o.value)));
    }
    if vs.at.is_some() {
        s.push_str(", at a fixed time");
    }
    s
}

/// A noun phrase for what `e` evaluates to.
fn phrase(e: &Expr) -> String {
    let e = unparen(e);
    match &e.kind {
        ExprKind::Number(v) => go_float(*v),
        ExprKind::Duration(ms) => format_duration(*ms),
        ExprKind::String(s) => format!("{s:?}"),
        ExprKind::Vector(vs) => selector_phrase(vs),
        ExprKind::Matrix { selector, range } => match &selector.kind {
            ExprKind::Vector(vs) => format!("{} over {}", selector_phrase(vs), dur(range)),
            _ => format(e),
        },
        ExprKind::Subquery(sq) => format!("{} over {}", phrase(&sq.expr), dur(&sq.range)),
        ExprKind::Call { func, args } => call_phrase(func.name, args),
        ExprKind::Aggregate(a) => {
            let (noun, _) = agg_words(a);
            format!("the {noun} {}{}", phrase(&a.expr), grouping(a))
        }
        ExprKind::Binary(b) => format!("{} {} {}", phrase(&b.lhs), b.op.symbol(), phrase(&b.rhs)),
        ExprKind::Unary { expr, .. } => format!("minus {}", phrase(expr)),
        ExprKind::Paren(inner) => phrase(inner),
    }
}

fn range_of(arg: &Expr) -> (String, String) {
    match &unparen(arg).kind {
        ExprKind::Matrix { selector, range } => match &selector.kind {
            ExprKind::Vector(vs) => (dur(range), selector_phrase(vs)),
            _ => (dur(range), format(arg)),
        },
        ExprKind::Subquery(sq) => (dur(&sq.range), phrase(&sq.expr)),
        _ => (String::new(), phrase(arg)),
    }
}

fn call_phrase(name: &str, args: &[Expr]) -> String {
    let matrix = args.iter().find(|a| {
        matches!(
            unparen(a).kind,
            ExprKind::Matrix { .. } | ExprKind::Subquery(_)
        )
    });
    if let Some(m) = matrix {
        let (range, of) = range_of(m);
        let what = match name {
            "rate" => "per-second rate",
            "irate" => "per-second rate (from the last two samples)",
            "increase" => "increase",
            "delta" => "change",
            "deriv" => "per-second derivative",
            "changes" => "number of changes",
            "resets" => "number of counter resets",
            n if n.ends_with("_over_time") => n.trim_end_matches("_over_time"),
            n => n,
        };
        return format!("the {what} over {range} of {of}");
    }
    match (name, args) {
        ("histogram_quantile", [q, h]) => {
            let q = match unparen(q).kind {
                ExprKind::Number(v) => format!("{}th percentile", go_float(v * 100.0)),
                _ => format!("{} quantile", format(q)),
            };
            format!("the {q} from the buckets of {}", phrase(h))
        }
        (n, [arg, ..]) => format!("{n}() of {}", phrase(arg)),
        (n, []) => format!("{n}()"),
    }
}

/// (noun, verb) of an aggregation.
fn agg_words(a: &Aggregate) -> (String, String) {
    let param = a.param.as_deref().map(format).unwrap_or_default();
    let (noun, verb) = match a.op {
        AggOp::Sum => ("sum of".into(), "Sums".into()),
        AggOp::Avg => ("average of".into(), "Averages".into()),
        AggOp::Count => ("number of series of".into(), "Counts the series of".into()),
        AggOp::Min => ("minimum of".into(), "Takes the minimum of".into()),
        AggOp::Max => ("maximum of".into(), "Takes the maximum of".into()),
        AggOp::Group => ("groups of".into(), "Lists the groups of".into()),
        AggOp::Stddev => (
            "standard deviation of".into(),
            "Takes the standard deviation of".into(),
        ),
        AggOp::Stdvar => ("variance of".into(), "Takes the variance of".into()),
        AggOp::Topk => (
            format!("{param} largest of"),
            format!("Keeps the {param} largest series of"),
        ),
        AggOp::Bottomk => (
            format!("{param} smallest of"),
            format!("Keeps the {param} smallest series of"),
        ),
        AggOp::Quantile => (
            format!("{param}-quantile of"),
            format!("Takes the {param}-quantile of"),
        ),
        AggOp::CountValues => (
            format!("count per value ({param}) of"),
            "Counts, per distinct value,".into(),
        ),
        AggOp::Limitk => (
            format!("{param} series of"),
            format!("Keeps any {param} series of"),
        ),
        AggOp::LimitRatio => (
            format!("{param} sample of"),
            format!("Keeps a {param} sample of"),
        ),
    };
    (noun, verb)
}

fn grouping(a: &Aggregate) -> String {
    let list = |l: &[String]| {
        let names = l.join(", ");
        if l.len() == 1 {
            format!("the {names} label")
        } else {
            format!("the {names} labels")
        }
    };
    match (a.without, a.grouping.is_empty()) {
        (true, true) => ", keeping every label but the name".into(),
        (true, false) => format!(", dropping {}", list(&a.grouping)),
        (false, true)
            if matches!(
                a.op,
                AggOp::Topk | AggOp::Bottomk | AggOp::Limitk | AggOp::LimitRatio
            ) =>
        {
            String::new()
        }
        (false, true) => " into one series".into(),
        (false, false) => format!(", keeping only {}", list(&a.grouping)),
    }
}

fn binop_verb(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "Adds",
        BinOp::Sub => "Subtracts",
        BinOp::Mul => "Multiplies",
        BinOp::Div => "Divides",
        BinOp::Mod => "Takes the remainder of",
        BinOp::Pow => "Raises to a power",
        BinOp::Atan2 => "Takes atan2 of",
        BinOp::And => "Keeps the left-hand series that have a match in",
        BinOp::Or => "Combines, left first,",
        BinOp::Unless => "Keeps the left-hand series without a match in",
        BinOp::TrimUpper | BinOp::TrimLower => "Trims histograms of",
        _ => "Compares",
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

fn sentence(e: &Expr) -> String {
    let s = match &e.kind {
        ExprKind::Vector(vs) => format!(
            "Selects the newest sample (at most 5m old) of each series of {}",
            selector_phrase(vs)
        ),
        ExprKind::Matrix { .. } => format!("Selects the samples of {}", phrase(e)),
        ExprKind::Subquery(sq) => format!(
            "Evaluates {} every {} over the last {}",
            phrase(&sq.expr),
            sq.step
                .as_ref()
                .map_or("1m (the default step)".to_string(), dur),
            dur(&sq.range)
        ),
        ExprKind::Call { func, .. } => {
            let d = doc(func.name);
            format!(
                "Calculates {}{}",
                phrase(e),
                if d.is_empty() {
                    String::new()
                } else {
                    format!(" ({d})")
                }
            )
        }
        ExprKind::Aggregate(a) => {
            let (_, verb) = agg_words(a);
            format!("{verb} {}{}", phrase(&a.expr), grouping(a))
        }
        ExprKind::Binary(b) => {
            let matching = match &b.matching {
                Some(m) if m.on => format!(", matching series on {}", m.labels.join(", ")),
                Some(m) if !m.labels.is_empty() => {
                    format!(", matching series ignoring {}", m.labels.join(", "))
                }
                _ if b.op.is_set() || is_literal(&b.lhs) || is_literal(&b.rhs) => String::new(),
                _ => ", matching series with the same labels".into(),
            };
            let filter = if b.op.is_comparison() && !b.return_bool {
                " and keeps the left-hand series where it holds"
            } else {
                ""
            };
            format!(
                "{} {} and {}{matching}{filter}",
                binop_verb(b.op),
                phrase(&b.lhs),
                phrase(&b.rhs)
            )
        }
        ExprKind::Unary { expr, .. } => format!("Negates {}", phrase(expr)),
        _ => capitalize(&phrase(e)),
    };
    format!("{s}.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promql::parse;

    #[test]
    fn sentences_read_like_the_issue() {
        let t = explain(&parse("sum by (path) (rate(http_requests_total[5m]))").unwrap());
        assert_eq!(
            t.sentence,
            "Sums the per-second rate over 5m of http_requests_total, keeping only the path label."
        );
        assert_eq!(t.children.len(), 1);
        assert_eq!(t.children[0].text, "rate(http_requests_total[5m])");
        let q =
            explain(&parse("histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))").unwrap());
        assert!(
            q.sentence
                .starts_with("Calculates the 99th percentile from the buckets of the sum of"),
            "{}",
            q.sentence
        );
        assert_eq!(q.children.len(), 1, "the literal 0.99 is no node");
        let b = explain(&parse("a / on(job) b > 0.5").unwrap());
        assert!(b.sentence.starts_with("Compares"), "{}", b.sentence);
        assert_eq!(
            b.children[0].sentence,
            "Divides a and b, matching series on job."
        );
    }
}
