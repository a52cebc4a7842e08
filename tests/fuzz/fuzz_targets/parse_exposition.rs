//! Any bytes, either format, strict or lenient, full parse or the scrape path: the
//! parser must return (errors are fine), never panic, and every error must carry a
//! position inside the input. The highlighter's tokens must cover every line.
//! OpenMetrics is also read as the 2.0 draft: a native histogram value that parses
//! must be written back by the encoder and parse again to the same histogram.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promplay::expo::OpenMetricsVersion;
use promplay::expo::encode::native::native_histogram_value;
use promplay::expo::textparse::{
    Format, ParseOptions, SampleStream, line_tokens, parse, parse_native_histogram_value,
    parse_series, parse_with_version,
};

fuzz_target!(|data: &[u8]| {
    let lines = data.split(|&b| b == b'\n').count() as u32 + 1;
    for format in [None, Some(Format::Text), Some(Format::OpenMetrics)] {
        for strict in [false, true] {
            let parsed = parse(data, ParseOptions { format, strict });
            for error in &parsed.errors {
                assert!(error.line >= 1 && error.line <= lines, "{error} outside {lines} lines");
                assert!(error.column >= 1);
            }
            assert!(parsed.lines.len() as u32 <= lines);
        }
    }
    // The 2.0 draft: positions as above, and native values survive encode -> parse.
    for strict in [false, true] {
        let options = ParseOptions {
            format: Some(Format::OpenMetrics),
            strict,
        };
        let parsed = parse_with_version(data, options, OpenMetricsVersion::V2Draft);
        for error in &parsed.errors {
            assert!(error.line >= 1 && error.line <= lines, "{error} outside {lines} lines");
            assert!(error.column >= 1);
        }
        for sample in parsed.families.iter().flat_map(|f| &f.samples) {
            let Some(native) = &sample.native else {
                continue;
            };
            let written = native_histogram_value(native).expect("integer histograms are written");
            let again = parse_native_histogram_value(written.as_bytes())
                .unwrap_or_else(|e| panic!("{written}: {e}"));
            let promplay::expo::model::NativeHistogram::Int(first) = native.as_ref() else {
                panic!("the parser makes integer histograms");
            };
            let same_sum = first.sum == again.sum || (first.sum.is_nan() && again.sum.is_nan());
            let mut again = again;
            again.counter_reset_hint = first.counter_reset_hint;
            again.sum = first.sum;
            assert!(same_sum && again == *first, "{written}");
        }
    }
    // The scrape path: the stream, and the labels of every series it returns.
    for format in [Format::Text, Format::OpenMetrics] {
        for sample in SampleStream::new(data, format).flatten() {
            let _ = parse_series(sample.series, format, sample.line);
        }
    }
    // The highlighter's tokens cover each line exactly, on character boundaries.
    if let Ok(text) = std::str::from_utf8(data) {
        for line in text.lines() {
            let mut at = 0;
            for token in line_tokens(line) {
                assert_eq!(token.span.start, at);
                assert!(line.is_char_boundary(token.span.end));
                at = token.span.end;
            }
            assert_eq!(at, line.len());
        }
    }
});
