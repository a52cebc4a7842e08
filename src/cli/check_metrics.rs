//! `promplay check-metrics`: parse exposition text and lint it like
//! `promtool check metrics`. Exit status: 0 clean, 1 parse errors, 3 lint problems
//! (2 is a usage error, as for every subcommand).

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::expo::convert;
use crate::expo::lint::{self, RuleSet};
use crate::expo::textparse::{Format, ParseOptions, parse};

#[derive(clap::Args, Debug)]
pub struct CheckMetricsArgs {
    /// The format of the input; `auto` detects OpenMetrics by its `# EOF` line.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    format: FormatArg,
    /// Only parse: skip the lint rules.
    #[arg(long)]
    no_lint: bool,
    /// Also print the number of series per metric family and per label.
    #[arg(long)]
    extended: bool,
    /// Accept OpenMetrics input that Prometheus accepts but the specification forbids
    /// (grouping, histogram and value rules are then not enforced).
    #[arg(long)]
    lenient: bool,
    /// Which lint rules: today's promlint (`upstream`), or exactly those of the
    /// promtool in Debian 12 (`promtool-2.42`, without `metric not unique` and the
    /// `_timestamp_seconds` rule).
    #[arg(long, value_enum, default_value_t = RulesArg::Upstream)]
    rules: RulesArg,
    /// The file to read; `-` or nothing reads standard input.
    file: Option<PathBuf>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum RulesArg {
    Upstream,
    #[value(name = "promtool-2.42")]
    Promtool242,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum FormatArg {
    Auto,
    Text,
    Openmetrics,
    /// Prometheus's protobuf format (length-delimited MetricFamily messages).
    Protobuf,
}

pub const EXIT_PARSE_ERROR: u8 = 1;
pub const EXIT_LINT_PROBLEMS: u8 = 3;
/// At most this many parse errors are printed; the count says how many there were.
const MAX_PRINTED_ERRORS: usize = 50;

pub fn run(args: CheckMetricsArgs) -> ExitCode {
    let (source, input) = match read_input(args.file.as_ref()) {
        Ok(read) => read,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_PARSE_ERROR);
        }
    };
    let format = match args.format {
        FormatArg::Auto => None,
        FormatArg::Text => Some(Format::Text),
        FormatArg::Openmetrics => Some(Format::OpenMetrics),
        FormatArg::Protobuf => Some(Format::Protobuf),
    };
    let parsed = parse(
        &input,
        ParseOptions {
            format,
            strict: !args.lenient,
        },
    );
    if !parsed.is_valid() {
        for error in parsed.errors.iter().take(MAX_PRINTED_ERRORS) {
            eprintln!("{source}:{error}");
        }
        if parsed.errors.len() > MAX_PRINTED_ERRORS {
            eprintln!(
                "… and {} more errors",
                parsed.errors.len() - MAX_PRINTED_ERRORS
            );
        }
        eprintln!(
            "error: {} is not valid {} ({} error{})",
            source,
            parsed.format.name(),
            parsed.errors.len(),
            if parsed.errors.len() == 1 { "" } else { "s" }
        );
        return ExitCode::from(EXIT_PARSE_ERROR);
    }
    if args.no_lint {
        return ExitCode::SUCCESS;
    }
    // The rules speak of families as text 0.0.4 names them (what promtool reads).
    let families = match parsed.format {
        Format::Text => parsed.families,
        Format::OpenMetrics | Format::Protobuf => convert::to_text_families(&parsed.families),
    };
    let rules = match args.rules {
        RulesArg::Upstream => RuleSet::Upstream,
        RulesArg::Promtool242 => RuleSet::Promtool2_42,
    };
    let problems = lint::lint_with(&families, rules);
    if !problems.is_empty() {
        // promtool prints problems (only) to stderr, and no table when there are problems.
        eprint!("{}", lint::render_problems(&problems));
        return ExitCode::from(EXIT_LINT_PROBLEMS);
    }
    if args.extended {
        print!("{}", lint::render_table(&lint::cardinality(&families)));
    }
    ExitCode::SUCCESS
}

fn read_input(file: Option<&PathBuf>) -> Result<(String, Vec<u8>), String> {
    match file {
        Some(path) if path.as_os_str() != "-" => std::fs::read(path)
            .map(|bytes| (path.display().to_string(), bytes))
            .map_err(|e| format!("cannot read {}: {e}", path.display())),
        _ => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            Ok(("<stdin>".to_string(), bytes))
        }
    }
}
