//! Numbers as Go's `strconv` and `fmt` write them, one implementation for every
//! place Prometheus's output shows one: `FormatFloat(v, 'f', -1, 64)` (the HTTP
//! API's values, promtool's text, the PromQL printer, `count_values` labels) and
//! `%g`, `%.Ng`, `%f` (annotation and error texts). The client libraries' own
//! float format (Python's `repr` with Go's exponent) is `expo::encode::format`'s.

/// Decimal digits (no leading zeros, no trailing zeros) and the decimal point
/// position, from Rust's `{:e}` (shortest) or `{:.Ne}` (rounded) output.
fn digits(sci: &str) -> (String, i32) {
    let (m, e) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = e.parse().unwrap_or(0);
    let mut d: String = m.chars().filter(char::is_ascii_digit).collect();
    while d.len() > 1 && d.ends_with('0') {
        d.pop();
    }
    (d, exp + 1)
}

fn special(v: f64) -> Option<String> {
    if v.is_nan() {
        Some("NaN".into())
    } else if v.is_infinite() {
        Some(if v > 0.0 { "+Inf" } else { "-Inf" }.into())
    } else {
        None
    }
}

fn fmt_e(neg: bool, d: &str, prec: usize, dp: i32) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push_str(&d[..1]);
    if prec > 0 {
        s.push('.');
        let rest = &d[1..];
        s.push_str(&rest[..rest.len().min(prec)]);
        for _ in rest.len()..prec {
            s.push('0');
        }
    }
    let exp = if d == "0" { 0 } else { dp - 1 };
    s.push('e');
    s.push(if exp < 0 { '-' } else { '+' });
    s.push_str(&format!("{:02}", exp.abs()));
    s
}

fn fmt_f(neg: bool, d: &str, frac: usize, dp: i32) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if dp <= 0 {
        s.push('0');
    } else {
        let dp = dp as usize;
        for i in 0..dp {
            s.push(d.as_bytes().get(i).map_or('0', |&b| b as char));
        }
    }
    if frac > 0 {
        s.push('.');
        for i in 0..frac {
            let k = dp + i as i32;
            let c = if k < 0 {
                '0'
            } else {
                d.as_bytes().get(k as usize).map_or('0', |&b| b as char)
            };
            s.push(c);
        }
    }
    s
}

/// Go's `%g` (shortest representation).
pub fn go_g(v: f64) -> String {
    if let Some(s) = special(v) {
        return s;
    }
    let neg = v.is_sign_negative();
    let (d, dp) = if v == 0.0 {
        ("0".to_string(), 1)
    } else {
        digits(&format!("{:e}", v.abs()))
    };
    let nd = d.len() as i32;
    let exp = dp - 1;
    if !(-4..6).contains(&exp) {
        return fmt_e(neg, &d, (nd - 1) as usize, dp);
    }
    fmt_f(neg, &d, (nd - dp).max(0) as usize, dp)
}

/// Go's `%.<prec>g`.
pub fn go_g_prec(v: f64, prec: usize) -> String {
    if let Some(s) = special(v) {
        return s;
    }
    let prec = prec.max(1);
    let neg = v.is_sign_negative();
    let (d, dp) = if v == 0.0 {
        ("0".to_string(), 1)
    } else {
        digits(&format!("{:.*e}", prec - 1, v.abs()))
    };
    let nd = d.len() as i32;
    let mut p = prec as i32;
    let mut eprec = p;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    let exp = dp - 1;
    if exp < -4 || exp >= eprec {
        if p > nd {
            p = nd;
        }
        return fmt_e(neg, &d, (p - 1) as usize, dp);
    }
    if p > dp {
        p = nd;
    }
    fmt_f(neg, &d, (p - dp).max(0) as usize, dp)
}

/// `strconv.FormatFloat(v, 'e' or 'E', prec, 64)`: always an exponent of at
/// least two digits; `prec < 0` gives the shortest digits that read back
/// (promtool's sample values: `1E+00`, `2.5E-01`).
pub fn go_e(v: f64, prec: i32, upper: bool) -> String {
    if let Some(s) = special(v) {
        return s;
    }
    let a = v.abs();
    let sci = if prec < 0 {
        format!("{a:e}")
    } else {
        format!("{a:.*e}", prec as usize)
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if v.is_sign_negative() { "-" } else { "" };
    let e = if upper { 'E' } else { 'e' };
    let exp_sign = if exp < 0 { '-' } else { '+' };
    format!("{sign}{mantissa}{e}{exp_sign}{:02}", exp.unsigned_abs())
}

/// Go's `url.QueryEscape`: letters, digits and `-_.~` kept, space as `+`, every
/// other byte as `%XX` (upper case).
pub fn go_query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Go's `%f` (six decimals).
pub fn go_f(v: f64) -> String {
    special(v).unwrap_or_else(|| format!("{v:.6}"))
}

/// A float as Prometheus's HTTP API writes it (`jsonutil.MarshalFloat`): shortest
/// digits, with an exponent only below 1e-6 or from 1e21 on.
pub fn api_float(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && a.is_finite() && !(1e-6..1e21).contains(&a) {
        go_e(v, -1, false)
    } else {
        go_float(v)
    }
}

/// `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent
/// (what `count_values` puts in its label, and the HTTP API in its values).
pub fn go_float(v: f64) -> String {
    special(v).unwrap_or_else(|| format!("{v}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_escape_as_go() {
        assert_eq!(
            super::go_query_escape("rate(x{a=\"b c\"}[5m]) > 0.5"),
            "rate%28x%7Ba%3D%22b+c%22%7D%5B5m%5D%29+%3E+0.5"
        );
    }

    #[test]
    fn api_floats_as_marshal_float() {
        assert_eq!(super::api_float(1e-7), "1e-07");
        assert_eq!(super::api_float(0.000001), "0.000001");
        assert_eq!(super::api_float(1e21), "1e+21");
        assert_eq!(super::api_float(123456.5), "123456.5");
        assert_eq!(super::api_float(0.0), "0");
        assert_eq!(super::api_float(f64::NAN), "NaN");
        assert_eq!(super::api_float(f64::NEG_INFINITY), "-Inf");
    }

    #[test]
    fn e_upper_as_go() {
        for (v, want) in [
            (1.0, "1E+00"),
            (0.0, "0E+00"),
            (0.25, "2.5E-01"),
            (-1234.5, "-1.2345E+03"),
            (1e-300, "1E-300"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
        ] {
            assert_eq!(super::go_e(v, -1, true), want);
        }
    }

    use super::*;

    #[test]
    fn percent_g() {
        assert_eq!(go_g(0.5), "0.5");
        assert_eq!(go_g(-1.0), "-1");
        assert_eq!(go_g(1e6), "1e+06");
        assert_eq!(go_g(123456.0), "123456");
        assert_eq!(go_g(1234567.0), "1.234567e+06");
        assert_eq!(go_g(1e-5), "1e-05");
        assert_eq!(go_g(0.0001), "0.0001");
        assert_eq!(go_g(f64::NAN), "NaN");
        assert_eq!(go_g(f64::INFINITY), "+Inf");
        assert_eq!(go_g(0.0), "0");
        assert_eq!(go_g(2.5), "2.5");
    }

    #[test]
    fn percent_2g() {
        assert_eq!(go_g_prec(10.0, 2), "10");
        assert_eq!(go_g_prec(100.0, 2), "1e+02");
        assert_eq!(go_g_prec(5.5, 2), "5.5");
        assert_eq!(go_g_prec(0.01, 2), "0.01");
        assert_eq!(go_g_prec(7.0, 2), "7");
        assert_eq!(go_g_prec(1.234, 2), "1.2");
    }

    #[test]
    fn shortest_fixed_and_percent_f() {
        assert_eq!(go_f(0.5), "0.500000");
        assert_eq!(go_f(f64::INFINITY), "+Inf");
        assert_eq!(go_float(1e21), "1000000000000000000000");
        assert_eq!(go_float(-0.25), "-0.25");
        assert_eq!(go_float(f64::NEG_INFINITY), "-Inf");
        assert_eq!(go_float(f64::NAN), "NaN");
    }
}
