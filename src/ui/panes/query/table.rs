//! The Table view: one row per series (labels and value), as Prometheus's UI.

use leptos::prelude::*;

use crate::views::query::run::Outcome;

#[allow(non_snake_case)]
pub fn ResultTable(outcome: Signal<Outcome>) -> impl IntoView {
    view! {
        <table class="result-table" data-testid="query-table">
            <thead><tr><th>"Series"</th><th>"Value"</th></tr></thead>
            <tbody>
                {move || outcome.with(|o| o.rows.clone()).into_iter().map(|r| view! {
                    <tr><td class="mono">{r.labels}</td><td class="mono value">{r.value}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
