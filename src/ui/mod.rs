//! The browser shell (wasm32 only). It renders the panes and calls into the core
//! stages; it holds no pipeline logic of its own.

mod app;
pub mod browser;
pub mod chart;
pub mod clock_bar;
pub mod code_editor;
pub mod export;
pub mod keyed;
pub mod large_storage;
pub mod line_view;
pub mod panes;
pub mod panic_banner;
pub mod playground;
pub mod presenter;
pub mod remote;
pub mod share;
pub mod storage;
pub mod theme;
pub mod timeline;

pub use app::App;

/// Entry point of the page: install the panic banner, then mount the app.
pub fn start() {
    panic_banner::install();
    theme::apply_saved_before_mount();
    leptos::mount::mount_to_body(App);
}
