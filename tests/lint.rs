//! The exposition linter against promtool 2.42's real output.
//!
//! Each fixture is a list of families built here and the same families as text
//! 0.0.4 in `tests/lint/<case>.prom`; `fixture_text_matches_the_families` keeps
//! the two in sync (run with `PROMPLAY_WRITE_LINT_FIXTURES=1` to rewrite the
//! `.prom` files from the families). promtool's output for each is recorded next
//! to it; to record it again:
//!
//! ```sh
//! for f in tests/lint/*.prom; do promtool check metrics < "$f" 2> "${f%.prom}.promtool.txt"; done
//! promtool check metrics --extended < tests/lint/cardinality.prom > tests/lint/cardinality.promtool-extended.txt
//! ```

use std::fmt::Write;
use std::path::PathBuf;

use promplay::expo::lint::{self, Problem, RuleSet};
use promplay::expo::{MetricFamily, MetricType, Sample};

// ---------------------------------------------------------------------------
// Building families.

/// A family under construction.
struct Fam(MetricFamily);

fn fam(name: &str, metric_type: MetricType) -> Fam {
    Fam(MetricFamily::new(name, metric_type))
}

/// A family with help text, so that only the rule under test speaks.
fn doc(name: &str, metric_type: MetricType) -> Fam {
    fam(name, metric_type).help("Documented.")
}

fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

impl Fam {
    fn help(mut self, help: &str) -> Fam {
        self.0.help = Some(help.into());
        self
    }

    fn sample(mut self, name: &str, pairs: &[(&str, &str)]) -> Fam {
        self.0.samples.push(Sample::new(name, labels(pairs), 1.0));
        self
    }

    /// A sample named like the family: a counter, gauge or untyped series.
    fn series(self, pairs: &[(&str, &str)]) -> Fam {
        let name = self.0.name.clone();
        self.sample(&name, pairs)
    }

    /// A histogram series: a `_bucket` per bound, then `_sum` and `_count`.
    fn histogram_series(mut self, pairs: &[(&str, &str)], bounds: &[&str]) -> Fam {
        let name = self.0.name.clone();
        for bound in bounds {
            let mut with_le = pairs.to_vec();
            with_le.push(("le", bound));
            self = self.sample(&format!("{name}_bucket"), &with_le);
        }
        self.sample(&format!("{name}_sum"), pairs)
            .sample(&format!("{name}_count"), pairs)
    }

    /// A summary series: a sample per quantile, then `_sum` and `_count`.
    fn summary_series(mut self, pairs: &[(&str, &str)], quantiles: &[&str]) -> Fam {
        let name = self.0.name.clone();
        for quantile in quantiles {
            let mut with_quantile = pairs.to_vec();
            with_quantile.push(("quantile", quantile));
            self = self.sample(&name, &with_quantile);
        }
        self.sample(&format!("{name}_sum"), pairs)
            .sample(&format!("{name}_count"), pairs)
    }
}

fn done(fams: Vec<Fam>) -> Vec<MetricFamily> {
    fams.into_iter().map(|f| f.0).collect()
}

use MetricType::{Counter, Gauge, Histogram, Summary, Unknown};

// ---------------------------------------------------------------------------
// The fixtures.

fn help_fixture() -> Vec<MetricFamily> {
    done(vec![
        doc("documented", Gauge).series(&[]),
        fam("undocumented", Gauge).series(&[]),
        // `# HELP name` with nothing after it: the parser leaves help unset.
        fam("empty_help", Gauge).help("").series(&[]),
        fam("untyped_undocumented", Unknown).series(&[]),
        // No samples: the parser drops the family, so nothing is reported.
        fam("declared_only", Gauge),
        doc("split_family", Gauge).series(&[("part", "1")]),
        fam("between", Gauge).series(&[]),
        // The same name again, later: merged with the first, which has help.
        fam("split_family", Gauge).series(&[("part", "2")]),
    ])
}

fn units_fixture() -> Vec<MetricFamily> {
    let gauges = [
        // Time.
        "request_duration_milliseconds",
        "request_duration_microseconds",
        "gc_pause_nanoseconds",
        "tick_picoseconds",
        "response_seconds",
        "uptime_minutes",
        "uptime_hours",
        "retention_days",
        "retention_weeks",
        "milliseconds_since_boot",
        // Bytes.
        "payload_kilobytes",
        "payload_megabytes",
        "cache_kibibytes",
        "heap_mibibytes",
        "disk_gigabytes",
        "disk_gibibytes",
        "disk_terabytes",
        "disk_tebibytes",
        "archive_petabytes",
        "archive_pebibytes",
        "network_bits",
        "network_megabits",
        "buffer_bytes",
        // Temperature.
        "ambient_celsius",
        "ambient_fahrenheit",
        "ambient_rankine",
        "sensor_kelvin",
        "sensor_kelvins",
        "sensor_millikelvin",
        // Length.
        "cable_meters",
        "cable_kilometers",
        "cable_centimeters",
        "cable_decimeters",
        "cable_decameters",
        "cable_hectometers",
        "cable_metres",
        "road_kilometres",
        "screen_inches",
        "field_yards",
        "route_miles",
        // Energy, mass, electricity.
        "food_calories",
        "food_kilocalories",
        "energy_joules",
        "energy_kilojoules",
        "cargo_pounds",
        "cargo_ounces",
        "cargo_grams",
        "cargo_kilograms",
        "battery_volts",
        "battery_millivolts",
        "supply_amperes",
        "supply_milliamperes",
        // Near misses: not whole unit words, or not lowercase.
        "room_thermometers",
        "latency_Milliseconds",
        "elapsed_millis",
    ];
    let mut fams: Vec<Fam> = gauges
        .iter()
        .map(|name| doc(name, Gauge).series(&[]))
        .collect();
    fams.push(doc("cpu_milliseconds_total", Counter).series(&[]));
    fams.push(doc("request_latency_milliseconds", Histogram).histogram_series(&[], &["1", "+Inf"]));
    done(fams)
}

fn abbreviations_fixture() -> Vec<MetricFamily> {
    let gauges = [
        "latency_ms",
        "latency_s",
        "latency_us",
        "latency_ns",
        "timeout_sec",
        "size_b",
        "size_kb",
        "size_mb",
        "size_gb",
        "size_tb",
        "size_pb",
        "distance_m",
        "uptime_h",
        "retention_d",
        "temp_h_index",
        // Upper case is lowered first.
        "LATENCY_MS",
        // Two abbreviations, two identical problems.
        "latency_ms_s",
        // Near misses: first word, or part of a longer word.
        "ms_latency",
        "latency_msec",
        "build_sha",
        "http_requests_in_flight",
    ];
    let mut fams: Vec<Fam> = gauges
        .iter()
        .map(|name| doc(name, Gauge).series(&[]))
        .collect();
    fams.push(doc("latency_ms_total", Counter).series(&[]));
    done(fams)
}

fn counter_fixture() -> Vec<MetricFamily> {
    done(vec![
        doc("requests_total", Counter).series(&[]),
        doc("requests", Counter).series(&[]),
        doc("requests_totals", Counter).series(&[]),
        doc("total_requests", Counter).series(&[]),
        doc("temperature_total", Gauge).series(&[]),
        doc("anything_total", Unknown).series(&[]),
        doc("latency_total", Histogram).histogram_series(&[], &["1", "+Inf"]),
        doc("quantiles_total", Summary).summary_series(&[], &["0.5"]),
    ])
}

fn reserved_fixture() -> Vec<MetricFamily> {
    done(vec![
        // Reserved suffixes.
        doc("queue_bucket", Gauge).series(&[]),
        doc("queue_count", Gauge).series(&[]),
        doc("queue_sum", Gauge).series(&[]),
        doc("rpc_bucket", Summary).summary_series(&[], &["0.5"]),
        doc("rpc_count", Summary).summary_series(&[], &["0.5"]),
        doc("anything_bucket", Unknown).series(&[]),
        doc("anything_count", Unknown).series(&[]),
        // Reserved labels: one problem per series carrying them.
        doc("limits", Gauge)
            .series(&[("le", "10")])
            .series(&[("le", "20")]),
        doc("ratio", Gauge).series(&[("quantile", "0.9")]),
        doc("slo_total", Counter).series(&[("le", "0.5"), ("quantile", "0.99")]),
        doc("summary_seconds", Summary).summary_series(&[("le", "1")], &["0.5", "0.9"]),
        doc("histogram_seconds", Histogram)
            .histogram_series(&[("quantile", "0.5")], &["1", "+Inf"])
            .histogram_series(&[("quantile", "0.9")], &["1", "+Inf"]),
        doc("untyped_thing", Unknown).series(&[("le", "1"), ("quantile", "0.5")]),
        // Near miss: a histogram's own `le`, a summary's own `quantile`.
        doc("fine_seconds", Histogram).histogram_series(&[], &["0.1", "1", "+Inf"]),
        doc("fine_quantiles_seconds", Summary).summary_series(&[], &["0.5", "0.99"]),
    ])
}

fn type_in_name_fixture() -> Vec<MetricFamily> {
    let gauges = [
        "jobs_counter",
        "jobs_gauge",
        "jobs_gauge_value",
        "jobs_histogram",
        "jobs_summary",
        "jobs_gauge_histogram",
        "JOBS_COUNTER",
        // Near misses.
        "jobs_untyped",
        "counter_jobs",
        "jobs_counters",
        "jobs_summarygauge",
    ];
    done(
        gauges
            .iter()
            .map(|name| doc(name, Gauge).series(&[]))
            .collect(),
    )
}

fn colons_camel_case_fixture() -> Vec<MetricFamily> {
    done(vec![
        doc("job:requests:rate5m", Gauge).series(&[]),
        doc("instance_path:requests:rate5m", Gauge).series(&[]),
        doc("requests_rate5m", Gauge).series(&[]),
        doc("httpRequests_total", Counter).series(&[]),
        doc("HTTPRequests", Gauge).series(&[]),
        doc("Requests", Gauge).series(&[]),
        doc("http_requests_total", Counter)
            .series(&[("statusCode", "200"), ("method", "GET")])
            .series(&[("statusCode", "500"), ("method", "GET")])
            .series(&[("statusCode", "200"), ("method", "POST")])
            .series(&[("HTTPMethod", "GET"), ("Status", "ok")]),
        doc("rpcLatency_seconds", Histogram)
            .histogram_series(&[("serviceName", "a")], &["0.1", "1", "+Inf"])
            .histogram_series(&[("serviceName", "b")], &["0.1", "1", "+Inf"]),
        doc("gc_seconds", Summary).summary_series(&[("podName", "p")], &["0.5", "0.9"]),
    ])
}

fn duplicates_fixture() -> Vec<MetricFamily> {
    done(vec![
        doc("temperature_celsius", Gauge)
            .series(&[("sensor", "a")])
            .series(&[("sensor", "a")])
            .series(&[("sensor", "b")])
            .series(&[("sensor", "b")])
            .series(&[("sensor", "b")])
            .series(&[("a", "1"), ("b", "2")])
            .series(&[("b", "2"), ("a", "1")]),
        doc("jobs_total", Counter).series(&[]).series(&[]),
        // Repeated histogram series are folded into one by the parser.
        doc("wait_seconds", Histogram)
            .histogram_series(&[], &["1", "+Inf"])
            .histogram_series(&[], &["1", "+Inf"]),
        doc("unique_values", Gauge)
            .series(&[("k", "1")])
            .series(&[("k", "2")]),
        // `_timestamp_seconds` is for gauges (upstream only).
        doc("last_run_timestamp_seconds", Counter).series(&[]),
        doc("boot_timestamp_seconds", Gauge).series(&[]),
        doc("seen_timestamp_seconds", Unknown).series(&[]),
        doc("scrape_timestamp_seconds", Summary).summary_series(&[], &["0.5"]),
    ])
}

fn mixed_fixture() -> Vec<MetricFamily> {
    done(vec![
        fam("process_cpu_seconds_total", Counter).series(&[]),
        doc("go_goroutines", Gauge).series(&[]),
        fam("Build_info", Gauge).series(&[("version", "1.0")]),
        fam("foo_bar", Gauge).series(&[]),
        fam("foo:bar", Gauge).series(&[]),
        fam("fooBar", Gauge).series(&[]),
        fam("api_latency_ms_count", Counter).series(&[("le", "1"), ("pathName", "/")]),
        fam("cache_kilobytes_gauge", Gauge).series(&[]),
        fam("cache_hits", Counter)
            .series(&[("podName", "a")])
            .series(&[("podName", "b")]),
        fam("upload_size_megabytes", Histogram)
            .histogram_series(&[("quantile", "x")], &["1", "+Inf"]),
    ])
}

fn cardinality_fixture() -> Vec<MetricFamily> {
    let codes = [("200", "GET"), ("500", "GET"), ("200", "POST")];
    let mut requests = doc("http_requests_total", Counter);
    for (code, method) in codes {
        requests = requests.series(&[("code", code), ("method", method)]);
    }
    let mut pods = doc("pod_memory_bytes", Gauge);
    for pod in 0..7 {
        pods = pods.series(&[
            ("pod", &format!("pod-{pod}")),
            ("namespace", if pod < 4 { "a" } else { "b" }),
        ]);
    }
    done(vec![
        requests,
        // promtool counts 2 × (2 + 3): the second series' fewer buckets are not seen.
        doc("request_duration_seconds", Histogram)
            .histogram_series(&[("path", "/a")], &["0.1", "1", "+Inf"])
            .histogram_series(&[("path", "/b")], &["1", "+Inf"]),
        doc("rpc_duration_seconds", Summary).summary_series(&[], &["0.5", "0.99"]),
        doc("up", Gauge).series(&[]),
        doc("temperature_celsius", Gauge)
            .series(&[("room", "a")])
            .series(&[("room", "b")]),
        pods,
    ])
}

/// A fixture's name (its files in `tests/lint/`) and the families it holds.
type Fixture = (&'static str, fn() -> Vec<MetricFamily>);

const FIXTURES: &[Fixture] = &[
    ("help", help_fixture),
    ("units", units_fixture),
    ("abbreviations", abbreviations_fixture),
    ("counter", counter_fixture),
    ("reserved", reserved_fixture),
    ("type_in_name", type_in_name_fixture),
    ("colons_camel_case", colons_camel_case_fixture),
    ("duplicates", duplicates_fixture),
    ("mixed", mixed_fixture),
    ("cardinality", cardinality_fixture),
];

// ---------------------------------------------------------------------------
// Fixture files.

fn fixture_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/lint")
        .join(file)
}

fn read_fixture(file: &str) -> String {
    std::fs::read_to_string(fixture_path(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Text 0.0.4 for the fixtures' simple families (names and label values need no
/// escaping; every value is 1). A name seen before gets no second `# TYPE`,
/// which the parser would refuse.
fn write_text(families: &[MetricFamily]) -> String {
    let mut out = String::new();
    let mut seen: Vec<&str> = Vec::new();
    for family in families {
        if !seen.contains(&family.name.as_str()) {
            match family.help.as_deref() {
                Some("") => writeln!(out, "# HELP {}", family.name).unwrap(),
                Some(help) => writeln!(out, "# HELP {} {help}", family.name).unwrap(),
                None => {}
            }
            let word = match family.metric_type {
                Counter => "counter",
                Gauge => "gauge",
                Histogram => "histogram",
                Summary => "summary",
                Unknown => "untyped",
                other => panic!("text 0.0.4 has no type {other}"),
            };
            writeln!(out, "# TYPE {} {word}", family.name).unwrap();
            seen.push(&family.name);
        }
        for sample in &family.samples {
            out.push_str(&sample.name);
            if !sample.labels.is_empty() {
                let pairs: Vec<String> = sample
                    .labels
                    .iter()
                    .map(|(n, v)| format!("{n}=\"{v}\""))
                    .collect();
                write!(out, "{{{}}}", pairs.join(",")).unwrap();
            }
            out.push_str(" 1\n");
        }
    }
    out
}

#[test]
fn fixture_text_matches_the_families() {
    let rewrite = std::env::var_os("PROMPLAY_WRITE_LINT_FIXTURES").is_some();
    for (case, build) in FIXTURES {
        let text = write_text(&build());
        let file = format!("{case}.prom");
        if rewrite {
            std::fs::write(fixture_path(&file), &text).unwrap();
        }
        assert_eq!(
            read_fixture(&file),
            text,
            "{file} is out of sync with {case}_fixture()"
        );
    }
}

/// Compares line by line, reporting every difference, and counts matches.
fn compare_lines(what: &str, ours: &str, promtool: &str) -> (usize, usize, Vec<String>) {
    let ours: Vec<&str> = ours.lines().collect();
    let theirs: Vec<&str> = promtool.lines().collect();
    let mut differences = Vec::new();
    let mut matched = 0;
    for i in 0..ours.len().max(theirs.len()) {
        match (ours.get(i), theirs.get(i)) {
            (Some(a), Some(b)) if a == b => matched += 1,
            (a, b) => {
                differences.push(format!("{what} line {}: ours {a:?}, promtool {b:?}", i + 1))
            }
        }
    }
    (matched, theirs.len(), differences)
}

#[test]
fn problems_match_promtool_2_42_line_by_line() {
    let (mut matched, mut total, mut differences) = (0, 0, Vec::new());
    for (case, build) in FIXTURES {
        let ours = lint::render_problems(&lint::lint_with(&build(), RuleSet::Promtool2_42));
        let recorded = read_fixture(&format!("{case}.promtool.txt"));
        let (m, t, d) = compare_lines(case, &ours, &recorded);
        matched += m;
        total += t;
        differences.extend(d);
    }
    eprintln!("problems: {matched}/{total} promtool lines matched");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    assert!(
        total > 100,
        "the fixtures should exercise the rules: {total} lines"
    );
}

#[test]
fn cardinality_table_matches_promtool_2_42() {
    let rows = lint::cardinality(&cardinality_fixture());
    let recorded = read_fixture("cardinality.promtool-extended.txt");
    let (matched, total, differences) =
        compare_lines("cardinality", &lint::render_table(&rows), &recorded);
    eprintln!("cardinality: {matched}/{total} promtool lines matched");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

// ---------------------------------------------------------------------------
// One test per rule, on top of the recorded comparison: what must be reported,
// and the near misses that must not.

/// The problems of the named families in `families`, rendered, with upstream rules.
fn problems_of(families: &[MetricFamily], names: &[&str]) -> Vec<String> {
    lint::lint(families)
        .iter()
        .filter(|p| names.contains(&p.metric.as_str()))
        .map(|p| p.to_string())
        .collect()
}

#[test]
fn help_rule() {
    let problems = lint::lint(&help_fixture());
    let texts: Vec<String> = problems.iter().map(Problem::to_string).collect();
    assert_eq!(
        texts,
        [
            "between no help text",
            "empty_help no help text",
            "undocumented no help text",
            "untyped_undocumented no help text"
        ]
    );
}

#[test]
fn units_rule() {
    let fams = units_fixture();
    assert_eq!(
        problems_of(
            &fams,
            &["request_duration_milliseconds", "milliseconds_since_boot"]
        ),
        [
            "milliseconds_since_boot use base unit \"seconds\" instead of \"milliseconds\"",
            "request_duration_milliseconds use base unit \"seconds\" instead of \"milliseconds\""
        ]
    );
    assert_eq!(
        problems_of(&fams, &["road_kilometres"]),
        ["road_kilometres use base unit \"metres\" instead of \"kilometres\""]
    );
    assert_eq!(
        problems_of(&fams, &["sensor_kelvins"]),
        ["sensor_kelvins use base unit \"kelvin\" instead of \"kelvins\""]
    );
    assert_eq!(
        problems_of(&fams, &["heap_mibibytes"]),
        ["heap_mibibytes use base unit \"bytes\" instead of \"mibibytes\""]
    );
    let fine = [
        "response_seconds",
        "buffer_bytes",
        "ambient_celsius",
        "sensor_kelvin",
        "cable_metres",
        "room_thermometers",
    ];
    assert!(problems_of(&fams, &fine).is_empty());
    assert!(problems_of(&fams, &["latency_Milliseconds", "elapsed_millis"]).is_empty());
}

#[test]
fn abbreviations_rule() {
    let fams = abbreviations_fixture();
    let text = "metric names should not contain abbreviated units";
    assert_eq!(
        problems_of(&fams, &["latency_ms"]),
        [format!("latency_ms {text}")]
    );
    assert_eq!(
        problems_of(&fams, &["LATENCY_MS"]),
        [format!("LATENCY_MS {text}")]
    );
    assert_eq!(
        problems_of(&fams, &["latency_ms_s"]),
        [
            format!("latency_ms_s {text}"),
            format!("latency_ms_s {text}")
        ]
    );
    assert_eq!(
        problems_of(&fams, &["temp_h_index"]),
        [format!("temp_h_index {text}")]
    );
    assert!(
        problems_of(
            &fams,
            &[
                "ms_latency",
                "latency_msec",
                "build_sha",
                "http_requests_in_flight"
            ]
        )
        .is_empty()
    );
}

#[test]
fn counter_rule() {
    let fams = counter_fixture();
    let missing = "counter metrics should have \"_total\" suffix";
    let extra = "non-counter metrics should not have \"_total\" suffix";
    assert_eq!(
        problems_of(&fams, &["requests"]),
        [format!("requests {missing}")]
    );
    assert_eq!(
        problems_of(&fams, &["requests_totals"]),
        [format!("requests_totals {missing}")]
    );
    assert_eq!(
        problems_of(&fams, &["temperature_total"]),
        [format!("temperature_total {extra}")]
    );
    assert_eq!(
        problems_of(&fams, &["latency_total"]),
        [format!("latency_total {extra}")]
    );
    assert!(problems_of(&fams, &["requests_total", "anything_total"]).is_empty());
}

#[test]
fn reserved_suffixes_and_labels_rule() {
    let fams = reserved_fixture();
    assert_eq!(
        problems_of(&fams, &["queue_count", "rpc_bucket"]),
        [
            "queue_count non-histogram and non-summary metrics should not have \"_count\" suffix",
            "rpc_bucket non-histogram metrics should not have \"_bucket\" suffix"
        ]
    );
    assert_eq!(
        problems_of(&fams, &["limits"]),
        ["limits non-histogram metrics should not have \"le\" label"; 2]
    );
    assert_eq!(
        problems_of(&fams, &["histogram_seconds"]),
        ["histogram_seconds non-summary metrics should not have \"quantile\" label"; 2]
    );
    assert_eq!(
        problems_of(&fams, &["summary_seconds"]),
        ["summary_seconds non-histogram metrics should not have \"le\" label"]
    );
    let fine = [
        "rpc_count",
        "anything_bucket",
        "anything_count",
        "untyped_thing",
        "fine_seconds",
        "fine_quantiles_seconds",
    ];
    assert!(problems_of(&fams, &fine).is_empty());
}

#[test]
fn type_in_name_rule() {
    let fams = type_in_name_fixture();
    assert_eq!(
        problems_of(&fams, &["jobs_gauge_histogram"]),
        [
            "jobs_gauge_histogram metric name should not include type 'gauge'",
            "jobs_gauge_histogram metric name should not include type 'gauge_histogram'",
            "jobs_gauge_histogram metric name should not include type 'histogram'"
        ]
    );
    assert_eq!(
        problems_of(&fams, &["JOBS_COUNTER"]),
        ["JOBS_COUNTER metric name should not include type 'counter'"]
    );
    assert!(
        problems_of(
            &fams,
            &[
                "jobs_untyped",
                "counter_jobs",
                "jobs_counters",
                "jobs_summarygauge"
            ]
        )
        .is_empty()
    );
}

#[test]
fn colon_and_camel_case_rules() {
    let fams = colons_camel_case_fixture();
    assert_eq!(
        problems_of(&fams, &["job:requests:rate5m"]),
        ["job:requests:rate5m metric names should not contain ':'"]
    );
    assert!(problems_of(&fams, &["requests_rate5m", "HTTPRequests", "Requests"]).is_empty());
    assert_eq!(
        problems_of(&fams, &["httpRequests_total"]),
        ["httpRequests_total metric names should be written in 'snake_case' not 'camelCase'"]
    );
    // One per series carrying the label: three for the counter, one per histogram
    // series (not per bucket line), none for `HTTPMethod` or `Status`.
    let label = "label names should be written in 'snake_case' not 'camelCase'";
    assert_eq!(
        problems_of(&fams, &["http_requests_total"]),
        vec![format!("http_requests_total {label}"); 3]
    );
    assert_eq!(
        problems_of(&fams, &["rpcLatency_seconds"]),
        [
            format!("rpcLatency_seconds {label}"),
            format!("rpcLatency_seconds {label}"),
            "rpcLatency_seconds metric names should be written in 'snake_case' not 'camelCase'"
                .to_string()
        ]
    );
}

#[test]
fn upstream_rules_add_duplicates_and_timestamp_gauges_to_promtool_2_42() {
    let fams = duplicates_fixture();
    let mut expected = lint::lint_with(&fams, RuleSet::Promtool2_42);
    for (metric, text, times) in [
        ("temperature_celsius", "metric not unique", 3),
        ("jobs_total", "metric not unique", 1),
        (
            "last_run_timestamp_seconds",
            "non-gauge metrics should not have \"_timestamp_seconds\" suffix",
            1,
        ),
        (
            "scrape_timestamp_seconds",
            "non-gauge metrics should not have \"_timestamp_seconds\" suffix",
            1,
        ),
    ] {
        expected.extend(std::iter::repeat_n(
            Problem {
                metric: metric.into(),
                text: text.into(),
            },
            times,
        ));
    }
    expected.sort();
    assert_eq!(lint::lint(&fams), expected);
    // The other fixtures have neither, so both rule sets agree on them.
    for (case, build) in FIXTURES.iter().filter(|(case, _)| *case != "duplicates") {
        assert_eq!(
            lint::lint(&build()),
            lint::lint_with(&build(), RuleSet::Promtool2_42),
            "{case}"
        );
    }
}

#[test]
fn problems_sort_by_metric_then_text_bytewise() {
    let problems = lint::lint(&mixed_fixture());
    let metrics: Vec<&str> = problems.iter().map(|p| p.metric.as_str()).collect();
    let mut sorted = metrics.clone();
    sorted.sort_unstable();
    assert_eq!(metrics, sorted);
    // Upper case before `:` before lower case... as Go compares bytes.
    let first_of = |name: &str| metrics.iter().position(|m| *m == name).unwrap();
    assert!(first_of("Build_info") < first_of("foo:bar"));
    assert!(first_of("foo:bar") < first_of("fooBar"));
    assert!(first_of("fooBar") < first_of("foo_bar"));
}

#[test]
fn cardinality_counts_series_and_label_values() {
    let rows = lint::cardinality(&cardinality_fixture());
    let summary: Vec<(&str, usize)> = rows.iter().map(|r| (r.name.as_str(), r.series)).collect();
    assert_eq!(
        summary,
        [
            ("request_duration_seconds", 10),
            ("pod_memory_bytes", 7),
            ("rpc_duration_seconds", 4),
            ("http_requests_total", 3),
            ("temperature_celsius", 2),
            ("up", 1)
        ]
    );
    let pods = &rows[1];
    let labels: Vec<(&str, usize)> = pods
        .labels
        .iter()
        .map(|l| (l.name.as_str(), l.distinct_values))
        .collect();
    assert_eq!(labels, [("namespace", 2), ("pod", 7)]);
    // A histogram's `le` is not a label of its series.
    assert_eq!(rows[0].labels.len(), 1);
    assert_eq!(rows[0].percentage(), "37.04%");
}

#[test]
fn promtool_2_42_lacks_two_upstream_rules() {
    let upstream = lint::rule_names(RuleSet::Upstream);
    let old = lint::rule_names(RuleSet::Promtool2_42);
    let missing: Vec<_> = upstream.iter().filter(|name| !old.contains(name)).collect();
    assert_eq!(missing, [&"LintGauge", &"LintDuplicateMetric"]);
    assert_eq!(upstream.len(), 10);
}

/// The page lints in slices (`Linter::step` with a small budget between frames):
/// any budget gives exactly what linting at once gives.
#[test]
fn linting_in_slices_gives_the_same_problems() {
    let fixtures = [
        help_fixture(),
        units_fixture(),
        reserved_fixture(),
        duplicates_fixture(),
        mixed_fixture(),
        cardinality_fixture(),
    ];
    for families in fixtures {
        let whole = lint::lint_with(&families, RuleSet::Upstream);
        for budget in [1, 2, 7, 1000] {
            let mut linter = lint::Linter::new(&families, RuleSet::Upstream);
            let mut steps = 0;
            while !linter.step(budget) {
                steps += 1;
                assert!(steps < 100_000, "the linter makes progress");
            }
            assert_eq!(linter.finish(), whole, "budget {budget}");
        }
    }
}
