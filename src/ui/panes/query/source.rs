//! The Query pane's data source: this page's store, or a Prometheus server (its
//! HTTP API, through `ui::remote`). Kept in storage; the server's metric names
//! feed completion.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ui::panes::parts::load_remote;
use crate::ui::remote::Remote;
use crate::ui::storage;

const SOURCE_KEY: &str = "query.source";

/// The pane's data source, shared by its panels (all `Copy` handles).
#[derive(Clone, Copy)]
pub struct QuerySource {
    /// The server's base URL; `None`: this page's store.
    pub server: RwSignal<Option<String>>,
    /// The server's metric names (for completion).
    pub names: RwSignal<Vec<String>>,
    /// What connecting found: the server's metric count, or why it failed.
    pub status: RwSignal<Option<Result<String, String>>>,
}

impl QuerySource {
    /// The saved source, connected to again when it is a server.
    pub fn provide() -> QuerySource {
        let saved = storage::load(SOURCE_KEY).filter(|url| !url.trim().is_empty());
        let source = QuerySource {
            server: RwSignal::new(None),
            names: RwSignal::new(Vec::new()),
            status: RwSignal::new(None),
        };
        provide_context(source);
        source.set_server(saved);
        source
    }

    /// Makes `server` (or this page's store) the source, and reads its metric names.
    pub fn set_server(self, server: Option<String>) {
        let server = server.map(|url| url.trim().trim_end_matches('/').to_string());
        storage::save(SOURCE_KEY, server.as_deref().unwrap_or(""));
        self.names.set(Vec::new());
        self.status.set(None);
        self.server.set(server.clone());
        let Some(base) = server else {
            return;
        };
        spawn_local(async move {
            let found = match remote().await {
                Ok(remote) => (remote.metric_names)(base.clone()).await,
                Err(e) => Err(e),
            };
            if self.server.get_untracked().as_deref() != Some(base.as_str()) {
                return;
            }
            match found {
                Ok(names) => {
                    self.status.set(Some(Ok(format!(
                        "Prometheus at {base}: {} metric names",
                        names.len()
                    ))));
                    self.names.set(names);
                }
                Err(e) => self.status.set(Some(Err(e))),
            }
        });
    }
}

/// The data source's code (its part), or why it could not be loaded.
pub async fn remote() -> Result<Remote, String> {
    load_remote()
        .await
        .map_err(|e| format!("The data source's code could not be loaded ({e})"))
}

/// The data source's field: a server's address (empty: this page's store).
#[component]
pub fn DataSourceBar() -> impl IntoView {
    let source = expect_context::<QuerySource>();
    let text = RwSignal::new(source.server.get_untracked().unwrap_or_default());
    let apply = move || {
        let url = text.get_untracked();
        source.set_server((!url.trim().is_empty()).then_some(url));
    };
    let status = move || match (source.server.get(), source.status.get()) {
        (None, _) => {
            view! { <span data-testid="datasource-status">"This page's store"</span> }.into_any()
        }
        (Some(base), None) => {
            view! { <span data-testid="datasource-status">"Connecting to " {base} "…"</span> }
                .into_any()
        }
        (_, Some(Ok(found))) => {
            view! { <span data-testid="datasource-status">{found}</span> }.into_any()
        }
        (_, Some(Err(e))) => {
            view! { <span class="error" role="alert" data-testid="datasource-status">{e}</span> }
                .into_any()
        }
    };
    view! {
        <div class="data-source" data-testid="datasource">
            <label>
                "Data source: "
                <input type="url" size="32" data-testid="datasource-url"
                    placeholder="this page's store, or http://localhost:9090"
                    title="A Prometheus server's address (started with --web.cors.origin so this page may read it); empty for this page's store"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { apply() }/>
            </label>
            <button type="button" data-testid="datasource-apply" on:click=move |_| apply()>"Use"</button>
            " " {status}
        </div>
    }
}
