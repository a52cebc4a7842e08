//! Prometheus's protobuf exposition format: a stream of `io.prometheus.client.MetricFamily`
//! messages, each preceded by its length as a varint (client_golang's
//! `encoding=delimited`), the format Prometheus prefers when it scrapes native
//! histograms. `messages` holds the schema, `encode` writes canonical families
//! (`expo::model`) as client_golang does, `decode` reads them back as Prometheus's
//! `model/textparse/protobufparse.go` does, `text` prints the messages as
//! client_golang's `FmtProtoText`, and `wire` locates errors and bounds allocation.

mod decode;
mod encode;
pub mod messages;
mod text;
mod wire;

pub use decode::{decode_partial, to_model};
pub use encode::{EncodeError, encode, encode_messages};
pub use text::{render_text, render_text_bytes};

use std::fmt;

use prost::Message;

use crate::expo::MetricFamily;

/// The `Content-Type` client_golang serves the format with (expfmt's `FmtProtoDelim`).
pub const CONTENT_TYPE: &str =
    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

/// The media type, as Prometheus's scrape configuration writes it (no spaces).
pub const SCRAPE_PROTOCOL_HEADER: &str =
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

/// The `Accept` header Prometheus 3 sends with its protobuf-first scrape protocols
/// (`DefaultProtoFirstScrapeProtocols`, used when `scrape_native_histograms` is on)
/// and the default `allow-utf-8` name escaping: `proto_first_accept_header("allow-utf-8")`.
pub const PROTO_FIRST_ACCEPT: &str = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1";

/// Prometheus's `acceptHeader` for the protobuf-first protocol list and an escaping
/// scheme (`allow-utf-8`, `underscores`, `dots`, `values`): q-values count down from
/// 0.6, the 1.0.0 text formats carry `escaping=`, and `*/*` comes last.
pub fn proto_first_accept_header(escaping: &str) -> String {
    let protocols = [
        (SCRAPE_PROTOCOL_HEADER, false),
        ("application/openmetrics-text;version=1.0.0", true),
        ("application/openmetrics-text;version=0.0.1", false),
        ("text/plain;version=1.0.0", true),
        ("text/plain;version=0.0.4", false),
    ];
    // Upstream: weight starts at len(ScrapeProtocolsHeaders) + 1 = 6.
    let mut weight = 6;
    let mut parts = Vec::new();
    for (header, escaped) in protocols {
        let mut part = header.to_string();
        if escaped {
            part.push_str(";escaping=");
            part.push_str(escaping);
        }
        part.push_str(&format!(";q=0.{weight}"));
        parts.push(part);
        weight -= 1;
    }
    parts.push(format!("*/*;q=0.{weight}"));
    parts.join(",")
}

/// True if a `Content-Type` names this format: `application/vnd.google.protobuf`
/// with `proto=io.prometheus.client.MetricFamily` (or no `proto`) and
/// `encoding=delimited` (or no `encoding`). Prometheus itself looks at the media
/// type only; other encodings (`text`, `compact-text`) are not bytes this reads.
pub fn is_content_type(content_type: &str) -> bool {
    let mut parts = content_type.split(';').map(str::trim);
    let media = parts.next().unwrap_or("");
    if !media.eq_ignore_ascii_case("application/vnd.google.protobuf") {
        return false;
    }
    parts.all(|param| {
        let (key, value) = param.split_once('=').unwrap_or((param, ""));
        let value = value.trim().trim_matches('"');
        match key.trim().to_ascii_lowercase().as_str() {
            "proto" => value == "io.prometheus.client.MetricFamily",
            "encoding" => value.eq_ignore_ascii_case("delimited"),
            _ => true,
        }
    })
}

/// Limits checked before anything is allocated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeOptions {
    /// The largest single `MetricFamily` message accepted.
    pub max_message_bytes: usize,
    /// The most memory the decoded messages may take (an estimate from the wire).
    pub max_decoded_bytes: u64,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_message_bytes: 16 << 20,
            max_decoded_bytes: 512 << 20,
        }
    }
}

/// Why bytes did not decode: where (a byte offset into the input) and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: usize,
    /// Reads after "expected" (a grammar error), or a rule in words.
    pub message: String,
}

impl DecodeError {
    pub(crate) fn new(offset: usize, expected: impl Into<String>) -> DecodeError {
        DecodeError {
            offset,
            message: format!("expected {}", expected.into()),
        }
    }

    /// An error that is not about the wire but about what the message says.
    pub(crate) fn invalid(offset: usize, message: impl Into<String>) -> DecodeError {
        DecodeError {
            offset,
            message: message.into(),
        }
    }

    /// Adds the enclosing field to the message (`in Metric.histogram`).
    pub(crate) fn within(mut self, kind: &str, field: &str) -> DecodeError {
        if self.message.contains(" (in ") {
            self.message = self
                .message
                .replacen(" (in ", &format!(" (in {kind}.{field} > "), 1);
        } else {
            self.message.push_str(&format!(" (in {kind}.{field})"));
        }
        self
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for DecodeError {}

/// One message read from the stream, with where it started (its length prefix).
#[derive(Clone, Debug, PartialEq)]
pub struct Framed {
    pub offset: usize,
    pub family: messages::MetricFamily,
}

/// Splits the length-delimited stream and decodes each message. Returns what
/// decoded before the first error, and that error. A length prefix longer than
/// 5 bytes (as upstream's decoder), a length over `max_message_bytes` or past the
/// end of the input, and a total over `max_decoded_bytes` fail before allocating.
pub fn decode_messages_partial(
    bytes: &[u8],
    options: DecodeOptions,
) -> (Vec<Framed>, Option<DecodeError>) {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut budget = options.max_decoded_bytes;
    while pos < bytes.len() {
        let start = pos;
        let len = match wire::read_varint(bytes, &mut pos, 0) {
            Ok(len) if pos - start <= 5 => len,
            Ok(_) => {
                let e = DecodeError::new(start, "a length prefix of at most 5 bytes");
                return (out, Some(e));
            }
            Err(e) => return (out, Some(e.within("stream", "length prefix"))),
        };
        if len > options.max_message_bytes as u64 {
            let e = DecodeError::new(
                start,
                format!(
                    "a message of at most {} bytes, found a length prefix of {len}",
                    options.max_message_bytes
                ),
            );
            return (out, Some(e));
        }
        let left = bytes.len() - pos;
        if len > left as u64 {
            let e = DecodeError::new(
                start,
                format!("a message of {len} bytes, found the end of the data after {left}"),
            );
            return (out, Some(e));
        }
        let body = &bytes[pos..pos + len as usize];
        let cost = match wire::walk(wire::Kind::Family, body, pos, 0) {
            Ok(cost) => cost + std::mem::size_of::<messages::MetricFamily>() as u64,
            Err(e) => return (out, Some(e)),
        };
        if cost > budget {
            let e = DecodeError::invalid(
                start,
                format!(
                    "decoding would take more than the {} bytes allowed (max_decoded_bytes)",
                    options.max_decoded_bytes
                ),
            );
            return (out, Some(e));
        }
        budget -= cost;
        match messages::MetricFamily::decode(body) {
            Ok(family) => out.push(Framed {
                offset: start,
                family,
            }),
            Err(e) => return (out, Some(DecodeError::invalid(pos, e.to_string()))),
        }
        pos += len as usize;
    }
    (out, None)
}

/// All messages of the stream, or the first error.
pub fn decode_messages(
    bytes: &[u8],
    options: DecodeOptions,
) -> Result<Vec<messages::MetricFamily>, DecodeError> {
    match decode_messages_partial(bytes, options) {
        (_, Some(e)) => Err(e),
        (framed, None) => Ok(framed.into_iter().map(|f| f.family).collect()),
    }
}

/// Bytes to canonical families, as Prometheus reads them, with default limits.
pub fn decode(bytes: &[u8]) -> Result<Vec<MetricFamily>, DecodeError> {
    decode_with(bytes, DecodeOptions::default())
}

/// `decode` with explicit limits.
pub fn decode_with(bytes: &[u8], options: DecodeOptions) -> Result<Vec<MetricFamily>, DecodeError> {
    match decode_partial(bytes, options) {
        (_, Some(e)) => Err(e),
        (families, None) => Ok(families),
    }
}

/// Writes messages as the length-delimited stream.
pub fn write_delimited(families: &[messages::MetricFamily]) -> Vec<u8> {
    let mut out = Vec::new();
    for family in families {
        // Writing to a Vec cannot run out of room.
        let _ = family.encode_length_delimited(&mut out);
    }
    out
}

#[cfg(test)]
mod tests;
