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
//! | `sum(rate(a_total[5m])) / sum(rate(b_total[5m]))`, `x_bytes / y_bytes` (a share: same units divided) | `Ratio` |
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

/// Whether `expr` is, under parentheses and aggregations that keep units, a
/// division of two quantities in the same unit (`sum(rate(a[5m])) / sum(rate(b[5m]))`,
/// `x_bytes / y_bytes`): a share, without a unit. Plain numbers divided
/// (`a_total / b_total`) stay plain.
fn same_unit_division(expr: &str) -> bool {
    use crate::promql::ast::{AggOp, BinOp};
    use crate::promql::{ExprKind, parse};
    let Ok(tree) = parse(expr) else {
        return false;
    };
    let mut node = &tree;
    loop {
        match &node.kind {
            ExprKind::Paren(inner) => node = inner,
            ExprKind::Aggregate(a)
                if matches!(
                    a.op,
                    AggOp::Sum
                        | AggOp::Avg
                        | AggOp::Min
                        | AggOp::Max
                        | AggOp::Topk
                        | AggOp::Bottomk
                        | AggOp::Quantile
                        | AggOp::Limitk
                        | AggOp::LimitRatio
                ) =>
            {
                node = &a.expr
            }
            ExprKind::Binary(b) if b.op == BinOp::Div && !b.return_bool => {
                let side = |e: &crate::promql::Expr| {
                    Unit::for_metric(expr.get(e.span.start..e.span.end).unwrap_or(""))
                };
                let left = side(&b.lhs);
                return left != Unit::None && left == side(&b.rhs);
            }
            _ => return false,
        }
    }
}

impl Unit {
    /// Guesses the unit of what `expr_or_name` returns from the metric names in it
    /// and the functions applied (see the table in this module's documentation).
    pub fn for_metric(expr_or_name: &str) -> Unit {
        if same_unit_division(expr_or_name) {
            return Unit::Ratio;
        }
        let (names, calls) = scan(expr_or_name);
        let has = |f: &str| calls.iter().any(|c| c.eq_ignore_ascii_case(f));
        if has("histogram_quantile") {
            return Unit::for_buckets(expr_or_name);
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

    /// The unit of the bucket bounds (`le`) of the histogram `expr` reads
    /// (`rate(x_seconds_bucket[5m])` → `Seconds`): what heatmap rows and bars are
    /// labelled in.
    pub fn for_buckets(expr: &str) -> Unit {
        scan(expr)
            .0
            .iter()
            .map(|n| bucket_unit(n))
            .find(|u| *u != Unit::None)
            .unwrap_or(Unit::None)
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
        let scale = self.scale(v.abs());
        format!("{}{}", short(scale.apply(v)), scale.suffix)
    }

    /// How values of magnitude `a` are written in this unit: the number's scale
    /// and what follows it (` ms`, ` MiB/s`, `k/s`, `%`). Small plain numbers
    /// keep no prefix (`0.005`, not `5m`, which reads as minutes).
    pub(super) fn scale(self, a: f64) -> Scale {
        match self {
            Unit::None => si(a, ""),
            Unit::PerSecond => si(a, "/s"),
            Unit::Ratio => Scale::new(100.0, 1.0, "%"),
            Unit::Percent => Scale::new(1.0, 1.0, "%"),
            Unit::Bytes => bytes(a, ""),
            Unit::BytesPerSecond => bytes(a, "/s"),
            Unit::Seconds => seconds(a),
        }
    }
}

/// A value written as `value × mul / div` followed by `suffix`.
pub(super) struct Scale {
    mul: f64,
    div: f64,
    pub suffix: String,
}

impl Scale {
    fn new(mul: f64, div: f64, suffix: &str) -> Scale {
        Scale {
            mul,
            div,
            suffix: suffix.to_string(),
        }
    }

    /// The number written for `v`.
    pub fn apply(&self, v: f64) -> f64 {
        v * self.mul / self.div
    }

    /// The value whose number is `n`.
    pub fn unapply(&self, n: f64) -> f64 {
        n * self.div / self.mul
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
    super::axis::trimmed(&format!("{v:.decimals$}"))
}

/// SI prefixes for thousands and up.
fn si(a: f64, suffix: &str) -> Scale {
    const PREFIXES: [(f64, &str); 5] =
        [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")];
    PREFIXES
        .iter()
        .find(|(scale, _)| a >= scale * 0.9995)
        .map_or_else(
            || Scale::new(1.0, 1.0, suffix),
            |(scale, p)| Scale::new(1.0, *scale, &format!("{p}{suffix}")),
        )
}

fn bytes(a: f64, suffix: &str) -> Scale {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut i = 0;
    let mut scale = 1.0;
    while i + 1 < UNITS.len() && a >= scale * 1024.0 * 0.9995 {
        scale *= 1024.0;
        i += 1;
    }
    Scale::new(1.0, scale, &format!(" {}{suffix}", UNITS[i]))
}

fn seconds(a: f64) -> Scale {
    let (mul, div, unit) = if a == 0.0 {
        (1.0, 1.0, "s")
    } else if a < 1e-6 * 0.9995 {
        (1e9, 1.0, "ns")
    } else if a < 1e-3 * 0.9995 {
        (1e6, 1.0, "µs")
    } else if a < 0.9995 {
        (1e3, 1.0, "ms")
    } else if a < 60.0 {
        (1.0, 1.0, "s")
    } else if a < 3600.0 {
        (1.0, 60.0, "min")
    } else if a < 86_400.0 {
        (1.0, 3600.0, "h")
    } else {
        (1.0, 86_400.0, "d")
    };
    Scale::new(mul, div, &format!(" {unit}"))
}
