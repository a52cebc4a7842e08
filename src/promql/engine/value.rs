//! What evaluation produces: scalars, strings, instant vectors and range vectors
//! (Prometheus's `promql.Value`), plus annotations and errors.

use std::fmt;

use std::sync::Arc;

use crate::histogram::FloatHistogram;
use crate::promql::Span;
use crate::tsdb::Labels;

/// One float sample in time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Milliseconds since the Unix epoch.
    pub t: i64,
    pub v: f64,
}

/// One native-histogram sample in time. Shared: an instant selector repeats a
/// sample at every step its lookback reaches, and copies only what it changes.
#[derive(Clone, Debug, PartialEq)]
pub struct HPoint {
    pub t: i64,
    pub h: Arc<FloatHistogram>,
}

/// An instant-vector element: a float (`v`) or, when `h` is set, a native
/// histogram (`v` is then unused), as Prometheus's `promql.Sample`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    /// The evaluation time; for a vector selector passed to `timestamp()`, the
    /// sample's own timestamp.
    pub t: i64,
    pub v: f64,
    pub h: Option<Arc<FloatHistogram>>,
    /// `__name__` is to be removed when the query ends (Prometheus's delayed name
    /// removal), so `label_replace` can still read it.
    pub drop_name: bool,
}

/// A range-vector element (or one series of a range query's result): its float
/// points and its histogram points, each in time order (a series may switch
/// between the two), as Prometheus's `promql.Series`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub labels: Labels,
    pub points: Vec<Point>,
    pub histograms: Vec<HPoint>,
    pub drop_name: bool,
}

impl Series {
    /// A series with no points yet. (Not `..Series::default()`: that builds an
    /// empty `Labels` first, a shared reference count's increment and decrement
    /// for every series of every query.)
    pub fn new(labels: Labels, drop_name: bool) -> Series {
        Series {
            labels,
            points: Vec::new(),
            histograms: Vec::new(),
            drop_name,
        }
    }
}

/// A query result, as Prometheus's HTTP API types it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Scalar(Point),
    String { t: i64, s: String },
    Vector(Vec<Sample>),
    Matrix(Vec<Series>),
}

impl Value {
    /// `resultType` in the HTTP API.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Scalar(_) => "scalar",
            Value::String { .. } => "string",
            Value::Vector(_) => "vector",
            Value::Matrix(_) => "matrix",
        }
    }
}

/// Warnings and infos, each once, in the order first raised. Messages are
/// Prometheus's, with the position: `PromQL info: ... (1:6)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Annotations {
    pub warnings: Vec<String>,
    pub infos: Vec<String>,
}

impl Annotations {
    pub fn is_empty(&self) -> bool {
        self.warnings.is_empty() && self.infos.is_empty()
    }

    /// Every message, warnings first.
    pub fn messages(&self) -> Vec<String> {
        self.warnings.iter().chain(&self.infos).cloned().collect()
    }

    pub(crate) fn push_warning(&mut self, message: String) {
        if !self.warnings.contains(&message) {
            self.warnings.push(message);
        }
    }

    pub(crate) fn push_info(&mut self, message: String) {
        if !self.infos.contains(&message) {
            self.infos.push(message);
        }
    }
}

/// Why a query failed; the kinds are the HTTP API's `errorType`s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Evaluation failed (duplicate series, too many samples, bad parameter...).
    Execution,
    /// The query ran past its timeout.
    Timeout,
    /// The query text did not parse.
    BadData,
}

impl ErrorKind {
    pub fn api_name(self) -> &'static str {
        match self {
            ErrorKind::Execution => "execution",
            ErrorKind::Timeout => "timeout",
            ErrorKind::BadData => "bad_data",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub kind: ErrorKind,
    pub message: String,
    /// The part of the query it concerns, when known.
    pub span: Option<Span>,
}

impl EvalError {
    pub fn execution(message: impl Into<String>) -> EvalError {
        EvalError {
            kind: ErrorKind::Execution,
            message: message.into(),
            span: None,
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}
