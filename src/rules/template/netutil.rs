//! The bits of Go's `net` and `net/url` that template functions use:
//! `SplitHostPort`, `JoinHostPort`, `ParseIP`, `QueryEscape`, and the path
//! of the external URL.

/// `url.QueryEscape` (one implementation, with the notifier's links).
pub(super) use crate::gofmt::go_query_escape as query_escape;

/// `net.SplitHostPort`; `None` where Go returns an error.
pub(super) fn split_host_port(hostport: &str) -> Option<(&str, &str)> {
    let i = hostport.rfind(':')?;
    let (host, j, k) = if hostport.starts_with('[') {
        let end = hostport.find(']')?;
        if end + 1 != i {
            return None;
        }
        (&hostport[1..end], 1, end + 1)
    } else {
        let host = &hostport[..i];
        if host.contains(':') {
            return None;
        }
        (host, 0, 0)
    };
    if hostport[j..].contains('[') || hostport[k..].contains(']') {
        return None;
    }
    Some((host, &hostport[i + 1..]))
}

/// `net.JoinHostPort`.
pub(super) fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `net.ParseIP(s) != nil`: dotted IPv4 (no leading zeros) or IPv6.
pub(super) fn is_ip(s: &str) -> bool {
    is_ipv4(s) || is_ipv6(s)
}

fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && !(p.len() > 1 && p.starts_with('0'))
                && p.parse::<u32>().is_ok_and(|n| n <= 255)
        })
}

fn is_ipv6(s: &str) -> bool {
    // Groups of 1-4 hex digits; one "::" may stand for zero or more groups;
    // the last 32 bits may be written as IPv4.
    let (head, tail, ellipsis) = match s.find("::") {
        Some(i) => (&s[..i], &s[i + 2..], true),
        None => (s, "", false),
    };
    if tail.contains("::") {
        return false;
    }
    let count = |part: &str, last: bool| -> Option<usize> {
        if part.is_empty() {
            return Some(0);
        }
        let groups: Vec<&str> = part.split(':').collect();
        let mut n = 0;
        for (i, g) in groups.iter().enumerate() {
            if last && i == groups.len() - 1 && g.contains('.') {
                if !is_ipv4(g) {
                    return None;
                }
                n += 2;
            } else if (1..=4).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_hexdigit()) {
                n += 1;
            } else {
                return None;
            }
        }
        Some(n)
    };
    let (Some(a), Some(b)) = (count(head, !ellipsis), count(tail, true)) else {
        return false;
    };
    if ellipsis { a + b < 8 } else { a == 8 }
}

/// The parts of the external URL that `pathPrefix` and `externalURL` return.
#[derive(Debug, Clone, Default)]
pub(super) struct ExternalUrl {
    /// `url.URL.String()`: as given (Go re-encodes only unusual URLs).
    pub text: String,
    /// `url.URL.Path`: the decoded path.
    pub path: String,
}

impl ExternalUrl {
    pub(super) fn parse(text: &str) -> ExternalUrl {
        let rest = text.split(['#']).next().unwrap_or("");
        let rest = rest.split('?').next().unwrap_or("");
        let path = match rest.find("://") {
            Some(i) => {
                let after = &rest[i + 3..];
                after.find('/').map_or("", |j| &after[j..])
            }
            None if rest.starts_with("//") => rest[2..].find('/').map_or("", |j| &rest[2 + j..]),
            None => rest,
        };
        ExternalUrl {
            text: text.to_string(),
            path: percent_decode(path),
        }
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (
                (b[i + 1] as char).to_digit(16),
                (b[i + 2] as char).to_digit(16),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            split_host_port("foo.example.com:12345"),
            Some(("foo.example.com", "12345"))
        );
        assert_eq!(
            split_host_port("[2001:0DB8::1]:12345"),
            Some(("2001:0DB8::1", "12345"))
        );
        assert_eq!(split_host_port("[2001:0DB8::1]::12345"), None);
        assert_eq!(split_host_port("2001:0DB8::1"), None);
        assert_eq!(split_host_port("foo"), None);
        assert!(
            is_ip("192.0.2.1") && is_ip("2001:0DB8::1") && is_ip("::") && is_ip("::ffff:1.2.3.4")
        );
        assert!(!is_ip("foo.example.com") && !is_ip("01.2.3.4") && !is_ip("1:2:3:4:5:6:7:8:9"));
        assert_eq!(query_escape("a b&c/é"), "a+b%26c%2F%C3%A9");
        assert_eq!(
            ExternalUrl::parse("http://testhost:9090/path/prefix").path,
            "/path/prefix"
        );
        assert_eq!(ExternalUrl::parse("http://h").path, "");
    }
}
