//! What a run is made of: the scenario, the seed, the start, the settings it starts
//! with and its timeline. The same `Run` gives the same store everywhere; its link
//! form (`run=…&t0=…&tl=…`) is how the page's address and storage carry it.

use crate::sim::{Controls, scenarios};

use super::timeline::{Change, Timeline, TimelineError};

/// Settings that events change: the state of a run at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub instances: usize,
    pub interval_ms: i64,
    /// 0: no limit.
    pub sample_limit: usize,
    pub controls: Controls,
    /// The Python lab's program running in place of the simulated service, if any
    /// (its number in the run's programs).
    pub program: Option<usize>,
}

impl Settings {
    /// A scenario's defaults: its controls, `instances` instances, scraped every 15 s.
    pub fn for_scenario(scenario: &str, instances: usize) -> Settings {
        Settings {
            instances: instances.clamp(1, super::timeline::MAX_INSTANCES),
            interval_ms: 15_000,
            sample_limit: 0,
            controls: Controls::for_scenario(scenario),
            program: None,
        }
    }

    /// These settings after `change` (incidents change no setting).
    pub fn apply(&mut self, change: &Change) {
        match *change {
            Change::Traffic(v) => self.controls.traffic_rate = v,
            Change::ErrorRatio(v) => self.controls.error_ratio = v,
            Change::Latency(v) => self.controls.latency_multiplier = v,
            Change::Instances(n) => self.instances = n,
            Change::ScrapeInterval(ms) => self.interval_ms = ms,
            Change::SampleLimit(n) => self.sample_limit = n,
            Change::Python(n) => self.program = n,
            Change::Outage { .. }
            | Change::SlowRelease { .. }
            | Change::Rules(_)
            | Change::Alertmanager(_)
            | Change::Silence(_)
            | Change::ExpireSilence(_)
            | Change::Metric(_) => {}
        }
    }
}

/// A run: everything its data follows from.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub scenario: String,
    pub seed: u64,
    /// Virtual start, Unix ms.
    pub start_ms: i64,
    /// The settings at the start.
    pub initial: Settings,
    pub timeline: Timeline,
    /// Rule files, Alertmanager configurations and silences its events use.
    pub alerting: AlertingTexts,
    /// The Python lab's programs its `python N` events start (in a link as
    /// `py`, `py.1`, ..., packed).
    pub programs: Vec<String>,
    /// The metric-types lab's operations its `metric N` events apply (in a link
    /// as `metrics`, one a line).
    pub metric_ops: Vec<String>,
    /// The services' latency histograms carry native histograms beside their
    /// classic buckets, and the scraper asks for the protobuf format, as a
    /// Prometheus with native histograms enabled does (`native_histograms=1` in
    /// the settings text).
    pub native_histograms: bool,
}

/// The texts a run's rules and Alertmanager read: rule files and configurations
/// (number 0 is the start's, later ones are switched to by `rules N` and
/// `alertmanager N` events; none given: the scenario's defaults) and the silences
/// `silence N` events create. A link carries them (`rules`, `rules.1`, `am`,
/// `silence.0`, ...), so it replays what its sender saw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlertingTexts {
    pub rules: Vec<String>,
    pub alertmanager: Vec<String>,
    pub silences: Vec<SilenceText>,
}

/// A silence as a run keeps it: its matchers (Alertmanager's syntax), how long it
/// lasts from its event, and why.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SilenceText {
    pub matchers: String,
    pub duration_ms: i64,
    pub comment: String,
}

impl SilenceText {
    /// The link form: `DURATION` newline `MATCHERS` newline `COMMENT`.
    pub fn to_text(&self) -> String {
        format!(
            "{}\n{}\n{}",
            crate::time::format_duration(self.duration_ms),
            self.matchers,
            self.comment
        )
    }

    pub fn from_text(text: &str) -> Option<SilenceText> {
        let mut parts = text.splitn(3, '\n');
        let duration_ms = crate::time::parse_duration_ms(parts.next()?).ok()?;
        Some(SilenceText {
            duration_ms,
            matchers: parts.next()?.to_string(),
            comment: parts.next().unwrap_or("").to_string(),
        })
    }
}

impl AlertingTexts {
    /// Rule text number `n` (the scenario's defaults for 0 when none was given).
    pub fn rules_text(&self, scenario: &str, n: usize) -> Option<String> {
        match self.rules.get(n) {
            Some(text) => Some(text.clone()),
            None if n == 0 => Some(crate::rules::defaults::default_rules(scenario)),
            None => None,
        }
    }

    /// Alertmanager configuration number `n` (the default one for 0 when none).
    pub fn alertmanager_text(&self, n: usize) -> Option<String> {
        match self.alertmanager.get(n) {
            Some(text) => Some(text.clone()),
            None if n == 0 => Some(crate::alertmanager::defaults::DEFAULT_CONFIG.to_string()),
            None => None,
        }
    }

    fn link_pairs(&self, pairs: &mut Vec<(String, String)>) {
        for (i, text) in self.rules.iter().enumerate() {
            pairs.push((numbered("rules", i), text.clone()));
        }
        for (i, text) in self.alertmanager.iter().enumerate() {
            pairs.push((numbered("am", i), text.clone()));
        }
        for (i, silence) in self.silences.iter().enumerate() {
            pairs.push((format!("silence.{i}"), silence.to_text()));
        }
    }

    fn from_link(get: &impl Fn(&str) -> Option<String>) -> AlertingTexts {
        let texts = |key: &str| {
            (0..super::timeline::MAX_ALERTING_TEXTS)
                .map_while(|i| get(&numbered(key, i)))
                .collect::<Vec<_>>()
        };
        AlertingTexts {
            rules: texts("rules"),
            alertmanager: texts("am"),
            silences: (0..super::timeline::MAX_ALERTING_TEXTS)
                .map_while(|i| get(&format!("silence.{i}")))
                .filter_map(|t| SilenceText::from_text(&t))
                .collect(),
        }
    }
}

/// A numbered text's link key: `key` for the first, then `key.1`, `key.2`, ...
fn numbered(key: &str, i: usize) -> String {
    if i == 0 {
        key.to_string()
    } else {
        format!("{key}.{i}")
    }
}

impl Run {
    /// A run of `scenario` with its defaults and an empty timeline.
    pub fn new(scenario: &str, seed: u64, start_ms: i64, instances: usize) -> Run {
        Run {
            scenario: scenario.to_string(),
            seed,
            start_ms,
            initial: Settings::for_scenario(scenario, instances),
            timeline: Timeline::default(),
            alerting: AlertingTexts::default(),
            programs: Vec::new(),
            metric_ops: Vec::new(),
            native_histograms: false,
        }
    }

    /// The `run` value of the link: scenario, seed and the starting settings, as
    /// `scenario=api;seed=1;instances=2;interval_ms=15000;traffic=5;errors=0.01;latency=1`
    /// (`sample_limit` and `native_histograms=1` only when set).
    pub fn settings_text(&self) -> String {
        let (s, c) = (&self.initial, &self.initial.controls);
        let mut text = format!(
            "scenario={};seed={};instances={};interval_ms={};traffic={};errors={};latency={}",
            self.scenario,
            self.seed,
            s.instances,
            s.interval_ms,
            c.traffic_rate,
            c.error_ratio,
            c.latency_multiplier
        );
        if s.sample_limit > 0 {
            text.push_str(&format!(";sample_limit={}", s.sample_limit));
        }
        if self.native_histograms {
            text.push_str(";native_histograms=1");
        }
        text
    }

    /// The link's key/value pairs (values unencoded): `run`, `t0`, with events
    /// `tl`, and the alerting texts given (see [`AlertingTexts`]).
    pub fn link_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = vec![
            ("run".to_string(), self.settings_text()),
            ("t0".to_string(), self.start_ms.to_string()),
        ];
        if !self.timeline.is_empty() {
            pairs.push(("tl".to_string(), self.timeline.to_link(self.start_ms)));
        }
        self.alerting.link_pairs(&mut pairs);
        for (i, program) in self.programs.iter().enumerate() {
            pairs.push((numbered("py", i), super::packed::pack(program)));
        }
        if !self.metric_ops.is_empty() {
            pairs.push(("metrics".to_string(), self.metric_ops.join("\n")));
        }
        pairs
    }

    /// Reads a link's `run`, `t0` and `tl` values. The settings text is read
    /// leniently (an unknown or broken value keeps its default, so an old saved
    /// state never breaks the page); a timeline that does not read is an error.
    pub fn from_link(
        settings: &str,
        start_ms: i64,
        timeline: Option<&str>,
    ) -> Result<Run, TimelineError> {
        let mut run = Run::from_settings_text(settings, start_ms);
        if let Some(text) = timeline {
            run.timeline = Timeline::parse(text, start_ms)?;
        }
        Ok(run)
    }

    /// [`Run::from_link`] with the alerting texts read through `get`.
    pub fn from_link_keys(
        settings: &str,
        start_ms: i64,
        get: &impl Fn(&str) -> Option<String>,
    ) -> Result<Run, TimelineError> {
        let mut run = Run::from_link(settings, start_ms, get("tl").as_deref())?;
        run.alerting = AlertingTexts::from_link(get);
        run.programs = (0..super::timeline::MAX_ALERTING_TEXTS)
            .map_while(|i| get(&numbered("py", i)))
            .map(|packed| super::packed::unpack(&packed).unwrap_or_default())
            .collect();
        run.metric_ops = get("metrics")
            .map(|ops| {
                ops.lines()
                    .take(super::timeline::MAX_EVENTS)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        Ok(run)
    }

    /// The scenario, seed and settings of a `run` value (see `settings_text`),
    /// defaults where a value is missing or broken; the page's first run is
    /// `api` with 2 instances.
    pub fn from_settings_text(text: &str, start_ms: i64) -> Run {
        let known = |name: &str| scenarios().iter().any(|s| s.name == name);
        // The scenario first: its defaults are the base the other values change.
        let scenario = text
            .split(';')
            .find_map(|kv| kv.strip_prefix("scenario="))
            .filter(|name| known(name))
            .unwrap_or("api");
        let mut run = Run::new(scenario, 1, start_ms, 2);
        for (key, value) in text.split(';').filter_map(|kv| kv.split_once('=')) {
            // Values are checked against the timeline's table of kinds, so a link
            // and an event accept the same ranges.
            let change = match key {
                "seed" => {
                    run.seed = value.parse().unwrap_or(run.seed);
                    continue;
                }
                "native_histograms" => {
                    run.native_histograms = value == "1";
                    continue;
                }
                // The page offers 1 to 10 instances.
                "instances" => match value.parse::<usize>() {
                    Ok(n) if (1..=10).contains(&n) => Ok(Change::Instances(n)),
                    _ => continue,
                },
                "interval_ms" => Change::parse("interval", &format!("{value}ms")),
                "traffic" | "errors" | "latency" | "sample_limit" => Change::parse(key, value),
                _ => continue,
            };
            if let Ok(change) = change {
                run.initial.apply(&change);
            }
        }
        run
    }

    /// The settings in effect at `t_ms` (events at `t_ms` included).
    pub fn settings_at(&self, t_ms: i64) -> Settings {
        let mut settings = self.initial.clone();
        for event in self
            .timeline
            .events()
            .iter()
            .take_while(|e| e.at_ms <= t_ms)
        {
            settings.apply(&event.change);
        }
        settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_round_trips() {
        let mut run = Run::new("flask_app", 42, 1_714_521_600_000, 3);
        run.initial.controls.error_ratio = 0.25;
        run.initial.sample_limit = 500;
        run.timeline = Timeline::parse("1m outage 5m\n2m traffic 40", run.start_ms).unwrap();
        let pairs = run.link_pairs();
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.clone())
        };
        let back = Run::from_link(
            &get("run").unwrap(),
            get("t0").unwrap().parse().unwrap(),
            get("tl").as_deref(),
        )
        .unwrap();
        assert_eq!(back, run);
        assert_eq!(get("tl").unwrap(), "1m:outage:5m,2m:traffic:40");
    }

    #[test]
    fn broken_settings_keep_their_defaults() {
        let run = Run::from_settings_text(
            "scenario=nope;seed=7;instances=99;errors=NaN;speed=3;junk",
            0,
        );
        assert_eq!(run.scenario, "api");
        assert_eq!(run.seed, 7);
        assert_eq!(run.initial, Settings::for_scenario("api", 2));
        let bad = Run::from_link("scenario=api", 0, Some("1m traffic lots"));
        assert_eq!(bad.unwrap_err().col, 12);
    }

    #[test]
    fn settings_at_a_time_follow_the_events() {
        let mut run = Run::new("api", 1, 0, 2);
        run.timeline = Timeline::parse("1m traffic 40\n2m instances 3", 0).unwrap();
        assert_eq!(
            run.settings_at(59_999).controls.traffic_rate,
            run.initial.controls.traffic_rate
        );
        assert_eq!(run.settings_at(60_000).controls.traffic_rate, 40.0);
        assert_eq!(run.settings_at(200_000).instances, 3);
    }
}
