//! Go's `fmt` (Go 1.19) over template values: `Sprint`, `Sprintln` and
//! `Sprintf` with flags, width, precision, argument indexes and Go's
//! `%!verb(type=value)` error notation. Pointers print as made-up addresses in
//! Go's heap range (Go's real ones differ from run to run anyway).

use super::gotime;
use super::value::{Value, list_is_iface, sample_struct};

/// Values nested deeper than this print as `...` (Go has no limit; ours keeps
/// the stack bounded for hostile data).
const MAX_DEPTH: usize = 100;

#[derive(Clone, Copy, Default)]
pub(super) struct Flags {
    pub(super) wid_present: bool,
    pub(super) prec_present: bool,
    pub(super) minus: bool,
    pub(super) plus: bool,
    pub(super) sharp: bool,
    pub(super) space: bool,
    pub(super) zero: bool,
    pub(super) plus_v: bool,
    pub(super) sharp_v: bool,
    pub(super) wid: i64,
    pub(super) prec: i64,
}

pub(super) struct Printer {
    pub(super) buf: String,
    pub(super) f: Flags,
    pub(super) erroring: bool,
    pub(super) reordered: bool,
    pub(super) good_arg_num: bool,
}

/// `fmt.Sprint`: spaces between operands when neither is a string.
pub(super) fn sprint(args: &[Value]) -> String {
    let mut p = Printer::new();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::String(_) | Value::Html(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.buf
}

/// `fmt.Sprintln`.
pub(super) fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::new();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
    }
    p.buf.push('\n');
    p.buf
}

/// `fmt.Sprint(v)` of one value (what `%v` of a value prints).
pub(super) fn sprint1(v: &Value) -> String {
    sprint(std::slice::from_ref(v))
}

/// `fmt.Sprintf`.
pub(super) fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::new();
    p.do_printf(format, args);
    p.buf
}

/// A Go-looking heap address for a reference.
fn fake_addr<T: ?Sized>(p: *const T) -> u64 {
    0xc0_0000_0000 | ((p as *const u8 as usize as u64) & 0xf_ffff_fff0)
}

pub(super) fn addr_of(v: &Value) -> Option<u64> {
    Some(match v {
        Value::Map(m) => fake_addr(std::rc::Rc::as_ptr(m)),
        Value::AnyMap(m) => fake_addr(std::rc::Rc::as_ptr(m)),
        Value::List(l) => fake_addr(std::rc::Rc::as_ptr(l)),
        Value::QueryResult(q) => fake_addr(std::rc::Rc::as_ptr(q)),
        Value::Sample(Some(s)) => fake_addr(std::rc::Rc::as_ptr(s)),
        Value::Sample(None) => 0,
        Value::Histogram(h) => fake_addr(std::sync::Arc::as_ptr(h)),
        Value::TimePtr(t) => 0xc0_0001_0000 | ((*t as u64) & 0xfff0),
        Value::DurationPtr(d) => 0xc0_0002_0000 | ((*d as u64) & 0xfff0),
        _ => return None,
    })
}

impl Printer {
    fn new() -> Printer {
        Printer {
            buf: String::new(),
            f: Flags::default(),
            erroring: false,
            reordered: false,
            good_arg_num: true,
        }
    }

    pub(super) fn bad_verb(&mut self, verb: char, value: Option<&Value>) {
        self.erroring = true;
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        match value {
            Some(v) if !matches!(v, Value::Nil | Value::NilIface) => {
                self.buf.push_str(&v.type_name());
                self.buf.push('=');
                self.print_value(v, 'v', 0);
            }
            _ => self.buf.push_str("<nil>"),
        }
        self.buf.push(')');
        self.erroring = false;
    }

    pub(super) fn fmt_pointer(&mut self, value: &Value, verb: char) {
        let Some(u) = addr_of(value) else {
            self.bad_verb(verb, Some(value));
            return;
        };
        match verb {
            'v' if self.f.sharp_v => {
                self.buf.push('(');
                self.buf.push_str(&value.type_name());
                self.buf.push_str(")(");
                if u == 0 {
                    self.buf.push_str("nil");
                } else {
                    self.fmt_0x64(u, true);
                }
                self.buf.push(')');
            }
            'v' if u == 0 => self.pad("<nil>"),
            'v' | 'p' => self.fmt_0x64(u, !self.f.sharp),
            'b' | 'o' | 'd' | 'x' | 'X' => self.fmt_integer(u, false, verb, value),
            _ => self.bad_verb(verb, Some(value)),
        }
    }

    /// The `String()`/`GoString()` of values that have one.
    pub(super) fn handle_methods(&mut self, v: &Value, verb: char) -> bool {
        if self.erroring {
            return false;
        }
        if self.f.sharp_v {
            if let Value::Time(t) | Value::TimePtr(t) = v {
                let s = gotime::time_gostring(*t);
                self.fmt_s(&s);
                return true;
            }
            return false;
        }
        if !matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') {
            return false;
        }
        let s = match v {
            Value::Time(t) | Value::TimePtr(t) => gotime::time_string(*t),
            Value::Duration(d) | Value::DurationPtr(d) => gotime::duration_string(*d),
            Value::Month(m) => gotime::month_string(*m),
            Value::Weekday(d) => gotime::weekday_string(*d),
            Value::Histogram(h) => h.to_string(),
            _ => return false,
        };
        self.fmt_string(&s, verb, v);
        true
    }

    pub(super) fn print_arg(&mut self, arg: &Value, verb: char) {
        if matches!(arg, Value::Nil | Value::NilIface) {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(verb, None),
            }
            return;
        }
        match verb {
            'T' => {
                let t = arg.type_name();
                self.fmt_s(&t);
                return;
            }
            'p' => {
                self.fmt_pointer(arg, 'p');
                return;
            }
            _ => {}
        }
        match arg {
            Value::Bool(b) => self.fmt_bool(*b, verb, arg),
            Value::Float(f) => self.fmt_float(*f, verb, arg),
            Value::Complex(r, i) => self.fmt_complex(*r, *i, verb, arg),
            Value::Int(i) | Value::Int64(i) => self.fmt_integer(*i as u64, true, verb, arg),
            Value::Uint(u) | Value::Uint64(u) => self.fmt_integer(*u, false, verb, arg),
            Value::Byte(b) => self.fmt_integer(u64::from(*b), false, verb, arg),
            Value::String(s) => self.fmt_string(s, verb, arg),
            _ => {
                if !self.handle_methods(arg, verb) {
                    self.print_value(arg, verb, 0);
                }
            }
        }
    }

    pub(super) fn sep(&mut self) {
        if self.f.sharp_v {
            self.buf.push_str(", ");
        } else {
            self.buf.push(' ');
        }
    }

    /// An element of an interface-typed container: nil prints `<nil>`.
    pub(super) fn print_iface(&mut self, v: &Value, verb: char, depth: usize) {
        match v {
            Value::Nil | Value::NilIface if self.f.sharp_v => {
                self.buf.push_str("interface {}(nil)")
            }
            Value::Nil | Value::NilIface => self.buf.push_str("<nil>"),
            v => self.print_value(v, verb, depth + 1),
        }
    }

    pub(super) fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        if depth > MAX_DEPTH {
            self.buf.push_str("...");
            return;
        }
        if depth > 0 && !matches!(v, Value::Nil) && self.handle_methods(v, verb) {
            return;
        }
        match v {
            Value::Nil => {
                if depth == 0 {
                    self.buf.push_str("<invalid reflect.Value>");
                } else if verb == 'v' {
                    self.buf.push_str("<nil>");
                } else {
                    self.bad_verb(verb, None);
                }
            }
            Value::NilIface => self.print_iface(v, verb, depth),
            Value::Bool(b) => self.fmt_bool(*b, verb, v),
            Value::Float(f) => self.fmt_float(*f, verb, v),
            Value::Complex(r, i) => self.fmt_complex(*r, *i, verb, v),
            Value::String(s) | Value::Html(s) => self.fmt_string(s, verb, v),
            Value::Map(m) => {
                self.map_open(v);
                for (i, (k, val)) in m.iter().enumerate() {
                    if i > 0 {
                        self.sep();
                    }
                    self.fmt_string(k, verb, &Value::str(k.clone()));
                    self.buf.push(':');
                    self.fmt_string(val, verb, &Value::str(val.clone()));
                }
                self.map_close();
            }
            Value::AnyMap(m) => {
                self.map_open(v);
                for (i, (k, val)) in m.iter().enumerate() {
                    if i > 0 {
                        self.sep();
                    }
                    self.fmt_string(k, verb, &Value::str(k.clone()));
                    self.buf.push(':');
                    self.print_iface(val, verb, depth + 1);
                }
                self.map_close();
            }
            Value::Struct(s) => {
                if self.f.sharp_v {
                    self.buf.push_str(&s.type_name);
                }
                self.buf.push('{');
                for (i, (name, field)) in s.fields.iter().enumerate() {
                    if i > 0 {
                        self.sep();
                    }
                    if self.f.plus_v || self.f.sharp_v {
                        self.buf.push_str(name);
                        self.buf.push(':');
                    }
                    self.print_value(field, verb, depth + 1);
                }
                self.buf.push('}');
            }
            Value::Time(t) => {
                // time.Time's fields: wall (nanoseconds), ext (seconds since
                // year 1), loc (nil for UTC).
                let secs = t.div_euclid(1_000_000_000);
                let fields = [
                    ("wall", Value::Uint64(t.rem_euclid(1_000_000_000) as u64)),
                    ("ext", Value::Int64((secs + 62_135_596_800) as i64)),
                ];
                if self.f.sharp_v {
                    self.buf.push_str("time.Time");
                }
                self.buf.push('{');
                for (i, (name, field)) in fields.iter().enumerate() {
                    if i > 0 {
                        self.sep();
                    }
                    if self.f.plus_v || self.f.sharp_v {
                        self.buf.push_str(name);
                        self.buf.push(':');
                    }
                    self.print_value(field, verb, depth + 1);
                }
                self.sep();
                if self.f.plus_v || self.f.sharp_v {
                    self.buf.push_str("loc:");
                }
                if self.f.sharp_v {
                    self.buf.push_str("(*time.Location)(nil)");
                } else if verb == 'v' || verb == 'p' {
                    self.buf.push_str("<nil>");
                } else {
                    self.fmt_integer(0, false, verb, &Value::Uint64(0));
                }
                self.buf.push('}');
            }
            Value::List(items) => {
                let iface = list_is_iface(items);
                self.list_open(v);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.sep_list();
                    }
                    if iface {
                        self.print_iface(item, verb, depth + 1);
                    } else {
                        self.print_value(item, verb, depth + 1);
                    }
                }
                self.list_close();
            }
            Value::QueryResult(q) => {
                let items: Vec<Value> = q
                    .borrow()
                    .iter()
                    .map(|s| Value::Sample(Some(s.clone())))
                    .collect();
                self.list_open(v);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.sep_list();
                    }
                    self.print_value(item, verb, depth + 1);
                }
                self.list_close();
            }
            Value::Sample(Some(s)) if depth == 0 => {
                self.buf.push('&');
                self.print_value(&sample_struct(s), verb, depth + 1);
            }
            Value::TimePtr(t) if depth == 0 => {
                self.buf.push('&');
                self.print_value(&Value::Time(*t), verb, depth + 1);
            }
            Value::Sample(_) | Value::TimePtr(_) | Value::DurationPtr(_) | Value::Histogram(_) => {
                self.fmt_pointer(v, verb)
            }
            v => match (v.as_int(), v.as_uint()) {
                (Some(i), _) => self.fmt_integer(i as u64, true, verb, v),
                (_, Some(u)) => self.fmt_integer(u, false, verb, v),
                _ => self.buf.push('?'),
            },
        }
    }

    pub(super) fn map_open(&mut self, v: &Value) {
        if self.f.sharp_v {
            self.buf.push_str(&v.type_name());
            self.buf.push('{');
        } else {
            self.buf.push_str("map[");
        }
    }

    pub(super) fn map_close(&mut self) {
        self.buf.push(if self.f.sharp_v { '}' } else { ']' });
    }

    pub(super) fn list_open(&mut self, v: &Value) {
        if self.f.sharp_v {
            self.buf.push_str(&v.type_name());
            self.buf.push('{');
        } else {
            self.buf.push('[');
        }
    }

    pub(super) fn sep_list(&mut self) {
        self.sep();
    }

    pub(super) fn list_close(&mut self) {
        self.map_close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(format: &str, args: &[Value]) -> String {
        sprintf(format, args)
    }

    #[test]
    fn verbs() {
        assert_eq!(f("%0.2f", &[Value::Float(3720.01)]), "3720.01");
        assert_eq!(
            f(
                "%5.1f|%-6d|%06d",
                &[Value::Float(2.25), Value::Int(42), Value::Int(-42)]
            ),
            "  2.2|42    |-00042"
        );
        assert_eq!(
            f(
                "%x %X %o %b %#x %#o",
                &[
                    Value::Int(255),
                    Value::Int(255),
                    Value::Int(8),
                    Value::Int(5),
                    Value::Int(255),
                    Value::Int(8)
                ]
            ),
            "ff FF 10 101 0xff 010"
        );
        assert_eq!(
            f(
                "%q %v %s",
                &[Value::str("a\"b"), Value::Float(1e6), Value::str("x")]
            ),
            "\"a\\\"b\" 1e+06 x"
        );
        assert_eq!(
            f("%d %s", &[Value::str("x"), Value::Int(1)]),
            "%!d(string=x) %!s(int=1)"
        );
        assert_eq!(f("%d", &[]), "%!d(MISSING)");
        assert_eq!(
            f("%d", &[Value::Int(1), Value::str("y")]),
            "1%!(EXTRA string=y)"
        );
        assert_eq!(
            f(
                "%g %g %g %e",
                &[
                    Value::Float(0.001),
                    Value::Float(1e-5),
                    Value::Float(100000.0),
                    Value::Float(1234.5678)
                ]
            ),
            "0.001 1e-05 100000 1.234568e+03"
        );
        assert_eq!(f("%v %d", &[Value::Nil, Value::Nil]), "<nil> %!d(<nil>)");
        assert_eq!(f("%[2]d %[1]d", &[Value::Int(1), Value::Int(2)]), "2 1");
        assert_eq!(
            f(
                "%*d|%.*f",
                &[
                    Value::Int(4),
                    Value::Int(7),
                    Value::Int(1),
                    Value::Float(2.25)
                ]
            ),
            "   7|2.2"
        );
        assert_eq!(
            f(
                "%+d % d %+.1e",
                &[Value::Int(5), Value::Int(5), Value::Float(12345.0)]
            ),
            "+5  5 +1.2e+04"
        );
        assert_eq!(
            f(
                "%#g %#.3g %#v",
                &[Value::Float(1.0), Value::Float(2.0), Value::Float(1.0)]
            ),
            "1.00000 2.00 1"
        );
        assert_eq!(
            f("%x % X", &[Value::str("hi"), Value::str("hi")]),
            "6869 68 69"
        );
        assert_eq!(
            f(
                "%c %U %#U",
                &[Value::Int(65), Value::Int(0x1F600), Value::Int(65)]
            ),
            "A U+1F600 U+0041 'A'"
        );
        assert_eq!(f("%v", &[Value::Float(f64::INFINITY)]), "+Inf");
        assert_eq!(
            f(
                "%5.1f|%05.1f",
                &[Value::Float(f64::NAN), Value::Float(-1.0)]
            ),
            "  NaN|-01.0"
        );
        assert_eq!(f("%!", &[]), "%!!(MISSING)");
        assert_eq!(f("%", &[]), "%!(NOVERB)");
        assert_eq!(
            f(
                "%05s|%-5s|%.2s",
                &[Value::str("ab"), Value::str("ab"), Value::str("abc")]
            ),
            "000ab|ab   |ab"
        );
    }

    #[test]
    fn composite() {
        let m = Value::map([("b", "2"), ("a", "1")]);
        assert_eq!(sprint1(&m), "map[a:1 b:2]");
        assert_eq!(
            f("%#v", std::slice::from_ref(&m)),
            "map[string]string{\"a\":\"1\", \"b\":\"2\"}"
        );
        let l = Value::list(vec![Value::Float(1.0), Value::Float(2.5)]);
        assert_eq!(sprint1(&l), "[1 2.5]");
        assert_eq!(f("%T %#v", &[l.clone(), l]), "[]float64 []float64{1, 2.5}");
        assert_eq!(
            sprint(&[Value::Int(1), Value::Int(2), Value::str("a"), Value::Int(3)]),
            "1 2a3"
        );
        assert_eq!(sprintln(&[Value::Int(1), Value::str("a")]), "1 a\n");
    }
}
