//! A Prometheus server as a Query panel's data source (issue 18), browser-free:
//! a panel's request as the HTTP API's (`/api/v1/query`, or `/api/v1/query_range`
//! for a graph), and the API's answer read into the same [`Outcome`] the in-page
//! store gives (table rows and chart series through the one shaper; warnings and
//! infos as notes), with failures explained: no answer (down, or refusing other
//! origins), an HTTP error, and Prometheus's own errors, a parse error underlined
//! at the position Prometheus gives.
//!
//! Not yet: native histogram samples (the API gives their buckets by bounds; they
//! are left out, with a note saying how many).

use serde_json::Value as Json;

use super::run::{Outcome, QueryError, Request, result_count, times_for};
use super::shape::{chart_series, seconds, series_name, table_rows};
use crate::promql::engine::{Point, Sample, Series, Value};
use crate::promql::parse;
use crate::promql::why_empty::Times;
use crate::tsdb::labels::Labels;

/// The API's URL for `req` on the server at `base` (`http://localhost:9090`): a
/// graph of an instant vector or scalar is a range query over the panel's window,
/// anything else an instant query at its time.
pub fn api_url(base: &str, req: &Request) -> String {
    let src = req.expr.trim_end();
    // A query that does not parse here goes as an instant query: Prometheus words its error.
    let (graphed, times) = match parse(src) {
        Ok(expr) => times_for(req, &expr),
        Err(_) => (false, Times::instant(req.end_ms)),
    };
    let base = base.trim_end_matches('/');
    if graphed {
        format!(
            "{base}/api/v1/query_range?query={}&start={}&end={}&step={}",
            encode(src),
            seconds(times.start_ms),
            seconds(times.end_ms),
            seconds(times.step_ms)
        )
    } else {
        format!(
            "{base}/api/v1/query?query={}&time={}",
            encode(src),
            seconds(times.end_ms)
        )
    }
}

/// Percent-encoding for a query-string value (RFC 3986's unreserved characters kept).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// No answer came: the server is down or unreachable, or it answered without
/// allowing this page's origin (a browser cannot tell the two apart from the
/// failed request; `reachable` is what a second, opaque request found).
pub fn no_answer(base: &str, reachable: bool) -> Outcome {
    Outcome::error_only(&if reachable {
        format!(
            "{base} answers, but not to this page: browsers let a page read another origin only when the server allows it. Prometheus allows every origin unless --web.cors.origin says otherwise: start it with --web.cors.origin='.*' (or a pattern matching this page's origin), and check any proxy in front of it."
        )
    } else {
        format!("No answer from {base}: is Prometheus running there, and is the address right?")
    })
}

/// Reads the API's answer (`status`, `body`) to a query of `src`.
pub fn read_answer(src: &str, status: u16, body: &str) -> Outcome {
    let json: Json = match serde_json::from_str(body) {
        Ok(json) => json,
        Err(_) if status != 200 => {
            let text: String = body.chars().take(200).collect();
            return Outcome::error_only(&format!(
                "HTTP {status}, and no Prometheus API answer: {}",
                text.trim()
            ));
        }
        Err(e) => {
            return Outcome::error_only(&format!("Not a Prometheus API answer: {e}"));
        }
    };
    if json["status"] != "success" {
        let kind = json["errorType"].as_str().unwrap_or("error");
        let message = json["error"].as_str().unwrap_or("no error message");
        return Outcome {
            error: Some(api_error(src, kind, message)),
            ..Outcome::default()
        };
    }
    let data = &json["data"];
    let mut histograms = 0;
    let value = match (data["resultType"].as_str(), data["result"].as_array()) {
        (Some("vector"), Some(items)) => Value::Vector(
            items
                .iter()
                .filter_map(|item| {
                    if item.get("histogram").is_some() {
                        histograms += 1;
                        return None;
                    }
                    let point = point(&item["value"])?;
                    Some(Sample {
                        labels: labels(&item["metric"]),
                        t: point.t,
                        v: point.v,
                        h: None,
                        drop_name: false,
                    })
                })
                .collect(),
        ),
        (Some("matrix"), Some(items)) => Value::Matrix(
            items
                .iter()
                .map(|item| {
                    if item.get("histograms").is_some() {
                        histograms += 1;
                    }
                    let mut series = Series::new(labels(&item["metric"]), false);
                    series.points = item["values"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(point)
                        .collect();
                    series
                })
                .filter(|s| !s.points.is_empty())
                .collect(),
        ),
        (Some("scalar"), _) => match point(&data["result"]) {
            Some(p) => Value::Scalar(p),
            None => return Outcome::error_only("A scalar answer without a value"),
        },
        (Some("string"), _) => Value::String {
            t: time_ms(&data["result"][0]).unwrap_or(0),
            s: data["result"][1].as_str().unwrap_or_default().to_string(),
        },
        _ => return Outcome::error_only("An answer with no result this page can read"),
    };
    let mut notes: Vec<String> = ["warnings", "infos"]
        .iter()
        .flat_map(|key| json[key].as_array().into_iter().flatten())
        .filter_map(|note| note.as_str().map(str::to_string))
        .collect();
    if histograms > 0 {
        notes.push(format!(
            "{histograms} series of native histograms are not shown: this page does not read them from a server yet"
        ));
    }
    let rows = table_rows(&value);
    let n = rows.len();
    Outcome {
        series: match &value {
            Value::Matrix(m) => chart_series(m, series_name),
            _ => Vec::new(),
        },
        rows,
        notes,
        summary: result_count(n),
        ..Outcome::default()
    }
}

/// `[<unix seconds>, "<value>"]` as a point.
fn point(pair: &Json) -> Option<Point> {
    Some(Point {
        t: time_ms(&pair[0])?,
        v: pair[1].as_str()?.parse::<f64>().ok()?,
    })
}

/// The API's Unix seconds (a JSON number) as ms.
fn time_ms(seconds: &Json) -> Option<i64> {
    Some((seconds.as_f64()? * 1000.0).round() as i64)
}

fn labels(metric: &Json) -> Labels {
    metric
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(name, value)| Some((name.as_str(), value.as_str()?)))
        .collect()
}

/// Prometheus's error, with the source line and a caret where a parse error
/// (`…1:6: parse error: …`) points.
fn api_error(src: &str, kind: &str, message: &str) -> QueryError {
    let message = format!("{kind}: {message}");
    let Some((line, col)) = parse_position(&message) else {
        return QueryError {
            message,
            context: String::new(),
            span: None,
        };
    };
    let line_start: usize = src.split_inclusive('\n').take(line - 1).map(str::len).sum();
    let line_text = src.lines().nth(line - 1).unwrap_or("");
    let at = (line_start + col - 1).min(src.len());
    QueryError {
        context: format!("{line_text}\n{}^", " ".repeat(col - 1)),
        span: Some((at, (at + 1).min(src.len()).max(at))),
        message,
    }
}

/// The `line:column` before `: parse error:` in Prometheus's message.
fn parse_position(message: &str) -> Option<(usize, usize)> {
    let before = &message[..message.find(": parse error:")?];
    let position = before.rsplit(' ').next()?;
    let (line, col) = position.split_once(':')?;
    let (line, col) = (line.parse().ok()?, col.parse().ok()?);
    (line >= 1 && col >= 1).then_some((line, col))
}

/// The server's metric names (`/api/v1/label/__name__/values`), for completion;
/// or why they could not be read.
pub fn names_url(base: &str) -> String {
    format!(
        "{}/api/v1/label/__name__/values",
        base.trim_end_matches('/')
    )
}

/// Reads the answer to [`names_url`].
pub fn read_names(status: u16, body: &str) -> Result<Vec<String>, String> {
    let why = || {
        read_answer("", status, body)
            .error
            .map_or_else(|| "not a Prometheus API answer".to_string(), |e| e.message)
    };
    let json: Json = serde_json::from_str(body).map_err(|_| why())?;
    if json["status"] != "success" {
        return Err(why());
    }
    Ok(json["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|name| name.as_str().map(str::to_string))
        .collect())
}

/// The server's metric names as a completion source (labels come with the metric
/// names only: the API would need a request per metric).
pub struct Names<'a>(pub &'a [String]);

impl crate::promql::complete::Schema for Names<'_> {
    fn metric_names(&self) -> Vec<String> {
        self.0.to_vec()
    }
    fn label_names(&self, _metric: Option<&str>) -> Vec<String> {
        Vec::new()
    }
    fn label_values(&self, _metric: Option<&str>, _label: &str) -> Vec<String> {
        Vec::new()
    }
}
