//! The curriculum (issue 15): every lesson file reads, and every step's "show me"
//! makes its checks pass on the lesson's own run, while a wrong answer fails.
//!
//! Each lesson's run is built as the page builds it: the scenario, seed and
//! timeline of its front matter, `hours` of history plus a few minutes. Then each
//! step's "show me" is applied in order, as a learner pressing it would: a query
//! becomes the learner's query, a panel the dashboard's panel, an event is added
//! now and the clock runs on until it has taken effect. Steps that change the rule
//! file carry the rules to add in a ```yaml block of their text; the test adds it
//! to the rule file in effect, as the learner does in the Rules editor.

use std::collections::BTreeMap;

use promplay::expo::textparse::Format;
use promplay::lessons::{
    AlertState, CURRICULUM, Check, CheckContext, Lesson, ShowMe, evaluate, parse_lesson,
};
use promplay::pipeline::{Change, Options as RunOptions, Pipeline, Timeline};
use promplay::promql::engine::Options;
use promplay::scrape::body_text;

/// 2024-05-01 00:00:00 UTC.
const T0: i64 = 1_714_521_600_000;
const MINUTE: i64 = 60_000;
/// The history past the lesson's hours a learner arrives with.
const ARRIVAL_MS: i64 = 5 * MINUTE;
/// How long the clock runs after an event or a rule change, before its checks.
const SETTLE_MS: i64 = 8 * MINUTE;
/// Long enough for the next scrape (the metric lab's operations apply at once).
const SCRAPED_MS: i64 = 30_000;

/// Steps checked only in the browser: their checks read what the Python lab's
/// real prometheus_client program exposes (`python_info`, the learner's own
/// metric), and the lab's interpreter runs only in the page.
const BROWSER_ONLY: [(&str, &str); 2] = [
    ("python-lab", "Run the program for real"),
    ("python-lab", "Add a metric of your own"),
];

fn lessons() -> Vec<(&'static str, Lesson)> {
    CURRICULUM
        .iter()
        .map(|(file, text)| {
            let lesson = parse_lesson(text).unwrap_or_else(|e| panic!("{file}: {e}"));
            (*file, lesson)
        })
        .collect()
}

fn pipeline(lesson: &Lesson) -> Pipeline {
    Timeline::parse(&lesson.timeline, T0)
        .unwrap_or_else(|e| panic!("{}: timeline: {e:?}", lesson.id));
    let mut p = Pipeline::new(lesson.run(T0), RunOptions::default()).unwrap();
    p.advance_to(T0 + lesson.hours * 3_600_000 + ARRIVAL_MS);
    p
}

fn ctx<'a>(
    p: &'a Pipeline,
    queries: &'a [String],
    panels: &'a [String],
    exposition: Option<(&'a str, Format)>,
) -> CheckContext<'a> {
    CheckContext {
        store: p.store(),
        now_ms: p.now_ms(),
        queries,
        panels,
        exposition,
        options: Options::default(),
    }
}

/// A wrong answer to a query or panel check: the reference with `rate` swapped
/// for `irate` (or the other way), or with its first aggregation dropped.
fn wrong_answers(reference: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    if reference.contains("irate(") {
        wrong.push(reference.replace("irate(", "rate("));
    } else if reference.contains("rate(") {
        wrong.push(reference.replace("rate(", "irate("));
    }
    if reference.contains("[1h]") {
        wrong.push(reference.replace("[1h]", "[5m]"));
    }
    // irate() reads only the last two samples, whatever the window: there a
    // shorter window is not a wrong answer.
    if reference.contains("[5m]") && !reference.contains("irate(") {
        wrong.push(reference.replace("[5m]", "[1m]"));
    }
    if wrong.is_empty() {
        // A selector alone: the whole family instead of the selected series.
        let name: String = reference
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        wrong.push(if name.is_empty() {
            "up".into()
        } else {
            format!("{name} * 2")
        });
    }
    wrong
}

fn kind(check: &Check) -> &'static str {
    match check {
        Check::Query { .. } => "query",
        Check::Panel { .. } => "panel",
        Check::Result { .. } => "result",
        Check::Alert { .. } => "alert",
        Check::Exposed { .. } => "exposed",
    }
}

#[test]
fn every_lesson_file_reads_and_is_complete() {
    let lessons = lessons();
    assert!(lessons.len() >= 12, "{} lessons", lessons.len());
    for (n, (file, lesson)) in lessons.iter().enumerate() {
        assert!(
            file.starts_with(&format!("{:02}-{}", n + 1, lesson.id)),
            "{file}: the file is named NN-id.md, in curriculum order"
        );
        assert!(!lesson.intro.is_empty(), "{file}: an introduction");
        assert!(
            (2..=5).contains(&lesson.steps.len()),
            "{file}: 2 to 5 steps, not {}",
            lesson.steps.len()
        );
        assert!(
            lesson.needs.is_none(),
            "{file}: every stage it needs is built"
        );
        for step in &lesson.steps {
            let at = format!("{file}:{} ({})", step.line, step.title);
            assert!(step.pane.is_some(), "{at}: a @pane");
            assert!(!step.checks.is_empty(), "{at}: a @check");
            assert!(step.fail.is_some(), "{at}: a @fail message");
            assert!(
                (1..=2).contains(&step.hints.len()),
                "{at}: one or two @hint"
            );
            assert!(!step.show_me.is_empty(), "{at}: a @show solution");
            assert!(!step.text.is_empty(), "{at}: prose");
        }
    }
    let ids: std::collections::BTreeSet<_> = lessons.iter().map(|(_, l)| &l.id).collect();
    assert_eq!(ids.len(), lessons.len(), "lesson ids are unique");
    assert_eq!(promplay::lessons::curriculum().len(), lessons.len());
}

#[test]
fn every_show_me_passes_its_checks_and_a_wrong_answer_fails() {
    let mut steps_run = 0;
    let mut skipped = Vec::new();
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let lessons = lessons();
    for (file, lesson) in &lessons {
        let mut p = pipeline(lesson);
        for step in &lesson.steps {
            let at = format!("{file}:{} ({})", step.line, step.title);
            if BROWSER_ONLY.contains(&(lesson.id.as_str(), step.title.as_str())) {
                skipped.push(at);
                continue;
            }
            steps_run += 1;
            let (mut queries, mut panels) = (Vec::new(), Vec::new());
            let shown: Vec<String> = step
                .show_me
                .iter()
                .filter_map(|s| match s {
                    ShowMe::Query(q) | ShowMe::Panel(q) => Some(q.clone()),
                    _ => None,
                })
                .collect();
            if step.show_me.iter().any(|s| matches!(s, ShowMe::Rules(_))) {
                // Before the rules are added, the queries alone do not pass.
                let exposition = p.peek_scrape(0, Format::OpenMetrics);
                let text = exposition.as_ref().ok().map(|(b, f)| body_text(b, *f));
                let exposition = text.as_deref().map(|t| (t, Format::OpenMetrics));
                let before = ctx(&p, &shown, &shown, exposition);
                if step.checks.iter().all(|c| evaluate(c, &before).passed) {
                    failures.push(format!("{at}: passes before its rules are added"));
                }
            }
            for action in &step.show_me {
                match action {
                    ShowMe::Query(q) => queries.push(q.clone()),
                    ShowMe::Panel(q) => panels.push(q.clone()),
                    ShowMe::Event(event) => {
                        let (k, v) = event.split_once(':').unwrap();
                        let now = p.now_ms();
                        p.add_event(now, Change::parse(k, v).unwrap()).unwrap();
                        p.advance_to(now + SETTLE_MS);
                    }
                    ShowMe::Program(_) => {
                        unreachable!("{at}: the Python lab's steps are browser-only")
                    }
                    ShowMe::Metric(op) => {
                        let op = promplay::sim::MetricOp::parse(op).unwrap();
                        p.apply_metric_op(&op)
                            .unwrap_or_else(|e| panic!("{at}: {e}"));
                        p.advance_to(p.now_ms() + SCRAPED_MS);
                    }
                    ShowMe::Rules(group) => {
                        let text = format!("{}{}", p.rules_text(), group);
                        p.apply_rules(&text)
                            .unwrap_or_else(|e| panic!("{at}: the rules do not load: {e:?}"));
                        p.advance_to(p.now_ms() + SETTLE_MS);
                    }
                }
            }
            let exposition = p.peek_scrape(0, Format::OpenMetrics);
            let text = exposition.as_ref().ok().map(|(b, f)| body_text(b, *f));
            let exposition = text.as_deref().map(|t| (t, Format::OpenMetrics));
            for check in &step.checks {
                *by_kind.entry(kind(check)).or_default() += 1;
                let c = ctx(&p, &queries, &panels, exposition);
                let got = evaluate(check, &c);
                if !got.passed {
                    failures.push(format!("{at}: {check:?} fails: {}", got.detail));
                    continue;
                }
                // A wrong answer fails.
                match check {
                    Check::Query { reference } | Check::Panel { reference } => {
                        let is_query = matches!(check, Check::Query { .. });
                        for wrong in wrong_answers(reference) {
                            let one = vec![wrong.clone()];
                            let (q, pa): (&[String], &[String]) =
                                if is_query { (&one, &[]) } else { (&[], &one) };
                            if evaluate(check, &ctx(&p, q, pa, exposition)).passed {
                                failures.push(format!("{at}: the wrong answer `{wrong}` passes"));
                            }
                        }
                        // Nothing entered, or the answer in the wrong place.
                        let (q, pa): (&[String], &[String]) = if is_query {
                            (&[], &panels)
                        } else {
                            (&queries, &[])
                        };
                        if evaluate(check, &ctx(&p, q, pa, exposition)).passed {
                            failures.push(format!("{at}: passes with no answer"));
                        }
                    }
                    Check::Alert { name, state } => {
                        for other in [
                            AlertState::Inactive,
                            AlertState::Pending,
                            AlertState::Firing,
                        ] {
                            let wrong = Check::Alert {
                                name: name.clone(),
                                state: other,
                            };
                            if other != *state && evaluate(&wrong, &c).passed {
                                failures.push(format!("{at}: {name} is also {other:?}"));
                            }
                        }
                    }
                    Check::Exposed { name, kind } => {
                        let other = if *kind == promplay::expo::model::MetricType::Gauge {
                            promplay::expo::model::MetricType::Counter
                        } else {
                            promplay::expo::model::MetricType::Gauge
                        };
                        let wrong = Check::Exposed {
                            name: name.clone(),
                            kind: other,
                        };
                        if evaluate(&wrong, &c).passed {
                            failures.push(format!("{at}: {name} also passes as {other:?}"));
                        }
                    }
                    Check::Result { expr } => {
                        // Not on an empty store: the check reads the live data.
                        let mut empty_run = lesson.run(T0);
                        empty_run.timeline = Timeline::default();
                        let empty = Pipeline::new(empty_run, RunOptions::default()).unwrap();
                        if evaluate(check, &ctx(&empty, &[], &[], None)).passed {
                            failures.push(format!("{at}: `{expr}` holds on an empty store"));
                        }
                    }
                }
            }
        }
    }
    let checks: usize = by_kind.values().sum();
    let kinds: Vec<String> = by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!(
        "lessons: {} lessons, {} steps checked natively ({} browser-only skipped: {}), {} checks ({})",
        lessons.len(),
        steps_run,
        skipped.len(),
        skipped.join("; "),
        checks,
        kinds.join(", ")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        skipped.len(),
        BROWSER_ONLY.len(),
        "every browser-only step exists"
    );
}
