//! Any bytes, either format, strict or lenient, full parse or the scrape path: the
//! parser must return (errors are fine), never panic, and every error must carry a
//! position inside the input. The highlighter's tokens must cover every line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promplay::expo::textparse::{
    Format, ParseOptions, SampleStream, line_tokens, parse, parse_series,
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
