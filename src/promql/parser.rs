//! A hand-written recursive-descent PromQL parser with precedence climbing and
//! Prometheus's type checks (`promql/parser/generated_parser.y` and `parse.go`).

use crate::names::is_legacy_label_name;
use crate::tsdb::{MatchType, Matcher};

use super::ParseError;
use super::ast::*;
use super::functions;
use super::lexer::{Tok, Token, lex};
use super::types::{ValueType, check_call, check_duration_expr, value_type};

/// Parses one PromQL expression.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let toks = lex(src).map_err(|e| ParseError::new(src, e.span, e.message))?;
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        allow_empty_selector: false,
    };
    let e = p.expr(0)?;
    if p.peek() != &Tok::Eof {
        return Err(p.unexpected("after expression", "an operator or end of input"));
    }
    Ok(e)
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    /// Set while parsing `info`'s label selector, which may match empty labels.
    allow_empty_selector: bool,
}

type PResult<T> = Result<T, ParseError>;

/// Binding strength of unary minus/plus: above `* / % atan2`, below `^`.
const UNARY_PREC: u8 = 6;

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }

    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].tok
    }

    fn span(&self) -> Span {
        self.toks[self.pos].span
    }

    fn prev_end(&self) -> usize {
        if self.pos == 0 {
            0
        } else {
            self.toks[self.pos - 1].span.end
        }
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn err(&self, span: Span, msg: impl Into<String>) -> ParseError {
        ParseError::new(self.src, span, msg.into())
    }

    /// `unexpected <token> <context>, expected <what>`.
    fn unexpected(&self, context: &str, what: &str) -> ParseError {
        let sep = if context.is_empty() { "" } else { " " };
        self.err(
            self.span(),
            format!(
                "unexpected {}{sep}{context}, expected {what}",
                self.peek().describe()
            ),
        )
    }

    fn expect(&mut self, t: Tok, context: &str) -> PResult<Span> {
        if *self.peek() == t {
            Ok(self.bump().span)
        } else {
            Err(self.unexpected(context, &format!("{:?}", t.symbol())))
        }
    }

    /// The current token as a lower-cased keyword, if it is an identifier.
    fn keyword(&self) -> Option<String> {
        match self.peek() {
            Tok::Ident(s) => Some(s.to_ascii_lowercase()),
            _ => None,
        }
    }

    fn is_keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }

    fn binop(&self) -> Option<BinOp> {
        Some(match self.peek() {
            Tok::Add => BinOp::Add,
            Tok::Sub => BinOp::Sub,
            Tok::Mul => BinOp::Mul,
            Tok::Div => BinOp::Div,
            Tok::Mod => BinOp::Mod,
            Tok::TrimUpper => BinOp::TrimUpper,
            Tok::TrimLower => BinOp::TrimLower,
            Tok::Pow => BinOp::Pow,
            Tok::Eql => BinOp::Eql,
            Tok::Neq => BinOp::Neq,
            Tok::Lss => BinOp::Lss,
            Tok::Lte => BinOp::Lte,
            Tok::Gtr => BinOp::Gtr,
            Tok::Gte => BinOp::Gte,
            Tok::Ident(_) => match self.keyword()?.as_str() {
                "and" => BinOp::And,
                "or" => BinOp::Or,
                "unless" => BinOp::Unless,
                "atan2" => BinOp::Atan2,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// Precedence climbing over binary operators binding at least `min`.
    fn expr(&mut self, min: u8) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        while let Some(op) = self.binop() {
            let prec = op.precedence();
            if prec < min {
                break;
            }
            self.bump();
            let (return_bool, matching) = self.bin_modifiers(op)?;
            let fill = self.fill_modifiers()?;
            // `^` is right-associative; the rest are left-associative.
            let next = if op == BinOp::Pow { prec } else { prec + 1 };
            let rhs = self.expr(next)?;
            lhs = self.binary(op, lhs, rhs, return_bool, matching)?;
            if let ExprKind::Binary(b) = &mut lhs.kind {
                (b.fill_left, b.fill_right) = fill;
            }
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<Expr> {
        let op = match self.peek() {
            Tok::Sub => UnaryOp::Neg,
            Tok::Add => UnaryOp::Pos,
            _ => return self.postfix(),
        };
        let start = self.bump().span.start;
        let inner = self.expr(UNARY_PREC + 1)?;
        let span = Span::new(start, inner.span.end);
        if let ExprKind::Number(n) = inner.kind {
            let v = if op == UnaryOp::Neg { -n } else { n };
            return Ok(Expr {
                span,
                kind: ExprKind::Number(v),
            });
        }
        let t = value_type(&inner);
        if t != ValueType::Scalar && t != ValueType::InstantVector {
            return Err(self.err(
                span,
                format!(
                    "unary expression only allowed on expressions of type scalar or instant vector, got {t}"
                ),
            ));
        }
        Ok(Expr {
            span,
            kind: ExprKind::Unary {
                op,
                expr: Box::new(inner),
            },
        })
    }

    /// `bool`, `on`/`ignoring (...)`, `group_left`/`group_right [(...)]` after an operator.
    fn bin_modifiers(&mut self, op: BinOp) -> PResult<(bool, Option<VectorMatching>)> {
        let mut return_bool = false;
        if self.is_keyword("bool") {
            let sp = self.bump().span;
            if !op.is_comparison() {
                return Err(self.err(sp, "bool modifier can only be used on comparison operators"));
            }
            return_bool = true;
        }
        let on = match self.keyword().as_deref() {
            Some("on") => true,
            Some("ignoring") => false,
            _ => return Ok((return_bool, None)),
        };
        self.bump();
        let labels = self.label_list(if on { "on" } else { "ignoring" })?;
        let mut group = None;
        if let Some(kw @ ("group_left" | "group_right")) = self.keyword().as_deref() {
            let left = kw == "group_left";
            let sp = self.bump().span;
            if op.is_set() {
                return Err(self.err(
                    sp,
                    format!("no grouping allowed for \"{}\" operation", op.symbol()),
                ));
            }
            let glabels = if self.peek() == &Tok::LParen {
                self.label_list(kw)?
            } else {
                Vec::new()
            };
            if let Some(l) = glabels.iter().find(|l| on && labels.contains(l)) {
                return Err(self.err(
                    sp,
                    format!("label {l:?} must not occur in ON and GROUP clause at once"),
                ));
            }
            group = Some(Group {
                left,
                labels: glabels,
            });
        }
        Ok((return_bool, Some(VectorMatching { on, labels, group })))
    }

    /// Experimental `fill(v)`, `fill_left(v)`, `fill_right(v)` after the matching clauses.
    fn fill_modifiers(&mut self) -> PResult<(Option<f64>, Option<f64>)> {
        let (mut left, mut right) = (None, None);
        while let Some(kw @ ("fill" | "fill_left" | "fill_right")) = self.keyword().as_deref() {
            if self.peek_at(1) != &Tok::LParen {
                break;
            }
            let kw = kw.to_string();
            self.bump();
            self.bump();
            let ctx = format!("in {kw}() modifier");
            let neg = match self.peek() {
                Tok::Sub => {
                    self.bump();
                    true
                }
                Tok::Add => {
                    self.bump();
                    false
                }
                _ => false,
            };
            let Tok::Number(v) = *self.peek() else {
                return Err(self.unexpected(&ctx, "number"));
            };
            self.bump();
            self.expect(Tok::RParen, &ctx)?;
            let v = if neg { -v } else { v };
            if kw != "fill_right" {
                left = Some(v);
            }
            if kw != "fill_left" {
                right = Some(v);
            }
        }
        Ok((left, right))
    }

    fn binary(
        &mut self,
        op: BinOp,
        lhs: Expr,
        rhs: Expr,
        return_bool: bool,
        matching: Option<VectorMatching>,
    ) -> PResult<Expr> {
        let span = lhs.span.to(rhs.span);
        let (lt, rt) = (value_type(&lhs), value_type(&rhs));
        let ok = |t| t == ValueType::Scalar || t == ValueType::InstantVector;
        if !ok(lt) || !ok(rt) {
            return Err(self.err(
                span,
                "binary expression must contain only scalar and instant vector types",
            ));
        }
        if op.is_comparison() && !return_bool && lt == ValueType::Scalar && rt == ValueType::Scalar
        {
            return Err(self.err(span, "comparisons between scalars must use BOOL modifier"));
        }
        if let Some(m) = &matching
            && (lt != ValueType::InstantVector || rt != ValueType::InstantVector)
            && (!m.labels.is_empty() || m.group.is_some())
        {
            return Err(self.err(span, "vector matching only allowed between instant vectors"));
        }
        if op.is_set() && (lt == ValueType::Scalar || rt == ValueType::Scalar) {
            return Err(self.err(
                span,
                format!(
                    "set operator \"{}\" not allowed in binary scalar expression",
                    op.symbol()
                ),
            ));
        }
        Ok(Expr {
            span,
            kind: ExprKind::Binary(Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
                return_bool,
                matching,
                fill_left: None,
                fill_right: None,
            }),
        })
    }

    /// A primary expression followed by any `[range]`, `[range:step]`, `offset`, `@`.
    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.primary()?;
        loop {
            match self.peek() {
                Tok::LBracket => e = self.range(e)?,
                Tok::At => e = self.at(e)?,
                Tok::Ident(s) if s.eq_ignore_ascii_case("offset") => e = self.offset(e)?,
                Tok::Ident(s) if s.eq_ignore_ascii_case("anchored") => {
                    e = self.extended(e, Extended::Anchored)?
                }
                Tok::Ident(s) if s.eq_ignore_ascii_case("smoothed") => {
                    e = self.extended(e, Extended::Smoothed)?
                }
                _ => return Ok(e),
            }
        }
    }

    fn primary(&mut self) -> PResult<Expr> {
        let tok = self.toks[self.pos].clone();
        match tok.tok {
            Tok::Number(n) => {
                self.bump();
                Ok(Expr {
                    span: tok.span,
                    kind: ExprKind::Number(n),
                })
            }
            Tok::Duration(ms) => {
                self.bump();
                Ok(Expr {
                    span: tok.span,
                    kind: ExprKind::Number(ms as f64 / 1000.0),
                })
            }
            Tok::Str(s) => {
                self.bump();
                Ok(Expr {
                    span: tok.span,
                    kind: ExprKind::String(s),
                })
            }
            Tok::LParen => {
                self.bump();
                let inner = self.expr(0)?;
                let end = self.expect(Tok::RParen, "in parenthesized expression")?.end;
                Ok(Expr {
                    span: Span::new(tok.span.start, end),
                    kind: ExprKind::Paren(Box::new(inner)),
                })
            }
            Tok::LBrace => self.selector(None, tok.span.start),
            Tok::Ident(name) => {
                let lower = name.to_ascii_lowercase();
                let next = self.peek_at(1).clone();
                let grouping_next = matches!(&next, Tok::Ident(k) if k.eq_ignore_ascii_case("by") || k.eq_ignore_ascii_case("without"));
                if let Some(op) = AggOp::from_name(&lower)
                    && (next == Tok::LParen || grouping_next)
                {
                    return self.aggregate(op);
                }
                if next == Tok::LParen {
                    return self.call(&name, tok.span);
                }
                self.bump();
                self.selector(Some(name), tok.span.start)
            }
            Tok::Eof => Err(self.unexpected("", "an expression")),
            _ => Err(self.unexpected("at start of expression", "an expression")),
        }
    }

    fn call(&mut self, name: &str, name_span: Span) -> PResult<Expr> {
        // The duration keywords are case-insensitive, as Prometheus's keywords.
        let lower = name.to_ascii_lowercase();
        let found = functions::lookup(name).or_else(|| {
            functions::lookup(&lower).filter(|f| {
                matches!(
                    f.name,
                    "step" | "range" | "start" | "end" | "min_of" | "max_of"
                )
            })
        });
        let Some(func) = found else {
            return Err(self.err(name_span, format!("unknown function with name {name:?}")));
        };
        self.bump();
        self.bump(); // (
        let mut args = Vec::new();
        while self.peek() != &Tok::RParen {
            // `info(v, {data=~".*"})`: the second argument selects labels, not series.
            self.allow_empty_selector =
                func.name == "info" && args.len() == 1 && self.peek() == &Tok::LBrace;
            let arg = self.expr(0);
            self.allow_empty_selector = false;
            args.push(arg?);
            match self.peek() {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RParen => {}
                _ => {
                    return Err(self.unexpected(
                        &format!("in argument list of call to {name:?}"),
                        "\",\" or \")\"",
                    ));
                }
            }
        }
        let end = self.bump().span.end;
        let span = Span::new(name_span.start, end);
        check_call(func, &args).map_err(|m| self.err(span, m))?;
        Ok(Expr {
            span,
            kind: ExprKind::Call { func, args },
        })
    }

    /// `(a, b, "c.d")` for grouping and vector matching.
    fn label_list(&mut self, context: &str) -> PResult<Vec<String>> {
        let ctx = format!("in {context} label list");
        self.expect(Tok::LParen, &ctx)?;
        let mut labels: Vec<String> = Vec::new();
        while self.peek() != &Tok::RParen {
            let t = self.bump();
            let l = match t.tok {
                Tok::Ident(s) if is_legacy_label_name(&s) => s,
                Tok::Str(s) => s,
                _ => {
                    self.pos -= 1;
                    return Err(self.unexpected(&ctx, "label name"));
                }
            };
            if labels.contains(&l) {
                return Err(self.err(
                    t.span,
                    format!("duplicate label {l:?} in {context} label list"),
                ));
            }
            labels.push(l);
            match self.peek() {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RParen => {}
                _ => return Err(self.unexpected(&ctx, "\",\" or \")\"")),
            }
        }
        self.bump();
        Ok(labels)
    }

    fn aggregate(&mut self, op: AggOp) -> PResult<Expr> {
        let start = self.bump().span.start;
        let mut grouping = None;
        if let Some(kw @ ("by" | "without")) = self.keyword().as_deref() {
            let without = kw == "without";
            self.bump();
            grouping = Some((without, self.label_list(kw)?));
        }
        let ctx = format!("in aggregation \"{}\"", op.name());
        self.expect(Tok::LParen, &ctx)?;
        let mut args = Vec::new();
        while self.peek() != &Tok::RParen {
            args.push(self.expr(0)?);
            match self.peek() {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RParen => {}
                _ => return Err(self.unexpected(&ctx, "\",\" or \")\"")),
            }
        }
        let mut end = self.bump().span.end;
        if let Some(kw @ ("by" | "without")) = self.keyword().as_deref() {
            if grouping.is_some() {
                return Err(self.err(
                    self.span(),
                    format!("unexpected {kw:?} {ctx}: grouping given twice"),
                ));
            }
            let without = kw == "without";
            self.bump();
            grouping = Some((without, self.label_list(kw)?));
            end = self.prev_end();
        }
        let span = Span::new(start, end);
        let want = if op.has_param() { 2 } else { 1 };
        if args.len() != want {
            return Err(self.err(
                span,
                format!(
                    "wrong number of arguments for aggregate expression provided, expected {want}, got {}",
                    args.len()
                ),
            ));
        }
        let expr = args.pop().expect("checked length");
        let param = args.pop();
        let t = value_type(&expr);
        if t != ValueType::InstantVector {
            return Err(self.err(
                expr.span,
                format!("expected type instant vector in aggregation expression, got {t}"),
            ));
        }
        if let Some(p) = &param {
            let want = if op == AggOp::CountValues {
                ValueType::String
            } else {
                ValueType::Scalar
            };
            let t = value_type(p);
            if t != want {
                return Err(self.err(
                    p.span,
                    format!("expected type {want} in aggregation parameter, got {t}"),
                ));
            }
        }
        let has_grouping = grouping.is_some();
        let (without, grouping) = grouping.unwrap_or_default();
        Ok(Expr {
            span,
            kind: ExprKind::Aggregate(Aggregate {
                op,
                expr: Box::new(expr),
                param: param.map(Box::new),
                grouping,
                without,
                has_grouping,
            }),
        })
    }

    /// `name{matchers}`, `name`, or `{matchers}`; `start` is where it begins.
    fn selector(&mut self, name: Option<String>, start: usize) -> PResult<Expr> {
        let mut matchers = Vec::new();
        let mut metric = name.clone();
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
                let m = self.matcher()?;
                if m.name == "__name__" && m.op == MatchType::Equal {
                    if let Some(prev) = &metric {
                        return Err(self.err(
                            m.span,
                            format!(
                                "metric name must not be set twice: {prev:?} or {:?}",
                                m.value
                            ),
                        ));
                    }
                    metric = Some(m.value.clone());
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
        if !any_non_empty && !self.allow_empty_selector {
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
    fn extended(&mut self, mut e: Expr, kind: Extended) -> PResult<Expr> {
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

    fn matcher(&mut self) -> PResult<LabelMatcher> {
        let t = self.bump();
        let name = match t.tok {
            Tok::Ident(s) if is_legacy_label_name(&s) => s,
            Tok::Str(s) => {
                if matches!(self.peek(), Tok::Comma | Tok::RBrace) {
                    // A bare quoted metric name: `{"my.metric"}`.
                    return Ok(LabelMatcher {
                        span: t.span,
                        name: "__name__".to_string(),
                        op: MatchType::Equal,
                        value: s,
                    });
                }
                s
            }
            _ => {
                self.pos -= 1;
                return Err(self.unexpected("in label matching", "label name"));
            }
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
        Ok(LabelMatcher {
            span: Span::new(t.span.start, end),
            name,
            op,
            value,
        })
    }

    /// A duration in a range, step or offset: `5m`, or a number of seconds.
    fn duration(&mut self, context: &str) -> PResult<i64> {
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
    fn bracket_dur(&mut self, context: &str) -> PResult<Dur> {
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

    fn range(&mut self, e: Expr) -> PResult<Expr> {
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

    fn offset(&mut self, mut e: Expr) -> PResult<Expr> {
        let start = self.bump().span.start;
        let neg = match self.peek() {
            Tok::Sub => {
                self.bump();
                true
            }
            Tok::Add => {
                self.bump();
                false
            }
            _ => false,
        };
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
        let slot = match &mut e.kind {
            ExprKind::Vector(vs) => &mut vs.offset,
            ExprKind::Matrix { selector, .. } => match &mut selector.kind {
                ExprKind::Vector(vs) => &mut vs.offset,
                _ => unreachable!("a matrix always wraps a vector selector"),
            },
            ExprKind::Subquery(sq) => &mut sq.offset,
            _ => {
                return Err(self.err(
                    span,
                    "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                ));
            }
        };
        if slot.is_some() {
            return Err(self.err(span, "offset may not be set multiple times"));
        }
        *slot = Some(off);
        e.span.end = span.end;
        Ok(e)
    }

    fn at(&mut self, mut e: Expr) -> PResult<Expr> {
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
                let neg = match self.peek() {
                    Tok::Sub => {
                        self.bump();
                        true
                    }
                    Tok::Add => {
                        self.bump();
                        false
                    }
                    _ => false,
                };
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
        let slot = match &mut e.kind {
            ExprKind::Vector(vs) => &mut vs.at,
            ExprKind::Matrix { selector, .. } => match &mut selector.kind {
                ExprKind::Vector(vs) => &mut vs.at,
                _ => unreachable!("a matrix always wraps a vector selector"),
            },
            ExprKind::Subquery(sq) => &mut sq.at,
            _ => {
                return Err(self.err(
                    span,
                    "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                ));
            }
        };
        if slot.is_some() {
            return Err(self.err(span, "@ <timestamp> may not be set multiple times"));
        }
        *slot = Some(at);
        e.span.end = span.end;
        Ok(e)
    }
}
