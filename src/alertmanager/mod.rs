//! The simulated Alertmanager: its configuration (`config.rs`), label matchers
//! (`matchers.rs`) and routing tree (`route.rs`). Browser-free; the CLI's
//! `route-test` answers as `amtool config routes test` does.

pub mod config;
pub mod defaults;
pub mod matchers;
pub mod route;

pub use config::{Config, parse};
pub use matchers::{MatchOp, Matcher, parse_matchers};
pub use route::Route;

/// The receivers an alert with `labels` is routed to, in tree order (as
/// `amtool config routes test` prints them, comma-joined).
pub fn receivers_for(config: &Config, labels: &[(String, String)]) -> Vec<String> {
    config
        .route
        .route(labels)
        .into_iter()
        .map(|r| r.receiver.clone())
        .collect()
}
