//! Browser tests of the chart layer (src/ui/chart/): every kind draws, the
//! heatmap's colours follow the data, hover, isolation and markers through the
//! DOM, no observer left behind. What needs no browser (units, legends,
//! downsampling, stacking, buckets, hover lookup) is tested natively in
//! tests/views_chart.rs. Run by wasm-bindgen-test in
//! headless Chromium.

use leptos::prelude::*;
use promplay::ui::chart::*;
use promplay::ui::theme::Mode;
use promplay::views::chart::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::dom::{canvas_with_css_size, document};

fn rgba(canvas: &web_sys::HtmlCanvasElement) -> Vec<u8> {
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    ctx.get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64)
        .unwrap()
        .data()
        .0
}

fn distance(p: &[u8], c: plotters::style::RGBColor) -> i32 {
    (p[0] as i32 - c.0 as i32).abs()
        + (p[1] as i32 - c.1 as i32).abs()
        + (p[2] as i32 - c.2 as i32).abs()
}

/// Coloured pixels: the palette's background, text and grid are greys (and so is
/// text antialiased between them), series and heat colours are not.
fn ink(canvas: &web_sys::HtmlCanvasElement, _palette: &Palette) -> usize {
    rgba(canvas)
        .chunks_exact(4)
        .filter(|p| {
            let (hi, lo) = (p[0].max(p[1]).max(p[2]), p[0].min(p[1]).min(p[2]));
            hi - lo > 40
        })
        .count()
}

fn pixel(canvas: &web_sys::HtmlCanvasElement, x: i32, y: i32) -> [u8; 3] {
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let d = ctx
        .get_image_data(x as f64, y as f64, 1.0, 1.0)
        .unwrap()
        .data()
        .0;
    [d[0], d[1], d[2]]
}

#[path = "../common/chart_fixtures.rs"]
mod chart_fixtures;

use chart_fixtures::*;

#[wasm_bindgen_test]
fn every_kind_draws_data_pixels() {
    let canvas = canvas_with_css_size(400, 240);
    let dpr = fit_canvas_to_box(&canvas);
    for mode in [Mode::Light, Mode::Dark] {
        let palette = Palette::default_for(mode);
        let cases = [
            spec(ChartKind::Lines, Unit::PerSecond, two_lines()),
            spec(ChartKind::Stacked, Unit::PerSecond, two_lines()),
            spec(ChartKind::Heatmap, Unit::PerSecond, histogram(40)),
            spec(ChartKind::Bars, Unit::PerSecond, histogram(40)),
            spec(ChartKind::Stat, Unit::Seconds, two_lines()),
            spec(ChartKind::Gauge, Unit::None, two_lines()),
        ];
        for case in cases {
            let plot = draw_chart(&canvas, &case, &palette, dpr).unwrap();
            let n = ink(&canvas, &palette);
            assert!(n > 500, "{:?} ({mode:?}) drew {n} data pixels", case.kind);
            let axes = !matches!(case.kind, ChartKind::Stat | ChartKind::Gauge);
            assert_eq!(plot.has_area(), axes, "{:?}: {plot:?}", case.kind);
        }
        // Without data every kind still draws (a frame or "no data"), nothing in series colours.
        for kind in [
            ChartKind::Lines,
            ChartKind::Stacked,
            ChartKind::Heatmap,
            ChartKind::Bars,
            ChartKind::Stat,
            ChartKind::Gauge,
        ] {
            draw_chart(&canvas, &spec(kind, Unit::None, vec![]), &palette, dpr).unwrap();
            assert_eq!(ink(&canvas, &palette), 0, "{kind:?} without data");
        }
    }
    canvas.remove();
}

#[wasm_bindgen_test]
fn hidden_series_are_not_drawn_and_keep_colours() {
    let canvas = canvas_with_css_size(400, 240);
    let dpr = fit_canvas_to_box(&canvas);
    let palette = Palette::default_for(Mode::Light);
    let count = |c: plotters::style::RGBColor| {
        rgba(&canvas)
            .chunks_exact(4)
            .filter(|p| distance(p, c) < 40)
            .count()
    };
    let s = spec(ChartKind::Lines, Unit::None, two_lines());
    let (c0, c1) = (palette.series_color(0), palette.series_color(1));
    draw_chart_visible(&canvas, &s, &[false, true], &palette, dpr).unwrap();
    assert_eq!(count(c0), 0);
    assert!(count(c1) > 200, "the second series keeps its colour");
    draw_chart_visible(&canvas, &s, &[true, true], &palette, dpr).unwrap();
    assert!(count(c0) > 200 && count(c1) > 200);
    canvas.remove();
}

#[wasm_bindgen_test]
fn heatmap_cell_colours_follow_the_data() {
    let canvas = canvas_with_css_size(480, 260);
    let dpr = fit_canvas_to_box(&canvas);
    let palette = Palette::default_for(Mode::Light);
    let data = histogram(20);
    let plot = draw_chart(
        &canvas,
        &spec(ChartKind::Heatmap, Unit::PerSecond, data.clone()),
        &palette,
        dpr,
    )
    .unwrap();
    let b = buckets(&data);
    assert_eq!(b.labels, ["0.05", "0.1", "0.25", "0.5", "1", "+Inf"]);
    // Device pixel at the centre of cell (time index t, bucket k).
    let rows = b.les.len() as f64;
    let at = |t: usize, k: usize| {
        let x = plot.css_x_of(b.times[t]) * plot.dpr;
        let y = plot.bottom as f64 - (k as f64 + 0.5) / rows * (plot.bottom - plot.top) as f64;
        pixel(&canvas, x.round() as i32, y.round() as i32)
    };
    let hot = palette.heat[2];
    let closeness = |p: [u8; 3]| distance(&[p[0], p[1], p[2]], hot);
    // Before the shift bucket 0.1 is the hottest cell, after it bucket 0.5.
    let (busy_before, quiet_before) = (at(2, 1), at(2, 3));
    let (busy_after, quiet_after) = (at(17, 3), at(17, 1));
    assert!(
        closeness(busy_before) < closeness(quiet_before),
        "{busy_before:?} vs {quiet_before:?}"
    );
    assert!(
        closeness(busy_after) < closeness(quiet_after),
        "{busy_after:?} vs {quiet_after:?}"
    );
    assert_ne!(busy_before, quiet_before);
    // Many distinct cell colours, from the palette's sequential scale.
    let mut colours: Vec<[u8; 3]> = (0..20)
        .flat_map(|t| (0..6).map(move |k| (t, k)))
        .map(|(t, k)| at(t, k))
        .collect();
    colours.sort();
    colours.dedup();
    assert!(colours.len() >= 6, "{colours:?}");
    canvas.remove();
}

async fn tick() {
    promplay::ui::browser::sleep_ms(30).await;
}

fn query(root: &web_sys::Element, selector: &str) -> Option<web_sys::HtmlElement> {
    root.query_selector(selector)
        .unwrap()
        .map(|e| e.unchecked_into())
}

#[wasm_bindgen_test]
async fn chart_component_legend_isolates_and_hover_reads_out() {
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    host.set_attribute("style", "width:500px").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let mut s = spec(ChartKind::Lines, Unit::PerSecond, two_lines());
    s.legend = Some("{{method}} {{path}}".into());
    let spec_signal = RwSignal::new(s);
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! { <Chart spec=spec_signal label="test chart" testid="test-chart"/> }
    });
    tick().await;

    let root: web_sys::Element = host.clone().unchecked_into();
    let chart = query(&root, "[data-testid=test-chart]").expect("the chart mounts");
    let legend = query(&chart, "[data-testid=chart-legend]").expect("a legend");
    let items = legend.query_selector_all("button").unwrap();
    assert_eq!(items.length(), 2);
    let text = legend.text_content().unwrap();
    assert!(
        text.contains("GET /api") && text.contains("POST /login"),
        "{text}"
    );
    assert!(query(&chart, "[data-testid=chart-export-png]").is_some());
    assert!(query(&chart, "[data-testid=chart-export-csv]").is_some());

    // Click the first entry: only it is shown; again: all are.
    let first: web_sys::HtmlElement = items.item(0).unwrap().unchecked_into();
    first.click();
    tick().await;
    let buttons = |i: u32| -> web_sys::Element {
        query(&chart, "[data-testid=chart-legend]")
            .unwrap()
            .query_selector_all("button")
            .unwrap()
            .item(i)
            .unwrap()
            .unchecked_into()
    };
    assert_eq!(
        buttons(0).get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    assert!(buttons(1).class_list().contains("chart-legend-hidden"));
    assert!(!buttons(0).class_list().contains("chart-legend-hidden"));
    let palette = Palette::default_for(Mode::Light);
    let canvas: web_sys::HtmlCanvasElement = query(&chart, "canvas").unwrap().unchecked_into();
    let second = palette.series_color(1);
    let count = |c| {
        rgba(&canvas)
            .chunks_exact(4)
            .filter(|p| distance(p, c) < 40)
            .count()
    };
    assert_eq!(count(second), 0, "the other series is hidden");
    let first_button: web_sys::HtmlElement = buttons(0).unchecked_into();
    first_button.click();
    tick().await;
    assert_eq!(
        buttons(0).get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    assert!(!buttons(1).class_list().contains("chart-legend-hidden"));
    assert!(count(second) > 100, "shown again");

    // Hover over the middle of the canvas: a crosshair and both values.
    let rect = canvas.get_bounding_client_rect();
    let init = web_sys::MouseEventInit::new();
    init.set_client_x((rect.left() + rect.width() / 2.0) as i32);
    init.set_client_y((rect.top() + rect.height() / 2.0) as i32);
    init.set_bubbles(true);
    let moved = web_sys::MouseEvent::new_with_mouse_event_init_dict("mousemove", &init).unwrap();
    canvas.dispatch_event(&moved).unwrap();
    tick().await;
    let readout = query(&chart, "[data-testid=chart-hover]").expect("a hover readout");
    let text = readout.text_content().unwrap();
    assert!(
        text.contains("GET /api") && text.contains("POST /login"),
        "{text}"
    );
    assert!(text.contains("/s"), "values in the unit: {text}");
    assert!(query(&chart, ".chart-crosshair").is_some());
    let left = web_sys::MouseEvent::new("mouseleave").unwrap();
    canvas.dispatch_event(&left).unwrap();
    tick().await;
    assert!(query(&chart, "[data-testid=chart-hover]").is_none());

    // A stat has no legend.
    spec_signal.update(|s| s.kind = ChartKind::Stat);
    tick().await;
    assert!(query(&chart, "[data-testid=chart-legend]").is_none());
    drop(handle);
    host.remove();
}

#[wasm_bindgen_test]
async fn events_are_drawn_as_markers_with_tooltips() {
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    host.set_attribute("style", "width:600px").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let mut s = spec(ChartKind::Lines, Unit::PerSecond, two_lines());
    // Two events inside the 80 × 15 s of data, one after it.
    let (early, late) = (T0 + 300.0, T0 + 900.0);
    s.markers = vec![
        ChartMarker {
            t: early,
            until: Some(early + 300.0),
            text: "10:05:00 outage started (5m)".into(),
            alert: false,
        },
        ChartMarker {
            t: late,
            until: None,
            text: "10:15:00 traffic 10 → 40/s".into(),
            alert: false,
        },
        ChartMarker {
            t: T0 + 100_000.0,
            until: None,
            text: "outside".into(),
            alert: false,
        },
    ];
    let spec_signal = RwSignal::new(s);
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! { <Chart spec=spec_signal label="markers" testid="marker-chart"/> }
    });
    tick().await;
    let root: web_sys::Element = host.clone().unchecked_into();
    let markers = root
        .query_selector_all("[data-testid=chart-marker]")
        .unwrap();
    assert_eq!(markers.length(), 2, "the one outside the axis is not drawn");
    let marker = |i: u32| -> web_sys::HtmlElement { markers.item(i).unwrap().unchecked_into() };
    assert_eq!(
        marker(0).get_attribute("title").as_deref(),
        Some("10:05:00 outage started (5m)")
    );
    let x = |m: web_sys::HtmlElement| m.get_bounding_client_rect().left();
    assert!(x(marker(0)) < x(marker(1)), "in time order along the axis");
    // The later one is about twice as far from the start as the earlier one.
    let canvas = query(&root, "canvas").unwrap().get_bounding_client_rect();
    let (a, b) = (x(marker(0)) - canvas.left(), x(marker(1)) - canvas.left());
    assert!(b > a + 50.0, "{a} {b}");
    assert_eq!(
        root.query_selector_all(".chart-marker-span")
            .unwrap()
            .length(),
        1
    );
    // Kinds without a time axis draw none.
    spec_signal.update(|s| s.kind = ChartKind::Stat);
    tick().await;
    assert_eq!(
        root.query_selector_all("[data-testid=chart-marker]")
            .unwrap()
            .length(),
        0
    );
    drop(handle);
    host.remove();
}

#[wasm_bindgen_test]
async fn a_hundred_chart_mounts_leave_no_resize_observer_behind() {
    let before = live_size_watches();
    for _ in 0..100 {
        let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
        host.set_attribute("style", "width:300px").unwrap();
        document().body().unwrap().append_child(&host).unwrap();
        let s = RwSignal::new(spec(ChartKind::Lines, Unit::PerSecond, two_lines()));
        let handle = leptos::mount::mount_to(host.clone(), move || {
            view! { <Chart spec=s label="leak" testid="leak-chart"/> }
        });
        promplay::ui::browser::sleep_ms(0).await;
        assert_eq!(
            live_size_watches(),
            before + 1,
            "the mounted chart watches its size"
        );
        drop(handle);
        host.remove();
    }
    promplay::ui::browser::sleep_ms(0).await;
    assert_eq!(
        live_size_watches(),
        before,
        "every unmounted chart freed its observer"
    );
}
