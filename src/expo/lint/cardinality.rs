//! The per-family cardinality table of `promtool check metrics --extended`: how
//! many series each family exposes and its share of the total, largest first.
//!
//! promtool counts a histogram as `series × (2 + buckets of its first series)`
//! and a summary as `series × (2 + quantiles of its first series)`: the `_sum`
//! and `_count` plus the first series' buckets (quantiles), assumed the same for
//! every series. That is kept, even where series differ, so numbers match.
//!
//! Beyond promtool, each row also carries how many distinct values each label
//! takes (promtool 2.42 and upstream print only the three columns; the playground
//! shows the label breakdown, [`render_table`] prints exactly promtool's table).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::view::{self, ProtoType};
use crate::expo::MetricFamily;

/// One family's row.
#[derive(Clone, Debug, PartialEq)]
pub struct FamilyCardinality {
    /// The family name as text 0.0.4 writes it in `# TYPE`.
    pub name: String,
    /// Series as promtool counts them (see the module documentation).
    pub series: usize,
    /// Share of all families' series, from 0 to 1.
    pub fraction: f64,
    /// Each label name with its number of distinct values, by label name.
    /// Histograms leave out `le`, summaries `quantile`, as promtool's parser does.
    pub labels: Vec<LabelCardinality>,
}

/// How many distinct values one label takes in a family.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelCardinality {
    pub name: String,
    pub distinct_values: usize,
}

impl FamilyCardinality {
    /// The percentage column as promtool prints it, e.g. `18.75%`.
    pub fn percentage(&self) -> String {
        // Go's %.2f and Rust's {:.2} both round the exact binary value half to even.
        format!("{:.2}%", self.fraction * 100.0)
    }
}

/// The rows, largest family first. Families of equal size are ordered by name:
/// promtool leaves them in Go map order, which changes from run to run.
pub fn cardinality(families: &[MetricFamily]) -> Vec<FamilyCardinality> {
    let mut rows: Vec<FamilyCardinality> = view::families(families)
        .iter()
        .map(|family| {
            let first_series_extra = family.series.first().map_or(0, |s| s.buckets_or_quantiles);
            let series = match family.kind {
                ProtoType::Histogram | ProtoType::Summary => {
                    family.series.len() * (2 + first_series_extra)
                }
                _ => family.series.len(),
            };
            let mut values: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for (name, value) in family.series.iter().flat_map(|s| s.labels.iter()) {
                values.entry(name).or_default().insert(value);
            }
            let labels = values
                .into_iter()
                .map(|(name, values)| LabelCardinality {
                    name: name.to_string(),
                    distinct_values: values.len(),
                })
                .collect();
            FamilyCardinality {
                name: family.name.to_string(),
                series,
                fraction: 0.0,
                labels,
            }
        })
        .collect();
    let total: usize = rows.iter().map(|r| r.series).sum();
    for row in &mut rows {
        row.fraction = row.series as f64 / total as f64;
    }
    crate::sort::sort_by(&mut rows[..], |a, b| {
        b.series.cmp(&a.series).then_with(|| a.name.cmp(&b.name))
    });
    rows
}

/// The table exactly as promtool prints it on stdout, trailing spaces included:
/// Go's `tabwriter` with minimum width 4 and padding 4, every cell tab-terminated.
pub fn render_table(rows: &[FamilyCardinality]) -> String {
    let total: usize = rows.iter().map(|r| r.series).sum();
    let mut lines: Vec<[String; 3]> =
        vec![["Metric".into(), "Cardinality".into(), "Percentage".into()]];
    lines.extend(
        rows.iter()
            .map(|r| [r.name.clone(), r.series.to_string(), r.percentage()]),
    );
    lines.push(["Total".into(), total.to_string(), "100%".into()]);

    const MIN_WIDTH: usize = 4;
    const PADDING: usize = 4;
    let widths: Vec<usize> = (0..3)
        .map(|column| {
            let widest = lines
                .iter()
                .map(|line| line[column].chars().count())
                .max()
                .unwrap_or(0);
            (widest + PADDING).max(MIN_WIDTH)
        })
        .collect();
    let mut out = String::new();
    for line in &lines {
        for (cell, width) in line.iter().zip(&widths) {
            let _ = write!(out, "{cell:<width$}");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expo::{MetricType, Sample};

    fn gauge(name: &str, series: usize) -> MetricFamily {
        let mut family = MetricFamily::new(name, MetricType::Gauge);
        for i in 0..series {
            family
                .samples
                .push(Sample::new(name, vec![("i".into(), i.to_string())], 1.0));
        }
        family
    }

    #[test]
    fn ties_go_by_name_and_percentages_round_half_even() {
        let rows = cardinality(&[gauge("b", 1), gauge("a", 1), gauge("c", 30)]);
        let names: Vec<_> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["c", "a", "b"]);
        assert_eq!(rows[1].percentage(), "3.12%");
        assert_eq!(
            rows[0].labels,
            vec![LabelCardinality {
                name: "i".into(),
                distinct_values: 30
            }]
        );
    }

    #[test]
    fn empty_input_still_has_header_and_total() {
        let table = render_table(&cardinality(&[]));
        assert_eq!(
            table,
            "Metric    Cardinality    Percentage    \nTotal     0              100%          \n"
        );
    }
}
