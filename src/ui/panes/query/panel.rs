//! One query panel: the editor, hints with their fix, and the Graph / Table /
//! Explain views of its result, with Prometheus UI's range, end and resolution
//! controls.

use leptos::prelude::*;

use crate::ui::chart::Chart;
use crate::ui::playground::Playground;
use crate::views::chart::{ChartKind, ChartSpec, Unit, markers};

use super::controls::{EmptyExplanation, Messages, PanelControls};
use super::editor::QueryEditor;
use super::source::{self, QuerySource};
use super::table::ResultTable;
use crate::ui::browser::{Latest, mark, now_ms};
use crate::views::query::run::{Outcome, Request, Timed};
use crate::views::query::state::{PanelState, Tab};
use leptos::task::spawn_local;

#[component]
pub fn QueryPanel(
    /// The panel's settings (shared with the pane, which saves them).
    state: RwSignal<PanelState>,
    /// Its place among the panels (it moves when an earlier one is removed).
    #[prop(into)]
    index: Signal<usize>,
    /// Whether it may be removed (not when it is the only panel).
    #[prop(into)]
    removable: Signal<bool>,
    on_remove: Callback<()>,
    history: RwSignal<Vec<String>>,
) -> impl IntoView {
    let pg = expect_context::<Playground>();
    // What runs is set by Execute / Ctrl+Enter (the typed text is the panel
    // state's, kept in storage and the address before it runs, so a reload keeps
    // it) and re-evaluated as the store changes (a graph ending "now" follows the run).
    let submitted = RwSignal::new(state.get_untracked().expr);
    let timed = evaluation(state, submitted);
    let outcome = Memo::new(move |_| timed.with(|t| t.value.clone()));
    let all_markers = Memo::new(move |_| {
        let mut all = markers(&pg.events.get());
        all.extend({
            pg.data.track();
            pg.read_engine(|engine, p| (engine.alert_markers)(p))
                .unwrap_or_default()
        });
        all
    });
    let spec = Signal::derive(move || {
        let (stacked, legend) = state.with(|s| (s.stacked, s.legend.clone()));
        let histograms = outcome.with(|o| o.histograms);
        let expr = submitted.get();
        let unit = match Unit::for_metric(&expr) {
            // A rate of a histogram of seconds counts observations per second.
            Unit::Ratio if histograms => Unit::PerSecond,
            unit => unit,
        };
        ChartSpec {
            kind: if histograms {
                ChartKind::Heatmap
            } else if stacked {
                ChartKind::Stacked
            } else {
                ChartKind::Lines
            },
            unit,
            le_unit: if histograms {
                Unit::for_buckets(&expr)
            } else {
                Unit::default()
            },
            series: outcome.with(|o| o.series.clone()),
            legend: (!legend.is_empty()).then_some(legend),
            markers: all_markers.get(),
            ..ChartSpec::default()
        }
    });
    // A sub-expression's own result at the panel's time (the Explain view's tables).
    let table_of = move |text: String| {
        let (range_ms, end_ms, step_ms) =
            state.with_untracked(|s| (s.range_ms, s.end_ms, s.step_ms()));
        let now = pg.clock.get_untracked().now_ms;
        pg.read_engine(|engine, p| {
            let request = Request {
                expr: text,
                tab: Tab::Table,
                range_ms,
                end_ms: end_ms.unwrap_or(now),
                step_ms,
                scrape_interval_ms: p.settings().interval_ms,
            };
            (engine.evaluate)(p, &request)
        })
        .unwrap_or_default()
    };
    let run_text = move |text: String| {
        if state.with_untracked(|s| s.expr != text) {
            state.update(|s| s.expr = text.clone());
        }
        submitted.set(text);
    };
    let stats = Signal::derive(move || {
        timed.with(|t| {
            let s = &t.value.summary;
            if s.ends_with("result") || s.ends_with("results") {
                format!("{s}, evaluated in {:.1} ms", t.ms)
            } else {
                s.clone()
            }
        })
    });

    view! {
        <section class="query-panel" data-testid="query-panel">
            <QueryBar state=state submitted=submitted history=history removable=removable on_remove=on_remove
                error_span=Signal::derive(move || outcome.with(|o| o.error.as_ref().and_then(|e| e.span)))/>
            <Messages outcome=outcome on_fix=Callback::new(run_text)/>
            <PanelControls state=state stats=stats/>
            {move || match state.with(|s| s.tab) {
                Tab::Table => ResultTable(outcome.into()).into_any(),
                Tab::Graph => view! {
                    <Chart spec=spec label=format!("Query {} over time", index.get_untracked() + 1) testid="graph" file_name="query"/>
                }.into_any(),
                Tab::Explain => explain_view(outcome.into(), table_of, run_text).into_any(),
            }}
            <EmptyExplanation outcome=outcome on_fix=Callback::new(run_text)/>
        </section>
    }
}

/// The query `submitted` evaluated as the panel's `state` asks, timed; again when
/// either changes, the run is replaced, or (following now) the clock passes a step.
/// With a Prometheus server as the data source, its HTTP API answers instead (the
/// newest request wins).
fn evaluation(state: RwSignal<PanelState>, submitted: RwSignal<String>) -> Signal<Timed<Outcome>> {
    let pg = expect_context::<Playground>();
    let server = use_context::<QuerySource>().map(|source| source.server);
    let remote_base = move || server.and_then(|s| s.get());
    // What the result depends on besides the query (not the text being typed).
    let view = Memo::new(move |_| state.with(|s| (s.tab, s.range_ms, s.end_ms, s.step_ms())));
    // The evaluation time: pinned, or the live clock aligned down to the step (as
    // the dashboard's window), so a panel following now runs once a step, not at
    // every tick; samples after it cannot change the result.
    let end = Memo::new(move |_| {
        let (_, _, pinned, step) = view.get();
        pinned.unwrap_or_else(|| {
            let now = pg.clock.get().now_ms;
            now - now.rem_euclid(step)
        })
    });
    let request = Memo::new(move |_| {
        let (tab, range_ms, _, step_ms) = view.get();
        Request {
            expr: submitted.get(),
            tab,
            range_ms,
            end_ms: end.get(),
            step_ms,
            scrape_interval_ms: pg.read_run(|p| p.settings().interval_ms).unwrap_or(15_000),
        }
    });
    let local = Memo::new(move |_| {
        if remote_base().is_some() {
            return Timed::default();
        }
        // A new run (or the end of its backfill) replaced the data.
        pg.run.track();
        let request = request.get();
        Timed::measure(now_ms, || {
            pg.read_engine(|engine, p| (engine.evaluate)(p, &request))
                .unwrap_or_else(|| {
                    Outcome::error_only("The playground has no running service yet.")
                })
        })
    });
    let remote = RwSignal::new(Timed::<Outcome>::default());
    let latest = Latest::new();
    Effect::new(move |_| {
        let Some(base) = remote_base() else {
            return;
        };
        let request = request.get();
        let ticket = latest.next();
        if request.tab == Tab::Explain {
            remote.set(Timed {
                value: Outcome::error_only(
                    "Explain evaluates each sub-expression in this page's store: choose this page's store as the data source to use it.",
                ),
                ms: 0.0,
            });
            return;
        }
        remote.set(Timed {
            value: Outcome {
                summary: format!("Asking {base}…"),
                ..Outcome::default()
            },
            ms: 0.0,
        });
        spawn_local(async move {
            let started = now_ms();
            let outcome = match source::remote().await {
                Ok(r) => (r.query)(base, request).await,
                Err(e) => Outcome::error_only(&e),
            };
            if ticket.is_current() {
                remote.set(Timed {
                    value: outcome,
                    ms: now_ms() - started,
                });
            }
        });
    });
    on_cleanup(move || latest.cancel());
    Signal::derive(move || {
        if remote_base().is_some() {
            remote.get()
        } else {
            local.get()
        }
    })
}

/// The editor, Execute, the history and the remove button.
#[component]
fn QueryBar(
    state: RwSignal<PanelState>,
    submitted: RwSignal<String>,
    history: RwSignal<Vec<String>>,
    #[prop(into)] removable: Signal<bool>,
    on_remove: Callback<()>,
    #[prop(into)] error_span: Signal<Option<(usize, usize)>>,
) -> impl IntoView {
    let typed = Memo::new(move |_| state.with(|s| s.expr.clone()));
    let set_typed = move |text: String| {
        if state.with_untracked(|s| s.expr != text) {
            state.update(|s| s.expr = text);
        }
    };
    let execute = move || {
        let text = typed.get_untracked();
        submitted.set(text.clone());
        history.update(|h| {
            h.retain(|q| *q != text);
            h.insert(0, text);
            h.truncate(30);
        });
        mark("query-submitted");
    };
    view! {
        <div class="query-editor">
            <div class="field">
                <span>"PromQL expression (Ctrl+Enter runs it, Ctrl+Space completes)"</span>
                <QueryEditor text=typed on_input=Callback::new(set_typed) error_span=error_span on_run=Callback::new(move |()| execute())/>
            </div>
            <button type="button" data-testid="run-query" on:click=move |_| execute()>"Execute"</button>
            <select class="history" data-testid="query-history" aria-label="Query history"
                on:change=move |ev| {
                    let q = event_target_value(&ev);
                    if !q.is_empty() {
                        set_typed(q);
                        execute();
                    }
                }>
                <option value="">"History"</option>
                {move || history.get().into_iter().map(|q| view! { <option value=q.clone()>{q.clone()}</option> }).collect_view()}
            </select>
            <Show when=move || removable.get()>
                <button type="button" class="remove-panel" data-testid="remove-panel" title="Remove this panel"
                    on:click=move |_| on_remove.run(())>"×"</button>
            </Show>
        </div>
    }
}

/// The sub-expression tree: each node's text, what it does and what it gives;
/// clicking a node runs it on its own in this panel.
fn explain_view(
    outcome: Signal<Outcome>,
    table_of: impl Fn(String) -> Outcome + Copy + Send + Sync + 'static,
    run_text: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // The node whose own table is open.
    let open = RwSignal::new(None::<String>);
    view! {
        <ol class="explain-tree" data-testid="explain-tree">
            {move || outcome.with(|o| o.explain.clone()).into_iter().map(|row| {
                let (text, for_table, for_run) = (row.text.clone(), row.text.clone(), row.text.clone());
                let is_open = move || open.with(|o| o.as_deref() == Some(text.as_str()));
                view! {
                    <li data-testid="explain-node" style=format!("margin-left: {}rem", row.depth as f64 * 1.5)>
                        <button type="button" class="explain-text" title="Show this sub-expression's result"
                            on:click=move |_| open.update(|o| {
                                *o = if o.as_deref() == Some(for_table.as_str()) { None } else { Some(for_table.clone()) }
                            })><code>{row.text.clone()}</code></button>
                        <span class="explain-result">{row.result}</span>
                        <button type="button" class="explain-run" title="Make this the panel's query"
                            on:click=move |_| run_text(for_run.clone())>"run alone"</button>
                        <p class="explain-sentence">{row.sentence}</p>
                        {move || is_open().then(|| {
                            let text = open.get_untracked().unwrap_or_default();
                            ResultTable(Signal::derive(move || table_of(text.clone())))
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
