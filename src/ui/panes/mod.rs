//! The panes of the shell, one file each. A pane that is not built yet says so and
//! names the issue that brings it, rather than showing made-up content.

mod alerts;
mod coming;
pub mod dashboard;
mod exposition;
mod histogram_compare;
mod inspect;
mod lessons;
mod metric_lab;
mod python_lab;
pub mod query;
mod service;
mod targets;

use leptos::prelude::*;

pub use coming::Coming;

/// Every pane, in tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Service,
    Exposition,
    Query,
    Dashboard,
    Inspect,
    Targets,
    Alerts,
    Lessons,
}

impl Pane {
    pub const ALL: [Pane; 8] = [
        Pane::Service,
        Pane::Exposition,
        Pane::Query,
        Pane::Dashboard,
        Pane::Inspect,
        Pane::Targets,
        Pane::Alerts,
        Pane::Lessons,
    ];

    /// The stable id used in URLs (`#query`), storage and `data-testid`s.
    pub fn id(self) -> &'static str {
        match self {
            Pane::Service => "service",
            Pane::Exposition => "exposition",
            Pane::Query => "query",
            Pane::Dashboard => "dashboard",
            Pane::Inspect => "inspect",
            Pane::Targets => "targets",
            Pane::Alerts => "alerts",
            Pane::Lessons => "lessons",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Service => "Service",
            Pane::Exposition => "Exposition",
            Pane::Query => "Query",
            Pane::Dashboard => "Dashboard",
            Pane::Inspect => "Inspect",
            Pane::Targets => "Targets",
            Pane::Alerts => "Alerts",
            Pane::Lessons => "Lessons",
        }
    }

    pub fn from_id(id: &str) -> Option<Pane> {
        Pane::ALL.into_iter().find(|p| p.id() == id)
    }

    /// The pane `steps` places away in tab order, wrapping around.
    pub fn offset(self, steps: isize) -> Pane {
        let n = Pane::ALL.len() as isize;
        let i = Pane::ALL.iter().position(|p| *p == self).unwrap_or(0) as isize;
        Pane::ALL[(i + steps).rem_euclid(n) as usize]
    }

    /// The pane's content.
    pub fn view(self) -> AnyView {
        match self {
            Pane::Service => view! { <service::ServicePane/> }.into_any(),
            Pane::Exposition => view! { <exposition::ExpositionPane/> }.into_any(),
            Pane::Query => query::QueryPane().into_any(),
            Pane::Dashboard => view! { <dashboard::DashboardPane/> }.into_any(),
            Pane::Inspect => view! { <inspect::InspectPane/> }.into_any(),
            Pane::Targets => view! { <targets::TargetsPane/> }.into_any(),
            Pane::Alerts => view! { <alerts::AlertsPane/> }.into_any(),
            Pane::Lessons => view! { <lessons::LessonsPane/> }.into_any(),
        }
    }
}

/// A pane's title and the sentence or two under it that say what it shows.
#[component]
pub fn PaneHeader(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <h2>{title}</h2>
        <p class="pane-intro">{children()}</p>
    }
}
