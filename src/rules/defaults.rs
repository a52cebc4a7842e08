//! Each simulated service's default rules, from the tutorials: requests per
//! second recorded, and the alerts they end with (HighLatency on the p99,
//! HighErrorRatio, InstanceDown), written with the metric names the service
//! really exposes.

use crate::sim::http_signals;

/// The default rule file for `scenario` (InstanceDown alone for services that
/// serve no requests).
pub fn default_rules(scenario: &str) -> String {
    let mut rules = String::from("groups:\n  - name: tutorial\n    interval: 15s\n    rules:\n");
    if let Some(s) = http_signals(scenario) {
        rules.push_str(&format!(
            "      - record: job:{name}:rate1m\n        expr: sum by (job) (rate({requests}[1m]))\n",
            name = s.requests.trim_end_matches("_total"),
            requests = s.requests
        ));
        if let Some(histogram) = s.histogram {
            rules.push_str(&format!(
                "      - alert: HighLatency
        expr: histogram_quantile(0.99, sum by (le, job) (rate({histogram}_bucket[1m]))) > {objective}
        for: 1m
        labels:
          severity: page
        annotations:
          summary: \"High latency on {{{{ $labels.job }}}}\"
          description: \"99% of requests take under {{{{ $value | humanizeDuration }}}}, above the {objective}s objective.\"
",
                objective = s.latency_objective_s
            ));
        }
        if let Some((matcher, what)) = s.errors {
            rules.push_str(&format!(
                "      - alert: HighErrorRatio
        expr: sum by (job) (rate({req}{{{matcher}}}[1m])) / sum by (job) (rate({req}[1m])) > 0.05
        for: 1m
        labels:
          severity: page
        annotations:
          summary: \"{{{{ $labels.job }}}} answers {{{{ $value | humanizePercentage }}}} of requests with {what}\"
",
                req = s.requests
            ));
        }
    }
    rules.push_str(
        "      - alert: InstanceDown
        expr: up == 0
        for: 1m
        labels:
          severity: ticket
        annotations:
          summary: \"Instance {{ $labels.instance }} of job {{ $labels.job }} is down\"
",
    );
    rules
}
