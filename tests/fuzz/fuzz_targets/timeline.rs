//! Any text as a timeline (file or link form) and as a stored link: reading must
//! return (errors are fine) with positions inside the input, never panic; what
//! reads prints back to the same timeline, and a few minutes of the run replay.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promplay::pipeline::{Link, Options, Pipeline, Run, Timeline};

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
            if let Ok(mut pipeline) = Pipeline::new(run, Options::default()) {
                pipeline.advance_to(T0 + 3 * 60_000);
                let _ = pipeline.event_rows();
            }
        }
    }
    if let Some(Ok(link)) = Link::from_storage(text) {
        assert_eq!(Link::from_storage(&link.to_storage()), Some(Ok(link)));
    }
});
