//! Instant queries at many evaluation times from one evaluation over all of them:
//! what a rule evaluated every interval over a stretch of history (a replay)
//! asks for. The engine already evaluates every step of a query at once; one pass
//! reads each series' chunks once, selects and groups once, where an instant
//! query per time would do all of it again for every time.
//!
//! Each step's value is the instant query's at that time, as a set: the order of
//! a vector's elements may differ (an aggregation orders its groups by first
//! appearance over all steps). Expressions whose meaning depends on the query's
//! range, not its time (`@ start()`, `@ end()`, `step()` or `range()` in a
//! duration), must not come here; rules check that (`rules::query::batchable`).

use rustc_hash::FxHashSet;

use crate::promql::Expr;
use crate::promql::types::{ValueType, value_type};
use crate::tsdb::{Head, Labels};

use super::eval::{Evaluator, Val};
use super::value::{EvalError, Point, Sample, Value};
use super::{Options, SCHEMA_LABELS, histogram_stats};

/// `expr` at `start_ms`, `start_ms + step_ms`, … up to `end_ms`, each step as
/// [`instant_query`](super::instant_query) gives it: a vector or a scalar, or the
/// error that step alone would give (a vector whose elements end up with the same
/// labels). An error of the whole evaluation (a limit, a type the steps cannot
/// hold) is returned as is; the caller can then ask each time on its own.
pub fn instant_values(
    head: &Head,
    src: &str,
    expr: &Expr,
    (start_ms, end_ms, step_ms): (i64, i64, i64),
    opts: &Options,
) -> Result<Vec<Result<Value, EvalError>>, EvalError> {
    if step_ms <= 0 || end_ms < start_ms {
        return Err(EvalError::execution("no evaluation times"));
    }
    let mut ev = Evaluator::new(head, src, (start_ms, end_ms, step_ms), false, opts);
    ev.query_step = 0;
    ev.stats_selectors = histogram_stats::stats_selectors(expr);
    let matrix = match ev.eval(expr)? {
        Val::Matrix(m) => m,
        Val::String(_) => return Err(EvalError::execution("a string has no steps")),
    };
    let times = (start_ms..=end_ms).step_by(step_ms as usize);
    match value_type(expr) {
        ValueType::Scalar => {
            let points: &[Point] = matrix.first().map_or(&[], |s| &s.points);
            let mut at = 0;
            Ok(times
                .map(|t| {
                    while at < points.len() && points[at].t < t {
                        at += 1;
                    }
                    let v = points
                        .get(at)
                        .filter(|p| p.t == t)
                        .map_or(f64::NAN, |p| p.v);
                    Ok(Value::Scalar(Point { t, v }))
                })
                .collect())
        }
        ValueType::InstantVector => Ok(vectors(matrix, times)),
        _ => Err(EvalError::execution("not an instant vector or scalar")),
    }
}

/// Each time's vector from the series of a matrix evaluated on those times.
fn vectors(
    matrix: Vec<super::Series>,
    times: impl Iterator<Item = i64>,
) -> Vec<Result<Value, EvalError>> {
    // The labels each series' samples carry: names dropped once per series.
    let labels: Vec<Labels> = matrix
        .iter()
        .map(|s| {
            if s.drop_name {
                s.labels.without(&SCHEMA_LABELS)
            } else {
                s.labels.clone()
            }
        })
        .collect();
    let any_dropped = matrix.iter().any(|s| s.drop_name);
    // Where each series' next float and histogram point is.
    let mut cursors = vec![(0usize, 0usize); matrix.len()];
    let mut out = Vec::new();
    for t in times {
        let mut vector = Vec::new();
        for ((series, labels), (float_at, hist_at)) in
            matrix.iter().zip(&labels).zip(cursors.iter_mut())
        {
            while *float_at < series.points.len() && series.points[*float_at].t < t {
                *float_at += 1;
            }
            while *hist_at < series.histograms.len() && series.histograms[*hist_at].t < t {
                *hist_at += 1;
            }
            let (v, h) = match (
                series.points.get(*float_at),
                series.histograms.get(*hist_at),
            ) {
                (Some(p), _) if p.t == t => (p.v, None),
                (_, Some(p)) if p.t == t => (0.0, Some(p.h.clone())),
                _ => continue,
            };
            vector.push(Sample {
                labels: labels.clone(),
                t,
                v,
                h,
                drop_name: false,
            });
        }
        // As the instant query: names dropped at the end may leave two elements
        // with the same labels.
        let mut seen = FxHashSet::default();
        out.push(
            if any_dropped && !vector.iter().all(|s| seen.insert(&s.labels)) {
                Err(EvalError::execution(
                    "vector cannot contain metrics with the same labelset",
                ))
            } else {
                Ok(Value::Vector(vector))
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promql::engine::instant_query;
    use crate::promql::parse;

    /// A store with counters, a gauge that stops and comes back, classic
    /// histogram buckets and series that only some steps see.
    fn head() -> Head {
        let mut head = Head::default();
        for t in (0..=1_800_000).step_by(15_000) {
            let i = t / 15_000;
            for (job, rate) in [("api", 3.0), ("web", 5.0)] {
                for code in ["200", "500"] {
                    let labels = Labels::new(&[
                        ("__name__", "requests_total"),
                        ("job", job),
                        ("code", code),
                    ]);
                    let v = if code == "500" && i > 60 {
                        (i - 60) as f64
                    } else {
                        0.0
                    };
                    head.add(&labels, t, rate * i as f64 + v * 0.5 + (i % 7) as f64)
                        .unwrap();
                }
                for (le, share) in [("0.1", 0.5), ("0.5", 0.9), ("+Inf", 1.0)] {
                    let labels = Labels::new(&[
                        ("__name__", "latency_seconds_bucket"),
                        ("job", job),
                        ("le", le),
                    ]);
                    head.add(&labels, t, (share * rate * i as f64).floor())
                        .unwrap();
                }
            }
            // A gauge that is gone between 10 and 15 minutes (a stale marker).
            let temp = Labels::new(&[("__name__", "temperature"), ("room", "a")]);
            if !(600_000..900_000).contains(&t) {
                head.add(&temp, t, 20.0 + (i % 5) as f64 * 0.1).unwrap();
            } else if t == 600_000 {
                head.add(&temp, t, f64::from_bits(crate::tsdb::STALE_NAN))
                    .unwrap();
            }
            // A series that starts late.
            if t >= 1_200_000 {
                let late = Labels::new(&[("__name__", "late"), ("job", "api")]);
                head.add(&late, t, i as f64).unwrap();
            }
        }
        head
    }

    fn same_set(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Vector(a), Value::Vector(b)) => {
                let key = |s: &Sample| (s.labels.clone(), s.t, s.v.to_bits(), s.h.clone());
                let mut a: Vec<_> = a.iter().map(key).collect();
                let mut b: Vec<_> = b.iter().map(key).collect();
                a.sort_by(|x, y| x.0.cmp(&y.0));
                b.sort_by(|x, y| x.0.cmp(&y.0));
                a == b
            }
            (Value::Scalar(a), Value::Scalar(b)) => a.t == b.t && a.v.to_bits() == b.v.to_bits(),
            _ => false,
        }
    }

    /// Every step equals the instant query at its time, bit for bit, errors too.
    #[test]
    fn every_step_is_the_instant_query_at_its_time() {
        let head = head();
        let queries = [
            "sum by (job) (rate(requests_total[1m]))",
            "histogram_quantile(0.99, sum by (le, job) (rate(latency_seconds_bucket[1m]))) > 0.1",
            "sum by (job) (rate(requests_total{code=~\"5..\"}[1m])) / sum by (job) (rate(requests_total[1m])) > 0.05",
            "requests_total",
            "temperature",
            "avg_over_time(temperature[2m])",
            "late + on (job) group_left sum by (job) (requests_total)",
            "absent(late)",
            "absent_over_time(temperature[1m])",
            "topk(2, requests_total)",
            "count(requests_total > 100)",
            "scalar(sum(late))",
            "time() - 60",
            "vector(1) and on () late",
            "max_over_time(rate(requests_total[1m])[5m:30s])",
            "increase(requests_total[90s] offset 1m)",
            "label_replace(requests_total, \"x\", \"$1\", \"code\", \"(.)..\")",
            "rate(requests_total[1m])",
            "sort_desc(requests_total)",
            "-requests_total",
            "changes(temperature[5m])",
            "timestamp(temperature)",
        ];
        for q in queries {
            let expr = parse(q).unwrap();
            let (start, end, step) = (300_000, 1_500_000, 15_000);
            let values = instant_values(&head, q, &expr, (start, end, step), &Options::default())
                .unwrap_or_else(|e| panic!("{q}: {e:?}"));
            assert_eq!(values.len(), 81, "{q}");
            for (t, value) in (start..=end).step_by(step as usize).zip(values) {
                let instant = instant_query(&head, q, &expr, t, &Options::default());
                match (value, instant) {
                    (Ok(a), Ok(b)) => {
                        assert!(same_set(&a, &b.value), "{q} at {t}:\n{a:?}\n{:?}", b.value)
                    }
                    (Err(a), Err(b)) => assert_eq!(a.message, b.message, "{q} at {t}"),
                    (a, b) => panic!("{q} at {t}: {a:?} but the instant query: {b:?}"),
                }
            }
        }
    }

    /// Names dropped at the end collide at the steps where both series are.
    #[test]
    fn a_step_with_two_elements_of_the_same_labels_is_that_steps_error() {
        let mut head = Head::default();
        for (name, until) in [("a", 60_000), ("b", 120_000)] {
            for t in (0..=until).step_by(15_000) {
                head.add(&Labels::new(&[("__name__", name)]), t, 1.0)
                    .unwrap();
            }
        }
        let q = "{__name__=~\"a|b\"} * 2";
        let expr = parse(q).unwrap();
        let opts = Options {
            lookback_ms: 15_000,
            ..Options::default()
        };
        let values = instant_values(&head, q, &expr, (60_000, 120_000, 30_000), &opts).unwrap();
        assert!(values[0].is_err(), "{:?}", values[0]);
        // From 90 s, `a`'s last sample is out of the lookback.
        for value in &values[1..] {
            let Ok(Value::Vector(v)) = value else {
                panic!("{value:?}")
            };
            assert_eq!(v.len(), 1);
        }
    }
}
