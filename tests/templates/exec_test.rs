//! Cases from Go's text/template exec_test.go (execTests, cmpTests,
//! TestMissingMapKey) that need no custom functions: the data is rebuilt from
//! maps, slices and numbers; `ok: false` cases only need to fail. Run with
//! text/template's default options (no `missingkey=zero`).

use promplay::rules::template::{Expander, Value};

fn t_val() -> Value {
    let ints = |v: &[i64]| Value::list(v.iter().map(|&i| Value::Int(i)).collect());
    Value::any_map([
        ("True", Value::Bool(true)),
        ("I", Value::Int(17)),
        ("X", Value::str("x")),
        ("S", Value::str("xyz")),
        ("SI", ints(&[3, 4, 5])),
        ("SIEmpty", ints(&[])),
        (
            "SB",
            Value::list(vec![Value::Bool(true), Value::Bool(false)]),
        ),
        (
            "MSI",
            Value::any_map([
                ("one", Value::Int(1)),
                ("two", Value::Int(2)),
                ("three", Value::Int(3)),
            ]),
        ),
        ("MSIone", Value::any_map([("one", Value::Int(1))])),
        ("MSIEmpty", Value::any_map(Vec::<(String, Value)>::new())),
        ("Empty3", ints(&[7, 8])),
        ("FloatZero", Value::Float(0.0)),
        ("ComplexZero", Value::Complex(0.0, 0.0)),
        ("Uthree", Value::Uint(3)),
        ("Ufour", Value::Uint(4)),
        ("NegOne", Value::Int(-1)),
        ("Three", Value::Int(3)),
    ])
}

fn exec(text: &str, data: Value) -> Result<String, String> {
    let mut e = Expander::new(text, "test", data, 0, None, "");
    e.options = Some(vec![]);
    e.expand()
}

/// (name, template, output, data is tVal (else nil), ok)
#[rustfmt::skip]
const EXEC_TESTS: &[(&str, &str, &str, bool, bool)] = &[
    ("empty", "", "", false, true),
    ("text", "some text", "some text", false, true),
    ("nil action", "{{nil}}", "", false, false),
    ("ideal too big", "{{print 18446744073709551615}}", "", false, false),
    ("field on interface", "{{.foo}}", "<no value>", false, true),
    ("field on parenthesized interface", "{{(.).foo}}", "<no value>", false, true),
    ("unparenthesized non-function", "{{1 2}}", "", false, false),
    ("parenthesized non-function", "{{(1) 2}}", "", false, false),
    ("parenthesized non-function with no args", "{{(1)}}", "1", false, true),
    ("$.I", "{{$.I}}", "17", true, true),
    ("simple assignment", "{{$x := 2}}{{$x = 3}}{{$x}}", "3", true, true),
    ("nested assignment", "{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{$x}}", "3", true, true),
    ("nested assignment changes the last declaration", "{{$x := 1}}{{if true}}{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{end}}{{$x}}", "1", true, true),
    ("call nil", "{{call nil}}", "", true, false),
    ("if true", "{{if true}}TRUE{{end}}", "TRUE", true, true),
    ("if false", "{{if false}}TRUE{{else}}FALSE{{end}}", "FALSE", true, true),
    ("if nil", "{{if nil}}TRUE{{end}}", "", true, false),
    ("if 1", "{{if 1}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", true, true),
    ("if 0", "{{if 0}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", true, true),
    ("if 1.5", "{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", true, true),
    ("if 1.5i", "{{if 1.5i}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", true, true),
    ("if emptystring", "{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", true, true),
    ("if string", "{{if `notempty`}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", true, true),
    ("if emptyslice", "{{if .SIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", true, true),
    ("if slice", "{{if .SI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", true, true),
    ("if emptymap", "{{if .MSIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", true, true),
    ("if map", "{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", true, true),
    ("if $x with $y int", "{{if $x := true}}{{with $y := .I}}{{$x}},{{$y}}{{end}}{{end}}", "true,17", true, true),
    ("if $x with $x int", "{{if $x := true}}{{with $x := .I}}{{$x}},{{end}}{{$x}}{{end}}", "17,true", true, true),
    ("if else if", "{{if false}}FALSE{{else if true}}TRUE{{end}}", "TRUE", true, true),
    ("if else chain", "{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}", "3", true, true),
    ("print", "{{print \"hello, print\"}}", "hello, print", true, true),
    ("print 123", "{{print 1 2 3}}", "1 2 3", true, true),
    ("print nil", "{{print nil}}", "<nil>", true, true),
    ("println", "{{println 1 2 3}}", "1 2 3\n", true, true),
    ("printf int", "{{printf \"%04x\" 127}}", "007f", true, true),
    ("printf float", "{{printf \"%g\" 3.5}}", "3.5", true, true),
    ("printf complex", "{{printf \"%g\" 1+7i}}", "(1+7i)", true, true),
    ("printf string", "{{printf \"%s\" \"hello\"}}", "hello", true, true),
    ("printf dot", "{{with .I}}{{printf \"%d\" .}}{{end}}", "17", true, true),
    ("printf var", "{{with $x := .I}}{{printf \"%d\" $x}}{{end}}", "17", true, true),
    ("printf lots", "{{printf \"%d %s %g %s\" 127 \"hello\" 7-3i .X}}", "127 hello (7-3i) x", true, true),
    ("html", "{{html \"<script>alert(\\\"XSS\\\");</script>\"}}", "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;", true, true),
    ("html pipeline", "{{printf \"<script>alert(\\\"XSS\\\");</script>\" | html}}", "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;", true, true),
    ("html", "{{html .PS}}", "&lt;no value&gt;", true, true),
    ("urlquery", "{{\"http://www.example.org/\"|urlquery}}", "http%3A%2F%2Fwww.example.org%2F", false, true),
    ("not", "{{not true}} {{not false}}", "false true", false, true),
    ("and", "{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}", "false 0 0 1", false, true),
    ("or", "{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}", "0 1 true 1", false, true),
    ("and pipe-true", "{{1 | and 1}}", "1", false, true),
    ("and pipe-false", "{{0 | and 1}}", "0", false, true),
    ("or pipe-true", "{{1 | or 0}}", "1", false, true),
    ("or pipe-false", "{{0 | or 0}}", "0", false, true),
    ("and undef", "{{and 1 .Unknown}}", "<no value>", false, true),
    ("or undef", "{{or 0 .Unknown}}", "<no value>", false, true),
    ("boolean if", "{{if and true 1 `hi`}}TRUE{{else}}FALSE{{end}}", "TRUE", true, true),
    ("boolean if not", "{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}", "FALSE", false, true),
    ("boolean if pipe", "{{if true | not | and 1}}TRUE{{else}}FALSE{{end}}", "FALSE", false, true),
    ("slice[0]", "{{index .SI 0}}", "3", true, true),
    ("slice[1]", "{{index .SI 1}}", "4", true, true),
    ("slice[HUGE]", "{{index .SI 10}}", "", true, false),
    ("slice[WRONG]", "{{index .SI `hello`}}", "", true, false),
    ("slice[nil]", "{{index .SI nil}}", "", true, false),
    ("map[one]", "{{index .MSI `one`}}", "1", true, true),
    ("map[two]", "{{index .MSI `two`}}", "2", true, true),
    ("map[nil]", "{{index .MSI nil}}", "", true, false),
    ("map[``]", "{{index .MSI ``}}", "<no value>", true, true),
    ("map[WRONG]", "{{index .MSI 10}}", "", true, false),
    ("nil[1]", "{{index nil 1}}", "", true, false),
    ("index of an interface field", "{{index .Empty3 0}}", "7", true, true),
    ("slice[:]", "{{slice .SI}}", "[3 4 5]", true, true),
    ("slice[1:]", "{{slice .SI 1}}", "[4 5]", true, true),
    ("slice[1:2]", "{{slice .SI 1 2}}", "[4]", true, true),
    ("slice[-1:]", "{{slice .SI -1}}", "", true, false),
    ("slice[1:-2]", "{{slice .SI 1 -2}}", "", true, false),
    ("slice[1:2:-1]", "{{slice .SI 1 2 -1}}", "", true, false),
    ("slice[2:1]", "{{slice .SI 2 1}}", "", true, false),
    ("slice[2:2:1]", "{{slice .SI 2 2 1}}", "", true, false),
    ("out of range", "{{slice .SI 4 5}}", "", true, false),
    ("out of range", "{{slice .SI 2 2 5}}", "", true, false),
    ("slice of an interface field", "{{slice .Empty3 0 1}}", "[7]", true, true),
    ("string[:]", "{{slice .S}}", "xyz", true, true),
    ("string[0:1]", "{{slice .S 0 1}}", "x", true, true),
    ("string[1:]", "{{slice .S 1}}", "yz", true, true),
    ("string[1:2]", "{{slice .S 1 2}}", "y", true, true),
    ("out of range", "{{slice .S 1 5}}", "", true, false),
    ("3-index slice of string", "{{slice .S 1 2 2}}", "", true, false),
    ("slice", "{{len .SI}}", "3", true, true),
    ("map", "{{len .MSI }}", "3", true, true),
    ("len of int", "{{len 3}}", "", true, false),
    ("len of nothing", "{{len .Empty0}}", "", true, false),
    ("len of an interface field", "{{len .Empty3}}", "2", true, true),
    ("with true", "{{with true}}{{.}}{{end}}", "true", true, true),
    ("with false", "{{with false}}{{.}}{{else}}FALSE{{end}}", "FALSE", true, true),
    ("with 1", "{{with 1}}{{.}}{{else}}ZERO{{end}}", "1", true, true),
    ("with 0", "{{with 0}}{{.}}{{else}}ZERO{{end}}", "ZERO", true, true),
    ("with 1.5", "{{with 1.5}}{{.}}{{else}}ZERO{{end}}", "1.5", true, true),
    ("with 0.0", "{{with .FloatZero}}{{.}}{{else}}ZERO{{end}}", "ZERO", true, true),
    ("with 1.5i", "{{with 1.5i}}{{.}}{{else}}ZERO{{end}}", "(0+1.5i)", true, true),
    ("with 0.0i", "{{with .ComplexZero}}{{.}}{{else}}ZERO{{end}}", "ZERO", true, true),
    ("with emptystring", "{{with ``}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", true, true),
    ("with string", "{{with `notempty`}}{{.}}{{else}}EMPTY{{end}}", "notempty", true, true),
    ("with emptyslice", "{{with .SIEmpty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", true, true),
    ("with slice", "{{with .SI}}{{.}}{{else}}EMPTY{{end}}", "[3 4 5]", true, true),
    ("with emptymap", "{{with .MSIEmpty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", true, true),
    ("with map", "{{with .MSIone}}{{.}}{{else}}EMPTY{{end}}", "map[one:1]", true, true),
    ("with $x int", "{{with $x := .I}}{{$x}}{{end}}", "17", true, true),
    ("range []int", "{{range .SI}}-{{.}}-{{end}}", "-3--4--5-", true, true),
    ("range empty no else", "{{range .SIEmpty}}-{{.}}-{{end}}", "", true, true),
    ("range []int else", "{{range .SI}}-{{.}}-{{else}}EMPTY{{end}}", "-3--4--5-", true, true),
    ("range empty else", "{{range .SIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY", true, true),
    ("range []int break else", "{{range .SI}}-{{.}}-{{break}}NOTREACHED{{else}}EMPTY{{end}}", "-3-", true, true),
    ("range []int continue else", "{{range .SI}}-{{.}}-{{continue}}NOTREACHED{{else}}EMPTY{{end}}", "-3--4--5-", true, true),
    ("range []bool", "{{range .SB}}-{{.}}-{{end}}", "-true--false-", true, true),
    ("range map", "{{range .MSI}}-{{.}}-{{end}}", "-1--3--2-", true, true),
    ("range empty map no else", "{{range .MSIEmpty}}-{{.}}-{{end}}", "", true, true),
    ("range map else", "{{range .MSI}}-{{.}}-{{else}}EMPTY{{end}}", "-1--3--2-", true, true),
    ("range empty map else", "{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY", true, true),
    ("range empty interface", "{{range .Empty3}}-{{.}}-{{else}}EMPTY{{end}}", "-7--8-", true, true),
    ("range empty nil", "{{range .Empty0}}-{{.}}-{{end}}", "", true, true),
    ("range $x SI", "{{range $x := .SI}}<{{$x}}>{{end}}", "<3><4><5>", true, true),
    ("range $x $y SI", "{{range $x, $y := .SI}}<{{$x}}={{$y}}>{{end}}", "<0=3><1=4><2=5>", true, true),
    ("range $x MSIone", "{{range $x := .MSIone}}<{{$x}}>{{end}}", "<1>", true, true),
    ("range $x $y MSIone", "{{range $x, $y := .MSIone}}<{{$x}}={{$y}}>{{end}}", "<one=1>", true, true),
    ("or as if true", "{{or .SI \"slice is empty\"}}", "[3 4 5]", true, true),
    ("or as if false", "{{or .SIEmpty \"slice is empty\"}}", "slice is empty", true, true),
    ("decimal", "{{print 1234}}", "1234", true, true),
    ("decimal _", "{{print 12_34}}", "1234", true, true),
    ("binary", "{{print 0b101}}", "5", true, true),
    ("binary _", "{{print 0b_1_0_1}}", "5", true, true),
    ("BINARY", "{{print 0B101}}", "5", true, true),
    ("octal0", "{{print 0377}}", "255", true, true),
    ("octal", "{{print 0o377}}", "255", true, true),
    ("octal _", "{{print 0o_3_7_7}}", "255", true, true),
    ("OCTAL", "{{print 0O377}}", "255", true, true),
    ("hex", "{{print 0x123}}", "291", true, true),
    ("hex _", "{{print 0x1_23}}", "291", true, true),
    ("HEX", "{{print 0X123ABC}}", "1194684", true, true),
    ("float", "{{print 123.4}}", "123.4", true, true),
    ("float _", "{{print 0_0_1_2_3.4}}", "123.4", true, true),
    ("hex float", "{{print +0x1.ep+2}}", "7.5", true, true),
    ("hex float _", "{{print +0x_1.e_0p+0_2}}", "7.5", true, true),
    ("HEX float", "{{print +0X1.EP+2}}", "7.5", true, true),
    ("print multi", "{{print 1_2_3_4 7.5_00_00_00}}", "1234 7.5", true, true),
    ("print multi2", "{{print 1234 0x0_1.e_0p+02}}", "1234 7.5", true, true),
    ("bug7a", "{{3 2}}", "", true, false),
    ("bug7b", "{{$x := 1}}{{$x 2}}", "", true, false),
    ("bug7c", "{{$x := 1}}{{3 | $x}}", "", true, false),
    ("bug12xe", "{{printf `%T` 0xef}}", "int", true, true),
    ("bug12xE", "{{printf `%T` 0xEE}}", "int", true, true),
    ("bug12Xe", "{{printf `%T` 0Xef}}", "int", true, true),
    ("bug12XE", "{{printf `%T` 0XEE}}", "int", true, true),
    ("bug14a", "{{(nil).True}}", "", true, false),
    ("bug14b", "{{$x := nil}}{{$x.anything}}", "", true, false),
    ("bug14c", "{{$x := (1.0)}}{{$y := (\"hello\")}}{{$x.anything}}{{$y.true}}", "", true, false),
    ("bug16a", "{{true|printf}}", "", true, false),
    ("bug16b", "{{1|printf}}", "", true, false),
    ("bug16c", "{{1.1|printf}}", "", true, false),
    ("bug16d", "{{'x'|printf}}", "", true, false),
    ("bug16e", "{{0i|printf}}", "", true, false),
    ("bug16j", "{{1+2i|printf \"%v\"}}", "(1+2i)", true, true),
    ("bug16k", "{{\"aaa\"|printf }}", "aaa", true, true),
    ("bug17a", "{{$x := 1}}{{$x.a}}", "", true, false),
    ("bug18a", "{{eq . '.'}}", "true", false, true),
];

#[test]
fn go_exec_tests() {
    let mut failures = Vec::new();
    for (name, text, want, t, ok) in EXEC_TESTS {
        let data = if *name == "bug18a" {
            Value::Int(46)
        } else if *t {
            t_val()
        } else {
            Value::Nil
        };
        let got = exec(text, data);
        let good = if *ok {
            got.as_deref() == Ok(want)
        } else {
            got.is_err()
        };
        if !good {
            failures.push(format!(
                "{name}: {text} => {got:?}, want {want:?} (ok={ok})"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        EXEC_TESTS.len(),
        failures.join("\n")
    );
}

/// Go's cmpTests on values (the struct's fields become map entries).
#[rustfmt::skip]
const CMP_TESTS: &[(&str, &str)] = &[
    ("eq true true", "true"), ("eq true false", "false"), ("eq 1+2i 1+2i", "true"),
    ("eq 1+2i 1+3i", "false"), ("eq 1.5 1.5", "true"), ("eq 1.5 2.5", "false"),
    ("eq 1 1", "true"), ("eq 1 2", "false"), ("eq `xy` `xy`", "true"),
    ("eq `xy` `xyz`", "false"), ("eq .Uthree .Uthree", "true"), ("eq .Uthree .Ufour", "false"),
    ("eq 3 4 5 6 3", "true"), ("eq 3 4 5 6 7", "false"), ("ne true true", "false"),
    ("ne true false", "true"), ("ne 1+2i 1+2i", "false"), ("ne 1+2i 1+3i", "true"),
    ("ne 1.5 1.5", "false"), ("ne 1.5 2.5", "true"), ("ne 1 1", "false"),
    ("ne 1 2", "true"), ("ne `xy` `xy`", "false"), ("ne `xy` `xyz`", "true"),
    ("ne .Uthree .Uthree", "false"), ("ne .Uthree .Ufour", "true"), ("lt 1.5 1.5", "false"),
    ("lt 1.5 2.5", "true"), ("lt 1 1", "false"), ("lt 1 2", "true"),
    ("lt `xy` `xy`", "false"), ("lt `xy` `xyz`", "true"), ("lt .Uthree .Uthree", "false"),
    ("lt .Uthree .Ufour", "true"), ("le 1.5 1.5", "true"), ("le 1.5 2.5", "true"),
    ("le 2.5 1.5", "false"), ("le 1 1", "true"), ("le 1 2", "true"),
    ("le 2 1", "false"), ("le `xy` `xy`", "true"), ("le `xy` `xyz`", "true"),
    ("le `xyz` `xy`", "false"), ("le .Uthree .Uthree", "true"), ("le .Uthree .Ufour", "true"),
    ("le .Ufour .Uthree", "false"), ("gt 1.5 1.5", "false"), ("gt 1.5 2.5", "false"),
    ("gt 1 1", "false"), ("gt 2 1", "true"), ("gt 1 2", "false"),
    ("gt `xy` `xy`", "false"), ("gt `xy` `xyz`", "false"), ("gt .Uthree .Uthree", "false"),
    ("gt .Uthree .Ufour", "false"), ("gt .Ufour .Uthree", "true"), ("ge 1.5 1.5", "true"),
    ("ge 1.5 2.5", "false"), ("ge 2.5 1.5", "true"), ("ge 1 1", "true"),
    ("ge 1 2", "false"), ("ge 2 1", "true"), ("ge `xy` `xy`", "true"),
    ("ge `xy` `xyz`", "false"), ("ge `xyz` `xy`", "true"), ("ge .Uthree .Uthree", "true"),
    ("ge .Uthree .Ufour", "false"), ("ge .Ufour .Uthree", "true"), ("eq .Uthree .Three", "true"),
    ("eq .Three .Uthree", "true"), ("le .Uthree .Three", "true"), ("le .Three .Uthree", "true"),
    ("ge .Uthree .Three", "true"), ("ge .Three .Uthree", "true"), ("lt .Uthree .Three", "false"),
    ("lt .Three .Uthree", "false"), ("gt .Uthree .Three", "false"), ("gt .Three .Uthree", "false"),
    ("eq .Ufour .Three", "false"), ("lt .Ufour .Three", "false"), ("gt .Ufour .Three", "true"),
    ("eq .NegOne .Uthree", "false"), ("eq .Uthree .NegOne", "false"), ("ne .NegOne .Uthree", "true"),
    ("ne .Uthree .NegOne", "true"), ("lt .NegOne .Uthree", "true"), ("lt .Uthree .NegOne", "false"),
    ("le .NegOne .Uthree", "true"), ("le .Uthree .NegOne", "false"), ("gt .NegOne .Uthree", "false"),
    ("gt .Uthree .NegOne", "true"), ("ge .NegOne .Uthree", "false"), ("ge .Uthree .NegOne", "true"),
    ("eq (index `x` 0) 'x'", "true"), ("eq (index `x` 0) 'y'", "false"),
    // Errors.
    ("eq `xy` 1", ""), ("eq 2 2.0", ""), ("lt true true", ""),
    ("lt 1+0i 1+0i", ""), ("eq .MSI .MSI", ""),
];

#[test]
fn go_comparison_tests() {
    let mut failures = Vec::new();
    for (expr, truth) in CMP_TESTS {
        let got = exec(
            &format!("{{{{if {expr}}}}}true{{{{else}}}}false{{{{end}}}}"),
            t_val(),
        );
        let good = if truth.is_empty() {
            got.is_err()
        } else {
            got.as_deref() == Ok(truth)
        };
        if !good {
            failures.push(format!("{expr}: {got:?}, want {truth:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn go_missing_map_key() {
    let data = || Value::any_map([("x", Value::Int(99))]);
    assert_eq!(exec("{{.x}} {{.y}}", data()), Ok("99 <no value>".into()));
    let mut e = Expander::new("{{.x}} {{.y}}", "t1", data(), 0, None, "");
    e.options = Some(vec!["missingkey=default".into()]);
    assert_eq!(e.expand(), Ok("99 <no value>".into()));
    e.options = Some(vec!["missingkey=error".into()]);
    assert_eq!(
        e.expand(),
        Err("error executing template t1: template: t1:1:9: executing \"t1\" at <.y>: map has no entry for key \"y\"".into())
    );
    e.data = Value::Nil;
    assert!(e.expand().is_err());
    // map[string]string's zero value is "" (Go's test uses map[string]int: 0).
    let mut e = Expander::new(
        "{{.x}} [{{.y}}]",
        "t1",
        Value::map([("x", "99")]),
        0,
        None,
        "",
    );
    e.options = Some(vec!["missingkey=zero".into()]);
    assert_eq!(e.expand(), Ok("99 []".into()));
}

#[test]
fn go_unterminated_string_error() {
    let e = Expander::new(
        "hello\n\n{{`unterminated\n\n\n\n}}\n some more\n\n",
        "X",
        Value::Nil,
        0,
        None,
        "",
    );
    assert_eq!(
        e.parse_test(),
        Err("template: X:3: unterminated raw quoted string".into())
    );
}
