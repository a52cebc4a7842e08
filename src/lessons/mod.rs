//! Lessons as data (issue 15): Markdown text files with a few directives for the
//! scenario to start from, the steps, and checks that compare results, never
//! strings. The curriculum ships in the binary (`curriculum/*.md`); a teacher's
//! file or URL is read by the same parser, with errors at line and column.
//!
//! ```text
//! id: rate-vs-irate                      front matter: `key: value` lines
//! scenario: api                          the run a lesson starts (seed, timeline optional)
//! timeline: 5m:outage:5m
//!
//! # rate, irate and increase             the title
//! Prose (Markdown: paragraphs, lists, `code`, **bold**, fenced code).
//!
//! ## Graph the request rate              a step: prose, then directives
//! @pane query                            where the step's action happens
//! @check query sum(rate(http_requests_total[5m]))
//! @fail Sum the per-second rate over 5 minutes.
//! @hint rate() needs a range selector: [5m].
//! @show query sum(rate(http_requests_total[5m]))
//! ```
//!
//! `@show` may be given more than once (done in order): `@show rules` appends
//! the step's ```yaml block to the rule file and applies it; `@show program`
//! runs the step's ```python block (or the scenario's own program) in the Python lab;
//! `@show metric OP` applies a metric-types lab operation (`inc|demo_events||1`).
//!
//! Check kinds (see [`Check`]): `query REF` (one of the learner's Query panels
//! gives REF's result on the live store), `panel REF` (one of the dashboard's
//! panels does), `result EXPR` (the live data satisfies EXPR: it has a result),
//! `alert NAME pending|firing|inactive` (from the store's `ALERTS` series),
//! `exposed NAME TYPE` (the first target exposes family NAME of that type).

mod check;
mod parse;

pub use check::{CheckContext, CheckOutcome, evaluate};
pub use parse::{LessonError, MAX_LESSON_BYTES, parse_lesson};

use crate::expo::model::MetricType;

/// One lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    /// The scenario, seed and timeline (link form) a lesson starts from.
    pub scenario: String,
    pub seed: u64,
    pub timeline: String,
    /// Hours of history the run starts with.
    pub hours: i64,
    /// The run has native histograms on (`native_histograms: true`).
    pub native_histograms: bool,
    /// A stage the lesson needs that is not built yet: it is listed as coming.
    pub needs: Option<String>,
    /// The introduction (Markdown).
    pub intro: String,
    pub steps: Vec<Step>,
}

impl Lesson {
    /// The run the lesson starts from, beginning at `start_ms` (its timeline read
    /// there; the parser checked it, so it reads).
    pub fn run(&self, start_ms: i64) -> crate::pipeline::Run {
        let mut run = crate::pipeline::Run::new(&self.scenario, self.seed, start_ms, 2);
        run.native_histograms = self.native_histograms;
        if let Ok(timeline) = crate::pipeline::Timeline::parse(&self.timeline, start_ms) {
            run.timeline = timeline;
        }
        run
    }
}

/// One step: prose, where its action happens, and how it is checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub title: String,
    /// Markdown.
    pub text: String,
    /// The pane the step's action happens in (`query`, `exposition`, ...).
    pub pane: Option<String>,
    pub checks: Vec<Check>,
    /// What a failed check says (the lesson's own words).
    pub fail: Option<String>,
    pub hints: Vec<String>,
    /// What "show me" does, in order (e.g. add the rules, then query their series).
    pub show_me: Vec<ShowMe>,
    /// 1-based line of the step's heading in its file.
    pub line: usize,
}

/// A check: results compared on the live store, never strings.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// One of the learner's Query panels gives the same result as `reference`.
    Query { reference: String },
    /// One of the dashboard's panels gives the same result as `reference`.
    Panel { reference: String },
    /// `expr` has a result on the live store now.
    Result { expr: String },
    /// Alert `name` is in `state` (from the `ALERTS` series the rules write).
    Alert { name: String, state: AlertState },
    /// The first target exposes the family `name` with type `kind`.
    Exposed { name: String, kind: MetricType },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertState {
    Inactive,
    Pending,
    Firing,
}

/// A step's "show me": what the page does to solve it.
#[derive(Clone, Debug, PartialEq)]
pub enum ShowMe {
    /// Put this query into the Query pane (and run it).
    Query(String),
    /// Add this panel query to the dashboard.
    Panel(String),
    /// Add this timeline event now (link form `kind:value`, e.g. `outage:5m`).
    Event(String),
    /// Append this group (the step's ```yaml block) to the rule file and apply it.
    Rules(String),
    /// Run a program in the Python lab: the step's ```python block, or (`None`)
    /// the scenario's own program as written.
    Program(Option<String>),
    /// Apply a metric-types lab operation (its text form, e.g.
    /// `declare|counter|demo_events|||Events seen.` or `inc|demo_events||1`).
    Metric(String),
}

/// The lessons that ship with the page, in curriculum order.
pub fn curriculum() -> Vec<Lesson> {
    CURRICULUM
        .iter()
        .map(|(file, text)| parse_lesson(text).unwrap_or_else(|e| panic!("{file}: {e}")))
        .collect()
}

/// The curriculum's files, in order (checked by `cargo test`: every file reads).
pub const CURRICULUM: [(&str, &str); 18] = [
    (
        "01-what-is-monitoring.md",
        include_str!("curriculum/01-what-is-monitoring.md"),
    ),
    ("02-counters.md", include_str!("curriculum/02-counters.md")),
    ("03-gauges.md", include_str!("curriculum/03-gauges.md")),
    (
        "04-histograms.md",
        include_str!("curriculum/04-histograms.md"),
    ),
    (
        "05-summaries.md",
        include_str!("curriculum/05-summaries.md"),
    ),
    (
        "06-labels-and-cardinality.md",
        include_str!("curriculum/06-labels-and-cardinality.md"),
    ),
    (
        "07-exposition-format.md",
        include_str!("curriculum/07-exposition-format.md"),
    ),
    (
        "08-scraping-targets-up.md",
        include_str!("curriculum/08-scraping-targets-up.md"),
    ),
    (
        "09-selectors-and-matchers.md",
        include_str!("curriculum/09-selectors-and-matchers.md"),
    ),
    (
        "10-rate-irate-increase.md",
        include_str!("curriculum/10-rate-irate-increase.md"),
    ),
    (
        "11-aggregation.md",
        include_str!("curriculum/11-aggregation.md"),
    ),
    (
        "12-histogram-quantile.md",
        include_str!("curriculum/12-histogram-quantile.md"),
    ),
    (
        "13-golden-signals-dashboard.md",
        include_str!("curriculum/13-golden-signals-dashboard.md"),
    ),
    (
        "14-recording-rules.md",
        include_str!("curriculum/14-recording-rules.md"),
    ),
    (
        "15-alerting-rules.md",
        include_str!("curriculum/15-alerting-rules.md"),
    ),
    (
        "16-push-vs-pull.md",
        include_str!("curriculum/16-push-vs-pull.md"),
    ),
    (
        "17-python-lab.md",
        include_str!("curriculum/17-python-lab.md"),
    ),
    (
        "18-native-histograms.md",
        include_str!("curriculum/18-native-histograms.md"),
    ),
];
