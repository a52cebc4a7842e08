//! promtool's rule lint (`check rules --lint=duplicate-rules`): rules with the
//! same name and labels, whatever their expressions, which record or alert into
//! the same series.

use super::file::RuleFile;

/// The duplicated (name, labels) pairs, sorted, each once.
pub fn duplicate_rules(file: &RuleFile) -> Vec<(String, Vec<(String, String)>)> {
    let mut rules: Vec<(String, Vec<(String, String)>)> = file
        .groups
        .iter()
        .flat_map(|g| &g.rules)
        .map(|r| (r.name.clone(), r.labels.clone()))
        .collect();
    crate::sort::sort(&mut rules[..]);
    let mut duplicates: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for pair in rules.windows(2) {
        if pair[0] == pair[1] && duplicates.last() != Some(&pair[1]) {
            duplicates.push(pair[1].clone());
        }
    }
    duplicates
}

/// promtool's message for them: `lint error 1 duplicate rule(s) found.` and each
/// rule's name and labels.
pub fn duplicates_message(duplicates: &[(String, Vec<(String, String)>)]) -> String {
    let mut message = format!("lint error {} duplicate rule(s) found.\n", duplicates.len());
    for (name, labels) in duplicates {
        message.push_str(&format!("Metric: {name}\nLabel(s):\n"));
        for (n, v) in labels {
            message.push_str(&format!("\t{n}: {v}\n"));
        }
    }
    message.push_str("Might cause inconsistency while recording expressions");
    message
}
