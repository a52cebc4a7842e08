use super::*;
use crate::tsdb::{Matcher, is_stale_nan};

const T0: i64 = 1_714_521_600_000; // 2024-05-01T00:00:00Z

fn run_with(timeline: &str) -> Run {
    let mut run = Run::new("api", 1, T0, 2);
    run.timeline = Timeline::parse(timeline, T0).unwrap();
    run
}

fn advanced(run: &Run, steps: &[i64]) -> Pipeline {
    let mut p = Pipeline::new(run.clone(), Options::default()).unwrap();
    for &t in steps {
        p.advance_to(t);
    }
    p
}

/// Every sample of every series as (labels, t, value bits), at or before `until`.
fn samples_until(store: &Head, until: i64) -> Vec<(String, i64, u64)> {
    let every = Matcher::regex("__name__", ".+").unwrap();
    let mut out = Vec::new();
    for r in store.select(&[every]) {
        let labels = store.labels(r).unwrap().to_string();
        for (t, v) in store.iter(r, i64::MIN, until) {
            out.push((labels.clone(), t, v.to_bits()));
        }
    }
    out.sort();
    out
}

#[test]
fn one_step_or_many_give_the_same_store() {
    let run = run_with("3m outage 4m\n5m30s traffic 40\n9m errors 0.2");
    let end = T0 + 15 * 60_000;
    let whole = advanced(&run, &[end]);
    let seconds: Vec<i64> = (1..=900).map(|s| T0 + s * 1000).collect();
    let by_second = advanced(&run, &seconds);
    let odd: Vec<i64> = (1..=90).map(|i| T0 + i * 9_999).chain([end]).collect();
    let by_odd_steps = advanced(&run, &odd);
    assert_eq!(whole.store().fingerprint(), by_second.store().fingerprint());
    assert_eq!(
        whole.store().fingerprint(),
        by_odd_steps.store().fingerprint()
    );
    assert_eq!(whole.settings().controls.traffic_rate, 40.0);
    assert_eq!(whole.settings().controls.error_ratio, 0.2);
}

#[test]
fn a_control_moved_at_t_leaves_the_past_unchanged() {
    let t = T0 + 10 * 60_000 + 7_000;
    let end = T0 + 20 * 60_000;
    let before = advanced(&run_with(""), &[end]);
    let after = advanced(&run_with("10m7s traffic 80"), &[end]);
    let (a, b) = (
        samples_until(before.store(), t),
        samples_until(after.store(), t),
    );
    assert!(a.len() > 1000);
    assert_eq!(a, b, "samples at or before the change differ");
    assert_ne!(
        samples_until(before.store(), end),
        samples_until(after.store(), end),
        "the change made no difference after it"
    );
}

#[test]
fn an_event_added_live_replays_the_same_from_the_link() {
    // The sender: runs, pauses at 7m, starts an outage, runs on, moves a control.
    let mut live = Pipeline::new(run_with(""), Options::default()).unwrap();
    live.advance_to(T0 + 7 * 60_000);
    live.add_event(
        live.now_ms(),
        Change::Outage {
            duration_ms: 300_000,
        },
    )
    .unwrap();
    live.advance_to(T0 + 9 * 60_000 + 500);
    live.add_event(live.now_ms(), Change::Traffic(40.0))
        .unwrap();
    live.advance_to(T0 + 20 * 60_000);
    // The receiver: the run the link carries, built in one go.
    let pairs = live.run().link_pairs();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.clone())
    };
    let shared = Run::from_link(
        &get("run").unwrap(),
        get("t0").unwrap().parse().unwrap(),
        get("tl").as_deref(),
    )
    .unwrap();
    assert_eq!(&shared, live.run());
    let replay = advanced(&shared, &[T0 + 20 * 60_000]);
    assert_eq!(replay.store().fingerprint(), live.store().fingerprint());
}

#[test]
fn the_past_is_fixed_and_the_future_removable() {
    let mut p = Pipeline::new(run_with("10m traffic 1"), Options::default()).unwrap();
    p.advance_to(T0 + 5 * 60_000);
    assert!(p.add_event(T0, Change::Traffic(2.0)).is_err());
    let later = p.add_event(T0 + 8 * 60_000, Change::Instances(3)).unwrap();
    assert_eq!(later, 0, "ordered by time");
    let rows = p.event_rows();
    assert!(rows.iter().all(|r| r.future));
    p.remove_event(later).unwrap();
    assert_eq!(p.run().timeline.len(), 1);
    p.advance_to(T0 + 11 * 60_000);
    assert!(p.remove_event(0).is_err());
    assert!(!p.event_rows()[0].future);
}

#[test]
fn instances_interval_and_sample_limit_change_the_targets() {
    let run = run_with("2m instances 3\n4m interval 30s\n6m sample_limit 10\n8m instances 1");
    let mut p = Pipeline::new(run, Options::default()).unwrap();
    p.advance_to(T0 + 3 * 60_000);
    assert_eq!(p.targets().len(), 3);
    let up = |p: &Pipeline, instance: &str, from: i64, to: i64| -> Vec<(i64, f64)> {
        let m = [
            Matcher::equal("__name__", "up"),
            Matcher::equal("instance", instance),
        ];
        let r = p.store().select(&m);
        r.first()
            .map(|&r| p.store().iter(r, from, to).collect())
            .unwrap_or_default()
    };
    // The third instance is scraped only after it started.
    let third = up(&p, "api-3:8080", i64::MIN, i64::MAX);
    assert!(!third.is_empty() && third[0].0 > T0 + 2 * 60_000);
    p.advance_to(T0 + 6 * 60_000);
    let after_interval = up(&p, "api-1:8080", T0 + 4 * 60_000 + 1, T0 + 6 * 60_000);
    assert_eq!(after_interval.len(), 4, "every 30 s: {after_interval:?}");
    p.advance_to(T0 + 7 * 60_000);
    let limited = up(&p, "api-1:8080", T0 + 6 * 60_000 + 1, i64::MAX);
    assert!(limited.iter().all(|&(_, v)| v == 0.0), "{limited:?}");
    p.advance_to(T0 + 9 * 60_000);
    assert_eq!(p.targets().len(), 1);
    // Stopped instances' series go stale just after the event.
    let gone = up(&p, "api-2:8080", T0 + 8 * 60_000, i64::MAX);
    assert!(
        gone.iter()
            .any(|&(t, v)| t == T0 + 8 * 60_000 + 1 && is_stale_nan(v)),
        "{gone:?}"
    );
}

#[test]
fn retention_keeps_the_store_under_its_budget() {
    // About 140 series: each holds some 600 bytes that retention cannot drop (its
    // labels, its decoded newest samples), so the budget leaves room for chunks.
    let options = Options {
        max_bytes: Some(300_000),
        ..Options::default()
    };
    let mut p = Pipeline::new(run_with(""), options).unwrap();
    let advanced = p.advance_to(T0 + 3 * 3_600_000);
    assert_eq!(advanced.retention_passes, 180);
    assert!(p.store().bytes() <= 300_000, "{}", p.store().bytes());
    assert!(p.peak_bytes() > 0);
}

#[test]
fn advancing_reports_what_changed() {
    let mut p = Pipeline::new(run_with("1m traffic 9"), Options::default()).unwrap();
    let nothing = p.advance_to(T0 + 1000);
    assert_eq!(nothing, Advanced::default());
    let some = p.advance_to(T0 + 2 * 60_000);
    assert_eq!(some.events, 1);
    assert!(some.scrapes >= 14);
    assert_eq!(
        p.advance_to(T0),
        Advanced::default(),
        "time never goes back"
    );
}

#[test]
fn a_setting_changed_twice_at_one_moment_is_one_event() {
    let mut live = Pipeline::new(run_with(""), Options::default()).unwrap();
    live.advance_to(T0 + 5 * 60_000);
    let now = live.now_ms();
    for v in [20.0, 30.0, 40.0] {
        live.add_event(now, Change::Traffic(v)).unwrap();
    }
    for n in [4, 1, 3] {
        live.add_event(now, Change::Instances(n)).unwrap();
    }
    for limit in [10, 0] {
        live.add_event(now, Change::SampleLimit(limit)).unwrap();
    }
    live.add_event(
        now,
        Change::Outage {
            duration_ms: 60_000,
        },
    )
    .unwrap();
    live.add_event(
        now,
        Change::Outage {
            duration_ms: 60_000,
        },
    )
    .unwrap();
    assert_eq!(
        live.run().timeline.to_link(T0),
        "5m:traffic:40,5m:instances:4,5m:instances:1,5m:instances:3,5m:sample_limit:0,5m:outage:1m,5m:outage:1m"
    );
    live.advance_to(T0 + 10 * 60_000);
    let replay = advanced(&live.run().clone(), &[T0 + 10 * 60_000]);
    assert_eq!(replay.store().fingerprint(), live.store().fingerprint());
}

/// The value of `ALERTS{alertname=…, alertstate=…}` at `t` (1 while in that state).
fn alert_in_state(store: &Head, name: &str, state: &str, t: i64) -> bool {
    let matchers = [
        Matcher::equal("__name__", "ALERTS"),
        Matcher::equal("alertname", name),
        Matcher::equal("alertstate", state),
    ];
    store.select(&matchers).into_iter().any(|r| {
        store
            .iter(r, t - 15_000, t)
            .last()
            .is_some_and(|(_, v)| !is_stale_nan(v))
    })
}

#[test]
fn default_rules_record_and_alert_during_an_outage() {
    let run = run_with("10m outage 10m");
    let mut p = Pipeline::new(run, Options::default()).unwrap();
    let done = p.advance_to(T0 + 10 * 60_000);
    assert_eq!(done.rule_evals, 40, "every 15 s");
    assert!(p.alerting().errors().is_empty());
    let store = p.store();
    let recorded = store.select(&[Matcher::equal("__name__", "job:http_requests:rate1m")]);
    assert_eq!(recorded.len(), 1, "one series per job");
    assert!(!alert_in_state(
        store,
        "HighLatency",
        "firing",
        T0 + 10 * 60_000
    ));
    // During the outage latency rises: pending first, firing a minute later.
    let mut first_pending = None;
    let mut first_firing = None;
    for s in 1..=40 {
        let t = T0 + 10 * 60_000 + s * 15_000;
        p.advance_to(t);
        if first_pending.is_none() && alert_in_state(p.store(), "HighLatency", "pending", t) {
            first_pending = Some(t);
        }
        if first_firing.is_none() && alert_in_state(p.store(), "HighLatency", "firing", t) {
            first_firing = Some(t);
        }
    }
    let (pending, firing) = (first_pending.unwrap(), first_firing.unwrap());
    assert_eq!(firing - pending, 60_000, "`for: 1m`");
    // Prometheus sends firing alerts (not pending ones) to Alertmanager.
    let sent: Vec<_> = p.alerting().sent().collect();
    assert!(sent.iter().all(|(t, _)| *t >= firing || !sent.is_empty()));
    assert!(
        sent.iter()
            .any(|(_, a)| a.labels.get("alertname") == Some("HighLatency"))
    );
    // After the outage the alert resolves.
    p.advance_to(T0 + 30 * 60_000);
    assert!(!alert_in_state(
        p.store(),
        "HighLatency",
        "firing",
        T0 + 30 * 60_000
    ));
    let resolved = p
        .alerting()
        .sent()
        .filter(|(_, a)| a.labels.get("alertname") == Some("HighLatency"))
        .last()
        .unwrap();
    assert!(
        resolved.1.ends_at_ms <= resolved.0,
        "the last send says resolved"
    );
}

#[test]
fn rules_give_the_same_store_however_time_is_advanced() {
    let run = run_with("2m outage 6m");
    let end = T0 + 12 * 60_000;
    let whole = advanced(&run, &[end]);
    let steps: Vec<i64> = (1..=144).map(|s| T0 + s * 5000).collect();
    let stepped = advanced(&run, &steps);
    assert_eq!(whole.store().fingerprint(), stepped.store().fingerprint());
    assert!(
        !whole
            .store()
            .select(&[Matcher::equal("__name__", "ALERTS")])
            .is_empty()
    );
}

#[test]
fn a_rule_edit_is_an_event_the_link_replays() {
    let mut run = run_with("");
    run.alerting.rules = vec![
        crate::rules::defaults::default_rules("api"),
        "groups:\n  - name: tutorial\n    interval: 15s\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n".into(),
    ];
    run.timeline = Timeline::parse("5m rules 1", T0).unwrap();
    let link = Link {
        run: run.clone(),
        now_ms: T0 + 10 * 60_000,
        speed: 0,
    };
    let back = Link::from_storage(&link.to_storage()).unwrap().unwrap();
    assert_eq!(back, link);
    let p = advanced(&back.run, &[T0 + 10 * 60_000]);
    let store = p.store();
    let old = store.select(&[Matcher::equal("__name__", "job:http_requests:rate1m")]);
    let new = store.select(&[Matcher::equal("__name__", "job:up:sum")]);
    assert_eq!((old.len(), new.len()), (1, 1));
    // The removed rule's series ends with a stale marker at the group's next
    // evaluation after the edit, as Prometheus marks a reload's removed rules.
    let last = store.iter(old[0], T0, T0 + 10 * 60_000).last().unwrap();
    assert_eq!(last.0, T0 + 5 * 60_000 + 15_000);
    assert!(is_stale_nan(last.1));
    assert_eq!(
        p.alerting().rules().groups()[0].rules.len(),
        1,
        "the group now holds the new rule only"
    );
}

#[test]
fn alertmanager_notifies_after_group_wait_and_silences_mute() {
    use crate::alertmanager::NotificationStatus;
    let run = run_with("10m outage 10m");
    let mut p = Pipeline::new(run, Options::default()).unwrap();
    p.advance_to(T0 + 9 * 60_000);
    // A silence for the error-ratio alert, before the outage.
    p.add_silence(SilenceText {
        matchers: "alertname=\"HighErrorRatio\"".into(),
        duration_ms: 3_600_000,
        comment: "known: the outage drill".into(),
    })
    .unwrap();
    p.advance_to(T0 + 40 * 60_000);
    let fired = p
        .alerting()
        .sent()
        .find(|(_, a)| a.labels.get("alertname") == Some("HighLatency"))
        .map(|(t, _)| *t)
        .expect("HighLatency fired");
    let log = p.alerting().alertmanager().notifications();
    let latency: Vec<_> = log
        .iter()
        .filter(|n| {
            n.group_labels
                .iter()
                .any(|(k, v)| k == "alertname" && v == "HighLatency")
        })
        .collect();
    assert_eq!(latency[0].receiver, "oncall-pager");
    assert_eq!(latency[0].status, NotificationStatus::Firing);
    assert_eq!(latency[0].at_ms, fired + 30_000, "after group_wait");
    let resolved = latency.last().unwrap();
    assert_eq!(resolved.status, NotificationStatus::Resolved);
    assert!(resolved.at_ms > T0 + 20 * 60_000, "after the outage");
    // The silenced alert fired in Prometheus but reached no receiver.
    assert!(
        p.alerting()
            .sent()
            .any(|(_, a)| a.labels.get("alertname") == Some("HighErrorRatio"))
    );
    assert!(
        !log.iter()
            .any(|n| n.group_labels.iter().any(|(_, v)| v == "HighErrorRatio"))
    );
}

#[test]
fn groups_faster_than_a_second_are_refused_with_their_line() {
    let text = "groups:\n  - name: ok\n    rules: []\n  - name: hot\n    interval: 10ms\n    rules:\n      - record: x\n        expr: up\n";
    let errors = check_rule_text(text).unwrap_err();
    assert_eq!(
        errors[0].message,
        "4:5: group \"hot\": the playground evaluates a group at most once a second (interval 10ms)"
    );
    let mut p = Pipeline::new(run_with(""), Options::default()).unwrap();
    assert!(p.apply_rules(text).is_err());
    assert!(
        p.run().alerting.rules.is_empty(),
        "a refused text is not stored"
    );
}

#[test]
fn a_new_run_keeps_the_users_rules_for_the_same_service() {
    let mut p = Pipeline::new(run_with(""), Options::default()).unwrap();
    assert_eq!(
        p.carried_alerting("api"),
        AlertingTexts::default(),
        "defaults stay implicit"
    );
    let mine = "groups:\n  - name: mine\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n";
    p.apply_rules(mine).unwrap();
    assert_eq!(p.carried_alerting("api").rules, vec![mine.to_string()]);
    assert!(
        p.carried_alerting("batch").rules.is_empty(),
        "another service: its own rules"
    );
}

#[test]
fn without_the_yaml_readers_a_run_with_the_defaults_is_the_same_run() {
    let without = || Options {
        yaml: None,
        ..Options::default()
    };
    let run = run_with("5m outage 10m");
    let end = T0 + 30 * 60_000;
    let mut read = Pipeline::new(run.clone(), Options::default()).unwrap();
    let mut prebuilt = Pipeline::new(run.clone(), without()).unwrap();
    read.advance_to(end);
    prebuilt.advance_to(end);
    assert!(prebuilt.store().num_series() > 0);
    assert_eq!(read.store().fingerprint(), prebuilt.store().fingerprint());
    assert_eq!(
        read.alerting().sent().count(),
        prebuilt.alerting().sent().count()
    );
    assert!(
        prebuilt.alerting().sent().count() > 0,
        "the outage fires an alert"
    );

    // The user's own text needs the readers: refused without them, kept with.
    let mine = "groups:\n  - name: mine\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n";
    let refused = prebuilt.apply_rules(mine).unwrap_err();
    assert_eq!(refused[0].message, NOT_LOADED);
    prebuilt.set_yaml_parsers(YamlParsers::ALL);
    prebuilt.apply_rules(mine).unwrap();
    let mut custom = prebuilt.run().clone();
    custom.timeline = Timeline::default();
    assert!(needs_parsers(&custom));
    assert_eq!(
        Pipeline::new(custom.clone(), without()).err().as_deref(),
        Some(NOT_LOADED)
    );
    assert!(Pipeline::new(custom, Options::default()).is_ok());
}

/// Everything the rules leave: the store, what Prometheus sent, what Alertmanager
/// notified, each rule's health and error.
fn rules_outcome(p: &Pipeline) -> (u64, Vec<(i64, crate::rules::SentAlert)>, String, String) {
    let notifications = format!("{:?}", p.alerting().alertmanager().notifications());
    let health = p
        .alerting()
        .rules()
        .groups()
        .iter()
        .flat_map(|g| &g.rules)
        .map(|r| format!("{} {:?} {:?}\n", r.name(), r.health, r.last_error))
        .collect();
    let sent = p.alerting().sent().cloned().collect();
    (p.store().fingerprint(), sent, notifications, health)
}

/// Rules the batched-rules test runs beside the defaults: rules reading rules'
/// output (`ALERTS`, a recording rule), looking back (`offset`, a long range) or
/// ahead (`offset -1m`, `@ end()`), failing at some evaluations only (`clash`,
/// while two instances run) and a scalar.
const OWN_RULES: &str = "groups:\n  - name: own\n    interval: 30s\n    query_offset: 15s\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n      - record: job:up:sum_offset\n        expr: job:up:sum offset 1m\n      - alert: Flapping\n        expr: changes(up[5m]) > 0 or absent(up offset 1m)\n        for: 30s\n      - alert: Alerting\n        expr: count(ALERTS) > 0\n      - record: ahead\n        expr: sum(up offset -1m) + sum(up @ end())\n      - record: clash\n        expr: label_replace(up, \"instance\", \"x\", \"\", \"\") * on () group_left vector(1)\n      - record: scalar\n        expr: scalar(sum(up)) * 2\n      - record: up_samples_40m\n        expr: count_over_time(up[40m])\n";

/// Runs `scenario` with its default rules and [`OWN_RULES`] through an outage,
/// errors, rule edits and an instance going away, rules batched and not, and
/// checks they leave the same.
fn assert_batched_rules_equal(
    scenario: &str,
    retention: (Option<usize>, Option<i64>),
    minutes: i64,
) {
    let (max_bytes, retention_ms) = retention;
    let mut run = Run::new(scenario, 3, T0, 2);
    run.alerting.rules = vec![
        crate::rules::defaults::default_rules(scenario),
        OWN_RULES.into(),
    ];
    run.timeline = Timeline::parse(
        "4m outage 6m\n7m errors 0.3\n9m rules 1\n14m instances 1\n17m rules 0\n30m rules 1",
        T0,
    )
    .unwrap();
    let end = T0 + minutes * 60_000;
    let outcome = |batch_rules| {
        let options = Options {
            max_bytes,
            retention_ms,
            batch_rules,
            ..Options::default()
        };
        let mut p = Pipeline::new(run.clone(), options).unwrap();
        // As the page replays (minutes at a time), then an odd step.
        for at in (5..minutes).step_by(6) {
            p.advance_to(T0 + at * 60_000 - 1_234);
        }
        p.advance_to(end);
        rules_outcome(&p)
    };
    let (batched, one_at_a_time) = (outcome(true), outcome(false));
    let case = format!("{scenario}, retention {retention:?}");
    assert_eq!(batched.0, one_at_a_time.0, "{case}: the store");
    assert_eq!(batched.1, one_at_a_time.1, "{case}: alerts sent");
    assert_eq!(batched.2, one_at_a_time.2, "{case}: notifications");
    assert_eq!(batched.3, one_at_a_time.3, "{case}: rule health");
    assert!(
        !batched.1.is_empty() || scenario != "api",
        "the outage fires alerts"
    );
}

/// Rules evaluated after a stretch of scrapes, their queries in one pass each,
/// leave exactly what stopping at every evaluation leaves: on every service,
/// without retention and with a byte budget the store soon outgrows (its passes
/// drop chunks every minute).
#[test]
fn batched_rules_equal_rules_evaluated_one_at_a_time() {
    for info in crate::sim::scenarios() {
        for retention in [(None, None), (Some(400_000), None)] {
            assert_batched_rules_equal(info.name, retention, 25);
        }
    }
}

/// The same with time retention shorter than the run: chunks (30 minutes of
/// samples each) start to go at 40 minutes, while a rule still reads them.
#[test]
fn batched_rules_equal_rules_evaluated_one_at_a_time_under_time_retention() {
    assert_batched_rules_equal("api", (None, Some(10 * 60_000)), 70);
}
