//! One lesson step: its prose, where to work, its checks (run on demand against
//! the live run), hints revealed one at a time, and "show me".

use leptos::prelude::*;

use crate::expo::textparse::Format;
use crate::lessons::{CheckContext, ShowMe, Step, evaluate};
use crate::pipeline::Change;
use crate::ui::browser::now_ms;
use crate::ui::panes::dashboard::saved;
use crate::ui::panes::query::{open_in_query_pane, saved_queries};
use crate::ui::playground::Playground;
use crate::views::dashboard::interval;
use crate::views::dashboard::model::Panel;
use crate::views::lesson::Progress;

/// The result of the last check: passed, and what to say.
#[derive(Clone, Debug, PartialEq)]
struct Verdict {
    passed: bool,
    lines: Vec<String>,
}

fn go_to(pane: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(pane);
    }
}

#[component]
pub fn StepView(
    lesson_id: String,
    index: usize,
    step: Step,
    progress: RwSignal<Progress>,
) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let verdict = RwSignal::new(None::<Verdict>);
    let hints_shown = RwSignal::new(0usize);
    let checks = step.checks.clone();
    let fail = step.fail.clone();
    let id = lesson_id.clone();
    let run_checks = move |_| {
        let queries = saved_queries();
        let scenario = playground
            .read(|p| p.run().scenario.clone())
            .unwrap_or_default();
        // Panels use Grafana's interval variables: checked as the dashboard shows them.
        let window = playground
            .read(|p| {
                interval::window(
                    p.now_ms(),
                    saved::DEFAULT_RANGE_MS,
                    p.settings().interval_ms,
                )
            })
            .unwrap_or_else(|| interval::window(0, saved::DEFAULT_RANGE_MS, 15_000));
        let panels: Vec<String> = saved::load(&scenario)
            .panels
            .into_iter()
            .map(|p| interval::substitute(&p.query, &window))
            .collect();
        let outcomes = playground.with_mut(|p| {
            let exposition = p
                .peek_scrape(0, Format::OpenMetrics)
                .ok()
                .map(|(body, format)| (crate::scrape::body_text(&body, format), format));
            let ctx = CheckContext {
                store: p.store(),
                now_ms: p.now_ms(),
                queries: &queries,
                panels: &panels,
                exposition: exposition
                    .as_ref()
                    .map(|(text, format)| (text.as_str(), *format)),
                options: crate::views::query_options(now_ms),
            };
            checks.iter().map(|c| evaluate(c, &ctx)).collect::<Vec<_>>()
        });
        let outcomes = outcomes.unwrap_or_default();
        let passed = outcomes.iter().all(|o| o.passed);
        let mut lines = Vec::new();
        if !passed && let Some(f) = &fail {
            lines.push(f.clone());
        }
        lines.extend(outcomes.into_iter().map(|o| o.detail));
        if passed {
            progress.update(|p| p.pass(&id, index));
        }
        verdict.set(Some(Verdict { passed, lines }));
    };
    let show_me = step.show_me.clone();
    let show = move |_| {
        for action in &show_me {
            match action.clone() {
                ShowMe::Query(q) => open_in_query_pane(&q),
                ShowMe::Panel(q) => {
                    let scenario = playground
                        .read(|p| p.run().scenario.clone())
                        .unwrap_or_default();
                    let mut dashboard = saved::load(&scenario);
                    if !dashboard.panels.iter().any(|p| p.query == q) {
                        dashboard.panels.push(Panel::new("From the lesson", &q));
                        saved::save(&scenario, &dashboard);
                    }
                    go_to("dashboard");
                }
                ShowMe::Event(event) => {
                    if let Some((kind, value)) = event.split_once(':')
                        && let Ok(change) = Change::parse(kind, value)
                    {
                        playground.change_now(change);
                    }
                }
                ShowMe::Program(program) => {
                    let code =
                        program.or_else(|| playground.read(|p| p.python_source().code.to_string()));
                    if let Some(code) = code {
                        playground.run_program(&code);
                    }
                }
                ShowMe::Metric(op) => {
                    if let Ok(op) = crate::sim::MetricOp::parse(&op) {
                        let _ = playground.change_run(|p| p.apply_metric_op(&op));
                    }
                }
                ShowMe::Rules(group) => {
                    let _ = playground.change_run(|p| {
                        let text = format!("{}{group}", p.rules_text());
                        p.apply_rules(&text)
                    });
                }
            }
        }
    };
    let hints = step.hints.clone();
    let hint_count = hints.len();
    let passed_before = {
        let id = lesson_id.clone();
        move || progress.with(|p| p.passed(&id, index))
    };
    view! {
        <section class="lesson-step" data-testid="lesson-step">
            <h4>{super::title(&step.title)} {move || passed_before().then_some(" ✓")}</h4>
            <div class="lesson-prose">{super::prose(&step.text)}</div>
            {step.pane.clone().map(|pane| {
                let target = pane.clone();
                view! {
                    <p><button type="button" class="link-button" on:click=move |_| go_to(&target)>{format!("Go to the {pane} pane")}</button></p>
                }
            })}
            <div class="lesson-actions">
                <button type="button" data-testid="lesson-check" disabled=step.checks.is_empty() on:click=run_checks>"Check"</button>
                <button type="button" data-testid="lesson-show-me" disabled=step.show_me.is_empty() on:click=show>"Show me"</button>
                <button type="button" data-testid="lesson-hint" disabled=move || { hints_shown.get() >= hint_count }
                    on:click=move |_| hints_shown.update(|n| *n += 1)>"Hint"</button>
            </div>
            <ul class="lesson-hints">
                {move || hints.iter().take(hints_shown.get()).map(|h| view! { <li>{h.clone()}</li> }).collect_view()}
            </ul>
            {move || verdict.get().map(|v| view! {
                <div class="lesson-result" class:passed=v.passed class:failed=!v.passed data-testid="lesson-result" role="status">
                    <strong>{if v.passed { "Passed." } else { "Not yet." }}</strong>
                    <ul>{v.lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                </div>
            })}
        </section>
    }
}
