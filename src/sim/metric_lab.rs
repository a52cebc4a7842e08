//! The metric-types lab: metrics a learner declares and changes by hand (a
//! Counter, a Gauge, a Histogram, a Summary, with labels, buckets or
//! quantiles), instrumented through `crate::client` like every service and
//! scraped as one more target, `job="metric-lab"`. Each declaration and each
//! `inc`/`dec`/`set`/`observe` is an operation of the run, applied by a timeline
//! event at its moment, so a link replays exactly the same samples.
//!
//! An operation's text form (one line, fields separated by `|`):
//!
//! ```text
//! declare|histogram|demo_latency_seconds|path|0.1,0.5,1|How long a request took.
//! observe|demo_latency_seconds|/home|0.42
//! ```

use std::sync::Arc;

use crate::client::{
    CounterVec, GaugeVec, HistogramVec, ManualClock, Opts, Registry, SummaryOpts, SummaryVec,
};
use crate::expo::encode::{openmetrics, text};
use crate::expo::model::MetricType;
use crate::expo::textparse::Format;

use super::TargetSpec;

/// What an operation does to a declared metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Inc,
    Dec,
    Set,
    Observe,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Inc => "inc",
            Action::Dec => "dec",
            Action::Set => "set",
            Action::Observe => "observe",
        }
    }

    /// The actions a type offers, as its client library does.
    pub fn for_type(kind: MetricType) -> &'static [Action] {
        match kind {
            MetricType::Counter => &[Action::Inc],
            MetricType::Gauge => &[Action::Inc, Action::Dec, Action::Set],
            _ => &[Action::Observe],
        }
    }
}

/// One operation of the lab.
#[derive(Clone, Debug, PartialEq)]
pub enum MetricOp {
    Declare {
        kind: MetricType,
        name: String,
        labels: Vec<String>,
        /// Histogram buckets, or Summary quantiles.
        bounds: Vec<f64>,
        help: String,
    },
    Apply {
        action: Action,
        name: String,
        label_values: Vec<String>,
        value: f64,
    },
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn numbers(text: &str) -> Result<Vec<f64>, String> {
    list(text)
        .iter()
        .map(|n| {
            n.parse::<f64>()
                .map_err(|_| format!("{n:?} is not a number"))
        })
        .collect()
}

impl MetricOp {
    pub fn to_text(&self) -> String {
        let join = |v: &[String]| v.join(",");
        match self {
            MetricOp::Declare {
                kind,
                name,
                labels,
                bounds,
                help,
            } => {
                let bounds: Vec<String> = bounds.iter().map(|b| b.to_string()).collect();
                format!(
                    "declare|{}|{name}|{}|{}|{help}",
                    kind.openmetrics_name(),
                    join(labels),
                    join(&bounds)
                )
            }
            MetricOp::Apply {
                action,
                name,
                label_values,
                value,
            } => {
                format!("{}|{name}|{}|{value}", action.name(), join(label_values))
            }
        }
    }

    pub fn parse(text: &str) -> Result<MetricOp, String> {
        let fields: Vec<&str> = text.splitn(6, '|').collect();
        match fields.as_slice() {
            ["declare", kind, name, labels, bounds, help] => {
                let kind = match MetricType::from_openmetrics(kind) {
                    Some(
                        k @ (MetricType::Counter
                        | MetricType::Gauge
                        | MetricType::Histogram
                        | MetricType::Summary),
                    ) => k,
                    _ => {
                        return Err(format!(
                            "the lab declares counter, gauge, histogram or summary, not {kind:?}"
                        ));
                    }
                };
                Ok(MetricOp::Declare {
                    kind,
                    name: name.to_string(),
                    labels: list(labels),
                    bounds: numbers(bounds)?,
                    help: help.to_string(),
                })
            }
            [action, name, values, value] => {
                let action = [Action::Inc, Action::Dec, Action::Set, Action::Observe]
                    .into_iter()
                    .find(|a| a.name() == *action)
                    .ok_or_else(|| format!("unknown operation {action:?}"))?;
                let value = value
                    .parse::<f64>()
                    .map_err(|_| format!("{value:?} is not a number"))?;
                Ok(MetricOp::Apply {
                    action,
                    name: name.to_string(),
                    label_values: list(values),
                    value,
                })
            }
            _ => Err(format!("not a metric-lab operation: {text:?}")),
        }
    }
}

enum Declared {
    Counter(CounterVec),
    Gauge(GaugeVec),
    Histogram(HistogramVec),
    Summary(SummaryVec),
}

/// The lab's registry and what was declared in it.
pub struct MetricLab {
    clock: Arc<ManualClock>,
    registry: Registry,
    declared: Vec<(String, MetricType, Declared)>,
}

impl Default for MetricLab {
    fn default() -> MetricLab {
        MetricLab::new()
    }
}

impl MetricLab {
    pub fn new() -> MetricLab {
        let clock = ManualClock::shared(0.0);
        MetricLab {
            registry: Registry::new(clock.clone()),
            clock,
            declared: Vec::new(),
        }
    }

    /// The lab's scrape target.
    pub fn target() -> TargetSpec {
        TargetSpec {
            job: "metric-lab".to_string(),
            instance: "playground:9100".to_string(),
            honor_labels: false,
        }
    }

    /// The type of a declared metric (by the name it was declared with).
    pub fn declared_type(&self, name: &str) -> Option<MetricType> {
        self.lookup(name).ok().map(|(_, kind, _)| *kind)
    }

    /// A declared metric, by the name it was declared with.
    fn lookup(&self, name: &str) -> Result<&(String, MetricType, Declared), String> {
        self.declared
            .iter()
            .find(|(n, ..)| n == name)
            .ok_or_else(|| format!("{name} is not declared"))
    }

    /// Whether `op` would be applied, or why not (nothing changes).
    pub fn check(&self, op: &MetricOp) -> Result<(), String> {
        match op {
            MetricOp::Declare { name, .. } => {
                if self.lookup(name).is_ok() {
                    return Err(format!("{name} is already declared"));
                }
                // The client's own checks (names, labels, buckets), on a scratch registry.
                MetricLab::new().apply(op, 0)
            }
            MetricOp::Apply {
                action,
                name,
                label_values,
                value,
            } => {
                let (_, kind, declared) = self.lookup(name)?;
                if !Action::for_type(*kind).contains(action) {
                    return Err(format!(
                        "a {} has no {}: it offers {}",
                        kind.openmetrics_name(),
                        action.name(),
                        Action::for_type(*kind)
                            .iter()
                            .map(|a| a.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                if !value.is_finite() {
                    return Err(format!("{value} is not a finite number"));
                }
                if *kind == MetricType::Counter && *value < 0.0 {
                    return Err(
                        "Counters can only be incremented by non-negative amounts.".to_string()
                    );
                }
                let want = match declared {
                    Declared::Counter(v) => v.label_names().len(),
                    Declared::Gauge(v) => v.label_names().len(),
                    Declared::Histogram(v) => v.label_names().len(),
                    Declared::Summary(v) => v.label_names().len(),
                };
                if label_values.len() != want {
                    return Err(format!(
                        "{name} has {want} label(s); {} value(s) given",
                        label_values.len()
                    ));
                }
                Ok(())
            }
        }
    }

    /// Applies `op` at `t_ms`; a refused one (a second declaration of a name,
    /// a negative `inc` of a counter, wrong label values) says why as the client
    /// library would, and changes nothing.
    pub fn apply(&mut self, op: &MetricOp, t_ms: i64) -> Result<(), String> {
        self.clock.set(t_ms as f64 / 1000.0);
        match op {
            MetricOp::Declare {
                kind,
                name,
                labels,
                bounds,
                help,
            } => {
                if self.lookup(name).is_ok() {
                    return Err(format!("{name} is already declared"));
                }
                // client_python refuses these too (utf-8 names need quoting the lab does not teach).
                if !crate::names::is_legacy_metric_name(name) {
                    return Err(format!("Invalid metric name: {name}"));
                }
                let opts = Opts::new(name.clone(), help.clone());
                let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
                let declared = match kind {
                    MetricType::Counter => Declared::Counter(
                        self.registry
                            .counter_vec(&opts, &labels)
                            .map_err(|e| e.to_string())?,
                    ),
                    MetricType::Gauge => Declared::Gauge(
                        self.registry
                            .gauge_vec(&opts, &labels)
                            .map_err(|e| e.to_string())?,
                    ),
                    MetricType::Histogram => {
                        let buckets = if bounds.is_empty() {
                            crate::client::DEFAULT_BUCKETS.to_vec()
                        } else {
                            bounds.clone()
                        };
                        Declared::Histogram(
                            self.registry
                                .histogram_vec(&opts, &buckets, &labels)
                                .map_err(|e| e.to_string())?,
                        )
                    }
                    _ => {
                        let objectives: Vec<(f64, f64)> =
                            bounds.iter().map(|q| (*q, 0.01)).collect();
                        Declared::Summary(
                            self.registry
                                .summary_vec(
                                    &opts,
                                    SummaryOpts::with_objectives(&objectives),
                                    &labels,
                                )
                                .map_err(|e| e.to_string())?,
                        )
                    }
                };
                self.declared.push((name.clone(), *kind, declared));
                Ok(())
            }
            MetricOp::Apply {
                action,
                name,
                label_values,
                value,
            } => {
                let (_, _, declared) = self.lookup(name)?;
                let values: Vec<&str> = label_values.iter().map(String::as_str).collect();
                let e = |e: crate::client::ClientError| e.to_string();
                match (declared, action) {
                    (Declared::Counter(c), Action::Inc) => {
                        c.labels(&values).map_err(e)?.inc_by(*value).map_err(e)?
                    }
                    (Declared::Gauge(g), Action::Inc) => {
                        g.labels(&values).map_err(e)?.inc_by(*value)
                    }
                    (Declared::Gauge(g), Action::Dec) => {
                        g.labels(&values).map_err(e)?.dec_by(*value)
                    }
                    (Declared::Gauge(g), Action::Set) => g.labels(&values).map_err(e)?.set(*value),
                    (Declared::Histogram(h), Action::Observe) => {
                        h.labels(&values).map_err(e)?.observe(*value)
                    }
                    (Declared::Summary(s), Action::Observe) => {
                        s.labels(&values).map_err(e)?.observe(*value)
                    }
                    _ => return Err(format!("{name} has no {}", action.name())),
                }
                Ok(())
            }
        }
    }

    /// The lab's `/metrics` at `t_ms`, in `format` (a text format: it serves no
    /// protobuf, so a protobuf request gets text 0.0.4, as such a server answers).
    pub fn scrape(&self, t_ms: i64, format: Format) -> String {
        self.clock.set(t_ms as f64 / 1000.0);
        let families = self.registry.collect();
        match format {
            Format::Text | Format::Protobuf => text::encode(&families),
            Format::OpenMetrics => openmetrics::encode(&families),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_round_trip_and_change_the_exposition() {
        let ops = [
            "declare|counter|demo_events|kind||Events seen.",
            "declare|histogram|demo_latency_seconds||0.1,0.5,1|How long it took.",
            "declare|summary|demo_payload_bytes||0.5,0.9|Payload sizes.",
            "declare|gauge|demo_queue_size|||Items waiting.",
            "inc|demo_events|click|1",
            "observe|demo_latency_seconds||0.3",
            "observe|demo_payload_bytes||512",
            "set|demo_queue_size||7",
            "dec|demo_queue_size||2",
        ];
        let mut lab = MetricLab::new();
        for (i, text) in ops.iter().enumerate() {
            let op = MetricOp::parse(text).unwrap();
            assert_eq!(MetricOp::parse(&op.to_text()).unwrap(), op, "{text}");
            lab.apply(&op, 1_000 + i as i64).unwrap();
        }
        let body = lab.scrape(60_000, Format::Text);
        assert!(
            body.contains("demo_events_total{kind=\"click\"} 1.0\n"),
            "{body}"
        );
        assert!(
            body.contains("demo_latency_seconds_bucket{le=\"0.5\"} 1.0\n"),
            "{body}"
        );
        assert!(
            body.contains("demo_payload_bytes{quantile=\"0.5\"} 512.0\n"),
            "{body}"
        );
        assert!(body.contains("demo_queue_size 5.0\n"), "{body}");
        assert!(lab.scrape(60_000, Format::OpenMetrics).ends_with("# EOF\n"));
    }

    #[test]
    fn refused_operations_say_why_as_the_client_does() {
        let mut lab = MetricLab::new();
        let apply = |lab: &mut MetricLab, text: &str| lab.apply(&MetricOp::parse(text).unwrap(), 0);
        apply(&mut lab, "declare|counter|c|||C.").unwrap();
        assert!(
            apply(&mut lab, "declare|gauge|c|||again")
                .unwrap_err()
                .contains("already declared")
        );
        assert!(apply(&mut lab, "inc|c||-1").is_err());
        assert!(
            apply(&mut lab, "set|c||3")
                .unwrap_err()
                .contains("has no set")
        );
        let check = |lab: &MetricLab, text: &str| lab.check(&MetricOp::parse(text).unwrap());
        assert!(check(&lab, "set|c||3").unwrap_err().contains("offers inc"));
        assert!(
            check(&lab, "inc|c||-1")
                .unwrap_err()
                .contains("non-negative")
        );
        assert!(check(&lab, "inc|c|x|1").unwrap_err().contains("0 label(s)"));
        assert!(check(&lab, "declare|gauge|bad name|||x").is_err());
        assert!(check(&lab, "declare|gauge|g|||x").is_ok());
        assert!(
            apply(&mut lab, "inc|nope||1")
                .unwrap_err()
                .contains("not declared")
        );
        assert!(apply(&mut lab, "inc|c|extra|1").is_err());
        assert!(MetricOp::parse("declare|info|i|||x").is_err());
        assert!(MetricOp::parse("inc|c||lots").is_err());
    }
}
