//! What the PromQL editor shows and does, browser-free: its text cut into classed
//! runs (the highlighter's token classes, the parse error underlined), the store as
//! a completion source, when completions open, what accepting one makes of the
//! text, and which key does what while they are open.

use crate::promql::ast::Span;
use crate::promql::complete::{Completions, Schema};
use crate::promql::highlight::highlight;
use crate::tsdb::{Head, METRIC_NAME, Matcher};

/// The store as a completion source.
pub struct StoreSchema<'a>(pub &'a Head);

impl StoreSchema<'_> {
    fn matchers(metric: Option<&str>) -> Vec<Matcher> {
        metric
            .map(|m| vec![Matcher::equal(METRIC_NAME, m)])
            .unwrap_or_default()
    }
}

impl Schema for StoreSchema<'_> {
    fn metric_names(&self) -> Vec<String> {
        self.0
            .label_values(METRIC_NAME, &[])
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    fn label_names(&self, metric: Option<&str>) -> Vec<String> {
        self.0
            .label_names(&Self::matchers(metric))
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    fn label_values(&self, metric: Option<&str>, label: &str) -> Vec<String> {
        self.0
            .label_values(label, &Self::matchers(metric))
            .into_iter()
            .map(str::to_string)
            .collect()
    }
}

/// `src` cut into runs with their CSS classes: token classes, plus
/// `err-underline` over the parse error's byte span `error`. An error at the very
/// end (a missing closing token) underlines one added space.
pub fn segments(src: &str, error: Option<(usize, usize)>) -> Vec<(String, String)> {
    let spans = highlight(src);
    let mut bounds: Vec<usize> = vec![0, src.len()];
    for (s, _) in &spans {
        bounds.extend([s.start, s.end]);
    }
    if let Some((a, b)) = error {
        bounds.extend([a.min(src.len()), b.min(src.len())]);
    }
    bounds.retain(|&b| src.is_char_boundary(b));
    crate::sort::sort(&mut bounds[..]);
    bounds.dedup();
    let mut out = Vec::new();
    // Spans come in order: one pointer walks them (a long query stays linear).
    let mut next_span = 0;
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        while next_span < spans.len() && spans[next_span].0.end <= a {
            next_span += 1;
        }
        let mut class = spans
            .get(next_span)
            .filter(|(s, _)| s.start <= a && b <= s.end)
            .map(|(_, c)| c.css().to_string())
            .unwrap_or_default();
        if let Some((ea, eb)) = error
            && ea <= a
            && b <= eb.max(ea + 1)
        {
            class.push_str(" err-underline");
        }
        out.push((src[a..b].to_string(), class));
    }
    if let Some((ea, _)) = error
        && ea >= src.len()
    {
        out.push((" ".into(), "err-underline".into()));
    }
    out
}

/// The byte offset in `text` of a cursor the DOM gives in UTF-16 units.
pub fn byte_offset(text: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

fn utf16_len(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

/// Whether completions found at byte `cursor` open: always when asked
/// (Ctrl+Space), else while a word is being typed or right after `{ = [ , "`.
pub fn opens(found: &Completions, text: &str, cursor: usize, asked: bool) -> bool {
    !found.items.is_empty()
        && (asked
            || found.replace.start < found.replace.end
            || text
                .get(..cursor)
                .is_some_and(|t| t.ends_with(['{', '=', '[', ',', '"'])))
}

/// `text` with `replace` (bytes) replaced by `insert`, and the caret after the
/// insertion in UTF-16 units (as the DOM wants it).
pub fn accept(text: &str, replace: Span, insert: &str) -> (String, u32) {
    let a = replace.start.min(text.len());
    let b = replace.end.min(text.len()).max(a);
    let (a, b) = (floor_boundary(text, a), floor_boundary(text, b));
    let new_text = format!("{}{insert}{}", &text[..a], &text[b..]);
    (new_text, utf16_len(&text[..a]) + utf16_len(insert))
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// What a key does while the completion list (of `count` items, `selected` chosen) is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKey {
    Select(usize),
    Accept(usize),
    Close,
    /// Not the list's: the editor handles it.
    Pass,
}

pub fn list_key(key: &str, count: usize, selected: usize) -> ListKey {
    if count == 0 {
        return ListKey::Pass;
    }
    match key {
        "ArrowDown" => ListKey::Select((selected + 1) % count),
        "ArrowUp" => ListKey::Select((selected + count - 1) % count),
        "Enter" | "Tab" => ListKey::Accept(selected.min(count - 1)),
        "Escape" => ListKey::Close,
        _ => ListKey::Pass,
    }
}

/// Whether a released key should look for completions again (not a navigation or
/// modifier key, nor a chord).
pub fn refreshes_on_keyup(key: &str, ctrl_or_meta: bool) -> bool {
    let navigation = matches!(
        key,
        "ArrowDown" | "ArrowUp" | "Enter" | "Tab" | "Escape" | "Control" | "Meta" | "Shift"
    );
    !navigation && !ctrl_or_meta
}
