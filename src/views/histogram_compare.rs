//! Classic and native histograms of the same observations, side by side (a run
//! with native histograms on stores both): how many series each takes, the
//! quantiles each estimates, and the heatmap of each. Browser-free; the Service
//! pane shows it.

use crate::promql::engine::{self, Value};
use crate::promql::parse;
use crate::tsdb::{Head, Matcher};
use crate::views::chart::{ChartKind, ChartSpec, Unit};
use crate::views::query::shape::chart_series;

/// The quantiles compared.
pub const QUANTILES: [f64; 3] = [0.5, 0.9, 0.99];

/// What the comparison shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comparison {
    /// The histogram's name (without `_bucket`).
    pub name: String,
    /// Series the classic histogram takes (`_bucket`, `_sum`, `_count`).
    pub classic_series: usize,
    /// Series the native one takes.
    pub native_series: usize,
    /// (φ, classic estimate, native estimate) over the whole service, in seconds
    /// (NaN where a side has no data yet).
    pub quantiles: Vec<(f64, f64, f64)>,
    /// The classic buckets over time, and the native ones.
    pub classic_heatmap: ChartSpec,
    pub native_heatmap: ChartSpec,
}

/// The queries each side is read with (a rate window of `window`, e.g. `5m`).
pub fn queries(name: &str, window: &str) -> (String, String) {
    (
        format!("sum by (le) (rate({name}_bucket[{window}]))"),
        format!("sum(rate({name}[{window}]))"),
    )
}

/// The comparison of histogram `name` in `store` at `now_ms`, heatmaps over the
/// last `range_ms` every `step_ms`.
pub fn compare(
    store: &Head,
    name: &str,
    now_ms: i64,
    (range_ms, step_ms): (i64, i64),
    opts: &engine::Options,
) -> Comparison {
    let count = |metric: String| store.select(&[Matcher::equal("__name__", &metric)]).len();
    let classic_series = ["_bucket", "_sum", "_count"]
        .iter()
        .map(|suffix| count(format!("{name}{suffix}")))
        .sum();
    let native_series = count(name.to_string());
    let (classic, native) = queries(name, "5m");
    let instant = |q: &str| -> f64 {
        let Ok(expr) = parse(q) else { return f64::NAN };
        match engine::instant_query(store, q, &expr, now_ms, opts).map(|o| o.value) {
            Ok(Value::Vector(v)) if v.len() == 1 => v[0].v,
            _ => f64::NAN,
        }
    };
    let quantiles = QUANTILES
        .iter()
        .map(|&q| {
            (
                q,
                instant(&format!("histogram_quantile({q}, {classic})")),
                instant(&format!("histogram_quantile({q}, {native})")),
            )
        })
        .collect();
    let heatmap = |q: &str| {
        let end = now_ms - now_ms.rem_euclid(step_ms);
        let series = parse(q)
            .ok()
            .and_then(|expr| {
                engine::range_query(store, q, &expr, end - range_ms, end, step_ms, opts).ok()
            })
            .and_then(|o| match o.value {
                Value::Matrix(m) => Some(chart_series(&m, |_| name.to_string())),
                _ => None,
            })
            .unwrap_or_default();
        ChartSpec {
            kind: ChartKind::Heatmap,
            unit: Unit::PerSecond,
            le_unit: Unit::Seconds,
            series,
            ..ChartSpec::default()
        }
    };
    Comparison {
        name: name.to_string(),
        classic_series,
        native_series,
        quantiles,
        classic_heatmap: heatmap(&classic),
        native_heatmap: heatmap(&native),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Options, Pipeline, Run};

    #[test]
    fn both_sides_of_a_native_run_are_compared() {
        let start = 1_714_521_600_000;
        let mut run = Run::new("api", 7, start, 1);
        run.native_histograms = true;
        let mut p = Pipeline::new(run, Options::default()).unwrap();
        p.advance_to(start + 20 * 60_000);
        let c = compare(
            p.store(),
            "http_request_duration_seconds",
            p.now_ms(),
            (15 * 60_000, 60_000),
            &engine::Options::default(),
        );
        assert!(c.native_series > 0);
        assert!(c.classic_series > 10 * c.native_series, "{c:?}");
        for (q, classic, native) in &c.quantiles {
            assert!(
                classic.is_finite() && native.is_finite(),
                "{q}: {classic} {native}"
            );
            assert!(
                (native / classic - 1.0).abs() < 0.6,
                "{q}: {classic} {native}"
            );
        }
        // The native heatmap has finer rows than the 13 classic buckets.
        assert!(c.native_heatmap.series.len() > c.classic_heatmap.series.len());
    }
}
