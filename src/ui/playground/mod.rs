//! The page's handle on the run: the core's [`Pipeline`] (held in the page, not in
//! signals: it is large and mutable), driven by the virtual clock, with signals that
//! tell views what changed: `data` when samples were stored, `run` when the settings
//! or the timeline changed. Reads are untracked unless a view asks for one of them.
//!
//! The address and storage always hold the run as a [`Link`] (rewritten at once
//! after any change, and every few seconds while the clock runs), so a reload or a
//! shared link replays exactly what was shown.

mod clock;
mod drive;
mod lab;
mod lab_worker;

pub use clock::{SPEEDS, VirtualClock};
pub use drive::{Engine, RunHandle};
pub use lab::{LabPhase, LabState, LabStatus};

use std::cell::Cell;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::pipeline::{EventRow, Options, Pipeline};
use crate::ui::browser::{Latest, now_ms};
use crate::ui::panes::parts::{load_engine, loaded_engine, loaded_yaml_parsers};
use crate::ui::share;

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
    pipeline: StoredValue<Option<Box<dyn RunHandle>>, LocalStorage>,
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
        self.pipeline
            .with_value(|p| p.as_deref().map(|handle| f(handle.pipeline())))
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
            .try_update_value(|p| p.as_deref_mut().map(|handle| f(handle.pipeline_mut())))
            .flatten()
    }

    /// The engine's functions, once its part has come (always, unsplit).
    fn engine(&self) -> Option<Engine> {
        loaded_engine()
    }

    /// Reads the run through the engine's functions: what the shell and the
    /// Query pane compute from the store (an evaluation, completions) they reach
    /// this way, so that its code stays in the engine's part.
    pub fn read_engine<R>(&self, f: impl FnOnce(Engine, &Pipeline) -> R) -> Option<R> {
        let engine = self.engine()?;
        self.read(|p| f(engine, p))
    }

    /// Rewrites the address and storage: at once after a user's change (so a link
    /// copied, or a reload, right after it has it), and every few seconds while the
    /// clock runs (see `LINK_EVERY_MS`). Returns the address.
    pub fn write_link(&self) -> String {
        match self.engine() {
            Some(engine) => (engine.write_link)(*self),
            None => share::href(),
        }
    }

    /// Starts a new run of `scenario` with `seed`, `hours` before now, with the
    /// settings in effect now (a new scenario's own controls), the rules and
    /// Alertmanager configuration the user gave, and an empty timeline;
    /// fills it in, in slices, without freezing the page; then the live clock
    /// carries on from now.
    pub fn new_run(&self, scenario: &str, seed: u64, hours: i64) {
        if let Some(engine) = self.engine() {
            (engine.new_run)(*self, scenario, seed, hours);
        }
    }

    /// Removes an event that has not happened yet.
    pub fn remove_event(&self, index: usize) {
        if let Some(engine) = self.engine() {
            (engine.remove_event)(*self, index);
        }
    }

    pub fn set_speed(&self, speed: u32) {
        self.clock.update(|c| c.speed = speed);
        self.write_link();
    }
}

/// Creates the playground for the page, then starts its run (see `drive::start`)
/// as soon as the engine is there: at once unsplit; in the split build when the
/// engine's part has come, the backfill's progress showing meanwhile. Then the
/// clock runs.
pub fn provide_playground() -> Playground {
    let wall_now = js_sys::Date::now() as i64;
    let pipeline = StoredValue::new_local(None::<Box<dyn RunHandle>>);
    let run = RwSignal::new(0);
    let events = Memo::new(move |_| {
        run.track();
        pipeline
            .with_value(|p| p.as_deref().map(RunHandle::event_rows))
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
    match loaded_engine() {
        Some(engine) => (engine.start)(playground),
        None => {
            playground.backfill.set(Some(0.0));
            spawn_local(async move {
                match load_engine().await {
                    Ok(engine) => (engine.start)(playground),
                    Err(e) => {
                        playground.backfill.set(None);
                        playground.error.set(Some(format!(
                            "The simulation could not be loaded ({e}): is the network down? Reload the page to try again."
                        )));
                    }
                }
            });
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
            let Some(engine) = loaded_engine() else {
                return;
            };
            let mut clock = playground.clock.get_untracked();
            if clock.speed == 0 {
                return;
            }
            let t = clock.tick(elapsed, 2_000.0);
            playground.clock.set(clock);
            (engine.tick)(playground, t);
        },
        TICK,
    ) {
        on_cleanup(move || handle.clear());
    }
    playground
}
