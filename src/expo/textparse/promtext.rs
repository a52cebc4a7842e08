//! Prometheus text format 0.0.4, as Prometheus's own parsers read it: blanks and
//! tabs between tokens, `# HELP` and `# TYPE` metadata (other `#` lines are
//! comments), integer millisecond timestamps, no exemplars.

use super::LineKind;
use super::cursor::{Cursor, Dialect, parse_float, unescape_help};
use super::error::ParseError;
use super::families::{Assembler, Meta};
use crate::expo::{MetricType, Sample, Timestamp};

pub fn parse_line(c: &mut Cursor, asm: &mut Assembler) -> Result<LineKind, ParseError> {
    c.skip_blanks();
    match c.peek() {
        None => Ok(LineKind::Blank),
        Some(b'#') => comment_or_metadata(c, asm),
        Some(_) => sample_line(c, asm),
    }
}

fn comment_or_metadata(c: &mut Cursor, asm: &mut Assembler) -> Result<LineKind, ParseError> {
    c.pos += 1;
    c.skip_blanks();
    let keyword_start = c.pos;
    let keyword = c.take_word();
    let meta = match keyword {
        b"HELP" => Meta::Help,
        b"TYPE" => Meta::Type,
        _ => return Ok(LineKind::Comment),
    };
    if !c.skip_blanks() {
        // "# HELPfoo" is a comment, not metadata.
        if c.at_end() {
            return Err(c.expected(if meta == Meta::Help {
                "a metric name after HELP"
            } else {
                "a metric name after TYPE"
            }));
        }
        c.pos = keyword_start;
        return Ok(LineKind::Comment);
    }
    let name_column = c.column();
    let name = c.metric_name(if meta == Meta::Help {
        "a metric name after HELP"
    } else {
        "a metric name after TYPE"
    })?;
    let separated = c.skip_blanks();
    match meta {
        Meta::Help => {
            if !separated && !c.at_end() {
                return Err(c.expected("a space after the metric name"));
            }
            let help = unescape_help(c.rest(), false);
            let help = String::from_utf8(help)
                .map_err(|_| c.invalid_at(c.pos, "invalid UTF-8 in the help text"))?;
            let family = asm.metadata(Meta::Help, &name, c.line_no, name_column, |f| {
                f.help = Some(help)
            })?;
            Ok(LineKind::Help(family))
        }
        _ => {
            if !separated {
                return Err(c.expected("a space and a metric type after the metric name"));
            }
            let type_start = c.pos;
            let word = c.take_word();
            c.skip_blanks();
            let metric_type = std::str::from_utf8(word)
                .ok()
                .and_then(MetricType::from_text);
            let Some(metric_type) = metric_type.filter(|_| c.at_end()) else {
                return Err(c.invalid_at(
                    type_start,
                    format!(
                        "invalid metric type {:?}: text 0.0.4 knows counter, gauge, histogram, summary and untyped",
                        String::from_utf8_lossy(&c.line[type_start..]).trim_end()
                    ),
                ));
            };
            let family = asm.metadata(Meta::Type, &name, c.line_no, name_column, |f| {
                f.metric_type = metric_type
            })?;
            Ok(LineKind::Type(family))
        }
    }
}

fn sample_line(c: &mut Cursor, asm: &mut Assembler) -> Result<LineKind, ParseError> {
    let series = c.series(Dialect::Text)?;
    let (value, timestamp) = sample_tail(c)?;
    let mut sample = Sample::new(series.name, series.labels, value);
    sample.timestamp = timestamp;
    check_reserved_labels(c, asm, &sample, series.name_column)?;
    let (family, index) = asm.sample(sample, c.line_no);
    Ok(LineKind::Sample(family, index))
}

/// What follows the series on a sample line: blanks, the value, optionally blanks and
/// an integer millisecond timestamp, optional trailing blanks.
pub fn sample_tail(c: &mut Cursor) -> Result<(f64, Option<Timestamp>), ParseError> {
    if !c.skip_blanks() {
        return Err(c.expected("a space and the sample value after the metric"));
    }
    let value_start = c.pos;
    let token = c.take_word();
    if token.is_empty() {
        return Err(c.expected("the sample value"));
    }
    let value = parse_float(token).ok_or_else(|| {
        c.invalid_at(
            value_start,
            format!(
                "invalid sample value {:?}: expected a decimal number, Inf or NaN",
                String::from_utf8_lossy(token)
            ),
        )
    })?;
    let mut timestamp = None;
    if c.skip_blanks() && !c.at_end() {
        let ts_start = c.pos;
        let digits = c.take_while(|b| b.is_ascii_digit() || b == b'-');
        let parsed = std::str::from_utf8(digits)
            .ok()
            .and_then(|s| s.parse::<i64>().ok());
        match parsed {
            Some(ms) if c.at_end() || matches!(c.peek(), Some(b' ' | b'\t')) => {
                timestamp = Some(Timestamp::Millis(ms));
            }
            // Digits followed by something else: point at the something else.
            Some(_) => return Err(c.expected("a space or the end of the line after the timestamp")),
            None => {
                c.pos = ts_start;
                return Err(
                    c.expected("a timestamp in integer milliseconds, or the end of the line")
                );
            }
        }
        c.skip_blanks();
        if !c.at_end() {
            return Err(c.expected("the end of the line after the timestamp"));
        }
    } else if !c.at_end() {
        return Err(c.expected("a space, a timestamp or the end of the line"));
    }
    Ok((value, timestamp))
}

/// Histogram buckets need `le` and summary quantiles need `quantile`, as Prometheus's
/// text parser insists. Checked before the sample joins its family.
fn check_reserved_labels(
    c: &Cursor,
    asm: &Assembler,
    sample: &Sample,
    column: u32,
) -> Result<(), ParseError> {
    let Some(family) = asm.owner_of(&sample.name).map(|i| &asm.families[i]) else {
        return Ok(());
    };
    let missing = match family.metric_type {
        MetricType::Histogram if sample.name == format!("{}_bucket", family.name) => {
            sample.label("le").is_none().then_some("le")
        }
        MetricType::Summary if sample.name == family.name => {
            sample.label("quantile").is_none().then_some("quantile")
        }
        _ => None,
    };
    match missing {
        Some(label) => Err(ParseError::invalid(
            c.line_no,
            column,
            format!(
                "{} of {} {} has no {label:?} label",
                sample.name, family.metric_type, family.name
            ),
        )),
        None => Ok(()),
    }
}
