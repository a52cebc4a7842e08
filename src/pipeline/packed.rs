//! Long texts in a link (the Python lab's programs): deflated, then base64url, so
//! a 3 KB program costs about 1.5 KB of address. Reading checks the size before
//! inflating (a link is untrusted), and a broken value reads as nothing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The largest text a link may unpack to.
pub const MAX_PACKED_TEXT: usize = 256 * 1024;

/// `text` deflated and base64url-encoded (no padding: nothing to percent-encode).
pub fn pack(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9))
}

/// The text `pack` made, or `None` for anything broken or too large.
pub fn unpack(value: &str) -> Option<String> {
    // Base64 grows by 4/3; deflate shrinks by at most ~1032 to 1.
    if value.len() > MAX_PACKED_TEXT {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(value.trim()).ok()?;
    let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_PACKED_TEXT).ok()?;
    String::from_utf8(raw).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_round_trip_and_broken_values_read_as_nothing() {
        let program = include_str!("../sim/scenarios/python/api.py");
        let packed = pack(program);
        assert!(
            packed.len() < program.len() * 2 / 3,
            "{} of {}",
            packed.len(),
            program.len()
        );
        assert!(
            packed
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(unpack(&packed).as_deref(), Some(program));
        assert_eq!(unpack("not base64!"), None);
        assert_eq!(unpack("AAAA"), None);
        // A bomb: a megabyte of zeros unpacks to nothing rather than to memory.
        assert_eq!(unpack(&pack(&"\0".repeat(1 << 20))), None);
    }
}
