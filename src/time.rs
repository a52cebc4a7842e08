//! Durations and times, one implementation each for every stage and both shells:
//! Prometheus's duration syntax (`15s`, `1m30s`, `24h`) both ways, RFC 3339 or Unix
//! seconds in, `2024-05-01 13:45:10 UTC` out.

/// The longest duration Prometheus accepts: its durations are Go's
/// `time.Duration`, nanoseconds in an i64 (about 292 years).
pub const MAX_DURATION_MS: i64 = i64::MAX / 1_000_000;

/// Why a duration does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DurationError {
    /// Not `<number><unit>` pairs with units from `y` down to `ms`, each at most once.
    Syntax(String),
    /// Longer than [`MAX_DURATION_MS`].
    OutOfRange,
}

impl std::fmt::Display for DurationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DurationError::Syntax(text) => write!(
                f,
                "{text:?} is not a duration: write it like 15s, 1m30s, 2h or 500ms (units from y to ms, each once)"
            ),
            DurationError::OutOfRange => f.write_str("duration out of range"),
        }
    }
}

impl From<DurationError> for String {
    fn from(e: DurationError) -> String {
        e.to_string()
    }
}

/// Prometheus's duration syntax (its `model.ParseDuration`), in PromQL, scrape
/// configs, the CLI and timelines alike: `15s`, `1m30s`, `24h`, `500ms`, `0`;
/// units `y w d h m s ms` in that order, each at most once; at most
/// [`MAX_DURATION_MS`].
pub fn parse_duration_ms(text: &str) -> Result<i64, DurationError> {
    // Units in the order they must come, with their length in milliseconds.
    const UNITS: [(&str, i64); 7] = [
        ("y", 31_536_000_000),
        ("w", 604_800_000),
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ];
    let syntax = || DurationError::Syntax(text.to_string());
    if text == "0" {
        return Ok(0);
    }
    if text.is_empty() {
        return Err(syntax());
    }
    let mut total: i64 = 0;
    let mut rest = text;
    let mut next_unit = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let unit_len = rest[digits..]
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        if digits == 0 || unit_len == 0 {
            return Err(syntax());
        }
        let unit = &rest[digits..digits + unit_len];
        let Some(k) = UNITS[next_unit..].iter().position(|(u, _)| *u == unit) else {
            return Err(syntax());
        };
        next_unit += k + 1;
        let number: i64 = rest[..digits]
            .parse()
            .map_err(|_| DurationError::OutOfRange)?;
        total = number
            .checked_mul(UNITS[next_unit - 1].1)
            .and_then(|ms| total.checked_add(ms))
            .filter(|&ms| ms <= MAX_DURATION_MS)
            .ok_or(DurationError::OutOfRange)?;
        rest = &rest[digits + unit_len..];
    }
    Ok(total)
}

/// Milliseconds as a Prometheus duration: `1h30m`, `5m`, `100ms`, `0s`.
pub fn format_duration(ms: i64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let mut rest = ms.unsigned_abs();
    let mut out = String::new();
    if ms < 0 {
        out.push('-');
    }
    for (unit, size) in [
        ("y", 365 * 86_400_000u64),
        ("w", 7 * 86_400_000),
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1000),
        ("ms", 1),
    ] {
        if rest >= size {
            out.push_str(&(rest / size).to_string());
            out.push_str(unit);
            rest %= size;
        }
    }
    out
}

/// Milliseconds as Go's `time.Duration` prints them: `0s`, `500ms`, `1m0s`,
/// `1h30m0s`, `1m30.5s` (saturating, as Go's durations do past 292 years).
pub fn format_go_duration(ms: i64) -> String {
    format_go_duration_ns(ms.saturating_mul(1_000_000))
}

/// `fmtFrac`: the fraction of `v / 10^prec` without trailing zeros.
fn frac(out: &mut Vec<u8>, mut v: u64, prec: usize) -> u64 {
    let mut print = false;
    for _ in 0..prec {
        let digit = v % 10;
        print = print || digit != 0;
        if print {
            out.push(b'0' + digit as u8);
        }
        v /= 10;
    }
    if print {
        out.push(b'.');
    }
    v
}

fn push_rev_int(out: &mut Vec<u8>, mut v: u64) {
    loop {
        out.push(b'0' + (v % 10) as u8);
        v /= 10;
        if v == 0 {
            break;
        }
    }
}

/// Nanoseconds as Go's `time.Duration` prints them: `1h2m0.01s`, `1.5µs`, `0s`
/// (promtool's messages, templates' durations).
pub fn format_go_duration_ns(d: i64) -> String {
    let mut u = d.unsigned_abs();
    // Built backwards, as Go does.
    let mut out: Vec<u8> = Vec::new();
    if u < 1_000_000_000 {
        let prec = match u {
            0 => return "0s".into(),
            1..=999 => {
                out.extend_from_slice(b"sn");
                0
            }
            1_000..=999_999 => {
                out.extend_from_slice("sµ".as_bytes());
                3
            }
            _ => {
                out.extend_from_slice(b"sm");
                6
            }
        };
        u = frac(&mut out, u, prec);
        push_rev_int(&mut out, u);
    } else {
        out.push(b's');
        u = frac(&mut out, u, 9);
        push_rev_int(&mut out, u % 60);
        u /= 60;
        if u > 0 {
            out.push(b'm');
            push_rev_int(&mut out, u % 60);
            u /= 60;
            if u > 0 {
                out.push(b'h');
                push_rev_int(&mut out, u);
            }
        }
    }
    if d < 0 {
        out.push(b'-');
    }
    // Reverse by characters (the micro sign is two bytes, pushed reversed).
    let s = String::from_utf8_lossy(&out).into_owned();
    s.chars().rev().collect()
}

/// Unix seconds (`1714521600`, `1714521600.5`) or RFC 3339 (`2024-05-01T00:00:00Z`,
/// with an optional fraction and a `Z` or `±hh:mm` offset), as milliseconds.
pub fn parse_time_ms(text: &str) -> Result<i64, String> {
    if let Ok(seconds) = text.parse::<f64>()
        && seconds.is_finite()
    {
        return Ok((seconds * 1000.0).round() as i64);
    }
    let err = || {
        format!("{text:?} is neither Unix seconds nor an RFC 3339 time like 2024-05-01T00:00:00Z")
    };
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(err());
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, String> {
        text.get(range)
            .and_then(|s| s.parse::<i64>().ok())
            .ok_or_else(err)
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(err());
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(err());
        }
        let padded = format!("{:0<3}", &fraction[..digits.min(3)]);
        millis = padded.parse::<i64>().map_err(|_| err())?;
        rest = &fraction[digits..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && &rest[3..4] == ":" =>
        {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            let h: i64 = rest[1..3].parse().map_err(|_| err())?;
            let m: i64 = rest[4..6].parse().map_err(|_| err())?;
            sign * (h * 60 + m)
        }
        _ => return Err(err()),
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Ok(seconds * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A broken-down UTC time, proleptic Gregorian as Go's `time`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    /// 0 = Sunday.
    pub weekday: i64,
    /// 1-based day of the year.
    pub yday: i64,
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Days in month `m` (1-12) of year `y`.
pub fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Seconds since the epoch as a UTC calendar time (Howard Hinnant's
/// civil_from_days, in i128 so any i64 second count works).
pub fn civil(secs: i64) -> Civil {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days as i128 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = (yoe + era * 400 + i128::from(month <= 2)) as i64;
    let (month, day) = (month as i64, day as i64);
    let yday = (1..month).map(|m| days_in_month(year, m)).sum::<i64>() + day;
    Civil {
        year,
        month,
        day,
        hour: rem / 3600,
        minute: rem % 3600 / 60,
        second: rem % 60,
        weekday: (days + 4).rem_euclid(7),
        yday,
    }
}

/// `2024-05-01T13:45:10Z` (Go's `time.RFC3339` in UTC) of Unix seconds.
pub fn format_rfc3339(secs: i64) -> String {
    let c = civil(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// `2024-05-01 13:45:10 UTC` of a Unix time in ms.
pub fn format_utc(ms: i64) -> String {
    let c = civil(ms.div_euclid(1000));
    format!(
        "{:04}-{:02}-{:02} {} UTC",
        c.year,
        c.month,
        c.day,
        format_time_of_day(ms)
    )
}

/// `13:45:10` (UTC) of a Unix time in ms.
pub fn format_time_of_day(ms: i64) -> String {
    let rem = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", rem / 3600, rem / 60 % 60, rem % 60)
}

/// How long before `now_ms` something happened, as the Targets page says it:
/// `12.3s ago`, `4.0m ago`.
pub fn format_ago(now_ms: i64, then_ms: i64) -> String {
    let s = (now_ms - then_ms) as f64 / 1000.0;
    if s < 60.0 {
        format!("{s:.1}s ago")
    } else {
        format!("{:.1}m ago", s / 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        let cases = [
            (0, "0s"),
            (500, "500ms"),
            (60_000, "1m0s"),
            (5_400_000, "1h30m0s"),
            (90_500, "1m30.5s"),
            (-60_000, "-1m0s"),
        ];
        for (ms, want) in cases {
            assert_eq!(format_go_duration(ms), want);
        }
        assert_eq!(format_go_duration(i64::MAX), "2562047h47m16.854775807s");
    }

    #[test]
    fn ago_in_seconds_then_minutes() {
        assert_eq!(format_ago(10_000, 7_700), "2.3s ago");
        assert_eq!(format_ago(300_000, 60_000), "4.0m ago");
        assert_eq!(format_ago(5, 5), "0.0s ago");
    }

    #[test]
    fn durations_as_prometheus_writes_them() {
        assert_eq!(parse_duration_ms("15s"), Ok(15_000));
        assert_eq!(parse_duration_ms("1m30s"), Ok(90_000));
        assert_eq!(parse_duration_ms("24h"), Ok(86_400_000));
        assert_eq!(parse_duration_ms("500ms"), Ok(500));
        assert_eq!(parse_duration_ms("0"), Ok(0));
        assert_eq!(
            parse_duration_ms("1y2w3d4h5m6s7ms"),
            Ok(31_536_000_000
                + 2 * 604_800_000
                + 3 * 86_400_000
                + 4 * 3_600_000
                + 5 * 60_000
                + 6_000
                + 7)
        );
        // As Prometheus: units in order, each once; at most 2^63-1 ns.
        for bad in ["15", "5s5s", "1m1h", "1.5h", "", "h", "1x", "1s 2ms", "-1s"] {
            assert!(
                matches!(parse_duration_ms(bad), Err(DurationError::Syntax(_))),
                "{bad}"
            );
        }
        assert_eq!(parse_duration_ms("9223372036854ms"), Ok(MAX_DURATION_MS));
        assert_eq!(parse_duration_ms("292y"), Ok(292 * 31_536_000_000));
        for long in [
            "9223372036855ms",
            "293y",
            "292000000y",
            "99999999999999999999s",
        ] {
            assert_eq!(
                parse_duration_ms(long),
                Err(DurationError::OutOfRange),
                "{long}"
            );
        }
        assert!(parse_duration_ms("1.5h").is_err());
        assert!(parse_duration_ms("").is_err());
        for ms in [0, 1, 999, 90_000, 86_400_000 + 1, 31_536_000_000 * 3 + 7] {
            assert_eq!(parse_duration_ms(&format_duration(ms)), Ok(ms));
        }
        assert_eq!(format_duration(5_400_000), "1h30m");
    }

    #[test]
    fn times_in_unix_seconds_and_rfc3339() {
        assert_eq!(parse_time_ms("0"), Ok(0));
        assert_eq!(parse_time_ms("1714521600"), Ok(1_714_521_600_000));
        assert_eq!(parse_time_ms("1714521600.25"), Ok(1_714_521_600_250));
        assert_eq!(parse_time_ms("2024-05-01T00:00:00Z"), Ok(1_714_521_600_000));
        assert_eq!(
            parse_time_ms("2024-05-01T02:00:00.5+02:00"),
            Ok(1_714_521_600_500)
        );
        assert_eq!(parse_time_ms("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_time_ms("2000-02-29T12:00:00Z"), Ok(951_825_600_000));
        assert!(parse_time_ms("yesterday").is_err());
        assert!(parse_time_ms("2024-13-01T00:00:00Z").is_err());
    }

    #[test]
    fn utc_formatting() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(1_714_521_600_000), "2024-05-01 00:00:00 UTC");
        assert_eq!(
            format_utc(951_825_600_000 + 3_723_000),
            "2000-02-29 13:02:03 UTC"
        );
        assert_eq!(format_time_of_day(-1000), "23:59:59");
    }
}
