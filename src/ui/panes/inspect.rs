//! Paste exposition text to parse, lint and inspect it. The parser and linter
//! arrive with issue #3; the pasted text is already kept across reloads.

use leptos::prelude::*;

use super::Coming;
use crate::ui::storage;

const STORAGE_KEY: &str = "inspect.text";

#[component]
pub fn InspectPane() -> impl IntoView {
    let text = RwSignal::new(storage::load(STORAGE_KEY).unwrap_or_default());
    Effect::new(move |_| {
        storage::save(STORAGE_KEY, &text.get());
    });
    view! {
        <Coming issue=3 title="Inspect exposition text">
            "Paste the text of any /metrics endpoint (or fetch one) to parse it in text 0.0.4 or "
            "OpenMetrics, with errors at line and column, promtool's lint rules and a cardinality table."
        </Coming>
        <label class="field">
            <span>"Exposition text (kept in this browser across reloads)"</span>
            <textarea
                data-testid="inspect-input"
                class="code-input"
                rows="12"
                spellcheck="false"
                placeholder="# HELP http_requests_total Requests served.\n# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} 1027"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
        </label>
    }
}
