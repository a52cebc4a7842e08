//! The query panel's models natively (src/views/query/): the Prometheus-UI URL
//! form of the panels, and a query run on a store and shaped for the table, the
//! graph and the explain tree, and the editor's highlighting, completion and keys.

use promplay::pipeline::{Options, Pipeline, Run};
use promplay::promql::ast::Span;
use promplay::promql::complete::complete;
use promplay::views::query::editor::{
    ListKey, StoreSchema, accept, byte_offset, list_key, opens, refreshes_on_keyup, segments,
};
use promplay::views::query::run::{Request, Timed, evaluate};
use promplay::views::query::state::{PanelState, Resolution, Tab, from_params, to_params};

const START_MS: i64 = 1_714_521_600_000;

fn clock() -> f64 {
    0.0
}

/// Percent-decoding good enough for these tests (the page uses the browser's).
fn decode(s: &str) -> Option<String> {
    Some(
        s.replace("%20", " ")
            .replace("%5B", "[")
            .replace("%5D", "]"),
    )
}

#[test]
fn panels_round_trip_through_the_url_form() {
    let panels = vec![
        PanelState::default(),
        PanelState {
            expr: "up".into(),
            tab: Tab::Table,
            range_ms: 6 * 3_600_000,
            end_ms: Some(START_MS),
            resolution: Resolution::High,
            stacked: true,
            legend: "{{instance}}".into(),
        },
    ];
    let text = to_params(&panels, |s| s.to_string());
    assert!(text.contains("g1.range_input=6h"), "{text}");
    assert_eq!(from_params(&text, |s| Some(s.to_string())), panels);
    // Prometheus UI's own links open, unknown keys and broken values are ignored.
    let prom = from_params(
        "?g0.expr=rate(x%5B5m%5D)&g0.tab=1&g0.range_input=1h&g0.foo=bar&g0.res=huge&g99.expr=y",
        decode,
    );
    assert_eq!(prom.len(), 1);
    assert_eq!(prom[0].expr, "rate(x[5m])");
    assert_eq!(prom[0].tab, Tab::Table);
    assert_eq!(prom[0].resolution, Resolution::Medium);
    assert_eq!(PanelState::default().step_ms(), 14_000);
}

#[test]
fn a_query_is_shaped_for_the_table_and_the_graph() {
    let mut pipeline = Pipeline::new(Run::new("api", 1, START_MS, 2), Options::default()).unwrap();
    let end = START_MS + 30 * 60_000;
    pipeline.advance_to(end);
    let request = |expr: &str, tab| Request {
        expr: expr.into(),
        tab,
        range_ms: 10 * 60_000,
        end_ms: end,
        step_ms: 60_000,
        scrape_interval_ms: 15_000,
    };
    let table = evaluate(
        pipeline.store(),
        &request("sum by (instance) (up)", Tab::Table),
        clock,
    );
    assert_eq!(table.error, None);
    assert_eq!(table.summary, "2 results");
    assert_eq!(table.rows[0].labels, "{instance=\"api-1:8080\"}");
    assert_eq!(table.rows[0].value, "1");
    let graph = evaluate(pipeline.store(), &request("up", Tab::Graph), clock);
    assert_eq!(graph.series.len(), 2);
    assert_eq!(
        graph.series[0].points.len(),
        11,
        "10 minutes at 1 m steps, both ends"
    );
    // A parse error: position, and a caret under the offending text.
    let broken = evaluate(pipeline.store(), &request("sum(up", Tab::Table), clock);
    let error = broken.error.unwrap();
    assert!(
        error.message.starts_with("parse error at line 1, column 7"),
        "{}",
        error.message
    );
    assert_eq!(error.context, "sum(up\n      ^");
    // Equal results compare equal whatever they took.
    let a = Timed {
        value: table.clone(),
        ms: 1.0,
    };
    let b = Timed {
        value: table,
        ms: 9.0,
    };
    assert_eq!(a, b);
}

#[test]
fn the_editor_underlines_the_error_and_keeps_every_character() {
    let text = "sum(rate(x[5m])";
    let runs = segments(text, Some((15, 15)));
    let joined: String = runs.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        joined,
        format!("{text} "),
        "an error at the end underlines an added space"
    );
    assert_eq!(runs.last().unwrap().1, "err-underline");
    let runs = segments("rate(é_x[5m])", Some((5, 9)));
    let underlined: String = runs
        .iter()
        .filter(|(_, c)| c.contains("err-underline"))
        .map(|(t, _)| t.as_str())
        .collect();
    assert_eq!(underlined, "é_x");
    assert!(runs.iter().any(|(t, c)| t == "rate" && c.contains("tok-")));
}

#[test]
fn completion_opens_accepts_and_is_driven_by_keys() {
    let mut pipeline = Pipeline::new(Run::new("api", 7, START_MS, 1), Options::default()).unwrap();
    pipeline.advance_to(START_MS + 60_000);
    let text = "rate(http_req";
    let found = complete(text, text.len(), &StoreSchema(pipeline.store()));
    assert!(opens(&found, text, text.len(), false), "a word being typed");
    let item = found
        .items
        .iter()
        .find(|i| i.insert.starts_with("http_requests_total"))
        .expect("the store's metric names are offered");
    let (new_text, caret) = accept(text, found.replace, &item.insert);
    assert_eq!(new_text, format!("rate({}", item.insert));
    assert_eq!(caret as usize, new_text.encode_utf16().count());
    // After a space nothing opens unless asked (Ctrl+Space).
    let found = complete("sum ", 4, &StoreSchema(pipeline.store()));
    assert!(!opens(&found, "sum ", 4, false));
    assert_eq!(opens(&found, "sum ", 4, true), !found.items.is_empty());
    // Carets: the DOM counts UTF-16 units, the text bytes.
    assert_eq!(byte_offset("é😀x", 1), 2);
    assert_eq!(byte_offset("é😀x", 3), 6);
    assert_eq!(byte_offset("é😀x", 99), 7);
    assert_eq!(
        accept("aé", Span { start: 2, end: 9 }, "b"),
        ("ab".to_string(), 2)
    );
    // Keys while the list is open.
    assert_eq!(list_key("ArrowDown", 3, 2), ListKey::Select(0));
    assert_eq!(list_key("ArrowUp", 3, 0), ListKey::Select(2));
    assert_eq!(list_key("Tab", 3, 5), ListKey::Accept(2));
    assert_eq!(list_key("Escape", 3, 0), ListKey::Close);
    assert_eq!(list_key("a", 3, 0), ListKey::Pass);
    assert_eq!(list_key("Enter", 0, 0), ListKey::Pass);
    assert!(refreshes_on_keyup("a", false));
    assert!(!refreshes_on_keyup("ArrowDown", false));
    assert!(!refreshes_on_keyup("c", true));
}

#[test]
fn results_print_as_promtool_prints_them() {
    use promplay::promql::engine::{Point, Sample, Series, Value};
    use promplay::tsdb::Labels;
    use promplay::views::query::shape::{promtool_text, table_rows};
    let labels = Labels::new(&[("__name__", "up"), ("job", "api"), ("instance", "a:1")]);
    let vector = Value::Vector(vec![Sample {
        h: None,
        labels: labels.clone(),
        t: 1_714_521_600_500,
        v: 1.0,
        drop_name: false,
    }]);
    assert_eq!(
        promtool_text(&vector),
        "up{instance=\"a:1\", job=\"api\"} => 1 @[1714521600.5]\n"
    );
    let matrix = Value::Matrix(vec![Series {
        histograms: Vec::new(),
        labels: Labels::default(),
        points: vec![
            Point {
                t: 1_000,
                v: f64::INFINITY,
            },
            Point { t: 16_000, v: 0.25 },
        ],
        drop_name: false,
    }]);
    assert_eq!(promtool_text(&matrix), "{} =>\n+Inf @[1]\n0.25 @[16]\n");
    assert_eq!(table_rows(&matrix)[0].value, "+Inf @1\n0.25 @16");
    assert_eq!(
        promtool_text(&Value::Scalar(Point {
            t: 2_000,
            v: f64::NAN
        })),
        "scalar: NaN @[2]\n"
    );
    assert_eq!(promtool_text(&Value::Vector(Vec::new())), "");
}

#[test]
fn long_and_deep_queries_end_with_a_message_not_a_freeze() {
    let mut pipeline = Pipeline::new(Run::new("api", 7, START_MS, 1), Options::default()).unwrap();
    pipeline.advance_to(START_MS + 60_000);
    let run = |expr: String| {
        let request = Request {
            expr,
            tab: Tab::Table,
            range_ms: 3_600_000,
            end_ms: START_MS + 60_000,
            step_ms: 15_000,
            scrape_interval_ms: 15_000,
        };
        evaluate(pipeline.store(), &request, clock)
    };
    // 100 000 characters: refused before parsing, with the limit named.
    let outcome = run(format!("1{}", "+1".repeat(50_000)));
    let message = outcome.error.expect("an error").message;
    assert!(
        message.contains("100001 characters") && message.contains("10000"),
        "{message}"
    );
    // A chain of operators nests as deep as parentheses do, and is refused as they are
    // (it used to overflow the stack).
    let outcome = run(format!("1{}", "+1".repeat(2_000)));
    let message = outcome.error.expect("an error").message;
    assert!(message.contains("nested too deeply"), "{message}");
    assert_eq!(run(format!("1{}", "+1".repeat(99))).rows[0].value, "100");
    // The editor's highlighting of a long text stays linear and loses nothing.
    let long = "rate(x[5m]) + ".repeat(5_000);
    let joined: String = segments(&long, None).into_iter().map(|(t, _)| t).collect();
    assert_eq!(joined, long);
}
