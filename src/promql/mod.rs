//! PromQL: lexer, syntax tree (with source spans), parser with Prometheus's
//! type checks, a printer to the canonical form, and the evaluation engine
//! (`engine`), with the reader and runner of Prometheus's `.test` files.
//!
//! ```
//! let e = promplay::promql::parse("sum by(job)(rate(http_requests_total[5m]))").unwrap();
//! assert_eq!(promplay::promql::format(&e), "sum by (job) (rate(http_requests_total[5m]))");
//! ```

pub mod ast;
pub mod complete;
pub mod docs;
pub mod engine;
pub mod explain;
pub mod functions;
pub mod highlight;
pub mod hints;
mod lexer;
mod parser;
mod printer;
pub mod promqltest;
pub mod suggest;
pub mod types;
pub mod why_empty;

use std::fmt;

pub use ast::{Expr, ExprKind, Span};
pub use parser::parse;
pub use printer::format;
pub use types::ValueType;
pub use types::value_type;

/// A lexing, syntax or type error with its place in the query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte range of the offending text.
    pub span: Span,
    /// 1-based line of `span.start`.
    pub line: usize,
    /// 1-based column (in characters) of `span.start`.
    pub col: usize,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(src: &str, span: Span, message: String) -> ParseError {
        let start = span.start.min(src.len());
        let before = src.get(..start).unwrap_or(src);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        ParseError {
            span,
            line,
            col,
            message,
        }
    }
}

impl ParseError {
    /// As Prometheus words it (`1:30: parse error: unexpected end of input`), in
    /// API errors and rule files.
    pub fn prometheus_message(&self) -> String {
        format!("{}:{}: parse error: {}", self.line, self.col, self.message)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for ParseError {}
