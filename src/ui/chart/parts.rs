//! The pieces laid over and under a chart's canvas, one component each: the hover
//! crosshair and readout, the run's event markers, and the legend.

use leptos::prelude::*;

use super::Plot;
use crate::views::chart::{
    ChartKind, ChartSpec, Hover, Unit, format_clock, is_visible, toggle_isolation,
};

/// Whether a chart kind has a legend of series (the others show one histogram or one value).
pub(super) fn has_legend(kind: ChartKind) -> bool {
    matches!(kind, ChartKind::Lines | ChartKind::Stacked)
}

/// Whether the kind's x axis is time (markers apply).
pub(super) fn has_time_axis(kind: ChartKind) -> bool {
    matches!(
        kind,
        ChartKind::Lines | ChartKind::Stacked | ChartKind::Heatmap
    )
}

/// A colour swatch's style for palette index `i`.
fn swatch(i: usize) -> String {
    format!("background: var(--chart-series-{})", i % 6 + 1)
}

/// The most rows the hover box lists.
const HOVER_ROWS: usize = 16;

/// The hover readout as shown: positions in CSS pixels, texts formatted.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct HoverView {
    x: f64,
    top: f64,
    height: f64,
    /// Put the box left of the crosshair (the mouse is on the right half).
    flip: bool,
    /// Distance of the crosshair from the canvas's right edge (for a flipped box).
    from_right: f64,
    time: String,
    rows: Vec<(Option<usize>, String, String)>,
}

impl HoverView {
    pub(super) fn new(h: Hover, plot: &Plot, unit: Unit, css_width: f64) -> HoverView {
        let x = plot.css_x_of(h.time);
        let (_, top, _, height) = plot.css_rect();
        let total = h.rows.len();
        let mut rows: Vec<(Option<usize>, String, String)> = h
            .rows
            .into_iter()
            .take(HOVER_ROWS)
            .map(|r| (r.color, r.name, unit.format(r.value)))
            .collect();
        if total > HOVER_ROWS {
            rows.push((
                None,
                format!("… {} more", total - HOVER_ROWS),
                String::new(),
            ));
        }
        HoverView {
            x,
            top,
            height,
            flip: x > css_width / 2.0,
            from_right: css_width - x,
            time: format_clock(h.time),
            rows,
        }
    }
}

/// The crosshair and the readout box beside it.
#[component]
pub(super) fn HoverBox(#[prop(into)] hover: Signal<Option<HoverView>>) -> impl IntoView {
    move || {
        hover.get().map(|h| {
            let (side, offset) = if h.flip {
                ("right", h.from_right + 12.0)
            } else {
                ("left", h.x + 12.0)
            };
            let rows = h
                .rows
                .into_iter()
                .map(|(color, name, value)| {
                    view! {
                        <li>
                            {color.map(|c| view! { <span class="chart-swatch" style=swatch(c)></span> })}
                            <span class="chart-hover-name">{name}</span>
                            <span class="chart-hover-value">{value}</span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div
                    class="chart-crosshair"
                    style=format!("left:{:.1}px;top:{:.1}px;height:{:.1}px", h.x, h.top, h.height)
                ></div>
                <div
                    class="chart-hover"
                    data-testid="chart-hover"
                    style=format!("{side}:{offset:.1}px;top:{:.1}px", h.top + 4.0)
                >
                    <div class="chart-hover-time">{h.time}</div>
                    <ul>{rows}</ul>
                </div>
            }
        })
    }
}

/// The spec's markers over the plot drawn last (time axes only): a dashed line
/// with a tooltip, and a shaded span while an incident lasts; firing alerts as
/// spans of their own colour.
#[component]
pub(super) fn Markers(
    #[prop(into)] spec: Signal<ChartSpec>,
    #[prop(into)] kind: Signal<ChartKind>,
    #[prop(into)] plot: Signal<Plot>,
) -> impl IntoView {
    move || {
        let p = plot.get();
        if !has_time_axis(kind.get()) || !p.has_area() {
            return None;
        }
        let (_, top, _, height) = p.css_rect();
        let items = spec.with(|s| s.markers.clone()).into_iter().map(|m| {
            let (line, span) = m.placement(p.x_range);
            let title = m.text.clone();
            // Firing alerts are spans of their own colour, marked where they start.
            let (span_class, line_class, testid) = if m.alert {
                ("chart-marker-span alert", "chart-marker alert", "chart-alert-marker")
            } else {
                ("chart-marker-span", "chart-marker", "chart-marker")
            };
            view! {
                {span.map(|(a, b)| {
                    let (x, w) = (p.css_x_of(a), p.css_x_of(b) - p.css_x_of(a));
                    view! { <div class=span_class style=format!("position:absolute;left:{x:.1}px;top:{top:.1}px;width:{w:.1}px;height:{height:.1}px")></div> }
                })}
                {line.map(|t| view! {
                    <div class=line_class data-testid=testid title=title.clone() aria-label=title.clone()
                        style=format!("position:absolute;left:{:.1}px;top:{top:.1}px;height:{height:.1}px", p.css_x_of(t))></div>
                })}
            }
        }).collect_view();
        Some(items)
    }
}

/// The legend (Lines, Stacked): click an entry to isolate its series, again to show all.
#[component]
pub(super) fn Legend(
    #[prop(into)] kind: Signal<ChartKind>,
    #[prop(into)] names: Signal<Vec<String>>,
    #[prop(into)] visible: Signal<Vec<bool>>,
    isolated: RwSignal<Option<String>>,
) -> impl IntoView {
    move || {
        if !has_legend(kind.get()) {
            return None;
        }
        let vis = visible.get();
        let iso = isolated.get();
        let items = names
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let pressed = if iso.as_deref() == Some(name.as_str()) {
                    "true"
                } else {
                    "false"
                };
                let shown = is_visible(&vis, i);
                let key = name.clone();
                view! {
                    <li>
                        <button
                            type="button"
                            class="chart-legend-item"
                            class:chart-legend-hidden=!shown
                            aria-pressed=pressed
                            title="Click to show only this series; again to show all"
                            on:click=move |_| {
                                isolated.update(|cur| *cur = toggle_isolation(cur.as_deref(), &key))
                            }
                        >
                            <span class="chart-swatch" style=swatch(i)></span>
                            <span class="chart-legend-name">{name}</span>
                        </button>
                    </li>
                }
            })
            .collect_view();
        Some(view! { <ul class="chart-legend" data-testid="chart-legend">{items}</ul> })
    }
}
