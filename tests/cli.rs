//! The `promplay` command-line tool, run as a user runs it.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn promplay(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_promplay"))
        .args(args)
        .output()
        .expect("run promplay")
}

#[test]
fn version_prints_the_crate_version() {
    let out = promplay(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("promplay {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_describes_the_tool() {
    let out = promplay(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Usage: promplay"), "{text}");
    assert!(text.contains("Prometheus"), "{text}");
}

#[test]
fn no_arguments_shows_usage_and_fails() {
    let out = promplay(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: promplay"));
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let out = promplay(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("frobnicate"), "{err}");
}

#[test]
fn check_metrics_reads_the_protobuf_format() {
    use promplay::expo::{MetricFamily, MetricType, Sample};
    let mut family = MetricFamily::new("requests", MetricType::Counter);
    family.help = Some("Requests.".into());
    family
        .samples
        .push(Sample::new("requests_total", vec![], 3.0));
    let bytes = promplay::expo::protobuf::encode(&[family]).unwrap();
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("promplay-cli-{}.pb", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let out = promplay(&[
        "check-metrics",
        "--format",
        "protobuf",
        path.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Bytes that are not protobuf: a parse error, exit 1.
    let bad = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("promplay-cli-{}-bad.pb", std::process::id()));
    std::fs::write(&bad, [0xff, 0xff, 0xff]).unwrap();
    let out = promplay(&[
        "check-metrics",
        "--format",
        "protobuf",
        bad.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&bad);
    assert_eq!(out.status.code(), Some(1));
}
