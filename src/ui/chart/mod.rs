//! Charts drawn with plotters on a `<canvas>`. The component owns the canvas and
//! its size, the legend (click to isolate a series), the hover readout and the
//! export buttons; each chart kind is a drawing function in its own file that is
//! told the pixel ratio, so lines, fonts and margins stay sharp on HiDPI screens,
//! and hands back the plot's geometry ([`Plot`]) for mapping the mouse to time.

mod bars;
mod export;
mod frame;
mod gauge;
mod heatmap;
mod lines;
mod palette;
mod stacked;
mod stat;

pub use frame::Plot;
pub use lines::{Series, draw_time_series};
pub use palette::Palette;

use std::sync::atomic::{AtomicUsize, Ordering};

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::theme::Theme;
use crate::views::chart::{
    ChartKind, ChartSeries, ChartSpec, Hover, Unit, format_clock, hover_at, is_visible,
    toggle_isolation, visibility,
};

/// Canvas size in device pixels for a CSS box of `css_w × css_h` at ratio `dpr`.
pub fn device_size(css_w: f64, css_h: f64, dpr: f64) -> (u32, u32) {
    let dpr = if dpr.is_finite() && dpr > 0.0 {
        dpr
    } else {
        1.0
    };
    (
        (css_w * dpr).round().max(1.0) as u32,
        (css_h * dpr).round().max(1.0) as u32,
    )
}

fn device_pixel_ratio() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
}

/// Resizes `canvas`'s backing store to its CSS box × devicePixelRatio and returns the ratio used.
pub fn fit_canvas_to_box(canvas: &web_sys::HtmlCanvasElement) -> f64 {
    let rect = canvas.get_bounding_client_rect();
    let dpr = device_pixel_ratio();
    let (w, h) = device_size(rect.width(), rect.height(), dpr);
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    dpr
}

/// Draws `spec` onto `canvas` (already sized in device pixels), by kind, every
/// series shown; returns the plot's geometry (empty for Stat and Gauge).
pub fn draw_chart(
    canvas: &web_sys::HtmlCanvasElement,
    spec: &ChartSpec,
    palette: &Palette,
    dpr: f64,
) -> Result<Plot, String> {
    draw_chart_visible(canvas, spec, &[], palette, dpr)
}

/// [`draw_chart`] showing only the series whose `visible` entry is true (entries
/// missing: shown). Series keep their colours whatever is hidden. Heatmaps and
/// bars always use every series (they are the buckets of one histogram).
pub fn draw_chart_visible(
    canvas: &web_sys::HtmlCanvasElement,
    spec: &ChartSpec,
    visible: &[bool],
    palette: &Palette,
    dpr: f64,
) -> Result<Plot, String> {
    let shown: Vec<(usize, &ChartSeries)> = spec
        .series
        .iter()
        .enumerate()
        .filter(|(i, _)| is_visible(visible, *i))
        .collect();
    let first = shown
        .first()
        .map_or((0, &[][..]), |(i, s)| (*i, &s.points[..]));
    match spec.kind {
        ChartKind::Lines => {
            let lines: Vec<lines::Line<'_>> = shown
                .iter()
                .map(|(i, s)| lines::Line {
                    points: &s.points,
                    color: *i,
                })
                .collect();
            lines::draw_lines(canvas, &lines, spec.unit, palette, dpr)
        }
        ChartKind::Stacked => {
            let points: Vec<&[(f64, f64)]> = shown.iter().map(|(_, s)| &s.points[..]).collect();
            let colors: Vec<usize> = shown.iter().map(|(i, _)| *i).collect();
            stacked::draw_stacked(canvas, &points, &colors, spec.unit, palette, dpr)
        }
        ChartKind::Heatmap => heatmap::draw_heatmap(canvas, &spec.series, spec.unit, palette, dpr),
        ChartKind::Bars => bars::draw_bars(canvas, &spec.series, spec.unit, palette, dpr),
        ChartKind::Stat => stat::draw_stat(canvas, first.1, first.0, spec.unit, palette, dpr),
        ChartKind::Gauge => gauge::draw_gauge(
            canvas,
            first.1,
            first.0,
            spec.unit,
            (spec.min, spec.max),
            palette,
            dpr,
        ),
    }
}

/// Resize observers alive (their closures not yet freed): the leak test reads it.
static LIVE_SIZE_WATCHES: AtomicUsize = AtomicUsize::new(0);

/// How many charts' resize observers are alive.
pub fn live_size_watches() -> usize {
    LIVE_SIZE_WATCHES.load(Ordering::Relaxed)
}

/// A `ResizeObserver` on one element and the closure it calls: dropping it
/// disconnects the observer and frees the closure (nothing is leaked per chart).
struct SizeWatch {
    observer: web_sys::ResizeObserver,
    _callback: Closure<dyn Fn()>,
}

impl SizeWatch {
    fn new(element: &web_sys::Element, on_resize: impl Fn() + 'static) -> Option<SizeWatch> {
        let callback = Closure::<dyn Fn()>::new(on_resize);
        let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        observer.observe(element);
        LIVE_SIZE_WATCHES.fetch_add(1, Ordering::Relaxed);
        Some(SizeWatch {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for SizeWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
        LIVE_SIZE_WATCHES.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Whether a chart kind has a legend of series (the others show one histogram or one value).
fn has_legend(kind: ChartKind) -> bool {
    matches!(kind, ChartKind::Lines | ChartKind::Stacked)
}

/// Whether the kind's x axis is time (markers apply).
fn has_time_axis(kind: ChartKind) -> bool {
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
struct HoverView {
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
    fn new(h: Hover, plot: &Plot, unit: Unit, css_width: f64) -> HoverView {
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

/// A chart of any kind (see [`ChartSpec`]), redrawn whenever `spec`, the theme or
/// its size changes, with a legend under it (Lines, Stacked: click an entry to
/// isolate it, again to show all), a crosshair and readout on hover, and PNG/CSV
/// download buttons. `testid` names the wrapper element; `file_name` (without
/// extension, default `chart`) names the downloads.
#[component]
pub fn Chart(
    #[prop(into)] spec: Signal<ChartSpec>,
    #[prop(into)] label: String,
    testid: &'static str,
    #[prop(optional, into)] file_name: Option<String>,
) -> impl IntoView {
    let canvas_ref = NodeRef::<Canvas>::new();
    let size_epoch = RwSignal::new(0u32);
    let theme = use_context::<Theme>();
    let isolated = RwSignal::new(None::<String>);
    let names = Memo::new(move |_| spec.with(|s| s.names()));
    let kind = Memo::new(move |_| spec.with(|s| s.kind));
    let visible = Memo::new(move |_| {
        let iso = isolated.get();
        names.with(|n| visibility(n, iso.as_deref()))
    });
    let plot = StoredValue::new(Plot::default());
    // The geometry of the last drawing, for the markers laid over it.
    let drawn = RwSignal::new(Plot::default());
    let mouse_x = StoredValue::new(None::<f64>);
    let hover = RwSignal::new(None::<HoverView>);
    let base_name = file_name.unwrap_or_else(|| "chart".to_string());

    Effect::new(move |_| {
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        // Redraw when the canvas's box changes; the watch (observer and closure)
        // goes with the chart.
        if let Some(watch) = SizeWatch::new(&canvas, move || {
            size_epoch.try_update(|n| *n = n.wrapping_add(1));
        }) {
            let watch = send_wrapper::SendWrapper::new(watch);
            on_cleanup(move || drop(watch));
        }
    });

    // Recomputes the readout for the last mouse position (after a move or a redraw).
    let update_hover = move || {
        let Some(x) = mouse_x.get_value() else {
            hover.set(None);
            return;
        };
        let p = plot.get_value();
        let width = canvas_ref
            .get_untracked()
            .map_or(0.0, |c| c.client_width() as f64);
        let view = p.time_at(x).and_then(|t| {
            spec.with_untracked(|s| {
                hover_at(s, &visible.get_untracked(), t)
                    .map(|h| HoverView::new(h, &p, s.unit, width))
            })
        });
        hover.set(view);
    };

    Effect::new(move |_| {
        size_epoch.track();
        let mode = theme.map(|t| t.mode.get());
        let vis = visible.get();
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        let dpr = fit_canvas_to_box(&canvas);
        let palette = Palette::from_element(&canvas, mode);
        match spec.with(|s| draw_chart_visible(&canvas, s, &vis, &palette, dpr)) {
            Ok(p) => {
                plot.set_value(p);
                if drawn.get_untracked() != p {
                    drawn.set(p);
                }
                // For the benchmarks: query submitted → chart drawn.
                if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
                    let _ = perf.mark("chart-drawn");
                }
            }
            Err(err) => {
                plot.set_value(Plot::default());
                leptos::logging::warn!("chart could not be drawn: {err}");
            }
        }
        update_hover();
    });

    let png_name = crate::views::chart::file_name(&base_name, "png");
    let csv_name = crate::views::chart::file_name(&base_name, "csv");
    let export_png = move |_| {
        if let Some(canvas) = canvas_ref.get_untracked()
            && let Err(err) = export::download_png(&canvas, &png_name)
        {
            leptos::logging::warn!("PNG export failed: {err}");
        }
    };
    let export_csv = move |_| {
        if let Err(err) = spec.with_untracked(|s| export::download_csv(s, &csv_name)) {
            leptos::logging::warn!("CSV export failed: {err}");
        }
    };

    let hover_box = move || {
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
    };

    let markers = move || {
        let p = drawn.get();
        if !has_time_axis(kind.get()) || !p.has_area() {
            return None;
        }
        let (_, top, _, height) = p.css_rect();
        let items = spec.with(|s| s.markers.clone()).into_iter().map(|m| {
            let (line, span) = m.placement(p.x_range);
            let title = m.text.clone();
            view! {
                {span.map(|(a, b)| {
                    let (x, w) = (p.css_x_of(a), p.css_x_of(b) - p.css_x_of(a));
                    view! { <div class="chart-marker-span" style=format!("position:absolute;left:{x:.1}px;top:{top:.1}px;width:{w:.1}px;height:{height:.1}px")></div> }
                })}
                {line.map(|t| view! {
                    <div class="chart-marker" data-testid="chart-marker" title=title.clone() aria-label=title.clone()
                        style=format!("position:absolute;left:{:.1}px;top:{top:.1}px;height:{height:.1}px", p.css_x_of(t))></div>
                })}
            }
        }).collect_view();
        Some(items)
    };

    let legend = move || {
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
    };

    view! {
        <div class="chart" data-testid=testid>
            <div class="chart-body">
                <canvas
                    node_ref=canvas_ref
                    role="img"
                    aria-label=label
                    on:mousemove=move |ev| {
                        mouse_x.set_value(Some(ev.offset_x() as f64));
                        update_hover();
                    }
                    on:mouseleave=move |_| {
                        mouse_x.set_value(None);
                        hover.set(None);
                    }
                ></canvas>
                {markers}
                {hover_box}
                <div class="chart-export">
                    <button
                        type="button"
                        data-testid="chart-export-png"
                        title="Download the chart as PNG"
                        on:click=export_png
                    >
                        "PNG"
                    </button>
                    <button
                        type="button"
                        data-testid="chart-export-csv"
                        title="Download the series as CSV (time, series, value)"
                        on:click=export_csv
                    >
                        "CSV"
                    </button>
                </div>
            </div>
            {legend}
        </div>
    }
}
