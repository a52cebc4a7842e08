//! Stacked areas: series summed bottom-up at each timestamp. As in Prometheus's
//! stacked graph, a series without a point at a timestamp where others have one
//! counts as 0 there; where no series has a point (a step missing from all of
//! them) the stack breaks.

use plotters::prelude::*;

use super::frame::{self, Axes, Plot, px};
use super::{Palette, Unit};
use crate::views::chart::stack;

/// Stacked areas (`lines[i]` with colour index `colors[i]`), unit on y.
pub(crate) fn draw_stacked(
    canvas: &web_sys::HtmlCanvasElement,
    lines: &[&[(f64, f64)]],
    colors: &[usize],
    unit: Unit,
    palette: &Palette,
    dpr: f64,
) -> Result<Plot, String> {
    let root = frame::root(canvas, palette)?;
    let st = stack(lines);
    let tops: Vec<Vec<(f64, f64)>> = st
        .tops
        .iter()
        .map(|top| st.times.iter().copied().zip(top.iter().copied()).collect())
        .collect();
    let (x, y) = frame::bounds(tops.iter().map(|t| t.as_slice()), true);
    let chart = frame::frame(&root, &Axes::time(x, y, unit), palette, dpr)?;
    let plot = Plot::of(&chart, dpr);
    if st.times.is_empty() {
        frame::no_data(&root, palette, dpr)?;
    }
    let area = chart.plotting_area();
    for run in st.runs() {
        for (i, color) in colors.iter().enumerate() {
            let c = palette.series_color(*color);
            let upper: Vec<(f64, f64)> =
                run.clone().map(|t| (st.times[t], st.tops[i][t])).collect();
            let mut outline = upper.clone();
            outline.extend(run.clone().rev().map(|t| (st.times[t], st.bottom(i, t))));
            if run.len() > 1 {
                area.draw(&Polygon::new(outline, c.mix(0.35).filled()))
                    .map_err(frame::err)?;
            }
            area.draw(&PathElement::new(upper, c.stroke_width(px(dpr, 1.5))))
                .map_err(frame::err)?;
        }
    }
    root.present().map_err(frame::err)?;
    Ok(plot)
}
