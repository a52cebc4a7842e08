//! Durations and times, one implementation each for every stage and both shells:
//! Prometheus's duration syntax (`15s`, `1m30s`, `24h`) both ways, RFC 3339 or Unix
//! seconds in, `2024-05-01 13:45:10 UTC` out.

/// Prometheus's duration syntax, as in scrape configs and the CLI: `15s`, `1m30s`, `24h`, `500ms`.
pub fn parse_duration_ms(text: &str) -> Result<i64, String> {
    let err = || format!("{text:?} is not a duration: write it like 15s, 1m30s, 2h or 500ms");
    if text.is_empty() {
        return Err(err());
    }
    let mut total: i64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(err());
        }
        let number: i64 = rest[..digits].parse().map_err(|_| err())?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let unit_ms = match &rest[..unit_len] {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 604_800_000,
            "y" => 31_536_000_000,
            _ => return Err(err()),
        };
        rest = &rest[unit_len..];
        total = number
            .checked_mul(unit_ms)
            .and_then(|ms| total.checked_add(ms))
            .ok_or_else(err)?;
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

/// `2024-05-01 13:45:10 UTC` of a Unix time in ms.
pub fn format_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    // Civil date from days since 1970 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {} UTC",
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
        assert!(parse_duration_ms("15").is_err());
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
