//! Benchmarks: they sit above the pipeline (they build their data with it and time
//! the stages), so no core stage depends on them. The CLI's hidden `bench-store`
//! and `bench-promql` run them natively; `tests/bench/promql_wasm.rs` runs the
//! PromQL one in headless Chromium. The clock is passed in or read natively only.

#[cfg(not(target_arch = "wasm32"))]
pub mod native;
pub mod promql;
#[cfg(not(target_arch = "wasm32"))]
pub mod store;
