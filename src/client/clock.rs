//! Time for the instrumentation API comes from an injectable clock, never from the
//! system directly: the playground runs on virtual time, tests fix it (client_python's
//! tests use 123.456), and the core must build for wasm32 where there is no
//! `SystemTime::now()`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A source of "now", in seconds since the Unix epoch.
pub trait Clock: Send + Sync {
    fn now(&self) -> f64;
}

/// How metrics hold their clock.
pub type SharedClock = Arc<dyn Clock>;

/// A clock that moves only when told to: virtual time for simulations and tests.
#[derive(Debug, Default)]
pub struct ManualClock {
    // f64 bits in an atomic so the clock can be shared (Send + Sync) without a lock.
    seconds_bits: AtomicU64,
}

impl ManualClock {
    pub fn new(seconds: f64) -> ManualClock {
        ManualClock {
            seconds_bits: AtomicU64::new(seconds.to_bits()),
        }
    }

    /// A shared handle, ready to give to a registry or metric.
    pub fn shared(seconds: f64) -> Arc<ManualClock> {
        Arc::new(ManualClock::new(seconds))
    }

    pub fn set(&self, seconds: f64) {
        self.seconds_bits
            .store(seconds.to_bits(), Ordering::Relaxed);
    }

    pub fn advance(&self, seconds: f64) {
        self.set(self.now() + seconds);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> f64 {
        f64::from_bits(self.seconds_bits.load(Ordering::Relaxed))
    }
}

/// The operating system's wall clock (native builds only; the browser uses virtual time).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

#[cfg(not(target_arch = "wasm32"))]
impl Clock for SystemClock {
    fn now(&self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs_f64())
            .unwrap_or(0.0)
    }
}

/// Measures elapsed clock time, for `time(...)` helpers and manual timing.
pub struct Timer {
    clock: SharedClock,
    started: f64,
}

impl Timer {
    pub fn start(clock: SharedClock) -> Timer {
        let started = clock.now();
        Timer { clock, started }
    }

    /// Seconds since `start` (never negative, even if the clock was set back).
    pub fn elapsed(&self) -> f64 {
        (self.clock.now() - self.started).max(0.0)
    }
}

/// Runs `work` and returns its result with the clock time it took.
pub fn time_closure<T>(clock: &SharedClock, work: impl FnOnce() -> T) -> (T, f64) {
    let timer = Timer::start(clock.clone());
    let result = work();
    (result, timer.elapsed())
}
