//! OpenMetrics 1.0 text: single spaces between tokens, `# HELP`, `# TYPE` and
//! `# UNIT` metadata, float-second timestamps, exemplars after ` # `, and a final
//! `# EOF`. This file reads the grammar; `om_rules` checks the spec's validity rules.
//! With the 2.0 draft on, a sample's value may be a native histogram (`native`).

use super::LineKind;
use super::cursor::{Cursor, Dialect, parse_float, unescape_help};
use super::error::ParseError;
use super::families::{Assembler, Meta};
use super::native;
use crate::expo::model::NativeHistogram;
use crate::expo::{Exemplar, MetricType, OpenMetricsVersion, Sample, Timestamp};

pub fn parse_line(
    c: &mut Cursor,
    asm: &mut Assembler,
    version: OpenMetricsVersion,
) -> Result<LineKind, ParseError> {
    match c.peek() {
        None => Err(c.invalid_at(0, "blank lines are not allowed in OpenMetrics")),
        Some(b'#') => metadata(c, asm),
        Some(_) => sample_line(c, asm, version),
    }
}

fn metadata(c: &mut Cursor, asm: &mut Assembler) -> Result<LineKind, ParseError> {
    if c.line == b"# EOF" {
        return Ok(LineKind::Eof);
    }
    if c.line.starts_with(b"# EOF") {
        return Err(c.invalid_at(5, "unexpected content after # EOF on the same line"));
    }
    c.pos += 1;
    c.expect_byte(
        b' ',
        "a space after '#' (OpenMetrics has no comments, only # HELP, # TYPE, # UNIT and # EOF)",
    )?;
    let keyword = c.take_while(|b| b.is_ascii_uppercase());
    let meta = match keyword {
        b"HELP" => Meta::Help,
        b"TYPE" => Meta::Type,
        b"UNIT" => Meta::Unit,
        _ => {
            c.pos -= keyword.len();
            return Err(c.expected("HELP, TYPE, UNIT or EOF after '# '"));
        }
    };
    c.expect_byte(b' ', "a space and a metric name after the keyword")?;
    let name_column = c.column();
    let name = c.metric_name(match meta {
        Meta::Help => "a metric name after HELP",
        Meta::Type => "a metric name after TYPE",
        Meta::Unit => "a metric name after UNIT",
    })?;
    c.expect_byte(
        b' ',
        match meta {
            Meta::Help => "a space and the help text after the metric name",
            Meta::Type => "a space and the metric type after the metric name",
            Meta::Unit => "a space and the unit after the metric name",
        },
    )?;
    let rest = c.rest();
    let line = c.line_no;
    let family = match meta {
        Meta::Help => {
            let help = String::from_utf8(unescape_help(rest, true))
                .map_err(|_| c.invalid_at(c.pos, "invalid UTF-8 in the help text"))?;
            asm.metadata(meta, &name, line, name_column, |f| f.help = Some(help))?
        }
        Meta::Type => {
            let word = std::str::from_utf8(rest).unwrap_or("");
            let Some(metric_type) = MetricType::from_openmetrics(word) else {
                return Err(c.invalid_at(
                    c.pos,
                    format!(
                        "invalid metric type {:?}: OpenMetrics knows counter, gauge, histogram, gaugehistogram, summary, info, stateset and unknown",
                        String::from_utf8_lossy(rest)
                    ),
                ));
            };
            asm.metadata(meta, &name, line, name_column, |f| {
                f.metric_type = metric_type
            })?
        }
        Meta::Unit => {
            let unit = String::from_utf8(rest.to_vec())
                .map_err(|_| c.invalid_at(c.pos, "invalid UTF-8 in the unit"))?;
            asm.metadata(meta, &name, line, name_column, |f| f.unit = Some(unit))?
        }
    };
    Ok(match meta {
        Meta::Help => LineKind::Help(family),
        Meta::Type => LineKind::Type(family),
        Meta::Unit => LineKind::Unit(family),
    })
}

/// Reads a number token up to the next space; `what` names it in errors.
fn number(
    c: &mut Cursor,
    what: &'static str,
    expected: &'static str,
) -> Result<(f64, usize), ParseError> {
    let start = c.pos;
    let token = c.take_while(|b| b != b' ');
    if token.is_empty() {
        return Err(c.expected(expected));
    }
    match parse_float(token) {
        Some(v) => Ok((v, start)),
        None => Err(c.invalid_at(
            start,
            format!(
                "invalid {what} {:?}: expected a decimal number, Inf or NaN",
                String::from_utf8_lossy(token)
            ),
        )),
    }
}

/// A timestamp in seconds: finite, integer or decimal.
pub(super) fn timestamp(
    c: &mut Cursor,
    what: &'static str,
    expected: &'static str,
) -> Result<Timestamp, ParseError> {
    let start = c.pos;
    let token = c.take_while(|b| b != b' ');
    let text = String::from_utf8_lossy(token);
    if let Some(whole) = (!text.contains(['.', 'e', 'E']))
        .then(|| text.parse::<i64>().ok())
        .flatten()
    {
        return Ok(Timestamp::WholeSeconds(whole));
    }
    match parse_float(token) {
        Some(v) if v.is_finite() => Ok(Timestamp::Seconds(v)),
        Some(_) => Err(c.invalid_at(
            start,
            format!("invalid {what} {text}: a timestamp must be a finite number"),
        )),
        None if token.is_empty() => Err(c.expected(expected)),
        None => Err(c.invalid_at(
            start,
            format!("invalid {what} {text:?}: expected a number of seconds"),
        )),
    }
}

fn sample_line(
    c: &mut Cursor,
    asm: &mut Assembler,
    version: OpenMetricsVersion,
) -> Result<LineKind, ParseError> {
    let series = c.series(Dialect::OpenMetrics)?;
    if c.rest().starts_with(b" {") {
        if version != OpenMetricsVersion::V2Draft {
            return Err(c.invalid_at(c.pos + 1, native::NOT_IN_V1));
        }
        c.pos += 1;
        let histogram = native::value(c)?;
        let (timestamp, mut exemplars) = native::tail(c)?;
        // `value` carries the count for readers that do not look at `native`.
        let mut sample = Sample::new(series.name, series.labels, histogram.count as f64);
        sample.timestamp = timestamp;
        if !exemplars.is_empty() {
            sample.exemplar = Some(exemplars.remove(0));
        }
        sample.extra_exemplars = exemplars;
        sample.native = Some(Box::new(NativeHistogram::Int(histogram)));
        let (family, index) = asm.sample(sample, c.line_no);
        return Ok(LineKind::Sample(family, index));
    }
    let (value, timestamp, exemplar) = sample_tail(c)?;
    let mut sample = Sample::new(series.name, series.labels, value);
    sample.timestamp = timestamp;
    sample.exemplar = exemplar;
    let (family, index) = asm.sample(sample, c.line_no);
    Ok(LineKind::Sample(family, index))
}

/// What follows the series on a sample line: ` value [timestamp] [# exemplar]`.
pub fn sample_tail(
    c: &mut Cursor,
) -> Result<(f64, Option<Timestamp>, Option<Exemplar>), ParseError> {
    c.expect_byte(b' ', "a space and the sample value after the metric")?;
    if c.peek() == Some(b'{') {
        return Err(c.invalid_at(c.pos, native::NOT_IN_V1));
    }
    let (value, _) = number(c, "sample value", "a sample value")?;
    let (mut timestamp_value, mut exemplar_value) = (None, None);
    if c.eat(b' ') {
        if c.peek() != Some(b'#') {
            timestamp_value = Some(timestamp(c, "timestamp", "a timestamp")?);
            if !c.at_end() {
                c.expect_byte(b' ', "a space or the end of the line after the timestamp")?;
                if c.peek() != Some(b'#') {
                    return Err(c.expected(
                        "' # ' and an exemplar, or the end of the line, after the timestamp",
                    ));
                }
            }
        }
        if c.eat(b'#') {
            exemplar_value = Some(exemplar(c)?);
            if c.rest().starts_with(b" #") {
                return Err(c.invalid_at(
                    c.pos + 1,
                    "a sample has at most one exemplar (the OpenMetrics 2.0 draft allows \
                     several, on native histogram samples only)",
                ));
            }
        }
    }
    if !c.at_end() {
        return Err(c.expected("a space, a timestamp or the end of the line"));
    }
    Ok((value, timestamp_value, exemplar_value))
}

/// ` {labels} value [timestamp]` after the `#`.
pub(super) fn exemplar(c: &mut Cursor) -> Result<Exemplar, ParseError> {
    c.expect_byte(b' ', "a space and the exemplar's labels after '#'")?;
    c.expect_byte(b'{', "'{' opening the exemplar's labels")?;
    let mut no_name = None;
    let labels = c.label_set(Dialect::OpenMetrics, &mut no_name)?;
    if no_name.is_some() {
        return Err(c.invalid_at(c.pos, "an exemplar's labels cannot name a metric"));
    }
    c.expect_byte(b' ', "a space and the exemplar value after its labels")?;
    let (value, _) = number(c, "exemplar value", "an exemplar value")?;
    let mut timestamp_value = None;
    // ` # ` after the value starts the next exemplar (2.0 draft), not a timestamp.
    if c.peek() == Some(b' ') && c.line.get(c.pos + 1) != Some(&b'#') {
        c.pos += 1;
        timestamp_value = Some(timestamp(c, "exemplar timestamp", "an exemplar timestamp")?);
    }
    Ok(Exemplar {
        labels,
        value,
        timestamp: timestamp_value,
    })
}
