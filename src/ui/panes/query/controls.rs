//! A query panel's controls and messages, each a component: the view tabs with
//! Prometheus UI's range, resolution, stacking, legend and end controls; and the
//! parse or evaluation error, the hints with their one-click fixes, the
//! engine's notes, and why an empty result is empty.

use leptos::prelude::*;

use crate::ui::playground::Playground;
use crate::views::query::run::{Outcome, RANGES};
use crate::views::query::state::{PanelState, Resolution, Tab};

/// The error (with its caret line), the hints (with a fix button when there is
/// one) and the engine's warnings and infos.
#[component]
pub fn Messages(#[prop(into)] outcome: Signal<Outcome>, on_fix: Callback<String>) -> impl IntoView {
    let apply_fix = move |fixed: String| on_fix.run(fixed);
    view! {
            {move || outcome.with(|o| o.error.clone()).map(|e| view! {
            <div class="query-error" data-testid="query-error" role="alert">
                <pre class="error-context">{e.context}</pre>
                <span>{e.message}</span>
            </div>
        })}
        {move || outcome.with(|o| o.hints.clone()).into_iter().map(|h| {
            let fix = h.fix.clone();
            view! {
                <p class="query-hint" data-testid="query-hint">
                    <span>{h.message}</span>
                    {fix.map(|f| {
                        let (title, shown) = (f.clone(), f.clone());
                        view! {
                            <button type="button" class="hint-fix" data-testid="hint-fix"
                                title=title on:click=move |_| apply_fix(f.clone())>
                                "Fix: " <code>{shown}</code>
                            </button>
                        }
                    })}
                </p>
            }
        }).collect_view()}
        {move || outcome.with(|o| o.notes.clone()).into_iter().map(|n| view! {
            <p class="query-note">{n}</p>
        }).collect_view()}
    }
}

/// Why the table or graph is empty, with the suggested query as a button that
/// puts it in the editor and runs it.
#[component]
pub fn EmptyExplanation(
    #[prop(into)] outcome: Signal<Outcome>,
    on_fix: Callback<String>,
) -> impl IntoView {
    move || {
        outcome.with(|o| o.empty.clone()).map(|e| {
            view! {
                <div class="empty-result" data-testid="empty-result" role="status">
                    <p>{e.message}</p>
                    {e.fix.map(|f| {
                        let (title, shown) = (f.clone(), f.clone());
                        view! {
                            <button type="button" class="hint-fix" data-testid="empty-result-fix"
                                title=title on:click=move |_| on_fix.run(f.clone())>
                                "Try: " <code>{shown}</code>
                            </button>
                        }
                    })}
                </div>
            }
        })
    }
}

/// The Graph / Table / Explain tabs and the settings the result depends on; `stats`
/// is the line saying how many results and how long they took.
#[component]
pub fn PanelControls(
    state: RwSignal<PanelState>,
    #[prop(into)] stats: Signal<String>,
) -> impl IntoView {
    let pg = expect_context::<Playground>();
    let tab_button = move |tab: Tab, label: &'static str, testid: &'static str| {
        view! {
            <button type="button" role="tab" data-testid=testid
                aria-selected=move || (state.with(|s| s.tab) == tab).to_string()
                on:click=move |_| state.update(|s| s.tab = tab)>{label}</button>
        }
    };
    view! {
            <div class="query-controls" role="tablist">
            {tab_button(Tab::Graph, "Graph", "query-tab-graph")}
            {tab_button(Tab::Table, "Table", "query-tab-table")}
            {tab_button(Tab::Explain, "Explain", "query-tab-explain")}
            <label class="inline-field">"Range "
                <select data-testid="query-range" on:change=move |ev| {
                    if let Ok(ms) = event_target_value(&ev).parse() { state.update(|s| s.range_ms = ms) }
                }>
                    {RANGES.iter().map(|(ms, label)| view! {
                        <option value=ms.to_string() selected=move || state.with(|s| s.range_ms) == *ms>{*label}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="inline-field">"Resolution "
                <select data-testid="query-resolution" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(r) = Resolution::ALL.into_iter().find(|r| r.name() == v) { state.update(|s| s.resolution = r) }
                }>
                    {Resolution::ALL.into_iter().map(|r| view! {
                        <option value=r.name() selected=move || state.with(|s| s.resolution) == r>
                            {format!("{} (range/{})", r.name(), r.points())}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <label class="inline-field">
                <input type="checkbox" data-testid="query-stacked"
                    prop:checked=move || state.with(|s| s.stacked)
                    on:change=move |ev| state.update(|s| s.stacked = event_target_checked(&ev))/>
                " stacked"
            </label>
            <label class="inline-field">"Legend "
                <input type="text" data-testid="query-legend" placeholder="{{path}}" size="14"
                    prop:value=move || state.with(|s| s.legend.clone())
                    on:change=move |ev| state.update(|s| s.legend = event_target_value(&ev))/>
            </label>
            <label class="inline-field">"End (UTC) "
                <input type="datetime-local" step="1" data-testid="query-end-input"
                    title="Empty: the end follows the live run"
                    prop:value=move || state.with(|s| s.end_ms).map(utc_input_value).unwrap_or_default()
                    on:change=move |ev| {
                        let ms = js_sys::Date::parse(&format!("{}Z", event_target_value(&ev)));
                        state.update(|s| s.end_ms = ms.is_finite().then_some(ms as i64));
                    }/>
            </label>
            <button type="button" data-testid="query-end" title="Pin the end to the current time, or follow the live run again"
                on:click=move |_| {
                    let now = pg.clock.get_untracked().now_ms;
                    state.update(|s| s.end_ms = if s.end_ms.is_some() { None } else { Some(now) });
                }>
                {move || if state.with(|s| s.end_ms.is_some()) { "follow live" } else { "pin now" }}
            </button>
            <span class="query-stats" data-testid="query-stats">{move || stats.get()}</span>
        </div>
    }
}

/// `YYYY-MM-DDTHH:MM:SS` in UTC, as a `datetime-local` field shows it.
fn utc_input_value(ms: i64) -> String {
    let iso: String = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
        .to_iso_string()
        .into();
    iso.chars().take(19).collect()
}
