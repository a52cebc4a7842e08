//! The same scenario and seed expose the same bytes on every machine: the
//! fingerprints in `common/fingerprints.rs` are pinned here, and `tests/browser.rs`
//! checks the same values in the browser (wasm32), where floating-point functions
//! could otherwise differ.

#[path = "common/fingerprints.rs"]
mod fingerprints;

use fingerprints::{DURATION_MS, INTERVAL_MS, PINNED, START_MS};
use promplay::sim::{SimConfig, fingerprint};

#[test]
fn fingerprints_are_pinned() {
    for &(scenario, instances, expected) in PINNED {
        let mut config = SimConfig::new(scenario, 1, START_MS);
        config.instances = instances;
        let got = fingerprint(config, DURATION_MS, INTERVAL_MS).unwrap();
        assert_eq!(got, expected, "{scenario}: {got:#018x}");
    }
}
