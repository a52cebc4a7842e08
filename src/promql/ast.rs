//! The PromQL syntax tree. Every node carries the byte span of its source text.

use crate::tsdb::MatchType;

use super::functions::Function;

/// A byte range `[start, end)` in the query text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// An expression node.
#[derive(Clone, Debug)]
pub struct Expr {
    pub span: Span,
    pub kind: ExprKind,
}

impl Expr {
    /// The direct sub-expressions, in source order.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Matrix { selector, .. } => vec![selector],
            ExprKind::Subquery(sq) => vec![&sq.expr],
            ExprKind::Call { args, .. } => args.iter().collect(),
            ExprKind::Aggregate(a) => a.param.iter().map(|p| &**p).chain([&*a.expr]).collect(),
            ExprKind::Binary(b) => vec![&b.lhs, &b.rhs],
            ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => vec![expr],
            _ => Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Number(f64),
    /// A duration literal used as a number (`5m` is 300): printed back as a duration.
    Duration(i64),
    String(String),
    Vector(VectorSelector),
    /// `selector[range]`; the selector carries offset and `@`.
    Matrix {
        selector: Box<Expr>,
        range: Dur,
    },
    /// `expr[range:step]`, `expr[range:]`.
    Subquery(Subquery),
    Call {
        func: &'static Function,
        args: Vec<Expr>,
    },
    Aggregate(Aggregate),
    Binary(Binary),
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Paren(Box<Expr>),
}

/// `name{matchers} offset d @ t`.
#[derive(Clone, Debug)]
pub struct VectorSelector {
    /// The metric name if given before the braces or as a bare quoted name inside
    /// them (`{"my.metric"}`); `{__name__="x"}` is an ordinary matcher.
    pub name: Option<String>,
    /// All matchers, the name included as an `__name__` equality matcher.
    pub matchers: Vec<LabelMatcher>,
    pub offset: Option<Offset>,
    pub at: Option<At>,
    /// Experimental `anchored` / `smoothed` (Prometheus's extended range selectors).
    pub extended: Option<Extended>,
}

/// Experimental range-selector modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extended {
    Anchored,
    Smoothed,
}

impl Extended {
    pub fn name(self) -> &'static str {
        match self {
            Extended::Anchored => "anchored",
            Extended::Smoothed => "smoothed",
        }
    }

    /// The functions a range selector with this modifier may be passed to.
    pub fn allowed_functions(self) -> &'static [&'static str] {
        match self {
            Extended::Anchored => &["changes", "delta", "increase", "rate", "resets"],
            Extended::Smoothed => &["delta", "increase", "rate"],
        }
    }
}

/// One label matcher as written.
#[derive(Clone, Debug)]
pub struct LabelMatcher {
    pub span: Span,
    pub name: String,
    pub op: MatchType,
    pub value: String,
}

/// `offset 5m` (negative allowed).
#[derive(Clone, Debug)]
pub struct Offset {
    pub span: Span,
    pub value: Dur,
}

/// A duration in a range, subquery step or offset.
#[derive(Clone, Debug)]
pub enum Dur {
    /// A literal (`5m`, `300`, `-1h` for offsets), in milliseconds.
    Ms(i64),
    /// Experimental duration arithmetic (`[1h/2]`, `[step()+1m]`, `offset (2*1m)`),
    /// a scalar expression in seconds.
    Expr(Box<Expr>),
}

/// `@ <timestamp>`, `@ start()`, `@ end()`.
#[derive(Clone, Copy, Debug)]
pub struct At {
    pub span: Span,
    pub value: AtValue,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AtValue {
    /// Unix seconds (millisecond precision).
    Timestamp(f64),
    Start,
    End,
}

#[derive(Clone, Debug)]
pub struct Subquery {
    pub expr: Box<Expr>,
    pub range: Dur,
    pub step: Option<Dur>,
    pub offset: Option<Offset>,
    pub at: Option<At>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggOp {
    Sum,
    Avg,
    Count,
    Min,
    Max,
    Group,
    Stddev,
    Stdvar,
    Topk,
    Bottomk,
    CountValues,
    Quantile,
    Limitk,
    LimitRatio,
}

impl AggOp {
    pub const ALL: [AggOp; 14] = [
        AggOp::Sum,
        AggOp::Avg,
        AggOp::Count,
        AggOp::Min,
        AggOp::Max,
        AggOp::Group,
        AggOp::Stddev,
        AggOp::Stdvar,
        AggOp::Topk,
        AggOp::Bottomk,
        AggOp::CountValues,
        AggOp::Quantile,
        AggOp::Limitk,
        AggOp::LimitRatio,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AggOp::Sum => "sum",
            AggOp::Avg => "avg",
            AggOp::Count => "count",
            AggOp::Min => "min",
            AggOp::Max => "max",
            AggOp::Group => "group",
            AggOp::Stddev => "stddev",
            AggOp::Stdvar => "stdvar",
            AggOp::Topk => "topk",
            AggOp::Bottomk => "bottomk",
            AggOp::CountValues => "count_values",
            AggOp::Quantile => "quantile",
            AggOp::Limitk => "limitk",
            AggOp::LimitRatio => "limit_ratio",
        }
    }

    /// Case-insensitive, as Prometheus's keywords.
    pub fn from_name(s: &str) -> Option<AggOp> {
        AggOp::ALL
            .into_iter()
            .find(|op| op.name().eq_ignore_ascii_case(s))
    }

    /// Whether the operator takes a parameter before the expression.
    pub fn has_param(self) -> bool {
        matches!(
            self,
            AggOp::Topk
                | AggOp::Bottomk
                | AggOp::CountValues
                | AggOp::Quantile
                | AggOp::Limitk
                | AggOp::LimitRatio
        )
    }
}

#[derive(Clone, Debug)]
pub struct Aggregate {
    pub op: AggOp,
    pub expr: Box<Expr>,
    pub param: Option<Box<Expr>>,
    pub grouping: Vec<String>,
    /// `without (...)` rather than `by (...)`.
    pub without: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Atan2,
    /// `</` (native histograms: keep the part below the bound).
    TrimUpper,
    /// `>/` (native histograms: keep the part above the bound).
    TrimLower,
    Eql,
    Neq,
    Lss,
    Lte,
    Gtr,
    Gte,
    And,
    Or,
    Unless,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Pow => "^",
            BinOp::Atan2 => "atan2",
            BinOp::TrimUpper => "</",
            BinOp::TrimLower => ">/",
            BinOp::Eql => "==",
            BinOp::Neq => "!=",
            BinOp::Lss => "<",
            BinOp::Lte => "<=",
            BinOp::Gtr => ">",
            BinOp::Gte => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Unless => "unless",
        }
    }

    /// Binding strength, higher binds tighter (unary sits between 5 and 6).
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And | BinOp::Unless => 2,
            BinOp::Eql | BinOp::Neq | BinOp::Lss | BinOp::Lte | BinOp::Gtr | BinOp::Gte => 3,
            BinOp::Add | BinOp::Sub => 4,
            BinOp::Mul
            | BinOp::Div
            | BinOp::Mod
            | BinOp::Atan2
            | BinOp::TrimUpper
            | BinOp::TrimLower => 5,
            BinOp::Pow => 7,
        }
    }

    pub fn is_comparison(self) -> bool {
        self.precedence() == 3
    }

    pub fn is_set(self) -> bool {
        matches!(self, BinOp::And | BinOp::Or | BinOp::Unless)
    }
}

#[derive(Clone, Debug)]
pub struct Binary {
    pub op: BinOp,
    pub lhs: Box<Expr>,
    pub rhs: Box<Expr>,
    pub return_bool: bool,
    pub matching: Option<VectorMatching>,
    /// Experimental `fill_left(v)`: the value for series missing on the left.
    pub fill_left: Option<f64>,
    /// Experimental `fill_right(v)`: the value for series missing on the right.
    pub fill_right: Option<f64>,
}

/// `on(...)`/`ignoring(...)` and `group_left(...)`/`group_right(...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct VectorMatching {
    /// `on` rather than `ignoring`.
    pub on: bool,
    pub labels: Vec<String>,
    pub group: Option<Group>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// `group_left` rather than `group_right`.
    pub left: bool,
    pub labels: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Pos,
}

impl Expr {
    /// Every span in the tree set to zero: for comparing trees by structure.
    pub fn without_spans(&self) -> Expr {
        let mut e = self.clone();
        e.clear_spans();
        e
    }

    fn clear_spans(&mut self) {
        self.span = Span::default();
        match &mut self.kind {
            ExprKind::Number(_) | ExprKind::Duration(_) | ExprKind::String(_) => {}
            ExprKind::Vector(vs) => {
                for m in &mut vs.matchers {
                    m.span = Span::default();
                }
                crate::sort::sort_by(&mut vs.matchers[..], |a, b| {
                    (&a.name, a.op.operator(), &a.value).cmp(&(&b.name, b.op.operator(), &b.value))
                });
                if let Some(o) = &mut vs.offset {
                    o.span = Span::default();
                    o.value.clear_spans();
                }
                if let Some(a) = &mut vs.at {
                    a.span = Span::default();
                }
            }
            ExprKind::Matrix { selector, range } => {
                selector.clear_spans();
                range.clear_spans();
            }
            ExprKind::Subquery(sq) => {
                sq.expr.clear_spans();
                sq.range.clear_spans();
                if let Some(s) = &mut sq.step {
                    s.clear_spans();
                }
                if let Some(o) = &mut sq.offset {
                    o.span = Span::default();
                    o.value.clear_spans();
                }
                if let Some(a) = &mut sq.at {
                    a.span = Span::default();
                }
            }
            ExprKind::Call { args, .. } => args.iter_mut().for_each(Expr::clear_spans),
            ExprKind::Aggregate(a) => {
                a.expr.clear_spans();
                if let Some(p) = &mut a.param {
                    p.clear_spans();
                }
            }
            ExprKind::Binary(b) => {
                b.lhs.clear_spans();
                b.rhs.clear_spans();
            }
            ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => expr.clear_spans(),
        }
    }

    /// Structural equality ignoring spans and the order of label matchers (NaN equals NaN).
    pub fn same_as(&self, other: &Expr) -> bool {
        format!("{:?}", self.without_spans()) == format!("{:?}", other.without_spans())
    }
}

impl Dur {
    fn clear_spans(&mut self) {
        if let Dur::Expr(e) = self {
            e.clear_spans();
        }
    }
}
