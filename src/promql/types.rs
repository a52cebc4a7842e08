//! PromQL value types, as Prometheus's `parser.ValueType`.

use std::fmt;

use super::ast::{Expr, ExprKind, Span};
use super::functions::Function;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    Scalar,
    InstantVector,
    RangeVector,
    String,
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueType::Scalar => "scalar",
            ValueType::InstantVector => "instant vector",
            ValueType::RangeVector => "range vector",
            ValueType::String => "string",
        })
    }
}

/// The value type an expression evaluates to.
pub fn value_type(e: &Expr) -> ValueType {
    match &e.kind {
        ExprKind::Number(_) | ExprKind::Duration(_) => ValueType::Scalar,
        ExprKind::String(_) => ValueType::String,
        ExprKind::Vector(_) => ValueType::InstantVector,
        ExprKind::Matrix { .. } | ExprKind::Subquery(_) => ValueType::RangeVector,
        ExprKind::Call { func, .. } => func.return_type,
        ExprKind::Aggregate(_) => ValueType::InstantVector,
        ExprKind::Binary(b) => {
            if value_type(&b.lhs) == ValueType::Scalar && value_type(&b.rhs) == ValueType::Scalar {
                ValueType::Scalar
            } else {
                ValueType::InstantVector
            }
        }
        ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => value_type(expr),
    }
}

/// The functions allowed in duration arithmetic.
const DURATION_FUNCTIONS: [&str; 4] = ["step", "range", "min_of", "max_of"];

/// Duration arithmetic allows numbers, durations, `+ - * / % ^`, parentheses,
/// unary signs, `step()`, `range()`, `min_of()` and `max_of()`.
pub fn check_duration_expr(e: &Expr) -> Result<(), (Span, String)> {
    match &e.kind {
        ExprKind::Number(_) | ExprKind::Duration(_) => Ok(()),
        ExprKind::Paren(inner) | ExprKind::Unary { expr: inner, .. } => check_duration_expr(inner),
        ExprKind::Binary(b)
            if !b.op.is_comparison() && !b.op.is_set() && b.matching.is_none() =>
        {
            check_duration_expr(&b.lhs)?;
            check_duration_expr(&b.rhs)
        }
        ExprKind::Call { func, args } if DURATION_FUNCTIONS.contains(&func.name) => {
            args.iter().try_for_each(check_duration_expr)
        }
        _ => Err((
            e.span,
            "invalid duration expression: only numbers, durations, arithmetic, step(), range(), min_of() and max_of() are allowed".to_string(),
        )),
    }
}

/// Arity and argument types of a call, as Prometheus's `checkAST`.
/// Errors carry the span to blame: `None` for the whole call.
pub fn check_call(func: &Function, args: &[Expr]) -> Result<(), (Option<Span>, String)> {
    check_arity(func, args).map_err(|m| (None, m))?;
    if func.name == "info"
        && let Some(labels) = args.get(1)
    {
        let got = value_type(labels);
        if got != ValueType::InstantVector {
            return Err((
                None,
                format!("expected type instant vector in call to function \"info\", got {got}"),
            ));
        }
        match &labels.kind {
            ExprKind::Vector(vs) if vs.name.is_some() => {
                return Err((
                    Some(labels.span),
                    "expected label selectors only, got vector selector instead".to_string(),
                ));
            }
            ExprKind::Vector(_) => {}
            _ => {
                return Err((
                    Some(labels.span),
                    "expected label selectors only".to_string(),
                ));
            }
        }
    }
    for a in args {
        if let ExprKind::Matrix { selector, .. } = &a.kind
            && let ExprKind::Vector(vs) = &selector.kind
            && let Some(ext) = vs.extended
            && !ext.allowed_functions().contains(&func.name)
        {
            return Err((
                None,
                format!(
                    "{} modifier can only be used with: {} - not with {}",
                    ext.name(),
                    ext.allowed_functions().join(", "),
                    func.name
                ),
            ));
        }
    }
    let declared = func.arg_types.len();
    for (i, a) in args.iter().enumerate() {
        let want = func.arg_types[i.min(declared.saturating_sub(1))];
        let got = value_type(a);
        if got != want {
            return Err((
                Some(a.span),
                format!(
                    "expected type {want} in call to function {:?}, got {got}",
                    func.name
                ),
            ));
        }
    }
    Ok(())
}

fn check_arity(func: &Function, args: &[Expr]) -> Result<(), String> {
    let n = args.len();
    let declared = func.arg_types.len();
    if func.variadic == 0 {
        if n != declared {
            return Err(format!(
                "expected {declared} argument(s) in call to {:?}, got {n}",
                func.name
            ));
        }
    } else {
        let min = declared - 1;
        if n < min {
            return Err(format!(
                "expected at least {min} argument(s) in call to {:?}, got {n}",
                func.name
            ));
        }
        if func.variadic > 0 {
            let max = min + func.variadic as usize;
            if n > max {
                return Err(format!(
                    "expected at most {max} argument(s) in call to {:?}, got {n}",
                    func.name
                ));
            }
        }
    }
    Ok(())
}
