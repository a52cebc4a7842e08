//! Conformance with the official Python client: every case in
//! `../shared/conformance/client_python_expected.txt` is rebuilt as the case's
//! `setup:` line describes, encoded in the case's OpenMetrics version, and compared
//! byte for byte: through promplay's instrumentation API, or, for the native
//! histogram cases (the OpenMetrics 2.0 draft's syntax), as families built here
//! (`native_cases`), whose expected text must also parse (strictly) and re-encode to
//! itself. The name-escaping tables (51, 52) are checked against
//! `expo::encode::format`. A case without a builder here fails the test, so new cases
//! cannot be ignored silently.

mod common;
#[path = "client_python/native_cases.rs"]
mod native_cases;

use std::path::PathBuf;

use promplay::client::{
    ClientError, DEFAULT_BUCKETS, FamilyBuilder, ManualClock, Opts, Registry, StaticCollector,
    SummaryOpts, gauge_histogram_family,
};
use promplay::expo::OpenMetricsVersion;
use promplay::expo::encode::format::{escape_label_name, escape_metric_name, float_to_go_string};
use promplay::expo::encode::{EncodeOptions, NameEscaping, openmetrics, text};
use promplay::expo::model::{MetricType, Timestamp};
use promplay::expo::textparse::{Format, ParseOptions, parse_with_version};

/// client_python's tests mock the wall clock to this.
const MOCKED_TIME: f64 = 123.456;

type Builder = fn() -> Result<Registry, ClientError>;

/// Case name → how to build its registry. Cases sharing a setup share a builder.
const BUILDERS: &[(&str, Builder)] = &[
    ("prom-0.0.4/counter", counter_cc),
    ("prom-0.0.4/counter_utf8", counter_utf8_cc),
    (
        "prom-0.0.4/counter_utf8_escaped_underscores",
        counter_utf8_cc,
    ),
    (
        "prom-0.0.4/counter_name_unit_append",
        counter_name_unit_append,
    ),
    ("prom-0.0.4/counter_total", counter_declared_with_total),
    ("prom-0.0.4/gauge", gauge_gg),
    ("prom-0.0.4/summary", summary_ss),
    ("prom-0.0.4/histogram", histogram_default_buckets),
    ("prom-0.0.4/gaugehistogram", gaugehistogram),
    ("prom-0.0.4/info", info_ii),
    ("prom-0.0.4/enum", enum_ee),
    ("prom-0.0.4/unicode", unicode_gauge),
    ("prom-0.0.4/escaping", escaping_gauge),
    ("prom-0.0.4/nonnumber", nonnumber),
    ("prom-0.0.4/timestamp", timestamps),
    ("prom-0.0.4/push", push_gauge),
    ("prom-0.0.4/roundtrip", roundtrip_text),
    ("openmetrics/counter", counter_cc),
    ("openmetrics/counter_utf8", counter_with_dots),
    (
        "openmetrics/counter_utf8_escaped_underscores",
        counter_utf8_cc,
    ),
    ("openmetrics/counter_total", counter_declared_with_total),
    ("openmetrics/counter_unit", counter_unit_seconds),
    ("openmetrics/gauge", gauge_gg),
    ("openmetrics/summary", summary_ss),
    ("openmetrics/histogram", histogram_default_buckets),
    (
        "openmetrics/native_plus_classic_histogram_two_labelsets_OM_1",
        classic_part_of_native_histogram,
    ),
    (
        "openmetrics/histogram_negative_buckets",
        histogram_negative_buckets,
    ),
    ("openmetrics/histogram_exemplar", histogram_exemplars),
    ("openmetrics/counter_exemplar", counter_exemplar),
    ("openmetrics/gaugehistogram", gaugehistogram),
    (
        "openmetrics/gaugehistogram_negative_buckets",
        gaugehistogram_negative_buckets,
    ),
    ("openmetrics/info", info_ii),
    ("openmetrics/enum", enum_ee),
    ("openmetrics/unicode", unicode_counter),
    ("openmetrics/escaping", escaping_counter),
    ("openmetrics/nonnumber", nonnumber),
    ("openmetrics/timestamp", timestamps),
    ("openmetrics/roundtrip", roundtrip_openmetrics),
];

fn registry() -> Registry {
    Registry::new(ManualClock::shared(MOCKED_TIME))
}

fn counter_cc() -> Result<Registry, ClientError> {
    let registry = registry();
    registry.counter(&Opts::new("cc", "A counter"))?.inc();
    Ok(registry)
}

fn counter_utf8_cc() -> Result<Registry, ClientError> {
    let registry = registry();
    registry.counter(&Opts::new("utf8.cc", "A counter"))?.inc();
    Ok(registry)
}

fn counter_with_dots() -> Result<Registry, ClientError> {
    let registry = registry();
    registry
        .counter(&Opts::new("cc.with.dots", "A counter"))?
        .inc();
    Ok(registry)
}

fn counter_name_unit_append() -> Result<Registry, ClientError> {
    let registry = registry();
    registry
        .counter(&Opts::new("requests", "Request counter").unit("total"))?
        .inc();
    Ok(registry)
}

fn counter_declared_with_total() -> Result<Registry, ClientError> {
    let registry = registry();
    registry.counter(&Opts::new("cc_total", "A counter"))?.inc();
    Ok(registry)
}

fn counter_unit_seconds() -> Result<Registry, ClientError> {
    let registry = registry();
    registry
        .counter(&Opts::new("cc_seconds", "A counter").unit("seconds"))?
        .inc();
    Ok(registry)
}

fn gauge_gg() -> Result<Registry, ClientError> {
    let registry = registry();
    registry.gauge(&Opts::new("gg", "A gauge"))?.set(17.0);
    Ok(registry)
}

fn summary_ss() -> Result<Registry, ClientError> {
    let registry = registry();
    let summary = registry.summary_vec(
        &Opts::new("ss", "A summary"),
        SummaryOpts::default(),
        &["a", "b"],
    )?;
    summary.labels(&["c", "d"])?.observe(17.0);
    Ok(registry)
}

fn histogram_default_buckets() -> Result<Registry, ClientError> {
    let registry = registry();
    registry
        .histogram(&Opts::new("hh", "A histogram"), &DEFAULT_BUCKETS)?
        .observe(0.05);
    Ok(registry)
}

fn histogram_negative_buckets() -> Result<Registry, ClientError> {
    let registry = registry();
    registry
        .histogram(
            &Opts::new("hh", "A histogram"),
            &[-1.0, -0.5, 0.0, 0.5, 1.0],
        )?
        .observe(-0.5);
    Ok(registry)
}

fn histogram_exemplars() -> Result<Registry, ClientError> {
    let registry = registry();
    let histogram = registry.histogram(&Opts::new("hh", "A histogram"), &[1.0, 2.0, 3.0, 4.0])?;
    histogram.observe_with_exemplar(0.5, &[("a", "b")])?;
    histogram.observe_with_exemplar(1.5, &[("le", "7")])?;
    histogram.observe_with_exemplar(2.5, &[("a", "b")])?;
    histogram.observe_with_exemplar(3.5, &[("a", "\n\"\\")])?;
    Ok(registry)
}

fn counter_exemplar() -> Result<Registry, ClientError> {
    let registry = registry();
    registry
        .counter(&Opts::new("cc", "A counter"))?
        .inc_with_exemplar(1.0, &[("a", "b")])?;
    Ok(registry)
}

fn gaugehistogram() -> Result<Registry, ClientError> {
    let registry = registry();
    registry.register(StaticCollector(vec![gauge_histogram_family(
        "gh",
        "help",
        &[("1.0", 4.0), ("+Inf", 5.0)],
        7.0,
    )]))?;
    Ok(registry)
}

fn gaugehistogram_negative_buckets() -> Result<Registry, ClientError> {
    let registry = registry();
    registry.register(StaticCollector(vec![gauge_histogram_family(
        "gh",
        "help",
        &[("-1.0", 4.0), ("+Inf", 5.0)],
        -7.0,
    )]))?;
    Ok(registry)
}

fn info_ii() -> Result<Registry, ClientError> {
    let registry = registry();
    let info = registry.info_vec(&Opts::new("ii", "A info"), &["a", "b"])?;
    info.labels(&["c", "d"])?.info(&[("foo", "bar")])?;
    Ok(registry)
}

fn enum_ee() -> Result<Registry, ClientError> {
    let registry = registry();
    let states = registry.enum_vec(&Opts::new("ee", "An enum"), &["foo", "bar"], &["a", "b"])?;
    states.labels(&["c", "d"])?.state("bar")?;
    Ok(registry)
}

fn unicode_gauge() -> Result<Registry, ClientError> {
    let registry = registry();
    registry
        .gauge_vec(&Opts::new("cc", "\u{4500}"), &["l"])?
        .labels(&["\u{4500}"])?
        .inc();
    Ok(registry)
}

fn unicode_counter() -> Result<Registry, ClientError> {
    let registry = registry();
    registry
        .counter_vec(&Opts::new("cc", "\u{4500}"), &["l"])?
        .labels(&["\u{4500}"])?
        .inc();
    Ok(registry)
}

fn escaping_gauge() -> Result<Registry, ClientError> {
    let registry = registry();
    registry
        .gauge_vec(&Opts::new("cc", "A\ngaug\\e"), &["a"])?
        .labels(&["\\x\n\""])?
        .inc_by(1.0);
    Ok(registry)
}

fn escaping_counter() -> Result<Registry, ClientError> {
    let registry = registry();
    registry
        .counter_vec(&Opts::new("cc", "A\ncount\\er\""), &["a"])?
        .labels(&["\\x\n\""])?
        .inc_by(1.0)?;
    Ok(registry)
}

fn nonnumber() -> Result<Registry, ClientError> {
    let registry = registry();
    let family = FamilyBuilder::new("nonnumber", "Non number", MetricType::Unknown).sample(
        "nonnumber",
        &[],
        123.0,
    );
    registry.register(StaticCollector(vec![family.build()]))?;
    Ok(registry)
}

fn timestamps() -> Result<Registry, ClientError> {
    let registry = registry();
    let family = FamilyBuilder::new("ts", "help", MetricType::Unknown)
        .sample_at("ts", &[("foo", "a")], 0.0, Timestamp::Seconds(123.456))
        .sample_at("ts", &[("foo", "b")], 0.0, Timestamp::Seconds(-123.456))
        .sample_at("ts", &[("foo", "c")], 0.0, Timestamp::WholeSeconds(123))
        .sample_at(
            "ts",
            &[("foo", "d")],
            0.0,
            Timestamp::Exact {
                secs: 123,
                nanos: 456_000_000,
            },
        )
        .sample_at(
            "ts",
            &[("foo", "e")],
            0.0,
            Timestamp::Exact {
                secs: 123,
                nanos: 456_000,
            },
        )
        .sample_at(
            "ts",
            &[("foo", "f")],
            0.0,
            Timestamp::Exact {
                secs: 123,
                nanos: 456,
            },
        );
    registry.register(StaticCollector(vec![family.build()]))?;
    Ok(registry)
}

fn push_gauge() -> Result<Registry, ClientError> {
    let registry = registry();
    registry.gauge(&Opts::new("g", "help"))?;
    Ok(registry)
}

/// Case 35: only the classic samples of a native-plus-classic family survive in OM 1.0.
fn classic_part_of_native_histogram() -> Result<Registry, ClientError> {
    let registry = registry();
    let name = "hist_w_classic_two_sets";
    let help = "Is an example of a native histogram plus a classic histogram with two label sets in OM 1.0.0";
    let mut family = FamilyBuilder::new(name, help, MetricType::Histogram);
    for label_value in ["bar", "baz"] {
        family = family
            .sample(
                format!("{name}_bucket"),
                &[("foo", label_value), ("le", "0.001")],
                4.0,
            )
            .sample(
                format!("{name}_bucket"),
                &[("foo", label_value), ("le", "+Inf")],
                24.0,
            )
            .sample(format!("{name}_count"), &[("foo", label_value)], 24.0)
            .sample(format!("{name}_sum"), &[("foo", label_value)], 100.0);
    }
    registry.register(StaticCollector(vec![family.build()]))?;
    Ok(registry)
}

/// A summary written the way a parser hands it over: quantile label values as written.
fn parsed_summary(
    name: &str,
    help: &str,
    quantiles: &[(&str, f64)],
    sum: f64,
    count: f64,
) -> FamilyBuilder {
    let mut family = FamilyBuilder::new(name, help, MetricType::Summary);
    for (quantile, value) in quantiles {
        family = family.sample(name, &[("quantile", quantile)], *value);
    }
    family
        .sample(format!("{name}_sum"), &[], sum)
        .sample(format!("{name}_count"), &[], count)
}

const GC_QUANTILE_VALUES: [f64; 5] = [
    0.013300656000000001,
    0.013638736,
    0.013759906,
    0.013962066,
    0.021383540000000003,
];
const CHUNK_OPS: [(&str, f64); 8] = [
    ("clone", 28.0),
    ("create", 997844.0),
    ("drop", 1345758.0),
    ("load", 1641.0),
    ("persist", 981408.0),
    ("pin", 32662.0),
    ("transcode", 980180.0),
    ("unpin", 32662.0),
];

/// The families both roundtrip texts share; `quantile_words` are how each text writes 0 … 1.
fn roundtrip_common(quantile_words: [&str; 5]) -> Vec<promplay::expo::MetricFamily> {
    let gc: Vec<(&str, f64)> = quantile_words.into_iter().zip(GC_QUANTILE_VALUES).collect();
    let batch = "prometheus_local_storage_indexing_batch_duration_milliseconds";
    let mut chunk_ops = FamilyBuilder::counter(
        "prometheus_local_storage_chunk_ops_total",
        "The total number of chunk operations by their type.",
    );
    for (kind, value) in CHUNK_OPS {
        chunk_ops = chunk_ops.sample(
            "prometheus_local_storage_chunk_ops_total",
            &[("type", kind)],
            value,
        );
    }
    vec![
        parsed_summary("go_gc_duration_seconds", "A summary of the GC invocation durations.", &gc, 56.12904785, 7476.0)
            .build(),
        FamilyBuilder::new("go_goroutines", "Number of goroutines that currently exist.", MetricType::Gauge)
            .sample("go_goroutines", &[], 166.0)
            .build(),
        parsed_summary(
            batch,
            "Quantiles for batch indexing duration in milliseconds.",
            &[("0.5", f64::NAN), ("0.9", f64::NAN), ("0.99", f64::NAN)],
            871.5665949999999,
            229.0,
        )
        .build(),
        FamilyBuilder::counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.")
            .sample("process_cpu_seconds_total", &[], 29323.4)
            .build(),
        FamilyBuilder::new("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge)
            .sample("process_virtual_memory_bytes", &[], 2478268416.0)
            .build(),
        FamilyBuilder::new(
            "prometheus_build_info",
            "A metric with a constant '1' value labeled by version, revision, and branch from which Prometheus was built.",
            MetricType::Gauge,
        )
        .sample("prometheus_build_info", &[("version", "0.16.0rc1"), ("revision", "ef176e5"), ("branch", "HEAD")], 1.0)
        .build(),
        chunk_ops.build(),
    ]
}

/// Case 49's families built by hand (the parse step needs the text parser).
fn roundtrip_text() -> Result<Registry, ClientError> {
    let registry = registry();
    let mut families = roundtrip_common(["0", "0.25", "0.5", "0.75", "1"]);
    let gc: Vec<(&str, f64)> = ["0", "0.25", "0.5", "0.75", "1"]
        .into_iter()
        .zip(GC_QUANTILE_VALUES)
        .collect();
    families.push(
        parsed_summary(
            "my.utf8.metric.#{}=",
            "A fancy metric with dots.",
            &gc,
            56.12904785,
            7476.0,
        )
        .build(),
    );
    registry.register(StaticCollector(families))?;
    Ok(registry)
}

/// Case 50's families built by hand (the parse step needs the OpenMetrics parser).
fn roundtrip_openmetrics() -> Result<Registry, ClientError> {
    let registry = registry();
    let mut families = roundtrip_common(["0.0", "0.25", "0.5", "0.75", "1.0"]);
    let bounds = [
        0.0,
        1e-05,
        0.0001,
        0.1,
        1.0,
        10.0,
        100000.0,
        1e6,
        1555555.55555552,
        1e23,
        f64::INFINITY,
    ];
    let counts = [0.0, 0.0, 0.0, 8.0, 10.0, 17.0, 17.0, 17.0, 17.0, 17.0, 17.0];
    let mut buckets_family = FamilyBuilder::new(
        "foo",
        "histogram Testing histogram buckets",
        MetricType::Histogram,
    );
    for (bound, count) in bounds.iter().zip(counts) {
        // The `le` values go through the encoder's number formatting, as client_python's parser does.
        buckets_family =
            buckets_family.sample("foo_bucket", &[("le", &float_to_go_string(*bound))], count);
    }
    buckets_family = buckets_family
        .sample("foo_count", &[], 17.0)
        .sample("foo_sum", &[], 324789.3)
        .sample("foo_created", &[], 1520430000.123);
    families.push(buckets_family.build());
    families.push(
        FamilyBuilder::new(
            "bar",
            "histogram Testing with labels",
            MetricType::Histogram,
        )
        .sample("bar_bucket", &[("a", "b"), ("le", "+Inf")], 0.0)
        .sample("bar_bucket", &[("a", "c"), ("le", "+Inf")], 0.0)
        .build(),
    );
    registry.register(StaticCollector(families))?;
    Ok(registry)
}

// ---- reading the expected file ----

#[derive(Debug, Default)]
struct Case {
    number: String,
    name: String,
    encoder: String,
    setup: String,
    expected: String,
}

#[derive(Debug, Default)]
struct Table {
    name: String,
    rows: Vec<Vec<String>>,
}

fn parse_expected_file(content: &str) -> (Vec<Case>, Vec<Table>) {
    let mut cases = Vec::new();
    let mut tables = Vec::new();
    let mut lines = content.lines();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("==== CASE ") {
            let (number, name) = rest.split_once(": ").unwrap_or((rest, ""));
            let mut case = Case {
                number: number.to_string(),
                name: name.trim().to_string(),
                ..Case::default()
            };
            let mut in_expected = false;
            for line in lines.by_ref() {
                if line == "---- END EXPECTED" {
                    break;
                } else if in_expected {
                    case.expected.push_str(line);
                    case.expected.push('\n');
                } else if line == "---- BEGIN EXPECTED" {
                    in_expected = true;
                } else if let Some(encoder) = line.strip_prefix("encoder: ") {
                    case.encoder = encoder.to_string();
                } else if let Some(setup) = line.strip_prefix("setup: ") {
                    case.setup = setup.to_string();
                }
            }
            cases.push(case);
        } else if let Some(rest) = line.strip_prefix("==== TABLE ") {
            let name = rest.split_once(": ").map_or(rest, |(_, n)| n);
            let mut table = Table {
                name: name.split(' ').next().unwrap_or("").to_string(),
                rows: Vec::new(),
            };
            let mut in_table = false;
            for line in lines.by_ref() {
                if line == "---- END TABLE" {
                    break;
                } else if in_table {
                    table
                        .rows
                        .push(line.split('\t').map(python_string_literal).collect());
                } else if line == "---- BEGIN TABLE" {
                    in_table = true;
                }
            }
            tables.push(table);
        }
    }
    (cases, tables)
}

/// Decodes a `"..."` literal with backslash escapes (`\\`, `\"`, `\n`, `\uXXXX`).
fn python_string_literal(literal: &str) -> String {
    let inner = literal.trim().trim_start_matches('"').trim_end_matches('"');
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                out.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The escaping a case's encoder line names (client_python's default is underscores).
fn escaping_of(encoder: &str) -> NameEscaping {
    for marker in ["escaping: ", "escaping="] {
        if let Some(at) = encoder.find(marker) {
            let word: String = encoder[at + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if let Some(escaping) = NameEscaping::from_param(&word) {
                return escaping;
            }
        }
    }
    NameEscaping::Underscores
}

/// The OpenMetrics version a case's encoder line names (client_python's default is 1.0.0).
fn version_of(encoder: &str) -> OpenMetricsVersion {
    encoder
        .split_once("version=")
        .and_then(|(_, rest)| OpenMetricsVersion::from_param(rest.split([';', ' ']).next()?))
        .unwrap_or_default()
}

/// A line-by-line comparison, marking the lines that differ.
fn diff(expected: &str, actual: &str) -> String {
    let expected_lines: Vec<&str> = expected.lines().collect();
    let actual_lines: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    for index in 0..expected_lines.len().max(actual_lines.len()) {
        match (expected_lines.get(index), actual_lines.get(index)) {
            (Some(e), Some(a)) if e == a => out.push_str(&format!("    {e}\n")),
            (e, a) => {
                if let Some(e) = e {
                    out.push_str(&format!("  - {e}\n"));
                }
                if let Some(a) = a {
                    out.push_str(&format!("  + {a}\n"));
                }
            }
        }
    }
    if expected.ends_with('\n') != actual.ends_with('\n') {
        out.push_str("  (final newline differs)\n");
    }
    out
}

fn run_case(case: &Case, builder: Builder) -> Result<(), String> {
    let registry = builder().map_err(|error| format!("building failed: {error}"))?;
    compare(case, &registry.collect(), "")
}

/// Encodes `families` as the case's encoder line says and compares with the expected bytes.
fn compare(
    case: &Case,
    families: &[promplay::expo::MetricFamily],
    what: &str,
) -> Result<(), String> {
    let options = EncodeOptions::with_escaping(escaping_of(&case.encoder));
    let actual = if case.name.starts_with("openmetrics/") {
        openmetrics::encode_version(families, options, version_of(&case.encoder))
            .map_err(|error| format!("{what}encoding failed: {error}"))?
    } else {
        text::encode_with(families, options)
    };
    if actual == case.expected {
        Ok(())
    } else {
        Err(format!(
            "{what}output differs (- expected, + actual):\n{}",
            diff(&case.expected, &actual)
        ))
    }
}

/// A native histogram case: the families built here, and the expected text parsed by
/// the draft's parser, must both encode to the expected text.
fn run_native_case(case: &Case, builder: native_cases::Builder) -> Result<(), String> {
    compare(case, &builder(), "built families: ")?;
    let options = ParseOptions {
        format: Some(Format::OpenMetrics),
        strict: true,
    };
    let parsed = parse_with_version(
        case.expected.as_bytes(),
        options,
        OpenMetricsVersion::V2Draft,
    );
    if let Some(error) = parsed.errors.first() {
        return Err(format!("the expected text does not parse: {error}"));
    }
    compare(case, &parsed.families, "parsed and re-encoded: ")
}

fn run_table(table: &Table) -> Vec<String> {
    let escape: fn(&str, NameEscaping) -> String = match table.name.as_str() {
        "openmetrics/escape_metric_name" => escape_metric_name,
        "openmetrics/escape_label_name" => escape_label_name,
        other => {
            return vec![format!(
                "table {other}: no checker in tests/client_python.rs"
            )];
        }
    };
    let schemes = [
        NameEscaping::Underscores,
        NameEscaping::Dots,
        NameEscaping::Values,
    ];
    let mut failures = Vec::new();
    for row in &table.rows {
        for (scheme, expected) in schemes.iter().zip(row.iter().skip(1)) {
            let actual = escape(&row[0], *scheme);
            if &actual != expected {
                failures.push(format!(
                    "{}: {:?} with {scheme:?}: expected {expected:?}, got {actual:?}",
                    table.name, row[0]
                ));
            }
        }
    }
    failures
}

#[test]
fn client_python_conformance() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance/client_python_expected.txt");
    let Ok(content) = std::fs::read_to_string(&path) else {
        common::missing_reference(&format!(
            "client_python conformance: the data is absent ({} not found)",
            path.display()
        ));
        return;
    };
    let (cases, tables) = parse_expected_file(&content);
    assert!(!cases.is_empty(), "no cases found in {}", path.display());

    let (mut passed, mut native_passed) = (0, 0);
    let mut failures: Vec<String> = Vec::new();
    let mut roundtrips_built_by_hand = Vec::new();
    for case in &cases {
        if case.setup.contains("[NATIVE HISTOGRAM") {
            let builder = native_cases::BUILDERS
                .iter()
                .find(|(name, _)| *name == case.name);
            let result = match builder {
                Some((_, builder)) => run_native_case(case, *builder),
                None => Err("no native builder in tests/client_python/native_cases.rs".into()),
            };
            match result {
                Ok(()) => native_passed += 1,
                Err(message) => {
                    failures.push(format!("CASE {} {}: {message}", case.number, case.name))
                }
            }
            continue;
        }
        let Some((_, builder)) = BUILDERS.iter().find(|(name, _)| *name == case.name) else {
            failures.push(format!(
                "CASE {} {}: no builder in tests/client_python.rs",
                case.number, case.name
            ));
            continue;
        };
        if case.name.ends_with("/roundtrip") {
            roundtrips_built_by_hand.push(case.number.clone());
        }
        match run_case(case, *builder) {
            Ok(()) => passed += 1,
            Err(message) => failures.push(format!("CASE {} {}: {message}", case.number, case.name)),
        }
    }
    let mut table_rows = 0;
    for table in &tables {
        table_rows += table.rows.len();
        failures.extend(run_table(table));
    }

    for failure in &failures {
        println!("FAIL {failure}");
    }
    if !roundtrips_built_by_hand.is_empty() {
        println!(
            "note: roundtrip cases {} were built through the API and encoded; the parse -> encode \
             round trip itself needs the parser",
            roundtrips_built_by_hand.join(", ")
        );
    }
    println!(
        "client_python conformance: {} passed ({native_passed} of them native-histogram cases \
         in the OpenMetrics 2.0 draft's syntax), {} failed, 0 skipped; \
         {} escaping tables ({table_rows} rows) checked",
        passed + native_passed,
        failures.len(),
        tables.len(),
    );
    assert!(
        failures.is_empty(),
        "{} client_python conformance failure(s); see above",
        failures.len()
    );
}
