//! Whole documents with the OpenMetrics 2.0 draft's native histograms: what the
//! parser builds, and that OpenMetrics 1.0 and the 1.0 rules still apply elsewhere.

use super::*;
use crate::expo::model::NativeHistogram;
use crate::expo::{MetricType, Timestamp};
use crate::histogram::CounterResetHint;

const NH: &str = "{count:24,sum:100,schema:0,zero_threshold:0.001,zero_count:4,negative_spans:[0:2,1:2],negative_deltas:[2,1,-2,3],positive_spans:[0:2,1:2],positive_deltas:[2,1,-3,3]}";

fn om(input: &str, version: OpenMetricsVersion) -> Parsed {
    let options = ParseOptions {
        format: Some(Format::OpenMetrics),
        strict: true,
    };
    parse_with_version(input.as_bytes(), options, version)
}

fn messages(parsed: &Parsed) -> Vec<String> {
    parsed.errors.iter().map(ToString::to_string).collect()
}

#[test]
fn a_native_sample_with_exemplars_joins_its_histogram_family() {
    let input = format!(
        "# TYPE nh histogram\nnh{{a=\"b\"}} {NH} 12.5 # {{trace_id=\"KOO5S4vxi0o\"}} 0.67 # {{trace_id=\"oHg5SJYRHA0\"}} 9.8 1520879607.789\n\
         nh_bucket{{a=\"b\",le=\"+Inf\"}} 24 12.5\nnh_count{{a=\"b\"}} 24 12.5\nnh_sum{{a=\"b\"}} 100 12.5\n# EOF\n"
    );
    let parsed = om(&input, OpenMetricsVersion::V2Draft);
    assert!(parsed.is_valid(), "{:?}", messages(&parsed));
    assert_eq!(parsed.families.len(), 1);
    let sample = &parsed.families[0].samples[0];
    assert_eq!((sample.name.as_str(), sample.value), ("nh", 24.0));
    assert_eq!(sample.timestamp, Some(Timestamp::Seconds(12.5)));
    assert_eq!(sample.exemplar.as_ref().unwrap().value, 0.67);
    assert_eq!(sample.extra_exemplars.len(), 1);
    assert_eq!(
        sample.extra_exemplars[0].timestamp,
        Some(Timestamp::Seconds(1520879607.789))
    );
    let Some(NativeHistogram::Int(h)) = sample.native.as_deref() else {
        panic!("no native histogram: {sample:?}");
    };
    assert_eq!(
        (h.count, h.zero_count, h.positive_buckets.len()),
        (24, 4, 4)
    );
}

#[test]
fn openmetrics_1_0_names_the_draft_syntax() {
    let input = format!("# TYPE nh histogram\nnh {NH}\n# EOF\n");
    let parsed = om(&input, OpenMetricsVersion::V1);
    assert_eq!(messages(&parsed), [format!("2:4: {}", native::NOT_IN_V1)]);
}

#[test]
fn errors_inside_the_value_have_their_column() {
    let input = "# TYPE nh histogram\nnh{a=\"b\"} {count:1,sum:x}\n# EOF\n";
    let parsed = om(input, OpenMetricsVersion::V2Draft);
    assert_eq!(
        messages(&parsed),
        ["2:24: invalid native histogram sum \"x\": expected a decimal number, Inf or NaN"]
    );
    let input = format!("# TYPE nh histogram\nnh {NH} # {{a=\"b\"}} 1 #\n# EOF\n");
    let parsed = om(&input, OpenMetricsVersion::V2Draft);
    assert_eq!(parsed.errors.len(), 1, "{:?}", messages(&parsed));
    assert!(messages(&parsed)[0].contains("the exemplar's labels"));
}

#[test]
fn the_1_0_rules_still_hold_around_native_samples() {
    // One exemplar per classic sample, in either version.
    let input = "# TYPE c counter\nc_total 1 # {a=\"b\"} 1 # {a=\"c\"} 2\n# EOF\n";
    for version in [OpenMetricsVersion::V1, OpenMetricsVersion::V2Draft] {
        let errors = messages(&om(input, version));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("2:23: a sample has at most one exemplar"),
            "{errors:?}"
        );
    }
    // A native sample outside a histogram family.
    let input = format!("# TYPE g gauge\ng {NH}\n# EOF\n");
    let errors = messages(&om(&input, OpenMetricsVersion::V2Draft));
    assert!(
        errors.iter().any(|e| e.contains("belongs to a histogram")),
        "{errors:?}"
    );
    // A group split by another.
    let input = format!(
        "# TYPE h histogram\nh{{a=\"1\"}} {NH}\nh{{a=\"2\"}} {NH}\nh_count{{a=\"1\"}} 24\nh_sum{{a=\"1\"}} 1\n# EOF\n"
    );
    let errors = messages(&om(&input, OpenMetricsVersion::V2Draft));
    assert!(
        errors.iter().any(|e| e.contains("must be together")),
        "{errors:?}"
    );
}

#[test]
fn a_gauge_histogram_native_sample_is_a_gauge() {
    let input = format!("# TYPE gh gaugehistogram\ngh {NH}\n# EOF\n");
    let parsed = om(&input, OpenMetricsVersion::V2Draft);
    assert!(parsed.is_valid(), "{:?}", messages(&parsed));
    assert_eq!(parsed.families[0].metric_type, MetricType::GaugeHistogram);
    let Some(NativeHistogram::Int(h)) = parsed.families[0].samples[0].native.as_deref() else {
        panic!("no native histogram");
    };
    assert_eq!(h.counter_reset_hint, CounterResetHint::Gauge);
}
