//! The Alerts pane's models on a real run: an outage makes the default rules'
//! HighLatency fire; the views list it with its state, the rules with their
//! health, the notification log with its receiver, and charts get its span.

use promplay::pipeline::{Options, Pipeline, Run, Timeline};
use promplay::views::alertmanager::{notification_views, route_test, routing_tree};
use promplay::views::alerts::{
    StateFilter, alerting_rule_views, firing_alert_markers, group_views, state_counts,
};

const T0: i64 = 1_714_521_600_000;

fn outage_run() -> Pipeline {
    let mut run = Run::new("api", 1, T0, 2);
    run.timeline = Timeline::parse("10m outage 10m", T0).unwrap();
    let mut p = Pipeline::new(run, Options::default()).unwrap();
    p.advance_to(T0 + 14 * 60_000);
    p
}

#[test]
fn rules_and_alerts_views_follow_the_run() {
    let p = outage_run();
    let rules = p.alerting().rules();
    let groups = group_views(rules, T0 + 14 * 60_000);
    assert_eq!(groups[0].name, "tutorial");
    assert_eq!(groups[0].interval, "every 15s");
    assert_eq!(groups[0].last_eval, "0.0s ago");
    assert!(
        groups[0].rules.iter().all(|r| r.health == "ok"),
        "{groups:?}"
    );
    let firing = alerting_rule_views(
        rules,
        StateFilter {
            firing: true,
            ..StateFilter::default()
        },
    );
    let latency = firing
        .iter()
        .find(|r| r.name == "HighLatency")
        .expect("HighLatency fires");
    assert_eq!(latency.state, "firing");
    assert_eq!(latency.timing, "for 1m");
    assert_eq!(
        latency.alerts[0].labels,
        "{alertname=\"HighLatency\", job=\"api\", severity=\"page\"}"
    );
    let (_, _, firing_rules) = state_counts(rules);
    assert_eq!(firing_rules, firing.len());
    // Charts: a span from when it started firing, up to now.
    let markers = firing_alert_markers(p.store(), T0, T0 + 14 * 60_000);
    let span = markers
        .iter()
        .find(|m| m.text.contains("HighLatency"))
        .unwrap();
    assert!(span.alert && span.t * 1000.0 > (T0 + 10 * 60_000) as f64);
    assert!(span.until.unwrap() * 1000.0 >= (T0 + 13 * 60_000) as f64);
}

#[test]
fn alertmanager_views_show_the_log_and_routing() {
    let p = outage_run();
    let am = p.alerting().alertmanager();
    let log = notification_views(am, 10);
    let paged = log
        .iter()
        .find(|n| n.group_labels.contains("HighLatency"))
        .expect("HighLatency was paged");
    assert_eq!(
        (paged.receiver.as_str(), paged.integration.as_str()),
        ("oncall-pager", "pagerduty")
    );
    assert_eq!((paged.status, paged.reason), ("firing", "first"));
    assert!(paged.alerts[0].starts_with("[FIRING] {alertname=\"HighLatency\""));
    assert_eq!(
        route_test(am, "severity=\"page\", alertname=\"X\"").unwrap(),
        "oncall-pager"
    );
    assert_eq!(route_test(am, "alertname=\"X\"").unwrap(), "slack-alerts");
    assert!(route_test(am, "alertname=~\"X\"").is_err());
    assert!(routing_tree(am).contains("oncall-pager"));
}
