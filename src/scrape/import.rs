//! Backfill: an exposition document whose samples carry timestamps (what
//! `promplay simulate` writes, what `promtool tsdb create-blocks-from openmetrics`
//! reads) appended to a store, each series in time order.
//!
//! The document holds no stale markers (OpenMetrics cannot express them, and
//! `simulate` leaves them out), so none are added: as after promtool's import,
//! a series that stopped is only hidden once the lookback has passed.

use std::collections::HashMap;

use crate::expo::textparse::{SampleStream, detect_format, parse_series};
use crate::tsdb::{Head, Labels};

/// The line a series first appears on, and its samples as read.
type FirstLineAndSamples = (u32, Vec<(i64, f64)>);

/// What an import stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub series: usize,
    pub samples: usize,
}

/// Appends every sample of `input` (OpenMetrics, or text 0.0.4 when it has no
/// `# EOF`) to `head`. Every sample needs a timestamp; the first problem is the error,
/// with its line.
pub fn import_exposition(input: &[u8], head: &mut Head) -> Result<ImportReport, String> {
    let format = detect_format(input);
    // Series as written (bytes) → labels and samples; sorted per series before appending,
    // since a document may list a series' samples in any order.
    let mut by_series: HashMap<&[u8], FirstLineAndSamples> = HashMap::new();
    for sample in SampleStream::new(input, format) {
        let sample = sample.map_err(|e| e.to_string())?;
        let Some(ts) = sample.timestamp else {
            return Err(format!(
                "line {}: the sample has no timestamp (a backfill needs one on every sample)",
                sample.line
            ));
        };
        by_series
            .entry(sample.series)
            .or_insert_with(|| (sample.line, Vec::new()))
            .1
            .push((ts.as_millis(), sample.value));
    }
    let mut report = ImportReport::default();
    let mut series: Vec<_> = by_series.into_iter().collect();
    // Deterministic series references, in order of first appearance.
    series.sort_by_key(|(_, (line, _))| *line);
    for (written, (line, mut samples)) in series {
        let (name, pairs) = parse_series(written, format, line).map_err(|e| e.to_string())?;
        let labels = Labels::from_metric(&name, &pairs);
        samples.sort_by_key(|&(t, _)| t);
        let (r, created) = head.get_or_create(&labels);
        report.series += usize::from(created);
        for (t, v) in samples {
            head.append(r, t, v)
                .map_err(|e| format!("line {line}: {labels} at t={t}ms: {e}"))?;
            report.samples += 1;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_land_in_time_order() {
        let doc = b"# TYPE a counter\na_total{x=\"1\"} 2 1700000060.5\na_total{x=\"1\"} 1 1700000000.123\nb 5 1700000000\n# EOF\n";
        let mut head = Head::default();
        let r = import_exposition(doc, &mut head).unwrap();
        assert_eq!(
            r,
            ImportReport {
                series: 2,
                samples: 3
            }
        );
        let a = head
            .get(&Labels::new(&[("__name__", "a_total"), ("x", "1")]))
            .unwrap();
        let got: Vec<(i64, f64)> = head.iter(a, i64::MIN, i64::MAX).collect();
        assert_eq!(
            got,
            vec![(1_700_000_000_123, 1.0), (1_700_000_060_500, 2.0)]
        );
    }

    #[test]
    fn a_sample_without_timestamp_is_an_error() {
        let mut head = Head::default();
        let err = import_exposition(b"a 1 5\nb 2\n", &mut head).unwrap_err();
        assert!(err.starts_with("line 2: "), "{err}");
        assert!(import_exposition(b"a{ 1 5\n", &mut head).is_err());
    }
}
