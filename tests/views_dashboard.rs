//! The dashboard's models natively (src/views/dashboard/): Grafana's interval
//! variables, the shared window, legend templates, the saved text form, and the
//! default dashboards evaluated on a short simulation of every scenario. The
//! mounted pane and storage are tested in the browser (tests/browser/panes.rs).

use promplay::pipeline::{Options, Pipeline, Run};
use promplay::tsdb::Head;
use promplay::views::chart::{ChartKind, Unit};
use promplay::views::dashboard::defaults::default_dashboard;
use promplay::views::dashboard::eval::evaluate_panel;
use promplay::views::dashboard::interval::{
    Window, promql_duration, rate_interval_ms, substitute, window,
};
use promplay::views::dashboard::model::{Dashboard, Panel, apply_legend, decode, encode};

const START_MS: i64 = 1_714_521_600_000; // 2024-05-01T00:00:00Z
const SCRAPE_MS: i64 = 15_000;

fn clock() -> f64 {
    0.0
}

/// `scenario` with one instance, scraped every 15 s for `duration_ms`.
fn store_of(scenario: &str, duration_ms: i64) -> Head {
    let mut run = Run::new(scenario, 1, START_MS, 1);
    run.initial.interval_ms = SCRAPE_MS;
    let mut pipeline = Pipeline::new(run, Options::default()).expect("the scenario exists");
    pipeline.advance_to(START_MS + duration_ms);
    pipeline.into_store()
}

#[test]
fn rate_interval_is_grafanas() {
    // max(step + scrape, 4 × scrape)
    assert_eq!(rate_interval_ms(15_000, 15_000), 60_000);
    assert_eq!(rate_interval_ms(60_000, 15_000), 75_000);
    assert_eq!(rate_interval_ms(346_000, 15_000), 361_000);
    assert_eq!(rate_interval_ms(1_000, 5_000), 20_000);
}

#[test]
fn durations_are_written_as_promql() {
    assert_eq!(promql_duration(75_000), "1m15s");
    assert_eq!(promql_duration(3_600_000), "1h");
    assert_eq!(promql_duration(86_400_000 + 60_000), "1d1m");
    assert_eq!(promql_duration(1_500), "1500ms");
    assert_eq!(promql_duration(0), "0s");
}

#[test]
fn window_steps_are_whole_seconds_at_least_the_scrape_interval() {
    let now = START_MS + 3_600_000 + 7_000;
    // 1 h / 250 = 14.4 s → 14 s, raised to the scrape interval.
    let w = window(now, 3_600_000, SCRAPE_MS);
    assert_eq!(w.step_ms, 15_000);
    assert_eq!(w.end_ms, START_MS + 3_600_000);
    assert_eq!(w.start_ms, w.end_ms - 3_600_000);
    // 1 d / 250 = 345.6 s → 346 s.
    assert_eq!(window(now, 86_400_000, SCRAPE_MS).step_ms, 346_000);
    // 3 h / 250 = 43.2 s → 43 s; a slower scrape wins.
    assert_eq!(window(now, 3 * 3_600_000, SCRAPE_MS).step_ms, 43_000);
    assert_eq!(window(now, 3 * 3_600_000, 60_000).step_ms, 60_000);
    // The window moves only when a new step begins.
    assert_eq!(window(now + 7_999, 3_600_000, SCRAPE_MS), w);
    assert_eq!(
        window(now + 8_000, 3_600_000, SCRAPE_MS).end_ms,
        w.end_ms + 15_000
    );
}

#[test]
fn variables_are_substituted() {
    let w = Window {
        start_ms: 0,
        end_ms: 3_600_000,
        step_ms: 60_000,
        range_ms: 3_600_000,
        scrape_interval_ms: 15_000,
    };
    assert_eq!(
        substitute("rate(x[$__rate_interval]) + rate(x[${__interval}])", &w),
        "rate(x[1m15s]) + rate(x[1m])"
    );
    assert_eq!(
        substitute("increase(x[$__range]) / $__range_s", &w),
        "increase(x[1h]) / 3600"
    );
    assert_eq!(
        substitute("$__interval_ms $__range_ms", &w),
        "60000 3600000"
    );
    // Unknown variables stay for the parser to point at.
    assert_eq!(substitute("x[$foo] $ ${bar", &w), "x[$foo] $ ${bar");
}

#[test]
fn legend_templates_fill_labels() {
    let labels = [("path", "/api"), ("status", "200")];
    let get = |name: &str| labels.iter().find(|l| l.0 == name).map(|l| l.1);
    assert_eq!(apply_legend("{{path}} {{ status }}", get), "/api 200");
    assert_eq!(apply_legend("{{missing}}!", get), "!");
    assert_eq!(apply_legend("plain", get), "plain");
    assert_eq!(apply_legend("{{unclosed", get), "{{unclosed");
}

fn every_scenario() -> Vec<&'static str> {
    promplay::sim::scenarios().iter().map(|s| s.name).collect()
}

#[test]
fn saved_form_round_trips() {
    for scenario in every_scenario() {
        let d = default_dashboard(scenario);
        assert!(!d.panels.is_empty(), "{scenario}");
        assert_eq!(decode(&encode(&d)), Ok(d), "{scenario}");
    }
    let tricky = Dashboard {
        title: "back\\slash\nand newline".into(),
        panels: vec![
            Panel::new("", ""),
            Panel::new("p", "a\n+ b \\n")
                .kind(ChartKind::Gauge)
                .legend("")
                .unit(Unit::Bytes),
        ],
    };
    assert_eq!(decode(&encode(&tricky)), Ok(tricky));
}

#[test]
fn unreadable_saved_forms_are_errors() {
    assert!(decode("").is_err());
    assert!(decode("garbage\n\u{0}").is_err());
    assert!(decode("promplay-dashboard 2\ntitle x").is_err());
    assert!(
        decode("promplay-dashboard 1\nquery up").is_err(),
        "query before a panel"
    );
    assert!(decode("promplay-dashboard 1\npanel p\nkind pie").is_err());
    assert!(decode("promplay-dashboard 1\npanel p\nunit parsecs").is_err());
    assert!(decode("promplay-dashboard 1\npanel p\ncolour red").is_err());
    assert!(decode("promplay-dashboard 1\npanel p\nquery a\\x").is_err());
}

#[test]
fn default_dashboards_parse_and_find_data_in_every_scenario() {
    // 12 minutes: the batch job (every 5 minutes) has run and pushed.
    let duration = 12 * 60_000;
    for scenario in every_scenario() {
        let store = store_of(scenario, duration);
        let w = window(START_MS + duration, 15 * 60_000, SCRAPE_MS);
        for panel in default_dashboard(scenario).panels {
            let src = substitute(&panel.query, &w);
            if let Err(e) = promplay::promql::parse(&src) {
                panic!("{scenario} {:?}: {}", panel.title, e.message);
            }
            let out = evaluate_panel(&store, &panel, &w, clock);
            assert_eq!(out.error, None, "{scenario} {:?}", panel.title);
            assert_eq!(out.spec.kind, panel.kind);
            assert_eq!(out.spec.unit, panel.unit);
            assert!(
                !out.spec.series.is_empty(),
                "{scenario} {:?} found no data: {src}",
                panel.title
            );
            assert!(out.eval_ms >= 0.0);
        }
    }
}

#[test]
fn api_latency_panel_names_quantiles_by_legend() {
    let duration = 10 * 60_000;
    let store = store_of("api", duration);
    let w = window(START_MS + duration, 15 * 60_000, SCRAPE_MS);
    let d = default_dashboard("api");
    let latency = d
        .panels
        .iter()
        .find(|p| p.query.contains("histogram_quantile"))
        .expect("a quantile panel");
    let out = evaluate_panel(&store, latency, &w, clock);
    let names: Vec<&str> = out.spec.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["p50", "p95", "p99"]);
}

#[test]
fn panel_errors_are_reported_not_thrown() {
    let store = Head::default();
    let w = window(START_MS, 3_600_000, SCRAPE_MS);
    let parse = evaluate_panel(&store, &Panel::new("p", "sum(("), &w, clock);
    assert!(parse.error.unwrap().starts_with("parse error"));
    let range = evaluate_panel(&store, &Panel::new("p", "up[5m]"), &w, clock);
    assert!(range.error.unwrap().contains("range query"));
    let empty = evaluate_panel(&store, &Panel::new("p", " "), &w, clock);
    assert!(empty.error.is_some());
}

#[test]
fn worker_busy_share_stays_within_100_percent() {
    // The worker's loop is always busy; the Summary's sum counts a request when it
    // ends, whole, so the raw rate of it goes past 1 where a window catches the end
    // of a request begun before it. The panel bounds the share at 1.
    let duration = 70 * 60_000;
    let store = store_of("worker", duration);
    let w = window(START_MS + duration, 60 * 60_000, SCRAPE_MS);
    let busy = default_dashboard("worker")
        .panels
        .into_iter()
        .find(|p| p.title.contains("busy"))
        .expect("a busy panel");
    let values = |panel: &Panel| -> Vec<f64> {
        let out = evaluate_panel(&store, panel, &w, clock);
        assert_eq!(out.error, None);
        out.spec.series[0].points.iter().map(|p| p.1).collect()
    };
    let raw = Panel::new(
        "raw",
        "max(rate(request_processing_seconds_sum[$__rate_interval]))",
    );
    let max = |v: Vec<f64>| v.into_iter().fold(f64::MIN, f64::max);
    assert!(max(values(&raw)) > 1.0, "the raw rate overshoots");
    let shown = values(&busy);
    assert!(shown.iter().all(|v| (0.95..=1.0).contains(v)), "{shown:?}");
    assert_eq!(busy.unit, Unit::Ratio);
}

mod grafana {
    use promplay::sim::scenarios;
    use promplay::views::chart::{ChartKind, Unit};
    use promplay::views::dashboard::defaults::default_dashboard;
    use promplay::views::dashboard::grafana::{from_grafana, to_grafana};

    #[test]
    fn every_default_dashboard_comes_back_from_grafana_as_it_went() {
        for info in scenarios() {
            let ours = default_dashboard(info.name);
            let json = serde_json::to_string_pretty(&to_grafana(&ours, "u", "prometheus")).unwrap();
            let back = from_grafana(&json).unwrap();
            assert_eq!(back.dashboard, ours, "{}", info.name);
            assert!(back.report.is_empty(), "{}: {:?}", info.name, back.report);
        }
    }

    #[test]
    fn a_grafana_dashboard_comes_in_with_a_report_of_what_did_not() {
        let json = r#"{"dashboard": {"title": "Service", "panels": [
          {"type": "row", "title": "Details", "collapsed": true, "gridPos": {"x": 0, "y": 20, "w": 24, "h": 1},
           "panels": [{"type": "stat", "title": "Up", "gridPos": {"x": 0, "y": 21, "w": 6, "h": 4},
                       "targets": [{"expr": "sum(up)", "refId": "A"}], "fieldConfig": {"defaults": {}}}]},
          {"type": "graph", "title": "Memory", "stack": true, "yaxes": [{"format": "bytes"}], "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8},
           "targets": [{"expr": "process_resident_memory_bytes", "legendFormat": "{{instance}}"}]},
          {"type": "timeseries", "title": "Latency", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
           "fieldConfig": {"defaults": {"unit": "ms"}},
           "targets": [{"expr": "histogram_quantile(0.99, sum by (le) (rate(x_bucket{job=\"$job\"}[$__rate_interval])))", "legendFormat": "__auto"},
                       {"expr": "histogram_quantile(0.5, sum by (le) (rate(x_bucket[5m])))"}]},
          {"type": "table", "title": "Targets", "gridPos": {"x": 0, "y": 8, "w": 12, "h": 8}, "targets": [{"expr": "up"}]},
          {"type": "timeseries", "title": "Logs", "datasource": {"type": "loki", "uid": "l"}, "gridPos": {"x": 12, "y": 8, "w": 12, "h": 8},
           "targets": [{"expr": "{app=\"x\"}"}]},
          {"type": "heatmap", "title": "Buckets", "datasource": "${DS_PROMETHEUS}", "gridPos": {"x": 0, "y": 16, "w": 12, "h": 4},
           "targets": [{"expr": "sum by (le) (rate(x_bucket[$__rate_interval]))", "format": "heatmap", "legendFormat": "{{le}}"}]}
        ]}}"#;
        let imported = from_grafana(json).unwrap();
        let d = &imported.dashboard;
        assert_eq!(d.title, "Service");
        let titles: Vec<&str> = d.panels.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Latency", "Memory", "Buckets", "Up"],
            "top to bottom, left to right, rows opened"
        );
        assert_eq!(d.panels[0].legend, None);
        assert_eq!(d.panels[0].unit, Unit::None);
        assert!(d.panels[0].query.starts_with("histogram_quantile(0.99"));
        assert_eq!(
            (
                d.panels[1].kind,
                d.panels[1].unit,
                d.panels[1].legend.as_deref()
            ),
            (ChartKind::Stacked, Unit::Bytes, Some("{{instance}}"))
        );
        assert_eq!(d.panels[2].kind, ChartKind::Heatmap);
        assert_eq!(d.panels[3].kind, ChartKind::Stat);
        assert_eq!(
            imported.report,
            [
                "\"Latency\": 2 queries; promplay's panels have one: the first is kept",
                "\"Latency\": uses the dashboard variable $job, which promplay does not have: edit the query",
                "\"Latency\": the unit \"ms\" is not one promplay shows: no unit",
                "\"Targets\": a table panel, which promplay does not draw: left out",
                "\"Logs\": reads loki, not Prometheus: left out",
            ]
        );
    }

    #[test]
    fn text_that_is_not_a_grafana_dashboard_says_why_and_where() {
        let error = from_grafana("{\"title\": \"x\",\n  \"panels\": [1,]}").unwrap_err();
        assert!(error.contains("line 2 column"), "{error}");
        let error = from_grafana("{\"title\": \"x\"}").unwrap_err();
        assert_eq!(error, "not a Grafana dashboard: it has no \"panels\" list");
    }
}
