//! The Python lab in the pipeline, natively: a stand-in worker answers what the
//! pipeline asks (a start, then work and a scrape), as the page's worker does.
//! The run stops before each scrape of the program until it has its answer, the
//! program takes the first instance's place, and the same run gives the same
//! store and the same requests however time is advanced.

use promplay::expo::textparse::Format;
use promplay::pipeline::{Change, LabNeed, Options, Pipeline, Run, Timeline};
use promplay::promql::engine::{Options as QueryOptions, instant_query};
use promplay::sim::Work;

const T0: i64 = 1_714_521_600_000;

/// A worker that counts requests by path and status, as a program with a
/// counter would, and answers scrapes in text 0.0.4.
#[derive(Default)]
struct FakeWorker {
    starts: Vec<i64>,
    served: Vec<(String, bool)>,
    log: Vec<String>,
}

impl FakeWorker {
    fn answer(&mut self, pipeline: &mut Pipeline) -> bool {
        match pipeline.lab_need() {
            None => false,
            Some(LabNeed::Start(start)) => {
                self.starts.push(start.start_ms);
                self.log
                    .push(format!("start {} {}", start.file_name, start.start_ms));
                pipeline.lab_started(&[
                    ("GET".into(), "/".into()),
                    ("GET".into(), "/database".into()),
                ]);
                true
            }
            Some(LabNeed::Scrape(scrape)) => {
                for work in &scrape.work {
                    if let Work::Request { path, fault, .. } = work {
                        self.served.push((path.clone(), *fault));
                    }
                }
                self.log.push(format!(
                    "scrape {} after {} items",
                    scrape.to_ms,
                    scrape.work.len()
                ));
                let ok = self.served.iter().filter(|(_, f)| !f).count();
                let failed = self.served.len() - ok;
                let body = format!(
                    "# TYPE lab_requests_total counter\nlab_requests_total{{status=\"200\"}} {ok}\nlab_requests_total{{status=\"500\"}} {failed}\n"
                );
                pipeline.lab_scraped(Ok((body.into_bytes(), Format::Text)));
                true
            }
        }
    }

    /// Advances to `t`, answering the lab until the pipeline gets there.
    fn drive(&mut self, pipeline: &mut Pipeline, t: i64) {
        loop {
            pipeline.advance_to(t);
            if pipeline.now_ms() >= t {
                return;
            }
            assert!(
                self.answer(pipeline),
                "stopped at {} without a need",
                pipeline.now_ms()
            );
        }
    }
}

fn lab_run() -> Run {
    let mut run = Run::new("flask_app", 5, T0, 2);
    run.programs = vec!["print('v1')".into(), "print('v2')".into()];
    run.timeline =
        Timeline::parse("2m python 0\n5m outage 2m\n8m python 1\n10m python off", T0).unwrap();
    run
}

fn query(pipeline: &Pipeline, expr: &str, t: i64) -> String {
    let parsed = promplay::promql::parse(expr).unwrap();
    let output =
        instant_query(pipeline.store(), expr, &parsed, t, &QueryOptions::default()).unwrap();
    format!("{:?}", output.value)
}

#[test]
fn the_program_replaces_the_service_and_answers_each_scrape() {
    let mut pipeline = Pipeline::new(lab_run(), Options::default()).unwrap();
    let mut worker = FakeWorker::default();
    worker.drive(&mut pipeline, T0 + 9 * 60_000);
    assert_eq!(worker.starts, [T0 + 120_000, T0 + 480_000]);
    assert_eq!(pipeline.lab_program(), Some(1));
    let specs = pipeline.target_specs();
    assert_eq!(specs.len(), 1, "{specs:?}");
    assert_eq!(specs[0].instance, "flask-1:8000");
    // The program's series are in the store, under the first instance's labels.
    let up = query(&pipeline, "count(lab_requests_total)", T0 + 9 * 60_000);
    assert!(up.contains("2"), "{up}");
    // The second instance went stale when the program took over.
    let instances = query(&pipeline, "count(up)", T0 + 4 * 60_000);
    assert!(instances.contains("1"), "{instances}");
    // The outage made faults: about a quarter of its requests.
    assert!(worker.served.iter().any(|(_, fault)| *fault));
    assert!(
        worker
            .served
            .iter()
            .all(|(path, _)| path == "/" || path == "/database")
    );
    worker.drive(&mut pipeline, T0 + 11 * 60_000);
    assert_eq!(pipeline.lab_program(), None);
    assert_eq!(pipeline.target_specs().len(), 2);
}

#[test]
fn a_lab_run_is_the_same_however_time_is_advanced() {
    let mut whole = Pipeline::new(lab_run(), Options::default()).unwrap();
    let mut first = FakeWorker::default();
    first.drive(&mut whole, T0 + 12 * 60_000);
    let mut stepped = Pipeline::new(lab_run(), Options::default()).unwrap();
    let mut second = FakeWorker::default();
    let mut t = T0;
    while t < T0 + 12 * 60_000 {
        t += 7_777;
        second.drive(&mut stepped, t.min(T0 + 12 * 60_000));
    }
    assert_eq!(first.served, second.served);
    assert_eq!(first.log, second.log);
    assert_eq!(whole.store().fingerprint(), stepped.store().fingerprint());
}

#[test]
fn programs_travel_in_the_link_packed() {
    let run = lab_run();
    let pairs = run.link_pairs();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    assert!(get("py").is_some() && get("py.1").is_some());
    assert!(!get("py").unwrap().contains("print"));
    let back = Run::from_link_keys(&get("run").unwrap(), T0, &get).unwrap();
    assert_eq!(back, run);
    assert_eq!(
        get("tl").unwrap(),
        "2m:python:0,5m:outage:2m,8m:python:1,10m:python:off"
    );
}

#[test]
fn starting_a_program_now_adds_it_once_and_an_event() {
    let mut pipeline =
        Pipeline::new(Run::new("hello_world", 1, T0, 1), Options::default()).unwrap();
    pipeline.advance_to(T0 + 60_000);
    let event = pipeline.start_program("x = 1").unwrap();
    assert_eq!(
        pipeline.run().timeline.events()[event].change,
        Change::Python(Some(0))
    );
    let mut worker = FakeWorker::default();
    worker.drive(&mut pipeline, T0 + 120_000);
    pipeline.start_program("x = 1").unwrap();
    pipeline.start_program("x = 2").unwrap();
    assert_eq!(pipeline.run().programs, ["x = 1", "x = 2"]);
    assert!(
        Timeline::parse("1m python many", T0)
            .unwrap_err()
            .message
            .contains("or off")
    );
}

#[test]
fn programs_are_kept_in_storage_with_the_run() {
    let link = promplay::pipeline::Link {
        run: lab_run(),
        now_ms: T0 + 600_000,
        speed: 0,
    };
    let text = link.to_storage();
    assert_eq!(
        promplay::pipeline::Link::from_storage(&text),
        Some(Ok(link))
    );
}

#[test]
fn the_metric_lab_is_a_target_its_operations_are_events_and_a_link_replays_them() {
    use promplay::sim::MetricOp;
    let mut pipeline = Pipeline::new(Run::new("api", 1, T0, 2), Options::default()).unwrap();
    pipeline.advance_to(T0 + 60_000);
    for text in [
        "declare|counter|demo_events|||Events seen.",
        "inc|demo_events||3",
        "declare|gauge|demo_queue_size|||Items waiting.",
        "set|demo_queue_size||7",
    ] {
        pipeline
            .apply_metric_op(&MetricOp::parse(text).unwrap())
            .unwrap();
    }
    // Refused as the client refuses it, and nothing is added.
    let before = pipeline.run().metric_ops.len();
    let refused = pipeline.apply_metric_op(&MetricOp::parse("inc|demo_events||-1").unwrap());
    assert!(refused.unwrap_err().contains("non-negative"));
    assert_eq!(pipeline.run().metric_ops.len(), before);
    pipeline.advance_to(T0 + 90_000);
    pipeline
        .apply_metric_op(&MetricOp::parse("inc|demo_events||2").unwrap())
        .unwrap();
    pipeline.advance_to(T0 + 180_000);
    assert!(
        pipeline.target_specs().len() == 2,
        "the service's targets; the lab's is the scraper's own"
    );
    assert!(pipeline.targets().iter().any(|t| t.job == "metric-lab"));
    let events = query(&pipeline, "demo_events_total", T0 + 180_000);
    assert!(
        events.contains("job=\"metric-lab\"") && events.contains("v: 5.0"),
        "{events}"
    );
    // Before the second inc's scrape, the store had 3.
    assert!(query(&pipeline, "demo_events_total", T0 + 89_000).contains("v: 3.0"));
    assert!(
        pipeline
            .metric_lab_text(Format::Text)
            .unwrap()
            .contains("demo_queue_size 7.0")
    );
    // A link replays the same store.
    let link = promplay::pipeline::Link {
        run: pipeline.run().clone(),
        now_ms: T0 + 180_000,
        speed: 0,
    };
    let back = promplay::pipeline::Link::from_storage(&link.to_storage())
        .unwrap()
        .unwrap();
    let mut replayed = Pipeline::new(back.run, Options::default()).unwrap();
    replayed.advance_to(T0 + 180_000);
    assert_eq!(
        replayed.store().fingerprint(),
        pipeline.store().fingerprint()
    );
}

#[test]
fn the_python_lab_and_the_metric_lab_are_scraped_side_by_side() {
    let mut run = lab_run();
    run.metric_ops = vec![
        "declare|gauge|demo_queue_size|||Items waiting.".into(),
        "set|demo_queue_size||4".into(),
    ];
    // The metric lab's target is scraped at other moments than the program's.
    run.timeline = Timeline::parse("1m metric 0\n1m metric 1\n2m python 0", T0).unwrap();
    let mut pipeline = Pipeline::new(run.clone(), Options::default()).unwrap();
    let mut worker = FakeWorker::default();
    worker.drive(&mut pipeline, T0 + 6 * 60_000);
    assert!(query(&pipeline, "demo_queue_size", T0 + 6 * 60_000).contains("v: 4.0"));
    assert!(query(&pipeline, "count(lab_requests_total)", T0 + 6 * 60_000).contains("v: 2.0"));
    let errors: Vec<_> = pipeline
        .targets()
        .into_iter()
        .filter_map(|t| t.last_error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // The worker is asked only for the program's scrapes, not also at the metric lab's.
    let mut alone = Pipeline::new(lab_run(), Options::default()).unwrap();
    let mut other = FakeWorker::default();
    other.drive(&mut alone, T0 + 6 * 60_000);
    let scrapes = |w: &FakeWorker| w.log.iter().filter(|l| l.starts_with("scrape")).count();
    assert_eq!(scrapes(&worker), scrapes(&other));
}
