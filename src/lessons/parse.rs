//! The lesson file reader: front matter, title, intro, steps with directives.
//! Every error names its line and column and what was expected; nothing panics
//! and a teacher's file is refused whole, before anything of it is used.

use std::fmt;

use super::{AlertState, Check, Lesson, ShowMe, Step};
use crate::expo::model::MetricType;
use crate::pipeline::{Change, FieldError, Timeline};

/// The largest lesson file read (a teacher's file or URL).
pub const MAX_LESSON_BYTES: usize = 256 * 1024;
/// The most steps a lesson has.
pub const MAX_STEPS: usize = 100;

const KEYS: [&str; 7] = [
    "id",
    "scenario",
    "seed",
    "timeline",
    "hours",
    "needs",
    "native_histograms",
];
const DIRECTIVES: [&str; 5] = ["pane", "check", "fail", "hint", "show"];
const PANES: [&str; 8] = [
    "service",
    "exposition",
    "query",
    "dashboard",
    "inspect",
    "targets",
    "alerts",
    "lessons",
];

/// Where a lesson file is wrong: 1-based line and column, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.col, self.message
        )
    }
}

fn error(line: usize, col: usize, message: impl Into<String>) -> LessonError {
    LessonError {
        line,
        col,
        message: message.into(),
    }
}

/// Reads a lesson file.
pub fn parse_lesson(text: &str) -> Result<Lesson, LessonError> {
    if text.len() > MAX_LESSON_BYTES {
        return Err(error(
            1,
            1,
            format!(
                "a lesson file is at most {} KB; this one is {} KB",
                MAX_LESSON_BYTES / 1024,
                text.len() / 1024
            ),
        ));
    }
    let mut lesson = Lesson {
        id: String::new(),
        title: String::new(),
        scenario: String::new(),
        seed: 1,
        timeline: String::new(),
        hours: 1,
        native_histograms: false,
        needs: None,
        intro: String::new(),
        steps: Vec::new(),
    };
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l)).peekable();
    // Front matter, up to the title.
    while let Some(&(n, line)) = lines.peek() {
        if line.starts_with("# ") {
            break;
        }
        lines.next();
        if line.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(error(
                n,
                1,
                format!(
                    "expected `key: value` (one of {}) or the title `# ...`",
                    KEYS.join(", ")
                ),
            ));
        };
        let value = value.trim();
        let value_col = line.len() - line[key.len() + 1..].trim_start().len() + 1;
        front_matter(&mut lesson, key.trim(), value, n, value_col)?;
    }
    let Some((title_line, title)) = lines.next() else {
        return Err(error(
            text.lines().count().max(1),
            1,
            "expected the lesson's title: a line `# Title`",
        ));
    };
    lesson.title = title[2..].trim().to_string();
    if lesson.title.is_empty() {
        return Err(error(
            title_line,
            3,
            "expected the lesson's title after `# `",
        ));
    }
    for (key, missing) in [
        ("id", lesson.id.is_empty()),
        ("scenario", lesson.scenario.is_empty()),
    ] {
        if missing {
            return Err(error(
                1,
                1,
                format!("expected `{key}: ...` before the title"),
            ));
        }
    }
    let mut in_fence = false;
    for (n, line) in lines {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && line.starts_with("# ") {
            return Err(error(
                n,
                1,
                "a lesson has one title; steps start with `## `",
            ));
        }
        if !in_fence && let Some(step_title) = line.strip_prefix("## ") {
            if lesson.steps.len() >= MAX_STEPS {
                return Err(error(
                    n,
                    1,
                    format!("a lesson has at most {MAX_STEPS} steps"),
                ));
            }
            lesson.steps.push(Step {
                title: step_title.trim().to_string(),
                text: String::new(),
                pane: None,
                checks: Vec::new(),
                fail: None,
                hints: Vec::new(),
                show_me: Vec::new(),
                line: n,
            });
            continue;
        }
        match lesson.steps.last_mut() {
            Some(step) if !in_fence && line.starts_with('@') => directive(step, line, n)?,
            Some(step) => push_line(&mut step.text, line),
            None if line.starts_with('@') && !in_fence => {
                return Err(error(
                    n,
                    1,
                    "directives belong to a step: start one with `## Step title`",
                ));
            }
            None => push_line(&mut lesson.intro, line),
        }
    }
    if lesson.steps.is_empty() {
        return Err(error(
            title_line,
            1,
            "expected at least one step (`## Step title`) after the title",
        ));
    }
    for step in &mut lesson.steps {
        step.text = step.text.trim().to_string();
    }
    lesson.intro = lesson.intro.trim().to_string();
    Ok(lesson)
}

/// The first fenced block of `language` (```yaml, ```python) in a step's text.
fn fenced_block(text: &str, language: &str) -> Option<String> {
    let open = format!("```{language}\n");
    let start = text.find(&open)? + open.len();
    let len = text[start..].find("```")?;
    Some(text[start..start + len].to_string())
}

fn push_line(text: &mut String, line: &str) {
    text.push_str(line);
    text.push('\n');
}

fn front_matter(
    lesson: &mut Lesson,
    key: &str,
    value: &str,
    n: usize,
    col: usize,
) -> Result<(), LessonError> {
    match key {
        "id" => {
            if value.is_empty()
                || !value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(error(
                    n,
                    col,
                    "expected an id of letters, digits, `-` and `_`",
                ));
            }
            lesson.id = value.to_string();
        }
        "scenario" => {
            let known: Vec<&str> = crate::sim::scenarios().iter().map(|s| s.name).collect();
            if !known.contains(&value) {
                return Err(error(
                    n,
                    col,
                    format!(
                        "unknown scenario {value:?}; expected one of {}",
                        known.join(", ")
                    ),
                ));
            }
            lesson.scenario = value.to_string();
        }
        "native_histograms" => {
            lesson.native_histograms = match value {
                "true" => true,
                "false" => false,
                _ => return Err(error(n, col, "expected true or false")),
            };
        }
        "seed" => {
            lesson.seed = value
                .parse()
                .map_err(|_| error(n, col, "expected a seed: a whole number"))?;
        }
        "hours" => {
            lesson.hours = value
                .parse()
                .ok()
                .filter(|h| (0..=24).contains(h))
                .ok_or_else(|| {
                    error(
                        n,
                        col,
                        "expected the hours of history: a whole number from 0 to 24",
                    )
                })?;
        }
        "timeline" => {
            Timeline::parse(value, 0)
                .map_err(|e| error(n, col + e.col - 1, format!("timeline: {}", e.message)))?;
            lesson.timeline = value.to_string();
        }
        "needs" => lesson.needs = Some(value.to_string()),
        _ => {
            return Err(error(
                n,
                1,
                format!("unknown key {key:?}; expected one of {}", KEYS.join(", ")),
            ));
        }
    }
    Ok(())
}

/// Splits off the first word of `rest` (which starts at column `col`): the word,
/// what follows it (trimmed) and that remainder's column.
fn word(rest: &str, col: usize) -> (&str, &str, usize) {
    let trimmed = rest.trim_start();
    let start = col + rest.len() - trimmed.len();
    let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    let after = &trimmed[end..];
    let tail = after.trim_start();
    (
        &trimmed[..end],
        tail.trim_end(),
        start + end + after.len() - tail.len(),
    )
}

fn directive(step: &mut Step, line: &str, n: usize) -> Result<(), LessonError> {
    let (name, rest, rest_col) = word(&line[1..], 2);
    match name {
        "pane" => {
            if !PANES.contains(&rest) {
                return Err(error(
                    n,
                    rest_col,
                    format!("expected a pane: one of {}", PANES.join(", ")),
                ));
            }
            step.pane = Some(rest.to_string());
        }
        "fail" => step.fail = Some(rest.to_string()),
        "hint" => step.hints.push(rest.to_string()),
        "check" => step.checks.push(check(rest, rest_col, n)?),
        "show" => {
            let (kind, value, col) = word(rest, rest_col);
            step.show_me.push(match kind {
                "query" => ShowMe::Query(promql(value, col, n)?),
                "panel" => ShowMe::Panel(promql(value, col, n)?),
                "event" => {
                    let (k, v) = value.split_once(':').ok_or_else(|| {
                        error(n, col, "expected an event as kind:value, e.g. outage:5m")
                    })?;
                    Change::parse(k, v).map_err(|e| {
                        let (FieldError::Kind(m) | FieldError::Value(m)) = e;
                        error(n, col, m)
                    })?;
                    ShowMe::Event(value.to_string())
                }
                "program" => ShowMe::Program(fenced_block(&step.text, "python")),
                "metric" => {
                    crate::sim::MetricOp::parse(value).map_err(|e| error(n, col, e))?;
                    ShowMe::Metric(value.to_string())
                }
                "rules" => {
                    let block = fenced_block(&step.text, "yaml").ok_or_else(|| {
                        error(n, rest_col, "@show rules adds the step's ```yaml block: put one in the step's text above it")
                    })?;
                    crate::pipeline::check_rule_text(&format!("groups:\n{block}")).map_err(|e| {
                        error(n, rest_col, format!("the step's rules do not load: {}", e[0].message))
                    })?;
                    ShowMe::Rules(block)
                }
                _ => {
                    return Err(error(
                        n,
                        rest_col,
                        "expected what to show: query, panel, event, rules, program or metric",
                    ));
                }
            });
        }
        _ => {
            return Err(error(
                n,
                2,
                format!(
                    "unknown directive @{name}; expected one of @{}",
                    DIRECTIVES.join(", @")
                ),
            ));
        }
    }
    Ok(())
}

/// A PromQL expression at column `col`, checked by the parser (its error's column
/// is moved to the file's).
fn promql(expr: &str, col: usize, n: usize) -> Result<String, LessonError> {
    if expr.is_empty() {
        return Err(error(n, col, "expected a PromQL expression"));
    }
    crate::promql::parse(expr)
        .map_err(|e| error(n, col + e.col - 1, format!("PromQL: {}", e.message)))?;
    Ok(expr.to_string())
}

fn check(rest: &str, col: usize, n: usize) -> Result<Check, LessonError> {
    let (kind, value, value_col) = word(rest, col);
    Ok(match kind {
        "query" => Check::Query {
            reference: promql(value, value_col, n)?,
        },
        "panel" => Check::Panel {
            reference: promql(value, value_col, n)?,
        },
        "result" => Check::Result {
            expr: promql(value, value_col, n)?,
        },
        "alert" => {
            let (name, state, state_col) = word(value, value_col);
            if name.is_empty() {
                return Err(error(n, value_col, "expected an alert's name and state"));
            }
            let state = match state {
                "inactive" => AlertState::Inactive,
                "pending" => AlertState::Pending,
                "firing" => AlertState::Firing,
                _ => {
                    return Err(error(
                        n,
                        state_col,
                        "expected the alert's state: inactive, pending or firing",
                    ));
                }
            };
            Check::Alert {
                name: name.to_string(),
                state,
            }
        }
        "exposed" => {
            let (name, kind, kind_col) = word(value, value_col);
            if name.is_empty() {
                return Err(error(
                    n,
                    value_col,
                    "expected a metric family's name and type",
                ));
            }
            let kind = MetricType::from_openmetrics(kind).ok_or_else(|| {
                error(n, kind_col, "expected a metric type: counter, gauge, histogram, summary, info, stateset, gaugehistogram or unknown")
            })?;
            Check::Exposed {
                name: name.to_string(),
                kind,
            }
        }
        _ => {
            return Err(error(
                n,
                col,
                "expected a check: query, panel, result, alert or exposed",
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = "id: demo\nscenario: api\ntimeline: 5m:outage:5m\n\n# A demo\nIntro with `code`.\n\n## First step\nDo this.\n```\n@not a directive\n```\n@pane query\n@check query sum(rate(http_requests_total[5m]))\n@check alert HighErrorRate firing\n@check exposed http_requests counter\n@fail Not yet.\n@hint Try rate().\n@show query sum(rate(http_requests_total[5m]))\n\n## Second\n@check result up == 1\n@show event outage:5m\n";

    #[test]
    fn a_lesson_reads() {
        let lesson = parse_lesson(LESSON).unwrap();
        assert_eq!(lesson.id, "demo");
        assert_eq!(lesson.title, "A demo");
        assert_eq!(lesson.timeline, "5m:outage:5m");
        assert_eq!(lesson.steps.len(), 2);
        let step = &lesson.steps[0];
        assert_eq!(step.text, "Do this.\n```\n@not a directive\n```");
        assert_eq!(step.pane.as_deref(), Some("query"));
        assert_eq!(step.checks.len(), 3);
        assert_eq!(
            step.checks[1],
            Check::Alert {
                name: "HighErrorRate".into(),
                state: AlertState::Firing
            }
        );
        assert_eq!(
            step.checks[2],
            Check::Exposed {
                name: "http_requests".into(),
                kind: MetricType::Counter
            }
        );
        assert_eq!(
            step.show_me,
            [ShowMe::Query("sum(rate(http_requests_total[5m]))".into())]
        );
        assert_eq!(lesson.steps[1].show_me, [ShowMe::Event("outage:5m".into())]);
        assert_eq!(lesson.steps[1].line, 21);
    }

    #[test]
    fn errors_name_their_line_and_column() {
        let cases = [
            (
                "id: x\nscenario: nope\n# T\n## S\n",
                (2, 11),
                "unknown scenario",
            ),
            (
                "id: x\nscenario: api\ncolour: red\n# T\n## S\n",
                (3, 1),
                "unknown key",
            ),
            (
                "id: x\nscenario: api\n# T\n## S\n@check query rate(up[5m]\n",
                (5, 25),
                "PromQL",
            ),
            (
                "id: x\nscenario: api\n# T\n## S\n@check alert X burning\n",
                (5, 16),
                "state",
            ),
            (
                "id: x\nscenario: api\n# T\n## S\n@frobnicate\n",
                (5, 2),
                "unknown directive",
            ),
            (
                "id: x\nscenario: api\n# T\nno steps\n",
                (3, 1),
                "at least one step",
            ),
            ("scenario: api\n# T\n## S\n", (1, 1), "id:"),
            (
                "id: x\nscenario: api\ntimeline: 5m:outage:forever\n# T\n## S\n",
                (3, 21),
                "timeline",
            ),
            (
                "id: x\nscenario: api\n# T\n## S\n@pane kitchen\n",
                (5, 7),
                "pane",
            ),
        ];
        for (text, (line, col), needle) in cases {
            let e = parse_lesson(text).unwrap_err();
            assert_eq!((e.line, e.col), (line, col), "{text:?}: {e}");
            assert!(e.message.contains(needle), "{text:?}: {e}");
        }
    }

    #[test]
    fn show_rules_takes_the_steps_yaml_block() {
        let text = "id: r\nscenario: api\n# T\n## Add a rule\nAdd:\n```yaml\n  - name: mine\n    rules:\n      - record: a:b\n        expr: up\n```\n@show rules\n@show query a:b\n";
        let lesson = parse_lesson(text).unwrap();
        assert_eq!(
            lesson.steps[0].show_me,
            [
                ShowMe::Rules(
                    "  - name: mine\n    rules:\n      - record: a:b\n        expr: up\n".into()
                ),
                ShowMe::Query("a:b".into())
            ]
        );
        let missing = parse_lesson("id: r\nscenario: api\n# T\n## S\n@show rules\n").unwrap_err();
        assert_eq!((missing.line, missing.col), (5, 7));
        let broken = parse_lesson("id: r\nscenario: api\n# T\n## S\n```yaml\n  - name: x\n    rules:\n      - record: a\n```\n@show rules\n").unwrap_err();
        assert!(broken.message.contains("do not load"), "{broken}");
    }

    #[test]
    fn no_input_panics() {
        for text in [
            "",
            "#",
            "# ",
            "@",
            "id:",
            "\n\n## x",
            "id: a\nscenario: api\n# t\n## s\n@check",
            "@show event",
        ] {
            let _ = parse_lesson(text);
        }
        assert!(
            parse_lesson(&"x".repeat(MAX_LESSON_BYTES + 1))
                .unwrap_err()
                .message
                .contains("KB")
        );
    }
}
