//! The running pipeline the panes share: simulation → scraper → store, driven by
//! the virtual clock. It lives in the page (not in signals: it is large and
//! mutable); a `version` signal tells views when it changed.

mod clock;
pub mod saved;

pub use clock::{SPEEDS, VirtualClock};

use std::cell::Cell;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::expo::textparse::Format;
use crate::scrape::{ScrapeConfig, ScrapeManager, TargetStatus};
use crate::sim::{Controls, SimConfig, Simulation};
use crate::tsdb::{Head, Options, retention_target};
use crate::ui::browser::{now_ms, sleep_ms};
use crate::ui::share;

/// How often the live clock ticks (wall time).
const TICK: Duration = Duration::from_millis(250);
/// One backfill slice may run this long before the page gets a turn.
const SLICE_BUDGET_MS: f64 = 12.0;
/// Virtual time a backfill slice tries to cover before checking the clock.
const BACKFILL_STEP_MS: i64 = 60_000;
/// What the first visit shows: the last hour.
pub const FIRST_VISIT_HOURS: i64 = 1;
/// Retention in the page: a bit more than the longest backfill offered.
const RETENTION_MS: i64 = 26 * 3_600_000;
/// Byte budget of the store in the page.
pub const STORE_BYTE_BUDGET: usize = 64 << 20;

/// Everything a run is made from; the same settings give the same data.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSettings {
    pub scenario: String,
    pub seed: u64,
    pub instances: usize,
    pub interval_ms: i64,
    pub controls: Controls,
}

impl Default for RunSettings {
    fn default() -> Self {
        RunSettings {
            scenario: "api".into(),
            seed: 1,
            instances: 2,
            interval_ms: 15_000,
            controls: Controls::for_scenario("api"),
        }
    }
}

pub struct Pipeline {
    pub settings: RunSettings,
    /// When the run began (virtual ms): with the settings, it fixes all the data.
    pub start_ms: i64,
    pub sim: Simulation,
    pub scraper: ScrapeManager,
    pub store: Head,
}

impl Pipeline {
    pub fn start(settings: RunSettings, start_ms: i64) -> Result<Pipeline, String> {
        let sim = Simulation::new(SimConfig {
            scenario: settings.scenario.clone(),
            seed: settings.seed,
            start_ms,
            instances: settings.instances,
            controls: settings.controls.clone(),
        })
        .map_err(|e| e.to_string())?;
        let mut store = Head::new(Options {
            retention_ms: Some(RETENTION_MS),
            max_bytes: Some(retention_target(STORE_BYTE_BUDGET)),
            ..Options::default()
        });
        let config = ScrapeConfig {
            interval_ms: settings.interval_ms,
            ..ScrapeConfig::default()
        };
        let mut scraper = ScrapeManager::new(config, Format::OpenMetrics);
        scraper.sync_targets(&sim, &mut store, start_ms);
        Ok(Pipeline {
            settings,
            start_ms,
            sim,
            scraper,
            store,
        })
    }

    /// Runs simulation and scrapes up to `t_ms`.
    pub fn run_until(&mut self, t_ms: i64) {
        self.scraper.run_until(&mut self.sim, &mut self.store, t_ms);
        self.sim.advance_to(t_ms);
        self.store.apply_retention(t_ms);
    }

    pub fn targets(&self) -> Vec<TargetStatus> {
        self.scraper.targets()
    }
}

/// The handle panes get from context.
#[derive(Clone, Copy)]
pub struct Playground {
    pipeline: StoredValue<Option<Pipeline>, LocalStorage>,
    /// Bumped whenever the pipeline changed (new scrapes, new settings).
    pub version: RwSignal<u64>,
    pub clock: RwSignal<VirtualClock>,
    /// Progress of a running backfill (0..1), or None.
    pub backfill: RwSignal<Option<f64>>,
    pub error: RwSignal<Option<String>>,
    backfill_generation: RwSignal<u64>,
}

impl Playground {
    /// Runs `f` on the pipeline, if there is one.
    pub fn with<R>(&self, f: impl FnOnce(&Pipeline) -> R) -> Option<R> {
        self.version.track();
        self.pipeline.with_value(|p| p.as_ref().map(f))
    }

    /// Runs `f` on the pipeline mutably without telling the views (for reads that
    /// need `&mut`, like rendering a scrape body for display).
    pub fn update_untracked<R>(&self, f: impl FnOnce(&mut Pipeline) -> R) -> Option<R> {
        self.pipeline
            .try_update_value(|p| p.as_mut().map(f))
            .flatten()
    }

    /// Changes the pipeline (and tells the views).
    pub fn update<R>(&self, f: impl FnOnce(&mut Pipeline) -> R) -> Option<R> {
        let result = self
            .pipeline
            .try_update_value(|p| p.as_mut().map(f))
            .flatten();
        self.version.update(|v| *v += 1);
        result
    }

    /// Starts a new run `hours` before now and fills it in, in slices, without
    /// freezing the page; then the live clock carries on from now.
    pub fn backfill(&self, settings: RunSettings, hours: i64) {
        let end = self.clock.get_untracked().now_ms;
        self.backfill_between(settings, end - hours * 3_600_000, end);
    }

    /// Starts a new run at `start` and fills it in up to `end` (the clock's now).
    pub fn backfill_between(&self, settings: RunSettings, start: i64, end: i64) {
        let me = *self;
        self.clock.update(|c| c.now_ms = end);
        let generation = self.backfill_generation.get_untracked() + 1;
        self.backfill_generation.set(generation);
        saved::save(&settings, self.clock.get_untracked().speed);
        match Pipeline::start(settings, start) {
            Ok(p) => self.pipeline.set_value(Some(p)),
            Err(e) => {
                self.error.set(Some(e));
                return;
            }
        }
        self.error.set(None);
        self.backfill.set(Some(0.0));
        spawn_local(async move {
            let mut at = start;
            while at < end {
                let slice_start = now_ms();
                while at < end && now_ms() - slice_start < SLICE_BUDGET_MS {
                    at = (at + BACKFILL_STEP_MS).min(end);
                    me.pipeline.update_value(|p| {
                        if let Some(p) = p.as_mut() {
                            p.run_until(at);
                        }
                    });
                }
                me.backfill
                    .set(Some((at - start) as f64 / (end - start).max(1) as f64));
                me.version.update(|v| *v += 1);
                sleep_ms(0).await;
                if me.backfill_generation.get_untracked() != generation {
                    return;
                }
            }
            me.backfill.set(None);
        });
    }

    /// Writes the run (settings, start, virtual now, speed) into the address.
    fn write_link(&self) {
        if self.backfill.get_untracked().is_some() {
            return;
        }
        let clock = self.clock.get_untracked();
        let Some((settings, start)) = self
            .pipeline
            .with_value(|p| p.as_ref().map(|p| (p.settings.clone(), p.start_ms)))
        else {
            return;
        };
        let pairs = [
            format!(
                "run={}",
                share::encode(&saved::encode(&settings, clock.speed))
            ),
            format!("t0={start}"),
            format!("now={}", clock.now_ms),
        ];
        share::update(|k| matches!(k, "run" | "t0" | "now"), &pairs);
    }

    pub fn set_speed(&self, speed: u32) {
        self.clock.update(|c| c.speed = speed);
        self.save();
    }

    /// Keeps the current settings and speed for the next visit.
    pub fn save(&self) {
        if let Some(settings) = self
            .pipeline
            .with_value(|p| p.as_ref().map(|p| p.settings.clone()))
        {
            saved::save(&settings, self.clock.get_untracked().speed);
        }
    }
}

/// Engine settings for queries in the page: a 10 s timeout on `performance.now()`,
/// and at most 5 000 000 samples in memory (Prometheus allows 50 000 000, about
/// 800 MB of points: more than a browser tab should hold).
pub fn query_options() -> crate::promql::engine::Options {
    crate::promql::engine::Options {
        clock: Some(now_ms),
        timeout_ms: Some(10_000.0),
        max_samples: 5_000_000,
        ..Default::default()
    }
}

/// The run a shared link describes: settings (with speed), start and now.
fn shared_run() -> Option<(RunSettings, i64, i64, u32)> {
    let (settings, speed) = saved::decode(&share::param("run")?);
    let start: i64 = share::param("t0")?.parse().ok()?;
    let now: i64 = share::param("now")?.parse().ok()?;
    // At most a day of backfill, as the page's own choices.
    (start < now && now - start <= 24 * 3_600_000).then_some((settings, start, now, speed))
}

/// Creates the playground for the page: the saved settings (on a first visit the
/// `api` scenario) with the last hour backfilled, then the clock running.
pub fn provide_playground() -> Playground {
    let wall_now = js_sys::Date::now() as i64;
    let (settings, speed) = saved::load();
    let playground = Playground {
        pipeline: StoredValue::new_local(None),
        version: RwSignal::new(0),
        clock: RwSignal::new(VirtualClock {
            now_ms: wall_now,
            speed,
        }),
        backfill: RwSignal::new(None),
        error: RwSignal::new(None),
        backfill_generation: RwSignal::new(0),
    };
    provide_context(playground);
    match shared_run() {
        // A shared link: the very run it was made from, up to the moment it shows.
        Some((settings, start, now, speed)) => {
            playground.clock.update(|c| c.speed = speed);
            playground.backfill_between(settings, start, now);
        }
        None => playground.backfill(settings, FIRST_VISIT_HOURS),
    }
    // Keep the address a link to this run (at most once a second).
    if let Ok(handle) =
        set_interval_with_handle(move || playground.write_link(), Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
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
            playground.update(|p| p.run_until(t));
        },
        TICK,
    ) {
        on_cleanup(move || handle.clear());
    }
    playground
}
