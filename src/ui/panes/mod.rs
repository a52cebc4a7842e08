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

    /// The pane's content. In the split build (feature `split`) each pane's code is a
    /// part of its own, fetched on first use (and prefetched after first paint): the
    /// pane says it is loading until its part has arrived. Unsplit, the part is ready
    /// at once and the pane renders in the same tick.
    pub fn view(self) -> AnyView {
        let title = self.title();
        view! {
            <Suspense fallback=move || view! {
                <p class="pane-loading" data-testid="pane-loading" role="status">
                    "Loading the " {title} " pane…"
                </p>
            }>
                {Suspend::new(async move {
                    let view = parts::load(self).await;
                    parts::prefetch_after_first_pane();
                    view
                })}
            </Suspense>
        }
        .into_any()
    }
}

/// One lazily loaded part per pane but the Query pane: the split points of the
/// build (see ARCHITECTURE.md, "The download"). Each function is the only way its
/// pane's code is reached, so `wasm-split` moves that code out of the first
/// download. The Query pane, which a first visit opens, stays in the main module:
/// as a part it would be fetched only once the main module runs, a second round
/// of requests (its shared chunks) before the first chart.
pub mod parts {
    use super::*;

    pub async fn load(pane: Pane) -> AnyView {
        match pane {
            Pane::Service => service().await,
            Pane::Exposition => exposition().await,
            Pane::Query => query().await,
            Pane::Dashboard => dashboard().await,
            Pane::Inspect => inspect().await,
            Pane::Targets => targets().await,
            Pane::Alerts => alerts().await,
            Pane::Lessons => lessons().await,
        }
    }

    /// Once the first pane's part has arrived (it paints in this tick), fetches
    /// every other part in the background, so that later visits open at once and
    /// work offline.
    pub fn prefetch_after_first_pane() {
        thread_local!(static STARTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
        if STARTED.with(|started| started.replace(true)) {
            return;
        }
        set_timeout(
            || leptos::task::spawn_local(prefetch_all()),
            std::time::Duration::ZERO,
        );
    }

    async fn prefetch_all() {
        #[cfg(feature = "split")]
        {
            __preload_service().await;
            __preload_exposition().await;
            __preload_dashboard().await;
            __preload_inspect().await;
            __preload_targets().await;
            __preload_alerts().await;
            __preload_lessons().await;
        }
    }

    #[cfg_attr(feature = "split", leptos::lazy)]
    async fn service() -> AnyView {
        view! { <service::ServicePane/> }.into_any()
    }

    #[cfg_attr(feature = "split", leptos::lazy)]
    async fn exposition() -> AnyView {
        view! { <exposition::ExpositionPane/> }.into_any()
    }

    async fn query() -> AnyView {
        query::QueryPane().into_any()
    }

    #[cfg_attr(feature = "split", leptos::lazy)]
    async fn dashboard() -> AnyView {
        view! { <dashboard::DashboardPane/> }.into_any()
    }

    #[cfg_attr(feature = "split", leptos::lazy)]
    async fn inspect() -> AnyView {
        view! { <inspect::InspectPane/> }.into_any()
    }

    #[cfg_attr(feature = "split", leptos::lazy)]
    async fn targets() -> AnyView {
        view! { <targets::TargetsPane/> }.into_any()
    }

    #[cfg_attr(feature = "split", leptos::lazy)]
    async fn alerts() -> AnyView {
        view! { <alerts::AlertsPane/> }.into_any()
    }

    #[cfg_attr(feature = "split", leptos::lazy)]
    async fn lessons() -> AnyView {
        view! { <lessons::LessonsPane/> }.into_any()
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
