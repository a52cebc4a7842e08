//! One scrape of one target, as Prometheus's scrape loop does it: read the body
//! with the exposition parser's sample stream (series bytes → cached store series;
//! labels parsed only for new ones), apply the target's labels, check the sample
//! limit, append all or nothing, mark vanished series stale, and write the report
//! series (`up`, `scrape_duration_seconds`, ...).

use super::config::ScrapeConfig;
use super::target::{CacheEntry, Health, ReadLine, Target, TargetStatus};
use crate::expo::model::NativeHistogram;
use crate::expo::textparse::{Expected, Format, SampleStream, parse_series};
use crate::tsdb::{AppendError, Head, Labels, STALE_NAN, SeriesRef};

/// The report series every scrape writes, in Prometheus's order.
pub const REPORT_SERIES: [&str; 5] = [
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
];

enum Key {
    /// A slot of the target's series cache.
    Cached(usize),
    New {
        cache_key: Box<[u8]>,
        labels: Labels,
    },
}

/// Appends, re-creating the series if retention removed it meanwhile (its reference
/// then names no series); returns the reference now in use.
fn append_or_recreate(
    store: &mut Head,
    series: SeriesRef,
    labels: &Labels,
    t: i64,
    (v, native): (f64, Option<&NativeHistogram>),
) -> SeriesRef {
    match append_value(store, series, t, v, native) {
        Err(AppendError::UnknownSeries(_)) => {
            let (fresh, _) = store.get_or_create(labels);
            // Out-of-order and duplicate samples are dropped, as Prometheus drops them.
            let _ = append_value(store, fresh, t, v, native);
            fresh
        }
        _ => series,
    }
}

/// A sample read from the body, waiting for the scrape to be accepted as a whole.
pub(super) struct Staged {
    key: Key,
    t: i64,
    value: f64,
    /// A native histogram (protobuf scrapes); `value` is then unused.
    native: Option<Box<NativeHistogram>>,
    explicit_timestamp: bool,
}

impl Staged {
    fn new(
        key: Key,
        timestamp: Option<crate::expo::Timestamp>,
        t_ms: i64,
        config: &ScrapeConfig,
        value: f64,
        native: Option<Box<NativeHistogram>>,
    ) -> Staged {
        let explicit_timestamp = config.honor_timestamps && timestamp.is_some();
        let t = match timestamp {
            Some(ts) if config.honor_timestamps => ts.as_millis(),
            _ => t_ms,
        };
        Staged {
            key,
            t,
            value,
            native,
            explicit_timestamp,
        }
    }
}

/// The series a sample's bytes name: from the target's cache (marked seen in this
/// scrape; `hint` is the slot it was likely in), or new, its labels built by
/// `labels` from the target's status.
fn cached_or_new(
    target: &mut Target,
    cache_key: &[u8],
    hint: Option<usize>,
    labels: impl FnOnce(&TargetStatus) -> Result<Labels, String>,
) -> Result<Key, String> {
    let iteration = target.iteration;
    if let Some(slot) = target.cache.find(cache_key, hint) {
        let entry = target.cache.entry_mut(slot);
        if entry.last_seen != iteration {
            entry.seen_before = entry.last_seen;
            entry.last_seen = iteration;
            target.seen += 1;
        }
        return Ok(Key::Cached(slot));
    }
    Ok(Key::New {
        cache_key: cache_key.into(),
        labels: labels(&target.status)?,
    })
}

/// Appends a staged value to `series`.
fn append_value(
    store: &mut Head,
    series: SeriesRef,
    t: i64,
    value: f64,
    native: Option<&NativeHistogram>,
) -> Result<(), AppendError> {
    match native {
        None => store.append(series, t, value),
        Some(NativeHistogram::Int(h)) => store.append_histogram(series, t, h),
        Some(NativeHistogram::Float(h)) => store.append_float_histogram(series, t, h),
    }
}

/// The series labels Prometheus stores for a scraped sample: the exposed name and
/// labels plus the target's `job` and `instance`. Without `honor_labels` an exposed
/// label that clashes with a target label is kept as `exported_<name>`; with it the
/// exposed label wins. Empty values mean "no label", as in Prometheus.
pub fn series_labels(
    name: &str,
    exposed: &[(String, String)],
    job: &str,
    instance: &str,
    honor_labels: bool,
) -> Labels {
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(exposed.len() + 2);
    let target = [("job", job), ("instance", instance)];
    for (label, value) in exposed {
        let clashes = target.iter().any(|(t, _)| t == label);
        if clashes && !honor_labels {
            let mut renamed = format!("exported_{label}");
            while exposed.iter().any(|(l, _)| *l == renamed) {
                renamed = format!("exported_{renamed}");
            }
            pairs.push((renamed, value.clone()));
        } else {
            pairs.push((label.clone(), value.clone()));
        }
    }
    for (label, value) in target {
        if !(honor_labels && exposed.iter().any(|(l, _)| l == label)) {
            pairs.push((label.to_string(), value.to_string()));
        }
    }
    // Empty values mean "no label"; Labels drops them.
    Labels::from_metric(name, &pairs)
}

/// Reads the body into `staged`; returns the number of samples, or why the scrape
/// fails. A text body is kept for the next scrape, which expects each line to be
/// what this one had there: many lines are the very same (a `_created`, a quiet
/// bucket) and most start with the same series, and checking that costs less
/// than reading a value or finding where the series ends.
fn stage(
    target: &mut Target,
    body: Vec<u8>,
    format: Format,
    t_ms: i64,
    config: &ScrapeConfig,
    staged: &mut Vec<Staged>,
) -> Result<usize, String> {
    staged.clear();
    if format == Format::Protobuf {
        target.last_lines.clear();
        return stage_protobuf(target, &body, t_ms, config, staged);
    }
    let last_body = std::mem::take(&mut target.last_body);
    let mut last_lines = std::mem::take(&mut target.last_lines);
    if target.last_format.replace(format) != Some(format) {
        last_lines.clear();
    }
    let mut lines = Vec::with_capacity(last_lines.len());
    let mut stream = SampleStream::new(&body, format);
    loop {
        let last = last_lines.get(lines.len());
        let Some(item) = stream.next_expecting(last.map(|l| {
            let text = &last_body[l.at..l.at + l.len];
            Expected {
                text,
                series: &text[..l.series_len],
                value: l.value,
                timestamp: l.timestamp,
            }
        })) else {
            break;
        };
        let sample = item.map_err(|e| e.to_string())?;
        lines.push(ReadLine {
            at: sample.text.as_ptr() as usize - body.as_ptr() as usize,
            len: sample.text.len(),
            series_len: sample.series.len(),
            // Set when the scrape is stored.
            slot: None,
            value: sample.value,
            timestamp: sample.timestamp,
        });
        let hint = last.and_then(|l| l.slot);
        let key = cached_or_new(target, sample.series, hint, |s| {
            let (name, exposed) =
                parse_series(sample.series, format, sample.line).map_err(|e| e.to_string())?;
            Ok(series_labels(
                &name,
                &exposed,
                &s.job,
                &s.instance,
                s.honor_labels,
            ))
        })?;
        staged.push(Staged::new(
            key,
            sample.timestamp,
            t_ms,
            config,
            sample.value,
            None,
        ));
    }
    target.last_body = body;
    target.last_lines = lines;
    Ok(staged.len())
}

/// [`stage`] for a protobuf body: decoded into families first (native histograms
/// and, when the client exposes them alongside, the classic series: both are
/// stored, as Prometheus does with `always_scrape_classic_histograms`).
fn stage_protobuf(
    target: &mut Target,
    body: &[u8],
    t_ms: i64,
    config: &ScrapeConfig,
    staged: &mut Vec<Staged>,
) -> Result<usize, String> {
    let families = crate::expo::protobuf::decode(body).map_err(|e| e.to_string())?;
    for sample in families.into_iter().flat_map(|f| f.samples) {
        // The cache is keyed by series bytes, as for text: the name and labels.
        let mut cache_key = sample.name.clone().into_bytes();
        for (n, v) in &sample.labels {
            cache_key.extend_from_slice(&[0xff]);
            cache_key.extend_from_slice(n.as_bytes());
            cache_key.extend_from_slice(&[0xfe]);
            cache_key.extend_from_slice(v.as_bytes());
        }
        let key = cached_or_new(target, &cache_key, None, |s| {
            Ok(series_labels(
                &sample.name,
                &sample.labels,
                &s.job,
                &s.instance,
                s.honor_labels,
            ))
        })?;
        staged.push(Staged::new(
            key,
            sample.timestamp,
            t_ms,
            config,
            sample.value,
            sample.native,
        ));
    }
    Ok(staged.len())
}

/// Scrapes `target` at `t_ms` given the body the endpoint returned (or why it failed),
/// and writes everything into `store`.
pub(super) fn scrape(
    target: &mut Target,
    body: Result<Vec<u8>, String>,
    format: Format,
    t_ms: i64,
    config: &ScrapeConfig,
    store: &mut Head,
    staged: &mut Vec<Staged>,
) {
    target.iteration += 1;
    target.seen = 0;
    let iteration = target.iteration;
    let duration_s = match &body {
        // A deterministic stand-in for network and parse time, growing with the body.
        Ok(text) => 0.001 + text.len() as f64 * 2e-8,
        Err(_) => 0.0005,
    };
    let outcome = body.and_then(|bytes| stage(target, bytes, format, t_ms, config, staged));
    // Like Prometheus, a scrape over the limit still reports how many samples it had.
    let scraped = *outcome.as_ref().unwrap_or(&0);
    let outcome = outcome.and_then(|n| {
        if config.sample_limit > 0 && n > config.sample_limit {
            Err("sample limit exceeded".to_string())
        } else {
            Ok(n)
        }
    });
    let mut added = 0usize;
    if outcome.is_ok() {
        for (line, s) in staged.drain(..).enumerate() {
            let slot = match s.key {
                Key::Cached(slot) => {
                    let entry = target.cache.entry_mut(slot);
                    let value = (s.value, s.native.as_deref());
                    entry.series =
                        append_or_recreate(store, entry.series, &entry.labels, s.t, value);
                    slot
                }
                Key::New { cache_key, labels } => {
                    let (series, _) = store.get_or_create(&labels);
                    // Out-of-order and duplicate samples are dropped, as Prometheus drops them.
                    let _ = append_value(store, series, s.t, s.value, s.native.as_deref());
                    let (slot, new) = target.cache.insert(CacheEntry {
                        key: cache_key,
                        series,
                        labels,
                        last_seen: iteration,
                        seen_before: 0,
                        explicit_timestamp: s.explicit_timestamp,
                    });
                    added += usize::from(new);
                    slot
                }
            };
            // A text body's lines are its staged samples, in order.
            if let Some(line) = target.last_lines.get_mut(line) {
                line.slot = Some(slot);
            }
        }
    } else {
        // Nothing of a failed scrape counts as seen: undo what staging marked.
        staged.clear();
        for entry in target
            .cache
            .entries_mut()
            .iter_mut()
            .filter(|e| e.last_seen == iteration)
        {
            entry.last_seen = entry.seen_before;
        }
    }
    // A scrape that saw every cached series (the usual one) has nothing to mark
    // stale or forget: no pass over the cache.
    let all_seen = outcome.is_ok() && target.seen + added == target.cache.len();
    if !all_seen {
        mark_stale(target, iteration, t_ms, store);
    }
    write_report(
        target,
        t_ms,
        store,
        outcome.is_ok(),
        duration_s,
        scraped,
        added,
    );

    let status = &mut target.status;
    status.health = if outcome.is_ok() {
        Health::Up
    } else {
        Health::Down
    };
    status.last_scrape_ms = Some(t_ms);
    status.last_duration_s = duration_s;
    status.last_samples = scraped;
    status.last_error = outcome.err();
}

/// Series the previous scrape saw and this one did not get a stale marker; cache
/// entries unseen for two scrapes are forgotten.
fn mark_stale(target: &mut Target, iteration: u64, t_ms: i64, store: &mut Head) {
    for entry in target.cache.entries() {
        if entry.last_seen + 1 == iteration && !entry.explicit_timestamp {
            let _ = store.append(entry.series, t_ms, f64::from_bits(STALE_NAN));
        }
    }
    target
        .cache
        .retain(|entry| entry.last_seen + 1 >= iteration);
}

fn write_report(
    target: &mut Target,
    t_ms: i64,
    store: &mut Head,
    ok: bool,
    duration_s: f64,
    scraped: usize,
    added: usize,
) {
    if target.report_series.is_empty() {
        let s = &target.status;
        target.report_series = REPORT_SERIES
            .iter()
            .map(|name| {
                let labels = series_labels(name, &[], &s.job, &s.instance, false);
                let series = store.get_or_create(&labels).0;
                (labels, series)
            })
            .collect();
    }
    let values = [
        if ok { 1.0 } else { 0.0 },
        duration_s,
        scraped as f64,
        scraped as f64,
        added as f64,
    ];
    for ((labels, series), value) in target.report_series.iter_mut().zip(values) {
        *series = append_or_recreate(store, *series, labels, t_ms, (value, None));
    }
}

/// Stale markers for every series of a target that goes away (and its report series).
pub(super) fn end_of_run_staleness(target: &mut Target, t_ms: i64, store: &mut Head) {
    for entry in target
        .cache
        .entries()
        .iter()
        .filter(|e| !e.explicit_timestamp && e.last_seen == target.iteration)
    {
        let _ = store.append(entry.series, t_ms, f64::from_bits(STALE_NAN));
    }
    for (_, series) in &target.report_series {
        let _ = store.append(*series, t_ms, f64::from_bits(STALE_NAN));
    }
    target.cache.clear();
    target.last_lines.clear();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tsdb::Matcher;

    /// A line is expected to read as it did only in the format it was read in:
    /// the same bytes are a timestamp in milliseconds in text 0.0.4 and in seconds
    /// in OpenMetrics.
    #[test]
    fn lines_read_in_another_format_are_not_expected_to_read_the_same() {
        let mut target = Target::new("job".into(), "host:1".into(), false, 0);
        let mut store = Head::default();
        let mut staged = Vec::new();
        let config = ScrapeConfig::default();
        let line = "a 1 1700000000\n";
        scrape(
            &mut target,
            Ok(line.into()),
            Format::Text,
            1_000,
            &config,
            &mut store,
            &mut staged,
        );
        let om = format!("{line}# EOF\n");
        scrape(
            &mut target,
            Ok(om.into()),
            Format::OpenMetrics,
            2_000,
            &config,
            &mut store,
            &mut staged,
        );
        let a = store.select(&[Matcher::equal("__name__", "a")]);
        let times: Vec<i64> = store
            .iter(a[0], i64::MIN, i64::MAX)
            .map(|(t, _)| t)
            .collect();
        assert_eq!(times, [1_700_000_000, 1_700_000_000_000]);
    }
}
