//! Alerts, as Prometheus 3's alerts page: a filter by state with counts, then
//! each alerting rule with its alerts' labels, state, value, active-since time
//! and annotations.

use leptos::prelude::*;

use crate::ui::playground::Playground;
use crate::views::alerts::{
    AlertView, AlertingRuleView, StateFilter, alerting_rule_views, state_counts,
};

#[component]
pub fn AlertsView() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let filter = RwSignal::new(StateFilter::ALL);
    let counts = move || {
        playground
            .read_data(|p| state_counts(p.alerting().rules()))
            .unwrap_or_default()
    };
    let toggle = move |label: &'static str,
                       get: fn(&StateFilter) -> bool,
                       flip: fn(&mut StateFilter),
                       count: fn((usize, usize, usize)) -> usize| {
        view! {
            <label class=format!("state-filter state-{label}")>
                <input
                    type="checkbox"
                    data-testid=format!("filter-{label}")
                    prop:checked=move || get(&filter.get())
                    on:change=move |_| filter.update(flip)
                />
                {move || format!("{label} ({})", count(counts()))}
            </label>
        }
    };
    let rules = move || {
        let f = filter.get();
        playground
            .read_data(|p| alerting_rule_views(p.alerting().rules(), f))
            .unwrap_or_default()
    };
    view! {
        <div class="alerts-view">
            <div class="state-filters">
                {toggle("inactive", |f| f.inactive, |f| f.inactive = !f.inactive, |c| c.0)}
                {toggle("pending", |f| f.pending, |f| f.pending = !f.pending, |c| c.1)}
                {toggle("firing", |f| f.firing, |f| f.firing = !f.firing, |c| c.2)}
            </div>
            <div data-testid="alerting-rules">
                {move || rules().into_iter().map(|r| view! { <AlertingRule rule=r/> }).collect_view()}
            </div>
        </div>
    }
}

#[component]
fn AlertingRule(rule: AlertingRuleView) -> impl IntoView {
    let summary = format!(
        "{} ({} pending, {} firing)",
        rule.name, rule.pending, rule.firing
    );
    let open = rule.state != "inactive";
    view! {
        <details class=format!("alerting-rule state-{}", rule.state) open=open
            data-testid="alerting-rule" data-rule=rule.name.clone() data-state=rule.state>
            <summary>
                <span class=format!("state-badge state-{}", rule.state)>{rule.state}</span>
                " " {summary}
                <span class="rule-group">{format!(" group {}", rule.group)}</span>
            </summary>
            <pre class="rule-expr"><code>{rule.expr}</code></pre>
            {(!rule.timing.is_empty()).then(|| view! { <p class="rule-timing">{rule.timing}</p> })}
            {(!rule.alerts.is_empty()).then(|| view! {
                <table class="alerts-table">
                    <thead><tr><th>"Labels"</th><th>"State"</th><th>"Active since"</th><th>"Value"</th></tr></thead>
                    <tbody>{rule.alerts.into_iter().map(|a| view! { <AlertRow alert=a/> }).collect_view()}</tbody>
                </table>
            })}
        </details>
    }
}

#[component]
fn AlertRow(alert: AlertView) -> impl IntoView {
    let annotations = alert
        .annotations
        .into_iter()
        .map(|(name, value)| view! { <div class="annotation"><b>{name}</b>": "{value}</div> })
        .collect_view();
    let resolved = alert.resolved.map(|r| format!(" (resolved {r})"));
    view! {
        <tr data-testid="alert-row" data-state=alert.state>
            <td><code>{alert.labels}</code>{annotations}</td>
            <td><span class=format!("state-badge state-{}", alert.state)>{alert.state}</span>{resolved}</td>
            <td>{alert.active_since}</td>
            <td class="num">{alert.value}</td>
        </tr>
    }
}
