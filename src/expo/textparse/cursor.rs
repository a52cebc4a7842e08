//! A cursor over one line of input and the tokens both formats share: metric and
//! label names (plain or double-quoted UTF-8), label sets, quoted strings with
//! escapes, and numbers. The formats differ in whitespace rules and in what may
//! follow a value; those live in their own parsers.

use super::error::{ParseError, describe_found};
use crate::expo::Labels;

/// Which grammar a token is read under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Text,
    OpenMetrics,
}

pub struct Cursor<'a> {
    pub line: &'a [u8],
    pub pos: usize,
    pub line_no: u32,
}

pub fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':'
}

pub fn is_name_char(b: u8) -> bool {
    crate::names::is_metric_name_byte(b)
}

pub fn is_label_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

pub fn is_label_char(b: u8) -> bool {
    crate::names::is_label_name_byte(b)
}

pub use crate::names::{is_legacy_label_name, is_legacy_metric_name};

/// A sample line's name and labels, as written.
pub struct SeriesRef {
    pub name: String,
    pub name_column: u32,
    pub labels: Labels,
}

impl<'a> Cursor<'a> {
    pub fn new(line: &'a [u8], line_no: u32) -> Cursor<'a> {
        Cursor {
            line,
            pos: 0,
            line_no,
        }
    }

    pub fn rest(&self) -> &'a [u8] {
        &self.line[self.pos..]
    }

    pub fn peek(&self) -> Option<u8> {
        self.line.get(self.pos).copied()
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.line.len()
    }

    /// 1-based column of byte offset `pos`, counting characters.
    pub fn column_of(&self, pos: usize) -> u32 {
        let end = pos.min(self.line.len());
        1 + self.line[..end]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count() as u32
    }

    pub fn column(&self) -> u32 {
        self.column_of(self.pos)
    }

    /// A syntax error at the cursor: `expected` is what the grammar wants here.
    pub fn expected(&self, expected: &'static str) -> ParseError {
        ParseError::syntax(
            self.line_no,
            self.column(),
            expected,
            describe_found(self.rest()),
        )
    }

    pub fn invalid_at(&self, pos: usize, message: impl Into<String>) -> ParseError {
        ParseError::invalid(self.line_no, self.column_of(pos), message)
    }

    pub fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn expect_byte(&mut self, b: u8, expected: &'static str) -> Result<(), ParseError> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.expected(expected))
        }
    }

    /// Skips spaces and tabs; returns whether any were skipped.
    pub fn skip_blanks(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        self.pos > start
    }

    /// Reads bytes while `pred` holds.
    pub fn take_while(&mut self, pred: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(&pred) {
            self.pos += 1;
        }
        &self.line[start..self.pos]
    }

    /// Reads up to the next space or tab (or the end of the line).
    pub fn take_word(&mut self) -> &'a [u8] {
        self.take_while(|b| b != b' ' && b != b'\t')
    }

    /// A plain metric name `[a-zA-Z_:][a-zA-Z0-9_:]*`, or a double-quoted UTF-8 name.
    pub fn metric_name(&mut self, expected: &'static str) -> Result<String, ParseError> {
        match self.peek() {
            Some(b'"') => self.quoted_string("a closing '\"' after the quoted name"),
            Some(b) if is_name_start(b) => {
                let name = self.take_while(is_name_char);
                Ok(ascii(name))
            }
            _ => Err(self.expected(expected)),
        }
    }

    /// A double-quoted string with `\\`, `\"` and `\n` escapes; other backslash
    /// sequences are kept as written, as Prometheus does. Must be valid UTF-8.
    pub fn quoted_string(&mut self, unterminated: &'static str) -> Result<String, ParseError> {
        let open = self.pos;
        if self.peek() != Some(b'"') {
            return Err(self.expected("'\"'"));
        }
        if !self.skip_quoted() {
            return Err(self.expected(unterminated));
        }
        let raw = &self.line[open + 1..self.pos - 1];
        let bytes = if raw.contains(&b'\\') {
            unescape_help(raw, true)
        } else {
            raw.to_vec()
        };
        String::from_utf8(bytes)
            .map_err(|_| self.invalid_at(open, "invalid UTF-8 in a quoted string"))
    }

    /// Moves over a double-quoted string (at the cursor) and its escapes, without
    /// decoding it; false when the line ends before the closing quote. The parser and
    /// the Exposition pane's highlighter both cut strings here.
    pub fn skip_quoted(&mut self) -> bool {
        if !self.eat(b'"') {
            return false;
        }
        loop {
            match self.peek() {
                None => return false,
                Some(b'"') => {
                    self.pos += 1;
                    return true;
                }
                Some(b'\\') => self.pos = (self.pos + 2).min(self.line.len()),
                Some(_) => self.pos += 1,
            }
        }
    }

    /// A label set after its `{`, up to and including `}`. A quoted string without
    /// `=` is the metric name (the UTF-8 form `{"my.metric", a="b"}`); `name` is what
    /// preceded the brace, if anything.
    pub fn label_set(
        &mut self,
        dialect: Dialect,
        name: &mut Option<(String, u32)>,
    ) -> Result<Labels, ParseError> {
        let mut labels: Labels = Vec::new();
        let blanks = |c: &mut Cursor| {
            if dialect == Dialect::Text {
                c.skip_blanks();
            }
        };
        blanks(self);
        if self.eat(b'}') {
            return Ok(labels);
        }
        loop {
            blanks(self);
            let start = self.pos;
            let (label, quoted) = match self.peek() {
                Some(b'"') => (
                    self.quoted_string("a closing '\"' after the quoted label name")?,
                    true,
                ),
                Some(b) if is_label_start(b) => (ascii(self.take_while(is_label_char)), false),
                _ => return Err(self.expected("a label name")),
            };
            blanks(self);
            if self.eat(b'=') {
                blanks(self);
                if self.peek() != Some(b'"') {
                    return Err(self.expected("a label value in double quotes"));
                }
                let value = self.quoted_string("a closing '\"' after the label value")?;
                if label == "__name__" && name.is_none() {
                    *name = Some((value, self.column_of(start)));
                } else if label == "__name__" {
                    return Err(self.invalid_at(
                        start,
                        "the metric name is given twice (before the braces and as __name__)",
                    ));
                } else if labels.iter().any(|(n, _)| *n == label) {
                    return Err(self.invalid_at(start, format!("duplicate label name {label:?}")));
                } else {
                    labels.push((label, value));
                }
            } else if quoted && name.is_none() && labels.is_empty() {
                *name = Some((label, self.column_of(start)));
            } else if quoted && name.is_some() {
                return Err(
                    self.expected("'=' after the label name (the metric name is already set)")
                );
            } else {
                return Err(self.expected("'=' after the label name"));
            }
            blanks(self);
            if self.eat(b'}') {
                return Ok(labels);
            }
            if !self.eat(b',') {
                return Err(self.expected("',' or '}' after the label value"));
            }
            blanks(self);
            if self.peek() == Some(b'}') {
                if dialect == Dialect::OpenMetrics {
                    return Err(self.expected("a label name after ','"));
                }
                self.pos += 1;
                return Ok(labels);
            }
        }
    }

    /// The series part of a sample line: a name and an optional label set, or a label
    /// set holding a quoted name.
    pub fn series(&mut self, dialect: Dialect) -> Result<SeriesRef, ParseError> {
        let mut name: Option<(String, u32)> = None;
        let start = self.pos;
        if self.peek() != Some(b'{') {
            let n = self.metric_name("a metric name")?;
            name = Some((n, self.column_of(start)));
        }
        let mut labels = Vec::new();
        // Text 0.0.4 allows blanks between the name and its labels.
        let before_blanks = self.pos;
        if dialect == Dialect::Text && name.is_some() {
            self.skip_blanks();
            if self.peek() != Some(b'{') {
                self.pos = before_blanks;
            }
        }
        if self.eat(b'{') {
            labels = self.label_set(dialect, &mut name)?;
        }
        match name {
            Some((name, name_column)) => Ok(SeriesRef {
                name,
                name_column,
                labels,
            }),
            None => Err(self.invalid_at(start, "the sample has no metric name")),
        }
    }
}

/// Unescapes a help text: `\\` and `\n` always, `\"` too where the format says so
/// (OpenMetrics); any other backslash stays as written.
pub fn unescape_help(raw: &[u8], quote_escape: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match (raw[i], raw.get(i + 1)) {
            (b'\\', Some(b'\\')) => out.push(b'\\'),
            (b'\\', Some(b'n')) => out.push(b'\n'),
            (b'\\', Some(b'"')) if quote_escape => out.push(b'"'),
            (b, _) => {
                out.push(b);
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    out
}

/// Bytes known to be ASCII as a String.
fn ascii(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// Most sample values are short decimals (`1027`, `0.25`, `-3.5`): with at most
/// 15 significant digits and 22 decimals, the digits and the power of ten are
/// both exact doubles and one division rounds correctly (Clinger's fast path,
/// as the standard parser takes too), so the result is the standard parser's.
/// Anything else (exponents, long mantissas, `Inf`, bad input) is left to it.
fn short_decimal(token: &[u8]) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let (negative, digits) = match token.first()? {
        b'-' => (true, &token[1..]),
        b'+' => (false, &token[1..]),
        _ => (false, token),
    };
    if digits.len() > 16 {
        return None;
    }
    let (mut mantissa, mut count, mut decimals, mut point) = (0u64, 0usize, 0usize, false);
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                count += 1;
                decimals += usize::from(point);
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    if count == 0 || count > 15 || decimals >= POW10.len() {
        return None;
    }
    let v = mantissa as f64 / POW10[decimals];
    Some(if negative { -v } else { v })
}

/// Parses a sample value or float timestamp as both formats write them: decimal
/// digits with optional sign, point and exponent, or `Inf`/`Infinity`/`NaN` in any
/// case. Hexadecimal, octal, binary and `_` separators are rejected, as Prometheus does.
pub fn parse_float(token: &[u8]) -> Option<f64> {
    if token.is_empty() {
        return None;
    }
    short_decimal(token).or_else(|| any_float(token))
}

/// [`parse_float`] for every input the fast path leaves.
fn any_float(token: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(token).ok()?;
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let special = unsigned.eq_ignore_ascii_case("inf")
        || unsigned.eq_ignore_ascii_case("infinity")
        || unsigned.eq_ignore_ascii_case("nan");
    if !special {
        let ok_chars = unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
        if !ok_chars
            || !unsigned
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        {
            return None;
        }
    }
    s.parse::<f64>().ok()
}

#[cfg(test)]
mod float_tests {
    use super::*;

    /// The fast path gives the standard parser's bits for every input it takes,
    /// and takes the common shapes.
    #[test]
    fn short_decimals_parse_as_the_standard_parser() {
        let mut seed = 1u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let alphabet = b"0123456789012345678901234567890123456789.-+eE_x ";
        let mut taken = 0;
        for _ in 0..200_000 {
            let len = 1 + next(19) as usize;
            let token: Vec<u8> = (0..len)
                .map(|_| alphabet[next(alphabet.len() as u64) as usize])
                .collect();
            if let Some(fast) = short_decimal(&token) {
                taken += 1;
                let slow = any_float(&token).expect("the standard parser takes it too");
                assert_eq!(
                    fast.to_bits(),
                    slow.to_bits(),
                    "{}",
                    String::from_utf8_lossy(&token)
                );
            }
        }
        assert!(taken > 1000, "{taken}");
        for common in [
            "0",
            "1027",
            "-3.5",
            "0.25",
            "+7",
            ".5",
            "5.",
            "-0",
            "123456789012345",
            "0.00000000000001",
        ] {
            assert!(short_decimal(common.as_bytes()).is_some(), "{common}");
            assert_eq!(parse_float(common.as_bytes()), common.parse().ok());
        }
        for left in [
            "1234567890123456",
            "1e3",
            "Inf",
            "-nan",
            ".",
            "-",
            "1.2.3",
            "0x1",
            "1_0",
            "0.00000000000000000000001",
        ] {
            assert!(short_decimal(left.as_bytes()).is_none(), "{left}");
        }
    }
}
