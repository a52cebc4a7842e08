//! The series value notation of `.test` files: `1+2x3`, `5x2`, `_x3`, `stale`, `NaN`,
//! `Inf`, and `{{...}}` native-histogram samples (read by `crate::histogram::notation`).

use crate::histogram::FloatHistogram;
use crate::histogram::notation::{SeriesPoint, parse_series_histograms};
use crate::tsdb::STALE_NAN;

/// A histogram point of a series line, and whether its text set the counter-reset
/// hint (only then is the hint compared).
pub type HistogramPoint = (FloatHistogram, bool);

/// The expanded values of one series line: `None` is a missing point; the
/// stale marker is `Some(f64::from_bits(STALE_NAN))`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SeriesValues {
    /// Float points (`None` also where the point is a histogram).
    pub values: Vec<Option<f64>>,
    /// The text holds `{{...}}` native-histogram samples.
    pub native_histogram: bool,
    /// With `native_histogram`: the histogram points, one per value.
    pub histograms: Vec<Option<HistogramPoint>>,
}

/// The most values one series of a `load` may expand to.
const MAX_VALUES: usize = 2_000_000;

/// The stale marker as a float.
pub fn stale() -> f64 {
    f64::from_bits(STALE_NAN)
}

/// Expands a whitespace-separated list of values. Errors say what was expected.
pub fn parse_values(text: &str) -> Result<SeriesValues, String> {
    if text.contains("{{") {
        let points = parse_series_histograms(text).map_err(|e| e.to_string())?;
        let mut out = SeriesValues {
            values: Vec::with_capacity(points.len()),
            native_histogram: true,
            histograms: Vec::with_capacity(points.len()),
        };
        for p in points {
            let (v, h) = match p {
                SeriesPoint::Omitted => (None, None),
                SeriesPoint::Float(v) => (Some(v), None),
                SeriesPoint::Histogram {
                    histogram,
                    counter_reset_hint_set,
                } => (None, Some((histogram, counter_reset_hint_set))),
            };
            out.values.push(v);
            out.histograms.push(h);
        }
        return Ok(out);
    }
    let mut values = Vec::new();
    for word in text.split_whitespace() {
        expand(word, &mut values)?;
        // Checked as the values grow, so a line of many `0x1000000` words fails
        // before it takes gigabytes.
        if values.len() > MAX_VALUES {
            return Err(format!(
                "a series may hold at most {MAX_VALUES} values (this one has {} so far)",
                values.len()
            ));
        }
    }
    Ok(SeriesValues {
        values,
        native_histogram: false,
        histograms: Vec::new(),
    })
}

/// A single float as `.test` files write them: numbers, scientific notation,
/// `NaN`, `Inf`, `+Inf`, `-Inf`, `stale`.
pub fn parse_number(word: &str) -> Option<f64> {
    if word == "stale" {
        return Some(stale());
    }
    let body = word.strip_prefix(['+', '-']).unwrap_or(word);
    let ok_chars = !body.is_empty()
        && (body.eq_ignore_ascii_case("nan")
            || body.eq_ignore_ascii_case("inf")
            || body.eq_ignore_ascii_case("infinity")
            || body
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')));
    if !ok_chars {
        return None;
    }
    word.parse::<f64>().ok()
}

fn expand(word: &str, out: &mut Vec<Option<f64>>) -> Result<(), String> {
    let bad = || {
        format!(
            "expected a value (a number, NaN, Inf, stale, _, or a+bxn / a-bxn / axn / _xn), found {word:?}"
        )
    };
    if word == "_" {
        out.push(None);
        return Ok(());
    }
    if let Some(v) = parse_number(word) {
        out.push(Some(v));
        return Ok(());
    }
    // `<base>x<n>`: the last `x` followed only by digits.
    let Some(x) = word.rfind('x') else {
        return Err(bad());
    };
    let count_text = &word[x + 1..];
    if count_text.is_empty() || !count_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: usize = count_text
        .parse()
        .map_err(|_| format!("repeat count {count_text:?} is too large"))?;
    if n > 1_000_000 {
        return Err(format!("repeat count {n} is too large (at most 1000000)"));
    }
    let base = &word[..x];
    if base == "_" {
        out.extend(std::iter::repeat_n(None, n));
        return Ok(());
    }
    if let Some(v) = parse_number(base) {
        out.extend(std::iter::repeat_n(Some(v), n + 1));
        return Ok(());
    }
    // `a+b` or `a-b`: the first sign after the start that is not an exponent's.
    let bytes = base.as_bytes();
    let split = (1..bytes.len())
        .find(|&i| matches!(bytes[i], b'+' | b'-') && !matches!(bytes[i - 1], b'e' | b'E'))
        .ok_or_else(bad)?;
    let start = parse_number(&base[..split]).ok_or_else(bad)?;
    let delta_abs = parse_number(&base[split + 1..]).ok_or_else(bad)?;
    if base[split + 1..].starts_with(['+', '-']) {
        return Err(bad());
    }
    let delta = if bytes[split] == b'-' {
        -delta_abs
    } else {
        delta_abs
    };
    // Prometheus adds the step repeatedly (not start + i*delta); keep that rounding.
    let mut v = start;
    out.push(Some(v));
    for _ in 0..n {
        v += delta;
        out.push(Some(v));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floats(text: &str) -> Vec<Option<f64>> {
        parse_values(text).unwrap().values
    }

    #[test]
    fn increments_and_repeats() {
        assert_eq!(
            floats("1+2x3"),
            vec![Some(1.0), Some(3.0), Some(5.0), Some(7.0)]
        );
        assert_eq!(floats("10-3x2"), vec![Some(10.0), Some(7.0), Some(4.0)]);
        assert_eq!(floats("5x2"), vec![Some(5.0); 3]);
        assert_eq!(floats("-1-1x2"), vec![Some(-1.0), Some(-2.0), Some(-3.0)]);
        assert_eq!(floats("1e3+1e2x1"), vec![Some(1000.0), Some(1100.0)]);
        assert_eq!(floats("0+1e-1x1"), vec![Some(0.0), Some(0.1)]);
        assert_eq!(floats("0x0"), vec![Some(0.0)]);
    }

    #[test]
    fn missing_stale_and_specials() {
        let v = floats("_x2 stale 5 _ NaN Inf -Inf +Inf 1.5e-3");
        assert_eq!(v.len(), 10);
        assert_eq!(&v[..2], &[None, None]);
        assert_eq!(v[2].unwrap().to_bits(), STALE_NAN);
        assert_eq!(v[3], Some(5.0));
        assert_eq!(v[4], None);
        assert!(v[5].unwrap().is_nan() && v[5].unwrap().to_bits() != STALE_NAN);
        assert_eq!(v[6], Some(f64::INFINITY));
        assert_eq!(v[7], Some(f64::NEG_INFINITY));
        assert_eq!(v[8], Some(f64::INFINITY));
        assert_eq!(v[9], Some(0.0015));
        assert_eq!(floats("_x0"), Vec::<Option<f64>>::new());
        let s = floats("stale 1");
        assert_eq!(s[0].map(f64::to_bits), Some(STALE_NAN));
        assert_eq!(s[1], Some(1.0));
    }

    #[test]
    fn native_histograms_are_expanded_beside_floats() {
        let v = parse_values("{{schema:0 sum:1 count:2 buckets:[1 1]}}x2 _ 5").unwrap();
        assert!(v.native_histogram);
        assert_eq!(v.values, vec![None, None, None, None, Some(5.0)]);
        assert_eq!(v.histograms.len(), 5);
        assert!(
            v.histograms[..3]
                .iter()
                .all(|h| h.as_ref().is_some_and(|(h, _)| h.count == 2.0))
        );
        assert!(v.histograms[3..].iter().all(Option::is_none));
    }

    #[test]
    fn bad_values_are_explained() {
        for bad in ["abc", "1+x3", "1+2xa", "1x", "1++2x3", "x3"] {
            let e = parse_values(bad).unwrap_err();
            assert!(e.contains("expected a value"), "{bad}: {e}");
        }
    }
}
