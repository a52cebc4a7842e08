//! Histogram buckets over time (Grafana's heatmap, Prometheus issue #11268): the
//! series carry an `le` label and cumulative counts or rates, as `rate(x_bucket[5m])`
//! or `sum by (le) (rate(x_bucket[5m]))` return them. Per timestamp the cumulative
//! values become per-bucket ones (each minus the next lower bucket's, at least 0);
//! rows are the buckets as ordinal rows labelled with their `le` (`+Inf` on top),
//! columns the timestamps, each cell spanning one step, coloured by its value.

use plotters::prelude::*;

use super::frame::{self, Axes, Plot, px, time_grid};
use super::{ChartSeries, Palette, Unit};

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
    groups.sort_by(|a, b| a.0.total_cmp(&b.0));
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

/// Draws the heatmap of `series` (values in `unit`, shown on the colour legend).
pub(crate) fn draw_heatmap(
    canvas: &web_sys::HtmlCanvasElement,
    series: &[ChartSeries],
    unit: Unit,
    palette: &Palette,
    dpr: f64,
) -> Result<Plot, String> {
    let root = frame::root(canvas, palette)?;
    let b = buckets(series);
    let rows = b.les.len().max(1) as f64;
    let (x0, x1) = match (b.times.first(), b.times.last()) {
        (Some(a), Some(z)) => (a - b.step / 2.0, z + b.step / 2.0),
        _ => (0.0, 60.0),
    };
    let axes = Axes {
        x_time: true,
        y_values: false,
        right_css: 72.0,
        ..Axes::time((x0, x1), (0.0, rows), unit)
    };
    let chart = frame::frame(&root, &axes, palette, dpr)?;
    let plot = Plot::of(&chart, dpr);
    if b.times.is_empty() || b.les.is_empty() {
        frame::no_data(&root, palette, dpr)?;
        root.present().map_err(frame::err)?;
        return Ok(plot);
    }
    let max = b.max();
    let area = chart.plotting_area();
    let half = b.step / 2.0;
    for (t, row) in b.times.iter().zip(&b.counts) {
        for (k, v) in row.iter().enumerate() {
            if v.is_finite() && *v > 0.0 {
                let color = palette.heat_color(heat_fraction(*v, max));
                area.draw(&Rectangle::new(
                    [(t - half, k as f64), (t + half, k as f64 + 1.0)],
                    color.filled(),
                ))
                .map_err(frame::err)?;
            }
        }
    }
    // Row labels: every row's `le` if they fit, else every n-th.
    let label_style = frame::right_aligned(frame::font(dpr, 11.0, &palette.foreground));
    let row_px = (plot.bottom - plot.top) as f64 / rows;
    let every = ((14.0 * dpr) / row_px).ceil().max(1.0) as usize;
    for (k, label) in b.labels.iter().enumerate().rev() {
        if !(b.labels.len() - 1 - k).is_multiple_of(every) {
            continue;
        }
        let (_, y) = chart.backend_coord(&(x0, k as f64 + 0.5));
        root.draw(&Text::new(
            label.clone(),
            (plot.left - px(dpr, 6.0) as i32, y),
            label_style.clone(),
        ))
        .map_err(frame::err)?;
    }
    draw_color_legend(&root, &plot, max, unit, palette, dpr)?;
    root.present().map_err(frame::err)?;
    Ok(plot)
}

/// A vertical colour bar right of the plot: the scale from 0 (bottom) to `max` (top).
fn draw_color_legend(
    root: &frame::Root,
    plot: &Plot,
    max: f64,
    unit: Unit,
    palette: &Palette,
    dpr: f64,
) -> Result<(), String> {
    let x = plot.right + px(dpr, 14.0) as i32;
    let w = px(dpr, 10.0) as i32;
    let (top, bottom) = (plot.top, plot.bottom);
    let slices = 32;
    let h = (bottom - top) as f64 / slices as f64;
    for i in 0..slices {
        // Linear in position along the bar, through the same square-root scale.
        let f = heat_fraction((i as f64 + 0.5) / slices as f64 * max, max);
        let y1 = bottom - (i as f64 * h) as i32;
        let y0 = bottom - ((i + 1) as f64 * h).ceil() as i32;
        root.draw(&Rectangle::new(
            [(x, y0), (x + w, y1)],
            palette.heat_color(f).filled(),
        ))
        .map_err(frame::err)?;
    }
    root.draw(&Rectangle::new(
        [(x, top), (x + w, bottom)],
        palette.grid.stroke_width(px(dpr, 1.0)),
    ))
    .map_err(frame::err)?;
    let style =
        frame::font(dpr, 11.0, &palette.foreground).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Left,
            plotters::style::text_anchor::VPos::Center,
        ));
    let lx = x + w + px(dpr, 4.0) as i32;
    root.draw(&Text::new(
        unit.format(max),
        (lx, top + px(dpr, 6.0) as i32),
        style.clone(),
    ))
    .map_err(frame::err)?;
    root.draw(&Text::new(
        unit.format(0.0),
        (lx, bottom - px(dpr, 6.0) as i32),
        style,
    ))
    .map_err(frame::err)?;
    Ok(())
}
