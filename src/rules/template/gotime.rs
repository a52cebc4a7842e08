//! Go's `time.Time` (always UTC here), `time.Duration`, `time.Month` and
//! `time.Weekday`: their `String` forms, `Time.Format` layouts, and the methods
//! templates may call on them (`(toTime .Value).Format "2006"`).

use super::value::{Ty, Value};
use crate::time::civil;

const NS: i128 = 1_000_000_000;
/// Seconds from Go's zero time (January 1, year 1) to the Unix epoch.
const ZERO_TO_UNIX: i128 = 62_135_596_800;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// `time.Month.String`.
pub(super) fn month_string(m: i64) -> String {
    match usize::try_from(m - 1).ok().and_then(|i| MONTHS.get(i)) {
        Some(name) => (*name).to_string(),
        None => format!("%!Month({m})"),
    }
}

/// `time.Weekday.String`.
pub(super) fn weekday_string(d: i64) -> String {
    match usize::try_from(d).ok().and_then(|i| DAYS.get(i)) {
        Some(name) => (*name).to_string(),
        None => format!("%!Weekday({d})"),
    }
}

/// The calendar fields of a time: (civil date/clock, nanosecond).
fn parts(ns: i128) -> (crate::time::Civil, i64) {
    let secs = ns
        .div_euclid(NS)
        .clamp(i64::MIN as i128 / 2, i64::MAX as i128 / 2) as i64;
    (civil(secs), ns.rem_euclid(NS) as i64)
}

/// Go's `appendInt`: zero-padded to `width` digits, sign first.
fn push_int(out: &mut String, x: i64, width: usize) {
    if x < 0 {
        out.push('-');
    }
    let digits = x.unsigned_abs().to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

#[derive(Clone, Copy, PartialEq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    /// Numeric offsets: (print `Z` for UTC, colons, seconds, hours only).
    Offset(bool, bool, bool, bool),
    /// Fractional seconds: (digits, trim trailing zeros, separator).
    Frac(usize, bool, char),
}

/// `nextStdChunk`: the text before the first layout element, the element, the rest.
fn next_std_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let has = |i: usize, s: &str| layout[i..].starts_with(s);
    let lower_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_lowercase);
    for i in 0..b.len() {
        let found = match b[i] {
            b'J' if has(i, "January") => Some((Std::LongMonth, 7)),
            b'J' if has(i, "Jan") && !lower_at(i + 3) => Some((Std::Month, 3)),
            b'M' if has(i, "Monday") => Some((Std::LongWeekDay, 6)),
            b'M' if has(i, "Mon") && !lower_at(i + 3) => Some((Std::WeekDay, 3)),
            b'M' if has(i, "MST") => Some((Std::TZ, 3)),
            b'0' if b.get(i + 1).is_some_and(|c| (b'1'..=b'6').contains(c)) => {
                let std = [
                    Std::ZeroMonth,
                    Std::ZeroDay,
                    Std::ZeroHour12,
                    Std::ZeroMinute,
                    Std::ZeroSecond,
                    Std::Year,
                ][(b[i + 1] - b'1') as usize];
                Some((std, 2))
            }
            b'0' if has(i, "002") => Some((Std::ZeroYearDay, 3)),
            b'1' if has(i, "15") => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if has(i, "2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if has(i, "_2006") => {
                return (&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..]);
            }
            b'_' if has(i, "_2") => Some((Std::UnderDay, 2)),
            b'_' if has(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if has(i, "PM") => Some((Std::PM, 2)),
            b'p' if has(i, "pm") => Some((Std::Pm, 2)),
            b'-' | b'Z' => {
                let z = b[i] == b'Z';
                [
                    ("070000", false, true, false),
                    ("07:00:00", true, true, false),
                    ("0700", false, false, false),
                    ("07:00", true, false, false),
                    ("07", false, false, true),
                ]
                .iter()
                .find(|(pat, ..)| has(i + 1, pat))
                .map(|&(pat, colon, secs, short)| {
                    (Std::Offset(z, colon, secs, short), pat.len() + 1)
                })
            }
            b'.' | b',' if matches!(b.get(i + 1), Some(b'0' | b'9')) => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    None
                } else {
                    let std = Std::Frac(j - (i + 1), ch == b'9', b[i] as char);
                    return (&layout[..i], Some(std), &layout[j..]);
                }
            }
            _ => None,
        };
        if let Some((std, len)) = found {
            return (&layout[..i], Some(std), &layout[i + len..]);
        }
    }
    (layout, None, "")
}

/// `Time.Format` of a UTC time.
pub(super) fn format(ns: i128, mut layout: &str) -> String {
    let (c, nsec) = parts(ns);
    let mut out = String::new();
    loop {
        let (prefix, std, suffix) = next_std_chunk(layout);
        out.push_str(prefix);
        let Some(std) = std else { break };
        layout = suffix;
        let hr12 = if c.hour % 12 == 0 { 12 } else { c.hour % 12 };
        match std {
            Std::Year => push_int(&mut out, c.year.abs() % 100, 2),
            Std::LongYear => push_int(&mut out, c.year, 4),
            Std::Month => out.push_str(&MONTHS[(c.month - 1) as usize][..3]),
            Std::LongMonth => out.push_str(MONTHS[(c.month - 1) as usize]),
            Std::NumMonth => push_int(&mut out, c.month, 0),
            Std::ZeroMonth => push_int(&mut out, c.month, 2),
            Std::WeekDay => out.push_str(&DAYS[c.weekday as usize][..3]),
            Std::LongWeekDay => out.push_str(DAYS[c.weekday as usize]),
            Std::Day => push_int(&mut out, c.day, 0),
            Std::UnderDay => {
                if c.day < 10 {
                    out.push(' ');
                }
                push_int(&mut out, c.day, 0);
            }
            Std::ZeroDay => push_int(&mut out, c.day, 2),
            Std::UnderYearDay => {
                if c.yday < 100 {
                    out.push(' ');
                    if c.yday < 10 {
                        out.push(' ');
                    }
                }
                push_int(&mut out, c.yday, 0);
            }
            Std::ZeroYearDay => push_int(&mut out, c.yday, 3),
            Std::Hour => push_int(&mut out, c.hour, 2),
            Std::Hour12 => push_int(&mut out, hr12, 0),
            Std::ZeroHour12 => push_int(&mut out, hr12, 2),
            Std::Minute => push_int(&mut out, c.minute, 0),
            Std::ZeroMinute => push_int(&mut out, c.minute, 2),
            Std::Second => push_int(&mut out, c.second, 0),
            Std::ZeroSecond => push_int(&mut out, c.second, 2),
            Std::PM => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
            Std::TZ => out.push_str("UTC"),
            Std::Offset(z, colon, secs, short) => {
                if z {
                    out.push('Z');
                    continue;
                }
                out.push_str("+00");
                if colon {
                    out.push(':');
                }
                if !short {
                    out.push_str("00");
                }
                if secs {
                    if colon {
                        out.push(':');
                    }
                    out.push_str("00");
                }
            }
            Std::Frac(n, trim, sep) => {
                if trim && (n == 0 || nsec == 0) {
                    continue;
                }
                let digits = format!("{nsec:09}");
                let mut frac = digits[..n.min(9)].to_string();
                if trim {
                    while frac.ends_with('0') {
                        frac.pop();
                    }
                    if frac.is_empty() {
                        continue;
                    }
                }
                out.push(sep);
                out.push_str(&frac);
            }
        }
    }
    out
}

/// `time.Time.String`.
pub(super) fn time_string(ns: i128) -> String {
    format(ns, "2006-01-02 15:04:05.999999999 -0700 MST")
}

/// `time.Time.GoString`.
pub(super) fn time_gostring(ns: i128) -> String {
    let (c, nsec) = parts(ns);
    format!(
        "time.Date({}, time.{}, {}, {}, {}, {}, {}, time.UTC)",
        c.year,
        MONTHS[(c.month - 1) as usize],
        c.day,
        c.hour,
        c.minute,
        c.second,
        nsec
    )
}

/// `time.Duration.String` (one implementation, in `crate::time`).
pub(super) use crate::time::format_go_duration_ns as duration_string;

/// A method of a time value: parameter types, result count, implementation.
pub(super) struct Method {
    pub params: &'static [Ty],
    /// Go methods with more than one result (or a non-error second) cannot be
    /// called from templates; the count goes into the error message.
    pub results: usize,
    pub call: fn(&Value, &[Value]) -> Value,
}

fn t_of(v: &Value) -> i128 {
    match *v {
        Value::Time(t) | Value::TimePtr(t) => t,
        _ => 0,
    }
}

fn d_of(v: &Value) -> i64 {
    match *v {
        Value::Duration(d) | Value::DurationPtr(d) => d,
        Value::Int(i) => i,
        _ => 0,
    }
}

fn sat(d: i128) -> i64 {
    d.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

fn add_date(t: i128, a: &[Value]) -> Value {
    let (c, _) = parts(t);
    let tod = t.rem_euclid(86_400 * NS);
    let months = c.month - 1 + d_of(&a[1]);
    let year = c
        .year
        .saturating_add(d_of(&a[0]))
        .saturating_add(months.div_euclid(12));
    let month = months.rem_euclid(12) + 1;
    let day = c.day.saturating_add(d_of(&a[2]));
    let days = days_from_civil(year, month, 1) + (day - 1) as i128;
    Value::Time(days * 86_400 * NS + tod)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i128 {
    let y = i128::from(if month <= 2 { year - 1 } else { year });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i128::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i128::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `Time.Truncate`/`Round`: multiples of `d` since Go's zero time.
fn round_time(t: i128, d: i64, round: bool) -> Value {
    if d <= 0 {
        return Value::Time(t);
    }
    let d = i128::from(d);
    let r = (t + ZERO_TO_UNIX * NS).rem_euclid(d);
    if round && r + r >= d {
        return Value::Time(t + d - r);
    }
    Value::Time(t - r)
}

fn round_duration(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let mut r = d % m;
    let less_than_half = |r: i64| (r as u64).wrapping_add(r as u64) < m as u64;
    if d < 0 {
        r = -r;
        if less_than_half(r) {
            return d + r;
        }
        return d.checked_sub(m - r).unwrap_or(i64::MIN);
    }
    if less_than_half(r) {
        return d - r;
    }
    d.checked_add(m - r).unwrap_or(i64::MAX)
}

fn civil_int(v: &Value, f: fn(&crate::time::Civil) -> i64) -> Value {
    Value::Int(f(&parts(t_of(v)).0))
}

/// The method `name` of a time value (its receiver already dereferenced).
pub(super) fn method(recv: &Value, name: &str) -> Option<Method> {
    use Ty::{Duration as D, Int as I, Str as S, Time as T};
    let m = |params: &'static [Ty], call: fn(&Value, &[Value]) -> Value| Method {
        params,
        results: 1,
        call,
    };
    let bad = |results| Method {
        params: &[],
        results,
        call: |_, _| Value::Nil,
    };
    Some(match (recv, name) {
        (Value::Time(_), _) => match name {
            "Add" => m(&[D], |r, a| Value::Time(t_of(r) + i128::from(d_of(&a[0])))),
            "AddDate" => m(&[I, I, I], |r, a| add_date(t_of(r), a)),
            "After" => m(&[T], |r, a| Value::Bool(t_of(r) > t_of(&a[0]))),
            "Before" => m(&[T], |r, a| Value::Bool(t_of(r) < t_of(&a[0]))),
            "Equal" => m(&[T], |r, a| Value::Bool(t_of(r) == t_of(&a[0]))),
            "Day" => m(&[], |r, _| civil_int(r, |c| c.day)),
            "Hour" => m(&[], |r, _| civil_int(r, |c| c.hour)),
            "Minute" => m(&[], |r, _| civil_int(r, |c| c.minute)),
            "Second" => m(&[], |r, _| civil_int(r, |c| c.second)),
            "Year" => m(&[], |r, _| civil_int(r, |c| c.year)),
            "YearDay" => m(&[], |r, _| civil_int(r, |c| c.yday)),
            "Nanosecond" => m(&[], |r, _| Value::Int(t_of(r).rem_euclid(NS) as i64)),
            "Month" => m(&[], |r, _| Value::Month(parts(t_of(r)).0.month)),
            "Weekday" => m(&[], |r, _| Value::Weekday(parts(t_of(r)).0.weekday)),
            "Format" => m(&[S], |r, a| {
                Value::str(format(t_of(r), a[0].as_str().unwrap_or("")))
            }),
            "String" => m(&[], |r, _| Value::str(time_string(t_of(r)))),
            "GoString" => m(&[], |r, _| Value::str(time_gostring(t_of(r)))),
            "IsZero" => m(&[], |r, _| Value::Bool(t_of(r) == -ZERO_TO_UNIX * NS)),
            "Local" | "UTC" => m(&[], |r, _| Value::Time(t_of(r))),
            "Round" => m(&[D], |r, a| round_time(t_of(r), d_of(&a[0]), true)),
            "Truncate" => m(&[D], |r, a| round_time(t_of(r), d_of(&a[0]), false)),
            "Sub" => m(&[T], |r, a| Value::Duration(sat(t_of(r) - t_of(&a[0])))),
            "Unix" => m(&[], |r, _| Value::Int64(sat(t_of(r).div_euclid(NS)))),
            "UnixMilli" => m(&[], |r, _| Value::Int64(sat(t_of(r).div_euclid(1_000_000)))),
            "UnixMicro" => m(&[], |r, _| Value::Int64(sat(t_of(r).div_euclid(1_000)))),
            "UnixNano" => m(&[], |r, _| Value::Int64(t_of(r) as i64)),
            "Clock" | "Date" => bad(3),
            "ISOWeek" | "Zone" => bad(2),
            _ => return None,
        },
        (Value::Duration(_), _) => match name {
            "Hours" => m(&[], |r, _| split_float(d_of(r), 3_600_000_000_000)),
            "Minutes" => m(&[], |r, _| split_float(d_of(r), 60_000_000_000)),
            "Seconds" => m(&[], |r, _| split_float(d_of(r), 1_000_000_000)),
            "Milliseconds" => m(&[], |r, _| Value::Int64(d_of(r) / 1_000_000)),
            "Microseconds" => m(&[], |r, _| Value::Int64(d_of(r) / 1_000)),
            "Nanoseconds" => m(&[], |r, _| Value::Int64(d_of(r))),
            "String" => m(&[], |r, _| Value::str(duration_string(d_of(r)))),
            "Round" => m(&[D], |r, a| {
                Value::Duration(round_duration(d_of(r), d_of(&a[0])))
            }),
            "Truncate" => m(&[D], |r, a| {
                let (d, m) = (d_of(r), d_of(&a[0]));
                Value::Duration(if m <= 0 { d } else { d - d % m })
            }),
            "Abs" => m(&[], |r, _| {
                let d = d_of(r);
                Value::Duration(if d == i64::MIN { i64::MAX } else { d.abs() })
            }),
            _ => return None,
        },
        (Value::Month(_), "String") => m(&[], |r, _| {
            Value::str(month_string(r.as_int().unwrap_or(0)))
        }),
        (Value::Weekday(_), "String") => m(&[], |r, _| {
            Value::str(weekday_string(r.as_int().unwrap_or(0)))
        }),
        _ => return None,
    })
}

/// `Duration.Hours` and friends: whole units plus the fraction.
fn split_float(d: i64, unit: i64) -> Value {
    Value::Float((d / unit) as f64 + (d % unit) as f64 / unit as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings() {
        assert_eq!(
            time_string(1_435_065_584_128_000_000),
            "2015-06-23 13:19:44.128 +0000 UTC"
        );
        assert_eq!(time_string(-1_000_000_000), "1969-12-31 23:59:59 +0000 UTC");
        assert_eq!(duration_string(3_720_010_000_000), "1h2m0.01s");
        assert_eq!(duration_string(1_500), "1.5µs");
        assert_eq!(duration_string(-60_000_000_000), "-1m0s");
        assert_eq!(duration_string(0), "0s");
        assert_eq!(duration_string(5_000_000), "5ms");
    }

    #[test]
    fn layouts() {
        let t = 1_435_065_584_128_000_000;
        assert_eq!(format(t, "2006"), "2015");
        assert_eq!(
            format(t, "Mon Jan _2 15:04:05 MST 2006"),
            "Tue Jun 23 13:19:44 UTC 2015"
        );
        assert_eq!(
            format(t, "2006-01-02T15:04:05.000Z07:00"),
            "2015-06-23T13:19:44.128Z"
        );
        assert_eq!(format(t, "3:04PM -0700 002 .99"), "1:19PM +0000 174 .12");
        assert_eq!(format(t, "January Monday"), "June Tuesday");
    }
}
