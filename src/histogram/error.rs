//! The errors of histogram validation and operations, with upstream's wording
//! (`model/histogram/generic.go`'s sentinel errors).

use std::fmt;

use super::{CUSTOM_BUCKETS_SCHEMA, EXPONENTIAL_SCHEMA_MAX, EXPONENTIAL_SCHEMA_MIN};
use super::{EXPONENTIAL_SCHEMA_MAX_RESERVED, EXPONENTIAL_SCHEMA_MIN_RESERVED};

/// Which of upstream's sentinel errors a [`HistogramError`] wraps (`errors.Is`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HistogramErrorKind {
    CountNotBigEnough,
    CountMismatch,
    NegativeCount,
    NegativeBucketCount,
    SpanNegativeOffset,
    SpansBucketsMismatch,
    CustomBucketsMismatch,
    CustomBucketsInvalid,
    CustomBucketsInfinite,
    CustomBucketsNaN,
    IncompatibleSchema,
    CustomBucketsZeroCount,
    CustomBucketsZeroThresh,
    CustomBucketsNegSpans,
    CustomBucketsNegBuckets,
    ExpSchemaCustomBounds,
    InvalidSchema,
    UnknownSchema,
    /// Not a `histogram.Error` upstream: a misuse such as reducing to a higher schema.
    Usage,
}

impl HistogramErrorKind {
    /// The sentinel's own text.
    pub fn message(self) -> String {
        use HistogramErrorKind::*;
        match self {
            CountNotBigEnough => "histogram's observation count should be at least the number of observations found in the buckets".into(),
            CountMismatch => "histogram's observation count should equal the number of observations found in the buckets (in absence of NaN)".into(),
            NegativeCount => "histogram's observation count is negative".into(),
            NegativeBucketCount => "histogram has a bucket whose observation count is negative".into(),
            SpanNegativeOffset => "histogram has a span whose offset is negative".into(),
            SpansBucketsMismatch => "histogram spans specify different number of buckets than provided".into(),
            CustomBucketsMismatch => "histogram custom bounds are too few".into(),
            CustomBucketsInvalid => "histogram custom bounds must be in strictly increasing order".into(),
            CustomBucketsInfinite => "histogram custom bounds must be finite".into(),
            CustomBucketsNaN => "histogram custom bounds must not be NaN".into(),
            IncompatibleSchema => "cannot apply this operation on histograms with a mix of exponential and custom bucket schemas".into(),
            CustomBucketsZeroCount => "custom buckets: must have zero count of 0".into(),
            CustomBucketsZeroThresh => "custom buckets: must have zero threshold of 0".into(),
            CustomBucketsNegSpans => "custom buckets: must not have negative spans".into(),
            CustomBucketsNegBuckets => "custom buckets: must not have negative buckets".into(),
            ExpSchemaCustomBounds => "histogram with exponential schema must not have custom bounds".into(),
            InvalidSchema => format!(
                "histogram has an invalid schema, which must be between {EXPONENTIAL_SCHEMA_MIN} and {EXPONENTIAL_SCHEMA_MAX} for exponential buckets, or {CUSTOM_BUCKETS_SCHEMA} for custom buckets"
            ),
            UnknownSchema => format!(
                "histogram has an unknown schema, which must be between {EXPONENTIAL_SCHEMA_MIN_RESERVED} and {EXPONENTIAL_SCHEMA_MAX_RESERVED} for exponential buckets, or {CUSTOM_BUCKETS_SCHEMA} for custom buckets"
            ),
            Usage => String::new(),
        }
    }
}

/// A histogram error: the sentinel it wraps and the full text, which is Go's
/// `err.Error()` (context prefixes such as `positive side: ` included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistogramError {
    pub kind: HistogramErrorKind,
    message: String,
}

impl HistogramError {
    /// The bare sentinel (`ErrHistogram...`).
    pub fn new(kind: HistogramErrorKind) -> HistogramError {
        HistogramError {
            kind,
            message: kind.message(),
        }
    }

    /// `fmt.Errorf("<context>: %w", sentinel)`.
    pub fn with_context(kind: HistogramErrorKind, context: impl fmt::Display) -> HistogramError {
        HistogramError {
            kind,
            message: format!("{context}: {}", kind.message()),
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> HistogramError {
        HistogramError {
            kind: HistogramErrorKind::Usage,
            message: message.into(),
        }
    }

    /// Wraps this error once more: `fmt.Errorf("<prefix>: %w", err)`.
    pub fn wrap(self, prefix: &str) -> HistogramError {
        HistogramError {
            kind: self.kind,
            message: format!("{prefix}: {}", self.message),
        }
    }

    /// `InvalidSchemaError(s)`.
    pub fn invalid_schema(schema: i32) -> HistogramError {
        let kind = HistogramErrorKind::InvalidSchema;
        HistogramError {
            kind,
            message: format!("{}, got schema {schema}", kind.message()),
        }
    }

    /// `UnknownSchemaError(s)`.
    pub fn unknown_schema(schema: i32) -> HistogramError {
        let kind = HistogramErrorKind::UnknownSchema;
        HistogramError {
            kind,
            message: format!("{}, got schema {schema}", kind.message()),
        }
    }
}

impl fmt::Display for HistogramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HistogramError {}
