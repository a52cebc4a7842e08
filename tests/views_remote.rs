//! A Prometheus server as the Query pane's data source (issue 18): the API's
//! answers read into the same rows and chart series the in-page store gives. The
//! answers come from `promplay query -o json`, which writes what Prometheus 2.42
//! writes for the same data (`tests/promql_vs_prometheus.sh` checks that against
//! a running 2.42); the errors are Prometheus 2.42's own bodies.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

use promplay::scrape::import_exposition;
use promplay::tsdb::Head;
use promplay::views::query::remote::{api_url, no_answer, read_answer};
use promplay::views::query::run::{Request, evaluate};
use promplay::views::query::state::Tab;

const START: i64 = 1_714_521_600_000; // 2024-05-01T00:00:00Z

fn promplay(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
        .args(args)
        .output()
        .expect("run promplay");
    assert!(
        out.status.success(),
        "promplay {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn request(expr: &str, tab: Tab) -> Request {
    Request {
        expr: expr.to_string(),
        tab,
        range_ms: 30 * 60_000,
        end_ms: START + 3_600_000,
        step_ms: 60_000,
        scrape_interval_ms: 15_000,
    }
}

#[test]
fn api_answers_read_as_the_in_page_store_shows_the_same_query() {
    let data = promplay(&[
        "simulate",
        "--scenario",
        "api",
        "--start",
        "2024-05-01T00:00:00Z",
        "--duration",
        "1h",
        "--quiet",
    ]);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("promplay-remote-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("api.om");
    std::fs::write(&file, &data).unwrap();
    let mut head = Head::default();
    import_exposition(data.as_bytes(), &mut head).unwrap();
    let cases = [
        ("up", Tab::Table),
        ("sum by (path) (rate(http_requests_total[5m]))", Tab::Table),
        ("http_requests_total{path=\"/healthz\"}[1m]", Tab::Table),
        ("scalar(sum(up))", Tab::Table),
        ("\"a string\"", Tab::Table),
        (
            "sum by (instance) (rate(http_requests_total[5m]))",
            Tab::Graph,
        ),
        (
            "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
            Tab::Graph,
        ),
        ("nonexistent_metric", Tab::Table),
    ];
    for (expr, tab) in cases {
        let req = request(expr, tab);
        let local = evaluate(&head, &req, || 0.0);
        assert!(local.error.is_none(), "{expr}: {:?}", local.error);
        let url = api_url("http://prometheus:9090/", &req);
        let query: Vec<(String, String)> = url
            .split_once('?')
            .unwrap()
            .1
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), decode(v))
            })
            .collect();
        let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        assert_eq!(get("query").as_deref(), Some(expr));
        let mut args = vec![
            "query".to_string(),
            "--data".into(),
            file.to_str().unwrap().into(),
            "-o".into(),
            "json".into(),
        ];
        if url.contains("/api/v1/query_range?") {
            assert_eq!(tab, Tab::Graph);
            for key in ["start", "end", "step"] {
                args.push(format!("--{key}"));
                let value = get(key).unwrap();
                args.push(if key == "step" {
                    format!("{value}s")
                } else {
                    value
                });
            }
        } else {
            assert!(
                url.starts_with("http://prometheus:9090/api/v1/query?"),
                "{url}"
            );
            args.push("--time".into());
            args.push(get("time").unwrap());
        }
        args.push(expr.to_string());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let body = promplay(&args);
        let remote = read_answer(expr, 200, &body);
        assert_eq!(remote.error, None, "{expr}");
        assert_eq!(remote.rows, local.rows, "{expr}: table rows");
        assert_eq!(remote.series, local.series, "{expr}: chart series");
        assert_eq!(remote.summary, local.summary, "{expr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn prometheus_errors_keep_their_words_and_point_at_their_place() {
    // Prometheus 2.42's body for `sum(` (HTTP 400).
    let body = r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unexpected end of input"}"#;
    let outcome = read_answer("sum(", 400, body);
    let error = outcome.error.unwrap();
    assert_eq!(
        error.message,
        "bad_data: invalid parameter \"query\": 1:5: parse error: unexpected end of input"
    );
    assert_eq!(error.span, Some((4, 4)));
    assert_eq!(error.context, "sum(\n    ^");
    let body = r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 2:3: parse error: unexpected identifier \"x\""}"#;
    let error = read_answer("sum(\n  x y)", 400, body).error.unwrap();
    assert_eq!(error.span, Some((7, 8)));
    assert_eq!(error.context, "  x y)\n  ^");
    // An execution error has no position.
    let body = r#"{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory in query execution"}"#;
    let error = read_answer("up", 422, body).error.unwrap();
    assert_eq!(error.span, None);
    assert!(error.message.starts_with("execution: query processing"));
    // Not the API at all.
    let error = read_answer("up", 404, "404 page not found\n")
        .error
        .unwrap();
    assert_eq!(
        error.message,
        "HTTP 404, and no Prometheus API answer: 404 page not found"
    );
}

#[test]
fn warnings_infos_and_native_histograms_become_notes() {
    let body = r#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"__name__":"up","job":"api"},"value":[1714525200,"1"]},
        {"metric":{"job":"api"},"histogram":[1714525200,{"count":"3","sum":"1.5","buckets":[[0,"0.5","1","3"]]}]}]},
        "warnings":["PromQL warning: a warning"],"infos":["PromQL info: an info"]}"#;
    let outcome = read_answer("x", 200, body);
    assert_eq!(outcome.rows.len(), 1);
    assert_eq!(outcome.rows[0].labels, "up{job=\"api\"}");
    assert_eq!(
        outcome.notes,
        [
            "PromQL warning: a warning",
            "PromQL info: an info",
            "1 series of native histograms are not shown: this page does not read them from a server yet"
        ]
    );
}

#[test]
fn no_answer_says_which_of_the_two_it_is() {
    let cors = no_answer("http://localhost:9090", true)
        .error
        .unwrap()
        .message;
    assert!(cors.contains("--web.cors.origin"), "{cors}");
    let down = no_answer("http://localhost:9090", false)
        .error
        .unwrap()
        .message;
    assert!(
        down.starts_with("No answer from http://localhost:9090"),
        "{down}"
    );
}

#[test]
fn metric_names_come_from_the_label_values_api() {
    use promplay::views::query::remote::{names_url, read_names};
    assert_eq!(
        names_url("http://h:9090/"),
        "http://h:9090/api/v1/label/__name__/values"
    );
    assert_eq!(
        read_names(
            200,
            r#"{"status":"success","data":["up","http_requests_total"]}"#
        )
        .unwrap(),
        ["up", "http_requests_total"]
    );
    assert_eq!(
        read_names(404, "404 page not found").unwrap_err(),
        "HTTP 404, and no Prometheus API answer: 404 page not found"
    );
}
