//! A run's events in words, for the timeline list and the charts' markers:
//! "outage (5m)", "traffic 10 → 40/s", with their times and whether they are past.

use crate::time::{format_duration, format_time_of_day};

use super::run::{Run, Settings};
use super::timeline::Change;

/// One event as the views show it.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    /// Its index in the timeline (for removal).
    pub index: usize,
    pub at_ms: i64,
    /// `10:05:00` (UTC).
    pub time: String,
    /// `outage started (5m)`, `traffic 10 → 40/s`.
    pub text: String,
    /// Whether it has not happened yet (and so can be removed).
    pub future: bool,
    /// An incident's end, for drawing its span.
    pub until_ms: Option<i64>,
}

/// Every event of `run`, described against the settings before it; events after
/// `now_ms` are future.
pub fn describe(run: &Run, now_ms: i64, applied: impl Fn(usize) -> bool) -> Vec<EventRow> {
    let mut settings = run.initial.clone();
    run.timeline
        .events()
        .iter()
        .enumerate()
        .map(|(index, event)| {
            let text = sentence(run, &settings, &event.change);
            settings.apply(&event.change);
            let until_ms = match event.change {
                Change::Outage { duration_ms } | Change::SlowRelease { duration_ms } => {
                    Some(event.at_ms.saturating_add(duration_ms))
                }
                _ => None,
            };
            EventRow {
                index,
                at_ms: event.at_ms,
                time: format_time_of_day(event.at_ms),
                text,
                future: !applied(index) && event.at_ms >= now_ms,
                until_ms,
            }
        })
        .collect()
}

/// What `change` does to `before`, in words.
fn sentence(run: &Run, before: &Settings, change: &Change) -> String {
    let c = &before.controls;
    let number = |v: f64| {
        let rounded = (v * 1000.0).round() / 1000.0;
        format!("{rounded}")
    };
    match *change {
        Change::Traffic(v) => format!("traffic {} → {}/s", number(c.traffic_rate), number(v)),
        Change::ErrorRatio(v) => format!(
            "error ratio {}% → {}%",
            number(c.error_ratio * 100.0),
            number(v * 100.0)
        ),
        Change::Latency(v) => format!("latency ×{} → ×{}", number(c.latency_multiplier), number(v)),
        Change::Outage { duration_ms } => {
            format!("outage started ({})", format_duration(duration_ms))
        }
        Change::SlowRelease { duration_ms } => {
            format!("slow release deployed ({})", format_duration(duration_ms))
        }
        Change::Instances(n) => format!("instances {} → {n}", before.instances),
        Change::ScrapeInterval(ms) => format!(
            "scrape interval {} → {}",
            format_duration(before.interval_ms),
            format_duration(ms)
        ),
        Change::SampleLimit(n) => {
            let shown = |n: usize| {
                if n == 0 {
                    "none".to_string()
                } else {
                    n.to_string()
                }
            };
            format!("sample_limit {} → {}", shown(before.sample_limit), shown(n))
        }
        Change::Rules(n) => format!("rules changed (version {n})"),
        Change::Alertmanager(n) => format!("Alertmanager configuration changed (version {n})"),
        Change::Silence(n) => match run.alerting.silences.get(n) {
            Some(s) => format!(
                "silence {} for {}",
                s.matchers,
                format_duration(s.duration_ms)
            ),
            None => format!("silence {n} (missing)"),
        },
        Change::ExpireSilence(n) => format!("silence {n} expired"),
        Change::Python(Some(n)) => format!("Python lab: program {n} started"),
        Change::Python(None) => "Python lab stopped: the simulated service again".to_string(),
        Change::Metric(n) => match run
            .metric_ops
            .get(n)
            .and_then(|t| crate::sim::MetricOp::parse(t).ok())
        {
            Some(crate::sim::MetricOp::Declare { kind, name, .. }) => {
                format!("metric lab: {} {name} declared", kind.openmetrics_name())
            }
            Some(crate::sim::MetricOp::Apply {
                action,
                name,
                value,
                ..
            }) => {
                format!("metric lab: {name}.{}({value})", action.name())
            }
            None => format!("metric lab: operation {n} (missing)"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Timeline;

    #[test]
    fn events_in_words() {
        let t0 = 1_714_557_600_000; // 10:00 UTC
        let mut run = Run::new("course_catalog", 1, t0, 1);
        run.initial.controls.traffic_rate = 10.0;
        run.timeline = Timeline::parse(
            "5m outage 5m\n12m traffic 40\n13m instances 3\n14m sample_limit 500",
            t0,
        )
        .unwrap();
        let rows = describe(&run, t0 + 12 * 60_000, |i| i < 2);
        let texts: Vec<String> = rows
            .iter()
            .map(|r| format!("{} {}", r.time, r.text))
            .collect();
        assert_eq!(
            texts,
            [
                "10:05:00 outage started (5m)",
                "10:12:00 traffic 10 → 40/s",
                "10:13:00 instances 1 → 3",
                "10:14:00 sample_limit none → 500"
            ]
        );
        assert_eq!(
            rows.iter().map(|r| r.future).collect::<Vec<_>>(),
            [false, false, true, true]
        );
        assert_eq!(rows[0].until_ms, Some(t0 + 10 * 60_000));
    }
}
