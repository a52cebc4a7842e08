//! The OpenMetrics 2.0 draft's native histogram sample, as client_python 0.26 writes
//! it with `version=2.0.0`:
//!
//! ```text
//! nh{a="b"} {count:24,sum:100,schema:0,zero_threshold:0.001,zero_count:4,negative_spans:[0:2,1:2],negative_deltas:[2,1,-2,3],positive_spans:[0:2,1:2],positive_deltas:[2,1,-3,3]} # {trace_id="x"} 0.67 # {trace_id="y"} 9.8 1520879607.789
//! ```
//!
//! Fields may come in any order, each at most once. `count`, `sum`, `schema`,
//! `zero_threshold` and `zero_count` are required; a side's spans (`offset:length`)
//! and deltas (the first bucket's count, then differences, as in the protobuf) come
//! together or not at all. After the value: an optional timestamp, then any number
//! of ` # {labels} value [timestamp]` exemplars.
//!
//! Structure is checked (spans covering the deltas, no negative bucket count, a known
//! schema); the count is not checked against the buckets, as client_python's own
//! test data does not keep that invariant.

use super::cursor::{Cursor, parse_float};
use super::error::ParseError;
use super::openmetrics::{exemplar, timestamp};
use crate::expo::{Exemplar, Timestamp};
use crate::histogram::{EXPONENTIAL_SCHEMA_MAX, EXPONENTIAL_SCHEMA_MIN, Histogram, Span};

/// The draft's fields, in the order client_python writes them.
const FIELDS: [&str; 9] = [
    "count",
    "sum",
    "schema",
    "zero_threshold",
    "zero_count",
    "negative_spans",
    "negative_deltas",
    "positive_spans",
    "positive_deltas",
];
const REQUIRED: usize = 5;
const FIELD_LIST: &str = "count, sum, schema, zero_threshold, zero_count, negative_spans, \
                          negative_deltas, positive_spans or positive_deltas";

/// The message for a native histogram value met while reading OpenMetrics 1.0.
pub const NOT_IN_V1: &str = "a native histogram value ({count:…,sum:…,schema:…,…}) is the \
    OpenMetrics 2.0 draft's syntax (version=2.0.0); OpenMetrics 1.0 wants a number here";

/// Parses a whole native histogram value, e.g. `{count:0,sum:0,schema:3,zero_threshold:0,zero_count:0}`.
pub fn parse_value(text: &[u8]) -> Result<Histogram, ParseError> {
    let mut c = Cursor::new(text, 1);
    let histogram = value(&mut c)?;
    if !c.at_end() {
        return Err(c.expected("the end of the native histogram value"));
    }
    Ok(histogram)
}

/// The `{…}` value at the cursor.
pub fn value(c: &mut Cursor) -> Result<Histogram, ParseError> {
    let open = c.pos;
    c.expect_byte(b'{', "'{' opening the native histogram value")?;
    let mut h = Histogram::default();
    let mut seen = [None::<usize>; FIELDS.len()];
    loop {
        let key_start = c.pos;
        let key = c.take_while(|b| b.is_ascii_alphanumeric() || b == b'_');
        if key.is_empty() {
            return Err(c.expected(
                "a native histogram field (count, sum, schema, zero_threshold, zero_count, \
                 negative_spans, negative_deltas, positive_spans or positive_deltas)",
            ));
        }
        let Some(field) = FIELDS.iter().position(|f| f.as_bytes() == key) else {
            return Err(c.invalid_at(
                key_start,
                format!(
                    "unknown native histogram field {:?}: expected {FIELD_LIST}",
                    String::from_utf8_lossy(key)
                ),
            ));
        };
        if seen[field].is_some() {
            return Err(c.invalid_at(
                key_start,
                format!(
                    "the native histogram field {} is given twice",
                    FIELDS[field]
                ),
            ));
        }
        seen[field] = Some(key_start);
        c.expect_byte(b':', "':' after the native histogram field name")?;
        match field {
            0 => h.count = unsigned(c, "count")?,
            1 => h.sum = float(c, "sum")?,
            2 => h.schema = schema(c)?,
            3 => h.zero_threshold = zero_threshold(c)?,
            4 => h.zero_count = unsigned(c, "zero_count")?,
            5 => h.negative_spans = spans(c, "negative_spans")?,
            6 => h.negative_buckets = deltas(c, "negative_deltas")?,
            7 => h.positive_spans = spans(c, "positive_spans")?,
            _ => h.positive_buckets = deltas(c, "positive_deltas")?,
        }
        if c.eat(b'}') {
            break;
        }
        c.expect_byte(b',', "',' or '}' after a native histogram field")?;
    }
    if let Some(missing) = (0..REQUIRED).find(|&f| seen[f].is_none()) {
        return Err(c.invalid_at(
            open,
            format!(
                "the native histogram value has no {} field (count, sum, schema, zero_threshold \
                 and zero_count are required)",
                FIELDS[missing]
            ),
        ));
    }
    check_side(c, &seen, 5, &h.negative_spans, &h.negative_buckets)?;
    check_side(c, &seen, 7, &h.positive_spans, &h.positive_buckets)?;
    Ok(h)
}

/// What follows the value: `[ timestamp] *( # exemplar)`.
pub fn tail(c: &mut Cursor) -> Result<(Option<Timestamp>, Vec<Exemplar>), ParseError> {
    let (mut ts, mut exemplars) = (None, Vec::new());
    if c.eat(b' ') {
        if c.peek() != Some(b'#') {
            ts = Some(timestamp(c, "timestamp", "a timestamp")?);
            if !c.at_end() {
                c.expect_byte(b' ', "a space or the end of the line after the timestamp")?;
                if c.peek() != Some(b'#') {
                    return Err(c.expected(
                        "' # ' and an exemplar, or the end of the line, after the timestamp",
                    ));
                }
            }
        }
        while c.eat(b'#') {
            exemplars.push(exemplar(c)?);
            if !c.rest().starts_with(b" #") {
                break;
            }
            c.pos += 1;
        }
    }
    if !c.at_end() {
        return Err(c.expected(
            "a timestamp, ' # ' and an exemplar, or the end of the line after the native histogram",
        ));
    }
    Ok((ts, exemplars))
}

/// A number token: up to the next delimiter of the value's grammar.
fn token<'a>(c: &mut Cursor<'a>) -> (usize, &'a [u8]) {
    let start = c.pos;
    (
        start,
        c.take_while(|b| !matches!(b, b',' | b'}' | b']' | b':' | b' ')),
    )
}

fn bad(c: &Cursor, start: usize, token: &[u8], what: &str, wanted: &str) -> ParseError {
    c.invalid_at(
        start,
        format!(
            "invalid native histogram {what} {:?}: expected {wanted}",
            String::from_utf8_lossy(token)
        ),
    )
}

fn integer<T: std::str::FromStr>(
    c: &mut Cursor,
    what: &str,
    wanted: &str,
) -> Result<T, ParseError> {
    let (start, token) = token(c);
    if token.is_empty() {
        return Err(c.expected("a number"));
    }
    let digits = token.strip_prefix(b"-").unwrap_or(token);
    let parsed = (!digits.is_empty() && digits.iter().all(u8::is_ascii_digit))
        .then(|| std::str::from_utf8(token).ok()?.parse::<T>().ok())
        .flatten();
    parsed.ok_or_else(|| bad(c, start, token, what, wanted))
}

fn unsigned(c: &mut Cursor, what: &str) -> Result<u64, ParseError> {
    integer(c, what, "a whole number, 0 or more")
}

fn float(c: &mut Cursor, what: &str) -> Result<f64, ParseError> {
    let (start, token) = token(c);
    if token.is_empty() {
        return Err(c.expected("a number"));
    }
    parse_float(token).ok_or_else(|| bad(c, start, token, what, "a decimal number, Inf or NaN"))
}

fn schema(c: &mut Cursor) -> Result<i32, ParseError> {
    let start = c.pos;
    let schema: i32 = integer(c, "schema", "a whole number from -4 to 8")?;
    if !(EXPONENTIAL_SCHEMA_MIN..=EXPONENTIAL_SCHEMA_MAX).contains(&schema) {
        return Err(c.invalid_at(
            start,
            format!(
                "native histogram schema {schema} is not an exponential schema (-4 to 8); \
                 custom buckets (schema -53) cannot be written in this syntax"
            ),
        ));
    }
    Ok(schema)
}

fn zero_threshold(c: &mut Cursor) -> Result<f64, ParseError> {
    let start = c.pos;
    let threshold = float(c, "zero_threshold")?;
    if !(threshold >= 0.0 && threshold.is_finite()) {
        return Err(c.invalid_at(
            start,
            format!("the zero_threshold must be a finite number, 0 or more, found {threshold}"),
        ));
    }
    Ok(threshold)
}

/// `[offset:length,…]`; only the first span may have a negative offset.
fn spans(c: &mut Cursor, what: &'static str) -> Result<Vec<Span>, ParseError> {
    c.expect_byte(b'[', "'[' opening the list of spans")?;
    let mut spans = Vec::new();
    if c.eat(b']') {
        return Ok(spans);
    }
    loop {
        let start = c.pos;
        let offset: i32 = integer(c, "span offset", "a whole number")?;
        if offset < 0 && !spans.is_empty() {
            return Err(c.invalid_at(
                start,
                format!("{what}: only the first span's offset may be negative, found {offset}"),
            ));
        }
        c.expect_byte(b':', "':' between a span's offset and length")?;
        let length: u32 = integer(c, "span length", "a whole number, 0 or more")?;
        spans.push(Span { offset, length });
        if c.eat(b']') {
            return Ok(spans);
        }
        c.expect_byte(b',', "',' or ']' after a span")?;
    }
}

/// `[first,delta,…]`.
fn deltas(c: &mut Cursor, what: &str) -> Result<Vec<i64>, ParseError> {
    c.expect_byte(b'[', "'[' opening the list of deltas")?;
    let mut deltas = Vec::new();
    if c.eat(b']') {
        return Ok(deltas);
    }
    loop {
        deltas.push(integer(c, what, "a whole number")?);
        if c.eat(b']') {
            return Ok(deltas);
        }
        c.expect_byte(b',', "',' or ']' after a delta")?;
    }
}

/// A side's spans and deltas: given together, spans covering exactly the deltas,
/// and no bucket with a negative count.
fn check_side(
    c: &Cursor,
    seen: &[Option<usize>; FIELDS.len()],
    spans_field: usize,
    spans: &[Span],
    deltas: &[i64],
) -> Result<(), ParseError> {
    let (spans_name, deltas_name) = (FIELDS[spans_field], FIELDS[spans_field + 1]);
    match (seen[spans_field], seen[spans_field + 1]) {
        (Some(at), None) => {
            return Err(c.invalid_at(at, format!("{spans_name} without {deltas_name}")));
        }
        (None, Some(at)) => {
            return Err(c.invalid_at(at, format!("{deltas_name} without {spans_name}")));
        }
        (None, None) => return Ok(()),
        (Some(_), Some(at)) => {
            let covered: u64 = spans.iter().map(|s| u64::from(s.length)).sum();
            if covered != deltas.len() as u64 {
                return Err(c.invalid_at(
                    at,
                    format!(
                        "{spans_name} cover {covered} buckets, but {deltas_name} has {} values",
                        deltas.len()
                    ),
                ));
            }
            let mut count = 0i64;
            for (index, delta) in deltas.iter().enumerate() {
                count = count.saturating_add(*delta);
                if count < 0 {
                    return Err(c.invalid_at(
                        at,
                        format!(
                            "{deltas_name} give bucket {} a negative count ({count})",
                            index + 1
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_value;
    use crate::histogram::Span;

    #[test]
    fn a_value_parses_into_a_histogram() {
        let h = parse_value(
            b"{count:24,sum:100,schema:0,zero_threshold:0.001,zero_count:4,negative_spans:[0:2,1:2],\
              negative_deltas:[2,1,-2,3],positive_spans:[-1:2,1:2],positive_deltas:[2,1,-3,3]}",
        )
        .unwrap();
        assert_eq!((h.count, h.sum, h.schema, h.zero_count), (24, 100.0, 0, 4));
        assert_eq!(h.zero_threshold, 0.001);
        assert_eq!(
            h.positive_spans[0],
            Span {
                offset: -1,
                length: 2
            }
        );
        assert_eq!(h.negative_buckets, [2, 1, -2, 3]);
        let empty = parse_value(
            b"{zero_count:0,count:0,sum:0,schema:3,zero_threshold:2.938735877055719e-39}",
        );
        assert!(empty.unwrap().positive_spans.is_empty());
    }

    #[test]
    fn errors_say_what_was_expected_and_where() {
        for (text, column, message) in [
            ("{count:1,sum:1}", 1, "no schema field"),
            ("{count:1,count:1}", 10, "given twice"),
            ("{count:-1}", 8, "invalid native histogram count \"-1\""),
            ("{count:1 sum:1}", 9, "expected ',' or '}'"),
            ("{count:1;", 8, "invalid native histogram count \"1;\""),
            (
                "{bucket:[1]}",
                2,
                "unknown native histogram field \"bucket\"",
            ),
            ("{count:1,sum:1,schema:9,", 23, "not an exponential schema"),
            (
                "{count:1,sum:1,schema:0,zero_threshold:0,zero_count:0,positive_spans:[0:2],positive_deltas:[1]}",
                76,
                "cover 2 buckets, but positive_deltas has 1 values",
            ),
            (
                "{count:1,sum:1,schema:0,zero_threshold:0,zero_count:0,positive_spans:[0:2],positive_deltas:[1,-2]}",
                76,
                "bucket 2 a negative count",
            ),
            (
                "{count:1,sum:1,schema:0,zero_threshold:0,zero_count:0,negative_spans:[0:1]}",
                55,
                "negative_spans without negative_deltas",
            ),
            (
                "{count:1,sum:1,schema:0,zero_threshold:0,zero_count:0,positive_spans:[0:1,-1:1]",
                75,
                "only the first span",
            ),
        ] {
            let error = parse_value(text.as_bytes()).unwrap_err();
            assert_eq!(error.column, column, "{text}: {error}");
            assert!(error.message().contains(message), "{text}: {error}");
        }
    }
}
