//! promlint's rules, one function each, listed in [`RULES`] in upstream's order.
//! Each returns the texts of the problems it finds in one family; a rule may
//! report the same text several times (once per offending series or label), and
//! promtool prints every one of them, so these do too.

use std::collections::HashMap;

use super::RuleSet;
use super::units::{UNIT_ABBREVIATIONS, metric_unit};
use super::view::{Family, ProtoType, Series};

/// A lint rule: its upstream name (client_golang's `validations.Lint*`) and check.
pub(crate) struct Rule {
    pub name: &'static str,
    /// False for rules added to client_golang after the version promtool 2.42
    /// was built with.
    pub in_promtool_2_42: bool,
    pub check: fn(&Part<'_, '_>) -> Vec<String>,
}

/// What a rule is shown of a family: the family, and some of its series. A family
/// of a hundred thousand series is linted a few thousand series at a time (so a
/// page can lint between frames): rules about the name answer for the first part
/// only, rules about labels for each part's series, and the duplicate rule, which
/// needs every series, for the first part (it is cheap: one hash per series).
pub(crate) struct Part<'f, 'a> {
    pub family: &'f Family<'a>,
    pub series: &'f [Series<'a>],
    pub first: bool,
}

impl Rule {
    pub(crate) fn applies_to(&self, rules: RuleSet) -> bool {
        match rules {
            RuleSet::Upstream => true,
            RuleSet::Promtool2_42 => self.in_promtool_2_42,
        }
    }
}

/// The rules, in client_golang's `defaultValidations` order. The order never
/// shows (problems are sorted afterwards); it is kept to ease comparison.
pub(crate) const RULES: &[Rule] = &[
    Rule {
        name: "LintHelp",
        in_promtool_2_42: true,
        check: lint_help,
    },
    Rule {
        name: "LintMetricUnits",
        in_promtool_2_42: true,
        check: lint_metric_units,
    },
    Rule {
        name: "LintCounter",
        in_promtool_2_42: true,
        check: lint_counter,
    },
    Rule {
        name: "LintGauge",
        in_promtool_2_42: false,
        check: lint_gauge,
    },
    Rule {
        name: "LintHistogramSummaryReserved",
        in_promtool_2_42: true,
        check: lint_histogram_summary_reserved,
    },
    Rule {
        name: "LintMetricTypeInName",
        in_promtool_2_42: true,
        check: lint_metric_type_in_name,
    },
    Rule {
        name: "LintReservedChars",
        in_promtool_2_42: true,
        check: lint_reserved_chars,
    },
    Rule {
        name: "LintCamelCase",
        in_promtool_2_42: true,
        check: lint_camel_case,
    },
    Rule {
        name: "LintUnitAbbreviations",
        in_promtool_2_42: true,
        check: lint_unit_abbreviations,
    },
    Rule {
        name: "LintDuplicateMetric",
        in_promtool_2_42: false,
        check: lint_duplicate_metric,
    },
];

/// Every label name of the part's series, once per series that carries it.
fn label_names<'f>(part: &'f Part<'_, '_>) -> impl Iterator<Item = &'f str> {
    part.series
        .iter()
        .flat_map(|s| s.labels.iter().map(|(name, _)| *name))
}

/// `name` contains `_word_` or ends with `_word`: `word` is a whole `_`-separated
/// word that is not the first one.
fn has_inner_or_last_word(name: &str, word: &str) -> bool {
    name.contains(&format!("_{word}_")) || name.ends_with(&format!("_{word}"))
}

/// promlint's `[a-z][A-Z]`: a lowercase ASCII letter directly before an uppercase one.
fn is_camel_case(name: &str) -> bool {
    name.as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
}

fn lint_help(part: &Part<'_, '_>) -> Vec<String> {
    if !part.first {
        return vec![];
    }
    let family = part.family;
    if family.has_help {
        vec![]
    } else {
        vec!["no help text".into()]
    }
}

fn lint_metric_units(part: &Part<'_, '_>) -> Vec<String> {
    if !part.first {
        return vec![];
    }
    let family = part.family;
    match metric_unit(family.name) {
        Some((unit, base)) if unit != base => {
            vec![format!("use base unit \"{base}\" instead of \"{unit}\"")]
        }
        _ => vec![],
    }
}

fn lint_counter(part: &Part<'_, '_>) -> Vec<String> {
    if !part.first {
        return vec![];
    }
    let family = part.family;
    let has_total_suffix = family.name.ends_with("_total");
    match family.kind {
        ProtoType::Counter if !has_total_suffix => {
            vec!["counter metrics should have \"_total\" suffix".into()]
        }
        ProtoType::Counter | ProtoType::Untyped => vec![],
        _ if has_total_suffix => {
            vec!["non-counter metrics should not have \"_total\" suffix".into()]
        }
        _ => vec![],
    }
}

/// Upstream only (not in promtool 2.42): a `_timestamp_seconds` name says "gauge".
fn lint_gauge(part: &Part<'_, '_>) -> Vec<String> {
    if !part.first {
        return vec![];
    }
    let family = part.family;
    let misnamed = !matches!(family.kind, ProtoType::Gauge | ProtoType::Untyped)
        && family.name.ends_with("_timestamp_seconds");
    if misnamed {
        vec!["non-gauge metrics should not have \"_timestamp_seconds\" suffix".into()]
    } else {
        vec![]
    }
}

fn lint_histogram_summary_reserved(part: &Part<'_, '_>) -> Vec<String> {
    let family = part.family;
    // Untyped families may be anything, so nothing is reserved for them.
    if family.kind == ProtoType::Untyped {
        return vec![];
    }
    let is_histogram = family.kind == ProtoType::Histogram;
    let is_summary = family.kind == ProtoType::Summary;
    let name = family.name;
    let mut problems = Vec::new();
    if part.first && !is_histogram && name.ends_with("_bucket") {
        problems.push("non-histogram metrics should not have \"_bucket\" suffix".to_string());
    }
    if part.first && !is_histogram && !is_summary && name.ends_with("_count") {
        problems.push(
            "non-histogram and non-summary metrics should not have \"_count\" suffix".to_string(),
        );
    }
    if part.first && !is_histogram && !is_summary && name.ends_with("_sum") {
        problems.push(
            "non-histogram and non-summary metrics should not have \"_sum\" suffix".to_string(),
        );
    }
    for label in label_names(part) {
        if !is_histogram && label == "le" {
            problems.push("non-histogram metrics should not have \"le\" label".to_string());
        }
        if !is_summary && label == "quantile" {
            problems.push("non-summary metrics should not have \"quantile\" label".to_string());
        }
    }
    problems
}

fn lint_metric_type_in_name(part: &Part<'_, '_>) -> Vec<String> {
    if !part.first {
        return vec![];
    }
    let family = part.family;
    let name = family.name.to_lowercase();
    ProtoType::NAMED
        .iter()
        .filter(|(kind, _)| *kind != ProtoType::Untyped)
        .filter(|(_, type_name)| has_inner_or_last_word(&name, type_name))
        .map(|(_, type_name)| format!("metric name should not include type '{type_name}'"))
        .collect()
}

fn lint_reserved_chars(part: &Part<'_, '_>) -> Vec<String> {
    if !part.first {
        return vec![];
    }
    let family = part.family;
    // Colons are for recording rules, not for what an exporter exposes.
    if family.name.contains(':') {
        vec!["metric names should not contain ':'".into()]
    } else {
        vec![]
    }
}

fn lint_camel_case(part: &Part<'_, '_>) -> Vec<String> {
    let mut problems = Vec::new();
    if part.first && is_camel_case(part.family.name) {
        problems.push("metric names should be written in 'snake_case' not 'camelCase'".to_string());
    }
    // One problem per series carrying such a label, as promlint reports it.
    let camel_labels = label_names(part)
        .filter(|label| is_camel_case(label))
        .count();
    let text = "label names should be written in 'snake_case' not 'camelCase'";
    problems.extend(std::iter::repeat_n(text.to_string(), camel_labels));
    problems
}

fn lint_unit_abbreviations(part: &Part<'_, '_>) -> Vec<String> {
    if !part.first {
        return vec![];
    }
    let family = part.family;
    let name = family.name.to_lowercase();
    UNIT_ABBREVIATIONS
        .iter()
        .filter(|abbreviation| has_inner_or_last_word(&name, abbreviation))
        .map(|_| "metric names should not contain abbreviated units".to_string())
        .collect()
}

/// Upstream only (not in promtool 2.42): a series whose label pairs, in order,
/// equal a later series' (Go's `reflect.DeepEqual` on the label lists). One
/// problem per series that has a later twin.
fn lint_duplicate_metric(part: &Part<'_, '_>) -> Vec<String> {
    if !part.first {
        return vec![];
    }
    let family = part.family;
    // From the last series back: one has a later twin if a later one has the same
    // labels. Series are found by their hash (computed while merging), and the
    // labels compared only when hashes match.
    let series = &family.series;
    let mut later: HashMap<u64, usize> = HashMap::with_capacity(series.len());
    let mut twins = 0;
    for (i, s) in series.iter().enumerate().rev() {
        match later.insert(s.hash, i) {
            Some(j) if series[j].labels == s.labels => twins += 1,
            // Two label sets with one hash: check every later series (never seen
            // in practice; 64-bit hashes).
            Some(_) => twins += usize::from(series[i + 1..].iter().any(|l| l.labels == s.labels)),
            None => {}
        }
    }
    vec!["metric not unique".to_string(); twins]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_needs_lower_then_upper() {
        assert!(is_camel_case("fooBar"));
        assert!(is_camel_case("FooBar"));
        assert!(!is_camel_case("FOO_BAR"));
        assert!(!is_camel_case("Foo_bar"));
        assert!(!is_camel_case("foo_bar"));
    }

    #[test]
    fn whole_words_after_the_first() {
        assert!(has_inner_or_last_word("foo_ms", "ms"));
        assert!(has_inner_or_last_word("foo_ms_total", "ms"));
        assert!(!has_inner_or_last_word("ms_foo", "ms"));
        assert!(!has_inner_or_last_word("foo_msg", "ms"));
    }

    #[test]
    fn rule_names_are_unique() {
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        crate::sort::sort(&mut names[..]);
        names.dedup();
        assert_eq!(names.len(), RULES.len());
    }
}
