//! The PromQL benchmark (src/bench/promql.rs) compiled to wasm and run in
//! headless Chromium, to compare with the native figures of
//! `promplay bench-promql` on the same data. Run by hand (release):
//!
//! ```sh
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//! WASM_BINDGEN_TEST_WEBDRIVER_JSON=$PWD/tests/webdriver.json CHROMEDRIVER=/usr/bin/chromedriver \
//! WASM_BINDGEN_TEST_TIMEOUT=900 PROMPLAY_BENCH_INSTANCES=8 \
//!   cargo test --release --target wasm32-unknown-unknown --test promql_wasm_bench -- --nocapture
//! ```
//!
//! The instance count is read at build time (`PROMPLAY_BENCH_INSTANCES`, default 8).
#![cfg(target_arch = "wasm32")]

use promplay::bench::promql as bench;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[wasm_bindgen_test]
fn promql_benchmark_in_the_browser() {
    let instances: usize = option_env!("PROMPLAY_BENCH_INSTANCES")
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let (duration, range, step) = (2 * 3_600_000, 3_600_000, 15_000);
    let t0 = now_ms();
    let head = bench::api_store(instances, duration, false);
    let end = bench::START_MS + duration - 1;
    let end = end - end % step + 7_500 - step;
    console_log!(
        "data: instances={instances} series={} samples={} built_in_ms={:.0}",
        head.num_series(),
        head.num_samples(),
        now_ms() - t0
    );
    for t in bench::time_queries(&head, &bench::QUERIES, (end - range, end, step), 5, now_ms) {
        console_log!(
            "wasm query: {} median_ms={:.3} series={}",
            t.name,
            t.median_ms,
            t.result_series
        );
    }
}
