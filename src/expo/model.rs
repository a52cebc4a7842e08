//! The metric model shared by the instrumentation API, the encoders, the parsers and
//! the linter: families of samples, as both exposition formats describe them.
//!
//! Naming: `MetricFamily::name` is the name the family's metadata uses. Families built
//! by the instrumentation API and read from OpenMetrics are *canonical*: a counter is
//! `http_requests` with samples `http_requests_total` (and `_created`), an info family
//! `build` with samples `build_info`. Families read from text 0.0.4 keep that format's
//! names (`# TYPE http_requests_total counter`). The encoders take canonical families;
//! `convert` maps between the two.

use std::fmt;

/// A family's declared type (`# TYPE`). Text 0.0.4's `untyped` is OpenMetrics's `unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricType {
    Counter,
    Gauge,
    Histogram,
    GaugeHistogram,
    Summary,
    Info,
    StateSet,
    Unknown,
}

impl MetricType {
    pub const ALL: [MetricType; 8] = [
        MetricType::Counter,
        MetricType::Gauge,
        MetricType::Histogram,
        MetricType::GaugeHistogram,
        MetricType::Summary,
        MetricType::Info,
        MetricType::StateSet,
        MetricType::Unknown,
    ];

    /// The word OpenMetrics uses in `# TYPE`.
    pub fn openmetrics_name(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::GaugeHistogram => "gaugehistogram",
            MetricType::Summary => "summary",
            MetricType::Info => "info",
            MetricType::StateSet => "stateset",
            MetricType::Unknown => "unknown",
        }
    }

    /// The type named by an OpenMetrics `# TYPE` word.
    pub fn from_openmetrics(word: &str) -> Option<MetricType> {
        MetricType::ALL
            .into_iter()
            .find(|t| t.openmetrics_name() == word)
    }

    /// The type named by a text 0.0.4 `# TYPE` word: counter, gauge, histogram, summary, untyped.
    pub fn from_text(word: &str) -> Option<MetricType> {
        match word {
            "counter" => Some(MetricType::Counter),
            "gauge" => Some(MetricType::Gauge),
            "histogram" => Some(MetricType::Histogram),
            "summary" => Some(MetricType::Summary),
            "untyped" => Some(MetricType::Unknown),
            _ => None,
        }
    }
}

impl fmt::Display for MetricType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.openmetrics_name())
    }
}

/// Label pairs in the order they were written (encoders sort where a format asks).
pub type Labels = Vec<(String, String)>;

/// A sample or exemplar timestamp, kept in the form it was given so that it is
/// written back the same way (formats and clients print the same instant differently).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Timestamp {
    /// Seconds as a float: OpenMetrics's wire form and client_python's float timestamps.
    Seconds(f64),
    /// Whole seconds (client_python's int timestamps, printed without a fraction).
    WholeSeconds(i64),
    /// Milliseconds: text 0.0.4's wire form.
    Millis(i64),
    /// Seconds and nanoseconds, exact (client_python's `Timestamp(sec, nsec)`).
    Exact { secs: i64, nanos: u32 },
}

impl Timestamp {
    /// Milliseconds since the epoch, truncated toward zero as Prometheus and the clients do.
    pub fn as_millis(self) -> i64 {
        match self {
            Timestamp::Seconds(s) => (s * 1000.0) as i64,
            Timestamp::WholeSeconds(s) => s.saturating_mul(1000),
            Timestamp::Millis(ms) => ms,
            Timestamp::Exact { secs, nanos } => {
                secs.saturating_mul(1000) + (nanos / 1_000_000) as i64
            }
        }
    }

    /// Seconds since the epoch as a float.
    pub fn as_seconds(self) -> f64 {
        match self {
            Timestamp::Seconds(s) => s,
            Timestamp::WholeSeconds(s) => s as f64,
            Timestamp::Millis(ms) => ms as f64 / 1000.0,
            Timestamp::Exact { secs, nanos } => secs as f64 + nanos as f64 / 1e9,
        }
    }
}

/// An exemplar: one traced event behind a counter or bucket value.
#[derive(Clone, Debug, PartialEq)]
pub struct Exemplar {
    pub labels: Labels,
    pub value: f64,
    pub timestamp: Option<Timestamp>,
}

/// A native histogram sample's value: integer counts (what clients count) or
/// float counts (gauge histograms and the protobuf's float fields may carry them).
#[derive(Clone, Debug, PartialEq)]
pub enum NativeHistogram {
    Int(crate::histogram::Histogram),
    Float(crate::histogram::FloatHistogram),
}

impl NativeHistogram {
    /// The float form (what PromQL and the views compute with).
    pub fn to_float(&self) -> crate::histogram::FloatHistogram {
        match self {
            NativeHistogram::Int(h) => h.to_float(),
            NativeHistogram::Float(h) => h.clone(),
        }
    }
}

/// One exposition line's worth: a sample name (family name plus suffix), labels, value.
/// A native histogram is one sample named as its family, with `native` set (and
/// `value` unused): the protobuf format and OpenMetrics 2.0 carry them.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: Labels,
    pub value: f64,
    pub timestamp: Option<Timestamp>,
    pub exemplar: Option<Exemplar>,
    /// Exemplars after the first: only a native histogram sample has several (the
    /// OpenMetrics 2.0 draft and the protobuf format allow them).
    pub extra_exemplars: Vec<Exemplar>,
    pub native: Option<Box<NativeHistogram>>,
}

impl Sample {
    pub fn new(name: impl Into<String>, labels: Labels, value: f64) -> Sample {
        Sample {
            name: name.into(),
            labels,
            value,
            timestamp: None,
            exemplar: None,
            extra_exemplars: Vec::new(),
            native: None,
        }
    }

    /// The value of label `name`, if present.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A metric family: metadata and every sample of every series in it.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricFamily {
    /// See the module documentation for which name this is.
    pub name: String,
    pub metric_type: MetricType,
    pub help: Option<String>,
    pub unit: Option<String>,
    pub samples: Vec<Sample>,
}

impl MetricFamily {
    pub fn new(name: impl Into<String>, metric_type: MetricType) -> MetricFamily {
        MetricFamily {
            name: name.into(),
            metric_type,
            help: None,
            unit: None,
            samples: Vec::new(),
        }
    }
}
