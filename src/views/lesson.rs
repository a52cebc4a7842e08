//! What the Lessons pane shows, browser-free: a lesson's Markdown as blocks
//! (paragraphs, lists, fenced code; inline `code` and **bold**), and the
//! learner's progress as the text kept in storage.

use std::collections::{BTreeMap, BTreeSet};

/// A run of text inside a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    Bold(String),
}

/// A block of a lesson's prose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    List(Vec<Vec<Inline>>),
    Code(String),
}

/// The Markdown subset lessons use, as blocks.
pub fn markdown_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph = String::new();
    let mut items: Vec<String> = Vec::new();
    let mut code: Option<String> = None;
    let flush = |blocks: &mut Vec<Block>, paragraph: &mut String, items: &mut Vec<String>| {
        if !paragraph.trim().is_empty() {
            blocks.push(Block::Paragraph(inlines(paragraph.trim())));
        }
        paragraph.clear();
        if !items.is_empty() {
            blocks.push(Block::List(items.iter().map(|i| inlines(i)).collect()));
        }
        items.clear();
    };
    for line in text.lines() {
        if let Some(open) = code.as_mut() {
            if line.trim_start().starts_with("```") {
                blocks.push(Block::Code(
                    std::mem::take(open).trim_end_matches('\n').to_string(),
                ));
                code = None;
            } else {
                open.push_str(line);
                open.push('\n');
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            flush(&mut blocks, &mut paragraph, &mut items);
            code = Some(String::new());
        } else if trimmed.is_empty() {
            flush(&mut blocks, &mut paragraph, &mut items);
        } else if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            if !paragraph.trim().is_empty() {
                blocks.push(Block::Paragraph(inlines(paragraph.trim())));
                paragraph.clear();
            }
            items.push(item.to_string());
        } else if !items.is_empty() && line.starts_with("  ") {
            // A list item's continuation line.
            if let Some(last) = items.last_mut() {
                last.push(' ');
                last.push_str(trimmed);
            }
        } else {
            if !items.is_empty() {
                blocks.push(Block::List(items.iter().map(|i| inlines(i)).collect()));
                items.clear();
            }
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(trimmed);
        }
    }
    if let Some(open) = code {
        blocks.push(Block::Code(open.trim_end_matches('\n').to_string()));
    }
    flush(&mut blocks, &mut paragraph, &mut items);
    blocks
}

/// `code` and **bold** spans of one block's text (an unclosed marker is text).
pub fn inlines(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (marker, make): (&str, fn(String) -> Inline) = if rest.starts_with('`') {
            ("`", Inline::Code)
        } else if rest.starts_with("**") {
            ("**", Inline::Bold)
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            plain.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        match rest[marker.len()..].find(marker) {
            Some(end) if end > 0 => {
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(make(rest[marker.len()..marker.len() + end].to_string()));
                rest = &rest[marker.len() * 2 + end..];
            }
            _ => {
                plain.push_str(marker);
                rest = &rest[marker.len()..];
            }
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// The steps each lesson's learner has passed, by lesson id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress(BTreeMap<String, BTreeSet<usize>>);

impl Progress {
    /// The storage form: `id:0,1,2;other:0` (anything unreadable is skipped).
    pub fn from_text(text: &str) -> Progress {
        let mut progress = Progress::default();
        for entry in text.split(';') {
            let Some((id, steps)) = entry.split_once(':') else {
                continue;
            };
            let steps: BTreeSet<usize> = steps.split(',').filter_map(|s| s.parse().ok()).collect();
            if !id.is_empty() && !steps.is_empty() {
                progress.0.insert(id.to_string(), steps);
            }
        }
        progress
    }

    pub fn to_text(&self) -> String {
        self.0
            .iter()
            .map(|(id, steps)| {
                let steps: Vec<String> = steps.iter().map(usize::to_string).collect();
                format!("{id}:{}", steps.join(","))
            })
            .collect::<Vec<_>>()
            .join(";")
    }

    pub fn pass(&mut self, lesson: &str, step: usize) {
        self.0.entry(lesson.to_string()).or_default().insert(step);
    }

    pub fn passed(&self, lesson: &str, step: usize) -> bool {
        self.0.get(lesson).is_some_and(|s| s.contains(&step))
    }

    /// How many of the lesson's steps are passed.
    pub fn count(&self, lesson: &str) -> usize {
        self.0.get(lesson).map_or(0, BTreeSet::len)
    }

    pub fn reset(&mut self, lesson: &str) {
        self.0.remove(lesson);
    }
}

/// A link to a lesson's step: the address key `lesson` as `id.step` (1-based).
pub fn step_link_value(lesson: &str, step: usize) -> String {
    format!("{lesson}.{}", step + 1)
}

/// Reads `id.step` (1-based) back; a bare id is its first step.
pub fn read_step_link(value: &str) -> (String, usize) {
    match value.rsplit_once('.') {
        Some((id, n)) if n.parse::<usize>().is_ok_and(|n| n >= 1) => {
            (id.to_string(), n.parse::<usize>().unwrap_or(1) - 1)
        }
        _ => (value.to_string(), 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_blocks_and_inlines() {
        let blocks = markdown_blocks(
            "A `rate()` is **per second**.\nSame paragraph.\n\n- one\n- two `x`\n  more\n\n```\nsum(x)\n```\nEnd `open",
        );
        assert_eq!(
            blocks,
            [
                Block::Paragraph(vec![
                    Inline::Text("A ".into()),
                    Inline::Code("rate()".into()),
                    Inline::Text(" is ".into()),
                    Inline::Bold("per second".into()),
                    Inline::Text(". Same paragraph.".into()),
                ]),
                Block::List(vec![
                    vec![Inline::Text("one".into())],
                    vec![
                        Inline::Text("two ".into()),
                        Inline::Code("x".into()),
                        Inline::Text(" more".into())
                    ],
                ]),
                Block::Code("sum(x)".into()),
                Block::Paragraph(vec![Inline::Text("End `open".into())]),
            ]
        );
    }

    #[test]
    fn progress_round_trips_and_links_read_back() {
        let mut p = Progress::from_text("a:0,2;broken;b:x");
        p.pass("c", 1);
        assert_eq!(p.to_text(), "a:0,2;c:1");
        assert!(p.passed("a", 2) && !p.passed("a", 1));
        assert_eq!(p.count("a"), 2);
        assert_eq!(Progress::from_text(&p.to_text()), p);
        assert_eq!(
            read_step_link(&step_link_value("rate-vs-irate", 2)),
            ("rate-vs-irate".into(), 2)
        );
        assert_eq!(read_step_link("counters"), ("counters".into(), 0));
        assert_eq!(read_step_link("v1.0"), ("v1.0".into(), 0));
    }
}
