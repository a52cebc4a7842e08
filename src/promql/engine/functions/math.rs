//! Element-wise math (`abs`, `ln`, trigonometry, `clamp`, `round`...) and the
//! small value functions (`pi`, `time`, `vector`, `scalar`, `timestamp`).

use crate::tsdb::Labels;

use super::stats::{go_max, go_min};
use super::{Arg, Ctx, EvalError, Sample};

/// `simpleFloatFunc`: `f` of every sample, the name to be dropped.
fn each(args: &[Arg<'_>], ctx: &Ctx<'_, '_>, out: &mut Vec<Sample>, f: impl Fn(f64) -> f64) {
    out.extend(args[0].vector().iter().map(|s| Sample {
        h: None,
        labels: s.labels.clone(),
        t: ctx.ts,
        v: f(s.v),
        drop_name: true,
    }));
}

fn scalar_out(ctx: &Ctx<'_, '_>, out: &mut Vec<Sample>, v: f64) {
    out.push(Sample {
        h: None,
        labels: Labels::default(),
        t: ctx.ts,
        v,
        drop_name: false,
    });
}

macro_rules! simple {
    ($($name:ident => $f:expr;)*) => {$(
        pub(super) fn $name(
            args: &[Arg<'_>],
            ctx: &mut Ctx<'_, '_>,
            out: &mut Vec<Sample>,
        ) -> Result<(), EvalError> {
            each(args, ctx, out, $f);
            Ok(())
        }
    )*};
}

simple! {
    abs => f64::abs;
    ceil => f64::ceil;
    floor => f64::floor;
    exp => f64::exp;
    sqrt => f64::sqrt;
    ln => f64::ln;
    log2 => f64::log2;
    log10 => f64::log10;
    sin => f64::sin;
    cos => f64::cos;
    tan => f64::tan;
    asin => f64::asin;
    acos => f64::acos;
    atan => f64::atan;
    sinh => f64::sinh;
    cosh => f64::cosh;
    tanh => f64::tanh;
    asinh => go_asinh;
    acosh => go_acosh;
    atanh => go_atanh;
    rad => |v| v * std::f64::consts::PI / 180.0;
    deg => |v| v * 180.0 / std::f64::consts::PI;
    sgn => |v| if v < 0.0 { -1.0 } else if v > 0.0 { 1.0 } else { v };
}

// Go's inverse hyperbolic functions, whose special cases differ from libm's
// in places (e.g. `acosh` of values below 1, `atanh(±1)`).
fn go_asinh(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    const NEAR_ZERO: f64 = 1.0 / (1u64 << 28) as f64;
    const LARGE: f64 = (1u64 << 28) as f64;
    if x.is_nan() || x.is_infinite() {
        return x;
    }
    let (sign, x) = if x < 0.0 { (true, -x) } else { (false, x) };
    let temp = if x > LARGE {
        x.ln() + LN2
    } else if x > 2.0 {
        (2.0 * x + 1.0 / ((x * x + 1.0).sqrt() + x)).ln()
    } else if x < NEAR_ZERO {
        x
    } else {
        (x + x * x / (1.0 + (1.0 + x * x).sqrt())).ln_1p()
    };
    if sign { -temp } else { temp }
}

fn go_acosh(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    const LARGE: f64 = (1u64 << 28) as f64;
    if x < 1.0 || x.is_nan() {
        return f64::NAN;
    }
    if x == 1.0 {
        return 0.0;
    }
    if x >= LARGE {
        return x.ln() + LN2;
    }
    if x > 2.0 {
        return (2.0 * x - 1.0 / (x + (x * x - 1.0).sqrt())).ln();
    }
    let t = x - 1.0;
    (t + (2.0 * t + t * t).sqrt()).ln_1p()
}

fn go_atanh(x: f64) -> f64 {
    const NEAR_ZERO: f64 = 1.0 / (1u64 << 28) as f64;
    if !(-1.0..=1.0).contains(&x) {
        return f64::NAN;
    }
    if x == 1.0 {
        return f64::INFINITY;
    }
    if x == -1.0 {
        return f64::NEG_INFINITY;
    }
    let (sign, x) = if x < 0.0 { (true, -x) } else { (false, x) };
    let temp = if x < NEAR_ZERO {
        x
    } else if x < 0.5 {
        let t = x + x;
        0.5 * (t + t * x / (1.0 - x)).ln_1p()
    } else {
        0.5 * ((x + x) / (1.0 - x)).ln_1p()
    };
    if sign { -temp } else { temp }
}

fn clamp_to(args: &[Arg<'_>], ctx: &Ctx<'_, '_>, out: &mut Vec<Sample>, lo: f64, hi: f64) {
    if hi < lo {
        return;
    }
    each(args, ctx, out, |v| go_max(lo, go_min(hi, v)));
}

pub(super) fn clamp(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    clamp_to(args, ctx, out, args[1].scalar(), args[2].scalar());
    Ok(())
}

pub(super) fn clamp_max(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    clamp_to(args, ctx, out, f64::NEG_INFINITY, args[1].scalar());
    Ok(())
}

pub(super) fn clamp_min(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    clamp_to(args, ctx, out, args[1].scalar(), f64::INFINITY);
    Ok(())
}

/// `round(v, to_nearest=1)`: ties round up; the inverse is used as Prometheus does.
pub(super) fn round(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    let to_nearest = args.get(1).map_or(1.0, |a| a.scalar());
    let inverse = 1.0 / to_nearest;
    each(args, ctx, out, |v| (v * inverse + 0.5).floor() / inverse);
    Ok(())
}

pub(super) fn pi(
    _: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    scalar_out(ctx, out, std::f64::consts::PI);
    Ok(())
}

pub(super) fn time(
    _: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    scalar_out(ctx, out, ctx.ts as f64 / 1000.0);
    Ok(())
}

pub(super) fn vector(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    scalar_out(ctx, out, args[0].scalar());
    Ok(())
}

/// `scalar(v)`: the single element's value, NaN for none or several.
pub(super) fn scalar(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    let v = match args[0].vector() {
        [s] => s.v,
        _ => f64::NAN,
    };
    scalar_out(ctx, out, v);
    Ok(())
}

/// `timestamp(v)`: each sample's time (the engine passes a selector's own sample
/// times in `Sample::t`), in seconds.
pub(super) fn timestamp(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    out.extend(args[0].vector().iter().map(|s| Sample {
        h: None,
        labels: s.labels.clone(),
        t: ctx.ts,
        v: s.t as f64 / 1000.0,
        drop_name: true,
    }));
    Ok(())
}

/// `min_of(a, b)` (experimental): Go's `math.Min` of two scalars.
pub(super) fn min_of(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    scalar_out(
        ctx,
        out,
        super::stats::go_min(args[0].scalar(), args[1].scalar()),
    );
    Ok(())
}

/// `max_of(a, b)` (experimental): Go's `math.Max` of two scalars.
pub(super) fn max_of(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    scalar_out(
        ctx,
        out,
        super::stats::go_max(args[0].scalar(), args[1].scalar()),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::InstantFn;
    use super::super::tests::{ctx_at, vec_of};
    use super::*;

    fn run(f: InstantFn, args: &[Arg<'_>]) -> Vec<f64> {
        let mut out = Vec::new();
        ctx_at(5000, |ctx| f(args, ctx, &mut out)).unwrap();
        out.iter().map(|s| s.v).collect()
    }

    #[test]
    fn element_wise() {
        let v = vec_of(&[-1.5, 0.0, 2.0, f64::NAN]);
        let a = [Arg::Vector(&v)];
        assert_eq!(run(abs, &a)[..3], [1.5, 0.0, 2.0]);
        assert_eq!(run(ceil, &a)[..3], [-1.0, 0.0, 2.0]);
        assert_eq!(run(floor, &a)[..3], [-2.0, 0.0, 2.0]);
        assert_eq!(run(sgn, &a)[..3], [-1.0, 0.0, 1.0]);
        assert!(run(sgn, &a)[3].is_nan());
        assert_eq!(
            run(deg, &[Arg::Vector(&vec_of(&[std::f64::consts::PI]))]),
            [180.0]
        );
        assert_eq!(
            run(rad, &[Arg::Vector(&vec_of(&[180.0]))]),
            [std::f64::consts::PI]
        );
        assert!(run(acosh, &[Arg::Vector(&vec_of(&[0.5]))])[0].is_nan());
        assert_eq!(run(atanh, &[Arg::Vector(&vec_of(&[1.0]))]), [f64::INFINITY]);
        assert_eq!(run(asinh, &[Arg::Vector(&vec_of(&[0.0]))]), [0.0]);
        let mut out = Vec::new();
        ctx_at(0, |ctx| abs(&a, ctx, &mut out)).unwrap();
        assert!(out.iter().all(|s| s.drop_name));
    }

    #[test]
    fn clamps_and_round() {
        let v = vec_of(&[-50.0, 0.0, 100.0, f64::NAN]);
        let a = [Arg::Vector(&v), Arg::Scalar(-25.0), Arg::Scalar(75.0)];
        let r = run(clamp, &a);
        assert_eq!(r[..3], [-25.0, 0.0, 75.0]);
        assert!(r[3].is_nan());
        assert!(
            run(
                clamp,
                &[Arg::Vector(&v), Arg::Scalar(5.0), Arg::Scalar(-5.0)]
            )
            .is_empty()
        );
        assert_eq!(
            run(clamp_max, &[Arg::Vector(&v), Arg::Scalar(42.0)])[..3],
            [-50.0, 0.0, 42.0]
        );
        assert_eq!(
            run(clamp_min, &[Arg::Vector(&v), Arg::Scalar(-10.0)])[..3],
            [-10.0, 0.0, 100.0]
        );
        let v = vec_of(&[1.5, 2.5, -1.5, 0.2 + 0.1]);
        assert_eq!(run(round, &[Arg::Vector(&v)]), [2.0, 3.0, -1.0, 0.0]);
        assert_eq!(
            run(round, &[Arg::Vector(&vec_of(&[12.34])), Arg::Scalar(0.1)]),
            [12.3]
        );
        assert_eq!(
            run(round, &[Arg::Vector(&vec_of(&[27.0])), Arg::Scalar(5.0)]),
            [25.0]
        );
    }

    #[test]
    fn values() {
        assert_eq!(run(pi, &[]), [std::f64::consts::PI]);
        assert_eq!(run(time, &[]), [5.0]);
        assert_eq!(run(vector, &[Arg::Scalar(3.0)]), [3.0]);
        assert_eq!(run(scalar, &[Arg::Vector(&vec_of(&[3.0]))]), [3.0]);
        assert!(run(scalar, &[Arg::Vector(&vec_of(&[3.0, 4.0]))])[0].is_nan());
        assert!(run(scalar, &[Arg::Vector(&[])])[0].is_nan());
        let mut v = vec_of(&[1.0]);
        v[0].t = 10_000;
        assert_eq!(run(timestamp, &[Arg::Vector(&v)]), [10.0]);
    }
}
