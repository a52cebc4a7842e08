//! Exposition formats: the metric model, encoders for Prometheus text 0.0.4 and
//! OpenMetrics 1.0 (with the 2.0 draft's native histograms, see `om_version`), a
//! parser per format behind one interface (`textparse`), the linter, conversions
//! between the two namings, explanations of lines, and Prometheus's protobuf format
//! (`protobuf`: encoder, decoder, text rendering).

pub mod convert;
pub mod encode;
pub mod explain;
pub mod lint;
pub mod model;
pub mod om_version;
pub mod protobuf;
pub mod textparse;

pub use model::{Exemplar, Labels, MetricFamily, MetricType, Sample, Timestamp};
pub use om_version::OpenMetricsVersion;
