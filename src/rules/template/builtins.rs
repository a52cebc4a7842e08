//! text/template's predefined functions (funcs.go): `and or not len index
//! slice eq ne lt le gt ge html js urlquery print printf println call`, with
//! Go's error texts (`error calling index: index out of range: 5`).

use super::Env;
use super::call::Func;
use super::fmt::{sprint, sprintf, sprintln};
use super::netutil::query_escape;
use super::strconv::is_print;
use super::value::{Kind, Ty, Value, is_true, sample_struct};

type R = Result<Value, String>;

static BUILTINS: &[Func] = &[
    Func {
        name: "and",
        params: &[Ty::RValue],
        variadic: Some(Ty::RValue),
        call: unreachable_fn,
    },
    Func {
        name: "or",
        params: &[Ty::RValue],
        variadic: Some(Ty::RValue),
        call: unreachable_fn,
    },
    Func {
        name: "call",
        params: &[Ty::RValue],
        variadic: Some(Ty::RValue),
        call,
    },
    Func {
        name: "html",
        params: &[],
        variadic: Some(Ty::Any),
        call: |_, a| Ok(Value::str(html_escape(&eval_args(a)))),
    },
    Func {
        name: "index",
        params: &[Ty::RValue],
        variadic: Some(Ty::RValue),
        call: index,
    },
    Func {
        name: "slice",
        params: &[Ty::RValue],
        variadic: Some(Ty::RValue),
        call: slice,
    },
    Func {
        name: "js",
        params: &[],
        variadic: Some(Ty::Any),
        call: |_, a| Ok(Value::str(js_escape(&eval_args(a)))),
    },
    Func {
        name: "len",
        params: &[Ty::RValue],
        variadic: None,
        call: length,
    },
    Func {
        name: "not",
        params: &[Ty::RValue],
        variadic: None,
        call: |_, a| Ok(Value::Bool(!is_true(&a[0]))),
    },
    Func {
        name: "print",
        params: &[],
        variadic: Some(Ty::Any),
        call: |_, a| Ok(Value::str(sprint(&a))),
    },
    Func {
        name: "printf",
        params: &[Ty::Str],
        variadic: Some(Ty::Any),
        call: printf,
    },
    Func {
        name: "println",
        params: &[],
        variadic: Some(Ty::Any),
        call: |_, a| Ok(Value::str(sprintln(&a))),
    },
    Func {
        name: "urlquery",
        params: &[],
        variadic: Some(Ty::Any),
        call: |_, a| Ok(Value::str(query_escape(&eval_args(a)))),
    },
    Func {
        name: "eq",
        params: &[Ty::RValue],
        variadic: Some(Ty::RValue),
        call: |_, a| eq(&a[0], &a[1..]).map(Value::Bool),
    },
    Func {
        name: "ge",
        params: &[Ty::RValue, Ty::RValue],
        variadic: None,
        call: |_, a| lt(&a[0], &a[1]).map(|t| Value::Bool(!t)),
    },
    Func {
        name: "gt",
        params: &[Ty::RValue, Ty::RValue],
        variadic: None,
        call: |_, a| le(&a[0], &a[1]).map(|t| Value::Bool(!t)),
    },
    Func {
        name: "le",
        params: &[Ty::RValue, Ty::RValue],
        variadic: None,
        call: |_, a| le(&a[0], &a[1]).map(Value::Bool),
    },
    Func {
        name: "lt",
        params: &[Ty::RValue, Ty::RValue],
        variadic: None,
        call: |_, a| lt(&a[0], &a[1]).map(Value::Bool),
    },
    Func {
        name: "ne",
        params: &[Ty::RValue, Ty::RValue],
        variadic: None,
        call: |_, a| eq(&a[0], &a[1..]).map(|t| Value::Bool(!t)),
    },
];

/// The builtin called `name`.
pub(super) fn lookup(name: &str) -> Option<&'static Func> {
    BUILTINS.iter().find(|f| f.name == name)
}

/// `and` and `or` short-circuit in the executor and are never called.
fn unreachable_fn(_: &mut Env, _: Vec<Value>) -> R {
    Err("unreachable".into())
}

fn printf(_: &mut Env, a: Vec<Value>) -> R {
    let format = a[0].as_str().unwrap_or("").to_string();
    Ok(Value::str(sprintf(&format, &a[1..])))
}

/// `evalArgs`: one string as is, else `fmt.Sprint` of the printable values.
fn eval_args(mut args: Vec<Value>) -> String {
    if let [Value::String(s)] = args.as_slice() {
        return s.to_string();
    }
    for a in &mut args {
        *a = match std::mem::replace(a, Value::Nil) {
            Value::Nil | Value::NilIface => Value::str("<no value>"),
            Value::Sample(Some(s)) => sample_struct(&s),
            Value::TimePtr(t) => Value::Time(t),
            Value::DurationPtr(d) => Value::Duration(d),
            v => v,
        };
    }
    sprint(&args)
}

/// text/template's `HTMLEscapeString`.
pub(super) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{fffd}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// html/template's escaper for HTML text (it also escapes `+`).
pub(super) fn html_template_escape(s: &str) -> String {
    html_escape(s).replace('+', "&#43;")
}

/// `JSEscapeString`.
fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if c < ' ' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if c.is_ascii() || is_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out
}

fn call(_: &mut Env, a: Vec<Value>) -> R {
    match a[0].clone().indirect_interface() {
        Value::Nil => Err("call of nil".into()),
        v => Err(format!("non-function of type {}", v.type_name())),
    }
}

/// `len`.
fn length(_: &mut Env, a: Vec<Value>) -> R {
    match a[0].clone().indirect() {
        Err(_) => Err("len of nil pointer".into()),
        Ok(Value::Nil) => Err("reflect: call of reflect.Value.Type on zero Value".into()),
        Ok(v) => match v.len() {
            Some(n) => Ok(Value::Int(n as i64)),
            None => Err(format!("len of type {}", v.type_name())),
        },
    }
}

/// `indexArg`: an index within `0..=cap`.
fn index_arg(index: &Value, cap: usize) -> Result<usize, String> {
    let x = match (index.as_int(), index.as_uint(), index) {
        (Some(i), _, _) => i,
        (_, Some(u), _) => u as i64,
        (_, _, Value::Nil) => return Err("cannot index slice/array with nil".into()),
        (_, _, v) => {
            return Err(format!(
                "cannot index slice/array with type {}",
                v.type_name()
            ));
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(_: &mut Env, a: Vec<Value>) -> R {
    let mut item = a[0].clone().indirect_interface();
    if matches!(item, Value::Nil) {
        return Err("index of untyped nil".into());
    }
    for index in &a[1..] {
        let index = index.clone().indirect_interface();
        item = match item.indirect() {
            Err(_) => return Err("index of nil pointer".into()),
            Ok(v) => v,
        };
        item = match &item {
            Value::String(s) | Value::Html(s) => {
                let x = index_arg(&index, s.len())?;
                Value::Byte(
                    *s.as_bytes()
                        .get(x)
                        .ok_or("reflect: string index out of range")?,
                )
            }
            Value::List(l) => {
                let x = index_arg(&index, l.len())?;
                l.get(x)
                    .cloned()
                    .ok_or("reflect: slice index out of range")?
            }
            Value::QueryResult(q) => {
                let x = index_arg(&index, q.borrow().len())?;
                let s = q.borrow().get(x).cloned();
                Value::Sample(Some(s.ok_or("reflect: slice index out of range")?))
            }
            Value::Map(_) | Value::AnyMap(_) => {
                let key = match &index {
                    Value::String(k) => k.to_string(),
                    Value::Nil => return Err("value is nil; should be of type string".into()),
                    v => {
                        return Err(format!(
                            "value has type {}; should be string",
                            v.type_name()
                        ));
                    }
                };
                match &item {
                    Value::Map(m) => Value::str(
                        m.iter()
                            .find(|(k, _)| *k == key)
                            .map(|(_, v)| v.clone())
                            .unwrap_or_default(),
                    ),
                    Value::AnyMap(m) => m
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map_or(Value::NilIface, |(_, v)| v.clone()),
                    _ => Value::Nil,
                }
            }
            v => return Err(format!("can't index item of type {}", v.type_name())),
        };
    }
    Ok(item)
}

fn slice(_: &mut Env, a: Vec<Value>) -> R {
    let item = a[0].clone().indirect_interface();
    if matches!(item, Value::Nil) {
        return Err("slice of untyped nil".into());
    }
    let indexes = &a[1..];
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match &item {
        Value::String(s) | Value::Html(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        Value::List(_) | Value::QueryResult(_) => item.len().unwrap_or(0),
        v => return Err(format!("can't slice item of type {}", v.type_name())),
    };
    let mut idx = [0, len, 0];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(&index.clone().indirect_interface(), len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    let (i, j) = (idx[0], idx[1]);
    Ok(match item {
        Value::String(s) => Value::str(String::from_utf8_lossy(&s.as_bytes()[i..j]).into_owned()),
        Value::Html(s) => Value::html(String::from_utf8_lossy(&s.as_bytes()[i..j]).into_owned()),
        Value::List(l) => Value::list(l[i..j].to_vec()),
        Value::QueryResult(q) => {
            let v = q.borrow()[i..j].to_vec();
            Value::QueryResult(std::rc::Rc::new(std::cell::RefCell::new(v)))
        }
        v => v,
    })
}

#[derive(PartialEq, Clone, Copy)]
enum BasicKind {
    Invalid,
    Bool,
    Complex,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: &Value) -> BasicKind {
    match v.kind() {
        Kind::Bool => BasicKind::Bool,
        Kind::Int => BasicKind::Int,
        Kind::Uint => BasicKind::Uint,
        Kind::Float => BasicKind::Float,
        Kind::Complex => BasicKind::Complex,
        Kind::String => BasicKind::String,
        _ => BasicKind::Invalid,
    }
}

const BAD_TYPE: &str = "invalid type for comparison";
const BAD_COMPARISON: &str = "incompatible types for comparison";

fn is_nil(v: &Value) -> bool {
    matches!(v, Value::Nil | Value::NilIface | Value::Sample(None))
}

fn comparable(v: &Value) -> bool {
    !matches!(v.kind(), Kind::Map | Kind::Slice) && !matches!(v, Value::Struct(_))
}

/// `==` of two values of the same non-basic kind.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Sample(Some(x)), Value::Sample(Some(y))) => std::rc::Rc::ptr_eq(x, y),
        (Value::TimePtr(x), Value::TimePtr(y)) | (Value::Time(x), Value::Time(y)) => x == y,
        (Value::DurationPtr(x), Value::DurationPtr(y)) => x == y,
        (Value::Histogram(x), Value::Histogram(y)) => std::sync::Arc::ptr_eq(x, y),
        _ => false,
    }
}

/// `eq arg1 arg2…`: whether arg1 equals any of the others.
fn eq(arg1: &Value, rest: &[Value]) -> Result<bool, String> {
    let arg1 = arg1.clone().indirect_interface();
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(&arg1);
    for arg in rest {
        let arg = arg.clone().indirect_interface();
        let k2 = basic_kind(&arg);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (BasicKind::Int, BasicKind::Uint) => {
                    let i = arg1.as_int().unwrap_or(0);
                    i >= 0 && i as u64 == arg.as_uint().unwrap_or(0)
                }
                (BasicKind::Uint, BasicKind::Int) => {
                    let i = arg.as_int().unwrap_or(0);
                    i >= 0 && arg1.as_uint().unwrap_or(0) == i as u64
                }
                _ if !matches!(arg1, Value::Nil) && !matches!(arg, Value::Nil) => {
                    return Err(BAD_COMPARISON.into());
                }
                _ => false,
            }
        } else {
            match k1 {
                BasicKind::Bool => {
                    matches!((&arg1, &arg), (Value::Bool(a), Value::Bool(b)) if a == b)
                }
                BasicKind::Complex => {
                    matches!((&arg1, &arg), (Value::Complex(a, b), Value::Complex(c, d)) if a == c && b == d)
                }
                BasicKind::Float => {
                    matches!((&arg1, &arg), (Value::Float(a), Value::Float(b)) if a == b)
                }
                BasicKind::Int => arg1.as_int() == arg.as_int(),
                BasicKind::Uint => arg1.as_uint() == arg.as_uint(),
                BasicKind::String => arg1.as_str() == arg.as_str(),
                BasicKind::Invalid => {
                    let (ka, kb) = (arg1.kind(), arg.kind());
                    if ka != kb && ka != Kind::Invalid && kb != Kind::Invalid {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            sprintf("%s", std::slice::from_ref(&arg1)),
                            arg1.type_name(),
                            arg.type_name(),
                            sprintf("%v", std::slice::from_ref(&arg))
                        ));
                    }
                    if is_nil(&arg1) || is_nil(&arg) {
                        is_nil(&arg) == is_nil(&arg1)
                    } else if !comparable(&arg) {
                        return Err(format!(
                            "non-comparable type {}: {}",
                            sprintf("%s", std::slice::from_ref(&arg)),
                            arg.type_name()
                        ));
                    } else {
                        same(&arg1, &arg)
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `lt`.
fn lt(arg1: &Value, arg2: &Value) -> Result<bool, String> {
    let (a, b) = (
        arg1.clone().indirect_interface(),
        arg2.clone().indirect_interface(),
    );
    let (k1, k2) = (basic_kind(&a), basic_kind(&b));
    if k1 == BasicKind::Invalid || k2 == BasicKind::Invalid {
        return Err(BAD_TYPE.into());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (BasicKind::Int, BasicKind::Uint) => {
                let i = a.as_int().unwrap_or(0);
                Ok(i < 0 || (i as u64) < b.as_uint().unwrap_or(0))
            }
            (BasicKind::Uint, BasicKind::Int) => {
                let i = b.as_int().unwrap_or(0);
                Ok(i >= 0 && a.as_uint().unwrap_or(0) < i as u64)
            }
            _ => Err(BAD_COMPARISON.into()),
        };
    }
    Ok(match (k1, &a, &b) {
        (BasicKind::Float, Value::Float(x), Value::Float(y)) => x < y,
        (BasicKind::Int, ..) => a.as_int() < b.as_int(),
        (BasicKind::Uint, ..) => a.as_uint() < b.as_uint(),
        (BasicKind::String, ..) => a.as_str() < b.as_str(),
        _ => return Err(BAD_TYPE.into()),
    })
}

/// `le`: `lt`, or else `eq`.
fn le(arg1: &Value, arg2: &Value) -> Result<bool, String> {
    if lt(arg1, arg2)? {
        return Ok(true);
    }
    eq(arg1, std::slice::from_ref(arg2))
}
