//! `load_with_nhcb`: besides its float series, such a block stores the native
//! histograms with custom buckets that upstream's `appendCustomHistogram` builds
//! from the classic histograms in it. Every `x_bucket{le}`, `x_count` and `x_sum`
//! series contributes to the series `x` (same labels, no `le`), one histogram per
//! timestamp at which any of them has a float sample (stale markers included).

use std::collections::BTreeMap;

use crate::histogram::{
    FloatHistogram, HistogramSuffix, NhcbBuilder, histogram_base_labels, histogram_base_name,
};
use crate::tsdb::Labels;

use super::{LoadCommand, LoadError, SeriesLine};

/// A converted series and its samples, oldest first.
pub(super) type NhcbSeries = (Labels, Vec<(i64, FloatHistogram)>);

/// The NHCB series of `load`, built from `series` (the block's series as stored).
/// An error anywhere fails the whole block, as upstream rolls the load back.
pub(super) fn convert<'a>(
    load: &LoadCommand,
    series: impl Iterator<Item = &'a SeriesLine>,
) -> Result<Vec<NhcbSeries>, LoadError> {
    let mut by_base: BTreeMap<Labels, BTreeMap<i64, NhcbBuilder>> = BTreeMap::new();
    for s in series {
        let (suffix, base) = histogram_base_name(s.labels.metric_name().unwrap_or(""));
        let le = match suffix {
            HistogramSuffix::None => continue,
            HistogramSuffix::Bucket => {
                let Some(le) = s.labels.get("le") else {
                    // Upstream panics here.
                    return Err(LoadError {
                        line: s.line,
                        message: format!("expected bucket label in metric {:?}", s.labels),
                    });
                };
                match parse_le(le) {
                    Some(le) if !le.is_nan() => Some(le),
                    _ => continue,
                }
            }
            HistogramSuffix::Count | HistogramSuffix::Sum => None,
        };
        let per_t = by_base
            .entry(histogram_base_labels(&s.labels, base))
            .or_default();
        // Histogram samples and missing points are left out.
        for (i, v) in s.values.iter().enumerate() {
            let Some(v) = *v else { continue };
            let t = (i as i64).saturating_mul(load.step_ms);
            let b = per_t.entry(t).or_default();
            // Errors stick in the builder and come out of `convert`.
            let _ = match (suffix, le) {
                (HistogramSuffix::Bucket, Some(le)) => b.set_bucket_count(le, v),
                (HistogramSuffix::Count, _) => b.set_count(v),
                _ => b.set_sum(v),
            };
        }
    }
    by_base
        .into_iter()
        .map(|(labels, per_t)| {
            let samples = per_t
                .into_iter()
                .map(|(t, b)| {
                    let fail = |e: &dyn std::fmt::Display| LoadError {
                        line: load.line,
                        message: format!("native histogram {labels:?} at t={t}ms: {e}"),
                    };
                    let h = b.convert().map_err(|e| fail(&e))?;
                    Ok((t, h.into_validated_float().map_err(|e| fail(&e))?))
                })
                .collect::<Result<Vec<_>, LoadError>>()?;
            Ok((labels, samples))
        })
        .collect()
}

/// An `le` value as Go's `strconv.ParseFloat` reads it (`+Inf`, `inf`, `1e0`,
/// `.2`, ...; hexadecimal floats are not accepted here).
fn parse_le(le: &str) -> Option<f64> {
    // Rust's parser takes the same decimal and Inf/NaN forms; it differs on
    // signed NaN (dropped anyway) and rejects hexadecimal floats.
    le.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::super::{Command, load_into, parse_file};
    use super::*;
    use crate::histogram::Span;
    use crate::tsdb::Head;

    fn load(text: &str) -> Result<Head, LoadError> {
        let cmds = parse_file(text).unwrap();
        let Command::Load(l) = &cmds[0] else { panic!() };
        let mut head = Head::default();
        load_into(l, &mut head)?;
        Ok(head)
    }

    fn histograms(head: &Head, labels: &[(&str, &str)]) -> Vec<(i64, FloatHistogram)> {
        let r = head.get(&Labels::new(labels)).expect("series");
        head.iter_histograms(r, i64::MIN, i64::MAX).collect()
    }

    #[test]
    fn classic_series_become_one_nhcb_and_stay() {
        let head = load(
            "load_with_nhcb 1m\n  \
             h_bucket{le=\"1\",a=\"x\"} 1 2\n  \
             h_bucket{le=\"+Inf\",a=\"x\"} 3 4\n  \
             h_count{a=\"x\"} 3 4\n  \
             h_sum{a=\"x\"} 5.5 _\n  \
             other 1\n",
        )
        .unwrap();
        let got = histograms(&head, &[("__name__", "h"), ("a", "x")]);
        assert_eq!(got.len(), 2);
        let (t, h) = &got[0];
        assert_eq!((*t, h.schema, h.count, h.sum), (0, -53, 3.0, 5.5));
        assert_eq!(h.positive_buckets, vec![1.0, 2.0]);
        assert_eq!(h.custom_values.as_deref(), Some(&[1.0][..]));
        let (t, h) = &got[1];
        assert_eq!((*t, h.count, h.sum), (60_000, 4.0, 0.0));
        assert_eq!(h.positive_buckets, vec![2.0, 2.0]);
        // The float series are kept.
        let f = Labels::new(&[("__name__", "h_bucket"), ("le", "1"), ("a", "x")]);
        assert!(head.get(&f).is_some());
        assert!(head.get(&Labels::new(&[("__name__", "other")])).is_some());
    }

    #[test]
    fn partial_data_and_unusual_bounds() {
        // No +Inf bucket and no count: the highest bucket's count; `le` spellings
        // as Go parses them; a bound written twice counts once.
        let head = load(
            "load_with_nhcb 1m\n  \
             h_bucket{le=\"0.2\"} 1\n  \
             h_bucket{le=\"2e-1\"} 1\n  \
             h_bucket{le=\".1\"} 0\n  \
             h_bucket{le=\"nope\"} 9\n\
             ",
        )
        .unwrap();
        let got = histograms(&head, &[("__name__", "h")]);
        let h = &got[0].1;
        assert_eq!(h.count, 1.0);
        assert_eq!(h.custom_values.as_deref(), Some(&[0.1, 0.2][..]));
        assert_eq!(
            h.positive_spans,
            vec![Span {
                offset: 1,
                length: 1
            }]
        );
        assert_eq!(h.positive_buckets, vec![1.0]);
    }

    #[test]
    fn invalid_histograms_fail_the_whole_block() {
        let e = load(
            "load_with_nhcb 1m\n  \
             h_bucket{le=\"1\"} 5\n  \
             h_bucket{le=\"+Inf\"} 3\n  \
             f 1\n",
        )
        .err()
        .unwrap();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("count is not cumulative: 3 < 5"), "{e}");
        let e = load("load_with_nhcb 1m\n  h_bucket 1\n").err().unwrap();
        assert!(e.message.contains("expected bucket label"), "{e}");
        // A plain `load` converts nothing.
        let head = load("load 1m\n  h_bucket{le=\"1\"} 5\n  h_bucket{le=\"+Inf\"} 3\n").unwrap();
        assert!(head.get(&Labels::new(&[("__name__", "h")])).is_none());
    }
}
