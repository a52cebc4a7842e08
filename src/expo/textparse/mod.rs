//! Parsers for the two exposition formats behind one interface, as Prometheus's
//! `model/textparse` has them: Prometheus text 0.0.4 (`promtext`) and OpenMetrics
//! 1.0 (`openmetrics`, with its validity rules in `om_rules`). Both read bytes line
//! by line with a shared `cursor`, group samples into families with `families`, and
//! keep going after a bad line so that every error is reported with its position.
//! The OpenMetrics 2.0 draft's native histograms (`native`) are read when the parser
//! is asked for that version (`parse_with_version`, `Parser::openmetrics_version`).

mod cursor;
mod error;
mod families;
mod native;
mod om_rules;
mod openmetrics;
mod promtext;
mod stream;
mod tokens;

pub use cursor::{is_legacy_label_name, is_legacy_metric_name, unescape_help};
pub use error::{ErrorKind, ParseError};
pub use families::FamilyLines;
pub use native::parse_value as parse_native_histogram_value;
pub use stream::{Expected, RawSample, SampleStream, parse_series, same_bytes};
pub use tokens::{Token, TokenKind, line_tokens};

use crate::expo::{MetricFamily, OpenMetricsVersion};
use cursor::{Cursor, Dialect};
use families::Assembler;

/// An exposition format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Prometheus text format 0.0.4.
    Text,
    /// OpenMetrics 1.0.0.
    OpenMetrics,
    /// Prometheus's protobuf format (length-delimited `MetricFamily` messages),
    /// binary: decoded by `expo::protobuf`, not by the line parsers here.
    Protobuf,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "Prometheus text 0.0.4",
            Format::OpenMetrics => "OpenMetrics 1.0",
            Format::Protobuf => "Prometheus protobuf",
        }
    }

    /// The `Content-Type` a server sends for this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Format::Protobuf => crate::expo::protobuf::CONTENT_TYPE,
        }
    }

    /// The format a `Content-Type` header names, if it names one.
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        let ct = content_type.trim_start().to_ascii_lowercase();
        if ct.starts_with("application/openmetrics-text") {
            Some(Format::OpenMetrics)
        } else if ct.starts_with("text/plain") {
            Some(Format::Text)
        } else if crate::expo::protobuf::is_content_type(content_type) {
            Some(Format::Protobuf)
        } else {
            None
        }
    }
}

/// How to parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseOptions {
    /// The format, or `None` to detect it (`detect_format`).
    pub format: Option<Format>,
    /// Enforce OpenMetrics's validity rules beyond the grammar (`om_rules`).
    /// Prometheus itself accepts some input these rules reject.
    pub strict: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            format: None,
            strict: true,
        }
    }
}

/// What one input line turned out to be; indexes point into `Parsed::families`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Blank,
    Comment,
    Help(usize),
    Type(usize),
    Unit(usize),
    /// (family, sample within the family)
    Sample(usize, usize),
    Eof,
    /// The line has an error (see `Parsed::errors`) and contributed nothing.
    Error,
}

/// The result of parsing: everything that parsed, and every error found.
#[derive(Clone, Debug)]
pub struct Parsed {
    pub format: Format,
    pub families: Vec<MetricFamily>,
    /// Where each family's lines are, parallel to `families`.
    pub family_lines: Vec<FamilyLines>,
    /// One entry per input line.
    pub lines: Vec<LineKind>,
    /// Sorted by position.
    pub errors: Vec<ParseError>,
}

impl Parsed {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Guesses the format: OpenMetrics if the text ends with `# EOF` or uses something
/// only OpenMetrics has (`# UNIT`, its extra types); text 0.0.4 otherwise.
pub fn detect_format(input: &[u8]) -> Format {
    let trimmed = input.trim_ascii_end();
    if trimmed.ends_with(b"\n# EOF") || trimmed == b"# EOF" {
        return Format::OpenMetrics;
    }
    let om_only = input.split(|&b| b == b'\n').any(|line| {
        line.starts_with(b"# UNIT ")
            || (line.starts_with(b"# TYPE ")
                && [&b" gaugehistogram"[..], b" stateset", b" info", b" unknown"]
                    .iter()
                    .any(|t| line.ends_with(t)))
    });
    if om_only {
        Format::OpenMetrics
    } else {
        Format::Text
    }
}

/// Whether OpenMetrics `input` (in `format`, or detected) is to be read as the 2.0
/// draft: it has a native-histogram sample (a value `{count:...}`), which 1.0 has
/// no syntax for. A pasted text has no content type to say `version=2.0.0`.
pub fn uses_openmetrics2_draft(input: &[u8], format: Option<Format>) -> bool {
    format.unwrap_or_else(|| detect_format(input)) == Format::OpenMetrics
        && input
            .split(|&b| b == b'\n')
            .any(|line| !line.starts_with(b"#") && line.windows(8).any(|w| w == b" {count:"))
}

/// Parses exposition text (bytes: invalid UTF-8 is reported, not assumed away).
/// `Format::Protobuf` (never detected: pass it) goes to `expo::protobuf`'s decoder.
pub fn parse(input: &[u8], options: ParseOptions) -> Parsed {
    parse_with_version(input, options, OpenMetricsVersion::V1)
}

/// `parse`, reading OpenMetrics as `version` (the 2.0 draft adds native histograms).
pub fn parse_with_version(
    input: &[u8],
    options: ParseOptions,
    version: OpenMetricsVersion,
) -> Parsed {
    let mut parser = Parser::new(input, options).openmetrics_version(version);
    while !parser.step(usize::MAX) {}
    parser.finish()
}

/// A parse that can be done a slice at a time (`step`), so that a page can parse
/// megabytes without blocking: it parses some lines, yields, and carries on.
pub struct Parser<'a> {
    input: &'a [u8],
    options: ParseOptions,
    format: Format,
    dialect: Dialect,
    om_version: OpenMetricsVersion,
    asm: Assembler,
    errors: Vec<ParseError>,
    lines: Vec<LineKind>,
    /// Byte offset of the next line to parse.
    offset: usize,
    eof_line: Option<u32>,
    after_eof_reported: bool,
}

impl<'a> Parser<'a> {
    pub fn new(input: &'a [u8], options: ParseOptions) -> Parser<'a> {
        let format = options.format.unwrap_or_else(|| detect_format(input));
        let dialect = match format {
            Format::Text => Dialect::Text,
            Format::OpenMetrics | Format::Protobuf => Dialect::OpenMetrics,
        };
        Parser {
            input,
            options,
            format,
            dialect,
            om_version: OpenMetricsVersion::V1,
            asm: Assembler::new(
                dialect,
                dialect == Dialect::OpenMetrics && !options.strict,
                input.len(),
            ),
            errors: Vec::new(),
            lines: Vec::new(),
            offset: 0,
            eof_line: None,
            after_eof_reported: false,
        }
    }

    /// Reads OpenMetrics as `version` (1.0 unless asked); text 0.0.4 is unaffected.
    pub fn openmetrics_version(mut self, version: OpenMetricsVersion) -> Parser<'a> {
        self.om_version = version;
        self
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// How far the parse has got, in bytes of input.
    pub fn bytes_done(&self) -> usize {
        self.offset.min(self.input.len())
    }

    /// Parses up to `max_lines` more lines; returns true when the input is used up.
    pub fn step(&mut self, max_lines: usize) -> bool {
        if self.format == Format::Protobuf {
            // Decoded as a whole by `finish`.
            return true;
        }
        for _ in 0..max_lines {
            // A final newline ends the last line rather than starting an empty one.
            if self.offset >= self.input.len() {
                return true;
            }
            let rest = &self.input[self.offset..];
            let (raw, advance) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => (&rest[..i], i + 1),
                None => (rest, rest.len()),
            };
            self.offset += advance;
            self.parse_line(raw);
        }
        self.offset >= self.input.len()
    }

    fn parse_line(&mut self, raw: &[u8]) {
        let line_no = self.lines.len() as u32 + 1;
        if let Some(eof) = self.eof_line {
            if !self.after_eof_reported {
                self.errors.push(ParseError::invalid(
                    line_no,
                    1,
                    format!("unexpected content after # EOF (line {eof})"),
                ));
                self.after_eof_reported = true;
            }
            self.lines.push(LineKind::Error);
            return;
        }
        let mut cursor = Cursor::new(raw, line_no);
        let result = match self.dialect {
            Dialect::Text => promtext::parse_line(&mut cursor, &mut self.asm),
            Dialect::OpenMetrics => {
                openmetrics::parse_line(&mut cursor, &mut self.asm, self.om_version)
            }
        };
        match result {
            Ok(kind) => {
                if kind == LineKind::Eof {
                    self.eof_line = Some(line_no);
                }
                self.lines.push(kind);
            }
            Err(error) => {
                self.errors.push(error);
                self.lines.push(LineKind::Error);
            }
        }
    }

    /// Parses whatever is left, applies the whole-input checks and returns the result.
    pub fn finish(mut self) -> Parsed {
        if self.format == Format::Protobuf {
            return parse_protobuf(self.input);
        }
        while !self.step(usize::MAX) {}
        if self.dialect == Dialect::OpenMetrics {
            if self.eof_line.is_none() {
                let next = self.lines.len() as u32 + 1;
                self.errors.push(ParseError::syntax(
                    next,
                    1,
                    "\"# EOF\" ending the OpenMetrics text",
                    "the end of the input".into(),
                ));
            }
            if self.options.strict {
                self.errors
                    .extend(om_rules::check(&self.asm.families, &self.asm.lines));
            }
        }
        crate::sort::sort_by_key(&mut self.errors[..], |e| (e.line, e.column));
        Parsed {
            format: self.format,
            families: self.asm.families,
            family_lines: self.asm.lines,
            lines: self.lines,
            errors: self.errors,
        }
    }
}

/// A protobuf body through `expo::protobuf`: the families decoded before the first
/// error, and that error at line 1, column = byte offset + 1 (the input has no lines).
fn parse_protobuf(input: &[u8]) -> Parsed {
    use crate::expo::protobuf::{DecodeOptions, decode_partial};
    let (families, error) = decode_partial(input, DecodeOptions::default());
    let family_lines = families
        .iter()
        .map(|f| FamilyLines {
            first: 1,
            samples: vec![1; f.samples.len()],
            ..FamilyLines::default()
        })
        .collect();
    let errors = error
        .map(|e| {
            let column = u32::try_from(e.offset + 1).unwrap_or(u32::MAX);
            vec![ParseError::invalid(1, column, e.to_string())]
        })
        .unwrap_or_default();
    Parsed {
        format: Format::Protobuf,
        families,
        family_lines,
        lines: Vec::new(),
        errors,
    }
}

#[cfg(test)]
mod native_tests;
#[cfg(test)]
mod tests;
