//! Any text as a timeline (file or link form) and as a stored link: reading must
//! return (errors are fine) with positions inside the input, never panic; what
//! reads prints back to the same timeline, and a few minutes of the run replay
//! (with the text as the Python lab's program and as its answer to every scrape).
//! A packed link value unpacks to nothing or to a text that packs back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promplay::expo::textparse::Format;
use promplay::pipeline::{LabNeed, Link, Options, Pipeline, Run, Timeline, pack, unpack};

const T0: i64 = 1_714_521_600_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Timeline::parse(text, T0) {
        Err(e) => {
            let lines = text.split('\n').count();
            assert!(e.line >= 1 && e.line <= lines, "{e} outside {lines} lines");
            assert!(e.col >= 1);
        }
        Ok(timeline) => {
            assert_eq!(Timeline::parse(&timeline.to_link(T0), T0).as_ref(), Ok(&timeline));
            assert_eq!(Timeline::parse(&timeline.to_text(T0), T0).as_ref(), Ok(&timeline));
            let mut run = Run::new("api", 1, T0, 1);
            run.timeline = timeline;
            run.programs = vec![text.to_string()];
            if let Ok(mut pipeline) = Pipeline::new(run, Options::default()) {
                let end = T0 + 3 * 60_000;
                for _ in 0..100 {
                    pipeline.advance_to(end);
                    match pipeline.lab_need() {
                        None => break,
                        Some(LabNeed::Start(_)) => pipeline.lab_started(&[("GET".into(), text.into())]),
                        Some(LabNeed::Scrape(_)) => pipeline.lab_scraped(Ok((text.to_string(), Format::Text))),
                    }
                }
                let _ = pipeline.event_rows();
            }
        }
    }
    if let Some(unpacked) = unpack(text) {
        assert_eq!(unpack(&pack(&unpacked)).as_deref(), Some(unpacked.as_str()));
    }
    if let Some(Ok(link)) = Link::from_storage(text) {
        assert_eq!(Link::from_storage(&link.to_storage()), Some(Ok(link)));
    }
});
