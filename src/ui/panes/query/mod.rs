//! The Query pane: a PromQL expression evaluated against the playground's store
//! at the virtual clock's "now": a table (instant query) or a graph (range query
//! over the chosen range, following the live simulation), with the parser's error
//! at its position and the engine's warnings and infos.

mod editor;
mod run;
mod table;

use leptos::prelude::*;

use crate::ui::chart::TimeSeriesChart;
use crate::ui::playground::Playground;
use crate::ui::storage;

use editor::QueryEditor;
use run::{Outcome, RANGES, Request, View};

const EXPR_KEY: &str = "query.expr";
const TAB_KEY: &str = "query.tab";
const RANGE_KEY: &str = "query.range";

#[component]
pub fn QueryPane() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let expr = RwSignal::new(
        storage::load(EXPR_KEY)
            .unwrap_or_else(|| "sum by (path) (rate(http_requests_total[5m]))".to_string()),
    );
    let view_kind = RwSignal::new(match storage::load(TAB_KEY).as_deref() {
        Some("table") => View::Table,
        _ => View::Graph,
    });
    let range_ms = RwSignal::new(
        storage::load(RANGE_KEY)
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|r| RANGES.iter().any(|(ms, _)| ms == r))
            .unwrap_or(3_600_000),
    );
    Effect::new(move |_| storage::save(EXPR_KEY, &expr.get()));
    Effect::new(move |_| {
        storage::save(
            TAB_KEY,
            if view_kind.get() == View::Table {
                "table"
            } else {
                "graph"
            },
        )
    });
    Effect::new(move |_| storage::save(RANGE_KEY, &range_ms.get().to_string()));

    // The query that runs: set by Execute / Ctrl+Enter, then re-evaluated as the
    // store changes (the graph follows the live simulation).
    let submitted = RwSignal::new(expr.get_untracked());
    let outcome = Memo::new(move |_| {
        let request = Request {
            expr: submitted.get(),
            view: view_kind.get(),
            range_ms: range_ms.get(),
            now_ms: pg.clock.get().now_ms,
        };
        pg.with(|p| run::evaluate(&p.store, &request))
            .unwrap_or_else(|| Outcome::error_only("The playground has no running service yet."))
    });
    let execute = move || submitted.set(expr.get_untracked());
    let error_span =
        Signal::derive(move || outcome.with(|o| o.error.as_ref().and_then(|e| e.span)));
    let series = Signal::derive(move || outcome.with(|o| o.series.clone()));

    view! {
        <div class="query-editor">
            <div class="field">
                <span>"PromQL expression (Ctrl+Enter runs it, Ctrl+Space completes)"</span>
                <QueryEditor expr=expr error_span=error_span on_run=Callback::new(move |()| execute())/>
            </div>
            <button type="button" data-testid="run-query" on:click=move |_| execute()>
                "Execute"
            </button>
        </div>
        {move || outcome.with(|o| o.error.clone()).map(|e| view! {
            <div class="query-error" data-testid="query-error" role="alert">
                <pre class="error-context">{e.context}</pre>
                <span>{e.message}</span>
            </div>
        })}
        {move || outcome.with(|o| o.notes.clone()).into_iter().map(|n| view! {
            <p class="query-note">{n}</p>
        }).collect_view()}
        <div class="query-controls" role="tablist">
            <button type="button" role="tab" data-testid="query-tab-table"
                aria-selected=move || (view_kind.get() == View::Table).to_string()
                on:click=move |_| view_kind.set(View::Table)>"Table"</button>
            <button type="button" role="tab" data-testid="query-tab-graph"
                aria-selected=move || (view_kind.get() == View::Graph).to_string()
                on:click=move |_| view_kind.set(View::Graph)>"Graph"</button>
            <label class="inline-field">
                "Range "
                <select data-testid="query-range" on:change=move |ev| {
                    if let Ok(ms) = event_target_value(&ev).parse() { range_ms.set(ms) }
                }>
                    {RANGES.iter().map(|(ms, label)| view! {
                        <option value=ms.to_string() selected=move || range_ms.get() == *ms>{*label}</option>
                    }).collect_view()}
                </select>
            </label>
            <span class="query-stats" data-testid="query-stats">{move || outcome.with(|o| o.summary.clone())}</span>
        </div>
        {move || match view_kind.get() {
            View::Table => table::ResultTable(outcome.into()).into_any(),
            View::Graph => view! {
                <TimeSeriesChart series=series label="Query result over time" testid="graph"/>
            }.into_any(),
        }}
    }
}
