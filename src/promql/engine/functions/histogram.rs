//! `histogram_quantile` and `histogram_fraction` over classic histograms (series
//! with an `le` label), as Prometheus's `BucketQuantile`/`BucketFraction`.

use crate::histogram::FloatHistogram;
use crate::tsdb::labels::write_quoted;
use crate::tsdb::{Labels, METRIC_NAME};

use super::format::rfc3339;
use super::native_stats::{self, NaNObservations};
use super::stats::{almost_equal, sort_by_less};
use super::{Arg, Ctx, EvalError, Sample};
use crate::gofmt::{go_g, go_g_prec};
use crate::promql::engine::grouping::{GroupIndex, Keep};

const SMALL_DELTA_TOLERANCE: f64 = 1e-12;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Bucket {
    upper: f64,
    count: f64,
}

/// What `ensureMonotonicAndIgnoreSmallDeltas` had to do.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Fix {
    forced: bool,
    min_bucket: f64,
    max_bucket: f64,
    max_diff: f64,
}

fn sort_and_coalesce(buckets: &mut Vec<Bucket>) {
    sort_by_less(buckets, |a, b| a.upper < b.upper);
    let mut out: Vec<Bucket> = Vec::with_capacity(buckets.len());
    for b in buckets.iter() {
        match out.last_mut() {
            Some(last) if last.upper == b.upper => last.count += b.count,
            _ => out.push(*b),
        }
    }
    *buckets = out;
}

fn ensure_monotonic(buckets: &mut [Bucket]) -> Fix {
    let mut fix = Fix {
        forced: false,
        min_bucket: f64::INFINITY,
        max_bucket: f64::NEG_INFINITY,
        max_diff: 0.0,
    };
    let mut prev = buckets[0].count;
    for b in buckets.iter_mut().skip(1) {
        let curr = b.count;
        if curr == prev {
            continue;
        }
        if almost_equal(prev, curr, SMALL_DELTA_TOLERANCE) {
            b.count = prev;
            continue;
        }
        if curr < prev {
            b.count = prev;
            fix.forced = true;
            if b.upper < fix.min_bucket {
                fix.min_bucket = b.upper;
            }
            if b.upper > fix.max_bucket {
                fix.max_bucket = b.upper;
            }
            if prev - curr > fix.max_diff {
                fix.max_diff = prev - curr;
            }
            continue;
        }
        prev = curr;
    }
    fix
}

/// `BucketQuantile`.
fn bucket_quantile(q: f64, mut buckets: Vec<Bucket>) -> (f64, Fix) {
    if q.is_nan() {
        return (f64::NAN, Fix::default());
    }
    if q < 0.0 {
        return (f64::NEG_INFINITY, Fix::default());
    }
    if q > 1.0 {
        return (f64::INFINITY, Fix::default());
    }
    sort_by_less(&mut buckets, |a, b| a.upper < b.upper);
    if buckets[buckets.len() - 1].upper != f64::INFINITY {
        return (f64::NAN, Fix::default());
    }
    sort_and_coalesce(&mut buckets);
    let fix = ensure_monotonic(&mut buckets);
    let n = buckets.len();
    if n < 2 {
        return (f64::NAN, fix);
    }
    let observations = buckets[n - 1].count;
    if observations == 0.0 {
        return (f64::NAN, fix);
    }
    let mut rank = q * observations;
    let b = buckets[..n - 1].partition_point(|b| b.count < rank);
    if b == n - 1 {
        return (buckets[n - 2].upper, fix);
    }
    if b == 0 && buckets[0].upper <= 0.0 {
        return (buckets[0].upper, fix);
    }
    let mut start = 0.0;
    let end = buckets[b].upper;
    let mut count = buckets[b].count;
    if b > 0 {
        start = buckets[b - 1].upper;
        count -= buckets[b - 1].count;
        rank -= buckets[b - 1].count;
    }
    (start + (end - start) * (rank / count), fix)
}

/// `BucketFraction`: the estimated fraction of observations in `(lower, upper]`.
fn bucket_fraction(lower: f64, upper: f64, mut buckets: Vec<Bucket>) -> f64 {
    sort_by_less(&mut buckets, |a, b| a.upper < b.upper);
    if buckets[buckets.len() - 1].upper != f64::INFINITY {
        return f64::NAN;
    }
    sort_and_coalesce(&mut buckets);
    let count = buckets[buckets.len() - 1].count;
    if count == 0.0 || lower.is_nan() || upper.is_nan() {
        return f64::NAN;
    }
    if lower >= upper {
        return 0.0;
    }
    let (mut rank, mut lower_rank, mut upper_rank) = (0.0, 0.0, 0.0);
    let (mut lower_set, mut upper_set) = (false, false);
    let mut lower_bound = if buckets[0].upper <= 0.0 {
        f64::NEG_INFINITY
    } else {
        0.0
    };
    for (i, b) in buckets.iter().enumerate() {
        if i > 0 {
            lower_bound = buckets[i - 1].upper;
        }
        let upper_bound = b.upper;
        let interpolate = |v: f64| {
            if lower_bound == f64::NEG_INFINITY {
                return b.count;
            }
            rank + (b.count - rank) * (v - lower_bound) / (upper_bound - lower_bound)
        };
        if !lower_set && lower_bound >= lower {
            lower_rank = rank;
            lower_set = true;
        }
        if !upper_set && lower_bound >= upper {
            upper_rank = rank;
            upper_set = true;
        }
        if lower_set && upper_set {
            break;
        }
        if !lower_set && lower_bound < lower && upper_bound > lower {
            lower_rank = interpolate(lower);
            lower_set = true;
        }
        if !upper_set && lower_bound < upper && upper_bound > upper {
            upper_rank = interpolate(upper);
            upper_set = true;
        }
        if lower_set && upper_set {
            break;
        }
        rank = b.count;
    }
    if !lower_set || lower_rank > count {
        lower_rank = count;
    }
    if !upper_set || upper_rank > count {
        upper_rank = count;
    }
    (upper_rank - lower_rank) / count
}

/// Go's `strconv.ParseFloat(s, 64)` succeeding (decimal forms, `Inf`/`NaN`
/// spellings; hexadecimal floats are not accepted here).
fn parse_go_float(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Some(if s.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if lower == "nan" {
        // Go accepts NaN only without a sign.
        return (body.len() == s.len()).then_some(f64::NAN);
    }
    if !body
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'))
    {
        return None;
    }
    // Underscores are only allowed with a base prefix, so never here.
    if body.contains('_') {
        return None;
    }
    let v: f64 = s.parse().ok()?;
    // Out of range is an error in Go (ErrRange).
    v.is_finite().then_some(v)
}

fn quoted(s: &str) -> String {
    let mut q = String::new();
    let _ = write_quoted(&mut q, s);
    q
}

fn for_metric(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!(" for metric name {}", quoted(name))
    }
}

/// The histograms of `v` (upstream's `resetHistograms`): its native histograms,
/// and its classic histograms grouped by their labels without `le`, in order of
/// first appearance. Samples with a missing or malformed `le` get a warning at
/// the vector argument `arg`; a native histogram with the labels of a classic
/// one at the same step is a conflict, and neither is evaluated.
fn groups<'v>(
    v: &'v [Sample],
    ctx: &mut Ctx<'_, '_>,
    arg: usize,
) -> (Vec<&'v Sample>, Vec<(Labels, Vec<Bucket>)>) {
    let span = ctx.args.get(arg).map_or(ctx.call_span, |e| e.span);
    let mut index = GroupIndex::default();
    let mut buckets: Vec<Vec<Bucket>> = Vec::new();
    let mut natives = Vec::new();
    for s in v {
        if s.h.is_some() {
            natives.push(s);
            continue;
        }
        let le = s.labels.get("le").unwrap_or("");
        let Some(upper) = parse_go_float(le) else {
            let name = s.labels.metric_name().unwrap_or("");
            ctx.notes.warn(
                format_args!(
                    "bucket label \"le\" is missing or has a malformed value of {}{}",
                    quoted(le),
                    for_metric(name)
                ),
                span,
            );
            continue;
        };
        let (i, new) = index.group_of(&s.labels, Keep::AllBut("le"));
        if new {
            buckets.push(Vec::new());
        }
        buckets[i].push(Bucket { upper, count: s.v });
    }
    natives.retain(|s| {
        let Some(i) = index.find(&s.labels) else {
            return true;
        };
        if buckets[i].is_empty() {
            return true;
        }
        let name = s.labels.metric_name().unwrap_or("");
        ctx.notes.warn(
            format_args!(
                "vector contains a mix of classic and native histograms{}",
                for_metric(name)
            ),
            span,
        );
        buckets[i].clear();
        false
    });
    let mut out: Vec<(Labels, Vec<Bucket>)> =
        index.into_labels().into_iter().zip(buckets).collect();
    out.retain(|(_, buckets)| !buckets.is_empty());
    (natives, out)
}

/// The infos a native histogram's statistic raised, at the vector argument `arg`.
fn nan_notes(ctx: &mut Ctx<'_, '_>, arg: usize, s: &Sample, found: NaNObservations) {
    let span = ctx.args.get(arg).map_or(ctx.call_span, |e| e.span);
    let name = for_metric(s.labels.metric_name().unwrap_or(""));
    if found.quantile_nan {
        ctx.notes.info(
            format_args!("input to histogram_quantile has NaN observations, result is NaN{name}"),
            span,
        );
    }
    if found.quantile_skew {
        ctx.notes.info(
            format_args!(
                "input to histogram_quantile has NaN observations, result is skewed higher{name}"
            ),
            span,
        );
    }
    if found.fraction_excludes {
        ctx.notes.info(
            format_args!(
                "input to histogram_fraction has NaN observations, which are excluded from all fractions{name}"
            ),
            span,
        );
    }
}

/// The accumulated state of the monotonicity info.
struct Monotonicity {
    name: String,
    min_ts: i64,
    max_ts: i64,
    min_bucket: f64,
    max_bucket: f64,
    max_diff: f64,
    count: u64,
}

fn monotonicity_info(ctx: &mut Ctx<'_, '_>, arg: usize, name: &str, fix: Fix) {
    let span = ctx.args.get(arg).map_or(ctx.call_span, |e| e.span);
    let state = Monotonicity {
        name: name.to_string(),
        min_ts: ctx.ts,
        max_ts: ctx.ts,
        min_bucket: fix.min_bucket,
        max_bucket: fix.max_bucket,
        max_diff: fix.max_diff,
        count: 1,
    };
    let key = format!("histogram_quantile monotonicity{}", for_metric(name));
    ctx.notes.info_merged(
        &key,
        span,
        state,
        |a, b| {
            a.min_ts = a.min_ts.min(b.min_ts);
            a.max_ts = a.max_ts.max(b.max_ts);
            if b.min_bucket < a.min_bucket {
                a.min_bucket = b.min_bucket;
            }
            if b.max_bucket > a.max_bucket {
                a.max_bucket = b.max_bucket;
            }
            if b.max_diff > a.max_diff {
                a.max_diff = b.max_diff;
            }
            a.count += b.count;
        },
        |m| {
            format!(
                "input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile){}, from buckets {} to {}, with a max diff of {}, over {} samples from {} to {}",
                for_metric(&m.name),
                go_g(m.min_bucket),
                go_g(m.max_bucket),
                go_g_prec(m.max_diff, 2),
                m.count,
                rfc3339(m.min_ts / 1000),
                rfc3339(m.max_ts / 1000),
            )
        },
    );
}

/// `histogram_quantile(φ, v)` for classic histograms.
pub(super) fn histogram_quantile(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    let q = args[0].scalar();
    if q.is_nan() || !(0.0..=1.0).contains(&q) {
        let span = ctx.args.first().map_or(ctx.call_span, |e| e.span);
        ctx.notes.warn(
            format_args!("quantile value should be between 0 and 1, got {}", go_g(q)),
            span,
        );
    }
    let (natives, classic) = groups(args[1].vector(), ctx, 1);
    for s in natives {
        let (v, found) = native_stats::quantile(q, s.h.as_deref().expect("native histogram"));
        nan_notes(ctx, 1, s, found);
        out.push(Sample {
            labels: s.labels.clone(),
            t: ctx.ts,
            v,
            h: None,
            drop_name: true,
        });
    }
    for (labels, buckets) in classic {
        let (v, fix) = bucket_quantile(q, buckets);
        if fix.forced {
            monotonicity_info(ctx, 1, labels.get(METRIC_NAME).unwrap_or(""), fix);
        }
        out.push(Sample {
            h: None,
            labels,
            t: ctx.ts,
            v,
            drop_name: true,
        });
    }
    Ok(())
}

/// `histogram_quantiles(v, "label", φ...)` (experimental): `histogram_quantile`
/// for each φ, told apart by `label="φ"`.
pub(super) fn histogram_quantiles(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    let label = args[1].string();
    let (natives, grouped) = groups(args[0].vector(), ctx, 0);
    for (i, q) in args[2..].iter().map(|a| a.scalar()).enumerate() {
        if q.is_nan() || !(0.0..=1.0).contains(&q) {
            let span = ctx.args.get(i + 2).map_or(ctx.call_span, |e| e.span);
            ctx.notes.warn(
                format_args!("quantile value should be between 0 and 1, got {}", go_g(q)),
                span,
            );
        }
        let value = quantile_label(q);
        let with_quantile = |labels: &Labels| -> Labels {
            labels
                .iter()
                .filter(|(n, _)| *n != label)
                .chain(std::iter::once((label, value.as_str())))
                .collect()
        };
        for s in &natives {
            let (v, found) = native_stats::quantile(q, s.h.as_deref().expect("native histogram"));
            nan_notes(ctx, 0, s, found);
            out.push(Sample {
                labels: with_quantile(&s.labels),
                t: ctx.ts,
                v,
                h: None,
                drop_name: true,
            });
        }
        for (labels, buckets) in &grouped {
            let (v, fix) = bucket_quantile(q, buckets.clone());
            if fix.forced {
                monotonicity_info(ctx, 0, labels.get(METRIC_NAME).unwrap_or(""), fix);
            }
            out.push(Sample {
                h: None,
                labels: with_quantile(labels),
                t: ctx.ts,
                v,
                drop_name: true,
            });
        }
    }
    Ok(())
}

/// φ as `histogram_quantiles` writes it in its label: `0.5`, `1.0`, `NaN`.
fn quantile_label(q: f64) -> String {
    let s = crate::gofmt::go_float(q);
    if q.is_finite() && !s.contains('.') && !s.contains('e') {
        format!("{s}.0")
    } else {
        s
    }
}

/// `histogram_fraction(lower, upper, v)` for classic histograms.
pub(super) fn histogram_fraction(
    args: &[Arg<'_>],
    ctx: &mut Ctx<'_, '_>,
    out: &mut Vec<Sample>,
) -> Result<(), EvalError> {
    let (lower, upper) = (args[0].scalar(), args[1].scalar());
    let (natives, classic) = groups(args[2].vector(), ctx, 2);
    for s in natives {
        let h = s.h.as_deref().expect("native histogram");
        let (v, found) = native_stats::fraction(lower, upper, h);
        nan_notes(ctx, 2, s, found);
        out.push(Sample {
            labels: s.labels.clone(),
            t: ctx.ts,
            v,
            h: None,
            drop_name: true,
        });
    }
    for (labels, buckets) in classic {
        out.push(Sample {
            h: None,
            labels,
            t: ctx.ts,
            v: bucket_fraction(lower, upper, buckets),
            drop_name: true,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{sample, with_ctx};
    use super::*;
    use crate::promql::{ExprKind, parse};

    fn close(a: f64, b: f64) {
        assert!(almost_equal(a, b, 1e-12), "{a} != {b}");
    }

    fn buckets(pairs: &[(&str, f64)], name: &str) -> Vec<Sample> {
        pairs
            .iter()
            .map(|(le, v)| sample(&[("__name__", name), ("le", le)], *v))
            .collect()
    }

    fn eval(q: &str, v: &[Sample], ts: i64) -> (Vec<Sample>, crate::promql::engine::Annotations) {
        let e = parse(q).unwrap();
        let ExprKind::Call { args, func } = &e.kind else {
            panic!()
        };
        let scalars: Vec<f64> = args
            .iter()
            .filter_map(|a| match &a.kind {
                ExprKind::Number(n) => Some(*n),
                ExprKind::Unary { expr, op } => match expr.kind {
                    ExprKind::Number(n) if *op == crate::promql::ast::UnaryOp::Neg => Some(-n),
                    ExprKind::Number(n) => Some(n),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let mut a: Vec<Arg<'_>> = scalars.iter().map(|s| Arg::Scalar(*s)).collect();
        a.push(Arg::Vector(v));
        let f = if func.name == "histogram_quantile" {
            histogram_quantile
        } else {
            histogram_fraction
        };
        let mut out = Vec::new();
        let (r, notes) = with_ctx(q, args, ts, false, |ctx| f(&a, ctx, &mut out));
        r.unwrap();
        (out, notes)
    }

    #[test]
    fn quantiles() {
        // testhistogram_bucket{start="positive"} at 50m: 50 70 110 120 (histograms.test).
        let v = buckets(
            &[("0.1", 50.0), (".2", 70.0), ("1e0", 110.0), ("+Inf", 120.0)],
            "h",
        );
        let q = |phi: &str| eval(&format!("histogram_quantile({phi}, h)"), &v, 0).0[0].v;
        assert_eq!(q("0"), 0.0);
        close(q("0.2"), 0.048);
        close(q("0.5"), 0.15);
        close(q("0.8"), 0.72);
        assert_eq!(q("1"), 1.0);
        assert_eq!(q("-0.1"), f64::NEG_INFINITY);
        assert_eq!(q("1.01"), f64::INFINITY);
        let (out, notes) = eval("histogram_quantile(1.01, h)", &v, 0);
        assert_eq!(out[0].labels.to_string(), "h");
        assert!(out[0].drop_name);
        assert_eq!(
            notes.warnings,
            ["PromQL warning: quantile value should be between 0 and 1, got 1.01 (1:20)"]
        );
        // Negative buckets: -.2 -0.1 0.3 +Inf with 10 20 20 30.
        let v = buckets(
            &[("-.2", 10.0), ("-0.1", 20.0), ("0.3", 20.0), ("+Inf", 30.0)],
            "h",
        );
        assert_eq!(eval("histogram_quantile(0.2, h)", &v, 0).0[0].v, -0.2);
        close(eval("histogram_quantile(0.5, h)", &v, 0).0[0].v, -0.15);
        assert_eq!(eval("histogram_quantile(0.8, h)", &v, 0).0[0].v, 0.3);
        // No +Inf bucket.
        let v = buckets(&[("1", 10.0)], "h");
        assert!(eval("histogram_quantile(0.5, h)", &v, 0).0[0].v.is_nan());
    }

    #[test]
    fn monotonicity() {
        // nonmonotonic_bucket at 50m: 20 10 50 40 90 80 (histograms.test).
        let v = buckets(
            &[
                ("0.1", 20.0),
                ("1", 10.0),
                ("10", 50.0),
                ("100", 40.0),
                ("1000", 90.0),
                ("+Inf", 80.0),
            ],
            "nonmonotonic_bucket",
        );
        let q = "histogram_quantile(0.5, nonmonotonic_bucket)";
        let (out, notes) = eval(q, &v, 3_000_000);
        assert_eq!(out[0].v, 8.5);
        assert_eq!(
            notes.infos,
            [
                r#"PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "nonmonotonic_bucket", from buckets 1 to +Inf, with a max diff of 10, over 1 samples from 1970-01-01T00:50:00Z to 1970-01-01T00:50:00Z (1:25)"#
            ]
        );
        close(
            eval("histogram_quantile(0.01, nonmonotonic_bucket)", &v, 0).0[0].v,
            0.0045,
        );
        close(
            eval("histogram_quantile(0.99, nonmonotonic_bucket)", &v, 0).0[0].v,
            979.75,
        );
    }

    #[test]
    fn bad_le() {
        let v = vec![sample(&[("__name__", "series"), ("ale", "0.1")], 2.0)];
        let (out, notes) = eval("histogram_quantile(0.8, series)", &v, 0);
        assert!(out.is_empty());
        assert_eq!(
            notes.warnings,
            [
                r#"PromQL warning: bucket label "le" is missing or has a malformed value of "" for metric name "series" (1:25)"#
            ]
        );
        let v = vec![sample(
            &[("__name__", "series"), ("le", "Hello World")],
            2.0,
        )];
        let (_, notes) = eval("histogram_fraction(-Inf, 1, series)", &v, 0);
        assert_eq!(
            notes.warnings,
            [
                r#"PromQL warning: bucket label "le" is missing or has a malformed value of "Hello World" for metric name "series" (1:29)"#
            ]
        );
        assert_eq!(parse_go_float("+Inf"), Some(f64::INFINITY));
        assert_eq!(parse_go_float("1e0"), Some(1.0));
        assert_eq!(parse_go_float("1e400"), None);
        assert_eq!(parse_go_float(" 1"), None);
        assert_eq!(parse_go_float("-nan"), None);
    }

    #[test]
    fn fractions() {
        let v = buckets(
            &[("0.1", 50.0), (".2", 70.0), ("1e0", 110.0), ("+Inf", 120.0)],
            "h",
        );
        let f = |q: &str| eval(q, &v, 0).0[0].v;
        assert_eq!(f("histogram_fraction(0, 0.2, h)"), 70.0 / 120.0);
        close(f("histogram_fraction(0, 0.15, h)"), 60.0 / 120.0);
        assert_eq!(f("histogram_fraction(-Inf, +Inf, h)"), 1.0);
        assert_eq!(f("histogram_fraction(0.2, 0.1, h)"), 0.0);
        assert!(f("histogram_fraction(NaN, 0.1, h)").is_nan());
    }
}

/// A float of each native histogram in the vector; floats are ignored
/// (upstream's `simpleHistogramFunc`).
fn each_histogram(
    args: &[Arg<'_>],
    ctx: &Ctx<'_, '_>,
    out: &mut Vec<Sample>,
    f: fn(&FloatHistogram) -> f64,
) {
    for s in args[0].vector() {
        if let Some(h) = s.h.as_deref() {
            out.push(Sample {
                labels: s.labels.clone(),
                t: ctx.ts,
                v: f(h),
                h: None,
                drop_name: true,
            });
        }
    }
}

macro_rules! histogram_stat {
    ($($name:ident($h:ident) $body:expr;)*) => {$(
        pub(super) fn $name(args: &[Arg<'_>], ctx: &mut Ctx<'_, '_>, out: &mut Vec<Sample>) -> Result<(), EvalError> {
            each_histogram(args, ctx, out, |$h| $body);
            Ok(())
        }
    )*};
}

histogram_stat! {
    histogram_count(h) h.count;
    histogram_sum(h) h.sum;
    histogram_avg(h) h.sum / h.count;
    histogram_stddev(h) native_stats::variance(h).sqrt();
    histogram_stdvar(h) native_stats::variance(h);
}
