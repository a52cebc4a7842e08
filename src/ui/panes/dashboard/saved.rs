//! The dashboard kept across reloads: one per scenario (each service has its own
//! metric names), in `ui::storage` under `dashboard.<scenario>`, in the text form
//! of [`crate::views::dashboard::model`]. A saved text the page cannot read (an older layout, a
//! hand edit gone wrong) gives the default dashboard rather than a broken page.

use crate::ui::storage;
use crate::views::dashboard::defaults::default_dashboard;
use crate::views::dashboard::interval::RANGES;
use crate::views::dashboard::model::{Dashboard, decode, encode};

const RANGE_KEY: &str = "dashboard.range";
/// The range a first visit shows.
pub const DEFAULT_RANGE_MS: i64 = 3_600_000;

pub fn storage_key(scenario: &str) -> String {
    format!("dashboard.{scenario}")
}

/// The saved dashboard of `scenario`, or its default.
pub fn load(scenario: &str) -> Dashboard {
    storage::load(&storage_key(scenario))
        .and_then(|text| decode(&text).ok())
        .unwrap_or_else(|| default_dashboard(scenario))
}

pub fn save(scenario: &str, dashboard: &Dashboard) -> bool {
    storage::save(&storage_key(scenario), &encode(dashboard))
}

/// Forgets the edits: the next load gives the default.
pub fn forget(scenario: &str) {
    storage::remove(&storage_key(scenario));
}

/// The window's range, kept across reloads (a range the pane no longer offers: the default).
pub fn range() -> leptos::prelude::RwSignal<i64> {
    storage::persisted(
        RANGE_KEY,
        DEFAULT_RANGE_MS,
        |s| {
            s.parse::<i64>()
                .ok()
                .filter(|r| RANGES.iter().any(|(ms, _)| ms == r))
        },
        i64::to_string,
    )
}
