//! Prometheus's own PromQL test corpus (`../shared/conformance/promqltest/*.test`)
//! run through the `.test` runner: every eval must pass.

mod common;

use std::path::PathBuf;

use promplay::promql::promqltest::{FileReport, RunOptions, run_file};

/// Evals needing no experimental feature (the corpus has 2214 evals), native
/// histograms and start timestamps (`@st` lines) included.
const MIN_PASSED_STABLE: usize = 1828;
/// With the experimental features promplay has (duration arithmetic, `fill`,
/// `anchored`/`smoothed`, `info()`, the experimental functions): every eval.
const MIN_PASSED_ALL: usize = 2214;

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

fn run_corpus(label: &str, opts: &RunOptions, min_passed: usize) {
    let Some(files) = corpus_files() else {
        return;
    };
    let mut total = FileReport::default();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let report = run_file(&text, opts);
        print!("{}", report.render_failures(&name));
        println!("{name}: {}", report.summary());
        total.merge(report);
    }
    println!("PromQL .test corpus, {label}: {}", total.summary());
    for l in total.skip_lines() {
        println!("{l}");
    }
    assert_eq!(total.failed, 0, "{} evals failed (see above)", total.failed);
    assert!(
        total.passed >= min_passed,
        "only {} evals passed, expected at least {min_passed}",
        total.passed
    );
}

/// Everything promplay's engine has, experimental features included.
#[test]
fn upstream_corpus_passes() {
    run_corpus("all promplay runs", &RunOptions::default(), MIN_PASSED_ALL);
}

/// The stable subset alone (as `test-promql --skip` on the four experimental reasons).
#[test]
fn upstream_corpus_stable_subset_passes() {
    let stable = RunOptions {
        run_anyway: Vec::new(),
        ..RunOptions::default()
    };
    run_corpus("stable subset", &stable, MIN_PASSED_STABLE);
}
