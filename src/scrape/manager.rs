//! Runs the scrapes: keeps one `Target` per endpoint the exporter offers, scrapes
//! each on its interval (spread over the interval as Prometheus spreads them), in
//! time order, asking the exporter for each one's answer at its time.

use super::Exporter;
use super::config::ScrapeConfig;
use super::scrape_loop::{self, Staged};
use super::target::{Target, TargetStatus, scrape_offset_ms};
use crate::expo::textparse::Format;
use crate::tsdb::Head;

pub struct ScrapeManager {
    config: ScrapeConfig,
    /// What the scrapes ask for; Prometheus prefers OpenMetrics.
    format: Format,
    targets: Vec<Target>,
    /// Each target's index in the simulation's target list.
    sim_index: Vec<usize>,
    staged: Vec<Staged>,
}

impl ScrapeManager {
    pub fn new(config: ScrapeConfig, format: Format) -> ScrapeManager {
        ScrapeManager {
            config,
            format,
            targets: Vec::new(),
            sim_index: Vec::new(),
            staged: Vec::new(),
        }
    }

    pub fn config(&self) -> &ScrapeConfig {
        &self.config
    }

    /// Changes the limits for the next scrapes (the interval stays: targets keep their slots).
    pub fn set_sample_limit(&mut self, limit: usize) {
        self.config.sample_limit = limit;
    }

    /// A new interval from `now_ms` on: each target's next scrape is the first of its
    /// slots in the new interval after `now_ms` (as Prometheus restarts a scrape loop
    /// whose interval changed on reload, without stale markers).
    pub fn set_interval(&mut self, interval_ms: i64, now_ms: i64) {
        self.config.interval_ms = interval_ms.max(1);
        for i in 0..self.targets.len() {
            let (job, instance) = (
                &self.targets[i].status.job,
                &self.targets[i].status.instance,
            );
            let next = self.first_scrape(job, instance, now_ms + 1);
            self.targets[i].status.next_scrape_ms = next;
        }
    }

    /// The first scrape time at or after `now_ms` in the target's slot of the interval.
    fn first_scrape(&self, job: &str, instance: &str, now_ms: i64) -> i64 {
        let interval = self.config.interval_ms;
        let slot = now_ms - now_ms.rem_euclid(interval) + scrape_offset_ms(job, instance, interval);
        if slot < now_ms { slot + interval } else { slot }
    }

    /// Matches the targets to the simulation's endpoints: new ones start scraping,
    /// vanished ones get stale markers for all their series at `now_ms`.
    pub fn sync_targets(&mut self, exporter: &dyn Exporter, store: &mut Head, now_ms: i64) {
        let specs = exporter.targets();
        let mut kept = Vec::with_capacity(specs.len());
        let mut old: Vec<Option<Target>> = std::mem::take(&mut self.targets)
            .into_iter()
            .map(Some)
            .collect();
        for spec in &specs {
            let existing = old.iter_mut().find(|t| {
                t.as_ref()
                    .is_some_and(|t| t.status.job == spec.job && t.status.instance == spec.instance)
            });
            let target = match existing.and_then(Option::take) {
                Some(t) => t,
                None => {
                    let first = self.first_scrape(&spec.job, &spec.instance, now_ms);
                    Target::new(
                        spec.job.clone(),
                        spec.instance.clone(),
                        spec.honor_labels,
                        first,
                    )
                }
            };
            kept.push(target);
        }
        for mut gone in old.into_iter().flatten() {
            scrape_loop::end_of_run_staleness(&mut gone, now_ms, store);
        }
        self.sim_index = (0..kept.len()).collect();
        self.targets = kept;
    }

    /// When target `index`'s next scrape is due, if there is such a target.
    pub fn next_due_of(&self, index: usize) -> Option<i64> {
        self.targets.get(index).map(|t| t.status.next_scrape_ms)
    }

    /// When the next scrape is due, if there is any target.
    pub fn next_due_ms(&self) -> Option<i64> {
        self.targets.iter().map(|t| t.status.next_scrape_ms).min()
    }

    /// Performs every scrape due at or before `until_ms`, in time order; returns how many.
    pub fn run_until(
        &mut self,
        exporter: &mut dyn Exporter,
        store: &mut Head,
        until_ms: i64,
    ) -> usize {
        let mut done = 0;
        loop {
            let Some((i, due)) = self
                .targets
                .iter()
                .enumerate()
                .map(|(i, t)| (i, t.status.next_scrape_ms))
                .min_by_key(|&(i, due)| (due, i))
            else {
                return done;
            };
            if due > until_ms {
                return done;
            }
            let answer = exporter.scrape_at(self.sim_index[i], due, self.format);
            let (body, format) = match answer {
                Ok((body, format)) => (Ok(body), format),
                Err(e) => (Err(e), self.format),
            };
            let target = &mut self.targets[i];
            scrape_loop::scrape(
                target,
                body,
                format,
                due,
                &self.config,
                store,
                &mut self.staged,
            );
            target.status.next_scrape_ms = due + self.config.interval_ms;
            done += 1;
        }
    }

    /// The targets as the Targets pane shows them.
    pub fn targets(&self) -> Vec<TargetStatus> {
        self.targets.iter().map(|t| t.status.clone()).collect()
    }
}
