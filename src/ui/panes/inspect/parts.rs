//! Parts of the Inspect pane, one component each: fetching a URL into the
//! editor, and the results of an analysis (summary, errors, the line view with a
//! line's explanation, lint problems, families).

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::analysis::Analysis;
use super::fetch;
use super::report::{ErrorList, FamilyTable, LintList};
use crate::expo::explain::explain_line;
use crate::expo::textparse::Format;
use crate::ui::line_view::{LineExplanation, LineView};
use crate::ui::storage;
use crate::views::exposition::LineSource;

const URL_KEY: &str = "inspect.url";

/// A URL field and Fetch button: the body goes into `text` (and its format, when
/// the server says, into `format`), with what happened said below.
#[component]
pub fn FetchBar(text: RwSignal<String>, format: RwSignal<Option<Format>>) -> impl IntoView {
    let url = storage::persisted(
        URL_KEY,
        "http://127.0.0.1:9100/metrics".to_string(),
        |s| Some(s.to_string()),
        String::clone,
    );
    let fetching = RwSignal::new(false);
    let fetch_status = RwSignal::new(None::<(bool, String)>);
    let run_fetch = move || {
        let target = url.get_untracked();
        fetching.set(true);
        fetch_status.set(Some((true, format!("Fetching {target} …"))));
        spawn_local(async move {
            match fetch::fetch_metrics(&target, 10_000).await {
                Ok(fetched) => {
                    let size = fetched.body.len();
                    if fetched.format.is_some() {
                        format.try_set(fetched.format);
                    }
                    text.try_set(fetched.body);
                    let mut message = format!("Fetched {size} bytes from {target}.");
                    if let Some(note) = fetched.note {
                        message.push(' ');
                        message.push_str(&note);
                    }
                    fetch_status.try_set(Some((true, message)));
                }
                Err(explanation) => {
                    fetch_status.try_set(Some((false, explanation)));
                }
            }
            fetching.try_set(false);
        });
    };
    view! {
        <form class="fetch-bar" on:submit=move |ev| { ev.prevent_default(); run_fetch(); }>
            <input
                type="url"
                data-testid="fetch-url"
                aria-label="URL of a /metrics endpoint"
                bind:value=url
            />
            <button type="submit" data-testid="fetch" disabled=move || fetching.get()>"Fetch"</button>
        </form>
        {move || fetch_status.get().map(|(ok, message)| view! {
            <p class="fetch-status" class:fetch-error=!ok data-testid="fetch-status">{message}</p>
        })}
    }
}

/// What the analysis found: a one-line summary, then (once there is one) the
/// errors, the lines with the selected one explained, lint problems and families.
#[component]
pub fn InspectResults(
    analysis: RwSignal<Option<Arc<Analysis>>>,
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    let summary =
        move || {
            analysis.get().map(|a| {
            format!(
                "{}: {} families, {} samples, {} error{}, {} lint problem{} ({} lines in {:.0} ms)",
                if a.draft {
                    "OpenMetrics 2.0 (draft, native histograms)"
                } else {
                    a.parsed().format.name()
                },
                a.parsed().families.len(),
                a.sample_count(),
                a.parsed().errors.len(),
                if a.parsed().errors.len() == 1 { "" } else { "s" },
                a.problems.len(),
                if a.problems.len() == 1 { "" } else { "s" },
                a.parsed().lines.len(),
                a.elapsed_ms
            )
        })
        };
    let explanation = move || {
        let a = analysis.get()?;
        let line = selected.get()?;
        Some(view! { <LineExplanation n=line explanation=explain_line(a.parsed(), line)/> })
    };

    view! {
        <p class="summary" data-testid="inspect-summary">{summary}</p>
        {move || analysis.get().map(|a| view! {
            <div class="inspect-results">
                <ErrorList analysis=a.clone() selected=selected/>
                <LineView lines=Signal::stored(a.doc.clone() as Arc<dyn LineSource>) selected=selected/>
                {explanation}
                <LintList analysis=a.clone()/>
                <FamilyTable analysis=a selected=selected/>
            </div>
        })}
    }
}
