//! The time window the panels share and Grafana's interval variables in queries.
//! Pure functions: the browser tests check the arithmetic.

/// Range presets offered at the top of the dashboard.
pub const RANGES: [(i64, &str); 5] = [
    (15 * 60_000, "15m"),
    (3_600_000, "1h"),
    (3 * 3_600_000, "3h"),
    (6 * 3_600_000, "6h"),
    (24 * 3_600_000, "1d"),
];

/// Points per panel: range / 250 is Prometheus UI's "medium" resolution.
const POINTS: i64 = 250;

/// One evaluation's time window; every panel of a refresh uses the same one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start_ms: i64,
    pub end_ms: i64,
    pub step_ms: i64,
    pub range_ms: i64,
    pub scrape_interval_ms: i64,
}

/// The window ending at `now_ms` (rounded down to a whole step, so the window
/// moves only when a new step begins: re-evaluating more often would redraw the
/// same points). The step is range / 250 in whole seconds, at least the scrape
/// interval (finer steps would only repeat samples).
pub fn window(now_ms: i64, range_ms: i64, scrape_interval_ms: i64) -> Window {
    let step_ms = (((range_ms / POINTS) as f64 / 1000.0).round() as i64 * 1000)
        .max(scrape_interval_ms)
        .max(1000);
    let end_ms = now_ms - now_ms.rem_euclid(step_ms);
    Window {
        start_ms: end_ms - range_ms,
        end_ms,
        step_ms,
        range_ms,
        scrape_interval_ms,
    }
}

/// Grafana's `$__rate_interval`: long enough that a `rate()` window always holds
/// at least two samples whatever the step, `max(step + scrape, 4 × scrape)`.
pub fn rate_interval_ms(step_ms: i64, scrape_interval_ms: i64) -> i64 {
    (step_ms + scrape_interval_ms).max(4 * scrape_interval_ms)
}

/// A duration in PromQL's syntax: `1m30s`, `4h`, `1500ms`.
pub fn promql_duration(ms: i64) -> String {
    if ms <= 0 {
        return "0s".into();
    }
    if ms % 1000 != 0 {
        return format!("{ms}ms");
    }
    let mut s = ms / 1000;
    let mut out = String::new();
    for (unit, secs) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if s >= secs {
            out.push_str(&format!("{}{unit}", s / secs));
            s %= secs;
        }
    }
    out
}

/// Replaces Grafana's variables in `query`: `$__rate_interval`, `$__interval`
/// (the step), `$__range` (as durations), `$__interval_ms`, `$__range_ms` and
/// `$__range_s` (as numbers); `${name}` works too. Other `$` text stays as is, so
/// the parser reports it where the user wrote it.
pub fn substitute(query: &str, w: &Window) -> String {
    let value = |name: &str| -> Option<String> {
        Some(match name {
            "__rate_interval" => promql_duration(rate_interval_ms(w.step_ms, w.scrape_interval_ms)),
            "__interval" => promql_duration(w.step_ms),
            "__interval_ms" => w.step_ms.to_string(),
            "__range" => promql_duration(w.range_ms),
            "__range_ms" => w.range_ms.to_string(),
            "__range_s" => (w.range_ms / 1000).to_string(),
            _ => return None,
        })
    };
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        // `${name}` or `$name` (the longest run of name characters).
        let (name, used) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            }
        } else {
            let end = after.find(|c| !is_name(c)).unwrap_or(after.len());
            (&after[..end], end)
        };
        match value(name) {
            Some(v) => {
                out.push_str(&v);
                rest = &after[used..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
