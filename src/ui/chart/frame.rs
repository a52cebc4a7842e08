//! What every chart kind shares: the drawing root, sizes scaled by the pixel ratio,
//! a time × value frame with unit-formatted axes, and [`Plot`], the geometry a
//! drawing hands back so the component can map the mouse to time.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;

use super::{Palette, Unit};
use crate::views::chart::{time_ticks, value_ticks};

pub(crate) type Root = DrawingArea<CanvasBackend, Shift>;
pub(crate) type TimeChart<'a> =
    ChartContext<'a, CanvasBackend, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Where a chart's plot area is and what it spans: the area in device pixels
/// (`left..right`, `top..bottom` of the canvas's backing store) and the x (Unix
/// seconds) and y ranges drawn across it. Empty (all zero) for kinds without axes.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Plot {
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub dpr: f64,
}

impl Plot {
    pub(crate) fn of(chart: &TimeChart<'_>, dpr: f64) -> Plot {
        let (xs, ys) = chart.plotting_area().get_pixel_range();
        let (x, y) = (chart.x_range(), chart.y_range());
        Plot {
            left: xs.start,
            right: xs.end,
            top: ys.start,
            bottom: ys.end,
            x_range: (x.start, x.end),
            y_range: (y.start, y.end),
            dpr,
        }
    }

    /// Whether the plot has an area with axes (hover applies).
    pub fn has_area(&self) -> bool {
        self.right > self.left && self.bottom > self.top && self.x_range.1 > self.x_range.0
    }

    fn ratio(&self) -> f64 {
        if self.dpr.is_finite() && self.dpr > 0.0 {
            self.dpr
        } else {
            1.0
        }
    }

    /// The time under CSS pixel `css_x` (from the canvas's left edge); `None` outside the plot area.
    pub fn time_at(&self, css_x: f64) -> Option<f64> {
        let x = css_x * self.ratio();
        if !self.has_area() || x < self.left as f64 || x > self.right as f64 {
            return None;
        }
        let f = (x - self.left as f64) / (self.right - self.left) as f64;
        Some(self.x_range.0 + f * (self.x_range.1 - self.x_range.0))
    }

    /// The CSS x (from the canvas's left edge) of time `t`.
    pub fn css_x_of(&self, t: f64) -> f64 {
        let f = (t - self.x_range.0) / (self.x_range.1 - self.x_range.0);
        (self.left as f64 + f * (self.right - self.left) as f64) / self.ratio()
    }

    /// The plot area in CSS pixels: (left, top, width, height).
    pub fn css_rect(&self) -> (f64, f64, f64, f64) {
        let r = self.ratio();
        (
            self.left as f64 / r,
            self.top as f64 / r,
            (self.right - self.left) as f64 / r,
            (self.bottom - self.top) as f64 / r,
        )
    }
}

pub(crate) fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A drawing root on `canvas`, filled with the background.
pub(crate) fn root(canvas: &web_sys::HtmlCanvasElement, palette: &Palette) -> Result<Root, String> {
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| "canvas has no 2d context".to_string())?;
    let root = backend.into_drawing_area();
    root.fill(&palette.background).map_err(err)?;
    Ok(root)
}

/// CSS pixels to device pixels, at least 1.
pub(crate) fn px(dpr: f64, css: f64) -> u32 {
    (css * dpr).round().max(1.0) as u32
}

/// The chart font at `css_size` CSS pixels in `color`.
pub(crate) fn font(dpr: f64, css_size: f64, color: &RGBColor) -> TextStyle<'static> {
    (
        "sans-serif",
        (css_size * crate::ui::presenter::text_scale() * dpr).round(),
    )
        .into_font()
        .color(color)
}

/// `style` anchored at its centre.
pub(crate) fn centered(style: TextStyle<'static>) -> TextStyle<'static> {
    style.pos(Pos::new(HPos::Center, VPos::Center))
}

/// `style` anchored at its right end, vertically centred (y-axis labels).
pub(crate) fn right_aligned(style: TextStyle<'static>) -> TextStyle<'static> {
    style.pos(Pos::new(HPos::Right, VPos::Center))
}

/// `style` anchored at the top centre (x-axis labels).
pub(crate) fn top_centered(style: TextStyle<'static>) -> TextStyle<'static> {
    style.pos(Pos::new(HPos::Center, VPos::Top))
}

/// How a frame's axes are labelled.
pub(crate) struct Axes {
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub unit: Unit,
    /// Time labels on x (else none: the caller labels it).
    pub x_time: bool,
    /// Unit-formatted labels on y (else none: the caller labels it).
    pub y_values: bool,
    /// Extra room on the right in CSS pixels (a colour legend).
    pub right_css: f64,
    /// The y label area's width in CSS pixels.
    pub y_area_css: f64,
}

impl Axes {
    pub(crate) fn time(x: (f64, f64), y: (f64, f64), unit: Unit) -> Axes {
        Axes {
            x,
            y,
            unit,
            x_time: true,
            y_values: true,
            right_css: 0.0,
            y_area_css: 64.0,
        }
    }
}

/// Room kept above the plot, in CSS pixels, for the PNG/CSV buttons laid over
/// the canvas's top right corner (`.chart-export` in static/style.css: 4 px from
/// the top, about 20 px tall), so nothing drawn sits under them.
const TOP_CSS: f64 = 26.0;
/// CSS pixels per time label (`HH:MM:SS` at 12 px and the gap to the next one).
const X_TICK_CSS: f64 = 80.0;
/// CSS pixels per value label (its height and the gap to the next one).
const Y_TICK_CSS: f64 = 40.0;

/// A cartesian frame with axes, grid lines and labels at the ticks `views::chart`
/// chooses (round times, round values in the unit).
pub(crate) fn frame<'a>(
    root: &'a Root,
    axes: &Axes,
    palette: &Palette,
    dpr: f64,
) -> Result<TimeChart<'a>, String> {
    let mut chart = ChartBuilder::on(root)
        .margin(px(dpr, 10.0))
        .margin_top(px(dpr, TOP_CSS))
        .margin_right(px(dpr, 10.0 + axes.right_css))
        .x_label_area_size(px(dpr, 24.0))
        .y_label_area_size(px(dpr, axes.y_area_css))
        .build_cartesian_2d(axes.x.0..axes.x.1, axes.y.0..axes.y.1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .axis_style(palette.foreground.stroke_width(px(dpr, 1.0)))
        .x_labels(0)
        .y_labels(0)
        .disable_mesh()
        .draw()
        .map_err(err)?;
    let plot = Plot::of(&chart, dpr);
    let scale = crate::ui::presenter::text_scale();
    let grid = palette.grid.stroke_width(px(dpr, 1.0));
    let label = font(dpr, 12.0, &palette.foreground);
    let (width, _) = root.dim_in_pixel();
    if axes.x_time {
        let room = (plot.right - plot.left) as f64 / dpr / (X_TICK_CSS * scale);
        let style = top_centered(label.clone());
        for tick in time_ticks(axes.x.0, axes.x.1, room.floor().max(2.0) as usize) {
            let (x, _) = chart.backend_coord(&(tick.at, axes.y.0));
            root.draw(&PathElement::new([(x, plot.top), (x, plot.bottom)], grid))
                .map_err(err)?;
            // A label that would run off the canvas is left out (its line stays).
            let (w, _) = root.estimate_text_size(&tick.label, &style).map_err(err)?;
            if x - (w as i32) / 2 >= 0 && x + (w as i32) / 2 <= width as i32 {
                let at = (x, plot.bottom + px(dpr, 5.0) as i32);
                root.draw(&Text::new(tick.label, at, style.clone()))
                    .map_err(err)?;
            }
        }
    }
    if axes.y_values {
        let room = (plot.bottom - plot.top) as f64 / dpr / (Y_TICK_CSS * scale);
        let style = right_aligned(label);
        for tick in value_ticks(
            axes.unit,
            axes.y.0,
            axes.y.1,
            room.floor().max(2.0) as usize,
        ) {
            let (_, y) = chart.backend_coord(&(axes.x.0, tick.at));
            root.draw(&PathElement::new([(plot.left, y), (plot.right, y)], grid))
                .map_err(err)?;
            let at = (plot.left - px(dpr, 6.0) as i32, y);
            root.draw(&Text::new(tick.label, at, style.clone()))
                .map_err(err)?;
        }
    }
    Ok(chart)
}

/// "no data" in the middle of `root`.
pub(crate) fn no_data(root: &Root, palette: &Palette, dpr: f64) -> Result<(), String> {
    let (w, h) = root.dim_in_pixel();
    root.draw(&Text::new(
        "no data",
        (w as i32 / 2, h as i32 / 2),
        centered(font(dpr, 12.0, &palette.foreground)),
    ))
    .map_err(err)
}

/// Axis ranges covering every finite point of `series`, never empty, padded by 5 %
/// on y (`y_from_zero`: the range includes 0, for stacks and bars).
pub(crate) fn bounds<'a>(
    series: impl Iterator<Item = &'a [(f64, f64)]>,
    y_from_zero: bool,
) -> ((f64, f64), (f64, f64)) {
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in series
        .flat_map(|s| s.iter())
        .filter(|(x, y)| x.is_finite() && y.is_finite())
    {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        return ((0.0, 60.0), (0.0, 1.0));
    }
    if y_from_zero {
        y0 = y0.min(0.0);
        y1 = y1.max(0.0);
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
        // A stack or bars start at 0 exactly.
        if !(y_from_zero && y0 == 0.0) {
            y0 -= pad;
        }
        y1 += pad;
    }
    ((x0, x1), (y0, y1))
}
