//! `promplay query --data FILE EXPR`: loads an exposition file with timestamps
//! (what `promplay simulate` writes) into the store, evaluates a PromQL instant or
//! range query, and prints the result as Prometheus's HTTP API does
//! (`/api/v1/query`, `/api/v1/query_range`), so the two can be compared, or
//! (`--format promql`) as `promtool query` prints it.
//! Exit status: 0 success, 1 a query error (printed as the API's error JSON) or an
//! unreadable data file, 2 usage.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use super::api_json;
use crate::expo::textparse::{Format, detect_format};
use crate::promql::engine::{self, ErrorKind, EvalError};
use crate::promql::parse;
use crate::scrape::{ImportReport, StreamImportError, import_exposition, import_exposition_reader};
use crate::time::{parse_duration_ms, parse_time_ms};
use crate::tsdb::Head;
use crate::views::query::shape::promtool_text;

/// Prometheus's cap on a range query's steps (`/api/v1/query_range`).
const MAX_POINTS_PER_SERIES: i64 = 11_000;

#[derive(clap::Args, Debug)]
pub struct QueryArgs {
    /// The samples: OpenMetrics (or text 0.0.4) with a timestamp on every sample.
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// Evaluation time of an instant query: Unix seconds or RFC 3339 (default: the
    /// newest sample in the data).
    #[arg(long, conflicts_with_all = ["start", "end", "step"])]
    time: Option<String>,
    /// Start of a range query (Unix seconds or RFC 3339).
    #[arg(long, requires_all = ["end", "step"])]
    start: Option<String>,
    /// End of a range query.
    #[arg(long, requires_all = ["start", "step"])]
    end: Option<String>,
    /// Step of a range query: a duration (`15s`) or seconds (`15`, `0.5`).
    #[arg(long, requires_all = ["start", "end"])]
    step: Option<String>,
    /// How far back an instant selector looks for a sample.
    #[arg(long, default_value = "5m")]
    lookback: String,
    /// Output: `json`, the HTTP API's response; `promql`, the text `promtool query`
    /// prints (errors then go to stderr as `query error: <type>: <message>`).
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
    /// Print how long loading, evaluating and encoding took, and the samples
    /// read and held (as Prometheus's `stats=all`), on stderr.
    #[arg(long)]
    stats: bool,
    /// Evaluate as Prometheus 2 where Prometheus 3 changed the semantics (closed
    /// range and lookback windows, rate's extrapolation order): for comparing with
    /// a Prometheus 2 server (README "Prometheus 2 and 3").
    #[arg(long)]
    prometheus2: bool,
    /// The PromQL expression.
    expr: String,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum OutputFormat {
    Json,
    Promql,
}

pub fn run(args: QueryArgs) -> ExitCode {
    let started = Instant::now();
    let (head, loaded) = match load(&args.data) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("error: {}: {e}", args.data.display());
            return ExitCode::from(1);
        }
    };
    let load_ms = started.elapsed().as_secs_f64() * 1e3;
    let evaluating = Instant::now();
    let result = query(&args, &head);
    let eval_ms = evaluating.elapsed().as_secs_f64() * 1e3;
    let encoding = Instant::now();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let (written, code) = match (&result, args.format) {
        (Ok(out_value), OutputFormat::Json) => (
            api_json::write_success(&mut out, &out_value.value, &out_value.annotations)
                .and_then(|()| writeln!(out)),
            ExitCode::SUCCESS,
        ),
        (Ok(out_value), OutputFormat::Promql) => (
            write!(out, "{}", promtool_text(&out_value.value)),
            ExitCode::SUCCESS,
        ),
        (Err(e), OutputFormat::Json) => (
            writeln!(out, "{}", api_json::error_json(e)),
            ExitCode::from(1),
        ),
        (Err(e), OutputFormat::Promql) => {
            eprintln!("query error: {}: {}", e.kind.api_name(), e.message);
            (Ok(()), ExitCode::from(1))
        }
    };
    if let Err(e) = written.and_then(|()| out.flush()) {
        eprintln!("error: writing the result: {e}");
        return ExitCode::from(1);
    }
    if args.stats {
        let encode_ms = encoding.elapsed().as_secs_f64() * 1e3;
        let read = result.as_ref().map_or(0, |o| o.samples_read);
        eprintln!(
            "stats: load {load_ms:.1} ms ({} bytes, {} series, {} samples{}), \
             evaluation {eval_ms:.1} ms ({read} samples read), encoding {encode_ms:.1} ms",
            loaded.bytes,
            loaded.report.series,
            loaded.report.samples,
            if loaded.streamed {
                ", streamed"
            } else {
                ", read whole: samples out of order"
            },
        );
    }
    code
}

/// What loading the data file did.
struct Loaded {
    bytes: u64,
    report: ImportReport,
    /// False when the file had to be read whole (a series' samples out of time order).
    streamed: bool,
}

/// Bytes read from the data file at a time.
const CHUNK_BYTES: usize = 8 << 20;

/// Loads `path` into a new store a chunk at a time, so the file's text is never
/// held whole; a file whose series are not in time order is read whole and sorted.
fn load(path: &Path) -> Result<(Head, Loaded), String> {
    let cannot = |e: std::io::Error| format!("cannot read it: {e}");
    let mut file = File::open(path).map_err(cannot)?;
    let bytes = file.metadata().map_err(cannot)?.len();
    let format = file_format(&mut file, bytes).map_err(cannot)?;
    file.seek(SeekFrom::Start(0)).map_err(cannot)?;
    let mut head = Head::default();
    match import_exposition_reader(file, format, CHUNK_BYTES, &mut head) {
        Ok(report) => Ok((
            head,
            Loaded {
                bytes,
                report,
                streamed: true,
            },
        )),
        Err(StreamImportError::Other(e)) => Err(e),
        Err(StreamImportError::OutOfOrder) => {
            let input = std::fs::read(path).map_err(cannot)?;
            let mut head = Head::default();
            let report = import_exposition(&input, &mut head)?;
            Ok((
                head,
                Loaded {
                    bytes,
                    report,
                    streamed: false,
                },
            ))
        }
    }
}

/// The file's format, from its end (`# EOF`) and its first megabyte (what only
/// OpenMetrics writes), as `detect_format` decides on a whole text.
fn file_format(file: &mut File, len: u64) -> std::io::Result<Format> {
    let mut tail = Vec::new();
    file.seek(SeekFrom::Start(len.saturating_sub(64)))?;
    file.read_to_end(&mut tail)?;
    if detect_format(&tail) == Format::OpenMetrics && tail.trim_ascii_end().ends_with(b"# EOF") {
        return Ok(Format::OpenMetrics);
    }
    let mut start = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    file.take(1 << 20).read_to_end(&mut start)?;
    Ok(detect_format(&start))
}

fn bad_data(message: String) -> EvalError {
    EvalError {
        kind: ErrorKind::BadData,
        message,
        span: None,
    }
}

/// A time parameter as the API reads it: Unix seconds or RFC 3339.
fn time_param(name: &str, text: &str) -> Result<i64, EvalError> {
    parse_time_ms(text).map_err(|_| {
        bad_data(format!(
            "invalid parameter {name:?}: cannot parse {text:?} to a valid timestamp"
        ))
    })
}

/// A duration parameter as the API reads it: seconds (fractions allowed) or a
/// Prometheus duration.
fn duration_param(name: &str, text: &str) -> Result<i64, EvalError> {
    if let Ok(secs) = text.parse::<f64>()
        && secs.is_finite()
    {
        return Ok((secs * 1000.0).round() as i64);
    }
    parse_duration_ms(text).map_err(|_| {
        bad_data(format!(
            "invalid parameter {name:?}: cannot parse {text:?} to a valid duration"
        ))
    })
}

fn query(args: &QueryArgs, head: &Head) -> Result<engine::QueryOutput, EvalError> {
    let opts = engine::Options {
        lookback_ms: duration_param("lookback_delta", &args.lookback)?,
        prometheus2: args.prometheus2,
        ..engine::Options::default()
    };
    let expr = parse(&args.expr).map_err(|e| {
        bad_data(format!(
            "invalid parameter \"query\": {}",
            e.prometheus_message()
        ))
    })?;
    match (&args.start, &args.end, &args.step) {
        (Some(start), Some(end), Some(step)) => {
            let start = time_param("start", start)?;
            let end = time_param("end", end)?;
            if end < start {
                return Err(bad_data(
                    "invalid parameter \"end\": end timestamp must not be before start time".into(),
                ));
            }
            let step = duration_param("step", step)?;
            if step <= 0 {
                return Err(bad_data(
                    "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer".into(),
                ));
            }
            if (end - start) / step > MAX_POINTS_PER_SERIES {
                return Err(bad_data(
                    "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)".into(),
                ));
            }
            engine::range_query(head, &args.expr, &expr, start, end, step, &opts)
        }
        _ => {
            let t = match &args.time {
                Some(t) => time_param("time", t)?,
                None => head.time_range().map_or(0, |(_, newest)| newest),
            };
            engine::instant_query(head, &args.expr, &expr, t, &opts)
        }
    }
}
