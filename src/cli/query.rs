//! `promplay query --data FILE EXPR`: loads an exposition file with timestamps
//! (what `promplay simulate` writes) into the store, evaluates a PromQL instant or
//! range query, and prints the result as Prometheus's HTTP API does
//! (`/api/v1/query`, `/api/v1/query_range`), so the two can be compared, or
//! (`--format promql`) as `promtool query` prints it.
//! Exit status: 0 success, 1 a query error (printed as the API's error JSON) or an
//! unreadable data file, 2 usage.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use crate::gofmt::go_float;
use crate::promql::engine::{self, Annotations, ErrorKind, EvalError, Value};
use crate::promql::parse;
use crate::scrape::import_exposition;
use crate::time::{parse_duration_ms, parse_time_ms};
use crate::tsdb::{Head, Labels};
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
    /// The PromQL expression.
    expr: String,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum OutputFormat {
    Json,
    Promql,
}

pub fn run(args: QueryArgs) -> ExitCode {
    let input = match std::fs::read(&args.data) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.data.display());
            return ExitCode::from(1);
        }
    };
    let mut head = Head::default();
    if let Err(e) = import_exposition(&input, &mut head) {
        eprintln!("error: {}: {e}", args.data.display());
        return ExitCode::from(1);
    }
    match (query(&args, &head), args.format) {
        (Ok(out), OutputFormat::Json) => {
            println!("{}", success_json(&out.value, &out.annotations));
            ExitCode::SUCCESS
        }
        (Ok(out), OutputFormat::Promql) => {
            print!("{}", promtool_text(&out.value));
            ExitCode::SUCCESS
        }
        (Err(e), OutputFormat::Json) => {
            println!("{}", error_json(&e));
            ExitCode::from(1)
        }
        (Err(e), OutputFormat::Promql) => {
            eprintln!("query error: {}: {}", e.kind.api_name(), e.message);
            ExitCode::from(1)
        }
    }
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
        ..engine::Options::default()
    };
    let expr = parse(&args.expr).map_err(|e| {
        bad_data(format!(
            "invalid parameter \"query\": {}:{}: parse error: {}",
            e.line, e.col, e.message
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

/// Milliseconds as the API writes them: float seconds, at most 3 decimals
/// (`1700000000`, `1700000000.5`, `1700000000.123`).
pub fn api_timestamp(ms: i64) -> serde_json::Value {
    let sign = if ms < 0 { "-" } else { "" };
    let (secs, frac) = (ms.unsigned_abs() / 1000, ms.unsigned_abs() % 1000);
    let text = if frac == 0 {
        format!("{sign}{secs}")
    } else {
        let digits = format!("{frac:03}");
        format!("{sign}{secs}.{}", digits.trim_end_matches('0'))
    };
    serde_json::from_str(&text).expect("a JSON number")
}

fn metric(labels: &Labels) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = labels
        .iter()
        .map(|(n, v)| (n.to_string(), serde_json::Value::from(v)))
        .collect();
    serde_json::Value::Object(map)
}

fn point(t: i64, v: String) -> serde_json::Value {
    json!([api_timestamp(t), v])
}

/// `{"status":"success","data":{"resultType":...,"result":...}}` plus `warnings`
/// and `infos` when there are any, as Prometheus 3's API.
pub fn success_json(value: &Value, annotations: &Annotations) -> String {
    let result = match value {
        Value::Scalar(p) => point(p.t, go_float(p.v)),
        Value::String { t, s } => point(*t, s.clone()),
        Value::Vector(v) => v
            .iter()
            .map(|s| json!({"metric": metric(&s.labels), "value": point(s.t, go_float(s.v))}))
            .collect(),
        Value::Matrix(m) => m
            .iter()
            .map(|s| {
                let values: Vec<_> = s.points.iter().map(|p| point(p.t, go_float(p.v))).collect();
                json!({"metric": metric(&s.labels), "values": values})
            })
            .collect(),
    };
    let mut out = json!({
        "status": "success",
        "data": {"resultType": value.type_name(), "result": result},
    });
    if !annotations.warnings.is_empty() {
        out["warnings"] = json!(annotations.warnings);
    }
    if !annotations.infos.is_empty() {
        out["infos"] = json!(annotations.infos);
    }
    out.to_string()
}

/// `{"status":"error","errorType":"bad_data","error":"..."}`.
pub fn error_json(e: &EvalError) -> String {
    json!({"status": "error", "errorType": e.kind.api_name(), "error": e.message}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promql::engine::{Point, Sample, Series};

    #[test]
    fn timestamps_and_values_as_the_api_writes_them() {
        let ts = |ms| api_timestamp(ms).to_string();
        assert_eq!(ts(1_700_000_000_000), "1700000000");
        assert_eq!(ts(1_700_000_000_500), "1700000000.5");
        assert_eq!(ts(1_700_000_000_123), "1700000000.123");
        assert_eq!(ts(-1500), "-1.5");
        assert_eq!(ts(5), "0.005");
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(2.0), "2");
        assert_eq!(go_float(1e21), "1000000000000000000000");
        assert_eq!(go_float(1e-7), "0.0000001");
        assert_eq!(go_float(f64::NAN), "NaN");
        assert_eq!(go_float(f64::INFINITY), "+Inf");
        assert_eq!(go_float(f64::NEG_INFINITY), "-Inf");
    }

    #[test]
    fn results_in_the_api_shape() {
        let up = Labels::new(&[("__name__", "up"), ("job", "a")]);
        let v = Value::Vector(vec![Sample {
            labels: up.clone(),
            t: 1_700_000_000_123,
            v: 1.5,
            drop_name: false,
        }]);
        assert_eq!(
            success_json(&v, &Annotations::default()),
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a"},"value":[1700000000.123,"1.5"]}]}}"#
        );
        let m = Value::Matrix(vec![Series {
            labels: up,
            points: vec![
                Point { t: 0, v: 1.0 },
                Point {
                    t: 15_000,
                    v: f64::NAN,
                },
            ],
            drop_name: false,
        }]);
        let annotations = Annotations {
            warnings: vec!["PromQL warning: w".into()],
            infos: vec![],
        };
        let text = success_json(&m, &annotations);
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["data"]["resultType"], "matrix");
        assert_eq!(
            parsed["data"]["result"][0]["values"],
            json!([[0, "1"], [15, "NaN"]])
        );
        assert_eq!(parsed["warnings"], json!(["PromQL warning: w"]));
        assert!(parsed.get("infos").is_none());
        let s = success_json(
            &Value::Scalar(Point { t: 1000, v: -2.0 }),
            &Annotations::default(),
        );
        assert!(s.contains(r#""result":[1,"-2"]"#), "{s}");
    }

    #[test]
    fn errors_in_the_api_shape() {
        let e = EvalError::execution("boom \"x\"");
        assert_eq!(
            error_json(&e),
            r#"{"status":"error","errorType":"execution","error":"boom \"x\""}"#
        );
    }
}
