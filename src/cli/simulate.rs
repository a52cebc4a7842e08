//! `promplay simulate`: run a scenario on the virtual clock, scrape it into the
//! store, and write every scraped sample (`up` and the other scrape series too) as
//! OpenMetrics with timestamps, which `promtool tsdb create-blocks-from openmetrics`
//! imports. The last line on stderr reports the store: series, samples, bytes.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use crate::expo::encode::format::{escape_quoted, go_float};
use crate::expo::textparse::Format;
use crate::scrape::{ScrapeConfig, ScrapeManager, parse_duration_ms};
use crate::sim::{Controls, SimConfig, Simulation, scenarios};
use crate::tsdb::{Head, Matcher, Options, is_stale_nan, retention_target};

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
    /// Scrape interval (`15s`).
    #[arg(long, default_value = "15s")]
    interval: String,
    /// Instances of the service.
    #[arg(long, default_value_t = 1)]
    instances: usize,
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
    if interval_ms <= 0 {
        return Err("the interval must be positive".into());
    }
    if !scenarios().iter().any(|s| s.name == args.scenario) {
        let known: Vec<&str> = scenarios().iter().map(|s| s.name).collect();
        return Err(format!(
            "unknown scenario {:?}; known: {}",
            args.scenario,
            known.join(", ")
        ));
    }
    let mut sim = Simulation::new(SimConfig {
        scenario: args.scenario.clone(),
        seed: args.seed,
        start_ms,
        instances: args.instances.max(1),
        controls: Controls::for_scenario(&args.scenario),
    })
    .map_err(|e| e.to_string())?;
    // Retention aims a little under the budget, so the appends between two passes
    // (one virtual minute) do not carry the store over it.
    let max_bytes = args.max_bytes.map(retention_target);
    let mut store = Head::new(Options {
        max_bytes,
        ..Options::default()
    });
    let config = ScrapeConfig {
        interval_ms,
        ..ScrapeConfig::default()
    };
    let mut scraper = ScrapeManager::new(config, Format::OpenMetrics);
    scraper.sync_targets(&sim, &mut store, start_ms);
    // The run covers [start, start + duration): a scrape exactly at the end belongs to the next run.
    let end_ms = start_ms + duration_ms - 1;
    let mut peak_bytes = 0;
    if args.max_bytes.is_some() {
        let mut t = start_ms;
        while t < end_ms {
            t = (t + 60_000).min(end_ms);
            scraper.run_until(&mut sim, &mut store, t);
            peak_bytes = peak_bytes.max(store.bytes());
            store.apply_retention(t);
        }
    } else {
        scraper.run_until(&mut sim, &mut store, end_ms);
    }

    if !args.quiet {
        write_openmetrics(&store, &mut BufWriter::new(std::io::stdout().lock()))
            .map_err(|e| format!("cannot write the samples: {e}"))?;
    }
    let stats = store.stats(0);
    if let Some(budget) = args.max_bytes {
        eprintln!(
            "byte_budget={budget} peak_store_bytes={peak_bytes} (measured before each retention pass)"
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
        "series={} samples={} store_bytes={} bytes_per_sample={:.2}",
        stats.series, stats.samples, stats.bytes, stats.bytes_per_sample
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
                go_float(v),
                t.div_euclid(1000),
                t.rem_euclid(1000)
            )?;
        }
    }
    writeln!(out, "# EOF")?;
    out.flush()
}

/// Unix seconds (`1714521600`, `1714521600.5`) or RFC 3339 (`2024-05-01T00:00:00Z`,
/// with an optional fraction and a `Z` or `±hh:mm` offset), as milliseconds.
pub fn parse_time_ms(text: &str) -> Result<i64, String> {
    if let Ok(seconds) = text.parse::<f64>()
        && seconds.is_finite()
    {
        return Ok((seconds * 1000.0).round() as i64);
    }
    let err = || {
        format!("{text:?} is neither Unix seconds nor an RFC 3339 time like 2024-05-01T00:00:00Z")
    };
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(err());
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, String> {
        text.get(range)
            .and_then(|s| s.parse::<i64>().ok())
            .ok_or_else(err)
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(err());
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(err());
        }
        let padded = format!("{:0<3}", &fraction[..digits.min(3)]);
        millis = padded.parse::<i64>().map_err(|_| err())?;
        rest = &fraction[digits..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && &rest[3..4] == ":" =>
        {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            let h: i64 = rest[1..3].parse().map_err(|_| err())?;
            let m: i64 = rest[4..6].parse().map_err(|_| err())?;
            sign * (h * 60 + m)
        }
        _ => return Err(err()),
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Ok(seconds * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_unix_seconds_and_rfc3339() {
        assert_eq!(parse_time_ms("0"), Ok(0));
        assert_eq!(parse_time_ms("1714521600"), Ok(1_714_521_600_000));
        assert_eq!(parse_time_ms("1714521600.25"), Ok(1_714_521_600_250));
        assert_eq!(parse_time_ms("2024-05-01T00:00:00Z"), Ok(1_714_521_600_000));
        assert_eq!(
            parse_time_ms("2024-05-01T02:00:00.5+02:00"),
            Ok(1_714_521_600_500)
        );
        assert_eq!(parse_time_ms("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_time_ms("2000-02-29T12:00:00Z"), Ok(951_825_600_000));
        assert!(parse_time_ms("yesterday").is_err());
        assert!(parse_time_ms("2024-13-01T00:00:00Z").is_err());
    }
}
