//! The Alerts pane: the last stage of the loop. Three views, as Prometheus and
//! Alertmanager show them: Alerts (each alerting rule with its pending and firing
//! alerts), Rules (groups, health and errors, and the rule file's editor) and
//! Alertmanager (routing, silences and the notification log). Everything shown
//! is shaped by `views::alerts`; this module only renders it.

mod alertmanager_view;
mod alerts_view;
mod file_editor;
mod rules_view;

use leptos::prelude::*;

use crate::ui::panes::PaneHeader;
use crate::ui::storage;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum View {
    Alerts,
    Rules,
    Alertmanager,
}

impl View {
    const ALL: [View; 3] = [View::Alerts, View::Rules, View::Alertmanager];

    fn id(self) -> &'static str {
        match self {
            View::Alerts => "alerts",
            View::Rules => "rules",
            View::Alertmanager => "alertmanager",
        }
    }

    fn title(self) -> &'static str {
        match self {
            View::Alerts => "Alerts",
            View::Rules => "Rules",
            View::Alertmanager => "Alertmanager",
        }
    }

    fn from_id(id: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.id() == id)
    }
}

#[component]
pub fn AlertsPane() -> impl IntoView {
    let view = storage::persisted("alerts-view", View::Alerts, View::from_id, |v| {
        v.id().to_string()
    });
    let tab = move |v: View| {
        view! {
            <button
                class="subtab"
                role="tab"
                aria-selected=move || (view.get() == v).to_string()
                data-testid=format!("alerts-tab-{}", v.id())
                on:click=move |_| view.set(v)
            >
                {v.title()}
            </button>
        }
    };
    view! {
        <section class="alerts-pane">
            <PaneHeader title="Rules and alerts">
                "Recording rules write new series; alerting rules turn series into alerts, pending until "
                "they have lasted their for: duration, then firing. Rules run on the run's clock every "
                "evaluation interval, and rule edits are events on its timeline."
            </PaneHeader>
            <div class="subtabs" role="tablist">{View::ALL.map(tab).collect_view()}</div>
            {move || match view.get() {
                View::Alerts => view! { <alerts_view::AlertsView/> }.into_any(),
                View::Rules => view! { <rules_view::RulesView/> }.into_any(),
                View::Alertmanager => view! { <alertmanager_view::AlertmanagerView/> }.into_any(),
            }}
        </section>
    }
}
