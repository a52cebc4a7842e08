//! Any text as a `.test` file: it must parse or say why, and running it (loads,
//! evals with expectations, clears) must not panic, with the test engine's limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promplay::promql::promqltest::{RunOptions, run_file};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let report = run_file(text, &RunOptions::default());
        let _ = report.summary();
    }
});
