//! The `promplay` command-line tool: the same core as the playground, reached
//! from a shell (and from tests and benchmarks).
//!
//! One file per subcommand: `check-metrics` (exposition), `simulate` (simulation,
//! scrape and store), `query` (PromQL over a data file, printed as Prometheus's
//! HTTP API) and `test-promql` (Prometheus's `.test` files).

mod api_json;
mod check_metrics;
mod export;
mod query;
mod route_test;
mod rules;
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
    /// Print the receivers an alert with these labels reaches, as `amtool config
    /// routes test` does.
    RouteTest(route_test::RouteTestArgs),
    /// Print the Alertmanager routing tree, as `amtool config routes` does.
    Routes(route_test::RoutesArgs),
    /// Check Alertmanager configurations, as `amtool check-config` does.
    CheckAlertmanager(route_test::CheckAlertmanagerArgs),
    /// Check rule files, as `promtool check rules` does (exit 1 on errors, 3 on fatal lint).
    CheckRules(rules::CheckRulesArgs),
    /// Run rule unit tests, as `promtool test rules` does.
    TestRules(rules::TestRulesArgs),
    /// Write the run's stack as a folder for `docker compose up`: the scenario's
    /// Python program, Prometheus with the rule file, Alertmanager, and Grafana
    /// with the dashboard.
    Export(export::ExportArgs),
    /// Measure the store: append and range-read throughput, bytes per sample.
    #[command(hide = true)]
    BenchStore {
        #[arg(long, default_value_t = 10_000)]
        series: usize,
        #[arg(long, default_value_t = 1_000)]
        samples: usize,
        /// Native histograms (latency histograms scraped as integer histograms)
        /// instead of float series.
        #[arg(long)]
        native: bool,
    },
    /// Time the PromQL benchmark queries over simulated `api` data (see src/bench/promql.rs).
    #[command(hide = true)]
    BenchPromql {
        /// Instances of `api` (about 125 series each).
        #[arg(long, default_value_t = 8)]
        instances: usize,
        /// Simulated data, from 2024-05-01T00:00:00Z.
        #[arg(long, default_value = "2h")]
        duration: String,
        /// The range query: the last `range` of the data, every `step`.
        #[arg(long, default_value = "1h")]
        range: String,
        #[arg(long, default_value = "15s")]
        step: String,
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Read the data from this OpenMetrics file (`promplay simulate`'s output, as
        /// Prometheus imports it) instead of simulating it in-process.
        #[arg(long)]
        data: Option<std::path::PathBuf>,
        /// Native histograms on (the classic series stored beside them): time the
        /// same quantile from both, and native-only functions.
        #[arg(long)]
        native: bool,
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
        Some(Command::RouteTest(args)) => route_test::run(args),
        Some(Command::Routes(args)) => route_test::run_routes(args),
        Some(Command::CheckAlertmanager(args)) => route_test::run_check(args),
        Some(Command::CheckRules(args)) => rules::run_check(args),
        Some(Command::TestRules(args)) => rules::run_test(args),
        Some(Command::Export(args)) => export::run(args),
        Some(Command::Query(args)) => query::run(args),
        Some(Command::TestPromql(args)) => test_promql::run(args),
        Some(Command::BenchStore {
            series,
            samples,
            native,
        }) => {
            if native {
                println!("{}", crate::bench::native::run(series, samples));
            } else {
                print!("{}", crate::bench::store::run(series, samples));
            }
            ExitCode::SUCCESS
        }
        Some(Command::BenchPromql {
            instances,
            duration,
            range,
            step,
            runs,
            data,
            native,
        }) => bench_promql(
            instances,
            (&duration, &range, &step),
            runs,
            data.as_deref(),
            native,
        ),
    }
}

fn bench_promql(
    instances: usize,
    (duration, range, step): (&str, &str, &str),
    runs: usize,
    data: Option<&std::path::Path>,
    native: bool,
) -> ExitCode {
    use crate::bench::promql as bench;
    use crate::time::parse_duration_ms;
    fn now_ms() -> f64 {
        use std::sync::OnceLock;
        use std::time::Instant;
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
    }
    let parsed = (
        parse_duration_ms(duration),
        parse_duration_ms(range),
        parse_duration_ms(step),
    );
    let (Ok(duration), Ok(range), Ok(step)) = parsed else {
        eprintln!("error: durations are written like 2h, 1h, 15s");
        return ExitCode::from(EXIT_USAGE);
    };
    let t0 = now_ms();
    let head = match data {
        None => bench::api_store(instances.max(1), duration, native),
        Some(path) => {
            let mut head = crate::tsdb::Head::default();
            let imported = std::fs::read(path)
                .map_err(|e| e.to_string())
                .and_then(|bytes| crate::scrape::import_exposition(&bytes, &mut head));
            if let Err(e) = imported {
                eprintln!("error: cannot load {}: {e}", path.display());
                return ExitCode::from(1);
            }
            head
        }
    };
    let end = bench::START_MS + duration - 1;
    // Off the sample grid (scrapes land on whole seconds plus a fraction).
    let end = end - end % step + 7_500 - step;
    let start = end - range;
    println!(
        "data: instances={instances} series={} samples={} built_in_ms={:.0}",
        head.num_series(),
        head.num_samples(),
        now_ms() - t0
    );
    println!(
        "range: start={} end={} step={}",
        start as f64 / 1e3,
        end as f64 / 1e3,
        step as f64 / 1e3
    );
    let queries: &[(&str, &str)] = if native {
        &bench::NATIVE_QUERIES
    } else {
        &bench::QUERIES
    };
    for t in bench::time_queries(&head, queries, (start, end, step), runs, now_ms) {
        println!(
            "query: {} median_ms={:.3} series={} expr={}",
            t.name, t.median_ms, t.result_series, t.query
        );
    }
    ExitCode::SUCCESS
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
