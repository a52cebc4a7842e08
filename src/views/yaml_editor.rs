//! What the rule-file and `alertmanager.yml` editors draw under their text: YAML
//! cut into runs with CSS classes (comments, keys, scalars, Go template actions
//! `{{ }}`, and PromQL highlighted in `expr:` values), with the places the
//! file's errors name underlined to the end of their line.

use crate::promql::highlight::highlight;

/// One error's place: 1-based line, and column when known.
pub type ErrorAt = (u32, Option<u32>);

/// A problem an editor shows: the reader's own words (Prometheus's, Alertmanager's),
/// and where, when they say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem {
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl FileProblem {
    /// A message that may name its place in words (`line 4 column 10: ...`).
    pub fn from_message(message: String) -> FileProblem {
        let at = position_in_message(&message);
        FileProblem {
            line: at.map(|(l, _)| l),
            column: at.and_then(|(_, c)| c),
            message,
        }
    }

    pub fn place(&self) -> Option<ErrorAt> {
        Some((self.line?, self.column))
    }
}

impl From<crate::rules::RuleFileError> for FileProblem {
    fn from(e: crate::rules::RuleFileError) -> FileProblem {
        FileProblem {
            message: e.message,
            line: e.line,
            column: e.column,
        }
    }
}

/// The place a YAML reader's message names (`line 4 column 10: ...`), if any.
pub fn position_in_message(message: &str) -> Option<ErrorAt> {
    let rest = &message[message.find("line ")? + 5..];
    let line_digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let line = line_digits.parse().ok()?;
    let column = rest[line_digits.len()..]
        .strip_prefix(" column ")
        .and_then(|r| {
            r.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()
        });
    Some((line, column))
}

/// `text` as runs of (text, CSS classes) covering every byte, newlines included.
pub fn yaml_segments(text: &str, errors: &[ErrorAt]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let number = index as u32 + 1;
        let body = line.strip_suffix('\n').unwrap_or(line);
        let mut runs = line_runs(body);
        // Columns count characters, from 1; the underline runs to the line's end.
        if let Some(col) = errors
            .iter()
            .filter(|(l, _)| *l == number)
            .map(|(_, c)| c.unwrap_or(1))
            .min()
        {
            let from = body
                .char_indices()
                .nth(col.saturating_sub(1) as usize)
                .map_or(body.len(), |(i, _)| i);
            runs = underline(runs, from, body.len().max(from + 1));
        }
        out.extend(runs);
        if line.ends_with('\n') {
            out.push(("\n".into(), String::new()));
        }
    }
    out
}

/// Adds `err-underline` to the bytes `from..to` of a line's runs (past the end:
/// one added space).
pub(crate) fn underline(
    runs: Vec<(String, String)>,
    from: usize,
    to: usize,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    for (text, class) in runs {
        let end = at + text.len();
        let (a, b) = (from.clamp(at, end), to.clamp(at, end));
        for (piece, marked) in [
            (&text[..a - at], false),
            (&text[a - at..b - at], true),
            (&text[b - at..], false),
        ] {
            if !piece.is_empty() {
                let class = if marked {
                    format!("{class} err-underline").trim().to_string()
                } else {
                    class.clone()
                };
                out.push((piece.to_string(), class));
            }
        }
        at = end;
    }
    if from >= at {
        out.push((" ".into(), "err-underline".into()));
    }
    out
}

/// Where a comment starts: a `#` at the start or after a blank, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if previous.is_whitespace() => return Some(i),
            _ => {}
        }
        previous = c;
    }
    None
}

fn line_runs(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (content, comment) = match comment_start(line) {
        Some(i) => (&line[..i], Some(&line[i..])),
        None => (line, None),
    };
    // Indentation and list dashes.
    let rest = content.trim_start_matches([' ', '-']);
    let lead = content.len() - rest.len();
    push(&mut out, &content[..lead], "tok-punct");
    let mut value = rest;
    let mut key = "";
    if let Some(colon) = find_key_colon(rest) {
        key = rest[..colon].trim();
        push(&mut out, &rest[..colon], "tok-label");
        push(&mut out, ":", "tok-punct");
        value = &rest[colon + 1..];
    }
    value_runs(&mut out, value, key == "expr");
    if let Some(c) = comment {
        push(&mut out, c, "tok-comment");
    }
    out
}

/// The colon ending a mapping key: followed by a blank or the line's end, not
/// inside quotes or a flow collection.
fn find_key_colon(text: &str) -> Option<usize> {
    if text.starts_with(['"', '\'', '{', '[']) {
        return None;
    }
    let bytes = text.as_bytes();
    text.char_indices().find_map(|(i, c)| {
        (c == ':' && bytes.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t')).then_some(i)
    })
}

fn value_runs(out: &mut Vec<(String, String)>, value: &str, promql: bool) {
    let trimmed = value.trim_start();
    push(out, &value[..value.len() - trimmed.len()], "");
    let scalar = trimmed.trim_end();
    let tail = &trimmed[scalar.len()..];
    if scalar.is_empty() {
    } else if promql && !scalar.starts_with(['"', '\'', '|', '>']) {
        let spans = highlight(scalar);
        let mut at = 0;
        for (span, class) in spans {
            if span.start > at {
                push(out, &scalar[at..span.start], "");
            }
            push(out, &scalar[span.start..span.end], class.css());
            at = span.end;
        }
        push(out, &scalar[at..], "");
    } else if scalar.parse::<f64>().is_ok() || ["true", "false", "null", "~"].contains(&scalar) {
        push(out, scalar, "tok-number");
    } else if ["|", ">", "|-", ">-", "[]", "{}"].contains(&scalar) {
        push(out, scalar, "tok-punct");
    } else {
        template_runs(out, scalar);
    }
    push(out, tail, "");
}

/// A string with its `{{ ... }}` template actions marked.
fn template_runs(out: &mut Vec<(String, String)>, text: &str) {
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        push(out, &rest[..open], "tok-string");
        let after = &rest[open..];
        let close = after.find("}}").map_or(after.len(), |c| c + 2);
        push(out, &after[..close], "tok-keyword");
        rest = &after[close..];
    }
    push(out, rest, "tok-string");
}

fn push(out: &mut Vec<(String, String)>, text: &str, class: &str) {
    if !text.is_empty() {
        out.push((text.to_string(), class.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str, errors: &[ErrorAt]) -> Vec<(String, String)> {
        yaml_segments(text, errors)
    }

    #[test]
    fn runs_cover_the_text_and_mark_what_they_are() {
        let text = "groups:\n  - name: g # the group\n    rules:\n      - alert: A\n        expr: rate(x[5m]) > 0.5\n        for: 5m\n        annotations:\n          summary: \"{{ $labels.job }} down\"\n";
        let runs = classes(text, &[]);
        assert_eq!(
            runs.iter().map(|(t, _)| t.as_str()).collect::<String>(),
            text
        );
        let find = |t: &str| runs.iter().find(|(x, _)| x == t).map(|(_, c)| c.as_str());
        assert_eq!(find("groups"), Some("tok-label"));
        assert_eq!(find("# the group"), Some("tok-comment"));
        assert_eq!(find("rate"), Some("tok-function"));
        assert_eq!(find("0.5"), Some("tok-number"));
        assert_eq!(find("{{ $labels.job }}"), Some("tok-keyword"));
        // `5m` in PromQL is a duration; `for: 5m` is a plain string.
        assert_eq!(find("5m"), Some("tok-duration"));
        let last_5m = runs
            .iter()
            .rev()
            .find(|(x, _)| x == "5m")
            .map(|(_, c)| c.as_str());
        assert_eq!(last_5m, Some("tok-string"));
    }

    #[test]
    fn positions_are_read_from_messages() {
        assert_eq!(
            position_in_message("line 4 column 10: illegal placement of ':' indicator"),
            Some((4, Some(10)))
        );
        assert_eq!(position_in_message("no routes provided"), None);
    }

    #[test]
    fn errors_underline_from_their_column_to_the_line_end() {
        let text = "a: 1\nexpr: up ==\n";
        let runs = classes(text, &[(2, Some(7))]);
        let marked: String = runs
            .iter()
            .filter(|(_, c)| c.contains("err-underline"))
            .map(|(t, _)| t.as_str())
            .collect();
        assert_eq!(marked, "up ==");
        // Past the end of a line: one space.
        let runs = classes("x:\n", &[(1, Some(9))]);
        assert!(runs.iter().any(|(t, c)| t == " " && c == "err-underline"));
        assert_eq!(classes("", &[]), vec![]);
    }
}
