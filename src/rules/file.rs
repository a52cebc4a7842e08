//! Rule files in Prometheus's format (its `model/rulefmt`): `groups:` of
//! recording and alerting rules, read with serde-saphyr and checked as
//! Prometheus 2.42 checks them at load, with its wording and the line and column
//! of the value at fault (`7:15: group "x", rule 1, "Broken": could not parse
//! expression: 1:30: parse error: ...`).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::names::{is_legacy_label_name, is_legacy_metric_name};
use crate::tsdb::METRIC_NAME;
use crate::tsdb::labels::write_quoted;

use super::template::check_alert_text;
use super::yaml_keys::{Schema, unknown_fields, unknown_fields_message};

/// A checked rule file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleFile {
    pub groups: Vec<GroupSpec>,
}

/// One group: rules evaluated one after another at the group's interval.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupSpec {
    pub name: String,
    /// `interval:`; `None` takes the global evaluation interval.
    pub interval_ms: Option<i64>,
    /// `query_offset:` (Prometheus 2.53): queries look this far into the past.
    pub query_offset_ms: Option<i64>,
    /// `limit:`: more alerts or series than this fail the rule (0: no limit).
    pub limit: usize,
    pub rules: Vec<RuleSpec>,
    /// Where the group starts (1-based line and column), for the editor.
    pub line: u32,
    pub column: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleKind {
    Record,
    Alert,
}

/// One rule as written.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSpec {
    pub kind: RuleKind,
    /// The recorded metric's name, or the alert's.
    pub name: String,
    pub expr: String,
    /// Where `expr`'s value starts (1-based line and column).
    pub expr_at: (u32, u32),
    pub for_ms: i64,
    pub keep_firing_for_ms: i64,
    /// Sorted by name.
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub line: u32,
}

/// A problem found in a rule file, in Prometheus's wording, at the line and
/// column it names (when it names one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFileError {
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl std::fmt::Display for RuleFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Reads and checks a rule file; every problem found is reported, in the order
/// Prometheus reports them. Unknown fields are errors unless `ignore_unknown_fields`.
pub fn parse_rule_file(
    text: &str,
    ignore_unknown_fields: bool,
) -> Result<RuleFile, Vec<RuleFileError>> {
    let raw: RawFile = if text.trim().is_empty() {
        RawFile::default()
    } else {
        serde_saphyr::from_str(text).map_err(|e| vec![yaml_error(&e)])?
    };
    if !ignore_unknown_fields {
        let unknown = unknown_fields(text, &FILE_SCHEMA).map_err(|e| vec![yaml_error(&e)])?;
        if let Some(first) = unknown.first() {
            return Err(vec![RuleFileError {
                message: unknown_fields_message(&unknown, "rulefmt"),
                line: Some(first.line),
                column: None,
            }]);
        }
    }
    let mut errors = Vec::new();
    let mut groups = Vec::new();
    for group in raw.groups {
        groups.push(check_group(group, &groups, &mut errors));
    }
    if errors.is_empty() {
        Ok(RuleFile { groups })
    } else {
        Err(errors)
    }
}

pub(crate) fn yaml_error(e: &serde_saphyr::Error) -> RuleFileError {
    let location = e.location();
    RuleFileError {
        message: format!("yaml: {e}"),
        line: location.map(|l| l.line() as u32),
        column: location.map(|l| l.column() as u32),
    }
}

fn check_group(
    raw: Spanned<RawGroup>,
    earlier: &[GroupSpec],
    errors: &mut Vec<RuleFileError>,
) -> GroupSpec {
    let (line, column) = position(&raw.referenced);
    let raw = raw.value;
    let name = raw.name.map(|n| n.value).unwrap_or_default();
    let at = |message: String| RuleFileError {
        message: format!("{line}:{column}: {message}"),
        line: Some(line),
        column: Some(column),
    };
    if name.is_empty() {
        errors.push(at("Groupname must not be empty".into()));
    }
    if earlier.iter().any(|g| g.name == name) {
        errors.push(at(format!(
            "groupname: \"{name}\" is repeated in the same file"
        )));
    }
    let mut duration = |field: Option<Spanned<String>>| -> Option<i64> {
        let field = field?;
        match crate::time::parse_duration_ms(&field.value) {
            Ok(ms) => Some(ms),
            Err(_) => {
                let (line, column) = position(&field.referenced);
                errors.push(RuleFileError {
                    message: format!("not a valid duration string: {:?}", field.value),
                    line: Some(line),
                    column: Some(column),
                });
                None
            }
        }
    };
    let interval_ms = duration(raw.interval);
    let query_offset_ms = duration(raw.query_offset);
    let mut rules = Vec::new();
    for (index, rule) in raw.rules.into_iter().enumerate() {
        rules.push(check_rule(rule, &name, index + 1, errors));
    }
    GroupSpec {
        name,
        interval_ms,
        query_offset_ms,
        limit: raw.limit.unwrap_or(0),
        rules,
        line,
        column,
    }
}

fn position(location: &serde_saphyr::Location) -> (u32, u32) {
    (location.line() as u32, location.column() as u32)
}

/// Rulefmt's `Rule.Validate`, then the template check, in its order.
fn check_rule(
    raw: Spanned<RawRule>,
    group: &str,
    number: usize,
    errors: &mut Vec<RuleFileError>,
) -> RuleSpec {
    let rule_line = raw.referenced.line() as u32;
    let raw = raw.value;
    let text = |field: &Option<Spanned<String>>| {
        field.as_ref().map(|f| f.value.clone()).unwrap_or_default()
    };
    // A missing field's node sits at 0:0 in Go's yaml.
    let at = |field: &Option<Spanned<String>>| {
        field.as_ref().map_or((0, 0), |f| position(&f.referenced))
    };
    let (record, alert, expr) = (text(&raw.record), text(&raw.alert), text(&raw.expr));
    let rule_name = if alert.is_empty() { &record } else { &alert };
    let mut prefix = format!("group {}, rule {number}, ", go_quote(group));
    prefix.push_str(&go_quote(rule_name));
    let mut report = |nodes: &[(u32, u32)], message: String| {
        let mut text = String::new();
        for (line, column) in nodes {
            text.push_str(&format!("{line}:{column}: "));
        }
        errors.push(RuleFileError {
            message: format!("{text}{prefix}: {message}"),
            line: nodes.first().map(|n| n.0).filter(|l| *l > 0),
            column: nodes.first().map(|n| n.1).filter(|c| *c > 0),
        });
    };
    let both = [at(&raw.record), at(&raw.alert)];
    if !record.is_empty() && !alert.is_empty() {
        report(&both, "only one of 'record' and 'alert' must be set".into());
    }
    if record.is_empty() && alert.is_empty() {
        report(&both[..1], "one of 'record' or 'alert' must be set".into());
    }
    if expr.is_empty() {
        report(&[at(&raw.expr)], "field 'expr' must be set in rule".into());
    } else if let Err(e) = crate::promql::parse(&expr) {
        report(
            &[at(&raw.expr)],
            format!("could not parse expression: {}", e.prometheus_message()),
        );
    }
    let mut duration = |field: &Option<Spanned<String>>| -> i64 {
        let Some(field) = field else { return 0 };
        crate::time::parse_duration_ms(&field.value).unwrap_or_else(|_| {
            report(
                &[position(&field.referenced)],
                format!("not a valid duration string: {:?}", field.value),
            );
            0
        })
    };
    let for_ms = duration(&raw.for_);
    let keep_firing_for_ms = duration(&raw.keep_firing_for);
    let record_at = [at(&raw.record)];
    if !record.is_empty() {
        if !raw.annotations.is_empty() {
            report(
                &record_at,
                "invalid field 'annotations' in recording rule".into(),
            );
        }
        if for_ms != 0 {
            report(&record_at, "invalid field 'for' in recording rule".into());
        }
        if keep_firing_for_ms != 0 {
            report(
                &record_at,
                "invalid field 'keep_firing_for' in recording rule".into(),
            );
        }
        if !is_legacy_metric_name(&record) {
            report(&record_at, format!("invalid recording rule name: {record}"));
        }
    }
    let labels = string_map(raw.labels);
    let annotations = string_map(raw.annotations);
    for (name, _) in &labels {
        if !is_legacy_label_name(name) || name == METRIC_NAME {
            report(&[], format!("invalid label name: {name}"));
        }
    }
    for (name, _) in &annotations {
        if !is_legacy_label_name(name) {
            report(&[], format!("invalid annotation name: {name}"));
        }
    }
    if !alert.is_empty() {
        for (kind, map) in [("label", &labels), ("annotation", &annotations)] {
            for (name, value) in map {
                if let Err(e) = check_alert_text(&alert, value) {
                    report(&[], format!("{kind} {}: {e}", go_quote(name)));
                }
            }
        }
    }
    RuleSpec {
        kind: if alert.is_empty() {
            RuleKind::Record
        } else {
            RuleKind::Alert
        },
        name: rule_name.clone(),
        expr,
        expr_at: at(&raw.expr),
        for_ms,
        keep_firing_for_ms,
        labels,
        annotations,
        line: rule_line,
    }
}

fn string_map(map: BTreeMap<String, Option<String>>) -> Vec<(String, String)> {
    map.into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect()
}

/// Go's `%q`.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::new();
    let _ = write_quoted(&mut out, s);
    out
}

// The file as written. Strings stay as written (`expr: 1` is the text "1").
#[derive(Default, Deserialize)]
struct RawFile {
    #[serde(default)]
    groups: Vec<Spanned<RawGroup>>,
}

#[derive(Deserialize)]
struct RawGroup {
    #[serde(default)]
    name: Option<Spanned<String>>,
    #[serde(default)]
    interval: Option<Spanned<String>>,
    #[serde(default)]
    query_offset: Option<Spanned<String>>,
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
struct RawRule {
    #[serde(default)]
    record: Option<Spanned<String>>,
    #[serde(default)]
    alert: Option<Spanned<String>>,
    #[serde(default)]
    expr: Option<Spanned<String>>,
    #[serde(default, rename = "for")]
    for_: Option<Spanned<String>>,
    #[serde(default)]
    keep_firing_for: Option<Spanned<String>>,
    #[serde(default)]
    labels: BTreeMap<String, Option<String>>,
    #[serde(default)]
    annotations: BTreeMap<String, Option<String>>,
}

/// The fields Go's strict decoding of a rule file knows, for its unknown-field errors.
static RULE_SCHEMA: Schema = Schema {
    type_name: "RuleNode",
    fields: &[
        ("record", None),
        ("alert", None),
        ("expr", None),
        ("for", None),
        ("keep_firing_for", None),
        ("labels", None),
        ("annotations", None),
    ],
};
static GROUP_SCHEMA: Schema = Schema {
    type_name: "RuleGroup",
    fields: &[
        ("name", None),
        ("interval", None),
        ("query_offset", None),
        ("limit", None),
        ("rules", Some(&RULE_SCHEMA)),
    ],
};
static FILE_SCHEMA: Schema = Schema {
    type_name: "RuleGroups",
    fields: &[("groups", Some(&GROUP_SCHEMA))],
};
