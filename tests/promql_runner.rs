//! The `.test` runner on small handwritten files: every expectation form passes
//! when it holds and fails when it does not (so the comparisons can fail).

use promplay::promql::promqltest::{FileReport, RunOptions, SkipReason, run_file};

fn run(text: &str) -> FileReport {
    run_file(text, &RunOptions::default())
}

/// Asserts every eval of `text` passed.
fn passes(text: &str) {
    let r = run(text);
    assert!(
        r.failed == 0 && r.passed > 0,
        "{}\n{}",
        r.summary(),
        r.render_failures("snippet.test")
    );
}

/// Asserts every eval of `text` failed, each message containing `why`.
fn fails(text: &str, why: &str) {
    let r = run(text);
    assert!(
        r.failed > 0 && r.passed == 0,
        "{}: expected failures\n{text}",
        r.summary()
    );
    for f in &r.failures {
        assert!(f.message.contains(why), "{why:?} not in:\n{}", f.message);
    }
}

const LOAD: &str = "load 1m\n  up{job=\"a\"} 0+1x10\n  up{job=\"b\"} 10+2x10\n\n";

fn with_load(evals: &str) -> String {
    format!("{LOAD}{evals}")
}

// ---- Runs now: what needs no engine. ----

#[test]
fn file_and_query_parse_errors_are_failures() {
    let r = run("load 1m\n  a 1\n\nfrobnicate\n");
    assert_eq!(r.summary(), "0 passed, 1 failed, 0 skipped");
    assert_eq!(r.failures[0].line, 4);

    let r = run("eval instant at 0 sum(\n");
    assert_eq!(r.summary(), "0 passed, 1 failed, 0 skipped");
    assert!(
        r.failures[0].message.contains("parse error"),
        "{:?}",
        r.failures
    );
    assert_eq!(r.failures[0].command, "eval instant at 0s sum(");

    // An expected failure accepts a parse error, with or without a message test.
    assert_eq!(
        run("eval instant at 0 sum(\n  expect fail\n").summary(),
        "1 passed, 0 failed, 0 skipped"
    );
    let r = run("eval instant at 0 sum(\n  expect fail msg: something else\n");
    assert_eq!(r.failed, 1);
    let r = run("eval instant at 0 sum(\n  expect fail regex: parse error\n");
    assert_eq!(r.passed, 1, "{:?}", r.failures);
}

#[test]
fn upstream_file_rules_fail_the_eval() {
    let r = run(&with_load("eval instant at 1m up\n  up{job=\"a\"} 1 2\n"));
    assert!(
        r.failures[0]
            .message
            .contains("expecting multiple values in instant evaluation")
    );
    let r = run(&with_load(
        "eval instant at 1m up\n  expect warn\n  expect no_warn\n",
    ));
    assert!(
        r.failures[0]
            .message
            .contains("warn and no_warn cannot be used together")
    );
}

#[test]
fn skips_are_counted_by_reason() {
    let text = "load 1m\n  h {{schema:0 sum:1 count:1}}x3\n  f 1 2 3\n\n\
eval instant at 1m h\n  h {{schema:0 sum:1 count:1}}\n\n\
eval instant at 1m sort_by_label(f, \"a\")\n  f 2\n\n\
eval instant at 1m rate(f[2m] smoothed)\n\n\
eval instant at 1m f + fill(0) f\n\n\
eval instant at 1m f[1m+1m]\n\n";
    // Skipping the features promplay has (as `test-promql --skip` does) counts them.
    let strict = RunOptions {
        run_anyway: Vec::new(),
        ..RunOptions::default()
    };
    let r = run_file(text, &strict);
    assert_eq!(r.summary(), "1 passed, 0 failed, 4 skipped");
    let reasons: Vec<SkipReason> = r.skipped_by.keys().copied().collect();
    assert_eq!(
        reasons,
        vec![
            SkipReason::ExperimentalFunctions,
            SkipReason::ExtendedRangeSelectors,
            SkipReason::FillModifiers,
            SkipReason::DurationExpressions,
        ]
    );
    assert_eq!(r.skip_lines()[0], "  skipped (experimental-functions): 1");

    let opts = RunOptions {
        run_anyway: vec![SkipReason::ExperimentalFunctions],
        ..RunOptions::default()
    };
    let r = run_file(text, &opts);
    assert_eq!(r.skipped, 3);
    assert_eq!(r.passed + r.failed, 2);
    // By default every eval runs, native histograms included.
    let r = run(text);
    assert_eq!(r.skipped, 0);
    assert_eq!(r.passed + r.failed, 5);
}

#[test]
fn reports_merge_and_render() {
    let mut total = run("eval instant at 0 sum(\n");
    total.merge(run("eval instant at 0 (\n"));
    assert_eq!(total.summary(), "0 passed, 2 failed, 0 skipped");
    let text = total.render_failures("x.test");
    assert!(
        text.starts_with("x.test:1: eval instant at 0s sum(\n    "),
        "{text}"
    );
}

// ---- Need the engine. ----

#[test]
fn instant_vectors_unordered_and_ordered() {
    passes(&with_load(
        "eval instant at 5m up\n  up{job=\"b\"} 20\n  up{job=\"a\"} 5\n",
    ));
    fails(
        &with_load("eval instant at 5m up\n  up{job=\"a\"} 5\n  up{job=\"b\"} 21\n"),
        "expected 21 for up{job=\"b\"} but got 20",
    );
    fails(
        &with_load("eval instant at 5m up\n  up{job=\"a\"} 5\n"),
        "unexpected metric up{job=\"b\"}",
    );
    fails(
        &with_load("eval instant at 5m up{job=\"a\"}\n  up{job=\"a\"} 5\n  up{job=\"c\"} 1\n"),
        "not found",
    );
    passes(&with_load(
        "eval instant at 5m sort_desc(up)\n  expect ordered\n  up{job=\"b\"} 20\n  up{job=\"a\"} 5\n",
    ));
    fails(
        &with_load(
            "eval instant at 5m sort(up)\n  expect ordered\n  up{job=\"b\"} 20\n  up{job=\"a\"} 5\n",
        ),
        "at position",
    );
    passes(&with_load(
        "eval_ordered instant at 5m sort(up)\n  up{job=\"a\"} 5\n  up{job=\"b\"} 20\n",
    ));
    // Within 1e-6 relative.
    passes(&with_load(
        "eval instant at 5m up{job=\"a\"} / 3\n  {job=\"a\"} 1.6666667\n",
    ));
    fails(
        &with_load("eval instant at 5m up{job=\"a\"} / 3\n  {job=\"a\"} 1.6667\n"),
        "but got",
    );
    // An empty result.
    passes(&with_load("eval instant at 5m up{job=\"none\"}\n"));
    fails(
        &with_load("eval instant at 5m up{job=\"a\"}\n"),
        "unexpected metric",
    );
}

#[test]
fn range_evals_and_range_vectors() {
    passes(&with_load(
        "eval range from 0 to 3m step 1m up{job=\"a\"}\n  up{job=\"a\"} 0 1 2 3\n",
    ));
    fails(
        &with_load("eval range from 0 to 3m step 1m up{job=\"a\"}\n  up{job=\"a\"} 0 1 2 4\n"),
        "to be 4, but got 3",
    );
    passes(
        "load 1m\n  x 1 _ _ _ _ _ _ 8\n\neval range from 0 to 12m step 1m x\n  x 1x4 _ _ 8x4 _\n",
    );
    fails(
        "load 1m\n  x 1 _ _ _ _ _ _ 8\n\neval range from 0 to 12m step 1m x\n  x 1x5 _ 8x4 _\n",
        "float points",
    );
    passes(&with_load(
        "eval instant at 2m up{job=\"a\"}[2m]\n  expect range vector from 1m to 2m step 1m\n  up{job=\"a\"} 1 2\n",
    ));
    fails(
        &with_load(
            "eval instant at 2m up{job=\"a\"}[2m]\n  expect range vector from 1m to 2m step 1m\n  up{job=\"a\"} 1 5\n",
        ),
        "to be 5",
    );
    fails(
        &with_load("eval instant at 2m up{job=\"a\"}[2m]\n  up{job=\"a\"} 1\n"),
        "cannot return this many points",
    );
}

#[test]
fn scalars_and_strings() {
    passes("eval instant at 1m 1 + 1\n  2\n");
    fails(
        "eval instant at 1m 1 + 1\n  3\n",
        "expected scalar 3 but got 2",
    );
    passes("eval range from 0 to 2m step 1m time()\n  {} 0 60 120\n");
    passes("eval instant at 1m \"hello\"\n  expect string \"hello\"\n");
    fails(
        "eval instant at 1m \"hello\"\n  expect string \"bye\"\n",
        "expected string \"bye\" but got \"hello\"",
    );
}

#[test]
fn failures_warnings_and_infos() {
    // Duplicate series on the left of a one-to-one match: an execution error.
    let dup = "load 1m\n  a{x=\"1\", y=\"1\"} 1\n  a{x=\"1\", y=\"2\"} 1\n  b{x=\"1\"} 1\n\n";
    passes(&format!(
        "{dup}eval instant at 0 a + on(x) b\n  expect fail\n"
    ));
    passes(&format!("{dup}eval_fail instant at 0 a + on(x) b\n"));
    passes(&format!(
        "{dup}eval instant at 0 a + on(x) b\n  expect fail regex: many-to-one\n"
    ));
    fails(
        &format!("{dup}eval instant at 0 a + on(x) b\n  expect fail msg: nope\n"),
        "expected error \"nope\"",
    );
    fails(
        &format!("{dup}eval instant at 0 a + on(x) b\n  a 1\n"),
        "error evaluating query",
    );
    fails(
        &with_load("eval instant at 0 up\n  expect fail\n"),
        "but got none",
    );

    // rate() over a name without a counter suffix raises an info.
    let info = "eval instant at 5m rate(up[5m])\n  expect info\n  {job=\"a\"} 0.016666666666666666\n  {job=\"b\"} 0.03333333333333333\n";
    passes(&with_load(info));
    passes(&with_load(
        &info
            .replace("eval ", "eval_info ")
            .replace("  expect info\n", ""),
    ));
    passes(&with_load(&info.replace(
        "expect info",
        "expect info regex: might not be a counter",
    )));
    fails(
        &with_load(&info.replace("expect info", "expect no_info")),
        "unexpected info annotations",
    );
    fails(
        &with_load(&info.replace("expect info", "expect info msg: other")),
        "no matching annotation",
    );
    passes(&with_load(&info.replace("expect info", "expect no_warn")));
    fails(
        &with_load(&info.replace("expect info", "expect warn")),
        "expected warn annotations",
    );
    fails(
        &with_load(
            &info
                .replace("eval ", "eval_warn ")
                .replace("  expect info\n", ""),
        ),
        "expected warn",
    );
}

#[test]
fn extra_checks_run_and_clear_empties_the_store() {
    // time() is skipped from the @ check; the range-mode check still runs.
    passes("eval instant at 5m time()\n  300\n");
    passes(&with_load(
        "eval instant at 5m up{job=\"a\"} offset 1m\n  up{job=\"a\"} 4\n",
    ));
    let cleared = with_load("clear\n\neval instant at 5m up\n");
    passes(&cleared);
    let opts = RunOptions {
        extra_checks: false,
        ..RunOptions::default()
    };
    let r = run_file(
        &with_load("eval instant at 5m up\n  up{job=\"a\"} 5\n  up{job=\"b\"} 20\n"),
        &opts,
    );
    assert_eq!(r.summary(), "1 passed, 0 failed, 0 skipped");
}
