//! Units: guessed from metric names as Grafana users would set them by hand, and
//! numbers formatted with auto-scaling for axes, legends and hover readouts.
//!
//! How [`Unit::for_metric`] guesses (Prometheus's naming conventions: the base unit
//! is the last word of the name before `_total`, `_sum`, `_count`, `_bucket`):
//!
//! | expression | unit |
//! |---|---|
//! | `x_seconds`, `avg_over_time(x_seconds[5m])`, `increase(x_seconds_total[1h])` | `Seconds` |
//! | `x_bytes`, `increase(x_bytes_total[1h])` | `Bytes` |
//! | `x_ratio` | `Ratio` (0..1 shown as %) |
//! | `x_percent`, `x_percentage` | `Percent` (0..100 shown as %) |
//! | `rate(x_total[5m])`, `irate(...)`, `deriv(...)`, `rate(x_bucket[5m])`, `rate(x_seconds_count[5m])` | `PerSecond` |
//! | `rate(x_bytes_total[5m])` | `BytesPerSecond` |
//! | `rate(x_seconds_total[5m])` (CPU seconds per second) | `Ratio` (share of one core) |
//! | `rate(x_seconds_sum[5m]) / rate(x_seconds_count[5m])` (an average) | `Seconds` |
//! | `histogram_quantile(0.9, rate(x_seconds_bucket[5m]))` | `Seconds` |
//! | `time() - x_start_time_seconds` | `Seconds` (an age) |
//! | `x_start_time_seconds`, `x_timestamp_seconds`, `x_created` (Unix times), `count(...)`, `up` | `None` |

use super::Unit;
use crate::promql::highlight::{TokenClass, highlight};

/// What a metric name counts, from its suffixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Base {
    /// A quantity in a unit (`_seconds`, `_bytes`, ...), perhaps a counter of it.
    Quantity(Unit),
    /// A Unix time (`_timestamp_seconds`, `_time_seconds`, `_created`).
    Timestamp,
    /// Anything else: a plain number or a count of events.
    Plain,
}

fn base_of(name: &str) -> Base {
    let n = name.to_ascii_lowercase();
    if n.ends_with("_created") {
        return Base::Timestamp;
    }
    // `_count` and `_bucket` count observations, whatever the observed unit.
    if n.ends_with("_count") || n.ends_with("_bucket") {
        return Base::Plain;
    }
    let n = n
        .strip_suffix("_total")
        .or_else(|| n.strip_suffix("_sum"))
        .unwrap_or(&n);
    if n.ends_with("_timestamp_seconds") || n.ends_with("_time_seconds") {
        Base::Timestamp
    } else if n.ends_with("_seconds") {
        Base::Quantity(Unit::Seconds)
    } else if n.ends_with("_bytes") {
        Base::Quantity(Unit::Bytes)
    } else if n.ends_with("_ratio") {
        Base::Quantity(Unit::Ratio)
    } else if n.ends_with("_percent") || n.ends_with("_percentage") {
        Base::Quantity(Unit::Percent)
    } else {
        Base::Plain
    }
}

/// The base unit of a histogram's buckets (`x_seconds_bucket` → `Seconds`), for `le` labels.
fn bucket_unit(name: &str) -> Unit {
    let n = name.to_ascii_lowercase();
    match base_of(n.strip_suffix("_bucket").unwrap_or(&n)) {
        Base::Quantity(u) => u,
        _ => Unit::None,
    }
}

/// The metric names and the function and aggregation names (in order) of a PromQL
/// expression, from the editor's token classes (strings, label matchers, ranges and
/// grouping lists are not names).
fn scan(expr: &str) -> (Vec<&str>, Vec<&str>) {
    let (mut names, mut calls) = (Vec::new(), Vec::new());
    for (span, class) in highlight(expr) {
        let word = &expr[span.start..span.end];
        match class {
            TokenClass::MetricName => names.push(word),
            TokenClass::Function | TokenClass::Aggregation => calls.push(word),
            _ => {}
        }
    }
    (names, calls)
}

impl Unit {
    /// Guesses the unit of what `expr_or_name` returns from the metric names in it
    /// and the functions applied (see the table in this module's documentation).
    pub fn for_metric(expr_or_name: &str) -> Unit {
        let (names, calls) = scan(expr_or_name);
        let has = |f: &str| calls.iter().any(|c| c.eq_ignore_ascii_case(f));
        if has("histogram_quantile") {
            return names
                .iter()
                .map(|n| bucket_unit(n))
                .find(|u| *u != Unit::None)
                .unwrap_or(Unit::None);
        }
        // The outermost function, when the expression starts with a call.
        let outer = calls
            .first()
            .filter(|c| expr_or_name.trim_start().starts_with(**c))
            .map(|c| c.to_ascii_lowercase());
        if matches!(
            outer.as_deref(),
            Some("count" | "count_over_time" | "count_values" | "absent" | "absent_over_time")
        ) {
            return Unit::None;
        }
        let bases: Vec<Base> = names.iter().map(|n| base_of(n)).collect();
        if has("time") && bases.contains(&Base::Timestamp) && expr_or_name.contains('-') {
            return Unit::Seconds;
        }
        let quantity = bases.iter().find_map(|b| match b {
            Base::Quantity(u) => Some(*u),
            _ => None,
        });
        if has("rate") || has("irate") || has("deriv") {
            // rate(x_sum) / rate(x_count): the average observation, in the base unit.
            let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
            if expr_or_name.contains('/')
                && lower.iter().any(|n| n.ends_with("_sum"))
                && lower.iter().any(|n| n.ends_with("_count"))
            {
                return quantity.unwrap_or(Unit::None);
            }
            return match quantity {
                Some(Unit::Seconds) => Unit::Ratio,
                Some(Unit::Bytes) => Unit::BytesPerSecond,
                _ => Unit::PerSecond,
            };
        }
        quantity.unwrap_or(Unit::None)
    }

    /// Gauge bounds that follow from the unit alone (ratios 0..1, percentages 0..100).
    pub fn natural_range(self) -> Option<(f64, f64)> {
        match self {
            Unit::Ratio => Some((0.0, 1.0)),
            Unit::Percent => Some((0.0, 100.0)),
            _ => None,
        }
    }

    /// `v` formatted with the unit, auto-scaled, three significant digits:
    /// `350 ms`, `1.5 min`, `12 MiB`, `42.5%`, `1.2k/s`, `0.05/s`, `NaN`, `+Inf`.
    pub fn format(self, v: f64) -> String {
        if v.is_nan() {
            return "NaN".into();
        }
        if v.is_infinite() {
            return if v > 0.0 { "+Inf" } else { "-Inf" }.into();
        }
        match self {
            Unit::None => si(v, ""),
            Unit::PerSecond => si(v, "/s"),
            Unit::Ratio => format!("{}%", short(v * 100.0)),
            Unit::Percent => format!("{}%", short(v)),
            Unit::Bytes => bytes(v, ""),
            Unit::BytesPerSecond => bytes(v, "/s"),
            Unit::Seconds => seconds(v),
        }
    }
}

/// Three significant digits (at most 6 decimals), trailing zeros trimmed.
pub fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() {
            "0".into()
        } else {
            format!("{v}")
        };
    }
    let decimals = (2.0 - v.abs().log10().floor()).clamp(0.0, 6.0) as usize;
    let text = format!("{v:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// SI prefixes for thousands and up; small values stay plain (`0.005`, not `5m`,
/// which reads as minutes).
fn si(v: f64, suffix: &str) -> String {
    const PREFIXES: [(f64, &str); 5] =
        [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")];
    let a = v.abs();
    for (scale, p) in PREFIXES {
        if a >= scale * 0.9995 {
            return format!("{}{p}{suffix}", short(v / scale));
        }
    }
    format!("{}{suffix}", short(v))
}

fn bytes(v: f64, suffix: &str) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let a = v.abs();
    let mut i = 0;
    let mut scale = 1.0;
    while i + 1 < UNITS.len() && a >= scale * 1024.0 * 0.9995 {
        scale *= 1024.0;
        i += 1;
    }
    format!("{} {}{suffix}", short(v / scale), UNITS[i])
}

fn seconds(v: f64) -> String {
    let a = v.abs();
    let (scale, unit) = if a == 0.0 {
        (1.0, "s")
    } else if a < 1e-6 * 0.9995 {
        (1e-9, "ns")
    } else if a < 1e-3 * 0.9995 {
        (1e-6, "µs")
    } else if a < 0.9995 {
        (1e-3, "ms")
    } else if a < 60.0 {
        (1.0, "s")
    } else if a < 3600.0 {
        (60.0, "min")
    } else if a < 86_400.0 {
        (3600.0, "h")
    } else {
        (86_400.0, "d")
    };
    format!("{} {unit}", short(v / scale))
}
