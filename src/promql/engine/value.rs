//! What evaluation produces: scalars, strings, instant vectors and range vectors
//! (Prometheus's `promql.Value`), plus annotations and errors.

use std::fmt;

use crate::promql::Span;
use crate::tsdb::Labels;

/// One float sample in time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Milliseconds since the Unix epoch.
    pub t: i64,
    pub v: f64,
}

/// An instant-vector element.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    /// The evaluation time; for a vector selector passed to `timestamp()`, the
    /// sample's own timestamp.
    pub t: i64,
    pub v: f64,
    /// `__name__` is to be removed when the query ends (Prometheus's delayed name
    /// removal), so `label_replace` can still read it.
    pub drop_name: bool,
}

/// A range-vector element (or one series of a range query's result).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub labels: Labels,
    pub points: Vec<Point>,
    pub drop_name: bool,
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
