//! The views' models, browser-free and tested natively: what the page's charts,
//! tables and panes show, computed from the pipeline's data. `ui` renders them.

pub mod alertmanager;
pub mod alerts;
pub mod chart;
pub mod dashboard;
pub mod exposition;
pub mod histogram_compare;
pub mod lesson;
pub mod metric_lab;
pub mod python;
pub mod query;
pub mod yaml_editor;

/// The longest query the views evaluate: real queries are a few hundred
/// characters, and a pasted megabyte would keep the page busy highlighting,
/// completing and parsing it.
pub const MAX_QUERY_CHARS: usize = 10_000;

/// The views' message for a query over [`MAX_QUERY_CHARS`], or `None`.
pub fn query_too_long(query: &str) -> Option<String> {
    let n = query.chars().count();
    (n > MAX_QUERY_CHARS).then(|| {
        format!(
            "This query is {n} characters long; the playground evaluates queries of up to {MAX_QUERY_CHARS} characters."
        )
    })
}

/// Engine settings for queries from the views: a 10 s timeout on `clock` (the
/// page's `performance.now()`), and at most 5 000 000 samples in memory
/// (Prometheus allows 50 000 000, about 800 MB of points: more than a browser tab
/// should hold).
pub fn query_options(clock: fn() -> f64) -> crate::promql::engine::Options {
    crate::promql::engine::Options {
        clock: Some(clock),
        timeout_ms: Some(10_000.0),
        max_samples: 5_000_000,
        ..Default::default()
    }
}

/// Engine settings for the rules' queries in the page: a rule evaluates on the
/// main thread every interval, so a runaway one fails fast (200 ms, 1 000 000
/// samples) with the engine's error in the Rules view, rather than freezing the page.
pub fn rule_query_options(clock: fn() -> f64) -> crate::promql::engine::Options {
    crate::promql::engine::Options {
        clock: Some(clock),
        timeout_ms: Some(200.0),
        max_samples: 1_000_000,
        ..Default::default()
    }
}
