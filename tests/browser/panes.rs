//! Mounted panes: the Dashboard's saved form in storage and the fallback, the
//! mounted pane (every default panel evaluated and drawn, editing, adding,
//! removing, resetting), and the Query pane's keyed panels. Their models are
//! tested natively (tests/views_dashboard.rs, tests/views_query.rs).

use promplay::ui::keyed::live_keyed_items;
use promplay::ui::panes::dashboard::saved;
use promplay::ui::storage;
use promplay::views::dashboard::defaults::default_dashboard;
use wasm_bindgen_test::*;

use crate::dom::{click, query_all};

#[wasm_bindgen_test]
fn storage_round_trip_and_fallback() {
    let scenario = "api";
    let key = saved::storage_key(scenario);
    let mut edited = default_dashboard(scenario);
    edited.panels.truncate(1);
    edited.panels[0].title = "edited".into();
    assert!(saved::save(scenario, &edited));
    assert_eq!(saved::load(scenario), edited);
    // Garbage (or a later layout) under the key: the default, not a broken page.
    assert!(storage::save(&key, "{\"panels\": 3}"));
    assert_eq!(saved::load(scenario), default_dashboard(scenario));
    assert!(saved::save(scenario, &edited));
    saved::forget(scenario);
    assert_eq!(saved::load(scenario), default_dashboard(scenario));
    // Each scenario keeps its own.
    assert!(saved::save(scenario, &edited));
    assert_eq!(saved::load("worker"), default_dashboard("worker"));
    saved::forget(scenario);
}

/// The whole app on the Dashboard pane: after the first backfill every default
/// panel is evaluated and drawn, with its timings in the DOM and no errors.
#[wasm_bindgen_test]
async fn the_pane_evaluates_and_draws_every_default_panel() {
    let window = web_sys::window().unwrap();
    window.location().set_hash("dashboard").unwrap();
    let host = window.document().unwrap().create_element("div").unwrap();
    window
        .document()
        .unwrap()
        .body()
        .unwrap()
        .append_child(&host)
        .unwrap();
    let host: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(host);
    let handle = leptos::mount::mount_to(host, promplay::ui::App);
    let expected = default_dashboard("api").panels.len();
    let mut timings = Vec::new();
    for _ in 0..600 {
        promplay::ui::browser::sleep_ms(100).await;
        timings = query_all("[data-testid=panel-timing]")
            .iter()
            .map(|e| e.text_content().unwrap_or_default())
            .collect::<Vec<_>>();
        if timings.len() == expected && timings.iter().all(|t| t.contains("drawn in")) {
            break;
        }
    }
    assert_eq!(query_all("[data-testid=dashboard-panel]").len(), expected);
    assert_eq!(
        query_all("[data-testid=panel-chart] canvas").len(),
        expected
    );
    assert!(
        timings
            .iter()
            .all(|t| t.starts_with("evaluated in ") && t.contains(" ms, drawn in ")),
        "{timings:?}"
    );
    let errors: Vec<String> = query_all("[data-testid=panel-error]")
        .iter()
        .map(|e| e.text_content().unwrap_or_default())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    wasm_bindgen_test::console_log!("timings: {timings:?}");

    // Editing: a broken query shows its error in its panel and is saved.
    click(&query_all("[data-testid=panel-edit]")[0]);
    promplay::ui::browser::sleep_ms(50).await;
    let textarea: web_sys::HtmlTextAreaElement = wasm_bindgen::JsCast::unchecked_into(
        query_all("[data-testid=panel-query-input]")[0].clone(),
    );
    textarea.set_value("sum(up");
    for event in ["input", "change"] {
        textarea
            .dispatch_event(&web_sys::Event::new(event).unwrap())
            .unwrap();
    }
    promplay::ui::browser::sleep_ms(200).await;
    let errors = query_all("[data-testid=panel-error]");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].text_content().unwrap().starts_with("parse error"));
    let saved_text = storage::load(&saved::storage_key("api")).unwrap();
    assert!(saved_text.contains("\nquery sum(up\n"), "{saved_text}");
    assert_eq!(saved::load("api").panels[0].query, "sum(up");
    // Add a panel, then reset: the default again, nothing saved.
    let live = live_keyed_items();
    click(&query_all("[data-testid=dashboard-add]")[0]);
    promplay::ui::browser::sleep_ms(200).await;
    assert_eq!(
        query_all("[data-testid=dashboard-panel]").len(),
        expected + 1
    );
    assert_eq!(live_keyed_items(), live + 1);
    assert_eq!(saved::load("api").panels.len(), expected + 1);
    // Removing a panel frees its signals (its evaluation, if still running, stops).
    // (A new panel opens with its editor shown.)
    click(query_all("[data-testid=panel-remove]").last().unwrap());
    promplay::ui::browser::sleep_ms(100).await;
    assert_eq!(query_all("[data-testid=dashboard-panel]").len(), expected);
    assert_eq!(
        live_keyed_items(),
        live,
        "the removed panel's signals are disposed"
    );
    click(&query_all("[data-testid=dashboard-add]")[0]);
    promplay::ui::browser::sleep_ms(200).await;
    click(&query_all("[data-testid=dashboard-reset]")[0]);
    promplay::ui::browser::sleep_ms(300).await;
    assert_eq!(query_all("[data-testid=dashboard-panel]").len(), expected);
    assert_eq!(live_keyed_items(), live, "a reset disposes every old panel");
    assert!(query_all("[data-testid=panel-error]").is_empty());
    assert_eq!(storage::load(&saved::storage_key("api")), None);
    handle.forget();
}

/// The Query pane's panels are a keyed list: with two or three panels every one
/// has a remove button (also the first, created when it was alone), removing one
/// releases its signals, and unmounting the pane releases the rest.
#[wasm_bindgen_test]
async fn query_panels_are_keyed_and_released() {
    use leptos::prelude::*;
    storage::remove("query.panels");
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    host.set_attribute("id", "query-host").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let host: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(host);
    let before = live_keyed_items();
    let handle = leptos::mount::mount_to(host, || {
        promplay::ui::playground::provide_playground();
        view! { <promplay::ui::panes::query::QueryPane/> }
    });
    let panels = || query_all("#query-host [data-testid=query-panel]").len();
    let remove_buttons = || query_all("#query-host [data-testid=remove-panel]");
    let settle = || promplay::ui::browser::sleep_ms(50);
    settle().await;
    assert_eq!(panels(), 1);
    assert!(
        remove_buttons().is_empty(),
        "the only panel cannot be removed"
    );
    assert_eq!(live_keyed_items(), before + 1);
    for expected in [2, 3] {
        click(&query_all("#query-host [data-testid=add-panel]")[0]);
        settle().await;
        assert_eq!(panels(), expected);
        assert_eq!(
            remove_buttons().len(),
            expected,
            "every panel has a remove button"
        );
    }
    assert_eq!(live_keyed_items(), before + 3);
    click(&remove_buttons()[0]);
    settle().await;
    assert_eq!(panels(), 2);
    assert_eq!(remove_buttons().len(), 2);
    assert_eq!(
        live_keyed_items(),
        before + 2,
        "the removed panel is released"
    );
    click(&remove_buttons()[1]);
    settle().await;
    assert_eq!(panels(), 1);
    assert!(remove_buttons().is_empty());
    drop(handle);
    settle().await;
    assert_eq!(
        live_keyed_items(),
        before,
        "unmounting releases every panel"
    );
    storage::remove("query.panels");
}
