//! Series labels as Prometheus's error messages print them, and RFC 3339
//! timestamps; the number formats are `crate::gofmt`'s.

/// `time.Unix(secs, 0).UTC().Format(time.RFC3339)`.
pub(crate) use crate::time::format_rfc3339 as rfc3339;

/// Prometheus's `labels.Labels.String()`: `{__name__="up", job="api"}`, every
/// label inside the braces (as its error messages print series).
pub fn go_labels(labels: &crate::tsdb::Labels) -> String {
    use crate::tsdb::labels::{is_legacy_label_name, write_quoted};
    let mut s = String::from("{");
    for (i, (n, v)) in labels.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        if is_legacy_label_name(n) {
            s.push_str(n);
        } else {
            let _ = write_quoted(&mut s, n);
        }
        s.push('=');
        let _ = write_quoted(&mut s, v);
    }
    s.push('}');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(1703462400), "2023-12-25T00:00:00Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
