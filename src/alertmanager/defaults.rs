//! The playground's default `alertmanager.yml`, after the tutorials: alerts
//! grouped by name and job, pages to PagerDuty, tickets by email, the rest to
//! Slack, and a page for a job holding back that job's tickets. Nothing is sent
//! anywhere: the receivers only name where notifications would go.

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
