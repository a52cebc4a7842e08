//! Time-series lines: x is Unix time in seconds, y any float. NaN and infinite
//! values break a line rather than bending it to the edge of the chart.

use plotters::prelude::*;

use super::downsample::downsample;
use super::frame::{self, Axes, Plot, px};
use super::{Palette, Unit};

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
pub(crate) fn finite_runs(points: &[(f64, f64)]) -> impl Iterator<Item = &[(f64, f64)]> {
    points
        .split(|(x, y)| !x.is_finite() || !y.is_finite())
        .filter(|run| !run.is_empty())
}

/// `HH:MM:SS` of a Unix time, in UTC (the playground's clock is UTC everywhere).
pub fn format_clock(unix_seconds: f64) -> String {
    let s = unix_seconds.rem_euclid(86_400.0) as u64;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}
