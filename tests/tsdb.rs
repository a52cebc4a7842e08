//! The store's public behaviour: matcher semantics, appends and their errors,
//! staleness, retention, listings, statistics and iterator bounds.

use promplay::tsdb::{
    AppendError, Head, Labels, MatchType, Matcher, Options, STALE_NAN, SeriesRef, is_stale_nan,
};

fn l(pairs: &[(&str, &str)]) -> Labels {
    Labels::new(pairs)
}

/// Five series: three `up`, two `http_requests_total`; `env` set on one only.
fn fixture() -> Head {
    let mut head = Head::default();
    for labels in [
        l(&[("__name__", "up"), ("job", "api"), ("env", "prod")]),
        l(&[("__name__", "up"), ("job", "web")]),
        l(&[("__name__", "up"), ("job", "db"), ("env", "")]),
        l(&[
            ("__name__", "http_requests_total"),
            ("job", "api"),
            ("code", "200"),
        ]),
        l(&[
            ("__name__", "http_requests_total"),
            ("job", "api"),
            ("code", "500"),
        ]),
    ] {
        head.add(&labels, 1000, 1.0).unwrap();
    }
    head
}

fn selected(head: &Head, matchers: &[Matcher]) -> Vec<String> {
    head.select(matchers)
        .into_iter()
        .map(|r| head.labels(r).unwrap().to_string())
        .collect()
}

fn m(kind: MatchType, name: &str, value: &str) -> Matcher {
    Matcher::new(kind, name, value).unwrap()
}

const UP_API: &str = r#"up{env="prod", job="api"}"#;
const UP_WEB: &str = r#"up{job="web"}"#;
const UP_DB: &str = r#"up{job="db"}"#;
const H200: &str = r#"http_requests_total{code="200", job="api"}"#;
const H500: &str = r#"http_requests_total{code="500", job="api"}"#;

#[test]
fn matcher_semantics_table() {
    use MatchType::*;
    let head = fixture();
    let all = vec![UP_API, UP_WEB, UP_DB, H200, H500];
    let no_env = vec![UP_WEB, UP_DB, H200, H500];
    let table: Vec<(Vec<Matcher>, Vec<&str>)> = vec![
        (vec![], all.clone()),
        (vec![m(Equal, "job", "api")], vec![UP_API, H200, H500]),
        (vec![m(NotEqual, "job", "api")], vec![UP_WEB, UP_DB]),
        // A matcher that matches "" also selects series without the label.
        (vec![m(Equal, "env", "")], no_env.clone()),
        (vec![m(NotEqual, "env", "")], vec![UP_API]),
        (vec![m(NotEqual, "env", "prod")], no_env.clone()),
        (vec![m(Regexp, "env", "")], no_env.clone()),
        (vec![m(Regexp, "env", ".*")], all.clone()),
        (vec![m(Regexp, "env", ".+")], vec![UP_API]),
        (vec![m(NotRegexp, "env", ".+")], no_env.clone()),
        (vec![m(NotRegexp, "env", ".*")], vec![]),
        (vec![m(Regexp, "env", "prod|")], all.clone()),
        // Fully anchored: alternatives match whole values only.
        (vec![m(Regexp, "job", "a|w")], vec![]),
        (
            vec![m(Regexp, "job", "api|web")],
            vec![UP_API, UP_WEB, H200, H500],
        ),
        (vec![m(Regexp, "job", "ap")], vec![]),
        (vec![m(Regexp, "job", "ap.*")], vec![UP_API, H200, H500]),
        (vec![m(Regexp, "job", "pi")], vec![]),
        (vec![m(NotRegexp, "job", "api|web")], vec![UP_DB]),
        (vec![m(Regexp, "code", "5..")], vec![H500]),
        (vec![m(Regexp, "code", r"\d00")], vec![H200, H500]),
        // Labels no series has.
        (vec![m(Equal, "nope", "")], all.clone()),
        (vec![m(Equal, "nope", "x")], vec![]),
        (vec![m(NotEqual, "nope", "x")], all.clone()),
        (vec![m(Regexp, "nope", "x?")], all.clone()),
        (vec![m(Regexp, "nope", "x")], vec![]),
        // Conjunctions.
        (
            vec![m(Equal, "__name__", "up"), m(NotEqual, "job", "api")],
            vec![UP_WEB, UP_DB],
        ),
        (
            vec![m(Equal, "job", "api"), m(NotRegexp, "code", "2..")],
            vec![UP_API, H500],
        ),
        (
            vec![m(Regexp, "__name__", "up|http_.*"), m(Equal, "env", "prod")],
            vec![UP_API],
        ),
    ];
    for (matchers, want) in table {
        let shown: Vec<String> = matchers.iter().map(|m| m.to_string()).collect();
        assert_eq!(selected(&head, &matchers), want, "{{{}}}", shown.join(", "));
    }
}

/// A small deterministic generator for the property tests.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn select_agrees_with_the_definition_on_random_data() {
    // Definition: every matcher matches the series' value, "" when the label is absent.
    let mut rng = Rng(0x1234_5678);
    let names = ["a", "b", "c"];
    let values = ["", "x", "y", "xy", "z"];
    let mut head = Head::default();
    for _ in 0..60 {
        let pairs: Vec<(&str, &str)> = names
            .iter()
            .map(|&n| (n, values[rng.below(5) as usize]))
            .collect();
        head.get_or_create(&Labels::new(&pairs));
    }
    let patterns = ["", "x", "x|y", "x.*", ".*", ".+", "y?", "[xz]"];
    let kinds = [
        MatchType::Equal,
        MatchType::NotEqual,
        MatchType::Regexp,
        MatchType::NotRegexp,
    ];
    for _ in 0..500 {
        let matchers: Vec<Matcher> = (0..1 + rng.below(3))
            .map(|_| {
                let kind = kinds[rng.below(4) as usize];
                let name = ["a", "b", "c", "d"][rng.below(4) as usize];
                let p = patterns[rng.below(patterns.len() as u64) as usize];
                m(kind, name, p)
            })
            .collect();
        let want: Vec<SeriesRef> = head
            .select(&[])
            .into_iter()
            .filter(|&r| {
                let labels = head.labels(r).unwrap();
                matchers
                    .iter()
                    .all(|m| m.matches(labels.get(m.name()).unwrap_or("")))
            })
            .collect();
        assert_eq!(head.select(&matchers), want, "{matchers:?}");
    }
}

#[test]
fn append_errors_use_prometheus_wording() {
    let mut head = Head::default();
    let (r, created) = head.get_or_create(&l(&[("__name__", "x")]));
    assert!(created);
    assert_eq!(head.get_or_create(&l(&[("__name__", "x")])), (r, false));
    head.append(r, 1000, 1.0).unwrap();
    head.append(r, 2000, 2.0).unwrap();

    let e = head.append(r, 1500, 3.0).unwrap_err();
    assert_eq!(
        e,
        AppendError::OutOfOrder {
            t: 1500,
            last_t: 2000
        }
    );
    assert_eq!(e.to_string(), "out of order sample");

    // Same timestamp, same value: accepted and ignored.
    head.append(r, 2000, 2.0).unwrap();
    assert_eq!(head.num_samples(), 2);

    let e = head.append(r, 2000, 2.5).unwrap_err();
    assert_eq!(
        e.to_string(),
        "duplicate sample for timestamp, timestamp: 2000, existing: 2, new: 2.5"
    );

    // Values compare by bits: the same NaN is a duplicate, another NaN is not.
    head.append(r, 3000, f64::NAN).unwrap();
    head.append(r, 3000, f64::NAN).unwrap();
    assert!(matches!(
        head.append(r, 3000, f64::from_bits(STALE_NAN)),
        Err(AppendError::Duplicate { t: 3000, .. })
    ));
    assert_eq!(head.num_samples(), 3);

    let missing = r;
    assert_eq!(missing.id(), 0);
    let mut other = Head::default();
    let e = other.append(missing, 0, 0.0).unwrap_err();
    assert_eq!(e, AppendError::UnknownSeries(missing));
    assert_eq!(e.to_string(), "unknown series reference 0");
}

#[test]
fn staleness_round_trips() {
    let mut head = Head::default();
    let r = head.add(&l(&[("__name__", "x")]), 0, 1.0).unwrap();
    head.append(r, 15_000, f64::from_bits(STALE_NAN)).unwrap();
    head.append(r, 30_000, f64::NAN).unwrap();
    head.append(r, 45_000, 2.0).unwrap();
    let got: Vec<(i64, bool, u64)> = head
        .iter(r, 0, 60_000)
        .map(|(t, v)| (t, is_stale_nan(v), v.to_bits()))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, false, 1f64.to_bits()),
            (15_000, true, STALE_NAN),
            (30_000, false, f64::NAN.to_bits()),
            (45_000, false, 2f64.to_bits()),
        ]
    );
}

#[test]
fn iterator_bounds_are_inclusive_on_random_ranges() {
    let mut head = Head::default();
    let r = head.add(&l(&[("__name__", "x")]), 0, 0.0).unwrap();
    let mut want = vec![(0i64, 0.0f64)];
    let mut rng = Rng(99);
    let mut t = 0;
    for i in 1..3000 {
        t += 1 + rng.below(30_000) as i64;
        head.append(r, t, i as f64).unwrap();
        want.push((t, i as f64));
    }
    for _ in 0..300 {
        let a = rng.below(t as u64 + 20_000) as i64 - 10_000;
        let b = a + rng.below(200_000) as i64;
        let (mint, maxt) = if rng.below(10) == 0 { (b, a) } else { (a, b) };
        let naive: Vec<_> = want
            .iter()
            .copied()
            .filter(|&(ts, _)| mint <= ts && ts <= maxt)
            .collect();
        assert_eq!(head.iter(r, mint, maxt).collect::<Vec<_>>(), naive);
    }
    let (first, last) = head.series_time_range(r).unwrap();
    assert_eq!((first, last), (0, t));
    assert_eq!(head.iter(r, first, first).count(), 1);
    assert_eq!(head.iter(r, last, last).count(), 1);
    assert_eq!(head.iter(r, i64::MIN, i64::MAX).count(), 3000);
}

fn minute_chunks() -> Options {
    // Samples every second, chunks cut at each minute: 60 samples per chunk.
    Options {
        chunk_range_ms: 60_000,
        ..Options::default()
    }
}

#[test]
fn retention_by_time_drops_whole_chunks_and_empty_series() {
    let mut head = Head::new(Options {
        retention_ms: Some(120_000),
        ..minute_chunks()
    });
    let a = head
        .add(&l(&[("__name__", "a"), ("job", "x")]), 0, 0.0)
        .unwrap();
    let b = head
        .add(&l(&[("__name__", "b"), ("job", "y")]), 0, 0.0)
        .unwrap();
    for s in 1..300 {
        head.append(a, s * 1000, s as f64).unwrap(); // minutes 0..4
    }
    for s in 1..60 {
        head.append(b, s * 1000, s as f64).unwrap(); // minute 0 only
    }
    assert_eq!(head.stats(0).chunks, 6);
    // Cutoff 300 s - 120 s = 180 s: chunks ending before it go (a's minutes 0..2, b's).
    let report = head.apply_retention(300_000);
    assert_eq!(report.chunks_dropped, 4);
    assert_eq!(report.samples_dropped, 180 + 60);
    assert_eq!(report.series_removed, 1);
    assert_eq!(head.num_series(), 1);
    assert_eq!(head.num_samples(), 120);
    assert_eq!(head.series_time_range(a), Some((180_000, 299_000)));
    assert_eq!(head.labels(b), None);
    assert_eq!(head.label_values("job", &[]), vec!["x"]);
    assert_eq!(head.label_values("__name__", &[]), vec!["a"]);
    assert!(head.select(&[Matcher::equal("__name__", "b")]).is_empty());
    assert_eq!(
        head.append(b, 400_000, 1.0),
        Err(AppendError::UnknownSeries(b))
    );
    // Older than the cutoff: out of bounds, even for a new series.
    let e = head
        .add(&l(&[("__name__", "c")]), 179_999, 1.0)
        .unwrap_err();
    assert_eq!(e.to_string(), "out of bounds");
    assert_eq!(
        head.label_values("__name__", &[]),
        vec!["a"],
        "no series left behind"
    );
    head.add(&l(&[("__name__", "b"), ("job", "y")]), 180_000, 1.0)
        .unwrap();
}

#[test]
fn retention_by_bytes_drops_the_oldest_chunks_first() {
    let mut head = Head::new(minute_chunks());
    let a = head.add(&l(&[("__name__", "a")]), 0, 0.0).unwrap();
    let b = head.add(&l(&[("__name__", "b")]), 120_000, 0.0).unwrap();
    for s in 1..360 {
        head.append(a, s * 1000, (s * 7 % 13) as f64).unwrap(); // minutes 0..5
        head.append(b, 120_000 + s * 1000, (s * 5 % 11) as f64)
            .unwrap(); // minutes 2..7
    }
    assert_eq!(head.stats(0).chunks, 12);
    // One chunk over budget at a time: the oldest goes, across series.
    let mut order = Vec::new();
    for _ in 0..6 {
        let (a0, b0) = (head.series_time_range(a), head.series_time_range(b));
        let before = head.bytes();
        head.set_retention(None, Some(before - 1));
        let report = head.apply_retention(0);
        assert_eq!(report.chunks_dropped, 1);
        assert!(head.bytes() < before);
        order.push(if head.series_time_range(a) != a0 {
            ("a", a0.unwrap().0)
        } else {
            assert_ne!(head.series_time_range(b), b0);
            ("b", b0.unwrap().0)
        });
    }
    assert_eq!(
        order,
        vec![
            ("a", 0),
            ("a", 60_000),
            ("a", 120_000), // ties at 120 s: the older series reference first
            ("b", 120_000),
            ("a", 180_000),
            ("b", 180_000),
        ]
    );
    // A budget below everything empties the store; the index goes with it.
    head.set_retention(None, Some(0));
    let report = head.apply_retention(0);
    assert_eq!(report.series_removed, 2);
    assert_eq!(head.num_series(), 0);
    assert_eq!(head.num_samples(), 0);
    assert!(head.label_names(&[]).is_empty());
    // What is left: only the reference slots (8 bytes each).
    assert_eq!(head.bytes(), 16);
}

#[test]
fn label_listings_sorted_and_filtered() {
    let head = fixture();
    assert_eq!(
        head.label_names(&[]),
        vec!["__name__", "code", "env", "job"]
    );
    assert_eq!(head.label_values("job", &[]), vec!["api", "db", "web"]);
    assert_eq!(head.label_values("nope", &[]), Vec::<&str>::new());
    let up = [Matcher::equal("__name__", "up")];
    assert_eq!(head.label_names(&up), vec!["__name__", "env", "job"]);
    assert_eq!(head.label_values("job", &up), vec!["api", "db", "web"]);
    assert_eq!(
        head.label_values("code", &[Matcher::equal("job", "api")]),
        vec!["200", "500"]
    );
    assert_eq!(
        head.label_values("__name__", &[Matcher::regex("code", ".+").unwrap()]),
        vec!["http_requests_total"]
    );
}

#[test]
fn stats_as_the_tsdb_status_page() {
    let mut head = fixture();
    let r = head.get(&l(&[("__name__", "up"), ("job", "web")])).unwrap();
    head.append(r, 16_000, 0.0).unwrap();
    let s = head.stats(2);
    assert_eq!(s.series, 5);
    assert_eq!(s.samples, 6);
    assert_eq!(s.chunks, 5);
    assert_eq!((s.min_time, s.max_time), (Some(1000), Some(16_000)));
    // __name__: 2 values, job: 3, env: 1, code: 2.
    assert_eq!(s.label_pairs, 8);
    assert_eq!(
        s.top_metrics_by_series,
        vec![
            ("up".to_string(), 3),
            ("http_requests_total".to_string(), 2)
        ]
    );
    assert_eq!(
        s.top_label_names_by_value_count,
        vec![("job".to_string(), 3), ("__name__".to_string(), 2)]
    );
    assert_eq!(
        s.top_label_pairs_by_series,
        vec![("__name__=up".to_string(), 3), ("job=api".to_string(), 3)]
    );
    // __name__: 19 * 2 + 2 * 3 = 44 bytes of values.
    assert_eq!(s.top_label_names_by_memory[0], ("__name__".to_string(), 44));
    // Five chunks of header 2 + varint(1000) 2 + value 8; then `up{job="web"}` adds
    // uvarint(15000) 2 + 23 bits of XOR (1.0 ^ 0.0: '11', 5 + 6 bits, 10 bits): 3 bytes.
    assert_eq!(s.chunk_bytes, 5 * 12 + 2 + 3);
    assert_eq!(s.chunk_bytes, head.chunk_bytes());
    assert_eq!(s.bytes, head.bytes());
    assert!(s.bytes > s.chunk_bytes);
    assert!((s.bytes_per_sample - s.chunk_bytes as f64 / 6.0).abs() < 1e-12);
    assert_eq!(Head::default().stats(10).bytes_per_sample, 0.0);
    assert_eq!(Head::default().stats(10).min_time, None);
}

#[test]
fn exposition_labels_convert() {
    let expo: Vec<(String, String)> = vec![
        ("job".into(), "api".into()),
        ("__name__".into(), "up".into()),
        ("empty".into(), String::new()),
    ];
    let labels = Labels::from(expo);
    assert_eq!(labels.to_string(), r#"up{job="api"}"#);
    assert_eq!(
        labels,
        Labels::from_metric("up", &[("job".into(), "api".into())])
    );
    assert_eq!(
        labels.to_vec(),
        vec![
            ("__name__".to_string(), "up".to_string()),
            ("job".to_string(), "api".to_string())
        ]
    );
}
