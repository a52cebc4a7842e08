//! Small readings of a series that several chart kinds share: its last value, a
//! gauge's bounds and position, gaps where steps are missing, the time of day.

use super::Unit;

/// The last finite point of `points`.
pub fn last_value(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    points
        .iter()
        .rev()
        .find(|(x, y)| x.is_finite() && y.is_finite())
        .copied()
}

/// The gauge's bounds: the given ones, else the unit's natural range, else 0 to
/// the largest finite value of `points` (1 when nothing positive was seen).
pub fn gauge_range(
    min: Option<f64>,
    max: Option<f64>,
    unit: Unit,
    points: &[(f64, f64)],
) -> (f64, f64) {
    let natural = unit.natural_range();
    let lo = min.or(natural.map(|r| r.0)).unwrap_or(0.0);
    let hi = max.or(natural.map(|r| r.1)).unwrap_or_else(|| {
        points
            .iter()
            .map(|p| p.1)
            .filter(|v| v.is_finite())
            .fold(f64::MIN, f64::max)
    });
    if hi.is_finite() && hi > lo {
        (lo, hi)
    } else {
        (lo, lo + 1.0)
    }
}

/// Where `value` sits between `lo` and `hi`, clamped to 0..=1.
pub fn gauge_fraction(value: f64, (lo, hi): (f64, f64)) -> f64 {
    if value.is_finite() {
        ((value - lo) / (hi - lo)).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// `points` with a NaN point inserted where a step is missing (consecutive
/// points more than 1.5 times the smallest spacing apart), so the line breaks
/// there as in Prometheus's graph rather than bridging the gap.
pub fn break_gaps(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let step = points
        .windows(2)
        .map(|w| w[1].0 - w[0].0)
        .filter(|d| *d > 0.0)
        .fold(f64::INFINITY, f64::min);
    if points.len() < 3 || !step.is_finite() {
        return points.to_vec();
    }
    let mut out = Vec::with_capacity(points.len() + 8);
    for (i, &p) in points.iter().enumerate() {
        if i > 0 && p.0 - points[i - 1].0 > step * 1.5 {
            out.push((points[i - 1].0 + step, f64::NAN));
        }
        out.push(p);
    }
    out
}

/// The maximal runs of consecutive finite points.
pub fn finite_runs(points: &[(f64, f64)]) -> impl Iterator<Item = &[(f64, f64)]> {
    points
        .split(|(x, y)| !x.is_finite() || !y.is_finite())
        .filter(|run| !run.is_empty())
}

/// `HH:MM:SS` of a Unix time, in UTC (the playground's clock is UTC everywhere).
pub fn format_clock(unix_seconds: f64) -> String {
    crate::time::format_time_of_day((unix_seconds * 1000.0).floor() as i64)
}

/// The distinct times of the finite points, ascending, and the smallest gap
/// between two of them (infinite with fewer than two): the grid stacked areas
/// and heatmap cells are laid on.
pub fn time_grid<'a>(points: impl Iterator<Item = &'a (f64, f64)>) -> (Vec<f64>, f64) {
    let mut times: Vec<f64> = points
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|p| p.0)
        .collect();
    crate::sort::sort_by(&mut times[..], f64::total_cmp);
    times.dedup();
    let step = times
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|d| *d > 0.0)
        .fold(f64::INFINITY, f64::min);
    (times, step)
}
