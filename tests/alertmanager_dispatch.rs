//! The simulated Alertmanager's dispatcher on timelines, each expected value
//! derived from Alertmanager 0.25's source (cited per test): `dispatch/dispatch.go`
//! (aggregation groups and their timers), `notify/notify.go` (the mute stages,
//! `DedupStage.needsUpdate`, the retry stage's `send_resolved`), `inhibit/`,
//! `silence/`, `types/` and `provider/mem/` (alerts and their merging). Group
//! keys and fingerprints were also recorded from a live Alertmanager 0.25.

use promplay::alertmanager::{
    Alert, AlertState, Alertmanager, Config, MAX_NOTIFICATIONS, Notification, NotificationStatus,
    NotifyReason, SilenceSpec, SilenceState, UNSET_MS, parse,
};
use promplay::time::format_duration;

/// A whole hour (Unix time), so the dispatcher's 30 s cleanup and the
/// 15/30-minute collections tick at round offsets from it.
const T0: i64 = 1_699_999_200_000;
const S: i64 = 1_000;
const M: i64 = 60 * S;
const H: i64 = 60 * M;

fn config(yaml: &str) -> Config {
    parse(yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

fn am(yaml: &str) -> Alertmanager {
    Alertmanager::new(config(yaml))
}

/// A firing alert as Prometheus sends it: with an end well ahead.
fn firing(labels: &[(&str, &str)], start: i64) -> Alert {
    Alert::new(labels, start).ending_at(start + 24 * H)
}

/// The same alert, resolved at `end`.
fn resolved(labels: &[(&str, &str)], start: i64, end: i64) -> Alert {
    Alert::new(labels, start).ending_at(end)
}

fn post(am: &mut Alertmanager, at: i64, alerts: Vec<Alert>) {
    am.post_alerts(at, alerts).unwrap();
}

/// `alertname[@instance][!]` (`!`: resolved).
fn alert_names(n: &Notification) -> String {
    let names: Vec<String> = n
        .alerts
        .iter()
        .map(|a| {
            let get = |k: &str| {
                a.labels
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.as_str())
            };
            let mut s = get("alertname").unwrap_or("").to_string();
            if let Some(i) = get("instance") {
                s = format!("{s}@{i}");
            }
            if a.status == NotificationStatus::Resolved {
                s.push('!');
            }
            s
        })
        .collect();
    names.join(",")
}

/// The notification log as lines: `offset receiver/integration reason status alerts`.
fn log(am: &Alertmanager) -> Vec<String> {
    am.notifications()
        .iter()
        .map(|n| {
            format!(
                "{} {}/{} {} {} {}",
                format_duration(n.at_ms - T0),
                n.receiver,
                n.integration,
                n.reason.as_str(),
                n.status.as_str(),
                alert_names(n)
            )
        })
        .collect()
}

const WEBHOOK: &str = "webhook_configs: [{url: 'http://hook.example:5001/'}]";

fn single(route: &str) -> String {
    format!("route:\n  receiver: team\n{route}\nreceivers:\n  - name: team\n    {WEBHOOK}\n")
}

/// dispatch.go: a new group's timer is `time.NewTimer(GroupWait)` (30s by
/// default, `DefaultRouteOpts`); nothing is sent before. The group key is the
/// route's key (`{}` for the root) and the group labels' `LabelSet.String()`;
/// firing alerts go out without an end (`flush` zeroes `EndsAt`).
#[test]
fn one_firing_alert_notifies_after_group_wait() {
    let mut am = am(&single("  group_by: [alertname]"));
    post(
        &mut am,
        T0,
        vec![firing(&[("alertname", "A"), ("instance", "i1")], T0)],
    );
    am.advance_to(T0 + 29 * S);
    assert!(am.notifications().is_empty());
    assert_eq!(am.groups()[0].next_flush_ms, T0 + 30 * S);
    am.advance_to(T0 + 30 * S);
    assert_eq!(log(&am), ["30s team/webhook first firing A@i1"]);
    let n = &am.notifications()[0];
    assert_eq!(n.group_key, "{}:{alertname=\"A\"}");
    assert_eq!(n.group_labels, [("alertname".to_string(), "A".to_string())]);
    assert_eq!(n.alerts[0].ends_at_ms, UNSET_MS);
    assert_eq!(n.alerts[0].starts_at_ms, T0);
}

/// After the first flush the timer is reset to GroupInterval (5m): a second
/// alert in the group waits for it (`needsUpdate`: the firing set is no longer a
/// subset of the logged one). Alerts sort by `instance` (`AlertSlice.Less`).
#[test]
fn a_second_alert_waits_for_group_interval() {
    let mut am = am(&single("  group_by: [alertname]"));
    post(
        &mut am,
        T0,
        vec![firing(&[("alertname", "A"), ("instance", "i2")], T0)],
    );
    post(
        &mut am,
        T0 + M,
        vec![firing(&[("alertname", "A"), ("instance", "i1")], T0 + M)],
    );
    am.advance_to(T0 + 5 * M + 29 * S);
    assert_eq!(log(&am), ["30s team/webhook first firing A@i2"]);
    am.advance_to(T0 + 5 * M + 30 * S);
    assert_eq!(
        log(&am),
        [
            "30s team/webhook first firing A@i2",
            "5m30s team/webhook changed firing A@i1,A@i2",
        ]
    );
}

/// Nothing new: flushes every 5m say nothing until the log entry is *strictly*
/// older than repeat_interval (`entry.Timestamp.Before(now - repeat)`): the
/// flush at 4h0m30s is exactly 4h after the first and stays quiet; the next one
/// repeats.
#[test]
fn nothing_new_repeats_after_repeat_interval() {
    let mut am = am(&single("  group_by: [alertname]"));
    post(&mut am, T0, vec![firing(&[("alertname", "A")], T0)]);
    am.advance_to(T0 + 8 * H + 11 * M);
    assert_eq!(
        log(&am),
        [
            "30s team/webhook first firing A",
            "4h5m30s team/webhook repeat firing A",
            "8h10m30s team/webhook repeat firing A",
        ]
    );
}

const WEBHOOK_AND_EMAIL: &str = "\
global: {smtp_smarthost: 'mail.example:25', smtp_from: 'am@example.org'}
route: {receiver: team, group_by: [alertname]}
receivers:
  - name: team
    email_configs: [{to: 'team@example.org'}]
    webhook_configs: [{url: 'http://hook.example/'}]
";

/// config/notifiers.go: webhook defaults to `send_resolved: true`, email to
/// false. All alerts resolved: `needsUpdate` is true for both (the entry had
/// firing alerts), but the retry stage sends nothing where send_resolved is off.
/// Integrations run in `buildReceiverIntegrations` order (webhook before
/// email). The flushed resolved alert is deleted and the empty group removed.
#[test]
fn resolved_alerts_notify_only_with_send_resolved() {
    let mut am = am(WEBHOOK_AND_EMAIL);
    let receiver = am.config().receiver("team").unwrap().clone();
    let kinds: Vec<(&str, bool)> = receiver
        .integrations
        .iter()
        .map(|i| (i.kind, i.send_resolved))
        .collect();
    assert_eq!(kinds, [("webhook", true), ("email", false)]);
    let labels = [("alertname", "A")];
    post(&mut am, T0, vec![firing(&labels, T0)]);
    post(&mut am, T0 + 2 * M, vec![resolved(&labels, T0, T0 + 2 * M)]);
    am.advance_to(T0 + 5 * H);
    assert_eq!(
        log(&am),
        [
            "30s team/webhook first firing A",
            "30s team/email first firing A",
            "5m30s team/webhook resolved resolved A!",
        ]
    );
    assert_eq!(am.notifications()[2].alerts[0].ends_at_ms, T0 + 2 * M);
    assert!(am.groups().is_empty());
}

/// One of two alerts resolved: only an integration with send_resolved is told
/// (`n.rs.SendResolved() && !entry.IsResolvedSubset(resolved)`), with both
/// alerts; email hears nothing until its repeat, which carries only the firing
/// alert (the retry stage leaves resolved ones out).
#[test]
fn one_of_two_resolved_is_news_only_with_send_resolved() {
    let mut am = am(WEBHOOK_AND_EMAIL);
    let (a1, a2) = (
        [("alertname", "A"), ("instance", "1")],
        [("alertname", "A"), ("instance", "2")],
    );
    post(&mut am, T0, vec![firing(&a1, T0), firing(&a2, T0)]);
    post(&mut am, T0 + M, vec![resolved(&a1, T0, T0 + M)]);
    am.advance_to(T0 + 4 * H + 6 * M);
    assert_eq!(
        log(&am),
        [
            "30s team/webhook first firing A@1,A@2",
            "30s team/email first firing A@1,A@2",
            "5m30s team/webhook resolved firing A@1!,A@2",
            "4h5m30s team/email repeat firing A@2",
        ]
    );
}

/// `getGroupLabels`: `group_by: ['...']` groups by every label, no group_by puts
/// every alert in one group (`{}`). Timers due at the same instant fire in the
/// order they were set.
#[test]
fn group_by_all_labels_some_or_none() {
    let alerts = || {
        vec![
            firing(&[("alertname", "A"), ("instance", "1")], T0),
            firing(&[("alertname", "A"), ("instance", "2")], T0),
            firing(&[("alertname", "B"), ("instance", "1")], T0),
        ]
    };
    let keys = |route: &str| {
        let mut am = am(&single(route));
        post(&mut am, T0, alerts());
        am.advance_to(T0 + M);
        let keys: Vec<String> = am
            .notifications()
            .iter()
            .map(|n| format!("{} {}", n.group_key, alert_names(n)))
            .collect();
        keys
    };
    assert_eq!(
        keys("  group_by: [alertname]"),
        ["{}:{alertname=\"A\"} A@1,A@2", "{}:{alertname=\"B\"} B@1"]
    );
    assert_eq!(
        keys("  group_by: ['...']"),
        [
            "{}:{alertname=\"A\", instance=\"1\"} A@1",
            "{}:{alertname=\"A\", instance=\"2\"} A@2",
            "{}:{alertname=\"B\", instance=\"1\"} B@1",
        ]
    );
    // One group; `instance` orders before the other labels.
    assert_eq!(keys(""), ["{}:{} A@1,B@1,A@2"]);
    // A child with `group_by: []` inherits its parent's grouping (`NewRoute`
    // only replaces it when names are given).
    assert_eq!(
        keys("  group_by: ['...']\n  routes: [{matchers: ['instance=\"1\"'], group_by: []}]")[0],
        "{}/{instance=\"1\"}:{alertname=\"A\", instance=\"1\"} A@1"
    );
}

/// `Route.Match`: a route with `continue` lets the search go on, so the alert
/// reaches both receivers, each in its own group keyed by its route.
#[test]
fn continue_routes_notify_two_receivers() {
    let yaml = format!(
        "route:
  receiver: default
  group_by: [alertname]
  routes:
    - {{matchers: ['team=\"db\"'], receiver: db, continue: true}}
    - {{matchers: ['severity=\"page\"'], receiver: pager, group_wait: 10s}}
    - {{matchers: ['severity=\"page\"'], receiver: never}}
receivers:
  - {{name: default, {WEBHOOK}}}
  - {{name: db, {WEBHOOK}}}
  - {{name: pager, {WEBHOOK}}}
  - {{name: never, {WEBHOOK}}}
"
    );
    let mut am = am(&yaml);
    post(
        &mut am,
        T0,
        vec![firing(
            &[("alertname", "X"), ("team", "db"), ("severity", "page")],
            T0,
        )],
    );
    am.advance_to(T0 + M);
    assert_eq!(
        log(&am),
        [
            "10s pager/webhook first firing X",
            "30s db/webhook first firing X"
        ]
    );
    let keys: Vec<&str> = am
        .notifications()
        .iter()
        .map(|n| n.group_key.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "{}/{severity=\"page\"}:{alertname=\"X\"}",
            "{}/{team=\"db\"}:{alertname=\"X\"}"
        ]
    );
    assert_eq!(am.alerts(T0 + M)[0].receivers, ["db", "pager"]);
}

/// `aggrGroup.insert`: before the first flush, an alert whose
/// `StartsAt + GroupWait` is before now resets the timer to 0: it flushes at
/// once. One that started less than group_wait ago does not shorten the wait;
/// nor does an old alert once the group has flushed.
#[test]
fn an_alert_older_than_group_wait_flushes_at_once() {
    let mut am = am(&single("  group_by: [alertname]"));
    post(
        &mut am,
        T0,
        vec![firing(&[("alertname", "Old")], T0 - 10 * M)],
    );
    assert_eq!(log(&am), ["0s team/webhook first firing Old"]);
    post(
        &mut am,
        T0,
        vec![firing(&[("alertname", "Recent")], T0 - 20 * S)],
    );
    am.advance_to(T0 + 29 * S);
    assert_eq!(log(&am).len(), 1);
    am.advance_to(T0 + 30 * S);
    assert_eq!(log(&am)[1], "30s team/webhook first firing Recent");
    post(
        &mut am,
        T0 + M,
        vec![firing(&[("alertname", "Old"), ("x", "2")], T0 - H)],
    );
    am.advance_to(T0 + 5 * M - 1);
    assert_eq!(log(&am).len(), 2);
    am.advance_to(T0 + 5 * M);
    assert_eq!(log(&am)[2], "5m team/webhook changed firing Old,Old");
}

/// dispatch.go's cleanup runs every 30 s: a group emptied by a flush lives until
/// then, and an alert arriving meanwhile joins it (no new group_wait: it waits
/// for the group's next flush); after the cleanup it starts a new group.
#[test]
fn empty_groups_live_until_the_cleanup() {
    let yaml = single("  group_by: [alertname]\n  group_wait: 10s");
    let labels = [("alertname", "A")];
    let run = |again_at: i64| {
        let mut am = am(&yaml);
        post(&mut am, T0, vec![firing(&labels, T0)]);
        post(&mut am, T0 + M, vec![resolved(&labels, T0, T0 + M)]);
        // The flush at 5m10s sends the resolution and empties the group; the
        // cleanup at 5m30s removes it.
        post(&mut am, again_at, vec![firing(&labels, again_at)]);
        am.advance_to(T0 + 11 * M);
        log(&am)
    };
    assert_eq!(
        run(T0 + 5 * M + 20 * S),
        [
            "10s team/webhook first firing A",
            "5m10s team/webhook resolved resolved A!",
            "10m10s team/webhook changed firing A",
        ]
    );
    // A new group waits group_wait; the log still has the group key's entry (it
    // said "resolved"), so the alert is a change, not a first.
    assert_eq!(
        run(T0 + 5 * M + 40 * S)[2],
        "5m50s team/webhook changed firing A"
    );
}

const INHIBIT: &str = "
route: {receiver: team, group_by: ['...']}
receivers: [{name: team, webhook_configs: [{url: 'http://hook.example/'}]}]
inhibit_rules:
";

/// inhibit.go: a firing source alert mutes targets whose `equal` labels have the
/// same values; the mute stage drops them before dedup. Both rule forms (the
/// older `source_match`/`target_match` and the matcher lists) behave alike.
/// Once the source resolves, the target is news (`needsUpdate`: not a subset).
#[test]
fn critical_inhibits_warning_on_the_same_instance() {
    for rule in [
        "  - {source_matchers: ['severity=\"critical\"'], target_matchers: ['severity=\"warning\"'], equal: [instance]}",
        "  - {source_match: {severity: critical}, target_match_re: {severity: 'warn.*'}, equal: [instance]}",
    ] {
        let mut am = am(&format!("{INHIBIT}{rule}\n"));
        let crit = [
            ("alertname", "Down"),
            ("instance", "i1"),
            ("severity", "critical"),
        ];
        let warn1 = [
            ("alertname", "Slow"),
            ("instance", "i1"),
            ("severity", "warning"),
        ];
        let warn2 = [
            ("alertname", "Slow"),
            ("instance", "i2"),
            ("severity", "warning"),
        ];
        post(
            &mut am,
            T0,
            vec![firing(&crit, T0), firing(&warn1, T0), firing(&warn2, T0)],
        );
        am.advance_to(T0 + M);
        assert_eq!(
            log(&am),
            [
                "30s team/webhook first firing Down@i1",
                "30s team/webhook first firing Slow@i2"
            ],
            "{rule}"
        );
        let status = am.alerts(T0 + M);
        let crit_fp = Alert::new(&crit, 0).fingerprint().to_string();
        let inhibited: Vec<_> = status
            .iter()
            .filter(|s| s.state == AlertState::Suppressed)
            .collect();
        assert_eq!(inhibited.len(), 1);
        assert_eq!(inhibited[0].alert.label("instance"), "i1");
        assert_eq!(inhibited[0].inhibited_by, [crit_fp]);
        post(&mut am, T0 + 2 * M, vec![resolved(&crit, T0, T0 + 2 * M)]);
        am.advance_to(T0 + 6 * M);
        assert_eq!(
            log(&am)[2..],
            [
                "5m30s team/webhook resolved resolved Down@i1!",
                "5m30s team/webhook first firing Slow@i1"
            ]
        );
    }
}

/// `hasEqual` excludes sources that match the target side too when the target
/// matches the source side: an alert never inhibits itself, nor one of its kind.
/// `Slow` matches only the target side and is inhibited: a label missing on both
/// sides (`cluster`) counts as equal.
#[test]
fn an_alert_does_not_inhibit_itself() {
    let rule = "  - {source_matchers: ['alertname=\"Down\"'], target_matchers: ['alertname=~\"Down|Slow\"'], equal: [cluster]}";
    let mut am = am(&format!("{INHIBIT}{rule}\n"));
    post(
        &mut am,
        T0,
        vec![
            firing(&[("alertname", "Down"), ("instance", "1")], T0),
            firing(&[("alertname", "Down"), ("instance", "2")], T0),
            firing(&[("alertname", "Slow"), ("instance", "3")], T0),
        ],
    );
    am.advance_to(T0 + M);
    assert_eq!(
        log(&am),
        [
            "30s team/webhook first firing Down@1",
            "30s team/webhook first firing Down@2"
        ]
    );
}

fn silence(matchers: &str, start: i64, end: i64) -> SilenceSpec {
    SilenceSpec {
        matchers: matchers.to_string(),
        starts_at_ms: start,
        ends_at_ms: end,
        created_by: "me".into(),
        comment: "maintenance".into(),
    }
}

/// silence.go: pending before its start, active to its end, then expired. The
/// mute stage drops silenced alerts before dedup, so the log is not updated:
/// the repeat due at 1h5m30s is held back, and the first flush after the
/// silence ends lets it through.
#[test]
fn a_silence_holds_back_the_repeat_until_it_ends() {
    let mut am = am(&single("  group_by: [alertname]\n  repeat_interval: 1h"));
    post(&mut am, T0, vec![firing(&[("alertname", "A")], T0)]);
    let id = am
        .add_silence(T0, silence("alertname=\"A\"", T0 + 50 * M, T0 + 70 * M))
        .unwrap();
    assert_eq!(am.silences()[0].state(T0), SilenceState::Pending);
    am.advance_to(T0 + H);
    assert_eq!(am.silences()[0].state(T0 + H), SilenceState::Active);
    let status = &am.alerts(T0 + H)[0];
    assert_eq!(
        (status.state, status.silenced_by.clone()),
        (AlertState::Suppressed, vec![id])
    );
    am.advance_to(T0 + 3 * H);
    assert_eq!(am.silences()[0].state(T0 + 3 * H), SilenceState::Expired);
    assert_eq!(
        log(&am),
        [
            "30s team/webhook first firing A",
            "1h10m30s team/webhook repeat firing A",
            "2h15m30s team/webhook repeat firing A",
        ]
    );
}

/// A silence active from the start keeps the group quiet; expiring it (its end
/// becomes now) lets the next flush send the first notification.
#[test]
fn expiring_a_silence_lets_the_next_flush_through() {
    let mut am = am(&single("  group_by: [alertname]"));
    let id = am
        .add_silence(T0, silence("{alertname=~\"A|B\"}", T0, T0 + 2 * H))
        .unwrap();
    post(&mut am, T0, vec![firing(&[("alertname", "A")], T0)]);
    am.advance_to(T0 + 10 * M);
    assert!(am.notifications().is_empty());
    am.expire_silence(T0 + 10 * M, &id).unwrap();
    assert_eq!(am.silences()[0].ends_at_ms, T0 + 10 * M);
    am.advance_to(T0 + 11 * M);
    assert_eq!(log(&am), ["10m30s team/webhook first firing A"]);
    assert_eq!(
        am.expire_silence(T0 + 11 * M, "nope").unwrap_err(),
        "silence not found"
    );
    // Expiring an expired silence is no error.
    assert_eq!(am.expire_silence(T0 + 11 * M, &id), Ok(()));
}

/// A reload rebuilds the groups from the stored alerts (old ones flush at once)
/// and keeps the notification log: the same group key says nothing new; a
/// route whose key changed is a new group and notifies.
#[test]
fn a_reload_rebuilds_groups_and_keeps_the_log() {
    let yaml = single("  group_by: [alertname]");
    let mut am = am(&yaml);
    post(
        &mut am,
        T0,
        vec![firing(&[("alertname", "A"), ("team", "x")], T0)],
    );
    am.advance_to(T0 + M);
    am.set_config(T0 + 2 * M, config(&yaml));
    assert_eq!(log(&am), ["30s team/webhook first firing A"]);
    assert_eq!(am.groups()[0].next_flush_ms, T0 + 7 * M);
    let moved = single("  group_by: [alertname]\n  routes: [{matchers: ['team=\"x\"']}]");
    am.set_config(T0 + 3 * M, config(&moved));
    assert_eq!(log(&am)[1], "3m team/webhook first firing A");
    assert_eq!(
        am.notifications()[1].group_key,
        "{}/{team=\"x\"}:{alertname=\"A\"}"
    );
    am.advance_to(T0 + H);
    assert_eq!(log(&am).len(), 2);
}

/// Prometheus re-sends a firing alert every minute with its end 4 minutes ahead
/// (`types.Alert.Merge` keeps the earliest start); when it stops, the alert
/// resolves at its last end and the next flush says so.
#[test]
fn resent_alerts_merge_and_resolve_when_no_longer_sent() {
    let mut am = am(&single("  group_by: [alertname]"));
    let labels = [("alertname", "A")];
    for minute in 0..10 {
        let now = T0 + minute * M;
        post(
            &mut am,
            now,
            vec![Alert::new(&labels, T0).ending_at(now + 4 * M)],
        );
    }
    am.advance_to(T0 + 20 * M);
    assert_eq!(
        log(&am),
        [
            "30s team/webhook first firing A",
            "15m30s team/webhook resolved resolved A!"
        ]
    );
    let last = &am.notifications()[1].alerts[0];
    assert_eq!((last.starts_at_ms, last.ends_at_ms), (T0, T0 + 13 * M));
    // Without an end, an alert resolves resolve_timeout (5m) after it was posted.
    post(
        &mut am,
        T0 + H,
        vec![Alert::new(&[("alertname", "B")], T0 + H)],
    );
    assert_eq!(am.alerts(T0 + H)[0].alert.ends_at_ms, T0 + H + 5 * M);
}

/// Recorded from Alertmanager 0.25 (webhook payloads): fingerprints, the group
/// key with a route's matchers and label values needing quotes (label pairs
/// sorted as strings: `a0=` before `a=`), and alerts ordered by job, instance,
/// then label sets.
#[test]
fn keys_fingerprints_and_order_as_alertmanager_0_25_gives_them() {
    let yaml = single(
        "  routes:\n    - {matchers: ['severity=\"page\"', 'team=~\"a|b\"'], group_by: [alertname, a0, a], group_wait: 2s}",
    );
    let mut am = am(&yaml);
    let base = [
        ("alertname", "HighLatency"),
        ("severity", "page"),
        ("team", "a"),
        ("a", "q\"x"),
        ("a0", "1"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut labels = base.to_vec();
        labels.extend_from_slice(extra);
        firing(&labels, T0)
    };
    post(
        &mut am,
        T0,
        vec![
            with(&[("instance", "i2")]),
            with(&[("instance", "i1"), ("job", "z")]),
            with(&[("zz", "1")]),
        ],
    );
    am.advance_to(T0 + 2 * S);
    let n = &am.notifications()[0];
    assert_eq!(
        n.group_key,
        r#"{}/{severity="page",team=~"a|b"}:{a0="1", a="q\"x", alertname="HighLatency"}"#
    );
    let fps: Vec<&str> = n.alerts.iter().map(|a| a.fingerprint.as_str()).collect();
    assert_eq!(
        fps,
        ["3e1c74133587a914", "c8380de3b5934c2c", "fe5849b43893075d"]
    );
}

/// `POST /api/v2/alerts`: invalid alerts are refused with `model.Alert.Validate`'s
/// messages, the valid ones in the same post are taken.
#[test]
fn invalid_alerts_are_refused_and_the_valid_taken() {
    let mut am = am(&single(""));
    let err = am
        .post_alerts(
            T0,
            vec![
                Alert::new(&[("alertname", "")], T0),
                Alert::new(&[("alertname", "A")], T0).ending_at(T0 - 1),
                Alert::new(&[("alertname", "B")], T0),
            ],
        )
        .unwrap_err();
    assert_eq!(
        err,
        "at least one label pair required; start time must be before end time"
    );
    assert_eq!(am.alerts(T0).len(), 1);
}

/// The log keeps the last MAX_NOTIFICATIONS and counts the ones it dropped.
#[test]
fn the_log_is_bounded() {
    let mut am = am(&single(
        "  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1ms",
    ));
    post(&mut am, T0, vec![firing(&[("alertname", "A")], T0)]);
    am.advance_to(T0 + 12_000 * S);
    assert_eq!(am.notifications().len(), MAX_NOTIFICATIONS);
    assert_eq!(am.dropped_notifications(), 2_000);
    assert_eq!(am.notifications().last().unwrap().at_ms, T0 + 12_000 * S);
    assert_eq!(am.notifications()[0].at_ms, T0 + 2_001 * S);
    assert_eq!(am.notifications()[1].reason, NotifyReason::Repeat);
}

/// Random calls at random (also extreme) times, with random labels and silences:
/// nothing panics, notifications come in time order, the limits hold.
#[test]
fn random_calls_never_panic() {
    let yaml = format!(
        "{}inhibit_rules: [{{source_matchers: ['a=\"0\"'], target_matchers: ['b=~\"1|2\"'], equal: [c]}}]\n",
        single(
            "  group_by: [a]\n  group_wait: 1s\n  group_interval: 7s\n  routes: [{matchers: ['b=\"1\"'], continue: true, group_by: ['...']}]"
        )
    );
    let mut rng = promplay::rng::SplitMix64::new(13);
    let mut am = am(&yaml);
    let mut now = T0;
    let extremes = [i64::MIN, -1, 0, i64::MAX, T0];
    for _ in 0..3_000 {
        now += rng.below(20_000) as i64;
        let time = |rng: &mut promplay::rng::SplitMix64| match rng.below(4) {
            0 => extremes[rng.below(5) as usize],
            _ => now - 60_000 + rng.below(120_000) as i64,
        };
        match rng.below(6) {
            0..=2 => {
                let value = |rng: &mut promplay::rng::SplitMix64| {
                    ["", "0", "1", "2"][rng.below(4) as usize]
                };
                let (a, b, c) = (value(&mut rng), value(&mut rng), value(&mut rng));
                let alert = Alert::new(&[("a", a), ("b", b), ("c", c)], time(&mut rng))
                    .ending_at(time(&mut rng));
                let _ = am.post_alerts(now, vec![alert]);
            }
            3 => {
                let spec = silence(
                    ["a=\"1\"", "b=~\"(\"", "", "c!=\"2\", a=~\"0|1\""][rng.below(4) as usize],
                    time(&mut rng),
                    time(&mut rng),
                );
                let _ = am.add_silence(now, spec);
            }
            4 => {
                let id = am
                    .silences()
                    .first()
                    .map(|s| s.id.clone())
                    .unwrap_or_default();
                let _ = am.expire_silence(now, &id);
            }
            _ => am.advance_to(time(&mut rng).min(now + 60_000)),
        }
        let _ = (am.alerts(now), am.groups());
    }
    am.set_config(now, config(&yaml));
    am.advance_to(now + H);
    let times: Vec<i64> = am.notifications().iter().map(|n| n.at_ms).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    assert!(!times.is_empty());
}
