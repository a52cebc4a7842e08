//! One panel's query evaluated over the dashboard's window: variables replaced,
//! parsed, run as a range query on the store, shaped into a [`ChartSpec`]. No web
//! APIs (the clock is passed in), so the browser tests run it on a store of
//! their own.

use super::interval::{Window, substitute};
use super::model::{Panel, apply_legend};
use crate::promql::engine::{self, Options, Value};
use crate::promql::{self, ParseError};
use crate::tsdb::Head;
use crate::views::chart::{ChartSpec, Unit};
use crate::views::query::shape::{chart_series, series_name};

/// A panel's last evaluation.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PanelOutcome {
    pub spec: ChartSpec,
    pub error: Option<String>,
    /// The engine's warnings and infos.
    pub notes: Vec<String>,
    /// Milliseconds spent parsing and evaluating.
    pub eval_ms: f64,
}

/// Queries may not run longer than this; a dashboard has many panels.
const TIMEOUT_MS: f64 = 5_000.0;

/// The message and the caret line under it, as the Query pane shows them.
fn parse_error_message(query: &str, e: &ParseError) -> String {
    let shown = crate::views::query::run::parse_error(query, e);
    format!("{}\n{}", shown.message, shown.context)
}

/// Evaluates `panel` over `w`; `clock` is a millisecond clock for the timing and
/// the engine's timeout.
pub fn evaluate_panel(store: &Head, panel: &Panel, w: &Window, clock: fn() -> f64) -> PanelOutcome {
    let started = clock();
    let mut outcome = evaluate(store, panel, w, clock);
    outcome.eval_ms = clock() - started;
    outcome
}

fn evaluate(store: &Head, panel: &Panel, w: &Window, clock: fn() -> f64) -> PanelOutcome {
    let error = |message: String| PanelOutcome {
        error: Some(message),
        spec: ChartSpec {
            kind: panel.kind,
            unit: panel.unit,
            ..ChartSpec::default()
        },
        ..PanelOutcome::default()
    };
    let src = substitute(&panel.query, w);
    if src.trim().is_empty() {
        return error("No query yet: press Edit to write one.".into());
    }
    if let Some(message) = crate::views::query_too_long(&src) {
        return error(message);
    }
    let expr = match promql::parse(&src) {
        Ok(expr) => expr,
        Err(e) => return error(parse_error_message(&src, &e)),
    };
    let opts = Options {
        clock: Some(clock),
        timeout_ms: Some(TIMEOUT_MS),
        ..crate::views::query_options(clock)
    };
    let out = match engine::range_query(store, &src, &expr, w.start_ms, w.end_ms, w.step_ms, &opts)
    {
        Ok(out) => out,
        Err(e) => return error(format!("error executing query: {}", e.message)),
    };
    let Value::Matrix(matrix) = out.value else {
        return error("a range query returned something other than a matrix".into());
    };
    let series = chart_series(&matrix, |labels| match &panel.legend {
        Some(template) => apply_legend(template, |l| labels.get(l)),
        None => series_name(labels),
    });
    PanelOutcome {
        spec: ChartSpec {
            kind: panel.kind,
            unit: panel.unit,
            series,
            min: None,
            max: None,
            // The names above already follow the panel's legend template.
            legend: None,
            markers: Vec::new(),
            le_unit: Unit::for_buckets(&panel.query),
        },
        error: None,
        notes: out.annotations.messages(),
        eval_ms: 0.0,
    }
}
