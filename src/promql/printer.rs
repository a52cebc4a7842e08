//! Prints a syntax tree in Prometheus's canonical form (as `Expr.String()`).

use crate::gofmt::go_float;
use crate::names::{is_legacy_label_name, is_legacy_metric_name};
use crate::tsdb::MatchType;

use super::ast::*;

/// The canonical text of `e`; parsing it gives back the same tree (spans aside).
pub fn format(e: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, e);
    out
}

fn write_expr(out: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Number(n) => out.push_str(&go_float(*n)),
        ExprKind::Duration(ms) => out.push_str(&format_duration(*ms)),
        ExprKind::String(s) => out.push_str(&quote(s)),
        ExprKind::Vector(vs) => {
            write_selector(out, vs);
            write_at(out, vs.at);
            write_extended(out, vs);
            write_offset(out, vs.offset.as_ref());
        }
        ExprKind::Matrix { selector, range } => {
            let ExprKind::Vector(vs) = &selector.kind else {
                unreachable!("a matrix always wraps a vector selector")
            };
            write_selector(out, vs);
            out.push('[');
            write_dur(out, range);
            out.push(']');
            write_extended(out, vs);
            write_at(out, vs.at);
            write_offset(out, vs.offset.as_ref());
        }
        ExprKind::Subquery(sq) => {
            write_expr(out, &sq.expr);
            out.push('[');
            write_dur(out, &sq.range);
            out.push(':');
            if let Some(s) = &sq.step {
                write_dur(out, s);
            }
            out.push(']');
            write_at(out, sq.at);
            write_offset(out, sq.offset.as_ref());
        }
        ExprKind::Call { func, args } => {
            out.push_str(func.name);
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(out, a);
            }
            out.push(')');
        }
        ExprKind::Aggregate(a) => {
            out.push_str(a.op.name());
            if a.without || !a.grouping.is_empty() {
                out.push_str(if a.without { " without " } else { " by " });
                write_labels(out, &a.grouping);
                out.push(' ');
            }
            out.push('(');
            if let Some(p) = &a.param {
                write_expr(out, p);
                out.push_str(", ");
            }
            write_expr(out, &a.expr);
            out.push(')');
        }
        ExprKind::Binary(b) => {
            write_expr(out, &b.lhs);
            out.push(' ');
            out.push_str(b.op.symbol());
            if b.return_bool {
                out.push_str(" bool");
            }
            if let Some(m) = &b.matching {
                out.push_str(if m.on { " on " } else { " ignoring " });
                write_labels(out, &m.labels);
                if let Some(g) = &m.group {
                    out.push_str(if g.left {
                        " group_left "
                    } else {
                        " group_right "
                    });
                    write_labels(out, &g.labels);
                }
            }
            write_fill(out, b);
            out.push(' ');
            write_expr(out, &b.rhs);
        }
        ExprKind::Unary { op, expr } => {
            out.push(if *op == UnaryOp::Neg { '-' } else { '+' });
            write_expr(out, expr);
        }
        ExprKind::Paren(inner) => {
            out.push('(');
            write_expr(out, inner);
            out.push(')');
        }
    }
}

fn write_dur(out: &mut String, d: &Dur) {
    match d {
        Dur::Ms(ms) => out.push_str(&format_duration(*ms)),
        Dur::Expr(e) => write_expr(out, e),
    }
}

fn write_extended(out: &mut String, vs: &VectorSelector) {
    if let Some(x) = vs.extended {
        out.push(' ');
        out.push_str(x.name());
    }
}

fn write_fill(out: &mut String, b: &Binary) {
    match (b.fill_left, b.fill_right) {
        (Some(l), Some(r)) if l.to_bits() == r.to_bits() => {
            out.push_str(&std::format!(" fill ({})", go_float(l)));
        }
        (l, r) => {
            if let Some(l) = l {
                out.push_str(&std::format!(" fill_left ({})", go_float(l)));
            }
            if let Some(r) = r {
                out.push_str(&std::format!(" fill_right ({})", go_float(r)));
            }
        }
    }
}

fn write_labels(out: &mut String, labels: &[String]) {
    out.push('(');
    for (i, l) in labels.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_label_name(out, l);
    }
    out.push(')');
}

fn write_label_name(out: &mut String, l: &str) {
    if is_legacy_label_name(l) {
        out.push_str(l);
    } else {
        out.push_str(&quote(l));
    }
}

fn write_selector(out: &mut String, vs: &VectorSelector) {
    let legacy_name = vs.name.as_deref().filter(|n| is_legacy_metric_name(n));
    let mut parts = Vec::new();
    let mut name_written = false;
    if let Some(n) = legacy_name {
        out.push_str(n);
        name_written = true;
    }
    for m in &vs.matchers {
        let is_name =
            m.name == "__name__" && m.op == MatchType::Equal && Some(&m.value) == vs.name.as_ref();
        if is_name && name_written {
            continue;
        }
        if is_name && !name_written {
            // A UTF-8 metric name goes first inside the braces, quoted.
            parts.insert(0, quote(&m.value));
            name_written = true;
            continue;
        }
        let mut s = String::new();
        write_label_name(&mut s, &m.name);
        s.push_str(m.op.operator());
        s.push_str(&quote(&m.value));
        parts.push(s);
    }
    // As Prometheus: matchers sorted as text, joined by "," (a quoted name stays first).
    let first = usize::from(name_written && legacy_name.is_none());
    crate::sort::sort(&mut parts[first..]);
    if !parts.is_empty() || legacy_name.is_none() {
        out.push('{');
        out.push_str(&parts.join(","));
        out.push('}');
    }
}

fn write_at(out: &mut String, at: Option<At>) {
    if let Some(at) = at {
        match at.value {
            AtValue::Start => out.push_str(" @ start()"),
            AtValue::End => out.push_str(" @ end()"),
            AtValue::Timestamp(t) => out.push_str(&std::format!(" @ {t:.3}")),
        }
    }
}

fn write_offset(out: &mut String, offset: Option<&Offset>) {
    if let Some(o) = offset {
        out.push_str(" offset ");
        write_dur(out, &o.value);
    }
}

pub use crate::time::format_duration;

/// A double-quoted string with Go escapes that the lexer reads back.
pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if let Some(b) = crate::tsdb::labels::raw_byte(c) {
            out.push_str(&std::format!("\\x{b:02x}"));
            continue;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let v = c as u32;
                if v < 0x80 {
                    out.push_str(&std::format!("\\x{v:02x}"));
                } else {
                    out.push_str(&std::format!("\\u{v:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
