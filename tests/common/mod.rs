//! Helpers shared by the conformance tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/conformance/<rel>` beside the repository, or `None` (with a clear note
/// on stderr) when the shared data is absent, so the test can skip rather than fail.
pub fn conformance_path(rel: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    let path = root.join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {} is absent; clone the shared conformance data beside this repository (../shared) to run this test",
            path.display()
        );
        None
    }
}

/// Decodes a hex string (the conformance files give exact input bytes this way).
pub fn hex_decode(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("valid hex"))
        .collect()
}
