//! The run's Python lab in the page: when the pipeline waits for the lab
//! ([`Pipeline::lab_need`]), the page asks the worker and hands the answer back,
//! then advances again. A program that came with a link or from storage is held
//! until the user presses Run; a program that runs past the CPU budget is stopped
//! and its scrapes fail until the next start.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Playground;
use super::lab_worker::{Failure, LabWorker, field, text_field};
use crate::pipeline::LabNeed;
use crate::ui::browser::yield_to_page;
use crate::views::python::{ProgramError, scrape_answer};

/// Where the lab stands, for the Service pane's status line.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum LabPhase {
    /// No program runs: the simulated service is scraped.
    #[default]
    Off,
    /// The run has a program the user has not agreed to run yet.
    Held,
    /// The runtime loads (its stage).
    Loading(String),
    /// The program starts.
    Starting,
    Running,
    /// The program failed to start, or was stopped.
    Failed,
}

/// What the lab's status line and panels show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabStatus {
    pub phase: LabPhase,
    /// The error of the start, or the last one a thread raised.
    pub error: Option<ProgramError>,
    /// What the program printed (its last few KB).
    pub output: String,
    /// Requests served, by status, since the program started.
    pub statuses: Vec<(String, u64)>,
}

/// The lab's page state (all `Copy` handles).
#[derive(Clone, Copy)]
pub struct LabState {
    pub status: RwSignal<LabStatus>,
    /// Whether programs may run (false for a run that came with a link).
    pub consent: RwSignal<bool>,
    worker: StoredValue<Option<LabWorker>, LocalStorage>,
    pumping: StoredValue<bool>,
    /// Set when the program was stopped: its scrapes fail with this until the next start.
    stopped: StoredValue<Option<String>>,
}

impl Default for LabState {
    fn default() -> LabState {
        LabState::new()
    }
}

impl LabState {
    pub fn new() -> LabState {
        LabState {
            status: RwSignal::new(LabStatus::default()),
            consent: RwSignal::new(true),
            worker: StoredValue::new_local(None),
            pumping: StoredValue::new(false),
            stopped: StoredValue::new(None),
        }
    }

    fn worker(&self) -> LabWorker {
        if let Some(worker) = self.worker.get_value() {
            return worker;
        }
        let status = self.status;
        // Loading stages show in the status line until the program runs.
        let worker = LabWorker::new(move |stage| {
            if stage != "ready" {
                status.try_update(|s| s.phase = LabPhase::Loading(stage));
            }
        });
        self.worker.set_value(Some(worker.clone()));
        worker
    }

    /// Starts loading the runtime in the background (the user opened the lab),
    /// so Run answers sooner; its stages show in the status line.
    pub fn preload(&self) {
        if self.worker.with_value(Option::is_some) {
            return;
        }
        let worker = self.worker();
        let status = self.status;
        spawn_local(async move {
            let _ = worker.load().await;
            status.update(|s| {
                if matches!(s.phase, LabPhase::Loading(_)) {
                    s.phase = LabPhase::Off;
                }
            });
        });
    }
}

fn program_error(answer: &wasm_bindgen::JsValue) -> ProgramError {
    ProgramError::new(
        text_field(answer, "error").unwrap_or_else(|| "the program failed".to_string()),
        text_field(answer, "traceback").unwrap_or_default(),
        field(answer, "line").as_f64().map(|l| l as u32),
    )
}

fn budget_error(what: &str) -> ProgramError {
    ProgramError::new(
        format!(
            "Stopped: the program {what} for {} s without sleeping (time.sleep), so virtual time could not pass.",
            super::lab_worker::CPU_BUDGET_MS / 1000.0
        ),
        String::new(),
        None,
    )
}

impl Playground {
    /// Whether the run waits for the lab.
    pub(super) fn lab_waiting(&self) -> bool {
        self.with_mut(|p| p.lab_waiting()).unwrap_or(false)
    }

    /// After `advance`: if the run waits for the lab, answers it (in the
    /// background) and catches up with the clock.
    pub(super) fn pump_lab(&self) {
        let lab = self.lab;
        // A replay answers the lab itself, in its slices.
        if lab.pumping.get_value() || self.backfill.get_untracked().is_some() || !self.lab_waiting()
        {
            return;
        }
        lab.pumping.set_value(true);
        let me = *self;
        spawn_local(async move {
            while me.lab_waiting() {
                if !me.answer_lab().await {
                    break;
                }
                let now = me.clock.get_untracked().now_ms;
                me.advance(now);
            }
            lab.pumping.set_value(false);
        });
    }

    /// Answers one thing the run waits for. False when the lab is held (the user
    /// has not pressed Run) or the page went away.
    pub(super) async fn answer_lab(&self) -> bool {
        let lab = self.lab;
        if !lab.consent.get_untracked() {
            lab.status.update(|s| s.phase = LabPhase::Held);
            return false;
        }
        let Some(Some(need)) = self.with_mut(|p| p.lab_need()) else {
            return false;
        };
        let worker = lab.worker();
        match need {
            LabNeed::Start(start) => {
                lab.stopped.set_value(None);
                lab.status.set(LabStatus {
                    phase: LabPhase::Starting,
                    ..LabStatus::default()
                });
                let answer = worker.start(&start).await;
                let mut routes = Vec::new();
                let mut status = LabStatus {
                    phase: LabPhase::Running,
                    ..LabStatus::default()
                };
                match answer {
                    Ok(answer) => {
                        status.output = text_field(&answer, "output").unwrap_or_default();
                        if field(&answer, "ok").as_bool() == Some(true) {
                            let list = field(&answer, "routes");
                            for route in js_sys::Array::from(&list).iter() {
                                if let (Some(m), Some(p)) =
                                    (text_field(&route, "method"), text_field(&route, "path"))
                                {
                                    routes.push((m, p));
                                }
                            }
                        } else {
                            status.phase = LabPhase::Failed;
                            status.error = Some(program_error(&answer));
                        }
                    }
                    Err(failure) => {
                        status.phase = LabPhase::Failed;
                        let error = match failure {
                            Failure::Budget => budget_error("ran"),
                            Failure::Broken(e) => ProgramError::new(e, String::new(), None),
                        };
                        lab.stopped.set_value(Some(error.error.clone()));
                        status.error = Some(error);
                    }
                }
                lab.status.set(status);
                self.with_mut(|p| p.lab_started(&routes));
            }
            LabNeed::Scrape(scrape) => {
                let answer = match lab.stopped.get_value() {
                    Some(why) => Err(why),
                    None => self.lab_scrape(&worker, &scrape).await,
                };
                self.with_mut(|p| p.lab_scraped(answer));
            }
        }
        // Let the page paint between answers.
        yield_to_page().await;
        true
    }

    /// The work up to a scrape, then the scrape; threads' errors and the served
    /// requests go to the status.
    async fn lab_scrape(
        &self,
        worker: &LabWorker,
        scrape: &crate::pipeline::LabScrape,
    ) -> crate::scrape::ScrapeAnswer {
        let lab = self.lab;
        let stop = |what: &str| {
            let error = budget_error(what);
            let message = error.error.clone();
            lab.stopped.set_value(Some(message.clone()));
            lab.status.update(|s| {
                s.phase = LabPhase::Failed;
                s.error = Some(error);
            });
            message
        };
        let advanced = match worker.advance(scrape).await {
            Ok(answer) => answer,
            Err(Failure::Budget) => return Err(stop("served its requests")),
            Err(Failure::Broken(e)) => return Err(e),
        };
        lab.status.update(|s| {
            if let Some(output) = text_field(&advanced, "output")
                && !output.is_empty()
            {
                s.output = output;
            }
            let errors = js_sys::Array::from(&field(&advanced, "errors"));
            if let Some(last) = errors.iter().last() {
                s.error = Some(program_error(&last));
            }
            let statuses = field(&advanced, "statuses");
            if let Ok(keys) = js_sys::Reflect::own_keys(&statuses) {
                for key in keys.iter().filter_map(|k| k.as_string()) {
                    let n = field(&statuses, &key).as_f64().unwrap_or(0.0) as u64;
                    match s.statuses.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, total)) => *total += n,
                        None => s.statuses.push((key, n)),
                    }
                }
                crate::sort::sort(&mut s.statuses[..]);
            }
        });
        let answer = match worker.scrape(scrape.format).await {
            Ok(answer) => answer,
            Err(Failure::Budget) => return Err(stop("was scraped")),
            Err(Failure::Broken(e)) => return Err(e),
        };
        if field(&answer, "ok").as_bool() != Some(true) {
            return Err(text_field(&answer, "error").unwrap_or_else(|| "the scrape failed".into()));
        }
        let status = field(&answer, "status").as_f64().unwrap_or(200.0) as u16;
        let content_type = text_field(&answer, "content_type").unwrap_or_default();
        scrape_answer(
            status,
            &content_type,
            text_field(&answer, "text").unwrap_or_default(),
        )
    }
}
