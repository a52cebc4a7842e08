//! Browser tests, run by wasm-bindgen-test in headless Chromium (`bash .ci/test`;
//! see README). One test binary, so CI links and runs wasm-bindgen once:
//! - `blocks`: the UI building blocks (canvas sizing, theme, storage, panic
//!   banner) and the core giving the same bytes as natively;
//! - `charts`: every chart kind draws, hover, isolation and markers through the
//!   DOM, no observer left after 100 mounts;
//! - `panes`: the dashboard's storage and the mounted pane (edit, add, remove
//!   with disposal, reset), the Query pane's keyed panels.
//!
//! What needs no browser is tested natively (tests/views_*.rs).
#![cfg(target_arch = "wasm32")]

mod blocks;
mod charts;
mod dom;
mod panes;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
