//! One binary, two shells: in the browser it mounts the playground, natively
//! it is the `promplay` command-line tool.

#[cfg(target_arch = "wasm32")]
fn main() {
    promplay::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    promplay::cli::run()
}
