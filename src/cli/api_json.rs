//! Query results as Prometheus's HTTP API writes them (`/api/v1/query`,
//! `/api/v1/query_range`), written straight to the output: a matrix of millions
//! of points is never built as a JSON tree first.

use std::io::{self, Write};

use crate::gofmt::api_float;
use crate::histogram::FloatHistogram;
use crate::promql::engine::{Annotations, EvalError, Value};
use crate::tsdb::Labels;

/// Milliseconds as the API writes them: float seconds, at most 3 decimals
/// (`1700000000`, `1700000000.5`, `1700000000.123`).
pub fn write_timestamp(out: &mut impl Write, ms: i64) -> io::Result<()> {
    let sign = if ms < 0 { "-" } else { "" };
    let (secs, frac) = (ms.unsigned_abs() / 1000, ms.unsigned_abs() % 1000);
    if frac == 0 {
        write!(out, "{sign}{secs}")
    } else {
        let digits = format!("{frac:03}");
        write!(out, "{sign}{secs}.{}", digits.trim_end_matches('0'))
    }
}

fn write_string(out: &mut impl Write, s: &str) -> io::Result<()> {
    serde_json::to_writer(&mut *out, s).map_err(io::Error::other)
}

/// `[<time>,"<value>"]`.
fn write_point(out: &mut impl Write, t: i64, v: &str) -> io::Result<()> {
    out.write_all(b"[")?;
    write_timestamp(out, t)?;
    out.write_all(b",")?;
    write_string(out, v)?;
    out.write_all(b"]")
}

/// `{"count":"…","sum":"…","buckets":[[boundaries,"lower","upper","count"],…]}`
/// (`jsonutil.MarshalHistogram`): buckets with observations only; boundaries
/// 0 = (lower, upper], 1 = [lower, upper), 2 = open, 3 = closed.
pub fn write_histogram(out: &mut impl Write, h: &FloatHistogram) -> io::Result<()> {
    write!(
        out,
        "{{\"count\":\"{}\",\"sum\":\"{}\"",
        api_float(h.count),
        api_float(h.sum)
    )?;
    let mut first = true;
    for b in h.all_bucket_iter().filter(|b| b.count != 0.0) {
        out.write_all(if first { b",\"buckets\":[" } else { b"," })?;
        first = false;
        let boundaries = match (b.lower_inclusive, b.upper_inclusive) {
            (true, true) => 3,
            (true, false) => 1,
            (false, true) => 0,
            (false, false) => 2,
        };
        write!(
            out,
            "[{boundaries},\"{}\",\"{}\",\"{}\"]",
            api_float(b.lower),
            api_float(b.upper),
            api_float(b.count)
        )?;
    }
    if !first {
        out.write_all(b"]")?;
    }
    out.write_all(b"}")
}

/// `[<time>,{histogram}]`.
fn write_hpoint(out: &mut impl Write, t: i64, h: &FloatHistogram) -> io::Result<()> {
    out.write_all(b"[")?;
    write_timestamp(out, t)?;
    out.write_all(b",")?;
    write_histogram(out, h)?;
    out.write_all(b"]")
}

fn write_metric(out: &mut impl Write, labels: &Labels) -> io::Result<()> {
    out.write_all(b"{")?;
    for (i, (name, value)) in labels.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_string(out, name)?;
        out.write_all(b":")?;
        write_string(out, value)?;
    }
    out.write_all(b"}")
}

/// `{"metric":{...}` of the `i`th result item, with the comma before it.
fn write_item_start(out: &mut impl Write, i: usize, labels: &Labels) -> io::Result<()> {
    out.write_all(if i > 0 {
        b",{\"metric\":"
    } else {
        b"{\"metric\":"
    })?;
    write_metric(out, labels)
}

fn write_strings(out: &mut impl Write, key: &str, texts: &[String]) -> io::Result<()> {
    if texts.is_empty() {
        return Ok(());
    }
    write!(out, ",\"{key}\":[")?;
    for (i, text) in texts.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_string(out, text)?;
    }
    out.write_all(b"]")
}

/// `{"status":"success","data":{"resultType":...,"result":...}}` plus `warnings`
/// and `infos` when there are any, as Prometheus 3's API.
pub fn write_success(
    out: &mut impl Write,
    value: &Value,
    annotations: &Annotations,
) -> io::Result<()> {
    write!(
        out,
        "{{\"status\":\"success\",\"data\":{{\"resultType\":\"{}\",\"result\":",
        value.type_name()
    )?;
    match value {
        Value::Scalar(p) => write_point(out, p.t, &api_float(p.v))?,
        Value::String { t, s } => write_point(out, *t, s)?,
        Value::Vector(v) => {
            out.write_all(b"[")?;
            for (i, s) in v.iter().enumerate() {
                write_item_start(out, i, &s.labels)?;
                match &s.h {
                    Some(h) => {
                        out.write_all(b",\"histogram\":")?;
                        write_hpoint(out, s.t, h)?;
                    }
                    None => {
                        out.write_all(b",\"value\":")?;
                        write_point(out, s.t, &api_float(s.v))?;
                    }
                }
                out.write_all(b"}")?;
            }
            out.write_all(b"]")?;
        }
        Value::Matrix(m) => {
            out.write_all(b"[")?;
            for (i, s) in m.iter().enumerate() {
                write_item_start(out, i, &s.labels)?;
                // Each key only when the series has points of its kind, as upstream.
                if !s.points.is_empty() {
                    out.write_all(b",\"values\":[")?;
                    for (k, p) in s.points.iter().enumerate() {
                        if k > 0 {
                            out.write_all(b",")?;
                        }
                        write_point(out, p.t, &api_float(p.v))?;
                    }
                    out.write_all(b"]")?;
                }
                if !s.histograms.is_empty() {
                    out.write_all(b",\"histograms\":[")?;
                    for (k, p) in s.histograms.iter().enumerate() {
                        if k > 0 {
                            out.write_all(b",")?;
                        }
                        write_hpoint(out, p.t, &p.h)?;
                    }
                    out.write_all(b"]")?;
                }
                out.write_all(b"}")?;
            }
            out.write_all(b"]")?;
        }
    }
    out.write_all(b"}")?;
    write_strings(out, "warnings", &annotations.warnings)?;
    write_strings(out, "infos", &annotations.infos)?;
    out.write_all(b"}")
}

/// [`write_success`] as a string (for the tests).
#[cfg(test)]
pub fn success_json(value: &Value, annotations: &Annotations) -> String {
    let mut out = Vec::new();
    write_success(&mut out, value, annotations).expect("writing to memory");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// `{"status":"error","errorType":"bad_data","error":"..."}`.
pub fn error_json(e: &EvalError) -> String {
    serde_json::json!({"status": "error", "errorType": e.kind.api_name(), "error": e.message})
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promql::engine::{Point, Sample, Series};
    use serde_json::json;

    #[test]
    fn timestamps_as_the_api_writes_them() {
        let ts = |ms| {
            let mut out = Vec::new();
            write_timestamp(&mut out, ms).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(ts(1_700_000_000_000), "1700000000");
        assert_eq!(ts(1_700_000_000_500), "1700000000.5");
        assert_eq!(ts(1_700_000_000_123), "1700000000.123");
        assert_eq!(ts(-1500), "-1.5");
        assert_eq!(ts(5), "0.005");
    }

    #[test]
    fn results_in_the_api_shape() {
        let up = Labels::new(&[("__name__", "up"), ("job", "a\"b")]);
        let v = Value::Vector(vec![Sample {
            h: None,
            labels: up.clone(),
            t: 1_700_000_000_123,
            v: 1.5,
            drop_name: false,
        }]);
        assert_eq!(
            success_json(&v, &Annotations::default()),
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a\"b"},"value":[1700000000.123,"1.5"]}]}}"#
        );
        let m = Value::Matrix(vec![
            Series {
                histograms: Vec::new(),
                labels: up.clone(),
                points: vec![
                    Point { t: 0, v: 1.0 },
                    Point {
                        t: 15_000,
                        v: f64::NAN,
                    },
                ],
                drop_name: false,
            },
            Series {
                histograms: Vec::new(),
                labels: Labels::default(),
                points: vec![Point { t: 5, v: 2.0 }],
                drop_name: false,
            },
        ]);
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
        assert_eq!(parsed["data"]["result"][1]["metric"], json!({}));
        assert_eq!(parsed["warnings"], json!(["PromQL warning: w"]));
        assert!(parsed.get("infos").is_none());
        let s = success_json(
            &Value::Scalar(Point { t: 1000, v: -2.0 }),
            &Annotations::default(),
        );
        assert_eq!(
            s,
            r#"{"status":"success","data":{"resultType":"scalar","result":[1,"-2"]}}"#
        );
        let s = success_json(
            &Value::String {
                t: 0,
                s: "x\n".into(),
            },
            &Annotations::default(),
        );
        assert!(s.contains(r#""result":[0,"x\n"]"#), "{s}");
    }

    #[test]
    fn errors_in_the_api_shape() {
        let e = EvalError::execution("boom \"x\"");
        assert_eq!(
            error_json(&e),
            r#"{"status":"error","errorType":"execution","error":"boom \"x\""}"#
        );
    }

    #[test]
    fn histograms_in_the_api_shape() {
        let h = crate::histogram::notation::parse_histogram(
            "{{schema:0 sum:5 count:4 z_bucket:1 z_bucket_w:0.001 buckets:[1 0 2]}}",
        )
        .unwrap();
        let labels = Labels::new(&[("__name__", "h")]);
        let v = Value::Vector(vec![Sample {
            labels: labels.clone(),
            t: 60_000,
            v: 0.0,
            h: Some(std::sync::Arc::new(h.clone())),
            drop_name: false,
        }]);
        assert_eq!(
            success_json(&v, &Annotations::default()),
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"h"},"histogram":[60,{"count":"4","sum":"5","buckets":[[3,"-0.001","0.001","1"],[0,"0.5","1","1"],[0,"2","4","2"]]}]}]}}"#
        );
        let m = Value::Matrix(vec![Series {
            labels,
            points: Vec::new(),
            histograms: vec![crate::promql::engine::HPoint {
                t: 1500,
                h: std::sync::Arc::new(h),
            }],
            drop_name: false,
        }]);
        let json = success_json(&m, &Annotations::default());
        assert!(
            json.contains(r#""histograms":[[1.5,{"count":"4""#),
            "{json}"
        );
        assert!(!json.contains("values"), "{json}");
    }
}
