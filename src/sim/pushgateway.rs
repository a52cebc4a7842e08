//! A simulated Prometheus Pushgateway: batch jobs push their metrics to it (they are
//! never scraped themselves), and Prometheus scrapes the gateway with
//! `honor_labels: true` so the pushed `job` and `instance` labels are kept.
//!
//! As the real one does, it keeps metrics per group (the grouping labels of the push:
//! `job`, plus `instance` here), adds the grouping labels to every pushed sample, and
//! exposes `push_time_seconds` and `push_failure_time_seconds` for each group. A PUT
//! (`push_to_gateway`) replaces the whole group; a POST (`pushadd_to_gateway`)
//! replaces only the families it carries. Metrics stay until replaced: the gateway
//! keeps showing the last push of a job that stopped running long ago.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::client::{FnCollector, ManualClock, Registry};
use crate::expo::model::{MetricFamily, MetricType, Sample};

/// How a push treats what the group already holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PushMethod {
    /// `push_to_gateway` (HTTP PUT): the group becomes exactly what was pushed.
    Put,
    /// `pushadd_to_gateway` (HTTP POST): families with the pushed names are replaced.
    Post,
}

#[derive(Debug, Default)]
struct Group {
    families: Vec<MetricFamily>,
    push_time: f64,
    push_failure_time: f64,
}

type Groups = BTreeMap<Vec<(String, String)>, Group>;

/// The gateway: its registry (what a scrape sees) and its stored groups.
pub(crate) struct Pushgateway {
    groups: Arc<Mutex<Groups>>,
    registry: Registry,
    clock: Arc<ManualClock>,
}

impl Pushgateway {
    pub(crate) fn new(start_seconds: f64) -> Pushgateway {
        let clock = ManualClock::shared(start_seconds);
        let registry = Registry::new(clock.clone());
        let groups: Arc<Mutex<Groups>> = Arc::default();
        let shared = Arc::clone(&groups);
        // Registering a custom collector on a fresh registry cannot fail.
        let _ = registry.register(FnCollector(move || {
            let groups = shared.lock().unwrap_or_else(|e| e.into_inner());
            expose(&groups)
        }));
        Pushgateway {
            groups,
            registry,
            clock,
        }
    }

    pub(crate) fn registry(&self) -> &Registry {
        &self.registry
    }

    pub(crate) fn set_time(&self, seconds: f64) {
        self.clock.set(seconds);
    }

    /// Receives a push of `families` for the group `grouping` (label pairs, `job` first).
    pub(crate) fn push(
        &self,
        grouping: &[(&str, &str)],
        families: Vec<MetricFamily>,
        method: PushMethod,
        now_seconds: f64,
    ) {
        let mut key: Vec<(String, String)> = grouping
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        key.sort();
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        let group = groups.entry(key).or_default();
        match method {
            PushMethod::Put => group.families = families,
            PushMethod::Post => {
                group
                    .families
                    .retain(|kept| families.iter().all(|new| new.name != kept.name));
                group.families.extend(families);
            }
        }
        group.push_time = now_seconds;
    }

    #[cfg(test)]
    pub(crate) fn group_count(&self) -> usize {
        self.groups.lock().map(|g| g.len()).unwrap_or(0)
    }
}

const PUSH_TIME_HELP: &str =
    "Last Unix time when changing this group in the Pushgateway succeeded.";
const PUSH_FAILURE_HELP: &str =
    "Last Unix time when changing this group in the Pushgateway failed.";

/// What the gateway's `/metrics` shows: families sorted by name, each holding every
/// group's samples (grouping labels added, label names sorted), groups in order.
fn expose(groups: &Groups) -> Vec<MetricFamily> {
    let mut families: BTreeMap<String, MetricFamily> = BTreeMap::new();
    for (grouping, group) in groups {
        for pushed in &group.families {
            let family = families.entry(pushed.name.clone()).or_insert_with(|| {
                let mut family = MetricFamily::new(pushed.name.clone(), pushed.metric_type);
                family.help = pushed.help.clone();
                family.unit = pushed.unit.clone();
                family
            });
            for sample in &pushed.samples {
                let mut labeled = sample.clone();
                labeled.labels = with_grouping(grouping, &sample.labels);
                family.samples.push(labeled);
            }
        }
        for (name, help, value) in [
            (
                "push_failure_time_seconds",
                PUSH_FAILURE_HELP,
                group.push_failure_time,
            ),
            ("push_time_seconds", PUSH_TIME_HELP, group.push_time),
        ] {
            let family = families.entry(name.to_string()).or_insert_with(|| {
                let mut family = MetricFamily::new(name, MetricType::Gauge);
                family.help = Some(help.to_string());
                family
            });
            family
                .samples
                .push(Sample::new(name, grouping.clone(), value));
        }
    }
    families.into_values().collect()
}

fn with_grouping(
    grouping: &[(String, String)],
    labels: &[(String, String)],
) -> Vec<(String, String)> {
    let mut merged: Vec<(String, String)> = labels
        .iter()
        .filter(|(name, _)| grouping.iter().all(|(g, _)| g != name))
        .cloned()
        .chain(grouping.iter().cloned())
        .collect();
    merged.sort();
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Opts;
    use crate::expo::encode::text;

    fn pushed(names: &[(&str, f64)]) -> Vec<MetricFamily> {
        let registry = Registry::new(ManualClock::shared(0.0));
        for (name, value) in names {
            registry
                .gauge(&Opts::new(*name, "help"))
                .unwrap()
                .set(*value);
        }
        registry.collect()
    }

    #[test]
    fn put_replaces_the_group_and_post_only_the_pushed_families() {
        let gateway = Pushgateway::new(0.0);
        let grouping = [("job", "batch"), ("instance", "b1")];
        gateway.push(
            &grouping,
            pushed(&[("a", 1.0), ("b", 2.0)]),
            PushMethod::Put,
            10.0,
        );
        gateway.push(&grouping, pushed(&[("b", 3.0)]), PushMethod::Post, 20.0);
        let body = text::encode(&gateway.registry().collect());
        assert!(
            body.contains("a{instance=\"b1\",job=\"batch\"} 1.0\n"),
            "{body}"
        );
        assert!(body.contains("b{instance=\"b1\",job=\"batch\"} 3.0\n"));
        assert!(body.contains("push_time_seconds{instance=\"b1\",job=\"batch\"} 20.0\n"));
        assert!(body.contains("push_failure_time_seconds{instance=\"b1\",job=\"batch\"} 0.0\n"));
        gateway.push(&grouping, pushed(&[("b", 4.0)]), PushMethod::Put, 30.0);
        let body = text::encode(&gateway.registry().collect());
        assert!(!body.contains("a{"));
        assert!(body.contains("b{instance=\"b1\",job=\"batch\"} 4.0\n"));
        assert_eq!(gateway.group_count(), 1);
    }
}
