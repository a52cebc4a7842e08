//! Parsing and linting pasted text without freezing the page: the parser works in
//! slices of a few milliseconds and yields to the browser between them, so even
//! megabytes keep the page responsive. A newer text cancels an older analysis.

use std::borrow::Cow;
use std::sync::Arc;

use leptos::prelude::*;

use crate::expo::OpenMetricsVersion;
use crate::expo::lint::{self, Problem};
use crate::expo::textparse::{Format, ParseOptions, Parsed, Parser};
use crate::expo::{MetricFamily, convert};
use crate::ui::browser::{Ticket, mark, now_ms, yield_to_page};
use crate::views::exposition::ParsedText;

/// How long one slice of parsing may run before yielding to the page.
const SLICE_BUDGET_MS: f64 = 12.0;
/// Lines parsed between clock checks.
const LINES_PER_CHECK: usize = 100;
/// Samples linted between clock checks.
const SAMPLES_PER_CHECK: usize = 500;

/// Everything the pane shows about one text.
pub struct Analysis {
    /// The text and what the parser made of it (what the line view shows).
    pub doc: Arc<ParsedText>,
    pub problems: Vec<Problem>,
    pub elapsed_ms: f64,
    /// Read as the OpenMetrics 2.0 draft (the text has its native-histogram samples).
    pub draft: bool,
}

impl Analysis {
    pub fn parsed(&self) -> &Parsed {
        &self.doc.parsed
    }

    pub fn sample_count(&self) -> usize {
        self.parsed().families.iter().map(|f| f.samples.len()).sum()
    }
}

/// The families as promtool would lint them (text 0.0.4 naming); borrowed when
/// they already are, as a copy of megabytes would cost a long task.
pub fn lintable(parsed: &Parsed) -> Cow<'_, [MetricFamily]> {
    match parsed.format {
        Format::Text => Cow::Borrowed(&parsed.families),
        // Protobuf families are decoded canonical, as OpenMetrics's are.
        Format::OpenMetrics | Format::Protobuf => {
            Cow::Owned(convert::to_text_families(&parsed.families))
        }
    }
}

/// Analyses `text` in slices, reporting progress (0..1); returns `None` if
/// `ticket` stopped being current meanwhile (a newer text superseded this one).
pub async fn analyse(
    text: Arc<str>,
    format: Option<Format>,
    ticket: Ticket,
    progress: RwSignal<Option<f64>>,
) -> Option<Analysis> {
    let started = now_ms();
    mark("inspect-started");
    let bytes = text.as_bytes();
    let draft = crate::expo::textparse::uses_openmetrics2_draft(bytes, format);
    let version = if draft {
        OpenMetricsVersion::V2Draft
    } else {
        OpenMetricsVersion::V1
    };
    let mut parser = Parser::new(
        bytes,
        ParseOptions {
            format,
            strict: true,
        },
    )
    .openmetrics_version(version);
    let total = bytes.len().max(1) as f64;
    let report = |p: &Parser| {
        progress.try_set(Some(p.bytes_done() as f64 / total));
    };
    if !in_slices(ticket, &mut parser, |p| p.step(LINES_PER_CHECK), report).await {
        return None;
    }
    let parsed = parser.finish();
    mark("inspect-parsed");
    yield_to_page().await;
    if !ticket.is_current() {
        return None;
    }
    let families = lintable(&parsed);
    let mut linter = lint::Linter::new(&families, lint::RuleSet::Upstream);
    if !in_slices(ticket, &mut linter, |l| l.step(SAMPLES_PER_CHECK), |_| {}).await {
        return None;
    }
    let problems = linter.finish();
    drop(families);
    mark("inspect-linted");
    let doc = Arc::new(ParsedText::new(text, parsed));
    mark("inspect-indexed");
    Some(Analysis {
        doc,
        problems,
        elapsed_ms: now_ms() - started,
        draft,
    })
}

/// Calls `step` on `work` until it returns true, in slices of [`SLICE_BUDGET_MS`]
/// with a turn for the page between them (`paused` is told at each, to show
/// progress); false if `ticket` stopped being current meanwhile (a newer text
/// superseded this one).
async fn in_slices<W>(
    ticket: Ticket,
    work: &mut W,
    mut step: impl FnMut(&mut W) -> bool,
    mut paused: impl FnMut(&W),
) -> bool {
    loop {
        let slice_start = now_ms();
        while now_ms() - slice_start < SLICE_BUDGET_MS {
            if step(work) {
                return true;
            }
        }
        paused(work);
        yield_to_page().await;
        if !ticket.is_current() {
            return false;
        }
    }
}
