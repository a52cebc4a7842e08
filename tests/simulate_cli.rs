//! `promplay simulate` as a user runs it: OpenMetrics with timestamps, accepted by
//! our strict-enough parser and by `promtool tsdb create-blocks-from openmetrics`.

mod common;

use std::process::Command;

use promplay::expo::textparse::{Format, ParseOptions, parse};

fn simulate(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_promplay"))
        .arg("simulate")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn writes_openmetrics_and_reports_the_store() {
    let out = simulate(&[
        "--scenario",
        "api",
        "--seed",
        "3",
        "--start",
        "2024-05-01T00:00:00Z",
        "--duration",
        "10m",
        "--instances",
        "2",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.ends_with("# EOF\n"));
    let parsed = parse(
        text.as_bytes(),
        ParseOptions {
            format: Some(Format::OpenMetrics),
            strict: false,
        },
    );
    assert!(
        parsed.is_valid(),
        "{:?}",
        &parsed.errors[..parsed.errors.len().min(3)]
    );
    let samples: usize = parsed.families.iter().map(|f| f.samples.len()).sum();
    assert!(parsed.families.iter().any(|f| f.name == "up"));
    assert!(
        parsed
            .families
            .iter()
            .all(|f| f.samples.iter().all(|s| s.timestamp.is_some()))
    );

    let stderr = String::from_utf8(out.stderr).unwrap();
    let last = stderr.lines().last().unwrap();
    let field = |name: &str| -> f64 {
        last.split(' ')
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} in {last:?}"))
            .parse()
            .unwrap()
    };
    assert!(field("series") > 100.0);
    // The store also holds the stale markers, which are not written out.
    assert!(field("samples") >= samples as f64);
    assert!(field("store_bytes") > 0.0);
    // bytes_per_sample counts chunk bytes only (Prometheus's figure), so it is below the all-in ratio.
    let per_sample = field("bytes_per_sample");
    assert!(
        per_sample > 0.5 && per_sample < field("store_bytes") / field("samples"),
        "{last}"
    );

    // The same run again gives the same bytes.
    let again = simulate(&[
        "--scenario",
        "api",
        "--seed",
        "3",
        "--start",
        "1714521600",
        "--duration",
        "10m",
        "--instances",
        "2",
    ]);
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
}

#[test]
fn promtool_imports_the_output() {
    if !common::reference_tool("promtool") {
        return;
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("promplay-blocks-{}", std::process::id()));
    let file = dir.with_extension("om");
    let out = simulate(&[
        "--scenario",
        "batch",
        "--start",
        "1714521600",
        "--duration",
        "30m",
    ]);
    std::fs::write(&file, &out.stdout).unwrap();
    let imported = Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&file)
        .arg(&dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
}

#[test]
fn bad_arguments_are_explained() {
    let out = simulate(&["--scenario", "nope", "--start", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("known: api"));
    let out = simulate(&["--start", "next tuesday"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
    let out = simulate(&["--start", "0", "--interval", "fast"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a duration"));
}

#[test]
fn a_timeline_file_changes_the_run_from_its_times() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("promplay-timeline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("incident.timeline");
    std::fs::write(
        &file,
        "# an outage, then more traffic\n3m outage 4m\n5m   traffic 40\n",
    )
    .unwrap();
    let args = |timeline: Option<&'static str>| -> Vec<&'static str> {
        let mut a = vec![
            "--start",
            "2024-05-01T00:00:00Z",
            "--duration",
            "10m",
            "--instances",
            "2",
        ];
        if let Some(t) = timeline {
            a.extend(["--timeline", t]);
        }
        a
    };
    let path: &'static str = Box::leak(file.to_str().unwrap().to_string().into_boxed_str());
    let plain = simulate(&args(None));
    let with = simulate(&args(Some(path)));
    assert!(
        with.status.success(),
        "{}",
        String::from_utf8_lossy(&with.stderr)
    );
    let (plain, with) = (
        String::from_utf8(plain.stdout).unwrap(),
        String::from_utf8(with.stdout).unwrap(),
    );
    // Up to the outage (3m = 1714521780 s) the samples are the same, after it they differ.
    let until = |text: &str, t: f64| -> Vec<String> {
        text.lines()
            .filter(|l| {
                l.rsplit(' ')
                    .next()
                    .and_then(|ts| ts.parse::<f64>().ok())
                    .is_some_and(|ts| ts <= t)
            })
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        until(&plain, 1_714_521_780.0),
        until(&with, 1_714_521_780.0)
    );
    assert_ne!(plain, with);
    // The fingerprint in the report is the store's: the same file gives the same one.
    let report = |out: &std::process::Output| {
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .unwrap()
            .to_string()
    };
    let again = simulate(&args(Some(path)));
    assert!(report(&again).contains("fingerprint=0x"));
    assert_eq!(report(&again), report(&simulate(&args(Some(path)))));

    // A broken file: its path, line and column, what was expected; exit code 1.
    std::fs::write(&file, "3m outage 4m\n5m traffik 40\n").unwrap();
    let broken = simulate(&args(Some(path)));
    assert_eq!(broken.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(
        stderr
            .contains("incident.timeline:2:4: unknown event \"traffik\"; expected one of traffic"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
