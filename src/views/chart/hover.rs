//! The hover readout: which timestamp the mouse is nearest, and each visible
//! series' value there.

use super::{ChartKind, ChartSpec, buckets};

/// One line of the readout.
#[derive(Clone, Debug, PartialEq)]
pub struct HoverRow {
    /// The series' colour index in the palette (`None`: no swatch, e.g. heatmap buckets).
    pub color: Option<usize>,
    pub name: String,
    pub value: f64,
}

/// The readout at one timestamp.
#[derive(Clone, Debug, PartialEq)]
pub struct Hover {
    pub time: f64,
    pub rows: Vec<HoverRow>,
}

/// The index of the element of ascending `times` nearest `t`.
pub fn nearest_index(times: &[f64], t: f64) -> Option<usize> {
    if times.is_empty() || !t.is_finite() {
        return None;
    }
    let i = times.partition_point(|x| *x < t);
    if i == 0 {
        Some(0)
    } else if i == times.len() || t - times[i - 1] <= times[i] - t {
        Some(i - 1)
    } else {
        Some(i)
    }
}

/// The index of the point of `points` nearest `t` in time.
fn nearest_point(points: &[(f64, f64)], t: f64) -> Option<usize> {
    if points.is_empty() || !t.is_finite() {
        return None;
    }
    let i = points.partition_point(|p| p.0 < t);
    if i == 0 {
        Some(0)
    } else if i == points.len() || t - points[i - 1].0 <= points[i].0 - t {
        Some(i - 1)
    } else {
        Some(i)
    }
}

/// Whether series `i` is shown (`visible` shorter than the series: shown).
pub fn is_visible(visible: &[bool], i: usize) -> bool {
    visible.get(i).copied().unwrap_or(true)
}

/// The readout for the mouse at time `t`: the nearest timestamp of any visible
/// series, and every visible series with a point there (within half its own
/// spacing). Heatmaps list the buckets at the nearest column, `+Inf` first.
/// `None` for kinds without a time axis or when there is no data.
pub fn hover_at(spec: &ChartSpec, visible: &[bool], t: f64) -> Option<Hover> {
    match spec.kind {
        ChartKind::Lines | ChartKind::Stacked => {}
        ChartKind::Heatmap => {
            let b = buckets(&spec.series);
            let i = b.nearest(t)?;
            let rows = super::bound_labels(spec.le_unit, &b.les, &b.labels)
                .into_iter()
                .zip(&b.counts[i])
                .rev()
                .map(|(le, v)| HoverRow {
                    color: None,
                    name: format!("le {le}"),
                    value: *v,
                })
                .collect();
            return Some(Hover {
                time: b.times[i],
                rows,
            });
        }
        _ => return None,
    }
    let shown = || {
        spec.series
            .iter()
            .enumerate()
            .filter(|(i, _)| is_visible(visible, *i))
    };
    let time = shown()
        .filter_map(|(_, s)| nearest_point(&s.points, t).map(|j| s.points[j].0))
        .min_by(|a, b| (a - t).abs().total_cmp(&(b - t).abs()))?;
    let names = spec.names();
    let rows = shown()
        .filter_map(|(i, s)| {
            let j = nearest_point(&s.points, time)?;
            let x = s.points[j].0;
            let gap = |k: Option<usize>| {
                k.and_then(|k| s.points.get(k))
                    .map_or(f64::INFINITY, |p| (p.0 - x).abs())
            };
            let spacing = gap(j.checked_sub(1)).min(gap(Some(j + 1)));
            let tolerance = if spacing.is_finite() {
                spacing / 2.0
            } else {
                0.0
            };
            ((x - time).abs() <= tolerance).then(|| HoverRow {
                color: Some(i),
                name: names[i].clone(),
                value: s.points[j].1,
            })
        })
        .collect();
    Some(Hover { time, rows })
}

/// Which series are shown when the one named `isolated` is isolated: only that
/// one (and any of the same name), or all when nothing is isolated or the name is
/// no longer there.
pub fn visibility(names: &[String], isolated: Option<&str>) -> Vec<bool> {
    match isolated {
        Some(k) if names.iter().any(|n| n == k) => names.iter().map(|n| n == k).collect(),
        _ => vec![true; names.len()],
    }
}

/// A click on legend entry `clicked`: isolates it, or shows all again when it
/// was the isolated one (Prometheus's and Grafana's legend).
pub fn toggle_isolation(current: Option<&str>, clicked: &str) -> Option<String> {
    if current == Some(clicked) {
        None
    } else {
        Some(clicked.to_string())
    }
}
