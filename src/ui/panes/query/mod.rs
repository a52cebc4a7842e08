//! The Query pane: PromQL panels evaluated against the playground's store, each
//! with a highlighted, completing editor, hints, and Graph / Table / Explain views.
//! The panels live in the URL in Prometheus UI's form (`?g0.expr=...&g0.tab=0`),
//! so a copied link opens the same queries, and in storage across reloads.

mod controls;
mod editor;
mod panel;
mod source;
mod table;

use leptos::prelude::*;

use crate::ui::keyed::Keyed;
use crate::ui::{share, storage};

use crate::views::query::state::{PanelState, from_params, to_params};
use panel::QueryPanel;
use source::{DataSourceBar, QuerySource};

const PANELS_KEY: &str = "query.panels";
const HISTORY_KEY: &str = "query.history";

fn decode(s: &str) -> Option<String> {
    js_sys::decode_uri_component(s).ok().map(String::from)
}

/// Whether a query-string key is a panel's (`g0.expr`, `g1.tab`...).
fn panel_key(key: &str) -> bool {
    key.strip_prefix('g')
        .and_then(|k| k.split_once('.'))
        .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The panels a page load starts with: a shared link's, else the saved ones, else one.
fn initial_panels() -> Vec<PanelState> {
    let from_url = from_params(&share::search(), decode);
    if !from_url.is_empty() {
        return from_url;
    }
    let saved = storage::load(PANELS_KEY)
        .map(|s| from_params(&s, decode))
        .unwrap_or_default();
    if saved.is_empty() {
        vec![PanelState::default()]
    } else {
        saved
    }
}

/// The queries of the Query pane's panels (as saved: the pane may be hidden), for
/// the lessons' checks.
pub fn saved_queries() -> Vec<String> {
    storage::load(PANELS_KEY)
        .map(|s| from_params(&s, decode))
        .unwrap_or_default()
        .into_iter()
        .map(|panel| panel.expr)
        .collect()
}

/// Makes `expr` the Query pane's only panel (saved and in the address), for the
/// pane's next mount.
pub fn set_only_query(expr: &str) {
    let panel = PanelState {
        expr: expr.to_string(),
        ..PanelState::default()
    };
    let params = to_params(&[panel], share::encode);
    storage::save(PANELS_KEY, &params);
    let pairs: Vec<String> = params.split('&').map(str::to_string).collect();
    share::update(panel_key, &pairs);
}

/// Opens the Query pane with `expr` graphed in its only panel ("graph this").
pub fn open_in_query_pane(expr: &str) {
    set_only_query(expr);
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash("query");
    }
}

#[component]
pub fn QueryPane() -> impl IntoView {
    QuerySource::provide();
    let panels = Keyed::new(initial_panels().into_iter().map(RwSignal::new));
    let history = storage::persisted(
        HISTORY_KEY,
        Vec::new(),
        |s| Some(s.lines().map(str::to_string).collect()),
        |h| h.join("\n"),
    );
    Effect::new(move |_| {
        let states: Vec<PanelState> = panels.with_items(|all| all.map(|s| s.get()).collect());
        let params = to_params(&states, share::encode);
        storage::save(PANELS_KEY, &params);
        let pairs: Vec<String> = params.split('&').map(str::to_string).collect();
        share::update(panel_key, &pairs);
    });

    view! {
        <DataSourceBar/>
        <div class="query-panels">
            <For each=move || panels.entries() key=|(key, _)| *key let((key, state))>
                <QueryPanel
                    state=state
                    index=Signal::derive(move || panels.position(key).unwrap_or(0))
                    removable=Signal::derive(move || panels.len() > 1)
                    history=history
                    on_remove=Callback::new(move |()| panels.remove(key))
                />
            </For>
        </div>
        <button type="button" class="add-panel" data-testid="add-panel"
            on:click=move |_| { panels.push(RwSignal::new(PanelState::default())); }>"Add panel"</button>
    }
}
