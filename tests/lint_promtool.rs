//! The whole path promtool takes: each fixture's text is parsed by our text 0.0.4
//! parser and linted with promtool 2.42's rules; the output must equal promtool's
//! recorded output byte for byte, through the `check-metrics` command too.

use std::path::PathBuf;
use std::process::Command;

use promplay::expo::lint::{self, RuleSet};
use promplay::expo::textparse::{Format, ParseOptions, parse};

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/lint");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "prom"))
        .collect();
    files.sort();
    files
}

#[test]
fn parsed_fixtures_lint_exactly_as_promtool_2_42() {
    let files = fixtures();
    assert!(files.len() >= 10);
    let mut matched_lines = 0;
    for file in &files {
        let parsed = parse(
            &std::fs::read(file).unwrap(),
            ParseOptions {
                format: Some(Format::Text),
                strict: true,
            },
        );
        assert!(parsed.is_valid(), "{}: {:?}", file.display(), parsed.errors);
        let ours = lint::render_problems(&lint::lint_with(&parsed.families, RuleSet::Promtool2_42));
        let theirs = std::fs::read_to_string(file.with_extension("promtool.txt")).unwrap();
        assert_eq!(ours, theirs, "{}", file.display());
        matched_lines += theirs.lines().count();
    }
    println!(
        "lint through the parser: {matched_lines} promtool lines matched in {} fixtures",
        files.len()
    );
}

#[test]
fn check_metrics_command_prints_and_exits_like_promtool() {
    for file in fixtures() {
        let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
            .args(["check-metrics", "--rules", "promtool-2.42"])
            .arg(&file)
            .output()
            .unwrap();
        let theirs = std::fs::read_to_string(file.with_extension("promtool.txt")).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            theirs,
            "{}",
            file.display()
        );
        let expected_code = if theirs.is_empty() { 0 } else { 3 };
        assert_eq!(out.status.code(), Some(expected_code), "{}", file.display());
    }
}

#[test]
fn extended_prints_promtools_cardinality_table() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/lint/cardinality.prom");
    let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
        .args(["check-metrics", "--extended"])
        .arg(&file)
        .output()
        .unwrap();
    let theirs = std::fs::read_to_string(file.with_extension("promtool-extended.txt")).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), theirs);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn parse_errors_exit_1_with_line_and_column() {
    let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
        .args(["check-metrics", "--format", "openmetrics", "--no-lint", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"a{b=1} 1\n# EOF\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("<stdin>:1:5: expected a label value in double quotes"),
        "{err}"
    );
}
