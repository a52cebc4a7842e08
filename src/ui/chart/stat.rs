//! One big number (the last value of the first visible series, in its unit) over
//! a sparkline of that series.

use plotters::prelude::*;

use super::frame::{self, Plot, px};
use super::{Palette, Unit};
use crate::views::chart::{downsample, last_value};

/// Font size in device pixels for `text` to fill about `w × h` without overflowing.
pub(crate) fn fit_font(text: &str, w: f64, h: f64) -> f64 {
    let chars = text.chars().count().max(1) as f64;
    (h).min(w / (chars * 0.62)).max(8.0)
}

pub(crate) fn draw_stat(
    canvas: &web_sys::HtmlCanvasElement,
    points: &[(f64, f64)],
    color: usize,
    unit: Unit,
    palette: &Palette,
    dpr: f64,
) -> Result<Plot, String> {
    let root = frame::root(canvas, palette)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as f64, h as f64);
    let c = palette.series_color(color);
    let Some((_, value)) = last_value(points) else {
        frame::no_data(&root, palette, dpr)?;
        root.present().map_err(frame::err)?;
        return Ok(Plot::default());
    };
    // The sparkline: the lower 40 %, the series' own range.
    let spark_top = h * 0.6;
    let pad = px(dpr, 8.0) as f64;
    let finite: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    if finite.len() > 1 {
        let (x0, x1) = (finite[0].0, finite[finite.len() - 1].0);
        let (y0, y1) = finite
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
        let y_span = if y1 > y0 { y1 - y0 } else { 1.0 };
        let x_span = if x1 > x0 { x1 - x0 } else { 1.0 };
        let to_px = |(x, y): (f64, f64)| {
            (
                (pad + (x - x0) / x_span * (w - 2.0 * pad)) as i32,
                (h - pad - (y - y0) / y_span * (h - pad - spark_top)) as i32,
            )
        };
        let line: Vec<(i32, i32)> = downsample(&finite, (w - 2.0 * pad).max(1.0) as usize)
            .into_iter()
            .map(to_px)
            .collect();
        let mut fill = line.clone();
        fill.push((line[line.len() - 1].0, (h - pad) as i32));
        fill.push((line[0].0, (h - pad) as i32));
        root.draw(&Polygon::new(fill, c.mix(0.18).filled()))
            .map_err(frame::err)?;
        root.draw(&PathElement::new(line, c.stroke_width(px(dpr, 1.5))))
            .map_err(frame::err)?;
    }
    let text = unit.format(value);
    let size = fit_font(&text, w * 0.9, h * 0.38);
    let style = frame::centered(
        ("sans-serif", size)
            .into_font()
            .style(FontStyle::Bold)
            .color(&c),
    );
    root.draw(&Text::new(
        text,
        ((w / 2.0) as i32, (h * 0.32) as i32),
        style,
    ))
    .map_err(frame::err)?;
    root.present().map_err(frame::err)?;
    Ok(Plot::default())
}
