//! Calling functions and methods: argument counts, argument evaluation against
//! the parameter types (`evalArg`, `validateType`), the short-circuit `and`
//! and `or`, and errors wrapped as `error calling NAME: …`.

use super::ast::{Arg, At};
use super::exec::{EResult, Fail, MAX_OUTPUT, State};
use super::gotime::Method;
use super::value::{Ty, Value, is_true};
use super::{builtins, funcs};

/// A function from the function map or the builtins.
pub(super) struct Func {
    pub name: &'static str,
    pub params: &'static [Ty],
    /// The element type of a final `...T` parameter.
    pub variadic: Option<Ty>,
    pub call: fn(&mut super::Env, Vec<Value>) -> Result<Value, String>,
}

/// What a command calls.
pub(super) enum Callee {
    /// A function, and whether it is a builtin.
    Func(&'static Func, bool),
    /// A method of a time value, with its receiver.
    Method(Method, Value),
    /// ExpandHTML's `tmpl NAME DATA`.
    Tmpl,
}

const TMPL_PARAMS: &[Ty] = &[Ty::Str, Ty::Any];

impl<'t> State<'t, '_, '_> {
    pub(super) fn eval_function(
        &mut self,
        dot: &Value,
        ident: &'t Arg,
        cmd: At<'t>,
        name: &'t str,
        args: &'t [Arg],
        fin: Option<Value>,
    ) -> EResult<Value> {
        self.at(At::Arg(ident));
        let callee = if self.opts.html && name == "tmpl" {
            Callee::Tmpl
        } else if let Some(f) = funcs::lookup(name) {
            Callee::Func(f, false)
        } else if let Some(f) = builtins::lookup(name) {
            Callee::Func(f, true)
        } else {
            return self.errorf(format!(
                "{} is not a defined function",
                super::strconv::quote(name)
            ));
        };
        self.eval_call(dot, callee, cmd, name, args, fin)
    }

    /// `evalCall`: `args[0]` is the function's own node.
    pub(super) fn eval_call(
        &mut self,
        dot: &Value,
        callee: Callee,
        node: At<'t>,
        name: &str,
        args: &'t [Arg],
        fin: Option<Value>,
    ) -> EResult<Value> {
        let args = args.get(1..).unwrap_or(&[]);
        let (params, variadic, results, builtin) = match &callee {
            Callee::Func(f, b) => (f.params, f.variadic, 1, *b),
            Callee::Method(m, _) => (m.params, None, m.results, false),
            Callee::Tmpl => (TMPL_PARAMS, None, 1, false),
        };
        let num_in = args.len() + usize::from(fin.is_some());
        let mut num_fixed = args.len();
        if variadic.is_some() {
            num_fixed = params.len();
            if num_in < num_fixed {
                return self.errorf(format!(
                    "wrong number of args for {name}: want at least {} got {}",
                    params.len(),
                    args.len()
                ));
            }
        } else if num_in != params.len() {
            return self.errorf(format!(
                "wrong number of args for {name}: want {} got {num_in}",
                params.len()
            ));
        }
        if results != 1 {
            return self.errorf(format!(
                "can't call method/function {} with {results} results",
                super::strconv::quote(name)
            ));
        }
        if builtin && (name == "and" || name == "or") {
            let mut v = Value::Nil;
            for arg in args {
                v = self.eval_arg(dot, Some(Ty::RValue), arg)?;
                if is_true(&v) == (name == "or") {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = self.validate_type(f, Some(Ty::RValue))?;
            }
            return Ok(v);
        }
        let mut argv = Vec::with_capacity(num_in);
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            argv.push(self.eval_arg(dot, Some(params[i]), &args[i])?);
            i += 1;
        }
        if let Some(t) = variadic {
            for arg in &args[i..] {
                argv.push(self.eval_arg(dot, Some(t), arg)?);
            }
        }
        if let Some(f) = fin {
            let t = match variadic {
                Some(elem) if num_in > num_fixed => elem,
                Some(_) => params[num_in - 1],
                None => params[params.len() - 1],
            };
            argv.push(self.validate_type(f, Some(t))?);
        }
        let result = match callee {
            Callee::Func(f, _) => (f.call)(self.env, argv),
            Callee::Method(m, recv) => Ok((m.call)(&recv, &argv)),
            Callee::Tmpl => self.exec_tmpl(argv),
        };
        match result {
            Ok(v) => {
                let len = v.as_str().map_or(0, str::len);
                if len > MAX_OUTPUT {
                    return Err(Fail::Plain("template output too long".into()));
                }
                // Building a string costs a step per 64 bytes.
                self.charge(len as u64 / 64)?;
                Ok(v)
            }
            Err(e) => {
                self.at(node);
                self.errorf(format!("error calling {name}: {e}"))
            }
        }
    }

    /// ExpandHTML's `tmpl`: runs a named template, returns its output as HTML.
    fn exec_tmpl(&mut self, argv: Vec<Value>) -> Result<Value, String> {
        let name = argv[0].as_str().unwrap_or("").to_string();
        let trees = self.trees;
        let Some((key, tree)) = trees.get_key_value(&name) else {
            return Err(format!(
                "html/template: {} is undefined",
                super::strconv::quote(&name)
            ));
        };
        if self.depth >= super::exec::MAX_TEMPLATE_DEPTH {
            return Err(format!(
                "exceeded maximum template depth ({})",
                super::exec::MAX_TEMPLATE_DEPTH
            ));
        }
        let data = argv[1].clone().indirect_interface();
        let saved_out = std::mem::take(&mut self.out);
        let vars = std::mem::replace(&mut self.vars, vec![("$", data.clone())]);
        let (saved_name, saved_node) = (self.tmpl_name, self.node);
        self.tmpl_name = key;
        self.depth += 1;
        // A call through `tmpl` takes about four levels' worth of stack.
        let r = self.nested(|s| s.nested(|s| s.walk_list(&data, &tree.root)));
        self.depth -= 1;
        self.tmpl_name = saved_name;
        self.node = saved_node;
        self.vars = vars;
        let out = std::mem::replace(&mut self.out, saved_out);
        match r {
            Ok(_) => Ok(Value::html(out)),
            Err(e) => Err(e.message()),
        }
    }

    /// `evalArg`: an argument for a parameter of type `typ` (`None`: untyped).
    pub(super) fn eval_arg(&mut self, dot: &Value, typ: Option<Ty>, n: &'t Arg) -> EResult<Value> {
        self.at(At::Arg(n));
        let v = match n {
            Arg::Dot { .. } => dot.clone(),
            Arg::Nil { .. } => {
                return match typ {
                    Some(t) if t.can_be_nil() => Ok(t.zero()),
                    Some(t) => self.errorf(format!("cannot assign nil to {}", t.name())),
                    None => Ok(Value::Nil),
                };
            }
            Arg::Field { ident, .. } => {
                self.eval_field_chain(dot, dot.clone(), At::Arg(n), ident, &[], None)?
            }
            Arg::Variable(_) => self.eval_variable_node(dot, n, &[], None)?,
            Arg::Pipe(p) => self.eval_pipeline(dot, p)?,
            Arg::Identifier { name, .. } => {
                self.eval_function(dot, n, At::Arg(n), name, &[], None)?
            }
            Arg::Chain { .. } => self.eval_chain_node(dot, n, &[], None)?,
            _ => {
                return match typ {
                    Some(Ty::Str) => self.eval_string(n),
                    Some(t @ (Ty::Int | Ty::Duration)) => self.eval_integer(t, n),
                    Some(Ty::Any | Ty::RValue) | None => self.eval_empty_interface(dot, n),
                    Some(t) => {
                        self.errorf(format!("can't handle {n} for arg of type {}", t.name()))
                    }
                };
            }
        };
        self.validate_type(v, typ)
    }

    fn eval_string(&mut self, n: &'t Arg) -> EResult<Value> {
        self.at(At::Arg(n));
        match n {
            Arg::String { text, .. } => Ok(Value::str(text.clone())),
            _ => self.errorf(format!("expected string; found {n}")),
        }
    }

    fn eval_integer(&mut self, t: Ty, n: &'t Arg) -> EResult<Value> {
        self.at(At::Arg(n));
        match n {
            Arg::Number(c) if c.is_int => Ok(if t == Ty::Duration {
                Value::Duration(c.int64)
            } else {
                Value::Int(c.int64)
            }),
            _ => self.errorf(format!("expected integer; found {n}")),
        }
    }

    fn eval_empty_interface(&mut self, dot: &Value, n: &'t Arg) -> EResult<Value> {
        self.at(At::Arg(n));
        match n {
            Arg::Bool { val, .. } => Ok(Value::Bool(*val)),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Number(_) => self.ideal_constant(n),
            Arg::String { text, .. } => Ok(Value::str(text.clone())),
            Arg::Nil { .. } => self.errorf("evalEmptyInterface: nil (can't happen)"),
            _ => self.errorf(format!(
                "can't handle assignment of {n} to empty interface argument"
            )),
        }
    }

    /// `validateType`: the value made to fit the parameter type, or an error.
    pub(super) fn validate_type(&mut self, value: Value, typ: Option<Ty>) -> EResult<Value> {
        let Some(t) = typ else {
            return Ok(value);
        };
        if matches!(value, Value::Nil) {
            if t.can_be_nil() {
                return Ok(t.zero());
            }
            return self.errorf(format!("invalid value; expected {}", t.name()));
        }
        if t.accepts(&value) {
            return Ok(value);
        }
        match (value, t) {
            (Value::TimePtr(x), Ty::Time) => Ok(Value::Time(x)),
            (Value::DurationPtr(x), Ty::Duration) => Ok(Value::Duration(x)),
            (v, t) => self.errorf(format!(
                "wrong type for value; expected {}; got {}",
                t.name(),
                v.type_name()
            )),
        }
    }
}
