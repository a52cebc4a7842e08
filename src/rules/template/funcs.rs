//! Prometheus's template function map (template/template.go, v2.42), plus
//! `toDuration`, `now` and `urlQueryEscape` from later releases. Each entry
//! has Go's parameter types, which decide argument conversions and errors.

use std::rc::Rc;

use super::Env;
use super::call::Func;
use super::netutil::{is_ip, join_host_port, query_escape, split_host_port};
use super::regexp;
use super::strconv::{format_float, is_digit, is_letter, num_error, parse_float};
use super::value::{TWO63, Ty, Value, f64_to_i64};

type R = Result<Value, String>;

/// What Go says when a function dereferences a nil pointer.
const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

use Ty::{Any, QueryResult as QR, SamplePtr as SP, Str};

static FUNCS: &[Func] = &[
    Func {
        name: "query",
        params: &[Str],
        variadic: None,
        call: query,
    },
    Func {
        name: "first",
        params: &[QR],
        variadic: None,
        call: first,
    },
    Func {
        name: "label",
        params: &[Str, SP],
        variadic: None,
        call: |_, a| with_sample(&a[1], |s| Value::str(label_of(s, str_of(&a[0])))),
    },
    Func {
        name: "value",
        params: &[SP],
        variadic: None,
        call: |_, a| with_sample(&a[0], super::value::sample_value),
    },
    Func {
        name: "strvalue",
        params: &[SP],
        variadic: None,
        call: |_, a| with_sample(&a[0], |s| Value::str(label_of(s, "__value__"))),
    },
    Func {
        name: "args",
        params: &[],
        variadic: Some(Any),
        call: args,
    },
    Func {
        name: "reReplaceAll",
        params: &[Str, Str, Str],
        variadic: None,
        call: re_replace_all,
    },
    Func {
        name: "safeHtml",
        params: &[Str],
        variadic: None,
        call: |_, a| Ok(Value::html(str_of(&a[0]).to_string())),
    },
    Func {
        name: "match",
        params: &[Str, Str],
        variadic: None,
        call: match_string,
    },
    Func {
        name: "title",
        params: &[Str],
        variadic: None,
        call: |_, a| Ok(Value::str(title(str_of(&a[0])))),
    },
    Func {
        name: "toUpper",
        params: &[Str],
        variadic: None,
        call: |_, a| {
            Ok(Value::str(
                str_of(&a[0]).chars().map(to_upper).collect::<String>(),
            ))
        },
    },
    Func {
        name: "toLower",
        params: &[Str],
        variadic: None,
        call: |_, a| {
            Ok(Value::str(
                str_of(&a[0]).chars().map(to_lower).collect::<String>(),
            ))
        },
    },
    Func {
        name: "graphLink",
        params: &[Str],
        variadic: None,
        call: |_, a| {
            Ok(Value::str(format!(
                "/graph?g0.expr={}&g0.tab=0",
                query_escape(str_of(&a[0]))
            )))
        },
    },
    Func {
        name: "tableLink",
        params: &[Str],
        variadic: None,
        call: |_, a| {
            Ok(Value::str(format!(
                "/graph?g0.expr={}&g0.tab=1",
                query_escape(str_of(&a[0]))
            )))
        },
    },
    Func {
        name: "sortByLabel",
        params: &[Str, QR],
        variadic: None,
        call: sort_by_label,
    },
    Func {
        name: "stripPort",
        params: &[Str],
        variadic: None,
        call: |_, a| Ok(Value::str(strip_port(str_of(&a[0])))),
    },
    Func {
        name: "stripDomain",
        params: &[Str],
        variadic: None,
        call: |_, a| Ok(Value::str(strip_domain(str_of(&a[0])))),
    },
    Func {
        name: "humanize",
        params: &[Any],
        variadic: None,
        call: |_, a| humanize(&a[0]).map(Value::str),
    },
    Func {
        name: "humanize1024",
        params: &[Any],
        variadic: None,
        call: |_, a| humanize1024(&a[0]).map(Value::str),
    },
    Func {
        name: "humanizeDuration",
        params: &[Any],
        variadic: None,
        call: |_, a| humanize_duration(&a[0]).map(Value::str),
    },
    Func {
        name: "humanizePercentage",
        params: &[Any],
        variadic: None,
        call: |_, a| Ok(Value::str(format!("{}%", g4(to_float(&a[0])? * 100.0)))),
    },
    Func {
        name: "humanizeTimestamp",
        params: &[Any],
        variadic: None,
        call: humanize_timestamp,
    },
    Func {
        name: "toTime",
        params: &[Any],
        variadic: None,
        call: |_, a| float_to_time(to_float(&a[0])?).map(Value::TimePtr),
    },
    Func {
        name: "toDuration",
        params: &[Any],
        variadic: None,
        call: |_, a| Ok(Value::DurationPtr(f64_to_i64(to_float(&a[0])? * 1e9))),
    },
    Func {
        name: "now",
        params: &[],
        variadic: None,
        call: |env, _| Ok(Value::Float(env.at_ms as f64 / 1000.0)),
    },
    Func {
        name: "pathPrefix",
        params: &[],
        variadic: None,
        call: |env, _| external(env, |u| u.path.clone()),
    },
    Func {
        name: "externalURL",
        params: &[],
        variadic: None,
        call: |env, _| external(env, |u| u.text.clone()),
    },
    Func {
        name: "parseDuration",
        params: &[Str],
        variadic: None,
        call: |_, a| parse_duration(str_of(&a[0])).map(Value::Float),
    },
    Func {
        name: "urlQueryEscape",
        params: &[Str],
        variadic: None,
        call: |_, a| Ok(Value::str(query_escape(str_of(&a[0])))),
    },
];

/// The function called `name` in Prometheus's function map.
pub(super) fn lookup(name: &str) -> Option<&'static Func> {
    FUNCS.iter().find(|f| f.name == name)
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn label_of(s: &super::value::Sample, name: &str) -> String {
    s.labels
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn with_sample(v: &Value, f: impl FnOnce(&super::value::Sample) -> Value) -> R {
    match v {
        Value::Sample(Some(s)) => Ok(f(s)),
        _ => Err(NIL_DEREF.into()),
    }
}

fn query(env: &mut Env, a: Vec<Value>) -> R {
    let Some(q) = env.querier.as_deref_mut() else {
        return Err(NIL_DEREF.into());
    };
    let samples = q.query_samples(str_of(&a[0]), env.at_ms)?;
    env.cost += 100 + samples.len() as u64;
    Ok(Value::query_result_samples(samples))
}

fn first(_: &mut Env, a: Vec<Value>) -> R {
    match &a[0] {
        Value::QueryResult(q) => match q.borrow().first() {
            Some(s) => Ok(Value::Sample(Some(s.clone()))),
            None => Err("first() called on vector with no elements".into()),
        },
        _ => Err("first() called on vector with no elements".into()),
    }
}

/// Deepest nesting of `args` maps (Go has no limit; a chain built in a loop
/// would overflow the stack when freed).
const MAX_ARGS_DEPTH: usize = 32;

fn args(env: &mut Env, a: Vec<Value>) -> R {
    let mut depth = 1;
    for v in &a {
        if let Value::AnyMap(m) = v {
            let d = env
                .args_depth
                .get(&(Rc::as_ptr(m) as usize))
                .map_or(1, |e| e.1);
            depth = depth.max(d + 1);
        }
    }
    if depth > MAX_ARGS_DEPTH {
        return Err(format!("args nested more than {MAX_ARGS_DEPTH} deep"));
    }
    let map = Value::any_map(
        a.into_iter()
            .enumerate()
            .map(|(i, v)| (format!("arg{i}"), v)),
    );
    if let Value::AnyMap(m) = &map
        && depth > 1
    {
        env.args_depth
            .insert(Rc::as_ptr(m) as usize, (m.clone(), depth));
    }
    Ok(map)
}

fn compiled(env: &mut Env, pattern: &str) -> Result<crate::re::Regex, String> {
    if let Some(r) = env.regexes.get(pattern) {
        return r.clone();
    }
    // Compiling is the expensive part; a cache hit is cheap.
    env.cost += 1000;
    let r = regexp::compile(pattern);
    if env.regexes.len() < 256 {
        env.regexes.insert(pattern.to_string(), r.clone());
    }
    r
}

fn re_replace_all(env: &mut Env, a: Vec<Value>) -> R {
    let pattern = str_of(&a[0]);
    let re = compiled(env, pattern).map_err(|e| regexp::must_compile_message(pattern, &e))?;
    Ok(Value::str(regexp::replace_all(
        &re,
        str_of(&a[2]),
        str_of(&a[1]),
    )))
}

fn match_string(env: &mut Env, a: Vec<Value>) -> R {
    let re = compiled(env, str_of(&a[0]))?;
    Ok(Value::Bool(re.is_match(str_of(&a[1]))))
}

fn sort_by_label(_: &mut Env, a: Vec<Value>) -> R {
    let label = str_of(&a[0]).to_string();
    if let Value::QueryResult(q) = &a[1] {
        let key = |s: &Rc<super::value::Sample>| label_of(s, &label);
        match q.try_borrow_mut() {
            Ok(mut v) => crate::sort::sort_by_key(&mut v[..], key),
            Err(_) => {
                let mut v = q.borrow().clone();
                crate::sort::sort_by_key(&mut v[..], key);
                return Ok(Value::QueryResult(Rc::new(std::cell::RefCell::new(v))));
            }
        }
    }
    Ok(a[1].clone())
}

fn strip_port(hostport: &str) -> String {
    match split_host_port(hostport) {
        Some((host, _)) => host.to_string(),
        None => hostport.to_string(),
    }
}

fn strip_domain(hostport: &str) -> String {
    let (host, port) = split_host_port(hostport).unwrap_or((hostport, ""));
    if is_ip(host) {
        return hostport.to_string();
    }
    let host = host.split('.').next().unwrap_or("");
    if port.is_empty() {
        host.to_string()
    } else {
        join_host_port(host, port)
    }
}

fn external(env: &mut Env, f: impl Fn(&super::netutil::ExternalUrl) -> String) -> R {
    match &env.external_url {
        Some(u) => Ok(Value::str(f(u))),
        None => Err(NIL_DEREF.into()),
    }
}

/// `convertToFloat`.
fn to_float(v: &Value) -> Result<f64, String> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::String(s) => parse_float(s).map_err(|e| num_error("ParseFloat", s, e)),
        Value::Int(i) | Value::Int64(i) => Ok(*i as f64),
        Value::Uint(u) | Value::Uint64(u) => Ok(*u as f64),
        Value::Nil | Value::NilIface => Err("can't convert <nil> to float".into()),
        v => Err(format!("can't convert {} to float", v.type_name())),
    }
}

/// `fmt.Sprintf("%.4g", v)`.
fn g4(v: f64) -> String {
    format_float(v, b'g', 4)
}

fn scale(mut v: f64, prefixes: &[&'static str], factor: f64, up: bool) -> (f64, &'static str) {
    let mut prefix = "";
    for p in prefixes {
        if up && v.abs() < factor || !up && v.abs() >= 1.0 {
            break;
        }
        prefix = p;
        if up {
            v /= factor;
        } else {
            v *= factor;
        }
    }
    (v, prefix)
}

const BIG: &[&str] = &["k", "M", "G", "T", "P", "E", "Z", "Y"];
const SMALL: &[&str] = &["m", "u", "n", "p", "f", "a", "z", "y"];

fn humanize(v: &Value) -> Result<String, String> {
    let v = to_float(v)?;
    if v == 0.0 || !v.is_finite() {
        return Ok(g4(v));
    }
    let (v, p) = if v.abs() >= 1.0 {
        scale(v, BIG, 1000.0, true)
    } else {
        scale(v, SMALL, 1000.0, false)
    };
    Ok(format!("{}{p}", g4(v)))
}

fn humanize1024(v: &Value) -> Result<String, String> {
    let v = to_float(v)?;
    if v.abs() <= 1.0 || !v.is_finite() {
        return Ok(g4(v));
    }
    let (v, p) = scale(
        v,
        &["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"],
        1024.0,
        true,
    );
    Ok(format!("{}{p}", g4(v)))
}

fn humanize_duration(v: &Value) -> Result<String, String> {
    let mut v = to_float(v)?;
    if !v.is_finite() {
        return Ok(g4(v));
    }
    if v == 0.0 {
        return Ok(format!("{}s", g4(v)));
    }
    if v.abs() >= 1.0 {
        let mut sign = "";
        if v < 0.0 {
            sign = "-";
            v = -v;
        }
        let d = f64_to_i64(v);
        let (seconds, minutes, hours, days) =
            (d % 60, (d / 60) % 60, (d / 60 / 60) % 24, d / 60 / 60 / 24);
        return Ok(if days != 0 {
            format!("{sign}{days}d {hours}h {minutes}m {seconds}s")
        } else if hours != 0 {
            format!("{sign}{hours}h {minutes}m {seconds}s")
        } else if minutes != 0 {
            format!("{sign}{minutes}m {seconds}s")
        } else {
            format!("{sign}{}s", g4(v))
        });
    }
    let (v, p) = scale(v, SMALL, 1000.0, false);
    Ok(format!("{}{p}s", g4(v)))
}

/// `floatToTime`: seconds as a time with millisecond precision.
fn float_to_time(v: f64) -> Result<i128, String> {
    if !v.is_finite() {
        return Err("value is NaN or Inf".into());
    }
    let ts = v * 1e9;
    // Go compares with math.MaxInt64 and MinInt64 converted to float64: ±2^63.
    if !(-TWO63..=TWO63).contains(&ts) {
        return Err(format!(
            "{} cannot be represented as a nanoseconds timestamp since it overflows int64",
            format_float(v, b'g', -1)
        ));
    }
    let ms = f64_to_i64(ts) / 1_000_000;
    Ok(i128::from(ms) * 1_000_000)
}

fn humanize_timestamp(_: &mut Env, a: Vec<Value>) -> R {
    let v = to_float(&a[0])?;
    if !v.is_finite() {
        return Ok(Value::str(g4(v)));
    }
    Ok(Value::str(super::gotime::time_string(float_to_time(v)?)))
}

/// `model.ParseDuration` (common v0.39) in seconds.
fn parse_duration(s: &str) -> Result<f64, String> {
    const UNITS: [(&str, i64); 7] = [
        ("y", 1000 * 60 * 60 * 24 * 365),
        ("w", 1000 * 60 * 60 * 24 * 7),
        ("d", 1000 * 60 * 60 * 24),
        ("h", 1000 * 60 * 60),
        ("m", 1000 * 60),
        ("s", 1000),
        ("ms", 1),
    ];
    match s {
        "0" => return Ok(0.0),
        "" => return Err("empty duration string".into()),
        _ => {}
    }
    let invalid = || format!("not a valid duration string: {}", super::strconv::quote(s));
    let mut rest = s;
    let mut next = 0;
    let mut dur: i64 = 0;
    let mut overflow = false;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(invalid());
        }
        let unit = UNITS[next..]
            .iter()
            .position(|(u, _)| {
                rest[digits..].starts_with(u) && !(*u == "m" && rest[digits..].starts_with("ms"))
            })
            .ok_or_else(invalid)?;
        let (u, mult) = UNITS[next + unit];
        next += unit + 1;
        let n: i64 = rest[..digits].parse().unwrap_or(i64::MAX);
        if n > i64::MAX / mult / 1_000_000 {
            overflow = true;
        }
        dur = dur.wrapping_add(n.wrapping_mul(1_000_000).wrapping_mul(mult));
        if dur < 0 {
            overflow = true;
        }
        rest = &rest[digits + u.len()..];
    }
    if overflow {
        return Err("duration out of range".into());
    }
    Ok(dur as f64 / 1e9)
}

/// `unicode.ToUpper`: the simple (one-character) mapping.
fn to_upper(c: char) -> char {
    match c as u32 {
        // Greek with ypogegrammeni: simple mappings to the titlecase forms.
        0x1f80..=0x1f87 | 0x1f90..=0x1f97 | 0x1fa0..=0x1fa7 => {
            char::from_u32(c as u32 + 8).unwrap_or(c)
        }
        0x1fb3 => '\u{1fbc}',
        0x1fc3 => '\u{1fcc}',
        0x1ff3 => '\u{1ffc}',
        _ => single(c.to_uppercase()).unwrap_or(c),
    }
}

/// `unicode.ToLower`: the simple mapping.
fn to_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    single(c.to_lowercase()).unwrap_or(c)
}

/// `unicode.ToTitle`.
fn to_title(c: char) -> char {
    match c {
        '\u{1c4}'..='\u{1c6}' => '\u{1c5}',
        '\u{1c7}'..='\u{1c9}' => '\u{1c8}',
        '\u{1ca}'..='\u{1cc}' => '\u{1cb}',
        '\u{1f1}'..='\u{1f3}' => '\u{1f2}',
        c => to_upper(c),
    }
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

/// `strings.Title`: the first letter of each word in title case.
fn title(s: &str) -> String {
    let is_separator = |r: char| {
        if r.is_ascii() {
            return !(r.is_ascii_alphanumeric() || r == '_');
        }
        if is_letter(r) || is_digit(r) {
            return false;
        }
        r.is_whitespace()
    };
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_separator(prev) { to_title(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h2m10ms"), Ok(3720.01));
        assert_eq!(parse_duration("0"), Ok(0.0));
        assert_eq!(
            parse_duration("1m1h"),
            Err("not a valid duration string: \"1m1h\"".into())
        );
        assert_eq!(parse_duration("300y"), Err("duration out of range".into()));
        assert_eq!(parse_duration(""), Err("empty duration string".into()));
    }

    #[test]
    fn case() {
        assert_eq!(title("aa bb CC ǆx"), "Aa Bb CC ǅx");
        assert_eq!(to_upper('ß'), 'ß');
        assert_eq!(to_lower('İ'), 'i');
    }
}
