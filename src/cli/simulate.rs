//! `promplay simulate`: run a scenario on the virtual clock, scrape it into the
//! store, and write every scraped sample (`up` and the other scrape series too) as
//! OpenMetrics with timestamps, which `promtool tsdb create-blocks-from openmetrics`
//! imports. The last line on stderr reports the store: series, samples, bytes.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use crate::expo::encode::format::{escape_quoted, float_to_go_string};
use crate::pipeline::{Options, Pipeline, Run, Timeline};
use crate::sim::scenarios;
use crate::time::{parse_duration_ms, parse_time_ms};
use crate::tsdb::{Head, Matcher, is_stale_nan};

#[derive(clap::Args, Debug)]
pub struct SimulateArgs {
    /// The scenario to run (`api`, the tutorial apps, `batch`).
    #[arg(long, default_value = "api")]
    scenario: String,
    /// Seed of the simulation: the same seed gives the same data on every machine.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Start of the run: Unix seconds or RFC 3339 (`2024-05-01T00:00:00Z`).
    #[arg(long)]
    start: String,
    /// How long to run, in Prometheus's duration syntax (`24h`, `90m`).
    #[arg(long, default_value = "1h")]
    duration: String,
    /// Scrape interval at the start (`15s`).
    #[arg(long, default_value = "15s")]
    interval: String,
    /// Instances of the service at the start.
    #[arg(long, default_value_t = 1)]
    instances: usize,
    /// The run's timeline: one event a line, `OFFSET KIND VALUE`, offsets from the
    /// start (`10m outage 5m`, `12m traffic 40`; see ARCHITECTURE.md or
    /// src/pipeline/timeline.rs for every kind). The page's `tl=` value reads too.
    #[arg(long, value_name = "FILE")]
    timeline: Option<std::path::PathBuf>,
    /// The rule file the run evaluates (Prometheus's format; every 15 s unless a
    /// group sets its `interval`). Without it, the scenario's tutorial rules; an
    /// empty file: no rules.
    #[arg(long, value_name = "FILE")]
    rules: Option<std::path::PathBuf>,
    /// Keep the store under this many bytes (retention drops the oldest chunks first,
    /// checked every virtual minute, as the page does); the report adds the peak.
    #[arg(long)]
    max_bytes: Option<usize>,
    /// Only print the store report, not the samples.
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: SimulateArgs) -> ExitCode {
    match simulate(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn simulate(args: &SimulateArgs) -> Result<(), String> {
    let start_ms = parse_time_ms(&args.start)?;
    let duration_ms = parse_duration_ms(&args.duration)?;
    let interval_ms = parse_duration_ms(&args.interval)?;
    if !(1000..=3_600_000).contains(&interval_ms) {
        return Err("the interval must be from 1s to 1h".into());
    }
    if !scenarios().iter().any(|s| s.name == args.scenario) {
        let known: Vec<&str> = scenarios().iter().map(|s| s.name).collect();
        return Err(format!(
            "unknown scenario {:?}; known: {}",
            args.scenario,
            known.join(", ")
        ));
    }
    let mut run = Run::new(&args.scenario, args.seed, start_ms, args.instances.max(1));
    run.initial.interval_ms = interval_ms;
    if let Some(path) = &args.timeline {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        run.timeline =
            Timeline::parse(&text, start_ms).map_err(|e| format!("{}:{e}", path.display()))?;
    }
    if let Some(path) = &args.rules {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if let Err(errors) = crate::rules::parse_rule_file(&text, false) {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {e}", path.display()))
                .collect();
            return Err(lines.join("\n"));
        }
        run.alerting.rules = vec![text];
    }
    let options = Options {
        max_bytes: args.max_bytes,
        ..Options::default()
    };
    let mut pipeline = Pipeline::new(run, options)?;
    // The run covers [start, start + duration): a scrape exactly at the end belongs to the next run.
    pipeline.advance_to(start_ms + duration_ms - 1);
    let store = pipeline.store();

    if !args.quiet {
        write_openmetrics(store, &mut BufWriter::new(std::io::stdout().lock()))
            .map_err(|e| format!("cannot write the samples: {e}"))?;
    }
    for group in pipeline.alerting().rules().groups() {
        eprintln!(
            "rule_group={:?} rules={} evaluations={} mean_eval_ms={:.4}",
            group.name,
            group.rules.len(),
            group.evaluations,
            group.total_eval_ms / group.evaluations.max(1) as f64
        );
    }
    let stats = store.stats(0);
    if let Some(budget) = args.max_bytes {
        eprintln!(
            "byte_budget={budget} peak_store_bytes={} (measured before each retention pass)",
            pipeline.peak_bytes()
        );
    }
    // bytes_per_sample is the chunk figure Prometheus quotes; store_bytes is everything.
    eprintln!(
        "chunk_bytes={} other_bytes={} (index, labels, series) all_in_bytes_per_sample={:.2}",
        stats.chunk_bytes,
        stats.bytes - stats.chunk_bytes,
        stats.bytes as f64 / stats.samples.max(1) as f64
    );
    eprintln!(
        "series={} samples={} store_bytes={} bytes_per_sample={:.2} fingerprint={:#018x}",
        stats.series,
        stats.samples,
        stats.bytes,
        stats.bytes_per_sample,
        store.fingerprint()
    );
    Ok(())
}

/// Every series, grouped by metric name (OpenMetrics wants a family's lines together),
/// samples in time order, stale markers left out (they are not scraped samples).
fn write_openmetrics(store: &Head, out: &mut impl Write) -> std::io::Result<()> {
    let every = Matcher::regex("__name__", ".+").expect("a valid regex");
    let mut series: Vec<_> = store
        .select(&[every])
        .into_iter()
        .filter_map(|s| store.labels(s).map(|l| (l, s)))
        .collect();
    series.sort();
    for (labels, s) in series {
        let name = labels.get("__name__").unwrap_or("");
        let mut prefix = String::from(name);
        let pairs: Vec<String> = labels
            .iter()
            .filter(|(n, _)| *n != "__name__")
            .map(|(n, v)| format!("{n}=\"{}\"", escape_quoted(v)))
            .collect();
        if !pairs.is_empty() {
            prefix.push('{');
            prefix.push_str(&pairs.join(","));
            prefix.push('}');
        }
        for (t, v) in store.iter(s, i64::MIN, i64::MAX) {
            if is_stale_nan(v) {
                continue;
            }
            writeln!(
                out,
                "{prefix} {} {}.{:03}",
                float_to_go_string(v),
                t.div_euclid(1000),
                t.rem_euclid(1000)
            )?;
        }
    }
    writeln!(out, "# EOF")?;
    out.flush()
}
