//! The instrumentation API's one error type. Messages follow client_python's wording
//! where it has one, so that users of either recognise them.

use std::fmt;

/// Everything the instrumentation API can refuse.
#[derive(Clone, Debug, PartialEq)]
pub enum ClientError {
    /// A metric needs a name.
    EmptyMetricName,
    /// A label name outside `[a-zA-Z_][a-zA-Z0-9_]*`.
    InvalidLabelName(String),
    /// A label name starting with `__`, or one the metric type uses itself (`le`, `quantile`, …).
    ReservedLabelName(String),
    /// The same label name twice in one metric.
    DuplicateLabelName(String),
    /// `.labels(...)` got a different number of values than the metric has label names.
    IncorrectLabelCount { expected: usize, got: usize },
    /// `.labels_by_name(...)` got names that are not exactly the metric's label names.
    IncorrectLabelNames {
        expected: Vec<String>,
        got: Vec<String>,
    },
    /// Info and StateSet metrics cannot have a unit.
    UnitNotAllowed { name: String },
    /// Counters only go up.
    NegativeIncrement(f64),
    /// Histogram bucket bounds that are not usable (unsorted, too few, NaN).
    InvalidBuckets(String),
    /// Summary objectives or window settings that are not usable.
    InvalidSummaryOptions(String),
    /// Exemplar labels longer than OpenMetrics's 128-character limit.
    ExemplarTooLong(usize),
    /// Info labels (or an Enum's own label) colliding with the metric's label names.
    OverlappingLabels { metric: String, labels: Vec<String> },
    /// An Enum (StateSet) declared without states.
    NoStates(String),
    /// `state(...)` with a state the Enum was not declared with.
    UnknownState { metric: String, state: String },
    /// Registering a collector whose series names are already registered.
    DuplicatedTimeseries(Vec<String>),
    /// Unregistering a collector the registry does not hold.
    UnknownCollector,
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::EmptyMetricName => write!(f, "Metric name should not be empty"),
            ClientError::InvalidLabelName(name) => write!(f, "Invalid label metric name: {name}"),
            ClientError::ReservedLabelName(name) => write!(f, "Reserved label metric name: {name}"),
            ClientError::DuplicateLabelName(name) => {
                write!(f, "Duplicate label metric name: {name}")
            }
            ClientError::IncorrectLabelCount { expected, got } => {
                write!(
                    f,
                    "Incorrect label count (expected {expected} label values, got {got})"
                )
            }
            ClientError::IncorrectLabelNames { expected, got } => {
                write!(
                    f,
                    "Incorrect label names (expected [{}], got [{}])",
                    expected.join(", "),
                    got.join(", ")
                )
            }
            ClientError::UnitNotAllowed { name } => {
                write!(
                    f,
                    "Metric name is of a type that cannot have a unit: {name}"
                )
            }
            ClientError::NegativeIncrement(amount) => {
                write!(
                    f,
                    "Counters can only be incremented by non-negative amounts (got {amount})"
                )
            }
            ClientError::InvalidBuckets(reason) => write!(f, "Invalid histogram buckets: {reason}"),
            ClientError::InvalidSummaryOptions(reason) => {
                write!(f, "Invalid summary options: {reason}")
            }
            ClientError::ExemplarTooLong(runes) => {
                write!(
                    f,
                    "Exemplar labels have {runes} UTF-8 characters, exceeding the limit of 128"
                )
            }
            ClientError::OverlappingLabels { metric, labels } => {
                write!(
                    f,
                    "Overlapping labels for metric {metric}: {}",
                    labels.join(", ")
                )
            }
            ClientError::NoStates(metric) => {
                write!(f, "No states provided for Enum metric: {metric}")
            }
            ClientError::UnknownState { metric, state } => {
                write!(f, "'{state}' is not a state of Enum metric {metric}")
            }
            ClientError::DuplicatedTimeseries(names) => {
                write!(
                    f,
                    "Duplicated timeseries in CollectorRegistry: {{{}}}",
                    names.join(", ")
                )
            }
            ClientError::UnknownCollector => {
                write!(f, "Collector is not registered in this registry")
            }
        }
    }
}

impl std::error::Error for ClientError {}
