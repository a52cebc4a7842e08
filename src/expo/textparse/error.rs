//! Parse errors: where (line and column, 1-based; columns count characters) and
//! what went wrong, in words.

use std::fmt;

/// What a parser reports about one problem in the input.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub line: u32,
    pub column: u32,
    pub kind: ErrorKind,
}

/// The two sorts of problem: a token that is not what the grammar allows there, and
/// a well-formed line that breaks a rule of the format.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorKind {
    /// `expected` names what the grammar allows at this point, `found` what is there.
    Syntax {
        expected: &'static str,
        found: String,
    },
    /// A rule of the format, stated in words.
    Invalid(String),
}

impl ParseError {
    pub fn syntax(line: u32, column: u32, expected: &'static str, found: String) -> ParseError {
        ParseError {
            line,
            column,
            kind: ErrorKind::Syntax { expected, found },
        }
    }

    pub fn invalid(line: u32, column: u32, message: impl Into<String>) -> ParseError {
        ParseError {
            line,
            column,
            kind: ErrorKind::Invalid(message.into()),
        }
    }

    /// The message without the position.
    pub fn message(&self) -> String {
        match &self.kind {
            ErrorKind::Syntax { expected, found } => format!("expected {expected}, found {found}"),
            ErrorKind::Invalid(message) => message.clone(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message())
    }
}

impl std::error::Error for ParseError {}

/// Describes the input at a position for "found …": the character, or the end of the line.
pub fn describe_found(rest: &[u8]) -> String {
    match rest.first() {
        None => "the end of the line".to_string(),
        Some(b' ') => "a space".to_string(),
        Some(b'\t') => "a tab".to_string(),
        Some(0) => "a NUL byte".to_string(),
        Some(_) => {
            // Show the offending character (not just its first byte) and a little context.
            let take = rest.len().min(12);
            let shown = String::from_utf8_lossy(&rest[..take]);
            let first: String = shown.chars().take(1).collect();
            if first == "\u{FFFD}" {
                format!("the invalid UTF-8 byte 0x{:02x}", rest[0])
            } else {
                let context: String = shown.chars().take(8).collect();
                if context.chars().count() > 1 {
                    format!("{first:?} (in {context:?})")
                } else {
                    format!("{first:?}")
                }
            }
        }
    }
}
