//! The rule commands, printing what promtool prints:
//! - `check-rules [--lint=duplicate-rules|all|none] [--lint-fatal] FILE...`
//!   (`promtool check rules`): `Checking F`, then `  SUCCESS: N rules found` or
//!   `  FAILED:` and the problems on stderr; exit 0, 1 (errors) or 3 (lint
//!   problems with `--lint-fatal`);
//! - `test-rules [--run REGEX]... [--ignore-unknown-fields] FILE...`
//!   (`promtool test rules`): `Unit Testing:  F`, then `  SUCCESS` or
//!   `  FAILED:` and each failure; exit 0 or 1.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::rules::lint::{duplicate_rules, duplicates_message};
use crate::rules::parse_rule_file;
use crate::rules::unittest::{self, Options};

const EXIT_LINT: u8 = 3;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Lint {
    All,
    DuplicateRules,
    None,
}

#[derive(clap::Args, Debug)]
pub struct CheckRulesArgs {
    /// Which lint checks to run.
    #[arg(long, value_enum, default_value = "duplicate-rules")]
    lint: Lint,
    /// Lint problems fail the check (exit status 3).
    #[arg(long)]
    lint_fatal: bool,
    /// The rule files.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

/// One file's problems, and whether they are only lint.
fn check_file(path: &std::path::Path, lint: Lint) -> Result<usize, (Vec<String>, bool)> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        let reason = unittest::io_reason(&e);
        (vec![format!("{shown}: open {shown}: {reason}")], false)
    })?;
    let file = parse_rule_file(&text, false).map_err(|errors| {
        let messages = errors.iter().map(|e| format!("{shown}: {e}")).collect();
        (messages, false)
    })?;
    if lint != Lint::None {
        let duplicates = duplicate_rules(&file);
        if !duplicates.is_empty() {
            return Err((vec![duplicates_message(&duplicates)], true));
        }
    }
    Ok(file.groups.iter().map(|g| g.rules.len()).sum())
}

pub fn run_check(args: CheckRulesArgs) -> ExitCode {
    let (mut failed, mut errors) = (false, false);
    for path in &args.files {
        println!("Checking {}", path.display());
        match check_file(path, args.lint) {
            Ok(n) => println!("  SUCCESS: {n} rules found"),
            Err((messages, lint_only)) => {
                eprintln!("  FAILED:");
                for m in messages {
                    eprintln!("{m}");
                }
                failed = true;
                errors |= !lint_only;
            }
        }
        println!();
    }
    if failed && errors {
        ExitCode::from(1)
    } else if failed && args.lint_fatal {
        ExitCode::from(EXIT_LINT)
    } else {
        ExitCode::SUCCESS
    }
}

#[derive(clap::Args, Debug)]
pub struct TestRulesArgs {
    /// Run only the test groups whose name matches (may be repeated).
    #[arg(long, value_name = "REGEX")]
    run: Vec<String>,
    /// Ignore fields rule files do not know (later Prometheus versions' fields).
    #[arg(long)]
    ignore_unknown_fields: bool,
    /// The unit-test files.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

pub fn run_test(args: TestRulesArgs) -> ExitCode {
    let options = Options {
        run: args.run,
        ignore_unknown_fields: args.ignore_unknown_fields,
    };
    let mut failed = false;
    for path in &args.files {
        println!("Unit Testing:  {}", path.display());
        let outcome = unittest::run_file(path, &options);
        for warning in &outcome.warnings {
            eprintln!("{warning}");
        }
        if outcome.failures.is_empty() {
            println!("  SUCCESS");
        } else {
            eprintln!("  FAILED:");
            for failure in &outcome.failures {
                eprintln!("{failure}");
                println!();
            }
            failed = true;
        }
        println!();
    }
    ExitCode::from(u8::from(failed))
}
