//! The UI building blocks: canvas sizing, a line chart's pixels, the palette from
//! CSS, theme, storage, the panic banner; and the core in the browser giving the
//! same bytes and store as natively.

use promplay::ui::chart::{Palette, Series, device_size, draw_time_series, fit_canvas_to_box};
use promplay::ui::theme::{Mode, ThemeChoice};
use promplay::ui::{panic_banner, storage};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::dom::{canvas_with_css_size, document};

/// Pixels whose colour is within a small distance of `(r, g, b)`.
fn pixels_near(canvas: &web_sys::HtmlCanvasElement, rgb: (u8, u8, u8)) -> usize {
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let data = ctx
        .get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64)
        .unwrap()
        .data();
    data.chunks_exact(4)
        .filter(|p| {
            (p[0] as i32 - rgb.0 as i32).abs()
                + (p[1] as i32 - rgb.1 as i32).abs()
                + (p[2] as i32 - rgb.2 as i32).abs()
                < 40
        })
        .count()
}

fn sine(n: usize) -> Series {
    Series {
        name: "sine".into(),
        points: (0..n)
            .map(|i| (1_700_000_000.0 + i as f64 * 15.0, (i as f64 / 5.0).sin()))
            .collect(),
    }
}

#[wasm_bindgen_test]
fn device_size_scales_by_pixel_ratio() {
    assert_eq!(device_size(300.0, 150.0, 2.0), (600, 300));
    assert_eq!(device_size(301.0, 150.0, 1.5), (452, 225));
    // A broken ratio falls back to 1 rather than a zero-sized canvas.
    assert_eq!(device_size(300.0, 150.0, f64::NAN), (300, 150));
    assert_eq!(device_size(0.0, 0.0, 1.0), (1, 1));
}

#[wasm_bindgen_test]
fn fit_canvas_matches_css_box_times_ratio() {
    let canvas = canvas_with_css_size(320, 200);
    let dpr = fit_canvas_to_box(&canvas);
    assert_eq!(canvas.width(), (320.0 * dpr).round() as u32);
    assert_eq!(canvas.height(), (200.0 * dpr).round() as u32);
    canvas.remove();
}

#[wasm_bindgen_test]
fn line_chart_draws_the_series_in_its_colour() {
    let canvas = canvas_with_css_size(400, 240);
    let dpr = fit_canvas_to_box(&canvas);
    let palette = Palette::default_for(Mode::Light);
    let c = palette.series_color(0);
    draw_time_series(&canvas, &[sine(80)], &palette, dpr).unwrap();
    let line = pixels_near(&canvas, (c.0, c.1, c.2));
    assert!(
        line > 300,
        "expected the sine drawn in series colour 1, found {line} pixels"
    );

    // The same chart with no data draws no series pixels.
    draw_time_series(&canvas, &[], &palette, dpr).unwrap();
    assert_eq!(pixels_near(&canvas, (c.0, c.1, c.2)), 0);
    canvas.remove();
}

#[wasm_bindgen_test]
fn line_chart_survives_nan_inf_and_single_points() {
    let canvas = canvas_with_css_size(300, 200);
    let dpr = fit_canvas_to_box(&canvas);
    let palette = Palette::default_for(Mode::Dark);
    let mut gappy = sine(20);
    gappy.points[5].1 = f64::NAN;
    gappy.points[9].1 = f64::INFINITY;
    let single = Series {
        name: "one".into(),
        points: vec![(1_700_000_000.0, 42.0)],
    };
    let all_nan = Series {
        name: "nan".into(),
        points: vec![(1.0, f64::NAN), (2.0, f64::NAN)],
    };
    draw_time_series(&canvas, &[gappy, single, all_nan], &palette, dpr).unwrap();
    canvas.remove();
}

#[wasm_bindgen_test]
fn palette_reads_theme_colours_from_css() {
    let canvas = canvas_with_css_size(10, 10);
    canvas
        .set_attribute(
            "style",
            "--chart-bg:#102030;--chart-series-1: #abc ;width:10px;height:10px",
        )
        .unwrap();
    let palette = Palette::from_element(&canvas, Some(Mode::Light));
    assert_eq!(
        (
            palette.background.0,
            palette.background.1,
            palette.background.2
        ),
        (0x10, 0x20, 0x30)
    );
    assert_eq!(
        (
            palette.series[0].0,
            palette.series[0].1,
            palette.series[0].2
        ),
        (0xaa, 0xbb, 0xcc)
    );
    canvas.remove();
}

#[wasm_bindgen_test]
fn theme_choice_cycles_and_resolves() {
    assert_eq!(ThemeChoice::System.next(), ThemeChoice::Light);
    assert_eq!(ThemeChoice::Light.next(), ThemeChoice::Dark);
    assert_eq!(ThemeChoice::Dark.next(), ThemeChoice::System);
    assert_eq!(ThemeChoice::System.resolve(true), Mode::Dark);
    assert_eq!(ThemeChoice::System.resolve(false), Mode::Light);
    assert_eq!(ThemeChoice::Light.resolve(true), Mode::Light);
    for c in [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark] {
        assert_eq!(ThemeChoice::parse(c.as_str()), Some(c));
    }
    assert_eq!(ThemeChoice::parse("purple"), None);
}

#[wasm_bindgen_test]
fn storage_round_trips_under_a_versioned_key() {
    assert!(storage::save("test.value", "a\nb \u{1F600}"));
    assert_eq!(
        storage::load("test.value").as_deref(),
        Some("a\nb \u{1F600}")
    );
    let raw = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert!(
        raw.get_item(&format!("{}test.value", storage::KEY_PREFIX))
            .unwrap()
            .is_some()
    );
    storage::remove("test.value");
    assert_eq!(storage::load("test.value"), None);
}

#[wasm_bindgen_test]
fn panic_banner_shows_the_message_once() {
    panic_banner::show("first failure");
    panic_banner::show("index out of bounds: the len is 3 but the index is 7");
    let selector = format!("[data-testid=\"{}\"]", panic_banner::BANNER_TESTID);
    let banners = document().query_selector_all(&selector).unwrap();
    assert_eq!(banners.length(), 1, "a second panic replaces the banner");
    let banner = document().query_selector(&selector).unwrap().unwrap();
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    let text = banner.text_content().unwrap();
    assert!(text.contains("index out of bounds"), "{text}");
    assert!(
        banner.query_selector("button").unwrap().is_some(),
        "offers a reload button"
    );
    banner.remove();
}

#[path = "../common/fingerprints.rs"]
mod fingerprints;

#[wasm_bindgen_test]
fn simulation_exposes_the_same_bytes_as_natively() {
    use fingerprints::{DURATION_MS, INTERVAL_MS, PINNED, START_MS};
    for &(scenario, instances, expected) in PINNED {
        let mut config = promplay::sim::SimConfig::new(scenario, 1, START_MS);
        config.instances = instances;
        let got = promplay::sim::fingerprint(config, DURATION_MS, INTERVAL_MS).unwrap();
        assert_eq!(got, expected, "{scenario}: {got:#018x} in the browser");
    }
}

#[wasm_bindgen_test]
fn a_timeline_builds_the_same_store_as_natively() {
    assert_eq!(
        fingerprints::timeline_store_fingerprint(fingerprints::DURATION_MS),
        fingerprints::TIMELINE_STORE,
        "the pipeline's store in the browser"
    );
    assert_eq!(
        fingerprints::timeline_store_fingerprint(7_777),
        fingerprints::TIMELINE_STORE,
        "advanced in steps, in the browser"
    );
}

/// The engine in the page: regex matchers and label_replace run on regex-lite
/// (src/re.rs), with RE2's ASCII classes and anchoring.
#[wasm_bindgen_test]
fn promql_regexes_in_the_browser() {
    use promplay::promql::{engine, parse};
    use promplay::tsdb::{Head, Labels};
    let mut head = Head::default();
    for (job, v) in [("api-1", 1.0), ("API-2", 2.0), ("web", 4.0)] {
        head.add(&Labels::new(&[("__name__", "up"), ("job", job)]), 0, v)
            .unwrap();
    }
    let run = |q: &str| {
        let out = engine::instant_query(
            &head,
            q,
            &parse(q).unwrap(),
            10_000,
            &engine::Options::default(),
        )
        .unwrap();
        match out.value {
            engine::Value::Scalar(p) => p.v,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(run(r#"scalar(sum(up{job=~"api-\\d"}))"#), 1.0);
    assert_eq!(run(r#"scalar(sum(up{job=~"(?i)api-.*"}))"#), 3.0);
    assert_eq!(run(r#"scalar(sum(up{job!~"a.*"}))"#), 6.0);
    let q = r#"label_replace(up, "n", "$1", "job", "([a-z]+)-\\d")"#;
    let out = engine::instant_query(
        &head,
        q,
        &parse(q).unwrap(),
        10_000,
        &engine::Options::default(),
    )
    .unwrap();
    let engine::Value::Vector(v) = out.value else {
        panic!()
    };
    let n: Vec<(Option<&str>, Option<&str>)> = v
        .iter()
        .map(|s| (s.labels.get("job"), s.labels.get("n")))
        .collect();
    assert!(n.contains(&(Some("api-1"), Some("api"))), "{n:?}");
    assert!(n.contains(&(Some("API-2"), None)), "{n:?}");
    assert!(n.contains(&(Some("web"), None)), "{n:?}");
}
