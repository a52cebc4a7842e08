//! Guidance for dead ends in the Query pane, natively: an empty result says why
//! (each cause, with its suggested query), an unknown function gets the nearest
//! name, and the hints about a metric's kind follow the store's names.

use promplay::promql::why_empty::Cause;
use promplay::tsdb::{Head, Labels};
use promplay::views::query::run::{Outcome, Request, evaluate};
use promplay::views::query::state::Tab;

const T0: i64 = 1_714_521_600_000;
const MINUTE: i64 = 60_000;
/// The table's time: half an hour of data before it.
const NOW: i64 = T0 + 30 * MINUTE;

fn clock() -> f64 {
    0.0
}

/// Scrapes every 15 s from T0 to NOW: a counter by path, a histogram family,
/// `up` of two jobs, a gauge, and a metric whose target went away after 5 min.
fn store() -> Head {
    let mut head = Head::default();
    let series = |name: &str, pairs: &[(&str, &str)]| {
        let mut all = vec![("__name__", name)];
        all.extend_from_slice(pairs);
        Labels::new(&all)
    };
    let mut t = T0;
    let mut i = 0.0;
    while t <= NOW {
        for (n, path) in ["/api/users/1", "/api/users/2", "/api/products"]
            .iter()
            .enumerate()
        {
            let labels = series("app_request_count_total", &[("path", path)]);
            head.add(&labels, t, i * (n as f64 + 1.0)).unwrap();
        }
        for (le, f) in [("0.1", 0.5), ("1", 0.9), ("+Inf", 1.0)] {
            let labels = series("app_request_latency_seconds_bucket", &[("le", le)]);
            head.add(&labels, t, i * 10.0 * f).unwrap();
        }
        head.add(
            &series("app_request_latency_seconds_count", &[]),
            t,
            i * 10.0,
        )
        .unwrap();
        for (job, instance) in [("api", "api-1:8080"), ("db", "db-1:9187")] {
            let labels = series("up", &[("job", job), ("instance", instance)]);
            head.add(&labels, t, 1.0).unwrap();
        }
        head.add(&series("memory_usage_bytes", &[]), t, 1e6 + i)
            .unwrap();
        if t <= T0 + 5 * MINUTE {
            head.add(&series("batch_last_success", &[]), t, 1.0)
                .unwrap();
        }
        t += 15_000;
        i += 1.0;
    }
    head
}

fn run_at(head: &Head, expr: &str, tab: Tab, end_ms: i64) -> Outcome {
    let request = Request {
        expr: expr.into(),
        tab,
        range_ms: 10 * MINUTE,
        end_ms,
        step_ms: MINUTE,
        scrape_interval_ms: 15_000,
    };
    evaluate(head, &request, clock)
}

fn run(head: &Head, expr: &str) -> Outcome {
    run_at(head, expr, Tab::Table, NOW)
}

/// The explanation of `expr`'s empty table: cause, message and fix.
fn why(head: &Head, expr: &str) -> (Cause, String, Option<String>) {
    let outcome = run(head, expr);
    assert_eq!(outcome.error, None, "{expr}");
    assert!(outcome.rows.is_empty(), "{expr} is not empty");
    let e = outcome
        .empty
        .unwrap_or_else(|| panic!("{expr}: no explanation"));
    (e.cause, e.message, e.fix)
}

#[test]
fn a_result_with_series_is_not_explained() {
    let head = store();
    assert_eq!(run(&head, "up").empty, None);
}

#[test]
fn a_name_with_no_series_suggests_the_stored_name() {
    let head = store();
    let (cause, message, fix) = why(&head, "rate(app_request_count[5m])");
    assert_eq!(cause, Cause::NoSuchMetric);
    assert_eq!(
        message,
        "No series named `app_request_count`. Did you mean `app_request_count_total`?"
    );
    assert_eq!(fix.as_deref(), Some("rate(app_request_count_total[5m])"));

    // A histogram's family name inside histogram_quantile means its buckets.
    let (_, message, fix) = why(
        &head,
        "histogram_quantile(0.95, sum by (le) (rate(app_request_latency_seconds[5m])))",
    );
    assert!(
        message.contains("`app_request_latency_seconds_bucket`"),
        "{message}"
    );
    assert_eq!(
        fix.as_deref(),
        Some(
            "histogram_quantile(0.95, sum by (le) (rate(app_request_latency_seconds_bucket[5m])))"
        )
    );

    // A typo, by edit distance.
    let (_, _, fix) = why(&head, "memory_usage_byte");
    assert_eq!(fix.as_deref(), Some("memory_usage_bytes"));

    // Nothing close: said so, no suggestion.
    let (cause, message, fix) = why(&head, "no_such_metric");
    assert_eq!(cause, Cause::NoSuchMetric);
    assert!(
        message.starts_with("No series named `no_such_metric`"),
        "{message}"
    );
    assert_eq!(fix, None);
}

#[test]
fn a_matcher_that_excludes_every_series_is_named_with_the_values_there_are() {
    let head = store();
    let (cause, message, fix) = why(
        &head,
        r#"sum(rate(app_request_count_total{path="/api/user"}[5m]))"#,
    );
    assert_eq!(cause, Cause::MatcherExcludesAll);
    assert_eq!(
        message,
        "`path=\"/api/user\"` excludes every series of `app_request_count_total`: path is one of `/api/products`, `/api/users/1`, `/api/users/2`."
    );
    assert_eq!(
        fix.as_deref(),
        Some(r#"sum(rate(app_request_count_total{path="/api/users/1"}[5m]))"#)
    );

    // The first matcher to empty the selection is the one named.
    let (_, message, fix) = why(&head, r#"up{job="api", instance="db-1:9187"}"#);
    assert!(message.starts_with("`instance=\"db-1:9187\"` excludes every series of `up`: instance is one of `api-1:8080`."), "{message}");
    assert_eq!(
        fix, None,
        "nothing close to db-1:9187 among api's instances"
    );

    // A label the metric does not have: its labels, and the nearest name.
    let (cause, message, fix) = why(&head, r#"up{jbo="api"}"#);
    assert_eq!(cause, Cause::MatcherExcludesAll);
    assert_eq!(
        message,
        "`jbo=\"api\"` matches nothing: no series of `up` has a label `jbo`. Its labels are `instance`, `job`."
    );
    assert_eq!(fix.as_deref(), Some(r#"up{job="api"}"#));
}

#[test]
fn series_without_samples_in_the_range_say_when_the_data_is() {
    let head = store();
    // The target went away: its data ends before the lookback of the table's time.
    let (cause, message, fix) = why(&head, "batch_last_success");
    assert_eq!(cause, Cause::NoSamplesInRange);
    assert_eq!(
        message,
        "`batch_last_success` has series, but its data ends at 2024-05-01 00:05:00 UTC: no sample falls in the 5m lookback of the evaluated time (2024-05-01 00:30:00 UTC)."
    );
    assert_eq!(fix, None);

    // A graph over a range before the data.
    let outcome = run_at(&head, "up", Tab::Graph, T0 - 60 * MINUTE);
    let empty = outcome.empty.expect("explained");
    assert_eq!(empty.cause, Cause::NoSamplesInRange);
    assert!(
        empty.message.contains("its data starts at 2024-05-01 00:00:00 UTC, after the evaluated time (2024-04-30 23:00:00 UTC)"),
        "{}",
        empty.message
    );

    // An offset moving the window before the data, in a range function.
    let (cause, message, _) = why(&head, "rate(app_request_count_total[5m] offset 1h)");
    assert_eq!(cause, Cause::NoSamplesInRange);
    assert!(
        message.contains("after the evaluated time (after its offset or @)"),
        "{message}"
    );
}

#[test]
fn otherwise_the_first_empty_sub_expression_is_named() {
    let head = store();
    let (cause, message, fix) = why(&head, r#"up{job="api"} / up{job="db"}"#);
    assert_eq!(cause, Cause::EmptySubexpression);
    assert!(
        message.starts_with("`up{job=\"api\"} / up{job=\"db\"}`: both sides have series, but no label set on the left matches one on the right (left: {instance=\"api-1:8080\", job=\"api\"}, right: {instance=\"db-1:9187\", job=\"db\"})"),
        "{message}"
    );
    assert_eq!(fix, None);

    let (cause, message, _) = why(&head, "sum(memory_usage_bytes > 1e9)");
    assert_eq!(cause, Cause::EmptySubexpression);
    assert_eq!(
        message,
        "`memory_usage_bytes > 1e9` filters out every series: the values of `memory_usage_bytes` run from 1000120 to 1000120."
    );
}

#[test]
fn an_unknown_function_suggests_the_nearest_name() {
    let head = store();
    let outcome = run(&head, "rte(up[5m])");
    let error = outcome.error.expect("a parse error");
    // Prometheus's own wording first.
    assert_eq!(
        error.message,
        "parse error at line 1, column 1: unknown function with name \"rte\""
    );
    assert_eq!(outcome.hints.len(), 1);
    assert_eq!(
        outcome.hints[0].message,
        "Unknown function rte; did you mean rate?"
    );
    assert_eq!(outcome.hints[0].fix.as_deref(), Some("rate(up[5m])"));
}

#[test]
fn kind_hints_follow_the_store() {
    let head = store();
    // No series by these names: the counter hint stays quiet.
    for q in ["app_request_count", "no_such_metric_total"] {
        assert!(run(&head, q).hints.is_empty(), "{q}");
    }
    // A stored counter still gets it.
    let fixes: Vec<_> = run(&head, "app_request_count_total")
        .hints
        .into_iter()
        .filter_map(|h| h.fix)
        .collect();
    assert_eq!(fixes, vec!["rate(app_request_count_total[5m])"]);
    // A histogram's family name: its buckets, summed by le, not deriv().
    let outcome = run(
        &head,
        "histogram_quantile(0.95, rate(app_request_latency_seconds[5m]))",
    );
    let fixes: Vec<_> = outcome.hints.into_iter().filter_map(|h| h.fix).collect();
    assert_eq!(
        fixes,
        vec![
            "histogram_quantile(0.95, sum by (le) (rate(app_request_latency_seconds_bucket[5m])))"
        ]
    );
}

/// The issue's dead ends on the scenarios' own data.
#[test]
fn the_tutorials_dead_ends_on_the_simulated_services() {
    use promplay::pipeline::{Options, Pipeline, Run};
    let on = |scenario: &str, expr: &str| {
        let mut pipeline = Pipeline::new(Run::new(scenario, 1, T0, 1), Options::default()).unwrap();
        pipeline.advance_to(NOW);
        let outcome = run(pipeline.store(), expr);
        assert!(outcome.rows.is_empty(), "{expr}");
        let e = outcome.empty.expect("explained");
        (e.cause, e.message, e.fix, outcome.hints)
    };
    let (cause, _, fix, hints) = on("course_catalog", "app_request_count");
    assert_eq!(cause, Cause::NoSuchMetric);
    assert_eq!(fix.as_deref(), Some("app_request_count_total"));
    assert!(hints.is_empty(), "no 'is a counter' hint: {hints:?}");
    let (_, _, fix, _) = on(
        "api",
        "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds[5m])))",
    );
    assert_eq!(
        fix.as_deref(),
        Some(
            "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"
        )
    );
    let (cause, message, fix, _) = on("api", r#"http_requests_total{path="/api/user"}"#);
    assert_eq!(cause, Cause::MatcherExcludesAll);
    assert!(
        message.contains("path is one of `/api/orders`, `/api/orders/<id>`"),
        "{message}"
    );
    assert_eq!(
        fix.as_deref(),
        Some(r#"http_requests_total{path="/api/users/<id>"}"#)
    );
    let (cause, _, fix, hints) = on("api", "no_such_metric");
    assert_eq!((cause, fix), (Cause::NoSuchMetric, None));
    assert!(hints.is_empty());
}
