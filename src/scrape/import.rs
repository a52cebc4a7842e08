//! Backfill: an exposition document whose samples carry timestamps (what
//! `promplay simulate` writes, what `promtool tsdb create-blocks-from openmetrics`
//! reads) appended to a store, each series in time order.
//!
//! The document holds no stale markers (OpenMetrics cannot express them, and
//! `simulate` leaves them out), so none are added: as after promtool's import,
//! a series that stopped is only hidden once the lookback has passed.

use std::collections::HashMap;
use std::io::Read;

use crate::expo::textparse::{Format, SampleStream, detect_format, parse_series};
use crate::tsdb::{Head, Labels, SeriesRef};

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

/// Why [`import_exposition_reader`] stopped.
#[derive(Debug, PartialEq, Eq)]
pub enum StreamImportError {
    /// A series' samples are not in time order: the document must be imported
    /// whole ([`import_exposition`] sorts them).
    OutOfOrder,
    /// Unreadable input, a sample without a timestamp, a grammar error (with its line).
    Other(String),
}

/// [`import_exposition`] from a reader, `chunk` bytes at a time (whole lines), so a
/// file of gigabytes needs memory for its store, not for its text. Samples go into
/// the store as they are read, which needs each series' samples in time order
/// (what `simulate` writes); otherwise it stops with `OutOfOrder`.
pub fn import_exposition_reader(
    mut read: impl Read,
    format: Format,
    chunk: usize,
    head: &mut Head,
) -> Result<ImportReport, StreamImportError> {
    let other = |e: String| StreamImportError::Other(e);
    let chunk = chunk.max(1);
    let mut report = ImportReport::default();
    // Series as written → reference and newest timestamp so far.
    let mut known: HashMap<Vec<u8>, (SeriesRef, i64)> = HashMap::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut lines_before = 0u32;
    loop {
        let filled = buf.len();
        buf.resize(filled + chunk, 0);
        let n = read
            .read(&mut buf[filled..])
            .map_err(|e| other(e.to_string()))?;
        buf.truncate(filled + n);
        let at_end = n == 0;
        // Whole lines only; the rest waits for the next read.
        let cut = match (at_end, buf.iter().rposition(|&b| b == b'\n')) {
            (true, _) => buf.len(),
            (false, Some(i)) => i + 1,
            (false, None) => continue,
        };
        let mut stream = SampleStream::new(&buf[..cut], format);
        for sample in stream.by_ref() {
            let sample = sample.map_err(|mut e| {
                e.line += lines_before;
                other(e.to_string())
            })?;
            let line = lines_before + sample.line;
            let Some(ts) = sample.timestamp else {
                return Err(other(format!(
                    "line {line}: the sample has no timestamp (a backfill needs one on every sample)"
                )));
            };
            let t = ts.as_millis();
            let entry = match known.get_mut(sample.series) {
                Some(entry) => entry,
                None => {
                    let (name, pairs) = parse_series(sample.series, format, line)
                        .map_err(|e| other(e.to_string()))?;
                    let labels = Labels::from_metric(&name, &pairs);
                    let (r, created) = head.get_or_create(&labels);
                    report.series += usize::from(created);
                    known.entry(sample.series.to_vec()).or_insert((r, i64::MIN))
                }
            };
            if t <= entry.1 {
                return Err(StreamImportError::OutOfOrder);
            }
            head.append(entry.0, t, sample.value)
                .map_err(|e| other(format!("line {line}: at t={t}ms: {e}")))?;
            entry.1 = t;
            report.samples += 1;
        }
        if stream.saw_eof() || at_end {
            return Ok(report);
        }
        lines_before += buf[..cut].iter().filter(|&&b| b == b'\n').count() as u32;
        buf.drain(..cut);
    }
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

    #[test]
    fn a_reader_in_small_chunks_stores_what_the_whole_document_stores() {
        let doc = b"# TYPE a counter\na_total{x=\"1\"} 1 1700000000\nb 5 1700000000\na_total{x=\"1\"} 2 1700000060.5\nb 6 1700000015\n# EOF\n";
        let mut whole = Head::default();
        let expected = import_exposition(doc, &mut whole).unwrap();
        for chunk in [1, 3, 17, 1 << 20] {
            let mut streamed = Head::default();
            let report =
                import_exposition_reader(&doc[..], Format::OpenMetrics, chunk, &mut streamed)
                    .unwrap();
            assert_eq!(report, expected, "chunk {chunk}");
            assert_eq!(streamed.fingerprint(), whole.fingerprint(), "chunk {chunk}");
        }
        let unordered = b"a 2 1700000060\na 1 1700000000\n";
        assert_eq!(
            import_exposition_reader(&unordered[..], Format::Text, 4, &mut Head::default()),
            Err(StreamImportError::OutOfOrder)
        );
        let untimed = b"a 1 1700000000\n\nb 2\n";
        assert_eq!(
            import_exposition_reader(&untimed[..], Format::Text, 5, &mut Head::default()),
            Err(StreamImportError::Other(
                "line 3: the sample has no timestamp (a backfill needs one on every sample)".into()
            ))
        );
    }
}
