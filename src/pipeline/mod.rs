//! The pipeline assembled once: a [`Run`] (scenario, seed, start, starting settings
//! and a timeline of events) driven along virtual time through simulation →
//! scrape → store, with retention. The page, `promplay simulate`, the benchmarks
//! and the tests all build their data here; nothing else wires the stages together.
//!
//! The same run gives the same store however time is advanced: events apply at
//! their own times (after the scrapes at that time, so an event at `t` changes only
//! what comes after `t`), and retention runs at whole virtual minutes.
//!
//! ```
//! use promplay::pipeline::{Options, Pipeline, Run, Timeline};
//!
//! let mut run = Run::new("api", 1, 1_714_521_600_000, 2);
//! run.timeline = Timeline::parse("5m outage 5m\n7m traffic 40", run.start_ms).unwrap();
//! let mut whole = Pipeline::new(run.clone(), Options::default()).unwrap();
//! whole.advance_to(run.start_ms + 15 * 60_000);
//! let mut stepped = Pipeline::new(run.clone(), Options::default()).unwrap();
//! for minute in 1..=15 {
//!     stepped.advance_to(run.start_ms + minute * 60_000);
//! }
//! assert_eq!(whole.store().fingerprint(), stepped.store().fingerprint());
//! ```

mod alerting;
mod describe;
mod lab;
mod link;
mod packed;
mod run;
mod timeline;
mod yaml;

pub use alerting::{Alerting, EVALUATION_INTERVAL_MS, MIN_GROUP_INTERVAL_MS, check_rule_text};
pub use describe::EventRow;
pub use lab::{LabNeed, LabScrape, LabStart};
pub use link::{Link, LinkError, MAX_LINK_CHARS, MAX_REPLAY_MS};
pub use packed::{pack, unpack};
pub use run::{AlertingTexts, Run, Settings, SilenceText};
pub use timeline::{
    Change, Event, FieldError, MAX_ALERTING_TEXTS, MAX_EVENTS, Timeline, TimelineError,
};
pub use yaml::{NOT_LOADED, YamlParsers, needs_parsers, read_alertmanager, read_rules};

use crate::rules::RuleFileError;

use crate::expo::textparse::Format;
use crate::scrape::{Exporter, ScrapeConfig, ScrapeManager, TargetStatus};
use crate::sim::{
    MetricLab, MetricOp, PythonSource, ScenarioInfo, SimConfig, Simulation, TargetSpec,
};
use crate::tsdb::{self, Head, retention_target};
use lab::Lab;

/// What the scraper scrapes: the service (the simulation, or the Python lab's
/// program) and, once it is used, the metric-types lab as one more target.
struct Sources<'a> {
    service: &'a mut dyn Exporter,
    metric_lab: Option<&'a MetricLab>,
}

impl Exporter for Sources<'_> {
    fn targets(&self) -> Vec<TargetSpec> {
        let mut targets = self.service.targets();
        if self.metric_lab.is_some() {
            targets.push(MetricLab::target());
        }
        targets
    }

    fn scrape_at(
        &mut self,
        index: usize,
        t_ms: i64,
        format: Format,
    ) -> crate::scrape::ScrapeAnswer {
        let services = self.service.target_count();
        match self.metric_lab {
            Some(lab) if index == services => {
                let served = match format {
                    Format::Protobuf => Format::Text,
                    other => other,
                };
                Ok((lab.scrape(t_ms, served).into_bytes(), served))
            }
            _ => self.service.scrape_at(index, t_ms, format),
        }
    }
}

/// Retention passes run at whole virtual minutes.
const RETENTION_EVERY_MS: i64 = 60_000;

/// How the store is kept, what the scrapes ask for, how YAML texts are read.
#[derive(Clone, Debug)]
pub struct Options {
    /// Drop samples older than this (time retention).
    pub retention_ms: Option<i64>,
    /// Keep the store under this many bytes (retention aims a little lower, so the
    /// appends of one minute between passes do not carry it over).
    pub max_bytes: Option<usize>,
    /// The exposition format the scrapes negotiate (Prometheus prefers OpenMetrics).
    pub format: Format,
    /// The readers of texts other than the defaults (see [`YamlParsers`]).
    pub yaml: Option<YamlParsers>,
    /// Scrape a stretch of time first, then evaluate the rules due in it, each
    /// rule's queries in one pass (`RuleManager::prepare`). Same results as
    /// stopping at every evaluation (tested), many times cheaper over a replay.
    pub batch_rules: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            retention_ms: None,
            max_bytes: None,
            format: Format::OpenMetrics,
            yaml: YamlParsers::built_in(),
            batch_rules: true,
        }
    }
}

/// The longest stretch scraped before the rules due in it are evaluated (when
/// nothing else ends it first): bounds what the prepared results hold.
const RULE_BATCH_MS: i64 = 15 * 60_000;

/// What one `advance_to` did, so views refresh only when their data changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Advanced {
    /// Scrapes performed (each appends samples, or `up` 0).
    pub scrapes: usize,
    /// Timeline events applied (settings may have changed).
    pub events: usize,
    /// Retention passes run.
    pub retention_passes: usize,
    /// Rule group evaluation rounds (each writes rule series and `ALERTS`).
    pub rule_evals: usize,
}

/// A running pipeline.
pub struct Pipeline {
    run: Run,
    options: Options,
    sim: Simulation,
    scraper: ScrapeManager,
    store: Head,
    /// The settings in effect now.
    settings: Settings,
    /// How many of the timeline's events have been applied.
    applied: usize,
    now_ms: i64,
    /// Rules are evaluated up to here (behind `now_ms` while a batch is pending).
    rules_done_ms: i64,
    /// The largest store seen just before a retention pass.
    peak_bytes: usize,
    /// Recording and alerting rules.
    alerting: Alerting,
    /// The rule text in effect (its number in the run's texts).
    rules_version: usize,
    /// The Alertmanager configuration in effect.
    alertmanager_version: usize,
    /// The Python lab's program, while one stands in for the simulated service.
    lab: Option<Lab>,
    /// The metric-types lab, once the run has used it.
    metric_lab: Option<MetricLab>,
}

impl Pipeline {
    /// Starts `run` at its start time (events at the start apply at once).
    /// A run whose texts are not all the defaults needs `options.yaml`.
    pub fn new(run: Run, options: Options) -> Result<Pipeline, String> {
        if options.yaml.is_none() && needs_parsers(&run) {
            return Err(NOT_LOADED.into());
        }
        let settings = run.initial.clone();
        let sim = Simulation::new(SimConfig {
            scenario: run.scenario.clone(),
            seed: run.seed,
            start_ms: run.start_ms,
            instances: settings.instances,
            controls: settings.controls.clone(),
            native_histograms: run.native_histograms,
        })
        .map_err(|e| e.to_string())?;
        let store = Head::new(tsdb::Options {
            retention_ms: options.retention_ms,
            max_bytes: options.max_bytes.map(retention_target),
            ..tsdb::Options::default()
        });
        let config = ScrapeConfig {
            interval_ms: settings.interval_ms,
            sample_limit: settings.sample_limit,
            ..ScrapeConfig::default()
        };
        // With native histograms on, the scraper asks for protobuf first, as
        // Prometheus does with native histograms enabled.
        let format = if run.native_histograms {
            Format::Protobuf
        } else {
            options.format
        };
        let scraper = ScrapeManager::new(config, format);
        let rule_text = run
            .alerting
            .rules_text(&run.scenario, 0)
            .unwrap_or_default();
        let alertmanager_text = run.alerting.alertmanager_text(0).unwrap_or_default();
        let alerting = Alerting::new(
            read_rules(options.yaml, &run.scenario, &rule_text),
            read_alertmanager(options.yaml, &alertmanager_text),
        );
        let mut pipeline = Pipeline {
            alerting,
            rules_version: 0,
            alertmanager_version: 0,
            now_ms: run.start_ms,
            rules_done_ms: run.start_ms,
            run,
            options,
            sim,
            scraper,
            store,
            settings,
            applied: 0,
            peak_bytes: 0,
            lab: None,
            metric_lab: None,
        };
        pipeline.sync_targets(pipeline.now_ms);
        pipeline.apply_due_events();
        Ok(pipeline)
    }

    /// Runs the simulation, the scrapes, the events and retention up to `t_ms`
    /// (an earlier time does nothing: virtual time never goes back). With the
    /// Python lab running, it may stop earlier, when the lab must answer first
    /// (see [`Pipeline::lab_need`]).
    pub fn advance_to(&mut self, t_ms: i64) -> Advanced {
        let mut done = Advanced::default();
        while self.now_ms < t_ms {
            if self.lab.as_ref().is_some_and(Lab::waiting) {
                break;
            }
            let next_event = self
                .run
                .timeline
                .events()
                .get(self.applied)
                .map(|e| e.at_ms)
                .filter(|&at| at > self.now_ms);
            let next_retention = self
                .retains()
                .then(|| (self.now_ms.div_euclid(RETENTION_EVERY_MS) + 1) * RETENTION_EVERY_MS);
            let next_rule_eval = self.alerting.next_eval_after(self.rules_done_ms);
            // Scraping past a rule evaluation is safe when every sample scraped
            // after it is stamped after it: the simulation's are (no explicit
            // timestamps), a Python program's may not be.
            let batch = self.options.batch_rules && self.lab.is_none();
            let rule_stop = if batch { None } else { next_rule_eval };
            let mut stop = [next_event, next_retention, rule_stop]
                .into_iter()
                .flatten()
                .fold(t_ms, i64::min);
            if let Some(lab) = self.lab.as_mut() {
                // The program is the first target (the metric lab's may follow).
                match self.scraper.next_due_of(0).filter(|&due| due <= stop) {
                    // One scrape of the program at a time: each needs its answer.
                    Some(due) if lab.has_answer(due) => stop = due,
                    Some(due) => {
                        let work = self.sim.lab_plan(lab.traffic(), lab.planned_to_ms(), due);
                        lab.plan(work, due);
                        lab.wait_for_scrape(due, self.options.format);
                        if due - 1 <= self.now_ms {
                            break;
                        }
                        stop = due - 1;
                    }
                    None => {}
                }
                let work = self.sim.lab_plan(lab.traffic(), lab.planned_to_ms(), stop);
                lab.plan(work, stop);
            }
            let service: &mut dyn Exporter = match self.lab.as_mut() {
                Some(lab) => &mut lab.exporter,
                None => &mut self.sim,
            };
            let mut sources = Sources {
                service,
                metric_lab: self.metric_lab.as_ref(),
            };
            done.scrapes += self.scraper.run_until(&mut sources, &mut self.store, stop);
            self.sim.advance_to(stop);
            self.now_ms = stop;
            // After the scrapes of the same moment, as Prometheus's rules see the
            // samples scraped up to their evaluation time (and none after: an
            // evaluation reads only samples stamped up to its time). Batched, they
            // wait until something else would see the store: the end of this
            // advance, an event, a retention pass that changes the store.
            if next_rule_eval.is_none_or(|t| t > stop) {
                self.rules_done_ms = stop;
            } else if !batch
                || stop == t_ms
                || next_event == Some(stop)
                || stop - self.rules_done_ms >= RULE_BATCH_MS
                || (next_retention == Some(stop) && !self.retention_keeps_pending_rules(stop))
            {
                let after = std::mem::replace(&mut self.rules_done_ms, stop);
                done.rule_evals += self.alerting.eval_through(&mut self.store, after, stop);
            }
            if next_retention == Some(stop) {
                self.peak_bytes = self.peak_bytes.max(self.store.bytes());
                self.store.apply_retention(stop);
                done.retention_passes += 1;
            }
            done.events += self.apply_due_events();
        }
        self.alerting.advance_to(self.now_ms);
        done
    }

    /// Whether the retention pass at `t_ms` leaves unchanged all that the rule
    /// evaluations not yet run read and write: then they can run after it.
    fn retention_keeps_pending_rules(&self, t_ms: i64) -> bool {
        let writes_from = self.rules_done_ms - self.alerting.rules().max_query_offset_ms();
        self.store.retention_is_noop(t_ms, writes_from)
    }

    fn retains(&self) -> bool {
        self.options.retention_ms.is_some() || self.options.max_bytes.is_some()
    }

    /// Applies the events due at or before now, in order; returns how many.
    fn apply_due_events(&mut self) -> usize {
        let mut count = 0;
        while let Some(event) = self.run.timeline.events().get(self.applied)
            && event.at_ms <= self.now_ms
        {
            let change = event.change.clone();
            self.apply(&change);
            self.applied += 1;
            count += 1;
        }
        count
    }

    /// One change at the current time: only what comes after now sees it.
    fn apply(&mut self, change: &Change) {
        let now = self.now_ms;
        self.settings.apply(change);
        match *change {
            Change::Traffic(_) | Change::ErrorRatio(_) | Change::Latency(_) => {
                self.sim.set_controls(self.settings.controls.clone())
            }
            Change::Outage { duration_ms } => self.sim.start_outage(duration_ms),
            Change::SlowRelease { duration_ms } => self.sim.deploy_slow_release(duration_ms),
            Change::Instances(n) => {
                self.sim.set_instances(n);
                // New targets are first scraped after now; gone ones go stale after now.
                self.sync_targets(now + 1);
            }
            Change::Python(n) => {
                let program = n.and_then(|n| Some((n, self.run.programs.get(n)?.clone())));
                self.lab = program.map(|(n, program)| {
                    let start = LabStart {
                        program,
                        file_name: self.sim.python_source().file_name.to_string(),
                        seed: self.run.seed,
                        start_ms: now,
                    };
                    // The program takes the first instance's place (same job and
                    // instance: Prometheus sees a redeploy); the others stop.
                    let spec = self.sim.targets().swap_remove(0);
                    Lab::new(n, start, &self.run.scenario, spec)
                });
                self.sync_targets(now + 1);
            }
            Change::ScrapeInterval(ms) => self.scraper.set_interval(ms, now),
            Change::SampleLimit(n) => self.scraper.set_sample_limit(n),
            Change::Rules(n) => {
                if let Some(text) = self.run.alerting.rules_text(&self.run.scenario, n) {
                    let read = read_rules(self.options.yaml, &self.run.scenario, &text);
                    self.alerting.set_rules(read, &mut self.store, now);
                    self.rules_version = n;
                }
            }
            Change::Alertmanager(n) => {
                if let Some(text) = self.run.alerting.alertmanager_text(n) {
                    let read = read_alertmanager(self.options.yaml, &text);
                    self.alerting.set_alertmanager(read, now);
                    self.alertmanager_version = n;
                }
            }
            Change::Silence(n) => {
                if let Some(silence) = self.run.alerting.silences.get(n) {
                    self.alerting.add_silence(n, silence, now);
                }
            }
            Change::ExpireSilence(n) => self.alerting.expire_silence(n, now),
            Change::Metric(n) => {
                let op = self
                    .run
                    .metric_ops
                    .get(n)
                    .and_then(|text| MetricOp::parse(text).ok());
                if let Some(op) = op {
                    let first = self.metric_lab.is_none();
                    // A refused operation changes nothing (the page refuses it before it is an event).
                    let _ = self
                        .metric_lab
                        .get_or_insert_with(MetricLab::new)
                        .apply(&op, now);
                    if first {
                        self.sync_targets(now + 1);
                    }
                }
            }
        }
    }

    /// Matches the scraper's targets to what is scraped now (the simulation's
    /// instances, or the lab's program); new targets are first scraped at `from_ms`.
    fn sync_targets(&mut self, from_ms: i64) {
        let service: &mut dyn Exporter = match self.lab.as_mut() {
            Some(lab) => &mut lab.exporter,
            None => &mut self.sim,
        };
        let exporter = Sources {
            service,
            metric_lab: self.metric_lab.as_ref(),
        };
        self.scraper
            .sync_targets(&exporter, &mut self.store, from_ms);
    }

    /// Whether the run waits for the Python lab (see [`Pipeline::lab_need`]).
    pub fn lab_waiting(&self) -> bool {
        self.lab.as_ref().is_some_and(Lab::waiting)
    }

    /// What the Python lab must do before the run can go on, if anything (the
    /// work planned so far is handed over once).
    pub fn lab_need(&mut self) -> Option<LabNeed> {
        self.lab.as_mut().and_then(Lab::need)
    }

    /// The lab's program started, declaring these routes (`(method, rule)`; none
    /// if it failed to start: its scrapes then fail as the worker says).
    pub fn lab_started(&mut self, routes: &[(String, String)]) {
        if let Some(lab) = self.lab.as_mut() {
            lab.started(routes);
        }
    }

    /// The worker's answer to the scrape the run waits for: the body and the format
    /// it came in (by its content type), or why it failed.
    pub fn lab_scraped(&mut self, answer: crate::scrape::ScrapeAnswer) {
        if let Some(lab) = self.lab.as_mut() {
            lab.scraped(answer);
        }
    }

    /// The number of the lab's program running now, if one is.
    pub fn lab_program(&self) -> Option<usize> {
        self.lab.as_ref().map(|lab| lab.program)
    }

    /// Applies a metric-types lab operation now (an event); refused, with the
    /// client library's reason, when it would fail. Returns the event's index.
    pub fn apply_metric_op(&mut self, op: &MetricOp) -> Result<usize, String> {
        let empty = MetricLab::new();
        self.metric_lab.as_ref().unwrap_or(&empty).check(op)?;
        if self.run.metric_ops.len() >= MAX_EVENTS {
            return Err(format!(
                "a run holds at most {MAX_EVENTS} metric-lab operations"
            ));
        }
        self.run.metric_ops.push(op.to_text());
        self.add_event(self.now_ms, Change::Metric(self.run.metric_ops.len() - 1))
    }

    /// The type `name` was declared with in the metric-types lab, if it was.
    pub fn metric_lab_declared(&self, name: &str) -> Option<crate::expo::model::MetricType> {
        self.metric_lab.as_ref()?.declared_type(name)
    }

    /// The metric-types lab's `/metrics` now, if the run has used it.
    pub fn metric_lab_text(&self, format: Format) -> Option<String> {
        self.metric_lab
            .as_ref()
            .map(|lab| lab.scrape(self.now_ms, format))
    }

    /// Starts `program` in the Python lab now (a new program text if it differs
    /// from the last one; an event either way). Returns the event's index.
    pub fn start_program(&mut self, program: &str) -> Result<usize, String> {
        let n = match self.run.programs.last() {
            Some(last) if last == program => self.run.programs.len() - 1,
            _ if self.run.programs.len() >= MAX_ALERTING_TEXTS => {
                return Err(format!("a run holds at most {MAX_ALERTING_TEXTS} programs"));
            }
            _ => {
                self.run.programs.push(program.to_string());
                self.run.programs.len() - 1
            }
        };
        self.add_event(self.now_ms, Change::Python(Some(n)))
    }

    /// Adds `change` to the timeline at `at_ms` (now or later: the past never
    /// changes); at now it applies at once. A setting changed again at the same
    /// moment (a slider moved twice while paused) replaces the first change, which
    /// comes to the same data and keeps links short. Returns the event's index.
    pub fn add_event(&mut self, at_ms: i64, change: Change) -> Result<usize, String> {
        if at_ms < self.now_ms {
            return Err("an event cannot be added in the past".into());
        }
        let events = self.run.timeline.events();
        if at_ms == self.now_ms
            && change.is_setting()
            && self.applied == events.len()
            && events
                .last()
                .is_some_and(|last| last.at_ms == at_ms && last.change.kind() == change.kind())
        {
            self.run.timeline.replace_last(change.clone());
            self.apply(&change);
            return Ok(self.applied - 1);
        }
        let index = self.run.timeline.insert(Event { at_ms, change })?;
        self.apply_due_events();
        Ok(index)
    }

    /// What a new run started from this one keeps: the rule file in effect (for
    /// the same service; another service starts from its own tutorial rules) and
    /// the Alertmanager configuration in effect, each as the new run's first
    /// text when the user gave one. Silences end with the run that made them.
    pub fn carried_alerting(&self, scenario: &str) -> AlertingTexts {
        let texts = &self.run.alerting;
        AlertingTexts {
            rules: if texts.rules.is_empty() || scenario != self.run.scenario {
                Vec::new()
            } else {
                vec![self.rules_text()]
            },
            alertmanager: if texts.alertmanager.is_empty() {
                Vec::new()
            } else {
                vec![self.alertmanager_text()]
            },
            silences: Vec::new(),
        }
    }

    /// Gives the pipeline the YAML readers (once the page has loaded them).
    pub fn set_yaml_parsers(&mut self, parsers: YamlParsers) {
        self.options.yaml = Some(parsers);
    }

    /// The YAML readers the pipeline has, if any.
    pub fn yaml_parsers(&self) -> Option<YamlParsers> {
        self.options.yaml
    }

    /// The engine settings the rules' queries run with.
    pub fn set_rule_query_options(&mut self, options: crate::promql::engine::Options) {
        self.alerting.set_query_options(options);
    }

    /// The rule text in effect now.
    pub fn rules_text(&self) -> String {
        self.run
            .alerting
            .rules_text(&self.run.scenario, self.rules_version)
            .unwrap_or_default()
    }

    /// Checks `text` as a rule file and, if it loads, makes it the run's next rule
    /// text and switches to it now (an event on the timeline, so a link replays
    /// it). A text that does not load is not stored; its problems are returned.
    pub fn apply_rules(&mut self, text: &str) -> Result<usize, Vec<RuleFileError>> {
        read_rules(self.options.yaml, &self.run.scenario, text)?;
        let too_many = |message: String| {
            vec![RuleFileError {
                message,
                line: None,
                column: None,
            }]
        };
        let texts = &mut self.run.alerting.rules;
        if texts.len() + 1 >= MAX_ALERTING_TEXTS {
            return Err(too_many(format!(
                "a run keeps at most {MAX_ALERTING_TEXTS} rule files"
            )));
        }
        if texts.is_empty() {
            texts.push(crate::rules::defaults::default_rules(&self.run.scenario));
        }
        texts.push(text.to_string());
        let n = texts.len() - 1;
        self.add_event(self.now_ms, Change::Rules(n))
            .map_err(too_many)
    }

    /// The Alertmanager configuration in effect now.
    pub fn alertmanager_text(&self) -> String {
        self.run
            .alerting
            .alertmanager_text(self.alertmanager_version)
            .unwrap_or_default()
    }

    /// Checks `text` as `alertmanager.yml` and, if it loads, makes it the run's
    /// next configuration and switches to it now (an event).
    pub fn apply_alertmanager(&mut self, text: &str) -> Result<usize, String> {
        read_alertmanager(self.options.yaml, text)?;
        let texts = &mut self.run.alerting.alertmanager;
        if texts.len() + 1 >= MAX_ALERTING_TEXTS {
            return Err(format!(
                "a run keeps at most {MAX_ALERTING_TEXTS} Alertmanager configurations"
            ));
        }
        if texts.is_empty() {
            texts.push(crate::alertmanager::defaults::DEFAULT_CONFIG.to_string());
        }
        texts.push(text.to_string());
        let n = texts.len() - 1;
        self.add_event(self.now_ms, Change::Alertmanager(n))
    }

    /// Creates a silence now (an event; its matchers are checked first).
    pub fn add_silence(&mut self, silence: SilenceText) -> Result<usize, String> {
        let matchers = crate::alertmanager::parse_matchers(&silence.matchers)?;
        if matchers.is_empty() {
            return Err("a silence needs at least one matcher".into());
        }
        if silence.duration_ms <= 0 {
            return Err("a silence must last a while".into());
        }
        let silences = &mut self.run.alerting.silences;
        if silences.len() >= MAX_ALERTING_TEXTS {
            return Err(format!("a run keeps at most {MAX_ALERTING_TEXTS} silences"));
        }
        silences.push(silence);
        let n = silences.len() - 1;
        self.add_event(self.now_ms, Change::Silence(n))
    }

    /// Ends the run's silence `n` now (an event).
    pub fn expire_silence(&mut self, n: usize) -> Result<usize, String> {
        if n >= self.run.alerting.silences.len() {
            return Err(format!("no silence {n}"));
        }
        self.add_event(self.now_ms, Change::ExpireSilence(n))
    }

    /// Removes an event that has not happened yet.
    pub fn remove_event(&mut self, index: usize) -> Result<Event, String> {
        if index < self.applied {
            return Err("this event has already happened: the past never changes".into());
        }
        self.run
            .timeline
            .remove(index)
            .ok_or_else(|| format!("no event {index}"))
    }

    /// The run: scenario, seed, start, starting settings and timeline so far.
    pub fn run(&self) -> &Run {
        &self.run
    }

    /// The settings in effect now.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// The timeline's events in words, with which are still to come.
    pub fn event_rows(&self) -> Vec<EventRow> {
        describe::describe(&self.run, self.now_ms, |i| i < self.applied)
    }

    /// Whether the event at `index` has happened (applied).
    pub fn is_past(&self, index: usize) -> bool {
        index < self.applied
    }

    /// The rules and what they sent.
    pub fn alerting(&self) -> &Alerting {
        &self.alerting
    }

    pub fn store(&self) -> &Head {
        &self.store
    }

    /// The store, for a caller done with the pipeline (a benchmark's data).
    pub fn into_store(self) -> Head {
        self.store
    }

    /// The largest store seen before a retention pass (0 without retention).
    pub fn peak_bytes(&self) -> usize {
        self.peak_bytes
    }

    /// The scrape targets as the Targets pane shows them.
    pub fn targets(&self) -> Vec<TargetStatus> {
        self.scraper.targets()
    }

    /// The endpoints scraped now (the simulation's, or the lab's program).
    pub fn target_specs(&self) -> Vec<TargetSpec> {
        match &self.lab {
            Some(lab) => lab.exporter.targets(),
            None => self.sim.targets(),
        }
    }

    /// What target `index` would answer to a scrape asking for `format` right now
    /// (nothing is stored): the body and the format it is in. The lab's program
    /// answers only the pipeline's scrapes: its last answer.
    pub fn peek_scrape(&mut self, index: usize, format: Format) -> crate::scrape::ScrapeAnswer {
        match &self.lab {
            Some(lab) => {
                lab.exporter.last.clone().unwrap_or_else(|| {
                    Err("the Python program has not been scraped yet".to_string())
                })
            }
            None => self
                .sim
                .scrape_body(index, format)
                .map(|body| (body, format)),
        }
    }

    pub fn scenario(&self) -> &'static ScenarioInfo {
        self.sim.scenario()
    }

    pub fn python_source(&self) -> &PythonSource {
        self.sim.python_source()
    }

    pub fn in_outage(&self) -> bool {
        self.sim.in_outage()
    }
}

#[cfg(test)]
mod tests;
