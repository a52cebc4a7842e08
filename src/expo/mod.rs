//! Exposition formats: the metric model, encoders for Prometheus text 0.0.4 and
//! OpenMetrics 1.0, a parser per format behind one interface, and the linter.

pub mod convert;
pub mod explain;
pub mod lint;
pub mod model;
pub mod textparse;

pub use model::{Exemplar, Labels, MetricFamily, MetricType, Sample, Timestamp};
