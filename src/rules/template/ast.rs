//! The parse tree of text/template/parse, with byte positions (error messages
//! report `line:column` of a node) and Go's `String` forms (error messages
//! quote the node as `<.Labels.foo>`).

use std::fmt::{self, Display, Formatter};

use super::strconv::quote;

#[derive(Debug)]
pub(super) struct ListNode {
    pub pos: usize,
    pub nodes: Vec<Node>,
}

#[derive(Debug)]
pub(super) enum Node {
    Text {
        pos: usize,
        text: String,
    },
    Action {
        pos: usize,
        pipe: PipeNode,
    },
    If(Box<BranchNode>),
    Range(Box<BranchNode>),
    With(Box<BranchNode>),
    Template {
        pos: usize,
        name: String,
        pipe: Option<PipeNode>,
    },
    Break {
        pos: usize,
    },
    Continue {
        pos: usize,
    },
}

/// `{{if}}`, `{{range}}` and `{{with}}`.
#[derive(Debug)]
pub(super) struct BranchNode {
    pub pos: usize,
    pub pipe: PipeNode,
    pub list: ListNode,
    pub else_list: Option<ListNode>,
}

#[derive(Debug)]
pub(super) struct PipeNode {
    pub pos: usize,
    pub is_assign: bool,
    pub decl: Vec<VariableNode>,
    pub cmds: Vec<CommandNode>,
}

#[derive(Debug)]
pub(super) struct VariableNode {
    pub pos: usize,
    /// The variable name (with `$`) and the fields after it.
    pub ident: Vec<String>,
}

#[derive(Debug)]
pub(super) struct CommandNode {
    pub pos: usize,
    pub args: Vec<Arg>,
}

#[derive(Debug)]
pub(super) struct NumberNode {
    pub pos: usize,
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub is_complex: bool,
    pub int64: i64,
    pub uint64: u64,
    pub float64: f64,
    pub complex: (f64, f64),
    pub text: String,
}

/// The operands of a command.
#[derive(Debug)]
pub(super) enum Arg {
    Field {
        pos: usize,
        ident: Vec<String>,
    },
    Chain {
        pos: usize,
        node: Box<Arg>,
        field: Vec<String>,
    },
    Identifier {
        pos: usize,
        name: String,
    },
    Variable(VariableNode),
    Dot {
        pos: usize,
    },
    Nil {
        pos: usize,
    },
    Bool {
        pos: usize,
        val: bool,
    },
    Number(Box<NumberNode>),
    String {
        pos: usize,
        quoted: String,
        text: String,
    },
    Pipe(Box<PipeNode>),
}

impl Arg {
    pub(super) fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Identifier { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Bool { pos, .. }
            | Arg::String { pos, .. } => *pos,
            Arg::Variable(v) => v.pos,
            Arg::Number(n) => n.pos,
            Arg::Pipe(p) => p.pos,
        }
    }

    /// Literals cannot be later stages of a pipeline.
    pub(super) fn is_literal(&self) -> bool {
        matches!(
            self,
            Arg::Bool { .. }
                | Arg::Dot { .. }
                | Arg::Nil { .. }
                | Arg::Number(_)
                | Arg::String { .. }
        )
    }
}

impl Node {
    pub(super) fn pos(&self) -> usize {
        match self {
            Node::Text { pos, .. }
            | Node::Action { pos, .. }
            | Node::Template { pos, .. }
            | Node::Break { pos }
            | Node::Continue { pos } => *pos,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.pos,
        }
    }
}

/// Any node an execution error can point at.
#[derive(Clone, Copy)]
pub(super) enum At<'a> {
    Node(&'a Node),
    List(&'a ListNode),
    Pipe(&'a PipeNode),
    Cmd(&'a CommandNode),
    Arg(&'a Arg),
}

impl At<'_> {
    pub(super) fn pos(&self) -> usize {
        match self {
            At::Node(n) => n.pos(),
            At::List(l) => l.pos,
            At::Pipe(p) => p.pos,
            At::Cmd(c) => c.pos,
            At::Arg(a) => a.pos(),
        }
    }
}

impl Display for At<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            At::Node(n) => n.fmt(f),
            At::List(l) => l.fmt(f),
            At::Pipe(p) => p.fmt(f),
            At::Cmd(c) => c.fmt(f),
            At::Arg(a) => a.fmt(f),
        }
    }
}

impl Display for ListNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.nodes.iter().try_for_each(|n| n.fmt(f))
    }
}

impl Display for Node {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Node::Text { text, .. } => f.write_str(text),
            Node::Action { pipe, .. } => write!(f, "{{{{{pipe}}}}}"),
            Node::If(b) => b.write("if", f),
            Node::Range(b) => b.write("range", f),
            Node::With(b) => b.write("with", f),
            Node::Template { name, pipe, .. } => {
                write!(f, "{{{{template {}", quote(name))?;
                if let Some(p) = pipe {
                    write!(f, " {p}")?;
                }
                f.write_str("}}")
            }
            Node::Break { .. } => f.write_str("{{break}}"),
            Node::Continue { .. } => f.write_str("{{continue}}"),
        }
    }
}

impl BranchNode {
    fn write(&self, name: &str, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{{{{{name} {}}}}}{}", self.pipe, self.list)?;
        if let Some(e) = &self.else_list {
            write!(f, "{{{{else}}}}{e}")?;
        }
        f.write_str("{{end}}")
    }
}

impl Display for PipeNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                v.fmt(f)?;
            }
            f.write_str(" := ")?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            c.fmt(f)?;
        }
        Ok(())
    }
}

impl Display for VariableNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ident.join("."))
    }
}

impl Display for CommandNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            match a {
                Arg::Pipe(p) => write!(f, "({p})")?,
                a => a.fmt(f)?,
            }
        }
        Ok(())
    }
}

impl Display for Arg {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field { ident, .. } => ident.iter().try_for_each(|i| write!(f, ".{i}")),
            Arg::Chain { node, field, .. } => {
                match node.as_ref() {
                    Arg::Pipe(p) => write!(f, "({p})")?,
                    n => n.fmt(f)?,
                }
                field.iter().try_for_each(|i| write!(f, ".{i}"))
            }
            Arg::Identifier { name, .. } => f.write_str(name),
            Arg::Variable(v) => v.fmt(f),
            Arg::Dot { .. } => f.write_str("."),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Bool { val, .. } => f.write_str(if *val { "true" } else { "false" }),
            Arg::Number(n) => f.write_str(&n.text),
            Arg::String { quoted, .. } => f.write_str(quoted),
            Arg::Pipe(p) => p.fmt(f),
        }
    }
}
