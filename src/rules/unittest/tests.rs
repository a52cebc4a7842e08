//! Native histograms in unit-test files, checked against what promtool prints.

use std::path::Path;

use super::{Options, run_text};

fn failures(text: &str, dir: &Path) -> Vec<String> {
    run_text(text, dir, &Options::default()).failures
}

const INPUT: &str = "tests:
  - interval: 1m
    input_series:
      - series: h
        values: '{{sum:3 count:2 buckets:[2]}}+{{sum:1 count:1 buckets:[1]}}x2'
    promql_expr_test:
";

#[test]
fn histogram_samples_compare_by_their_test_expression() {
    let text = format!(
        "{INPUT}      - expr: h
        eval_time: 2m
        exp_samples:
          - labels: h
            histogram: '{{{{count:4 sum:5 buckets:[4] counter_reset_hint:not_reset}}}}'
"
    );
    assert_eq!(failures(&text, Path::new("")), Vec::<String>::new());
}

#[test]
fn a_failing_histogram_sample_prints_as_promtool_prints_it() {
    let text = format!(
        "{INPUT}      - expr: h
        eval_time: 1m
        exp_samples:
          - labels: h
            histogram: '{{{{schema:1 count:3 sum:4 buckets:[3]}}}}'
      - expr: h
        eval_time: 1m
        exp_samples:
          - labels: h
            value: 3
"
    );
    assert_eq!(
        failures(&text, Path::new("")),
        [
            "    expr: \"h\", time: 1m,\n        exp: {__name__=\"h\"} {{schema:1 count:3 sum:4 buckets:[3]}}\n        got: {__name__=\"h\"} {{count:3 sum:4 counter_reset_hint:not_reset buckets:[3]}}",
            "    expr: \"h\", time: 1m,\n        exp: {__name__=\"h\"} 3E+00\n        got: {__name__=\"h\"} {{count:3 sum:4 counter_reset_hint:not_reset buckets:[3]}}",
        ]
    );
}

#[test]
fn a_value_beside_a_histogram_is_still_compared() {
    // promtool compares the sample's value too (a histogram's is 0).
    let text = format!(
        "{INPUT}      - expr: h
        exp_samples:
          - labels: h
            value: 1
            histogram: '{{{{count:2 sum:3 buckets:[2]}}}}'
"
    );
    assert_eq!(
        failures(&text, Path::new("")),
        [
            "    expr: \"h\", time: 0s,\n        exp: {__name__=\"h\"} {{count:2 sum:3 buckets:[2]}}\n        got: {__name__=\"h\"} {{count:2 sum:3 buckets:[2]}}"
        ]
    );
}

#[test]
fn an_expected_histogram_must_be_one_histogram() {
    let case = |histogram: &str| {
        let text = format!(
            "{INPUT}      - expr: h
        exp_samples:
          - labels: h
            histogram: '{histogram}'
"
        );
        failures(&text, Path::new(""))
    };
    assert_eq!(
        case("{{count:1}}x2"),
        ["    expr: \"h\", time: 0s, err: labels \"h\": expected 1 value, got 3"]
    );
    assert_eq!(
        case("1"),
        ["    expr: \"h\", time: 0s, err: labels \"h\": expected histogram, got 1.000000"]
    );
    assert_eq!(
        case("_"),
        ["    expr: \"h\", time: 0s, err: labels \"h\": expected histogram, got _"]
    );
}

#[test]
fn a_recording_rule_over_histograms_is_tested_like_any_other() {
    let dir = std::env::temp_dir().join(format!("promplay-nh-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("rules.yml"),
        "groups:\n- name: g\n  rules:\n  - record: h:sum\n    expr: sum(h)\n",
    )
    .unwrap();
    let text = format!(
        "rule_files: [rules.yml]\n{INPUT}      - expr: h:sum
        eval_time: 2m
        exp_samples:
          - labels: h:sum
            histogram: '{{{{count:4 sum:5 counter_reset_hint:not_reset buckets:[4]}}}}'
"
    );
    let got = failures(&text, &dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(got, Vec::<String>::new());
}
