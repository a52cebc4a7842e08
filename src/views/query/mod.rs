//! A query panel as data, browser-free: its settings and their Prometheus-UI URL
//! form (`state`), and a query run on the store and shaped for the table, the graph
//! and the explain tree (`run`), and what its editor shows and does (`editor`).
//! `ui::panes::query` shows it.

pub mod editor;
pub mod remote;
pub mod run;
pub mod shape;
pub mod state;
