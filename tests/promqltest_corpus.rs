//! Prometheus's own PromQL test corpus (`../shared/conformance/promqltest/*.test`)
//! run through the `.test` runner: every eval not skipped for a feature promplay
//! does not build must pass.

mod common;

use std::path::PathBuf;

use promplay::promql::promqltest::{FileReport, RunOptions, run_file};

/// Evals that pass once the engine is complete (the corpus has 2214; the rest are
/// skipped for native histograms and other features not built).
const MIN_PASSED: usize = 876;

fn corpus_files() -> Option<Vec<PathBuf>> {
    let dir = common::conformance_path("promqltest")?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the promqltest directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "test"))
        .collect();
    files.sort();
    Some(files)
}

#[test]
fn upstream_corpus_passes() {
    let Some(files) = corpus_files() else {
        return;
    };
    let mut total = FileReport::default();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let report = run_file(&text, &RunOptions::default());
        print!("{}", report.render_failures(&name));
        println!("{name}: {}", report.summary());
        total.merge(report);
    }
    println!("total: {}", total.summary());
    for l in total.skip_lines() {
        println!("{l}");
    }
    assert_eq!(total.failed, 0, "{} evals failed (see above)", total.failed);
    assert!(
        total.passed >= MIN_PASSED,
        "only {} evals passed, expected at least {MIN_PASSED}",
        total.passed
    );
}

/// Runs now, engine or not: every file reads, and the evals the runner would skip
/// leave enough to reach `MIN_PASSED`.
#[test]
fn corpus_leaves_enough_evals_to_run() {
    let Some(files) = corpus_files() else {
        return;
    };
    let mut total = FileReport::default();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let opts = RunOptions {
            extra_checks: false,
            ..RunOptions::default()
        };
        let report = run_file(&text, &opts);
        assert!(
            report
                .failures
                .iter()
                .all(|f| f.command.starts_with("eval")),
            "{}: a command other than an eval failed:\n{}",
            path.display(),
            report.render_failures(&path.display().to_string())
        );
        total.merge(report);
    }
    println!(
        "corpus (stub engine or not): {} run, {} skipped; {}",
        total.passed + total.failed,
        total.skipped,
        total.summary()
    );
    for l in total.skip_lines() {
        println!("{l}");
    }
    assert!(
        total.passed + total.failed >= MIN_PASSED,
        "only {} evals are run",
        total.passed + total.failed
    );
}
