//! What the analysis found: parse errors, lint problems and the family table.
//! Long lists are cut to a readable length, saying how many more there are.

use std::sync::Arc;

use leptos::prelude::*;

use super::analysis::Analysis;

const MAX_LISTED: usize = 200;

fn more(total: usize) -> Option<String> {
    (total > MAX_LISTED).then(|| format!("… and {} more", total - MAX_LISTED))
}

#[component]
pub fn ErrorList(analysis: Arc<Analysis>, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let errors = &analysis.parsed().errors;
    if errors.is_empty() {
        return ().into_any();
    }
    let items = errors
        .iter()
        .take(MAX_LISTED)
        .map(|e| {
            let line = e.line as usize;
            view! {
                <li>
                    <button type="button" class="link" on:click=move |_| selected.set(Some(line))>
                        {format!("line {}, column {}", e.line, e.column)}
                    </button>
                    ": " {e.message()}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="report errors" data-testid="parse-errors">
            <h3>{format!("{} parse error{}", errors.len(), if errors.len() == 1 { "" } else { "s" })}</h3>
            <ul>{items}</ul>
            {more(errors.len())}
        </section>
    }
    .into_any()
}

#[component]
pub fn LintList(analysis: Arc<Analysis>) -> impl IntoView {
    let problems = &analysis.problems;
    let body = if problems.is_empty() {
        view! { <p class="ok">"No lint problems: promtool check metrics would be happy."</p> }
            .into_any()
    } else {
        let items = problems
            .iter()
            .take(MAX_LISTED)
            .map(|p| view! { <li><code>{p.metric.clone()}</code> " " {p.text.clone()}</li> })
            .collect_view();
        view! { <ul>{items}</ul> {more(problems.len())} }.into_any()
    };
    view! {
        <section class="report lint" data-testid="lint-problems">
            <h3>{format!("Lint (promtool check metrics rules): {} problem{}", problems.len(), if problems.len() == 1 { "" } else { "s" })}</h3>
            {body}
        </section>
    }
}

#[component]
pub fn FamilyTable(analysis: Arc<Analysis>, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let families = &analysis.parsed().families;
    let rows = families
        .iter()
        .zip(&analysis.parsed().family_lines)
        .take(MAX_LISTED)
        .map(|(f, lines)| {
            let first = lines.first as usize;
            view! {
                <tr>
                    <td>
                        <button type="button" class="link" on:click=move |_| selected.set(Some(first))>
                            {f.name.clone()}
                        </button>
                    </td>
                    <td>{f.metric_type.to_string()}</td>
                    <td>{f.unit.clone().unwrap_or_default()}</td>
                    <td class="help">{f.help.clone().unwrap_or_default()}</td>
                    <td class="num">{f.samples.len()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="report families">
            <h3>{format!("{} metric famil{}", families.len(), if families.len() == 1 { "y" } else { "ies" })}</h3>
            <table data-testid="family-table">
                <thead>
                    <tr><th>"Name"</th><th>"Type"</th><th>"Unit"</th><th>"Help"</th><th title="Each sample line is one time series">"Series"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {more(families.len())}
        </section>
    }
}
