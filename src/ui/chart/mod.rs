//! Charts drawn with plotters on a `<canvas>`. The component owns the canvas and
//! its size; each chart kind is a drawing function in its own file that is told the
//! pixel ratio, so lines, fonts and margins stay sharp on HiDPI screens.

mod lines;
mod palette;
mod spec;

pub use lines::{Series, draw_time_series};
pub use palette::Palette;
pub use spec::{ChartKind, ChartSeries, ChartSpec, Unit};

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::theme::Theme;

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

/// A time-series line chart that redraws whenever `series`, the theme or its size changes.
/// `testid` names the wrapper element (the Query pane uses `graph`).
#[component]
pub fn TimeSeriesChart(
    #[prop(into)] series: Signal<Vec<Series>>,
    #[prop(into)] label: String,
    testid: &'static str,
) -> impl IntoView {
    let canvas_ref = NodeRef::<Canvas>::new();
    // Bumped by the ResizeObserver so the drawing effect reruns on layout changes.
    let size_epoch = RwSignal::new(0u32);
    let theme = use_context::<Theme>();

    Effect::new(move |_| {
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        let observer_cb =
            Closure::<dyn Fn()>::new(move || size_epoch.update(|n| *n = n.wrapping_add(1)));
        if let Ok(observer) = web_sys::ResizeObserver::new(observer_cb.as_ref().unchecked_ref()) {
            observer.observe(&canvas);
            let observer = send_wrapper::SendWrapper::new(observer);
            on_cleanup(move || observer.disconnect());
        }
        // Owned by the observer for the canvas's lifetime.
        observer_cb.forget();
    });

    Effect::new(move |_| {
        size_epoch.track();
        let mode = theme.map(|t| t.mode.get());
        let data = series.get();
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        let dpr = fit_canvas_to_box(&canvas);
        let palette = Palette::from_element(&canvas, mode);
        if let Err(err) = draw_time_series(&canvas, &data, &palette, dpr) {
            leptos::logging::warn!("chart could not be drawn: {err}");
        }
    });

    view! {
        <div class="chart" data-testid=testid>
            <canvas node_ref=canvas_ref role="img" aria-label=label></canvas>
        </div>
    }
}

/// Draws `spec` onto `canvas` (already sized in device pixels), by kind.
pub fn draw_chart(
    canvas: &web_sys::HtmlCanvasElement,
    spec: &ChartSpec,
    palette: &Palette,
    dpr: f64,
) -> Result<(), String> {
    let lines: Vec<Series> = spec
        .series
        .iter()
        .map(|s| Series {
            name: s.name.clone(),
            points: s.points.clone(),
        })
        .collect();
    // Every kind draws as lines until its own drawing lands.
    draw_time_series(canvas, &lines, palette, dpr)
}

/// A chart of any kind (see [`ChartSpec`]), redrawn whenever `spec`, the theme or
/// its size changes. `testid` names the wrapper element.
#[component]
pub fn Chart(
    #[prop(into)] spec: Signal<ChartSpec>,
    #[prop(into)] label: String,
    testid: &'static str,
) -> impl IntoView {
    let canvas_ref = NodeRef::<Canvas>::new();
    let size_epoch = RwSignal::new(0u32);
    let theme = use_context::<Theme>();
    Effect::new(move |_| {
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        let observer_cb =
            Closure::<dyn Fn()>::new(move || size_epoch.update(|n| *n = n.wrapping_add(1)));
        if let Ok(observer) = web_sys::ResizeObserver::new(observer_cb.as_ref().unchecked_ref()) {
            observer.observe(&canvas);
            let observer = send_wrapper::SendWrapper::new(observer);
            on_cleanup(move || observer.disconnect());
        }
        observer_cb.forget();
    });
    Effect::new(move |_| {
        size_epoch.track();
        let mode = theme.map(|t| t.mode.get());
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        let dpr = fit_canvas_to_box(&canvas);
        let palette = Palette::from_element(&canvas, mode);
        if let Err(err) = spec.with(|s| draw_chart(&canvas, s, &palette, dpr)) {
            leptos::logging::warn!("chart could not be drawn: {err}");
        }
    });
    view! {
        <div class="chart" data-testid=testid>
            <canvas node_ref=canvas_ref role="img" aria-label=label></canvas>
        </div>
    }
}
