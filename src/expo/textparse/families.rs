//! Groups parsed lines into metric families, the same way for both formats: metadata
//! opens a family, samples join the family whose names they carry, and anything else
//! starts an untyped family of its own. Keeps each sample's line for later checks.

use std::collections::HashMap;

use super::cursor::Dialect;
use super::error::ParseError;
use crate::expo::model::NativeHistogram;
use crate::expo::{MetricFamily, MetricType, Sample};
use crate::histogram::CounterResetHint;

/// Which metadata line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meta {
    Help,
    Type,
    Unit,
}

impl Meta {
    pub fn keyword(self) -> &'static str {
        match self {
            Meta::Help => "HELP",
            Meta::Type => "TYPE",
            Meta::Unit => "UNIT",
        }
    }
}

/// Where a family's lines are, for error positions and the line map.
#[derive(Clone, Debug, Default)]
pub struct FamilyLines {
    pub first: u32,
    pub help: Option<u32>,
    pub type_: Option<u32>,
    pub unit: Option<u32>,
    /// The line of each sample, parallel to `MetricFamily::samples`.
    pub samples: Vec<u32>,
}

/// The sample-name suffixes a family of `metric_type` owns under `dialect`.
pub fn owned_suffixes(dialect: Dialect, metric_type: MetricType) -> &'static [&'static str] {
    match (dialect, metric_type) {
        (Dialect::OpenMetrics, MetricType::Counter) => &["_total", "_created"],
        (Dialect::OpenMetrics, MetricType::Summary) => &["", "_count", "_sum", "_created"],
        (Dialect::OpenMetrics, MetricType::Histogram) => &["_count", "_sum", "_bucket", "_created"],
        (Dialect::OpenMetrics, MetricType::GaugeHistogram) => &["_gcount", "_gsum", "_bucket"],
        (Dialect::OpenMetrics, MetricType::Info) => &["_info"],
        (Dialect::Text, MetricType::Histogram) => &["_bucket", "_sum", "_count"],
        (Dialect::Text, MetricType::Summary) => &["", "_sum", "_count"],
        _ => &[""],
    }
}

/// True if a family named `family` of `metric_type` owns the sample name `sample`.
pub fn owns(dialect: Dialect, family: &str, metric_type: MetricType, sample: &str) -> bool {
    sample
        .strip_prefix(family)
        .is_some_and(|suffix| owned_suffixes(dialect, metric_type).contains(&suffix))
}

pub struct Assembler {
    dialect: Dialect,
    /// Accept metadata that repeats a family name, starting another family with that
    /// name, as Prometheus's OpenMetrics parser does (lenient mode).
    tolerate_repeats: bool,
    pub families: Vec<MetricFamily>,
    pub lines: Vec<FamilyLines>,
    current: Option<usize>,
    by_name: HashMap<String, usize>,
}

impl Assembler {
    /// An assembler for an input of `input_len` bytes. Its name map is sized up
    /// front for as many families as 10 MB could hold (one per 64 bytes, a short
    /// family's metadata and sample): growing a map of 100 000 names rehashes them
    /// all in one go, a pause of 50 ms and more in a page. (Growing the vectors
    /// is a copy, which is fast.)
    pub fn new(dialect: Dialect, tolerate_repeats: bool, input_len: usize) -> Assembler {
        let names = (input_len / 64).min(1 << 18);
        Assembler {
            dialect,
            tolerate_repeats,
            families: Vec::new(),
            lines: Vec::new(),
            current: None,
            by_name: HashMap::with_capacity(names),
        }
    }

    fn open(&mut self, name: &str, metric_type: MetricType, line: u32) -> usize {
        let index = self.families.len();
        self.families.push(MetricFamily::new(name, metric_type));
        self.lines.push(FamilyLines {
            first: line,
            ..FamilyLines::default()
        });
        self.by_name.insert(name.to_string(), index);
        self.current = Some(index);
        index
    }

    /// Records a `# HELP`, `# TYPE` or `# UNIT` line; returns the family's index.
    pub fn metadata(
        &mut self,
        meta: Meta,
        name: &str,
        line: u32,
        column: u32,
        apply: impl FnOnce(&mut MetricFamily),
    ) -> Result<usize, ParseError> {
        let index = match self.current {
            Some(i)
                if self.families[i].name == name
                    && self.tolerate_repeats
                    && !self.families[i].samples.is_empty() =>
            {
                self.open(name, MetricType::Unknown, line)
            }
            Some(i) if self.families[i].name == name => {
                if !self.families[i].samples.is_empty() {
                    return Err(ParseError::invalid(
                        line,
                        column,
                        format!(
                            "# {} for {name} comes after its samples; metadata must come first",
                            meta.keyword()
                        ),
                    ));
                }
                i
            }
            _ => {
                if let Some(&earlier) = self.by_name.get(name).filter(|_| !self.tolerate_repeats) {
                    return Err(ParseError::invalid(
                        line,
                        column,
                        format!(
                            "# {} for {name}, but {name} already appeared at line {}; a family's lines must be together",
                            meta.keyword(),
                            self.lines[earlier].first
                        ),
                    ));
                }
                self.open(name, MetricType::Unknown, line)
            }
        };
        let lines = &mut self.lines[index];
        let slot = match meta {
            Meta::Help => &mut lines.help,
            Meta::Type => &mut lines.type_,
            Meta::Unit => &mut lines.unit,
        };
        if let Some(previous) = *slot {
            return Err(ParseError::invalid(
                line,
                column,
                format!(
                    "second # {} for {name} (the first is at line {previous})",
                    meta.keyword()
                ),
            ));
        }
        *slot = Some(line);
        apply(&mut self.families[index]);
        Ok(index)
    }

    /// Adds a sample to the family that owns its name; returns (family, sample) indexes.
    /// A native histogram sample is named as its (gauge) histogram family.
    pub fn sample(&mut self, mut sample: Sample, line: u32) -> (usize, usize) {
        let native_owner = self.current.filter(|&i| {
            sample.native.is_some()
                && self.families[i].name == sample.name
                && matches!(
                    self.families[i].metric_type,
                    MetricType::Histogram | MetricType::GaugeHistogram
                )
        });
        let index = match native_owner.or_else(|| self.owner_of(&sample.name)) {
            Some(i) => i,
            None => self.open(&sample.name.clone(), MetricType::Unknown, line),
        };
        if self.families[index].metric_type == MetricType::GaugeHistogram
            && let Some(NativeHistogram::Int(h)) = sample.native.as_deref_mut()
        {
            h.counter_reset_hint = CounterResetHint::Gauge;
        }
        self.current = Some(index);
        self.families[index].samples.push(sample);
        self.lines[index].samples.push(line);
        (index, self.families[index].samples.len() - 1)
    }

    /// The existing family a sample named `sample_name` joins, if any.
    pub fn owner_of(&self, sample_name: &str) -> Option<usize> {
        match self.current {
            Some(i)
                if owns(
                    self.dialect,
                    &self.families[i].name,
                    self.families[i].metric_type,
                    sample_name,
                ) =>
            {
                Some(i)
            }
            // Text 0.0.4 lets a family's samples be split, as Prometheus's own text parser does;
            // OpenMetrics does not: the new family then clashes and strict checks report it.
            _ if self.dialect == Dialect::Text => self.earlier_owner(sample_name),
            _ => None,
        }
    }

    fn earlier_owner(&self, sample_name: &str) -> Option<usize> {
        // A family owning `name_suffix` is named `name` or `name` minus a known suffix.
        let candidates = std::iter::once(sample_name).chain(
            ["_bucket", "_sum", "_count"]
                .iter()
                .filter_map(|s| sample_name.strip_suffix(s)),
        );
        candidates
            .filter_map(|n| self.by_name.get(n).copied())
            .find(|&i| {
                owns(
                    self.dialect,
                    &self.families[i].name,
                    self.families[i].metric_type,
                    sample_name,
                )
            })
    }
}
