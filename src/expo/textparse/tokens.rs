//! One line of exposition text cut into tokens for highlighting, with the same
//! cursor the parser reads lines with, so a quoted UTF-8 name, an escaped quote in
//! a label value or blanks inside braces are cut where the parser would cut them.
//! It never fails: whatever does not fit the grammar is one `Rest` token.

use std::ops::Range;

use super::cursor::{Cursor, is_label_char, is_label_start, is_name_char, is_name_start};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// `# TYPE `, `# HELP `, `# UNIT `.
    Keyword,
    MetricName,
    LabelName,
    LabelValue,
    /// Braces, `=` and `,`.
    Punct,
    /// The sample value.
    Value,
    /// Blanks between tokens.
    Blank,
    /// A comment, a help text or type, a timestamp and exemplar, or what does not parse.
    Rest,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the line.
    pub span: Range<usize>,
    pub kind: TokenKind,
}

/// Cuts `line` (without its newline) into tokens covering every byte, in order.
pub fn line_tokens(line: &str) -> Vec<Token> {
    let mut out = Tokens {
        cursor: Cursor::new(line.as_bytes(), 0),
        done: 0,
        tokens: Vec::new(),
    };
    if line.starts_with('#') {
        out.metadata();
    } else {
        out.sample();
    }
    out.finish()
}

struct Tokens<'a> {
    cursor: Cursor<'a>,
    /// Where the next token starts.
    done: usize,
    tokens: Vec<Token>,
}

impl Tokens<'_> {
    /// Ends a token of `kind` at the cursor (nothing if the cursor has not moved).
    fn cut(&mut self, kind: TokenKind) {
        let end = self.cursor.pos;
        if end > self.done {
            self.tokens.push(Token {
                span: self.done..end,
                kind,
            });
            self.done = end;
        }
    }

    fn blanks(&mut self) {
        self.cursor.skip_blanks();
        self.cut(TokenKind::Blank);
    }

    fn finish(mut self) -> Vec<Token> {
        self.cursor.pos = self.cursor.line.len();
        self.cut(TokenKind::Rest);
        self.tokens
    }

    /// `# TYPE name type`, `# HELP name text`, `# UNIT name unit`; other comments stay `Rest`.
    fn metadata(&mut self) {
        let c = &mut self.cursor;
        c.pos = 1;
        c.skip_blanks();
        let keyword = c.take_word();
        if !matches!(keyword, b"TYPE" | b"HELP" | b"UNIT") || !c.skip_blanks() {
            c.pos = 0;
            return;
        }
        self.cut(TokenKind::Keyword);
        self.name(is_name_start, is_name_char, TokenKind::MetricName);
    }

    /// A plain or quoted name.
    fn name(&mut self, start: fn(u8) -> bool, rest: fn(u8) -> bool, kind: TokenKind) -> bool {
        let c = &mut self.cursor;
        let found = match c.peek() {
            Some(b'"') => {
                c.skip_quoted();
                true
            }
            Some(b) if start(b) => {
                c.take_while(rest);
                true
            }
            _ => false,
        };
        self.cut(kind);
        found
    }

    fn sample(&mut self) {
        if self.cursor.peek() != Some(b'{') {
            self.name(is_name_start, is_name_char, TokenKind::MetricName);
            // Text 0.0.4 allows blanks before the braces.
            let before = self.cursor.pos;
            self.cursor.skip_blanks();
            if self.cursor.peek() == Some(b'{') {
                self.cut(TokenKind::Blank);
            } else {
                self.cursor.pos = before;
            }
        }
        if self.cursor.eat(b'{') {
            self.cut(TokenKind::Punct);
            if !self.label_pairs() {
                return;
            }
        }
        self.blanks();
        self.cursor.take_word();
        self.cut(TokenKind::Value);
    }

    /// The label pairs after `{`, up to and including `}`; false where they stop parsing.
    fn label_pairs(&mut self) -> bool {
        loop {
            self.blanks();
            if self.cursor.eat(b'}') {
                self.cut(TokenKind::Punct);
                return true;
            }
            let quoted = self.cursor.peek() == Some(b'"');
            let at = self.cursor.pos;
            if !self.name_or_quoted_metric(quoted, at) {
                return false;
            }
            self.blanks();
            if self.cursor.eat(b'=') {
                self.cut(TokenKind::Punct);
                self.blanks();
                if self.cursor.peek() != Some(b'"') {
                    return false;
                }
                let closed = self.cursor.skip_quoted();
                self.cut(TokenKind::LabelValue);
                if !closed {
                    return false;
                }
                self.blanks();
            }
            if self.cursor.eat(b',') {
                self.cut(TokenKind::Punct);
            } else if self.cursor.peek() != Some(b'}') {
                return false;
            }
        }
    }

    /// A label name, or in `{"my.metric", a="b"}` the quoted metric name (a quoted
    /// string not followed by `=`).
    fn name_or_quoted_metric(&mut self, quoted: bool, at: usize) -> bool {
        if !self.name(is_label_start, is_label_char, TokenKind::LabelName) {
            return false;
        }
        let mut after = Cursor::new(self.cursor.line, 0);
        after.pos = self.cursor.pos;
        after.skip_blanks();
        if quoted
            && after.peek() != Some(b'=')
            && let Some(last) = self.tokens.last_mut().filter(|t| t.span.start == at)
        {
            last.kind = TokenKind::MetricName;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::{TokenKind::*, line_tokens};

    fn cut(line: &str) -> Vec<(&str, super::TokenKind)> {
        line_tokens(line)
            .into_iter()
            .map(|t| (&line[t.span], t.kind))
            .collect()
    }

    #[test]
    fn samples_are_cut_where_the_parser_cuts_them() {
        assert_eq!(
            cut(r#"x_total{path="/a\"b,c",code="200"} 3 1714521600.000"#),
            [
                ("x_total", MetricName),
                ("{", Punct),
                ("path", LabelName),
                ("=", Punct),
                (r#""/a\"b,c""#, LabelValue),
                (",", Punct),
                ("code", LabelName),
                ("=", Punct),
                (r#""200""#, LabelValue),
                ("}", Punct),
                (" ", Blank),
                ("3", Value),
                (" 1714521600.000", Rest),
            ]
        );
        assert_eq!(
            cut(r#"{"my.metric", "a.b"="c"} 1"#),
            [
                ("{", Punct),
                (r#""my.metric""#, MetricName),
                (",", Punct),
                (" ", Blank),
                (r#""a.b""#, LabelName),
                ("=", Punct),
                (r#""c""#, LabelValue),
                ("}", Punct),
                (" ", Blank),
                ("1", Value),
            ]
        );
        assert_eq!(
            cut("# TYPE http_requests counter"),
            [
                ("# TYPE ", Keyword),
                ("http_requests", MetricName),
                (" counter", Rest)
            ]
        );
        assert_eq!(cut("# EOF"), [("# EOF", Rest)]);
        assert_eq!(
            cut("x{a=1} 2"),
            [
                ("x", MetricName),
                ("{", Punct),
                ("a", LabelName),
                ("=", Punct),
                ("1} 2", Rest)
            ]
        );
    }

    #[test]
    fn every_byte_is_in_exactly_one_token() {
        for line in [
            "",
            "{",
            "x{",
            "x{a=\"",
            "# ",
            "#",
            "x 1 2 3",
            "x {a=\"b\\",
            "é{\"ü\"} 1",
            "  x 1",
            "x{,}",
        ] {
            let tokens = line_tokens(line);
            let mut at = 0;
            for t in &tokens {
                assert_eq!(t.span.start, at, "{line:?}: {tokens:?}");
                assert!(t.span.end > t.span.start);
                at = t.span.end;
            }
            assert_eq!(at, line.len(), "{line:?}");
        }
    }
}
