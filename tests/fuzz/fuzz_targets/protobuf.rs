//! Any bytes as a protobuf exposition body: decoding must return (errors are fine,
//! at an offset inside the input), never panic; what decodes must render as text,
//! re-encode, and decode again to the same families.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promplay::expo::protobuf::{
    DecodeOptions, decode, decode_messages, decode_partial, encode, render_text,
};

fuzz_target!(|data: &[u8]| {
    let options = DecodeOptions {
        max_message_bytes: 1 << 20,
        max_decoded_bytes: 64 << 20,
    };
    let (families, error) = decode_partial(data, options);
    if let Some(e) = &error {
        assert!(e.offset <= data.len(), "{e} past {} bytes", data.len());
    }
    if let Ok(messages) = decode_messages(data, options) {
        let _ = render_text(&messages);
    }
    if error.is_none()
        && let Ok(bytes) = encode(&families)
    {
        let again = decode(&bytes).expect("re-encoded families decode");
        // NaN never equals itself: compare the re-encoding instead.
        assert_eq!(encode(&again).ok(), Some(bytes));
    }
});
