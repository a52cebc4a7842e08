//! Rules, as Prometheus 3's rules page: each group with its interval, last
//! evaluation and how long it took; each rule with its expression, health, error,
//! last evaluation and duration. Below, the rule file's editor: the draft is kept
//! in storage, and "Apply" adds it to the run as an event (or lists its problems
//! at their line and column, and stores nothing).

use leptos::prelude::*;

use crate::pipeline::check_rule_text;
use crate::ui::playground::Playground;
use crate::views::alerts::{GroupView, group_views};
use crate::views::yaml_editor::FileProblem;

use super::file_editor::{ErrorList, FileEditor};

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
            .read_run(|p| {
                p.alerting()
                    .errors()
                    .iter()
                    .cloned()
                    .map(FileProblem::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    view! {
        <div class="rules-view">
            <ErrorList problems=Signal::derive(load_errors) testid="rules-load-errors"/>
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

#[component]
fn RuleEditor() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let apply = Callback::new(move |text: String| {
        let refused = playground.change_run(|p| p.apply_rules(&text)).err();
        refused
            .unwrap_or_default()
            .into_iter()
            .map(FileProblem::from)
            .collect()
    });
    view! {
        <FileEditor title="Rule file" draft_key=DRAFT_KEY testid="rules"
            reset_label="Back to the rules in effect"
            applied=Signal::derive(move || playground.read_run(|p| p.rules_text()).unwrap_or_default())
            // As Prometheus checks it at load, with the playground's bounds.
            check=|text| check_rule_text(text).err().unwrap_or_default().into_iter().map(FileProblem::from).collect()
            apply=apply/>
    }
}
