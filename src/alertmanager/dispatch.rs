//! The simulated Alertmanager on a virtual clock: alerts posted as Prometheus
//! posts them, routed into aggregation groups, each group flushed by its own
//! timer through the notification pipeline (`dispatch/dispatch.go`), with
//! silences, inhibition and the notification log. Deterministic: the same calls
//! at the same times give the same notifications.
//!
//! A group is its route and its group labels (the alert's labels named in
//! `group_by`, or all of them with `...`). Its first flush comes group_wait
//! after it was created, at once if an alert in it started more than group_wait
//! ago (before that first flush); then a flush every group_interval. A flush
//! sends what the notification log says is news (see `notify.rs`), then drops
//! the group's resolved alerts; a group left empty is removed at the
//! dispatcher's next 30-second cleanup.
//!
//! Order at one instant: group timers fire first, in the order they were set;
//! then empty groups are removed; then the call does what it brings (alerts,
//! a silence, a configuration), and timers that this makes due at once (an old
//! alert's flush) fire before the call returns. Times never go back: a call
//! with an earlier time than the last acts at the last.

use std::collections::{BTreeMap, BTreeSet};

use super::alert::{
    Alert, AlertStore, Fingerprint, StoredAlert, UNSET_MS, accept, cmp_alerts, cmp_label_sets,
    label_set_string, tick_at_or_after,
};
use super::config::Config;
use super::inhibit::InhibitIndex;
use super::nflog::NotificationLog;
use super::notify::{Flush, Notification, notify_receiver};
use super::route::Route;
use super::silence::{Silence, SilenceSpec, Silences};

/// The notifications kept (the oldest are dropped past it, and counted).
pub const MAX_NOTIFICATIONS: usize = 10_000;
/// The alerts the store holds at most; new ones past it are refused
/// (Alertmanager 0.25 has no such limit).
pub const MAX_ALERTS: usize = 10_000;
/// How often the dispatcher removes empty groups.
const CLEANUP_INTERVAL_MS: i64 = 30_000;

/// What a route's groups need of it (Alertmanager's `RouteOpts` and key).
#[derive(Clone, Debug)]
struct RouteOpts {
    key: String,
    receiver: String,
    group_by: Vec<String>,
    group_by_all: bool,
    group_wait_ms: i64,
    group_interval_ms: i64,
    repeat_interval_ms: i64,
}

impl RouteOpts {
    fn of(route: &Route) -> RouteOpts {
        RouteOpts {
            key: route.key.clone(),
            receiver: route.receiver.clone(),
            group_by: route.group_by.clone(),
            group_by_all: route.group_by_all,
            group_wait_ms: route.group_wait_ms,
            group_interval_ms: route.group_interval_ms,
            repeat_interval_ms: route.repeat_interval_ms,
        }
    }

    /// `getGroupLabels`: the alert's labels this route groups by.
    fn group_labels(&self, labels: &[(String, String)]) -> Vec<(String, String)> {
        labels
            .iter()
            .filter(|(n, _)| self.group_by_all || self.group_by.contains(n))
            .cloned()
            .collect()
    }
}

/// An aggregation group (`aggrGroup`).
#[derive(Clone, Debug)]
struct AggrGroup {
    route: usize,
    labels: Vec<(String, String)>,
    /// `route key:group labels`.
    key: String,
    alerts: BTreeMap<Fingerprint, StoredAlert>,
    /// The timer: when it fires, and its place among timers set for that time.
    next_flush_ms: i64,
    timer_seq: u64,
    has_flushed: bool,
    /// When the cleanup removes it, while it is empty.
    removal_at: Option<i64>,
}

/// An alert as `GET /api/v2/alerts` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertStatus {
    pub alert: Alert,
    pub fingerprint: String,
    pub state: AlertState,
    /// Active silences muting it, sorted.
    pub silenced_by: Vec<String>,
    /// The fingerprint of the alert inhibiting it, if any.
    pub inhibited_by: Vec<String>,
    /// The receivers its routes lead to, in tree order.
    pub receivers: Vec<String>,
    pub updated_at_ms: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertState {
    Active,
    /// Silenced or inhibited.
    Suppressed,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Active => "active",
            AlertState::Suppressed => "suppressed",
        }
    }
}

/// An aggregation group as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupStatus {
    /// The route's key (`{}/{severity="page"}`): its path in the tree.
    pub route_key: String,
    pub group_key: String,
    pub receiver: String,
    pub labels: Vec<(String, String)>,
    /// Its alerts in notification order, resolved ones until the next flush.
    pub alerts: Vec<Alert>,
    pub next_flush_ms: i64,
    /// Whether it has flushed once (its group_wait is over).
    pub has_flushed: bool,
}

/// The simulated Alertmanager.
pub struct Alertmanager {
    config: Config,
    routes: Vec<RouteOpts>,
    store: AlertStore,
    silences: Silences,
    nflog: NotificationLog,
    /// Inhibition sources, rebuilt when the store or the rules change.
    inhibit_index: Option<InhibitIndex>,
    groups: BTreeMap<u64, AggrGroup>,
    group_ids: BTreeMap<(usize, Vec<(String, String)>), u64>,
    /// Pending flushes: (time, order set, group id).
    timers: BTreeSet<(i64, u64, u64)>,
    /// Pending removals of empty groups: (time, group id).
    removals: BTreeSet<(i64, u64)>,
    next_group_id: u64,
    next_timer_seq: u64,
    /// The dispatcher's cleanup ticks every 30 s from here: Unix time 0 at first,
    /// the reload time after a reload (a new dispatcher starts its ticker).
    dispatcher_origin: i64,
    now: Option<i64>,
    log: Vec<Notification>,
    sent_total: u64,
}

impl Alertmanager {
    pub fn new(config: Config) -> Alertmanager {
        let routes = config.route.walk().into_iter().map(RouteOpts::of).collect();
        Alertmanager {
            config,
            routes,
            store: AlertStore::default(),
            silences: Silences::default(),
            nflog: NotificationLog::default(),
            inhibit_index: None,
            groups: BTreeMap::new(),
            group_ids: BTreeMap::new(),
            timers: BTreeSet::new(),
            removals: BTreeSet::new(),
            next_group_id: 0,
            next_timer_seq: 0,
            dispatcher_origin: 0,
            now: None,
            log: Vec::new(),
            sent_total: 0,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The time the simulation has reached, if it has seen one.
    pub fn now(&self) -> Option<i64> {
        self.now
    }

    /// Takes alerts as `POST /api/v2/alerts` does at `now_ms`: each completed
    /// (start, end from `resolve_timeout`), checked, merged into the store and
    /// routed into its groups. Invalid alerts are refused with Alertmanager's
    /// messages, joined by `; `; the valid ones are taken all the same.
    pub fn post_alerts(&mut self, now_ms: i64, alerts: Vec<Alert>) -> Result<(), String> {
        let now = self.advance(now_ms);
        let mut errors = Vec::new();
        for alert in alerts {
            let accepted = match accept(alert, now, self.config.resolve_timeout_ms) {
                Ok(accepted) => accepted,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let fp = accepted.alert.fingerprint();
            if !self.store.alerts.contains_key(&fp) && self.store.alerts.len() >= MAX_ALERTS {
                errors.push(format!(
                    "too many alerts: the simulation keeps at most {MAX_ALERTS}"
                ));
                continue;
            }
            let stored = self.store.put(accepted, now);
            self.dispatch(&stored, now);
        }
        self.advance(now);
        match errors.is_empty() {
            true => Ok(()),
            false => Err(errors.join("; ")),
        }
    }

    /// Runs the clock to `now_ms`: every group timer due by then fires, in time
    /// order (ties in the order the timers were set), each flush appending what
    /// it sends to the notifications.
    pub fn advance_to(&mut self, now_ms: i64) {
        self.advance(now_ms);
    }

    /// Creates a silence at `now_ms`; its id, or Alertmanager's reason not to.
    pub fn add_silence(&mut self, now_ms: i64, silence: SilenceSpec) -> Result<String, String> {
        let now = self.advance(now_ms);
        self.silences.add(now, silence)
    }

    /// Expires a silence at `now_ms` (it ends then; it mutes nothing from the
    /// next millisecond).
    pub fn expire_silence(&mut self, now_ms: i64, id: &str) -> Result<(), String> {
        let now = self.advance(now_ms);
        self.silences.expire(now, id)
    }

    /// The silences not yet collected (120 h after their end), oldest first.
    pub fn silences(&self) -> &[Silence] {
        &self.silences.list
    }

    /// The alerts not resolved before `now_ms` (as `GET /api/v2/alerts`), by
    /// fingerprint, each with its state at `now_ms`.
    pub fn alerts(&self, now_ms: i64) -> Vec<AlertStatus> {
        let fresh;
        let index = match &self.inhibit_index {
            Some(index) if index.version == self.store.version => index,
            _ => {
                fresh = InhibitIndex::build(
                    &self.config.inhibit_rules,
                    &self.store.alerts,
                    self.store.version,
                );
                &fresh
            }
        };
        self.store
            .alerts
            .iter()
            .filter(|(_, s)| s.alert.ends_at_ms == UNSET_MS || s.alert.ends_at_ms >= now_ms)
            .map(|(fp, s)| {
                let labels = &s.alert.labels;
                let silenced_by = self.silences.silenced_by(labels, now_ms);
                let inhibited_by: Vec<String> = index
                    .inhibited_by(
                        &self.config.inhibit_rules,
                        &self.store.alerts,
                        labels,
                        now_ms,
                    )
                    .map(|fp| fp.to_string())
                    .into_iter()
                    .collect();
                let state = match silenced_by.is_empty() && inhibited_by.is_empty() {
                    true => AlertState::Active,
                    false => AlertState::Suppressed,
                };
                AlertStatus {
                    alert: s.alert.clone(),
                    fingerprint: fp.to_string(),
                    state,
                    silenced_by,
                    inhibited_by,
                    receivers: self
                        .config
                        .route
                        .route(labels)
                        .into_iter()
                        .map(|r| r.receiver.clone())
                        .collect(),
                    updated_at_ms: s.updated_at_ms,
                }
            })
            .collect()
    }

    /// The aggregation groups with alerts, ordered as Alertmanager's API orders
    /// them (group labels, then receiver), then by route.
    pub fn groups(&self) -> Vec<GroupStatus> {
        let mut groups: Vec<(usize, GroupStatus)> = self
            .groups
            .values()
            .filter(|g| !g.alerts.is_empty())
            .map(|g| {
                let opts = &self.routes[g.route];
                let mut alerts: Vec<Alert> = g.alerts.values().map(|s| s.alert.clone()).collect();
                crate::sort::sort_by(&mut alerts[..], cmp_alerts);
                let status = GroupStatus {
                    route_key: opts.key.clone(),
                    group_key: g.key.clone(),
                    receiver: opts.receiver.clone(),
                    labels: g.labels.clone(),
                    alerts,
                    next_flush_ms: g.next_flush_ms,
                    has_flushed: g.has_flushed,
                };
                (g.route, status)
            })
            .collect();
        crate::sort::sort_by(&mut groups[..], |(ra, a), (rb, b)| {
            cmp_label_sets(&a.labels, &b.labels)
                .then_with(|| a.receiver.cmp(&b.receiver))
                .then(ra.cmp(rb))
        });
        groups.into_iter().map(|(_, g)| g).collect()
    }

    /// The notifications sent, oldest first: the last [`MAX_NOTIFICATIONS`].
    pub fn notifications(&self) -> &[Notification] {
        &self.log[self.log.len().saturating_sub(MAX_NOTIFICATIONS)..]
    }

    /// How many notifications were sent but are no longer kept.
    pub fn dropped_notifications(&self) -> u64 {
        self.sent_total - self.notifications().len() as u64
    }

    /// Loads a new configuration at `now_ms`, as a reload does: the dispatcher
    /// and its groups are rebuilt from the alerts in the store (alerts older than
    /// group_wait flush at once); silences and the notification log are kept,
    /// so a group whose key did not change does not notify again.
    pub fn set_config(&mut self, now_ms: i64, config: Config) {
        let now = self.advance(now_ms);
        self.routes = config.route.walk().into_iter().map(RouteOpts::of).collect();
        self.config = config;
        self.inhibit_index = None;
        self.groups.clear();
        self.group_ids.clear();
        self.timers.clear();
        self.removals.clear();
        self.dispatcher_origin = now;
        // The new dispatcher's subscription gets every stored alert (in
        // fingerprint order here; in Alertmanager, a map's order).
        let stored: Vec<StoredAlert> = self.store.alerts.values().cloned().collect();
        for alert in &stored {
            self.dispatch(alert, now);
        }
        self.advance(now);
    }

    /// The clock moved to `now_ms` (never back); returns the time acted at.
    fn advance(&mut self, now_ms: i64) -> i64 {
        let now = self.now.map_or(now_ms, |t| t.max(now_ms));
        loop {
            let timer = self.timers.first().copied().filter(|t| t.0 <= now);
            let removal = self.removals.first().copied().filter(|r| r.0 <= now);
            match (timer, removal) {
                (Some(t), Some(r)) if r.0 < t.0 => self.remove_group(r),
                (Some(t), _) => self.fire(t),
                (None, Some(r)) => self.remove_group(r),
                (None, None) => break,
            }
        }
        self.store.collect_garbage(now);
        self.nflog.collect_garbage(now);
        self.silences.collect_garbage(now);
        self.now = Some(now);
        now
    }

    /// Routes a stored alert into the groups of every route it matches.
    fn dispatch(&mut self, stored: &StoredAlert, now: i64) {
        let walk = self.config.route.walk();
        let matched: Vec<usize> = self
            .config
            .route
            .route(&stored.alert.labels)
            .into_iter()
            .filter_map(|r| walk.iter().position(|w| std::ptr::eq(*w, r)))
            .collect();
        for route in matched {
            self.insert(stored, route, now);
        }
    }

    /// `processAlert` and `aggrGroup.insert`.
    fn insert(&mut self, stored: &StoredAlert, route: usize, now: i64) {
        let opts = &self.routes[route];
        let labels = opts.group_labels(&stored.alert.labels);
        let (group_wait, key) = (
            opts.group_wait_ms,
            format!("{}:{}", opts.key, label_set_string(&labels)),
        );
        let id = match self.group_ids.get(&(route, labels.clone())) {
            Some(id) => *id,
            None => {
                let id = self.next_group_id;
                self.next_group_id += 1;
                self.group_ids.insert((route, labels.clone()), id);
                self.groups.insert(
                    id,
                    AggrGroup {
                        route,
                        labels,
                        key,
                        alerts: BTreeMap::new(),
                        next_flush_ms: i64::MAX,
                        timer_seq: 0,
                        has_flushed: false,
                        removal_at: None,
                    },
                );
                // The one-time wait before the first flush.
                self.set_timer(id, now.saturating_add(group_wait));
                id
            }
        };
        let Some(group) = self.groups.get_mut(&id) else {
            return;
        };
        group
            .alerts
            .insert(stored.alert.fingerprint(), stored.clone());
        if let Some(at) = group.removal_at.take() {
            self.removals.remove(&(at, id));
        }
        // Flush at once if this alert's wait is already over (strictly).
        if !group.has_flushed && stored.alert.starts_at_ms.saturating_add(group_wait) < now {
            self.set_timer(id, now);
        }
    }

    fn set_timer(&mut self, id: u64, at: i64) {
        let Some(group) = self.groups.get_mut(&id) else {
            return;
        };
        self.timers
            .remove(&(group.next_flush_ms, group.timer_seq, id));
        self.next_timer_seq += 1;
        (group.next_flush_ms, group.timer_seq) = (at, self.next_timer_seq);
        self.timers.insert((at, self.next_timer_seq, id));
    }

    fn remove_group(&mut self, (at, id): (i64, u64)) {
        self.removals.remove(&(at, id));
        if let Some(group) = self.groups.remove(&id) {
            self.timers
                .remove(&(group.next_flush_ms, group.timer_seq, id));
            self.group_ids.remove(&(group.route, group.labels));
        }
    }

    /// A group's timer fires at `now`: the next one is set group_interval on,
    /// then the group flushes.
    fn fire(&mut self, (now, seq, id): (i64, u64, u64)) {
        self.timers.remove(&(now, seq, id));
        let Some(group) = self.groups.get_mut(&id) else {
            return;
        };
        group.has_flushed = true;
        let next = now.saturating_add(self.routes[group.route].group_interval_ms);
        // At the end of time the timer would fire forever: it stops instead.
        if next > now {
            self.set_timer(id, next);
        }
        self.flush(id, now);
    }

    /// `aggrGroup.flush`: the group's alerts through the receiver's pipeline,
    /// then its resolved alerts dropped.
    fn flush(&mut self, id: u64, now: i64) {
        if self.inhibit_index.as_ref().map(|i| i.version) != Some(self.store.version) {
            self.inhibit_index = Some(InhibitIndex::build(
                &self.config.inhibit_rules,
                &self.store.alerts,
                self.store.version,
            ));
        }
        let Some(group) = self.groups.get(&id) else {
            return;
        };
        if group.alerts.is_empty() {
            return;
        }
        let opts = &self.routes[group.route];
        let mut alerts: Vec<&Alert> = group.alerts.values().map(|s| &s.alert).collect();
        crate::sort::sort_by(&mut alerts[..], |a, b| cmp_alerts(a, b));
        // The mute stages: inhibition, then silences.
        if let Some(index) = &self.inhibit_index {
            let (rules, store) = (&self.config.inhibit_rules, &self.store.alerts);
            alerts.retain(|a| index.inhibited_by(rules, store, &a.labels, now).is_none());
        }
        alerts.retain(|a| !self.silences.list.iter().any(|s| s.mutes(&a.labels, now)));
        // A receiver without a pipeline fails the flush (`RoutingStage`): its
        // resolved alerts stay. A checked configuration always has one.
        let Some(receiver) = self.config.receiver(&opts.receiver) else {
            return;
        };
        let flush = Flush {
            now,
            group_key: &group.key,
            group_labels: &group.labels,
            receiver,
            repeat_interval_ms: opts.repeat_interval_ms,
        };
        let (log, sent_total) = (&mut self.log, &mut self.sent_total);
        notify_receiver(&flush, &alerts, &mut self.nflog, &mut |n| {
            log.push(n);
            *sent_total += 1;
            // Drop the oldest in batches, so a full log costs no copy per message.
            if log.len() > MAX_NOTIFICATIONS + MAX_NOTIFICATIONS / 4 {
                log.drain(..log.len() - MAX_NOTIFICATIONS);
            }
        });
        let Some(group) = self.groups.get_mut(&id) else {
            return;
        };
        group.alerts.retain(|_, s| !s.alert.resolved_at(now));
        if group.alerts.is_empty() {
            let at = tick_at_or_after(self.dispatcher_origin, CLEANUP_INTERVAL_MS, now);
            group.removal_at = Some(at);
            self.removals.insert((at, id));
        }
    }
}
