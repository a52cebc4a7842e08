//! `promplay route-test --config FILE [--verify-receivers LIST] LABEL=VALUE...`: the
//! receivers an alert with these labels reaches, printed comma-joined in tree
//! order, as `amtool config routes test` prints them. Exit status: 0; 1 when the
//! configuration does not load or `--verify-receivers` differs (with amtool's
//! warning); 2 usage.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::alertmanager::{MatchOp, parse, parse_matchers, receivers_for};

#[derive(clap::Args, Debug)]
pub struct RouteTestArgs {
    /// The Alertmanager configuration (`alertmanager.yml`).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// The receivers expected, comma-separated; a difference exits with 1.
    #[arg(long, value_name = "LIST")]
    verify_receivers: Option<String>,
    /// The alert's labels, `name=value` (quotes allowed).
    #[arg(value_name = "LABEL=VALUE", required = true)]
    labels: Vec<String>,
}

pub fn run(args: RouteTestArgs) -> ExitCode {
    let text = match std::fs::read_to_string(&args.config) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.config.display());
            return ExitCode::from(1);
        }
    };
    let config = match parse(&text) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {}: {e}", args.config.display());
            return ExitCode::from(1);
        }
    };
    let mut labels: Vec<(String, String)> = Vec::new();
    for arg in &args.labels {
        match parse_matchers(arg) {
            Ok(matchers) if matchers.iter().all(|m| m.op == MatchOp::Equal) => {
                labels.extend(matchers.into_iter().map(|m| (m.name, m.value)));
            }
            _ => {
                eprintln!("error: {arg:?} is not a label: write it as name=value");
                return ExitCode::from(2);
            }
        }
    }
    let receivers = receivers_for(&config, &labels).join(",");
    println!("{receivers}");
    match args.verify_receivers {
        Some(expected) if expected != receivers => {
            println!("WARNING: Expected receivers did not match resolved receivers.");
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}
