//! Selectors and what follows them: label matchers, ranges, subqueries,
//! `offset`, `@`, and the experimental `anchored`/`smoothed`.

use crate::names::is_legacy_label_name;
use crate::tsdb::{MatchType, Matcher};

use super::super::ast::*;
use super::super::lexer::Tok;
use super::super::types::{ValueType, check_duration_expr, value_type};
use super::{PResult, Parser};

impl Parser<'_> {
    /// `name{matchers}`, `name`, or `{matchers}`; `start` is where it begins.
    pub(super) fn selector(&mut self, name: Option<String>, start: usize) -> PResult<Expr> {
        let allow_empty = std::mem::take(&mut self.allow_empty_selector);
        let mut matchers = Vec::new();
        let mut metric = name.clone();
        let mut name_matcher_seen = false;
        if let Some(n) = &name {
            let sp = Span::new(start, self.prev_end());
            matchers.push(LabelMatcher {
                span: sp,
                name: "__name__".to_string(),
                op: MatchType::Equal,
                value: n.clone(),
            });
        }
        if self.peek() == &Tok::LBrace {
            self.bump();
            while self.peek() != &Tok::RBrace {
                let (m, bare) = self.matcher()?;
                if m.name == "__name__" {
                    // The name given before the braces or bare inside them (`{"a.b"}`)
                    // cannot be combined with another `__name__` matcher.
                    if let Some(prev) = metric
                        .as_ref()
                        .filter(|_| bare || name_matcher_seen || name.is_some())
                    {
                        return Err(self.err(
                            m.span,
                            format!(
                                "metric name must not be set twice: {prev:?} or {:?}",
                                m.value
                            ),
                        ));
                    }
                    if bare {
                        if name_matcher_seen {
                            return Err(self.err(
                                m.span,
                                format!("metric name must not be set twice: {:?}", m.value),
                            ));
                        }
                        metric = Some(m.value.clone());
                    }
                    name_matcher_seen = true;
                }
                matchers.push(m);
                match self.peek() {
                    Tok::Comma => {
                        self.bump();
                    }
                    Tok::RBrace => {}
                    _ => return Err(self.unexpected("in label matching", "\",\" or \"}\"")),
                }
            }
            self.bump();
        }
        let span = Span::new(start, self.prev_end());
        let mut any_non_empty = false;
        for m in &matchers {
            let compiled = Matcher::new(m.op, &m.name, &m.value)
                .map_err(|e| self.err(m.span, e.to_string()))?;
            any_non_empty |= !compiled.matches_empty();
        }
        if !any_non_empty && !allow_empty {
            return Err(self.err(
                span,
                "vector selector must contain at least one non-empty matcher",
            ));
        }
        Ok(Expr {
            span,
            kind: ExprKind::Vector(VectorSelector {
                name: metric,
                matchers,
                offset: None,
                at: None,
                extended: None,
            }),
        })
    }

    /// `anchored` / `smoothed` after a vector or range selector.
    pub(super) fn extended(&mut self, mut e: Expr, kind: Extended) -> PResult<Expr> {
        let span = self.bump().span;
        let vs = match &mut e.kind {
            ExprKind::Vector(vs) => vs,
            ExprKind::Matrix { selector, .. } => match &mut selector.kind {
                ExprKind::Vector(vs) => vs,
                _ => unreachable!("a matrix always wraps a vector selector"),
            },
            _ => {
                return Err(self.err(
                    span,
                    format!("{} modifier must be preceded by an instant vector selector or range vector selector", kind.name()),
                ));
            }
        };
        if vs.extended.is_some() {
            return Err(self.err(span, "anchored or smoothed may not be set multiple times"));
        }
        vs.extended = Some(kind);
        e.span.end = span.end;
        Ok(e)
    }

    pub(super) fn matcher(&mut self) -> PResult<(LabelMatcher, bool)> {
        if !matches!(self.peek(), Tok::Ident(s) if is_legacy_label_name(s))
            && !matches!(self.peek(), Tok::Str(_))
        {
            return Err(self.unexpected("in label matching", "label name"));
        }
        let t = self.bump();
        let name = match t.tok {
            Tok::Ident(s) if is_legacy_label_name(&s) => s,
            Tok::Str(s) => {
                if matches!(self.peek(), Tok::Comma | Tok::RBrace) {
                    // A bare quoted metric name: `{"my.metric"}`.
                    return Ok((
                        LabelMatcher {
                            span: t.span,
                            name: "__name__".to_string(),
                            op: MatchType::Equal,
                            value: s,
                        },
                        true,
                    ));
                }
                s
            }
            _ => unreachable!("checked above"),
        };
        let op = match self.peek() {
            Tok::Assign => MatchType::Equal,
            Tok::Neq => MatchType::NotEqual,
            Tok::EqlRegex => MatchType::Regexp,
            Tok::NeqRegex => MatchType::NotRegexp,
            _ => {
                return Err(
                    self.unexpected("in label matching", "one of \"=\", \"!=\", \"=~\", \"!~\"")
                );
            }
        };
        self.bump();
        let value = match self.peek().clone() {
            Tok::Str(s) => s,
            _ => return Err(self.unexpected("in label matching", "quoted label value")),
        };
        let end = self.bump().span.end;
        Ok((
            LabelMatcher {
                span: Span::new(t.span.start, end),
                name,
                op,
                value,
            },
            false,
        ))
    }

    /// A duration in a range, step or offset: `5m`, or a number of seconds.
    pub(super) fn duration(&mut self, context: &str) -> PResult<i64> {
        match *self.peek() {
            Tok::Duration(ms) => {
                self.bump();
                Ok(ms)
            }
            Tok::Number(secs) => {
                let sp = self.bump().span;
                let ms = secs * 1000.0;
                if !ms.is_finite() || ms.abs() > 9.2e18 {
                    return Err(self.err(sp, format!("duration out of range {context}")));
                }
                Ok(ms.round() as i64)
            }
            _ => Err(self.unexpected(context, "duration")),
        }
    }

    /// A range or step inside brackets: a literal, or duration arithmetic.
    pub(super) fn bracket_dur(&mut self, context: &str) -> PResult<Dur> {
        if matches!(self.peek(), Tok::Duration(_) | Tok::Number(_))
            && matches!(self.peek_at(1), Tok::RBracket | Tok::Colon)
        {
            return Ok(Dur::Ms(self.duration(context)?));
        }
        if matches!(self.peek(), Tok::RBracket | Tok::Colon | Tok::Eof) {
            return Err(self.unexpected(context, "duration"));
        }
        let e = self.expr(0)?;
        check_duration_expr(&e).map_err(|(span, m)| self.err(span, m))?;
        Ok(Dur::Expr(Box::new(e)))
    }

    pub(super) fn range(&mut self, e: Expr) -> PResult<Expr> {
        let lb = self.bump().span;
        let range = self.bracket_dur("in range selector")?;
        if self.peek() == &Tok::Colon {
            self.bump();
            let step = if self.peek() == &Tok::RBracket {
                None
            } else {
                Some(self.bracket_dur("in subquery step")?)
            };
            let end = self.expect(Tok::RBracket, "in subquery selector")?.end;
            let span = Span::new(e.span.start, end);
            let t = value_type(&e);
            if t != ValueType::InstantVector {
                return Err(self.err(
                    span,
                    format!("subquery is only allowed on instant vector, got {t} instead"),
                ));
            }
            return Ok(Expr {
                span,
                kind: ExprKind::Subquery(Subquery {
                    expr: Box::new(e),
                    range,
                    step,
                    offset: None,
                    at: None,
                }),
            });
        }
        if self.peek() != &Tok::RBracket {
            return Err(self.unexpected("in range selector", "\"]\" or \":\""));
        }
        let end = self.bump().span.end;
        let span = Span::new(e.span.start, end);
        match &e.kind {
            ExprKind::Vector(vs) if vs.offset.is_some() || vs.at.is_some() => {
                Err(self.err(span, "no offset or @ modifiers allowed before range"))
            }
            ExprKind::Vector(_) => {
                if matches!(range, Dur::Ms(ms) if ms <= 0) {
                    return Err(self.err(lb.to(span), "range must be greater than 0"));
                }
                Ok(Expr {
                    span,
                    kind: ExprKind::Matrix {
                        selector: Box::new(e),
                        range,
                    },
                })
            }
            _ => Err(self.err(span, "ranges only allowed for vector selectors")),
        }
    }

    pub(super) fn offset(&mut self, e: Expr) -> PResult<Expr> {
        let start = self.bump().span.start;
        let neg = self.optional_sign();
        let value = if matches!(self.peek(), Tok::Duration(_) | Tok::Number(_)) {
            let ms = self.duration("in offset")?;
            Dur::Ms(if neg { -ms } else { ms })
        } else if matches!(self.peek(), Tok::LParen | Tok::Ident(_)) {
            let sign = self.prev_end();
            let mut e = self.primary()?;
            if neg {
                e = Expr {
                    span: Span::new(sign.saturating_sub(1), e.span.end),
                    kind: ExprKind::Unary {
                        op: UnaryOp::Neg,
                        expr: Box::new(e),
                    },
                };
            }
            check_duration_expr(&e).map_err(|(span, m)| self.err(span, m))?;
            Dur::Expr(Box::new(e))
        } else {
            return Err(self.unexpected("in offset", "duration"));
        };
        let span = Span::new(start, self.prev_end());
        let off = Offset { span, value };
        self.set_modifier(
            e,
            span,
            off,
            |vs| &mut vs.offset,
            |sq| &mut sq.offset,
            "offset modifier",
            "offset",
        )
    }

    /// Stores a modifier (`offset`, `@`) on `e`'s vector selector (also inside a range
    /// selector) or subquery, with Prometheus's messages when `e` takes none or already
    /// has one; `what` names it in the first message, `once` in the second.
    #[allow(clippy::too_many_arguments)]
    fn set_modifier<T>(
        &self,
        mut e: Expr,
        span: Span,
        modifier: T,
        on_selector: fn(&mut VectorSelector) -> &mut Option<T>,
        on_subquery: fn(&mut Subquery) -> &mut Option<T>,
        what: &str,
        once: &str,
    ) -> PResult<Expr> {
        let slot = match &mut e.kind {
            ExprKind::Vector(vs) => Some(on_selector(vs)),
            ExprKind::Matrix { selector, .. } => match &mut selector.kind {
                ExprKind::Vector(vs) => Some(on_selector(vs)),
                _ => None,
            },
            ExprKind::Subquery(sq) => Some(on_subquery(sq)),
            _ => None,
        };
        let Some(slot) = slot else {
            return Err(self.err(
                span,
                format!("{what} must be preceded by an instant vector selector or range vector selector or a subquery"),
            ));
        };
        if slot.is_some() {
            return Err(self.err(span, format!("{once} may not be set multiple times")));
        }
        *slot = Some(modifier);
        e.span.end = span.end;
        Ok(e)
    }

    pub(super) fn at(&mut self, e: Expr) -> PResult<Expr> {
        let start = self.bump().span.start;
        let value = match self.keyword().as_deref() {
            Some(kw @ ("start" | "end")) => {
                self.bump();
                let ctx = format!("in \"@ {kw}()\"");
                self.expect(Tok::LParen, &ctx)?;
                self.expect(Tok::RParen, &ctx)?;
                if kw == "start" {
                    AtValue::Start
                } else {
                    AtValue::End
                }
            }
            _ => {
                let neg = self.optional_sign();
                let secs = match *self.peek() {
                    Tok::Number(n) => n,
                    Tok::Duration(ms) => ms as f64 / 1000.0,
                    _ => {
                        return Err(
                            self.unexpected("in @ modifier", "timestamp, \"start()\" or \"end()\"")
                        );
                    }
                };
                self.bump();
                let secs = if neg { -secs } else { secs };
                let ms = (secs * 1000.0).round();
                if !ms.is_finite() || ms.abs() > 9.2e18 {
                    return Err(self.err(
                        Span::new(start, self.prev_end()),
                        format!("timestamp out of bounds for @ modifier: {secs}"),
                    ));
                }
                AtValue::Timestamp(ms / 1000.0)
            }
        };
        let span = Span::new(start, self.prev_end());
        let at = At { span, value };
        self.set_modifier(
            e,
            span,
            at,
            |vs| &mut vs.at,
            |sq| &mut sq.at,
            "@ modifier",
            "@ <timestamp>",
        )
    }
}
