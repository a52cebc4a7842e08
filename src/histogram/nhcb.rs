//! Classic histograms (`_bucket{le}`, `_count`, `_sum` samples of one timestamp)
//! to one native histogram with custom buckets (NHCB), as Prometheus's
//! `util/convertnhcb`: used by the `.test` loader's `load_with_nhcb`, and meant for
//! a scraper converting classic histograms too.

use std::fmt;

use super::{CUSTOM_BUCKETS_SCHEMA, FloatHistogram, Histogram, HistogramError, Span};
use crate::gofmt::go_g;
use crate::tsdb::labels::{Labels, METRIC_NAME};

/// Which check an [`NhcbError`] failed (upstream's sentinel errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NhcbErrorKind {
    NegativeBucketCount,
    NaNBucket,
    NegativeCount,
    CountMismatch,
    CountNotCumulative,
}

impl NhcbErrorKind {
    fn message(self) -> &'static str {
        match self {
            NhcbErrorKind::NegativeBucketCount => "bucket count must be non-negative",
            NhcbErrorKind::NaNBucket => "bucket boundary must not be NaN",
            NhcbErrorKind::NegativeCount => "count must be non-negative",
            NhcbErrorKind::CountMismatch => "count mismatch",
            NhcbErrorKind::CountNotCumulative => "count is not cumulative",
        }
    }
}

/// Why classic histogram samples do not make an NHCB; the text is upstream's.
#[derive(Clone, Debug, PartialEq)]
pub struct NhcbError {
    pub kind: NhcbErrorKind,
    message: String,
}

impl NhcbError {
    fn new(kind: NhcbErrorKind, context: Option<String>) -> NhcbError {
        let message = match context {
            Some(c) => format!("{}: {c}", kind.message()),
            None => kind.message().to_string(),
        };
        NhcbError { kind, message }
    }
}

impl fmt::Display for NhcbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NhcbError {}

/// The result of [`NhcbBuilder::convert`]: an integer histogram when every count is
/// a whole number, else a float histogram (as upstream's two return values).
#[derive(Clone, Debug, PartialEq)]
pub enum Nhcb {
    Int(Histogram),
    Float(FloatHistogram),
}

impl Nhcb {
    /// Validates and returns the float form, as the `.test` loader stores it
    /// (the integer form is validated before conversion, as upstream).
    pub fn into_validated_float(self) -> Result<FloatHistogram, HistogramError> {
        let fh = match self {
            Nhcb::Int(h) => {
                h.validate()?;
                h.to_float()
            }
            Nhcb::Float(fh) => fh,
        };
        fh.validate()?;
        Ok(fh)
    }
}

/// Collects one classic histogram's samples (upstream's `TempHistogram`): bucket
/// counts in any order, the count and the sum. The first error sticks: later calls
/// and [`NhcbBuilder::convert`] return it.
#[derive(Clone, Debug, Default)]
pub struct NhcbBuilder {
    /// `(le, cumulative count)`, sorted by `le`.
    buckets: Vec<(f64, f64)>,
    count: f64,
    sum: f64,
    has_count: bool,
    err: Option<NhcbError>,
}

impl NhcbBuilder {
    pub fn new() -> NhcbBuilder {
        NhcbBuilder::default()
    }

    /// The sticky error, if any.
    pub fn err(&self) -> Option<&NhcbError> {
        self.err.as_ref()
    }

    /// Empties the builder for the next histogram.
    pub fn reset(&mut self) {
        self.buckets.clear();
        self.count = 0.0;
        self.sum = 0.0;
        self.has_count = false;
        self.err = None;
    }

    fn fail(&mut self, kind: NhcbErrorKind, context: Option<String>) -> Result<(), NhcbError> {
        let e = NhcbError::new(kind, context);
        self.err = Some(e.clone());
        Err(e)
    }

    /// Sets the cumulative count of the bucket with upper bound `le`. A bound seen
    /// before is ignored (the first count wins); counts must not decrease with `le`.
    pub fn set_bucket_count(&mut self, le: f64, count: f64) -> Result<(), NhcbError> {
        if let Some(e) = &self.err {
            return Err(e.clone());
        }
        if le.is_nan() {
            return self.fail(NhcbErrorKind::NaNBucket, None);
        }
        if count < 0.0 {
            let c = format!("le={}, count={}", go_g(le), go_g(count));
            return self.fail(NhcbErrorKind::NegativeBucketCount, Some(c));
        }
        let not_cumulative =
            |a: f64, op: &str, b: f64| Some(format!("{} {op} {}", go_g(a), go_g(b)));
        match self.buckets.last() {
            None => self.buckets.push((le, count)),
            Some(&(last_le, last_count)) if last_le < le => {
                // The usual case: bounds arrive in increasing order.
                if count < last_count {
                    let c = not_cumulative(count, "<", last_count);
                    return self.fail(NhcbErrorKind::CountNotCumulative, c);
                }
                self.buckets.push((le, count));
            }
            Some(&(last_le, _)) if last_le == le => {} // A duplicate.
            Some(_) => {
                let i = self.buckets.partition_point(|b| b.0 < le);
                if self.buckets[i].0 == le {
                    return Ok(()); // A duplicate.
                }
                if i > 0 && count < self.buckets[i - 1].1 {
                    let c = not_cumulative(count, "<", self.buckets[i - 1].1);
                    return self.fail(NhcbErrorKind::CountNotCumulative, c);
                }
                if count > self.buckets[i].1 {
                    let c = not_cumulative(count, ">", self.buckets[i].1);
                    return self.fail(NhcbErrorKind::CountNotCumulative, c);
                }
                self.buckets.insert(i, (le, count));
            }
        }
        Ok(())
    }

    /// Sets the observation count (`_count`).
    pub fn set_count(&mut self, count: f64) -> Result<(), NhcbError> {
        if let Some(e) = &self.err {
            return Err(e.clone());
        }
        if count < 0.0 {
            let c = format!("count={}", go_g(count));
            return self.fail(NhcbErrorKind::NegativeCount, Some(c));
        }
        self.count = count;
        self.has_count = true;
        Ok(())
    }

    /// Sets the sum of observations (`_sum`).
    pub fn set_sum(&mut self, sum: f64) -> Result<(), NhcbError> {
        if let Some(e) = &self.err {
            return Err(e.clone());
        }
        self.sum = sum;
        Ok(())
    }

    /// The NHCB (schema -53) of what was collected. Without a count, the highest
    /// bucket's count is the count; without a `+Inf` bucket, one holding the count
    /// is added. The `+Inf` bucket's count must equal the count. Empty buckets are
    /// compacted away (integer histograms keep runs of up to two inside spans).
    pub fn convert(&self) -> Result<Nhcb, NhcbError> {
        if let Some(e) = &self.err {
            return Err(e.clone());
        }
        let mut buckets = self.buckets.clone();
        let mut count = self.count;
        if !self.has_count
            && let Some(&(_, c)) = buckets.last()
        {
            count = c;
        }
        if buckets.last().is_none_or(|b| b.0 != f64::INFINITY) {
            buckets.push((f64::INFINITY, count));
        }
        // Go's `x != float64(int64(math.Round(x)))`: whole and within int64.
        let two_63 = (1u64 << 63) as f64;
        let fits_i64 = |x: f64| x == x.round() && (-two_63..two_63).contains(&x);
        let fits_u64 = |x: f64| x == x.round() && (0.0..2.0 * two_63).contains(&x);
        if buckets.iter().all(|b| fits_i64(b.1)) && fits_u64(count) {
            Self::to_int(&buckets, count as u64, self.sum)
        } else {
            Self::to_float(&buckets, count, self.sum)
        }
    }

    /// The bounds but the last (`+Inf`) one, or none for a lone `+Inf` bucket.
    fn custom_values(buckets: &[(f64, f64)]) -> Option<super::CustomValues> {
        (buckets.len() > 1).then(|| buckets[..buckets.len() - 1].iter().map(|b| b.0).collect())
    }

    fn mismatch(count: String, last: (f64, f64)) -> NhcbError {
        let c = format!(
            "count={count} != le={} count={}",
            go_g(last.0),
            go_g(last.1)
        );
        NhcbError::new(NhcbErrorKind::CountMismatch, Some(c))
    }

    fn to_int(buckets: &[(f64, f64)], count: u64, sum: f64) -> Result<Nhcb, NhcbError> {
        let last = buckets[buckets.len() - 1];
        if count != last.1 as u64 {
            return Err(Self::mismatch(count.to_string(), last));
        }
        // Delta-encoded: each bucket's own count minus the previous bucket's.
        let (mut prev_count, mut prev_delta) = (0i64, 0i64);
        let deltas = buckets
            .iter()
            .map(|&(_, c)| {
                let delta = c as i64 - prev_count;
                let d = delta - prev_delta;
                (prev_count, prev_delta) = (c as i64, delta);
                d
            })
            .collect();
        let mut h = Histogram {
            schema: CUSTOM_BUCKETS_SCHEMA,
            count,
            sum,
            positive_spans: vec![Span {
                offset: 0,
                length: buckets.len() as u32,
            }],
            positive_buckets: deltas,
            custom_values: Self::custom_values(buckets),
            ..Default::default()
        };
        h.compact(2);
        Ok(Nhcb::Int(h))
    }

    fn to_float(buckets: &[(f64, f64)], count: f64, sum: f64) -> Result<Nhcb, NhcbError> {
        let last = buckets[buckets.len() - 1];
        // NaN (a stale marker) never matches, as upstream.
        if count != last.1 {
            return Err(Self::mismatch(go_g(count), last));
        }
        let mut prev = 0.0;
        let absolute = buckets
            .iter()
            .map(|&(_, c)| {
                let b = c - prev;
                prev = c;
                b
            })
            .collect();
        let mut fh = FloatHistogram {
            schema: CUSTOM_BUCKETS_SCHEMA,
            count,
            sum,
            positive_spans: vec![Span {
                offset: 0,
                length: buckets.len() as u32,
            }],
            positive_buckets: absolute,
            custom_values: Self::custom_values(buckets),
            ..Default::default()
        };
        fh.compact(0);
        Ok(Nhcb::Float(fh))
    }
}

/// Which classic-histogram suffix a metric name has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistogramSuffix {
    None,
    Bucket,
    Sum,
    Count,
}

/// The name without `_bucket`, `_sum` or `_count` (upstream's
/// `GetHistogramMetricBaseName`; `_created` is left to the caller).
pub fn histogram_base_name(name: &str) -> (HistogramSuffix, &str) {
    if let Some(base) = name.strip_suffix("_bucket") {
        (HistogramSuffix::Bucket, base)
    } else if let Some(base) = name.strip_suffix("_sum") {
        (HistogramSuffix::Sum, base)
    } else if let Some(base) = name.strip_suffix("_count") {
        (HistogramSuffix::Count, base)
    } else {
        (HistogramSuffix::None, name)
    }
}

/// The NHCB series' labels: `labels` named `base_name`, without `le`.
pub fn histogram_base_labels(labels: &Labels, base_name: &str) -> Labels {
    labels
        .iter()
        .filter(|(n, _)| *n != "le" && *n != METRIC_NAME)
        .chain(std::iter::once((METRIC_NAME, base_name)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const INF: f64 = f64::INFINITY;

    fn span(length: u32) -> Vec<Span> {
        vec![Span { offset: 0, length }]
    }

    fn int(count: u64, sum: f64, spans: Vec<Span>, buckets: &[i64], cv: &[f64]) -> Nhcb {
        Nhcb::Int(Histogram {
            schema: CUSTOM_BUCKETS_SCHEMA,
            count,
            sum,
            positive_spans: spans,
            positive_buckets: buckets.to_vec(),
            custom_values: (!cv.is_empty()).then(|| cv.into()),
            ..Default::default()
        })
    }

    fn float(count: f64, sum: f64, spans: Vec<Span>, buckets: &[f64], cv: &[f64]) -> Nhcb {
        Nhcb::Float(FloatHistogram {
            schema: CUSTOM_BUCKETS_SCHEMA,
            count,
            sum,
            positive_spans: spans,
            positive_buckets: buckets.to_vec(),
            custom_values: (!cv.is_empty()).then(|| cv.into()),
            ..Default::default()
        })
    }

    /// Converts, checks the result validates, and returns it.
    fn convert(b: &NhcbBuilder) -> Result<Nhcb, NhcbErrorKind> {
        let got = b.convert().map_err(|e| e.kind)?;
        got.clone().into_validated_float().unwrap();
        Ok(got)
    }

    // The cases of upstream's `TestNHCBConvert`.

    #[test]
    fn empty_and_sum_only() {
        let mut b = NhcbBuilder::new();
        assert_eq!(convert(&b), Ok(int(0, 0.0, vec![], &[], &[])));
        b.set_sum(1000.25).unwrap();
        assert_eq!(convert(&b), Ok(int(0, 1000.25, vec![], &[], &[])));
    }

    #[test]
    fn single_bucket_without_count_takes_its_count() {
        let mut b = NhcbBuilder::new();
        b.set_sum(1000.25).unwrap();
        b.set_bucket_count(0.5, 1000.0).unwrap();
        assert_eq!(
            convert(&b),
            Ok(int(1000, 1000.25, span(1), &[1000], &[0.5]))
        );

        let mut b = NhcbBuilder::new();
        b.set_sum(1000.25).unwrap();
        b.set_bucket_count(0.5, 1337.42).unwrap();
        assert_eq!(
            convert(&b),
            Ok(float(1337.42, 1000.25, span(1), &[1337.42], &[0.5]))
        );
    }

    #[test]
    fn happy_cases_integer_and_float() {
        let mut b = NhcbBuilder::new();
        b.set_count(1000.0).unwrap();
        b.set_sum(1000.25).unwrap();
        b.set_bucket_count(0.5, 50.0).unwrap();
        b.set_bucket_count(1.0, 950.0).unwrap();
        b.set_bucket_count(INF, 1000.0).unwrap();
        let want = int(1000, 1000.25, span(3), &[50, 850, -850], &[0.5, 1.0]);
        assert_eq!(convert(&b), Ok(want));
        // The float form's buckets are absolute.
        let fh = b.convert().unwrap().into_validated_float().unwrap();
        assert_eq!(fh.positive_buckets, vec![50.0, 900.0, 50.0]);

        let mut b = NhcbBuilder::new();
        b.set_count(1000.0).unwrap();
        b.set_sum(1000.25).unwrap();
        b.set_bucket_count(0.5, 50.0).unwrap();
        b.set_bucket_count(1.0, 950.5).unwrap();
        b.set_bucket_count(INF, 1000.0).unwrap();
        let want = float(1000.0, 1000.25, span(3), &[50.0, 900.5, 49.5], &[0.5, 1.0]);
        assert_eq!(convert(&b), Ok(want));
    }

    #[test]
    fn mixed_order_sorts_and_ignores_duplicates() {
        let mut b = NhcbBuilder::new();
        b.set_bucket_count(0.5, 50.0).unwrap();
        b.set_bucket_count(INF, 1000.0).unwrap();
        b.set_bucket_count(1.0, 950.0).unwrap();
        // Duplicates, at the end and inside: the first count stays.
        b.set_bucket_count(INF, 5.0).unwrap();
        b.set_bucket_count(0.5, 7.0).unwrap();
        b.set_count(1000.0).unwrap();
        b.set_sum(1000.25).unwrap();
        let want = int(1000, 1000.25, span(3), &[50, 850, -850], &[0.5, 1.0]);
        assert_eq!(convert(&b), Ok(want));
    }

    #[test]
    fn errors_stick() {
        let mut b = NhcbBuilder::new();
        b.set_count(1000.0).unwrap();
        b.set_bucket_count(0.5, 50.0).unwrap();
        b.set_bucket_count(1.0, 950.0).unwrap();
        let e = b.set_bucket_count(INF, 900.0).unwrap_err();
        assert_eq!(e.to_string(), "count is not cumulative: 900 < 950");
        assert_eq!(convert(&b), Err(NhcbErrorKind::CountNotCumulative));
        // Later calls return the first error.
        assert_eq!(b.set_sum(1.0).unwrap_err(), e);
        b.reset();
        assert_eq!(convert(&b), Ok(int(0, 0.0, vec![], &[], &[])));

        let mut b = NhcbBuilder::new();
        let e = b.set_count(-1000.0).unwrap_err();
        assert_eq!(e.to_string(), "count must be non-negative: count=-1000");
        assert_eq!(convert(&b), Err(NhcbErrorKind::NegativeCount));

        let mut b = NhcbBuilder::new();
        b.set_bucket_count(1.0, 5.0).unwrap();
        b.set_bucket_count(f64::NAN, 10.0).unwrap_err();
        assert_eq!(convert(&b), Err(NhcbErrorKind::NaNBucket));

        let mut b = NhcbBuilder::new();
        let e = b.set_bucket_count(0.5, -1.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "bucket count must be non-negative: le=0.5, count=-1"
        );
    }

    #[test]
    fn out_of_order_buckets_must_stay_cumulative() {
        let mut b = NhcbBuilder::new();
        b.set_bucket_count(1.0, 5.0).unwrap();
        b.set_bucket_count(3.0, 9.0).unwrap();
        let e = b.set_bucket_count(2.0, 10.0).unwrap_err();
        assert_eq!(e.to_string(), "count is not cumulative: 10 > 9");
        let mut b = NhcbBuilder::new();
        b.set_bucket_count(1.0, 5.0).unwrap();
        b.set_bucket_count(3.0, 9.0).unwrap();
        let e = b.set_bucket_count(2.0, 4.0).unwrap_err();
        assert_eq!(e.to_string(), "count is not cumulative: 4 < 5");
    }

    #[test]
    fn count_must_match_the_inf_bucket() {
        let mut b = NhcbBuilder::new();
        b.set_count(10.0).unwrap();
        b.set_bucket_count(1.0, 5.0).unwrap();
        b.set_bucket_count(INF, 8.0).unwrap();
        let e = b.convert().unwrap_err();
        assert_eq!(e.to_string(), "count mismatch: count=10 != le=+Inf count=8");
        // A stale marker (NaN) never matches.
        let mut b = NhcbBuilder::new();
        b.set_bucket_count(INF, f64::from_bits(crate::tsdb::STALE_NAN))
            .unwrap();
        assert_eq!(b.convert().unwrap_err().kind, NhcbErrorKind::CountMismatch);
    }

    #[test]
    fn missing_inf_bucket_holds_the_count_and_empty_buckets_compact() {
        // Count above the highest bucket: the added +Inf bucket holds the rest.
        let mut b = NhcbBuilder::new();
        b.set_count(7.0).unwrap();
        b.set_bucket_count(1.0, 2.0).unwrap();
        assert_eq!(convert(&b), Ok(int(7, 0.0, span(2), &[2, 3], &[1.0])));
        // Integer histograms keep up to two empty buckets inside a span ...
        let mut b = NhcbBuilder::new();
        for (le, c) in [
            (0.0, 0.0),
            (1.0, 1.0),
            (2.0, 1.0),
            (3.0, 1.0),
            (4.0, 3.0),
            (INF, 3.0),
        ] {
            b.set_bucket_count(le, c).unwrap();
        }
        let cv = [0.0, 1.0, 2.0, 3.0, 4.0];
        let want = int(
            3,
            0.0,
            vec![Span {
                offset: 1,
                length: 4,
            }],
            &[1, -1, 0, 2],
            &cv,
        );
        assert_eq!(convert(&b), Ok(want));
        // ... float ones none.
        b.set_sum(0.5).unwrap();
        b.reset();
        for (le, c) in [
            (0.0, 0.0),
            (1.0, 0.5),
            (2.0, 0.5),
            (3.0, 0.5),
            (4.0, 3.0),
            (INF, 3.0),
        ] {
            b.set_bucket_count(le, c).unwrap();
        }
        let spans = vec![
            Span {
                offset: 1,
                length: 1,
            },
            Span {
                offset: 2,
                length: 1,
            },
        ];
        assert_eq!(convert(&b), Ok(float(3.0, 0.0, spans, &[0.5, 2.5], &cv)));
    }

    #[test]
    fn base_names_and_labels() {
        assert_eq!(
            histogram_base_name("a_bucket"),
            (HistogramSuffix::Bucket, "a")
        );
        assert_eq!(histogram_base_name("a_sum"), (HistogramSuffix::Sum, "a"));
        assert_eq!(
            histogram_base_name("a_count"),
            (HistogramSuffix::Count, "a")
        );
        assert_eq!(
            histogram_base_name("a_total"),
            (HistogramSuffix::None, "a_total")
        );
        let l = Labels::new(&[("__name__", "a_bucket"), ("le", "1"), ("x", "y")]);
        assert_eq!(
            histogram_base_labels(&l, "a"),
            Labels::new(&[("__name__", "a"), ("x", "y")])
        );
    }
}
