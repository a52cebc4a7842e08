//! Scraping: what Prometheus does between a target's `/metrics` and the store. Each
//! scrape asks an [`Exporter`] (the simulation, or the Python lab) for its exposition text, reads it with the
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

use crate::expo::textparse::Format;
use crate::sim::{Simulation, TargetSpec};

/// An exporter's answer to a scrape: the body (text, or the protobuf format's
/// bytes) and the format it is in, or why the scrape failed.
pub type ScrapeAnswer = Result<(Vec<u8>, Format), String>;

/// A body as a person reads it: text as it is, protobuf rendered as the protobuf
/// text format (`expo::protobuf::render_text_bytes`), or why it does not decode.
pub fn body_text(body: &[u8], format: Format) -> String {
    match format {
        Format::Protobuf => crate::expo::protobuf::render_text_bytes(body)
            .unwrap_or_else(|e| format!("# the protobuf body does not decode: {e}\n")),
        _ => String::from_utf8_lossy(body).into_owned(),
    }
}

/// What the scraper scrapes: the endpoints on offer, and each one's answer at a
/// moment. The simulation is one; the Python lab's program (answered by the page's
/// worker, see `pipeline`) is another.
pub trait Exporter {
    fn targets(&self) -> Vec<TargetSpec>;
    /// How many targets there are (`targets().len()`, without building them).
    fn target_count(&self) -> usize {
        self.targets().len()
    }
    /// Target `index`'s answer at `t_ms` to a scrape asking for `format`: the body
    /// and the format it is in (a server may answer another than the one asked
    /// for), or why the scrape failed.
    fn scrape_at(&mut self, index: usize, t_ms: i64, format: Format) -> ScrapeAnswer;
}

impl Exporter for Simulation {
    fn targets(&self) -> Vec<TargetSpec> {
        Simulation::targets(self)
    }

    fn target_count(&self) -> usize {
        self.target_count()
    }

    fn scrape_at(&mut self, index: usize, t_ms: i64, format: Format) -> ScrapeAnswer {
        self.advance_to(t_ms);
        self.scrape_body(index, format).map(|body| (body, format))
    }
}
