//! Time-series lines: x is Unix time in seconds, y any float. NaN and infinite
//! values break a line rather than bending it to the edge of the chart.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use super::Palette;

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
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| "canvas has no 2d context".to_string())?;
    let root = backend.into_drawing_area();
    let px = |css: f64| (css * dpr).round().max(1.0) as u32;
    let font_px = (12.0 * dpr).round();
    let text = ("sans-serif", font_px)
        .into_font()
        .color(&palette.foreground);

    root.fill(&palette.background).map_err(|e| e.to_string())?;

    let (x_range, y_range) = bounds(series);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(10.0))
        .x_label_area_size(px(24.0))
        .y_label_area_size(px(52.0))
        .build_cartesian_2d(x_range.0..x_range.1, y_range.0..y_range.1)
        .map_err(|e| e.to_string())?;

    chart
        .configure_mesh()
        .light_line_style(palette.grid.mix(0.35).stroke_width(px(1.0)))
        .bold_line_style(palette.grid.stroke_width(px(1.0)))
        .axis_style(palette.foreground.stroke_width(px(1.0)))
        .label_style(text.clone())
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|x| format_clock(*x))
        .y_label_formatter(&|y| format_value(*y))
        .draw()
        .map_err(|e| e.to_string())?;

    if series.iter().all(|s| s.points.is_empty()) {
        let (w, h) = root.dim_in_pixel();
        root.draw(&Text::new(
            "no data",
            (w as i32 / 2 - px(24.0) as i32, h as i32 / 2),
            text,
        ))
        .map_err(|e| e.to_string())?;
    }

    for (i, s) in series.iter().enumerate() {
        let style = palette.series_color(i).stroke_width(px(2.0));
        for run in finite_runs(&s.points) {
            chart
                .draw_series(LineSeries::new(run.iter().copied(), style))
                .map_err(|e| e.to_string())?;
        }
    }
    root.present().map_err(|e| e.to_string())
}

/// The maximal runs of consecutive finite points.
fn finite_runs(points: &[(f64, f64)]) -> impl Iterator<Item = &[(f64, f64)]> {
    points
        .split(|(x, y)| !x.is_finite() || !y.is_finite())
        .filter(|run| !run.is_empty())
}

/// Axis ranges covering every finite point, never empty.
fn bounds(series: &[Series]) -> ((f64, f64), (f64, f64)) {
    let finite = series
        .iter()
        .flat_map(|s| s.points.iter())
        .filter(|(x, y)| x.is_finite() && y.is_finite());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in finite {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        return ((0.0, 60.0), (0.0, 1.0));
    }
    if x0 == x1 {
        x0 -= 30.0;
        x1 += 30.0;
    }
    if y0 == y1 {
        let pad = if y0 == 0.0 { 1.0 } else { y0.abs() * 0.1 };
        y0 -= pad;
        y1 += pad;
    } else {
        let pad = (y1 - y0) * 0.05;
        y0 -= pad;
        y1 += pad;
    }
    ((x0, x1), (y0, y1))
}

/// `HH:MM:SS` of a Unix time, in UTC (the playground's clock is UTC everywhere).
pub fn format_clock(unix_seconds: f64) -> String {
    let s = unix_seconds.rem_euclid(86_400.0) as u64;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// A short axis label: SI prefixes for large and small magnitudes.
pub fn format_value(v: f64) -> String {
    let a = v.abs();
    let (scaled, suffix) = if a >= 1e9 {
        (v / 1e9, "G")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else if a > 0.0 && a < 1e-3 {
        (v * 1e6, "µ")
    } else if a > 0.0 && a < 1.0 {
        (v * 1e3, "m")
    } else {
        (v, "")
    };
    let text = format!("{scaled:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{suffix}")
}
