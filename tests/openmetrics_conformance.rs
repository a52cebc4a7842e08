//! OpenMetrics's own parser test cases (`../shared/conformance/openmetrics/`): each
//! must be accepted or rejected as its `test.json` says, by the strict parser.

mod common;

use promplay::expo::textparse::{Format, ParseOptions, parse};

#[test]
fn openmetrics_cases_accept_and_reject_as_the_suite_says() {
    let Some(dir) = common::conformance_path("openmetrics") else {
        return;
    };
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    let (mut passed, mut failures) = (0, Vec::new());
    for case in &cases {
        let spec = std::fs::read_to_string(case.join("test.json")).unwrap();
        let should_parse = spec.contains("\"shouldParse\": true");
        assert!(
            should_parse || spec.contains("\"shouldParse\": false"),
            "unreadable {}",
            case.display()
        );
        let input = std::fs::read(case.join("metrics")).unwrap();
        let parsed = parse(
            &input,
            ParseOptions {
                format: Some(Format::OpenMetrics),
                strict: true,
            },
        );
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        if parsed.is_valid() == should_parse {
            passed += 1;
        } else if should_parse {
            failures.push(format!(
                "{name}: rejected, but it is valid: {}",
                parsed.errors[0]
            ));
        } else {
            failures.push(format!("{name}: accepted, but it is invalid"));
        }
    }
    println!(
        "OpenMetrics conformance: {passed}/{} cases as expected",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
