//! Presenter mode, for a classroom's projector: larger type everywhere (chart
//! text too), a quieter header, kept across reloads. A class on `<html>` does the
//! page's part; charts read [`text_scale`] when they draw (the type change resizes
//! them, so they redraw).

use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;

use crate::ui::storage;

const KEY: &str = "presenter";
/// How much larger text is in presenter mode.
const SCALE: f64 = 1.25;

static ON: AtomicBool = AtomicBool::new(false);

/// The factor chart text is drawn at.
pub fn text_scale() -> f64 {
    if ON.load(Ordering::Relaxed) {
        SCALE
    } else {
        1.0
    }
}

fn apply(on: bool) {
    ON.store(on, Ordering::Relaxed);
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = if on {
            root.class_list().add_1("presenter")
        } else {
            root.class_list().remove_1("presenter")
        };
    }
}

/// Collapses the header's brand and the clock bar's secondary controls, so the
/// pane gets the screen (kept across reloads, like presenter mode).
#[component]
pub fn ChromeToggle() -> impl IntoView {
    let collapsed = storage::persisted(
        "chrome-collapsed",
        false,
        |s| Some(s == "1"),
        |on| if *on { "1" } else { "0" }.to_string(),
    );
    Effect::new(move |_| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root
                .class_list()
                .toggle_with_force("chrome-collapsed", collapsed.get());
        }
    });
    view! {
        <button type="button" class="chrome-toggle" data-testid="chrome-toggle"
            aria-pressed=move || collapsed.get().to_string()
            title="Collapse the header and the clock bar's extra controls"
            on:click=move |_| collapsed.update(|v| *v = !*v)>
            {move || if collapsed.get() { "▾ Show header" } else { "▴ Hide header" }}
        </button>
    }
}

#[component]
pub fn PresenterToggle() -> impl IntoView {
    let on = storage::persisted(
        KEY,
        false,
        |s| Some(s == "1"),
        |on| if *on { "1" } else { "0" }.to_string(),
    );
    Effect::new(move |_| apply(on.get()));
    view! {
        <button type="button" class="presenter-toggle" data-testid="presenter-toggle"
            aria-pressed=move || on.get().to_string()
            title="Presenter mode: larger type for a projector"
            on:click=move |_| on.update(|v| *v = !*v)>
            "Presenter"
        </button>
    }
}
