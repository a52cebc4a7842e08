//! promplay: the Prometheus monitoring stack as a playground.
//!
//! The pipeline is the architecture (see ARCHITECTURE.md):
//! simulation (`sim`, instrumented through `client`) → exposition text (`expo`) →
//! scrape (`scrape`) → store (`tsdb`) → PromQL (`promql`) → view models (`views`),
//! the first stages wired together once, on a run's timeline, by `pipeline`.
//! Core stages have no browser dependency and are tested natively; the two
//! shells call into them: `ui` (Leptos, wasm32 only) and `cli` (native only).

pub mod alertmanager;
pub mod bench;
pub mod client;
pub mod expo;
pub mod export;
pub mod gofmt;
pub mod histogram;
pub mod kahan;
pub mod lessons;
pub mod names;
pub mod pipeline;
pub mod promql;
pub mod re;
pub mod rng;
pub mod rules;
pub mod scrape;
pub mod sim;
pub mod sort;
pub mod time;
pub mod tsdb;
pub mod views;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod ui;

/// The version shown by `promplay --version` and in the page footer.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
