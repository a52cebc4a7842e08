//! Statistics, as Prometheus's TSDB status page shows them (`/api/v1/status/tsdb`):
//! head totals and the top-N tables computed from the postings index.

use super::head::Head;
use super::labels::METRIC_NAME;

/// A snapshot of the store's size and shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    pub series: usize,
    pub samples: u64,
    pub chunks: usize,
    /// Encoded chunk data only.
    pub chunk_bytes: usize,
    /// All estimated memory (`Head::bytes`).
    pub bytes: usize,
    /// `chunk_bytes / samples`: the compression figure Prometheus quotes (0 if empty).
    pub bytes_per_sample: f64,
    pub min_time: Option<i64>,
    pub max_time: Option<i64>,
    /// Distinct (name, value) pairs.
    pub label_pairs: usize,
    /// Series per metric name ("Top 10 series count by metric names").
    pub top_metrics_by_series: Vec<(String, usize)>,
    /// Distinct values per label name ("Top 10 label names with value count").
    pub top_label_names_by_value_count: Vec<(String, usize)>,
    /// Bytes of values times series per label name ("… with high memory usage").
    pub top_label_names_by_memory: Vec<(String, usize)>,
    /// Series per `name=value` pair ("Top 10 series count by label value pairs").
    pub top_label_pairs_by_series: Vec<(String, usize)>,
}

/// The `n` largest by count, ties by name, largest first.
fn top(mut v: Vec<(String, usize)>, n: usize) -> Vec<(String, usize)> {
    crate::sort::sort_by(&mut v[..], |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

impl Head {
    /// Totals and the top `top_n` of each table.
    pub fn stats(&self, top_n: usize) -> Stats {
        let mut metrics = Vec::new();
        let mut names = Vec::new();
        let mut memory = Vec::new();
        let mut pairs = Vec::new();
        let mut label_pairs = 0;
        for (name, values) in self.postings.iter() {
            label_pairs += values.len();
            names.push((name.to_string(), values.len()));
            let mut size = 0;
            for (value, list) in values {
                if name == METRIC_NAME {
                    metrics.push((value.to_string(), list.len()));
                }
                pairs.push((format!("{name}={value}"), list.len()));
                size += value.len() * list.len();
            }
            memory.push((name.to_string(), size));
        }
        let range = self.time_range();
        Stats {
            series: self.num_series(),
            samples: self.num_samples,
            chunks: self.num_chunks,
            chunk_bytes: self.chunk_bytes,
            bytes: self.bytes(),
            bytes_per_sample: if self.num_samples == 0 {
                0.0
            } else {
                self.chunk_bytes as f64 / self.num_samples as f64
            },
            min_time: range.map(|r| r.0),
            max_time: range.map(|r| r.1),
            label_pairs,
            top_metrics_by_series: top(metrics, top_n),
            top_label_names_by_value_count: top(names, top_n),
            top_label_names_by_memory: top(memory, top_n),
            top_label_pairs_by_series: top(pairs, top_n),
        }
    }
}
