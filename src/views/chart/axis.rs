//! Axis ticks: where they fall and what they say. Time ticks fall on round times
//! (every 1, 2, 5, 10, 15 or 30 seconds or minutes, 1, 2, 3, 6 or 12 hours, days)
//! with the date where a day starts; value ticks fall on round numbers in the
//! unit's scale (`0 ms, 0.5 ms, 1 ms`, `0, 256 MiB, 512 MiB`) and carry as many
//! decimals as their step needs, so no two ticks read the same.

use super::Unit;
use crate::time::civil;

/// A tick: where it is (seconds or the value) and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub at: f64,
    pub label: String,
}

const MINUTE: f64 = 60.0;
const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;

/// The time steps ticks may fall on, in seconds: each divides the next larger
/// unit (a minute, an hour, a day), so ticks land on the same round times
/// whatever the range.
const TIME_STEPS: [f64; 21] = [
    1.0,
    2.0,
    5.0,
    10.0,
    15.0,
    30.0,
    MINUTE,
    2.0 * MINUTE,
    5.0 * MINUTE,
    10.0 * MINUTE,
    15.0 * MINUTE,
    30.0 * MINUTE,
    HOUR,
    2.0 * HOUR,
    3.0 * HOUR,
    6.0 * HOUR,
    12.0 * HOUR,
    DAY,
    2.0 * DAY,
    7.0 * DAY,
    30.0 * DAY,
];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The smallest round step giving at most `max_ticks` ticks over `span` seconds.
pub fn time_step(span: f64, max_ticks: usize) -> f64 {
    let max = max_ticks.max(1) as f64;
    TIME_STEPS
        .iter()
        .copied()
        .find(|step| span / step <= max)
        .unwrap_or_else(|| (span / max / DAY).ceil() * DAY)
}

/// Ticks on round UTC times from `x0` to `x1` (Unix seconds), at most `max_ticks`
/// of them. Labels are `HH:MM` (`HH:MM:SS` for steps under a minute); when the
/// range crosses midnight, a tick at midnight names its day instead (`May 2`),
/// and with steps of a day or more every tick does.
pub fn time_ticks(x0: f64, x1: f64, max_ticks: usize) -> Vec<Tick> {
    if !(x0.is_finite() && x1.is_finite()) || x1 <= x0 {
        return Vec::new();
    }
    let step = time_step(x1 - x0, max_ticks);
    let crosses_midnight = (x0 / DAY).floor() != (x1 / DAY).floor();
    let first = (x0 / step).ceil() as i64;
    let last = (x1 / step).floor() as i64;
    (first..=last)
        .map(|k| {
            let at = k as f64 * step;
            let secs = at.round() as i64;
            let c = civil(secs);
            let midnight = secs.rem_euclid(DAY as i64) == 0;
            let label = if step >= DAY || (crosses_midnight && midnight) {
                format!("{} {}", MONTHS[(c.month - 1) as usize], c.day)
            } else if step < MINUTE {
                format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second)
            } else {
                format!("{:02}:{:02}", c.hour, c.minute)
            };
            Tick { at, label }
        })
        .collect()
}

/// A round step (1, 2 or 5 × a power of ten) giving at most `max_ticks` ticks over `span`.
fn nice_step(span: f64, max_ticks: usize) -> f64 {
    let raw = span / max_ticks.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

/// The decimals that write `step` exactly (`0.25` → 2, `5` → 0), at most 12.
fn decimals_of(step: f64) -> usize {
    (0..12)
        .find(|&d| {
            let scaled = step.abs() * 10f64.powi(d as i32);
            scaled >= 0.5 && (scaled - scaled.round()).abs() <= 1e-6 * scaled
        })
        .unwrap_or(12)
}

/// Ticks on round values from `lo` to `hi` in `unit`, at most `max_ticks` of them.
/// The scale (ms or s, KiB or MiB, k or M) is the one of the larger bound, the
/// same for every tick, and the step is round in it; every label has the decimals
/// the step needs, trailing zeros trimmed, so labels differ as the ticks do.
pub fn value_ticks(unit: Unit, lo: f64, hi: f64, max_ticks: usize) -> Vec<Tick> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return Vec::new();
    }
    let scale = unit.scale(lo.abs().max(hi.abs()));
    let (s0, s1) = (scale.apply(lo), scale.apply(hi));
    let step = nice_step(s1 - s0, max_ticks);
    let decimals = decimals_of(step);
    let first = (s0 / step - 1e-9).ceil() as i64;
    let last = (s1 / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            let label = if k == 0 {
                // Zero in the unit's own words (`0/s`, not `0k/s`).
                unit.format(0.0)
            } else {
                format!("{}{}", trimmed(&format!("{v:.decimals$}")), scale.suffix)
            };
            Tick {
                at: scale.unapply(v),
                label,
            }
        })
        .collect()
}

/// `1.50` → `1.5`, `2.00` → `2`, `-0` → `0`.
pub(super) fn trimmed(text: &str) -> String {
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    };
    if text == "-0" { "0" } else { text }.to_string()
}

/// The rows of a heatmap or the bars of a distribution: each bucket's upper bound
/// in the histogram's unit (`5 ms`, `2.5 s`, `+Inf`), or as the series spell it
/// when the unit is none or would write two bounds alike.
pub fn bound_labels(unit: Unit, les: &[f64], spelled: &[String]) -> Vec<String> {
    if unit == Unit::None {
        return spelled.to_vec();
    }
    let labels: Vec<String> = les.iter().map(|le| unit.format(*le)).collect();
    let distinct = labels.windows(2).all(|w| w[0] != w[1]);
    if distinct { labels } else { spelled.to_vec() }
}
