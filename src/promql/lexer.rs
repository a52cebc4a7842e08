//! The PromQL lexer: bytes → tokens with byte-offset spans, as Prometheus's
//! `promql/parser/lex.go`. Keywords are not separated from identifiers here;
//! the parser reads them in context (so `{by="x"}` and `on` as label names work).

use super::ast::Span;
use crate::time::{DurationError, parse_duration_ms};

/// One token kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*` (keywords included).
    Ident(String),
    Number(f64),
    /// A duration literal like `5m` or `1h30m`, in milliseconds.
    Duration(i64),
    Str(String),
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Colon,
    /// `=`
    Assign,
    /// `==`
    Eql,
    /// `!=`
    Neq,
    /// `=~`
    EqlRegex,
    /// `!~`
    NeqRegex,
    Lss,
    Lte,
    /// `</`: trim a histogram's upper part.
    TrimUpper,
    /// `>/`: trim a histogram's lower part.
    TrimLower,
    Gtr,
    Gte,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    At,
    Eof,
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

impl Tok {
    /// How the token is named in error messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("identifier {s:?}"),
            Tok::Number(n) => format!("number {}", crate::gofmt::go_float(*n)),
            Tok::Duration(d) => format!("duration {}", super::printer::format_duration(*d)),
            Tok::Str(s) => format!("string {s:?}"),
            Tok::Eof => "end of input".to_string(),
            other => format!("{:?}", other.symbol()),
        }
    }

    /// The source text of a punctuation token.
    pub fn symbol(&self) -> &'static str {
        match self {
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Colon => ":",
            Tok::Assign => "=",
            Tok::Eql => "==",
            Tok::Neq => "!=",
            Tok::EqlRegex => "=~",
            Tok::NeqRegex => "!~",
            Tok::Lss => "<",
            Tok::Lte => "<=",
            Tok::TrimUpper => "</",
            Tok::TrimLower => ">/",
            Tok::Gtr => ">",
            Tok::Gte => ">=",
            Tok::Add => "+",
            Tok::Sub => "-",
            Tok::Mul => "*",
            Tok::Div => "/",
            Tok::Mod => "%",
            Tok::Pow => "^",
            Tok::At => "@",
            _ => "",
        }
    }
}

/// A lexing error: where and what.
#[derive(Clone, Debug, PartialEq)]
pub struct LexError {
    pub span: Span,
    pub message: String,
}

/// Splits `src` into tokens, ending with `Tok::Eof`.
pub fn lex(src: &str) -> Result<Vec<Token>, LexError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' => one(&mut i, Tok::LParen),
            b')' => one(&mut i, Tok::RParen),
            b'{' => one(&mut i, Tok::LBrace),
            b'}' => one(&mut i, Tok::RBrace),
            b'[' => one(&mut i, Tok::LBracket),
            b']' => one(&mut i, Tok::RBracket),
            b',' => one(&mut i, Tok::Comma),
            b'+' => one(&mut i, Tok::Add),
            b'-' => one(&mut i, Tok::Sub),
            b'*' => one(&mut i, Tok::Mul),
            b'/' => one(&mut i, Tok::Div),
            b'%' => one(&mut i, Tok::Mod),
            b'^' => one(&mut i, Tok::Pow),
            b'@' => one(&mut i, Tok::At),
            b'=' => match b.get(i + 1) {
                Some(b'=') => two(&mut i, Tok::Eql),
                Some(b'~') => two(&mut i, Tok::EqlRegex),
                _ => one(&mut i, Tok::Assign),
            },
            b'!' => match b.get(i + 1) {
                Some(b'=') => two(&mut i, Tok::Neq),
                Some(b'~') => two(&mut i, Tok::NeqRegex),
                _ => {
                    return Err(LexError {
                        span: Span::new(i, i + 1),
                        message: "unexpected character after \"!\", expected \"=\" or \"~\""
                            .to_string(),
                    });
                }
            },
            b'<' => match b.get(i + 1) {
                Some(b'=') => two(&mut i, Tok::Lte),
                Some(b'/') => two(&mut i, Tok::TrimUpper),
                _ => one(&mut i, Tok::Lss),
            },
            b'>' => match b.get(i + 1) {
                Some(b'=') => two(&mut i, Tok::Gte),
                Some(b'/') => two(&mut i, Tok::TrimLower),
                _ => one(&mut i, Tok::Gtr),
            },
            b':' => {
                // A colon starts a metric name unless it separates subquery range and step.
                if b.get(i + 1)
                    .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_')
                    && !matches!(
                        out.last(),
                        Some(Token {
                            tok: Tok::Duration(_) | Tok::Number(_) | Tok::RParen,
                            ..
                        })
                    )
                {
                    ident(b, &mut i)
                } else {
                    one(&mut i, Tok::Colon)
                }
            }
            b'"' | b'\'' | b'`' => string(src, &mut i)?,
            b'0'..=b'9' => number_or_duration(src, &mut i)?,
            b'.' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                number_or_duration(src, &mut i)?
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let t = ident(b, &mut i);
                match &t {
                    Tok::Ident(s) if s.eq_ignore_ascii_case("inf") => Tok::Number(f64::INFINITY),
                    Tok::Ident(s) if s.eq_ignore_ascii_case("nan") => Tok::Number(f64::NAN),
                    _ => t,
                }
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(LexError {
                    span: Span::new(i, i + ch.len_utf8()),
                    message: format!("unexpected character {:?}", ch.to_string()),
                });
            }
        };
        out.push(Token {
            tok,
            span: Span::new(start, i),
        });
    }
    out.push(Token {
        tok: Tok::Eof,
        span: Span::new(b.len(), b.len()),
    });
    Ok(out)
}

fn one(i: &mut usize, t: Tok) -> Tok {
    *i += 1;
    t
}

fn two(i: &mut usize, t: Tok) -> Tok {
    *i += 2;
    t
}

fn ident(b: &[u8], i: &mut usize) -> Tok {
    let start = *i;
    while *i < b.len() && (b[*i].is_ascii_alphanumeric() || b[*i] == b'_' || b[*i] == b':') {
        *i += 1;
    }
    // Only ASCII was consumed, so this slice is valid UTF-8.
    Tok::Ident(String::from_utf8_lossy(&b[start..*i]).into_owned())
}

fn string(src: &str, i: &mut usize) -> Result<Tok, LexError> {
    let b = src.as_bytes();
    let start = *i;
    let quote = b[start];
    *i += 1;
    // Bytes, as Go strings: `\xc3\xa9` is "é".
    let mut out: Vec<u8> = Vec::new();
    let unterminated = |end: usize| LexError {
        span: Span::new(start, end),
        message: "unterminated quoted string".to_string(),
    };
    loop {
        let Some(ch) = src[*i..].chars().next() else {
            return Err(unterminated(*i));
        };
        let at = *i;
        *i += ch.len_utf8();
        if ch as u32 == quote as u32 {
            // Bytes that are not UTF-8 are kept (as Go keeps them); where they
            // are not allowed, the evaluation says so.
            return Ok(Tok::Str(crate::tsdb::labels::from_go_bytes(&out)));
        }
        let mut buf = [0u8; 4];
        if quote == b'`' {
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match ch {
            '\n' => return Err(unterminated(at)),
            '\\' => escape(src, i, quote, &mut out)?,
            _ => out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes()),
        }
    }
}

/// One Go escape sequence after the backslash.
fn escape(src: &str, i: &mut usize, quote: u8, out: &mut Vec<u8>) -> Result<(), LexError> {
    let b = src.as_bytes();
    let at = *i - 1;
    let bad = |end: usize, what: &str| LexError {
        span: Span::new(at, end.max(at + 1)),
        message: what.to_string(),
    };
    let Some(&c) = b.get(*i) else {
        return Err(bad(*i, "unterminated quoted string"));
    };
    *i += 1;
    let simple = match c {
        b'a' => Some('\x07'),
        b'b' => Some('\x08'),
        b'f' => Some('\x0c'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        b'v' => Some('\x0b'),
        b'\\' => Some('\\'),
        _ if c == quote => Some(c as char),
        _ => None,
    };
    if let Some(ch) = simple {
        out.push(ch as u8);
        return Ok(());
    }
    let (digits, radix) = match c {
        b'x' => (2, 16),
        b'u' => (4, 16),
        b'U' => (8, 16),
        b'0'..=b'7' => {
            *i -= 1;
            (3, 8)
        }
        _ => return Err(bad(*i, "unknown escape sequence in quoted string")),
    };
    let end = *i + digits;
    let text = src
        .get(*i..end)
        .ok_or_else(|| bad(*i, "invalid escape sequence in quoted string"))?;
    let v = u32::from_str_radix(text, radix)
        .ok()
        .filter(|_| text.bytes().all(|d| (d as char).is_digit(radix)))
        .ok_or_else(|| bad(end, "invalid escape sequence in quoted string"))?;
    *i = end;
    if c == b'x' || radix == 8 {
        if v > 255 {
            return Err(bad(end, "octal escape value > 255 in quoted string"));
        }
        // Go's \xHH and \ooo are single bytes.
        out.push(v as u8);
    } else {
        let ch = char::from_u32(v)
            .ok_or_else(|| bad(end, "escape sequence is an invalid Unicode code point"))?;
        let mut buf = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    }
    Ok(())
}

fn number_or_duration(src: &str, i: &mut usize) -> Result<Tok, LexError> {
    let b = src.as_bytes();
    let start = *i;
    let alnum = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'.';
    // Take the whole word (plus exponent signs) and decide what it is.
    let mut j = *i;
    while j < b.len() {
        let c = b[j];
        let exponent_sign = (c == b'+' || c == b'-')
            && j > start
            && matches!(b[j - 1], b'e' | b'E')
            && !src[start..j].starts_with("0x")
            && !src[start..j].starts_with("0X");
        if alnum(c) || exponent_sign {
            j += 1;
        } else {
            break;
        }
    }
    let word = &src[start..j];
    *i = j;
    if let Some(n) = parse_number(word) {
        return Ok(Tok::Number(n));
    }
    let message = match parse_duration(word) {
        Ok(d) => return Ok(Tok::Duration(d)),
        Err(DurationError::OutOfRange) => "duration out of range".to_string(),
        Err(DurationError::Syntax(_)) => format!("bad number or duration syntax: {word:?}"),
    };
    Err(LexError {
        span: Span::new(start, j),
        message,
    })
}

/// A number literal: decimal (with `_` between digits), exponent, or hex.
pub fn parse_number(word: &str) -> Option<f64> {
    let clean = strip_underscores(word)?;
    if let Some(hex) = clean
        .strip_prefix("0x")
        .or_else(|| clean.strip_prefix("0X"))
    {
        if hex.is_empty() {
            return None;
        }
        return u64::from_str_radix(hex, 16).ok().map(|v| v as f64);
    }
    // Go's ParseInt(s, 0, 64), which Prometheus tries first: a leading 0 means octal.
    if clean.len() > 1
        && clean.starts_with('0')
        && clean.bytes().all(|c| (b'0'..=b'7').contains(&c))
    {
        return u64::from_str_radix(&clean[1..], 8).ok().map(|v| v as f64);
    }
    if !clean
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    clean.parse::<f64>().ok()
}

/// Underscores are allowed only between two digits.
fn strip_underscores(word: &str) -> Option<String> {
    let b = word.as_bytes();
    for (k, &c) in b.iter().enumerate() {
        if c == b'_'
            && !(k > 0
                && b[k - 1].is_ascii_hexdigit()
                && b.get(k + 1).is_some_and(u8::is_ascii_hexdigit))
        {
            return None;
        }
    }
    Some(word.replace('_', ""))
}

/// A duration like `1h30m` (`crate::time`'s syntax), with `_` allowed between digits.
pub fn parse_duration(word: &str) -> Result<i64, DurationError> {
    let word = strip_underscores(word).ok_or_else(|| DurationError::Syntax(word.to_string()))?;
    parse_duration_ms(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers_and_durations() {
        assert_eq!(toks("0x1F")[0], Tok::Number(31.0));
        assert_eq!(toks("1_000")[0], Tok::Number(1000.0));
        assert_eq!(toks("1e-3")[0], Tok::Number(0.001));
        assert_eq!(toks(".5")[0], Tok::Number(0.5));
        assert_eq!(toks("1h30m")[0], Tok::Duration(5_400_000));
        assert_eq!(toks("5ms")[0], Tok::Duration(5));
        assert!(matches!(toks("InF")[0], Tok::Number(n) if n.is_infinite()));
        assert!(lex("1m1h").is_err());
        assert_eq!(toks("292y")[0], Tok::Duration(292 * 31_536_000_000));
        assert_eq!(lex("293y").unwrap_err().message, "duration out of range");
        assert_eq!(
            lex("9223372036855ms").unwrap_err().message,
            "duration out of range"
        );
        assert!(lex("1__0").is_err());
    }

    #[test]
    fn strings_and_metric_names() {
        assert_eq!(toks(r#""a\n\x41\u00e9""#)[0], Tok::Str("a\nAé".into()));
        assert_eq!(toks(r#""\xc3\xa9\303\251""#)[0], Tok::Str("éé".into()));
        // Bytes that are not UTF-8 are kept, as in Go strings, and print back as bytes.
        let Tok::Str(raw) = &toks(r#""a\xc5z""#)[0] else {
            panic!("a string")
        };
        assert!(!crate::tsdb::labels::is_valid_utf8(raw));
        assert_eq!(crate::promql::printer::quote(raw), r#""a\xc5z""#);
        assert_eq!(toks("010")[0], Tok::Number(8.0));
        assert_eq!(toks("09")[0], Tok::Number(9.0));
        assert_eq!(toks(r"`a\n`")[0], Tok::Str("a\\n".into()));
        assert_eq!(
            toks("job:rate5m:sum")[0],
            Tok::Ident("job:rate5m:sum".into())
        );
        assert_eq!(
            toks("x[5m:1m]"),
            vec![
                Tok::Ident("x".into()),
                Tok::LBracket,
                Tok::Duration(300_000),
                Tok::Colon,
                Tok::Duration(60_000),
                Tok::RBracket,
                Tok::Eof
            ]
        );
        assert!(lex("\"abc").is_err());
    }
}
