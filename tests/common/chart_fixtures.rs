//! Chart data the chart tests share, natively (tests/views_chart.rs) and in the
//! browser (tests/browser/charts.rs): series of lines and of histogram buckets.

use promplay::views::chart::{ChartKind, ChartSeries, ChartSpec, Unit};

pub const T0: f64 = 1_700_000_000.0;

pub fn series(name: &str, labels: &[(&str, &str)], points: Vec<(f64, f64)>) -> ChartSeries {
    ChartSeries {
        name: name.into(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        points,
    }
}

pub fn wave(n: usize, f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| (T0 + i as f64 * 15.0, f(i as f64)))
        .collect()
}

/// Cumulative bucket rates over time: most observations under 0.1, a shift to
/// slower buckets half way.
pub fn histogram(n: usize) -> Vec<ChartSeries> {
    let les = ["0.05", "0.1", "0.25", "0.5", "1", "+Inf"];
    // Per-bucket shares before and after the shift.
    let before = [5.0, 20.0, 3.0, 1.0, 0.5, 0.1];
    let after = [0.5, 2.0, 4.0, 15.0, 8.0, 1.0];
    les.iter()
        .enumerate()
        .map(|(k, le)| {
            let points = (0..n)
                .map(|i| {
                    let shares = if i < n / 2 { &before } else { &after };
                    (T0 + i as f64 * 15.0, shares[..=k].iter().sum::<f64>())
                })
                .collect();
            series(
                &format!("le={le}"),
                &[("__name__", "x_seconds_bucket"), ("le", le)],
                points,
            )
        })
        .collect()
}

pub fn spec(kind: ChartKind, unit: Unit, series: Vec<ChartSeries>) -> ChartSpec {
    ChartSpec::new(kind, unit, series)
}

pub fn two_lines() -> Vec<ChartSeries> {
    vec![
        series(
            "",
            &[("__name__", "reqs"), ("method", "GET"), ("path", "/api")],
            wave(80, |i| 10.0 + 5.0 * (i / 6.0).sin()),
        ),
        series(
            "",
            &[("__name__", "reqs"), ("method", "POST"), ("path", "/login")],
            wave(80, |i| 4.0 + (i / 4.0).cos()),
        ),
    ]
}
