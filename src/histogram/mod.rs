//! Native histograms, as Prometheus's `model/histogram`: exponential buckets chosen by
//! the client (a schema from -4 to 8, each power of two split into 2^schema
//! buckets), a zero bucket, and custom-bucket (NHCB) histograms with explicit upper
//! bounds (schema -53). Two representations, as upstream: [`Histogram`] with integer
//! counts and delta-encoded buckets (what clients expose and integer chunks store)
//! and [`FloatHistogram`] with absolute float buckets (what PromQL computes with).
//!
//! Every stage that meets a native histogram uses these types: the exposition
//! parsers, the store's chunk encodings, the engine and the views.

use std::sync::Arc;

/// The highest exponential schema (finest resolution).
pub const EXPONENTIAL_SCHEMA_MAX: i32 = 8;
/// Schemas up to this are accepted from clients and reduced to the maximum.
pub const EXPONENTIAL_SCHEMA_MAX_RESERVED: i32 = 52;
/// The lowest exponential schema (coarsest resolution).
pub const EXPONENTIAL_SCHEMA_MIN: i32 = -4;
/// Schemas down to this are known but not supported (rejected as Prometheus does).
pub const EXPONENTIAL_SCHEMA_MIN_RESERVED: i32 = -9;
/// The schema of custom-bucket histograms (bounds in `custom_values`).
pub const CUSTOM_BUCKETS_SCHEMA: i32 = -53;

/// What is known about a counter reset at this sample (or that the histogram is a
/// gauge, where resets do not apply). The numbering is Prometheus's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CounterResetHint {
    /// Not known: decide by comparing with the previous sample.
    #[default]
    Unknown = 0,
    /// A counter reset happened at this sample.
    CounterReset = 1,
    /// Certainly no counter reset at this sample.
    NotCounterReset = 2,
    /// A gauge histogram.
    Gauge = 3,
}

/// A run of consecutive buckets: `offset` is the gap (in bucket indices) since the
/// previous span's end (for the first span, the first bucket's index), `length`
/// how many buckets follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub offset: i32,
    pub length: u32,
}

/// Custom bucket bounds, shared between samples of one series (upstream interns them).
pub type CustomValues = Arc<[f64]>;

/// A native histogram with integer counts. Buckets are delta-encoded: the first
/// element of `positive_buckets` is an absolute count, each next one the difference
/// to the previous bucket (across spans).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    pub counter_reset_hint: CounterResetHint,
    pub schema: i32,
    pub zero_threshold: f64,
    pub zero_count: u64,
    pub count: u64,
    /// The sum of observations; the stale marker is this field's NaN bit pattern.
    pub sum: f64,
    pub positive_spans: Vec<Span>,
    pub negative_spans: Vec<Span>,
    pub positive_buckets: Vec<i64>,
    pub negative_buckets: Vec<i64>,
    /// Upper bounds of the custom buckets (schema -53 only), strictly increasing;
    /// `+Inf` is implied after the last.
    pub custom_values: Option<CustomValues>,
}

/// A native histogram with float counts and absolute bucket counts: the result of
/// `rate`, of aggregations and of arithmetic.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FloatHistogram {
    pub counter_reset_hint: CounterResetHint,
    pub schema: i32,
    pub zero_threshold: f64,
    pub zero_count: f64,
    pub count: f64,
    pub sum: f64,
    pub positive_spans: Vec<Span>,
    pub negative_spans: Vec<Span>,
    pub positive_buckets: Vec<f64>,
    pub negative_buckets: Vec<f64>,
    pub custom_values: Option<CustomValues>,
}

/// Whether `schema` is the custom-buckets schema.
pub fn is_custom_buckets_schema(schema: i32) -> bool {
    schema == CUSTOM_BUCKETS_SCHEMA
}

/// Whether `schema` is a supported exponential schema (-4..=8).
pub fn is_exponential_schema(schema: i32) -> bool {
    (EXPONENTIAL_SCHEMA_MIN..=EXPONENTIAL_SCHEMA_MAX).contains(&schema)
}

mod convert;
mod error;
mod float;
mod float_ops;
mod generic;
mod int;
mod iter;
mod nhcb;
pub mod notation;
#[cfg(test)]
mod tests;
mod trim;
mod validate;

pub use convert::{AnyHistogram, convert_nhcb_to_classic, format_openmetrics_float};
pub use float_ops::AddOutcome;
pub use generic::{
    Bucket, BucketCount, HistogramError, HistogramErrorKind, custom_bucket_bounds_match, get_bound,
    get_bound_exponential, is_exponential_schema_reserved, is_known_schema, is_valid_schema,
    spans_match,
};
pub use iter::{
    AllFloatBucketIter, CumulativeBucketIter, FloatBucketIter, IntBucketIter,
    ReverseFloatBucketIter,
};
pub use nhcb::{
    HistogramSuffix, Nhcb, NhcbBuilder, NhcbError, NhcbErrorKind, histogram_base_labels,
    histogram_base_name,
};
