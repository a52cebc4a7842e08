//! Encoders from canonical metric families (see `expo::model`) to the two text
//! exposition formats, byte-for-byte as the official Python client writes them:
//! `text` (Prometheus text 0.0.4) and `openmetrics` (OpenMetrics 1.0.0, and the 2.0
//! draft's native histograms written by `native`).

pub mod format;
pub mod native;
pub mod openmetrics;
pub mod text;

use std::fmt;

pub use format::NameEscaping;

/// Options shared by both encoders.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EncodeOptions {
    /// How metric and label names outside the legacy character set are written.
    pub escaping: NameEscaping,
}

impl EncodeOptions {
    pub fn with_escaping(escaping: NameEscaping) -> EncodeOptions {
        EncodeOptions { escaping }
    }
}

/// Why a family set cannot be written in a format.
#[derive(Clone, Debug, PartialEq)]
pub enum EncodeError {
    /// OpenMetrics allows exemplars only on counter `_total` and histogram `_bucket` samples.
    MisplacedExemplar { family: String, sample: String },
    /// A float native histogram whose counts are not whole numbers: the OpenMetrics
    /// 2.0 draft's text syntax has integer counts only.
    FractionalNativeCounts { family: String },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::MisplacedExemplar { family, sample } => write!(
                f,
                "Metric {family} has exemplars, but is not a histogram bucket or counter \
                 (exemplar on sample {sample})"
            ),
            EncodeError::FractionalNativeCounts { family } => write!(
                f,
                "Metric {family} has a native histogram with fractional counts, which the \
                 OpenMetrics 2.0 text syntax cannot write"
            ),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Appends `labels` sorted by name as `a="x",b="y"` (no braces) to `out`. This is
/// the encoders' hot path (every sample of every scrape), so it writes in place.
pub(crate) fn write_labels(out: &mut String, labels: &[(String, String)], escaping: NameEscaping) {
    let write_one = |out: &mut String, (name, value): &(String, String)| {
        format::write_label_name(out, name, escaping);
        out.push_str("=\"");
        format::push_escaped_quoted(out, value);
        out.push('"');
    };
    let already_sorted = labels.windows(2).all(|w| w[0] <= w[1]);
    let mut first = true;
    let mut each = |out: &mut String, pair: &(String, String)| {
        if !first {
            out.push(',');
        }
        first = false;
        write_one(out, pair);
    };
    if already_sorted {
        labels.iter().for_each(|pair| each(out, pair));
    } else {
        // Mostly a handful of labels (a bucket's `le` after its child's): sorted
        // on the stack, without an allocation for every sample line.
        let mut on_stack = [&labels[0]; 8];
        let mut on_heap: Vec<&(String, String)>;
        let sorted: &mut [&(String, String)] = if labels.len() <= on_stack.len() {
            for (slot, pair) in on_stack.iter_mut().zip(labels) {
                *slot = pair;
            }
            let sorted = &mut on_stack[..labels.len()];
            for i in 1..sorted.len() {
                let mut j = i;
                while j > 0 && sorted[j - 1] > sorted[j] {
                    sorted.swap(j - 1, j);
                    j -= 1;
                }
            }
            sorted
        } else {
            on_heap = labels.iter().collect();
            on_heap.sort();
            &mut on_heap
        };
        sorted.iter().for_each(|pair| each(out, pair));
    }
}

/// Appends the name-and-labels part of a sample line: `name{labels}`, or
/// `{"name",labels}` when the (escaped) name must be quoted.
pub(crate) fn write_series(
    out: &mut String,
    name: &str,
    labels: &[(String, String)],
    escaping: NameEscaping,
) {
    let start = out.len();
    format::write_metric_name(out, name, escaping);
    let quoted = out[start..].starts_with('"');
    if quoted {
        out.insert(start, '{');
        if !labels.is_empty() {
            out.push(',');
        }
        write_labels(out, labels, escaping);
        out.push('}');
    } else if !labels.is_empty() {
        out.push('{');
        write_labels(out, labels, escaping);
        out.push('}');
    }
}

/// Room for the text of `families` (about 100 bytes a sample), so the output
/// grows once rather than by doubling through every size below it.
pub(crate) fn text_capacity(families: &[crate::expo::model::MetricFamily]) -> usize {
    families.iter().map(|f| 128 + 100 * f.samples.len()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labels are written sorted by name whatever their order and count (the
    /// stack path up to 8, the heap path beyond).
    #[test]
    fn labels_are_written_sorted_in_every_order() {
        let mut seed = 7u64;
        for n in 0..14 {
            let pairs: Vec<(String, String)> = (0..n)
                .map(|i| (format!("l{:02}", (i * 7) % 16), format!("v\"{i}")))
                .collect();
            let mut expected_pairs = pairs.clone();
            expected_pairs.sort();
            let mut expected = String::new();
            write_labels(&mut expected, &expected_pairs, NameEscaping::default());
            for _ in 0..20 {
                let mut shuffled = pairs.clone();
                for i in (1..shuffled.len()).rev() {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    shuffled.swap(i, (seed >> 33) as usize % (i + 1));
                }
                let mut out = String::new();
                write_labels(&mut out, &shuffled, NameEscaping::default());
                assert_eq!(out, expected, "{shuffled:?}");
            }
            let names: Vec<&str> = expected
                .split(',')
                .filter_map(|p| p.split('=').next())
                .collect();
            assert!(names.windows(2).all(|w| w[0] <= w[1]), "{expected}");
        }
    }
}
