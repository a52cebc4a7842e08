//! What the user can change while a simulation runs (traffic, errors, latency), the
//! events they can start (an outage, a slow release), and the conditions a service
//! sees in one second of virtual time as a result.

use super::rng::{Rng, Stream, sin_turns};
use crate::rng::hash;

/// Knobs that take effect from the moment they are set.
#[derive(Clone, Debug, PartialEq)]
pub struct Controls {
    /// Requests per second per instance, at the daily mean (traffic follows a daily
    /// curve around it: lowest at 03:00, highest at 15:00 UTC).
    pub traffic_rate: f64,
    /// The fraction of requests that fail with a server error (5xx), outside outages.
    pub error_ratio: f64,
    /// Multiplies every latency (1 = normal).
    pub latency_multiplier: f64,
}

impl Default for Controls {
    /// Sensible for every scenario; [`Controls::for_scenario`] gives each its own.
    fn default() -> Controls {
        Controls {
            traffic_rate: 5.0,
            error_ratio: 0.01,
            latency_multiplier: 1.0,
        }
    }
}

impl Controls {
    /// The defaults of one scenario (the generic defaults for an unknown name).
    pub fn for_scenario(name: &str) -> Controls {
        super::scenarios::find(name)
            .map(|def| def.defaults.clone())
            .unwrap_or_default()
    }

    /// The same controls with every value made usable (finite, in range).
    pub(crate) fn sanitized(&self) -> Controls {
        let finite = |value: f64, fallback: f64| if value.is_finite() { value } else { fallback };
        Controls {
            traffic_rate: finite(self.traffic_rate, 0.0).clamp(0.0, 10_000.0),
            error_ratio: finite(self.error_ratio, 0.0).clamp(0.0, 1.0),
            latency_multiplier: finite(self.latency_multiplier, 1.0).clamp(0.01, 100.0),
        }
    }
}

/// Something the user started, active over `(start_ms, end_ms]`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Event {
    pub kind: EventKind,
    pub start_ms: i64,
    pub end_ms: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum EventKind {
    /// Errors and latency rise; `down` is the instance that crashes, and when
    /// (`(instance, from_ms, to_ms]`), if any.
    Outage {
        down: Option<(usize, i64, i64)>,
    },
    SlowRelease,
}

impl Event {
    pub(crate) fn active_at(&self, t_ms: i64) -> bool {
        self.start_ms < t_ms && t_ms <= self.end_ms
    }

    /// An outage starting now: the middle of it takes one instance down (which one
    /// depends on the seed and the start time, not on anything random at run time).
    pub(crate) fn outage(seed: u64, start_ms: i64, duration_ms: i64, instances: usize) -> Event {
        let duration_ms = duration_ms.max(0);
        let down = (instances > 0 && duration_ms >= 4_000).then(|| {
            let mut rng = Rng::from_key(seed, Stream::Event, 0, start_ms);
            let instance = (rng.next_u64() % instances as u64) as usize;
            (
                instance,
                start_ms + duration_ms / 4,
                start_ms + duration_ms / 2,
            )
        });
        Event {
            kind: EventKind::Outage { down },
            start_ms,
            end_ms: start_ms.saturating_add(duration_ms),
        }
    }
}

/// Whether a built-in (scheduled) outage is on at `t_ms`: one in every six-hour block,
/// 4 to 12 minutes long, placed by the seed.
pub(crate) fn scheduled_outage(seed: u64, t_ms: i64) -> bool {
    const BLOCK_MS: i64 = 6 * 3600 * 1000;
    let block = t_ms.div_euclid(BLOCK_MS);
    let offset = t_ms.rem_euclid(BLOCK_MS);
    let mut rng = Rng::from_key(seed, Stream::Schedule, 0, block);
    let length = (rng.range(4.0, 12.0) * 60_000.0) as i64;
    let start = (rng.uniform() * (BLOCK_MS - length - 60_000) as f64) as i64 + 60_000;
    start < offset && offset <= start + length
}

/// What a service sees in one second of virtual time.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Conditions {
    /// Expected requests this second for this instance (daily curve, skew, wobble applied).
    pub rate: f64,
    /// Fraction of requests that fail with 5xx.
    pub error_ratio: f64,
    /// Factor on every latency.
    pub latency: f64,
    pub outage: bool,
    pub slow_release: bool,
}

/// The daily traffic curve: mean 1, lowest (0.45) at 03:00, highest (1.55) at 15:00 UTC.
pub fn daily_factor(t_ms: i64) -> f64 {
    let second_of_day = t_ms.rem_euclid(86_400_000) as f64 / 1000.0;
    1.0 + 0.55 * sin_turns((second_of_day - 9.0 * 3600.0) / 86_400.0)
}

/// How much of the traffic this instance gets (load balancing is never perfect).
pub(crate) fn instance_skew(seed: u64, instance: usize) -> f64 {
    0.9 + 0.2 * (hash(&[seed, instance as u64, 0x5CE3]) % 1000) as f64 / 1000.0
}

/// Traffic wobbles from minute to minute around the daily curve.
pub(crate) fn minute_wobble(seed: u64, instance: usize, minute: i64) -> f64 {
    let wobble =
        1.0 + 0.08 * Rng::from_key(seed, Stream::Schedule, instance as u64 + 1, minute).normal();
    wobble.max(0.5)
}

impl Conditions {
    /// `load` is the daily factor times the instance's skew and wobble.
    pub(crate) fn at(
        controls: &Controls,
        load: f64,
        outage: bool,
        slow_release: bool,
    ) -> Conditions {
        let mut error_ratio = controls.error_ratio;
        let mut latency = controls.latency_multiplier;
        if outage {
            error_ratio = (error_ratio + 0.25).min(1.0);
            latency *= 4.0;
        }
        if slow_release {
            latency *= 3.0;
        }
        Conditions {
            rate: (controls.traffic_rate * load).max(0.0),
            error_ratio,
            latency,
            outage,
            slow_release,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_curve_has_mean_one_and_peaks_in_the_afternoon() {
        let samples: Vec<f64> = (0..1440).map(|m| daily_factor(m * 60_000)).collect();
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        assert!((mean - 1.0).abs() < 1e-9);
        assert!((daily_factor(15 * 3_600_000) - 1.55).abs() < 1e-9);
        assert!((daily_factor(3 * 3_600_000) - 0.45).abs() < 1e-9);
    }

    #[test]
    fn scheduled_outages_take_minutes_in_every_six_hours() {
        let minutes_out = (0..360)
            .filter(|m| scheduled_outage(42, m * 60_000 + 30_000))
            .count();
        assert!((3..=13).contains(&minutes_out), "{minutes_out}");
    }

    #[test]
    fn controls_are_sanitized() {
        let wild = Controls {
            traffic_rate: f64::NAN,
            error_ratio: 3.0,
            latency_multiplier: -1.0,
        };
        let sane = wild.sanitized();
        assert_eq!(sane.traffic_rate, 0.0);
        assert_eq!(sane.error_ratio, 1.0);
        assert_eq!(sane.latency_multiplier, 0.01);
    }
}
