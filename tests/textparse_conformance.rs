//! Prometheus's text-parser test data (`../shared/conformance/`): inputs its parsers
//! reject (each must be rejected here too, and we count how many of our messages say
//! the same thing as Prometheus's), and real scrape bodies that must parse.

mod common;

use promplay::expo::textparse::{Format, ParseOptions, parse};

/// Prometheus's message (regex-free prefix match) and a phrase our message must
/// contain to carry the same meaning.
const SAME_MEANING: &[(&str, &str)] = &[
    ("expected value after metric", "sample value"),
    ("expected label value", "label value"),
    ("expected label name", "label name"),
    ("expected equal", "'='"),
    ("expected comma or brace close", "',' or '}'"),
    ("unsupported character in float", "invalid"),
    ("strconv.ParseFloat", "invalid"),
    ("expected next entry after timestamp", "after the timestamp"),
    ("metric name not set", "no metric name"),
    ("expected metric name after TYPE", "metric name after TYPE"),
    ("expected metric name after HELP", "metric name after HELP"),
    ("invalid UTF-8 label value", "invalid UTF-8"),
    ("data does not end with # EOF", "# EOF"),
    ("unexpected data after # EOF", "after # EOF"),
    ("invalid metric type", "invalid metric type"),
    ("invalid exemplar timestamp", "invalid exemplar timestamp"),
    ("invalid timestamp", "invalid timestamp"),
    ("expected value after exemplar labels", "exemplar value"),
    ("expected a valid start token", "expected"),
    ("expected timestamp or # symbol", "timestamp"),
];

fn meaning_matches(prometheus: &str, ours: &str) -> Option<bool> {
    SAME_MEANING
        .iter()
        .find(|(prefix, _)| prometheus.starts_with(prefix))
        .map(|(_, phrase)| ours.contains(phrase))
}

#[test]
fn inputs_prometheus_rejects_are_rejected_with_a_position() {
    let Some(path) = common::conformance_path("textparse_error_cases.json") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let (mut total, mut agree, mut same_meaning, mut comparable) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    let mut differing = Vec::new();
    let groups: serde_json::Value = serde_json::from_str(&text).unwrap();
    for group in groups.as_object().unwrap().values() {
        let format = if group["format"] == "openmetrics-1.0" {
            Format::OpenMetrics
        } else {
            Format::Text
        };
        for case in group["cases"].as_array().unwrap() {
            let expect_success = case["expect_success"].as_bool().unwrap();
            let input = common::hex_decode(case["input_hex"].as_str().unwrap());
            let expected_error = case["expected_error"].as_str().unwrap_or("").to_string();
            total += 1;
            let parsed = parse(
                &input,
                ParseOptions {
                    format: Some(format),
                    strict: false,
                },
            );
            let accepted = parsed.is_valid();
            if accepted == expect_success {
                agree += 1;
            } else {
                failures.push(format!(
                    "{:?} {:?}: expected {}, got {}",
                    format,
                    String::from_utf8_lossy(&input),
                    if expect_success {
                        "success"
                    } else {
                        "an error"
                    },
                    parsed
                        .errors
                        .first()
                        .map(|e| e.to_string())
                        .unwrap_or("success".into())
                ));
            }
            if let Some(first) = parsed.errors.first().filter(|_| !expect_success) {
                assert!(
                    first.line >= 1 && first.column >= 1,
                    "errors carry a position: {first}"
                );
                if let Some(same) = meaning_matches(&expected_error, &first.message()) {
                    comparable += 1;
                    if same {
                        same_meaning += 1;
                    } else {
                        differing.push(format!(
                            "  prometheus: {expected_error}\n  promplay:   {first}"
                        ));
                    }
                }
            }
        }
    }
    println!("textparse error cases: {agree}/{total} accepted/rejected as Prometheus does");
    println!(
        "messages with the same meaning as Prometheus's: {same_meaning}/{comparable} comparable ({} cases have no comparable message)",
        total - comparable
    );
    for d in &differing {
        println!("{d}");
    }
    assert!(total > 100, "read only {total} cases");
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn real_scrape_bodies_parse() {
    let Some(dir) = common::conformance_path("textparse_testdata") else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let format = if name.contains(".om.") {
            Format::OpenMetrics
        } else {
            Format::Text
        };
        let input = std::fs::read(file).unwrap();
        let parsed = parse(
            &input,
            ParseOptions {
                format: Some(format),
                strict: false,
            },
        );
        assert!(
            parsed.is_valid(),
            "{name}: {:?}",
            &parsed.errors[..parsed.errors.len().min(5)]
        );
        let samples: usize = parsed.families.iter().map(|f| f.samples.len()).sum();
        assert!(samples > 0, "{name}: no samples");
        println!(
            "{name}: {} families, {samples} samples",
            parsed.families.len()
        );
    }
}
