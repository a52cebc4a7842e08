//! A schema-aware walk over the wire format that allocates nothing: it finds the
//! byte offset of the first malformed field (prost's errors carry none) and adds up
//! what decoding would allocate, so that a small input cannot claim gigabytes
//! (e.g. millions of empty nested messages, two bytes each).

use super::DecodeError;
use super::messages as m;

/// The messages of `metrics.proto`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Family,
    Metric,
    LabelPair,
    Gauge,
    Counter,
    Quantile,
    Summary,
    Untyped,
    Histogram,
    Bucket,
    Span,
    Exemplar,
    Timestamp,
}

/// What a known field's bytes must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Varint,
    Fixed64,
    Str,
    Msg(Kind),
    /// Repeated varints: one per field, or packed into a length-delimited field.
    RepVarint,
    /// Repeated doubles, likewise.
    RepFixed64,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Family => "MetricFamily",
            Kind::Metric => "Metric",
            Kind::LabelPair => "LabelPair",
            Kind::Gauge => "Gauge",
            Kind::Counter => "Counter",
            Kind::Quantile => "Quantile",
            Kind::Summary => "Summary",
            Kind::Untyped => "Untyped",
            Kind::Histogram => "Histogram",
            Kind::Bucket => "Bucket",
            Kind::Span => "BucketSpan",
            Kind::Exemplar => "Exemplar",
            Kind::Timestamp => "Timestamp",
        }
    }

    /// Bytes one decoded message of this kind takes (its struct).
    fn size(self) -> u64 {
        use std::mem::size_of;
        (match self {
            Kind::Family => size_of::<m::MetricFamily>(),
            Kind::Metric => size_of::<m::Metric>(),
            Kind::LabelPair => size_of::<m::LabelPair>(),
            Kind::Gauge | Kind::Untyped => size_of::<m::Gauge>(),
            Kind::Counter => size_of::<m::Counter>(),
            Kind::Quantile => size_of::<m::Quantile>(),
            Kind::Summary => size_of::<m::Summary>(),
            Kind::Histogram => size_of::<m::Histogram>(),
            Kind::Bucket => size_of::<m::Bucket>(),
            Kind::Span => size_of::<m::BucketSpan>(),
            Kind::Exemplar => size_of::<m::Exemplar>(),
            Kind::Timestamp => size_of::<m::Timestamp>(),
        }) as u64
    }

    /// A known field: its name and what it holds. Unknown fields are skipped.
    fn field(self, number: u64) -> Option<(&'static str, Expect)> {
        use Expect::*;
        let f = match (self, number) {
            (Kind::Family, 1) => ("name", Str),
            (Kind::Family, 2) => ("help", Str),
            (Kind::Family, 3) => ("type", Varint),
            (Kind::Family, 4) => ("metric", Msg(Kind::Metric)),
            (Kind::Family, 5) => ("unit", Str),
            (Kind::Metric, 1) => ("label", Msg(Kind::LabelPair)),
            (Kind::Metric, 2) => ("gauge", Msg(Kind::Gauge)),
            (Kind::Metric, 3) => ("counter", Msg(Kind::Counter)),
            (Kind::Metric, 4) => ("summary", Msg(Kind::Summary)),
            (Kind::Metric, 5) => ("untyped", Msg(Kind::Untyped)),
            (Kind::Metric, 6) => ("timestamp_ms", Varint),
            (Kind::Metric, 7) => ("histogram", Msg(Kind::Histogram)),
            (Kind::LabelPair, 1) => ("name", Str),
            (Kind::LabelPair, 2) => ("value", Str),
            (Kind::Gauge | Kind::Untyped, 1) => ("value", Fixed64),
            (Kind::Counter, 1) => ("value", Fixed64),
            (Kind::Counter, 2) => ("exemplar", Msg(Kind::Exemplar)),
            (Kind::Counter, 3) => ("created_timestamp", Msg(Kind::Timestamp)),
            (Kind::Quantile, 1) => ("quantile", Fixed64),
            (Kind::Quantile, 2) => ("value", Fixed64),
            (Kind::Summary, 1) => ("sample_count", Varint),
            (Kind::Summary, 2) => ("sample_sum", Fixed64),
            (Kind::Summary, 3) => ("quantile", Msg(Kind::Quantile)),
            (Kind::Summary, 4) => ("created_timestamp", Msg(Kind::Timestamp)),
            (Kind::Histogram, 1) => ("sample_count", Varint),
            (Kind::Histogram, 2) => ("sample_sum", Fixed64),
            (Kind::Histogram, 3) => ("bucket", Msg(Kind::Bucket)),
            (Kind::Histogram, 4) => ("sample_count_float", Fixed64),
            (Kind::Histogram, 5) => ("schema", Varint),
            (Kind::Histogram, 6) => ("zero_threshold", Fixed64),
            (Kind::Histogram, 7) => ("zero_count", Varint),
            (Kind::Histogram, 8) => ("zero_count_float", Fixed64),
            (Kind::Histogram, 9) => ("negative_span", Msg(Kind::Span)),
            (Kind::Histogram, 10) => ("negative_delta", RepVarint),
            (Kind::Histogram, 11) => ("negative_count", RepFixed64),
            (Kind::Histogram, 12) => ("positive_span", Msg(Kind::Span)),
            (Kind::Histogram, 13) => ("positive_delta", RepVarint),
            (Kind::Histogram, 14) => ("positive_count", RepFixed64),
            (Kind::Histogram, 15) => ("created_timestamp", Msg(Kind::Timestamp)),
            (Kind::Histogram, 16) => ("exemplars", Msg(Kind::Exemplar)),
            (Kind::Bucket, 1) => ("cumulative_count", Varint),
            (Kind::Bucket, 2) => ("upper_bound", Fixed64),
            (Kind::Bucket, 3) => ("exemplar", Msg(Kind::Exemplar)),
            (Kind::Bucket, 4) => ("cumulative_count_float", Fixed64),
            (Kind::Span, 1) => ("offset", Varint),
            (Kind::Span, 2) => ("length", Varint),
            (Kind::Exemplar, 1) => ("label", Msg(Kind::LabelPair)),
            (Kind::Exemplar, 2) => ("value", Fixed64),
            (Kind::Exemplar, 3) => ("timestamp", Msg(Kind::Timestamp)),
            (Kind::Timestamp, 1) => ("seconds", Varint),
            (Kind::Timestamp, 2) => ("nanos", Varint),
            _ => return None,
        };
        Some(f)
    }
}

const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LEN: u8 = 2;
const FIXED32: u8 = 5;

fn wire_name(wire: u8) -> &'static str {
    match wire {
        VARINT => "varint (0)",
        FIXED64 => "64-bit (1)",
        LEN => "length-delimited (2)",
        3 => "start group (3)",
        4 => "end group (4)",
        FIXED32 => "32-bit (5)",
        _ => "an invalid wire type",
    }
}

/// Reads a base-128 varint at `bytes[*pos..]` (at most 10 bytes).
pub fn read_varint(bytes: &[u8], pos: &mut usize, base: usize) -> Result<u64, DecodeError> {
    let start = *pos;
    let mut value: u64 = 0;
    for i in 0..10 {
        let Some(&b) = bytes.get(*pos) else {
            return Err(DecodeError::new(
                base + start,
                "a varint, found the end of the data inside it (truncated varint)",
            ));
        };
        *pos += 1;
        if i == 9 && b > 1 {
            return Err(DecodeError::new(
                base + start,
                "a varint of at most 64 bits",
            ));
        }
        value |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return Ok(value);
        }
    }
    Err(DecodeError::new(
        base + start,
        "a varint of at most 10 bytes",
    ))
}

/// Walks one message of `kind`; `base` is the offset of `bytes[0]` in the input.
/// Returns the bytes decoding it would allocate, or the first problem found.
pub fn walk(kind: Kind, bytes: &[u8], base: usize, depth: u32) -> Result<u64, DecodeError> {
    if depth > 16 {
        return Err(DecodeError::new(base, "messages nested at most 16 deep"));
    }
    let mut pos = 0;
    let mut cost = 0u64;
    while pos < bytes.len() {
        let tag_at = pos;
        let tag = read_varint(bytes, &mut pos, base)?;
        let (number, wire) = (tag >> 3, (tag & 7) as u8);
        if number == 0 || number > u64::from(u32::MAX >> 3) {
            return Err(DecodeError::new(
                base + tag_at,
                format!(
                    "a field number from 1 to 2^29-1 in {}, found {number}",
                    kind.name()
                ),
            ));
        }
        let known = kind.field(number);
        let context = |what: &str| match known {
            Some((name, _)) => format!("{what} for {}.{name} (field {number})", kind.name()),
            None => format!("{what} for unknown field {number} of {}", kind.name()),
        };
        if let Some((_, expect)) = known {
            let ok = match expect {
                Expect::Varint => wire == VARINT,
                Expect::Fixed64 => wire == FIXED64,
                Expect::Str | Expect::Msg(_) => wire == LEN,
                Expect::RepVarint => wire == VARINT || wire == LEN,
                Expect::RepFixed64 => wire == FIXED64 || wire == LEN,
            };
            if !ok {
                let wanted = match expect {
                    Expect::Varint => "wire type varint (0)",
                    Expect::Fixed64 => "wire type 64-bit (1)",
                    Expect::Str | Expect::Msg(_) => "wire type length-delimited (2)",
                    Expect::RepVarint => "wire type varint (0) or packed (2)",
                    Expect::RepFixed64 => "wire type 64-bit (1) or packed (2)",
                };
                return Err(DecodeError::new(
                    base + tag_at,
                    format!("{}, found {}", context(wanted), wire_name(wire)),
                ));
            }
        }
        let body_at = pos;
        match wire {
            VARINT => {
                read_varint(bytes, &mut pos, base)?;
                if matches!(known, Some((_, Expect::RepVarint))) {
                    cost += 8;
                }
            }
            FIXED64 | FIXED32 => {
                let width = if wire == FIXED64 { 8 } else { 4 };
                if bytes.len() - pos < width {
                    return Err(DecodeError::new(
                        base + body_at,
                        context(&format!(
                            "{width} bytes of value, found {}",
                            bytes.len() - pos
                        )),
                    ));
                }
                pos += width;
                if matches!(known, Some((_, Expect::RepFixed64))) {
                    cost += 8;
                }
            }
            LEN => {
                let len = read_varint(bytes, &mut pos, base)?;
                let left = bytes.len() - pos;
                if len > left as u64 {
                    return Err(DecodeError::new(
                        base + body_at,
                        context(&format!(
                            "a length of at most the {left} bytes left, found {len}"
                        )),
                    ));
                }
                let body = &bytes[pos..pos + len as usize];
                let body_base = base + pos;
                pos += len as usize;
                match known.map(|(_, e)| e) {
                    Some(Expect::Msg(inner)) => {
                        let inner_cost = walk(inner, body, body_base, depth + 1)
                            .map_err(|e| e.within(kind.name(), known.map_or("", |k| k.0)))?;
                        cost += inner.size() + inner_cost;
                    }
                    Some(Expect::Str) => {
                        if std::str::from_utf8(body).is_err() {
                            return Err(DecodeError::new(body_base, context("valid UTF-8")));
                        }
                        cost += len;
                    }
                    Some(Expect::RepVarint) => {
                        let mut p = 0;
                        while p < body.len() {
                            read_varint(body, &mut p, body_base)?;
                            cost += 8;
                        }
                    }
                    Some(Expect::RepFixed64) => {
                        if len % 8 != 0 {
                            return Err(DecodeError::new(
                                body_base,
                                context(&format!(
                                    "packed doubles (a multiple of 8 bytes), found {len} bytes"
                                )),
                            ));
                        }
                        cost += len;
                    }
                    _ => {}
                }
            }
            other => {
                return Err(DecodeError::new(
                    base + tag_at,
                    context(&format!(
                        "a wire type of 0, 1, 2 or 5, found {}",
                        wire_name(other)
                    )),
                ));
            }
        }
    }
    Ok(cost)
}
