//! Building families by hand, for custom collectors (client_python's `Metric.add_sample`,
//! `CounterMetricFamily`, `GaugeHistogramMetricFamily`, …): the caller writes samples,
//! names and timestamps exactly as they should appear.

use crate::expo::model::{Exemplar, MetricFamily, MetricType, Sample, Timestamp};

/// A family under construction.
#[derive(Clone, Debug)]
pub struct FamilyBuilder {
    family: MetricFamily,
}

fn owned_labels(labels: &[(&str, &str)]) -> Vec<(String, String)> {
    labels
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

impl FamilyBuilder {
    /// `name` is the canonical family name (a counter's without `_total`).
    pub fn new(
        name: impl Into<String>,
        help: impl Into<String>,
        metric_type: MetricType,
    ) -> FamilyBuilder {
        let mut family = MetricFamily::new(name, metric_type);
        family.help = Some(help.into());
        FamilyBuilder { family }
    }

    /// A counter family; a trailing `_total` on `name` is dropped, as client_python does.
    pub fn counter(name: &str, help: impl Into<String>) -> FamilyBuilder {
        FamilyBuilder::new(
            name.strip_suffix("_total").unwrap_or(name),
            help,
            MetricType::Counter,
        )
    }

    pub fn unit(mut self, unit: impl Into<String>) -> FamilyBuilder {
        self.family.unit = Some(unit.into());
        self
    }

    /// Adds a sample with its full name (family name plus any suffix).
    pub fn sample(
        self,
        name: impl Into<String>,
        labels: &[(&str, &str)],
        value: f64,
    ) -> FamilyBuilder {
        self.push(Sample::new(name, owned_labels(labels), value))
    }

    /// Adds a sample with an explicit timestamp.
    pub fn sample_at(
        self,
        name: impl Into<String>,
        labels: &[(&str, &str)],
        value: f64,
        timestamp: Timestamp,
    ) -> FamilyBuilder {
        let mut sample = Sample::new(name, owned_labels(labels), value);
        sample.timestamp = Some(timestamp);
        self.push(sample)
    }

    /// Adds a sample carrying an exemplar.
    pub fn sample_with_exemplar(
        self,
        name: impl Into<String>,
        labels: &[(&str, &str)],
        value: f64,
        exemplar: Exemplar,
    ) -> FamilyBuilder {
        let mut sample = Sample::new(name, owned_labels(labels), value);
        sample.exemplar = Some(exemplar);
        self.push(sample)
    }

    /// Adds a ready-made sample.
    pub fn push(mut self, sample: Sample) -> FamilyBuilder {
        self.family.samples.push(sample);
        self
    }

    pub fn build(self) -> MetricFamily {
        self.family
    }
}

/// client_python's `GaugeHistogramMetricFamily(name, help, buckets, gsum_value)`:
/// `_bucket` samples for the `(le, cumulative count)` pairs, then `_gcount` (the last
/// bucket's count) and `_gsum`.
pub fn gauge_histogram_family(
    name: &str,
    help: &str,
    buckets: &[(&str, f64)],
    gsum: f64,
) -> MetricFamily {
    let mut builder = FamilyBuilder::new(name, help, MetricType::GaugeHistogram);
    for (le, count) in buckets {
        builder = builder.sample(format!("{name}_bucket"), &[("le", le)], *count);
    }
    let gcount = buckets.last().map_or(0.0, |(_, count)| *count);
    builder
        .sample(format!("{name}_gcount"), &[], gcount)
        .sample(format!("{name}_gsum"), &[], gsum)
        .build()
}

/// client_python's `HistogramMetricFamily(name, help, buckets, sum_value)`: `_bucket`
/// samples, `_count` (the last bucket's count) and `_sum`.
pub fn histogram_family(name: &str, help: &str, buckets: &[(&str, f64)], sum: f64) -> MetricFamily {
    let mut builder = FamilyBuilder::new(name, help, MetricType::Histogram);
    for (le, count) in buckets {
        builder = builder.sample(format!("{name}_bucket"), &[("le", le)], *count);
    }
    let count = buckets.last().map_or(0.0, |(_, count)| *count);
    builder
        .sample(format!("{name}_count"), &[], count)
        .sample(format!("{name}_sum"), &[], sum)
        .build()
}
