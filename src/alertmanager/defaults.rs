//! The playground's default `alertmanager.yml`, after the tutorials: alerts
//! grouped by name and job, pages to PagerDuty, tickets by email, the rest to
//! Slack, and a page for a job holding back that job's tickets. Nothing is sent
//! anywhere: the receivers only name where notifications would go.
//!
//! The configuration is given both as the YAML a user reads and edits and as the
//! file that text reads as, built here without a YAML reader (the page loads its
//! reader as a part of its own; see `pipeline::yaml`). A test checks they agree.

use super::config::{Config, File, RouteConfig, check};
use super::inhibit::InhibitRuleFile;
use super::receivers::{GlobalFile, IntegrationFile, ReceiverFile};

pub const DEFAULT_CONFIG: &str = r#"global:
  smtp_smarthost: 'mail.example.com:587'
  smtp_from: 'alertmanager@example.com'
  slack_api_url: 'https://hooks.slack.com/services/T000/B000/XXXXXXXX'

route:
  receiver: slack-alerts
  group_by: [alertname, job]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
    - matchers: ['severity="page"']
      receiver: oncall-pager
    - matchers: ['severity="ticket"']
      receiver: team-email

inhibit_rules:
  # While a job pages, its tickets wait.
  - source_matchers: ['severity="page"']
    target_matchers: ['severity="ticket"']
    equal: [job]

receivers:
  - name: slack-alerts
    slack_configs:
      - channel: '#alerts'
        send_resolved: true
  - name: oncall-pager
    pagerduty_configs:
      - routing_key: 'example-routing-key'
  - name: team-email
    email_configs:
      - to: 'team@example.com'
"#;

/// [`DEFAULT_CONFIG`] as read: what `parse(DEFAULT_CONFIG)` gives.
pub fn default_config() -> Config {
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let some = |s: &str| Some(s.to_string());
    let route = |matcher: &str, receiver: &str| RouteConfig {
        matchers: strings(&[matcher]),
        receiver: some(receiver),
        ..RouteConfig::default()
    };
    let file = File {
        global: Some(GlobalFile {
            smtp_smarthost: some("mail.example.com:587"),
            smtp_from: some("alertmanager@example.com"),
            slack_api_url: some("https://hooks.slack.com/services/T000/B000/XXXXXXXX"),
            ..GlobalFile::default()
        }),
        route: Some(RouteConfig {
            receiver: some("slack-alerts"),
            group_by: Some(strings(&["alertname", "job"])),
            group_wait: some("30s"),
            group_interval: some("5m"),
            repeat_interval: some("4h"),
            routes: vec![
                route("severity=\"page\"", "oncall-pager"),
                route("severity=\"ticket\"", "team-email"),
            ],
            ..RouteConfig::default()
        }),
        inhibit_rules: vec![InhibitRuleFile {
            source_matchers: strings(&["severity=\"page\""]),
            target_matchers: strings(&["severity=\"ticket\""]),
            equal: strings(&["job"]),
            ..InhibitRuleFile::default()
        }],
        receivers: vec![
            ReceiverFile {
                name: some("slack-alerts"),
                slack_configs: vec![IntegrationFile {
                    send_resolved: Some(true),
                    ..IntegrationFile::default()
                }],
                ..ReceiverFile::default()
            },
            ReceiverFile {
                name: some("oncall-pager"),
                pagerduty_configs: vec![IntegrationFile {
                    routing_key: some("example-routing-key"),
                    ..IntegrationFile::default()
                }],
                ..ReceiverFile::default()
            },
            ReceiverFile {
                name: some("team-email"),
                email_configs: vec![IntegrationFile {
                    to: some("team@example.com"),
                    ..IntegrationFile::default()
                }],
                ..ReceiverFile::default()
            },
        ],
        ..File::default()
    };
    check(file).expect("the default configuration loads")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_text_reads_as_the_prebuilt_configuration() {
        let read = super::super::parse(DEFAULT_CONFIG).unwrap();
        assert_eq!(format!("{read:#?}"), format!("{:#?}", default_config()));
    }
}
