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
mod parts;
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
    ChartKind, ChartSeries, ChartSpec, Unit, hover_at, is_visible, visibility,
};
use parts::{HoverBox, HoverView, Legend, Markers};

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
        ChartKind::Heatmap => heatmap::draw_heatmap(
            canvas,
            &spec.series,
            (spec.unit, spec.le_unit),
            palette,
            dpr,
        ),
        ChartKind::Bars => bars::draw_bars(
            canvas,
            &spec.series,
            (spec.unit, spec.le_unit),
            palette,
            dpr,
        ),
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
    // The geometry of the last drawing, for the hover and the markers laid over it.
    let drawn = RwSignal::new(Plot::default());
    let mouse_x = StoredValue::new(None::<f64>);
    let hover = RwSignal::new(None::<HoverView>);
    let base_name = file_name.unwrap_or_else(|| "chart".to_string());

    watch_size(canvas_ref, size_epoch);

    // Recomputes the readout for the last mouse position (after a move or a redraw).
    let update_hover = move || {
        let Some(x) = mouse_x.get_value() else {
            hover.set(None);
            return;
        };
        let p = drawn.get_untracked();
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
        let geometry = spec
            .with(|s| draw_chart_visible(&canvas, s, &vis, &palette, dpr))
            // For the benchmarks: query submitted → chart drawn.
            .inspect(|_| crate::ui::browser::mark("chart-drawn"))
            .unwrap_or_else(|err| {
                leptos::logging::warn!("chart could not be drawn: {err}");
                Plot::default()
            });
        if drawn.get_untracked() != geometry {
            drawn.set(geometry);
        }
        update_hover();
    });

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
                <Markers spec=spec kind=kind plot=drawn/>
                <HoverBox hover=hover/>
                <ExportButtons canvas=canvas_ref spec=spec base_name=base_name/>
            </div>
            <Legend kind=kind names=names visible=visible isolated=isolated/>
        </div>
    }
}

/// Bumps `size_epoch` whenever the canvas's box changes; the watch (observer and
/// closure) goes with the chart.
fn watch_size(canvas_ref: NodeRef<Canvas>, size_epoch: RwSignal<u32>) {
    Effect::new(move |_| {
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        if let Some(watch) = SizeWatch::new(&canvas, move || {
            size_epoch.try_update(|n| *n = n.wrapping_add(1));
        }) {
            let watch = send_wrapper::SendWrapper::new(watch);
            on_cleanup(move || drop(watch));
        }
    });
}

/// PNG (the canvas as drawn) and CSV (the series) downloads, named `base_name`.
#[component]
fn ExportButtons(
    canvas: NodeRef<Canvas>,
    #[prop(into)] spec: Signal<ChartSpec>,
    base_name: String,
) -> impl IntoView {
    let png_name = crate::views::chart::file_name(&base_name, "png");
    let csv_name = crate::views::chart::file_name(&base_name, "csv");
    let export_png = move |_| {
        if let Some(canvas) = canvas.get_untracked()
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
    // Fullscreen for one chart (a presenter's projector): the chart's own box.
    let fullscreen = move |ev: leptos::ev::MouseEvent| {
        let chart = event_target::<web_sys::Element>(&ev)
            .closest(".chart")
            .ok()
            .flatten();
        if let Some(chart) = chart {
            let _ = chart.request_fullscreen();
        }
    };
    view! {
        <div class="chart-export">
            <button type="button" data-testid="chart-fullscreen" title="Show this chart full screen (Esc to leave)" on:click=fullscreen>
                "⛶"
            </button>
            <button type="button" data-testid="chart-export-png" title="Download the chart as PNG" on:click=export_png>
                "PNG"
            </button>
            <button type="button" data-testid="chart-export-csv" title="Download the series as CSV (time, series, value)" on:click=export_csv>
                "CSV"
            </button>
        </div>
    }
}
