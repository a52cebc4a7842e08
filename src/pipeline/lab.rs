//! The Python lab in the run: while a `python N` event is in effect, the run's
//! program N (real CPython with the real `prometheus_client`, in the page's
//! worker) stands in for the simulated service. The pipeline stays synchronous
//! and deterministic: it plans the program's traffic (`sim::LabTraffic`), and
//! when a scrape of the program is due it stops just before it and says what it
//! needs ([`LabNeed`]); the page asks the worker and hands the answer back
//! ([`super::Pipeline::lab_started`], [`super::Pipeline::lab_scraped`]), then
//! advances again. Natively, tests answer in the worker's place.

use crate::expo::textparse::Format;
use crate::scrape::{Exporter, ScrapeAnswer};
use crate::sim::{LabTraffic, TargetSpec, Work};

/// Start the program: a fresh process at `start_ms`.
#[derive(Clone, Debug, PartialEq)]
pub struct LabStart {
    pub program: String,
    /// The scenario's file name (tracebacks name it).
    pub file_name: String,
    pub seed: u64,
    pub start_ms: i64,
}

/// Run the program's work up to `to_ms`, then scrape it asking for `format`.
#[derive(Clone, Debug, PartialEq)]
pub struct LabScrape {
    pub work: Vec<Work>,
    pub to_ms: i64,
    pub format: Format,
}

/// What the pipeline waits for before it can go on.
#[derive(Clone, Debug, PartialEq)]
pub enum LabNeed {
    Start(LabStart),
    Scrape(LabScrape),
}

/// The scraper's view of the program: one target, answered by the worker.
pub(super) struct LabExporter {
    spec: TargetSpec,
    /// The answer to the scrape due at this time.
    answer: Option<(i64, ScrapeAnswer)>,
    /// The last answer, for the Exposition pane.
    pub last: Option<ScrapeAnswer>,
}

impl Exporter for LabExporter {
    fn targets(&self) -> Vec<TargetSpec> {
        vec![self.spec.clone()]
    }

    fn scrape_at(&mut self, _index: usize, t_ms: i64, _format: Format) -> ScrapeAnswer {
        match self.answer.take() {
            Some((at, answer)) if at == t_ms => {
                self.last = Some(answer.clone());
                answer
            }
            _ => Err("the Python lab did not answer this scrape".to_string()),
        }
    }
}

/// The program in effect and where the conversation with the worker stands.
pub(super) struct Lab {
    pub program: usize,
    start: LabStart,
    /// Until the worker says the program started (and which routes it has),
    /// nothing else can be planned.
    started: bool,
    traffic: LabTraffic,
    scenario: String,
    /// Work is planned up to here.
    planned_to_ms: i64,
    pending: Vec<Work>,
    /// The scrape the pipeline stopped before, if it waits for one.
    waiting_scrape: Option<(i64, Format)>,
    pub exporter: LabExporter,
}

impl Lab {
    pub fn new(program: usize, start: LabStart, scenario: &str, spec: TargetSpec) -> Lab {
        Lab {
            program,
            planned_to_ms: start.start_ms,
            start,
            started: false,
            traffic: LabTraffic::for_program(scenario, &[]),
            scenario: scenario.to_string(),
            pending: Vec::new(),
            waiting_scrape: None,
            exporter: LabExporter {
                spec,
                answer: None,
                last: None,
            },
        }
    }

    /// Whether the pipeline must wait for the page before going on.
    pub fn waiting(&self) -> bool {
        !self.started || self.waiting_scrape.is_some()
    }

    pub fn planned_to_ms(&self) -> i64 {
        self.planned_to_ms
    }

    pub fn traffic(&self) -> &LabTraffic {
        &self.traffic
    }

    pub fn plan(&mut self, work: Vec<Work>, to_ms: i64) {
        self.pending.extend(work);
        self.planned_to_ms = self.planned_to_ms.max(to_ms);
    }

    pub fn has_answer(&self, at_ms: i64) -> bool {
        matches!(self.exporter.answer, Some((at, _)) if at == at_ms)
    }

    pub fn wait_for_scrape(&mut self, at_ms: i64, format: Format) {
        self.waiting_scrape = Some((at_ms, format));
    }

    /// What the page must ask the worker (the pending work is handed over once).
    pub fn need(&mut self) -> Option<LabNeed> {
        if !self.started {
            return Some(LabNeed::Start(self.start.clone()));
        }
        let (to_ms, format) = self.waiting_scrape?;
        Some(LabNeed::Scrape(LabScrape {
            work: std::mem::take(&mut self.pending),
            to_ms,
            format,
        }))
    }

    /// The program started (with these routes, as `(method, rule)`), or did not.
    pub fn started(&mut self, routes: &[(String, String)]) {
        self.started = true;
        self.traffic = LabTraffic::for_program(&self.scenario, routes);
    }

    pub fn scraped(&mut self, answer: ScrapeAnswer) {
        if let Some((at, _)) = self.waiting_scrape.take() {
            self.exporter.answer = Some((at, answer));
        }
    }
}
