//! Rules, as Prometheus 3's rules page: each group with its interval, last
//! evaluation and how long it took; each rule with its expression, health, error,
//! last evaluation and duration. Below, the rule file's editor: the draft is kept
//! in storage, and "Apply" adds it to the run as an event (or lists its problems
//! at their line and column, and stores nothing).

use leptos::prelude::*;

use crate::pipeline::check_rule_text;
use crate::rules::RuleFileError;
use crate::ui::code_editor::CodeEditor;
use crate::ui::playground::Playground;
use crate::ui::storage;
use crate::views::alerts::{GroupView, group_views};
use crate::views::yaml_editor::{ErrorAt, yaml_segments};

const DRAFT_KEY: &str = "rules-draft";

#[component]
pub fn RulesView() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let groups = move || {
        let now = playground.clock.get().now_ms;
        playground
            .read_data(|p| group_views(p.alerting().rules(), now))
            .unwrap_or_default()
    };
    let load_errors = move || {
        playground
            .read_run(|p| p.alerting().errors().to_vec())
            .unwrap_or_default()
    };
    view! {
        <div class="rules-view">
            <ErrorList errors=Signal::derive(load_errors) testid="rules-load-errors"/>
            <div data-testid="rule-groups">
                {move || groups().into_iter().map(|g| view! { <RuleGroup group=g/> }).collect_view()}
            </div>
            <RuleEditor/>
        </div>
    }
}

#[component]
fn RuleGroup(group: GroupView) -> impl IntoView {
    let rows = group
        .rules
        .into_iter()
        .map(|r| {
            view! {
                <tr data-testid="rule-row" data-health=r.health>
                    <td><span class="rule-kind">{r.kind}</span>" "<b>{r.name}</b>
                        <pre class="rule-expr"><code>{r.expr}</code></pre>
                        {r.error.map(|e| view! { <p class="error" data-testid="rule-error">{e}</p> })}
                    </td>
                    <td><span class=format!("health health-{}", r.health)>{r.health}</span></td>
                    <td>{r.last_eval}</td>
                    <td class="num">{r.duration}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="rule-group" data-testid="rule-group">
            <h3>{group.name}" "<small>{format!("{}, last evaluated {}, took {}", group.interval, group.last_eval, group.duration)}</small></h3>
            <table class="rules-table">
                <thead><tr><th>"Rule"</th><th>"Health"</th><th>"Last evaluation"</th><th>"Duration"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// The longest rule file checked as it is typed (a larger one is checked on Apply).
const LIVE_CHECK_BYTES: usize = 200_000;

#[component]
fn RuleEditor() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let applied = move || playground.read_run(|p| p.rules_text()).unwrap_or_default();
    let draft = RwSignal::new(storage::load(DRAFT_KEY).unwrap_or_else(&applied));
    Effect::new(move |_| {
        storage::save(DRAFT_KEY, &draft.get());
    });
    // Checked as typed, as Prometheus checks it at load.
    let live_errors = Memo::new(move |_| {
        draft.with(|text| {
            if text.len() > LIVE_CHECK_BYTES {
                return Vec::new();
            }
            check_rule_text(text).err().unwrap_or_default()
        })
    });
    let applied_errors = RwSignal::new(Vec::<RuleFileError>::new());
    let errors = Signal::derive(move || {
        let live = live_errors.get();
        if live.is_empty() {
            applied_errors.get()
        } else {
            live
        }
    });
    let runs = Signal::derive(move || {
        let places: Vec<ErrorAt> = errors
            .get()
            .iter()
            .filter_map(|e| Some((e.line?, e.column)))
            .collect();
        draft.with(|text| yaml_segments(text, &places))
    });
    let apply = move |_| {
        let text = draft.get_untracked();
        let result = playground.change_alerting(|p| p.apply_rules(&text));
        applied_errors.set(result.err().unwrap_or_default());
    };
    let reset = move |_| {
        draft.set(applied());
        applied_errors.set(Vec::new());
    };
    view! {
        <section class="rule-editor">
            <h3>"Rule file"</h3>
            <CodeEditor text=draft on_input=Callback::new(move |t| draft.set(t)) runs=runs
                testid="rules-editor" rows=18/>
            <div class="editor-actions">
                <button data-testid="rules-apply" on:click=apply
                    disabled=move || !live_errors.with(Vec::is_empty)>"Apply now"</button>
                <button data-testid="rules-reset" on:click=reset>"Back to the rules in effect"</button>
            </div>
            <ErrorList errors=errors testid="rules-errors"/>
        </section>
    }
}

/// Problems in a file, in Prometheus's words (which name the line and column).
#[component]
pub fn ErrorList(errors: Signal<Vec<RuleFileError>>, testid: &'static str) -> impl IntoView {
    move || {
        let list = errors.get();
        (!list.is_empty()).then(|| {
            view! {
                <ul class="file-errors error" data-testid=testid>
                    // Prometheus's wording already starts with the line and column.
                    {list.into_iter().map(|e| view! { <li data-line=e.line>{e.message}</li> }).collect_view()}
                </ul>
            }
        })
    }
}
