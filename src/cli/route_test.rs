//! The Alertmanager commands, printing what amtool prints:
//! - `route-test --config FILE [--tree] [--verify-receivers LIST] LABEL=VALUE...`:
//!   the receivers an alert with these labels reaches, comma-joined in tree order
//!   (`amtool config routes test`); exit 1 when the configuration does not load or
//!   `--verify-receivers` differs (with amtool's warning), 2 usage;
//! - `routes --config FILE`: the routing tree (`amtool config routes`);
//! - `check-alertmanager FILE...`: each file checked as it loads (`amtool
//!   check-config`); exit 1 if any fails.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::alertmanager::{Config, MatchOp, parse, parse_matchers, receivers_for};

#[derive(clap::Args, Debug)]
pub struct RouteTestArgs {
    /// The Alertmanager configuration (`alertmanager.yml`).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// The receivers expected, comma-separated; a difference exits with 1.
    #[arg(long, value_name = "LIST")]
    verify_receivers: Option<String>,
    /// Print the routes taken first (`Matching routes:`), as `amtool config routes test --tree`.
    #[arg(long)]
    tree: bool,
    /// The alert's labels, `name=value` (quotes allowed).
    #[arg(value_name = "LABEL=VALUE", required = true)]
    labels: Vec<String>,
}

/// Loads and checks `path`, or says why not.
fn load(path: &std::path::Path) -> Result<Config, ExitCode> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        ExitCode::from(1)
    })?;
    parse(&text).map_err(|e| {
        eprintln!("error: {}: {e}", path.display());
        ExitCode::from(1)
    })
}

#[derive(clap::Args, Debug)]
pub struct RoutesArgs {
    /// The Alertmanager configuration (`alertmanager.yml`).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
}

/// `promplay routes --config FILE`: the routing tree as `amtool config routes` prints it.
pub fn run_routes(args: RoutesArgs) -> ExitCode {
    match load(&args.config) {
        Ok(config) => {
            print!("{}", config.route.render_tree());
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

#[derive(clap::Args, Debug)]
pub struct CheckAlertmanagerArgs {
    /// Alertmanager configurations.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

/// `promplay check-alertmanager FILE...`, as `amtool check-config` reports.
pub fn run_check(args: CheckAlertmanagerArgs) -> ExitCode {
    let mut failed = 0;
    for path in &args.files {
        let checked = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| parse(&text));
        match checked {
            Ok(config) => {
                println!("Checking '{}'  SUCCESS", path.display());
                println!("Found:");
                println!(" - global config");
                println!(" - route");
                println!(" - {} inhibit rules", config.inhibit_rules.len());
                println!(" - {} receivers", config.receivers.len());
                println!(" - {} templates", config.templates.len());
                if !config.templates.is_empty() {
                    println!("  SUCCESS");
                }
                println!();
            }
            Err(e) => {
                failed += 1;
                println!("Checking '{}'  FAILED: {e}", path.display());
                println!();
            }
        }
    }
    if failed > 0 {
        eprintln!("error: failed to validate {failed} file(s)");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

pub fn run(args: RouteTestArgs) -> ExitCode {
    let config = match load(&args.config) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let mut labels: Vec<(String, String)> = Vec::new();
    for arg in &args.labels {
        match label(arg) {
            Some(pair) => labels.push(pair),
            None => {
                eprintln!("error: {arg:?} is not a label: write it as name=value");
                return ExitCode::from(2);
            }
        }
    }
    if args.tree {
        print!("{}", config.route.render_matching(&labels));
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

/// `name=value` as amtool reads an alert's label: everything after the first `=`
/// is the value (commas included), or a double-quoted value with Go's escapes.
fn label(arg: &str) -> Option<(String, String)> {
    let (name, value) = arg.split_once('=')?;
    if value.starts_with('"') {
        let parsed = parse_matchers(arg).ok()?;
        let [m] = parsed.as_slice() else { return None };
        return (m.op == MatchOp::Equal).then(|| (m.name.clone(), m.value.clone()));
    }
    let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| (name.to_string(), value.to_string()))
}
