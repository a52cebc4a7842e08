//! The simulated Alertmanager (0.25): its configuration (`config.rs`, receivers
//! in `receivers.rs`), label matchers (`matchers.rs`) and routing tree
//! (`route.rs`); alerts (`alert.rs`), silences (`silence.rs`), inhibition
//! (`inhibit.rs`); the dispatcher on a virtual clock (`dispatch.rs`: aggregation
//! groups and their timers) with the notification pipeline (`notify.rs`) and its
//! log (`nflog.rs`). Browser-free and deterministic; the CLI's `route-test`
//! answers as `amtool config routes test` does.

pub mod alert;
pub mod config;
pub mod defaults;
pub mod dispatch;
pub mod inhibit;
pub mod matchers;
mod nflog;
pub mod notify;
pub mod receivers;
pub mod route;
pub mod silence;

pub use alert::{Alert, Fingerprint, UNSET_MS};
pub use config::{Config, Integration, ReceiverConfig, parse};
pub use dispatch::{
    AlertState, AlertStatus, Alertmanager, GroupStatus, MAX_ALERTS, MAX_NOTIFICATIONS,
};
pub use inhibit::InhibitRule;
pub use matchers::{MatchOp, Matcher, parse_matchers};
pub use notify::{Notification, NotificationStatus, NotifiedAlert, NotifyReason};
pub use route::Route;
pub use silence::{Silence, SilenceSpec, SilenceState};

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
