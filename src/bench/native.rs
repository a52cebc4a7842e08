//! The store benchmark on native histograms (`bench-store --native`): request
//! latencies observed into client-side exponential buckets (schema 3, as
//! client_golang's factor 1.1), scraped every 15 s as integer histograms, appended,
//! read back, and sized against the classic histogram of the same observations
//! (11 `le` buckets plus `_sum` and `_count`, 13 float series).

use std::time::Instant;

use crate::histogram::{Histogram, Span};
use crate::rng::SplitMix64;
use crate::tsdb::{Head, Labels};

/// Classic bounds of the comparison (client_golang's default buckets, in seconds).
const CLASSIC_BOUNDS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// 2^(2^-3): schema 3's growth factor.
const SCHEMA: i32 = 3;

/// What `run` measured.
#[derive(Clone, Debug, PartialEq)]
pub struct NativeReport {
    pub series: usize,
    /// Histogram samples appended.
    pub samples: u64,
    pub append_samples_per_sec: f64,
    pub read_samples_per_sec: f64,
    /// Encoded chunk bytes per native histogram sample.
    pub chunk_bytes_per_sample: f64,
    /// The populated buckets of the last samples, on average.
    pub buckets_per_sample: f64,
    /// Chunk bytes for the same observations as a classic histogram (13 float
    /// series), per scrape: what one native sample replaces.
    pub classic_bytes_per_scrape: f64,
}

impl std::fmt::Display for NativeReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "native histograms: {} series, {} samples ({:.1} populated buckets each)",
            self.series, self.samples, self.buckets_per_sample
        )?;
        writeln!(
            f,
            "append:   {:.3} M histogram samples/s",
            self.append_samples_per_sec / 1e6
        )?;
        writeln!(
            f,
            "read:     {:.3} M histogram samples/s",
            self.read_samples_per_sec / 1e6
        )?;
        write!(
            f,
            "size:     {:.2} chunk bytes/sample; the classic histogram of the same observations: {:.2} bytes/scrape in 13 series ({:.1}x)",
            self.chunk_bytes_per_sample,
            self.classic_bytes_per_scrape,
            self.classic_bytes_per_scrape / self.chunk_bytes_per_sample.max(f64::MIN_POSITIVE)
        )
    }
}

/// A latency histogram as a client keeps it: counts per schema-3 bucket index.
struct Client {
    counts: std::collections::BTreeMap<i32, u64>,
    count: u64,
    sum: f64,
    classic: [u64; CLASSIC_BOUNDS.len() + 1],
}

impl Client {
    fn new() -> Client {
        Client {
            counts: Default::default(),
            count: 0,
            sum: 0.0,
            classic: [0; CLASSIC_BOUNDS.len() + 1],
        }
    }

    /// One request: log-normal around 80 ms.
    fn observe(&mut self, rng: &mut SplitMix64) {
        let normal: f64 = (0..6).map(|_| rng.uniform()).sum::<f64>() - 3.0;
        let v = 0.08 * (normal * 0.9).exp();
        // Bucket i holds (2^((i-1)/8), 2^(i/8)].
        let idx = (v.log2() * f64::from(1 << SCHEMA)).ceil() as i32;
        *self.counts.entry(idx).or_default() += 1;
        self.count += 1;
        self.sum += v;
        let k = CLASSIC_BOUNDS.partition_point(|b| *b < v);
        self.classic[k] += 1;
    }

    /// The integer histogram a scrape reads: spans and delta-encoded buckets.
    fn histogram(&self) -> Histogram {
        let mut spans: Vec<Span> = Vec::new();
        let mut deltas = Vec::with_capacity(self.counts.len());
        let (mut prev_idx, mut prev_count) = (None::<i32>, 0i64);
        for (&idx, &c) in &self.counts {
            match prev_idx {
                Some(p) if idx == p + 1 => spans.last_mut().expect("a span").length += 1,
                Some(p) => spans.push(Span {
                    offset: idx - p - 1,
                    length: 1,
                }),
                None => spans.push(Span {
                    offset: idx,
                    length: 1,
                }),
            }
            deltas.push(c as i64 - prev_count);
            (prev_idx, prev_count) = (Some(idx), c as i64);
        }
        Histogram {
            schema: SCHEMA,
            zero_threshold: 2f64.powi(-128),
            count: self.count,
            sum: self.sum,
            positive_spans: spans,
            positive_buckets: deltas,
            ..Histogram::default()
        }
    }
}

/// `series` latency histograms, `samples_per_series` scrapes each.
pub fn run(series: usize, samples_per_series: usize) -> NativeReport {
    let mut rng = SplitMix64::new(0x5eed);
    let mut head = Head::default();
    let mut classic = Head::default();
    let refs: Vec<_> = (0..series)
        .map(|i| {
            let labels = Labels::new(&[
                ("__name__", "http_request_duration_seconds"),
                ("instance", &format!("host-{}:8080", i % 50)),
                ("route", &format!("/route/{}", i / 50)),
            ]);
            head.get_or_create(&labels).0
        })
        .collect();
    // The classic comparison: 11 buckets + +Inf, _sum, _count per histogram.
    let classic_refs: Vec<Vec<_>> = (0..series)
        .map(|i| {
            (0..CLASSIC_BOUNDS.len() + 3)
                .map(|k| {
                    let labels = Labels::new(&[
                        ("__name__", "classic"),
                        ("k", &k.to_string()),
                        ("series", &i.to_string()),
                    ]);
                    classic.get_or_create(&labels).0
                })
                .collect()
        })
        .collect();
    let mut clients: Vec<Client> = (0..series).map(|_| Client::new()).collect();
    let t0 = 1_700_000_000_000i64;
    let mut append_secs = 0.0;
    for k in 0..samples_per_series {
        let t = t0 + k as i64 * 15_000;
        let mut scraped = Vec::with_capacity(series);
        for c in &mut clients {
            for _ in 0..rng.below(50) {
                c.observe(&mut rng);
            }
            scraped.push(c.histogram());
        }
        let start = Instant::now();
        for (&r, h) in refs.iter().zip(&scraped) {
            head.append_histogram(r, t, h).expect("in-order sample");
        }
        append_secs += start.elapsed().as_secs_f64();
        for (c, rs) in clients.iter().zip(&classic_refs) {
            let mut cumulative = 0;
            for (b, &r) in c.classic.iter().zip(rs) {
                cumulative += b;
                classic.append(r, t, cumulative as f64).expect("in order");
            }
            let n = c.classic.len();
            classic.append(rs[n], t, c.sum).expect("in order");
            classic
                .append(rs[n + 1], t, c.count as f64)
                .expect("in order");
        }
    }
    let start = Instant::now();
    let mut read = 0u64;
    let mut buckets = 0usize;
    for &r in &refs {
        for (_, h) in head.iter_histograms(r, i64::MIN, i64::MAX) {
            buckets += h.positive_buckets.len();
            read += 1;
        }
    }
    let read_secs = start.elapsed().as_secs_f64();
    let samples = head.num_samples();
    assert_eq!(read, samples, "every sample reads back");
    let rate = |secs: f64| samples as f64 / secs.max(f64::MIN_POSITIVE);
    NativeReport {
        series,
        samples,
        append_samples_per_sec: rate(append_secs),
        read_samples_per_sec: rate(read_secs),
        chunk_bytes_per_sample: head.chunk_bytes() as f64 / samples.max(1) as f64,
        buckets_per_sample: buckets as f64 / read.max(1) as f64,
        classic_bytes_per_scrape: classic.chunk_bytes() as f64 / samples.max(1) as f64,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tiny_run_reports_consistent_numbers() {
        let r = super::run(4, 200);
        assert_eq!(r.samples, 800);
        assert!(r.buckets_per_sample > 5.0, "{r}");
        assert!(r.chunk_bytes_per_sample > 0.5, "{r}");
        // About the bytes of the 13 classic series, at several times the resolution.
        assert!(
            r.chunk_bytes_per_sample < 1.5 * r.classic_bytes_per_scrape,
            "{r}"
        );
        assert!(r.buckets_per_sample > 3.0 * 11.0, "{r}");
    }
}
