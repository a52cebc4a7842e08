//! Prometheus v2.42's template/template_test.go (TestTemplateExpansion,
//! TestTemplateExpansionAMD64, Test_floatToTime), one Rust test per scenario,
//! with the same texts, inputs, outputs and error messages.

// Test_floatToTime's literals are kept digit for digit.
#![allow(clippy::excessive_precision)]

use promplay::rules::template::{Expander, Querier, Value};

type Vector = Vec<(Vec<(String, String)>, f64)>;

struct Fixed(Vector);

impl Querier for Fixed {
    fn query(&mut self, _: &str, _: i64) -> Result<Vector, String> {
        Ok(self.0.clone())
    }
}

#[derive(Default)]
struct Scenario {
    text: &'static str,
    output: &'static str,
    input: Option<Value>,
    options: Option<Vec<String>>,
    query_result: Vector,
    should_fail: bool,
    html: bool,
    error_msg: &'static str,
}

/// testTemplateExpansion: ExternalURL http://testhost:9090/path/prefix, time 0.
fn run(s: Scenario) {
    let mut q = Fixed(s.query_result);
    let data = s.input.unwrap_or(Value::Nil);
    let mut e = Expander::new(
        s.text,
        "test",
        data,
        0,
        Some(&mut q),
        "http://testhost:9090/path/prefix",
    );
    e.options = s.options;
    let result = if s.html { e.expand_html() } else { e.expand() };
    if s.should_fail {
        assert_eq!(result, Err(s.error_msg.to_string()), "{}", s.text);
    } else {
        assert_eq!(result, Ok(s.output.to_string()), "{}", s.text);
    }
}

fn metric(pairs: &[(&str, &str)], v: f64) -> (Vec<(String, String)>, f64) {
    (
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        v,
    )
}

fn floats(v: &[f64]) -> Option<Value> {
    Some(Value::list(v.iter().map(|&f| Value::Float(f)).collect()))
}

fn strings(v: &[&str]) -> Option<Value> {
    Some(Value::list(v.iter().map(|&s| Value::str(s)).collect()))
}

fn int64s(v: &[i64]) -> Option<Value> {
    Some(Value::list(v.iter().map(|&i| Value::Int64(i)).collect()))
}

fn uint64s(v: &[u64]) -> Option<Value> {
    Some(Value::list(v.iter().map(|&u| Value::Uint64(u)).collect()))
}

fn ints(v: &[i64]) -> Option<Value> {
    Some(Value::list(v.iter().map(|&i| Value::Int(i)).collect()))
}

fn uints(v: &[u64]) -> Option<Value> {
    Some(Value::list(v.iter().map(|&u| Value::Uint(u)).collect()))
}

macro_rules! scenarios {
    ($($name:ident: { $($field:ident: $value:expr),* $(,)? })*) => {
        $(
            #[test]
            fn $name() {
                run(Scenario { $($field: $value,)* ..Default::default() });
            }
        )*
    };
}

const INSTANCE_A: &[(&str, &str)] = &[("__name__", "metric"), ("instance", "a")];

scenarios! {
    no_template: { text: "plain text", output: "plain text" }
    simple_value: { text: "{{ 1 }}", output: "1" }
    non_ascii_space: {
        text: "{{\u{a0}}}",
        should_fail: true,
        error_msg: "error parsing template test: template: test:1: unrecognized character in action: U+00A0",
    }
    html_escaping: { text: "{{ \"<b>\" }}", output: "&lt;b&gt;", html: true }
    disabling_html_escaping: { text: "{{ \"<b>\" | safeHtml }}", output: "<b>", html: true }
    html_escaping_not_in_text: { text: "{{ \"<b>\" }}", output: "<b>" }
    multiple_template_arguments: {
        text: "{{define \"x\"}}{{.arg0}} {{.arg1}}{{end}}{{template \"x\" (args 1 \"2\")}}",
        output: "1 2",
    }
    query_scalar: {
        text: "{{ query \"1.5\" | first | value }}",
        output: "1.5",
        query_result: vec![metric(&[], 1.5)],
    }
    query_value: {
        text: "{{ query \"metric{instance='a'}\" | first | value }}",
        query_result: vec![metric(INSTANCE_A, 11.0)],
        output: "11",
    }
    query_label: {
        text: "{{ query \"metric{instance='a'}\" | first | label \"instance\" }}",
        query_result: vec![metric(INSTANCE_A, 11.0)],
        output: "a",
    }
    query_strvalue: {
        text: "{{ query \"metric{__value__='a'}\" | first | strvalue }}",
        query_result: vec![metric(&[("__name__", "metric"), ("__value__", "a")], 11.0)],
        output: "a",
    }
    missing_label_with_label_function: {
        text: "{{ query \"metric{instance='a'}\" | first | label \"foo\" }}",
        query_result: vec![metric(INSTANCE_A, 11.0)],
        output: "",
    }
    missing_label_without_label_function: {
        text: "{{ $x := query \"metric\" | first }}{{ $x.Labels.foo }}",
        query_result: vec![metric(INSTANCE_A, 11.0)],
        output: "",
    }
    missing_label_without_label_function_html: {
        text: "{{ $x := query \"metric\" | first }}{{ $x.Labels.foo }}",
        query_result: vec![metric(INSTANCE_A, 11.0)],
        output: "",
        html: true,
    }
    range_over_query_sorted_by_label: {
        text: "{{ range query \"metric\" | sortByLabel \"instance\" }}{{.Labels.instance}}:{{.Value}}: {{end}}",
        query_result: vec![
            metric(&[("__name__", "metric"), ("instance", "b")], 21.0),
            metric(INSTANCE_A, 11.0),
        ],
        output: "a:11: b:21: ",
    }
    strip_port_simple_hostname: { text: "{{ \"foo.example.com\" | stripPort }}", output: "foo.example.com" }
    strip_port_hostname_with_port: { text: "{{ \"foo.example.com:12345\" | stripPort }}", output: "foo.example.com" }
    strip_port_ipv4: { text: "{{ \"192.0.2.1\" | stripPort }}", output: "192.0.2.1" }
    strip_port_ipv4_with_port: { text: "{{ \"192.0.2.1:12345\" | stripPort }}", output: "192.0.2.1" }
    strip_port_ipv6: { text: "{{ \"2001:0DB8::1\" | stripPort }}", output: "2001:0DB8::1" }
    strip_port_ipv6_with_port: { text: "{{ \"[2001:0DB8::1]:12345\" | stripPort }}", output: "2001:0DB8::1" }
    strip_port_unsplittable: { text: "{{ \"[2001:0DB8::1]::12345\" | stripPort }}", output: "[2001:0DB8::1]::12345" }
    missing_value_nil_options: { text: "{{ .Foo }}", output: "<no value>" }
    missing_value_no_options: { text: "{{ .Foo }}", options: Some(vec![]), output: "<no value>" }
    missing_value_missingkey_error: {
        text: "{{ .Foo }}",
        options: Some(vec!["missingkey=error".into()]),
        should_fail: true,
        error_msg: "error executing template test: template: test:1:3: executing \"test\" at <.Foo>: nil data; no entry for key \"Foo\"",
    }
    missing_value_nil_options_html: { text: "{{ .Foo }}", output: "", html: true }
    missing_value_no_options_html: { text: "{{ .Foo }}", options: Some(vec![]), output: "", html: true }
    missing_value_missingkey_error_html: {
        text: "{{ .Foo }}",
        options: Some(vec!["missingkey=error".into()]),
        should_fail: true,
        error_msg: "error executing template test: template: test:1:3: executing \"test\" at <.Foo>: nil data; no entry for key \"Foo\"",
        html: true,
    }
    unparsable_template: {
        text: "{{",
        should_fail: true,
        error_msg: "error parsing template test: template: test:1: unclosed action",
    }
    error_in_function: {
        text: "{{ query \"missing\" | first }}",
        should_fail: true,
        error_msg: "error executing template test: template: test:1:21: executing \"test\" at <first>: error calling first: first() called on vector with no elements",
    }
    panic_field_of_query_result: {
        text: "{{ (query \"missing\").banana }}",
        should_fail: true,
        error_msg: "error executing template test: template: test:1:10: executing \"test\" at <\"missing\">: can't evaluate field banana in type template.queryResult",
    }
    regex_replacement: { text: "{{ reReplaceAll \"(a)b\" \"x$1\" \"ab\" }}", output: "xa" }
    humanize_float64: {
        text: "{{ range . }}{{ humanize . }}:{{ end }}",
        input: floats(&[0.0, 1.0, 1234567.0, 0.12]),
        output: "0:1:1.235M:120m:",
    }
    humanize_string: {
        text: "{{ range . }}{{ humanize . }}:{{ end }}",
        input: strings(&["0.0", "1.0", "1234567.0", ".12"]),
        output: "0:1:1.235M:120m:",
    }
    humanize_string_with_error: {
        text: "{{ humanize \"one\" }}",
        should_fail: true,
        error_msg: "error executing template test: template: test:1:3: executing \"test\" at <humanize \"one\">: error calling humanize: strconv.ParseFloat: parsing \"one\": invalid syntax",
    }
    humanize_int: {
        text: "{{ range . }}{{ humanize . }}:{{ end }}",
        input: int64s(&[0, -1, 1, 1234567, i64::MAX]),
        output: "0:-1:1:1.235M:9.223E:",
    }
    humanize_uint: {
        text: "{{ range . }}{{ humanize . }}:{{ end }}",
        input: uint64s(&[0, 1, 1234567, u64::MAX]),
        output: "0:1:1.235M:18.45E:",
    }
    humanize1024_float64: {
        text: "{{ range . }}{{ humanize1024 . }}:{{ end }}",
        input: floats(&[0.0, 1.0, 1048576.0, 0.12]),
        output: "0:1:1Mi:0.12:",
    }
    humanize1024_string: {
        text: "{{ range . }}{{ humanize1024 . }}:{{ end }}",
        input: strings(&["0.0", "1.0", "1048576.0", ".12"]),
        output: "0:1:1Mi:0.12:",
    }
    humanize1024_string_with_error: {
        text: "{{ humanize1024 \"one\" }}",
        should_fail: true,
        error_msg: "error executing template test: template: test:1:3: executing \"test\" at <humanize1024 \"one\">: error calling humanize1024: strconv.ParseFloat: parsing \"one\": invalid syntax",
    }
    humanize1024_int: {
        text: "{{ range . }}{{ humanize1024 . }}:{{ end }}",
        input: int64s(&[0, -1, 1, 1234567, i64::MAX]),
        output: "0:-1:1:1.177Mi:8Ei:",
    }
    humanize1024_uint: {
        text: "{{ range . }}{{ humanize1024 . }}:{{ end }}",
        input: uint64s(&[0, 1, 1234567, u64::MAX]),
        output: "0:1:1.177Mi:16Ei:",
    }
    humanize_duration_seconds_float64: {
        text: "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
        input: floats(&[0.0, 1.0, 60.0, 3600.0, 86400.0, 86400.0 + 3600.0, -(86400.0 * 2.0 + 3600.0 * 3.0 + 60.0 * 4.0 + 5.0), 899.99]),
        output: "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:",
    }
    humanize_duration_seconds_string: {
        text: "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
        input: strings(&["0", "1", "60", "3600", "86400"]),
        output: "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:",
    }
    humanize_duration_subsecond_float64: {
        text: "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
        input: floats(&[0.1, 0.0001, 0.12345, 60.1, 60.5, 1.2345, 12.345]),
        output: "100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:",
    }
    humanize_duration_subsecond_string: {
        text: "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
        input: strings(&[".1", ".0001", ".12345", "60.1", "60.5", "1.2345", "12.345"]),
        output: "100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:",
    }
    humanize_duration_string_with_error: {
        text: "{{ humanizeDuration \"one\" }}",
        should_fail: true,
        error_msg: "error executing template test: template: test:1:3: executing \"test\" at <humanizeDuration \"one\">: error calling humanizeDuration: strconv.ParseFloat: parsing \"one\": invalid syntax",
    }
    humanize_duration_int: {
        text: "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
        input: ints(&[0, -1, 1, 1234567]),
        output: "0s:-1s:1s:14d 6h 56m 7s:",
    }
    humanize_duration_uint: {
        text: "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
        input: uints(&[0, 1, 1234567]),
        output: "0s:1s:14d 6h 56m 7s:",
    }
    humanize_inf_nan_float64: {
        text: "{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}",
        input: floats(&[f64::INFINITY, f64::NEG_INFINITY, f64::NAN]),
        output: "+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:",
    }
    humanize_inf_nan_string: {
        text: "{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}",
        input: strings(&["+Inf", "-Inf", "NaN"]),
        output: "+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:",
    }
    humanize_percentage_float64: {
        text: "{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:{{ 0.1234567 | humanizePercentage }}:{{ 1.23456 | humanizePercentage }}",
        output: "-22.22%:0%:12.35%:123.5%",
    }
    humanize_percentage_int: {
        text: "{{ range . }}{{ humanizePercentage . }}:{{ end }}",
        input: int64s(&[0, -1, 1, 1234567, i64::MAX]),
        output: "0%:-100%:100%:1.235e+08%:9.223e+20%:",
    }
    humanize_percentage_uint: {
        text: "{{ range . }}{{ humanizePercentage . }}:{{ end }}",
        input: uint64s(&[0, 1, 1234567, u64::MAX]),
        output: "0%:100%:1.235e+08%:1.845e+21%:",
    }
    humanize_percentage_string: {
        text: "{{ \"-0.22222\" | humanizePercentage }}:{{ \"0.0\" | humanizePercentage }}:{{ \"0.1234567\" | humanizePercentage }}:{{ \"1.23456\" | humanizePercentage }}",
        output: "-22.22%:0%:12.35%:123.5%",
    }
    humanize_percentage_string_with_error: {
        text: "{{ \"one\" | humanizePercentage }}",
        should_fail: true,
        error_msg: "error executing template test: template: test:1:11: executing \"test\" at <humanizePercentage>: error calling humanizePercentage: strconv.ParseFloat: parsing \"one\": invalid syntax",
    }
    humanize_timestamp_int: {
        text: "{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
        input: int64s(&[0, -1, 1, 1234567, 9223372036]),
        output: "1970-01-01 00:00:00 +0000 UTC:1969-12-31 23:59:59 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:",
    }
    humanize_timestamp_uint: {
        text: "{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
        input: uint64s(&[0, 1, 1234567, 9223372036]),
        output: "1970-01-01 00:00:00 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:",
    }
    humanize_timestamp_int_with_error: {
        text: "{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
        input: int64s(&[i64::MIN, i64::MAX]),
        should_fail: true,
        error_msg: "error executing template test: template: test:1:16: executing \"test\" at <humanizeTimestamp .>: error calling humanizeTimestamp: -9.223372036854776e+18 cannot be represented as a nanoseconds timestamp since it overflows int64",
    }
    humanize_timestamp_uint_with_error: {
        text: "{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
        input: uint64s(&[u64::MAX]),
        should_fail: true,
        error_msg: "error executing template test: template: test:1:16: executing \"test\" at <humanizeTimestamp .>: error calling humanizeTimestamp: 1.8446744073709552e+19 cannot be represented as a nanoseconds timestamp since it overflows int64",
    }
    humanize_timestamp_float64: { text: "{{ 1435065584.128 | humanizeTimestamp }}", output: "2015-06-23 13:19:44.128 +0000 UTC" }
    humanize_timestamp_string: { text: "{{ \"1435065584.128\" | humanizeTimestamp }}", output: "2015-06-23 13:19:44.128 +0000 UTC" }
    to_time_float64: { text: "{{ (1435065584.128 | toTime).Format \"2006\" }}", output: "2015" }
    to_time_string: { text: "{{ (\"1435065584.128\" | toTime).Format \"2006\" }}", output: "2015" }
    title: { text: "{{ \"aa bb CC\" | title }}", output: "Aa Bb CC" }
    to_upper: { text: "{{ \"aa bb CC\" | toUpper }}", output: "AA BB CC" }
    to_lower: { text: "{{ \"aA bB CC\" | toLower }}", output: "aa bb cc" }
    match_regex: { text: "{{ match \"a+\" \"aa\" }} {{ match \"a+\" \"b\" }}", output: "true false" }
    graph_link: { text: "{{ graphLink \"up\" }}", output: "/graph?g0.expr=up&g0.tab=0" }
    table_link: { text: "{{ tableLink \"up\" }}", output: "/graph?g0.expr=up&g0.tab=1" }
    tmpl: { text: "{{ define \"a\" }}x{{ end }}{{ $name := \"a\"}}{{ tmpl $name . }}", output: "x", html: true }
    path_prefix: { text: "{{ pathPrefix }}", output: "/path/prefix" }
    external_url: { text: "{{ externalURL }}", output: "http://testhost:9090/path/prefix" }
    parse_duration: { text: "{{ printf \"%0.2f\" (parseDuration \"1h2m10ms\") }}", output: "3720.01" }
    strip_domain_simple_hostname: { text: "{{ \"foo.example.com\" | stripDomain }}", output: "foo" }
    strip_domain_hostname_with_port: { text: "{{ \"foo.example.com:12345\" | stripDomain }}", output: "foo:12345" }
    strip_domain_ipv4: { text: "{{ \"192.0.2.1\" | stripDomain }}", output: "192.0.2.1" }
    strip_domain_ipv4_with_port: { text: "{{ \"192.0.2.1:12345\" | stripDomain }}", output: "192.0.2.1:12345" }
    strip_domain_ipv6: { text: "{{ \"2001:0DB8::1\" | stripDomain }}", output: "2001:0DB8::1" }
    strip_domain_ipv6_with_port: { text: "{{ \"[2001:0DB8::1]:12345\" | stripDomain }}", output: "[2001:0DB8::1]:12345" }
    strip_domain_unsplittable: { text: "{{ \"[2001:0DB8::1]::12345\" | stripDomain }}", output: "[2001:0DB8::1]::12345" }

    // TestTemplateExpansionAMD64: int64 conversion of out-of-range floats as on amd64.
    amd64_humanize_duration_max_int64: {
        text: "{{ humanizeDuration . }}",
        input: Some(Value::Int(i64::MAX)),
        output: "-106751991167300d -15h -30m -8s",
    }
    amd64_humanize_duration_max_uint64: {
        text: "{{ humanizeDuration . }}",
        input: Some(Value::Uint(u64::MAX)),
        output: "-106751991167300d -15h -30m -8s",
    }

    // Test_floatToTime, through toTime (floatToTime is unexported).
    float_to_time_happy_path: {
        text: "{{ toTime . }}",
        input: Some(Value::Float(1657155181.0)),
        output: "2022-07-07 00:53:01 +0000 UTC",
    }
    float_to_time_more_than_max_int64: {
        text: "{{ toTime . }}",
        input: Some(Value::Float(1.797_693_134_862_315_708_145_274_237_317_043_567_980_70e300)),
        should_fail: true,
        error_msg: "error executing template test: template: test:1:3: executing \"test\" at <toTime .>: error calling toTime: 1.7976931348623156e+300 cannot be represented as a nanoseconds timestamp since it overflows int64",
    }
    float_to_time_less_than_min_int64: {
        text: "{{ toTime . }}",
        input: Some(Value::Float(-1.797_693_134_862_315_708_145_274_237_317_043_567_980_70e300)),
        should_fail: true,
        error_msg: "error executing template test: template: test:1:3: executing \"test\" at <toTime .>: error calling toTime: -1.7976931348623156e+300 cannot be represented as a nanoseconds timestamp since it overflows int64",
    }
}
