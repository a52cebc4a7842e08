//! "Did you mean …?": the nearest function or metric name to a mistyped one.
//! Metric names follow Prometheus's suffix conventions first (a counter's
//! `_total`, a histogram's or summary's `_bucket`/`_count`/`_sum`, `_created`,
//! `_info`), then the smallest edit distance.

use super::ast::AggOp;
use super::functions::FUNCTIONS;

/// The suffixes a family's series add to its name (or a counter's `_total`).
pub const SERIES_SUFFIXES: [&str; 6] = ["_total", "_bucket", "_count", "_sum", "_created", "_info"];

/// Edits (insert, delete, substitute, swap two neighbours) turning `a` into `b`:
/// the optimal string alignment distance, so `rtae` is one edit from `rate`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // Three rows: two back (for swaps), one back, and the current one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(before[j - 2] + 1);
            }
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate nearest `word`, if it is close enough to be a plausible typo
/// (at most a third of the word's length, and at least two edits allowed);
/// ties go to the earlier candidate.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The function (or aggregation operator, which is called like one) nearest
/// an unknown function's name: `rte` → `rate`.
pub fn function_name(unknown: &str) -> Option<&'static str> {
    let lower = unknown.to_ascii_lowercase();
    let names = FUNCTIONS
        .iter()
        .filter(|f| !f.experimental)
        .map(|f| f.name)
        .chain(AggOp::ALL.iter().map(|op| op.name()))
        .chain(FUNCTIONS.iter().filter(|f| f.experimental).map(|f| f.name));
    nearest(&lower, names)
}

/// The stored metric name `name` most likely meant, from `names` (the store's):
/// the name with a series suffix added (`_bucket` first where a histogram's
/// buckets are wanted), with its suffix removed or swapped, else the nearest
/// by edit distance.
pub fn metric_name<'a>(name: &str, names: &[&'a str], want_buckets: bool) -> Option<&'a str> {
    let find = |candidate: &str| names.iter().copied().find(|n| *n == candidate);
    if want_buckets && let Some(n) = find(&format!("{name}_bucket")) {
        return Some(n);
    }
    if let Some(n) = SERIES_SUFFIXES
        .iter()
        .find_map(|suffix| find(&format!("{name}{suffix}")))
    {
        return Some(n);
    }
    if let Some(base) = SERIES_SUFFIXES.iter().find_map(|s| name.strip_suffix(s)) {
        let swapped = std::iter::once(String::new())
            .chain(SERIES_SUFFIXES.iter().map(|s| s.to_string()))
            .find_map(|suffix| find(&format!("{base}{suffix}")));
        if swapped.is_some() {
            return swapped;
        }
    }
    nearest(name, names.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("rte", "rate"), 1);
        assert_eq!(edit_distance("rtae", "rate"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn functions_by_nearest_name() {
        assert_eq!(function_name("rte"), Some("rate"));
        assert_eq!(
            function_name("histogram_quantil"),
            Some("histogram_quantile")
        );
        assert_eq!(function_name("summ"), Some("sum"));
        assert_eq!(function_name("RATE_"), Some("rate"));
        assert_eq!(function_name("xyzzyplugh"), None);
    }

    #[test]
    fn metrics_by_suffix_convention_then_distance() {
        let names = [
            "app_request_count_total",
            "http_request_duration_seconds_bucket",
            "http_request_duration_seconds_count",
            "http_request_duration_seconds_sum",
            "process_cpu_seconds_total",
            "up",
        ];
        assert_eq!(
            metric_name("app_request_count", &names, false),
            Some("app_request_count_total")
        );
        assert_eq!(
            metric_name("http_request_duration_seconds", &names, true),
            Some("http_request_duration_seconds_bucket")
        );
        assert_eq!(
            metric_name("http_request_duration_seconds", &names, false),
            Some("http_request_duration_seconds_bucket")
        );
        assert_eq!(
            metric_name("http_request_duration_seconds_total", &names, false),
            Some("http_request_duration_seconds_bucket")
        );
        assert_eq!(
            metric_name("proces_cpu_seconds_total", &names, false),
            Some("process_cpu_seconds_total")
        );
        assert_eq!(metric_name("no_such_metric", &names, false), None);
    }
}
