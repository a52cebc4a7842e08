//! The bucket distribution at the last timestamp: one bar per bucket (its own
//! count, not the cumulative one), labelled with the bucket's `le` in the histogram's unit (`250 ms`).

use plotters::prelude::*;

use super::frame::{self, Axes, Plot, px};
use super::{ChartSeries, Palette, Unit};
use crate::views::chart::{bound_labels, last_distribution, parse_le};

pub(crate) fn draw_bars(
    canvas: &web_sys::HtmlCanvasElement,
    series: &[ChartSeries],
    (unit, le_unit): (Unit, Unit),
    palette: &Palette,
    dpr: f64,
) -> Result<Plot, String> {
    let root = frame::root(canvas, palette)?;
    let bars = last_distribution(series);
    let les: Vec<f64> = bars.iter().filter_map(|b| parse_le(&b.0)).collect();
    let spelled: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    let labels = if les.len() == bars.len() {
        bound_labels(le_unit, &les, &spelled)
    } else {
        spelled
    };
    let n = bars.len().max(1) as f64;
    let top = bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.05 } else { 1.0 };
    let axes = Axes {
        x_time: false,
        ..Axes::time((0.0, n), (0.0, top), unit)
    };
    let chart = frame::frame(&root, &axes, palette, dpr)?;
    let plot = Plot::of(&chart, dpr);
    if bars.is_empty() {
        frame::no_data(&root, palette, dpr)?;
    }
    let color = palette.series_color(0);
    let area = chart.plotting_area();
    for (k, (_, v)) in bars.iter().enumerate() {
        let k = k as f64;
        area.draw(&Rectangle::new(
            [(k + 0.12, 0.0), (k + 0.88, *v)],
            color.mix(0.85).filled(),
        ))
        .map_err(frame::err)?;
    }
    // Bucket labels under the bars, thinned to fit.
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
    let bar_px = (plot.right - plot.left) as f64 / n;
    let every = ((longest * 7.0 + 6.0) * dpr / bar_px).ceil().max(1.0) as usize;
    let style = frame::top_centered(frame::font(dpr, 11.0, &palette.foreground));
    for (k, label) in labels.iter().enumerate() {
        if !k.is_multiple_of(every) {
            continue;
        }
        let (x, _) = chart.backend_coord(&(k as f64 + 0.5, 0.0));
        root.draw(&Text::new(
            label.clone(),
            (x, plot.bottom + px(dpr, 5.0) as i32),
            style.clone(),
        ))
        .map_err(frame::err)?;
    }
    root.present().map_err(frame::err)?;
    Ok(plot)
}
