//! Number, timestamp and string formatting shared by both encoders, written to
//! reproduce client_python byte for byte: `floatToGoString`, Python's `repr()` of
//! floats and `str()` of timestamps, backslash escaping, and metric/label name
//! escaping (the `escaping=` schemes of content negotiation).

use crate::expo::model::Timestamp;

/// How names outside the legacy character set are written (the `escaping=`
/// parameter of the Accept header, as client_python and client_golang define it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum NameEscaping {
    /// Names are written as they are; non-legacy names are quoted (`{"utf8.cc_total"}`).
    AllowUtf8,
    /// Every character outside the legacy set becomes `_` (client_python's default).
    #[default]
    Underscores,
    /// `.` becomes `_dot_`, `_` becomes `__`, other invalid characters `__`.
    Dots,
    /// Non-legacy names become `U__` followed by `_<hex code point>_` for each invalid character.
    Values,
}

impl NameEscaping {
    /// The scheme named by an `escaping=` parameter value.
    pub fn from_param(word: &str) -> Option<NameEscaping> {
        match word {
            "allow-utf-8" => Some(NameEscaping::AllowUtf8),
            "underscores" => Some(NameEscaping::Underscores),
            "dots" => Some(NameEscaping::Dots),
            "values" => Some(NameEscaping::Values),
            _ => None,
        }
    }
}

/// `floatToGoString`: `+Inf`, `-Inf`, `NaN`, otherwise Python's `repr()`, except that
/// positive values with more than six digits before the point use Go's exponent form.
pub fn float_to_go_string(value: f64) -> String {
    let mut out = String::new();
    write_float_to_go_string(&mut out, value);
    out
}

/// `float_to_go_string`, appended to `out`; whole numbers below a million (most counter and
/// bucket values) skip the general formatting.
pub fn write_float_to_go_string(out: &mut String, value: f64) {
    use std::fmt::Write;
    let magnitude = value.abs();
    if value.fract() == 0.0 && magnitude < 1e6 && !(value == 0.0 && value.is_sign_negative()) {
        // Digits written by hand: the formatting machinery cost more than the rest.
        let mut digits = [0u8; 8];
        let mut at = digits.len();
        let mut n = magnitude as u32;
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if value < 0.0 {
            out.push('-');
        }
        out.extend(digits[at..].iter().map(|&b| char::from(b)));
        out.push_str(".0");
    } else if (1e-4..1e6).contains(&magnitude) {
        // In this range Python's repr is fixed notation with the shortest round-trip
        // digits, which is exactly what Rust's Display writes for a non-integer.
        let _ = write!(out, "{value}");
    } else if (1e6..1e16).contains(&value) {
        // Python's repr is fixed notation here too (Display's digits), with more
        // than six digits before the point: client_python moves the point after
        // the first digit, trailing zeros trimmed, and always writes a leading zero
        // in the exponent (1714521600.5 -> 1.7145216005e+09, 1e10 -> 1e+010).
        let start = out.len();
        let _ = write!(out, "{value}");
        let int_len = out[start..].find('.').unwrap_or(out.len() - start);
        let mut digits = [0u8; 32];
        let mut n = 0;
        for b in out[start..].bytes().filter(|b| *b != b'.') {
            digits[n] = b;
            n += 1;
        }
        while n > 1 && digits[n - 1] == b'0' {
            n -= 1;
        }
        out.truncate(start);
        out.push(char::from(digits[0]));
        if n > 1 {
            out.push('.');
            out.extend(digits[1..n].iter().map(|&b| char::from(b)));
        }
        let _ = write!(out, "e+0{}", int_len - 1);
    } else {
        out.push_str(&special_or_repr(value));
    }
}

/// `+Inf`, `-Inf`, `NaN`, or Python's repr: `floatToGoString` where no branch
/// above applies (its exponent form is for positive values of over six digits).
fn special_or_repr(value: f64) -> String {
    if value == f64::INFINITY {
        return "+Inf".to_string();
    }
    if value == f64::NEG_INFINITY {
        return "-Inf".to_string();
    }
    if value.is_nan() {
        return "NaN".to_string();
    }
    python_float_repr(value)
}

/// Python's `repr()` of a float: the shortest digits that round-trip, in fixed
/// notation (always with a fraction) when the decimal exponent is in -4..16, else in
/// exponent notation with a signed, at least two-digit exponent (`1e-05`, `1e+16`).
pub fn python_float_repr(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, e.g. "-1.23456e2".
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exponent) {
        if exponent >= 0 {
            let int_len = exponent as usize + 1;
            if digits.len() <= int_len {
                let zeros = "0".repeat(int_len - digits.len());
                format!("{sign}{digits}{zeros}.0")
            } else {
                format!("{sign}{}.{}", &digits[..int_len], &digits[int_len..])
            }
        } else {
            let zeros = "0".repeat((-exponent - 1) as usize);
            format!("{sign}0.{zeros}{digits}")
        }
    } else {
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{exp_sign}{:02}", exponent.abs())
    }
}

/// A timestamp as client_python's OpenMetrics encoder writes it: `str()` of what was given.
pub fn openmetrics_timestamp(timestamp: Timestamp) -> String {
    match timestamp {
        Timestamp::Seconds(seconds) => python_float_repr(seconds),
        Timestamp::WholeSeconds(seconds) => seconds.to_string(),
        Timestamp::Millis(millis) => python_float_repr(millis as f64 / 1000.0),
        Timestamp::Exact { secs, nanos } => format!("{secs}.{nanos:09}"),
    }
}

/// A timestamp as text 0.0.4 wants it: `int(float(ts) * 1000)`, milliseconds truncated
/// toward zero, computed through a float exactly as client_python does.
pub fn text_timestamp_millis(timestamp: Timestamp) -> i64 {
    match timestamp {
        Timestamp::Millis(millis) => millis,
        Timestamp::WholeSeconds(seconds) => seconds.saturating_mul(1000),
        other => (other.as_seconds() * 1000.0) as i64,
    }
}

/// Escapes backslash and newline (text 0.0.4 HELP).
pub fn escape_help_text(help: &str) -> String {
    help.replace('\\', r"\\").replace('\n', r"\n")
}

/// Escapes backslash, newline and double quote (label values, OpenMetrics HELP, quoted names).
pub fn escape_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_escaped_quoted(&mut out, value);
    out
}

/// `escape_quoted`, appended to `out` (no copy when nothing needs escaping).
pub fn push_escaped_quoted(out: &mut String, value: &str) {
    // Label values are short: a plain scan beats a word-at-a-time search's setup.
    if !value.bytes().any(|b| matches!(b, b'\\' | b'\n' | b'"')) {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '\\' => out.push_str(r"\\"),
            '\n' => out.push_str(r"\n"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
}

/// `escape_metric_name`, appended to `out` (legacy names are copied as they are).
pub fn write_metric_name(out: &mut String, name: &str, scheme: NameEscaping) {
    if scheme != NameEscaping::Dots && is_legacy_metric_name(name) {
        out.push_str(name);
    } else {
        out.push_str(&escape_metric_name(name, scheme));
    }
}

/// `escape_label_name`, appended to `out` (legacy names are copied as they are).
pub fn write_label_name(out: &mut String, name: &str, scheme: NameEscaping) {
    if scheme != NameEscaping::Dots && is_legacy_label_name(name) {
        out.push_str(name);
    } else {
        out.push_str(&escape_label_name(name, scheme));
    }
}

fn is_legacy_metric_char(c: char, position: usize) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == ':' || (position > 0 && c.is_ascii_digit())
}

fn is_legacy_label_char(c: char, position: usize) -> bool {
    c.is_ascii_alphabetic() || c == '_' || (position > 0 && c.is_ascii_digit())
}

// The legacy name rules are the parser's; the encoder asks the same question.
pub use crate::names::{is_legacy_label_name, is_legacy_metric_name};

/// A metric name as written in `# HELP`/`# TYPE` and inside a sample line's braces.
pub fn escape_metric_name(name: &str, scheme: NameEscaping) -> String {
    escape_name(name, scheme, is_legacy_metric_char)
}

/// A label name as written before `=`.
pub fn escape_label_name(name: &str, scheme: NameEscaping) -> String {
    escape_name(name, scheme, is_legacy_label_char)
}

fn escape_name(name: &str, scheme: NameEscaping, is_valid: fn(char, usize) -> bool) -> String {
    let legacy = !name.is_empty() && name.chars().enumerate().all(|(i, c)| is_valid(c, i));
    match scheme {
        NameEscaping::AllowUtf8 if legacy || name.is_empty() => name.to_string(),
        NameEscaping::AllowUtf8 => format!("\"{}\"", escape_quoted(name)),
        NameEscaping::Underscores if legacy => name.to_string(),
        NameEscaping::Underscores => name
            .chars()
            .enumerate()
            .map(|(i, c)| if is_valid(c, i) { c } else { '_' })
            .collect(),
        // Dots escaping rewrites underscores even in legacy names, so it never returns early.
        NameEscaping::Dots => {
            let mut out = String::with_capacity(name.len());
            for (i, c) in name.chars().enumerate() {
                match c {
                    '_' => out.push_str("__"),
                    '.' => out.push_str("_dot_"),
                    c if is_valid(c, i) => out.push(c),
                    _ => out.push_str("__"),
                }
            }
            out
        }
        NameEscaping::Values if legacy || name.is_empty() => name.to_string(),
        NameEscaping::Values => {
            let mut out = String::from("U__");
            for (i, c) in name.chars().enumerate() {
                match c {
                    '_' => out.push_str("__"),
                    c if is_valid(c, i) => out.push(c),
                    c => out.push_str(&format!("_{:x}_", c as u32)),
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// client_python's `floatToGoString` as it is written: string surgery on repr.
    fn float_to_go_string_general(value: f64) -> String {
        let repr = special_or_repr(value);
        match repr.find('.') {
            Some(dot) if value > 0.0 && dot > 6 => {
                let joined = format!("{}.{}{}", &repr[..1], &repr[1..dot], &repr[dot + 1..]);
                let mantissa = joined.trim_end_matches(['0', '.']);
                format!("{mantissa}e+0{}", dot - 1)
            }
            _ => repr,
        }
    }

    #[test]
    fn the_fast_paths_write_what_the_general_one_does() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut values = vec![
            1e6,
            1e10,
            1e15,
            9_999_999_999_999_998.0,
            1714521600.0,
            1714521600.5,
            1234567.0,
            0.0,
            -0.0,
            1.0,
            -1.0,
            999_999.0,
            -999_999.0,
        ];
        for _ in 0..20_000 {
            let exponent = (next() % 22) as i32 - 6;
            let mantissa = (next() % 1_000_000_007) as f64 / 1e9;
            let value = mantissa * 10f64.powi(exponent);
            values.extend([value, value.round(), -value]);
        }
        for value in values {
            let mut fast = String::new();
            write_float_to_go_string(&mut fast, value);
            assert_eq!(fast, float_to_go_string_general(value), "{value:e}");
        }
    }

    #[test]
    fn python_repr_matches_cpython() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (17.0, "17.0"),
            (0.1, "0.1"),
            (0.05, "0.05"),
            (123.456, "123.456"),
            (-123.456, "-123.456"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e16, "1e+16"),
            (9999999999999998.0, "9999999999999998.0"),
            (1.234e20, "1.234e+20"),
            (0.013300656000000001, "0.013300656000000001"),
            (871.5665949999999, "871.5665949999999"),
            (2.938735877055719e-39, "2.938735877055719e-39"),
        ];
        for (value, expected) in cases {
            assert_eq!(python_float_repr(*value), *expected, "repr({value})");
        }
    }

    #[test]
    fn fast_paths_agree_with_the_general_formatting() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..200_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let v = match i % 4 {
                0 => f64::from_bits(x),
                1 => (x >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi((i % 14) - 5),
                2 => ((x >> 40) as f64) / 1000.0,
                _ => -(((x >> 44) as f64) + 0.5),
            };
            if !v.is_finite() {
                continue;
            }
            let mut fast = String::new();
            write_float_to_go_string(&mut fast, v);
            assert_eq!(fast, float_to_go_string_general(v), "{v:e}");
        }
    }

    #[test]
    fn float_to_go_string_matches_client_python() {
        let cases: &[(f64, &str)] = &[
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
            (1e6, "1e+06"),
            (999999.0, "999999.0"),
            (100000.0, "100000.0"),
            (2478268416.0, "2.478268416e+09"),
            (1555555.55555552, "1.55555555555552e+06"),
            (1e23, "1e+23"),
            (1e10, "1e+010"),
            (-1e6, "-1000000.0"),
            (1520430000.123, "1.520430000123e+09"),
            (1345758.0, "1.345758e+06"),
        ];
        for (value, expected) in cases {
            assert_eq!(
                float_to_go_string(*value),
                *expected,
                "floatToGoString({value})"
            );
        }
    }

    #[test]
    fn timestamps_print_as_given() {
        assert_eq!(
            openmetrics_timestamp(Timestamp::Exact {
                secs: 123,
                nanos: 456
            }),
            "123.000000456"
        );
        assert_eq!(openmetrics_timestamp(Timestamp::WholeSeconds(123)), "123");
        assert_eq!(text_timestamp_millis(Timestamp::Seconds(-123.456)), -123456);
        assert_eq!(
            text_timestamp_millis(Timestamp::Exact {
                secs: 123,
                nanos: 456_000
            }),
            123000
        );
    }
}
