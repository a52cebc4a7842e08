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
    /// xxHash64 of `labels`, in order: computed while merging (a slice at a time),
    /// so finding duplicate series is cheap.
    pub hash: u64,
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

/// xxHash64 of label pairs in order, each name and value ended by `0xff` (a byte
/// no UTF-8 text holds).
fn labels_hash(labels: &[(&str, &str)]) -> u64 {
    let mut hasher = xxhash_rust::xxh64::Xxh64::new(0);
    for (name, value) in labels {
        hasher.update(name.as_bytes());
        hasher.update(&[0xff]);
        hasher.update(value.as_bytes());
        hasher.update(&[0xff]);
    }
    hasher.digest()
}

/// Sample-name suffixes the text parser reads as a histogram's or summary's
/// sum and count rather than as a bucket or quantile.
fn is_sum_or_count(sample_name: &str) -> bool {
    sample_name.ends_with("_sum") || sample_name.ends_with("_count")
}

/// Rebuilds the parser's families, in order of first appearance.
pub(crate) fn families(input: &[MetricFamily]) -> Vec<Family<'_>> {
    let mut merger = Merger::new(input);
    while !merger.step(usize::MAX) {}
    merger.finish()
}

/// [`families`] a slice at a time: `step` takes a number of samples, so even one
/// family of a million series can be merged between a page's frames.
pub(crate) struct Merger<'a> {
    input: &'a [MetricFamily],
    out: Vec<Family<'a>>,
    index_of_name: HashMap<&'a str, usize>,
    /// Per family: a series' sorted label set (its signature) → index in `series`.
    series_by_signature: Vec<HashMap<Vec<(&'a str, &'a str)>, usize>>,
    /// The next input family and sample to merge.
    next_family: usize,
    next_sample: usize,
}

impl<'a> Merger<'a> {
    pub(crate) fn new(input: &'a [MetricFamily]) -> Merger<'a> {
        // Sized for every family up front: growing a map of 100 000 names rehashes
        // them all at once, a long pause in a page.
        Merger {
            input,
            out: Vec::with_capacity(input.len()),
            index_of_name: HashMap::with_capacity(input.len()),
            series_by_signature: Vec::with_capacity(input.len()),
            next_family: 0,
            next_sample: 0,
        }
    }

    /// Merges about `budget` more samples; true when every family is merged.
    pub(crate) fn step(&mut self, budget: usize) -> bool {
        let mut left = budget;
        while let Some(family) = self.input.get(self.next_family) {
            if family.samples.is_empty() {
                self.next_family += 1;
                continue;
            }
            if left == 0 {
                return false;
            }
            let at = self.family_index(family);
            let end = family
                .samples
                .len()
                .min(self.next_sample.saturating_add(left));
            for sample in &family.samples[self.next_sample..end] {
                self.add_sample(at, sample);
            }
            left -= end - self.next_sample;
            if end == family.samples.len() {
                self.next_family += 1;
                self.next_sample = 0;
            } else {
                self.next_sample = end;
            }
        }
        true
    }

    pub(crate) fn finish(self) -> Vec<Family<'a>> {
        self.out
    }

    /// The merged family `family` belongs to (made on its name's first appearance).
    fn family_index(&mut self, family: &'a MetricFamily) -> usize {
        let has_help = family.help.as_deref().is_some_and(|h| !h.is_empty());
        let at = *self
            .index_of_name
            .entry(family.name.as_str())
            .or_insert_with(|| {
                self.out.push(Family {
                    name: &family.name,
                    kind: ProtoType::of(family.metric_type),
                    has_help: false,
                    series: Vec::new(),
                });
                self.series_by_signature.push(HashMap::new());
                self.out.len() - 1
            });
        self.out[at].has_help |= has_help;
        at
    }

    fn add_sample(&mut self, at: usize, sample: &'a crate::expo::Sample) {
        let merged = &mut self.out[at];
        let folded = merged.kind.folded_label();
        let labels: Vec<(&str, &str)> = sample
            .labels
            .iter()
            .filter(|(name, _)| Some(name.as_str()) != folded)
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let Some(folded) = folded else {
            merged.series.push(Series {
                hash: labels_hash(&labels),
                labels,
                buckets_or_quantiles: 0,
            });
            return;
        };
        let mut signature = labels.clone();
        crate::sort::sort(&mut signature[..]);
        let series_at = *self.series_by_signature[at]
            .entry(signature)
            .or_insert_with(|| {
                merged.series.push(Series {
                    hash: labels_hash(&labels),
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
