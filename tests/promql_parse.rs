//! The PromQL parser against Prometheus's own test scripts, the printer's
//! round trip, precedence, spans, error messages, and never panicking.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use promplay::promql::ast::{BinOp, ExprKind};
use promplay::promql::functions::FUNCTIONS;
use promplay::promql::{Expr, format, parse};
use promplay::promql::{ValueType, value_type};

const CONFORMANCE: &str = "../shared/conformance";

/// One eval command from a `.test` file.
struct Eval {
    file: String,
    line: usize,
    expr: String,
    expect_fail: bool,
    fail_msg: Option<String>,
}

fn corpus() -> Option<Vec<Eval>> {
    let dir = Path::new(CONFORMANCE).join("promqltest");
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "test"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let file = p.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&p).unwrap();
        let mut current: Option<Eval> = None;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() {
                out.extend(current.take());
                continue;
            }
            if let Some(rest) = line.strip_prefix("eval") {
                out.extend(current.take());
                let (cmd, rest) = rest.split_once(' ').unwrap_or((rest, ""));
                let expr = eval_expr(rest.trim());
                current = Some(Eval {
                    file: file.clone(),
                    line: i + 1,
                    expr,
                    expect_fail: cmd == "_fail",
                    fail_msg: None,
                });
                continue;
            }
            if let Some(ev) = current.as_mut() {
                if let Some(rest) = line.strip_prefix("expect fail") {
                    ev.expect_fail = true;
                    let rest = rest.trim();
                    if let Some(m) = rest.strip_prefix("msg:") {
                        ev.fail_msg = Some(m.trim().to_string());
                    }
                } else if let Some(m) = line.strip_prefix("expected_fail_message") {
                    ev.expect_fail = true;
                    ev.fail_msg = Some(m.trim().to_string());
                }
            }
        }
        out.extend(current.take());
    }
    Some(out)
}

/// The expression after `instant at <t>` or `range from <t> to <t> step <s>`.
fn eval_expr(rest: &str) -> String {
    let words: Vec<&str> = rest.splitn(8, ' ').collect();
    let skip = match words.first() {
        Some(&"instant") => 3,
        Some(&"range") => 7,
        _ => 0,
    };
    rest.splitn(skip + 1, ' ')
        .nth(skip)
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Heuristic feature flags by `file:line` from the index.
fn flags() -> HashMap<String, String> {
    let text =
        fs::read_to_string(Path::new(CONFORMANCE).join("promqltest_index.tsv")).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.len() >= 6).then(|| (format!("{}:{}", cols[0], cols[1]), cols[5].to_string()))
        })
        .collect()
}

/// Experimental syntax this parser does not support, by reason.
fn skip_reason(expr: &str, flags: &str) -> Option<&'static str> {
    if flags.contains("duration_expr")
        || [
            "step()", "min_of(", "max_of(", "range()", "start()", "end()",
        ]
        .iter()
        .any(|f| expr.contains(f))
    {
        Some("duration expressions")
    } else {
        None
    }
}

#[test]
fn corpus_parses_and_round_trips() {
    let Some(evals) = corpus() else {
        common::missing_reference(&format!("{CONFORMANCE} is absent"));
        return;
    };
    let flags = flags();
    let mut total = 0;
    let mut parsed = 0;
    let mut failures = Vec::new();
    let mut skips: HashMap<&str, usize> = HashMap::new();
    let (mut fail_total, mut fail_rejected) = (0, 0);
    let mut round_trip_failures = Vec::new();
    for ev in &evals {
        let result = parse(&ev.expr);
        if ev.expect_fail {
            fail_total += 1;
            if let Err(err) = &result {
                fail_rejected += 1;
                let agrees = ev.fail_msg.as_ref().is_none_or(|m| err.message == *m);
                println!(
                    "rejected expect-fail {}:{}: {} → {err}{}",
                    ev.file,
                    ev.line,
                    ev.expr,
                    if agrees {
                        ""
                    } else {
                        " (Prometheus's message differs)"
                    }
                );
            }
            continue;
        }
        total += 1;
        match result {
            Ok(e) => {
                parsed += 1;
                let printed = format(&e);
                match parse(&printed) {
                    Ok(again) if again.same_as(&e) => {}
                    Ok(_) => round_trip_failures.push(format!(
                        "{}:{}: {} → {printed} parses differently",
                        ev.file, ev.line, ev.expr
                    )),
                    Err(err) => round_trip_failures.push(format!(
                        "{}:{}: {} → {printed}: {err}",
                        ev.file, ev.line, ev.expr
                    )),
                }
            }
            Err(err) => {
                let key = format!("{}:{}", ev.file, ev.line);
                match skip_reason(&ev.expr, flags.get(&key).map_or("", String::as_str)) {
                    Some(reason) => *skips.entry(reason).or_default() += 1,
                    None => failures.push(format!("{key}: {}: {err}", ev.expr)),
                }
            }
        }
    }
    println!(
        "PromQL corpus: parsed {parsed}/{total} eval expressions not expected to fail ({} round-trip failures)",
        round_trip_failures.len()
    );
    let mut skips: Vec<_> = skips.into_iter().collect();
    skips.sort();
    for (reason, n) in &skips {
        println!("skipped {n}: {reason}");
    }
    println!(
        "PromQL corpus: rejected {fail_rejected}/{fail_total} `expect fail` evals at parse time (the rest fail at evaluation)"
    );
    for f in &failures {
        println!("FAIL {f}");
    }
    for f in &round_trip_failures {
        println!("ROUND TRIP {f}");
    }
    assert!(
        failures.is_empty(),
        "{} corpus expressions failed to parse",
        failures.len()
    );
    assert!(
        round_trip_failures.is_empty(),
        "{} round-trip failures",
        round_trip_failures.len()
    );
}

fn ok(q: &str) -> Expr {
    parse(q).unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn canon(q: &str) -> String {
    format(&ok(q))
}

fn err(q: &str) -> String {
    match parse(q) {
        Ok(e) => panic!("{q} parsed as {}", format(&e)),
        Err(e) => e.to_string(),
    }
}

#[test]
fn canonical_form() {
    assert_eq!(
        canon("sum by(job)(rate(http_requests_total[5m]))"),
        "sum by (job) (rate(http_requests_total[5m]))"
    );
    assert_eq!(canon("sum(x) without (a,b,)"), "sum without (a, b) (x)");
    assert_eq!(canon("topk(5, x)"), "topk(5, x)");
    assert_eq!(
        canon("a + on(x) group_left(y) b"),
        "a + on (x) group_left (y) b"
    );
    assert_eq!(canon("a > bool 1"), "a > bool 1");
    assert_eq!(canon("x offset -5m @ 100"), "x @ 100.000 offset -5m");
    assert_eq!(canon("x[1h30m] @ end()"), "x[1h30m] @ end()");
    assert_eq!(canon("rate(x[5m])[30m:]"), "rate(x[5m])[30m:]");
    assert_eq!(canon("x[300]"), "x[5m]");
    assert_eq!(
        canon(r#"{"my.metric", "a.b"="c"}"#),
        r#"{"my.metric","a.b"="c"}"#
    );
    assert_eq!(canon(r#"{__name__="up"}"#), r#"{__name__="up"}"#);
    assert_eq!(canon(r#"{"up", a="b"}"#), r#"up{a="b"}"#);
    assert_eq!(canon("0x10 + 1_000 + 1e3"), "16 + 1000 + 1000");
    assert_eq!(canon("-Inf"), "-Inf");
    assert_eq!(canon("x # comment\n + 1"), "x + 1");
    assert_eq!(canon("SUM(x) AND y"), "sum(x) and y");
    assert_eq!(canon("1 + on() x"), "1 + x");
    // Prometheus's printer: sorted matchers, empty clauses dropped, Go float text.
    assert_eq!(canon(r#"x{b="1", a="2"}"#), r#"x{a="2",b="1"}"#);
    assert_eq!(canon("sum by () (x)"), "sum(x)");
    assert_eq!(canon("sum without () (x)"), "sum without () (x)");
    assert_eq!(canon("a + ignoring() b"), "a + b");
    assert_eq!(
        canon("a * on(x) group_left b"),
        "a * on (x) group_left () b"
    );
    assert_eq!(
        canon("Inf + 1e21 + 1e-7"),
        "+Inf + 1000000000000000000000 + 0.0000001"
    );
    assert_eq!(
        canon("rate(x[5m] @ 10 offset 1m anchored)"),
        "rate(x[5m] anchored @ 10.000 offset 1m)"
    );
    assert_eq!(
        canon("x offset 1m smoothed @ 10"),
        "x @ 10.000 smoothed offset 1m"
    );
    assert_eq!(
        canon(r#"{__name__="a", __name__="b"}"#),
        r#"{__name__="a",__name__="b"}"#
    );
}

#[test]
fn experimental_syntax() {
    assert_eq!(canon("changes(x[1h/2])"), "changes(x[1h / 2])");
    assert_eq!(
        canon("count_over_time(x[STep()+1m])"),
        "count_over_time(x[step() + 1m])"
    );
    assert_eq!(canon("x offset (-2 * 2)"), "x offset (-2 * 2)");
    assert_eq!(canon("x[5m:step()]"), "x[5m:step()]");
    assert_eq!(canon("max_of(3, 5)"), "max_of(3, 5)");
    assert_eq!(canon("rate(x[1m] anchored)"), "rate(x[1m] anchored)");
    assert_eq!(canon("x @ 100 smoothed"), "x @ 100.000 smoothed");
    assert_eq!(
        canon("a + on(b) fill_left(5) fill_right(7) c"),
        "a + on (b) fill_left (5) fill_right (7) c"
    );
    assert_eq!(canon("a + fill (-Inf) c"), "a + fill (-Inf) c");
    assert_eq!(canon("h </ 2 >/ 1"), "h </ 2 >/ 1");
    assert_eq!(canon("fill + fill (0) fill"), "fill + fill (0) fill");
    assert!(err("x[foo]").contains("invalid duration expression"));
    assert_eq!(
        err("deriv(x[1m] smoothed)"),
        "1:1: smoothed modifier can only be used with: delta, increase, rate - not with deriv"
    );
}

#[test]
fn precedence_and_associativity() {
    let top = |q: &str| match ok(q).kind {
        ExprKind::Binary(b) => b.op,
        other => panic!("{q}: {other:?}"),
    };
    assert_eq!(top("a + b * c"), BinOp::Add);
    assert_eq!(top("a * b + c"), BinOp::Add);
    assert_eq!(top("a or b and c"), BinOp::Or);
    assert_eq!(top("a and b or c"), BinOp::Or);
    assert_eq!(top("a == b + c"), BinOp::Eql);
    assert_eq!(top("a unless b == c"), BinOp::Unless);
    assert_eq!(top("a atan2 b + c"), BinOp::Add);
    // Left associativity: (a - b) - c.
    match ok("a - b - c").kind {
        ExprKind::Binary(b) => assert!(matches!(b.lhs.kind, ExprKind::Binary(_))),
        _ => panic!(),
    }
    // Right associativity: 2 ^ (3 ^ 2).
    match ok("2 ^ 3 ^ 2").kind {
        ExprKind::Binary(b) => assert!(matches!(b.rhs.kind, ExprKind::Binary(_))),
        _ => panic!(),
    }
    // Unary minus binds looser than ^ and tighter than *.
    assert!(matches!(ok("-a ^ b").kind, ExprKind::Unary { .. }));
    assert_eq!(top("-a * b"), BinOp::Mul);
    assert!(matches!(ok("-1").kind, ExprKind::Number(n) if n == -1.0));
    assert_eq!(canon("2 ^ -1"), "2 ^ -1");
}

#[test]
fn spans_on_nodes() {
    let q = "sum(rate(x[5m]))";
    let e = ok(q);
    assert_eq!((e.span.start, e.span.end), (0, q.len()));
    let ExprKind::Aggregate(a) = &e.kind else {
        panic!()
    };
    assert_eq!(&q[a.expr.span.start..a.expr.span.end], "rate(x[5m])");
    let ExprKind::Call { args, .. } = &a.expr.kind else {
        panic!()
    };
    assert_eq!(&q[args[0].span.start..args[0].span.end], "x[5m]");
    let ExprKind::Matrix { selector, .. } = &args[0].kind else {
        panic!()
    };
    assert_eq!(&q[selector.span.start..selector.span.end], "x");

    let q = "a + on(b) foo{x=\"y\"} offset 5m";
    let ExprKind::Binary(b) = ok(q).kind else {
        panic!()
    };
    assert_eq!(
        &q[b.rhs.span.start..b.rhs.span.end],
        "foo{x=\"y\"} offset 5m"
    );
    let ExprKind::Vector(vs) = &b.rhs.kind else {
        panic!()
    };
    let m = &vs.matchers[1];
    assert_eq!(&q[m.span.start..m.span.end], "x=\"y\"");
    let o = vs.offset.as_ref().unwrap();
    assert_eq!(&q[o.span.start..o.span.end], "offset 5m");
}

#[test]
fn error_messages() {
    let cases = [
        (
            "rate(x)",
            "1:6: expected type range vector in call to function \"rate\", got instant vector",
        ),
        (
            "x[5m] + 1",
            "1:1: binary expression must contain only scalar and instant vector types",
        ),
        (
            "1 > 2",
            "1:3: comparisons between scalars must use BOOL modifier",
        ),
        (
            "1 and x",
            "1:1: set operator \"and\" not allowed in binary scalar expression",
        ),
        (
            "{}",
            "1:1: vector selector must contain at least one non-empty matcher",
        ),
        (
            "{a=\"\"}",
            "1:1: vector selector must contain at least one non-empty matcher",
        ),
        (
            "x[5m:1m",
            "1:8: unexpected end of input in subquery selector, expected \"]\"",
        ),
        (
            "x[5m}",
            "1:5: unexpected \"}\" in range selector, expected \"]\" or \":\"",
        ),
        (
            "sum(x",
            "1:6: unexpected end of input in aggregation \"sum\", expected \",\" or \")\"",
        ),
        ("foo(x)", "1:1: unknown function with name \"foo\""),
        (
            "rate()",
            "1:1: expected 1 argument(s) in call to \"rate\", got 0",
        ),
        (
            "round(x, 1, 2)",
            "1:1: expected at most 2 argument(s) in call to \"round\", got 3",
        ),
        (
            "label_join(x)",
            "1:1: expected at least 3 argument(s) in call to \"label_join\", got 1",
        ),
        (
            "topk(x)",
            "1:1: wrong number of arguments for aggregate expression provided, expected 2, got 1",
        ),
        (
            "count_values(1, x)",
            "1:14: expected type string in aggregation parameter, got scalar",
        ),
        (
            "sum by (a, a) (x)",
            "1:12: duplicate label \"a\" in by label list",
        ),
        (
            "a + bool b",
            "1:5: bool modifier can only be used on comparison operators",
        ),
        (
            "a and on(x) group_left b",
            "1:13: no grouping allowed for \"and\" operation",
        ),
        ("(x)[5m]", "1:1: ranges only allowed for vector selectors"),
        (
            "1 offset 5m",
            "1:3: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
        ),
        (
            "x offset 1m offset 2m",
            "1:13: offset may not be set multiple times",
        ),
        ("x{a=~\"(\"}", "1:3: invalid regular expression \"(\""),
        (
            "foo{__name__=\"bar\"}",
            "1:5: metric name must not be set twice: \"foo\" or \"bar\"",
        ),
        (
            "x{a=1}",
            "1:5: unexpected number 1 in label matching, expected quoted label value",
        ),
        ("\"abc", "1:1: unterminated quoted string"),
        (
            "{",
            "1:2: unexpected end of input in label matching, expected label name",
        ),
        ("sum by (a.b) (x)", "1:10: unexpected character \".\""),
        (
            "sum by job (x)",
            "1:8: unexpected identifier \"job\" in by label list, expected \"(\"",
        ),
        (
            "x[5m:1m:2m]",
            "1:8: unexpected \":\" in subquery selector, expected \"]\"",
        ),
        ("1m1h", "1:1: bad number or duration syntax: \"1m1h\""),
        (
            "x\n  + ]",
            "2:5: unexpected \"]\" at start of expression, expected an expression",
        ),
        (
            "sum(rate(x[5m])[1m])",
            "1:5: ranges only allowed for vector selectors",
        ),
        (
            "-x[5m]",
            "1:1: unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\"",
        ),
        (
            "rate(x[5m])[5m:1m][1m:]",
            "1:1: subquery is only allowed on instant vector, got range vector instead",
        ),
    ];
    let mut wrong = Vec::new();
    for (q, want) in cases {
        let got = err(q);
        if !got.starts_with(want) {
            wrong.push(format!("{q:?}\n   got: {got}\n  want: {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

const TRICKY: &[&str] = &[
    "sum by (job) (rate(http_requests_total{job=~\"api|web\", code!=\"500\"}[5m] offset -1h @ 1234.5))",
    "topk without (a) (3, x) / on (b) group_left (c) count_values(\"v\", y)",
    "histogram_quantile(0.9, sum(rate(h_bucket[5m:30s] @ start())) by (le))",
    "{\"my.metric\", \"a.b\"=~'x\\\\d+', c!~`raw`} ^ -2 ^ 0x1F atan2 Inf",
    "label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\") > bool on () 1e-3",
    "a or b unless c and d == bool e + f * g % h",
    "(((x)))[1h30m:] offset 5m # comment\n",
    "\"\\u00e9\\x41\\101\" ",
];

#[test]
fn tricky_queries_round_trip_and_print_idempotently() {
    for q in TRICKY {
        let e = ok(q);
        let printed = format(&e);
        let again = ok(&printed);
        assert!(again.same_as(&e), "{q} → {printed}");
        assert_eq!(format(&again), printed);
    }
}

#[test]
fn every_function_in_the_table_type_checks() {
    for f in FUNCTIONS {
        let arg = |t: &ValueType| match t {
            ValueType::Scalar => "1",
            ValueType::InstantVector => "x",
            ValueType::RangeVector => "x[5m]",
            ValueType::String => "\"s\"",
        };
        let mut args: Vec<&str> = f.arg_types.iter().map(arg).collect();
        if f.name == "info" {
            args[1] = "{a=\"b\"}";
        }
        let q = format!("{}({})", f.name, args.join(", "));
        let e = ok(&q);
        assert_eq!(value_type(&e), f.return_type, "{q}");
        assert_eq!(format(&e), q);
        if let Some(last) = f.arg_types.last() {
            // One argument of the wrong type is rejected with Prometheus's message.
            let wrong = if *last == ValueType::Scalar { "x" } else { "1" };
            let mut bad = args.clone();
            *bad.last_mut().unwrap() = wrong;
            let q = format!("{}({})", f.name, bad.join(", "));
            assert!(
                err(&q).contains(&format!("in call to function \"{}\", got", f.name)),
                "{q}"
            );
        }
    }
}

#[test]
fn never_panics_on_prefixes_and_mutations() {
    let mut corpus: Vec<String> = TRICKY.iter().map(|s| s.to_string()).collect();
    if let Some(evals) = corpus_sample() {
        corpus.extend(evals);
    }
    for q in &corpus {
        for end in 0..=q.len() {
            if q.is_char_boundary(end) {
                let _ = parse(&q[..end]);
            }
        }
    }
    // Byte mutations with a fixed xorshift generator.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet = b"()[]{}:,=~!<>+-*/%^@\"'`\\#.0123456789eEmsxhInNaby_ \n\xc3\xa9";
    for q in &corpus {
        for _ in 0..200 {
            let mut bytes = q.clone().into_bytes();
            for _ in 0..1 + next() % 3 {
                let r = next() as usize;
                let pos = r % (bytes.len() + 1);
                let b = alphabet[(r >> 16) % alphabet.len()];
                match r >> 40 & 3 {
                    0 if pos < bytes.len() => bytes[pos] = b,
                    1 if pos < bytes.len() => {
                        bytes.remove(pos);
                    }
                    _ => bytes.insert(pos, b),
                }
            }
            let s = String::from_utf8_lossy(&bytes);
            let _ = parse(&s);
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    // Unoptimized builds use ~10-20 KiB of stack per nesting level; give the
    // parser 4 MiB so this checks the depth limit, not the debug frame size.
    let run = std::thread::Builder::new().stack_size(4 << 20).spawn(|| {
        for open in ["(", "-", "sum(", "rate(x[5m:", "abs(", "x offset (", "x[("] {
            let q = open.repeat(100_000) + "x";
            let e = parse(&q).unwrap_err();
            assert!(e.message.contains("nested too deeply"), "{open}: {e}");
        }
        let q = "(".repeat(90) + "x" + &")".repeat(90);
        ok(&q);
    });
    run.unwrap().join().unwrap();
}

fn corpus_sample() -> Option<Vec<String>> {
    Some(corpus()?.into_iter().step_by(25).map(|e| e.expr).collect())
}
