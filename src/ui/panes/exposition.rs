//! The simulated service's live `/metrics` text, as a scrape would fetch it right
//! now (virtual time), in text 0.0.4 or OpenMetrics; click a line to have it explained.

use std::sync::Arc;

use leptos::prelude::*;

use crate::expo::explain::{explain_line, graph_query};
use crate::expo::textparse::{Format, ParseOptions, parse};
use crate::ui::line_view::{LineExplanation, LineView};
use crate::ui::panes::PaneHeader;
use crate::ui::playground::Playground;
use crate::ui::storage;
use crate::views::exposition::{LineSource, ParsedText, find_lines, next_match};

const FORMAT_KEY: &str = "exposition.format";
/// Lines in view: a whole small service fits; a big one scrolls.
const VISIBLE_LINES: usize = 28;

fn format_from(s: &str) -> Option<Format> {
    Some(match s {
        "text" => Format::Text,
        "protobuf" => Format::Protobuf,
        _ => Format::OpenMetrics,
    })
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Text => "text",
        Format::OpenMetrics => "openmetrics",
        Format::Protobuf => "protobuf",
    }
}

#[component]
pub fn ExpositionPane() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let target = RwSignal::new(0usize);
    let format = storage::persisted(FORMAT_KEY, Format::OpenMetrics, format_from, |f| {
        format_name(*f).to_string()
    });
    let selected = RwSignal::new(None::<usize>);

    // The body at the current virtual time, read again whenever a scrape stored
    // samples (not at every tick of the clock), and parsed when it changed.
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
    let document = Memo::new_with_compare(
        move |_| {
            // The format the body came in (the Python lab's app may answer another).
            let (bytes, came_in) = body
                .get()
                .unwrap_or_else(|_| (Vec::new(), format.get_untracked()));
            let options = ParseOptions {
                format: Some(came_in),
                strict: false,
            };
            let parsed = parse(&bytes, options);
            // Protobuf is shown decoded, as the protobuf text format.
            let text = crate::scrape::body_text(&bytes, came_in);
            Arc::new(ParsedText::new(Arc::from(text), parsed))
        },
        // A new body is always a new document; comparing them would cost a second pass.
        |_, _| true,
    );
    let lines = Signal::derive(move || document.get() as Arc<dyn LineSource>);
    let search = RwSignal::new(String::new());
    let found = Memo::new(move |_| {
        let needle = search.get();
        Arc::new(find_lines(&*document.get(), &needle))
    });

    view! {
        <section class="exposition-pane">
            <PaneHeader title="/metrics, live">
                "What the scraper reads from the service (simulated, or the Python lab's program) at this moment of virtual time. "
                "Click a line to see what it means; search to jump between lines."
            </PaneHeader>
            <ExpositionToolbar target=target format=format>
                <LineSearch search=search found=found selected=selected/>
            </ExpositionToolbar>
            <Show
                when=move || body.with(|b| b.is_ok())
                fallback=move || view! {
                    <p class="fetch-status fetch-error">
                        {move || body.get().err().map(|e| format!("This scrape would fail: {e}"))}
                    </p>
                }
            >
                <div class="exposition" data-testid="exposition-text" aria-label="Exposition text">
                    <LineView lines=lines selected=selected visible=VISIBLE_LINES found=found>
                        <SelectedLine document=document selected=selected/>
                    </LineView>
                </div>
            </Show>
        </section>
    }
}

/// Which target's body to show, and in which format; `children` adds the search.
#[component]
fn ExpositionToolbar(
    target: RwSignal<usize>,
    format: RwSignal<Format>,
    children: Children,
) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let target_options = move || {
        playground
            .read_run(|p| p.target_specs())
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, t)| view! { <option value=i.to_string()>{format!("{} / {}", t.job, t.instance)}</option> })
            .collect_view()
    };
    view! {
        <div class="toolbar">
            <label>
                "Target "
                <select
                    data-testid="exposition-target"
                    prop:value=move || target.get().to_string()
                    on:change=move |ev| target.set(event_target_value(&ev).parse().unwrap_or(0))
                >
                    {target_options}
                </select>
            </label>
            <label>
                "Format "
                <select
                    data-testid="exposition-format"
                    prop:value=move || format_name(format.get())
                    on:change=move |ev| format.set(format_from(&event_target_value(&ev)).unwrap_or(Format::OpenMetrics))
                >
                    <option value="openmetrics">"OpenMetrics 1.0"</option>
                    <option value="text">"text 0.0.4"</option>
                    <option value="protobuf">"protobuf (shown decoded)"</option>
                </select>
            </label>
            {children()}
        </div>
    }
}

/// A search over the lines: typing jumps to the first line containing the text
/// (case aside), Enter to the next, Shift+Enter to the previous; matches are marked.
#[component]
fn LineSearch(
    search: RwSignal<String>,
    found: Memo<Arc<Vec<usize>>>,
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    let jump = move |from: Option<usize>, forward: bool| {
        if let Some(n) = found.with_untracked(|f| next_match(f, from, forward)) {
            selected.set(Some(n));
        }
    };
    let count = move || {
        let (needle, found) = (search.get(), found.get());
        if needle.is_empty() {
            return String::new();
        }
        match selected.get().and_then(|n| found.binary_search(&n).ok()) {
            Some(i) => format!("{} of {}", i + 1, found.len()),
            None if found.is_empty() => "no line".into(),
            None => format!("{} lines", found.len()),
        }
    };
    view! {
        <label>
            "Search "
            <input type="search" data-testid="exposition-search" placeholder="name, label or value" size="22"
                prop:value=move || search.get()
                on:input=move |ev| {
                    search.set(event_target_value(&ev));
                    jump(None, true);
                }
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        jump(selected.get_untracked(), !ev.shift_key());
                    }
                }/>
        </label>
        <span class="search-count" data-testid="exposition-search-count" aria-live="polite">{count}</span>
    }
}

/// The selected line explained, with "Graph this" where the line is a series.
#[component]
fn SelectedLine(
    document: Memo<Arc<ParsedText>>,
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    move || {
        let n = selected.get()?;
        let doc = document.get();
        let explanation = explain_line(&doc.parsed, n);
        Some(match graph_query(&doc.parsed, n) {
            Some(query) => {
                let shown = query.clone();
                view! {
                    <LineExplanation n=n explanation=explanation>
                        <button type="button" class="graph-this" data-testid="graph-this"
                            on:click=move |_| super::query::open_in_query_pane(&query)>
                            "Graph this: " <code>{shown}</code>
                        </button>
                    </LineExplanation>
                }
                .into_any()
            }
            None => view! { <LineExplanation n=n explanation=explanation/> }.into_any(),
        })
    }
}
