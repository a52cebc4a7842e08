//! The dashboard as data, browser-free: panels and their saved form (`model`),
//! each scenario's four golden signals (`defaults`), the shared window with
//! Grafana's `$__rate_interval` (`interval`), and a panel's query evaluated into a
//! chart (`eval`). `ui::panes::dashboard` shows and edits it.

pub mod defaults;
pub mod eval;
pub mod grafana;
pub mod interval;
pub mod model;
