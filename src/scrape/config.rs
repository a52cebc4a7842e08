//! How a job is scraped, with Prometheus's defaults.

/// Prometheus's `scrape_config` knobs the playground uses.
#[derive(Clone, Debug, PartialEq)]
pub struct ScrapeConfig {
    pub interval_ms: i64,
    pub timeout_ms: i64,
    /// 0: no limit. Above it a scrape fails with "sample limit exceeded" and stores nothing.
    pub sample_limit: usize,
    /// Use timestamps the target exposes (Prometheus's default), instead of the scrape time.
    pub honor_timestamps: bool,
}

impl Default for ScrapeConfig {
    fn default() -> Self {
        ScrapeConfig {
            interval_ms: 15_000,
            timeout_ms: 10_000,
            sample_limit: 0,
            honor_timestamps: true,
        }
    }
}
