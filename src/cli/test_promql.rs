//! `promplay test-promql FILE...`: runs Prometheus `.test` files (the PromQL test
//! language) through the runner, prints each failure with its file and line, and
//! ends with `N passed, N failed, N skipped` and the skips by reason.
//! Exit status: 0 when nothing failed, 1 otherwise, 2 usage.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::promql::promqltest::{FileReport, RunOptions, SkipReason, run_file};

#[derive(clap::Args, Debug)]
pub struct TestPromqlArgs {
    /// Run evals that would be skipped for this reason (repeatable); every reason
    /// runs by default today, so this only undoes a `--skip`.
    #[arg(long = "run-anyway", value_name = "REASON", value_parser = parse_reason)]
    run_anyway: Vec<SkipReason>,
    /// Skip evals needing a feature Prometheus keeps behind a feature flag although
    /// promplay has it (repeatable): experimental-functions, extended-range-selectors,
    /// fill-modifiers, duration-expressions. Skipping all four counts the stable subset.
    #[arg(long = "skip", value_name = "REASON", value_parser = parse_reason)]
    skip: Vec<SkipReason>,
    /// Leave out upstream's extra checks on instant evals (the query re-run with `@`
    /// at other times, and as a range query).
    #[arg(long)]
    no_extra_checks: bool,
    /// The `.test` files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

fn parse_reason(name: &str) -> Result<SkipReason, String> {
    SkipReason::from_name(name).ok_or_else(|| {
        let known: Vec<&str> = SkipReason::ALL.iter().map(|r| r.name()).collect();
        format!("unknown reason {name:?}; known: {}", known.join(", "))
    })
}

pub fn run(args: TestPromqlArgs) -> ExitCode {
    let mut run_anyway = SkipReason::SUPPORTED.to_vec();
    run_anyway.extend(args.run_anyway);
    run_anyway.retain(|r| !args.skip.contains(r));
    let opts = RunOptions {
        run_anyway,
        extra_checks: !args.no_extra_checks,
        ..RunOptions::default()
    };
    let mut total = FileReport::default();
    let several = args.files.len() > 1;
    for path in &args.files {
        let name = path.display().to_string();
        let report = match std::fs::read_to_string(path) {
            Ok(text) => run_file(&text, &opts),
            Err(e) => {
                eprintln!("error: cannot read {name}: {e}");
                total.failed += 1;
                continue;
            }
        };
        print!("{}", report.render_failures(&name));
        if several {
            println!("{name}: {}", report.summary());
        }
        total.merge(report);
    }
    println!("{}", total.summary());
    for line in total.skip_lines() {
        println!("{line}");
    }
    if total.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
