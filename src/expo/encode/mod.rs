//! Encoders from canonical metric families (see `expo::model`) to the two text
//! exposition formats, byte-for-byte as the official Python client writes them:
//! `text` (Prometheus text 0.0.4) and `openmetrics` (OpenMetrics 1.0.0).

pub mod format;
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
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::MisplacedExemplar { family, sample } => write!(
                f,
                "Metric {family} has exemplars, but is not a histogram bucket or counter \
                 (exemplar on sample {sample})"
            ),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Writes `labels` sorted by name as `a="x",b="y"` (no braces).
pub(crate) fn join_labels(labels: &[(String, String)], escaping: NameEscaping) -> String {
    let mut sorted: Vec<&(String, String)> = labels.iter().collect();
    sorted.sort();
    sorted
        .iter()
        .map(|(name, value)| {
            format!(
                "{}=\"{}\"",
                format::escape_label_name(name, escaping),
                format::escape_quoted(value)
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The name-and-labels part of a sample line: `name{labels}`, or `{"name",labels}` when
/// the (escaped) name must be quoted.
pub(crate) fn series_prefix(
    name: &str,
    labels: &[(String, String)],
    escaping: NameEscaping,
) -> String {
    let written_name = format::escape_metric_name(name, escaping);
    let label_text = join_labels(labels, escaping);
    if written_name.starts_with('"') {
        let comma = if label_text.is_empty() { "" } else { "," };
        format!("{{{written_name}{comma}{label_text}}}")
    } else if label_text.is_empty() {
        written_name
    } else {
        format!("{written_name}{{{label_text}}}")
    }
}
