//! The simulated services: determinism, exposition validity, counter monotonicity,
//! the daily curve, controls and events, the Pushgateway, the Python sources.

use std::collections::{BTreeMap, BTreeSet};

use promplay::expo::model::MetricType;
use promplay::expo::textparse::{Format, ParseOptions, parse};
use promplay::sim::{Controls, SimConfig, Simulation, scenarios};

/// 2023-11-14T22:13:20Z, not on a minute boundary on purpose (+ 7 ms).
const START: i64 = 1_700_000_000_007;
const MINUTE: i64 = 60_000;
const HOUR: i64 = 3_600_000;

fn sim(scenario: &str, seed: u64) -> Simulation {
    Simulation::new(SimConfig::new(scenario, seed, START)).unwrap()
}

fn parse_ok(body: &str, format: Format) -> promplay::expo::textparse::Parsed {
    let parsed = parse(
        body.as_bytes(),
        ParseOptions {
            format: Some(format),
            strict: true,
        },
    );
    assert!(
        parsed.errors.is_empty(),
        "{:?}\n{body}",
        &parsed.errors[..parsed.errors.len().min(3)]
    );
    parsed
}

/// Sum of every sample whose name is `name` and whose labels include `with`.
fn total(body: &str, name: &str, with: &[(&str, &str)]) -> f64 {
    let parsed = parse_ok(body, Format::Text);
    parsed
        .families
        .iter()
        .flat_map(|family| &family.samples)
        .filter(|sample| sample.name == name)
        .filter(|sample| with.iter().all(|(n, v)| sample.label(n) == Some(*v)))
        .map(|sample| sample.value)
        .sum()
}

fn sum_over_targets(sim: &mut Simulation, name: &str, with: &[(&str, &str)]) -> f64 {
    (0..sim.targets().len())
        .filter_map(|target| sim.scrape(target, Format::Text).ok())
        .map(|body| total(&body, name, with))
        .sum()
}

#[test]
fn same_seed_same_bodies_however_time_is_advanced() {
    for info in scenarios() {
        let mut coarse = sim(info.name, 11);
        let mut fine = sim(info.name, 11);
        let mut t = START;
        for step in 0..40 {
            // Scrape times at odd offsets; the fine simulation advances in small
            // uneven steps, the coarse one jumps straight there.
            let next = t + 37_003 + (step % 3) * 61_111;
            while t < next {
                t = (t + 1_234 + step * 17).min(next);
                fine.advance_to(t);
            }
            coarse.advance_to(next);
            coarse.advance_to(next - 5_000); // going back is a no-op
            assert_eq!(coarse.now_ms(), fine.now_ms());
            for target in 0..coarse.targets().len() {
                for format in [Format::Text, Format::OpenMetrics] {
                    assert_eq!(
                        coarse.scrape(target, format),
                        fine.scrape(target, format),
                        "{} at {next}",
                        info.name
                    );
                }
            }
        }
    }
}

#[test]
fn one_jump_of_a_day_equals_many_small_steps() {
    let mut jump = sim("api", 5);
    let mut steps = sim("api", 5);
    let end = START + 24 * HOUR;
    jump.advance_to(end);
    let mut t = START;
    while t < end {
        t = (t + 15_000).min(end);
        steps.advance_to(t);
    }
    for target in 0..3 {
        assert_eq!(
            jump.scrape(target, Format::OpenMetrics),
            steps.scrape(target, Format::OpenMetrics)
        );
    }
}

#[test]
fn different_seeds_differ() {
    for info in scenarios() {
        let mut a = sim(info.name, 1);
        let mut b = sim(info.name, 2);
        a.advance_to(START + 30 * MINUTE);
        b.advance_to(START + 30 * MINUTE);
        assert_ne!(
            a.scrape(0, Format::Text),
            b.scrape(0, Format::Text),
            "{}",
            info.name
        );
    }
}

#[test]
fn unknown_scenario_lists_the_known_ones() {
    let error = Simulation::new(SimConfig::new("nope", 1, START))
        .err()
        .unwrap()
        .to_string();
    for info in scenarios() {
        assert!(error.contains(info.name), "{error}");
    }
}

/// The family names each scenario must expose (OpenMetrics names).
fn expected_families(scenario: &str) -> &'static [&'static str] {
    match scenario {
        "api" => &[
            "http_requests",
            "http_request_duration_seconds",
            "http_requests_in_progress",
            "cpu_usage_seconds",
            "memory_usage_bytes",
            "batch_last_success_timestamp_seconds",
            "batch_last_run_duration_seconds",
            "disk_usage_bytes",
            "disk_total_bytes",
        ],
        "course_catalog" => &["app_request_count", "app_request_latency_seconds"],
        "flask_app" => &["requests", "slow"],
        "treecounter" => &["requests"],
        "random_facts" => &["random_facts_api_execution_counter"],
        "worker" => &["request_processing_seconds"],
        "hello_world" => &["app_requests", "app_response_time_seconds"],
        "batch" => &[
            "batch_job_duration_seconds",
            "batch_job_records_processed",
            "batch_job_last_success_timestamp_seconds",
            "push_time_seconds",
            "push_failure_time_seconds",
        ],
        "demo" => &[
            "demo_api_request_duration_seconds",
            "demo_api_http_requests_in_progress",
            "demo_batch_last_success_timestamp_seconds",
            "demo_batch_last_run_timestamp_seconds",
            "demo_batch_last_run_duration_seconds",
            "demo_batch_last_run_processed_bytes",
            "demo_num_cpus",
            "demo_cpu_usage_seconds",
            "demo_disk_usage_bytes",
            "demo_disk_total_bytes",
            "demo_is_holiday",
            "demo_items_shipped",
            "demo_memory_usage_bytes",
        ],
        other => panic!("no expectations for {other}"),
    }
}

#[test]
fn every_scenario_exposes_its_metrics_in_both_formats() {
    for info in scenarios() {
        let mut sim = sim(info.name, 3);
        sim.advance_to(START + 20 * MINUTE);
        for target in 0..sim.targets().len() {
            let om = sim.scrape(target, Format::OpenMetrics).unwrap();
            let parsed = parse_ok(&om, Format::OpenMetrics);
            let names: BTreeSet<&str> = parsed.families.iter().map(|f| f.name.as_str()).collect();
            for expected in expected_families(info.name) {
                assert!(
                    names.contains(expected),
                    "{}: {expected} in {names:?}",
                    info.name
                );
            }
            let text = sim.scrape(target, Format::Text).unwrap();
            let parsed = parse_ok(&text, Format::Text);
            assert!(!parsed.families.is_empty());
            // Counters appear as `_total` in text.
            for family in parsed
                .families
                .iter()
                .filter(|f| f.metric_type == MetricType::Counter)
            {
                assert!(family.name.ends_with("_total"), "{}", family.name);
            }
        }
    }
    let mut api = sim("api", 3);
    api.advance_to(START + 3 * HOUR);
    let body = api.scrape(0, Format::Text).unwrap();
    for needle in [
        "http_requests_total{method=\"GET\",path=\"/api/products\",status=\"200\"}",
        "status=\"404\"",
        "status=\"500\"",
        "http_request_duration_seconds_bucket{le=\"0.01\",method=\"POST\",path=\"/api/orders\"}",
        "cpu_usage_seconds_total{mode=\"idle\"}",
        "memory_usage_bytes{type=\"buffers\"}",
        "disk_total_bytes 1.073741824e+011",
    ] {
        assert!(body.contains(needle), "{needle}\n{body}");
    }
}

#[test]
fn created_times_and_clocks_are_virtual() {
    let mut sim = sim("hello_world", 1);
    sim.advance_to(START + MINUTE);
    let body = sim.scrape(0, Format::OpenMetrics).unwrap();
    let parsed = parse_ok(&body, Format::OpenMetrics);
    let created = parsed
        .families
        .iter()
        .flat_map(|f| &f.samples)
        .find(|s| s.name == "app_requests_created")
        .unwrap();
    assert_eq!(created.value, START as f64 / 1000.0, "{body}");
}

#[test]
fn counters_never_decrease_without_a_restart() {
    for info in scenarios() {
        let mut sim = sim(info.name, 9);
        let mut last: Vec<BTreeMap<String, f64>> = vec![BTreeMap::new(); sim.targets().len()];
        for step in 1..=120 {
            sim.advance_to(START + step * 15_000);
            for (target, previous) in last.iter_mut().enumerate() {
                let body = sim.scrape(target, Format::OpenMetrics).unwrap();
                let parsed = parse_ok(&body, Format::OpenMetrics);
                for family in &parsed.families {
                    let monotonic = matches!(
                        family.metric_type,
                        MetricType::Counter | MetricType::Histogram | MetricType::Summary
                    );
                    for sample in family.samples.iter().filter(|_| monotonic) {
                        let key = format!("{}{:?}", sample.name, sample.labels);
                        if let Some(before) = previous.insert(key.clone(), sample.value) {
                            assert!(
                                sample.value >= before,
                                "{}: {key} {before} -> {}",
                                info.name,
                                sample.value
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn traffic_follows_the_day() {
    // Requests in the hour before 15:00 UTC against the hour before 04:00 UTC.
    let day_start = START - START.rem_euclid(24 * HOUR) + 24 * HOUR;
    let mut sim = Simulation::new(SimConfig::new("api", 4, day_start)).unwrap();
    let mut hourly = Vec::new();
    let mut previous = 0.0;
    for hour in 1..=24 {
        sim.advance_to(day_start + hour * HOUR);
        let now = sum_over_targets(&mut sim, "http_requests_total", &[]);
        hourly.push(now - previous);
        previous = now;
    }
    let peak = hourly[14]; // 14:00-15:00
    let trough = hourly[3]; // 03:00-04:00
    assert!(
        peak > 2.5 * trough,
        "peak {peak}, trough {trough}: {hourly:?}"
    );
    // 3 instances × 10 req/s × 86400 s on average.
    let day: f64 = hourly.iter().sum();
    assert!((day / (3.0 * 10.0 * 86_400.0) - 1.0).abs() < 0.1, "{day}");
}

fn errors_and_latency(sim: &mut Simulation) -> (f64, f64, f64) {
    let requests = sum_over_targets(sim, "http_requests_total", &[]);
    let errors = sum_over_targets(sim, "http_requests_total", &[("status", "500")])
        + sum_over_targets(sim, "http_requests_total", &[("status", "503")]);
    let seconds = sum_over_targets(sim, "http_request_duration_seconds_sum", &[]);
    (requests, errors, seconds)
}

/// Error ratio and mean latency over the next `duration_ms`.
fn window(sim: &mut Simulation, duration_ms: i64) -> (f64, f64) {
    let (r0, e0, s0) = errors_and_latency(sim);
    let to = sim.now_ms() + duration_ms;
    // Scrape while advancing, as Prometheus would (an instance may be down at the end).
    sim.advance_to(to);
    let (r1, e1, s1) = errors_and_latency(sim);
    ((e1 - e0) / (r1 - r0), (s1 - s0) / (r1 - r0))
}

/// A start time with no scheduled outage in the next hour.
fn quiet_start(seed: u64) -> Simulation {
    for hour in 0..48 {
        let mut sim = Simulation::new(SimConfig::new("api", seed, START + hour * HOUR)).unwrap();
        let quiet = (0..60).all(|m| {
            sim.advance_to(START + hour * HOUR + m * MINUTE);
            !sim.in_outage()
        });
        if quiet {
            return Simulation::new(SimConfig::new("api", seed, START + hour * HOUR)).unwrap();
        }
    }
    panic!("no quiet hour");
}

#[test]
fn outage_raises_errors_and_latency_and_takes_an_instance_down() {
    let mut sim = quiet_start(8);
    let (base_errors, base_latency) = window(&mut sim, 10 * MINUTE);
    assert!(!sim.in_outage());
    sim.start_outage(8 * MINUTE);
    assert!(sim.in_outage());
    // The second quarter of the outage: one instance refuses connections.
    sim.advance_to(sim.now_ms() + 3 * MINUTE);
    let refused: Vec<String> = (0..3)
        .filter_map(|t| sim.scrape(t, Format::Text).err())
        .collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].contains("connection refused"));
    // Errors and latency over the rest of the outage, on the instances that answer.
    let (outage_errors, outage_latency) = window(&mut sim, 4 * MINUTE);
    assert!(
        outage_errors > base_errors + 0.15,
        "{base_errors} -> {outage_errors}"
    );
    assert!(
        outage_latency > 2.5 * base_latency,
        "{base_latency} -> {outage_latency}"
    );
    assert!(
        sim.scrape(0, Format::Text)
            .unwrap()
            .contains("status=\"503\"")
    );
    // Afterwards every instance answers again.
    sim.advance_to(sim.now_ms() + 2 * MINUTE);
    assert!(!sim.in_outage());
    assert!((0..3).all(|t| sim.scrape(t, Format::Text).is_ok()));
}

#[test]
fn restarted_instance_starts_from_zero() {
    let mut sim = quiet_start(8);
    sim.advance_to(sim.now_ms() + 30 * MINUTE);
    let before: Vec<f64> = (0..3)
        .map(|t| {
            total(
                &sim.scrape(t, Format::Text).unwrap(),
                "http_requests_total",
                &[],
            )
        })
        .collect();
    sim.start_outage(4 * MINUTE);
    sim.advance_to(sim.now_ms() + 4 * MINUTE + 1000);
    let after: Vec<f64> = (0..3)
        .map(|t| {
            total(
                &sim.scrape(t, Format::Text).unwrap(),
                "http_requests_total",
                &[],
            )
        })
        .collect();
    let reset = before.iter().zip(&after).filter(|(b, a)| a < b).count();
    assert_eq!(reset, 1, "{before:?} {after:?}");
}

#[test]
fn slow_release_raises_latency_for_a_while() {
    let mut sim = quiet_start(21);
    let (_, base) = window(&mut sim, 10 * MINUTE);
    sim.deploy_slow_release(10 * MINUTE);
    let (_, slow) = window(&mut sim, 10 * MINUTE);
    let (_, after) = window(&mut sim, 10 * MINUTE);
    assert!(slow > 2.5 * base, "{base} -> {slow}");
    assert!(after < 1.3 * base, "{base} -> {after}");
}

#[test]
fn controls_change_the_metrics() {
    let mut sim = quiet_start(33);
    let (base_errors, base_latency) = window(&mut sim, 10 * MINUTE);
    let base_rate = {
        let r0 = sum_over_targets(&mut sim, "http_requests_total", &[]);
        sim.advance_to(sim.now_ms() + 10 * MINUTE);
        sum_over_targets(&mut sim, "http_requests_total", &[]) - r0
    };
    let defaults = sim.controls().clone();
    assert_eq!(defaults, Controls::for_scenario("api"));
    sim.set_controls(Controls {
        traffic_rate: defaults.traffic_rate * 3.0,
        error_ratio: 0.2,
        latency_multiplier: 4.0,
    });
    let r0 = sum_over_targets(&mut sim, "http_requests_total", &[]);
    let (errors, latency) = window(&mut sim, 10 * MINUTE);
    let rate = sum_over_targets(&mut sim, "http_requests_total", &[]) - r0;
    assert!(rate > 2.3 * base_rate, "{base_rate} -> {rate}");
    assert!(errors > base_errors + 0.1, "{base_errors} -> {errors}");
    assert!(latency > 3.0 * base_latency, "{base_latency} -> {latency}");

    sim.set_instances(5);
    assert_eq!(sim.targets().len(), 5);
    assert_eq!(sim.targets()[4].instance, "api-5:8080");
    sim.advance_to(sim.now_ms() + MINUTE);
    assert!(
        sim.scrape(4, Format::Text)
            .unwrap()
            .contains("http_requests_total")
    );
    sim.set_instances(2);
    assert_eq!(sim.targets().len(), 2);
    assert!(sim.scrape(2, Format::Text).is_err());
}

#[test]
fn intermittent_metric_only_in_even_minutes() {
    let mut sim = sim("api", 2);
    let mut seen = [0, 0];
    for step in 1..=40 {
        sim.advance_to(START + step * 15_000);
        let minute = (sim.now_ms() / MINUTE) as usize;
        let body = sim.scrape(0, Format::Text).unwrap();
        let has = body.contains("\nintermittent_metric ");
        assert_eq!(has, minute.is_multiple_of(2), "minute {minute}");
        seen[minute % 2] += 1;
    }
    assert!(seen[0] > 0 && seen[1] > 0);
}

#[test]
fn batch_job_api_fields() {
    let mut sim = sim("api", 6);
    sim.advance_to(START + 30 * MINUTE);
    let body = sim.scrape(0, Format::Text).unwrap();
    let success = total(&body, "batch_last_success_timestamp_seconds", &[]);
    let now = sim.now_ms() as f64 / 1000.0;
    assert!(success > now - 300.0 && success <= now, "{success} {now}");
    assert!(total(&body, "batch_last_run_duration_seconds", &[]) > 0.0);
    // The disk sawtooth goes up and comes down.
    let mut usage = Vec::new();
    for hour in 0..9 {
        sim.advance_to(START + hour * HOUR);
        usage.push(total(
            &sim.scrape(0, Format::Text).unwrap(),
            "disk_usage_bytes",
            &[],
        ));
    }
    assert!(usage.windows(2).any(|w| w[1] > w[0]) && usage.windows(2).any(|w| w[1] < w[0]));
}

#[test]
fn pushgateway_shows_pushes_with_grouping_labels() {
    let mut config = SimConfig::new("batch", 12, START);
    config.instances = 2;
    let mut sim = Simulation::new(config).unwrap();
    let targets = sim.targets();
    assert_eq!(targets.len(), 1, "only the gateway is scraped");
    assert_eq!(targets[0].job, "pushgateway");
    assert!(targets[0].honor_labels);
    // Before any run finishes the gateway is up, and empty.
    let empty = sim.scrape(0, Format::Text).unwrap();
    assert!(!empty.contains("batch_job"), "{empty}");
    sim.advance_to(START + 20 * MINUTE);
    let body = sim.scrape(0, Format::Text).unwrap();
    for host in ["batch-1", "batch-2"] {
        let labels = format!("{{instance=\"{host}\",job=\"batch_job\"}}");
        assert!(
            body.contains(&format!("push_time_seconds{labels}")),
            "{body}"
        );
        assert!(
            body.contains(&format!("push_failure_time_seconds{labels} 0.0")),
            "{body}"
        );
        assert!(
            body.contains(&format!("batch_job_records_processed{labels}")),
            "{body}"
        );
    }
    // Pushed metrics stay between runs: a scrape long after a push shows the same values.
    let pushed = total(
        &body,
        "batch_job_last_success_timestamp_seconds",
        &[("instance", "batch-1")],
    );
    let push_time = total(&body, "push_time_seconds", &[("instance", "batch-1")]);
    assert!(pushed > 0.0 && push_time >= pushed);
    // With every run failing, the last success stays where it was and failures appear.
    sim.set_controls(Controls {
        error_ratio: 1.0,
        ..sim.controls().clone()
    });
    sim.advance_to(START + 40 * MINUTE);
    let body = sim.scrape(0, Format::Text).unwrap();
    assert_eq!(
        total(
            &body,
            "batch_job_last_success_timestamp_seconds",
            &[("instance", "batch-1")]
        ),
        pushed
    );
    assert!(body.contains("batch_job_last_failure_timestamp_seconds{instance=\"batch-1\""));
    assert!(total(&body, "push_time_seconds", &[("instance", "batch-1")]) > push_time);
}

#[test]
fn python_sources_name_every_metric() {
    for info in scenarios() {
        let mut sim = sim(info.name, 1);
        sim.advance_to(START + 30 * MINUTE);
        let source = sim.python_source().clone();
        let lines: Vec<&str> = source.code.lines().collect();
        assert!(source.file_name.ends_with(".py"));
        assert!(source.code.contains("prometheus_client"));
        let mut exposed = BTreeSet::new();
        for target in 0..sim.targets().len() {
            let body = sim.scrape(target, Format::OpenMetrics).unwrap();
            for family in parse_ok(&body, Format::OpenMetrics).families {
                exposed.insert(family.name);
            }
            let text = sim.scrape(target, Format::Text).unwrap();
            for family in parse_ok(&text, Format::Text).families {
                assert!(
                    source.lines_for(&family.name).is_some(),
                    "{}: no lines for {}",
                    info.name,
                    family.name
                );
            }
        }
        for name in &exposed {
            let (_, at) = source
                .metric_lines
                .iter()
                .find(|(metric, _)| metric == name)
                .unwrap_or_else(|| panic!("{}: {name} not in metric_lines", info.name));
            assert!(!at.is_empty(), "{}: {name}", info.name);
            let definition = lines[at[0] - 1];
            assert!(
                definition.contains(name.as_str()),
                "{}: {name}: {definition}",
                info.name
            );
            for line in at {
                assert!((1..=lines.len()).contains(line));
            }
        }
        // Every listed line is the definition, or uses the variable it is assigned to.
        for (name, at) in &source.metric_lines {
            let Some(first) = at.first() else { continue };
            let context = [lines[first - 1], lines[first.saturating_sub(2)]];
            let variable = context
                .iter()
                .find_map(|line| line.split_once(" = ").map(|(v, _)| v.trim()));
            for line in &at[1..] {
                let text = lines[line - 1];
                assert!(
                    text.contains(name)
                        || variable.is_some_and(|v| text.contains(v))
                        || text.contains("push"),
                    "{}: {name} line {line}: {text}",
                    info.name
                );
            }
        }
    }
}
