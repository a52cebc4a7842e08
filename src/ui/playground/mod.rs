//! The page's handle on the run: the core's [`Pipeline`] (held in the page, not in
//! signals: it is large and mutable), driven by the virtual clock, with signals that
//! tell views what changed: `data` when samples were stored, `run` when the settings
//! or the timeline changed. Reads are untracked unless a view asks for one of them.
//!
//! The address and storage always hold the run as a [`Link`] (rewritten at once
//! after any change, and every few seconds while the clock runs), so a reload or a
//! shared link replays exactly what was shown.

mod clock;
mod lab;
mod lab_worker;

pub use clock::{SPEEDS, VirtualClock};
pub use lab::{LabPhase, LabState, LabStatus};

use std::cell::Cell;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::pipeline::{Change, EventRow, Link, MAX_LINK_CHARS, Options, Pipeline, Run};
use crate::ui::browser::{Latest, now_ms, sleep_ms, yield_to_page};
use crate::ui::panes::parts::{loaded_yaml_parsers, yaml_parsers};
use crate::ui::{share, storage};

/// How often the live clock ticks (wall time).
const TICK: Duration = Duration::from_millis(250);
/// One backfill slice may run this long before the page gets a turn.
const SLICE_BUDGET_MS: f64 = 30.0;
/// During a backfill, views follow the store at most this often (wall time).
const DATA_REDRAW_MS: f64 = 250.0;
/// During a backfill, the progress bar moves at most this often (wall time).
const PROGRESS_EVERY_MS: f64 = 100.0;
/// Virtual time a backfill slice tries to cover before checking the clock (a few
/// ms of work; the rules due in it are evaluated in one pass each).
const BACKFILL_STEP_MS: i64 = 5 * 60_000;
/// What the first visit shows: the last hour.
pub const FIRST_VISIT_HOURS: i64 = 1;
/// Retention in the page: a bit more than the longest backfill offered.
const RETENTION_MS: i64 = 26 * 3_600_000;
/// Byte budget of the store in the page.
pub const STORE_BYTE_BUDGET: usize = 64 << 20;
/// The storage key of the run (a `Link`'s storage form).
const STORAGE_KEY: &str = "run.link";
/// While the clock runs, the address's `now` is rewritten this often (wall ms):
/// `history.replaceState` costs the page about 4 ms of main-thread work each time.
const LINK_EVERY_MS: f64 = 5000.0;
/// The address keys the run owns.
const LINK_KEYS: [&str; 6] = ["run", "t0", "tl", "now", "speed", "metrics"];

/// Whether an address key is the run's: the fixed ones, the alerting texts
/// (`rules`, `rules.1`, `am`, `am.1`, `silence.0`, ...) and the lab's programs (`py`, `py.1`).
fn is_link_key(key: &str) -> bool {
    let numbered = |base: &str| {
        key == base
            || key
                .strip_prefix(base)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|n| n.parse::<usize>().is_ok())
    };
    LINK_KEYS.contains(&key)
        || numbered("rules")
        || numbered("am")
        || numbered("silence")
        || numbered("py")
}

fn page_options() -> Options {
    Options {
        retention_ms: Some(RETENTION_MS),
        max_bytes: Some(STORE_BYTE_BUDGET),
        yaml: loaded_yaml_parsers(),
        ..Options::default()
    }
}

/// The handle panes get from context.
#[derive(Clone, Copy)]
pub struct Playground {
    pipeline: StoredValue<Option<Pipeline>, LocalStorage>,
    /// Bumped when samples were stored or dropped (scrapes, retention, a new run).
    pub data: RwSignal<u64>,
    /// Bumped when the run's settings or timeline changed (events, a new run).
    pub run: RwSignal<u64>,
    /// The run's events in words, recomputed when the run changes (the timeline
    /// list and every chart's markers read this one list).
    pub events: Memo<Vec<EventRow>>,
    pub clock: RwSignal<VirtualClock>,
    /// Progress of a running backfill (0..1), or None.
    pub backfill: RwSignal<Option<f64>>,
    pub error: RwSignal<Option<String>>,
    /// Set when the address is longer than common servers accept.
    pub link_warning: RwSignal<Option<String>>,
    /// The newest replay: an older one still filling in stops.
    replays: Latest,
    /// When the address was last written (`performance.now()`).
    last_link_write: StoredValue<f64>,
    /// The Python lab: its worker and status.
    pub lab: LabState,
}

impl Playground {
    /// Reads the pipeline without tracking anything: a view that should follow the
    /// data or the run tracks `data` or `run` itself (or uses the two below).
    pub fn read<R>(&self, f: impl FnOnce(&Pipeline) -> R) -> Option<R> {
        self.pipeline.with_value(|p| p.as_ref().map(f))
    }

    /// Reads the pipeline and re-runs the caller when samples are stored.
    pub fn read_data<R>(&self, f: impl FnOnce(&Pipeline) -> R) -> Option<R> {
        self.data.track();
        self.read(f)
    }

    /// Reads the pipeline and re-runs the caller when the run's settings or timeline change.
    pub fn read_run<R>(&self, f: impl FnOnce(&Pipeline) -> R) -> Option<R> {
        self.run.track();
        self.read(f)
    }

    /// Mutable access that tells no view: the caller bumps `data` or `run` for what
    /// it changed (nothing, for a scrape body rendered for display).
    pub fn with_mut<R>(&self, f: impl FnOnce(&mut Pipeline) -> R) -> Option<R> {
        self.pipeline
            .try_update_value(|p| p.as_mut().map(f))
            .flatten()
    }

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

    /// Removes an event that has not happened yet.
    pub fn remove_event(&self, index: usize) {
        if let Some(Err(e)) = self.with_mut(|p| p.remove_event(index)) {
            self.error.set(Some(e));
        }
        self.run.update(|v| *v += 1);
        self.write_link();
    }

    /// Starts a new run of `scenario` with `seed`, `hours` before now, with the
    /// settings in effect now (a new scenario's own controls), the rules and
    /// Alertmanager configuration the user gave, and an empty timeline;
    /// fills it in, in slices, without freezing the page; then the live clock
    /// carries on from now.
    pub fn new_run(&self, scenario: &str, seed: u64, hours: i64) {
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
                self.pipeline.set_value(Some(p))
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
                    me.pipeline.update_value(|p| {
                        if let Some(p) = p.as_mut() {
                            p.advance_to(at);
                        }
                    });
                    // The Python lab answers in its worker, one scrape at a time.
                    while me.lab_waiting() {
                        if !me.answer_lab().await || !ticket.is_current() {
                            // Held until the user presses Run (or a newer replay).
                            if !me.wait_for_consent(ticket).await {
                                return;
                            }
                        }
                        me.pipeline.update_value(|p| {
                            if let Some(p) = p.as_mut() {
                                p.advance_to(at);
                            }
                        });
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
    fn advance(&self, t_ms: i64) {
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

    /// Rewrites the address and storage: at once after a user's change (so a link
    /// copied, or a reload, right after it has it), and every few seconds while the
    /// clock runs (see `LINK_EVERY_MS`). Returns the address.
    pub fn write_link(&self) -> String {
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

    pub fn set_speed(&self, speed: u32) {
        self.clock.update(|c| c.speed = speed);
        self.write_link();
    }
}

/// Creates the playground for the page: the run in the address (a shared link or a
/// reload), else the one in storage, else a new `api` run with the last hour
/// backfilled; then the clock runs.
pub fn provide_playground() -> Playground {
    let wall_now = js_sys::Date::now() as i64;
    let pipeline = StoredValue::new_local(None::<Pipeline>);
    let run = RwSignal::new(0);
    let events = Memo::new(move |_| {
        run.track();
        pipeline
            .with_value(|p| p.as_ref().map(Pipeline::event_rows))
            .unwrap_or_default()
    });
    let playground = Playground {
        pipeline,
        data: RwSignal::new(0),
        run,
        events,
        clock: RwSignal::new(VirtualClock {
            now_ms: wall_now,
            speed: 1,
        }),
        backfill: RwSignal::new(None),
        error: RwSignal::new(None),
        link_warning: RwSignal::new(None),
        replays: Latest::new(),
        last_link_write: StoredValue::new(0.0),
        lab: LabState::new(),
    };
    provide_context(playground);
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

    let last_wall = Cell::new(now_ms());
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let wall = now_ms();
            let elapsed = wall - last_wall.replace(wall);
            if playground.backfill.get_untracked().is_some() {
                return;
            }
            let mut clock = playground.clock.get_untracked();
            if clock.speed == 0 {
                return;
            }
            let t = clock.tick(elapsed, 2_000.0);
            playground.clock.set(clock);
            playground.advance(t);
            if wall - playground.last_link_write.get_value() >= LINK_EVERY_MS {
                let _ = playground.write_link();
            }
        },
        TICK,
    ) {
        on_cleanup(move || handle.clear());
    }
    playground
}
