//! The same scenario and seed expose the same bytes, and the same run builds the
//! same store, on every machine: the
//! fingerprints in `common/fingerprints.rs` are pinned here, and `tests/browser/blocks.rs`
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

#[test]
fn a_timeline_gives_the_pinned_store_in_one_step_or_many() {
    let whole = fingerprints::timeline_store_fingerprint(fingerprints::DURATION_MS);
    assert_eq!(
        whole,
        fingerprints::TIMELINE_STORE,
        "store fingerprint {whole:#018x}"
    );
    for step in [1_000, 7_777, 60_000] {
        assert_eq!(
            fingerprints::timeline_store_fingerprint(step),
            whole,
            "steps of {step} ms"
        );
    }
}
