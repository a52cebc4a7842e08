//! Alert label/annotation expansion (rules/alerting.go) and `promtool check
//! rules` (rulefmt's testTemplateParsing), plus text/template parse errors
//! from Go's parse_test.go (errorTests: expected substrings).

use promplay::rules::template::{
    ALERT_DEFS, Expander, Querier, Value, check_alert_text, expand_alert_text,
};

type Vector = Vec<(Vec<(String, String)>, f64)>;

struct Q(Result<Vector, String>);

impl Querier for Q {
    fn query(&mut self, expr: &str, at_ms: i64) -> Result<Vector, String> {
        assert_eq!(at_ms, 1_700_000_000_000, "{expr}");
        self.0.clone()
    }
}

fn l(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn alert(text: &str, value: f64) -> String {
    let labels = l(&[("__name__", "up"), ("instance", "a:9100"), ("job", "node")]);
    let ext = l(&[("cluster", "eu1")]);
    expand_alert_text(
        "HighLoad",
        text,
        &labels,
        &ext,
        "http://prom.example:9090",
        value,
        1_700_000_000_000,
        None,
    )
}

#[test]
fn convenience_variables() {
    assert_eq!(
        alert(
            "{{ $labels.instance }} of {{ $labels.job }} is {{ $value }}",
            1.5
        ),
        "a:9100 of node is 1.5"
    );
    assert_eq!(
        alert("{{ $externalLabels.cluster }} {{ $externalURL }}", 0.0),
        "eu1 http://prom.example:9090"
    );
    assert_eq!(alert("{{ $value }} {{ .Value }}", 1e6), "1e+06 1e+06");
    assert_eq!(alert("{{ $value }}", 0.001), "0.001");
    assert_eq!(alert("{{ $value }}", 1e-5), "1e-05");
    assert_eq!(alert("{{ $value | humanize }}", 1234567.0), "1.235M");
    assert_eq!(alert("{{ printf \"%.2f\" $value }}", 2.0 / 3.0), "0.67");
    assert_eq!(alert("[{{ $labels.missing }}]", 1.0), "[]");
    assert_eq!(alert("{{ .ExternalLabels }}", 1.0), "map[cluster:eu1]");
    assert_eq!(
        alert("{{ . }}", 2.0),
        "{map[__name__:up instance:a:9100 job:node] map[cluster:eu1] http://prom.example:9090 2}"
    );
    assert_eq!(
        alert(
            "{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}",
            1.0
        ),
        "__name__=up;instance=a:9100;job=node;"
    );
    assert_eq!(
        alert("{{ $labels.instance | stripPort }} [{{ pathPrefix }}]", 1.0),
        "a []"
    );
    assert_eq!(
        alert(
            "{{ now }} {{ toDuration 90 }} {{ urlQueryEscape \"a b\" }}",
            1.0
        ),
        "1.7e+09 1m30s a+b"
    );
}

#[test]
fn errors_as_prometheus_stores_them() {
    let col = ALERT_DEFS.len() + 3;
    assert_eq!(
        alert("{{ .Foo }}", 1.0),
        format!(
            "<error expanding template: error executing template __alert_HighLoad: template: __alert_HighLoad:1:{col}: \
             executing \"__alert_HighLoad\" at <.Foo>: can't evaluate field Foo in type struct {{ Labels map[string]string; \
             ExternalLabels map[string]string; ExternalURL string; Value float64 }}>"
        )
    );
    assert_eq!(
        alert("{{ foo }}", 1.0),
        "<error expanding template: error parsing template __alert_HighLoad: template: __alert_HighLoad:1: function \"foo\" not defined>"
    );
    assert_eq!(
        alert("line\n{{ $labels.x.y }}", 1.0),
        "<error expanding template: error executing template __alert_HighLoad: template: __alert_HighLoad:2:10: \
         executing \"__alert_HighLoad\" at <$labels.x.y>: can't evaluate field y in type string>"
    );
    assert_eq!(
        alert("{{ query \"up\" }}", 1.0),
        format!(
            "<error expanding template: error executing template __alert_HighLoad: template: __alert_HighLoad:1:{}: \
             executing \"__alert_HighLoad\" at <query \"up\">: error calling query: runtime error: invalid memory address or nil pointer dereference>",
            ALERT_DEFS.len() + 3
        )
    );
}

#[test]
fn query_through_querier() {
    let labels = l(&[("instance", "a")]);
    let mut q = Q(Ok(vec![
        (l(&[("__name__", "up"), ("instance", "b")]), 0.5),
        (l(&[("instance", "a")]), 1.0),
    ]));
    let out = expand_alert_text(
        "X",
        "{{ range query \"up\" | sortByLabel \"instance\" }}{{ .Labels.instance }}={{ .Value }} {{ end }}{{ with query \"up\" }}{{ len . }}{{ end }}",
        &labels,
        &[],
        "",
        1.0,
        1_700_000_000_000,
        Some(&mut q),
    );
    assert_eq!(out, "a=1 b=0.5 2");
    let mut q = Q(Err("1:5: parse error: unexpected end of input".into()));
    let out = expand_alert_text(
        "X",
        "{{ query \"up(\" }}",
        &labels,
        &[],
        "",
        1.0,
        1_700_000_000_000,
        Some(&mut q),
    );
    assert!(
        out.ends_with("error calling query: 1:5: parse error: unexpected end of input>"),
        "{out}"
    );
}

#[test]
fn promtool_check() {
    assert_eq!(
        check_alert_text("X", "{{ $label.foo }}"),
        Err("template: __alert_X:1: undefined variable \"$label\"".into())
    );
    assert_eq!(
        check_alert_text("X", "{{ $labels.foo }} {{ humanize $value }}"),
        Ok(())
    );
    assert_eq!(
        check_alert_text("X", "a\nb\n{{ nope }}"),
        Err("template: __alert_X:3: function \"nope\" not defined".into())
    );
    assert_eq!(
        check_alert_text("X", "{{ if }}"),
        Err("template: __alert_X:1: missing value for if".into())
    );
    assert_eq!(
        check_alert_text("X", "{{ end }}"),
        Err("template: __alert_X:1: unexpected {{end}}".into())
    );
    // Execution errors are not parse errors.
    assert_eq!(check_alert_text("X", "{{ .Nope }}"), Ok(()));
}

#[test]
fn parse_test_is_unwrapped() {
    let e = Expander::new("{{", "t", Value::Nil, 0, None, "");
    assert_eq!(e.parse_test(), Err("template: t:1: unclosed action".into()));
}

/// Go 1.19's text/template/parse errorTests: (name, text, expected substring).
const ERROR_TESTS: &[(&str, &str, &str)] = &[
    ("unclosed1", "line1\n{{", "unclosed1:2: unclosed action"),
    (
        "unclosed2",
        "line1\n{{define `x`}}line2\n{{",
        "unclosed2:3: unclosed action",
    ),
    (
        "unclosed3",
        "line1\n{{\"x\"\n\"y\"\n",
        "unclosed3:4: unclosed action started at unclosed3:2",
    ),
    (
        "unclosed4",
        "{{\n\n\n\n\n",
        "unclosed4:6: unclosed action started at unclosed4:1",
    ),
    (
        "var1",
        "line1\n{{\nx\n}}",
        "var1:3: function \"x\" not defined",
    ),
    ("function", "{{foo}}", "function \"foo\" not defined"),
    ("comment1", "{{/*}}", "comment1:1: unclosed comment"),
    (
        "comment2",
        "{{/*\nhello\n}}",
        "comment2:1: unclosed comment",
    ),
    ("lparen", "{{.X (1 2 3}}", "unclosed left paren"),
    ("rparen", "{{.X 1 2 3 ) }}", "unexpected \")\" in command"),
    ("rparen2", "{{(.X 1 2 3", "unclosed action"),
    ("space", "{{`x`3}}", "in operand"),
    ("idchar", "{{a#}}", "'#'"),
    ("charconst", "{{'a}}", "unterminated character constant"),
    ("stringconst", "{{\"a}}", "unterminated quoted string"),
    ("rawstringconst", "{{`a}}", "unterminated raw quoted string"),
    ("number", "{{0xi}}", "number syntax"),
    (
        "multidefine",
        "{{define `a`}}a{{end}}{{define `a`}}b{{end}}",
        "multiple definition of template",
    ),
    ("eof", "{{range .X}}", "unexpected EOF"),
    (
        "variable",
        "{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}",
        "unexpected \":=\"",
    ),
    ("multidecl", "{{$a,$b,$c := 23}}", "too many declarations"),
    ("undefvar", "{{$a}}", "undefined variable"),
    ("wrongdot", "{{true.any}}", "unexpected . after term"),
    (
        "wrongpipeline",
        "{{12|false}}",
        "non executable command in pipeline",
    ),
    (
        "emptypipeline",
        "{{ ( ) }}",
        "missing value for parenthesized pipeline",
    ),
    (
        "multilinerawstring",
        "{{ $v := `\n` }} {{",
        "multilinerawstring:2: unclosed action",
    ),
    ("rangeundefvar", "{{range $k}}{{end}}", "undefined variable"),
    (
        "rangeundefvars",
        "{{range $k, $v}}{{end}}",
        "undefined variable",
    ),
    (
        "rangemissingvalue1",
        "{{range $k,}}{{end}}",
        "missing value for range",
    ),
    (
        "rangemissingvalue2",
        "{{range $k, $v := }}{{end}}",
        "missing value for range",
    ),
    (
        "rangenotvariable1",
        "{{range $k, .}}{{end}}",
        "range can only initialize variables",
    ),
    (
        "rangenotvariable2",
        "{{range $k, 123 := .}}{{end}}",
        "range can only initialize variables",
    ),
];

#[test]
fn go_parse_error_tests() {
    for (name, text, want) in ERROR_TESTS {
        let e = Expander::new(text, name, Value::Nil, 0, None, "");
        match e.parse_test() {
            Err(err) => assert!(err.contains(want), "{name}: {err:?} lacks {want:?}"),
            Ok(()) => panic!("{name}: no error"),
        }
    }
}
