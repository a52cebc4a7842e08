//! Autocompletion: what fits at the cursor of a (possibly unfinished) query.
//! Functions, aggregations and keywords come from the parser's tables; metric
//! names, label names and label values from a [`Schema`] (the store, in the page).

use super::ast::{AggOp, Span};
use super::docs::doc;
use super::functions::FUNCTIONS;
use super::highlight::KEYWORDS;
use super::lexer::{Tok, lex};

/// Where completions come from besides the language itself.
pub trait Schema {
    fn metric_names(&self) -> Vec<String>;
    /// Label names of series of `metric` (all series when `None`).
    fn label_names(&self, metric: Option<&str>) -> Vec<String>;
    fn label_values(&self, metric: Option<&str>, label: &str) -> Vec<String>;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Function,
    Aggregation,
    Keyword,
    Metric,
    LabelName,
    LabelValue,
    Duration,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    /// What the list shows.
    pub label: String,
    /// What replaces the text at [`Completions::replace`].
    pub insert: String,
    pub kind: CompletionKind,
    /// One line of documentation (functions, aggregations, keywords).
    pub detail: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Completions {
    /// The text being completed (the word, or the label value, before the cursor).
    pub replace: Span,
    pub items: Vec<Completion>,
}

/// What the cursor is in.
#[derive(Clone, Debug, PartialEq)]
enum Context {
    Expression,
    LabelName {
        metric: Option<String>,
    },
    LabelValue {
        metric: Option<String>,
        label: String,
        quoted: bool,
    },
    Duration,
}

const DURATIONS: [&str; 7] = ["1m", "5m", "10m", "15m", "30m", "1h", "1d"];
/// At most this many items are offered.
const MAX_ITEMS: usize = 50;

/// The completions at byte offset `cursor` of `src`.
pub fn complete(src: &str, cursor: usize, schema: &dyn Schema) -> Completions {
    let cursor = floor_char_boundary(src, cursor.min(src.len()));
    let before = &src[..cursor];
    let (context, replace_start) = context_at(before);
    let prefix = &before[replace_start..];
    let mut items: Vec<Completion> = Vec::new();
    let mut add = |label: String, insert: String, kind: CompletionKind, detail: &'static str| {
        if label.starts_with(prefix) || insert.starts_with(prefix) {
            items.push(Completion {
                label,
                insert,
                kind,
                detail,
            });
        }
    };
    match &context {
        Context::Expression => {
            for m in schema.metric_names() {
                add(m.clone(), m, CompletionKind::Metric, "");
            }
            for op in AggOp::ALL {
                add(
                    op.name().into(),
                    op.name().into(),
                    CompletionKind::Aggregation,
                    doc(op.name()),
                );
            }
            for f in FUNCTIONS {
                add(
                    f.name.into(),
                    format!("{}(", f.name),
                    CompletionKind::Function,
                    doc(f.name),
                );
            }
            for k in KEYWORDS {
                add(k.into(), k.into(), CompletionKind::Keyword, doc(k));
            }
        }
        Context::LabelName { metric } => {
            for l in schema.label_names(metric.as_deref()) {
                if l != crate::tsdb::METRIC_NAME {
                    add(l.clone(), l, CompletionKind::LabelName, "");
                }
            }
        }
        Context::LabelValue {
            metric,
            label,
            quoted,
        } => {
            for v in schema.label_values(metric.as_deref(), label) {
                let insert = if *quoted { v.clone() } else { format!("{v:?}") };
                add(v, insert, CompletionKind::LabelValue, "");
            }
        }
        Context::Duration => {
            for d in DURATIONS {
                add(d.into(), d.into(), CompletionKind::Duration, "");
            }
        }
    }
    // Exact-prefix matches of the likeliest kinds first, then alphabetical.
    crate::sort::sort_by(&mut items[..], |a, b| {
        (rank(a.kind), &a.label).cmp(&(rank(b.kind), &b.label))
    });
    items.dedup_by(|a, b| a.label == b.label && a.kind == b.kind);
    items.truncate(MAX_ITEMS);
    Completions {
        replace: Span::new(replace_start, cursor),
        items,
    }
}

fn rank(kind: CompletionKind) -> u8 {
    match kind {
        CompletionKind::LabelValue | CompletionKind::LabelName | CompletionKind::Duration => 0,
        CompletionKind::Metric => 1,
        CompletionKind::Aggregation => 2,
        CompletionKind::Function => 3,
        CompletionKind::Keyword => 4,
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b':'
}

/// The context of the text before the cursor, and where the completed text starts.
fn context_at(before: &str) -> (Context, usize) {
    // An unterminated string is a label value being typed.
    if let Err(e) = lex(before)
        && let Some(quote) = before[e.span.start.min(before.len())..].chars().next()
        && matches!(quote, '"' | '\'' | '`')
    {
        let start = e.span.start;
        let (ctx, _) = context_at(&before[..start]);
        if let Context::LabelValue { metric, label, .. } = ctx {
            return (
                Context::LabelValue {
                    metric,
                    label,
                    quoted: true,
                },
                start + 1,
            );
        }
        return (Context::Expression, before.len());
    }
    let bytes = before.as_bytes();
    let mut word_start = before.len();
    while word_start > 0 && is_word_byte(bytes[word_start - 1]) {
        word_start -= 1;
    }
    let Ok(tokens) = lex(&before[..word_start]) else {
        return (Context::Expression, word_start);
    };
    let toks: Vec<&Tok> = tokens
        .iter()
        .map(|t| &t.tok)
        .filter(|t| **t != Tok::Eof)
        .collect();
    // Walk the tokens, tracking braces, brackets and label-list parentheses.
    let mut brace_open: Option<usize> = None;
    let mut bracket_open = false;
    let mut parens: Vec<bool> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::LBrace => brace_open = Some(i),
            Tok::RBrace => brace_open = None,
            Tok::LBracket => bracket_open = true,
            Tok::RBracket => bracket_open = false,
            Tok::LParen => {
                let list = matches!(
                    i.checked_sub(1).map(|p| toks[p]),
                    Some(Tok::Ident(w)) if matches!(
                        w.to_ascii_lowercase().as_str(),
                        "by" | "without" | "on" | "ignoring" | "group_left" | "group_right"
                    )
                );
                parens.push(list);
            }
            Tok::RParen => {
                parens.pop();
            }
            _ => {}
        }
    }
    if bracket_open {
        return (Context::Duration, word_start);
    }
    if let Some(open) = brace_open {
        let metric = match open.checked_sub(1).map(|p| toks[p]) {
            Some(Tok::Ident(m)) => Some(m.clone()),
            _ => name_matcher(&toks[open + 1..]),
        };
        return match toks.last() {
            Some(Tok::Assign | Tok::Neq | Tok::EqlRegex | Tok::NeqRegex) => {
                let label = match toks.len().checked_sub(2).map(|p| toks[p]) {
                    Some(Tok::Ident(l)) | Some(Tok::Str(l)) => l.clone(),
                    _ => String::new(),
                };
                (
                    Context::LabelValue {
                        metric,
                        label,
                        quoted: false,
                    },
                    word_start,
                )
            }
            _ => (Context::LabelName { metric }, word_start),
        };
    }
    if parens.last().copied().unwrap_or(false) {
        return (Context::LabelName { metric: None }, word_start);
    }
    (Context::Expression, word_start)
}

/// The metric named by a `__name__="..."` matcher among `toks`.
fn name_matcher(toks: &[&Tok]) -> Option<String> {
    toks.windows(3).find_map(|w| match w {
        [Tok::Ident(n), Tok::Assign, Tok::Str(v)] if n == crate::tsdb::METRIC_NAME => {
            Some(v.clone())
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;
    impl Schema for Fake {
        fn metric_names(&self) -> Vec<String> {
            vec![
                "http_requests_total".into(),
                "http_request_duration_seconds_bucket".into(),
                "up".into(),
            ]
        }
        fn label_names(&self, metric: Option<&str>) -> Vec<String> {
            match metric {
                Some("up") => vec!["instance".into(), "job".into()],
                _ => vec![
                    "instance".into(),
                    "job".into(),
                    "path".into(),
                    "status".into(),
                ],
            }
        }
        fn label_values(&self, _: Option<&str>, label: &str) -> Vec<String> {
            match label {
                "job" => vec!["api".into(), "batch".into()],
                _ => vec![],
            }
        }
    }

    fn labels(src: &str) -> Vec<String> {
        complete(src, src.len(), &Fake)
            .items
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    #[test]
    fn metrics_functions_and_aggregations_by_prefix() {
        assert_eq!(
            labels("http_req"),
            vec![
                "http_request_duration_seconds_bucket",
                "http_requests_total"
            ]
        );
        let r = complete("ra", 2, &Fake);
        assert_eq!(r.replace, Span::new(0, 2));
        let rate = r.items.iter().find(|c| c.label == "rate").unwrap();
        assert_eq!(
            (rate.insert.as_str(), rate.kind),
            ("rate(", CompletionKind::Function)
        );
        assert!(rate.detail.contains("per-second"));
        assert!(labels("su").contains(&"sum".to_string()));
        assert!(labels("sum(rate(u").contains(&"up".to_string()));
    }

    #[test]
    fn label_names_and_values_in_braces_and_groupings() {
        assert_eq!(labels("up{"), vec!["instance", "job"]);
        assert_eq!(labels("up{job=\"api\", in"), vec!["instance"]);
        assert_eq!(labels("up{job="), vec!["api", "batch"]);
        let r = complete("up{job=\"b", 9, &Fake);
        assert_eq!(
            (r.replace, r.items[0].insert.as_str()),
            (Span::new(8, 9), "batch")
        );
        assert_eq!(complete("up{job=", 7, &Fake).items[0].insert, "\"api\"");
        assert!(labels("sum by (pa").contains(&"path".to_string()));
        assert!(labels("rate(x[").contains(&"5m".to_string()));
    }
}
