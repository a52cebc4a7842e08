//! Prometheus's PromQL `.test` language (`promql/promqltest/test.go` upstream):
//! parse a file into commands, load `load` blocks into a [`Head`], and run the
//! whole file against the engine ([`run_file`], in `runner.rs`).
//!
//! ```
//! use promplay::promql::promqltest::{parse_file, Command};
//! let cmds = parse_file("load 1m\n  up{job=\"a\"} 1+1x2\n\neval instant at 1m up\n  up{job=\"a\"} 2\n").unwrap();
//! assert_eq!(cmds.len(), 2);
//! let Command::Load(load) = &cmds[0] else { panic!() };
//! assert_eq!(load.series[0].values, vec![Some(1.0), Some(2.0), Some(3.0)]);
//! ```

mod at_modifier;
pub mod compare;
mod compare_histogram;
mod nhcb;
pub mod runner;
pub mod series;
pub mod skip;
mod start_ts;

use std::fmt;

use crate::expo::textparse::{Format, parse_series};
use crate::promql::{Expr, ParseError};
use crate::time::parse_duration_ms;
use crate::tsdb::{Head, Labels};

pub use runner::{Failure, FileReport, RunOptions, run_commands, run_file, test_engine_options};
pub use series::{HistogramPoint, SeriesValues, parse_number, parse_values};
pub use skip::SkipReason;

/// One command of a `.test` file.
#[derive(Clone, Debug)]
pub enum Command {
    Load(LoadCommand),
    Clear { line: usize },
    Eval(Box<EvalCommand>),
}

/// `load <step>` (or `load_with_nhcb <step>`) and its series.
#[derive(Clone, Debug)]
pub struct LoadCommand {
    /// 1-based line of the `load` line.
    pub line: usize,
    pub step_ms: i64,
    /// `load_with_nhcb`: classic histograms are also stored as native
    /// histograms with custom buckets (see `nhcb.rs`).
    pub with_nhcb: bool,
    pub series: Vec<SeriesLine>,
    /// Some series holds `{{...}}` samples, or the command is `load_with_nhcb`.
    pub native_histogram: bool,
}

/// A `<series> <values>` line, in a load block or as an eval's expected result.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesLine {
    pub line: usize,
    /// Name (as `__name__`) and labels; an expected result may have no name.
    pub labels: Labels,
    /// Expanded values, one per step; `None` is a missing point.
    pub values: Vec<Option<f64>>,
    /// The values hold `{{...}}` native-histogram samples.
    pub native_histogram: bool,
    /// With `native_histogram`: the histogram points, one per value.
    pub histograms: Vec<Option<series::HistogramPoint>>,
    /// `series@st`: start-timestamp offsets for the next line's samples, in
    /// `values_text` (expanded when loading, see `start_ts.rs`).
    pub start_timestamps: bool,
    /// The values as written.
    pub values_text: String,
}

/// When an eval runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvalKind {
    Instant {
        at_ms: i64,
    },
    Range {
        start_ms: i64,
        end_ms: i64,
        step_ms: i64,
    },
}

/// An expected message: exact text (`msg:`) or a regular expression (`regex:`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageMatch {
    Exact(String),
    Regex(String),
}

/// An `expect ...` line (or the deprecated form that means the same).
#[derive(Clone, Debug, PartialEq)]
pub enum Expectation {
    Ordered,
    Fail(Option<MessageMatch>),
    Warn(Option<MessageMatch>),
    NoWarn,
    Info(Option<MessageMatch>),
    NoInfo,
    /// The result is a range vector; expected series are sampled on this grid.
    RangeVector {
        start_ms: i64,
        end_ms: i64,
        step_ms: i64,
    },
    String(String),
}

/// An `eval` command with its expectations and expected results.
#[derive(Clone, Debug)]
pub struct EvalCommand {
    pub line: usize,
    pub kind: EvalKind,
    pub expr_text: String,
    pub expr: Result<Expr, ParseError>,
    pub expectations: Vec<Expectation>,
    /// Expected series (for range evals, values line up with start + i*step).
    pub series: Vec<SeriesLine>,
    /// A bare number: the expected scalar.
    pub scalar: Option<f64>,
    /// Expected results hold `{{...}}` native-histogram samples.
    pub native_histogram: bool,
}

impl EvalCommand {
    pub fn ordered(&self) -> bool {
        self.expectations.contains(&Expectation::Ordered)
    }

    /// `Some(message match)` when the eval must fail.
    pub fn expected_failure(&self) -> Option<&Option<MessageMatch>> {
        self.expectations.iter().find_map(|e| match e {
            Expectation::Fail(m) => Some(m),
            _ => None,
        })
    }
}

/// A problem in a `.test` file, with its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for TestParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for TestParseError {}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, TestParseError> {
    Err(TestParseError {
        line,
        message: message.into(),
    })
}

/// Parses a whole `.test` file.
pub fn parse_file(text: &str) -> Result<Vec<Command>, TestParseError> {
    // Trimmed lines; comments count as blank (as upstream), so they end blocks.
    let lines: Vec<&str> = text
        .lines()
        .map(|l| {
            let l = l.trim();
            if l.starts_with('#') { "" } else { l }
        })
        .collect();
    let mut cmds = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        let line_no = i + 1;
        if l.is_empty() {
            i += 1;
            continue;
        }
        // The block: this line and the non-blank lines after it.
        let mut end = i + 1;
        while end < lines.len() && !lines[end].is_empty() {
            end += 1;
        }
        let body: Vec<(usize, &str)> = (i + 1..end).map(|k| (k + 1, lines[k])).collect();
        let (word, rest) = split_word(l);
        match word {
            "load" | "load_with_nhcb" => {
                cmds.push(Command::Load(parse_load(
                    line_no,
                    rest,
                    word == "load_with_nhcb",
                    &body,
                )?));
            }
            "clear" => {
                if !rest.is_empty() {
                    return err(
                        line_no,
                        format!("expected nothing after clear, found {rest:?}"),
                    );
                }
                cmds.push(Command::Clear { line: line_no });
                // `clear` is one line; the next line may start a command.
                i += 1;
                continue;
            }
            "eval" | "eval_fail" | "eval_warn" | "eval_info" | "eval_ordered" => {
                cmds.push(Command::Eval(Box::new(parse_eval(
                    line_no, word, rest, &body,
                )?)));
            }
            _ => {
                return err(
                    line_no,
                    format!(
                        "expected a command (load, load_with_nhcb, clear, eval, eval_fail, eval_warn, eval_info, eval_ordered), found {l:?}"
                    ),
                );
            }
        }
        i = end;
    }
    Ok(cmds)
}

fn split_word(s: &str) -> (&str, &str) {
    match s.find(char::is_whitespace) {
        Some(k) => (&s[..k], s[k..].trim_start()),
        None => (s, ""),
    }
}

/// An eval time or step: a duration (`5m`, `1h30m`, `0`) or plain seconds (`10`, `1.5`).
fn parse_time(line: usize, what: &str, text: &str) -> Result<i64, TestParseError> {
    if text.is_empty() {
        return err(line, format!("expected {what}, found the end of the line"));
    }
    if let Ok(secs) = text.parse::<f64>()
        && secs.is_finite()
    {
        return Ok((secs * 1000.0).round() as i64);
    }
    parse_duration_ms(text).or_else(|e| err(line, format!("expected {what}: {e}")))
}

fn parse_load(
    line: usize,
    rest: &str,
    with_nhcb: bool,
    body: &[(usize, &str)],
) -> Result<LoadCommand, TestParseError> {
    let (step_text, extra) = split_word(rest);
    if !extra.is_empty() {
        return err(
            line,
            format!("expected only a step after load, found {extra:?}"),
        );
    }
    let step_ms = parse_time(line, "a step after load (like 5m)", step_text)?;
    if step_ms <= 0 {
        return err(line, "expected a positive step after load");
    }
    let series = body
        .iter()
        .map(|&(n, l)| parse_series_line(n, l))
        .collect::<Result<Vec<_>, _>>()?;
    let native_histogram = with_nhcb || series.iter().any(|s| s.native_histogram);
    Ok(LoadCommand {
        line,
        step_ms,
        with_nhcb,
        series,
        native_histogram,
    })
}

/// Where the series descriptor ends: after the `{...}` (quotes respected) or at the
/// first space.
fn descriptor_end(l: &str) -> Result<usize, String> {
    let b = l.as_bytes();
    let mut k = 0;
    while k < b.len() && !b[k].is_ascii_whitespace() && b[k] != b'{' {
        k += 1;
    }
    if k < b.len() && b[k] == b'{' {
        let mut in_quotes = false;
        while k < b.len() {
            match b[k] {
                b'\\' if in_quotes => k += 1,
                b'"' => in_quotes = !in_quotes,
                b'}' if !in_quotes => return Ok(k + 1),
                _ => {}
            }
            k += 1;
        }
        return Err("expected '}' to close the labels of the series".into());
    }
    Ok(k)
}

fn parse_series_line(line: usize, l: &str) -> Result<SeriesLine, TestParseError> {
    let mut end = descriptor_end(l).or_else(|m| err(line, m))?;
    let mut desc = &l[..end];
    let mut start_timestamps = false;
    if let Some(d) = desc.strip_suffix("@st") {
        desc = d;
        start_timestamps = true;
    } else if l[end..].starts_with("@st") {
        end += 3;
        start_timestamps = true;
    }
    if desc.is_empty() {
        return err(
            line,
            format!("expected a series like name{{a=\"b\"}}, found {l:?}"),
        );
    }
    let labels = parse_descriptor(line, desc)?;
    let values_text = l[end..].trim().to_string();
    let parsed = if start_timestamps {
        SeriesValues::default()
    } else {
        parse_values(&values_text).or_else(|m| err(line, m))?
    };
    Ok(SeriesLine {
        line,
        labels,
        values: parsed.values,
        native_histogram: parsed.native_histogram,
        histograms: parsed.histograms,
        start_timestamps,
        values_text,
    })
}

/// A series descriptor (`name{a="b"}`, `{a="b"}`, `name`) as its labels, as
/// Prometheus's `ParseMetric` reads promtool's expected samples.
pub fn parse_metric(desc: &str) -> Result<Labels, String> {
    if desc.trim().is_empty() {
        return Ok(Labels::default());
    }
    parse_descriptor(1, desc.trim()).map_err(|e| e.message)
}

fn parse_descriptor(line: usize, desc: &str) -> Result<Labels, TestParseError> {
    let line32 = u32::try_from(line).unwrap_or(u32::MAX);
    let direct = parse_series(desc.as_bytes(), Format::Text, line32);
    let (name, pairs) = match direct {
        Ok(p) => p,
        Err(e) if desc.starts_with('{') => {
            // No metric name (expected results often have none): read the labels
            // behind a placeholder name, then drop it.
            let with_name = format!("x{desc}");
            match parse_series(with_name.as_bytes(), Format::Text, line32) {
                Ok((_, pairs)) => (String::new(), pairs),
                Err(_) => {
                    return err(line, format!("bad series {desc:?}: {}", e.message()));
                }
            }
        }
        Err(e) => return err(line, format!("bad series {desc:?}: {}", e.message())),
    };
    Ok(Labels::from_metric(&name, &pairs))
}

fn parse_message_match(
    line: usize,
    what: &str,
    rest: &str,
) -> Result<Option<MessageMatch>, TestParseError> {
    if rest.is_empty() {
        return Ok(None);
    }
    if let Some(m) = rest.strip_prefix("msg:") {
        return Ok(Some(MessageMatch::Exact(m.trim().to_string())));
    }
    if let Some(r) = rest.strip_prefix("regex:") {
        let r = r.trim();
        if regex_lite_check(r).is_err() {
            return err(
                line,
                format!("expected a valid regular expression after regex:, found {r:?}"),
            );
        }
        return Ok(Some(MessageMatch::Regex(r.to_string())));
    }
    err(
        line,
        format!("expected nothing, msg: <text> or regex: <re> after expect {what}, found {rest:?}"),
    )
}

/// Only balanced brackets are checked; the runner compiles the expression.
fn regex_lite_check(r: &str) -> Result<(), ()> {
    let mut depth = 0i32;
    let mut escaped = false;
    for c in r.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return Err(());
        }
    }
    if depth == 0 && !escaped {
        Ok(())
    } else {
        Err(())
    }
}

fn parse_grid<'a>(
    line: usize,
    what: &str,
    text: &'a str,
) -> Result<(i64, i64, i64, &'a str), TestParseError> {
    // `from <t> to <t> step <s> <rest>`
    let shape = format!("expected {what} as: from <time> to <time> step <duration>");
    let (w, rest) = split_word(text);
    if w != "from" {
        return err(line, format!("{shape}, found {text:?}"));
    }
    let (start, rest) = split_word(rest);
    let (w, rest) = split_word(rest);
    if w != "to" {
        return err(line, format!("{shape}, found {text:?}"));
    }
    let (end, rest) = split_word(rest);
    let (w, rest) = split_word(rest);
    if w != "step" {
        return err(line, format!("{shape}, found {text:?}"));
    }
    let (step, rest) = split_word(rest);
    let start_ms = parse_time(line, "a start time", start)?;
    let end_ms = parse_time(line, "an end time", end)?;
    let step_ms = parse_time(line, "a step", step)?;
    if step_ms <= 0 {
        return err(line, "expected a positive step");
    }
    if end_ms < start_ms {
        return err(
            line,
            "expected the end time not to be before the start time",
        );
    }
    Ok((start_ms, end_ms, step_ms, rest))
}

fn unquote(line: usize, s: &str) -> Result<String, TestParseError> {
    let bad = || {
        err(
            line,
            format!("expected a quoted string after expect string, found {s:?}"),
        )
    };
    if s.len() >= 2 && s.starts_with('`') && s.ends_with('`') {
        return Ok(s[1..s.len() - 1].to_string());
    }
    let quote = match s.chars().next() {
        Some(q @ ('"' | '\'')) if s.len() >= 2 && s.ends_with(q) => q,
        _ => return bad(),
    };
    let inner = &s[1..s.len() - 1];
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == quote {
            return bad();
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some(q @ ('"' | '\'')) => out.push(q),
            _ => return bad(),
        }
    }
    Ok(out)
}

fn parse_eval(
    line: usize,
    word: &str,
    rest: &str,
    body: &[(usize, &str)],
) -> Result<EvalCommand, TestParseError> {
    let mut expectations = Vec::new();
    match word {
        "eval_fail" => expectations.push(Expectation::Fail(None)),
        "eval_warn" => expectations.push(Expectation::Warn(None)),
        "eval_info" => expectations.push(Expectation::Info(None)),
        "eval_ordered" => expectations.push(Expectation::Ordered),
        _ => {}
    }
    let (mode, rest) = split_word(rest);
    let (kind, expr_text) = match mode {
        "instant" => {
            let (at, rest) = split_word(rest);
            if at != "at" {
                return err(
                    line,
                    format!("expected 'at <time>' after {word} instant, found {rest:?}"),
                );
            }
            let (t, expr) = split_word(rest);
            let at_ms = parse_time(line, "an evaluation time after 'at'", t)?;
            (EvalKind::Instant { at_ms }, expr)
        }
        "range" => {
            let (start_ms, end_ms, step_ms, expr) =
                parse_grid(line, &format!("the range of {word} range"), rest)?;
            (
                EvalKind::Range {
                    start_ms,
                    end_ms,
                    step_ms,
                },
                expr,
            )
        }
        _ => {
            return err(
                line,
                format!("expected 'instant' or 'range' after {word}, found {mode:?}"),
            );
        }
    };
    if expr_text.is_empty() {
        return err(
            line,
            format!("expected a PromQL expression after the time of {word}"),
        );
    }
    let mut eval = EvalCommand {
        line,
        kind,
        expr_text: expr_text.to_string(),
        expr: crate::promql::parse(expr_text),
        expectations,
        series: Vec::new(),
        scalar: None,
        native_histogram: false,
    };
    for &(n, l) in body {
        let (w, rest) = split_word(l);
        match w {
            "expect" => {
                let (what, rest) = split_word(rest);
                let e = match what {
                    "ordered" | "no_warn" | "no_info" if !rest.is_empty() => {
                        return err(
                            n,
                            format!("expected nothing after expect {what}, found {rest:?}"),
                        );
                    }
                    "ordered" => Expectation::Ordered,
                    "no_warn" => Expectation::NoWarn,
                    "no_info" => Expectation::NoInfo,
                    "fail" => Expectation::Fail(parse_message_match(n, what, rest)?),
                    "warn" => Expectation::Warn(parse_message_match(n, what, rest)?),
                    "info" => Expectation::Info(parse_message_match(n, what, rest)?),
                    "range" => {
                        let (v, rest) = split_word(rest);
                        if v != "vector" {
                            return err(
                                n,
                                format!("expected 'vector' after expect range, found {v:?}"),
                            );
                        }
                        let (start_ms, end_ms, step_ms, extra) =
                            parse_grid(n, "the grid of expect range vector", rest)?;
                        if !extra.is_empty() {
                            return err(
                                n,
                                format!("expected nothing after the step, found {extra:?}"),
                            );
                        }
                        Expectation::RangeVector {
                            start_ms,
                            end_ms,
                            step_ms,
                        }
                    }
                    "string" => Expectation::String(unquote(n, rest)?),
                    _ => {
                        return err(
                            n,
                            format!(
                                "expected ordered, fail, warn, no_warn, info, no_info, range vector or string after expect, found {what:?}"
                            ),
                        );
                    }
                };
                eval.expectations.push(e);
            }
            "expected_fail_message" | "expected_fail_regexp" => {
                let m = if w == "expected_fail_message" {
                    MessageMatch::Exact(rest.to_string())
                } else {
                    MessageMatch::Regex(rest.to_string())
                };
                eval.expectations
                    .retain(|e| !matches!(e, Expectation::Fail(_)));
                eval.expectations.push(Expectation::Fail(Some(m)));
            }
            _ => {
                if !l.contains(char::is_whitespace)
                    && let Some(v) = parse_number(l)
                {
                    if eval.scalar.is_some() || !eval.series.is_empty() {
                        return err(
                            n,
                            format!("expected one scalar result only, found another: {l:?}"),
                        );
                    }
                    eval.scalar = Some(v);
                    continue;
                }
                if eval.scalar.is_some() {
                    return err(
                        n,
                        format!("expected no series after a scalar result, found {l:?}"),
                    );
                }
                let s = parse_series_line(n, l)?;
                eval.native_histogram |= s.native_histogram;
                eval.series.push(s);
            }
        }
    }
    Ok(eval)
}

/// Why a load block could not be stored.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for LoadError {}

/// Appends a load block's samples: the first value at t=0, each next one a step
/// later; missing points skipped; `stale` as the stale marker; `{{...}}` as float
/// histograms, each with the start timestamp of a preceding `@st` line (its offset
/// plus the sample's time); when a series is written twice, the later
/// line wins (as upstream). `load_with_nhcb` also appends the native histograms
/// built from classic ones (nothing is appended if that fails). Returns the number
/// of samples appended.
pub fn load_into(load: &LoadCommand, head: &mut Head) -> Result<usize, LoadError> {
    // As upstream, a later line for the same series replaces an earlier one.
    let stored = load.series.iter().enumerate().filter(|&(k, s)| {
        !s.start_timestamps
            && !load.series[k + 1..]
                .iter()
                .any(|later| later.labels == s.labels && !later.start_timestamps)
    });
    let nhcb = if load.with_nhcb {
        nhcb::convert(load, stored.clone().map(|(_, s)| s))?
    } else {
        Vec::new()
    };
    let mut n = 0;
    for (k, s) in stored {
        let sts = start_timestamps_for(load, k)?;
        let (r, _) = head.get_or_create(&s.labels);
        for (i, v) in s.values.iter().enumerate() {
            let t = (i as i64).saturating_mul(load.step_ms);
            // Upstream's `AppenderV2`: ST = t + offset, 0 (unknown) when omitted.
            let st = sts.get(i).copied().flatten().map_or(0, |o| t + o);
            let appended = match (*v, s.histograms.get(i).and_then(Option::as_ref)) {
                (Some(v), _) => head.append_with_st(r, t, v, st),
                (None, Some((h, _))) => head.append_float_histogram_with_st(r, t, h, st),
                (None, None) => continue,
            };
            appended.map_err(|e| LoadError {
                line: s.line,
                message: format!("sample {} at t={t}ms of {:?}: {e}", i + 1, s.labels),
            })?;
            n += 1;
        }
    }
    for (labels, samples) in nhcb {
        let (r, _) = head.get_or_create(&labels);
        for (t, h) in samples {
            head.append_float_histogram(r, t, &h)
                .map_err(|e| LoadError {
                    line: load.line,
                    message: format!("native histogram at t={t}ms of {labels:?}: {e}"),
                })?;
            n += 1;
        }
    }
    Ok(n)
}

/// The start-timestamp offsets of the `@st` line right before series line `k`
/// (empty without one); upstream's checks on that pairing as load errors.
fn start_timestamps_for(load: &LoadCommand, k: usize) -> Result<Vec<Option<i64>>, LoadError> {
    let Some(st) = k.checked_sub(1).map(|j| &load.series[j]) else {
        return Ok(Vec::new());
    };
    if !st.start_timestamps {
        return Ok(Vec::new());
    }
    let fail = |message: String| LoadError {
        line: st.line,
        message,
    };
    if st.labels != load.series[k].labels {
        return Err(fail(
            "@st metric does not match the following sample line metric".into(),
        ));
    }
    let offsets = start_ts::parse_st_sequence(&st.values_text)
        .map_err(|e| fail(format!("invalid @st sequence: {e}")))?;
    if offsets.len() != load.series[k].values.len() {
        return Err(fail(format!(
            "@st line has {} values but sample line has {}",
            offsets.len(),
            load.series[k].values.len()
        )));
    }
    Ok(offsets)
}

#[cfg(test)]
mod tests;
