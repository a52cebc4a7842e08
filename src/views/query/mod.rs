//! A query panel as data, browser-free: its settings and their Prometheus-UI URL
//! form (`state`), and a query run on the store and shaped for the table, the graph
//! and the explain tree (`run`). `ui::panes::query` shows it.

pub mod run;
pub mod state;
