//! The simulated service's live `/metrics` text, as a scrape would fetch it right
//! now (virtual time), in text 0.0.4 or OpenMetrics; click a line to have it explained.

use leptos::prelude::*;

use crate::expo::explain::{explain_line, graph_query};
use crate::expo::textparse::{Format, LineKind, ParseOptions, parse};
use crate::ui::playground::Playground;
use crate::ui::storage;
use crate::views::exposition::highlight_line;

const FORMAT_KEY: &str = "exposition.format";

#[component]
pub fn ExpositionPane() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let target = RwSignal::new(0usize);
    let format = storage::persisted(
        FORMAT_KEY,
        Format::OpenMetrics,
        |s| {
            Some(if s == "text" {
                Format::Text
            } else {
                Format::OpenMetrics
            })
        },
        |f| {
            if *f == Format::Text {
                "text"
            } else {
                "openmetrics"
            }
            .to_string()
        },
    );
    let selected = RwSignal::new(None::<usize>);

    // The body at the current virtual time, read again whenever a scrape stored
    // samples (not at every tick of the clock).
    let body = Memo::new(move |_| {
        let (i, f) = (target.get(), format.get());
        playground.data.track();
        playground
            .with_mut(|p| {
                // A scenario with fewer targets than before: show its first one.
                let i = if i < p.target_specs().len() { i } else { 0 };
                p.peek_scrape(i, f)
            })
            .unwrap_or_else(|| Err("the simulation is starting".into()))
    });
    let target_options = move || {
        playground
            .read_run(|p| p.target_specs())
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, t)| view! { <option value=i.to_string()>{format!("{} / {}", t.job, t.instance)}</option> })
            .collect_view()
    };
    let lines = move || {
        match body.get() {
        Err(error) => view! { <p class="fetch-status fetch-error">{format!("This scrape would fail: {error}")}</p> }.into_any(),
        Ok(text) => {
            let parsed = parse(text.as_bytes(), ParseOptions { format: Some(format.get()), strict: false });
            let explanation = selected.get().map(|n| {
                view! {
                    <div class="explanation" data-testid="line-explanation">
                        <strong>{format!("Line {n}: ")}</strong>
                        {explain_line(&parsed, n)}
                        {graph_query(&parsed, n).map(|q| {
                            let shown = q.clone();
                            view! {
                                <button type="button" class="graph-this" data-testid="graph-this"
                                    on:click=move |_| super::query::open_in_query_pane(&q)>
                                    "Graph this: " <code>{shown}</code>
                                </button>
                            }
                        })}
                    </div>
                }
            });
            let rows = text
                .lines()
                .enumerate()
                .map(|(i, line)| {
                    let n = i + 1;
                    let kind = parsed.lines.get(i).copied();
                    let class = match kind {
                        Some(LineKind::Help(_) | LineKind::Type(_) | LineKind::Unit(_)) => "expo-line expo-meta",
                        Some(LineKind::Eof) => "expo-line expo-meta",
                        _ => "expo-line",
                    };
                    view! {
                        <div class=class class:line-selected=move || selected.get() == Some(n) on:click=move |_| selected.set(Some(n))>
                            {highlight_line(line).into_iter().map(|(text, class)| view! { <span class=class>{text}</span> }).collect_view()}
                        </div>
                    }
                })
                .collect_view();
            view! {
                {explanation}
                <div class="exposition" data-testid="exposition-text" aria-label="Exposition text">{rows}</div>
            }
            .into_any()
        }
    }
    };
    view! {
        <section class="exposition-pane">
            <h2>"/metrics, live"</h2>
            <p class="pane-intro">
                "What the scraper reads from the simulated service at this moment of virtual time. "
                "Click a line to see what it means."
            </p>
            <div class="toolbar">
                <label>
                    "Target "
                    <select data-testid="exposition-target" on:change=move |ev| target.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {target_options}
                    </select>
                </label>
                <label>
                    "Format "
                    <select
                        data-testid="exposition-format"
                        prop:value=move || if format.get() == Format::Text { "text" } else { "openmetrics" }
                        on:change=move |ev| format.set(if event_target_value(&ev) == "text" { Format::Text } else { Format::OpenMetrics })
                    >
                        <option value="openmetrics">"OpenMetrics 1.0"</option>
                        <option value="text">"text 0.0.4"</option>
                    </select>
                </label>
            </div>
            {lines}
        </section>
    }
}
