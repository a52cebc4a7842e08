//! The engine side of the playground: everything that drives the core
//! [`Pipeline`] (new runs and replays in slices, the clock's steps, events, the
//! link). In the split build this code is a part of its own (`parts::engine`),
//! fetched as the page starts: the shell reaches it only through [`Engine`], a
//! table of function pointers the part hands over, and holds the pipeline as a
//! [`RunHandle`], so the first download carries no engine code. Panes, which are
//! parts themselves, call these methods directly.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{
    BACKFILL_STEP_MS, DATA_REDRAW_MS, FIRST_VISIT_HOURS, LINK_EVERY_MS, LabStatus,
    PROGRESS_EVERY_MS, Playground, SLICE_BUDGET_MS, SPEEDS, STORAGE_KEY, is_link_key, page_options,
};
use crate::pipeline::{Change, EventRow, Link, MAX_LINK_CHARS, Pipeline, Run};
use crate::promql::complete::{Completions, complete};
use crate::ui::browser::{now_ms, sleep_ms, yield_to_page};
use crate::ui::panes::parts::{loaded_yaml_parsers, yaml_parsers};
use crate::ui::{share, storage};
use crate::views::alerts::firing_alert_markers;
use crate::views::chart::ChartMarker;
use crate::views::query::editor::StoreSchema;
use crate::views::query::remote::Names;
use crate::views::query::run::{self, Outcome, Request};

/// The run as the shell holds it: the pipeline behind this trait's vtable, which
/// the engine part creates, so the shell can keep, read and drop a run without
/// linking the engine's code (its drop glue included).
pub trait RunHandle {
    fn pipeline(&self) -> &Pipeline;
    fn pipeline_mut(&mut self) -> &mut Pipeline;
    /// The timeline in words (the list under the clock bar, chart markers).
    fn event_rows(&self) -> Vec<EventRow>;
}

impl RunHandle for Pipeline {
    fn pipeline(&self) -> &Pipeline {
        self
    }
    fn pipeline_mut(&mut self) -> &mut Pipeline {
        self
    }
    fn event_rows(&self) -> Vec<EventRow> {
        Pipeline::event_rows(self)
    }
}

/// What the shell asks of the engine, as function pointers: code that named these
/// functions directly would keep them (and the whole engine) in the first download.
#[derive(Clone, Copy)]
pub struct Engine {
    /// Starts the page's run: the address's, else storage's, else a new one.
    pub start: fn(Playground),
    /// One step of the live clock, to the given virtual time.
    pub tick: fn(Playground, i64),
    pub write_link: fn(Playground) -> String,
    pub new_run: fn(Playground, &str, u64, i64),
    pub remove_event: fn(Playground, usize),
    /// A Query panel's request evaluated against the store.
    pub evaluate: fn(&Pipeline, &Request) -> Outcome,
    /// The editor's completions at a byte offset.
    pub complete: fn(&Pipeline, &str, usize) -> Completions,
    /// Where alerts fired, for the charts' markers.
    pub alert_markers: fn(&Pipeline) -> Vec<ChartMarker>,
    /// The editor's completions from a server's metric names.
    pub complete_names: fn(&str, usize, &[String]) -> Completions,
}

impl Engine {
    pub const ALL: Engine = Engine {
        start,
        tick,
        write_link: |pg| pg.write_link_now(),
        new_run: |pg, scenario, seed, hours| pg.new_run_now(scenario, seed, hours),
        remove_event: |pg, index| pg.remove_event_now(index),
        evaluate: |p, request| run::evaluate(p.store(), request, now_ms),
        complete: |p, text, cursor| complete(text, cursor, &StoreSchema(p.store())),
        alert_markers: |p| firing_alert_markers(p.store(), i64::MIN, i64::MAX),
        complete_names: |text, cursor, names| complete(text, cursor, &Names(names)),
    };

    /// The engine when it is linked into the main module (unsplit builds).
    pub fn built_in() -> Option<Engine> {
        #[cfg(feature = "split")]
        return None;
        #[cfg(not(feature = "split"))]
        return Some(Engine::ALL);
    }
}

/// Starts the run in the address (a shared link or a reload), else the one in
/// storage, else a new `api` run with the last hour backfilled.
fn start(playground: Playground) {
    let wall_now = playground.clock.get_untracked().now_ms;
    let from_address = Link::read(share::param);
    let from_storage = || storage::load(STORAGE_KEY).and_then(|text| Link::from_storage(&text));
    match from_address.or_else(from_storage) {
        Some(Ok(link)) => {
            let speed = if SPEEDS.contains(&link.speed) {
                link.speed
            } else {
                1
            };
            playground.clock.update(|c| c.speed = speed);
            // A program that came with the run is shown, not run, until the user says so.
            playground.lab.consent.set(link.run.programs.is_empty());
            playground.replay(link.run, link.now_ms);
        }
        other => {
            playground.replay(
                Run::new("api", 1, wall_now - FIRST_VISIT_HOURS * 3_600_000, 2),
                wall_now,
            );
            if let Some(Err(e)) = other {
                playground
                    .error
                    .set(Some(format!("{e}: a new run started instead.")));
            }
        }
    }
}

/// The live clock's step: the run advances to `t_ms`, and the address follows
/// every few seconds.
fn tick(playground: Playground, t_ms: i64) {
    playground.advance(t_ms);
    if now_ms() - playground.last_link_write.get_value() >= LINK_EVERY_MS {
        let _ = playground.write_link_now();
    }
}

impl Playground {
    /// Adds an event to the timeline at `at_ms` (now, or later), and tells the views.
    pub fn add_event(&self, at_ms: i64, change: Change) {
        match self.with_mut(|p| p.add_event(at_ms, change)) {
            Some(Err(e)) => self.error.set(Some(e)),
            Some(Ok(_)) => {
                self.error.set(None);
                self.run.update(|v| *v += 1);
                self.write_link();
            }
            None => {}
        }
    }

    /// Runs `change` (it adds an event now: a rule file, an Alertmanager
    /// configuration, a silence, a program, a metric-lab operation); when it
    /// succeeds, tells the views that the run and its data changed and writes the
    /// link. Returns its error, if any.
    pub fn change_run<E>(
        &self,
        change: impl FnOnce(&mut Pipeline) -> Result<usize, E>,
    ) -> Result<(), E> {
        // A change may read YAML: give the pipeline the readers if they came.
        let change = |p: &mut Pipeline| {
            if let (None, Some(parsers)) = (p.yaml_parsers(), loaded_yaml_parsers()) {
                p.set_yaml_parsers(parsers);
            }
            change(p)
        };
        match self.with_mut(change) {
            Some(Err(e)) => Err(e),
            Some(Ok(_)) => {
                self.run.update(|v| *v += 1);
                self.data.update(|v| *v += 1);
                self.write_link();
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Adds an event at the clock's now (during a backfill the run catches up to it).
    pub fn change_now(&self, change: Change) {
        self.add_event(self.clock.get_untracked().now_ms, change);
    }

    /// Removes an event that has not happened yet (the shell's
    /// [`Playground::remove_event`] comes here through [`Engine`]).
    fn remove_event_now(&self, index: usize) {
        if let Some(Err(e)) = self.with_mut(|p| p.remove_event(index)) {
            self.error.set(Some(e));
        }
        self.run.update(|v| *v += 1);
        self.write_link();
    }

    /// [`Playground::new_run`]'s work, on the engine's side.
    fn new_run_now(&self, scenario: &str, seed: u64, hours: i64) {
        let native = self.read(|p| p.run().native_histograms).unwrap_or(false);
        self.new_run_with(scenario, seed, hours, native);
    }

    /// [`Playground::new_run`], with native histograms on or off (the services'
    /// instrumentation and the scrape protocol are fixed for a run).
    pub fn new_run_with(&self, scenario: &str, seed: u64, hours: i64, native_histograms: bool) {
        let now = self.clock.get_untracked().now_ms;
        let start = now - hours * 3_600_000;
        let carried = self.read(|p| {
            let mut s = p.settings().clone();
            // The Python lab is opt-in per run: a new run starts with the simulation.
            s.program = None;
            if p.run().scenario != scenario {
                let defaults = crate::pipeline::Settings::for_scenario(scenario, s.instances);
                s.controls = defaults.controls;
            }
            (s, p.carried_alerting(scenario))
        });
        let mut run = Run::new(scenario, seed, start, 2);
        run.native_histograms = native_histograms;
        if let Some((settings, alerting)) = carried {
            run.initial = settings;
            run.alerting = alerting;
        }
        self.replay(run, now);
    }

    /// Builds `run` up to `end` (the clock's new now), in slices.
    pub fn replay(&self, run: Run, end: i64) {
        let me = *self;
        if loaded_yaml_parsers().is_none() && crate::pipeline::needs_parsers(&run) {
            // The run's own rules or Alertmanager configuration: read them first
            // (the replay shows as started meanwhile).
            let ticket = self.replays.next();
            self.backfill.set(Some(0.0));
            spawn_local(async move {
                match yaml_parsers().await {
                    Ok(_) if ticket.is_current() => me.replay(run, end),
                    Ok(_) => {}
                    Err(e) => {
                        me.backfill.set(None);
                        me.error.set(Some(format!(
                            "The run's rule file or Alertmanager configuration cannot be read: the YAML reader could not be loaded ({e})"
                        )));
                    }
                }
            });
            return;
        }
        let start = run.start_ms;
        self.clock.update(|c| c.now_ms = end);
        let ticket = self.replays.next();
        match Pipeline::new(run, page_options()) {
            Ok(mut p) => {
                p.set_rule_query_options(crate::views::rule_query_options(now_ms));
                self.pipeline.set_value(Some(Box::new(p)))
            }
            Err(e) => {
                self.error.set(Some(e));
                return;
            }
        }
        self.error.set(None);
        self.run.update(|v| *v += 1);
        self.data.update(|v| *v += 1);
        self.write_link();
        self.backfill.set(Some(0.0));
        spawn_local(async move {
            let mut at = start;
            let mut drawn_at = now_ms();
            let mut progress_at = now_ms();
            while at < end {
                let slice_start = now_ms();
                // At least one step a slice, then as many as fit.
                loop {
                    let step_start = now_ms();
                    at = (at + BACKFILL_STEP_MS).min(end);
                    me.with_mut(|p| p.advance_to(at));
                    // The Python lab answers in its worker, one scrape at a time.
                    while me.lab_waiting() {
                        if !me.answer_lab().await || !ticket.is_current() {
                            // Held until the user presses Run (or a newer replay).
                            if !me.wait_for_consent(ticket).await {
                                return;
                            }
                        }
                        me.with_mut(|p| p.advance_to(at));
                    }
                    let step_ms = now_ms() - step_start;
                    if at >= end || now_ms() - slice_start + step_ms >= SLICE_BUDGET_MS {
                        break;
                    }
                }
                // Views redraw from the store as it fills, a few times a second:
                // after every slice they would take a good part of the backfill.
                // So does the progress bar: each change costs the page a layout.
                if now_ms() - progress_at >= PROGRESS_EVERY_MS {
                    me.backfill
                        .set(Some((at - start) as f64 / (end - start).max(1) as f64));
                    progress_at = now_ms();
                }
                if now_ms() - drawn_at >= DATA_REDRAW_MS {
                    me.data.update(|v| *v += 1);
                    drawn_at = now_ms();
                }
                yield_to_page().await;
                if !ticket.is_current() {
                    return;
                }
            }
            me.data.update(|v| *v += 1);
            me.run.update(|v| *v += 1);
            me.backfill.set(None);
        });
    }

    /// Runs the pipeline up to `t_ms`, telling the views only what changed; the
    /// Python lab, if the run waits for it, answers in the background.
    pub(super) fn advance(&self, t_ms: i64) {
        let Some(done) = self.with_mut(|p| p.advance_to(t_ms)) else {
            return;
        };
        if done.scrapes > 0 || done.retention_passes > 0 {
            self.data.update(|v| *v += 1);
        }
        if done.events > 0 {
            self.run.update(|v| *v += 1);
        }
        self.pump_lab();
    }

    /// Waits until the user lets the run's programs run (true), or the replay is
    /// superseded (false).
    async fn wait_for_consent(&self, ticket: crate::ui::browser::Ticket) -> bool {
        while !self.lab.consent.get_untracked() {
            sleep_ms(100).await;
            if !ticket.is_current() {
                return false;
            }
        }
        ticket.is_current()
    }

    /// Starts `program` in the Python lab now (the user pressed Run): the run's
    /// programs may run from now on, including a link's held ones.
    pub fn run_program(&self, program: &str) {
        self.lab.consent.set(true);
        if self
            .read(|p| {
                p.run().programs.last().map(String::as_str) == Some(program)
                    && p.lab_program().is_some()
                    && p.lab_waiting()
            })
            .unwrap_or(false)
        {
            // A held link's program: run it as it is.
            self.pump_lab();
            return;
        }
        let _ = self.change_run(|p| p.start_program(program));
        self.pump_lab();
    }

    /// Back to the simulated service.
    pub fn stop_program(&self) {
        self.change_now(Change::Python(None));
        self.lab.status.set(LabStatus::default());
    }

    /// The run as a link at the clock's now.
    fn link(&self) -> Option<Link> {
        let clock = self.clock.get_untracked();
        self.read(|p| Link {
            run: p.run().clone(),
            now_ms: clock.now_ms,
            speed: clock.speed,
        })
    }

    /// [`Playground::write_link`]'s work, on the engine's side.
    fn write_link_now(&self) -> String {
        self.last_link_write.set_value(now_ms());
        let Some(link) = self.link() else {
            return share::href();
        };
        let pairs: Vec<String> = link
            .pairs()
            .into_iter()
            .map(|(k, v)| match k.as_str() {
                // Its characters need no escaping; escaped, a long timeline triples.
                "tl" => format!("tl={v}"),
                _ => format!("{k}={}", share::encode(&v)),
            })
            .collect();
        share::update(is_link_key, &pairs);
        storage::save(STORAGE_KEY, &link.to_storage());
        let href = share::href();
        let length = href.len();
        let warning = (length > MAX_LINK_CHARS).then(|| {
            format!(
                "This page's address is {length} characters long: more than the {MAX_LINK_CHARS} many servers and chat programs accept. It opens in browsers, but may be cut when shared; remove future events or start a new run."
            )
        });
        if self.link_warning.get_untracked() != warning {
            self.link_warning.set(warning);
        }
        href
    }
}
