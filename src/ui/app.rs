//! The shell: header, the pane tabs (WAI-ARIA tabs: arrow keys, Home and End move
//! between them) and the active pane. The active pane is in the URL hash, so a link
//! can open a pane, and in storage, so a reload returns to it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::clock_bar::ClockBar;
use super::panes::Pane;
use super::playground::provide_playground;
use super::presenter::{ChromeToggle, PresenterToggle};
use super::storage;
use super::theme::{ThemeToggle, provide_theme};
use super::timeline::TimelineList;

const STORAGE_KEY: &str = "pane";

fn pane_from_hash() -> Option<Pane> {
    let hash = web_sys::window()?.location().hash().ok()?;
    Pane::from_id(hash.trim_start_matches('#'))
}

fn write_hash(pane: Pane) {
    if let Some(window) = web_sys::window()
        && let Ok(history) = window.history()
    {
        // replaceState: switching tabs should not fill the back button's history.
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{}", pane.id())),
        );
    }
}

fn focus_tab(pane: Pane) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("tab-{}", pane.id())))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// An embed (`?embed=query`, `dashboard` or `lessons`): one pane with the link's
/// run (and its queries, or its lesson step), without the app's header, clock bar
/// and tabs, for an `<iframe>` in a tutorial.
fn embedded() -> Option<Pane> {
    match crate::ui::share::param("embed")?.as_str() {
        "query" => Some(Pane::Query),
        "dashboard" => Some(Pane::Dashboard),
        "lessons" => Some(Pane::Lessons),
        _ => None,
    }
}

#[component]
pub fn App() -> impl IntoView {
    let embed = embedded();
    if embed.is_some() {
        storage::isolate();
    }
    provide_theme();
    provide_playground();
    if let Some(pane) = embed {
        return view! {
            <main class="embed" data-testid="embed">{pane.view()}</main>
        }
        .into_any();
    }

    let initial = pane_from_hash()
        .or_else(|| storage::load(STORAGE_KEY).and_then(|id| Pane::from_id(&id)))
        .unwrap_or(Pane::Query);
    let active = RwSignal::new(initial);
    Effect::new(move |_| {
        let pane = active.get();
        write_hash(pane);
        storage::save(STORAGE_KEY, pane.id());
    });
    let _ = window_event_listener(leptos::ev::hashchange, move |_| {
        if let Some(pane) = pane_from_hash() {
            active.set(pane);
        }
    });

    let on_tab_key = move |ev: leptos::ev::KeyboardEvent| {
        let current = active.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => current.offset(1),
            "ArrowLeft" | "ArrowUp" => current.offset(-1),
            "Home" => Pane::ALL[0],
            "End" => Pane::ALL[Pane::ALL.len() - 1],
            _ => return,
        };
        ev.prevent_default();
        active.set(next);
        focus_tab(next);
    };

    let tabs = Pane::ALL
        .into_iter()
        .map(|pane| {
            let selected = move || active.get() == pane;
            view! {
                <button
                    type="button"
                    role="tab"
                    id=format!("tab-{}", pane.id())
                    data-testid=format!("tab-{}", pane.id())
                    aria-controls=format!("pane-{}", pane.id())
                    aria-selected=move || selected().to_string()
                    tabindex=move || if selected() { "0" } else { "-1" }
                    class="tab"
                    on:click=move |_| active.set(pane)
                >
                    {pane.title()}
                </button>
            }
        })
        .collect_view();

    view! {
        <header class="app-header">
            <div class="brand">
                <h1>"promplay"</h1>
                <p class="tagline">
                    "The Prometheus monitoring stack as a playground in your browser tab: "
                    "instrument a service, read its /metrics, scrape it, query it with PromQL."
                </p>
            </div>
            <div class="header-buttons"><ChromeToggle/><PresenterToggle/><ThemeToggle/></div>
        </header>
        <ClockBar/>
        <TimelineList/>
        <nav class="tabs" role="tablist" aria-label="Panes" on:keydown=on_tab_key>
            {tabs}
        </nav>
        <main class="pane-area">
            {move || {
                let pane = active.get();
                view! {
                    <section
                        role="tabpanel"
                        id=format!("pane-{}", pane.id())
                        data-testid=format!("pane-{}", pane.id())
                        aria-labelledby=format!("tab-{}", pane.id())
                        class="pane"
                        tabindex="0"
                    >
                        {pane.view()}
                    </section>
                }
            }}
        </main>
        <footer class="app-footer">
            "promplay " {crate::VERSION}
            " · runs entirely in this tab; nothing leaves it unless you fetch a URL"
        </footer>
    }
    .into_any()
}
