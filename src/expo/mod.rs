//! Exposition formats: the metric model, encoders for Prometheus text 0.0.4 and
//! OpenMetrics 1.0, a parser per format behind one interface (`textparse`), the
//! linter, conversions between the two namings, explanations of lines, and
//! Prometheus's protobuf format (`protobuf`: encoder, decoder, text rendering).

pub mod convert;
pub mod encode;
pub mod explain;
pub mod lint;
pub mod model;
pub mod protobuf;
pub mod textparse;

pub use model::{Exemplar, Labels, MetricFamily, MetricType, Sample, Timestamp};
