//! Go's fmt/format.go: padding, and the formatting of booleans, strings,
//! integers, floats and complex numbers under flags, width and precision.

use super::fmt::Printer;
use super::strconv::{can_backquote, format_float, is_print, quote, quote_ascii, quote_rune};
use super::value::Value;

pub(super) const LDIGITS: &[u8] = b"0123456789abcdefx";
pub(super) const UDIGITS: &[u8] = b"0123456789ABCDEFX";
/// Longest text worth building (the executor's output limit).
const MAX_TEXT: usize = super::exec::MAX_OUTPUT;

impl Printer {
    pub(super) fn write_padding(&mut self, n: i64) {
        let c = if self.f.zero { '0' } else { ' ' };
        // Go's widths reach 99999999; past the output limit the text is
        // rejected anyway, so stop there rather than build 100 MB.
        let room = (MAX_TEXT + 1).saturating_sub(self.buf.len());
        let n = usize::try_from(n.max(0)).unwrap_or(0).min(room);
        self.buf.extend(std::iter::repeat_n(c, n));
    }

    pub(super) fn pad(&mut self, s: &str) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let width = self.f.wid - s.chars().count() as i64;
        if !self.f.minus {
            self.write_padding(width);
            self.buf.push_str(s);
        } else {
            self.buf.push_str(s);
            self.write_padding(width);
        }
    }

    pub(super) fn fmt_bool(&mut self, v: bool, verb: char, value: &Value) {
        match verb {
            't' | 'v' => self.pad(if v { "true" } else { "false" }),
            _ => self.bad_verb(verb, Some(value)),
        }
    }

    pub(super) fn truncate<'s>(&self, s: &'s str) -> &'s str {
        if self.f.prec_present {
            let n = self.f.prec.max(0) as usize;
            if let Some((i, _)) = s.char_indices().nth(n) {
                return &s[..i];
            }
        }
        s
    }

    pub(super) fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s).to_string();
        self.pad(&s);
    }

    pub(super) fn fmt_sx(&mut self, s: &str, digits: &[u8]) {
        let mut length = s.len() as i64;
        if self.f.prec_present && self.f.prec < length {
            length = self.f.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                self.write_padding(self.f.wid);
            }
            return;
        }
        if self.f.wid_present && self.f.wid > width && !self.f.minus {
            self.write_padding(self.f.wid - width);
        }
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(digits[16] as char);
        }
        for (i, &c) in s.as_bytes()[..length as usize].iter().enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(digits[16] as char);
                }
            }
            self.buf.push(digits[(c >> 4) as usize] as char);
            self.buf.push(digits[(c & 0xf) as usize] as char);
        }
        if self.f.wid_present && self.f.wid > width && self.f.minus {
            self.write_padding(self.f.wid - width);
        }
    }

    pub(super) fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        let q = if self.f.sharp && can_backquote(s) {
            format!("`{s}`")
        } else if self.f.plus {
            quote_ascii(s)
        } else {
            quote(s)
        };
        self.pad(&q);
    }

    pub(super) fn fmt_string(&mut self, s: &str, verb: char, value: &Value) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s),
            'v' | 's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, LDIGITS),
            'X' => self.fmt_sx(s, UDIGITS),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, Some(value)),
        }
    }

    /// format.go's fmtInteger.
    pub(super) fn fmt_integer_base(
        &mut self,
        mut u: u64,
        base: u64,
        signed: bool,
        verb: char,
        digits: &[u8],
    ) {
        let negative = signed && (u as i64) < 0;
        if negative {
            u = u.wrapping_neg();
        }
        let mut prec = 0i64;
        if self.f.prec_present {
            prec = self.f.prec;
            if prec == 0 && u == 0 {
                let old = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.f.wid);
                self.f.zero = old;
                return;
            }
        } else if self.f.zero && self.f.wid_present {
            prec = self.f.wid;
            if negative || self.f.plus || self.f.space {
                prec -= 1;
            }
        }
        let mut out: Vec<u8> = Vec::new();
        loop {
            out.push(digits[(u % base) as usize]);
            u /= base;
            if u == 0 {
                break;
            }
        }
        let prec = prec.min(MAX_TEXT as i64 + 1);
        while (out.len() as i64) < prec {
            out.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => out.extend_from_slice(b"b0"),
                8 if out.last() != Some(&b'0') => out.push(b'0'),
                16 => {
                    out.push(digits[16]);
                    out.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            out.extend_from_slice(b"o0");
        }
        if negative {
            out.push(b'-');
        } else if self.f.plus {
            out.push(b'+');
        } else if self.f.space {
            out.push(b' ');
        }
        out.reverse();
        let s = String::from_utf8_lossy(&out).into_owned();
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = old;
    }

    pub(super) fn fmt_0x64(&mut self, u: u64, leading: bool) {
        let sharp = self.f.sharp;
        self.f.sharp = leading;
        self.fmt_integer_base(u, 16, false, 'v', LDIGITS);
        self.f.sharp = sharp;
    }

    pub(super) fn fmt_unicode(&mut self, u: u64) {
        let mut prec = 4i64;
        if self.f.prec_present && self.f.prec > 4 {
            prec = self.f.prec;
        }
        let mut hex = format!("{u:X}");
        while (hex.len() as i64) < prec {
            hex.insert(0, '0');
        }
        let mut s = format!("U+{hex}");
        if self.f.sharp
            && let Some(c) = u32::try_from(u).ok().and_then(char::from_u32)
            && is_print(c)
        {
            s.push_str(&format!(" '{c}'"));
        }
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = old;
    }

    pub(super) fn fmt_integer(&mut self, v: u64, signed: bool, verb: char, value: &Value) {
        match verb {
            'v' if self.f.sharp_v && !signed => self.fmt_0x64(v, true),
            'v' | 'd' => self.fmt_integer_base(v, 10, signed, verb, LDIGITS),
            'b' => self.fmt_integer_base(v, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer_base(v, 8, signed, verb, LDIGITS),
            'x' => self.fmt_integer_base(v, 16, signed, verb, LDIGITS),
            'X' => self.fmt_integer_base(v, 16, signed, verb, UDIGITS),
            'c' => {
                let c = u32::try_from(v)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{fffd}');
                self.pad(&c.to_string());
            }
            'q' => {
                let r = if v > 0x10ffff { -1 } else { v as i64 };
                let q = quote_rune(r, self.f.plus);
                self.pad(&q);
            }
            'U' => self.fmt_unicode(v),
            _ => self.bad_verb(verb, Some(value)),
        }
    }

    /// format.go's fmtFloat.
    pub(super) fn fmt_float_prec(&mut self, v: f64, verb: char, mut prec: i64) {
        if self.f.prec_present {
            prec = self.f.prec;
        }
        // Precisions beyond the output limit only make longer text to reject.
        let formatted = format_float(v, verb as u8, prec.clamp(-1, MAX_TEXT as i64 + 1) as i32);
        let mut num: Vec<u8> = if formatted.starts_with('-') || formatted.starts_with('+') {
            formatted.into_bytes()
        } else {
            let mut n = vec![b'+'];
            n.extend_from_slice(formatted.as_bytes());
            n
        };
        if self.f.space && num[0] == b'+' && !self.f.plus {
            num[0] = b' ';
        }
        if num[1] == b'I' || num[1] == b'N' {
            let old = self.f.zero;
            self.f.zero = false;
            if num[1] == b'N' && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad(&String::from_utf8_lossy(&num));
            self.f.zero = old;
            return;
        }
        if self.f.sharp && verb != 'b' {
            let mut digits = 0i64;
            if matches!(verb, 'v' | 'g' | 'G' | 'x') {
                digits = if prec == -1 { 6 } else { prec };
            }
            let mut tail: Vec<u8> = Vec::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let mut i = 1;
            while i < num.len() {
                match num[i] {
                    b'.' => has_point = true,
                    b'p' | b'P' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    b'e' | b'E' if verb != 'x' && verb != 'X' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    c => {
                        if c != b'0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
                i += 1;
            }
            if !has_point {
                if num.len() == 2 && num[1] == b'0' {
                    digits -= 1;
                }
                num.push(b'.');
            }
            while digits > 0 {
                num.push(b'0');
                digits -= 1;
            }
            num.extend_from_slice(&tail);
        }
        let s = String::from_utf8_lossy(&num).into_owned();
        if self.f.plus || num[0] != b'+' {
            if self.f.zero && self.f.wid_present && self.f.wid > num.len() as i64 {
                self.buf.push(num[0] as char);
                self.write_padding(self.f.wid - num.len() as i64);
                self.buf.push_str(&s[1..]);
                return;
            }
            self.pad(&s);
            return;
        }
        self.pad(&s[1..]);
    }

    pub(super) fn fmt_float(&mut self, v: f64, verb: char, value: &Value) {
        match verb {
            'v' => self.fmt_float_prec(v, 'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float_prec(v, verb, -1),
            'f' | 'e' | 'E' => self.fmt_float_prec(v, verb, 6),
            'F' => self.fmt_float_prec(v, 'f', 6),
            _ => self.bad_verb(verb, Some(value)),
        }
    }

    pub(super) fn fmt_complex(&mut self, re: f64, im: f64, verb: char, value: &Value) {
        match verb {
            'v' | 'b' | 'g' | 'G' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E' => {
                let old_plus = self.f.plus;
                self.buf.push('(');
                self.fmt_float(re, verb, value);
                self.f.plus = true;
                self.fmt_float(im, verb, value);
                self.buf.push_str("i)");
                self.f.plus = old_plus;
            }
            _ => self.bad_verb(verb, Some(value)),
        }
    }
}
