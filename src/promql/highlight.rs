//! Token classes for syntax highlighting, from the lexer's tokens and a little
//! context (a name before `(` is a function or aggregation, inside `{...}` or a
//! `by (...)` list it is a label). Works on text that does not parse: everything
//! up to a lexing error is classified, the rest is marked as the error.

use super::ast::{AggOp, Span};
use super::lexer::{Tok, lex};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenClass {
    Keyword,
    Function,
    Aggregation,
    MetricName,
    LabelName,
    String,
    Number,
    Duration,
    Operator,
    Punctuation,
    Comment,
    /// Text the lexer could not read.
    Error,
}

impl TokenClass {
    /// A CSS class name (`tok-keyword`, ...).
    pub fn css(self) -> &'static str {
        match self {
            TokenClass::Keyword => "tok-keyword",
            TokenClass::Function => "tok-function",
            TokenClass::Aggregation => "tok-aggregation",
            TokenClass::MetricName => "tok-metric",
            TokenClass::LabelName => "tok-label",
            TokenClass::String => "tok-string",
            TokenClass::Number => "tok-number",
            TokenClass::Duration => "tok-duration",
            TokenClass::Operator => "tok-operator",
            TokenClass::Punctuation => "tok-punct",
            TokenClass::Comment => "tok-comment",
            TokenClass::Error => "tok-error",
        }
    }
}

/// Words the parser reads as keywords in some position.
pub const KEYWORDS: [&str; 16] = [
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "offset",
    "and",
    "or",
    "unless",
    "atan2",
    "anchored",
    "smoothed",
    "fill_left",
    "fill_right",
];

/// Classified spans in source order; gaps are whitespace.
pub fn highlight(src: &str) -> Vec<(Span, TokenClass)> {
    let (tokens, error_at) = match lex(src) {
        Ok(t) => (t, None),
        Err(e) => {
            let start = e.span.start.min(src.len());
            // Everything before the error lexes (the lexer stops at the first problem).
            (lex(&src[..start]).unwrap_or_default(), Some(start))
        }
    };
    let mut out: Vec<(Span, TokenClass)> = Vec::new();
    let mut brace_depth = 0usize;
    // Parenthesis levels that hold label lists (`by (...)`, `on (...)`...).
    let mut label_list_paren: Vec<bool> = Vec::new();
    let mut previous_keyword: Option<&str> = None;
    let mut last_end = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.tok == Tok::Eof {
            break;
        }
        push_comments(src, last_end, t.span.start, &mut out);
        last_end = t.span.end;
        let next = tokens.get(i + 1).map(|n| &n.tok);
        let class = match &t.tok {
            Tok::Ident(word) => {
                let in_label_list = label_list_paren.last().copied().unwrap_or(false);
                if brace_depth > 0 || in_label_list {
                    TokenClass::LabelName
                } else if AggOp::from_name(word).is_some() && matches!(next, Some(Tok::LParen))
                    || AggOp::from_name(word).is_some()
                        && matches!(next, Some(Tok::Ident(k)) if k.eq_ignore_ascii_case("by") || k.eq_ignore_ascii_case("without"))
                {
                    TokenClass::Aggregation
                } else if next == Some(&Tok::LParen) && super::functions::lookup(word).is_some() {
                    TokenClass::Function
                } else if KEYWORDS.contains(&word.to_ascii_lowercase().as_str()) {
                    TokenClass::Keyword
                } else if matches!(word.to_ascii_lowercase().as_str(), "inf" | "nan") {
                    TokenClass::Number
                } else {
                    TokenClass::MetricName
                }
            }
            Tok::Number(_) => TokenClass::Number,
            Tok::Duration(_) => TokenClass::Duration,
            Tok::Str(_) if brace_depth > 0 && next == Some(&Tok::Assign) => TokenClass::LabelName,
            Tok::Str(_) => TokenClass::String,
            Tok::LBrace => {
                brace_depth += 1;
                TokenClass::Punctuation
            }
            Tok::RBrace => {
                brace_depth = brace_depth.saturating_sub(1);
                TokenClass::Punctuation
            }
            Tok::LParen => {
                let list = matches!(
                    previous_keyword,
                    Some("by" | "without" | "on" | "ignoring" | "group_left" | "group_right")
                );
                label_list_paren.push(list);
                TokenClass::Punctuation
            }
            Tok::RParen => {
                label_list_paren.pop();
                TokenClass::Punctuation
            }
            Tok::LBracket | Tok::RBracket | Tok::Comma | Tok::Colon => TokenClass::Punctuation,
            _ => TokenClass::Operator,
        };
        previous_keyword = match (&t.tok, class) {
            (Tok::Ident(w), TokenClass::Keyword) => {
                KEYWORDS.iter().copied().find(|k| k.eq_ignore_ascii_case(w))
            }
            _ => None,
        };
        out.push((t.span, class));
    }
    match error_at {
        Some(start) => {
            push_comments(src, last_end, start, &mut out);
            out.push((Span::new(start, src.len()), TokenClass::Error));
        }
        None => push_comments(src, last_end, src.len(), &mut out),
    }
    out
}

/// `#` comments in the gap `[from, to)` between tokens.
fn push_comments(src: &str, from: usize, to: usize, out: &mut Vec<(Span, TokenClass)>) {
    let gap = &src[from..to];
    let mut offset = 0;
    while let Some(i) = gap[offset..].find('#') {
        let start = offset + i;
        let end = gap[start..].find('\n').map_or(gap.len(), |n| start + n);
        out.push((Span::new(from + start, from + end), TokenClass::Comment));
        offset = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(src: &str) -> Vec<(&str, TokenClass)> {
        highlight(src)
            .into_iter()
            .map(|(s, c)| (&src[s.start..s.end], c))
            .collect()
    }

    #[test]
    fn classifies_in_context() {
        use TokenClass::*;
        let got = classes(r#"sum by (path) (rate(http_requests_total{code=~"5.."}[5m])) # errors"#);
        assert_eq!(
            got,
            vec![
                ("sum", Aggregation),
                ("by", Keyword),
                ("(", Punctuation),
                ("path", LabelName),
                (")", Punctuation),
                ("(", Punctuation),
                ("rate", Function),
                ("(", Punctuation),
                ("http_requests_total", MetricName),
                ("{", Punctuation),
                ("code", LabelName),
                ("=~", Operator),
                ("\"5..\"", String),
                ("}", Punctuation),
                ("[", Punctuation),
                ("5m", Duration),
                ("]", Punctuation),
                (")", Punctuation),
                (")", Punctuation),
                ("# errors", Comment),
            ]
        );
    }

    #[test]
    fn text_that_does_not_lex_keeps_its_start() {
        let got = classes("up{job=\"api");
        assert_eq!(got.last().unwrap(), &("\"api", TokenClass::Error));
        assert_eq!(got[0], ("up", TokenClass::MetricName));
    }
}
