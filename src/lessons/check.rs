//! Running a step's checks against the live run: results compared, never
//! strings. A query check passes when one of the learner's queries gives the
//! same series and values as the lesson's reference query, evaluated now on the
//! same store; an alert check reads the `ALERTS` series the rules write.

use super::{AlertState, Check};
use crate::expo::textparse::{Format, ParseOptions, parse};
use crate::promql::engine::{Options, Value, instant_query};
use crate::tsdb::Head;

/// What a check looks at.
pub struct CheckContext<'a> {
    pub store: &'a Head,
    /// The virtual time now (queries are evaluated at it).
    pub now_ms: i64,
    /// The learner's queries (the Query pane's panels).
    pub queries: &'a [String],
    /// The dashboard's panel queries.
    pub panels: &'a [String],
    /// The first target's exposition now, and its format.
    pub exposition: Option<(&'a str, Format)>,
    pub options: Options,
}

/// A check's verdict and, when it failed, why (in the page's words; the lesson's
/// own `@fail` text is shown beside it).
#[derive(Clone, Debug, PartialEq)]
pub struct CheckOutcome {
    pub passed: bool,
    pub detail: String,
}

fn outcome(passed: bool, detail: impl Into<String>) -> CheckOutcome {
    CheckOutcome {
        passed,
        detail: detail.into(),
    }
}

/// A result as comparable rows: each series' labels (as text) and value, sorted.
type Rows = Vec<(String, f64)>;

fn rows(ctx: &CheckContext, expr: &str) -> Result<Rows, String> {
    let parsed = crate::promql::parse(expr).map_err(|e| e.message)?;
    let output = instant_query(ctx.store, expr, &parsed, ctx.now_ms, &ctx.options)
        .map_err(|e| e.to_string())?;
    let mut rows: Rows = match output.value {
        Value::Scalar(p) => vec![(String::new(), p.v)],
        Value::Vector(samples) => samples
            .into_iter()
            .flat_map(|s| match &s.h {
                Some(h) => histogram_rows(&s.labels.to_string(), h),
                None => vec![(s.labels.to_string(), s.v)],
            })
            .collect(),
        Value::Matrix(series) => series
            .into_iter()
            .flat_map(|s| {
                let labels = s.labels.to_string();
                let mut rows: Rows = s
                    .points
                    .iter()
                    .map(|p| (format!("{labels}@{}", p.t), p.v))
                    .collect();
                for p in &s.histograms {
                    rows.extend(histogram_rows(&format!("{labels}@{}", p.t), &p.h));
                }
                rows
            })
            .collect(),
        Value::String { s, .. } => vec![(s, 0.0)],
    };
    crate::sort::sort_by(&mut rows[..], |a, b| a.0.cmp(&b.0));
    Ok(rows)
}

/// A native histogram as rows: its count, its sum and each bucket's count.
fn histogram_rows(key: &str, h: &crate::histogram::FloatHistogram) -> Rows {
    let mut rows = vec![
        (format!("{key} count"), h.count),
        (format!("{key} sum"), h.sum),
    ];
    rows.extend(
        h.all_bucket_iter()
            .filter(|b| b.count != 0.0)
            .map(|b| (format!("{key} bucket {} {}", b.lower, b.upper), b.count)),
    );
    rows
}

/// Equal series with equal values (to a relative 1e-9: the same query evaluated
/// the same way gives the same bits, an equivalent one may round differently).
fn same(a: &Rows, b: &Rows) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|((la, va), (lb, vb))| {
            la == lb
                && (va == vb
                    || (va.is_nan() && vb.is_nan())
                    || (va - vb).abs() <= 1e-9 * va.abs().max(vb.abs()))
        })
}

/// Whether one of `candidates` gives `reference`'s result.
fn any_matches(
    ctx: &CheckContext,
    candidates: &[String],
    reference: &str,
    what: &str,
) -> CheckOutcome {
    let expected = match rows(ctx, reference) {
        Ok(rows) => rows,
        Err(e) => return outcome(false, format!("the lesson's reference query fails: {e}")),
    };
    if expected.is_empty() {
        return outcome(
            false,
            "the reference query has no result yet: let the clock run a little",
        );
    }
    let mut closest = None;
    for candidate in candidates.iter().filter(|c| !c.trim().is_empty()) {
        match rows(ctx, candidate) {
            Ok(got) if same(&got, &expected) => {
                return outcome(
                    true,
                    format!("{what} `{candidate}` gives the expected result"),
                );
            }
            Ok(got) => closest.get_or_insert(format!(
                "`{candidate}` gives {} series; the expected result has {}{}",
                got.len(),
                expected.len(),
                if got.len() == expected.len() {
                    " with other labels or values"
                } else {
                    ""
                }
            )),
            Err(e) => closest.get_or_insert(format!("`{candidate}` fails: {e}")),
        };
    }
    outcome(false, closest.unwrap_or_else(|| format!("no {what} yet")))
}

/// Runs one check.
pub fn evaluate(check: &Check, ctx: &CheckContext) -> CheckOutcome {
    match check {
        Check::Query { reference } => any_matches(ctx, ctx.queries, reference, "the query"),
        Check::Panel { reference } => {
            any_matches(ctx, ctx.panels, reference, "the dashboard panel")
        }
        Check::Result { expr } => match rows(ctx, expr) {
            Ok(rows) if !rows.is_empty() => outcome(true, format!("`{expr}` holds")),
            Ok(_) => outcome(false, format!("`{expr}` has no result yet")),
            Err(e) => outcome(false, format!("`{expr}` fails: {e}")),
        },
        Check::Alert { name, state } => {
            let firing = rows(
                ctx,
                &format!("ALERTS{{alertname={name:?},alertstate=\"firing\"}}"),
            );
            let pending = rows(
                ctx,
                &format!("ALERTS{{alertname={name:?},alertstate=\"pending\"}}"),
            );
            let (Ok(firing), Ok(pending)) = (firing, pending) else {
                return outcome(false, "the alert's state cannot be read");
            };
            let now = if !firing.is_empty() {
                AlertState::Firing
            } else if !pending.is_empty() {
                AlertState::Pending
            } else {
                AlertState::Inactive
            };
            let word = |s: AlertState| format!("{s:?}").to_lowercase();
            outcome(now == *state, format!("{name} is {}", word(now)))
        }
        Check::Exposed { name, kind } => {
            let Some((text, format)) = ctx.exposition else {
                return outcome(false, "no exposition to look at yet");
            };
            let parsed = parse(
                text.as_bytes(),
                ParseOptions {
                    format: Some(format),
                    strict: false,
                },
            );
            let family = parsed.families.iter().find(|f| family_is(&f.name, name));
            match family {
                Some(f) if f.metric_type == *kind => outcome(
                    true,
                    format!("{name} is exposed as a {}", kind.openmetrics_name()),
                ),
                Some(f) => outcome(
                    false,
                    format!(
                        "{name} is exposed as a {}, not a {}",
                        f.metric_type.openmetrics_name(),
                        kind.openmetrics_name()
                    ),
                ),
                None => outcome(false, format!("no metric family {name} is exposed")),
            }
        }
    }
}

/// Whether a parsed family's name is `wanted` (its OpenMetrics name, or the
/// counter's `_total` sample name a learner may write).
fn family_is(family: &str, wanted: &str) -> bool {
    family == wanted
        || wanted.strip_suffix("_total") == Some(family)
        || family.strip_suffix("_total") == Some(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expo::model::MetricType;
    use crate::pipeline::{Options as RunOptions, Pipeline, Run, Timeline};

    const T0: i64 = 1_714_521_600_000;

    fn pipeline() -> Pipeline {
        let mut run = Run::new("api", 1, T0, 2);
        run.timeline = Timeline::parse("5m:outage:10m", T0).unwrap();
        let mut p = Pipeline::new(run, RunOptions::default()).unwrap();
        p.advance_to(T0 + 12 * 60_000);
        p
    }

    fn ctx<'a>(
        p: &'a Pipeline,
        queries: &'a [String],
        exposition: Option<(&'a str, Format)>,
    ) -> CheckContext<'a> {
        CheckContext {
            store: p.store(),
            now_ms: p.now_ms(),
            queries,
            panels: &[],
            exposition,
            options: Options::default(),
        }
    }

    #[test]
    fn a_query_passes_when_its_result_equals_the_reference() {
        let p = pipeline();
        let reference = "sum by (path) (rate(http_requests_total[5m]))";
        let check = Check::Query {
            reference: reference.into(),
        };
        let equivalent = vec!["sum(rate(http_requests_total[5m])) by (path)".to_string()];
        assert!(evaluate(&check, &ctx(&p, &equivalent, None)).passed);
        let wrong = vec![
            "sum by (path) (irate(http_requests_total[5m]))".to_string(),
            "nope(".to_string(),
        ];
        let failed = evaluate(&check, &ctx(&p, &wrong, None));
        assert!(!failed.passed);
        assert!(
            failed.detail.contains("with other labels or values"),
            "{}",
            failed.detail
        );
        assert!(!evaluate(&check, &ctx(&p, &[], None)).passed);
    }

    #[test]
    fn results_alerts_and_exposed_families() {
        let p = pipeline();
        let c = |p: &Pipeline, check: &Check| {
            let (body, format) = {
                let mut p2 = Pipeline::new(p.run().clone(), RunOptions::default()).unwrap();
                p2.advance_to(p.now_ms());
                p2.peek_scrape(0, Format::OpenMetrics).unwrap()
            };
            let body = crate::scrape::body_text(&body, format);
            evaluate(check, &ctx(p, &[], Some((&body, format))))
        };
        assert!(
            c(
                &p,
                &Check::Result {
                    expr: "sum(rate(http_requests_total{status=~\"5..\"}[1m])) > 0".into()
                }
            )
            .passed
        );
        assert!(
            !c(
                &p,
                &Check::Result {
                    expr: "up == 42".into()
                }
            )
            .passed
        );
        assert!(
            c(
                &p,
                &Check::Exposed {
                    name: "http_requests".into(),
                    kind: MetricType::Counter
                }
            )
            .passed
        );
        assert!(
            c(
                &p,
                &Check::Exposed {
                    name: "http_requests_total".into(),
                    kind: MetricType::Counter
                }
            )
            .passed
        );
        let gauge = c(
            &p,
            &Check::Exposed {
                name: "http_requests".into(),
                kind: MetricType::Gauge,
            },
        );
        assert_eq!(
            gauge.detail,
            "http_requests is exposed as a counter, not a gauge"
        );
        // The outage (from 5 to 15 minutes) fires the default rules' error alert.
        let firing = c(
            &p,
            &Check::Alert {
                name: "HighErrorRatio".into(),
                state: AlertState::Firing,
            },
        );
        assert!(firing.passed, "{}", firing.detail);
        let pending = c(
            &p,
            &Check::Alert {
                name: "HighErrorRatio".into(),
                state: AlertState::Pending,
            },
        );
        assert_eq!(pending, outcome(false, "HighErrorRatio is firing"));
        assert!(
            c(
                &p,
                &Check::Alert {
                    name: "NoSuchAlert".into(),
                    state: AlertState::Inactive
                }
            )
            .passed
        );
    }
}
