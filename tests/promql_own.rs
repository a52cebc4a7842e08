//! promplay's own `.test` files (tests/promql/*.test): cases Prometheus's corpus does
//! not check (limits, value formatting, tie-breaking, matching errors). Every eval
//! must pass; none may be skipped.

use promplay::promql::promqltest::{FileReport, RunOptions, run_file};

#[test]
fn own_test_files_pass() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/promql");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/promql exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "test"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut total = FileReport::default();
    let mut evals = 0;
    for path in &files {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        evals += text.lines().filter(|l| l.starts_with("eval")).count();
        let report = run_file(&text, &RunOptions::default());
        print!("{}", report.render_failures(&name));
        println!("{name}: {}", report.summary());
        total.merge(report);
    }
    println!("promplay's own .test files: {}", total.summary());
    assert_eq!((total.failed, total.skipped), (0, 0), "see above");
    assert_eq!(total.passed, evals, "every eval ran and passed");
}
