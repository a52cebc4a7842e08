//! A gauge: the last value of the first visible series on a 240° arc from `min`
//! to `max` (defaults: 0..1 for ratios, 0..100 for percentages, else 0 to the
//! largest value seen), the value in words in the middle.

use plotters::prelude::*;

use super::frame::{self, Plot, px};
use super::stat::fit_font;
use super::{Palette, Unit};
use crate::views::chart::{gauge_fraction, gauge_range, last_value};

/// The arc's sweep in degrees, starting lower left, clockwise to lower right.
const SWEEP: f64 = 240.0;
const START: f64 = 210.0;

/// A thick arc from fraction `f0` to `f1` of the sweep, as a polygon.
fn arc(cx: f64, cy: f64, r: f64, thickness: f64, f0: f64, f1: f64) -> Vec<(i32, i32)> {
    let steps = ((f1 - f0) * 96.0).ceil().max(1.0) as usize;
    let at = |f: f64, radius: f64| {
        let a = (START - SWEEP * f).to_radians();
        (
            (cx + radius * a.cos()).round() as i32,
            (cy - radius * a.sin()).round() as i32,
        )
    };
    let fs: Vec<f64> = (0..=steps)
        .map(|i| f0 + (f1 - f0) * i as f64 / steps as f64)
        .collect();
    let mut poly: Vec<(i32, i32)> = fs.iter().map(|f| at(*f, r)).collect();
    poly.extend(fs.iter().rev().map(|f| at(*f, r - thickness)));
    poly
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn draw_gauge(
    canvas: &web_sys::HtmlCanvasElement,
    points: &[(f64, f64)],
    color: usize,
    unit: Unit,
    bounds: (Option<f64>, Option<f64>),
    palette: &Palette,
    dpr: f64,
) -> Result<Plot, String> {
    let root = frame::root(canvas, palette)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as f64, h as f64);
    let Some((_, value)) = last_value(points) else {
        frame::no_data(&root, palette, dpr)?;
        root.present().map_err(frame::err)?;
        return Ok(Plot::default());
    };
    let range = gauge_range(bounds.0, bounds.1, unit, points);
    let f = gauge_fraction(value, range);
    // The arc spans 1.5 r vertically (top at cy - r, ends at cy + r/2); leave room
    // for the bound labels under the ends.
    let label_room = px(dpr, 22.0) as f64;
    let r = (w * 0.42)
        .min((h - label_room - px(dpr, 12.0) as f64) / 1.5)
        .max(4.0);
    let cx = w / 2.0;
    let cy = (h - label_room) / 2.0 + r * 0.25;
    let thickness = r * 0.2;
    let c = palette.series_color(color);
    root.draw(&Polygon::new(
        arc(cx, cy, r, thickness, 0.0, 1.0),
        palette.grid.filled(),
    ))
    .map_err(frame::err)?;
    if f > 0.0 {
        root.draw(&Polygon::new(arc(cx, cy, r, thickness, 0.0, f), c.filled()))
            .map_err(frame::err)?;
    }
    let text = unit.format(value);
    let size = fit_font(&text, (r - thickness) * 1.6, r * 0.4);
    let style = frame::centered(
        ("sans-serif", size)
            .into_font()
            .style(FontStyle::Bold)
            .color(&palette.foreground),
    );
    root.draw(&Text::new(text, (cx as i32, cy as i32), style))
        .map_err(frame::err)?;
    let small = frame::top_centered(frame::font(dpr, 11.0, &palette.foreground));
    let end_y = (cy + r * 0.5 + px(dpr, 6.0) as f64) as i32;
    let dx = r * (SWEEP / 2.0 - 90.0).to_radians().cos() - thickness / 2.0;
    for (x, v) in [(cx - dx, range.0), (cx + dx, range.1)] {
        root.draw(&Text::new(unit.format(v), (x as i32, end_y), small.clone()))
            .map_err(frame::err)?;
    }
    root.present().map_err(frame::err)?;
    Ok(Plot::default())
}
