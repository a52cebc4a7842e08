//! The Go values templates see, with just enough of Go's type system to name
//! types in error messages (`can't evaluate field X in type map[string]string`)
//! and to apply text/template's assignability rules to function arguments.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use crate::histogram::FloatHistogram;

/// One element of a `query` result: Prometheus's `*template.sample`, with the
/// fields `.Labels` (a `map[string]string`) and `.Value` (a `float64`, or a
/// `*histogram.FloatHistogram` for a native histogram, as Prometheus 3).
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Label pairs sorted by name, as Go prints and ranges over maps.
    pub labels: Vec<(String, String)>,
    pub value: f64,
    pub histogram: Option<Arc<FloatHistogram>>,
}

/// A Go struct: exported fields in declaration order. The alert template data
/// (`.Labels`, `.ExternalLabels`, `.ExternalURL`, `.Value`) is one.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Go's name of the type, e.g. `struct { Labels map[string]string; … }`.
    pub type_name: String,
    pub fields: Vec<(String, Value)>,
}

/// The shared contents of a `map[string]interface {}`.
pub(super) type AnyMapRc = Rc<Vec<(String, Value)>>;

/// A Go value as templates see it.
///
/// Containers are reference-counted so that passing them around is cheap, and
/// query results share their backing array the way Go slices do (`sortByLabel`
/// sorts in place, so a variable holding the same result sees the new order).
#[derive(Debug, Clone)]
pub enum Value {
    /// No value at all: Go's invalid `reflect.Value` (missing data, untyped nil).
    Nil,
    /// The zero value of `interface {}` (a nil stored in a `map[string]interface {}`).
    NilIface,
    Bool(bool),
    /// Go `int` (what number literals become).
    Int(i64),
    Int64(i64),
    /// Go `uint`.
    Uint(u64),
    Uint64(u64),
    /// Go `uint8`, what `index` of a string gives.
    Byte(u8),
    Float(f64),
    /// Go `complex128` (real, imaginary).
    Complex(f64, f64),
    String(Rc<str>),
    /// `html/template.HTML`, what `safeHtml` returns.
    Html(Rc<str>),
    /// Go `map[string]string`, sorted by key.
    Map(Rc<Vec<(String, String)>>),
    /// Go `map[string]interface {}` (what `args` builds), sorted by key.
    AnyMap(Rc<Vec<(String, Value)>>),
    /// A Go slice; its type is `[]T` when every element has type `T`, else
    /// `[]interface {}`.
    List(Rc<Vec<Value>>),
    /// `template.queryResult`, a slice of `*template.sample`.
    QueryResult(Rc<RefCell<Vec<Rc<Sample>>>>),
    /// `*template.sample` (`None` is a nil pointer).
    Sample(Option<Rc<Sample>>),
    Struct(Rc<Struct>),
    /// `time.Time` in UTC, as nanoseconds since the Unix epoch.
    Time(i128),
    /// `*time.Time` (what `toTime` returns).
    TimePtr(i128),
    /// `time.Duration` in nanoseconds.
    Duration(i64),
    /// `*time.Duration` (what `toDuration` returns).
    DurationPtr(i64),
    /// `time.Month` (1 = January).
    Month(i64),
    /// `time.Weekday` (0 = Sunday).
    Weekday(i64),
    /// `*histogram.FloatHistogram`: a native histogram's `.Value` (prints as
    /// its `String()`; fields `Count`, `Sum`, `ZeroCount`, `ZeroThreshold`).
    Histogram(Arc<FloatHistogram>),
}

/// Go's `reflect.Kind`, reduced to what templates distinguish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Invalid,
    Interface,
    Bool,
    Int,
    Uint,
    Float,
    Complex,
    String,
    Map,
    Slice,
    Ptr,
    Struct,
}

impl Value {
    /// A `map[string]string` from any pairs (sorted here, last duplicate wins).
    pub fn map<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Value {
        let mut v: Vec<(String, String)> = Vec::new();
        for (k, val) in pairs {
            let k = k.into();
            match v.iter_mut().find(|(key, _)| *key == k) {
                Some(slot) => slot.1 = val.into(),
                None => v.push((k, val.into())),
            }
        }
        // Keys are unique here, so sorting whole pairs orders by key, with the
        // comparator the other sorts of string pairs use (one sort's code for all).
        crate::sort::sort(&mut v[..]);
        Value::Map(Rc::new(v))
    }

    /// A `map[string]interface {}` from any pairs (sorted here).
    pub fn any_map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        let mut v: Vec<(String, Value)> = pairs.into_iter().map(|(k, x)| (k.into(), x)).collect();
        crate::sort::sort_by(&mut v[..], |a, b| a.0.cmp(&b.0));
        v.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                std::mem::swap(later, earlier);
            }
            same
        });
        Value::AnyMap(Rc::new(v))
    }

    /// A slice of the given values.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(items))
    }

    /// A `string`.
    pub fn str(s: impl Into<Rc<str>>) -> Value {
        Value::String(s.into())
    }

    /// An `html/template.HTML`.
    pub fn html(s: impl Into<Rc<str>>) -> Value {
        Value::Html(s.into())
    }

    /// A `template.queryResult` from `(labels, value)` pairs, in the given order.
    pub fn query_result(samples: Vec<(Vec<(String, String)>, f64)>) -> Value {
        Value::query_result_samples(samples.into_iter().map(|(l, v)| (l, v, None)).collect())
    }

    /// A `template.queryResult` whose samples may be native histograms.
    pub fn query_result_samples(samples: Vec<super::QuerySample>) -> Value {
        let v = samples
            .into_iter()
            .map(|(mut labels, value, histogram)| {
                // A label set's names are unique: whole pairs sort by name.
                crate::sort::sort(&mut labels[..]);
                labels.dedup_by(|b, a| a.0 == b.0);
                Rc::new(Sample {
                    labels,
                    value,
                    histogram,
                })
            })
            .collect();
        Value::QueryResult(Rc::new(RefCell::new(v)))
    }

    pub(super) fn kind(&self) -> Kind {
        match self {
            Value::Nil => Kind::Invalid,
            Value::NilIface => Kind::Interface,
            Value::Bool(_) => Kind::Bool,
            Value::Int(_)
            | Value::Int64(_)
            | Value::Duration(_)
            | Value::Month(_)
            | Value::Weekday(_) => Kind::Int,
            Value::Uint(_) | Value::Uint64(_) | Value::Byte(_) => Kind::Uint,
            Value::Float(_) => Kind::Float,
            Value::Complex(..) => Kind::Complex,
            Value::String(_) | Value::Html(_) => Kind::String,
            Value::Map(_) | Value::AnyMap(_) => Kind::Map,
            Value::List(_) | Value::QueryResult(_) => Kind::Slice,
            Value::Sample(_) | Value::TimePtr(_) | Value::DurationPtr(_) | Value::Histogram(_) => {
                Kind::Ptr
            }
            Value::Struct(_) | Value::Time(_) => Kind::Struct,
        }
    }

    /// Go's name of the value's type (`reflect.Type.String`).
    pub(super) fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::NilIface => "interface {}".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Uint(_) => "uint".into(),
            Value::Uint64(_) => "uint64".into(),
            Value::Byte(_) => "uint8".into(),
            Value::Float(_) => "float64".into(),
            Value::Complex(..) => "complex128".into(),
            Value::String(_) => "string".into(),
            Value::Html(_) => "template.HTML".into(),
            Value::Map(_) => "map[string]string".into(),
            Value::AnyMap(_) => "map[string]interface {}".into(),
            Value::List(items) => format!("[]{}", list_elem_type(items)),
            Value::QueryResult(_) => "template.queryResult".into(),
            Value::Sample(_) => "*template.sample".into(),
            Value::Struct(s) => s.type_name.clone(),
            Value::Time(_) => "time.Time".into(),
            Value::TimePtr(_) => "*time.Time".into(),
            Value::Duration(_) => "time.Duration".into(),
            Value::DurationPtr(_) => "*time.Duration".into(),
            Value::Month(_) => "time.Month".into(),
            Value::Weekday(_) => "time.Weekday".into(),
            Value::Histogram(_) => "*histogram.FloatHistogram".into(),
        }
    }

    /// Length of strings, maps and slices.
    pub(super) fn len(&self) -> Option<usize> {
        Some(match self {
            Value::String(s) | Value::Html(s) => s.len(),
            Value::Map(m) => m.len(),
            Value::AnyMap(m) => m.len(),
            Value::List(l) => l.len(),
            Value::QueryResult(q) => q.borrow().len(),
            _ => return None,
        })
    }

    /// `indirectInterface`: a nil interface is no value at all.
    pub(super) fn indirect_interface(self) -> Value {
        match self {
            Value::NilIface => Value::Nil,
            v => v,
        }
    }

    /// `indirect`: follows pointers; `Err` holds a nil pointer or interface.
    pub(super) fn indirect(self) -> Result<Value, Value> {
        match self {
            Value::Sample(Some(s)) => Ok(sample_struct(&s)),
            Value::Sample(None) | Value::NilIface => Err(self),
            Value::TimePtr(t) => Ok(Value::Time(t)),
            Value::DurationPtr(d) => Ok(Value::Duration(d)),
            Value::Histogram(h) => Ok(histogram_struct(&h)),
            v => Ok(v),
        }
    }

    /// The signed integer of int-kinded values.
    pub(super) fn as_int(&self) -> Option<i64> {
        match *self {
            Value::Int(i)
            | Value::Int64(i)
            | Value::Duration(i)
            | Value::Month(i)
            | Value::Weekday(i) => Some(i),
            _ => None,
        }
    }

    /// The unsigned integer of uint-kinded values.
    pub(super) fn as_uint(&self) -> Option<u64> {
        match *self {
            Value::Uint(u) | Value::Uint64(u) => Some(u),
            Value::Byte(b) => Some(u64::from(b)),
            _ => None,
        }
    }

    /// The text of string-kinded values.
    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) | Value::Html(s) => Some(s.as_ref()),
            _ => None,
        }
    }
}

/// The struct a `*template.sample` points to.
pub(super) fn sample_struct(s: &Sample) -> Value {
    Value::Struct(Rc::new(Struct {
        type_name: "template.sample".into(),
        fields: vec![
            ("Labels".into(), Value::Map(Rc::new(s.labels.clone()))),
            ("Value".into(), sample_value(s)),
        ],
    }))
}

/// A sample's `.Value`: its float, or its histogram.
pub(super) fn sample_value(s: &Sample) -> Value {
    match &s.histogram {
        Some(h) => Value::Histogram(h.clone()),
        None => Value::Float(s.value),
    }
}

/// What a `*histogram.FloatHistogram` points to, as far as templates reach
/// into it: its scalar fields (spans and buckets are left out).
pub(super) fn histogram_struct(h: &FloatHistogram) -> Value {
    Value::Struct(Rc::new(Struct {
        type_name: "histogram.FloatHistogram".into(),
        fields: vec![
            ("ZeroThreshold".into(), Value::Float(h.zero_threshold)),
            ("ZeroCount".into(), Value::Float(h.zero_count)),
            ("Count".into(), Value::Float(h.count)),
            ("Sum".into(), Value::Float(h.sum)),
        ],
    }))
}

/// The element type of a slice literal: common to all elements, or `interface {}`.
fn list_elem_type(items: &[Value]) -> String {
    let mut names = items.iter().map(|v| match v {
        Value::Nil | Value::NilIface => "interface {}".to_string(),
        v => v.type_name(),
    });
    let Some(first) = names.next() else {
        return "interface {}".into();
    };
    if names.all(|n| n == first) {
        first
    } else {
        "interface {}".into()
    }
}

/// Whether a slice's elements are interface values (printed `<nil>` when nil,
/// named `interface {}` in `%#v`).
pub(super) fn list_is_iface(items: &[Value]) -> bool {
    list_elem_type(items) == "interface {}"
}

/// text/template's notion of truth (`isTrue`): false for zero values.
pub(super) fn is_true(v: &Value) -> bool {
    match v {
        Value::Nil | Value::NilIface => false,
        Value::Bool(b) => *b,
        Value::Float(f) => *f != 0.0,
        Value::Complex(r, i) => *r != 0.0 || *i != 0.0,
        Value::Sample(s) => s.is_some(),
        Value::TimePtr(_)
        | Value::DurationPtr(_)
        | Value::Struct(_)
        | Value::Time(_)
        | Value::Histogram(_) => true,
        v => match (v.as_int(), v.as_uint(), v.len()) {
            (Some(i), _, _) => i != 0,
            (_, Some(u), _) => u != 0,
            (_, _, Some(n)) => n > 0,
            _ => false,
        },
    }
}

/// 2^63, the first float beyond int64.
pub(super) const TWO63: f64 = (1u64 << 63) as f64;

/// Go's `int64(f)` on amd64: out-of-range and NaN give the "integer
/// indefinite" value, math.MinInt64 (Prometheus's tests pin this).
pub(super) fn f64_to_i64(f: f64) -> i64 {
    if !(-TWO63..TWO63).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// Go's `uint64(f)` on amd64 (values at or above 2^63 go through a subtraction).
pub(super) fn f64_to_u64(f: f64) -> u64 {
    if f < TWO63 {
        f64_to_i64(f) as u64
    } else {
        (f64_to_i64(f - TWO63) as u64) ^ (1 << 63)
    }
}

/// The Go type of a function or method parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ty {
    /// `interface {}`.
    Any,
    /// `reflect.Value`: the builtins see arguments untouched.
    RValue,
    Str,
    Int,
    Duration,
    Time,
    QueryResult,
    SamplePtr,
}

impl Ty {
    pub(super) fn name(self) -> &'static str {
        match self {
            Ty::Any => "interface {}",
            Ty::RValue => "reflect.Value",
            Ty::Str => "string",
            Ty::Int => "int",
            Ty::Duration => "time.Duration",
            Ty::Time => "time.Time",
            Ty::QueryResult => "template.queryResult",
            Ty::SamplePtr => "*template.sample",
        }
    }

    /// `canBeNil`: whether an untyped nil converts to the type.
    pub(super) fn can_be_nil(self) -> bool {
        matches!(self, Ty::Any | Ty::RValue | Ty::QueryResult | Ty::SamplePtr)
    }

    /// `reflect.Zero` of the nillable types.
    pub(super) fn zero(self) -> Value {
        match self {
            Ty::Any => Value::NilIface,
            Ty::QueryResult => Value::QueryResult(Rc::new(RefCell::new(Vec::new()))),
            Ty::SamplePtr => Value::Sample(None),
            _ => Value::Nil,
        }
    }

    /// `AssignableTo` for a concrete value.
    pub(super) fn accepts(self, v: &Value) -> bool {
        match self {
            Ty::Any | Ty::RValue => true,
            Ty::Str => matches!(v, Value::String(_)),
            Ty::Int => matches!(v, Value::Int(_)),
            Ty::Duration => matches!(v, Value::Duration(_)),
            Ty::Time => matches!(v, Value::Time(_)),
            Ty::QueryResult => matches!(v, Value::QueryResult(_)),
            Ty::SamplePtr => matches!(v, Value::Sample(_)),
        }
    }
}
