//! Each simulated service's default rules, from the tutorials: requests per
//! second recorded, and the alerts they end with (HighLatency on the p99,
//! HighErrorRatio, InstanceDown), written with the metric names the service
//! really exposes.
//!
//! The rules are written once, below, and given both as the YAML a user reads and
//! edits and as the [`RuleFile`] that text reads as: a run with the default rules
//! needs no YAML reader (the page loads its reader as a part of its own; see
//! `pipeline::yaml`). A test checks that the two agree for every service.

use crate::sim::http_signals;

use super::{GroupSpec, RuleFile, RuleKind, RuleSpec};

/// The default rule file for `scenario` (InstanceDown alone for services that
/// serve no requests).
pub fn default_rules(scenario: &str) -> String {
    write(scenario).0
}

/// [`default_rules`] as read: what `parse_rule_file(&default_rules(scenario))` gives.
pub fn default_rule_file(scenario: &str) -> RuleFile {
    write(scenario).1
}

const GROUP: &str = "tutorial";
const GROUP_INTERVAL: (&str, i64) = ("15s", 15_000);
/// Every alert's `for:`.
const FOR: (&str, i64) = ("1m", 60_000);

/// One default rule as written (labels and annotations in the text's order).
struct DefaultRule {
    kind: RuleKind,
    name: String,
    expr: String,
    labels: Vec<(&'static str, String)>,
    annotations: Vec<(&'static str, String)>,
}

fn rules(scenario: &str) -> Vec<DefaultRule> {
    let alert = |name: &str, expr: String, severity: &str, annotations| DefaultRule {
        kind: RuleKind::Alert,
        name: name.into(),
        expr,
        labels: vec![("severity", severity.into())],
        annotations,
    };
    let mut rules = Vec::new();
    if let Some(s) = http_signals(scenario) {
        rules.push(DefaultRule {
            kind: RuleKind::Record,
            name: format!("job:{}:rate1m", s.requests.trim_end_matches("_total")),
            expr: format!("sum by (job) (rate({}[1m]))", s.requests),
            labels: Vec::new(),
            annotations: Vec::new(),
        });
        if let Some(histogram) = s.histogram {
            let objective = s.latency_objective_s;
            rules.push(alert(
                "HighLatency",
                format!("histogram_quantile(0.99, sum by (le, job) (rate({histogram}_bucket[1m]))) > {objective}"),
                "page",
                vec![
                    ("summary", "High latency on {{ $labels.job }}".into()),
                    ("description", format!("99% of requests take under {{{{ $value | humanizeDuration }}}}, above the {objective}s objective.")),
                ],
            ));
        }
        if let Some((matcher, what)) = s.errors {
            let requests = s.requests;
            rules.push(alert(
                "HighErrorRatio",
                format!("sum by (job) (rate({requests}{{{matcher}}}[1m])) / sum by (job) (rate({requests}[1m])) > 0.05"),
                "page",
                vec![("summary", format!("{{{{ $labels.job }}}} answers {{{{ $value | humanizePercentage }}}} of requests with {what}"))],
            ));
        }
    }
    rules.push(alert(
        "InstanceDown",
        "up == 0".into(),
        "ticket",
        vec![(
            "summary",
            "Instance {{ $labels.instance }} of job {{ $labels.job }} is down".into(),
        )],
    ));
    rules
}

/// The text, and the file it reads as, with the lines and columns the reader
/// gives (a group at its first key, a rule at its line, `expr` at its value).
fn write(scenario: &str) -> (String, RuleFile) {
    let mut text = format!(
        "groups:\n  - name: {GROUP}\n    interval: {}\n    rules:\n",
        GROUP_INTERVAL.0
    );
    let mut line = 5;
    let mut specs = Vec::new();
    for rule in rules(scenario) {
        let rule_line = line;
        let key = match rule.kind {
            RuleKind::Record => "record",
            RuleKind::Alert => "alert",
        };
        text.push_str(&format!("      - {key}: {}\n", rule.name));
        text.push_str(&format!("        expr: {}\n", rule.expr));
        line += 2;
        let mut for_ms = 0;
        if rule.kind == RuleKind::Alert {
            text.push_str(&format!("        for: {}\n", FOR.0));
            line += 1;
            for_ms = FOR.1;
        }
        for (block, entries) in [("labels", &rule.labels), ("annotations", &rule.annotations)] {
            if entries.is_empty() {
                continue;
            }
            text.push_str(&format!("        {block}:\n"));
            line += 1;
            for (name, value) in entries {
                // Label values plain, annotations double-quoted (without escapes:
                // the values have no `"` or `\`).
                match block {
                    "labels" => text.push_str(&format!("          {name}: {value}\n")),
                    _ => text.push_str(&format!("          {name}: \"{value}\"\n")),
                }
                line += 1;
            }
        }
        let sorted = |entries: &[(&str, String)]| {
            let mut pairs: Vec<(String, String)> = entries
                .iter()
                .map(|(n, v)| (n.to_string(), v.clone()))
                .collect();
            crate::sort::sort(&mut pairs[..]);
            pairs
        };
        specs.push(RuleSpec {
            kind: rule.kind,
            name: rule.name,
            expr: rule.expr,
            expr_at: (rule_line + 1, 15),
            for_ms,
            keep_firing_for_ms: 0,
            labels: sorted(&rule.labels),
            annotations: sorted(&rule.annotations),
            line: rule_line,
        });
    }
    let file = RuleFile {
        groups: vec![GroupSpec {
            name: GROUP.into(),
            interval_ms: Some(GROUP_INTERVAL.1),
            query_offset_ms: None,
            limit: 0,
            rules: specs,
            line: 2,
            column: 5,
        }],
    };
    (text, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_services_default_rules_read_as_their_prebuilt_file() {
        for info in crate::sim::scenarios() {
            let text = default_rules(info.name);
            let read = super::super::parse_rule_file(&text, false)
                .unwrap_or_else(|e| panic!("{}: {e:?}\n{text}", info.name));
            assert_eq!(read, default_rule_file(info.name), "{}\n{text}", info.name);
        }
    }

    #[test]
    fn the_text_is_the_tutorials() {
        assert_eq!(
            default_rules("batch"),
            "groups:\n  - name: tutorial\n    interval: 15s\n    rules:\n      - alert: InstanceDown\n        expr: up == 0\n        for: 1m\n        labels:\n          severity: ticket\n        annotations:\n          summary: \"Instance {{ $labels.instance }} of job {{ $labels.job }} is down\"\n"
        );
    }
}
