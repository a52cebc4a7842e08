//! Parse, then encode: the two roundtrip documents of client_python's tests must come
//! back byte for byte through our parsers and encoders (as through client_python's).

mod common;

use promplay::expo::convert::to_canonical;
use promplay::expo::encode::format::NameEscaping;
use promplay::expo::encode::{EncodeOptions, openmetrics, text};
use promplay::expo::textparse::{Format, ParseOptions, parse};

/// The expected text of the case named `name` in client_python_expected.txt.
fn expected(file: &str, name: &str) -> String {
    let start = file
        .find(&format!(": {name}\n"))
        .unwrap_or_else(|| panic!("no case {name}"));
    let body = &file[start..];
    let begin = body.find("---- BEGIN EXPECTED\n").unwrap() + "---- BEGIN EXPECTED\n".len();
    let end = body.find("---- END EXPECTED").unwrap();
    body[begin..end].to_string()
}

#[test]
fn text_roundtrip_reproduces_client_pythons_bytes() {
    let Some(path) = common::conformance_path("client_python_expected.txt") else {
        return;
    };
    let file = std::fs::read_to_string(path).unwrap();
    let input = expected(&file, "prom-0.0.4/roundtrip");
    let parsed = parse(
        input.as_bytes(),
        ParseOptions {
            format: Some(Format::Text),
            strict: true,
        },
    );
    assert!(parsed.is_valid(), "{:?}", parsed.errors);
    let options = EncodeOptions {
        escaping: NameEscaping::AllowUtf8,
    };
    assert_eq!(
        text::encode_with(&to_canonical(&parsed.families), options),
        input
    );
}

#[test]
fn openmetrics_roundtrip_reproduces_client_pythons_bytes() {
    let Some(path) = common::conformance_path("client_python_expected.txt") else {
        return;
    };
    let file = std::fs::read_to_string(path).unwrap();
    let input = expected(&file, "openmetrics/roundtrip");
    let parsed = parse(
        input.as_bytes(),
        ParseOptions {
            format: Some(Format::OpenMetrics),
            strict: true,
        },
    );
    assert!(parsed.is_valid(), "{:?}", parsed.errors);
    assert_eq!(openmetrics::encode(&parsed.families), input);
}

#[test]
fn converting_text_to_openmetrics_gives_valid_openmetrics() {
    let Some(dir) = common::conformance_path("textparse_testdata") else {
        return;
    };
    for name in [
        "alltypes.237mfs.prom.txt",
        "alltypes.237mfs.nometa.prom.txt",
    ] {
        let input = std::fs::read(dir.join(name)).unwrap();
        let parsed = parse(
            &input,
            ParseOptions {
                format: Some(Format::Text),
                strict: true,
            },
        );
        let converted = openmetrics::encode(&to_canonical(&parsed.families));
        let reparsed = parse(
            converted.as_bytes(),
            ParseOptions {
                format: Some(Format::OpenMetrics),
                strict: false,
            },
        );
        assert!(
            reparsed.is_valid(),
            "{name}: {:?}",
            &reparsed.errors[..reparsed.errors.len().min(3)]
        );
        let count = |families: &[promplay::expo::MetricFamily]| {
            families.iter().map(|f| f.samples.len()).sum::<usize>()
        };
        assert_eq!(
            count(&reparsed.families),
            count(&parsed.families),
            "{name}: samples kept"
        );
    }
}
