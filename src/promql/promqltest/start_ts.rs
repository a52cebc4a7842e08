//! `series@st <offsets>` lines: start timestamps for the next line's samples, as
//! upstream's `parseSTSequence`. Each offset is relative to its sample's time.

use crate::time::parse_duration_ms;

/// Expands an `@st` sequence: `_`, `_xN`, `<dur>`, `<dur>xN` (N+1 times),
/// `<dur>±<dur>xN` (N+1 offsets stepping by the second duration); `None` omitted.
pub fn parse_st_sequence(text: &str) -> Result<Vec<Option<i64>>, String> {
    let mut out = Vec::new();
    for item in text.split_whitespace() {
        parse_item(item, &mut out).map_err(|e| format!("invalid ST item {item:?}: {e}"))?;
    }
    Ok(out)
}

fn parse_item(item: &str, out: &mut Vec<Option<i64>>) -> Result<(), String> {
    if item == "_" {
        out.push(None);
        return Ok(());
    }
    if let Some(n) = item.strip_prefix("_x") {
        let n = count(n).filter(|&n| n > 0).ok_or("invalid repeat count")?;
        out.extend(std::iter::repeat_n(None, n));
        return Ok(());
    }
    let (base, rest) = duration_prefix(item)?;
    if rest.is_empty() {
        out.push(Some(base));
        return Ok(());
    }
    if let Some(n) = rest.strip_prefix('x') {
        let n = count(n).ok_or("invalid repeat count")?;
        out.extend(std::iter::repeat_n(Some(base), n + 1));
        return Ok(());
    }
    let negative = match rest.as_bytes()[0] {
        b'+' => false,
        b'-' => true,
        c => {
            return Err(format!(
                "unexpected character {:?} after duration",
                c as char
            ));
        }
    };
    let (delta, rest) = duration_prefix(&rest[1..])?;
    let delta = if negative { -delta } else { delta };
    let n = rest
        .strip_prefix('x')
        .ok_or("expected 'x<count>' after step duration")?;
    let n = count(n).ok_or("invalid repeat count")?;
    out.extend((0..=n as i64).map(|k| Some(base + k * delta)));
    Ok(())
}

fn count(s: &str) -> Option<usize> {
    s.parse::<u64>().ok().and_then(|n| usize::try_from(n).ok())
}

/// A signed duration (digits, then a unit without `x`) at the start of `s`, in ms.
fn duration_prefix(s: &str) -> Result<(i64, &str), String> {
    let (negative, body) = match s.as_bytes().first() {
        None => return Err("empty duration".into()),
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        Some(_) => (false, s),
    };
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Err(format!("expected digits in duration {s:?}"));
    }
    let unit = body[digits..]
        .bytes()
        .take_while(|&c| c.is_ascii_alphabetic() && c != b'x')
        .count();
    let text = &body[..digits + unit];
    let ms = parse_duration_ms(text).map_err(|e| format!("invalid duration {text:?}: {e}"))?;
    Ok((if negative { -ms } else { ms }, &body[digits + unit..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_like_upstream() {
        let s = parse_st_sequence("_ _x2 -30s-1mx2 0 1ms -0msx1 +1m").unwrap();
        let m = 60_000;
        assert_eq!(
            s,
            vec![
                None,
                None,
                None,
                Some(-30_000),
                Some(-30_000 - m),
                Some(-30_000 - 2 * m),
                Some(0),
                Some(1),
                Some(0),
                Some(0),
                Some(m),
            ]
        );
        assert_eq!(
            parse_st_sequence("0+10sx2").unwrap(),
            vec![Some(0), Some(10_000), Some(20_000)]
        );
        assert!(parse_st_sequence("1m5").is_err());
        assert!(parse_st_sequence("_x0").is_err());
    }
}
