//! One test group of a unit-test file, as promtool runs it: the input series
//! loaded (promqltest's notation, one value per `interval`), every rule group
//! evaluated at every `evaluation_interval` from the start to the last
//! `eval_time`, firing alerts compared at each `alert_rule_test` time, then each
//! `promql_expr_test` queried.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::promql::engine;
use crate::promql::promqltest::{Command, parse_file, parse_metric, parse_values};
use crate::rules::alerting::{AlertState, TemplateContext};
use crate::rules::file::{go_quote, parse_rule_file};
use crate::rules::group::{EvalContext, Group, RuleBody};
use crate::rules::query::{RuleExpr, query_vector};
use crate::time::{format_duration, format_go_duration, parse_duration_ms, parse_time_ms};
use crate::tsdb::Head;

use super::format::{TestFile, TestGroup};
use super::io_reason;
use super::print::{
    LabelsAndAnnotations, ParsedSample, alerts_string, indent_lines, samples_string,
};

pub struct Context<'a> {
    pub file: &'a TestFile,
    /// The rule files as promtool names them, and where they are.
    pub rule_files: &'a [(String, PathBuf)],
    pub ignore_unknown_fields: bool,
}

fn duration(text: &Option<String>, default_ms: i64) -> Result<i64, String> {
    match text {
        None => Ok(default_ms),
        Some(t) => parse_duration_ms(t).map_err(|_| format!("not a valid duration string: {t:?}")),
    }
}

/// Runs one test group; returns its failures in promtool's words.
pub fn run_group(tg: &TestGroup, cx: &Context) -> Vec<String> {
    match run(tg, cx) {
        Ok(failures) => failures,
        Err(e) => vec![e],
    }
}

fn run(tg: &TestGroup, cx: &Context) -> Result<Vec<String>, String> {
    let eval_interval = duration(&cx.file.evaluation_interval, 60_000)?;
    let eval_interval = if eval_interval == 0 {
        60_000
    } else {
        eval_interval
    };
    let interval = duration(&tg.interval, 0)?;
    let interval = if interval == 0 {
        eval_interval
    } else {
        interval
    };
    let mint = match &tg.start_timestamp {
        Some(t) => parse_time_ms(t)?,
        None => 0,
    };
    let mut head = load_series(tg, interval, mint)?;
    let mut groups = load_groups(cx, interval)?;
    let templates = TemplateContext {
        external_labels: tg
            .external_labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        external_url: tg.external_url.clone(),
    };
    let engine = engine::Options {
        no_step_subquery_interval_ms: eval_interval,
        timeout_ms: None,
        ..engine::Options::default()
    };
    let eval_cx = EvalContext {
        engine: &engine,
        templates: &templates,
        clock: None,
    };

    // The alert tests by time, each time's alert names.
    let mut alert_tests: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    let mut max_eval = 0;
    for (i, test) in tg.alert_rule_test.iter().enumerate() {
        let at = duration(&test.eval_time, 0)?;
        if test.alertname.is_empty() {
            let in_group = if tg.name.is_empty() {
                String::new()
            } else {
                format!(" (in TestGroup {})", tg.name)
            };
            return Err(format!(
                "an item under alert_rule_test misses required attribute alertname at eval_time {}{in_group}",
                format_duration(at)
            ));
        }
        alert_tests.entry(at).or_default().push(i);
        max_eval = max_eval.max(at);
    }
    for test in &tg.promql_expr_test {
        max_eval = max_eval.max(duration(&test.eval_time, 0)?);
    }
    let maxt = mint + max_eval;
    let times: Vec<i64> = alert_tests.keys().copied().collect();
    let mut next = 0;
    let mut failures = Vec::new();
    let mut ts = mint;
    while ts <= maxt {
        let mut eval_errors = Vec::new();
        for group in &mut groups {
            group.eval(&mut head, ts, &eval_cx);
            for rule in &group.rules {
                if let Some(e) = &rule.last_error {
                    eval_errors.push(format!(
                        "    rule: {}, time: {}, err: {e}",
                        rule.name(),
                        format_go_duration(ts)
                    ));
                }
            }
        }
        if !eval_errors.is_empty() {
            failures.extend(eval_errors);
            return Ok(failures);
        }
        while next < times.len()
            && ts - mint <= times[next]
            && times[next] < ts + eval_interval - mint
        {
            for &i in &alert_tests[&times[next]] {
                failures.extend(check_alerts(tg, i, &groups));
            }
            next += 1;
        }
        ts += eval_interval;
    }
    for test in &tg.promql_expr_test {
        failures.extend(check_expr(
            tg,
            test,
            mint,
            &head,
            &engine,
            cx.file.fuzzy_compare,
        )?);
    }
    Ok(failures)
}

/// The input series in promqltest's `load` notation, written from `mint` on;
/// `{{...}}` values are stored as float histograms, as upstream's loader does.
fn load_series(tg: &TestGroup, interval: i64, mint: i64) -> Result<Head, String> {
    let mut text = format!("load {}\n", format_duration(interval));
    for s in &tg.input_series {
        text.push_str(&format!("  {} {}\n", s.series, s.values));
    }
    let commands = parse_file(&text).map_err(|e| e.message)?;
    let mut head = Head::new(Default::default());
    for command in commands {
        let Command::Load(load) = command else {
            continue;
        };
        for (k, series) in load.series.iter().enumerate() {
            // A later line for the same series wins, as upstream.
            if load.series[k + 1..]
                .iter()
                .any(|s| s.labels == series.labels)
            {
                continue;
            }
            let (r, _) = head.get_or_create(&series.labels);
            for (i, v) in series.values.iter().enumerate() {
                let t = mint.saturating_add((i as i64).saturating_mul(load.step_ms));
                let appended = match (*v, series.histograms.get(i).and_then(Option::as_ref)) {
                    (Some(v), _) => head.append(r, t, v),
                    (None, Some((h, _))) => head.append_float_histogram(r, t, h),
                    (None, None) => continue,
                };
                appended.map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(head)
}

/// The rule files' groups, in `group_eval_order` (others first, in file order).
fn load_groups(cx: &Context, interval: i64) -> Result<Vec<Group>, String> {
    let mut groups = Vec::new();
    let mut errors = Vec::new();
    for (shown, path) in cx.rule_files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{shown}: open {shown}: {}", io_reason(&e)))?;
        match parse_rule_file(&text, cx.ignore_unknown_fields) {
            Ok(file) => {
                for spec in &file.groups {
                    groups.push(Group::new(spec, interval).map_err(|e| format!("{shown}: {e}"))?);
                }
            }
            Err(errs) => errors.extend(errs.into_iter().map(|e| format!("{shown}: {e}"))),
        }
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    let order = |g: &Group| {
        cx.file
            .group_eval_order
            .iter()
            .position(|n| *n == g.name)
            .unwrap_or(0)
    };
    crate::sort::sort_by_key(&mut groups[..], order);
    Ok(groups)
}

fn check_alerts(tg: &TestGroup, index: usize, groups: &[Group]) -> Option<String> {
    let test = &tg.alert_rule_test[index];
    let mut got: Vec<LabelsAndAnnotations> = Vec::new();
    for group in groups {
        for rule in &group.rules {
            let RuleBody::Alerting(rule) = &rule.body else {
                continue;
            };
            if rule.name != test.alertname {
                continue;
            }
            for alert in rule.alerts().filter(|a| a.state == AlertState::Firing) {
                got.push((alert.labels.to_vec(), alert.annotations.clone()));
            }
        }
    }
    let mut expected: Vec<LabelsAndAnnotations> = test
        .exp_alerts
        .iter()
        .map(|a| {
            let mut labels = a.exp_labels.clone();
            labels.insert("alertname".into(), test.alertname.clone());
            (
                labels.into_iter().collect(),
                a.exp_annotations.clone().into_iter().collect(),
            )
        })
        .collect();
    crate::sort::sort(&mut got[..]);
    crate::sort::sort(&mut expected[..]);
    if got == expected {
        return None;
    }
    let name = if tg.name.is_empty() {
        String::new()
    } else {
        format!("    name: {},\n", tg.name)
    };
    let at = duration(&test.eval_time, 0).unwrap_or(0);
    Some(format!(
        "{name}    alertname: {}, time: {}, \n        exp:{}, \n        got:{}",
        test.alertname,
        format_duration(at),
        indent_lines(&alerts_string(&expected), "            "),
        indent_lines(&alerts_string(&got), "            ")
    ))
}

type Samples = Vec<ParsedSample>;

/// An `exp_samples` histogram as upstream reads it (`ParseSeriesDesc("{} " + h)`):
/// exactly one value, and that a histogram.
fn expected_histogram(text: &str) -> Result<String, String> {
    let values = parse_values(text)?;
    let n = values.values.len();
    if n != 1 {
        return Err(format!("expected 1 value, got {n}"));
    }
    match (
        values.histograms.first().and_then(Option::as_ref),
        values.values[0],
    ) {
        (Some((h, _)), _) => Ok(h.test_expression()),
        // Go's `SequenceValue.String()` of what is there instead.
        (None, Some(v)) => Err(format!("expected histogram, got {}", go_f(v))),
        (None, None) => Err("expected histogram, got _".into()),
    }
}

/// Go's `fmt.Sprintf("%f", v)`.
fn go_f(v: f64) -> String {
    match v {
        v if v.is_nan() => "NaN".into(),
        v if v == f64::INFINITY => "+Inf".into(),
        v if v == f64::NEG_INFINITY => "-Inf".into(),
        v => format!("{v:.6}"),
    }
}

fn check_expr(
    tg: &TestGroup,
    test: &super::format::ExprTest,
    mint: i64,
    head: &Head,
    engine: &engine::Options,
    fuzzy: bool,
) -> Result<Option<String>, String> {
    let at = duration(&test.eval_time, 0)?;
    let when = format_duration(at);
    let expr = go_quote(&test.expr);
    let _ = tg;
    let result =
        RuleExpr::parse(&test.expr).and_then(|rule| query_vector(head, &rule, mint + at, engine));
    let got = match result {
        Ok(v) => v,
        Err(e) => return Ok(Some(format!("    expr: {expr}, time: {when}, err: {e}"))),
    };
    let mut got: Samples = got
        .into_iter()
        .map(|s| ParsedSample {
            labels: s.labels.to_vec(),
            value: s.v,
            histogram: s.h.map(|h| h.test_expression()).unwrap_or_default(),
        })
        .collect();
    let mut expected: Samples = Vec::new();
    for sample in &test.exp_samples {
        let parsed = parse_metric(&sample.labels).and_then(|labels| {
            let histogram = match sample.histogram.as_deref() {
                Some(text) if !text.is_empty() => expected_histogram(text)?,
                _ => String::new(),
            };
            Ok(ParsedSample {
                labels: labels.to_vec(),
                value: sample.value,
                histogram,
            })
        });
        match parsed {
            Ok(p) => expected.push(p),
            Err(e) => {
                return Ok(Some(format!(
                    "    expr: {expr}, time: {when}, err: labels {}: {e}",
                    go_quote(&sample.labels)
                )));
            }
        }
    }
    crate::sort::sort_by(&mut got[..], |a, b| a.labels.cmp(&b.labels));
    crate::sort::sort_by(&mut expected[..], |a, b| a.labels.cmp(&b.labels));
    let same_value = |x: f64, y: f64| {
        x == y
            || (fuzzy
                && (next_after(x, f64::NEG_INFINITY) == y || next_after(x, f64::INFINITY) == y))
    };
    let equal = got.len() == expected.len()
        && got.iter().zip(&expected).all(|(g, e)| {
            g.labels == e.labels && same_value(e.value, g.value) && g.histogram == e.histogram
        });
    if equal {
        return Ok(None);
    }
    Ok(Some(format!(
        "    expr: {expr}, time: {when},\n        exp: {}\n        got: {}",
        samples_string(&expected),
        samples_string(&got)
    )))
}

/// Go's `math.Nextafter`.
fn next_after(x: f64, toward: f64) -> f64 {
    if x.is_nan() || toward.is_nan() {
        return f64::NAN;
    }
    if x == toward {
        return x;
    }
    if x == 0.0 {
        return f64::from_bits(1).copysign(toward);
    }
    let bits = x.to_bits();
    if (toward > x) == (x > 0.0) {
        f64::from_bits(bits + 1)
    } else {
        f64::from_bits(bits - 1)
    }
}
