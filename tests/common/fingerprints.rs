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
    ("demo", 3, 0x8c11_dafa_7afa_bc71),
];

/// A run with a timeline (an outage and two control changes), built through the
/// pipeline (with the scenario's default rules): its store's fingerprint, pinned
/// natively and in the page.
pub const TIMELINE: &str = "3m outage 5m\n10m traffic 40\n20m errors 0.2";
pub const TIMELINE_INSTANCES: usize = 2;
pub const TIMELINE_STORE: u64 = 0x7b74_a7d5_5e01_12bb;

/// The store of that run after `DURATION_MS`, advanced in steps of `step_ms`.
pub fn timeline_store_fingerprint(step_ms: i64) -> u64 {
    use promplay::pipeline::{Options, Pipeline, Run, Timeline};
    let mut run = Run::new("api", 1, START_MS, TIMELINE_INSTANCES);
    run.timeline = Timeline::parse(TIMELINE, START_MS).unwrap();
    let mut pipeline = Pipeline::new(run, Options::default()).unwrap();
    let end = START_MS + DURATION_MS;
    let mut t = START_MS;
    while t < end {
        t = (t + step_ms).min(end);
        pipeline.advance_to(t);
    }
    pipeline.store().fingerprint()
}
