//! Label matchers: `=`, `!=`, `=~`, `!~`, as Prometheus's `model/labels/matcher.go`.
//!
//! Regular expressions are fully anchored (`=~"a|b"` matches the values `a` and `b`
//! only) and, as Prometheus compiles them, `.` also matches a newline. Prometheus uses
//! Go's RE2; this uses the `regex` crate, whose syntax is nearly the same. Where
//! they differ, the pattern is translated to keep RE2's meaning: `\d`, `\w`, `\s`,
//! `\b` are ASCII-only in RE2 (Unicode-aware in `regex`), `\Q…\E` quotes literally,
//! and `[`, `&`, `~` inside a class are literals in RE2 (set operators in `regex`).
//! Two shapes skip the regex engine: `.*` (everything) and plain alternations of
//! literals like `GET|POST`, which the index answers by direct lookups.

use std::fmt;

use crate::re::{ASCII_NOT_WORD_BOUNDARY, ASCII_WORD_BOUNDARY, Regex};

use super::labels::{is_legacy_label_name, write_quoted};

/// The four matcher operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MatchType {
    Equal,
    NotEqual,
    Regexp,
    NotRegexp,
}

impl MatchType {
    pub fn operator(self) -> &'static str {
        match self {
            MatchType::Equal => "=",
            MatchType::NotEqual => "!=",
            MatchType::Regexp => "=~",
            MatchType::NotRegexp => "!~",
        }
    }

    fn is_negative(self) -> bool {
        matches!(self, MatchType::NotEqual | MatchType::NotRegexp)
    }
}

/// A regex that does not compile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatcherError {
    pub pattern: String,
    pub message: String,
}

impl fmt::Display for MatcherError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid regular expression {:?}: {}",
            self.pattern, self.message
        )
    }
}

impl std::error::Error for MatcherError {}

#[derive(Clone, Debug)]
enum Pattern {
    /// `=` / `!=`: the value itself.
    Literal,
    /// `.*`: any value, the empty one included.
    Any,
    /// A plain alternation of literals, sorted and deduplicated.
    Set(Vec<String>),
    Regex(Regex),
}

/// One label matcher: `name op "value"`.
#[derive(Clone, Debug)]
pub struct Matcher {
    kind: MatchType,
    name: String,
    value: String,
    pattern: Pattern,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Matcher) -> bool {
        self.kind == other.kind && self.name == other.name && self.value == other.value
    }
}

impl Eq for Matcher {}

impl Matcher {
    /// A matcher; fails only for a regex that does not compile.
    pub fn new(kind: MatchType, name: &str, value: &str) -> Result<Matcher, MatcherError> {
        let pattern = match kind {
            MatchType::Equal | MatchType::NotEqual => Pattern::Literal,
            MatchType::Regexp | MatchType::NotRegexp => compile(value)?,
        };
        Ok(Matcher {
            kind,
            name: name.to_string(),
            value: value.to_string(),
            pattern,
        })
    }

    /// `name="value"`.
    pub fn equal(name: &str, value: &str) -> Matcher {
        Matcher::new(MatchType::Equal, name, value).expect("literal matchers always compile")
    }

    /// `name!="value"`.
    pub fn not_equal(name: &str, value: &str) -> Matcher {
        Matcher::new(MatchType::NotEqual, name, value).expect("literal matchers always compile")
    }

    /// `name=~"regex"`.
    pub fn regex(name: &str, re: &str) -> Result<Matcher, MatcherError> {
        Matcher::new(MatchType::Regexp, name, re)
    }

    /// `name!~"regex"`.
    pub fn not_regex(name: &str, re: &str) -> Result<Matcher, MatcherError> {
        Matcher::new(MatchType::NotRegexp, name, re)
    }

    pub fn kind(&self) -> MatchType {
        self.kind
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    /// Whether a label value satisfies the matcher (a missing label is the value "").
    pub fn matches(&self, v: &str) -> bool {
        let hit = match &self.pattern {
            Pattern::Literal => v == self.value,
            Pattern::Any => true,
            Pattern::Set(set) => set.binary_search_by(|s| s.as_str().cmp(v)).is_ok(),
            Pattern::Regex(re) => re.is_match(v),
        };
        hit != self.kind.is_negative()
    }

    /// Whether series without the label are selected (Prometheus's rule: a matcher
    /// that matches "" also matches an absent label).
    pub fn matches_empty(&self) -> bool {
        self.matches("")
    }

    /// The literal values of `=`/`!=` and of set-shaped `=~`/`!~` (sorted), for
    /// direct index lookups instead of a scan over all of a label's values.
    pub(crate) fn literal_values(&self) -> Option<Vec<&str>> {
        match &self.pattern {
            Pattern::Literal => Some(vec![self.value.as_str()]),
            Pattern::Set(set) => Some(set.iter().map(|s| s.as_str()).collect()),
            _ => None,
        }
    }

    /// Whether the matcher is `!=` or `!~`.
    pub fn is_negative(&self) -> bool {
        self.kind.is_negative()
    }
}

/// Prometheus's printed form: `job=~"api|web"`.
impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_legacy_label_name(&self.name) {
            f.write_str(&self.name)?;
        } else {
            write_quoted(f, &self.name)?;
        }
        f.write_str(self.kind.operator())?;
        write_quoted(f, &self.value)
    }
}

fn compile(value: &str) -> Result<Pattern, MatcherError> {
    // Compile first, so an invalid pattern fails whatever shape it has.
    let re = Regex::new(&format!("^(?s:{})$", re2_to_rust(value))).map_err(|e| MatcherError {
        pattern: value.to_string(),
        message: e.to_string(),
    })?;
    if value == ".*" {
        return Ok(Pattern::Any);
    }
    const META: &[char] = &[
        '\\', '.', '+', '*', '?', '(', ')', '[', ']', '{', '}', '^', '$',
    ];
    if !value.contains(META) {
        let mut set: Vec<String> = value.split('|').map(str::to_string).collect();
        set.sort();
        set.dedup();
        return Ok(Pattern::Set(set));
    }
    Ok(Pattern::Regex(re))
}

/// Rewrites an RE2 pattern so that the `regex` crate gives it RE2's meaning.
pub(crate) fn re2_to_rust(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 8);
    let mut chars = p.chars().peekable();
    let mut in_class = false;
    // Position right after a class opened (`[` or `[^`), where `]` is a literal.
    let mut class_start = false;
    while let Some(c) = chars.next() {
        let at_class_start = std::mem::take(&mut class_start);
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push('\\'); // trailing backslash: let the parser report it
                    break;
                };
                match (e, in_class) {
                    ('Q', _) => {
                        // Literal text up to \E (or the end).
                        let mut lit = String::new();
                        while let Some(c) = chars.next() {
                            if c == '\\' && chars.peek() == Some(&'E') {
                                chars.next();
                                break;
                            }
                            lit.push(c);
                        }
                        if in_class {
                            for c in lit.chars() {
                                push_class_literal(&mut out, c);
                            }
                        } else {
                            out.push_str(&crate::re::escape(&lit));
                        }
                    }
                    ('d', false) => out.push_str("[0-9]"),
                    ('D', false) => out.push_str("[^0-9]"),
                    ('w', false) => out.push_str("[0-9A-Za-z_]"),
                    ('W', false) => out.push_str("[^0-9A-Za-z_]"),
                    ('s', false) => out.push_str(r"[\t\n\f\r ]"),
                    ('S', false) => out.push_str(r"[^\t\n\f\r ]"),
                    ('b', false) => out.push_str(ASCII_WORD_BOUNDARY),
                    ('B', false) => out.push_str(ASCII_NOT_WORD_BOUNDARY),
                    ('d', true) => out.push_str("0-9"),
                    ('D', true) => out.push_str("[:^digit:]"),
                    ('w', true) => out.push_str("0-9A-Za-z_"),
                    ('W', true) => out.push_str("[:^word:]"),
                    ('s', true) => out.push_str(r"\t\n\f\r "),
                    ('S', true) => out.push_str(r"\x00-\x08\x0B\x0E-\x1F!-\x{10FFFF}"),
                    (e, _) => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                class_start = true;
            }
            '[' if chars.peek() == Some(&':') => {
                // A POSIX class `[:alpha:]`: copy through its closing `:]`.
                out.push('[');
                let mut prev = '[';
                for c in chars.by_ref() {
                    out.push(c);
                    if prev == ':' && c == ']' {
                        break;
                    }
                    prev = c;
                }
            }
            ']' if in_class && !at_class_start => {
                in_class = false;
                out.push(']');
            }
            c if in_class => push_class_literal(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

fn push_class_literal(out: &mut String, c: char) {
    if matches!(c, '[' | '&' | '~' | ']' | '\\') {
        out.push('\\');
    }
    out.push(c);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(kind: MatchType, v: &str) -> Matcher {
        Matcher::new(kind, "l", v).unwrap()
    }

    #[test]
    fn regexes_are_fully_anchored() {
        let re = m(MatchType::Regexp, "a|b");
        assert!(re.matches("a") && re.matches("b"));
        assert!(!re.matches("ab") && !re.matches("xa") && !re.matches(""));
        let re = m(MatchType::Regexp, "fo+");
        assert!(re.matches("foo") && !re.matches("foox") && !re.matches("xfoo"));
        assert!(
            m(MatchType::Regexp, "a.b").matches("a\nb"),
            "dot matches newline"
        );
    }

    #[test]
    fn negative_matchers_invert() {
        assert!(m(MatchType::NotRegexp, "a|b").matches("c"));
        assert!(!m(MatchType::NotRegexp, "a|b").matches("a"));
        assert!(m(MatchType::NotEqual, "a").matches(""));
        assert!(!m(MatchType::NotEqual, "").matches(""));
    }

    #[test]
    fn matches_empty() {
        assert!(m(MatchType::Equal, "").matches_empty());
        assert!(m(MatchType::Regexp, ".*").matches_empty());
        assert!(m(MatchType::Regexp, "a?").matches_empty());
        assert!(!m(MatchType::Regexp, ".+").matches_empty());
        assert!(m(MatchType::NotEqual, "x").matches_empty());
        assert!(!m(MatchType::NotRegexp, ".*").matches_empty());
    }

    #[test]
    fn set_shapes_and_any() {
        let re = m(MatchType::Regexp, "POST|GET|GET");
        assert_eq!(re.literal_values(), Some(vec!["GET", "POST"]));
        assert!(re.matches("GET") && !re.matches("PUT"));
        assert_eq!(m(MatchType::Regexp, "a.*").literal_values(), None);
        assert!(m(MatchType::Regexp, ".*").matches("anything\n"));
        assert_eq!(
            m(MatchType::NotRegexp, "a|b|").literal_values(),
            Some(vec!["", "a", "b"])
        );
        assert!(!m(MatchType::NotRegexp, "a|b|").matches(""));
    }

    #[test]
    fn re2_meanings_kept() {
        // ASCII-only Perl classes, as RE2.
        assert!(!m(MatchType::Regexp, r"\d+").matches("٣"));
        assert!(m(MatchType::Regexp, r"\d+").matches("123"));
        assert!(!m(MatchType::Regexp, r"\w").matches("é"));
        assert!(m(MatchType::Regexp, r"[\w.]+").matches("a_b.c"));
        assert!(!m(MatchType::Regexp, r"[\w.]+").matches("é"));
        assert!(m(MatchType::Regexp, r"[^\d]").matches("é"));
        assert!(m(MatchType::Regexp, r"[\D]").matches("é"));
        assert!(
            !m(MatchType::Regexp, r"\s").matches("\u{0b}"),
            "RE2 \\s has no \\v"
        );
        assert!(m(MatchType::Regexp, r"[\S]").matches("x"));
        assert!(!m(MatchType::Regexp, r"[\S]").matches(" "));
        assert!(m(MatchType::Regexp, r"a\b.*").matches("a b"));
        // Literal text and RE2 class literals.
        assert!(m(MatchType::Regexp, r"\Qa.b\E").matches("a.b"));
        assert!(!m(MatchType::Regexp, r"\Qa.b\E").matches("axb"));
        assert!(m(MatchType::Regexp, r"[[]").matches("["));
        assert!(m(MatchType::Regexp, r"[a&&b]").matches("&"));
        assert!(m(MatchType::Regexp, r"[]a]").matches("]"));
        assert!(m(MatchType::Regexp, r"[[:alpha:]]+").matches("abc"));
        assert!(m(MatchType::Regexp, r"(?i)abc").matches("ABC"));
        // Unicode classes stay Unicode, as in RE2.
        assert!(m(MatchType::Regexp, r"\pL+").matches("é"));
        assert!(m(MatchType::Regexp, r"\p{Greek}").matches("α"));
        assert!(m(MatchType::Regexp, r"(?i)é").matches("É"));
        assert!(m(MatchType::Regexp, r"\W").matches("é"));
        assert!(m(MatchType::Regexp, r"[^\W]").matches("a"));
        assert!(!m(MatchType::Regexp, r"[^\W]").matches("é"));
    }

    #[test]
    fn invalid_regex_is_an_error() {
        let e = Matcher::regex("job", "a(").unwrap_err();
        assert_eq!(e.pattern, "a(");
        assert!(
            e.to_string()
                .starts_with("invalid regular expression \"a(\"")
        );
    }

    #[test]
    fn display() {
        assert_eq!(
            Matcher::regex("job", "a|b").unwrap().to_string(),
            r#"job=~"a|b""#
        );
        assert_eq!(
            Matcher::not_equal("x.y", "\"").to_string(),
            r#""x.y"!="\"""#
        );
    }
}
