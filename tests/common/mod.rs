//! Helpers shared by the conformance tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// Set (to anything but `0`) by `.ci/run`: a missing reference (the shared
/// conformance data, promtool) fails the test instead of skipping it, so CI cannot
/// be green without the comparisons. A user without them still gets SKIPPED.
pub const REQUIRE_REFERENCES: &str = "PROMPLAY_REQUIRE_REFERENCES";

/// Says that a test cannot run because `what` is missing: SKIPPED on stderr, or a
/// failure when [`REQUIRE_REFERENCES`] is set.
pub fn missing_reference(what: &str) {
    if std::env::var(REQUIRE_REFERENCES).is_ok_and(|v| v != "0") {
        panic!("CI requires its references ({REQUIRE_REFERENCES} is set): {what}");
    }
    eprintln!("SKIPPED: {what}");
    println!("SKIPPED: {what}");
}

/// `../shared/conformance/<rel>` beside the repository, or `None` (see
/// [`missing_reference`]) when the shared data is absent.
pub fn conformance_path(rel: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    let path = root.join(rel);
    if path.exists() {
        Some(path)
    } else {
        missing_reference(&format!(
            "{} is absent; clone the shared conformance data beside this repository (../shared) to run this test",
            path.display()
        ));
        None
    }
}

/// Whether `tool` (promtool, amtool) runs; if not, [`missing_reference`].
pub fn reference_tool(tool: &str) -> bool {
    let runs = std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !runs {
        missing_reference(&format!(
            "{tool} is not installed (apt-get install prometheus); bash .ci/test installs it"
        ));
    }
    runs
}

/// Decodes a hex string (the conformance files give exact input bytes this way).
pub fn hex_decode(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("valid hex"))
        .collect()
}
