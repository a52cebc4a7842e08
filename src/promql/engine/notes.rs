//! Collecting annotations with Prometheus's wording and position suffix.

use std::any::Any;
use std::collections::HashMap;
use std::fmt::Display;

use crate::promql::{ParseError, Span};

use super::value::Annotations;

/// Annotations being gathered for one query, which knows the query text so it
/// can add `(line:col)` as Prometheus does.
pub(crate) struct Notes<'s> {
    src: &'s str,
    pub(crate) out: Annotations,
    /// Infos that merge with earlier ones of the same key instead of repeating
    /// (see [`Notes::info_merged`]): key -> (message as now in `out`, position, state).
    merged: HashMap<String, (String, String, Box<dyn Any>)>,
}

impl<'s> Notes<'s> {
    pub fn new(src: &'s str) -> Notes<'s> {
        Notes {
            src,
            out: Annotations::default(),
            merged: HashMap::new(),
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

    /// An info that Prometheus merges with earlier occurrences of the same `key`
    /// rather than repeating it (its mergeable annotations, e.g. histogram_quantile's
    /// monotonicity fix, which reports the range of buckets and times it covered):
    /// `merge` folds `state` into the stored one, `render` writes the message from
    /// the state. The position is the first occurrence's.
    pub fn info_merged<T: 'static>(
        &mut self,
        key: &str,
        span: Span,
        state: T,
        merge: impl FnOnce(&mut T, T),
        render: impl Fn(&T) -> String,
    ) {
        let Some((shown, pos, stored)) = self.merged.get_mut(key) else {
            let pos = self.position(span);
            let m = format!("PromQL info: {} ({pos})", render(&state));
            self.out.push_info(m.clone());
            self.merged
                .insert(key.to_string(), (m, pos, Box::new(state)));
            return;
        };
        let Some(stored) = stored.downcast_mut::<T>() else {
            return;
        };
        merge(stored, state);
        let m = format!("PromQL info: {} ({pos})", render(stored));
        match self.out.infos.iter_mut().find(|i| **i == *shown) {
            Some(slot) => *slot = m.clone(),
            None => self.out.push_info(m.clone()),
        }
        *shown = m;
    }

    fn position(&self, span: Span) -> String {
        let e = ParseError::new(self.src, span, String::new());
        format!("{}:{}", e.line, e.col)
    }
}
