//! Hostile and random templates: every input returns Ok or Err (no panic, no
//! stack overflow, no hang), output and work are bounded.

use promplay::rules::template::{
    Expander, Querier, Value, alert_data, check_alert_text, expand_alert_text,
};

type Vector = Vec<(Vec<(String, String)>, f64)>;

/// A querier returning `n` series.
struct Many(usize);

impl Querier for Many {
    fn query(&mut self, _: &str, _: i64) -> Result<Vector, String> {
        Ok((0..self.0)
            .map(|i| (vec![("instance".to_string(), format!("host{i}"))], i as f64))
            .collect())
    }
}

fn expand(text: &str, data: Value) -> Result<String, String> {
    let mut q = Many(3);
    Expander::new(text, "t", data, 0, Some(&mut q), "http://x/").expand()
}

/// Runs `f` on a thread with a small stack, as in the browser (1 MiB).
fn small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic or overflow");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    small_stack(|| {
        let parens = format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
        let e = expand(&parens, Value::Nil).unwrap_err();
        assert!(e.ends_with("expression nests too deeply"), "{e}");
        let ifs = format!("{}x{}", "{{if 1}}".repeat(5000), "{{end}}".repeat(5000));
        assert!(
            expand(&ifs, Value::Nil)
                .unwrap_err()
                .ends_with("expression nests too deeply")
        );
        // Just inside the limits, everything runs.
        let ok = format!("{{{{ {}1{} }}}}", "(".repeat(90), ")".repeat(90));
        assert_eq!(expand(&ok, Value::Nil), Ok("1".into()));
        let ok = format!("{}x{}", "{{with 1}}".repeat(95), "{{end}}".repeat(95));
        assert_eq!(expand(&ok, Value::Nil), Ok("x".into()));
    });
}

#[test]
fn recursive_templates_stop() {
    small_stack(|| {
        let e = expand(
            "{{define \"a\"}}{{template \"a\" .}}{{end}}{{template \"a\" .}}",
            Value::Nil,
        )
        .unwrap_err();
        assert!(e.ends_with("exceeded maximum template depth (100)"), "{e}");
        // Deep templates that also nest deeply inside.
        let body = format!(
            "{}{{{{template \"a\" .}}}}{}",
            "{{with 1}}".repeat(90),
            "{{end}}".repeat(90)
        );
        let text = format!("{{{{define \"a\"}}}}{body}{{{{end}}}}{{{{template \"a\" .}}}}");
        let e = expand(&text, Value::Nil).unwrap_err();
        assert!(e.ends_with("exceeded maximum nesting depth (300)"), "{e}");
        let e = Expander::new(
            "{{define \"a\"}}{{tmpl \"a\" .}}{{end}}{{tmpl \"a\" .}}",
            "t",
            Value::Nil,
            0,
            None,
            "",
        )
        .expand_html()
        .unwrap_err();
        assert!(e.ends_with("exceeded maximum nesting depth (300)"), "{e}");
    });
}

#[test]
fn output_and_work_are_bounded() {
    let big = Value::list((0..2000).map(Value::Int).collect());
    let e = expand(
        "{{range .}}{{range $}}{{printf \"%1000d\" 1}}{{end}}{{end}}",
        big.clone(),
    )
    .unwrap_err();
    assert_eq!(e, "error executing template t: template output too long");
    let e = expand(
        "{{range .}}{{range $}}{{range $}}{{end}}{{end}}{{end}}",
        big,
    )
    .unwrap_err();
    assert_eq!(
        e,
        "error executing template t: template execution exceeded 2000000 steps"
    );
    // Strings that double in a loop hit the size limit before memory does.
    let data = Value::list((0..64).map(Value::Int).collect());
    let e = expand(
        "{{$x := \"ab\"}}{{range .}}{{$x = printf \"%s%s\" $x $x}}{{end}}",
        data,
    )
    .unwrap_err();
    assert_eq!(e, "error executing template t: template output too long");
    // Go's widths stop at eight digits; longer is a bad verb.
    assert_eq!(
        expand("{{printf \"%100000000d\" 1}}", Value::Nil),
        Ok("%!(NOVERB)%!(EXTRA int=1)".into())
    );
    let e = expand("{{printf \"%10000000d\" 1}}", Value::Nil).unwrap_err();
    assert_eq!(e, "error executing template t: template output too long");
    // Building big strings costs steps in proportion.
    let data = Value::list((0..100_000).map(Value::Int).collect());
    let e = expand("{{range .}}{{$x := printf \"%999999d\" 1}}{{end}}", data).unwrap_err();
    assert_eq!(
        e,
        "error executing template t: template execution exceeded 2000000 steps"
    );
}

/// A tiny deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const PIECES: &[&str] = &[
    "{{",
    "}}",
    "{{-",
    "-}}",
    " ",
    "\n",
    "{{/*",
    "*/}}",
    "(",
    ")",
    "|",
    ".",
    ".Labels",
    ".Value",
    "$",
    "$x",
    "$labels",
    "$value",
    ":=",
    "=",
    ",",
    "\"",
    "`",
    "'",
    "a",
    "1",
    "-1",
    "0x1F",
    "1e3",
    "1.5",
    "2i",
    "'x'",
    "\\",
    "if",
    "else",
    "end",
    "range",
    "with",
    "define",
    "template",
    "block",
    "break",
    "continue",
    "nil",
    "true",
    "\"x\"",
    "\"%d %s %v\"",
    "printf",
    "print",
    "println",
    "len",
    "index",
    "slice",
    "eq",
    "ne",
    "lt",
    "and",
    "or",
    "not",
    "html",
    "js",
    "urlquery",
    "call",
    "query",
    "first",
    "label",
    "value",
    "args",
    "reReplaceAll",
    "match",
    "humanize",
    "humanizeDuration",
    "humanizeTimestamp",
    "toTime",
    "toDuration",
    "sortByLabel",
    "stripPort",
    "title",
    "safeHtml",
    "parseDuration",
    "\"(a\"",
    "\"[z-a]\"",
    "\"5m\"",
    "{{$x := 1}}",
    "{{range $i, $e := .}}",
    "{{end}}",
    "é",
    "\u{a0}",
    "\0",
];

#[test]
fn random_templates_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let labels = vec![("instance".to_string(), "a:1".to_string())];
    let mut parsed = 0;
    for round in 0..fuzz_rounds() {
        let n = 1 + rng.next() % 24;
        let text: String = if round % 2 == 0 {
            (0..n).map(|_| rng.pick(PIECES)).collect()
        } else {
            // Well-formed actions of random words, to get past the parser.
            (0..n)
                .map(|_| {
                    let words: Vec<&str> =
                        (0..1 + rng.next() % 4).map(|_| rng.pick(WORDS)).collect();
                    format!("{}{{{{{}}}}}", rng.pick(&["", " ", "x"]), words.join(" "))
                })
                .collect()
        };
        let data = match round % 3 {
            0 => Value::Nil,
            1 => alert_data(&labels, &[], "http://x", 1.5),
            _ => Value::list(vec![Value::Int(1), Value::str("b"), Value::Float(2.5)]),
        };
        let mut q = Many(2);
        let mut e = Expander::new(&text, "t", data, 0, Some(&mut q), "http://x/");
        let _ = e.expand();
        let _ = e.expand_html();
        let _ = e.parse_test();
        if e.parse_test().is_ok() {
            parsed += 1;
        }
        let _ = check_alert_text("X", &text);
        let _ = expand_alert_text("X", &text, &labels, &[], "", 2.0, 0, None);
    }
    // Enough of them get past the parser to exercise execution.
    assert!(parsed > fuzz_rounds() / 20, "{parsed}");
}

/// Words that make up actions.
const WORDS: &[&str] = &[
    ".",
    "$",
    ".Labels",
    ".Labels.instance",
    ".Value",
    "$labels",
    "$value",
    "1",
    "-2.5",
    "\"a\"",
    "`b`",
    "nil",
    "true",
    "(1)",
    "(.)",
    "|",
    "printf \"%v %d %s %q %x %5.2f %T\"",
    "print",
    "len",
    "index . 0",
    "slice . 1",
    "eq 1",
    "lt 2",
    "and 0",
    "or 1",
    "not",
    "html",
    "js",
    "urlquery",
    "query \"up\"",
    "first",
    "value",
    "label \"instance\"",
    "args 1 2",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "toDuration",
    "title",
    "toUpper",
    "match \"a\"",
    "reReplaceAll \"a\" \"b\"",
    "stripPort",
    "stripDomain",
    "sortByLabel \"x\"",
    "safeHtml",
    "parseDuration",
    "now",
    "pathPrefix",
    "externalURL",
    "graphLink",
    "$x := 1",
    "range .",
    "end",
    "if .",
    "else",
    "with .",
    "break",
    "continue",
    "template \"t\" .",
    "define \"t\"",
];

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(12345);
    for _ in 0..fuzz_rounds() {
        let n = rng.next() % 40;
        const ALPHABET: &[u8] = b"{}()|$.\"'`-\\ \na1xe+*/:=,";
        let bytes: Vec<u8> = (0..n)
            .map(|_| ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize])
            .collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = expand(&text, Value::Nil);
    }
}

#[test]
fn nested_args_chains_are_bounded() {
    small_stack(|| {
        let data = Value::list((0..100_000).map(Value::Int).collect());
        let e = expand(
            "{{$x := args}}{{range .}}{{$x = args $x}}{{end}}{{$x}}",
            data,
        )
        .unwrap_err();
        assert!(
            e.ends_with("error calling args: args nested more than 32 deep"),
            "{e}"
        );
        let ok = expand(
            "{{$x := args 1}}{{$x = args $x}}{{$x = args $x}}{{$x}}",
            Value::Nil,
        );
        assert_eq!(ok, Ok("map[arg0:map[arg0:map[arg0:1]]]".into()));
    });
}

/// Rounds of random input (`GOTEMPLATE_FUZZ_ROUNDS` for longer runs).
fn fuzz_rounds() -> u64 {
    std::env::var("GOTEMPLATE_FUZZ_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000)
}
