//! Collecting annotations with Prometheus's wording and position suffix.

use std::fmt::Display;

use crate::promql::{ParseError, Span};

use super::value::Annotations;

/// Annotations being gathered for one query, which knows the query text so it
/// can add `(line:col)` as Prometheus does.
pub(crate) struct Notes<'s> {
    src: &'s str,
    pub(crate) out: Annotations,
}

impl<'s> Notes<'s> {
    pub fn new(src: &'s str) -> Notes<'s> {
        Notes {
            src,
            out: Annotations::default(),
        }
    }

    /// `PromQL warning: <message> (<line>:<col>)`.
    pub fn warn(&mut self, message: impl Display, span: Span) {
        let m = format!("PromQL warning: {message} ({})", self.position(span));
        self.out.push_warning(m);
    }

    /// `PromQL info: <message> (<line>:<col>)`.
    pub fn info(&mut self, message: impl Display, span: Span) {
        let m = format!("PromQL info: {message} ({})", self.position(span));
        self.out.push_info(m);
    }

    fn position(&self, span: Span) -> String {
        let e = ParseError::new(self.src, span, String::new());
        format!("{}:{}", e.line, e.col)
    }
}
