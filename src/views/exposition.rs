//! Exposition text as the Exposition and Inspect panes show it: line by line
//! (indexed, so a 10 MB text shows line n without being split), each line marked
//! (metadata, error) and cut into classed runs for highlighting (the classes are
//! the PromQL highlighter's `tok-*` ones).

use std::sync::Arc;

use crate::expo::textparse::{LineKind, Parsed, TokenKind, line_tokens};

/// What the line view needs of a text: its lines by number (1-based) and how each is marked.
pub trait LineSource: Send + Sync {
    fn line_count(&self) -> usize;
    /// Line `n` without its newline; empty past the end.
    fn line(&self, n: usize) -> &str;
    fn mark(&self, n: usize) -> LineMark;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineMark {
    Plain,
    /// `# HELP`, `# TYPE`, `# UNIT`, `# EOF`.
    Metadata,
    Error,
}

impl LineMark {
    /// How the parser classified line `n`.
    pub fn of(parsed: &Parsed, n: usize) -> LineMark {
        match n.checked_sub(1).and_then(|i| parsed.lines.get(i)) {
            Some(LineKind::Error) => LineMark::Error,
            Some(LineKind::Help(_) | LineKind::Type(_) | LineKind::Unit(_) | LineKind::Eof) => {
                LineMark::Metadata
            }
            _ => LineMark::Plain,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            LineMark::Plain => "",
            LineMark::Metadata => "line-meta",
            LineMark::Error => "line-error",
        }
    }
}

/// Where each line of a text starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        if text.ends_with('\n') {
            starts.pop();
        }
        LineIndex { starts }
    }

    /// Lines in the text; an empty text has one (empty) line.
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// Line `n` (1-based) of `text`, the text this index was built from.
    pub fn line<'a>(&self, text: &'a str, n: usize) -> &'a str {
        let Some(&start) = n.checked_sub(1).and_then(|i| self.starts.get(i)) else {
            return "";
        };
        let end = match self.starts.get(n) {
            Some(&next) => next - 1,
            None => text.len() - usize::from(text.ends_with('\n')),
        };
        text.get(start..end.max(start)).unwrap_or("")
    }
}

/// A text and what the parser made of it, as a line source.
pub struct ParsedText {
    pub text: Arc<str>,
    pub index: LineIndex,
    pub parsed: Parsed,
}

impl ParsedText {
    pub fn new(text: Arc<str>, parsed: Parsed) -> ParsedText {
        ParsedText {
            index: LineIndex::new(&text),
            text,
            parsed,
        }
    }
}

impl LineSource for ParsedText {
    fn line_count(&self) -> usize {
        self.index.count()
    }

    fn line(&self, n: usize) -> &str {
        self.index.line(&self.text, n)
    }

    fn mark(&self, n: usize) -> LineMark {
        LineMark::of(&self.parsed, n)
    }
}

/// The numbers of the lines containing `needle`, ignoring ASCII case (metric
/// and label names are ASCII); none for an empty needle.
pub fn find_lines(source: &dyn LineSource, needle: &str) -> Vec<usize> {
    if needle.is_empty() {
        return Vec::new();
    }
    let needle = needle.to_ascii_lowercase();
    (1..=source.line_count())
        .filter(|&n| contains_ignoring_case(source.line(n), &needle))
        .collect()
}

fn contains_ignoring_case(haystack: &str, lower_needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), lower_needle.as_bytes());
    h.len() >= n.len()
        && h.windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

/// The match to jump to from line `from`: the next after it (or the previous
/// before it), wrapping around; the first when nothing is selected.
pub fn next_match(matches: &[usize], from: Option<usize>, forward: bool) -> Option<usize> {
    let (first, last) = (*matches.first()?, *matches.last()?);
    let Some(from) = from else {
        return Some(if forward { first } else { last });
    };
    if forward {
        Some(matches.iter().copied().find(|&m| m > from).unwrap_or(first))
    } else {
        Some(
            matches
                .iter()
                .rev()
                .copied()
                .find(|&m| m < from)
                .unwrap_or(last),
        )
    }
}

/// A sample or metadata line cut into classed runs: `# TYPE`/`# HELP` keyword,
/// metric name, label names, label values, value and timestamp, where the
/// parser's own tokenizer cuts them.
pub fn highlight_line(line: &str) -> Vec<(String, &'static str)> {
    line_tokens(line)
        .into_iter()
        .map(|token| (line[token.span].to_string(), token_class(token.kind)))
        .collect()
}

fn token_class(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Keyword => "tok-keyword",
        TokenKind::MetricName => "tok-metric",
        TokenKind::LabelName => "tok-label",
        TokenKind::LabelValue => "tok-string",
        TokenKind::Punct => "tok-punct",
        TokenKind::Value => "tok-number",
        TokenKind::Blank => "",
        TokenKind::Rest => "tok-comment",
    }
}

#[cfg(test)]
mod tests {
    use super::{LineIndex, LineMark, LineSource, find_lines, highlight_line, next_match};

    struct Text(&'static str, LineIndex);

    impl LineSource for Text {
        fn line_count(&self) -> usize {
            self.1.count()
        }
        fn line(&self, n: usize) -> &str {
            self.1.line(self.0, n)
        }
        fn mark(&self, _: usize) -> LineMark {
            LineMark::Plain
        }
    }

    #[test]
    fn search_finds_lines_and_steps_through_them() {
        let text = "# TYPE up gauge\nup 1\nHTTP_requests_total 3\nhttp_requests_total{a=\"b\"} 4\n";
        let source = Text(text, LineIndex::new(text));
        assert_eq!(find_lines(&source, "http_req"), [3, 4]);
        assert_eq!(find_lines(&source, "UP"), [1, 2]);
        assert!(find_lines(&source, "").is_empty());
        assert!(find_lines(&source, "nothing here").is_empty());
        let found = [3, 4, 9];
        assert_eq!(next_match(&found, None, true), Some(3));
        assert_eq!(next_match(&found, None, false), Some(9));
        assert_eq!(next_match(&found, Some(3), true), Some(4));
        assert_eq!(next_match(&found, Some(5), true), Some(9));
        assert_eq!(next_match(&found, Some(9), true), Some(3));
        assert_eq!(next_match(&found, Some(3), false), Some(9));
        assert_eq!(next_match(&found, Some(5), false), Some(4));
        assert_eq!(next_match(&[], Some(5), true), None);
    }

    #[test]
    fn lines_by_number() {
        let index = LineIndex::new("a\nbc\n\nd\n");
        assert_eq!(index.count(), 4);
        let text = "a\nbc\n\nd\n";
        let lines: Vec<&str> = (0..=5).map(|n| index.line(text, n)).collect();
        assert_eq!(lines, ["", "a", "bc", "", "d", ""]);
        assert_eq!(LineIndex::new("").count(), 1);
        assert_eq!(LineIndex::new("x").line("x", 1), "x");
        assert_eq!(LineIndex::new("x\r\n").line("x\r\n", 1), "x\r");
    }

    fn classes(line: &str) -> Vec<(String, &'static str)> {
        highlight_line(line)
    }

    #[test]
    fn metadata_samples_labels_values_and_timestamps() {
        assert_eq!(
            classes("# TYPE http_requests counter"),
            [
                ("# TYPE ".to_string(), "tok-keyword"),
                ("http_requests".to_string(), "tok-metric"),
                (" counter".to_string(), "tok-comment"),
            ]
        );
        assert_eq!(classes("# EOF"), [("# EOF".to_string(), "tok-comment")]);
        let runs = classes(r#"x_total{path="/a\"b",code="200"} 3 1714521600.000"#);
        let text: String = runs.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(text, r#"x_total{path="/a\"b",code="200"} 3 1714521600.000"#);
        assert_eq!(runs[0], ("x_total".to_string(), "tok-metric"));
        assert!(runs.contains(&("path".to_string(), "tok-label")));
        assert!(runs.contains(&(r#""/a\"b""#.to_string(), "tok-string")));
        assert!(runs.contains(&("3".to_string(), "tok-number")));
        assert_eq!(
            runs.last().unwrap(),
            &(" 1714521600.000".to_string(), "tok-comment")
        );
        // Nothing is lost from odd lines.
        for odd in ["", "{", "x{", "x{a=\"", "# ", "x 1 2 3"] {
            let joined: String = classes(odd).iter().map(|(t, _)| t.as_str()).collect();
            assert_eq!(joined.trim_end(), odd.trim_end(), "{odd:?}");
        }
    }
}
