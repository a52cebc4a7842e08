//! Numbers as Go prints them in Prometheus's messages and labels.

/// `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent
/// (what `count_values` puts in its label, and the HTTP API in its values).
pub fn go_float(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        }
    } else {
        format!("{v}")
    }
}

/// Go's `%g` (shortest digits; an exponent below 1e-4 and from 1e+06 on).
pub fn go_g(v: f64) -> String {
    if !v.is_finite() || v == 0.0 {
        return go_float(v);
    }
    let sci = format!("{v:e}"); // e.g. "1.5e6", "-2e-7"
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= 6 {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_formats() {
        assert_eq!(go_float(1e21), "1000000000000000000000");
        assert_eq!(go_float(f64::NEG_INFINITY), "-Inf");
        assert_eq!(go_g(1.5), "1.5");
        assert_eq!(go_g(1e6), "1e+06");
        assert_eq!(go_g(-0.00001), "-1e-05");
        assert_eq!(go_g(123456.0), "123456");
    }
}

/// Prometheus's `labels.Labels.String()`: `{__name__="up", job="api"}`, every
/// label inside the braces (as its error messages print series).
pub fn go_labels(labels: &crate::tsdb::Labels) -> String {
    use crate::tsdb::labels::{is_legacy_label_name, write_quoted};
    let mut s = String::from("{");
    for (i, (n, v)) in labels.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        if is_legacy_label_name(n) {
            s.push_str(n);
        } else {
            let _ = write_quoted(&mut s, n);
        }
        s.push('=');
        let _ = write_quoted(&mut s, v);
    }
    s.push('}');
    s
}
