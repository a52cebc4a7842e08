//! The regular-expression engine behind label matchers (`=~`, `!~`) and
//! `label_replace`: the `regex` crate natively, `regex-lite` in the browser.
//!
//! Both take the same syntax, and `tsdb::matcher` rewrites RE2's ASCII classes
//! (`\d`, `\w`, `\s`, `\b`) for either. `regex-lite` has no Unicode property
//! classes (`\pL`, `\p{Greek}`) and folds case in ASCII only, so in the page such
//! a pattern is refused (with the engine's error) or matches ASCII case-insensitively;
//! in exchange it keeps about 250 KiB of Unicode tables and DFA code out of the
//! gzipped download. Label values are overwhelmingly ASCII, so the playground's
//! results match Prometheus's for real-world queries; the native CLI is exact.

#[cfg(not(target_arch = "wasm32"))]
pub use regex::{Regex, escape};
#[cfg(target_arch = "wasm32")]
pub use regex_lite::{Regex, escape};

/// An ASCII word boundary, as RE2's `\b` (the `regex` crate's is Unicode-aware).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) const ASCII_WORD_BOUNDARY: &str = r"(?-u:\b)";
#[cfg(target_arch = "wasm32")]
pub(crate) const ASCII_WORD_BOUNDARY: &str = r"\b";
/// Its negation, RE2's `\B`.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) const ASCII_NOT_WORD_BOUNDARY: &str = r"(?-u:\B)";
#[cfg(target_arch = "wasm32")]
pub(crate) const ASCII_NOT_WORD_BOUNDARY: &str = r"\B";
