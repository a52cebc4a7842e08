//! Any text as a PromQL query: the parser returns a tree or an error with a
//! position inside the text; a tree evaluates (as an instant and a range query,
//! over a small store with counters, gauges, buckets and a stale marker) to a
//! result or an error, never a panic; the editor's helpers (highlighting,
//! completion, explain, hints) take the same text without panicking.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use promplay::promql::complete::{self, Schema};
use promplay::promql::engine::{self, Options};
use promplay::promql::{explain, highlight, hints, parse};
use promplay::tsdb::{Head, Labels, STALE_NAN};

fn store() -> &'static Head {
    static HEAD: OnceLock<Head> = OnceLock::new();
    HEAD.get_or_init(|| {
        let mut head = Head::default();
        for (i, (name, job)) in [
            ("http_requests_total", "api"),
            ("http_requests_total", "web"),
            ("memory_bytes", "api"),
            ("up", "api"),
        ]
        .into_iter()
        .enumerate()
        {
            let l = Labels::new(&[("__name__", name), ("job", job), ("instance", "a")]);
            for t in 0..40 {
                head.add(&l, t * 15_000, (t * (i as i64 + 1)) as f64)
                    .unwrap();
            }
        }
        for le in ["0.1", "1", "+Inf"] {
            let l = Labels::new(&[("__name__", "lat_bucket"), ("le", le), ("job", "api")]);
            for t in 0..40 {
                head.add(&l, t * 15_000, (t * 2) as f64).unwrap();
            }
        }
        let gone = Labels::new(&[("__name__", "gone"), ("job", "api")]);
        head.add(&gone, 0, 1.0).unwrap();
        head.add(&gone, 15_000, f64::from_bits(STALE_NAN)).unwrap();
        head
    })
}

struct NoSchema;
impl Schema for NoSchema {
    fn metric_names(&self) -> Vec<String> {
        vec!["up".into()]
    }
    fn label_names(&self, _: Option<&str>) -> Vec<String> {
        vec!["job".into()]
    }
    fn label_values(&self, _: Option<&str>, _: &str) -> Vec<String> {
        vec!["api".into()]
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let _ = highlight::highlight(src);
    for cursor in [0, src.len() / 2, src.len()] {
        let _ = complete::complete(src, cursor, &NoSchema);
    }
    let expr = match parse(src) {
        Ok(e) => e,
        Err(e) => {
            assert!(e.span.start <= src.len(), "{e:?}");
            assert!(e.line >= 1 && e.col >= 1);
            return;
        }
    };
    let _ = explain::explain(&expr);
    let _ = hints::hints(src, &expr, 15_000, hints::Names(&[]));
    let opts = Options {
        max_samples: 200_000,
        timeout_ms: Some(2_000.0),
        ..Options::default()
    };
    let _ = engine::instant_query(store(), src, &expr, 300_000, &opts);
    let _ = engine::range_query(store(), src, &expr, 0, 600_000, 30_000, &opts);
});
