//! The evaluating half of Prometheus's `.test` language: runs a file's commands
//! against a fresh store and the engine as upstream's `promql/promqltest/test.go`
//! does (its test engine settings, its comparisons, its extra `@` and range-mode
//! checks on instant evals), and reports each eval as passed, failed or skipped.
//!
//! ```
//! use promplay::promql::promqltest::{RunOptions, run_file};
//! let report = run_file("eval instant at 0 1 +\n", &RunOptions::default());
//! assert_eq!((report.passed, report.failed), (0, 1)); // a query that does not parse fails
//! assert_eq!(report.summary(), "0 passed, 1 failed, 0 skipped");
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::promql::Expr;
use crate::promql::engine::{self, EvalError, QueryOutput, Value};
use crate::tsdb::Head;

use super::at_modifier::{at_modifier_cases, uses_query_context_functions};
use super::compare::{
    Expected, assert_matrix_sorted, check_annotations, check_expected_failure, describe_value,
};
use super::skip::{SkipReason, skip_reason};
use super::{Command, EvalCommand, EvalKind, Expectation, load_into, parse_file};

/// How to run a file.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Engine settings: [`test_engine_options`] unless changed.
    pub engine: engine::Options,
    /// Skip reasons not to skip for: by default the features the engine has
    /// ([`SkipReason::SUPPORTED`]).
    pub run_anyway: Vec<SkipReason>,
    /// Upstream's extra checks on instant evals (`@` pinned at other times, range
    /// mode); on by default.
    pub extra_checks: bool,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            engine: test_engine_options(),
            run_anyway: SkipReason::SUPPORTED.to_vec(),
            extra_checks: true,
        }
    }
}

/// Upstream's test engine (`NewTestEngine` with `DefaultMaxSamplesPerQuery`): 5 m
/// lookback, 10 000 samples per query, 100 s timeout, 1 m step for subqueries
/// written without one.
pub fn test_engine_options() -> engine::Options {
    engine::Options {
        lookback_ms: 5 * 60_000,
        max_samples: 10_000,
        timeout_ms: Some(100_000.0),
        no_step_subquery_interval_ms: 60_000,
        ..engine::Options::default()
    }
}

/// One failed eval (or a command that could not run).
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// 1-based line of the command.
    pub line: usize,
    /// The command as written (`eval instant at 5m rate(x[1m])`), or `load`.
    pub command: String,
    /// What went wrong, upstream's words first, then expected and actual results.
    pub message: String,
}

/// What running a file gave.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileReport {
    pub passed: usize,
    /// Failed evals, plus commands that could not run (a file that does not
    /// parse, a load the store refused).
    pub failed: usize,
    pub skipped: usize,
    pub skipped_by: BTreeMap<SkipReason, usize>,
    pub failures: Vec<Failure>,
}

impl FileReport {
    /// `N passed, N failed, N skipped`.
    pub fn summary(&self) -> String {
        format!(
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }

    /// One `  skipped (<reason>): N` line per reason that skipped something.
    pub fn skip_lines(&self) -> Vec<String> {
        self.skipped_by
            .iter()
            .map(|(r, n)| format!("  skipped ({r}): {n}"))
            .collect()
    }

    /// Adds another file's counts and failures to this one.
    pub fn merge(&mut self, other: FileReport) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
        for (r, n) in other.skipped_by {
            *self.skipped_by.entry(r).or_default() += n;
        }
        self.failures.extend(other.failures);
    }

    /// Every failure as `file:line: command` then its message, indented.
    pub fn render_failures(&self, file: &str) -> String {
        let mut out = String::new();
        for f in &self.failures {
            let _ = writeln!(out, "{file}:{}: {}", f.line, f.command);
            for l in f.message.lines() {
                let _ = writeln!(out, "    {l}");
            }
        }
        out
    }

    fn fail(&mut self, line: usize, command: String, message: String) {
        self.failed += 1;
        self.failures.push(Failure {
            line,
            command,
            message,
        });
    }
}

/// Parses and runs a whole `.test` file.
pub fn run_file(text: &str, opts: &RunOptions) -> FileReport {
    match parse_file(text) {
        Ok(cmds) => run_commands(&cmds, opts),
        Err(e) => {
            let mut report = FileReport::default();
            report.fail(
                e.line,
                "(file)".into(),
                format!("the file does not parse: {}", e.message),
            );
            report
        }
    }
}

/// Runs parsed commands in order on a store that `clear` empties.
pub fn run_commands(cmds: &[Command], opts: &RunOptions) -> FileReport {
    let mut report = FileReport::default();
    let mut head = Head::default();
    for cmd in cmds {
        match cmd {
            Command::Clear { .. } => head = Head::default(),
            Command::Load(load) => {
                if let Err(e) = load_into(load, &mut head) {
                    report.fail(load.line, "load".into(), format!("cannot load: {e}"));
                }
            }
            Command::Eval(eval) => {
                if let Some(reason) = skip_reason(eval, &opts.run_anyway) {
                    report.skipped += 1;
                    *report.skipped_by.entry(reason).or_default() += 1;
                    continue;
                }
                match run_eval(&head, eval, opts) {
                    Ok(()) => report.passed += 1,
                    Err(message) => report.fail(eval.line, command_text(eval), message),
                }
            }
        }
    }
    report
}

/// The eval line as upstream's syntax writes it.
fn command_text(eval: &EvalCommand) -> String {
    let secs = crate::promql::printer::format_duration;
    match eval.kind {
        EvalKind::Instant { at_ms } => {
            format!("eval instant at {} {}", secs(at_ms), eval.expr_text)
        }
        EvalKind::Range {
            start_ms,
            end_ms,
            step_ms,
        } => format!(
            "eval range from {} to {} step {} {}",
            secs(start_ms),
            secs(end_ms),
            secs(step_ms),
            eval.expr_text
        ),
    }
}

impl EvalCommand {
    /// `expect range vector from <start> to <end> step <step>`, if given.
    pub fn range_vector(&self) -> Option<(i64, i64, i64)> {
        self.expectations.iter().find_map(|e| match e {
            Expectation::RangeVector {
                start_ms,
                end_ms,
                step_ms,
            } => Some((*start_ms, *end_ms, *step_ms)),
            _ => None,
        })
    }

    /// `expect range vector` or `expect string`: upstream then leaves out the
    /// range-mode check (`excludeFromRangeQuery`).
    fn excluded_from_range_mode(&self) -> bool {
        self.expectations
            .iter()
            .any(|e| matches!(e, Expectation::RangeVector { .. } | Expectation::String(_)))
    }
}

/// Checks upstream makes while reading the eval (`validateExpectedCmds` and the
/// one-value rule for instant evals); a file breaking them fails to load upstream.
fn validate(eval: &EvalCommand) -> Result<(), String> {
    let count = |f: fn(&Expectation) -> bool| eval.expectations.iter().filter(|e| f(e)).count();
    let prefix = format!("error in eval {} (line {}): ", eval.expr_text, eval.line);
    if count(|e| matches!(e, Expectation::Info(_))) > 0 && count(|e| *e == Expectation::NoInfo) > 0
    {
        return Err(prefix + "invalid expect lines, info and no_info cannot be used together");
    }
    if count(|e| matches!(e, Expectation::Warn(_))) > 0 && count(|e| *e == Expectation::NoWarn) > 0
    {
        return Err(prefix + "invalid expect lines, warn and no_warn cannot be used together");
    }
    if count(|e| matches!(e, Expectation::Fail(_))) > 1 {
        return Err(prefix + "invalid expect lines, multiple expect fail lines are not allowed");
    }
    let instant = matches!(eval.kind, EvalKind::Instant { .. });
    if instant && eval.range_vector().is_none() && eval.series.iter().any(|s| s.values.len() > 1) {
        return Err(prefix
            + "expecting multiple values in instant evaluation not allowed. consider using 'expect range vector' directive to enable a range vector result for an instant query");
    }
    Ok(())
}

fn run_eval(head: &Head, eval: &EvalCommand, opts: &RunOptions) -> Result<(), String> {
    validate(eval)?;
    let expected = Expected::new(eval);
    let expr = match &eval.expr {
        Ok(expr) => expr,
        // Upstream cannot even create the query; an expected failure may accept that.
        Err(e) => {
            let message = format!("{}:{}: parse error: {}", e.line, e.col, e.message);
            // Some errors upstream raises when evaluating (without a position), our
            // parser raises already: the bare message may match too.
            if let Some(m) = eval.expected_failure()
                && (check_expected_failure(eval, m.as_ref(), &message).is_ok()
                    || check_expected_failure(eval, m.as_ref(), &e.message).is_ok())
            {
                return Ok(());
            }
            return Err(format!(
                "error creating query for {:?} (line {}): {message}",
                eval.expr_text, eval.line
            ));
        }
    };
    let ctx = EvalContext {
        head,
        eval,
        expected: &expected,
        opts,
    };
    match eval.kind {
        EvalKind::Range {
            start_ms,
            end_ms,
            step_ms,
        } => ctx.run_range(expr, start_ms, end_ms, step_ms),
        EvalKind::Instant { at_ms } => {
            // With `expect range vector`, upstream evaluates at the grid's end.
            let t = eval.range_vector().map_or(at_ms, |(_, end, _)| end);
            ctx.run_instant(&eval.expr_text, expr, t)?;
            if opts.extra_checks {
                for case in at_modifier_cases(expr, t)? {
                    ctx.run_instant(&case.text, &case.expr, case.t_ms)?;
                }
            }
            Ok(())
        }
    }
}

struct EvalContext<'a> {
    head: &'a Head,
    eval: &'a EvalCommand,
    expected: &'a Expected<'a>,
    opts: &'a RunOptions,
}

/// Runs a query, turning an engine panic into an error (one bad eval must not end
/// a whole corpus run).
fn guarded(run: impl FnOnce() -> Result<QueryOutput, EvalError>) -> Result<QueryOutput, String> {
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".into());
            Err(format!("the engine panicked: {what}"))
        }
    }
}

impl EvalContext<'_> {
    fn line(&self) -> usize {
        self.eval.line
    }

    /// The fail / no-fail, annotation and result checks upstream makes on one
    /// query's outcome; `Ok(true)` when the result still needs comparing.
    fn check_outcome(
        &self,
        query: &str,
        outcome: &Result<QueryOutput, String>,
    ) -> Result<bool, String> {
        let line = self.line();
        let expected_failure = self.eval.expected_failure();
        let out = match (outcome, expected_failure) {
            (Err(e), Some(m)) => {
                return check_expected_failure(self.eval, m.as_ref(), e).map(|()| false);
            }
            (Err(e), None) => {
                return Err(format!(
                    "error evaluating query {query:?} (line {line}): {e}"
                ));
            }
            (Ok(out), Some(_)) => {
                return Err(format!(
                    "expected error evaluating query {query:?} (line {line}) but got none\n{}",
                    self.got(&out.value)
                ));
            }
            (Ok(out), None) => out,
        };
        check_annotations(self.eval, query, &out.annotations)?;
        Ok(true)
    }

    fn compare(&self, query: &str, value: &Value, mode: &str) -> Result<(), String> {
        self.expected.compare(value).map_err(|m| {
            format!(
                "error in eval {query} (line {}){mode}: {m}\n{}",
                self.line(),
                self.got(value)
            )
        })
    }

    /// Expected and actual results, for a failure message.
    fn got(&self, value: &Value) -> String {
        let indent = |s: String| {
            s.lines()
                .map(|l| format!("  {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        format!(
            "expected:\n{}\ngot:\n{}",
            indent(self.expected.describe()),
            indent(describe_value(value))
        )
    }

    fn run_range(&self, expr: &Expr, start: i64, end: i64, step: i64) -> Result<(), String> {
        let src = &self.eval.expr_text;
        let outcome = guarded(|| {
            engine::range_query(self.head, src, expr, start, end, step, &self.opts.engine)
        });
        if !self.check_outcome(src, &outcome)? {
            return Ok(());
        }
        let out = outcome.expect("checked above");
        self.compare(src, &out.value, "")
    }

    fn run_instant(&self, query: &str, expr: &Expr, t: i64) -> Result<(), String> {
        let line = self.line();
        let opts = &self.opts.engine;
        let outcome = guarded(|| engine::instant_query(self.head, query, expr, t, opts));
        if !self.check_outcome(query, &outcome)? {
            return Ok(());
        }
        let out = outcome.expect("checked above");
        self.compare(query, &out.value, "")?;

        // The same query as a range query around t must give the same result at t.
        if !self.opts.extra_checks
            || self.eval.excluded_from_range_mode()
            || uses_query_context_functions(query)
        {
            return Ok(());
        }
        let range = guarded(|| {
            engine::range_query(self.head, query, expr, t - 60_000, t + 60_000, 60_000, opts)
        })
        .map_err(|e| {
            format!("error evaluating query {query:?} (line {line}) in range mode: {e}")
        })?;
        if self.eval.ordered() {
            // Range results are sorted by labels, so an expected order cannot hold.
            return Ok(());
        }
        let Value::Matrix(matrix) = &range.value else {
            return Err(format!(
                "range query {query:?} (line {line}) returned a {}, not a matrix",
                range.value.type_name()
            ));
        };
        assert_matrix_sorted(matrix)?;
        let at_t: Vec<engine::Sample> = matrix
            .iter()
            .filter_map(|s| {
                let float = s.points.iter().find(|p| p.t == t).map(|p| (p.v, None));
                let (v, h) = float.or_else(|| {
                    s.histograms
                        .iter()
                        .find(|p| p.t == t)
                        .map(|p| (0.0, Some(p.h.clone())))
                })?;
                Some(engine::Sample {
                    labels: s.labels.clone(),
                    t,
                    v,
                    h,
                    drop_name: false,
                })
            })
            .collect();
        let middle = if let Value::Scalar(_) = out.value {
            let Some(first) = at_t.first() else {
                return Err(format!(
                    "error in eval {query} (line {line}) range mode: no point at t={t} for a scalar result"
                ));
            };
            Value::Scalar(engine::Point { t, v: first.v })
        } else {
            Value::Vector(at_t)
        };
        self.compare(query, &middle, " range mode")
    }
}
