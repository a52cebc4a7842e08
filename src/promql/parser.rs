//! A hand-written recursive-descent PromQL parser with precedence climbing and
//! Prometheus's type checks (`promql/parser/generated_parser.y` and `parse.go`).

use crate::names::is_legacy_label_name;

mod selectors;

use super::ParseError;
use super::ast::*;
use super::functions;
use super::lexer::{Tok, Token, lex};
use super::types::{ValueType, check_call, value_type};

/// Parses one PromQL expression.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let toks = lex(src).map_err(|e| ParseError::new(src, e.span, e.message))?;
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        allow_empty_selector: false,
        depth: 0,
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
    /// Current nesting of `expr` calls, bounded so deep input cannot overflow the stack.
    depth: usize,
}

/// How deeply expressions may nest (parentheses, calls, unary signs, operands).
const MAX_DEPTH: usize = 100;

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
    /// Consumes a leading `-` or `+`; true if it was `-`.
    fn optional_sign(&mut self) -> bool {
        match self.peek() {
            Tok::Sub => {
                self.bump();
                true
            }
            Tok::Add => {
                self.bump();
                false
            }
            _ => false,
        }
    }

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
        if self.depth >= MAX_DEPTH {
            return Err(self.err(
                self.span(),
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        self.depth += 1;
        let e = self.expr_inner(min);
        self.depth -= 1;
        e
    }

    fn expr_inner(&mut self, min: u8) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        // Each operator of a chain (`a + b + c ...`) nests the tree one level deeper:
        // the same limit holds, or evaluating and printing it would overflow the stack.
        let mut chain = 0;
        while let Some(op) = self.binop() {
            let prec = op.precedence();
            if prec < min {
                break;
            }
            chain += 1;
            if self.depth + chain > MAX_DEPTH {
                return Err(self.err(
                    self.span(),
                    format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
                ));
            }
            let op_span = self.bump().span;
            let (return_bool, matching) = self.bin_modifiers(op)?;
            let fill = self.fill_modifiers()?;
            // `^` is right-associative; the rest are left-associative.
            let next = if op == BinOp::Pow { prec } else { prec + 1 };
            let rhs = self.expr(next)?;
            lhs = self.binary(op_span, op, lhs, rhs, return_bool, matching, fill)?;
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
        // As Prometheus, a sign on a literal folds into it.
        match inner.kind {
            ExprKind::Number(n) => {
                let v = if op == UnaryOp::Neg { -n } else { n };
                return Ok(Expr {
                    span,
                    kind: ExprKind::Number(v),
                });
            }
            ExprKind::Duration(ms) => {
                let v = if op == UnaryOp::Neg { -ms } else { ms };
                return Ok(Expr {
                    span,
                    kind: ExprKind::Duration(v),
                });
            }
            _ => {}
        }
        let t = value_type(&inner);
        if t != ValueType::Scalar && t != ValueType::InstantVector {
            return Err(self.err(
                span,
                format!(
                    "unary expression only allowed on expressions of type scalar or instant vector, got \"{t}\""
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
        if !on && labels.is_empty() && group.is_none() {
            // `ignoring ()` alone changes nothing; Prometheus drops it too.
            return Ok((return_bool, None));
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
            let neg = self.optional_sign();
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

    #[allow(clippy::too_many_arguments)]
    fn binary(
        &mut self,
        op_span: Span,
        op: BinOp,
        lhs: Expr,
        rhs: Expr,
        return_bool: bool,
        mut matching: Option<VectorMatching>,
        (fill_left, fill_right): (Option<f64>, Option<f64>),
    ) -> PResult<Expr> {
        let span = lhs.span.to(rhs.span);
        let (lt, rt) = (value_type(&lhs), value_type(&rhs));
        let ok = |t| t == ValueType::Scalar || t == ValueType::InstantVector;
        let not_allowed = "binary expression must contain only scalar and instant vector types";
        if !ok(lt) {
            return Err(self.err(lhs.span, not_allowed));
        }
        if !ok(rt) {
            return Err(self.err(rhs.span, not_allowed));
        }
        if op.is_comparison() && !return_bool && lt == ValueType::Scalar && rt == ValueType::Scalar
        {
            return Err(self.err(
                op_span,
                "comparisons between scalars must use BOOL modifier",
            ));
        }
        let has_fill = fill_left.is_some() || fill_right.is_some();
        if lt != ValueType::InstantVector || rt != ValueType::InstantVector {
            if matching.as_ref().is_some_and(|m| !m.labels.is_empty()) {
                return Err(self.err(span, "vector matching only allowed between instant vectors"));
            }
            if has_fill {
                return Err(self.err(
                    span,
                    "filling in missing series only allowed between instant vectors",
                ));
            }
            // As Prometheus: empty matching clauses mean nothing next to a scalar.
            matching = None;
        } else if op.is_set() && has_fill {
            return Err(self.err(
                span,
                "filling in missing series not allowed for set operators",
            ));
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
                fill_left,
                fill_right,
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
                    kind: ExprKind::Duration(ms),
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
        check_call(func, &args).map_err(|(at, m)| self.err(at.unwrap_or(span), m))?;
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
            if !matches!(self.peek(), Tok::Ident(s) if is_legacy_label_name(s))
                && !matches!(self.peek(), Tok::Str(_))
            {
                return Err(self.unexpected(&ctx, "label name"));
            }
            let t = self.bump();
            let (Tok::Ident(l) | Tok::Str(l)) = t.tok else {
                unreachable!("checked above")
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
        let (without, grouping) = grouping.unwrap_or_default();
        Ok(Expr {
            span,
            kind: ExprKind::Aggregate(Aggregate {
                op,
                expr: Box::new(expr),
                param: param.map(Box::new),
                grouping,
                without,
            }),
        })
    }
}
