//! Families as promtool sees them. promtool does not lint exposition lines: it
//! first decodes the text with client_golang's `expfmt.TextParser` into protobuf
//! `MetricFamily` messages, and both the linter and the cardinality table work on
//! those. This module rebuilds that shape from our model so the rules can be
//! written the way promlint's are:
//!
//! - families with the same name are one family (the text parser merges a name
//!   that reappears later in the input);
//! - families without samples do not exist (the parser drops them);
//! - a counter, gauge or untyped sample is a series of its own, even when its
//!   labels repeat an earlier one's (that is what "metric not unique" catches);
//! - a histogram's (summary's) samples with the same labels, `le` (`quantile`)
//!   aside, are one series, whose labels are those of its first sample, without
//!   `le` (`quantile`): the parser moves those into buckets (quantiles).

use std::collections::HashMap;

use crate::expo::{MetricFamily, MetricType};

/// The protobuf `MetricType`s promlint distinguishes. OpenMetrics-only types map
/// to what text 0.0.4 writes for them: info and stateset are gauges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProtoType {
    Counter,
    Gauge,
    Summary,
    Untyped,
    Histogram,
    GaugeHistogram,
}

impl ProtoType {
    /// Every protobuf type with its name lowercased, as promlint's type-in-name
    /// rule spells them (client_model's `MetricType_name`).
    pub(crate) const NAMED: [(ProtoType, &'static str); 6] = [
        (ProtoType::Counter, "counter"),
        (ProtoType::Gauge, "gauge"),
        (ProtoType::Summary, "summary"),
        (ProtoType::Untyped, "untyped"),
        (ProtoType::Histogram, "histogram"),
        (ProtoType::GaugeHistogram, "gauge_histogram"),
    ];

    fn of(metric_type: MetricType) -> ProtoType {
        match metric_type {
            MetricType::Counter => ProtoType::Counter,
            MetricType::Gauge | MetricType::Info | MetricType::StateSet => ProtoType::Gauge,
            MetricType::Histogram => ProtoType::Histogram,
            MetricType::GaugeHistogram => ProtoType::GaugeHistogram,
            MetricType::Summary => ProtoType::Summary,
            MetricType::Unknown => ProtoType::Untyped,
        }
    }

    /// The label the text parser folds into the series' buckets or quantiles.
    fn folded_label(self) -> Option<&'static str> {
        match self {
            ProtoType::Histogram | ProtoType::GaugeHistogram => Some("le"),
            ProtoType::Summary => Some("quantile"),
            _ => None,
        }
    }
}

/// One series (protobuf `Metric`).
#[derive(Debug)]
pub(crate) struct Series<'a> {
    /// Label pairs in the order of the series' first sample, folded label removed.
    pub labels: Vec<(&'a str, &'a str)>,
    /// `_bucket` samples of a histogram series, quantile samples of a summary series.
    pub buckets_or_quantiles: usize,
}

/// One family as the text parser would have produced it.
#[derive(Debug)]
pub(crate) struct Family<'a> {
    pub name: &'a str,
    pub kind: ProtoType,
    /// A `# HELP` line with text. The parser leaves help unset for `# HELP name`
    /// with nothing after the name, so an empty help counts as none.
    pub has_help: bool,
    pub series: Vec<Series<'a>>,
}

/// Sample-name suffixes the text parser reads as a histogram's or summary's
/// sum and count rather than as a bucket or quantile.
fn is_sum_or_count(sample_name: &str) -> bool {
    sample_name.ends_with("_sum") || sample_name.ends_with("_count")
}

/// Rebuilds the parser's families, in order of first appearance.
pub(crate) fn families(input: &[MetricFamily]) -> Vec<Family<'_>> {
    let mut out: Vec<Family<'_>> = Vec::new();
    let mut index_of_name: HashMap<&str, usize> = HashMap::new();
    // Per family: a series' sorted label set (its signature) → index in `series`.
    let mut series_by_signature: Vec<HashMap<Vec<(&str, &str)>, usize>> = Vec::new();

    for family in input.iter().filter(|f| !f.samples.is_empty()) {
        let has_help = family.help.as_deref().is_some_and(|h| !h.is_empty());
        let at = *index_of_name
            .entry(family.name.as_str())
            .or_insert_with(|| {
                out.push(Family {
                    name: &family.name,
                    kind: ProtoType::of(family.metric_type),
                    has_help: false,
                    series: Vec::new(),
                });
                series_by_signature.push(HashMap::new());
                out.len() - 1
            });
        let merged = &mut out[at];
        merged.has_help |= has_help;

        let folded = merged.kind.folded_label();
        for sample in &family.samples {
            let labels: Vec<(&str, &str)> = sample
                .labels
                .iter()
                .filter(|(name, _)| Some(name.as_str()) != folded)
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect();
            let Some(folded) = folded else {
                merged.series.push(Series {
                    labels,
                    buckets_or_quantiles: 0,
                });
                continue;
            };
            let mut signature = labels.clone();
            signature.sort_unstable();
            let series_at = *series_by_signature[at].entry(signature).or_insert_with(|| {
                merged.series.push(Series {
                    labels,
                    buckets_or_quantiles: 0,
                });
                merged.series.len() - 1
            });
            if sample.label(folded).is_some() && !is_sum_or_count(&sample.name) {
                merged.series[series_at].buckets_or_quantiles += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expo::Sample;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn histogram_samples_fold_into_series_without_le() {
        let mut h = MetricFamily::new("h_seconds", MetricType::Histogram);
        for (name, pairs) in [
            ("h_seconds_bucket", &[("path", "/a"), ("le", "1")][..]),
            ("h_seconds_bucket", &[("le", "+Inf"), ("path", "/a")][..]),
            ("h_seconds_sum", &[("path", "/a")][..]),
            ("h_seconds_count", &[("path", "/a")][..]),
            ("h_seconds_count", &[("path", "/b")][..]),
        ] {
            h.samples.push(Sample::new(name, labels(pairs), 1.0));
        }
        let fams = families(std::slice::from_ref(&h));
        assert_eq!(fams.len(), 1);
        let series = &fams[0].series;
        assert_eq!(series.len(), 2);
        assert_eq!(series[0].labels, vec![("path", "/a")]);
        assert_eq!(series[0].buckets_or_quantiles, 2);
        assert_eq!(series[1].buckets_or_quantiles, 0);
    }

    #[test]
    fn same_name_merges_and_empty_families_vanish() {
        let mut a = MetricFamily::new("a", MetricType::Gauge);
        a.samples.push(Sample::new("a", vec![], 1.0));
        let mut again = a.clone();
        again.help = Some("later".into());
        let empty = MetricFamily::new("empty", MetricType::Gauge);
        let input = [a, empty, again];
        let fams = families(&input);
        assert_eq!(fams.len(), 1);
        assert_eq!(fams[0].series.len(), 2);
        assert!(fams[0].has_help);
    }
}
