//! The scrape path: samples one by one, each with its series exactly as written,
//! without building families. A scraper keys its series cache on those bytes (as
//! Prometheus's scrape loop does), so a series seen before costs no label parsing;
//! `parse_series` reads the labels of a series met for the first time.

use super::cursor::{Cursor, Dialect, is_name_char};
use super::error::ParseError;
use super::{Format, openmetrics, promtext};
use crate::expo::{Labels, Timestamp};

/// One sample line as a scrape reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct RawSample<'a> {
    /// The metric name and label set as written: the cache key.
    pub series: &'a [u8],
    pub value: f64,
    pub timestamp: Option<Timestamp>,
    pub line: u32,
    /// The whole line.
    pub text: &'a [u8],
}

/// What a caller expects a line to be: a sample this kind of stream returned
/// before (the same line's in the last scrape).
#[derive(Clone, Copy, Debug)]
pub struct Expected<'e> {
    pub text: &'e [u8],
    pub series: &'e [u8],
    pub value: f64,
    pub timestamp: Option<Timestamp>,
}

impl<'e> Expected<'e> {
    pub fn of(sample: &RawSample<'e>) -> Expected<'e> {
        Expected {
            text: sample.text,
            series: sample.series,
            value: sample.value,
            timestamp: sample.timestamp,
        }
    }
}

/// The sample lines of a document, in order; metadata and comments are skipped.
/// Grammar errors are returned in place of the sample (the stream carries on after
/// them); OpenMetrics's `# EOF` ends the stream.
pub struct SampleStream<'a> {
    input: &'a [u8],
    offset: usize,
    line_no: u32,
    dialect: Dialect,
    saw_eof: bool,
    /// A protobuf body: not lines; the stream reports that once and ends.
    protobuf: bool,
}

impl<'a> SampleStream<'a> {
    pub fn new(input: &'a [u8], format: Format) -> SampleStream<'a> {
        let dialect = match format {
            Format::Text => Dialect::Text,
            Format::OpenMetrics | Format::Protobuf => Dialect::OpenMetrics,
        };
        SampleStream {
            input,
            offset: 0,
            line_no: 0,
            dialect,
            saw_eof: false,
            protobuf: format == Format::Protobuf,
        }
    }

    /// True once an OpenMetrics `# EOF` was read (a complete document).
    pub fn saw_eof(&self) -> bool {
        self.saw_eof
    }

    /// The next sample, where the caller expects it to be `expected`. In
    /// OpenMetrics, the very same line reads the same; a line that starts with
    /// the expected series and a space has its series end there, as scanning
    /// would find (a series is a name and, right after it, a closed label set; no
    /// space comes between them).
    pub fn next_expecting(
        &mut self,
        expected: Option<Expected<'_>>,
    ) -> Option<Result<RawSample<'a>, ParseError>> {
        let expected = expected.filter(|e| {
            self.dialect == Dialect::OpenMetrics
                && !e.series.is_empty()
                && e.text.get(e.series.len()) == Some(&b' ')
        });
        let line = match self.next_line()? {
            Ok(line) => line,
            Err(e) => return Some(Err(e)),
        };
        // One pass tells both: the very same line, or the same series and a space.
        let same = expected.map_or(0, |e| common_prefix(line, e.text));
        Some(self.sample(line, same, expected))
    }

    /// The sample in `line`, which shares its first `same` bytes with the
    /// expected line's text.
    fn sample(
        &self,
        line: &'a [u8],
        same: usize,
        expected: Option<Expected<'_>>,
    ) -> Result<RawSample<'a>, ParseError> {
        if let Some(e) = expected
            && same == line.len()
            && same == e.text.len()
        {
            return Ok(RawSample {
                series: &line[..e.series.len()],
                value: e.value,
                timestamp: e.timestamp,
                line: self.line_no,
                text: line,
            });
        }
        let mut c = Cursor::new(line, self.line_no);
        if self.dialect == Dialect::Text {
            c.skip_blanks();
        }
        let start = c.pos;
        c.pos = match expected.map(|e| e.series.len()) {
            Some(series_len) if same > series_len => series_len,
            _ => series_end(line, start, self.dialect)
                .ok_or_else(|| c.expected("a closing '}' after the labels"))?,
        };
        let series = &line[start..c.pos];
        if series.is_empty() {
            return Err(c.expected("a metric name"));
        }
        let (value, timestamp) = match self.dialect {
            Dialect::Text => promtext::sample_tail(&mut c)?,
            Dialect::OpenMetrics => {
                let (v, t, _exemplar) = openmetrics::sample_tail(&mut c)?;
                (v, t)
            }
        };
        Ok(RawSample {
            series,
            value,
            timestamp,
            line: self.line_no,
            text: line,
        })
    }
}

impl<'a> Iterator for SampleStream<'a> {
    type Item = Result<RawSample<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_expecting(None)
    }
}

impl<'a> SampleStream<'a> {
    /// The next sample line (or the error in its place).
    fn next_line(&mut self) -> Option<Result<&'a [u8], ParseError>> {
        if self.protobuf && self.offset < self.input.len() {
            self.offset = self.input.len();
            return Some(Err(ParseError::invalid(
                1,
                1,
                "a protobuf body: decode it with expo::protobuf, the sample stream reads text",
            )));
        }
        while self.offset < self.input.len() && !self.saw_eof {
            let rest = &self.input[self.offset..];
            let (line, advance) = match memchr::memchr(b'\n', rest) {
                Some(i) => (&rest[..i], i + 1),
                None => (rest, rest.len()),
            };
            self.offset += advance;
            self.line_no += 1;
            let first = line.iter().position(|&b| b != b' ' && b != b'\t');
            match (self.dialect, first.map(|i| line[i])) {
                (Dialect::OpenMetrics, _) if line == b"# EOF" => self.saw_eof = true,
                (Dialect::Text, None) | (_, Some(b'#')) => {}
                (Dialect::OpenMetrics, None) => {
                    return Some(Err(ParseError::invalid(
                        self.line_no,
                        1,
                        "blank lines are not allowed in OpenMetrics",
                    )));
                }
                _ => return Some(Ok(line)),
            }
        }
        None
    }
}

/// How many leading bytes `a` and `b` share. Eight at a time: the scrape path
/// compares every line with the last scrape's, and in wasm a slice comparison is
/// a byte-at-a-time loop.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n {
        let word = |s: &[u8]| u64::from_le_bytes(s[i..i + 8].try_into().unwrap_or_default());
        let differ = word(a) ^ word(b);
        if differ != 0 {
            // Little-endian: the lowest differing bit is in the first differing byte.
            return i + (differ.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// Whether `a` and `b` are the same bytes ([`common_prefix`]'s speed).
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && common_prefix(a, b) == a.len()
}

/// Where the series part of a sample line starting at `start` ends: after the name
/// and, if present, the label set (quotes and escapes respected). None if a label
/// set is not closed.
fn series_end(line: &[u8], start: usize, dialect: Dialect) -> Option<usize> {
    let mut i = start;
    while i < line.len() && is_name_char(line[i]) {
        i += 1;
    }
    let mut j = i;
    if dialect == Dialect::Text {
        while j < line.len() && matches!(line[j], b' ' | b'\t') {
            j += 1;
        }
    }
    if line.get(j) != Some(&b'{') {
        return Some(i);
    }
    let mut in_quotes = false;
    let mut k = j + 1;
    while k < line.len() {
        match line[k] {
            b'\\' if in_quotes => k += 1,
            b'"' => in_quotes = !in_quotes,
            b'}' if !in_quotes => return Some(k + 1),
            _ => {}
        }
        k += 1;
    }
    None
}

/// The metric name and labels of a series as written in a sample line (a cache miss).
pub fn parse_series(
    series: &[u8],
    format: Format,
    line: u32,
) -> Result<(String, Labels), ParseError> {
    // A protobuf series written out as text uses OpenMetrics's syntax (quoted UTF-8 names).
    let dialect = match format {
        Format::Text => Dialect::Text,
        Format::OpenMetrics | Format::Protobuf => Dialect::OpenMetrics,
    };
    let mut c = Cursor::new(series, line);
    let parsed = c.series(dialect)?;
    if !c.at_end() {
        return Err(c.expected("the end of the series"));
    }
    Ok((parsed.name, parsed.labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefix_is_the_first_difference() {
        let a = b"http_requests_total{route=\"/api\",status=\"200\"} 1234.0";
        for len in 0..=a.len() {
            for at in 0..len {
                let mut b = a[..len].to_vec();
                b[at] ^= 0x20;
                assert_eq!(common_prefix(a, &b), at);
                assert_eq!(common_prefix(&b, a), at);
                assert!(!same_bytes(&a[..len], &b));
            }
            assert_eq!(common_prefix(a, &a[..len]), len);
            assert!(same_bytes(&a[..len], &a[..len]));
            assert!(len == a.len() || !same_bytes(a, &a[..len]));
        }
    }

    fn collect(input: &str, format: Format) -> Vec<Result<RawSample<'_>, ParseError>> {
        SampleStream::new(input.as_bytes(), format).collect()
    }

    #[test]
    fn text_samples_with_their_series_bytes() {
        let input = "# HELP a x\n# TYPE a counter\na{b=\"}\\\"\"} 1 123\n  c 2\n\nd {e=\"f\"}\t3\n";
        let samples: Vec<RawSample> = collect(input, Format::Text)
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(samples.len(), 3);
        assert_eq!(samples[0].series, b"a{b=\"}\\\"\"}");
        assert_eq!(samples[0].timestamp, Some(Timestamp::Millis(123)));
        assert_eq!(
            (samples[1].series, samples[1].value, samples[1].line),
            (&b"c"[..], 2.0, 4)
        );
        assert_eq!(samples[2].series, b"d {e=\"f\"}");
        let (name, labels) = parse_series(samples[2].series, Format::Text, 6).unwrap();
        assert_eq!(name, "d");
        assert_eq!(labels, vec![("e".to_string(), "f".to_string())]);
    }

    #[test]
    fn openmetrics_stops_at_eof_and_reports_bad_lines() {
        let input = "# TYPE a counter\na_total 1 # {t=\"x\"} 1\na_total{ 2\n{\"u.v\"} 3\n# EOF\n";
        let mut stream = SampleStream::new(input.as_bytes(), Format::OpenMetrics);
        assert_eq!(stream.next().unwrap().unwrap().series, b"a_total");
        let err = stream.next().unwrap().unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(stream.next().unwrap().unwrap().series, b"{\"u.v\"}");
        assert!(stream.next().is_none());
        assert!(stream.saw_eof());
        assert_eq!(
            parse_series(b"{\"u.v\"}", Format::OpenMetrics, 4)
                .unwrap()
                .0,
            "u.v"
        );
    }

    #[test]
    fn invalid_series_are_caught_on_the_miss_path() {
        assert!(parse_series(b"a{b=1}", Format::Text, 1).is_err());
        assert!(parse_series(b"0a", Format::Text, 1).is_err());
    }

    /// Whatever series (of those the stream returns) the caller expects, a line
    /// reads as it does without one: lines drawn from pieces that are prefixes of
    /// each other, labels that differ in a value or a quote, spaces, bad lines.
    #[test]
    fn an_expected_series_never_changes_what_a_line_reads() {
        let pieces = [
            "a",
            "ab",
            "a{b=\"1\"}",
            "a{b=\"1\",c=\"}\"}",
            "a{b=\"1 2\"}",
            "a{b=\"\\\"\"}",
            "a {b=\"1\"}",
            "a{b=\"1\"",
            "a{}",
            "{\"a.b\"}",
            "",
        ];
        let tails = [" 1", " 1 2", "  1", " x", "", " 1 # {t=\"1\"} 2", " +Inf"];
        let mut lines = Vec::new();
        for p in pieces {
            for t in tails {
                lines.push(format!("{p}{t}"));
            }
        }
        // Comments between samples: an expectation reaches past them.
        lines.insert(3, "# HELP a h".into());
        lines.insert(20, "# TYPE a counter".into());
        let text = lines.join("\n") + "\n# EOF\n";
        let plain: Vec<_> = collect(&text, Format::OpenMetrics);
        let seen: Vec<Expected> = plain.iter().flatten().map(Expected::of).collect();
        let mut seed = 1u64;
        for round in 0..200 {
            let mut stream = SampleStream::new(text.as_bytes(), Format::OpenMetrics);
            let mut got = Vec::new();
            loop {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let expected = seen[(seed >> 33) as usize % seen.len()];
                let expected = (round % 5 != 0).then_some(expected);
                match stream.next_expecting(expected) {
                    Some(item) => got.push(item),
                    None => break,
                }
            }
            assert_eq!(got, plain, "round {round}");
        }
    }
}
