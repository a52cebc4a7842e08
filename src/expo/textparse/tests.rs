//! Unit tests of both parsers: what they build, and where and how they complain.

use super::*;
use crate::expo::{MetricType, Timestamp};

fn text(input: &str) -> Parsed {
    parse(
        input.as_bytes(),
        ParseOptions {
            format: Some(Format::Text),
            strict: false,
        },
    )
}

fn om(input: &str) -> Parsed {
    parse(
        input.as_bytes(),
        ParseOptions {
            format: Some(Format::OpenMetrics),
            strict: true,
        },
    )
}

fn only_error(parsed: &Parsed) -> String {
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    parsed.errors[0].to_string()
}

#[test]
fn text_builds_families_with_metadata_labels_and_timestamps() {
    let parsed = text(concat!(
        "# HELP http_requests_total Requests.\\nAll of them.\n",
        "# TYPE http_requests_total counter\n",
        "http_requests_total{method=\"GET\",path=\"/a\\\"b\\\\\"} 1027 1395066363000\n",
        "  http_requests_total { method = \"POST\" , } \t 3\n",
        "# a comment\n",
        "\n",
        "untyped_thing 1e3\n",
    ));
    assert!(parsed.is_valid(), "{:?}", parsed.errors);
    assert_eq!(parsed.families.len(), 2);
    let f = &parsed.families[0];
    assert_eq!(f.name, "http_requests_total");
    assert_eq!(f.metric_type, MetricType::Counter);
    assert_eq!(f.help.as_deref(), Some("Requests.\nAll of them."));
    assert_eq!(f.samples[0].label("path"), Some("/a\"b\\"));
    assert_eq!(
        f.samples[0].timestamp,
        Some(Timestamp::Millis(1_395_066_363_000))
    );
    assert_eq!(
        f.samples[1].labels,
        vec![("method".to_string(), "POST".to_string())]
    );
    assert_eq!(parsed.families[1].metric_type, MetricType::Unknown);
    assert_eq!(parsed.families[1].samples[0].value, 1000.0);
    assert_eq!(
        parsed.lines,
        vec![
            LineKind::Help(0),
            LineKind::Type(0),
            LineKind::Sample(0, 0),
            LineKind::Sample(0, 1),
            LineKind::Comment,
            LineKind::Blank,
            LineKind::Sample(1, 0)
        ]
    );
}

#[test]
fn text_groups_histogram_and_summary_samples() {
    let parsed = text(concat!(
        "# TYPE rpc_seconds histogram\n",
        "rpc_seconds_bucket{le=\"0.1\"} 1\n",
        "rpc_seconds_bucket{le=\"+Inf\"} 3\n",
        "rpc_seconds_sum 0.7\n",
        "rpc_seconds_count 3\n",
        "# TYPE gc summary\n",
        "gc{quantile=\"0.5\"} 0.01\n",
        "gc_sum 1\n",
        "gc_count 9\n",
    ));
    assert!(parsed.is_valid(), "{:?}", parsed.errors);
    assert_eq!(parsed.families.len(), 2);
    assert_eq!(parsed.families[0].samples.len(), 4);
    assert_eq!(parsed.families[1].samples.len(), 3);
    assert_eq!(parsed.families[0].samples[1].value, 3.0);
}

#[test]
fn text_special_values_and_quoted_utf8_names() {
    let parsed =
        text("a +Inf\nb -Inf\nc NaN\n{\"my.metric\", \"label.x\"=\"v\"} 2\n{__name__=\"d\"} 1\n");
    assert!(parsed.is_valid(), "{:?}", parsed.errors);
    let values: Vec<f64> = parsed.families.iter().map(|f| f.samples[0].value).collect();
    assert_eq!(values[0], f64::INFINITY);
    assert_eq!(values[1], f64::NEG_INFINITY);
    assert!(values[2].is_nan());
    assert_eq!(parsed.families[3].name, "my.metric");
    assert_eq!(
        parsed.families[3].samples[0].labels,
        vec![("label.x".to_string(), "v".to_string())]
    );
    assert_eq!(parsed.families[4].name, "d");
    assert!(only_error(&text("d{__name__=\"x\"} 1\n")).contains("given twice"));
}

#[test]
fn text_errors_name_line_column_and_what_was_expected() {
    assert_eq!(
        only_error(&text("ok 1\nbad{a=1} 2\n")),
        "2:7: expected a label value in double quotes, found \"1\" (in \"1} 2\")"
    );
    assert_eq!(
        only_error(&text("a\n")),
        "1:2: expected a space and the sample value after the metric, found the end of the line"
    );
    assert_eq!(
        only_error(&text("a{b=\"c\" d=\"e\"} 1")),
        "1:9: expected ',' or '}' after the label value, found \"d\" (in \"d=\\\"e\\\"} 1\")"
    );
    assert_eq!(
        only_error(&text("x 1 12ab\n")),
        "1:7: expected a space or the end of the line after the timestamp, found \"a\" (in \"ab\")"
    );
    assert!(only_error(&text("x 0x1p-3\n")).starts_with("1:3: invalid sample value \"0x1p-3\""));
    assert!(only_error(&text("# TYPE x wobbly\n")).contains("invalid metric type \"wobbly\""));
    assert_eq!(
        only_error(&text("a{b=\"c\",b=\"d\"} 1\n")),
        "1:9: duplicate label name \"b\""
    );
    assert!(only_error(&text("# TYPE h histogram\nh_bucket 1\n")).contains("has no \"le\" label"));
    // Columns count characters, not bytes.
    assert_eq!(
        only_error(&text("a{b=\"ü\",c=x} 1\n")).split(':').nth(1),
        Some("11")
    );
}

#[test]
fn text_keeps_going_after_bad_lines() {
    let parsed = text("good 1\nbad{ 1\nalso_good 2\nworse 1 2 3\nfine 3\n");
    assert_eq!(
        parsed.errors.iter().map(|e| e.line).collect::<Vec<_>>(),
        vec![2, 4]
    );
    let names: Vec<&str> = parsed.families.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["good", "also_good", "fine"]);
    assert_eq!(parsed.lines[1], LineKind::Error);
}

#[test]
fn text_rejects_metadata_after_samples_and_repeated_metadata() {
    assert!(only_error(&text("a 1\n# TYPE a gauge\n")).contains("comes after its samples"));
    assert!(only_error(&text("# HELP a x\n# HELP a y\n")).contains("second # HELP for a"));
    assert!(
        only_error(&text("# TYPE a gauge\nb 1\n# TYPE a gauge\n"))
            .contains("already appeared at line 1")
    );
}

#[test]
fn text_invalid_utf8_is_an_error_not_a_panic() {
    let parsed = parse(
        b"a{b=\"\xff\"} 1\n",
        ParseOptions {
            format: Some(Format::Text),
            strict: false,
        },
    );
    assert!(only_error(&parsed).contains("invalid UTF-8"));
    let parsed = parse(
        b"a{\xff=\"x\"} 1\n",
        ParseOptions {
            format: Some(Format::Text),
            strict: false,
        },
    );
    assert!(only_error(&parsed).contains("the invalid UTF-8 byte 0xff"));
}

#[test]
fn openmetrics_builds_canonical_families_with_exemplars_and_units() {
    let parsed = om(concat!(
        "# TYPE rpc_seconds histogram\n",
        "# UNIT rpc_seconds seconds\n",
        "# HELP rpc_seconds RPC latency.\n",
        "rpc_seconds_bucket{le=\"0.1\"} 1 # {trace_id=\"abc\"} 0.05 1700000000.5\n",
        "rpc_seconds_bucket{le=\"+Inf\"} 2\n",
        "rpc_seconds_count 2\n",
        "rpc_seconds_sum 0.5\n",
        "rpc_seconds_created 1700000000\n",
        "# TYPE jobs counter\n",
        "jobs_total 4 1700000001 # {} 1\n",
        "# EOF\n",
    ));
    assert!(parsed.is_valid(), "{:?}", parsed.errors);
    let h = &parsed.families[0];
    assert_eq!(
        (h.name.as_str(), h.metric_type, h.unit.as_deref()),
        ("rpc_seconds", MetricType::Histogram, Some("seconds"))
    );
    let exemplar = h.samples[0].exemplar.as_ref().unwrap();
    assert_eq!(
        exemplar.labels,
        vec![("trace_id".to_string(), "abc".to_string())]
    );
    assert_eq!(
        exemplar.timestamp,
        Some(Timestamp::Seconds(1_700_000_000.5))
    );
    assert_eq!(h.samples[4].timestamp, None);
    let c = &parsed.families[1];
    assert_eq!(
        c.samples[0].timestamp,
        Some(Timestamp::WholeSeconds(1_700_000_001))
    );
    assert!(c.samples[0].exemplar.as_ref().unwrap().labels.is_empty());
    assert_eq!(*parsed.lines.last().unwrap(), LineKind::Eof);
}

#[test]
fn openmetrics_grammar_errors() {
    assert!(only_error(&om("a 1\n")).contains("\"# EOF\" ending the OpenMetrics text"));
    assert!(
        only_error(&om("a 1\n# EOF\nb 2\n")).starts_with("3:1: unexpected content after # EOF")
    );
    assert!(
        only_error(&om("a  1\n# EOF\n")).starts_with("1:3: expected a sample value, found a space")
    );
    assert!(
        only_error(&om("# comment\n# EOF\n")).starts_with("1:3: expected HELP, TYPE, UNIT or EOF")
    );
    assert!(only_error(&om("a 1\n\n# EOF\n")).starts_with("2:1: blank lines"));
    assert!(only_error(&om("a{a=\"1\",} 1\n# EOF\n")).contains("a label name after ','"));
    assert!(only_error(&om("a 1 NaN\n# EOF\n")).contains("invalid timestamp NaN"));
    assert!(
        only_error(&om("# TYPE a untyped\n# EOF\n")).contains("invalid metric type \"untyped\"")
    );
}

#[test]
fn openmetrics_strict_rules_and_lenient_mode() {
    let input = "# TYPE a counter\na_total -1\n# EOF\n";
    assert!(only_error(&om(input)).contains("cannot be negative"));
    let lenient = parse(
        input.as_bytes(),
        ParseOptions {
            format: Some(Format::OpenMetrics),
            strict: false,
        },
    );
    assert!(lenient.is_valid());
    assert!(only_error(&om("# TYPE s stateset\ns{s=\"x\"} 2\n# EOF\n")).contains("0 or 1"));
    // The specification's info and stateset rules: names, one sample per state,
    // and a family name used once.
    assert!(only_error(&om("# TYPE i info\ni{a=\"1\"} 1\n# EOF\n")).contains("used twice"));
    assert!(
        only_error(&om(
            "# TYPE s stateset\ns{s=\"a\"} 1\ns{s=\"a\"} 0\n# EOF\n"
        ))
        .contains("appears twice")
    );
    for good in [
        "# TYPE s stateset\ns{s=\"a\",x=\"1\"} 1\ns{s=\"b\",x=\"1\"} 0\ns{s=\"a\",x=\"2\"} 0\n# EOF\n",
        "# TYPE i info\ni_info{a=\"1\"} 1\ni_info{a=\"2\"} 1\n# EOF\n",
    ] {
        assert!(om(good).is_valid(), "{good}");
    }
    assert!(
        only_error(&om("# TYPE a gauge\na 1 # {x=\"y\"} 1\n# EOF\n"))
            .contains("exemplars are only allowed")
    );
    assert!(
        only_error(&om("# TYPE a_created gauge\n# TYPE a counter\n# EOF\n"))
            .contains("used by two families")
    );
    assert!(
        only_error(&om(
            "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n# EOF\n"
        ))
        .contains("must not decrease")
    );
}

#[test]
fn format_detection() {
    assert_eq!(detect_format(b"a 1\n# EOF\n"), Format::OpenMetrics);
    assert_eq!(detect_format(b"a 1\n# EOF"), Format::OpenMetrics);
    assert_eq!(
        detect_format(b"# UNIT a_seconds seconds\na_seconds 1\n"),
        Format::OpenMetrics
    );
    assert_eq!(detect_format(b"# TYPE a counter\na 1\n"), Format::Text);
    assert_eq!(detect_format(b""), Format::Text);
}

#[test]
fn prefixes_and_byte_flips_of_valid_input_never_panic() {
    let seed = concat!(
        "# HELP a_total x\\n\n# TYPE a counter\n# UNIT a_seconds s\n",
        "a_total{l=\"v\\\"\",\"q.x\"=\"ü\"} 1.5e3 123 # {t=\"1\"} 2 3.5\n",
        "{\"u.n\"} NaN\n# EOF\n"
    )
    .as_bytes();
    let replacements = [
        b'"', b'{', b'}', b'\\', b' ', b'\n', b'#', 0xff, 0xc3, b'=', b',',
    ];
    for end in 0..=seed.len() {
        for format in [Format::Text, Format::OpenMetrics] {
            let _ = parse(
                &seed[..end],
                ParseOptions {
                    format: Some(format),
                    strict: true,
                },
            );
        }
    }
    for i in 0..seed.len() {
        for &r in &replacements {
            let mut mutated = seed.to_vec();
            mutated[i] = r;
            for format in [Format::Text, Format::OpenMetrics] {
                let _ = parse(
                    &mutated,
                    ParseOptions {
                        format: Some(format),
                        strict: true,
                    },
                );
            }
        }
    }
}

#[test]
fn a_native_histogram_sample_marks_the_openmetrics_2_draft() {
    let draft = b"# TYPE nh histogram\nnh {count:1,sum:1,schema:0,zero_threshold:0.001,zero_count:1}\n# EOF\n";
    assert!(uses_openmetrics2_draft(draft, None));
    assert!(!uses_openmetrics2_draft(draft, Some(Format::Text)));
    let classic = b"# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n# EOF\n";
    assert!(!uses_openmetrics2_draft(classic, None));
    // The draft parses it; 1.0 says the syntax is the draft's.
    let parsed = parse_with_version(draft, ParseOptions::default(), OpenMetricsVersion::V2Draft);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert!(parsed.families[0].samples[0].native.is_some());
    let v1 = parse(draft, ParseOptions::default());
    assert!(
        v1.errors.iter().any(|e| e.to_string().contains("2.0")),
        "{:?}",
        v1.errors
    );
}
