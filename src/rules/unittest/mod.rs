//! `promtool test rules`: rule unit-test files (their YAML in `format.rs`), each
//! test group run on its own store (`runner.rs`), failures printed in promtool's
//! words (`print.rs`). The output and exit status match promtool 2.42's; what
//! later versions added (`--run`, `--ignore-unknown-fields`, `fuzzy_compare`,
//! `start_timestamp`, a test group's interval defaulting to
//! `evaluation_interval`) behaves as they do, and so do native histograms
//! (`{{...}}` input values, `histogram:` expected samples, compared and printed
//! by their test expression as Prometheus 3's promtool does; a malformed
//! expected histogram is worded by this crate's notation parser, not Go's).

mod format;
mod print;
mod runner;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use crate::re::Regex;

pub use format::TestFile;

/// What the command line asks for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--run`: only test groups whose name matches one of these (Go regexps).
    pub run: Vec<String>,
    /// `--ignore-unknown-fields` (in rule files).
    pub ignore_unknown_fields: bool,
}

/// One file's verdict: nothing means success; otherwise each failure's text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileOutcome {
    pub failures: Vec<String>,
    /// Warnings printed on the way (a rule-file pattern matching nothing).
    pub warnings: Vec<String>,
}

/// Runs the unit-test file at `path` (rule files are found beside it).
pub fn run_file(path: &Path, options: &Options) -> FileOutcome {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            return FileOutcome {
                failures: vec![format!("open {}: {}", path.display(), io_reason(&e))],
                warnings: Vec::new(),
            };
        }
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    run_text(&text, dir, options)
}

/// Runs a unit-test file's text; rule files are read relative to `dir`.
pub fn run_text(text: &str, dir: &Path, options: &Options) -> FileOutcome {
    let mut outcome = FileOutcome::default();
    let file = match format::parse(text) {
        Ok(f) => f,
        Err(e) => {
            outcome.failures.push(e);
            return outcome;
        }
    };
    let run = if options.run.is_empty() {
        None
    } else {
        match Regex::new(&options.run.join("|")) {
            Ok(r) => Some(r),
            Err(e) => {
                outcome.failures.push(e.to_string());
                return outcome;
            }
        }
    };
    let mut rule_files = Vec::new();
    for pattern in &file.rule_files {
        let found = resolve(dir, pattern);
        if found.is_empty() {
            outcome.warnings.push(format!(
                "  WARNING: no file match pattern {}",
                join(dir, pattern)
            ));
        }
        rule_files.extend(found);
    }
    let mut seen = Vec::new();
    for name in &file.group_eval_order {
        if seen.contains(&name) {
            outcome
                .failures
                .push(format!("group name repeated in evaluation order: {name}"));
            return outcome;
        }
        seen.push(name);
    }
    for group in &file.tests {
        if let Some(run) = &run
            && !run.is_match(&group.name)
        {
            continue;
        }
        let context = runner::Context {
            file: &file,
            rule_files: &rule_files,
            ignore_unknown_fields: options.ignore_unknown_fields,
        };
        outcome.failures.extend(runner::run_group(group, &context));
    }
    outcome
}

/// Go's `filepath.Join(dir, name)` for the paths promtool prints.
fn join(dir: &Path, name: &str) -> String {
    if Path::new(name).is_absolute() || dir.as_os_str().is_empty() || dir == Path::new(".") {
        return name.trim_start_matches("./").to_string();
    }
    format!("{}/{}", dir.display(), name.trim_start_matches("./"))
}

/// The files `pattern` names (Go's `filepath.Glob`: `*`, `?`, `[...]` in the last
/// path element), sorted.
fn resolve(dir: &Path, pattern: &str) -> Vec<(String, PathBuf)> {
    let joined = join(dir, pattern);
    let path = PathBuf::from(&joined);
    let is_glob = |s: &str| s.contains(['*', '?', '[']);
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    if !is_glob(name) {
        return if path.exists() {
            vec![(joined, path)]
        } else {
            Vec::new()
        };
    }
    let parent = path.parent().unwrap_or(Path::new("."));
    let Ok(matcher) = Regex::new(&glob_regex(name)) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    })
    .into_iter()
    .flatten()
    .flatten()
    .filter_map(|entry| {
        let file = entry.file_name().into_string().ok()?;
        matcher.is_match(&file).then(|| {
            let shown = if parent.as_os_str().is_empty() {
                file.clone()
            } else {
                format!("{}/{file}", parent.display())
            };
            (shown, entry.path())
        })
    })
    .collect();
    crate::sort::sort(&mut found[..]);
    found
}

fn glob_regex(glob: &str) -> String {
    let mut re = String::from("^");
    for c in glob.chars() {
        match c {
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '[' | ']' | '-' | '^' => re.push(c),
            c => re.push_str(&crate::re::escape(&c.to_string())),
        }
    }
    re.push('$');
    re
}

/// How Go words the common file errors.
pub fn io_reason(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory",
        std::io::ErrorKind::PermissionDenied => "permission denied",
        _ => "cannot read",
    }
}
