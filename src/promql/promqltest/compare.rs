//! Comparing a query's outcome with an eval's expectations, as upstream's
//! `compareResult`, `checkAnnotations` and `checkExpectedFailure` do (their
//! messages too), plus readable dumps of expected and actual results.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::re::Regex;

use crate::promql::engine::{Annotations, Sample, Series, Value};
use crate::tsdb::{Labels, is_stale_nan};

use super::compare_histogram::histograms_match;
use super::{EvalCommand, EvalKind, Expectation, HistogramPoint, MessageMatch};

/// Upstream's `defaultEpsilon`: the relative error allowed between sample values.
pub const EPSILON: f64 = 1e-6;

/// Upstream's `almost.Equal`: a stale marker equals only a stale marker; NaN equals
/// NaN; otherwise the difference relative to the sum of magnitudes is below
/// `epsilon`, except that next to zero (or subnormals) the difference itself must be
/// below `epsilon` times the smallest normal float.
pub fn almost_equal(a: f64, b: f64, epsilon: f64) -> bool {
    if is_stale_nan(a) || is_stale_nan(b) {
        return is_stale_nan(a) && is_stale_nan(b);
    }
    crate::promql::engine::functions::stats::almost_equal(a, b, epsilon)
}

/// A float as Go's `%v` prints it (`1.5`, `1e+06`, `NaN`, `+Inf`): messages read
/// like upstream's.
pub fn go_value(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Shortest round-trip digits, then Go's %g rule for the shortest precision:
    // the exponent form when the exponent is below -4 or at least 6.
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').expect("{:e} always has an exponent");
    let exp: i32 = exp.parse().expect("an integer exponent");
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{v}")
    }
}

/// An expected value as written: `_` for a missing point, `stale`, or the number.
fn expected_value(v: Option<f64>) -> String {
    match v {
        None => "_".into(),
        Some(v) if is_stale_nan(v) => "stale".into(),
        Some(v) => go_value(v),
    }
}

fn actual_value(v: f64) -> String {
    if is_stale_nan(v) {
        "stale".into()
    } else {
        go_value(v)
    }
}

/// The time grid expected range-vector points line up with.
#[derive(Clone, Copy, Debug)]
struct Grid {
    start: i64,
    /// `None` for an instant eval without `expect range vector`: upstream's end is
    /// then the zero time, so no expected point fits.
    end: Option<i64>,
    step: i64,
}

/// One expected series: its values and its 1-based place among the result lines.
struct ExpectedSeries<'a> {
    labels: &'a Labels,
    values: &'a [Option<f64>],
    /// Histogram points at the same indices (empty when the line has none).
    histograms: &'a [Option<HistogramPoint>],
    pos: usize,
}

/// What an eval expects of a result.
pub(crate) struct Expected<'a> {
    /// In file order; a later line for the same labels replaces an earlier one.
    series: Vec<ExpectedSeries<'a>>,
    scalar: Option<f64>,
    string: &'a str,
    ordered: bool,
    grid: Grid,
}

impl<'a> Expected<'a> {
    pub(crate) fn new(eval: &'a EvalCommand) -> Expected<'a> {
        let mut series: Vec<ExpectedSeries<'a>> = Vec::new();
        for (i, s) in eval.series.iter().enumerate() {
            let e = ExpectedSeries {
                labels: &s.labels,
                values: &s.values,
                histograms: &s.histograms,
                pos: i + 1,
            };
            match series.iter_mut().find(|x| x.labels == &s.labels) {
                Some(x) => *x = e,
                None => series.push(e),
            }
        }
        let string = eval
            .expectations
            .iter()
            .find_map(|e| match e {
                Expectation::String(s) => Some(s.as_str()),
                _ => None,
            })
            .unwrap_or("");
        let grid = match (eval.range_vector(), eval.kind) {
            (Some((start, end, step)), _) => Grid {
                start,
                end: Some(end),
                step,
            },
            (
                None,
                EvalKind::Range {
                    start_ms,
                    end_ms,
                    step_ms,
                },
            ) => Grid {
                start: start_ms,
                end: Some(end_ms),
                step: step_ms,
            },
            (None, EvalKind::Instant { at_ms }) => Grid {
                start: at_ms,
                end: None,
                step: 0,
            },
        };
        Expected {
            series,
            scalar: eval.scalar,
            string,
            ordered: eval.ordered(),
            grid,
        }
    }

    fn find(&self, labels: &Labels) -> Option<&ExpectedSeries<'a>> {
        self.series.iter().find(|s| s.labels == labels)
    }

    /// Upstream's `compareResult`: the first difference, in its words.
    pub(crate) fn compare(&self, value: &Value) -> Result<(), String> {
        match value {
            Value::Matrix(m) => self.compare_matrix(m),
            Value::Vector(v) => self.compare_vector(v),
            Value::Scalar(p) => {
                let Some(want) = self.scalar else {
                    return Err(format!(
                        "expected vector or matrix result, but got scalar: {}",
                        go_value(p.v)
                    ));
                };
                if !almost_equal(want, p.v, EPSILON) {
                    return Err(format!(
                        "expected scalar {} but got {}",
                        go_value(want),
                        go_value(p.v)
                    ));
                }
                Ok(())
            }
            Value::String { s, .. } => {
                if self.string != s {
                    return Err(format!(
                        "expected string \"{}\" but got \"{s}\"",
                        self.string
                    ));
                }
                Ok(())
            }
        }
    }

    fn compare_matrix(&self, m: &[Series]) -> Result<(), String> {
        if self.ordered {
            return Err("expected ordered result, but query returned a matrix".into());
        }
        if self.scalar.is_some() {
            return Err(format!(
                "expected scalar result, but got matrix {}",
                matrix_text(m)
            ));
        }
        assert_matrix_sorted(m)?;
        for s in m {
            let Some(exp) = self.find(&s.labels) else {
                return Err(format!(
                    "unexpected metric {} in result, has {}",
                    s.labels,
                    points_text(s)
                ));
            };
            let mut want = Vec::new();
            let mut want_h = Vec::new();
            for (i, v) in exp.values.iter().enumerate() {
                let t = self.grid.start + i as i64 * self.grid.step;
                if self.grid.end.is_none_or(|end| t > end) {
                    return Err(format!(
                        "expected {} points for {}, but query time range cannot return this many points",
                        exp.values.len(),
                        exp.labels
                    ));
                }
                if let Some(v) = v {
                    want.push((t, *v));
                } else if let Some(Some(h)) = exp.histograms.get(i) {
                    want_h.push((t, h));
                }
            }
            if want.len() != s.points.len() || want_h.len() != s.histograms.len() {
                return Err(format!(
                    "expected {} float points and {} histogram points for {}, but got {}",
                    want.len(),
                    want_h.len(),
                    exp.labels,
                    points_text(s)
                ));
            }
            for (i, ((t, v), p)) in want.iter().zip(&s.points).enumerate() {
                if *t != p.t {
                    return Err(format!(
                        "expected float value at index {i} for {} to have timestamp {t}, but it had timestamp {} (result has {})",
                        exp.labels,
                        p.t,
                        points_text(s)
                    ));
                }
                if !almost_equal(p.v, *v, EPSILON) {
                    return Err(format!(
                        "expected float value at index {i} (t={}) for {} to be {}, but got {} (result has {})",
                        p.t,
                        exp.labels,
                        actual_value(*v),
                        actual_value(p.v),
                        points_text(s)
                    ));
                }
            }
            for (i, ((t, (h, hint_set)), p)) in want_h.iter().zip(&s.histograms).enumerate() {
                if *t != p.t {
                    return Err(format!(
                        "expected histogram value at index {i} for {} to have timestamp {t}, but it had timestamp {} (result has {})",
                        exp.labels,
                        p.t,
                        points_text(s)
                    ));
                }
                if !histograms_match(h, &p.h, *hint_set) {
                    return Err(format!(
                        "expected histogram value at index {i} (t={}) for {} to be {}, but got {} (result has {})",
                        p.t,
                        exp.labels,
                        h.test_expression(),
                        p.h.test_expression(),
                        points_text(s)
                    ));
                }
            }
        }
        for exp in &self.series {
            if !m.iter().any(|s| &s.labels == exp.labels) {
                return Err(format!("expected metric {} not found", exp.labels));
            }
        }
        Ok(())
    }

    fn compare_vector(&self, v: &[Sample]) -> Result<(), String> {
        if self.scalar.is_some() {
            return Err(format!(
                "expected scalar result, but got vector {}",
                vector_text(v)
            ));
        }
        for (pos, s) in v.iter().enumerate() {
            let Some(exp) = self.find(&s.labels) else {
                return Err(format!(
                    "unexpected metric {} in result, has value {}",
                    s.labels,
                    actual_value(s.v)
                ));
            };
            if self.ordered && exp.pos != pos + 1 {
                return Err(format!(
                    "expected metric {} with {} at position {} but was at {}",
                    s.labels,
                    values_text(exp.values),
                    exp.pos,
                    pos + 1
                ));
            }
            let want_h = exp.histograms.first().and_then(Option::as_ref);
            match (want_h, &s.h) {
                (None, Some(h)) => {
                    return Err(format!(
                        "expected float value {} for {} but got histogram {}",
                        exp.values
                            .first()
                            .copied()
                            .flatten()
                            .map_or("0".into(), actual_value),
                        s.labels,
                        h.test_expression()
                    ));
                }
                (Some((h, _)), None) => {
                    return Err(format!(
                        "expected histogram {} for {} but got float value {}",
                        h.test_expression(),
                        s.labels,
                        actual_value(s.v)
                    ));
                }
                (Some((want, hint_set)), Some(h)) => {
                    if !histograms_match(want, h, *hint_set) {
                        return Err(format!(
                            "expected {} for {} but got {}",
                            want.test_expression(),
                            s.labels,
                            h.test_expression()
                        ));
                    }
                    continue;
                }
                (None, None) => {}
            }
            // Upstream reads the first value; an omitted one is a zero there.
            let want = exp.values.first().copied().flatten().unwrap_or(0.0);
            if !almost_equal(want, s.v, EPSILON) {
                return Err(format!(
                    "expected {} for {} but got {}",
                    actual_value(want),
                    s.labels,
                    actual_value(s.v)
                ));
            }
        }
        for exp in &self.series {
            if !v.iter().any(|s| &s.labels == exp.labels) {
                return Err(format!(
                    "expected metric {} with {} not found",
                    exp.labels,
                    values_text(exp.values)
                ));
            }
        }
        Ok(())
    }

    /// The expected result, one item a line, for failure reports.
    pub(crate) fn describe(&self) -> String {
        if let Some(v) = self.scalar {
            return format!("scalar {}", go_value(v));
        }
        if !self.string.is_empty() {
            return format!("string {:?}", self.string);
        }
        if self.series.is_empty() {
            return "nothing (an empty result)".into();
        }
        let lines: Vec<String> = self
            .series
            .iter()
            .map(|s| format!("{} {}", s.labels, values_text(s.values)))
            .collect();
        lines.join("\n")
    }
}

/// Upstream's `assertMatrixSorted`: range results come sorted by labels.
pub(crate) fn assert_matrix_sorted(m: &[Series]) -> Result<(), String> {
    for (i, w) in m.windows(2).enumerate() {
        if w[0].labels > w[1].labels {
            return Err(format!(
                "matrix results should always be sorted by labels, but matrix is not sorted: series at index {} with labels {} sorts before series at index {i} with labels {}",
                i + 1,
                w[1].labels,
                w[0].labels
            ));
        }
    }
    Ok(())
}

fn values_text(values: &[Option<f64>]) -> String {
    let words: Vec<String> = values.iter().map(|v| expected_value(*v)).collect();
    format!("[{}]", words.join(" "))
}

fn points_text(s: &Series) -> String {
    let n = s.points.len();
    let points: Vec<String> = s
        .points
        .iter()
        .map(|p| format!("{} @[{}]", actual_value(p.v), p.t))
        .collect();
    let nh = s.histograms.len();
    let histograms: Vec<String> = s
        .histograms
        .iter()
        .map(|p| format!("{} @[{}]", p.h.test_expression(), p.t))
        .collect();
    format!(
        "{n} float point{} [{}] and {nh} histogram point{} [{}]",
        if n == 1 { "" } else { "s" },
        points.join(" "),
        if nh == 1 { "" } else { "s" },
        histograms.join(" ")
    )
}

fn vector_text(v: &[Sample]) -> String {
    let items: Vec<String> = v
        .iter()
        .map(|s| match &s.h {
            Some(h) => format!("{} => {} @[{}]", s.labels, h.test_expression(), s.t),
            None => format!("{} => {} @[{}]", s.labels, actual_value(s.v), s.t),
        })
        .collect();
    items.join("\n")
}

fn matrix_text(m: &[Series]) -> String {
    let items: Vec<String> = m
        .iter()
        .map(|s| {
            let points: Vec<String> = s
                .points
                .iter()
                .map(|p| format!("{} @[{}]", actual_value(p.v), p.t))
                .collect();
            format!("{} =>\n{}", s.labels, points.join("\n"))
        })
        .collect();
    items.join("\n")
}

/// A result, one item a line, for failure reports.
pub(crate) fn describe_value(value: &Value) -> String {
    match value {
        Value::Scalar(p) => format!("scalar {} @[{}]", actual_value(p.v), p.t),
        Value::String { t, s } => format!("string {s:?} @[{t}]"),
        Value::Vector(v) if v.is_empty() => "an empty vector".into(),
        Value::Matrix(m) if m.is_empty() => "an empty matrix".into(),
        Value::Vector(v) => vector_text(v),
        Value::Matrix(m) => m
            .iter()
            .map(|s| {
                let mut values: Vec<String> = s
                    .points
                    .iter()
                    .map(|p| format!("{}@{}", actual_value(p.v), p.t))
                    .collect();
                values.extend(
                    s.histograms
                        .iter()
                        .map(|p| format!("{}@{}", p.h.test_expression(), p.t)),
                );
                format!("{} {}", s.labels, values.join(" "))
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// An `expect` line's message test; upstream's `expectCmd.CheckMatch`.
pub(crate) struct MessageTest {
    pattern: Option<Regex>,
    text: String,
    /// How the test is named in messages: "message" or "pattern".
    kind: &'static str,
}

impl MessageTest {
    /// `None` matches anything (upstream compiles `^.*$` for a bare expect line).
    pub(crate) fn new(m: Option<&MessageMatch>) -> Result<MessageTest, String> {
        match m {
            Some(MessageMatch::Exact(s)) => Ok(MessageTest {
                pattern: None,
                text: s.clone(),
                kind: "message",
            }),
            Some(MessageMatch::Regex(r)) => {
                // Go's regexp (RE2), unanchored, as upstream matches.
                let re = Regex::new(&crate::tsdb::matcher::re2_to_rust(r))
                    .map_err(|e| format!("invalid regex {r} : {e}"))?;
                Ok(MessageTest {
                    pattern: Some(re),
                    text: r.clone(),
                    kind: "pattern",
                })
            }
            None => Ok(MessageTest {
                pattern: None,
                text: String::new(),
                kind: "any",
            }),
        }
    }

    pub(crate) fn matches(&self, s: &str) -> bool {
        match &self.pattern {
            Some(re) => re.is_match(s),
            None => self.kind == "any" || self.text == s,
        }
    }
}

/// Upstream's `checkExpectedFailure`, for an eval that expects to fail and did.
pub(crate) fn check_expected_failure(
    eval: &EvalCommand,
    expected: Option<&MessageMatch>,
    actual: &str,
) -> Result<(), String> {
    let test = MessageTest::new(expected)?;
    if test.matches(actual) {
        return Ok(());
    }
    let what = match expected {
        Some(MessageMatch::Exact(m)) => format!("error {m:?}"),
        Some(MessageMatch::Regex(r)) => format!("error matching pattern {r:?}"),
        None => unreachable!("a bare expect fail matches every error"),
    };
    Err(format!(
        "expected {what} evaluating query {:?} (line {}), but got: {actual}",
        eval.expr_text, eval.line
    ))
}

/// Upstream's `checkAnnotations`: expected warnings and infos present, unexpected
/// ones absent; no expectation of a kind means that kind is not checked.
pub(crate) fn check_annotations(
    eval: &EvalCommand,
    query: &str,
    annotations: &Annotations,
) -> Result<(), String> {
    let line = eval.line;
    let mut expected: HashMap<&str, Vec<MessageTest>> = HashMap::new();
    let (mut no_warn, mut no_info) = (false, false);
    for e in &eval.expectations {
        match e {
            Expectation::Warn(m) => expected
                .entry("warn")
                .or_default()
                .push(MessageTest::new(m.as_ref())?),
            Expectation::Info(m) => expected
                .entry("info")
                .or_default()
                .push(MessageTest::new(m.as_ref())?),
            Expectation::NoWarn => no_warn = true,
            Expectation::NoInfo => no_info = true,
            _ => {}
        }
    }
    let all = all_annotations(annotations);
    for (kind, actual) in [
        ("warn", &annotations.warnings),
        ("info", &annotations.infos),
    ] {
        let Some(tests) = expected.get(kind) else {
            continue;
        };
        if actual.is_empty() {
            return Err(format!(
                "expected {kind} annotations but none were found for query {query:?} (line {line})"
            ));
        }
        for t in tests {
            if !actual.iter().any(|a| t.matches(a)) {
                let (kind_word, text) = if t.kind == "any" {
                    ("pattern", "^.*$")
                } else {
                    (t.kind, t.text.as_str())
                };
                return Err(format!(
                    "expected {kind} annotation matching {kind_word} {text:?} but no matching annotation was found for query {query:?} (line {line}), found: {all}"
                ));
            }
        }
        for a in actual {
            if !tests.iter().any(|t| t.matches(a)) {
                return Err(format!(
                    "unexpected {kind} annotation {a:?} found for query {query} (line {line})"
                ));
            }
        }
    }
    if no_warn && !annotations.warnings.is_empty() {
        return Err(format!(
            "unexpected warning annotations evaluating query {query:?} (line {line}): {all}"
        ));
    }
    if no_info && !annotations.infos.is_empty() {
        return Err(format!(
            "unexpected info annotations evaluating query {query:?} (line {line}): {all}"
        ));
    }
    Ok(())
}

fn all_annotations(a: &Annotations) -> String {
    let mut out = String::from("[");
    for (i, m) in a.warnings.iter().chain(&a.infos).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{m}");
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tsdb::STALE_NAN;

    #[test]
    fn almost_equal_as_upstream() {
        let stale = f64::from_bits(STALE_NAN);
        assert!(almost_equal(stale, stale, EPSILON));
        assert!(!almost_equal(stale, f64::NAN, EPSILON));
        assert!(!almost_equal(f64::NAN, stale, EPSILON));
        assert!(almost_equal(f64::NAN, f64::NAN, EPSILON));
        assert!(!almost_equal(f64::NAN, 1.0, EPSILON));
        assert!(almost_equal(1.0, 1.0 + 1e-7, EPSILON));
        assert!(!almost_equal(1.0, 1.0 + 1e-5, EPSILON));
        assert!(almost_equal(f64::INFINITY, f64::INFINITY, EPSILON));
        assert!(!almost_equal(f64::INFINITY, f64::NEG_INFINITY, EPSILON));
        // Next to zero the tolerance is absolute and tiny: 1e-20 is not 0.
        assert!(!almost_equal(0.0, 1e-20, EPSILON));
        assert!(almost_equal(0.0, -0.0, EPSILON));
        assert!(almost_equal(0.0, 1e-320, EPSILON));
    }

    #[test]
    fn values_print_as_go_does() {
        let cases = [
            (1.0, "1"),
            (1.5, "1.5"),
            (-0.25, "-0.25"),
            (123456.0, "123456"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e100, "1e+100"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Inf"),
        ];
        for (v, want) in cases {
            assert_eq!(go_value(v), want, "{v}");
        }
    }
}

/// The comparisons on hand-made results: each form can pass and can fail.
#[cfg(test)]
mod result_tests {
    use super::*;
    use crate::promql::engine::{Point, Sample, Series};
    use crate::promql::promqltest::{Command, parse_file};

    fn eval(text: &str) -> EvalCommand {
        let cmds = parse_file(text).unwrap();
        let Some(Command::Eval(e)) = cmds.into_iter().last() else {
            panic!("no eval")
        };
        *e
    }

    fn sample(labels: &[(&str, &str)], v: f64) -> Sample {
        Sample {
            h: None,
            labels: Labels::new(labels),
            t: 0,
            v,
            drop_name: false,
        }
    }

    fn series(labels: &[(&str, &str)], points: &[(i64, f64)]) -> Series {
        Series {
            histograms: Vec::new(),
            labels: Labels::new(labels),
            points: points.iter().map(|&(t, v)| Point { t, v }).collect(),
            drop_name: false,
        }
    }

    #[test]
    fn vectors_compare_unordered_unless_ordered() {
        let e = eval("eval instant at 1m x\n  x{a=\"1\"} 1\n  x{a=\"2\"} 2\n");
        let exp = Expected::new(&e);
        let a = sample(&[("__name__", "x"), ("a", "1")], 1.0);
        let b = sample(&[("__name__", "x"), ("a", "2")], 2.0000001);
        assert_eq!(
            exp.compare(&Value::Vector(vec![b.clone(), a.clone()])),
            Ok(())
        );
        let wrong = sample(&[("__name__", "x"), ("a", "2")], 2.1);
        let err = exp
            .compare(&Value::Vector(vec![a.clone(), wrong]))
            .unwrap_err();
        assert_eq!(err, "expected 2 for x{a=\"2\"} but got 2.1");
        let err = exp.compare(&Value::Vector(vec![a.clone()])).unwrap_err();
        assert_eq!(err, "expected metric x{a=\"2\"} with [2] not found");
        let extra = sample(&[("__name__", "y")], 3.0);
        let err = exp
            .compare(&Value::Vector(vec![a.clone(), b.clone(), extra]))
            .unwrap_err();
        assert_eq!(err, "unexpected metric y in result, has value 3");

        let e = eval("eval instant at 1m x\n  expect ordered\n  x{a=\"1\"} 1\n  x{a=\"2\"} 2\n");
        let exp = Expected::new(&e);
        assert_eq!(
            exp.compare(&Value::Vector(vec![a.clone(), b.clone()])),
            Ok(())
        );
        let err = exp.compare(&Value::Vector(vec![b, a])).unwrap_err();
        assert!(err.contains("at position 2 but was at 1"), "{err}");
    }

    #[test]
    fn range_results_line_up_with_the_grid() {
        let e = eval("eval range from 0 to 2m step 1m x\n  x 1 _ 3\n");
        let exp = Expected::new(&e);
        let good = series(&[("__name__", "x")], &[(0, 1.0), (120_000, 3.0)]);
        assert_eq!(exp.compare(&Value::Matrix(vec![good])), Ok(()));
        let shifted = series(&[("__name__", "x")], &[(0, 1.0), (60_000, 3.0)]);
        let err = exp.compare(&Value::Matrix(vec![shifted])).unwrap_err();
        assert!(
            err.contains("to have timestamp 120000, but it had timestamp 60000"),
            "{err}"
        );
        let more = series(
            &[("__name__", "x")],
            &[(0, 1.0), (60_000, 2.0), (120_000, 3.0)],
        );
        let err = exp.compare(&Value::Matrix(vec![more])).unwrap_err();
        assert!(
            err.starts_with("expected 2 float points and 0 histogram points"),
            "{err}"
        );
        let unsorted = vec![
            series(&[("__name__", "x"), ("a", "2")], &[]),
            series(&[("__name__", "x"), ("a", "1")], &[]),
        ];
        let err = exp.compare(&Value::Matrix(unsorted)).unwrap_err();
        assert!(err.contains("not sorted"), "{err}");
    }

    #[test]
    fn instant_range_vectors_need_expect_range_vector() {
        let e = eval(
            "eval instant at 1m x[1m]\n  expect range vector from 0 to 1m step 30s\n  x 1 2 3\n",
        );
        let exp = Expected::new(&e);
        let m = series(
            &[("__name__", "x")],
            &[(0, 1.0), (30_000, 2.0), (60_000, 3.0)],
        );
        assert_eq!(exp.compare(&Value::Matrix(vec![m.clone()])), Ok(()));
        let e = eval("eval instant at 1m x[1m]\n  x 1\n");
        let err = Expected::new(&e)
            .compare(&Value::Matrix(vec![m]))
            .unwrap_err();
        assert!(err.contains("cannot return this many points"), "{err}");
    }

    #[test]
    fn scalars_strings_and_stale_markers() {
        let e = eval("eval instant at 0 1\n  1.0000001\n");
        let exp = Expected::new(&e);
        assert_eq!(exp.compare(&Value::Scalar(Point { t: 0, v: 1.0 })), Ok(()));
        let err = exp
            .compare(&Value::Scalar(Point { t: 0, v: 2.0 }))
            .unwrap_err();
        assert_eq!(err, "expected scalar 1.0000001 but got 2");
        let err = exp.compare(&Value::Vector(vec![])).unwrap_err();
        assert!(
            err.starts_with("expected scalar result, but got vector"),
            "{err}"
        );

        let e = eval("eval instant at 0 \"a\"\n  expect string \"a\"\n");
        let exp = Expected::new(&e);
        assert_eq!(
            exp.compare(&Value::String {
                t: 0,
                s: "a".into()
            }),
            Ok(())
        );
        let err = exp
            .compare(&Value::String {
                t: 0,
                s: "b".into(),
            })
            .unwrap_err();
        assert_eq!(err, "expected string \"a\" but got \"b\"");

        let e = eval("eval range from 0 to 1m step 1m x\n  x 1 stale\n");
        let exp = Expected::new(&e);
        let stale = f64::from_bits(crate::tsdb::STALE_NAN);
        let got = series(&[("__name__", "x")], &[(0, 1.0), (60_000, stale)]);
        assert_eq!(exp.compare(&Value::Matrix(vec![got])), Ok(()));
        let nan = series(&[("__name__", "x")], &[(0, 1.0), (60_000, f64::NAN)]);
        assert!(exp.compare(&Value::Matrix(vec![nan])).is_err());
    }

    #[test]
    fn annotations_and_failures() {
        let annos = |w: &[&str], i: &[&str]| Annotations {
            warnings: w.iter().map(|s| s.to_string()).collect(),
            infos: i.iter().map(|s| s.to_string()).collect(),
        };
        let e = eval(
            "eval instant at 0 x\n  expect warn msg: PromQL warning: boom\n  expect no_info\n",
        );
        assert_eq!(
            check_annotations(&e, "x", &annos(&["PromQL warning: boom"], &[])),
            Ok(())
        );
        assert!(check_annotations(&e, "x", &annos(&[], &[])).is_err());
        assert!(check_annotations(&e, "x", &annos(&["PromQL warning: other"], &[])).is_err());
        assert!(check_annotations(&e, "x", &annos(&["PromQL warning: boom"], &["i"])).is_err());
        // Unchecked kinds are ignored.
        let e = eval("eval instant at 0 x\n");
        assert_eq!(check_annotations(&e, "x", &annos(&["w"], &["i"])), Ok(()));
        let e = eval("eval_warn instant at 0 x\n");
        assert!(check_annotations(&e, "x", &annos(&[], &["i"])).is_err());
        let e = eval("eval instant at 0 x\n  expect info regex: ^PromQL info: .* \\(1:1\\)$\n");
        assert_eq!(
            check_annotations(&e, "x", &annos(&[], &["PromQL info: hm (1:1)"])),
            Ok(())
        );

        let e = eval("eval instant at 0 x\n  expect fail regex: too many \\d+\n");
        let m = e.expected_failure().unwrap().as_ref();
        assert_eq!(check_expected_failure(&e, m, "too many 42 samples"), Ok(()));
        assert!(check_expected_failure(&e, m, "other").is_err());
        let e = eval("eval_fail instant at 0 x\n  expected_fail_message exact text\n");
        let m = e.expected_failure().unwrap().as_ref();
        assert_eq!(check_expected_failure(&e, m, "exact text"), Ok(()));
        assert!(check_expected_failure(&e, m, "exact text!").is_err());
    }
}
