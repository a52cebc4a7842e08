//! What the Python lab shows, browser-free: the program highlighted (with the
//! line an error names underlined), hints for the mistakes tutorials' readers
//! make, the worker's answer to a scrape read as Prometheus reads an HTTP
//! response, and the page's list of what the lab's shims support.

use crate::expo::textparse::Format;

use super::yaml_editor::{ErrorAt, underline};

const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// `text` as runs of (text, CSS classes) covering every byte: keywords, strings
/// (triple-quoted ones across lines), comments, numbers, decorators and function
/// names; the place `error` names is underlined to the end of its line.
pub fn python_segments(text: &str, error: Option<ErrorAt>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // The quote of a triple-quoted string still open at a line's start.
    let mut open: Option<&'static str> = None;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let mut runs = Vec::new();
        open = line_runs(body, open, &mut runs);
        if let Some((l, col)) = error
            && l as usize == index + 1
        {
            let indent = body.len() - body.trim_start().len();
            let from = match col {
                Some(c) => body
                    .char_indices()
                    .nth(c.saturating_sub(1) as usize)
                    .map_or(body.len(), |(i, _)| i),
                None => indent,
            };
            runs = underline(runs, from, body.len().max(from + 1));
        }
        out.extend(runs);
        if line.ends_with('\n') {
            out.push(("\n".to_string(), String::new()));
        }
    }
    out
}

fn push(out: &mut Vec<(String, String)>, text: &str, class: &str) {
    if !text.is_empty() {
        out.push((text.to_string(), class.to_string()));
    }
}

/// One line's runs; returns the triple quote still open at its end.
fn line_runs(
    line: &str,
    mut open: Option<&'static str>,
    out: &mut Vec<(String, String)>,
) -> Option<&'static str> {
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut previous_word = "";
    while i < line.len() {
        if let Some(quote) = open {
            let end = line[i..].find(quote).map_or(line.len(), |e| i + e + 3);
            push(out, &line[i..end], "tok-string");
            if end <= line.len() && line[i..].contains(quote) {
                open = None;
            }
            i = end;
            continue;
        }
        let c = bytes[i];
        let start = i;
        if c == b'#' {
            push(out, &line[i..], "tok-comment");
            break;
        } else if c == b'"' || c == b'\'' {
            let triple = if line[i..].starts_with("\"\"\"") {
                Some("\"\"\"")
            } else if line[i..].starts_with("'''") {
                Some("'''")
            } else {
                None
            };
            if let Some(q) = triple {
                open = Some(q);
                push(out, q, "tok-string");
                i += 3;
                continue;
            }
            i += 1;
            while i < line.len() && bytes[i] != c {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(line.len());
            push(out, &line[start..i], "tok-string");
        } else if c == b'@' && line[..i].trim().is_empty() {
            let end = line[i..]
                .find(|ch: char| ch == '(' || ch.is_whitespace())
                .map_or(line.len(), |e| i + e);
            push(out, &line[i..end], "tok-function");
            i = end;
        } else if c.is_ascii_digit() {
            while i < line.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.' || bytes[i] == b'_')
            {
                i += 1;
            }
            push(out, &line[start..i], "tok-number");
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            while i < line.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
            {
                i += 1;
            }
            let word = &line[start..i];
            let prefixed_string = matches!(word, "f" | "r" | "b" | "rb" | "br" | "fr" | "rf")
                && matches!(bytes.get(i), Some(b'"' | b'\''));
            let class = if KEYWORDS.contains(&word) {
                "tok-keyword"
            } else if previous_word == "def" || previous_word == "class" {
                "tok-function"
            } else if prefixed_string {
                "tok-string"
            } else {
                ""
            };
            push(out, word, class);
            previous_word = word;
            continue;
        } else {
            while i < line.len() && !line.is_char_boundary(i + 1) {
                i += 1;
            }
            i += 1;
            push(
                out,
                &line[start..i],
                if c.is_ascii_whitespace() {
                    ""
                } else {
                    "tok-punct"
                },
            );
        }
        if !bytes[start].is_ascii_whitespace() {
            previous_word = "";
        }
    }
    open
}

/// An error the program raised: its last line, the whole traceback, the line of
/// the program it names, and a hint when it is a common mistake.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgramError {
    pub error: String,
    pub traceback: String,
    pub line: Option<u32>,
    pub hint: Option<&'static str>,
}

impl ProgramError {
    pub fn new(error: String, traceback: String, line: Option<u32>) -> ProgramError {
        let hint = hint(&error);
        ProgramError {
            error,
            traceback,
            line,
            hint,
        }
    }
}

/// A hint for a mistake tutorials' readers make, from the error's last line.
pub fn hint(error: &str) -> Option<&'static str> {
    const HINTS: [(&str, &str); 9] = [
        (
            "Duplicated timeseries in CollectorRegistry",
            "A metric with this name is registered twice. Create each metric once, at module level (not inside a function or a request handler), or give it its own registry=CollectorRegistry().",
        ),
        (
            "Incorrect label count",
            "This metric was declared with label names: .labels(...) needs a value for each, in order (or by name), and .inc()/.observe() must be called on what .labels() returns.",
        ),
        (
            "Incorrect label names",
            "The names given to .labels(name=value) must be exactly the label names the metric was declared with.",
        ),
        (
            "No label names were set when constructing",
            "This metric has no labels: call .inc()/.set()/.observe() on it directly, or declare its label names, e.g. Counter('name', 'help', ['endpoint']).",
        ),
        (
            "Counters can only be incremented by non-negative amounts",
            "A counter only goes up (rate() relies on it). For a value that can go down, use a Gauge and .dec() or .set().",
        ),
        (
            "missing label values",
            "This metric has labels: call .labels(...) first, then .inc()/.observe() on its result.",
        ),
        (
            "Invalid metric name",
            "Metric names are letters, digits, underscores and colons, not starting with a digit (e.g. http_requests_total).",
        ),
        (
            "No module named",
            "The lab has prometheus_client, the standard library, and small stand-ins for flask, fastapi, uvicorn, werkzeug and psutil; other packages cannot be installed in the page.",
        ),
        (
            "without sleeping",
            "A loop that never calls time.sleep() never lets virtual time pass: add a time.sleep(...) to it.",
        ),
    ];
    HINTS
        .iter()
        .find(|(needle, _)| error.contains(needle))
        .map(|(_, hint)| *hint)
}

/// How Prometheus reads the program's answer to a scrape: a 2xx body in the
/// format its content type names (OpenMetrics, else the text format), anything
/// else a failed scrape with Prometheus's message.
pub fn scrape_answer(status: u16, content_type: &str, text: String) -> crate::scrape::ScrapeAnswer {
    if !(200..300).contains(&status) {
        let reason = match status {
            400 => " Bad Request",
            404 => " Not Found",
            405 => " Method Not Allowed",
            500 => " Internal Server Error",
            503 => " Service Unavailable",
            _ => "",
        };
        return Err(format!("server returned HTTP status {status}{reason}"));
    }
    // Prometheus reads anything else as the text format; the worker passes text
    // only (prometheus_client serves no protobuf).
    let format = match Format::from_content_type(content_type) {
        Some(Format::Protobuf) | None => Format::Text,
        Some(f) => f,
    };
    Ok((text.into_bytes(), format))
}

/// What the lab runs, as the page documents it: (topic, what is supported).
pub const SUPPORT: [(&str, &str); 9] = [
    (
        "Time",
        "time.time, time.sleep, time.perf_counter and time.monotonic follow the run's virtual clock: sleep suspends only the thread that calls it, and .time() measures virtual time. Code that never sleeps takes no virtual time.",
    ),
    (
        "Randomness",
        "random is seeded with the run's seed when the program starts, so a run replays exactly.",
    ),
    (
        "prometheus_client",
        "The real package (0.26.0): every metric type, labels, custom collectors, generate_latest, make_wsgi_app. start_http_server(port) makes the program the scrape target.",
    ),
    (
        "flask",
        "Flask(__name__), @app.route with methods and path parameters, @app.get/post, request, g, abort, jsonify, Response, before/after_request, app.wsgi_app (wrap it with werkzeug's DispatcherMiddleware), app.run().",
    ),
    (
        "fastapi",
        "FastAPI(), @app.get/@app.post with path and query parameters, async handlers, HTTPException, @app.middleware(\"http\"), app.mount(\"/metrics\", make_asgi_app()), uvicorn.run(app).",
    ),
    (
        "http.server",
        "HTTPServer(..., Handler).serve_forever(): the real BaseHTTPRequestHandler answers each request.",
    ),
    (
        "Threads and hosts",
        "threading.Thread loops run beside the app on the virtual clock; psutil and shutil.disk_usage answer from a simulated host.",
    ),
    (
        "Traffic",
        "The scenario's requests reach the app's routes at the traffic control's rate; the error ratio and outages make handlers raise (a 500), latency and slow releases stretch their sleeps. Batch jobs are started by cron every 5 minutes and push to an emulated Pushgateway.",
    ),
    (
        "Limits",
        "One process (it takes the first instance's place). No network, no pip install. A program that runs 2 s without sleeping is stopped.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str) -> Vec<(String, String)> {
        python_segments(text, None)
            .into_iter()
            .filter(|(_, c)| !c.is_empty())
            .collect()
    }

    #[test]
    fn python_is_highlighted_and_covers_every_byte() {
        let source = include_str!("../sim/scenarios/python/api.py");
        let joined: String = python_segments(source, Some((40, None)))
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(joined, source);
        let runs = classes("@app.get(\"/x\")\ndef f(n=1):  # hi\n    return f'{n}'\n");
        assert_eq!(
            runs,
            [
                ("@app.get", "tok-function"),
                ("(", "tok-punct"),
                ("\"/x\"", "tok-string"),
                (")", "tok-punct"),
                ("def", "tok-keyword"),
                ("f", "tok-function"),
                ("(", "tok-punct"),
                ("=", "tok-punct"),
                ("1", "tok-number"),
                (")", "tok-punct"),
                (":", "tok-punct"),
                ("# hi", "tok-comment"),
                ("return", "tok-keyword"),
                ("f", "tok-string"),
                ("'{n}'", "tok-string"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        let doc = classes("\"\"\"one\ntwo\"\"\" x\n");
        assert_eq!(doc[0], ("\"\"\"".into(), "tok-string".into()));
        assert!(
            doc.iter()
                .any(|(t, c)| t == "two\"\"\"" && c == "tok-string"),
            "{doc:?}"
        );
    }

    #[test]
    fn the_error_line_is_underlined_from_its_indent() {
        let runs = python_segments("x = 1\n    y(\n", Some((2, None)));
        let underlined: String = runs
            .iter()
            .filter(|(_, c)| c.contains("err-underline"))
            .map(|(t, _)| t.as_str())
            .collect();
        assert_eq!(underlined, "y(");
    }

    #[test]
    fn mistakes_get_hints() {
        assert!(
            hint("ValueError: Duplicated timeseries in CollectorRegistry: {'x_total'}")
                .unwrap()
                .contains("registered twice")
        );
        assert!(
            hint("ValueError: Incorrect label count")
                .unwrap()
                .contains(".labels")
        );
        assert!(
            hint("ValueError: Counters can only be incremented by non-negative amounts.")
                .unwrap()
                .contains("Gauge")
        );
        assert!(hint("ModuleNotFoundError: No module named 'requests'").is_some());
        assert!(hint("Stopped: the program ran for 2 s without sleeping (time.sleep), so virtual time could not pass.").unwrap().contains("time.sleep"));
        assert_eq!(hint("NameError: name 'x' is not defined"), None);
    }

    #[test]
    fn answers_are_read_as_prometheus_reads_them() {
        let om = scrape_answer(
            200,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
            "x".into(),
        );
        assert_eq!(om, Ok((b"x".to_vec(), Format::OpenMetrics)));
        let text = scrape_answer(200, "text/plain; version=0.0.4; charset=utf-8", "x".into());
        assert_eq!(text.unwrap().1, Format::Text);
        assert_eq!(
            scrape_answer(404, "text/html", String::new()),
            Err("server returned HTTP status 404 Not Found".to_string())
        );
    }
}
