//! Label sets: a series' identity.
//!
//! `Labels` is immutable and sorted by name, with the metric name as the ordinary
//! label `__name__`, so equal sets are equal slices: hashing and comparing never
//! sort. It is reference-counted, so the store, its index and the PromQL engine share
//! one copy. As in Prometheus, a label with an empty value is the same as no label
//! and is dropped on construction.

use std::fmt::{self, Write as _};
use std::sync::Arc;

/// The label holding the metric name.
pub const METRIC_NAME: &str = "__name__";

/// An immutable, sorted set of (name, value) pairs with no empty values.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Labels(Arc<[(Box<str>, Box<str>)]>);

impl Labels {
    /// Labels from borrowed pairs in any order. Empty values are dropped; when a
    /// name repeats, the last pair wins (as a label builder's `set`).
    pub fn new(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|&(n, v)| (n, v)).collect()
    }

    /// Labels from the exposition model's owned pairs (`expo::Labels`), with the
    /// metric name (if any) given separately as Prometheus's scrape does.
    pub fn from_metric(name: &str, pairs: &[(String, String)]) -> Labels {
        std::iter::once((METRIC_NAME, name))
            .chain(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())))
            .collect()
    }

    fn from_sorted_candidates(mut pairs: Vec<(Box<str>, Box<str>)>) -> Labels {
        // Stable: among equal names the original order stays, so keeping the last of
        // each run keeps the last written.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(Box<str>, Box<str>)> = Vec::with_capacity(pairs.len());
        for p in pairs {
            match out.last_mut() {
                Some(last) if last.0 == p.0 => *last = p,
                _ => out.push(p),
            }
        }
        out.retain(|(_, v)| !v.is_empty());
        Labels(out.into())
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(n, _)| (**n).cmp(name))
            .ok()
            .map(|i| &*self.0[i].1)
    }

    /// The metric name (`__name__`), if set.
    pub fn metric_name(&self) -> Option<&str> {
        // It sorts first unless a name starts with a capital or `__a`..`__m`.
        match self.0.first() {
            Some((n, v)) if &**n == METRIC_NAME => Some(v),
            _ => self.get(METRIC_NAME),
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Pairs in name order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.0.iter().map(|(n, v)| (&**n, &**v))
    }

    /// Owned pairs in name order (the exposition model's `Labels`).
    pub fn to_vec(&self) -> Vec<(String, String)> {
        self.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    /// A copy without the given names (e.g. PromQL dropping `__name__`).
    pub fn without(&self, names: &[&str]) -> Labels {
        Labels(
            self.0
                .iter()
                .filter(|(n, _)| !names.contains(&&**n))
                .cloned()
                .collect(),
        )
    }

    /// An id for this very set (not its contents): equal for clones, different
    /// for sets built separately. Valid while the set is alive.
    pub fn identity(&self) -> usize {
        Arc::as_ptr(&self.0) as *const u8 as usize
    }

    /// Heap bytes this set holds: the shared slice and its strings.
    pub fn heap_bytes(&self) -> usize {
        // Arc header (two counters) + the pair slice + the string bytes.
        16 + std::mem::size_of_val(&*self.0)
            + self.0.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>()
    }
}

impl<N: AsRef<str>, V: AsRef<str>> FromIterator<(N, V)> for Labels {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Labels {
        Labels::from_sorted_candidates(
            iter.into_iter()
                .map(|(n, v)| (Box::from(n.as_ref()), Box::from(v.as_ref())))
                .collect(),
        )
    }
}

impl From<&[(&str, &str)]> for Labels {
    fn from(pairs: &[(&str, &str)]) -> Labels {
        Labels::new(pairs)
    }
}

impl From<Vec<(String, String)>> for Labels {
    fn from(pairs: Vec<(String, String)>) -> Labels {
        Labels::from_sorted_candidates(
            pairs
                .into_iter()
                .map(|(n, v)| (n.into_boxed_str(), v.into_boxed_str()))
                .collect(),
        )
    }
}

pub use crate::names::{is_legacy_label_name, is_legacy_metric_name};

/// Where a byte that is not valid UTF-8 is kept in a `String`: U+10FF80 to
/// U+10FFFF, private-use code points standing for the bytes 0x80 to 0xFF. PromQL
/// strings are Go strings (bytes): `"a\xc5z"` is legal, and Prometheus rejects it
/// only where a label needs valid UTF-8, naming the bytes as `\xc5`.
const RAW_BYTE_BASE: u32 = 0x10_FF00;

/// The string of Go bytes, lossless: invalid UTF-8 bytes as their stand-ins.
pub fn from_go_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for &b in chunk.invalid() {
            out.push(
                char::from_u32(RAW_BYTE_BASE + u32::from(b)).expect("a private-use code point"),
            );
        }
    }
    out
}

/// The byte a stand-in character holds (see [`from_go_bytes`]).
pub fn raw_byte(c: char) -> Option<u8> {
    let v = (c as u32).checked_sub(RAW_BYTE_BASE)?;
    u8::try_from(v).ok().filter(|b| *b >= 0x80)
}

/// The string with stand-in bytes written as `\\xNN` (for messages).
pub fn escape_raw_bytes(s: &str) -> std::borrow::Cow<'_, str> {
    if is_valid_utf8(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match raw_byte(c) {
            Some(b) => {
                let _ = write!(out, "\\x{b:02x}");
            }
            None => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether the string's Go bytes are valid UTF-8 (no stand-in bytes).
pub fn is_valid_utf8(s: &str) -> bool {
    !s.chars().any(|c| raw_byte(c).is_some())
}

/// Writes `s` double-quoted as Go's `%q` does for printable text: `\\`, `\"`, and
/// control characters escaped; bytes that are not UTF-8 as `\xNN`.
pub fn write_quoted(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    out.write_char('"')?;
    for c in s.chars() {
        if let Some(b) = raw_byte(c) {
            write!(out, "\\x{b:02x}")?;
            continue;
        }
        match c {
            '\\' => out.write_str("\\\\")?,
            '"' => out.write_str("\\\"")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c if (c as u32) < 0x20 || c == '\x7f' => write!(out, "\\x{:02x}", c as u32)?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('"')
}

/// Prometheus's form: `name{a="b", c="d"}`, or `name` alone, or `{a="b"}` without a
/// name. Names outside the legacy character set are quoted, as Prometheus 3 prints
/// them (`{"my.metric", a="b"}`).
impl fmt::Display for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.metric_name();
        let quoted_name = name.filter(|n| !is_legacy_metric_name(n));
        if let Some(n) = name.filter(|n| is_legacy_metric_name(n)) {
            f.write_str(n)?;
        }
        let rest = self.iter().filter(|(n, _)| *n != METRIC_NAME);
        if quoted_name.is_none() && self.len() == 1 && name.is_some() {
            return Ok(());
        }
        f.write_char('{')?;
        let mut first = true;
        if let Some(n) = quoted_name {
            write_quoted(f, n)?;
            first = false;
        }
        for (n, v) in rest {
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            if is_legacy_label_name(n) {
                f.write_str(n)?;
            } else {
                write_quoted(f, n)?;
            }
            f.write_char('=')?;
            write_quoted(f, v)?;
        }
        f.write_char('}')
    }
}

impl fmt::Debug for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_deduplicated_and_empty_values_dropped() {
        let l = Labels::new(&[
            ("job", "api"),
            ("__name__", "up"),
            ("a", ""),
            ("job", "web"),
        ]);
        let pairs: Vec<_> = l.iter().collect();
        assert_eq!(pairs, vec![("__name__", "up"), ("job", "web")]);
        assert_eq!(l.get("a"), None);
        assert_eq!(l.get("job"), Some("web"));
        assert_eq!(l.metric_name(), Some("up"));
    }

    #[test]
    fn equal_sets_from_any_order_are_equal() {
        let a = Labels::new(&[("b", "2"), ("a", "1")]);
        let b = Labels::from(vec![
            ("a".to_string(), "1".to_string()),
            ("b".into(), "2".into()),
        ]);
        assert_eq!(a, b);
        use std::hash::{BuildHasher, RandomState};
        let s = RandomState::new();
        assert_eq!(s.hash_one(&a), s.hash_one(&b));
    }

    #[test]
    fn from_metric_takes_the_exposition_model() {
        let l = Labels::from_metric("http_requests_total", &[("code".into(), "200".into())]);
        assert_eq!(l.to_string(), r#"http_requests_total{code="200"}"#);
    }

    #[test]
    fn display_as_prometheus() {
        assert_eq!(Labels::new(&[("__name__", "up")]).to_string(), "up");
        assert_eq!(Labels::default().to_string(), "{}");
        assert_eq!(
            Labels::new(&[
                ("job", "a\"b\\c\nd"),
                ("__name__", "up"),
                ("instance", "x:1")
            ])
            .to_string(),
            r#"up{instance="x:1", job="a\"b\\c\nd"}"#
        );
        assert_eq!(Labels::new(&[("a", "1")]).to_string(), r#"{a="1"}"#);
        assert_eq!(
            Labels::new(&[("__name__", "my.metric"), ("http.code", "200")]).to_string(),
            r#"{"my.metric", "http.code"="200"}"#
        );
    }

    #[test]
    fn without_drops_names() {
        let l = Labels::new(&[("__name__", "up"), ("job", "a")]);
        assert_eq!(l.without(&[METRIC_NAME]).to_string(), r#"{job="a"}"#);
    }
}
