//! Experimental duration arithmetic (`[1h/2]`, `offset (step()*2)`): evaluated
//! before the query runs, as Prometheus's `durationVisitor`.

use crate::promql::ast::{BinOp, Expr, ExprKind, UnaryOp};

use super::value::EvalError;

/// The duration in milliseconds; `step_ms` and `range_ms` are the query's.
pub(crate) fn eval_duration(e: &Expr, step_ms: i64, range_ms: i64) -> Result<i64, EvalError> {
    let secs = seconds(e, step_ms, range_ms)?;
    if !secs.is_finite() {
        return Err(EvalError::execution(format!(
            "duration is not finite: {secs}"
        )));
    }
    let ms = (secs * 1000.0).round();
    // Prometheus's durations are i64 nanoseconds; past that, time arithmetic would overflow.
    if ms.abs() > crate::time::MAX_DURATION_MS as f64 {
        return Err(EvalError::execution("duration out of range"));
    }
    Ok(ms as i64)
}

fn seconds(e: &Expr, step_ms: i64, range_ms: i64) -> Result<f64, EvalError> {
    let s = |e: &Expr| seconds(e, step_ms, range_ms);
    Ok(match &e.kind {
        ExprKind::Number(v) => *v,
        ExprKind::Duration(ms) => *ms as f64 / 1000.0,
        ExprKind::Paren(inner) => s(inner)?,
        ExprKind::Unary { op, expr } => match op {
            UnaryOp::Neg => -s(expr)?,
            UnaryOp::Pos => s(expr)?,
        },
        ExprKind::Binary(b) => {
            let (l, r) = (s(&b.lhs)?, s(&b.rhs)?);
            match b.op {
                BinOp::Add => l + r,
                BinOp::Sub => l - r,
                BinOp::Mul => l * r,
                BinOp::Div => {
                    if r == 0.0 {
                        return Err(EvalError::execution("division by zero"));
                    }
                    l / r
                }
                BinOp::Mod => {
                    if r == 0.0 {
                        return Err(EvalError::execution("modulo by zero"));
                    }
                    l % r
                }
                BinOp::Pow => l.powf(r),
                _ => {
                    return Err(EvalError::execution(
                        "unexpected operator in duration expression",
                    ));
                }
            }
        }
        ExprKind::Call { func, args } => match func.name {
            "step" => step_ms as f64 / 1000.0,
            "range" => range_ms as f64 / 1000.0,
            "min_of" => s(&args[0])?.min(s(&args[1])?),
            "max_of" => s(&args[0])?.max(s(&args[1])?),
            other => {
                return Err(EvalError::execution(format!(
                    "function {other} is not allowed in durations"
                )));
            }
        },
        _ => return Err(EvalError::execution("invalid duration expression")),
    })
}
