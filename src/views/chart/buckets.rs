//! Histogram buckets over time (Grafana's heatmap, Prometheus issue #11268): the
//! series carry an `le` label and cumulative counts or rates, as `rate(x_bucket[5m])`
//! or `sum by (le) (rate(x_bucket[5m]))` return them. Per timestamp the cumulative
//! values become per-bucket ones (each minus the next lower bucket's, at least 0):
//! the heatmap's cells, the bars' last distribution and the hover readout.

use super::{ChartSeries, time_grid};

/// Per-bucket values over time.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Buckets {
    /// Upper bounds, ascending (`+Inf` last).
    pub les: Vec<f64>,
    /// The bounds as the series spell them (`0.005`, `+Inf`).
    pub labels: Vec<String>,
    /// Every timestamp at which some bucket has a value, ascending.
    pub times: Vec<f64>,
    /// `counts[t][k]`: bucket `k`'s own count at `times[t]` (NaN: no value).
    pub counts: Vec<Vec<f64>>,
    /// The smallest spacing of `times` (60 s when there is only one).
    pub step: f64,
}

impl Buckets {
    /// The largest finite per-bucket value (0 when none).
    pub fn max(&self) -> f64 {
        self.counts
            .iter()
            .flatten()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
    }

    /// The index of the time nearest `t`.
    pub fn nearest(&self, t: f64) -> Option<usize> {
        super::hover::nearest_index(&self.times, t)
    }
}

/// Parses an `le` value: a float, `+Inf`.
pub fn parse_le(le: &str) -> Option<f64> {
    let le = le.trim();
    match le {
        "+Inf" | "Inf" | "inf" | "+inf" => Some(f64::INFINITY),
        _ => le.parse::<f64>().ok().filter(|v| !v.is_nan()),
    }
}

/// Groups `series` by `le` (summing series with the same bound, e.g. one per
/// instance), ignoring series without one, and converts cumulative values to
/// per-bucket values at each timestamp.
pub fn buckets(series: &[ChartSeries]) -> Buckets {
    // (upper bound, as spelled, the series' points)
    type Group<'a> = (f64, String, Vec<&'a [(f64, f64)]>);
    let mut groups: Vec<Group<'_>> = Vec::new();
    for s in series {
        let Some((le, text)) = s.label("le").and_then(|t| parse_le(t).map(|v| (v, t))) else {
            continue;
        };
        match groups.iter_mut().find(|g| g.0 == le) {
            Some(g) => g.2.push(&s.points),
            None => groups.push((le, text.to_string(), vec![&s.points])),
        }
    }
    crate::sort::sort_by(&mut groups[..], |a, b| a.0.total_cmp(&b.0));
    let (times, step) = time_grid(
        groups
            .iter()
            .flat_map(|g| g.2.iter().flat_map(|p| p.iter())),
    );
    let step = if step.is_finite() { step } else { 60.0 };
    // Cumulative values per bucket and time (NaN: no series of the bucket has one).
    let cumulative: Vec<Vec<f64>> = groups
        .iter()
        .map(|g| {
            let mut col = vec![f64::NAN; times.len()];
            for points in &g.2 {
                for &(x, y) in points.iter().filter(|(_, y)| y.is_finite()) {
                    if let Ok(t) = times.binary_search_by(|t| t.total_cmp(&x)) {
                        col[t] = if col[t].is_nan() { y } else { col[t] + y };
                    }
                }
            }
            col
        })
        .collect();
    let counts = (0..times.len())
        .map(|t| {
            let mut below = 0.0;
            cumulative
                .iter()
                .map(|col| {
                    let c = col[t];
                    if c.is_nan() {
                        return f64::NAN;
                    }
                    let own = (c - below).max(0.0);
                    below = c;
                    own
                })
                .collect()
        })
        .collect();
    Buckets {
        les: groups.iter().map(|g| g.0).collect(),
        labels: groups.into_iter().map(|g| g.1).collect(),
        times,
        counts,
        step,
    }
}

/// Colour scale position of `v` in 0..=`max`: square-root (Grafana's default
/// exponent 0.5), so small counts still show next to a dominant bucket.
pub fn heat_fraction(v: f64, max: f64) -> f64 {
    if max > 0.0 && v.is_finite() {
        (v / max).clamp(0.0, 1.0).sqrt()
    } else {
        0.0
    }
}

/// `(le as spelled, per-bucket value)` at the last timestamp with any value.
pub fn last_distribution(series: &[ChartSeries]) -> Vec<(String, f64)> {
    let b = buckets(series);
    let Some(row) = b
        .counts
        .iter()
        .rev()
        .find(|row| row.iter().any(|v| v.is_finite()))
    else {
        return Vec::new();
    };
    b.labels
        .into_iter()
        .zip(row.iter().map(|v| if v.is_finite() { *v } else { 0.0 }))
        .collect()
}
