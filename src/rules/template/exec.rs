//! text/template's executor: walks the tree, evaluates pipelines, and reports
//! errors as Go does, `template: NAME:LINE:COL: executing "NAME" at <NODE>: …`,
//! where NODE is the node Go's `state.at` last recorded (so the same calls to
//! `at` happen here in the same order).

use std::collections::HashMap;

use super::ast::{Arg, At, BranchNode, ListNode, Node, PipeNode};
use super::fmt::sprint1;
use super::parse::Tree;
use super::strconv::quote;
use super::value::{Value, is_true};
use super::{Env, MissingKey};

/// Largest output (and largest string a function may build), in bytes.
pub(super) const MAX_OUTPUT: usize = 1 << 20;
/// Most evaluation steps (nodes walked, commands run, loop iterations).
pub(super) const MAX_STEPS: u64 = 2_000_000;
/// Deepest `{{template}}` nesting (Go allows 100000, but its stacks grow).
pub(super) const MAX_TEMPLATE_DEPTH: usize = 100;
/// Deepest nesting of bodies and pipelines across template calls: bounds the
/// stack (about 2 KiB a level in release builds; the browser's is 1 MiB).
pub(super) const MAX_NEST: usize = 300;

/// Why execution stopped.
#[derive(Debug)]
pub(super) enum Fail {
    /// An `ExecError`: the full `template: …` message.
    Exec(String),
    /// Not tied to a node: output too long, too many steps.
    Plain(String),
}

impl Fail {
    pub(super) fn message(self) -> String {
        match self {
            Fail::Exec(s) | Fail::Plain(s) => s,
        }
    }
}

pub(super) type EResult<T> = Result<T, Fail>;

/// How a walk ended: normally, or at `{{break}}` / `{{continue}}`.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Flow {
    Normal,
    Break,
    Continue,
}

/// Execution options (`Option("missingkey=…")`, HTML mode).
#[derive(Clone, Copy)]
pub(super) struct Options {
    pub missing_key: MissingKey,
    pub html: bool,
}

pub(super) struct State<'t, 'e, 'q> {
    pub trees: &'t HashMap<String, Tree>,
    pub text: &'t str,
    pub parse_name: &'t str,
    pub tmpl_name: &'t str,
    pub node: Option<At<'t>>,
    pub vars: Vec<(&'t str, Value)>,
    pub depth: usize,
    pub nest: usize,
    pub steps: u64,
    pub out: String,
    pub opts: Options,
    pub env: &'e mut Env<'q>,
}

impl<'t> State<'t, '_, '_> {
    pub(super) fn at(&mut self, at: At<'t>) {
        self.node = Some(at);
    }

    /// `state.errorf`: an error at the current node.
    pub(super) fn errorf<T>(&self, msg: impl Into<String>) -> EResult<T> {
        let msg = msg.into();
        let Some(node) = self.node else {
            return Err(Fail::Exec(format!("template: {}: {msg}", self.tmpl_name)));
        };
        let pos = node.pos().min(self.text.len());
        let before = &self.text.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        Err(Fail::Exec(format!(
            "template: {}:{line}:{col}: executing {} at <{node}>: {msg}",
            self.parse_name,
            quote(self.tmpl_name)
        )))
    }

    pub(super) fn step(&mut self) -> EResult<()> {
        self.charge(1)
    }

    /// Spends `n` steps of the budget (functions' work counts too).
    pub(super) fn charge(&mut self, n: u64) -> EResult<()> {
        self.steps += n;
        if self.steps + self.env.cost > MAX_STEPS {
            return Err(Fail::Plain(format!(
                "template execution exceeded {MAX_STEPS} steps"
            )));
        }
        Ok(())
    }

    pub(super) fn write(&mut self, s: &str) -> EResult<()> {
        if self.out.len() + s.len() > MAX_OUTPUT {
            return Err(Fail::Plain("template output too long".into()));
        }
        self.out.push_str(s);
        Ok(())
    }

    fn set_var(&mut self, name: &str, value: Value) -> EResult<()> {
        match self.vars.iter_mut().rev().find(|(n, _)| *n == name) {
            Some(slot) => {
                slot.1 = value;
                Ok(())
            }
            None => self.errorf(format!("undefined variable: {name}")),
        }
    }

    fn set_top_var(&mut self, n: usize, value: Value) {
        let len = self.vars.len();
        if let Some(slot) = len.checked_sub(n).and_then(|i| self.vars.get_mut(i)) {
            slot.1 = value;
        }
    }

    pub(super) fn var_value(&self, name: &str) -> EResult<Value> {
        match self.vars.iter().rev().find(|(n, _)| *n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => self.errorf(format!("undefined variable: {name}")),
        }
    }

    /// Runs `f` one nesting level deeper, if the stack budget allows.
    pub(super) fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> EResult<T>) -> EResult<T> {
        if self.nest >= MAX_NEST {
            return self.errorf(format!("exceeded maximum nesting depth ({MAX_NEST})"));
        }
        self.nest += 1;
        let r = f(self);
        self.nest -= 1;
        r
    }

    pub(super) fn walk_list(&mut self, dot: &Value, list: &'t ListNode) -> EResult<Flow> {
        self.nested(|s| {
            s.at(At::List(list));
            for node in &list.nodes {
                let flow = s.walk(dot, node)?;
                if flow != Flow::Normal {
                    return Ok(flow);
                }
            }
            Ok(Flow::Normal)
        })
    }

    fn walk(&mut self, dot: &Value, node: &'t Node) -> EResult<Flow> {
        self.step()?;
        self.at(At::Node(node));
        match node {
            Node::Action { pipe, .. } => {
                let val = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.print_value(node, val)?;
                }
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
            Node::If(b) => return self.walk_if_or_with(false, dot, b),
            Node::With(b) => return self.walk_if_or_with(true, dot, b),
            Node::Range(b) => return self.walk_range(dot, node, b),
            Node::Template { name, pipe, .. } => {
                self.walk_template(dot, node, name, pipe.as_ref())?
            }
            Node::Text { text, .. } => self.write(text)?,
        }
        Ok(Flow::Normal)
    }

    fn walk_if_or_with(&mut self, with: bool, dot: &Value, b: &'t BranchNode) -> EResult<Flow> {
        let mark = self.vars.len();
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let flow = if is_true(&val) {
            self.walk_list(if with { &val } else { dot }, &b.list)?
        } else if let Some(e) = &b.else_list {
            self.walk_list(dot, e)?
        } else {
            Flow::Normal
        };
        self.vars.truncate(mark);
        Ok(flow)
    }

    /// One pass of a range body, with the loop variables set.
    fn iteration(
        &mut self,
        b: &'t BranchNode,
        mark: usize,
        index: Value,
        elem: Value,
    ) -> EResult<bool> {
        self.step()?;
        let decl = &b.pipe.decl;
        if !decl.is_empty() {
            if b.pipe.is_assign {
                if decl.len() > 1 {
                    self.set_var(&decl[0].ident[0], index.clone())?;
                } else {
                    self.set_var(&decl[0].ident[0], elem.clone())?;
                }
            } else {
                self.set_top_var(1, elem.clone());
            }
        }
        if decl.len() > 1 {
            if b.pipe.is_assign {
                self.set_var(&decl[1].ident[0], elem.clone())?;
            } else {
                self.set_top_var(2, index);
            }
        }
        let flow = self.walk_list(&elem, &b.list)?;
        self.vars.truncate(mark);
        Ok(flow != Flow::Break)
    }

    fn walk_range(&mut self, dot: &Value, node: &'t Node, b: &'t BranchNode) -> EResult<Flow> {
        self.at(At::Node(node));
        let mark0 = self.vars.len();
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let val = match val.indirect() {
            Ok(v) | Err(v) => v,
        };
        let mark = self.vars.len();
        let mut empty = true;
        match &val {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    empty = false;
                    if !self.iteration(b, mark, Value::Int(i as i64), item.clone())? {
                        break;
                    }
                }
            }
            Value::QueryResult(q) => {
                let n = q.borrow().len();
                for i in 0..n {
                    empty = false;
                    let Some(s) = q.borrow().get(i).cloned() else {
                        break;
                    };
                    if !self.iteration(b, mark, Value::Int(i as i64), Value::Sample(Some(s)))? {
                        break;
                    }
                }
            }
            Value::Map(m) => {
                for (k, v) in m.iter() {
                    empty = false;
                    if !self.iteration(b, mark, Value::str(k.clone()), Value::str(v.clone()))? {
                        break;
                    }
                }
            }
            Value::AnyMap(m) => {
                for (k, v) in m.iter() {
                    empty = false;
                    if !self.iteration(b, mark, Value::str(k.clone()), v.clone())? {
                        break;
                    }
                }
            }
            Value::Nil => {}
            v => return self.errorf(format!("range can't iterate over {}", sprint1(v))),
        }
        if empty && let Some(e) = &b.else_list {
            self.walk_list(dot, e)?;
        }
        self.vars.truncate(mark0);
        Ok(Flow::Normal)
    }

    fn walk_template(
        &mut self,
        dot: &Value,
        node: &'t Node,
        name: &'t str,
        pipe: Option<&'t PipeNode>,
    ) -> EResult<()> {
        self.at(At::Node(node));
        let Some(tree) = self.trees.get(name) else {
            return self.errorf(format!("template {} not defined", quote(name)));
        };
        if self.depth >= MAX_TEMPLATE_DEPTH {
            return self.errorf(format!(
                "exceeded maximum template depth ({MAX_TEMPLATE_DEPTH})"
            ));
        }
        let dot = match pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Value::Nil,
        };
        let vars = std::mem::replace(&mut self.vars, vec![("$", dot.clone())]);
        let (saved_name, saved_node) = (self.tmpl_name, self.node);
        self.tmpl_name = name;
        self.depth += 1;
        // A template call takes about two levels' worth of stack.
        let r = self.nested(|s| s.walk_list(&dot, &tree.root));
        self.depth -= 1;
        self.tmpl_name = saved_name;
        self.node = saved_node;
        self.vars = vars;
        r.map(|_| ())
    }

    /// `evalPipeline`: runs the commands, feeding each result to the next.
    pub(super) fn eval_pipeline(&mut self, dot: &Value, pipe: &'t PipeNode) -> EResult<Value> {
        self.nested(|s| s.eval_pipeline_body(dot, pipe))
    }

    fn eval_pipeline_body(&mut self, dot: &Value, pipe: &'t PipeNode) -> EResult<Value> {
        self.at(At::Pipe(pipe));
        let mut value: Option<Value> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            // An interface value is replaced by what it holds.
            value = Some(v.indirect_interface());
        }
        let value = value.unwrap_or(Value::Nil);
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(&var.ident[0], value.clone())?;
            } else {
                self.vars.push((&var.ident[0], value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &'t [Arg], has_final: bool) -> EResult<()> {
        if args.len() > 1 || has_final {
            return self.errorf(format!("can't give argument to non-function {}", args[0]));
        }
        Ok(())
    }

    fn eval_command(
        &mut self,
        dot: &Value,
        cmd: &'t super::ast::CommandNode,
        fin: Option<Value>,
    ) -> EResult<Value> {
        self.step()?;
        let first = &cmd.args[0];
        match first {
            Arg::Field { ident, .. } => {
                self.at(At::Arg(first));
                return self.eval_field_chain(
                    dot,
                    dot.clone(),
                    At::Arg(first),
                    ident,
                    &cmd.args,
                    fin,
                );
            }
            Arg::Chain { .. } => return self.eval_chain_node(dot, first, &cmd.args, fin),
            Arg::Identifier { name, .. } => {
                return self.eval_function(dot, first, At::Cmd(cmd), name, &cmd.args, fin);
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, fin.is_some())?;
                return self.eval_pipeline(dot, p);
            }
            Arg::Variable(_) => return self.eval_variable_node(dot, first, &cmd.args, fin),
            _ => {}
        }
        self.at(At::Arg(first));
        self.not_a_function(&cmd.args, fin.is_some())?;
        match first {
            Arg::Bool { val, .. } => Ok(Value::Bool(*val)),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Nil { .. } => self.errorf("nil is not a command"),
            Arg::Number(_) => self.ideal_constant(first),
            Arg::String { text, .. } => Ok(Value::str(text.clone())),
            _ => self.errorf(format!(
                "can't evaluate command {}",
                quote(&first.to_string())
            )),
        }
    }

    /// A number literal where no type is known: Go's rules for constants.
    pub(super) fn ideal_constant(&mut self, n: &'t Arg) -> EResult<Value> {
        self.at(At::Arg(n));
        let Arg::Number(c) = n else {
            return Ok(Value::Nil);
        };
        let t = &c.text;
        let hex_int = t.len() > 2
            && t.starts_with('0')
            && matches!(t.as_bytes()[1], b'x' | b'X')
            && !t.contains(['p', 'P']);
        if c.is_complex {
            Ok(Value::Complex(c.complex.0, c.complex.1))
        } else if c.is_float
            && !hex_int
            && !t.starts_with('\'')
            && t.contains(['.', 'e', 'E', 'p', 'P'])
        {
            Ok(Value::Float(c.float64))
        } else if c.is_int {
            Ok(Value::Int(c.int64))
        } else if c.is_uint {
            self.errorf(format!("{t} overflows int"))
        } else {
            Ok(Value::Nil)
        }
    }

    pub(super) fn eval_chain_node(
        &mut self,
        dot: &Value,
        chain: &'t Arg,
        args: &'t [Arg],
        fin: Option<Value>,
    ) -> EResult<Value> {
        self.at(At::Arg(chain));
        let Arg::Chain { node, field, .. } = chain else {
            return Ok(Value::Nil);
        };
        if matches!(node.as_ref(), Arg::Nil { .. }) {
            return self.errorf(format!("indirection through explicit nil in {chain}"));
        }
        let pipe = self.eval_arg(dot, None, node)?;
        self.eval_field_chain(dot, pipe, At::Arg(chain), field, args, fin)
    }

    pub(super) fn eval_variable_node(
        &mut self,
        dot: &Value,
        var: &'t Arg,
        args: &'t [Arg],
        fin: Option<Value>,
    ) -> EResult<Value> {
        self.at(At::Arg(var));
        let Arg::Variable(v) = var else {
            return Ok(Value::Nil);
        };
        let value = self.var_value(&v.ident[0])?;
        if v.ident.len() == 1 {
            self.not_a_function(args, fin.is_some())?;
            return Ok(value);
        }
        self.eval_field_chain(dot, value, At::Arg(var), &v.ident[1..], args, fin)
    }

    pub(super) fn eval_field_chain(
        &mut self,
        dot: &Value,
        mut receiver: Value,
        node: At<'t>,
        ident: &'t [String],
        args: &'t [Arg],
        fin: Option<Value>,
    ) -> EResult<Value> {
        let n = ident.len();
        for name in &ident[..n - 1] {
            receiver = self.eval_field(dot, name, node, &[], None, receiver)?;
        }
        self.eval_field(dot, &ident[n - 1], node, args, fin, receiver)
    }

    /// `.Name` of a value: a method, a struct field or a map key.
    fn eval_field(
        &mut self,
        dot: &Value,
        name: &'t str,
        node: At<'t>,
        args: &'t [Arg],
        fin: Option<Value>,
        receiver: Value,
    ) -> EResult<Value> {
        if matches!(receiver, Value::Nil) {
            if self.opts.missing_key == MissingKey::Error {
                return self.errorf(format!("nil data; no entry for key {}", quote(name)));
            }
            return Ok(Value::Nil);
        }
        let typ = receiver.type_name();
        let receiver = match receiver.indirect() {
            Ok(v) => v,
            Err(Value::NilIface) => {
                return self.errorf(format!("nil pointer evaluating {typ}.{name}"));
            }
            Err(v) => v,
        };
        if let Some(m) = super::gotime::method(&receiver, name) {
            return self.eval_call(
                dot,
                super::call::Callee::Method(m, receiver),
                node,
                name,
                args,
                fin,
            );
        }
        let has_args = args.len() > 1 || fin.is_some();
        match &receiver {
            Value::Struct(s) => {
                if let Some((_, v)) = s.fields.iter().find(|(f, _)| f == name) {
                    if !name.starts_with(|c: char| c.is_uppercase()) {
                        return self.errorf(format!(
                            "{name} is an unexported field of struct type {typ}"
                        ));
                    }
                    if has_args {
                        return self.errorf(format!(
                            "{name} has arguments but cannot be invoked as function"
                        ));
                    }
                    return Ok(v.clone());
                }
            }
            Value::Map(_) | Value::AnyMap(_) => {
                if has_args {
                    return self.errorf(format!("{name} is not a method but has arguments"));
                }
                let found = match &receiver {
                    Value::Map(m) => m
                        .iter()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| Value::str(v.clone())),
                    Value::AnyMap(m) => m.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
                    _ => None,
                };
                return match (found, self.opts.missing_key) {
                    (Some(v), _) => Ok(v),
                    (None, MissingKey::Invalid) => Ok(Value::Nil),
                    (None, MissingKey::Zero) => Ok(if matches!(receiver, Value::Map(_)) {
                        Value::str(String::new())
                    } else {
                        Value::NilIface
                    }),
                    (None, MissingKey::Error) => {
                        self.errorf(format!("map has no entry for key {}", quote(name)))
                    }
                };
            }
            Value::Sample(None) if name == "Labels" || name == "Value" => {
                return self.errorf(format!("nil pointer evaluating {typ}.{name}"));
            }
            _ => {}
        }
        self.errorf(format!("can't evaluate field {name} in type {typ}"))
    }

    /// Prints an action's value (`printValue`, or html/template's escaper).
    fn print_value(&mut self, node: &'t Node, v: Value) -> EResult<()> {
        self.at(At::Node(node));
        let s = if self.opts.html {
            match v {
                Value::Nil | Value::NilIface => String::new(),
                Value::Html(s) => s.to_string(),
                Value::String(s) => super::builtins::html_template_escape(&s),
                v => super::builtins::html_template_escape(&printable(v)),
            }
        } else {
            printable(v)
        };
        self.write(&s)
    }
}

/// `printableValue` then `fmt.Sprint`: pointers are followed, no value is `<no value>`.
pub(super) fn printable(v: Value) -> String {
    match v {
        Value::Nil => "<no value>".into(),
        Value::Sample(Some(s)) => sprint1(&super::value::sample_struct(&s)),
        Value::TimePtr(t) => sprint1(&Value::Time(t)),
        Value::DurationPtr(d) => sprint1(&Value::Duration(d)),
        // The pointer's `String()`.
        Value::Histogram(h) => h.to_string(),
        v => sprint1(&v),
    }
}
