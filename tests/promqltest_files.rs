//! Every upstream `.test` file parses; eval counts match the index; loads store.

mod common;

use std::path::{Path, PathBuf};

use promplay::promql::promqltest::{Command, EvalKind, load_into, parse_file};
use promplay::tsdb::Head;

fn conformance() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    dir.is_dir().then_some(dir)
}

#[test]
fn upstream_test_files_parse_and_load() {
    let Some(dir) = conformance() else {
        common::missing_reference("promqltest files: ../shared/conformance is absent");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("promqltest"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "test"))
        .collect();
    files.sort();
    assert!(!files.is_empty());

    let (mut parsed, mut evals, mut instant, mut range, mut loads, mut nh_loads) =
        (0, 0, 0, 0, 0, 0);
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let cmds = match parse_file(&text) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        parsed += 1;
        let mut head = Head::default();
        for cmd in &cmds {
            match cmd {
                Command::Clear { .. } => head = Head::default(),
                Command::Eval(e) => {
                    evals += 1;
                    match e.kind {
                        EvalKind::Instant { .. } => instant += 1,
                        EvalKind::Range { .. } => range += 1,
                    }
                }
                Command::Load(l) => {
                    loads += 1;
                    if l.native_histogram {
                        nh_loads += 1;
                        continue;
                    }
                    if let Err(e) = load_into(l, &mut head) {
                        failures.push(format!("{name}: load at line {}: {e}", l.line));
                    }
                }
            }
        }
    }
    println!(
        "promqltest files: {parsed}/{} parsed, {evals} evals ({instant} instant, {range} range), {loads} loads, {nh_loads} native-histogram loads",
        files.len()
    );
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));

    let index = std::fs::read_to_string(dir.join("promqltest_index.tsv")).unwrap();
    let rows = index
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .count();
    println!("promqltest index rows: {rows}, evals parsed: {evals}");
    assert_eq!(evals, rows);
}
