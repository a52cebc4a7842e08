//! A throughput and compression benchmark for the store (native only: it reads the
//! clock). The CLI runs it in release; a unit test runs it tiny to keep it working.
//!
//! Data: regular scrapes every 15 s (exact timestamps, as promplay's simulated
//! scrapes are), of a mix shaped like real targets: 30% counters with integer
//! increments, 20% CPU-seconds counters (increments of 0.01 s), 30% gauges that change
//! by whole steps now and then, 20% constant series (`up`, info metrics).

use std::time::Instant;

use super::rng::SplitMix64;
use super::{Head, Labels};

/// What `run` measured.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchReport {
    pub series: usize,
    pub samples: u64,
    /// Creating the series (`get_or_create`, the slow path).
    pub create_secs: f64,
    /// Appending every sample by reference (the fast path).
    pub append_secs: f64,
    pub append_samples_per_sec: f64,
    /// Reading every series' whole range back.
    pub read_secs: f64,
    pub read_samples_per_sec: f64,
    /// Encoded chunk bytes per sample (Prometheus's compression figure).
    pub chunk_bytes_per_sample: f64,
    /// All estimated memory (`Head::bytes`) per sample.
    pub total_bytes_per_sample: f64,
    pub bytes: usize,
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "series:   {}  samples: {}", self.series, self.samples)?;
        writeln!(
            f,
            "append:   {:.1} M samples/s ({:.3} s; series creation {:.3} s)",
            self.append_samples_per_sec / 1e6,
            self.append_secs,
            self.create_secs
        )?;
        writeln!(
            f,
            "read:     {:.1} M samples/s ({:.3} s)",
            self.read_samples_per_sec / 1e6,
            self.read_secs
        )?;
        write!(
            f,
            "size:     {:.3} chunk bytes/sample, {:.3} bytes/sample all in ({} bytes)",
            self.chunk_bytes_per_sample, self.total_bytes_per_sample, self.bytes
        )
    }
}

#[derive(Clone, Copy)]
enum Shape {
    Counter,
    CpuSeconds,
    StepGauge,
    Constant,
}

/// Appends `samples_per_series` samples to each of `series` series, reads them back,
/// and reports throughput and size.
pub fn run(series: usize, samples_per_series: usize) -> BenchReport {
    let mut rng = SplitMix64::new(0x5eed);
    let mut head = Head::default();
    let start = Instant::now();
    let refs: Vec<_> = (0..series)
        .map(|i| {
            let labels = Labels::new(&[
                ("__name__", &format!("metric_{}", i % 100)),
                ("instance", &format!("host-{}:9100", i / 100 % 50)),
                ("job", "node"),
                ("series", &i.to_string()),
            ]);
            head.get_or_create(&labels).0
        })
        .collect();
    let create_secs = start.elapsed().as_secs_f64();

    let shapes: Vec<Shape> = (0..series)
        .map(|i| match i % 10 {
            0..=2 => Shape::Counter,
            3 | 4 => Shape::CpuSeconds,
            5..=7 => Shape::StepGauge,
            _ => Shape::Constant,
        })
        .collect();
    let mut values: Vec<f64> = (0..series).map(|_| rng.below(1000) as f64).collect();
    let mut append_secs = 0.0;
    let t0 = 1_700_000_000_000i64;
    for k in 0..samples_per_series {
        let t = t0 + k as i64 * 15_000;
        for (v, shape) in values.iter_mut().zip(&shapes) {
            *v = match shape {
                Shape::Counter => *v + rng.below(20) as f64,
                Shape::CpuSeconds => *v + rng.below(30) as f64 * 0.01,
                Shape::StepGauge if rng.below(10) == 0 => (*v + rng.below(9) as f64 - 4.0).max(0.0),
                Shape::StepGauge | Shape::Constant => *v,
            };
        }
        let start = Instant::now();
        for (&r, &v) in refs.iter().zip(&values) {
            head.append(r, t, v).expect("in-order sample");
        }
        append_secs += start.elapsed().as_secs_f64();
    }

    let start = Instant::now();
    let mut read = 0u64;
    let mut sum = 0.0;
    for &r in &refs {
        for (_, v) in head.iter(r, i64::MIN, i64::MAX) {
            sum += v;
            read += 1;
        }
    }
    let read_secs = start.elapsed().as_secs_f64();
    std::hint::black_box(sum);

    let samples = head.num_samples();
    assert_eq!(read, samples, "every sample reads back");
    let per = |x: f64| {
        if samples == 0 {
            0.0
        } else {
            x / samples as f64
        }
    };
    let rate = |secs: f64| {
        if secs > 0.0 {
            samples as f64 / secs
        } else {
            0.0
        }
    };
    BenchReport {
        series,
        samples,
        create_secs,
        append_secs,
        append_samples_per_sec: rate(append_secs),
        read_secs,
        read_samples_per_sec: rate(read_secs),
        chunk_bytes_per_sample: per(head.chunk_bytes() as f64),
        total_bytes_per_sample: per(head.bytes() as f64),
        bytes: head.bytes(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tiny_run_reports_consistent_numbers() {
        let r = super::run(20, 300);
        assert_eq!(r.series, 20);
        assert_eq!(r.samples, 6000);
        assert!(r.chunk_bytes_per_sample > 0.0 && r.chunk_bytes_per_sample < 3.0);
        assert!(r.total_bytes_per_sample > r.chunk_bytes_per_sample);
        assert!(r.to_string().contains("samples/s"));
    }
}
