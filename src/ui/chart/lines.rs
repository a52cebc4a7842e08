//! Time-series lines: x is Unix time in seconds, y any float. NaN and infinite
//! values break a line rather than bending it to the edge of the chart.

use plotters::prelude::*;

use super::frame::{self, Axes, Plot, px};
use super::{Palette, Unit};
use crate::views::chart::{break_gaps, downsample, finite_runs};

/// One line: its legend name and its points `(unix seconds, value)` in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// Draws `series` onto `canvas` (already sized in device pixels; `dpr` scales strokes,
/// fonts and margins). An empty chart still draws its frame and a "no data" note.
pub fn draw_time_series(
    canvas: &web_sys::HtmlCanvasElement,
    series: &[Series],
    palette: &Palette,
    dpr: f64,
) -> Result<(), String> {
    let lines: Vec<Line<'_>> = series
        .iter()
        .enumerate()
        .map(|(i, s)| Line {
            points: &s.points,
            color: i,
        })
        .collect();
    draw_lines(canvas, &lines, Unit::None, palette, dpr).map(|_| ())
}

/// One line to draw: its points and its colour index in the palette.
pub(crate) struct Line<'a> {
    pub points: &'a [(f64, f64)],
    pub color: usize,
}

/// Lines over time with a `unit`-formatted y axis, each downsampled to the plot's
/// pixel columns; returns the plot's geometry.
pub(crate) fn draw_lines(
    canvas: &web_sys::HtmlCanvasElement,
    lines: &[Line<'_>],
    unit: Unit,
    palette: &Palette,
    dpr: f64,
) -> Result<Plot, String> {
    let root = frame::root(canvas, palette)?;
    let (x, y) = frame::bounds(lines.iter().map(|l| l.points), false);
    let chart = frame::frame(&root, &Axes::time(x, y, unit), palette, dpr)?;
    let plot = Plot::of(&chart, dpr);
    if lines.iter().all(|l| l.points.is_empty()) {
        frame::no_data(&root, palette, dpr)?;
    }
    let columns = (plot.right - plot.left).max(1) as usize;
    for line in lines {
        let style = palette.series_color(line.color).stroke_width(px(dpr, 2.0));
        let points = downsample(&break_gaps(line.points), columns);
        for run in finite_runs(&points) {
            chart
                .plotting_area()
                .draw(&PathElement::new(run.to_vec(), style))
                .map_err(frame::err)?;
        }
    }
    root.present().map_err(frame::err)?;
    Ok(plot)
}
