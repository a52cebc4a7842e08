//! Histogram buckets over time (Grafana's heatmap, Prometheus issue #11268): the
//! series carry an `le` label and cumulative counts or rates, as `rate(x_bucket[5m])`
//! or `sum by (le) (rate(x_bucket[5m]))` return them. Per timestamp the cumulative
//! values become per-bucket ones (each minus the next lower bucket's, at least 0);
//! rows are the buckets as ordinal rows labelled with their `le` in the histogram's
//! unit (`5 ms`, `+Inf` on top),
//! columns the timestamps, each cell spanning one step, coloured by its value.

use plotters::prelude::*;

use super::frame::{self, Axes, Plot, px};
use super::{ChartSeries, Palette, Unit};
use crate::views::chart::{bound_labels, buckets, heat_fraction};

/// Draws the heatmap of `series` (values in `unit`, shown on the colour legend;
/// rows labelled with their bounds in `le_unit`).
pub(crate) fn draw_heatmap(
    canvas: &web_sys::HtmlCanvasElement,
    series: &[ChartSeries],
    (unit, le_unit): (Unit, Unit),
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
    let labels = bound_labels(le_unit, &b.les, &b.labels);
    for (k, label) in labels.iter().enumerate().rev() {
        if !(labels.len() - 1 - k).is_multiple_of(every) {
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
