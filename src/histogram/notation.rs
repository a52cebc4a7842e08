//! The native-histogram notation of Prometheus's `.test` files and promtool's
//! rule tests: `{{schema:1 sum:5 count:4 buckets:[1 2 1] offset:-1}}`, as
//! `promql/parser` lexes and builds it (`buildHistogramFromMap`), the series
//! value lists that mix such histograms with floats, `_` and `stale`, and the
//! printer (`TestExpression`).
//!
//! Slightly more lenient than upstream's grammar: spaces are accepted anywhere
//! between the items of a description.

use std::fmt;
use std::sync::Arc;

use super::generic::cv;
use super::{CounterResetHint, FloatHistogram, Span};
use crate::gofmt::go_g;

/// A parse error: what was expected, at which byte of the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotationError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for NotationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for NotationError {}

/// One point of a series value list, as upstream's `SequenceValue`.
#[derive(Clone, Debug, PartialEq)]
pub enum SeriesPoint {
    /// `_`: no sample at this step.
    Omitted,
    /// A float; `stale` is the stale NaN (`crate::tsdb::STALE_NAN`).
    Float(f64),
    Histogram {
        histogram: FloatHistogram,
        /// The description set `counter_reset_hint` explicitly (the test
        /// framework then keeps the hint instead of letting the store decide).
        counter_reset_hint_set: bool,
    },
}

impl SeriesPoint {
    /// Whether this is the stale marker.
    pub fn is_stale(&self) -> bool {
        match self {
            SeriesPoint::Float(v) => v.to_bits() == crate::tsdb::STALE_NAN,
            SeriesPoint::Histogram { histogram, .. } => histogram.is_stale(),
            SeriesPoint::Omitted => false,
        }
    }
}

/// The most points one value list may expand to.
const MAX_POINTS: usize = 2_000_000;

/// Parses exactly one `{{...}}` description (surrounding spaces allowed).
pub fn parse_histogram(text: &str) -> Result<FloatHistogram, NotationError> {
    let mut p = Parser {
        s: text.as_bytes(),
        pos: 0,
    };
    p.skip_spaces();
    let (h, _) = p.histogram()?;
    p.skip_spaces();
    if p.pos < p.s.len() {
        return Err(p.err("end of histogram description"));
    }
    Ok(h)
}

/// Parses a whole series value list (`{{...}} {{...}}x3 1+2x2 _ _x2 stale
/// {{...}}+{{...}}x4`), expanded as upstream: `vxN` and the increment forms
/// give N+1 points, `_xN` gives N.
pub fn parse_series_histograms(text: &str) -> Result<Vec<SeriesPoint>, NotationError> {
    let mut p = Parser {
        s: text.as_bytes(),
        pos: 0,
    };
    let mut out = Vec::new();
    loop {
        p.skip_spaces();
        if p.pos >= p.s.len() {
            return Ok(out);
        }
        if p.pos > 0 && !p.s[p.pos - 1].is_ascii_whitespace() {
            return Err(p.err("a space between series values"));
        }
        p.item(&mut out)?;
        if out.len() > MAX_POINTS {
            return Err(p.err(&format!("at most {MAX_POINTS} values in a series")));
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

fn is_alpha(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphabetic()
}

impl Parser<'_> {
    fn err(&self, expected: &str) -> NotationError {
        let found = match self.s.get(self.pos) {
            None => "end of input".to_string(),
            Some(_) => {
                let rest = String::from_utf8_lossy(&self.s[self.pos..]);
                let word: String = rest.chars().take(12).collect();
                format!("{word:?}")
            }
        };
        NotationError {
            offset: self.pos,
            message: format!("expected {expected}, found {found}"),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn starts_with(&self, t: &str) -> bool {
        self.s[self.pos..].starts_with(t.as_bytes())
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn word(&mut self) -> &str {
        let start = self.pos;
        while self.peek().is_some_and(is_alpha) {
            self.pos += 1;
        }
        std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("")
    }

    /// A series item (see `series_item` in the grammar).
    fn item(&mut self, out: &mut Vec<SeriesPoint>) -> Result<(), NotationError> {
        if self.starts_with("{{") {
            let (base, base_set) = self.histogram()?;
            match self.peek() {
                Some(b'x') => {
                    self.pos += 1;
                    let n = self.repetition()?;
                    let point = SeriesPoint::Histogram {
                        histogram: base,
                        counter_reset_hint_set: base_set,
                    };
                    out.extend(std::iter::repeat_n(point, n + 1));
                }
                Some(op @ (b'+' | b'-')) => {
                    self.pos += 1;
                    if !self.starts_with("{{") {
                        return Err(self.err("a histogram description {{...}} after the sign"));
                    }
                    let (inc, inc_set) = self.histogram()?;
                    if !self.eat(b'x') {
                        return Err(self.err("x and a repetition count"));
                    }
                    let at = self.pos;
                    let n = self.repetition()?;
                    histograms_series(base, &inc, n, inc_set, op == b'-', out).map_err(
                        |message| NotationError {
                            offset: at,
                            message,
                        },
                    )?;
                }
                _ => out.push(SeriesPoint::Histogram {
                    histogram: base,
                    counter_reset_hint_set: base_set,
                }),
            }
            return self.end_of_item();
        }
        if self.peek() == Some(b'_') {
            self.pos += 1;
            if self.eat(b'x') {
                let n = self.repetition()?;
                out.extend(std::iter::repeat_n(SeriesPoint::Omitted, n));
            } else {
                out.push(SeriesPoint::Omitted);
            }
            return self.end_of_item();
        }
        let start = self.pos;
        let mut v = if self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            let w = self.word().to_string();
            if w == "stale" {
                f64::from_bits(crate::tsdb::STALE_NAN)
            } else if let Some(v) = inf_nan(&w) {
                v
            } else {
                self.pos = start;
                return Err(self.err("a number, \"stale\", \"_\" or a histogram {{...}}"));
            }
        } else {
            self.signed_number(true)?
        };
        match self.peek() {
            Some(b'x') => {
                self.pos += 1;
                let n = self.repetition()?;
                out.extend(std::iter::repeat_n(SeriesPoint::Float(v), n + 1));
            }
            Some(b'+' | b'-') => {
                let delta = self.signed_number(true)?;
                if !self.eat(b'x') {
                    return Err(self.err("x and a repetition count"));
                }
                let n = self.repetition()?;
                for _ in 0..=n {
                    out.push(SeriesPoint::Float(v));
                    v += delta;
                }
            }
            _ => out.push(SeriesPoint::Float(v)),
        }
        self.end_of_item()
    }

    fn end_of_item(&self) -> Result<(), NotationError> {
        match self.peek() {
            None => Ok(()),
            Some(b) if b.is_ascii_whitespace() => Ok(()),
            _ => Err(self.err("a space or the end of the values")),
        }
    }

    /// The count after `x` (`uint`: decimal digits).
    fn repetition(&mut self) -> Result<usize, NotationError> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.err("a repetition count (digits)"));
        }
        let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("");
        match text.parse::<u64>() {
            Ok(n) if n as usize <= MAX_POINTS => Ok(n as usize),
            _ => Err(NotationError {
                offset: start,
                message: format!("repetition count {text} is too large (at most {MAX_POINTS})"),
            }),
        }
    }

    /// A number with an optional sign (`+` only where `allow_plus`).
    fn signed_number(&mut self, allow_plus: bool) -> Result<f64, NotationError> {
        let neg = if self.eat(b'-') {
            true
        } else {
            if allow_plus {
                self.eat(b'+');
            }
            false
        };
        let v = self.number()?;
        Ok(if neg { -v } else { v })
    }

    /// An unsigned number as the series lexer scans it (no hex) and the parser's
    /// `number()` reads it (`ParseInt(v, 0, 64)`, so a leading 0 means octal,
    /// then `ParseFloat`), or `Inf` / `NaN`.
    fn number(&mut self) -> Result<f64, NotationError> {
        let start = self.pos;
        if self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            let w = self.word().to_string();
            if let Some(v) = inf_nan(&w) {
                return Ok(v);
            }
            self.pos = start;
            return Err(self.err("a number"));
        }
        while let Some(b) = self.peek() {
            if b.is_ascii_digit() || b == b'.' || b == b'_' {
                self.pos += 1;
            } else if b == b'e' || b == b'E' {
                self.pos += 1;
                if matches!(self.peek(), Some(b'+' | b'-')) {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("");
        if text.is_empty() {
            return Err(self.err("a number"));
        }
        parse_go_number(text).ok_or_else(|| NotationError {
            offset: start,
            message: format!("error parsing number: {text:?} is not a number"),
        })
    }

    /// An `int` (optional `-`, decimal digits).
    fn int(&mut self) -> Result<i64, NotationError> {
        let neg = self.eat(b'-');
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("");
        if text.is_empty() {
            return Err(self.err("an integer"));
        }
        let v: i64 = text.parse().map_err(|_| NotationError {
            offset: start,
            message: format!("integer {text} is out of range"),
        })?;
        Ok(if neg { -v } else { v })
    }

    /// `[n n n]`: at least one number.
    fn bucket_set(&mut self) -> Result<Vec<f64>, NotationError> {
        if !self.eat(b'[') {
            return Err(self.err("[ to start a list of numbers"));
        }
        let mut v = Vec::new();
        loop {
            self.skip_spaces();
            if self.peek() == Some(b']') && !v.is_empty() {
                self.pos += 1;
                return Ok(v);
            }
            if !v.is_empty() && !self.s[self.pos - 1].is_ascii_whitespace() {
                return Err(self.err("a space or ]"));
            }
            v.push(self.signed_number(false)?);
        }
    }

    /// One `{{...}}`, built as `buildHistogramFromMap`; also whether
    /// `counter_reset_hint` was given.
    fn histogram(&mut self) -> Result<(FloatHistogram, bool), NotationError> {
        if !self.starts_with("{{") {
            return Err(self.err("{{ to open a histogram description"));
        }
        self.pos += 2;
        let mut h = FloatHistogram::default();
        let mut seen: Vec<&'static str> = Vec::new();
        let mut hint_set = false;
        let (mut buckets, mut offset, mut n_buckets, mut n_offset) = (None, 0i64, None, 0i64);
        loop {
            self.skip_spaces();
            if self.starts_with("}}") {
                self.pos += 2;
                break;
            }
            if !seen.is_empty() && !self.s[self.pos - 1].is_ascii_whitespace() {
                return Err(self.err("a space or }} after a histogram description item"));
            }
            let key_at = self.pos;
            let word = self.word().to_ascii_lowercase();
            const KEYS: [&str; 11] = [
                "schema",
                "sum",
                "count",
                "z_bucket",
                "z_bucket_w",
                "custom_values",
                "buckets",
                "offset",
                "n_buckets",
                "n_offset",
                "counter_reset_hint",
            ];
            let Some(&key) = KEYS.iter().find(|k| **k == word) else {
                self.pos = key_at;
                return Err(self.err(
                    "a histogram description key (schema, sum, count, z_bucket, z_bucket_w, custom_values, buckets, offset, n_buckets, n_offset, counter_reset_hint) or }}",
                ));
            };
            if !self.eat(b':') {
                return Err(self.err(&format!("`:` after histogram descriptor {key}")));
            }
            if seen.contains(&key) {
                return Err(NotationError {
                    offset: key_at,
                    message: format!("duplicate key \"{key}\" in histogram"),
                });
            }
            seen.push(key);
            match key {
                "schema" => h.schema = self.int()? as i32,
                "sum" => h.sum = self.signed_number(false)?,
                "count" => h.count = self.signed_number(false)?,
                "z_bucket" => h.zero_count = self.signed_number(false)?,
                "z_bucket_w" => h.zero_threshold = self.number()?,
                "custom_values" => h.custom_values = Some(Arc::from(self.bucket_set()?)),
                "buckets" => buckets = Some(self.bucket_set()?),
                "n_buckets" => n_buckets = Some(self.bucket_set()?),
                "offset" => offset = self.int()?,
                "n_offset" => n_offset = self.int()?,
                _ => {
                    hint_set = true;
                    let at = self.pos;
                    h.counter_reset_hint = match self.word().to_ascii_lowercase().as_str() {
                        "unknown" => CounterResetHint::Unknown,
                        "reset" => CounterResetHint::CounterReset,
                        "not_reset" => CounterResetHint::NotCounterReset,
                        "gauge" => CounterResetHint::Gauge,
                        _ => {
                            self.pos = at;
                            return Err(
                                self.err("a counter reset hint (unknown, reset, not_reset, gauge)")
                            );
                        }
                    };
                }
            }
        }
        (h.positive_buckets, h.positive_spans) = buckets_and_spans(buckets, offset);
        (h.negative_buckets, h.negative_spans) = buckets_and_spans(n_buckets, n_offset);
        Ok((h, hint_set))
    }
}

/// One span from the offset and the number of buckets (none without buckets).
fn buckets_and_spans(buckets: Option<Vec<f64>>, offset: i64) -> (Vec<f64>, Vec<Span>) {
    let buckets = buckets.unwrap_or_default();
    let spans = if buckets.is_empty() {
        Vec::new()
    } else {
        vec![Span {
            offset: offset as i32,
            length: buckets.len() as u32,
        }]
    };
    (buckets, spans)
}

fn inf_nan(w: &str) -> Option<f64> {
    match w.to_ascii_lowercase().as_str() {
        "inf" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    }
}

/// `strconv.ParseInt(v, 0, 64)` (leading `0`: octal; `_` between digits), else
/// `strconv.ParseFloat(v, 64)`.
fn parse_go_number(text: &str) -> Option<f64> {
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        let digits: String = text.chars().filter(|&c| c != '_').collect();
        let underscores_ok = !text.starts_with('_')
            && !text.ends_with('_')
            && !text.contains("__")
            && (!text.contains('_') || text.len() > 1);
        if underscores_ok {
            let r = if digits.len() > 1 && digits.starts_with('0') {
                i64::from_str_radix(&digits[1..], 8)
            } else {
                digits.parse::<i64>()
            };
            if let Ok(v) = r {
                return Some(v as f64);
            }
        }
    }
    if text.contains('_') {
        return None;
    }
    text.parse::<f64>().ok()
}

/// `histogramsSeries`: `base`, then `times` steps each adding (or subtracting)
/// `inc` to the previous; every point carries the increment's hint flag.
fn histograms_series(
    base: FloatHistogram,
    inc: &FloatHistogram,
    times: usize,
    hint_set: bool,
    subtract: bool,
    out: &mut Vec<SeriesPoint>,
) -> Result<(), String> {
    let mut cur = base;
    out.push(SeriesPoint::Histogram {
        histogram: cur.clone(),
        counter_reset_hint_set: hint_set,
    });
    for _ in 0..times {
        if cur.schema > inc.schema {
            return Err(format!(
                "error combining histograms: cannot merge from schema {} to {}",
                inc.schema, cur.schema
            ));
        }
        let mut next = cur.copy();
        let r = if subtract {
            next.sub(inc)
        } else {
            next.add(inc)
        };
        r.map_err(|e| e.to_string())?;
        out.push(SeriesPoint::Histogram {
            histogram: next.clone(),
            counter_reset_hint_set: hint_set,
        });
        cur = next;
    }
    Ok(())
}

impl FloatHistogram {
    /// Upstream's `TestExpression()`: this histogram in the `.test` notation,
    /// compacted to at most one span per side. Panics if compaction leaves more
    /// than one span (cannot happen), as upstream.
    pub fn test_expression(&self) -> String {
        let mut m = self.copy();
        m.compact(usize::MAX);
        let mut res: Vec<String> = Vec::new();
        if m.schema != 0 {
            res.push(format!("schema:{}", m.schema));
        }
        if m.count != 0.0 {
            res.push(format!("count:{}", go_g(m.count)));
        }
        if m.sum != 0.0 {
            res.push(format!("sum:{}", go_g(m.sum)));
        }
        if m.zero_count != 0.0 {
            res.push(format!("z_bucket:{}", go_g(m.zero_count)));
        }
        if m.zero_threshold != 0.0 {
            res.push(format!("z_bucket_w:{}", go_g(m.zero_threshold)));
        }
        if m.uses_custom_buckets() {
            let v: Vec<String> = cv(&m.custom_values).iter().map(|&v| go_g(v)).collect();
            res.push(format!("custom_values:[{}]", v.join(" ")));
        }
        match m.counter_reset_hint {
            CounterResetHint::Unknown => {}
            CounterResetHint::CounterReset => res.push("counter_reset_hint:reset".into()),
            CounterResetHint::NotCounterReset => res.push("counter_reset_hint:not_reset".into()),
            CounterResetHint::Gauge => res.push("counter_reset_hint:gauge".into()),
        }
        for (kind, buckets_key, offset_key, buckets, spans) in [
            (
                "positive",
                "buckets",
                "offset",
                &m.positive_buckets,
                &m.positive_spans,
            ),
            (
                "negative",
                "n_buckets",
                "n_offset",
                &m.negative_buckets,
                &m.negative_spans,
            ),
        ] {
            if spans.len() > 1 {
                panic!("histogram with multiple {kind} spans not supported");
            }
            for span in spans {
                if span.offset != 0 {
                    res.push(format!("{offset_key}:{}", span.offset));
                }
            }
            if !buckets.is_empty() {
                let v: Vec<String> = buckets.iter().map(|&b| go_g(b)).collect();
                res.push(format!("{buckets_key}:[{}]", v.join(" ")));
            }
        }
        format!("{{{{{}}}}}", res.join(" "))
    }
}
