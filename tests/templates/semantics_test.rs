//! text/template behaviours alert templates rely on, with the texts Go's
//! exec.go and parse.go produce (derived from their code paths).

use promplay::rules::template::{Expander, Value};

fn run(text: &str, data: Value) -> Result<String, String> {
    Expander::new(text, "t", data, 0, None, "http://h:9090/p").expand()
}

fn err(text: &str, data: Value) -> String {
    let e = run(text, data).unwrap_err();
    e.split_once(">: ")
        .map_or(e.clone(), |(_, m)| m.to_string())
}

fn labels() -> Value {
    Value::any_map([("Labels", Value::map([("job", "node"), ("instance", "a:1")]))])
}

#[test]
fn trimming_and_comments() {
    assert_eq!(run("a  {{- 1 -}}  b", Value::Nil), Ok("a1b".into()));
    assert_eq!(run("a\n{{- /* c */ -}}\nb", Value::Nil), Ok("ab".into()));
    assert_eq!(run("a {{/* c */}} b", Value::Nil), Ok("a  b".into()));
    assert_eq!(run("{{- 3}} {{-3}}", Value::Nil), Ok("3 -3".into()));
    assert_eq!(
        run("{{if true -}}\n  x\n{{- end}}", Value::Nil),
        Ok("x".into())
    );
}

#[test]
fn control_flow() {
    let l = labels();
    assert_eq!(
        run("{{with .Labels}}{{.job}}{{end}}", l.clone()),
        Ok("node".into())
    );
    assert_eq!(
        run("{{with .Labels.nope}}x{{else}}none{{end}}", l.clone()),
        Ok("none".into())
    );
    assert_eq!(
        run(
            "{{range $k, $v := .Labels}}{{if eq $k \"job\"}}{{continue}}{{end}}{{$k}}={{$v}}{{end}}",
            l.clone()
        ),
        Ok("instance=a:1".into())
    );
    assert_eq!(
        run(
            "{{if and .Labels.job (eq .Labels.job \"node\")}}yes{{end}}",
            l.clone()
        ),
        Ok("yes".into())
    );
    assert_eq!(
        run(
            "{{$x := 0}}{{range .Labels}}{{$x = .}}{{end}}{{$x}}",
            l.clone()
        ),
        Ok("node".into())
    );
    assert_eq!(
        run(
            "{{define \"t2\"}}[{{.}}]{{end}}{{template \"t2\" .Labels.job}}{{block \"b\" 1}}{{.}}{{end}}",
            l
        ),
        Ok("[node]1".into())
    );
    assert_eq!(
        run(
            "{{range $i, $e := .}}{{$i}}{{$e}}{{end}}",
            Value::list(vec![Value::str("a"), Value::str("b")])
        ),
        Ok("0a1b".into())
    );
}

#[test]
fn builtins() {
    assert_eq!(
        run(
            "{{len \"héllo\"}} {{index \"abc\" 1}} {{slice \"abc\" 1}}",
            Value::Nil
        ),
        Ok("6 98 bc".into())
    );
    assert_eq!(
        run(
            "{{printf \"%-5s|%5.2f|%x|%q\" \"ab\" 3.14159 255 \"hi\"}}",
            Value::Nil
        ),
        Ok("ab   | 3.14|ff|\"hi\"".into())
    );
    assert_eq!(
        run("{{print 1 2 \"a\" \"b\" 3}}", Value::Nil),
        Ok("1 2ab3".into())
    );
    assert_eq!(
        run("{{js \"<a href='x'>\"}}", Value::Nil),
        Ok("\\u003Ca href\\u003D\\'x\\'\\u003E".into())
    );
    assert_eq!(
        run("{{html \"a&b\"}} {{urlquery \"a b&c\"}}", Value::Nil),
        Ok("a&amp;b a+b%26c".into())
    );
    assert_eq!(
        run("{{not 0}} {{or \"\" \"x\"}} {{and 1 \"\"}}", Value::Nil),
        Ok("true x ".into())
    );
    assert_eq!(
        run(
            "{{lt 1 2}} {{ge 2.5 2.5}} {{eq \"a\" \"b\" \"a\"}}",
            Value::Nil
        ),
        Ok("true true true".into())
    );
    assert_eq!(
        run("{{printf \"%v %T\" .Labels .Labels}}", labels()),
        Ok("map[instance:a:1 job:node] map[string]string".into())
    );
}

#[test]
fn exec_errors() {
    let l = labels();
    assert_eq!(
        err("{{len 3}}", Value::Nil),
        "error calling len: len of type int"
    );
    assert_eq!(
        err("{{len .Nope}}", Value::Nil),
        "error calling len: reflect: call of reflect.Value.Type on zero Value"
    );
    assert_eq!(
        err("{{.Labels.job 1}}", l.clone()),
        "job is not a method but has arguments"
    );
    assert_eq!(err("{{nil}}", Value::Nil), "nil is not a command");
    assert_eq!(err("{{toUpper 1}}", Value::Nil), "expected string; found 1");
    assert_eq!(
        err("{{$x := 1}}{{toUpper $x}}", Value::Nil),
        "wrong type for value; expected string; got int"
    );
    assert_eq!(
        err("{{humanize}}", Value::Nil),
        "wrong number of args for humanize: want 1 got 0"
    );
    assert_eq!(
        err("{{printf}}", Value::Nil),
        "wrong number of args for printf: want at least 1 got 0"
    );
    assert_eq!(
        err("{{index .Labels 1}}", l.clone()),
        "error calling index: value has type int; should be string"
    );
    assert_eq!(
        err("{{index \"abc\" 3}}", Value::Nil),
        "error calling index: reflect: string index out of range"
    );
    assert_eq!(
        err("{{index \"abc\" 4}}", Value::Nil),
        "error calling index: index out of range: 4"
    );
    assert_eq!(
        err("{{eq .Labels .Labels}}", l.clone()),
        "error calling eq: non-comparable type map[instance:a:1 job:node]: map[string]string"
    );
    assert_eq!(
        err("{{lt 1 \"a\"}}", Value::Nil),
        "error calling lt: incompatible types for comparison"
    );
    assert_eq!(
        err("{{range 5}}{{end}}", Value::Nil),
        "range can't iterate over 5"
    );
    assert_eq!(
        err("{{template \"nope\"}}", Value::Nil),
        "template \"nope\" not defined"
    );
    assert_eq!(
        err("{{1 2}}", Value::Nil),
        "can't give argument to non-function 1"
    );
    assert_eq!(
        err("{{print 9223372036854775808}}", Value::Nil),
        "9223372036854775808 overflows int"
    );
    assert_eq!(
        err("{{call .Labels}}", l.clone()),
        "error calling call: non-function of type map[string]string"
    );
    assert_eq!(
        err("{{reReplaceAll \"(\" \"\" \"\"}}", Value::Nil),
        "error calling reReplaceAll: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"
    );
    assert_eq!(
        err("{{match \"a**\" \"\"}}", Value::Nil),
        "error calling match: error parsing regexp: invalid nested repetition operator: `**`"
    );
    assert_eq!(
        err("{{parseDuration \"1x\"}}", Value::Nil),
        "error calling parseDuration: not a valid duration string: \"1x\""
    );
    assert_eq!(
        err("{{humanize .Labels}}", l.clone()),
        "error calling humanize: can't convert map[string]string to float"
    );
    assert_eq!(
        err("{{first .Labels}}", l.clone()),
        "wrong type for value; expected template.queryResult; got map[string]string"
    );
    assert_eq!(
        err("{{label \"x\" nil}}", Value::Nil),
        "error calling label: runtime error: invalid memory address or nil pointer dereference"
    );
    // Positions: line and byte column of the node (a field chain is placed at
    // its second field, as Go's parser does), the template being run.
    assert_eq!(
        run("x\n{{define \"d\"}}\n  {{.a.b}}{{end}}{{template \"d\" 1}}", Value::Nil),
        Err("error executing template t: template: t:3:6: executing \"d\" at <.a.b>: can't evaluate field a in type int".into())
    );
}

#[test]
fn parse_errors() {
    let p = |t: &str| {
        let r = Expander::new(t, "t", Value::Nil, 0, None, "").parse_test();
        r.expect_err(t)
    };
    assert_eq!(p("{{end}}"), "template: t:1: unexpected {{end}}");
    assert_eq!(p("{{if 1}}"), "template: t:1: unexpected EOF");
    assert_eq!(p("{{else}}"), "template: t:1: unexpected {{else}}");
    assert_eq!(p("{{break}}"), "template: t:1: {{break}} outside {{range}}");
    assert_eq!(
        p("{{range .}}{{break 1}}{{end}}"),
        "template: t:1: unexpected \"1\" in {{break}}"
    );
    assert_eq!(
        p("{{with 1}}{{else if 2}}{{end}}"),
        "template: t:1: unexpected <if> in input"
    );
    assert_eq!(p("{{$x}}"), "template: t:1: undefined variable \"$x\"");
    assert_eq!(
        p("{{if 1}}{{$x := 1}}{{end}}{{$x}}"),
        "template: t:1: undefined variable \"$x\""
    );
    assert_eq!(
        p("{{1 | 2}}"),
        "template: t:1: non executable command in pipeline stage 2"
    );
    assert_eq!(p("{{\"\\q\"}}"), "template: t:1: invalid syntax");
    assert_eq!(
        p("{{template .X}}"),
        "template: t:1: unexpected \".X\" in template clause"
    );
    assert_eq!(
        p("{{define \"a\"}}1{{end}}{{define \"a\"}}2{{end}}"),
        "template: t:1: template: multiple definition of template \"a\""
    );
    assert_eq!(p("{{1a}}"), "template: t:1: bad number syntax: \"1a\"");
    assert_eq!(p("{{.a+b}}"), "template: t:1: bad character U+002B '+'");
    assert_eq!(
        p("{{'ab'}}"),
        "template: t:1: malformed character constant: 'ab'"
    );
    assert_eq!(
        p("{{99999999999999999999}}"),
        "template: t:1: integer overflow: \"99999999999999999999\""
    );
    assert_eq!(
        p("a\n\n{{ print 1 2 \"\n\" }}"),
        "template: t:3: unterminated quoted string"
    );
    assert_eq!(p("{{ (1 }}"), "template: t:1: unclosed left paren");
    assert_eq!(p("{{ | 1 }}"), "template: t:1: unexpected \"|\" in command");
    // A trailing pipe parses (and fails when run).
    assert_eq!(
        run("{{ \"abcdefghijkl\" \"x\" | }}", Value::Nil),
        Err("error executing template t: template: t:1:3: executing \"t\" at <\"abcdefghijkl\">: can't give argument to non-function \"abcdefghijkl\"".into())
    );
}

#[test]
fn html_mode() {
    let h = |t: &str, d: Value| Expander::new(t, "t", d, 0, None, "").expand_html();
    assert_eq!(
        h("{{.}} {{safeHtml .}} {{print .}}", Value::str("<a+b>")),
        Ok("&lt;a&#43;b&gt; <a+b> &lt;a&#43;b&gt;".into())
    );
    assert_eq!(
        h(
            "{{define \"x\"}}<{{.}}>{{end}}{{tmpl \"x\" 1}}|{{tmpl \"nope\" 1}}",
            Value::Nil
        )
        .unwrap_err(),
        "error executing template t: template: t:1:45: executing \"t\" at <tmpl \"nope\" 1>: error calling tmpl: html/template: \"nope\" is undefined"
    );
    assert_eq!(
        h("{{define \"x\"}}<{{.}}>{{end}}{{tmpl \"x\" 1}}", Value::Nil),
        Ok("<1>".into())
    );
}
