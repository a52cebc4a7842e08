//! How a job is scraped, with Prometheus's defaults.

/// Prometheus's `scrape_config` knobs the playground uses.
#[derive(Clone, Debug, PartialEq)]
pub struct ScrapeConfig {
    pub interval_ms: i64,
    pub timeout_ms: i64,
    /// 0: no limit. Above it a scrape fails with "sample limit exceeded" and stores nothing.
    pub sample_limit: usize,
    /// Use timestamps the target exposes (Prometheus's default), instead of the scrape time.
    pub honor_timestamps: bool,
}

impl Default for ScrapeConfig {
    fn default() -> Self {
        ScrapeConfig {
            interval_ms: 15_000,
            timeout_ms: 10_000,
            sample_limit: 0,
            honor_timestamps: true,
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_prometheus_writes_them() {
        assert_eq!(parse_duration_ms("15s"), Ok(15_000));
        assert_eq!(parse_duration_ms("1m30s"), Ok(90_000));
        assert_eq!(parse_duration_ms("24h"), Ok(86_400_000));
        assert_eq!(parse_duration_ms("500ms"), Ok(500));
        assert!(parse_duration_ms("15").is_err());
        assert!(parse_duration_ms("1.5h").is_err());
        assert!(parse_duration_ms("").is_err());
    }
}
