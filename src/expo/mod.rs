//! Exposition formats: the metric model, encoders for Prometheus text 0.0.4 and
//! OpenMetrics 1.0, a parser per format behind one interface, and the linter.

pub mod encode;
pub mod model;

pub use model::{Exemplar, Labels, MetricFamily, MetricType, Sample, Timestamp};
