//! Go's `strconv` as templates need it: quoting (`%q`, error messages),
//! unquoting string and character literals, parsing numbers the way the
//! template parser and `humanize*` do, and `FormatFloat` for `printf`.

use super::unitab;

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// `strconv.IsPrint` (also `unicode.IsPrint`): letters, marks, numbers,
/// punctuation, symbols and the ASCII space.
pub(super) fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    !unitab::contains(unitab::NOT_PRINT, c)
}

/// `unicode.IsLetter`.
pub(super) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    unitab::contains(unitab::LETTER, c)
}

/// `unicode.IsDigit`.
pub(super) fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    unitab::contains(unitab::DIGIT, c)
}

fn push_escaped(out: &mut String, r: char, quote: char, ascii_only: bool) {
    if r == quote || r == '\\' {
        out.push('\\');
        out.push(r);
        return;
    }
    if ascii_only {
        if r.is_ascii() && is_print(r) {
            out.push(r);
            return;
        }
    } else if is_print(r) {
        out.push(r);
        return;
    }
    match r {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        _ => {
            let v = r as u32;
            let (prefix, digits) = if v < 0x20 || v == 0x7f {
                ("\\x", 2)
            } else if v < 0x10000 {
                ("\\u", 4)
            } else {
                ("\\U", 8)
            };
            out.push_str(prefix);
            for shift in (0..digits).rev() {
                out.push(LOWER_HEX[((v >> (shift * 4)) & 0xf) as usize] as char);
            }
        }
    }
}

fn quote_with(s: &str, quote: char, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        push_escaped(&mut out, c, quote, ascii_only);
    }
    out.push(quote);
    out
}

/// `strconv.Quote`.
pub(super) fn quote(s: &str) -> String {
    quote_with(s, '"', false)
}

/// `strconv.QuoteToASCII` (`%+q`).
pub(super) fn quote_ascii(s: &str) -> String {
    quote_with(s, '"', true)
}

/// `strconv.QuoteRune` / `QuoteRuneToASCII` of a code point (invalid ones
/// become U+FFFD).
pub(super) fn quote_rune(r: i64, ascii_only: bool) -> String {
    let c = u32::try_from(r)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{fffd}');
    let mut out = String::from("'");
    push_escaped(&mut out, c, '\'', ascii_only);
    out.push('\'');
    out
}

/// `strconv.CanBackquote`.
pub(super) fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| {
        if c.len_utf8() > 1 {
            return c != '\u{feff}';
        }
        !((c < ' ' && c != '\t') || c == '`' || c == '\x7f')
    })
}

/// `%.10q`-style: the quoted first `n` characters.
pub(super) fn quote_prefix(s: &str, n: usize) -> String {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    quote(&s[..end])
}

fn unhex(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

/// `strconv.UnquoteChar` on bytes: (value, multibyte, rest). `None` is ErrSyntax.
pub(super) fn unquote_char(s: &[u8], quote: u8) -> Option<(u32, bool, &[u8])> {
    let &c = s.first()?;
    if c == quote && (quote == b'\'' || quote == b'"') {
        return None;
    }
    if c >= 0x80 {
        let text = std::str::from_utf8(&s[..s.len().min(4)])
            .or_else(|e| std::str::from_utf8(&s[..e.valid_up_to()]))
            .ok()?;
        let ch = text.chars().next().unwrap_or('\u{fffd}');
        let n = if text.is_empty() { 1 } else { ch.len_utf8() };
        return Some((ch as u32, true, &s[n..]));
    }
    if c != b'\\' {
        return Some((u32::from(c), false, &s[1..]));
    }
    let &e = s.get(1)?;
    let mut rest = &s[2..];
    let value = match e {
        b'a' => 7,
        b'b' => 8,
        b'f' => 12,
        b'n' => 10,
        b'r' => 13,
        b't' => 9,
        b'v' => 11,
        b'x' | b'u' | b'U' => {
            let n = match e {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            if rest.len() < n {
                return None;
            }
            let mut v: u32 = 0;
            for &b in &rest[..n] {
                v = (v << 4) | unhex(b)?;
            }
            rest = &rest[n..];
            if e == b'x' {
                return Some((v, false, rest));
            }
            char::from_u32(v)?;
            return Some((v, true, rest));
        }
        b'0'..=b'7' => {
            let mut v = u32::from(e - b'0');
            if rest.len() < 2 {
                return None;
            }
            for &b in &rest[..2] {
                if !(b'0'..=b'7').contains(&b) {
                    return None;
                }
                v = (v << 3) | u32::from(b - b'0');
            }
            rest = &rest[2..];
            if v > 255 {
                return None;
            }
            v
        }
        b'\\' => u32::from(b'\\'),
        b'\'' | b'"' if e == quote => u32::from(e),
        _ => return None,
    };
    Some((value, false, rest))
}

/// `strconv.Unquote` for `"…"`, `'…'` and `` `…` `` literals. Bytes that are
/// not UTF-8 (from `\x` escapes) become U+FFFD: Rust strings are UTF-8.
pub(super) fn unquote(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let n = b.len();
    if n < 2 || b[0] != b[n - 1] {
        return None;
    }
    let q = b[0];
    let inner = &s[1..n - 1];
    if q == b'`' {
        if inner.contains('`') {
            return None;
        }
        return Some(inner.replace('\r', ""));
    }
    if q != b'"' && q != b'\'' || inner.contains('\n') {
        return None;
    }
    let mut bytes = inner.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    while !bytes.is_empty() {
        let (c, multibyte, rest) = unquote_char(bytes, q)?;
        bytes = rest;
        if c < 0x80 || !multibyte {
            out.push(c as u8);
        } else if let Some(ch) = char::from_u32(c) {
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        }
        if q == b'\'' && !bytes.is_empty() {
            return None;
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Why a number did not parse (`strconv.ErrSyntax`, `strconv.ErrRange`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumErr {
    Syntax,
    Range,
}

/// `*strconv.NumError`'s text.
pub(super) fn num_error(func: &str, num: &str, e: NumErr) -> String {
    let why = match e {
        NumErr::Syntax => "invalid syntax",
        NumErr::Range => "value out of range",
    };
    format!("strconv.{func}: parsing {}: {why}", quote(num))
}

/// `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let mut s = s.as_bytes();
    if let [b'+' | b'-', rest @ ..] = s {
        s = rest;
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1] | 0x20 == b'x';
    }
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_digit() || hex && (c | 0x20).is_ascii_hexdigit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// `strconv.ParseUint(s, 0, 64)`.
pub(super) fn parse_uint0(s0: &str) -> Result<u64, NumErr> {
    let mut s = s0.as_bytes();
    if s.is_empty() {
        return Err(NumErr::Syntax);
    }
    let mut base = 10u64;
    if s[0] == b'0' {
        if s.len() >= 3 && matches!(s[1] | 0x20, b'b' | b'o' | b'x') {
            base = match s[1] | 0x20 {
                b'b' => 2,
                b'o' => 8,
                _ => 16,
            };
            s = &s[2..];
        } else {
            base = 8;
            s = &s[1..];
        }
    }
    let mut n: u64 = 0;
    let mut underscores = false;
    let mut range = false;
    for &c in s {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u64::from(c - b'0'),
            c if c.is_ascii_alphabetic() => u64::from((c | 0x20) - b'a' + 10),
            _ => return Err(NumErr::Syntax),
        };
        if d >= base {
            return Err(NumErr::Syntax);
        }
        if range {
            continue;
        }
        match n.checked_mul(base).and_then(|m| m.checked_add(d)) {
            Some(m) => n = m,
            None => range = true,
        }
    }
    if underscores && !underscore_ok(s0) {
        return Err(NumErr::Syntax);
    }
    if range {
        return Err(NumErr::Range);
    }
    Ok(n)
}

/// `strconv.ParseInt(s, 0, 64)`.
pub(super) fn parse_int0(s0: &str) -> Result<i64, NumErr> {
    let (neg, s) = match s0.as_bytes().first() {
        Some(b'+') => (false, &s0[1..]),
        Some(b'-') => (true, &s0[1..]),
        Some(_) => (false, s0),
        None => return Err(NumErr::Syntax),
    };
    let un = match parse_uint0(s) {
        Ok(u) => u,
        Err(NumErr::Range) => u64::MAX,
        Err(e) => return Err(e),
    };
    const CUTOFF: u64 = 1 << 63;
    if !neg && un >= CUTOFF || neg && un > CUTOFF {
        return Err(NumErr::Range);
    }
    Ok(if neg {
        (un as i64).wrapping_neg()
    } else {
        un as i64
    })
}

/// `strconv.ParseFloat(s, 64)`: decimal and hexadecimal forms with Go's
/// underscore rules, `Inf`/`Infinity`/`NaN` in any case; overflow is ErrRange.
pub(super) fn parse_float(s: &str) -> Result<f64, NumErr> {
    let b = s.as_bytes();
    // Special values first, as Go's `special`.
    let (sign, body) = match b.first() {
        Some(b'+') => (1.0, &s[1..]),
        Some(b'-') => (-1.0, &s[1..]),
        _ => (1.0, s),
    };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Ok(sign * f64::INFINITY);
    }
    if s.len() == 3 && s.eq_ignore_ascii_case("nan") {
        return Ok(f64::NAN);
    }
    let bb = body.as_bytes();
    if bb.len() > 2 && bb[0] == b'0' && bb[1] | 0x20 == b'x' {
        return parse_hex_float(&body[2..], sign, s);
    }
    // Decimal: digits [. digits] [e [+-] digits], underscores between digits.
    let mut i = 0;
    let mut digits = 0;
    let mut underscores = false;
    let mut clean = String::with_capacity(s.len());
    let mut dot = false;
    while i < bb.len() {
        let c = bb[i];
        match c {
            b'0'..=b'9' => digits += 1,
            b'_' => underscores = true,
            b'.' if !dot => dot = true,
            _ => break,
        }
        if c != b'_' {
            clean.push(c as char);
        }
        i += 1;
    }
    if digits == 0 {
        return Err(NumErr::Syntax);
    }
    if i < bb.len() && bb[i] | 0x20 == b'e' {
        clean.push('e');
        i += 1;
        if i < bb.len() && (bb[i] == b'+' || bb[i] == b'-') {
            clean.push(bb[i] as char);
            i += 1;
        }
        let start = i;
        while i < bb.len() && (bb[i].is_ascii_digit() || bb[i] == b'_') {
            if bb[i] == b'_' {
                underscores = true;
            } else {
                clean.push(bb[i] as char);
            }
            i += 1;
        }
        if i == start {
            return Err(NumErr::Syntax);
        }
    }
    if i != bb.len() || underscores && !underscore_ok(s) {
        return Err(NumErr::Syntax);
    }
    let v: f64 = clean.parse().map_err(|_| NumErr::Syntax)?;
    if v.is_infinite() {
        return Err(NumErr::Range);
    }
    Ok(sign * v)
}

/// The mantissa and `p` exponent after a `0x` prefix.
fn parse_hex_float(body: &str, sign: f64, whole: &str) -> Result<f64, NumErr> {
    let b = body.as_bytes();
    let mut mant: u128 = 0;
    let mut exp: i64 = 0;
    let mut digits = 0;
    let mut dot = false;
    let mut i = 0;
    let mut underscores = false;
    while i < b.len() {
        let c = b[i];
        if c == b'_' {
            underscores = true;
        } else if c == b'.' && !dot {
            dot = true;
        } else if let Some(d) = unhex(c) {
            digits += 1;
            if mant >> 120 == 0 {
                mant = (mant << 4) | u128::from(d);
                if dot {
                    exp -= 4;
                }
            } else if !dot {
                exp += 4;
            }
        } else {
            break;
        }
        i += 1;
    }
    if digits == 0 || i >= b.len() || b[i] | 0x20 != b'p' {
        return Err(NumErr::Syntax);
    }
    i += 1;
    let mut esign = 1i64;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        if b[i] == b'-' {
            esign = -1;
        }
        i += 1;
    }
    let start = i;
    let mut e: i64 = 0;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        if b[i] == b'_' {
            underscores = true;
        } else if e < 100_000 {
            e = e * 10 + i64::from(b[i] - b'0');
        }
        i += 1;
    }
    if i == start || i != b.len() || underscores && !underscore_ok(whole) {
        return Err(NumErr::Syntax);
    }
    let exp = (exp + esign * e).clamp(-5000, 5000) as i32;
    // Scale in two steps so the intermediate power of two stays finite.
    let v = (mant as f64) * 2f64.powi(exp / 2) * 2f64.powi(exp - exp / 2);
    if v.is_infinite() {
        return Err(NumErr::Range);
    }
    Ok(sign * v)
}

/// `strconv.FormatFloat(v, fmt, prec, 64)` for the formats `printf` uses:
/// `e E f g G b x X`; `prec < 0` is the shortest exact representation.
pub(super) fn format_float(v: f64, fmt: u8, prec: i32) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    match fmt {
        b'g' | b'G' => {
            let s = if prec < 0 {
                crate::gofmt::go_g(v)
            } else {
                crate::gofmt::go_g_prec(v, prec as usize)
            };
            if fmt == b'G' { s.replace('e', "E") } else { s }
        }
        b'e' | b'E' => crate::gofmt::go_e(v, prec, fmt == b'E'),
        b'f' | b'F' => {
            let s = if prec < 0 {
                crate::gofmt::go_float(v)
            } else {
                format!("{v:.*}", prec as usize)
            };
            if v == 0.0 && v.is_sign_negative() && !s.starts_with('-') {
                format!("-{s}")
            } else {
                s
            }
        }
        b'b' => {
            let (neg, exp, mant) = float_parts(v);
            let exp = exp - 52;
            format!(
                "{}{mant}p{}{exp}",
                if neg { "-" } else { "" },
                if exp >= 0 { "+" } else { "" }
            )
        }
        _ => format_hex(v, fmt, prec),
    }
}

/// A float as its sign, unbiased binary exponent and 53-bit mantissa (with the
/// implicit leading 1; subnormals at the smallest exponent), as Go's `fmtB` and
/// `fmtX` take it apart.
fn float_parts(v: f64) -> (bool, i64, u64) {
    let bits = v.to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1 << 52;
    }
    (bits >> 63 != 0, exp - 1023, mant)
}

/// `%x` / `%X` of a float: `-0x1.yyyyp±dd`.
fn format_hex(v: f64, fmt: u8, prec: i32) -> String {
    let (neg, mut exp, mut mant) = float_parts(v);
    if mant == 0 {
        exp = 0;
    }
    mant <<= 60 - 52;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8; 16] = if fmt == b'X' {
        b"0123456789ABCDEF"
    } else {
        LOWER_HEX
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push('0');
    out.push(fmt as char);
    out.push((b'0' + ((mant >> 60) & 1) as u8) as char);
    mant <<= 4;
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    }
    out.push(if fmt == b'X' { 'P' } else { 'p' });
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    out.push_str(&a.to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(
            quote("a\"b\\\n\u{7f}é\u{200b}"),
            "\"a\\\"b\\\\\\n\\x7fé\\u200b\""
        );
        assert_eq!(quote_ascii("é"), "\"\\u00e9\"");
        assert_eq!(quote_rune(0x78, false), "'x'");
        assert_eq!(quote_rune(-1, false), "'�'");
        assert_eq!(quote_prefix("abcdefghijkl", 10), "\"abcdefghij\"");
    }

    #[test]
    fn unquoting() {
        assert_eq!(unquote("\"a\\tb\"").as_deref(), Some("a\tb"));
        assert_eq!(unquote("`a\r\nb`").as_deref(), Some("a\nb"));
        assert_eq!(unquote("\"\\u00e9\\101\"").as_deref(), Some("éA"));
        assert_eq!(unquote("\"\\'\""), None);
        assert_eq!(unquote("'ab'"), None);
        assert_eq!(unquote("'\\''").as_deref(), Some("'"));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_int0("0x1F"), Ok(31));
        assert_eq!(parse_int0("017"), Ok(15));
        assert_eq!(parse_int0("-0b101"), Ok(-5));
        assert_eq!(parse_int0("1_000"), Ok(1000));
        assert_eq!(parse_int0("1__0"), Err(NumErr::Syntax));
        assert_eq!(parse_int0("9223372036854775808"), Err(NumErr::Range));
        assert_eq!(parse_uint0("9223372036854775808"), Ok(1 << 63));
        assert_eq!(parse_float("1e3"), Ok(1000.0));
        assert_eq!(parse_float(".5"), Ok(0.5));
        assert_eq!(parse_float("+Inf"), Ok(f64::INFINITY));
        assert!(parse_float("NaN").unwrap().is_nan());
        assert_eq!(parse_float("1e400"), Err(NumErr::Range));
        assert_eq!(parse_float("one"), Err(NumErr::Syntax));
        assert_eq!(parse_float("0x1p-2"), Ok(0.25));
        assert_eq!(parse_float("1e"), Err(NumErr::Syntax));
    }

    #[test]
    fn float_formats() {
        assert_eq!(format_float(3720.01, b'f', 2), "3720.01");
        assert_eq!(format_float(1.5, b'e', 3), "1.500e+00");
        assert_eq!(format_float(1e100, b'E', -1), "1E+100");
        assert_eq!(format_float(1.5, b'x', -1), "0x1.8p+00");
        assert_eq!(format_float(1.0, b'b', -1), "4503599627370496p-52");
        assert_eq!(format_float(1234567.0, b'G', 3), "1.23E+06");
    }
}
