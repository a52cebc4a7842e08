//! Date functions (`year()`, `hour()`...), in UTC, with the calendar computed here
//! (proleptic Gregorian, as Go's `time`).

use crate::tsdb::Labels;

use super::{Arg, Ctx, EvalError, Sample};

pub(crate) use crate::time::{Civil, civil, days_in_month};

/// Go's `int64(f)` on amd64: truncation, and the "integer indefinite" value for
/// NaN and out-of-range inputs.
fn go_int64(f: f64) -> i64 {
    // 2^63: the first float outside i64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

fn date_wrapper(
    args: &[Arg<'_>],
    ctx: &Ctx<'_, '_>,
    out: &mut Vec<Sample>,
    f: fn(&Civil) -> f64,
) -> Result<(), EvalError> {
    let Some(arg) = args.first() else {
        // Go integer division truncates toward zero.
        out.push(Sample {
            h: None,
            labels: Labels::default(),
            t: ctx.ts,
            v: f(&civil(ctx.ts / 1000)),
            drop_name: false,
        });
        return Ok(());
    };
    out.extend(arg.vector().iter().map(|s| Sample {
        h: None,
        labels: s.labels.clone(),
        t: ctx.ts,
        v: f(&civil(go_int64(s.v))),
        drop_name: true,
    }));
    Ok(())
}

macro_rules! date_fn {
    ($name:ident, $body:expr) => {
        pub(super) fn $name(
            args: &[Arg<'_>],
            ctx: &mut Ctx<'_, '_>,
            out: &mut Vec<Sample>,
        ) -> Result<(), EvalError> {
            date_wrapper(args, ctx, out, $body)
        }
    };
}

date_fn!(day_of_month, |c| c.day as f64);
date_fn!(day_of_week, |c| c.weekday as f64);
date_fn!(day_of_year, |c| c.yday as f64);
date_fn!(days_in_month_fn, |c| days_in_month(c.year, c.month) as f64);
date_fn!(hour, |c| c.hour as f64);
date_fn!(minute, |c| c.minute as f64);
date_fn!(month, |c| c.month as f64);
date_fn!(year, |c| c.year as f64);

#[cfg(test)]
mod tests {
    use super::super::tests::{ctx_at, vec_of};
    use super::*;

    fn run(f: super::super::InstantFn, t: f64) -> f64 {
        let v = vec_of(&[t]);
        let mut out = Vec::new();
        ctx_at(0, |ctx| f(&[Arg::Vector(&v)], ctx, &mut out)).unwrap();
        assert!(out[0].drop_name);
        out[0].v
    }

    #[test]
    fn calendar() {
        // 2006-01-02 22:04:05 UTC, a Monday (functions.test).
        let t = 1136239445.0;
        assert_eq!(run(year, t), 2006.0);
        assert_eq!(run(month, t), 1.0);
        assert_eq!(run(day_of_month, t), 2.0);
        assert_eq!(run(day_of_year, t), 2.0);
        assert_eq!(run(day_of_week, t), 1.0);
        assert_eq!(run(hour, t), 22.0);
        assert_eq!(run(minute, t), 4.0);
        assert_eq!(run(year, 1230767999.0), 2008.0);
        assert_eq!(run(year, 1230768000.0), 2009.0);
        // 2016-02-29 23:59:59 and 2016-03-01 00:00:00.
        assert_eq!(
            run(month, 1456790399.0) + run(day_of_month, 1456790399.0) / 100.0,
            2.29
        );
        assert_eq!(
            run(month, 1456790400.0) + run(day_of_month, 1456790400.0) / 100.0,
            3.01
        );
        assert_eq!(run(day_of_year, 1483191420.0), 366.0);
        assert_eq!(run(day_of_year, 1672493820.0), 365.0);
        assert_eq!(run(days_in_month_fn, 1454284800.0), 29.0);
        assert_eq!(run(days_in_month_fn, 1485907200.0), 28.0);
        assert_eq!(run(year, -1.0), 1969.0);
    }

    #[test]
    fn no_argument_uses_the_step_time() {
        let mut out = Vec::new();
        ctx_at(1_136_239_445_999, |ctx| year(&[], ctx, &mut out)).unwrap();
        assert_eq!(out[0].v, 2006.0);
        assert!(out[0].labels.is_empty() && !out[0].drop_name);
    }
}
