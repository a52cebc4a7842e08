//! The scraper on real simulated services and a real store: labels, report series,
//! staleness, failures, the sample limit, honor_labels, and determinism.

use promplay::expo::textparse::{Format, SampleStream};
use promplay::pipeline::{self, Change, Pipeline, Timeline};
use promplay::scrape::{Health, series_labels};
use promplay::tsdb::{Labels, Matcher, is_stale_nan};

const START: i64 = 1_714_521_600_000; // 2024-05-01T00:00:00Z
const MIN: i64 = 60_000;

/// A run through the pipeline (the one place the stages are put together), with
/// the scraper's view of it.
struct Run {
    pipeline: Pipeline,
}

/// `scenario` with `instances` instances, seed 7, and these events (file form).
fn run_with(scenario: &str, instances: usize, events: &str, options: pipeline::Options) -> Run {
    let mut run = pipeline::Run::new(scenario, 7, START, instances);
    run.timeline = Timeline::parse(events, START).unwrap();
    Run {
        pipeline: Pipeline::new(run, options).unwrap(),
    }
}

fn run(scenario: &str, instances: usize) -> Run {
    run_with(scenario, instances, "", pipeline::Options::default())
}

impl Run {
    fn until(&mut self, t: i64) {
        self.pipeline.advance_to(t);
    }

    fn series(&self, matchers: &[Matcher]) -> Vec<(Labels, Vec<(i64, f64)>)> {
        let store = self.pipeline.store();
        store
            .select(matchers)
            .into_iter()
            .map(|r| {
                (
                    store.labels(r).unwrap().clone(),
                    store.iter(r, i64::MIN, i64::MAX).collect(),
                )
            })
            .collect()
    }

    /// Every series with its samples, in label order (the order the store made
    /// its series in depends on how far each step advanced the run).
    fn dump(&self) -> String {
        let mut lines: Vec<String> = self
            .series(&[Matcher::regex("__name__", ".+").unwrap()])
            .into_iter()
            .map(|(l, samples)| format!("{l} {samples:?}\n"))
            .collect();
        lines.sort();
        lines.concat()
    }
}

#[test]
fn scraped_series_carry_job_and_instance_and_up_is_written() {
    let mut r = run("api", 2);
    r.until(START + 10 * MIN);
    let up = r.series(&[Matcher::equal("__name__", "up")]);
    assert_eq!(up.len(), 2);
    for (labels, samples) in &up {
        assert_eq!(labels.get("job"), Some("api"));
        assert!(labels.get("instance").unwrap().starts_with("api-"));
        // 10 minutes at 15 s: 40 scrapes (the first one in the target's slot of the interval).
        assert_eq!(samples.len(), 40, "{labels}");
        assert!(samples.iter().all(|&(_, v)| v == 1.0));
        assert!(samples.windows(2).all(|w| w[1].0 - w[0].0 == 15_000));
    }
    let requests = r.series(&[
        Matcher::equal("__name__", "http_requests_total"),
        Matcher::equal("instance", "api-1:8080"),
    ]);
    assert!(!requests.is_empty());
    for name in [
        "scrape_duration_seconds",
        "scrape_samples_scraped",
        "scrape_samples_post_metric_relabeling",
        "scrape_series_added",
    ] {
        assert_eq!(
            r.series(&[Matcher::equal("__name__", name)]).len(),
            2,
            "{name}"
        );
    }
}

#[test]
fn samples_scraped_counts_the_body_and_series_added_only_new_series() {
    let mut r = run("hello_world", 1);
    r.until(START + 2 * MIN);
    let scraped = r.series(&[Matcher::equal("__name__", "scrape_samples_scraped")]);
    let added = r.series(&[Matcher::equal("__name__", "scrape_series_added")]);
    let (body, _) = r.pipeline.peek_scrape(0, Format::OpenMetrics).unwrap();
    let lines = SampleStream::new(&body, Format::OpenMetrics).count() as f64;
    assert_eq!(scraped[0].1.last().unwrap().1, lines);
    assert!(added[0].1[0].1 > 0.0, "the first scrape adds every series");
    assert_eq!(
        added[0].1.last().unwrap().1,
        0.0,
        "a steady target adds none"
    );
}

#[test]
fn a_series_that_disappears_gets_a_stale_marker() {
    let mut r = run("api", 1);
    r.until(START + 3 * MIN);
    let intermittent = r.series(&[Matcher::equal("__name__", "intermittent_metric")]);
    assert_eq!(intermittent.len(), 1);
    let samples = &intermittent[0].1;
    let stale: Vec<i64> = samples
        .iter()
        .filter(|(_, v)| is_stale_nan(*v))
        .map(|(t, _)| *t)
        .collect();
    // Exposed in even minutes only: it goes stale at the first scrape of minute 1 (and again in minute 3).
    assert!(!stale.is_empty(), "{samples:?}");
    for t in &stale {
        assert_eq!((t - START) / MIN % 2, 1, "stale in an odd minute: {t}");
    }
    assert!(
        samples
            .iter()
            .all(|(t, v)| is_stale_nan(*v) || (t - START) / MIN % 2 == 0)
    );
}

#[test]
fn a_failing_target_is_down_and_all_its_series_go_stale() {
    let mut r = run_with("api", 2, "2m outage 8m", pipeline::Options::default());
    r.until(START + 10 * MIN);
    let down: Vec<_> = r
        .pipeline
        .targets()
        .into_iter()
        .filter(|t| t.last_error.is_some() || t.health == Health::Down)
        .collect();
    let up = r.series(&[Matcher::equal("__name__", "up")]);
    let zeros: usize = up
        .iter()
        .map(|(_, s)| s.iter().filter(|(_, v)| *v == 0.0).count())
        .sum();
    assert!(zeros > 0, "an instance went down during the outage: {up:?}");
    // Every series of the down instance was marked stale at the first failed scrape.
    let (labels, samples) = up
        .iter()
        .find(|(_, s)| s.iter().any(|(_, v)| *v == 0.0))
        .unwrap();
    let first_fail = samples.iter().find(|(_, v)| *v == 0.0).unwrap().0;
    let instance = labels.get("instance").unwrap();
    let requests = r.series(&[
        Matcher::equal("__name__", "http_requests_total"),
        Matcher::equal("instance", instance),
    ]);
    assert!(!requests.is_empty());
    for (l, s) in &requests {
        assert!(
            s.iter().any(|&(t, v)| t == first_fail && is_stale_nan(v)),
            "{l} has no stale marker at {first_fail}"
        );
    }
    let _ = down;
}

#[test]
fn sample_limit_fails_the_scrape_with_prometheus_message_and_stores_nothing() {
    let mut r = run_with("api", 1, "0s sample_limit 10", pipeline::Options::default());
    r.until(START + MIN);
    let target = &r.pipeline.targets()[0];
    assert_eq!(target.health, Health::Down);
    assert_eq!(target.last_error.as_deref(), Some("sample limit exceeded"));
    assert!(
        r.series(&[Matcher::equal("__name__", "http_requests_total")])
            .is_empty()
    );
    let up = r.series(&[Matcher::equal("__name__", "up")]);
    assert!(up[0].1.iter().all(|&(_, v)| v == 0.0));
    let scraped = r.series(&[Matcher::equal("__name__", "scrape_samples_scraped")]);
    assert!(
        scraped[0].1[0].1 > 10.0,
        "the count says how many there were"
    );
}

#[test]
fn pushgateway_is_scraped_with_honor_labels() {
    let mut r = run("batch", 2);
    r.until(START + 30 * MIN);
    let target = &r.pipeline.targets()[0];
    assert!(target.honor_labels);
    let pushed = r.series(&[Matcher::equal("__name__", "push_time_seconds")]);
    assert!(!pushed.is_empty());
    for (labels, _) in &pushed {
        // The pushed group's job wins over the scrape job, as honor_labels says.
        assert_ne!(labels.get("job"), Some("pushgateway"), "{labels}");
        assert!(labels.get("exported_job").is_none());
    }
    let up = r.series(&[Matcher::equal("__name__", "up")]);
    assert_eq!(up[0].0.get("job"), Some("pushgateway"));
}

#[test]
fn clashing_labels_become_exported_without_honor_labels() {
    let exposed = vec![
        ("job".to_string(), "batch".to_string()),
        ("code".to_string(), "".to_string()),
    ];
    let labels = series_labels("m", &exposed, "scrape-job", "host:1", false);
    assert_eq!(labels.get("exported_job"), Some("batch"));
    assert_eq!(labels.get("job"), Some("scrape-job"));
    assert_eq!(labels.get("code"), None, "empty values mean no label");
    let honored = series_labels("m", &exposed, "scrape-job", "host:1", true);
    assert_eq!(honored.get("job"), Some("batch"));
    assert_eq!(honored.get("instance"), Some("host:1"));
}

#[test]
fn removed_targets_get_stale_markers() {
    let mut r = run("api", 2);
    r.until(START + 2 * MIN);
    r.pipeline
        .add_event(START + 2 * MIN, Change::Instances(1))
        .unwrap();
    r.until(START + 4 * MIN);
    let up = r.series(&[
        Matcher::equal("__name__", "up"),
        Matcher::equal("instance", "api-2:8080"),
    ]);
    assert!(is_stale_nan(up[0].1.last().unwrap().1));
    assert_eq!(r.pipeline.targets().len(), 1);
}

#[test]
fn same_scenario_and_seed_give_identical_stores() {
    let mut a = run("api", 2);
    let mut b = run("api", 2);
    a.until(START + 20 * MIN);
    // The other run gets there in many small steps.
    for step in 1..=40 {
        b.until(START + step * 30_000);
    }
    assert_eq!(a.dump(), b.dump());
    let mut other_seed = Run {
        pipeline: Pipeline::new(
            pipeline::Run::new("api", 8, START, 2),
            pipeline::Options::default(),
        )
        .unwrap(),
    };
    other_seed.until(START + 20 * MIN);
    assert_ne!(a.dump(), other_seed.dump());
}

#[test]
fn series_removed_by_retention_come_back_on_the_next_scrape() {
    // A byte budget of nothing: each retention pass (every virtual minute) drops
    // every chunk and so every series.
    let options = pipeline::Options {
        max_bytes: Some(1),
        ..pipeline::Options::default()
    };
    let mut r = run_with("hello_world", 1, "", options);
    r.until(START + 2 * MIN);
    assert_eq!(r.pipeline.store().num_series(), 0);
    r.until(START + 2 * MIN + 30_000);
    let up = r.series(&[Matcher::equal("__name__", "up")]);
    assert_eq!(up.len(), 1, "up is written again");
    assert!(!up[0].1.is_empty());
    let requests = r.series(&[Matcher::equal("__name__", "app_requests_total")]);
    assert!(!requests.is_empty(), "cached series are created again");
    assert!(requests.iter().all(|(_, samples)| !samples.is_empty()));
}
