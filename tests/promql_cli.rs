//! `promplay test-promql` and `promplay query`, run as a user runs them.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::{Command, Output};

fn promplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_promplay"))
        .args(args)
        .output()
        .expect("run promplay")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A file in a fresh temporary directory of this test.
fn temp_file(test: &str, name: &str, contents: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("promplay-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

const DATA: &str = "# TYPE http_requests counter\n\
http_requests_total{job=\"api\"} 1 1700000000\n\
http_requests_total{job=\"api\"} 4 1700000015\n\
http_requests_total{job=\"api\"} 10 1700000030.5\n\
# TYPE up gauge\n\
up{job=\"api\"} 1 1700000000\n\
up{job=\"api\"} 1 1700000015\n\
# EOF\n";

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(stdout(out).trim()).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

// ---- test-promql ----

#[test]
fn test_promql_needs_files() {
    let out = promplay(&["test-promql"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn test_promql_reports_failures_and_the_closing_line() {
    let file = temp_file(
        "tp-fail",
        "bad.test",
        "load 1m\n  a 1\n\neval instant at 0 sum(\n",
    );
    let out = promplay(&["test-promql", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("bad.test:4: eval instant at 0s sum("),
        "{text}"
    );
    assert!(text.contains("parse error"), "{text}");
    assert_eq!(text.lines().last(), Some("0 passed, 1 failed, 0 skipped"));
}

#[test]
fn test_promql_counts_skips_by_reason_and_exits_zero() {
    let file = temp_file(
        "tp-skip",
        "skip.test",
        "load 1m\n  h {{schema:0 sum:1 count:1}}\n\neval instant at 0 h\n  h {{schema:0 sum:1 count:1}}\n\neval instant at 0 sort_by_label(h, \"a\")\n  h {{schema:0 sum:1 count:1}}\n",
    );
    let out = promplay(&[
        "test-promql",
        "--skip",
        "experimental-functions",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        vec![
            "1 passed, 0 failed, 1 skipped",
            "  skipped (experimental-functions): 1"
        ]
    );
    let out = promplay(&[
        "test-promql",
        "--run-anyway",
        "nonsense",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn test_promql_unreadable_file_fails() {
    let out = promplay(&["test-promql", "/nonexistent/x.test"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn test_promql_passes_a_good_file() {
    let file = temp_file(
        "tp-pass",
        "good.test",
        "load 1m\n  up{job=\"a\"} 0+1x10\n\neval instant at 5m up\n  up{job=\"a\"} 5\n\neval range from 0 to 2m step 1m up\n  up{job=\"a\"} 0 1 2\n",
    );
    let out = promplay(&["test-promql", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out).trim(), "2 passed, 0 failed, 0 skipped");
}

// ---- query ----

#[test]
fn query_parse_errors_are_bad_data() {
    let data = temp_file("q-parse", "data.om", DATA);
    let out = promplay(&["query", "--data", data.to_str().unwrap(), "sum(up"]);
    assert_eq!(out.status.code(), Some(1));
    let j = json(&out);
    assert_eq!(j["status"], "error");
    assert_eq!(j["errorType"], "bad_data");
    let msg = j["error"].as_str().unwrap();
    assert!(msg.starts_with("invalid parameter \"query\": 1:"), "{msg}");
    assert!(msg.contains("parse error"), "{msg}");
}

#[test]
fn query_parameter_errors_are_bad_data() {
    let data = temp_file("q-params", "data.om", DATA);
    let d = data.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (&["--time", "yesterday"], "invalid parameter \"time\""),
        (
            &["--start", "10", "--end", "5", "--step", "1"],
            "end timestamp must not be before start time",
        ),
        (
            &["--start", "0", "--end", "5", "--step", "0s"],
            "zero or negative query resolution",
        ),
        (
            &["--start", "0", "--end", "100000", "--step", "1"],
            "11,000 points",
        ),
    ];
    for (extra, want) in cases {
        let mut args = vec!["query", "--data", d];
        args.extend_from_slice(extra);
        args.push("up");
        let out = promplay(&args);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        let j = json(&out);
        assert_eq!(j["errorType"], "bad_data", "{extra:?}");
        assert!(
            j["error"].as_str().unwrap().contains(want),
            "{extra:?}: {j}"
        );
    }
}

#[test]
fn query_usage_and_data_errors() {
    // A range needs all three of start, end and step.
    let out = promplay(&["query", "--data", "x.om", "--start", "0", "up"]);
    assert_eq!(out.status.code(), Some(2));
    let out = promplay(&["query", "--data", "/nonexistent.om", "up"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let bad = temp_file("q-bad", "bad.om", "up 1\n# EOF\n");
    let out = promplay(&["query", "--data", bad.to_str().unwrap(), "up"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no timestamp"));
}

#[test]
fn query_instant_range_and_scalar_results() {
    let data = temp_file("q-ok", "data.om", DATA);
    let d = data.to_str().unwrap();
    let out = promplay(&["query", "--data", d, "--time", "1700000020.5", "up"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out).trim(),
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"api"},"value":[1700000020.5,"1"]}]}}"#
    );

    let out = promplay(&[
        "query",
        "--data",
        d,
        "--start",
        "2023-11-14T22:13:20Z",
        "--end",
        "1700000030",
        "--step",
        "15s",
        "http_requests_total",
    ]);
    let j = json(&out);
    assert_eq!(j["data"]["resultType"], "matrix");
    assert_eq!(
        j["data"]["result"][0]["values"],
        serde_json::json!([[1700000000, "1"], [1700000015, "4"], [1700000030, "4"]])
    );

    let out = promplay(&["query", "--data", d, "--time", "1700000000", "1 / 8"]);
    assert_eq!(
        stdout(&out).trim(),
        r#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"0.125"]}}"#
    );

    // rate() over a name without a counter suffix raises an info.
    let out = promplay(&["query", "--data", d, "--time", "1700000030", "rate(up[1m])"]);
    let j = json(&out);
    assert!(
        j["infos"][0]
            .as_str()
            .unwrap()
            .contains("might not be a counter"),
        "{j}"
    );
}
