//! The Inspect pane: paste, drop, open or fetch exposition text; see it parsed
//! (errors at their lines), linted with promtool's rules, as a family table, and
//! explained line by line; convert between the formats and download. Texts of
//! megabytes are analysed in slices and shown in the line view, never in one task.

mod analysis;
mod fetch;
mod parts;
mod report;

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::expo::convert::to_canonical;
use crate::expo::encode::{openmetrics, text as text_encoder};
use crate::expo::textparse::Format;
use crate::ui::browser::{Latest, download, sleep_ms};
use crate::ui::panes::PaneHeader;
use crate::ui::{large_storage, storage};
use analysis::{Analysis, analyse};
use parts::{FetchBar, InspectResults};

const TEXT_KEY: &str = "inspect.text";
const FORMAT_KEY: &str = "inspect.format";
/// Texts above this are kept in IndexedDB (localStorage holds about 5 MB per site,
/// counted in UTF-16).
const MAX_SAVED_BYTES: usize = 2_000_000;
/// Texts above this are not put in the text area (see `InspectEditor`).
const LARGE_TEXT_BYTES: usize = 200_000;
/// Typing pauses this long before the text is analysed again.
const DEBOUNCE_MS: i32 = 250;

const EXAMPLE: &str = r#"# HELP http_requests_total Requests handled, by method and status code.
# TYPE http_requests_total counter
http_requests_total{code="200",method="GET"} 1027
http_requests_total{code="500",method="GET"} 3
# HELP http_request_duration_seconds How long requests took.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 801
http_request_duration_seconds_bucket{le="0.25"} 1010
http_request_duration_seconds_bucket{le="1"} 1029
http_request_duration_seconds_bucket{le="+Inf"} 1030
http_request_duration_seconds_sum 61.7
http_request_duration_seconds_count 1030
# TYPE queueLength gauge
queueLength 4
"#;

fn format_choice_from(s: &str) -> Option<Format> {
    match s {
        "text" => Some(Format::Text),
        "openmetrics" => Some(Format::OpenMetrics),
        _ => None,
    }
}

fn format_choice_name(f: Option<Format>) -> &'static str {
    match f {
        None => "auto",
        Some(Format::Text) => "text",
        Some(Format::OpenMetrics) => "openmetrics",
        Some(Format::Protobuf) => "protobuf",
    }
}

#[component]
pub fn InspectPane() -> impl IntoView {
    let restoring = RwSignal::new(false);
    let text = restore_text(restoring);
    let format = RwSignal::new(storage::load(FORMAT_KEY).and_then(|s| format_choice_from(&s)));
    let analysis = RwSignal::new(None::<Arc<Analysis>>);
    let progress = RwSignal::new(None::<f64>);
    let selected = RwSignal::new(None::<usize>);
    let notice = RwSignal::new(None::<String>);
    keep_and_analyse(
        text, restoring, format, notice, progress, analysis, selected,
    );

    view! {
        <section class="inspect">
            <PaneHeader title="Inspect exposition text">
                "Paste the text of any /metrics endpoint, drop or open a file, or fetch a URL. It is parsed as "
                "Prometheus text 0.0.4 or OpenMetrics (errors point at line and column), linted with "
                "promtool's rules, and every line can be explained."
            </PaneHeader>
            <InspectToolbar text=text format=format analysis=analysis notice=notice/>
            <FetchBar text=text format=format/>
            <InspectEditor text=text notice=notice/>
            {move || notice.get().map(|n| view! { <p class="notice">{n}</p> })}
            {move || progress.get().map(|p| view! {
                <progress data-testid="inspect-progress" max="1" value=p></progress>
            })}
            <InspectResults analysis=analysis selected=selected/>
        </section>
    }
}

/// Keeps the text across reloads (in localStorage, or in IndexedDB when it is too
/// large for that) and analyses it after a pause in typing; a newer text
/// supersedes an analysis still running.
fn keep_and_analyse(
    text: RwSignal<String>,
    restoring: RwSignal<bool>,
    format: RwSignal<Option<Format>>,
    notice: RwSignal<Option<String>>,
    progress: RwSignal<Option<f64>>,
    analysis: RwSignal<Option<Arc<Analysis>>>,
    selected: RwSignal<Option<usize>>,
) {
    let analyses = Latest::new();
    // Whether IndexedDB may hold a text (unknown at first): a small text removes
    // it once, not at every pause in typing.
    let maybe_kept_large = StoredValue::new(true);
    Effect::new(move |_| {
        let current = text.get();
        let fmt = format.get();
        if restoring.get() {
            return;
        }
        // Small texts go to localStorage at once; larger ones to IndexedDB after
        // the pause in typing (each write copies megabytes).
        let small = current.len() <= MAX_SAVED_BYTES && storage::save(TEXT_KEY, &current);
        if small {
            notice.set(None);
        } else {
            storage::remove(TEXT_KEY);
        }
        storage::save(FORMAT_KEY, format_choice_name(fmt));
        let ticket = analyses.next();
        let shared: Arc<str> = Arc::from(current);
        spawn_local(async move {
            sleep_ms(DEBOUNCE_MS).await;
            // A newer text, or the pane was closed meanwhile (its signals are gone).
            if !ticket.is_current() {
                return;
            }
            if small {
                if maybe_kept_large.try_get_value() == Some(true) {
                    large_storage::remove(TEXT_KEY).await;
                    maybe_kept_large.try_set_value(false);
                }
            } else {
                maybe_kept_large.try_set_value(true);
                let kept = large_storage::save(TEXT_KEY, &shared).await;
                notice.try_set(kept.err().map(|e| {
                    format!(
                        "Not saved across reloads: {:.1} MB exceeds what this browser allows ({e}).",
                        shared.len() as f64 / 1e6
                    )
                }));
            }
            if !ticket.is_current() {
                return;
            }
            progress.set(Some(0.0));
            if let Some(result) = analyse(shared, fmt, ticket, progress).await {
                selected.try_set(None);
                analysis.try_set(Some(Arc::new(result)));
                progress.try_set(None);
                crate::ui::browser::mark("inspect-shown");
            }
        });
    });
}

/// Format, open a file, the example, conversion (with undo) and download.
#[component]
fn InspectToolbar(
    text: RwSignal<String>,
    format: RwSignal<Option<Format>>,
    analysis: RwSignal<Option<Arc<Analysis>>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let before_conversion = RwSignal::new(None::<String>);
    let on_file_chosen = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            load_file(file, text, notice);
        }
        input.set_value("");
    };
    let convert = move |_| {
        let Some(a) = analysis.get_untracked() else {
            return;
        };
        let converted = match a.parsed().format {
            Format::Text => openmetrics::encode(&to_canonical(&a.parsed().families)),
            Format::OpenMetrics | Format::Protobuf => text_encoder::encode(&a.parsed().families),
        };
        before_conversion.set(Some(text.get_untracked()));
        format.set(None);
        text.set(converted);
    };
    let undo_conversion = move |_| {
        if let Some(previous) = before_conversion.get_untracked() {
            before_conversion.set(None);
            text.set(previous);
        }
    };
    let download_text = move |_| {
        let detected =
            analysis.with_untracked(|a| a.as_ref().map_or(Format::Text, |a| a.parsed().format));
        let name = match detected {
            Format::Text => "metrics.prom",
            Format::OpenMetrics => "metrics.om.txt",
            Format::Protobuf => "metrics.pb",
        };
        if let Err(e) = download(name, detected.content_type(), &text.get_untracked()) {
            notice.set(Some(format!("The download failed: {e}")));
        }
    };
    view! {
        <div class="toolbar">
            <label>
                "Format "
                <select
                    data-testid="inspect-format"
                    on:change=move |ev| format.set(format_choice_from(&event_target_value(&ev)))
                    prop:value=move || format_choice_name(format.get())
                >
                    <option value="auto">"detect"</option>
                    <option value="text">"text 0.0.4"</option>
                    <option value="openmetrics">"OpenMetrics"</option>
                </select>
            </label>
            <label class="file-button">
                "Open file…"
                <input type="file" accept=".txt,.prom,.om,text/plain" on:change=on_file_chosen/>
            </label>
            <button type="button" on:click=move |_| text.set(EXAMPLE.to_string())>"Load example"</button>
            <button type="button" data-testid="convert" on:click=convert disabled=move || analysis.with(|a| a.as_ref().is_none_or(|a| a.parsed().families.is_empty()))>
                {move || match analysis.with(|a| a.as_ref().map(|a| a.parsed().format)) {
                    Some(Format::OpenMetrics) => "Convert to text 0.0.4",
                    _ => "Convert to OpenMetrics",
                }}
            </button>
            <Show when=move || before_conversion.with(|b| b.is_some())>
                <button type="button" on:click=undo_conversion>"Undo conversion"</button>
            </Show>
            <button type="button" data-testid="download" on:click=download_text>"Download"</button>
        </div>
    }
}

/// The text area, which also takes a dropped file. A text over
/// [`LARGE_TEXT_BYTES`] is not put in it: the browser lays out and repaints a
/// textarea of 10 MB for seconds, so a large paste goes straight to the analysis
/// and the line view, and the area shows only on request.
#[component]
fn InspectEditor(text: RwSignal<String>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let editor = NodeRef::<leptos::html::Textarea>::new();
    let large = Memo::new(move |_| text.with(|t| t.len() > LARGE_TEXT_BYTES));
    let edit_anyway = RwSignal::new(false);
    let in_area = Memo::new(move |_| !large.get() || edit_anyway.get());
    // The editor shows `text`, but is not written back what was just typed into it:
    // re-setting a megabyte value costs the browser a long re-layout.
    let typed = StoredValue::new(false);
    Effect::new(move |_| {
        let shown = in_area.get();
        let current = text.get();
        if typed.get_value() {
            typed.set_value(false);
        } else if let Some(el) = editor.get() {
            el.set_value(if shown { &current } else { "" });
        }
    });
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        let pasted = ev
            .clipboard_data()
            .and_then(|data| data.get_data("text/plain").ok());
        if let Some(pasted) = pasted.filter(|p| p.len() > LARGE_TEXT_BYTES) {
            ev.prevent_default();
            edit_anyway.set(false);
            text.set(pasted);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        let file = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            load_file(file, text, notice);
        }
    };
    view! {
        <div class="drop-zone" on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop>
            <Show when=move || !in_area.get()>
                <div class="large-text" data-testid="inspect-large">
                    {move || format!(
                        "{:.1} MB of text: too large to edit here comfortably, so it is shown line by line below. ",
                        text.with(String::len) as f64 / 1e6
                    )}
                    <button type="button" on:click=move |_| edit_anyway.set(true)>"Edit as text"</button>
                    <button type="button" on:click=move |_| text.set(String::new())>"Clear"</button>
                </div>
            </Show>
            <textarea
                data-testid="inspect-input"
                class="code-input"
                rows="12"
                spellcheck="false"
                aria-label="Exposition text"
                placeholder="Paste /metrics text here, or drop a file"
                node_ref=editor
                style:display=move || if in_area.get() { "" } else { "none" }
                on:paste=on_paste
                on:input=move |ev| {
                    typed.set_value(true);
                    text.set(event_target_value(&ev));
                }
            ></textarea>
        </div>
    }
}

/// The text kept from the last visit. From localStorage at once; when it was too
/// large for that, read back from IndexedDB a moment later, with `restoring` set
/// meanwhile (nothing is saved or analysed until it is back).
fn restore_text(restoring: RwSignal<bool>) -> RwSignal<String> {
    if let Some(text) = storage::load(TEXT_KEY) {
        return RwSignal::new(text);
    }
    let text = RwSignal::new(String::new());
    restoring.set(true);
    spawn_local(async move {
        let kept = large_storage::load(TEXT_KEY).await;
        // Unless the user has typed something meanwhile.
        if let Some(kept) = kept
            && text.try_with_untracked(String::is_empty) == Some(true)
        {
            text.try_set(kept);
        }
        restoring.try_set(false);
    });
    text
}

/// Reads a dropped or chosen file into the editor.
fn load_file(file: web_sys::File, text: RwSignal<String>, notice: RwSignal<Option<String>>) {
    let name = file.name();
    spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(value) => text.set(value.as_string().unwrap_or_default()),
            Err(e) => notice.set(Some(format!("{name} could not be read: {e:?}"))),
        }
    });
}
