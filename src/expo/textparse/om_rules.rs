//! The OpenMetrics 1.0 validity rules that go beyond the grammar, checked on whole
//! families: names that clash, units, per-type value and label rules, exemplar
//! placement, grouping and ordering of a family's series, and the histogram
//! invariants (buckets increasing, `+Inf` present and equal to `_count`, ...).
//! A native histogram sample (2.0 draft) is checked for its family and exemplars.

use std::collections::HashSet;

use super::cursor::Dialect;
use super::error::ParseError;
use super::families::{FamilyLines, owned_suffixes};
use crate::expo::{Exemplar, MetricFamily, MetricType, Sample, Timestamp};

/// Exemplar label names and values together may hold at most this many characters.
const EXEMPLAR_MAX_CHARS: usize = 128;

/// Checks every family; returns one error per broken rule occurrence.
pub fn check(families: &[MetricFamily], lines: &[FamilyLines]) -> Vec<ParseError> {
    let mut errors = Vec::new();
    let mut claimed: HashSet<String> = HashSet::new();
    let mut family_names: HashSet<&str> = HashSet::new();
    for (family, lines) in families.iter().zip(lines) {
        // A MetricFamily name is unique in a MetricSet (an info family `foo`
        // followed by a sample `foo`, which starts another family, breaks this).
        if !family_names.insert(family.name.as_str()) {
            errors.push(ParseError::invalid(
                lines.first,
                1,
                format!(
                    "the family name {} is used twice; every family's name must be unique",
                    family.name
                ),
            ));
        }
        for suffix in owned_suffixes(Dialect::OpenMetrics, family.metric_type) {
            let name = format!("{}{}", family.name, suffix);
            if !claimed.insert(name.clone()) {
                errors.push(ParseError::invalid(
                    lines.first,
                    1,
                    format!("the name {name} is used by two families; every family's names must be unique"),
                ));
            }
        }
        check_family(family, lines, &mut errors);
    }
    errors
}

fn err(errors: &mut Vec<ParseError>, line: u32, message: String) {
    errors.push(ParseError::invalid(line, 1, message));
}

fn check_family(family: &MetricFamily, lines: &FamilyLines, errors: &mut Vec<ParseError>) {
    let name = family.name.as_str();
    let kind = family.metric_type;
    if let Some(unit) = family.unit.as_deref().filter(|u| !u.is_empty()) {
        let line = lines.unit.unwrap_or(lines.first);
        if !name.ends_with(&format!("_{unit}")) {
            err(
                errors,
                line,
                format!(
                    "the unit {unit:?} must be the last part of the name: {name} should end in _{unit}"
                ),
            );
        }
        if matches!(kind, MetricType::Info | MetricType::StateSet) {
            err(
                errors,
                line,
                format!("{kind} families cannot have a unit ({name})"),
            );
        }
    }
    for (sample, &line) in family.samples.iter().zip(&lines.samples) {
        check_sample(family, sample, line, errors);
    }
    if kind == MetricType::StateSet {
        check_states(family, lines, errors);
    }
    let before = errors.len();
    check_grouping(family, lines, errors);
    // Histogram invariants are checked per group; with the groups split they would only repeat the problem.
    if matches!(kind, MetricType::Histogram | MetricType::GaugeHistogram) && errors.len() == before
    {
        check_histogram(family, lines, errors);
    }
}

fn check_sample(family: &MetricFamily, sample: &Sample, line: u32, errors: &mut Vec<ParseError>) {
    let name = family.name.as_str();
    let kind = family.metric_type;
    if sample.native.is_some() {
        if !matches!(kind, MetricType::Histogram | MetricType::GaugeHistogram) {
            err(
                errors,
                line,
                format!(
                    "a native histogram sample belongs to a histogram or gaugehistogram family \
                     named as the sample, but {name} is {kind}"
                ),
            );
        }
        let exemplars = sample.exemplar.iter().chain(&sample.extra_exemplars);
        exemplars.for_each(|exemplar| check_exemplar_size(exemplar, line, errors));
        return;
    }
    let suffix = sample.name.strip_prefix(name).unwrap_or("");
    let v = sample.value;
    match kind {
        // The specification's text format: an info sample is named `<family>_info`,
        // a stateset sample has no suffix.
        MetricType::Info if sample.name != format!("{name}_info") => err(
            errors,
            line,
            format!(
                "an info family's samples are named {name}_info, not {}",
                sample.name
            ),
        ),
        MetricType::StateSet if sample.name != name => err(
            errors,
            line,
            format!(
                "a stateset family's samples are named {name}, not {}",
                sample.name
            ),
        ),
        _ => {}
    }
    match kind {
        MetricType::StateSet => {
            if sample.label(name).is_none() {
                err(
                    errors,
                    line,
                    format!(
                        "a stateset sample needs a label named after its family ({name}=\"<state>\")"
                    ),
                );
            }
            if v != 0.0 && v != 1.0 {
                err(
                    errors,
                    line,
                    format!("stateset values must be 0 or 1, found {v}"),
                );
            }
        }
        MetricType::Info if v != 1.0 => {
            err(errors, line, format!("info values must be 1, found {v}"))
        }
        _ => {}
    }
    let is_bucket =
        suffix == "_bucket" && matches!(kind, MetricType::Histogram | MetricType::GaugeHistogram);
    if is_bucket {
        match sample.label("le") {
            None => err(
                errors,
                line,
                format!(
                    "{} needs an \"le\" label (the bucket's upper bound)",
                    sample.name
                ),
            ),
            Some(le) => match le.parse::<f64>() {
                Ok(bound) if bound.is_nan() => {
                    err(errors, line, "the bucket bound \"le\" cannot be NaN".into())
                }
                Ok(bound) if bound.is_infinite() && bound > 0.0 && le != "+Inf" => err(
                    errors,
                    line,
                    format!("the +Inf bucket must be written le=\"+Inf\", found le={le:?}"),
                ),
                Ok(_) => {}
                Err(_) => err(
                    errors,
                    line,
                    format!("the bucket bound le={le:?} is not a number"),
                ),
            },
        }
    }
    if (is_bucket || suffix == "_count" || suffix == "_gcount") && v.is_finite() && v.fract() != 0.0
    {
        err(
            errors,
            line,
            format!("{} must be a whole number, found {v}", sample.name),
        )
    }
    if kind == MetricType::Summary && suffix.is_empty() {
        match sample.label("quantile").map(|q| (q, q.parse::<f64>())) {
            Some((_, Ok(q))) if (0.0..=1.0).contains(&q) => {}
            Some((q, _)) => err(
                errors,
                line,
                format!("the quantile label must be a number from 0 to 1, found {q:?}"),
            ),
            None => err(
                errors,
                line,
                "a summary's quantile sample needs a \"quantile\" label".into(),
            ),
        }
        if v < 0.0 {
            err(
                errors,
                line,
                format!("quantile values cannot be negative, found {v}"),
            );
        }
    }
    let counter_like = match kind {
        MetricType::Counter => suffix == "_total",
        MetricType::Histogram => matches!(suffix, "_bucket" | "_count" | "_sum"),
        MetricType::GaugeHistogram => matches!(suffix, "_bucket" | "_gcount" | "_gsum"),
        MetricType::Summary => matches!(suffix, "_count" | "_sum"),
        _ => false,
    };
    if counter_like && v.is_nan() {
        err(
            errors,
            line,
            format!("{} counts something and cannot be NaN", sample.name),
        );
    }
    // Gauge histograms may have negative sums (negative buckets); everything else counted is non-negative.
    if counter_like && v < 0.0 && suffix != "_gsum" {
        err(
            errors,
            line,
            format!(
                "{} counts something and cannot be negative, found {v}",
                sample.name
            ),
        );
    }
    if let Some(exemplar) = &sample.exemplar {
        let allowed = (is_bucket) || (kind == MetricType::Counter && suffix == "_total");
        if !allowed {
            err(
                errors,
                line,
                format!(
                    "exemplars are only allowed on counters' _total and histogram buckets, not on {}",
                    sample.name
                ),
            );
        }
        check_exemplar_size(exemplar, line, errors);
    }
}

fn check_exemplar_size(exemplar: &Exemplar, line: u32, errors: &mut Vec<ParseError>) {
    let chars: usize = exemplar
        .labels
        .iter()
        .map(|(k, v)| k.chars().count() + v.chars().count())
        .sum();
    if chars > EXEMPLAR_MAX_CHARS {
        err(
            errors,
            line,
            format!(
                "exemplar labels hold {chars} characters; at most {EXEMPLAR_MAX_CHARS} are allowed"
            ),
        );
    }
}

/// A sample's group key: its label pairs, borrowed and sorted (no copies: a family
/// of 100 000 samples is checked between a page's frames).
type GroupKey<'a> = Vec<(&'a str, &'a str)>;

/// The labels that identify a sample's group (one "MetricPoint"): the series labels
/// without the per-point label (`le`, `quantile`, the stateset's own label).
fn group_key<'a>(family: &'a MetricFamily, sample: &'a Sample) -> GroupKey<'a> {
    let drop: Option<&str> = match family.metric_type {
        MetricType::Summary if sample.name == family.name => Some("quantile"),
        MetricType::StateSet => Some(family.name.as_str()),
        MetricType::Histogram | MetricType::GaugeHistogram if sample.name.ends_with("_bucket") => {
            Some("le")
        }
        _ => None,
    };
    let mut key: GroupKey<'a> = sample
        .labels
        .iter()
        .filter(|(n, _)| Some(n.as_str()) != drop)
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    key.sort_unstable();
    key
}

/// A stateset point has one sample per state: within a group, each value of the
/// state label (the family's name) at most once.
fn check_states(family: &MetricFamily, lines: &FamilyLines, errors: &mut Vec<ParseError>) {
    let name = family.name.as_str();
    let mut states: HashSet<(GroupKey<'_>, &str)> = HashSet::new();
    for (sample, &line) in family.samples.iter().zip(&lines.samples) {
        let Some(state) = sample.label(name) else {
            continue;
        };
        if !states.insert((group_key(family, sample), state)) {
            err(
                errors,
                line,
                format!(
                    "the state {state:?} of {name} appears twice in one set; each state has one sample"
                ),
            );
        }
    }
}

fn check_grouping(family: &MetricFamily, lines: &FamilyLines, errors: &mut Vec<ParseError>) {
    let mut seen: HashSet<GroupKey<'_>> = HashSet::with_capacity(family.samples.len());
    let mut current: Option<GroupKey<'_>> = None;
    let mut current_ts: Option<Option<f64>> = None;
    for (sample, &line) in family.samples.iter().zip(&lines.samples) {
        let key = group_key(family, sample);
        let ts = sample.timestamp.map(Timestamp::as_seconds);
        if current.as_ref() == Some(&key) {
            let previous = current_ts.flatten();
            if current_ts.is_some_and(|p| p.is_some() != ts.is_some()) {
                err(
                    errors,
                    line,
                    "within one series group, either every sample has a timestamp or none has"
                        .into(),
                );
            } else if let (Some(p), Some(t)) = (previous, ts)
                && t < p
                && family.metric_type != MetricType::Info
            {
                err(
                    errors,
                    line,
                    format!(
                        "timestamps must not go backwards within a series group ({t} after {p})"
                    ),
                );
            }
        } else if !seen.insert(key.clone()) {
            err(
                errors,
                line,
                format!(
                    "the samples of one series group of {} must be together, not split by other groups",
                    family.name
                ),
            );
        }
        current = Some(key);
        current_ts = Some(ts);
    }
}

fn check_histogram(family: &MetricFamily, lines: &FamilyLines, errors: &mut Vec<ParseError>) {
    #[derive(Default)]
    struct Point {
        last_bound: Option<f64>,
        last_count: f64,
        count: Option<f64>,
        has_sum: bool,
        has_gsum: bool,
        negative_bucket: bool,
        negative_gsum: bool,
        line: u32,
    }
    let name = &family.name;
    let finish = |p: &Point, errors: &mut Vec<ParseError>| {
        let line = p.line;
        if p.last_bound != Some(f64::INFINITY) {
            err(
                errors,
                line,
                format!("histogram {name} is missing its le=\"+Inf\" bucket"),
            );
        }
        if let Some(count) = p.count
            && count != p.last_count
            && p.last_bound == Some(f64::INFINITY)
        {
            err(
                errors,
                line,
                format!(
                    "{name}'s count {count} differs from its +Inf bucket {}",
                    p.last_count
                ),
            );
        }
        if p.has_sum && p.count.is_none() {
            err(errors, line, format!("{name} has _sum but no _count"));
        }
        if p.has_gsum && p.count.is_none() {
            err(errors, line, format!("{name} has _gsum but no _gcount"));
        }
        if !(p.has_sum || p.has_gsum) && p.count.is_some() {
            err(errors, line, format!("{name} has a count but no sum"));
        }
        if p.negative_bucket && p.has_sum {
            err(
                errors,
                line,
                format!("{name} has negative buckets, so it cannot have _sum"),
            );
        }
        if !p.negative_bucket && p.negative_gsum {
            err(
                errors,
                line,
                format!("{name} has a negative _gsum but no negative buckets"),
            );
        }
    };
    let mut point: Option<(GroupKey<'_>, Option<f64>, Point)> = None;
    for (sample, &line) in family.samples.iter().zip(&lines.samples) {
        let suffix = &sample.name[name.len().min(sample.name.len())..];
        if suffix.is_empty() || suffix == "_created" {
            continue;
        }
        let key = group_key(family, sample);
        let ts = sample.timestamp.map(Timestamp::as_seconds);
        if point.as_ref().is_none_or(|(k, t, _)| *k != key || *t != ts) {
            if let Some((_, _, p)) = &point {
                finish(p, errors);
            }
            point = Some((
                key,
                ts,
                Point {
                    line,
                    ..Point::default()
                },
            ));
        }
        let Some((_, _, p)) = point.as_mut() else {
            continue;
        };
        p.line = line;
        match suffix {
            "_bucket" => {
                let Some(bound) = sample.label("le").and_then(|le| le.parse::<f64>().ok()) else {
                    continue;
                };
                if bound < 0.0 {
                    p.negative_bucket = true;
                }
                if p.last_bound.is_some_and(|b| bound <= b) {
                    err(
                        errors,
                        line,
                        format!("{name}'s buckets must be in increasing order of le"),
                    );
                }
                if sample.value < p.last_count {
                    err(
                        errors,
                        line,
                        format!(
                            "{name}'s bucket counts must not decrease ({} after {})",
                            sample.value, p.last_count
                        ),
                    );
                }
                p.last_bound = Some(bound);
                p.last_count = sample.value;
            }
            "_count" | "_gcount" => p.count = Some(sample.value),
            "_sum" => p.has_sum = true,
            "_gsum" => {
                p.has_gsum = true;
                p.negative_gsum |= sample.value < 0.0;
            }
            _ => {}
        }
    }
    if let Some((_, _, p)) = &point {
        finish(p, errors);
    }
}
