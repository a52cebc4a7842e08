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
    source_match: BTreeMap<String, String>,
    source_match_re: BTreeMap<String, String>,
    source_matchers: Vec<String>,
    target_match: BTreeMap<String, String>,
    target_match_re: BTreeMap<String, String>,
    target_matchers: Vec<String>,
    equal: Vec<String>,
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

/// The rules with their firing source alerts at one time (`Inhibitor.Mutes`
/// asks it per alert; the sources are found once).
pub(crate) struct Inhibitor<'a> {
    rules: &'a [InhibitRule],
    /// Per rule: the alerts matching its source side, not resolved, by fingerprint.
    sources: Vec<Vec<(Fingerprint, &'a StoredAlert)>>,
}

impl<'a> Inhibitor<'a> {
    pub(crate) fn new(
        rules: &'a [InhibitRule],
        alerts: &'a BTreeMap<Fingerprint, StoredAlert>,
        now: i64,
    ) -> Inhibitor<'a> {
        let sources = rules
            .iter()
            .map(|rule| {
                alerts
                    .iter()
                    .filter(|(_, a)| {
                        !a.alert.resolved_at(now) && matches_labels(&rule.source, &a.alert.labels)
                    })
                    .map(|(fp, a)| (*fp, a))
                    .collect()
            })
            .collect();
        Inhibitor { rules, sources }
    }

    /// The alert inhibiting `labels`: from the first rule, in order, whose target
    /// side matches and that has a source for it (`hasEqual`). Of several
    /// sources, the one with the smallest fingerprint (Alertmanager takes
    /// whichever its map gives first).
    pub(crate) fn inhibited_by(&self, labels: &[(String, String)]) -> Option<Fingerprint> {
        self.rules
            .iter()
            .zip(&self.sources)
            .find_map(|(rule, sources)| {
                if !matches_labels(&rule.target, labels) {
                    return None;
                }
                // When the target also matches the source side, sources that match
                // both sides are left out: they could be the alert itself.
                let exclude_two_sided = matches_labels(&rule.source, labels);
                sources
                    .iter()
                    .filter(|(_, a)| {
                        rule.equal
                            .iter()
                            .all(|n| label(&a.alert.labels, n) == label(labels, n))
                    })
                    .find(|(_, a)| {
                        !(exclude_two_sided && matches_labels(&rule.target, &a.alert.labels))
                    })
                    .map(|(fp, _)| *fp)
            })
    }
}
