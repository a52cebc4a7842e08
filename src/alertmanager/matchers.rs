//! Alertmanager's label matchers as its configuration writes them: `name="value"`,
//! `name!="value"`, `name=~"regex"`, `name!~"regex"`, values quoted or bare, one
//! or several separated by commas, optionally in braces (`{a="1", b=~"x|y"}`).
//! Regexes are anchored at both ends, as Alertmanager anchors them.

use crate::expo::textparse::unescape_help;
use crate::re::Regex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchOp {
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

#[derive(Clone, Debug)]
pub struct Matcher {
    pub name: String,
    pub op: MatchOp,
    pub value: String,
    regex: Option<Regex>,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Matcher) -> bool {
        (&self.name, self.op, &self.value) == (&other.name, other.op, &other.value)
    }
}

impl Matcher {
    pub fn new(name: &str, op: MatchOp, value: &str) -> Result<Matcher, String> {
        let regex = match op {
            MatchOp::Regex | MatchOp::NotRegex => Some(
                Regex::new(&format!("^(?:{value})$"))
                    .map_err(|e| format!("invalid regular expression {value:?}: {e}"))?,
            ),
            _ => None,
        };
        Ok(Matcher {
            name: name.to_string(),
            op,
            value: value.to_string(),
            regex,
        })
    }

    /// Whether a label value (empty when the label is missing) matches.
    pub fn matches(&self, value: &str) -> bool {
        match (self.op, &self.regex) {
            (MatchOp::Equal, _) => value == self.value,
            (MatchOp::NotEqual, _) => value != self.value,
            (MatchOp::Regex, Some(re)) => re.is_match(value),
            (MatchOp::NotRegex, Some(re)) => !re.is_match(value),
            _ => false,
        }
    }
}

impl std::fmt::Display for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let op = match self.op {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        };
        // As `labels.Matcher.String()`: only `\\`, `\n` and `\"` escaped (OpenMetrics'
        // escaping), so a route's key and amtool's tree print values alike.
        let mut value = String::new();
        crate::expo::encode::format::push_escaped_quoted(&mut value, &self.value);
        write!(f, "{}{op}\"{value}\"", self.name)
    }
}

/// Whether every matcher matches a label set (a missing label reads as empty),
/// as `labels.Matchers.Matches` decides for routes, inhibitions and silences.
pub fn matches_labels(matchers: &[Matcher], labels: &[(String, String)]) -> bool {
    matchers.iter().all(|m| {
        let value = labels
            .iter()
            .find(|(n, _)| *n == m.name)
            .map_or("", |(_, v)| v.as_str());
        m.matches(value)
    })
}

/// Parses one matcher string, which may hold several matchers.
pub fn parse_matchers(input: &str) -> Result<Vec<Matcher>, String> {
    let trimmed = input.trim();
    let inner = match trimmed.strip_prefix('{') {
        Some(rest) => rest
            .strip_suffix('}')
            .ok_or_else(|| format!("bad matcher format: {input}: missing closing '}}'"))?,
        None => trimmed,
    };
    split_outside_quotes(inner)
        .into_iter()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| parse_one(part).map_err(|e| format!("bad matcher format: {part}: {e}")))
        .collect()
}

/// Splits at commas that are not inside double quotes.
fn split_outside_quotes(text: &str) -> Vec<&str> {
    let (mut parts, mut start, mut quoted, mut escaped) = (Vec::new(), 0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            '\\' if quoted => escaped = !escaped,
            '"' if !escaped => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        if c != '\\' {
            escaped = false;
        }
    }
    parts.push(&text[start..]);
    parts
}

fn parse_one(text: &str) -> Result<Matcher, String> {
    let at = text
        .find(['=', '!'])
        .ok_or("expected an operator (=, !=, =~, !~)")?;
    let name = text[..at].trim();
    let rest = &text[at..];
    let (op, value) = if let Some(v) = rest.strip_prefix("=~") {
        (MatchOp::Regex, v)
    } else if let Some(v) = rest.strip_prefix("!~") {
        (MatchOp::NotRegex, v)
    } else if let Some(v) = rest.strip_prefix("!=") {
        (MatchOp::NotEqual, v)
    } else if let Some(v) = rest.strip_prefix('=') {
        (MatchOp::Equal, v)
    } else {
        return Err("expected an operator (=, !=, =~, !~)".into());
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("invalid label name {name:?}"));
    }
    Matcher::new(name, op, &unquote(value.trim())?)
}

/// A double-quoted value, or a bare value as written. Alertmanager unescapes `\\`,
/// `\"` and `\n` and keeps any other backslash as written: the rule OpenMetrics
/// help texts follow, so the exposition parser's unescaping serves.
fn unquote(value: &str) -> Result<String, String> {
    let Some(body) = value.strip_prefix('"') else {
        return Ok(value.to_string());
    };
    let body = body.strip_suffix('"').ok_or("missing closing '\"'")?;
    let trailing = body.bytes().rev().take_while(|&b| b == b'\\').count();
    if trailing % 2 == 1 {
        return Err("a value ends in a lone backslash".into());
    }
    String::from_utf8(unescape_help(body.as_bytes(), true))
        .map_err(|_| "invalid UTF-8 in a value".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_alertmanager_writes() {
        let m = parse_matchers(r#"{service=~"foo1|foo2", owner!="team-X",a=b}"#).unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(
            (m[0].op, m[0].value.as_str()),
            (MatchOp::Regex, "foo1|foo2")
        );
        assert!(m[0].matches("foo2") && !m[0].matches("foo22"));
        assert!(m[1].matches("") && !m[1].matches("team-X"));
        assert_eq!((m[2].name.as_str(), m[2].value.as_str()), ("a", "b"));
        assert_eq!(parse_matchers(r#"x="a,b""#).unwrap()[0].value, "a,b");
        // As Alertmanager: \\, \" and \n unescape, other escapes stay as written.
        assert_eq!(
            parse_matchers(r#"x="q\"\\\n\t""#).unwrap()[0].value,
            "q\"\\\n\\t"
        );
        assert!(parse_matchers(r#"x="a\""#).is_err());
        assert!(parse_matchers("x").is_err());
        assert!(parse_matchers(r#"x=~"(""#).is_err());
        assert_eq!(m[0].to_string(), r#"service=~"foo1|foo2""#);
    }
}
