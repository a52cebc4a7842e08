//! A run's timeline: every change made to it, each at its virtual time. Its text
//! form is what `promplay simulate --timeline FILE` reads and what the page's
//! address carries; one parser reads both.
//!
//! ```text
//! # OFFSET  KIND          VALUE        (offset: time since the run's start)
//! 10m       outage        5m
//! 12m       traffic       40
//! 20m30s    instances     3
//! ```
//!
//! One event a line (`#` starts a comment), or, in a link, events separated by `,`
//! and fields by `:` (`10m:outage:5m,12m:traffic:40`). Offsets and durations are in
//! Prometheus's duration syntax (`90s`, `1m30s`, `500ms`).
//!
//! | kind | value | what changes, from that moment |
//! |---|---|---|
//! | `traffic` | requests/s per instance | the traffic control |
//! | `errors` | 0..1 | the error ratio control |
//! | `latency` | factor | the latency multiplier control |
//! | `outage` | duration | errors and latency rise; one instance crashes for its second quarter |
//! | `slow_release` | duration | latency × 3 |
//! | `instances` | 1..100 | instances started or stopped |
//! | `interval` | duration (≥ 1s) | the scrape interval |
//! | `sample_limit` | samples (0: none) | the targets' sample_limit |
//! | `rules` | version (0..) | the rule file: the run's rule text number N |
//! | `alertmanager` | version (0..) | the Alertmanager configuration number N |
//! | `silence` | number (0..) | the run's silence N is created (for its duration) |
//! | `expire_silence` | number (0..) | silence N ends early |
//! | `metric` | number (0..) | the metric-types lab applies the run's operation N (declare, inc, dec, set, observe) |
//! | `python` | number (0..) or `off` | the Python lab runs the run's program N (a fresh process), or the simulation again |

use std::fmt;

use crate::time::{format_duration, parse_duration_ms};

/// The most events a timeline holds (checked before any is stored).
pub const MAX_EVENTS: usize = 1000;
/// The longest incident.
pub const MAX_INCIDENT_MS: i64 = 7 * 86_400_000;
/// The most instances a run has.
pub const MAX_INSTANCES: usize = crate::sim::MAX_INSTANCES;

/// One change to a run.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Traffic(f64),
    ErrorRatio(f64),
    Latency(f64),
    Outage {
        duration_ms: i64,
    },
    SlowRelease {
        duration_ms: i64,
    },
    Instances(usize),
    ScrapeInterval(i64),
    SampleLimit(usize),
    /// Switch to the run's rule text number N.
    Rules(usize),
    /// Switch to the run's Alertmanager configuration number N.
    Alertmanager(usize),
    /// Create the run's silence number N.
    Silence(usize),
    /// End silence N now.
    ExpireSilence(usize),
    /// The Python lab starts the run's program number N in a fresh process, in
    /// place of the simulated service (`None`: back to the simulation).
    Python(Option<usize>),
    /// The metric-types lab applies the run's operation number N.
    Metric(usize),
}

/// The most rule texts, Alertmanager configurations or silences a run holds.
pub const MAX_ALERTING_TEXTS: usize = 100;

/// What a value of each kind must be.
#[derive(Clone, Copy)]
enum ValueKind {
    Number {
        min: f64,
        max: f64,
    },
    Count {
        min: usize,
        max: usize,
    },
    Duration {
        min: i64,
        max: i64,
    },
    /// A program's number, or `off`.
    Program,
}

/// The kinds, as written, with their values' rules: the one table the parser,
/// the printer and the error messages read.
const KINDS: [(&str, ValueKind); 14] = [
    (
        "traffic",
        ValueKind::Number {
            min: 0.0,
            max: 10_000.0,
        },
    ),
    ("errors", ValueKind::Number { min: 0.0, max: 1.0 }),
    (
        "latency",
        ValueKind::Number {
            min: 0.01,
            max: 100.0,
        },
    ),
    (
        "outage",
        ValueKind::Duration {
            min: 1000,
            max: MAX_INCIDENT_MS,
        },
    ),
    (
        "slow_release",
        ValueKind::Duration {
            min: 1000,
            max: MAX_INCIDENT_MS,
        },
    ),
    (
        "instances",
        ValueKind::Count {
            min: 1,
            max: MAX_INSTANCES,
        },
    ),
    (
        "interval",
        ValueKind::Duration {
            min: 1000,
            max: 3_600_000,
        },
    ),
    (
        "sample_limit",
        ValueKind::Count {
            min: 0,
            max: 100_000_000,
        },
    ),
    ("rules", TEXT_NUMBER),
    ("alertmanager", TEXT_NUMBER),
    ("silence", TEXT_NUMBER),
    ("expire_silence", TEXT_NUMBER),
    ("python", ValueKind::Program),
    (
        "metric",
        ValueKind::Count {
            min: 0,
            max: MAX_EVENTS - 1,
        },
    ),
];

const TEXT_NUMBER: ValueKind = ValueKind::Count {
    min: 0,
    max: MAX_ALERTING_TEXTS - 1,
};

impl Change {
    /// The kind's name in the text form.
    pub fn kind(&self) -> &'static str {
        KINDS[self.kind_index()].0
    }

    fn kind_index(&self) -> usize {
        match self {
            Change::Traffic(_) => 0,
            Change::ErrorRatio(_) => 1,
            Change::Latency(_) => 2,
            Change::Outage { .. } => 3,
            Change::SlowRelease { .. } => 4,
            Change::Instances(_) => 5,
            Change::ScrapeInterval(_) => 6,
            Change::SampleLimit(_) => 7,
            Change::Rules(_) => 8,
            Change::Alertmanager(_) => 9,
            Change::Silence(_) => 10,
            Change::ExpireSilence(_) => 11,
            Change::Python(_) => 12,
            Change::Metric(_) => 13,
        }
    }

    /// Whether two of its kind at the same moment come to the same as the second
    /// alone: true of controls, the interval and the sample limit; not of incidents
    /// (each starts one) nor of instances (4 then 2 stops instances 3 and 4, and 2
    /// then 4 starts new ones with fresh metrics).
    pub fn is_setting(&self) -> bool {
        !matches!(
            self,
            Change::Outage { .. }
                | Change::SlowRelease { .. }
                | Change::Instances(_)
                | Change::Silence(_)
                | Change::ExpireSilence(_)
                | Change::Python(_)
                | Change::Metric(_)
        )
    }

    /// The value in the text form.
    pub fn value_text(&self) -> String {
        match *self {
            Change::Traffic(v) | Change::ErrorRatio(v) | Change::Latency(v) => format!("{v}"),
            Change::Outage { duration_ms }
            | Change::SlowRelease { duration_ms }
            | Change::ScrapeInterval(duration_ms) => format_duration(duration_ms),
            Change::Instances(n)
            | Change::SampleLimit(n)
            | Change::Rules(n)
            | Change::Alertmanager(n)
            | Change::Silence(n)
            | Change::ExpireSilence(n)
            | Change::Metric(n) => n.to_string(),
            Change::Python(Some(n)) => n.to_string(),
            Change::Python(None) => "off".to_string(),
        }
    }

    /// Reads `kind` and `value` (both as written), or says what was expected.
    /// Values out of range are refused, not clamped: a link must mean one thing.
    pub fn parse(kind: &str, value: &str) -> Result<Change, FieldError> {
        let Some(index) = KINDS.iter().position(|(name, _)| *name == kind) else {
            return Err(FieldError::Kind(format!(
                "unknown event {kind:?}; expected one of {}",
                KINDS.map(|(name, _)| name).join(", ")
            )));
        };
        let range_err = |shown: String| {
            FieldError::Value(format!(
                "{kind} must be {shown}, not {value:?}",
                value = value
            ))
        };
        let change = match KINDS[index].1 {
            ValueKind::Number { min, max } => {
                let v = value
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && (min..=max).contains(v))
                    .ok_or_else(|| range_err(format!("a number from {min} to {max}")))?;
                [Change::Traffic, Change::ErrorRatio, Change::Latency][index](v)
            }
            ValueKind::Count { min, max } => {
                let n = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| range_err(format!("a whole number from {min} to {max}")))?;
                match index {
                    5 => Change::Instances(n),
                    7 => Change::SampleLimit(n),
                    8 => Change::Rules(n),
                    9 => Change::Alertmanager(n),
                    10 => Change::Silence(n),
                    13 => Change::Metric(n),
                    _ => Change::ExpireSilence(n),
                }
            }
            ValueKind::Duration { min, max } => {
                let ms = parse_duration_ms(value)
                    .ok()
                    .filter(|ms| (min..=max).contains(ms))
                    .ok_or_else(|| {
                        range_err(format!(
                            "a duration from {} to {}",
                            format_duration(min),
                            format_duration(max)
                        ))
                    })?;
                match index {
                    3 => Change::Outage { duration_ms: ms },
                    4 => Change::SlowRelease { duration_ms: ms },
                    _ => Change::ScrapeInterval(ms),
                }
            }
            ValueKind::Program => match value {
                "off" => Change::Python(None),
                _ => Change::Python(Some(
                    value
                        .parse::<usize>()
                        .ok()
                        .filter(|&n| n < MAX_ALERTING_TEXTS)
                        .ok_or_else(|| {
                            range_err(format!(
                                "a program's number from 0 to {} or off",
                                MAX_ALERTING_TEXTS - 1
                            ))
                        })?,
                )),
            },
        };
        Ok(change)
    }
}

/// A change at a virtual time (Unix ms).
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub at_ms: i64,
    pub change: Change,
}

/// A run's events in time order (events at the same time keep the order they were added in).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    events: Vec<Event>,
}

/// Which field of an event was wrong.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldError {
    Kind(String),
    Value(String),
}

/// A timeline text that does not read: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineError {
    /// 1-based line and column (in a link, the line is 1 and the column counts bytes).
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for TimelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for TimelineError {}

impl Timeline {
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Adds an event after every other at the same time; returns its index.
    pub fn insert(&mut self, event: Event) -> Result<usize, String> {
        if self.events.len() >= MAX_EVENTS {
            return Err(format!("a timeline holds at most {MAX_EVENTS} events"));
        }
        let index = self.events.partition_point(|e| e.at_ms <= event.at_ms);
        self.events.insert(index, event);
        Ok(index)
    }

    /// Replaces the last event's change (see `Pipeline::add_event`).
    pub(crate) fn replace_last(&mut self, change: Change) {
        if let Some(last) = self.events.last_mut() {
            last.change = change;
        }
    }

    pub(crate) fn remove(&mut self, index: usize) -> Option<Event> {
        (index < self.events.len()).then(|| self.events.remove(index))
    }

    /// Reads the text form (a file's lines or a link's `,`-separated events);
    /// offsets count from `start_ms`.
    pub fn parse(text: &str, start_ms: i64) -> Result<Timeline, TimelineError> {
        // Count first, so a huge text is refused before anything is stored.
        let pieces: usize = text
            .split('\n')
            .map(|line| {
                let content = line.split('#').next().unwrap_or("");
                content.split(',').filter(|p| !p.trim().is_empty()).count()
            })
            .sum();
        if pieces > MAX_EVENTS {
            return Err(TimelineError {
                line: 1,
                col: 1,
                message: format!("too many events: a timeline holds at most {MAX_EVENTS}"),
            });
        }
        let mut timeline = Timeline::default();
        for (line_no, line) in text.split('\n').enumerate() {
            let mut piece_start = 0;
            for piece in line.split(',') {
                let content = piece.split('#').next().unwrap_or("");
                let at = |column_in_piece: usize| (line_no + 1, piece_start + column_in_piece + 1);
                if let Some(event) = parse_event(content, start_ms, &at)? {
                    timeline.insert(event).map_err(|message| TimelineError {
                        line: line_no + 1,
                        col: 1,
                        message,
                    })?;
                }
                piece_start += piece.len() + 1;
                if piece.contains('#') {
                    break; // the rest of the line is a comment
                }
            }
        }
        Ok(timeline)
    }

    /// The link form: `10m:outage:5m,12m:traffic:40` (empty for no events).
    pub fn to_link(&self, start_ms: i64) -> String {
        self.events
            .iter()
            .map(|e| {
                format!(
                    "{}:{}:{}",
                    format_duration(e.at_ms - start_ms),
                    e.change.kind(),
                    e.change.value_text()
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The file form: one event a line, aligned, with a header comment.
    pub fn to_text(&self, start_ms: i64) -> String {
        let mut out = String::from("# offset   kind           value\n");
        for e in &self.events {
            out.push_str(&format!(
                "{:<10} {:<14} {}\n",
                format_duration(e.at_ms - start_ms),
                e.change.kind(),
                e.change.value_text()
            ));
        }
        out
    }
}

/// One event's fields (separated by whitespace or `:`), or `None` for a blank piece.
fn parse_event(
    content: &str,
    start_ms: i64,
    at: &dyn Fn(usize) -> (usize, usize),
) -> Result<Option<Event>, TimelineError> {
    let fields: Vec<(usize, &str)> = split_fields(content);
    if fields.is_empty() {
        return Ok(None);
    }
    let error = |column: usize, message: String| {
        let (line, col) = at(column);
        TimelineError { line, col, message }
    };
    let (offset_col, offset_text) = fields[0];
    let offset = parse_duration_ms(offset_text).map_err(|_| {
        error(
            offset_col,
            format!(
                "expected the time since the run's start (like 10m or 1h30m), found {offset_text:?}"
            ),
        )
    })?;
    let Some(&(kind_col, kind)) = fields.get(1) else {
        let end = offset_col + offset_text.len();
        return Err(error(end, "expected an event kind after the time".into()));
    };
    let Some(&(value_col, value)) = fields.get(2) else {
        let end = kind_col + kind.len();
        return Err(error(end, format!("expected a value after {kind:?}")));
    };
    if let Some(&(extra_col, extra)) = fields.get(3) {
        return Err(error(
            extra_col,
            format!("expected the end of the event, found {extra:?}"),
        ));
    }
    let change = Change::parse(kind, value).map_err(|e| match e {
        FieldError::Kind(message) => error(kind_col, message),
        FieldError::Value(message) => error(value_col, message),
    })?;
    let at_ms = start_ms.checked_add(offset).ok_or_else(|| {
        error(
            offset_col,
            format!("the offset {offset_text} is too far away"),
        )
    })?;
    Ok(Some(Event { at_ms, change }))
}

/// Non-empty fields with their byte columns (0-based).
fn split_fields(content: &str) -> Vec<(usize, &str)> {
    let mut fields = Vec::new();
    let mut start = None;
    for (i, c) in content.char_indices() {
        let separator = c.is_whitespace() || c == ':';
        match (separator, start) {
            (true, Some(s)) => {
                fields.push((s, &content[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
        if fields.len() > 3 {
            return fields; // enough to report "expected the end"
        }
    }
    if let Some(s) = start {
        fields.push((s, &content[s..]));
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_714_521_600_000;

    #[test]
    fn file_and_link_forms_read_the_same_and_print_back() {
        let file = "# a teacher's outage\n10m   outage   5m\n\n12m traffic 40   # busier\n20m30s instances 3\n";
        let a = Timeline::parse(file, T0).unwrap();
        let b = Timeline::parse("10m:outage:5m,12m:traffic:40,20m30s:instances:3", T0).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 3);
        assert_eq!(a.events()[0].at_ms, T0 + 600_000);
        assert_eq!(
            a.events()[0].change,
            Change::Outage {
                duration_ms: 300_000
            }
        );
        assert_eq!(
            a.to_link(T0),
            "10m:outage:5m,12m:traffic:40,20m30s:instances:3"
        );
        assert_eq!(Timeline::parse(&a.to_text(T0), T0).unwrap(), a);
        assert_eq!(Timeline::parse("", T0).unwrap(), Timeline::default());
    }

    #[test]
    fn events_stay_in_time_order_and_ties_keep_their_order() {
        let t = Timeline::parse("5m traffic 1\n1m errors 0.5\n5m traffic 2", T0).unwrap();
        let kinds: Vec<String> = t.events().iter().map(|e| e.change.value_text()).collect();
        assert_eq!(kinds, ["0.5", "1", "2"]);
    }

    #[test]
    fn errors_say_where_and_what_was_expected() {
        let e = Timeline::parse("10m outage 5m\n12m trafic 40", T0).unwrap_err();
        assert_eq!((e.line, e.col), (2, 5));
        assert!(
            e.message
                .starts_with("unknown event \"trafic\"; expected one of traffic"),
            "{}",
            e.message
        );
        let e = Timeline::parse("10x outage 5m", T0).unwrap_err();
        assert_eq!((e.line, e.col), (1, 1));
        assert!(
            e.message
                .contains("expected the time since the run's start")
        );
        let e = Timeline::parse("1m:errors:2", T0).unwrap_err();
        assert_eq!((e.line, e.col), (1, 11));
        assert_eq!(e.message, "errors must be a number from 0 to 1, not \"2\"");
        let e = Timeline::parse("1m:traffic:5,2m:outage", T0).unwrap_err();
        assert_eq!((e.line, e.col), (1, 23));
        assert_eq!(e.message, "expected a value after \"outage\"");
        let e = Timeline::parse("1m instances 2 3", T0).unwrap_err();
        assert_eq!((e.line, e.col), (1, 16));
        let e = Timeline::parse("1m interval 100ms", T0).unwrap_err();
        assert!(e.message.contains("from 1s to 1h"), "{}", e.message);
        let many = "1m traffic 1\n".repeat(MAX_EVENTS + 1);
        assert!(
            Timeline::parse(&many, T0)
                .unwrap_err()
                .message
                .contains("too many")
        );
        let e = Timeline::parse("292000000y traffic 1", i64::MAX - 5).unwrap_err();
        assert!(
            e.message.contains("not a duration")
                || e.message.contains("too far")
                || e.message.contains("expected"),
            "{}",
            e.message
        );
    }

    #[test]
    fn no_input_panics() {
        for text in [
            "::",
            ",,,",
            "#",
            "1m::",
            "\u{feff}1m traffic 1",
            "1m traffic ∞",
            "9999999999999999999999s traffic 1",
            "1m\ttraffic\t1e400",
        ] {
            let _ = Timeline::parse(text, T0);
        }
    }
}
