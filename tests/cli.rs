//! The `promplay` command-line tool, run as a user runs it.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn promplay(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_promplay"))
        .args(args)
        .output()
        .expect("run promplay")
}

#[test]
fn version_prints_the_crate_version() {
    let out = promplay(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("promplay {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_describes_the_tool() {
    let out = promplay(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Usage: promplay"), "{text}");
    assert!(text.contains("Prometheus"), "{text}");
}

#[test]
fn no_arguments_shows_usage_and_fails() {
    let out = promplay(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: promplay"));
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let out = promplay(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("frobnicate"), "{err}");
}
