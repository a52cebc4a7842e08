//! Inhibition rules (`inhibit/inhibit.go`): a firing alert matching a rule's
//! source matchers mutes the alerts matching its target matchers when the labels
//! named in `equal` have the same values in both (a label missing on both sides
//! counts as equal). An alert matching both sides cannot inhibit another that
//! also matches both, so an alert never inhibits itself.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::alert::{Fingerprint, StoredAlert, label};
use super::matchers::{Matcher, matches_labels};
use super::route::{check_label_name, legacy_matchers, matcher_lines};
use crate::names::is_legacy_label_name;

/// An `inhibit_rules` entry as written: the older maps and the matcher lists.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct InhibitRuleFile {
    pub(crate) source_match: BTreeMap<String, String>,
    pub(crate) source_match_re: BTreeMap<String, String>,
    pub(crate) source_matchers: Vec<String>,
    pub(crate) target_match: BTreeMap<String, String>,
    pub(crate) target_match_re: BTreeMap<String, String>,
    pub(crate) target_matchers: Vec<String>,
    pub(crate) equal: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct InhibitRule {
    pub source: Vec<Matcher>,
    pub target: Vec<Matcher>,
    pub equal: Vec<String>,
}

impl InhibitRule {
    /// The rule, checked as Alertmanager reads it: regexes, matchers and `equal`
    /// names first, then the names of the `source_match`/`target_match` maps.
    pub(crate) fn build(file: &InhibitRuleFile) -> Result<InhibitRule, String> {
        let mut source = legacy_matchers(&file.source_match, &file.source_match_re)?;
        source.extend(matcher_lines(&file.source_matchers)?);
        let mut target = legacy_matchers(&file.target_match, &file.target_match_re)?;
        target.extend(matcher_lines(&file.target_matchers)?);
        if let Some(bad) = file.equal.iter().find(|n| !is_legacy_label_name(n)) {
            return Err(format!("{bad:?} is not a valid label name"));
        }
        for name in file.source_match.keys().chain(file.target_match.keys()) {
            check_label_name(name)?;
        }
        Ok(InhibitRule {
            source,
            target,
            equal: file.equal.clone(),
        })
    }
}

/// Each rule's source alerts (of any state) by the values of its `equal`
/// labels, each list in fingerprint order: built once per version of the alert
/// store, asked once per alert and flush (`Inhibitor.Mutes`).
#[derive(Clone, Debug, Default)]
pub(crate) struct InhibitIndex {
    /// The version of the alert store it was built from.
    pub version: u64,
    sources: Vec<BTreeMap<Vec<String>, Vec<Fingerprint>>>,
}

fn equal_values(rule: &InhibitRule, labels: &[(String, String)]) -> Vec<String> {
    rule.equal
        .iter()
        .map(|n| label(labels, n).to_string())
        .collect()
}

impl InhibitIndex {
    pub(crate) fn build(
        rules: &[InhibitRule],
        alerts: &BTreeMap<Fingerprint, StoredAlert>,
        version: u64,
    ) -> InhibitIndex {
        let sources = rules
            .iter()
            .map(|rule| {
                let mut by_equal: BTreeMap<Vec<String>, Vec<Fingerprint>> = BTreeMap::new();
                for (fp, a) in alerts
                    .iter()
                    .filter(|(_, a)| matches_labels(&rule.source, &a.alert.labels))
                {
                    by_equal
                        .entry(equal_values(rule, &a.alert.labels))
                        .or_default()
                        .push(*fp);
                }
                by_equal
            })
            .collect();
        InhibitIndex { version, sources }
    }

    /// The alert inhibiting `labels` at `now`: from the first rule, in order,
    /// whose target side matches and that has a firing source with the same
    /// `equal` values (`hasEqual`; a label missing on both sides counts as
    /// equal). Of several sources, the one with the smallest fingerprint
    /// (Alertmanager takes whichever its map gives first).
    pub(crate) fn inhibited_by(
        &self,
        rules: &[InhibitRule],
        alerts: &BTreeMap<Fingerprint, StoredAlert>,
        labels: &[(String, String)],
        now: i64,
    ) -> Option<Fingerprint> {
        rules.iter().zip(&self.sources).find_map(|(rule, sources)| {
            if !matches_labels(&rule.target, labels) {
                return None;
            }
            // When the target also matches the source side, sources that match
            // both sides are left out: they could be the alert itself.
            let exclude_two_sided = matches_labels(&rule.source, labels);
            sources
                .get(&equal_values(rule, labels))?
                .iter()
                .filter_map(|fp| alerts.get(fp).map(|a| (fp, a)))
                .filter(|(_, a)| !a.alert.resolved_at(now))
                .find(|(_, a)| {
                    !(exclude_two_sided && matches_labels(&rule.target, &a.alert.labels))
                })
                .map(|(fp, _)| *fp)
        })
    }
}
