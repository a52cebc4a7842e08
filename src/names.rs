//! Prometheus's naming rules, shared by every stage (as Prometheus's `model`
//! package is): which metric and label names need no quoting.

/// A legacy (pre-UTF-8) metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
pub fn is_legacy_metric_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'A'..=b'Z' | b'_' | b':'))
        && bytes.all(is_metric_name_byte)
}

/// A legacy label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
pub fn is_legacy_label_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'A'..=b'Z' | b'_')) && bytes.all(is_label_name_byte)
}

/// A byte a legacy metric name may hold after its first (`[a-zA-Z0-9_:]`).
pub fn is_metric_name_byte(b: u8) -> bool {
    NAME_BYTES[b as usize] & METRIC != 0
}

/// A byte a legacy label name may hold after its first (`[a-zA-Z0-9_]`).
pub fn is_label_name_byte(b: u8) -> bool {
    NAME_BYTES[b as usize] & LABEL != 0
}

/// Bytes a legacy name may hold after its first: one table lookup each, as
/// every sample line of every scrape asks (encoding and parsing).
const METRIC: u8 = 1;
const LABEL: u8 = 2;
static NAME_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'_' {
            table[b] = METRIC | LABEL;
        } else if c == b':' {
            table[b] = METRIC;
        }
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_bytes_are_the_legacy_sets() {
        for b in 0..=255u8 {
            let word = b.is_ascii_alphanumeric() || b == b'_';
            assert_eq!(is_label_name_byte(b), word, "{b}");
            assert_eq!(is_metric_name_byte(b), word || b == b':', "{b}");
        }
    }

    #[test]
    fn legacy_names() {
        assert!(is_legacy_metric_name("http_requests_total"));
        assert!(is_legacy_metric_name("job:rate5m:sum"));
        assert!(!is_legacy_metric_name("0a"));
        assert!(!is_legacy_metric_name("a.b"));
        assert!(!is_legacy_metric_name(""));
        assert!(is_legacy_label_name("_x1"));
        assert!(!is_legacy_label_name("a:b"));
    }
}
