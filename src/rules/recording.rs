//! A recording rule (Prometheus's `rules/recording.go`): the expression's result
//! under a new metric name, with the rule's labels set (an empty value removes
//! the label). Native-histogram results are kept as histograms (the group
//! writes them as float histograms, as upstream's `AppendHistogram`).

use crate::tsdb::{Labels, METRIC_NAME};

use super::query::{RuleExpr, RuleSample};

#[derive(Clone, Debug)]
pub struct RecordingRule {
    pub name: String,
    pub expr: RuleExpr,
    /// Sorted by name.
    pub labels: Vec<(String, String)>,
}

impl RecordingRule {
    /// The samples to write for the expression's `result`.
    pub fn eval(&self, result: Vec<RuleSample>, limit: usize) -> Result<Vec<RuleSample>, String> {
        let mut out: Vec<RuleSample> = result
            .into_iter()
            .map(|mut s| {
                let mut pairs: Vec<(&str, &str)> = s.labels.iter().collect();
                pairs.push((METRIC_NAME, &self.name));
                pairs.extend(self.labels.iter().map(|(n, v)| (n.as_str(), v.as_str())));
                s.labels = Labels::new(&pairs);
                s
            })
            .collect();
        let mut seen: Vec<&Labels> = out.iter().map(|s| &s.labels).collect();
        crate::sort::sort(&mut seen[..]);
        if seen.windows(2).any(|w| w[0] == w[1]) {
            return Err(
                "vector contains metrics with the same labelset after applying rule labels".into(),
            );
        }
        if limit > 0 && out.len() > limit {
            let n = out.len();
            out.clear();
            return Err(format!("exceeded limit of {limit} with {n} series"));
        }
        Ok(out)
    }
}
