//! The `promplay` command-line tool: the same core as the playground, reached
//! from a shell (and from tests and benchmarks).
//!
//! One file per subcommand: `check-metrics` (exposition), `simulate` (simulation,
//! scrape and store), `query` (PromQL over a data file, printed as Prometheus's
//! HTTP API) and `test-promql` (Prometheus's `.test` files).

mod check_metrics;
mod query;
mod simulate;
mod test_promql;

use clap::Parser;
use std::process::ExitCode;

/// Exit status for a usage error, as clap and promtool use it.
const EXIT_USAGE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "promplay",
    version,
    about = "The Prometheus monitoring stack as a playground: simulate, expose, scrape, store and query metrics.",
    long_about = None,
    arg_required_else_help = true,
    after_help = "The browser playground is the same core; see README.md for how to serve it."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Parse exposition text (text 0.0.4 or OpenMetrics) and lint it like `promtool check metrics`.
    CheckMetrics(check_metrics::CheckMetricsArgs),
    /// Run a simulated service, scrape it into the store, and write the samples as OpenMetrics.
    Simulate(simulate::SimulateArgs),
    /// Evaluate a PromQL query over a data file (as `simulate` writes it), printing
    /// the result as Prometheus's HTTP API does.
    Query(query::QueryArgs),
    /// Run Prometheus PromQL test files (`.test`); report failures and counts.
    TestPromql(test_promql::TestPromqlArgs),
    /// Measure the store: append and range-read throughput, bytes per sample.
    #[command(hide = true)]
    BenchStore {
        #[arg(long, default_value_t = 10_000)]
        series: usize,
        #[arg(long, default_value_t = 1_000)]
        samples: usize,
    },
}

/// Parses `std::env::args` and runs the chosen subcommand.
pub fn run() -> ExitCode {
    run_with(std::env::args_os())
}

/// Runs the tool on the given arguments (the first is the program name).
pub fn run_with<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version arrive here too; clap knows which stream and code each needs.
            let code = if err.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        // `arg_required_else_help` shows the help before we get here.
        None => ExitCode::from(EXIT_USAGE),
        Some(Command::CheckMetrics(args)) => check_metrics::run(args),
        Some(Command::Simulate(args)) => simulate::run(args),
        Some(Command::Query(args)) => query::run(args),
        Some(Command::TestPromql(args)) => test_promql::run(args),
        Some(Command::BenchStore { series, samples }) => {
            print!("{}", crate::tsdb::bench::run(series, samples));
            ExitCode::SUCCESS
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
