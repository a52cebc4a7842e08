//! Go's `regexp` (RE2 syntax) on top of the regex facade: patterns are
//! rewritten where the two dialects differ (RE2's `\d \w \s \b` are ASCII,
//! `\Q…\E`, octal escapes, a lone `{` or a `[` inside a class is a literal),
//! Go's common syntax errors are reported in Go's words, and `ReplaceAllString`
//! follows Go's rules for empty matches and `$name` expansion.

use crate::re::Regex;

use super::strconv::{can_backquote, is_digit, is_letter, quote};

fn go_err(code: &str, expr: &str) -> String {
    format!("error parsing regexp: {code}: `{expr}`")
}

/// `regexp.MustCompile`'s panic text for a bad pattern.
pub(super) fn must_compile_message(pattern: &str, err: &str) -> String {
    let q = if can_backquote(pattern) {
        format!("`{pattern}`")
    } else {
        quote(pattern)
    };
    format!("regexp: Compile({q}): {err}")
}

/// `regexp.Compile`: the compiled pattern, or Go's error text.
pub(super) fn compile(pattern: &str) -> Result<Regex, String> {
    let translated = translate(pattern)?;
    Regex::new(&translated).map_err(|e| {
        let text = e.to_string();
        let why = text
            .lines()
            .rev()
            .find_map(|l| l.trim().strip_prefix("error: "))
            .unwrap_or("invalid or unsupported Perl syntax")
            .to_string();
        go_err(&why, pattern)
    })
}

/// Escapes one literal character for the regex crate (outside classes).
fn push_literal(out: &mut String, c: char) {
    if c.is_ascii_punctuation() || c == ' ' || c == '#' {
        out.push_str(&format!("\\x{{{:x}}}", c as u32));
    } else {
        out.push(c);
    }
}

/// Escapes one character inside a class.
fn push_class_char(out: &mut String, c: char) {
    if c.is_ascii_punctuation() || c.is_whitespace() {
        out.push_str(&format!("\\x{{{:x}}}", c as u32));
    } else {
        out.push(c);
    }
}

/// An escape's replacement: an ASCII Perl class, or a single character.
enum Escaped {
    Class(&'static str),
    Char(char),
    Raw(String),
}

/// `\d`-style classes and single-character escapes (Go's parseEscape).
fn escape(chars: &[char], i: usize, in_class: bool) -> Result<(Escaped, usize), String> {
    let Some(&c) = chars.get(i + 1) else {
        return Err(go_err("trailing backslash at end of expression", ""));
    };
    let text = |end: usize| chars[i..end.min(chars.len())].iter().collect::<String>();
    let class = |pos: &'static str| Ok((Escaped::Class(pos), i + 2));
    match c {
        'd' => class("0-9"),
        'D' => class("[^0-9]"),
        's' => class("\\t\\n\\x0C\\r "),
        'S' => class("[^\\t\\n\\x0C\\r ]"),
        'w' => class("0-9A-Za-z_"),
        'W' => class("[^0-9A-Za-z_]"),
        'p' | 'P' => {
            let end = if chars.get(i + 2) == Some(&'{') {
                match chars[i + 2..].iter().position(|&x| x == '}') {
                    Some(k) => i + 2 + k + 1,
                    None => {
                        return Err(go_err("invalid character class range", &text(chars.len())));
                    }
                }
            } else if i + 2 < chars.len() {
                i + 3
            } else {
                return Err(go_err("invalid character class range", &text(i + 2)));
            };
            Ok((Escaped::Raw(text(end)), end))
        }
        'a' => Ok((Escaped::Char('\x07'), i + 2)),
        'f' => Ok((Escaped::Char('\x0c'), i + 2)),
        't' => Ok((Escaped::Char('\t'), i + 2)),
        'n' => Ok((Escaped::Char('\n'), i + 2)),
        'r' => Ok((Escaped::Char('\r'), i + 2)),
        'v' => Ok((Escaped::Char('\x0b'), i + 2)),
        '0'..='7' => {
            // Octal; a single non-zero digit would be a backreference.
            let mut j = i + 1;
            let mut v = 0u32;
            while j < chars.len() && j < i + 4 && ('0'..='7').contains(&chars[j]) {
                v = v * 8 + (chars[j] as u32 - '0' as u32);
                j += 1;
            }
            if c != '0' && j == i + 2 {
                return Err(go_err("invalid escape sequence", &text(i + 2)));
            }
            Ok((Escaped::Char(char::from_u32(v).unwrap_or('\u{fffd}')), j))
        }
        'x' => {
            let bad = |end: usize| Err(go_err("invalid escape sequence", &text(end)));
            if chars.get(i + 2) == Some(&'{') {
                let Some(k) = chars[i + 3..].iter().position(|&x| x == '}') else {
                    return bad(chars.len());
                };
                let hex: String = chars[i + 3..i + 3 + k].iter().collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if !hex.is_empty() => Ok((Escaped::Char(ch), i + 4 + k)),
                    _ => bad(i + 4 + k),
                }
            } else {
                let hex: String = chars.iter().skip(i + 2).take(2).collect();
                match u32::from_str_radix(&hex, 16) {
                    Ok(v) if hex.len() == 2 => {
                        Ok((Escaped::Char(char::from_u32(v).unwrap_or('\0')), i + 4))
                    }
                    _ => bad(i + 2 + hex.chars().count()),
                }
            }
        }
        'b' | 'B' | 'A' | 'z' if !in_class => Ok((
            Escaped::Raw(match c {
                'b' => "(?-u:\\b)".into(),
                'B' => "(?-u:\\B)".into(),
                'A' => "\\A".into(),
                _ => "\\z".into(),
            }),
            i + 2,
        )),
        c if c.is_ascii_punctuation() => Ok((Escaped::Char(c), i + 2)),
        _ => Err(go_err("invalid escape sequence", &text(i + 2))),
    }
}

/// A Go `{n}`, `{n,}`, `{n,m}` at `i`: (min, max or -1, end), or `None` if literal.
fn parse_repeat(chars: &[char], i: usize) -> Option<(i64, i64, usize)> {
    let mut j = i + 1;
    let num = |j: &mut usize| -> Option<i64> {
        let start = *j;
        while *j < chars.len() && chars[*j].is_ascii_digit() {
            *j += 1;
        }
        if *j == start {
            return None;
        }
        let s: String = chars[start..*j].iter().collect();
        Some(s.parse::<i64>().unwrap_or(i64::MAX).min(100_000))
    };
    let min = num(&mut j)?;
    let max = if chars.get(j) == Some(&',') {
        j += 1;
        if chars.get(j) == Some(&'}') {
            -1
        } else {
            num(&mut j)?
        }
    } else {
        min
    };
    if chars.get(j) != Some(&'}') {
        return None;
    }
    Some((min, max, j + 1))
}

/// Rewrites a Go pattern for the regex crate, or returns Go's syntax error.
fn translate(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let text = |a: usize, b: usize| chars[a..b.min(chars.len())].iter().collect::<String>();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut depth = 0usize;
    // Whether something precedes that a repetition can apply to.
    let mut operand = false;
    let mut last_repeat: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut repeat_at = None;
        match c {
            '\\' if chars.get(i + 1) == Some(&'Q') => {
                let rest = &chars[i + 2..];
                let end =
                    (0..rest.len()).find(|&k| rest[k] == '\\' && rest.get(k + 1) == Some(&'E'));
                let lit = &rest[..end.unwrap_or(rest.len())];
                for &ch in lit {
                    push_literal(&mut out, ch);
                }
                operand = operand || !lit.is_empty();
                i += 2 + end.map_or(rest.len(), |k| k + 2);
                last_repeat = None;
                continue;
            }
            '\\' => {
                let (e, next) = escape(&chars, i, false)?;
                match e {
                    Escaped::Class(pos) if pos.starts_with('[') => out.push_str(pos),
                    Escaped::Class(pos) => out.push_str(&format!("[{pos}]")),
                    Escaped::Char(ch) => push_literal(&mut out, ch),
                    Escaped::Raw(s) => out.push_str(&s),
                }
                operand = true;
                i = next;
                last_repeat = None;
                continue;
            }
            '[' => {
                i = translate_class(&chars, i, &mut out)?;
                operand = true;
                last_repeat = None;
                continue;
            }
            '(' => {
                if chars.get(i + 1) == Some(&'?') {
                    let start = i;
                    let mut j = i + 2;
                    if chars.get(j) == Some(&'P') && chars.get(j + 1) == Some(&'<') {
                        let Some(k) = chars[j..].iter().position(|&x| x == '>') else {
                            return Err(go_err("invalid named capture", &text(start, chars.len())));
                        };
                        let name = text(j + 2, j + k);
                        let valid = !name.is_empty()
                            && name
                                .chars()
                                .all(|ch| ch == '_' || is_letter(ch) || is_digit(ch));
                        if !valid {
                            return Err(go_err("invalid named capture", &text(start, j + k + 1)));
                        }
                        out.push_str(&text(start, j + k + 1));
                        i = j + k + 1;
                        depth += 1;
                        operand = false;
                        last_repeat = None;
                        continue;
                    }
                    let mut neg = false;
                    let mut saw = false;
                    loop {
                        let Some(&f) = chars.get(j) else {
                            return Err(go_err(
                                "invalid or unsupported Perl syntax",
                                &text(start, j),
                            ));
                        };
                        j += 1;
                        match f {
                            'i' | 'm' | 's' | 'U' => saw = true,
                            '-' if !neg => {
                                neg = true;
                                saw = false;
                            }
                            ':' | ')' if !neg || saw => {
                                out.push_str(&text(start, j));
                                if f == ':' {
                                    depth += 1;
                                    operand = false;
                                }
                                break;
                            }
                            _ => {
                                return Err(go_err(
                                    "invalid or unsupported Perl syntax",
                                    &text(start, j),
                                ));
                            }
                        }
                    }
                    i = j;
                    last_repeat = None;
                    continue;
                }
                out.push('(');
                depth += 1;
                operand = false;
            }
            ')' => {
                if depth == 0 {
                    return Err(go_err("unexpected )", pattern));
                }
                depth -= 1;
                out.push(')');
                operand = true;
            }
            '|' => {
                out.push('|');
                operand = false;
            }
            '*' | '+' | '?' | '{' => {
                let (end, op) = if c == '{' {
                    match parse_repeat(&chars, i) {
                        None => {
                            out.push_str("\\{");
                            operand = true;
                            i += 1;
                            last_repeat = None;
                            continue;
                        }
                        Some((min, max, end)) => {
                            if !(0..=1000).contains(&min) || max > 1000 || max >= 0 && min > max {
                                return Err(go_err("invalid repeat count", &text(i, end)));
                            }
                            (end, text(i, end))
                        }
                    }
                } else {
                    (i + 1, c.to_string())
                };
                let end = if chars.get(end) == Some(&'?') {
                    end + 1
                } else {
                    end
                };
                if let Some(lr) = last_repeat {
                    return Err(go_err("invalid nested repetition operator", &text(lr, end)));
                }
                if !operand {
                    return Err(go_err(
                        "missing argument to repetition operator",
                        &text(i, end),
                    ));
                }
                out.push_str(&op);
                if end > i + op.chars().count() {
                    out.push('?');
                }
                repeat_at = Some(i);
                i = end;
                last_repeat = repeat_at;
                continue;
            }
            '}' => {
                out.push_str("\\}");
                operand = true;
            }
            '^' | '$' | '.' => {
                out.push(c);
                operand = true;
            }
            c => {
                push_literal(&mut out, c);
                operand = true;
            }
        }
        last_repeat = repeat_at;
        i += 1;
    }
    if depth > 0 {
        return Err(go_err("missing closing )", pattern));
    }
    Ok(out)
}

/// A `[...]` class starting at `start`; returns the index after it.
fn translate_class(chars: &[char], start: usize, out: &mut String) -> Result<usize, String> {
    let whole = || chars[start..].iter().collect::<String>();
    let mut i = start + 1;
    out.push('[');
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(go_err("missing closing ]", &whole()));
        };
        if c == ']' && !first {
            out.push(']');
            return Ok(i + 1);
        }
        first = false;
        if c == '['
            && chars.get(i + 1) == Some(&':')
            && let Some(k) = (i + 2..chars.len().saturating_sub(1))
                .find(|&k| chars[k] == ':' && chars[k + 1] == ']')
        {
            {
                let name: String = chars[i..k + 2].iter().collect();
                const POSIX: &[&str] = &[
                    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower",
                    "print", "punct", "space", "upper", "word", "xdigit",
                ];
                let bare = name[2..name.len() - 2].trim_start_matches('^');
                if !POSIX.contains(&bare) {
                    return Err(go_err("invalid character class range", &name));
                }
                out.push_str(&name);
                i = k + 2;
                continue;
            }
        }
        let range_start = i;
        let (lo, next) = class_char(chars, i, out)?;
        i = next;
        let Some(lo) = lo else { continue };
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&n| n != ']') {
            let mut scratch = String::new();
            let (hi, next) = class_char(chars, i + 1, &mut scratch)?;
            let Some(hi) = hi else {
                return Err(go_err(
                    "invalid character class range",
                    &chars[range_start..next].iter().collect::<String>(),
                ));
            };
            if hi < lo {
                return Err(go_err(
                    "invalid character class range",
                    &chars[range_start..next].iter().collect::<String>(),
                ));
            }
            out.push('-');
            push_class_char(out, hi);
            i = next;
        }
    }
}

/// One class element: a character (returned, already written) or a Perl
/// class (written, `None`).
fn class_char(chars: &[char], i: usize, out: &mut String) -> Result<(Option<char>, usize), String> {
    if chars[i] != '\\' {
        push_class_char(out, chars[i]);
        return Ok((Some(chars[i]), i + 1));
    }
    let (e, next) = escape(chars, i, true)?;
    Ok(match e {
        Escaped::Char(c) => {
            push_class_char(out, c);
            (Some(c), next)
        }
        Escaped::Class(pos) => {
            out.push_str(pos);
            (None, next)
        }
        Escaped::Raw(s) => {
            out.push_str(&s);
            (None, next)
        }
    })
}

/// `Regexp.ReplaceAllString`: `$1`, `${name}` expanded; an empty match right
/// after a previous match is not replaced.
pub(super) fn replace_all(re: &Regex, src: &str, repl: &str) -> String {
    let mut out = String::new();
    let mut last_end = 0;
    let mut search = 0;
    while search <= src.len() {
        let Some(caps) = re.captures_at(src, search) else {
            break;
        };
        let Some(m) = caps.get(0) else { break };
        out.push_str(&src[last_end..m.start()]);
        if m.end() > last_end || m.start() == 0 {
            // Group spans, so that this works with either regex facade.
            let groups: Vec<Option<(usize, usize)>> = (0..caps.len())
                .map(|i| caps.get(i).map(|g| (g.start(), g.end())))
                .collect();
            expand(&mut out, re, &groups, src, repl);
        }
        last_end = m.end();
        let width = src[search..].chars().next().map_or(0, char::len_utf8);
        if search + width > m.end() {
            search += width;
        } else if search + 1 > m.end() {
            search += 1;
        } else {
            search = m.end();
        }
        while search < src.len() && !src.is_char_boundary(search) {
            search += 1;
        }
    }
    out.push_str(&src[last_end.min(src.len())..]);
    out
}

/// Go's `Regexp.expand` of a replacement template.
fn expand(
    out: &mut String,
    re: &Regex,
    groups: &[Option<(usize, usize)>],
    src: &str,
    mut template: &str,
) {
    while let Some(k) = template.find('$') {
        out.push_str(&template[..k]);
        template = &template[k + 1..];
        if let Some(rest) = template.strip_prefix('$') {
            out.push('$');
            template = rest;
            continue;
        }
        let brace = template.starts_with('{');
        let body = if brace { &template[1..] } else { template };
        let n = body
            .char_indices()
            .find(|&(_, ch)| !(ch == '_' || is_letter(ch) || is_digit(ch)))
            .map_or(body.len(), |(i, _)| i);
        if n == 0 || brace && !body[n..].starts_with('}') {
            out.push('$');
            continue;
        }
        let name = &body[..n];
        template = &body[n + usize::from(brace)..];
        let num = if name.bytes().all(|b| b.is_ascii_digit())
            && !(name.len() > 1 && name.starts_with('0'))
            && name.len() < 9
        {
            name.parse::<usize>().ok()
        } else {
            None
        };
        let index = match num {
            Some(i) => Some(i),
            None => re.capture_names().position(|nm| nm == Some(name)),
        };
        if let Some(&Some((a, b))) = index.and_then(|i| groups.get(i)) {
            out.push_str(&src[a..b]);
        }
    }
    out.push_str(template);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(p: &str, src: &str, repl: &str) -> String {
        replace_all(&compile(p).unwrap(), src, repl)
    }

    #[test]
    fn go_semantics() {
        assert_eq!(rep("(a)b", "ab", "x$1"), "xa");
        assert_eq!(rep("a*", "baaac", "X"), "XbXcX");
        assert_eq!(rep(r"\d+", "a١2", "#"), "a١#");
        assert_eq!(rep("(?P<n>o)", "foo", "${n}0$1x$$"), "fo0$o0$");
        assert_eq!(rep(r"\Q.*\E", "a.*b", "-"), "a-b");
        assert_eq!(rep("a{", "a{", "-"), "-");
        assert_eq!(rep("[[]", "a[", "-"), "a-");
        assert_eq!(rep(r"\101", "A", "b"), "b");
    }

    #[test]
    fn go_errors() {
        let e = |p: &str| compile(p).err().unwrap();
        assert_eq!(e("("), "error parsing regexp: missing closing ): `(`");
        assert_eq!(e("a)"), "error parsing regexp: unexpected ): `a)`");
        assert_eq!(e("x[a"), "error parsing regexp: missing closing ]: `[a`");
        assert_eq!(
            e("*a"),
            "error parsing regexp: missing argument to repetition operator: `*`"
        );
        assert_eq!(
            e("a**"),
            "error parsing regexp: invalid nested repetition operator: `**`"
        );
        assert_eq!(
            e(r"\q"),
            "error parsing regexp: invalid escape sequence: `\\q`"
        );
        assert_eq!(
            e("a{2,1}"),
            "error parsing regexp: invalid repeat count: `{2,1}`"
        );
        assert_eq!(
            e("[z-a]"),
            "error parsing regexp: invalid character class range: `z-a`"
        );
        assert_eq!(
            e("(?<n>a)"),
            "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"
        );
        assert_eq!(
            e("\\"),
            "error parsing regexp: trailing backslash at end of expression: ``"
        );
    }
}
