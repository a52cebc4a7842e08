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

    /// The pane's content. In the split build (feature `split`) every pane is a
    /// part of its own, fetched on first use (and prefetched after first paint):
    /// the pane says it is loading until its part has arrived, and if it cannot
    /// arrive (offline before the prefetch), says so with a way to try again.
    /// Unsplit, every part is ready at once and the pane renders in the same tick.
    pub fn view(self) -> AnyView {
        let title = self.title();
        let attempt = RwSignal::new(0u32);
        view! {
            <Suspense fallback=move || view! {
                <p class="pane-loading" data-testid="pane-loading" role="status">
                    "Loading the " {title} " pane…"
                </p>
            }>
                {move || {
                    attempt.track();
                    Suspend::new(async move {
                        match parts::load(self).await {
                            Ok(view) => {
                                parts::prefetch_after_first_pane();
                                view
                            }
                            Err(error) => view! {
                                <p class="pane-loading" data-testid="pane-load-error" role="alert">
                                    "The " {title} " pane could not be loaded (" {error.to_string()}
                                    "): is the network down? "
                                    <button
                                        type="button"
                                        data-testid="pane-load-retry"
                                        on:click=move |_| attempt.update(|n| *n += 1)
                                    >
                                        "Try again"
                                    </button>
                                </p>
                            }
                            .into_any(),
                        }
                    })
                }}
            </Suspense>
        }
        .into_any()
    }
}

/// One lazily loaded part per pane, one for the engine (the pipeline and what
/// drives it) and one for the YAML readers: the split points of the build (see
/// ARCHITECTURE.md, "The download"). Each function is the only way its code is
/// reached, so `wasm-split` moves that code out of the first download, which is
/// the shell: header, tabs, clock bar and timeline. The engine and the first
/// pane's parts are fetched as the page starts (the build preloads the Query
/// pane's and the engine's with the main module, so they come in the same round
/// of requests).
///
/// `wasm_split` with `fallible` rather than Leptos's `#[lazy]`: a part that fails
/// to load is an error the pane shows, where `#[lazy]` would panic (and a panic
/// ends the wasm instance: the whole page).
pub mod parts {
    use super::*;
    use crate::pipeline::YamlParsers;
    use crate::ui::playground::Engine;
    use crate::ui::remote::Remote;
    use leptos::wasm_split::SplitLoaderError;

    /// A part's function: its pane's view, or why its code could not be loaded.
    type Part = Result<AnyView, SplitLoaderError>;

    /// Calls a part's function: async in the split build, where it loads the part.
    macro_rules! part {
        ($f:ident) => {{
            #[cfg(feature = "split")]
            let view = $f().await;
            #[cfg(not(feature = "split"))]
            let view = $f();
            view
        }};
    }

    pub async fn load(pane: Pane) -> Part {
        // The panes that edit rule files and `alertmanager.yml`, or apply a
        // lesson's, need the run to read YAML.
        if matches!(pane, Pane::Alerts | Pane::Lessons) {
            yaml_parsers().await?;
        }
        match pane {
            Pane::Service => part!(service),
            Pane::Exposition => part!(exposition),
            Pane::Query => part!(query),
            Pane::Dashboard => part!(dashboard),
            Pane::Inspect => part!(inspect),
            Pane::Targets => part!(targets),
            Pane::Alerts => part!(alerts),
            Pane::Lessons => part!(lessons),
        }
    }

    /// A cell keeping what a part gave, for the page's lifetime.
    type Kept<T> = std::thread::LocalKey<std::cell::Cell<Option<T>>>;

    /// What `cell` keeps (or `built_in`, unsplit), else what `load` fetches, kept.
    async fn kept<T: Copy + 'static>(
        cell: &'static Kept<T>,
        built_in: Option<T>,
        load: impl std::future::Future<Output = Result<T, SplitLoaderError>>,
    ) -> Result<T, SplitLoaderError> {
        if let Some(value) = cell.with(|c| c.get()).or(built_in) {
            return Ok(value);
        }
        let value = load.await?;
        cell.with(|c| c.set(Some(value)));
        Ok(value)
    }

    thread_local!(static ENGINE: std::cell::Cell<Option<Engine>> = const { std::cell::Cell::new(None) });

    /// The engine, if the page has it yet (always, unsplit).
    pub fn loaded_engine() -> Option<Engine> {
        ENGINE.with(|e| e.get()).or(Engine::built_in())
    }

    /// The engine, fetching its part on first use: the page's run starts when it comes.
    pub async fn load_engine() -> Result<Engine, SplitLoaderError> {
        kept(&ENGINE, Engine::built_in(), async { part!(engine) }).await
    }

    /// The export's entry: downloads the run's stack, giving the file name.
    type DownloadStack = fn(crate::ui::playground::Playground) -> Result<String, String>;

    /// Exports the run as a zip download (see `ui::export`), fetching the
    /// export's part on first use; the file name, or what went wrong.
    pub async fn export_stack(
        playground: crate::ui::playground::Playground,
    ) -> Result<String, String> {
        let download =
            part!(export).map_err(|e| format!("the export could not be loaded ({e})"))?;
        download(playground)
    }

    thread_local!(static REMOTE: std::cell::Cell<Option<Remote>> = const { std::cell::Cell::new(None) });

    /// What a Prometheus server as data source needs, fetching its part on first use.
    pub async fn load_remote() -> Result<Remote, SplitLoaderError> {
        kept(&REMOTE, None, async { part!(remote) }).await
    }

    thread_local!(static YAML: std::cell::Cell<Option<YamlParsers>> = const { std::cell::Cell::new(None) });

    /// The YAML readers, if the page has them yet (always, unsplit).
    pub fn loaded_yaml_parsers() -> Option<YamlParsers> {
        YAML.with(|y| y.get()).or(YamlParsers::built_in())
    }

    /// The YAML readers, fetching their part on first use (a run whose rule file
    /// or Alertmanager configuration is not the default waits for them).
    pub async fn yaml_parsers() -> Result<YamlParsers, SplitLoaderError> {
        kept(&YAML, YamlParsers::built_in(), async { part!(yaml) }).await
    }

    /// Once the first pane has arrived (it paints in this tick) and the engine
    /// too (the first chart waits for it: nothing should share its bandwidth),
    /// fetches every part in the background, so that later visits open at once
    /// and work offline.
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

    /// A part that fails here is fetched again when its pane is opened.
    async fn prefetch_all() {
        #[cfg(feature = "split")]
        {
            let _ = load_engine().await;
            let _ = yaml_parsers().await;
            let _ = preload_query().await;
            // One part holds every other pane.
            let _ = preload_service().await;
            let _ = preload_export().await;
        }
    }

    /// A split point: `$name`'s code (and what only it reaches) is in the part
    /// `$module` in the split build, fetched by calling it or (for one function of
    /// the part) `$preload`.
    macro_rules! split_point {
        ($(#[$doc:meta])* $module:ident: $name:ident, preload $preload:ident, $out:ty, $body:expr) => {
            $(#[$doc])*
            #[cfg_attr(feature = "split", leptos::wasm_split::wasm_split($module, wasm_split_path = ::leptos::wasm_split, fallible, preload($preload)))]
            fn $name() -> $out {
                $body
            }
        };
        ($(#[$doc:meta])* $module:ident: $name:ident, $out:ty, $body:expr) => {
            $(#[$doc])*
            #[cfg_attr(feature = "split", leptos::wasm_split::wasm_split($module, wasm_split_path = ::leptos::wasm_split, fallible))]
            fn $name() -> $out {
                $body
            }
        };
    }

    split_point!(
        /// The YAML readers' part: serde-saphyr and what it drives (see `pipeline::yaml`).
        yaml: yaml, preload preload_yaml, Result<YamlParsers, SplitLoaderError>, Ok(YamlParsers::ALL)
    );
    split_point!(
        /// The engine's part: the pipeline and what drives it (`ui::playground::drive`).
        engine: engine, Result<Engine, SplitLoaderError>, Ok(Engine::ALL)
    );
    split_point!(
        /// The export's part: the stack's files, JSON and zip writers (`ui::export`).
        export: export,
        preload preload_export,
        Result<DownloadStack, SplitLoaderError>,
        Ok(crate::ui::export::download_stack)
    );
    split_point!(
        /// A Prometheus server as the Query pane's data source (`ui::remote`).
        remote: remote,
        Result<Remote, SplitLoaderError>,
        Ok(Remote::ALL)
    );
    split_point!(
        query: query,
        preload preload_query,
        Part,
        Ok(query::QueryPane().into_any())
    );
    split_point!(
        panes: service,
        preload preload_service,
        Part,
        Ok(service::ServicePane().into_any())
    );
    split_point!(
        panes: exposition,
        Part,
        Ok(exposition::ExpositionPane().into_any())
    );
    split_point!(
        panes: dashboard,
        Part,
        Ok(dashboard::DashboardPane().into_any())
    );
    split_point!(
        panes: inspect,
        Part,
        Ok(inspect::InspectPane().into_any())
    );
    split_point!(
        panes: targets,
        Part,
        Ok(targets::TargetsPane().into_any())
    );
    split_point!(
        panes: alerts,
        Part,
        Ok(alerts::AlertsPane().into_any())
    );
    split_point!(
        panes: lessons,
        Part,
        Ok(lessons::LessonsPane().into_any())
    );
}

/// A pane's title and the sentence or two under it that say what it shows.
#[component]
pub fn PaneHeader(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <h2>{title}</h2>
        <p class="pane-intro">{children()}</p>
    }
}
