//! promplay's rule commands against promtool 2.42, run side by side on
//! promplay's own cases (`tests/rules/`): `test-rules` on every `*_test.yml`
//! (`for`, `keep_firing_for`, flapping, chained recording rules, templates,
//! external labels; `failing_test.yml` fails on purpose so the failure blocks
//! are compared too) and `check-rules` on every `check/*.yml`. Standard output,
//! standard error and the exit status must be byte-equal.

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// Files whose PromQL parse errors promplay words as Prometheus 3 does (the
/// conformance corpus's wording) while 2.42 words them differently: compared up to
/// `parse error:` on each line.
const PARSER_WORDING: [&str; 1] = ["bad_expr.yml"];

/// Files whose problems promtool lists in Go's map order (random from run to
/// run: a rule's labels and annotations): their lines are compared as sets.
const MAP_ORDER: [&str; 1] = ["bad_templates.yml"];

fn sorted_lines(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines.join("\n")
}

fn run(program: &str, command: &[&str], file: &str, dir: &Path) -> Output {
    Command::new(program)
        .args(command)
        .arg(file)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn cut_parse_errors(text: &str) -> String {
    text.lines()
        .map(|l| l.split(" parse error: ").next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

fn compare(dir: &Path, suffix: &str, promtool: &[&str], promplay: &[&str]) -> usize {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(suffix))
        .collect();
    files.sort();
    let mut differences = Vec::new();
    for file in &files {
        let want = run("promtool", promtool, file, dir);
        let got = run(env!("CARGO_BIN_EXE_promplay"), promplay, file, dir);
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let (mut want_err, mut got_err) = (text(&want.stderr), text(&got.stderr));
        if MAP_ORDER.contains(&file.as_str()) {
            want_err = sorted_lines(&want_err);
            got_err = sorted_lines(&got_err);
        }
        if PARSER_WORDING.contains(&file.as_str()) {
            want_err = cut_parse_errors(&want_err);
            got_err = cut_parse_errors(&got_err);
        }
        if want.status.code() != got.status.code()
            || want.stdout != got.stdout
            || want_err != got_err
        {
            differences.push(format!(
                "{file}: promtool exit {:?}, promplay exit {:?}\n--- promtool stdout\n{}--- promplay stdout\n{}--- promtool stderr\n{want_err}--- promplay stderr\n{got_err}",
                want.status.code(),
                got.status.code(),
                text(&want.stdout),
                text(&got.stdout)
            ));
        }
    }
    println!(
        "{} of {} files agree with promtool ({})",
        files.len() - differences.len(),
        files.len(),
        promtool.join(" ")
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    files.len()
}

#[test]
fn test_rules_prints_what_promtool_prints() {
    if !common::reference_tool("promtool") {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    assert!(compare(&dir, "_test.yml", &["test", "rules"], &["test-rules"]) >= 2);
}

#[test]
fn check_rules_prints_what_promtool_prints() {
    if !common::reference_tool("promtool") {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules/check");
    assert!(compare(&dir, ".yml", &["check", "rules"], &["check-rules"]) >= 5);
}
