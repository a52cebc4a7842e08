//! Scraping: what Prometheus does between a target's `/metrics` and the store. Each
//! scrape asks the simulated endpoint for its exposition text, reads it with the
//! exposition parser, adds `job` and `instance`, appends to the store, marks vanished
//! series stale and writes `up` and the other `scrape_*` series.

mod config;
mod import;
mod manager;
mod scrape_loop;
mod target;

pub use config::ScrapeConfig;
pub use import::{ImportReport, StreamImportError, import_exposition, import_exposition_reader};
pub use manager::ScrapeManager;
pub use scrape_loop::{REPORT_SERIES, series_labels};
pub use target::{Health, TargetStatus};
