//! Pinned fingerprints of simulation runs (`promplay::sim::fingerprint`), shared by
//! the native test and the browser test: equal values mean the browser and this
//! machine expose the same bytes.

/// Every run: seed 1, 30 minutes at 15 s from 2024-05-01T00:00:00Z.
pub const START_MS: i64 = 1_714_521_600_000;
pub const DURATION_MS: i64 = 30 * 60_000;
pub const INTERVAL_MS: i64 = 15_000;

/// (scenario, instances, fingerprint)
pub const PINNED: &[(&str, usize, u64)] = &[
    ("api", 2, 0x96b8_029b_c0de_eaa9),
    ("batch", 1, 0xbec1_4155_bcfd_b710),
];
