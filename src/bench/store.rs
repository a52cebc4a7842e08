//! A throughput and compression benchmark for the store (native only: it reads the
//! clock). The CLI runs it in release; a unit test runs it tiny to keep it working.
//!
//! Data: regular scrapes every 15 s (exact timestamps, as promplay's simulated
//! scrapes are) of a mix shaped like a histogram-heavy real target; the report gives
//! bytes/sample per shape too, since the figure depends on the data above all:
//!
//! | share | shape | e.g. |
//! |---|---|---|
//! | 25% | constant | `up`, `*_info`, limits |
//! | 30% | slow counter: +0 half the time, else +1..5 | histogram buckets, error counts |
//! | 15% | busy counter: +0..99 | request and byte counts |
//! | 10% | CPU-seconds counter: +0.00..0.29 | `process_cpu_seconds_total` |
//! | 20% | step gauge: ±0..4 one scrape in ten | queue lengths, goroutines |

use std::time::Instant;

use crate::rng::SplitMix64;
use crate::tsdb::{Head, Labels};

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
    /// Chunk bytes per sample for each data shape: (shape, bytes/sample).
    pub per_shape: Vec<(&'static str, f64)>,
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
        )?;
        for (shape, b) in &self.per_shape {
            write!(f, "\n  {shape:<16} {b:.3} chunk bytes/sample")?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Constant,
    SlowCounter,
    BusyCounter,
    CpuSeconds,
    StepGauge,
}

impl Shape {
    const ALL: [Shape; 5] = [
        Shape::Constant,
        Shape::SlowCounter,
        Shape::BusyCounter,
        Shape::CpuSeconds,
        Shape::StepGauge,
    ];

    fn of(i: usize) -> Shape {
        match i % 20 {
            0..=4 => Shape::Constant,
            5..=10 => Shape::SlowCounter,
            11..=13 => Shape::BusyCounter,
            14 | 15 => Shape::CpuSeconds,
            _ => Shape::StepGauge,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Shape::Constant => "constant",
            Shape::SlowCounter => "slow counter",
            Shape::BusyCounter => "busy counter",
            Shape::CpuSeconds => "cpu seconds",
            Shape::StepGauge => "step gauge",
        }
    }

    fn next(self, v: f64, rng: &mut SplitMix64) -> f64 {
        match self {
            Shape::Constant => v,
            Shape::SlowCounter if rng.below(2) == 0 => v,
            Shape::SlowCounter => v + (1 + rng.below(5)) as f64,
            Shape::BusyCounter => v + rng.below(100) as f64,
            Shape::CpuSeconds => v + rng.below(30) as f64 * 0.01,
            Shape::StepGauge if rng.below(10) == 0 => (v + rng.below(9) as f64 - 4.0).max(0.0),
            Shape::StepGauge => v,
        }
    }
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

    let shapes: Vec<Shape> = (0..series).map(Shape::of).collect();
    let mut values: Vec<f64> = (0..series).map(|_| rng.below(1000) as f64).collect();
    let mut append_secs = 0.0;
    let t0 = 1_700_000_000_000i64;
    for k in 0..samples_per_series {
        let t = t0 + k as i64 * 15_000;
        for (v, shape) in values.iter_mut().zip(&shapes) {
            *v = shape.next(*v, &mut rng);
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
    let per_shape = Shape::ALL
        .iter()
        .filter(|shape| shapes.contains(shape))
        .map(|&shape| {
            let (mut bytes, mut n) = (0usize, 0usize);
            for (r, _) in refs.iter().zip(&shapes).filter(|(_, s)| **s == shape) {
                let s = head.series[r.0 as usize].as_deref().expect("live series");
                bytes += s
                    .sealed
                    .iter()
                    .map(|c| c.chunk.bytes().len())
                    .sum::<usize>();
                bytes += s.head.as_ref().map_or(0, |h| h.app.bytes().len());
                n += s
                    .sealed
                    .iter()
                    .map(|c| c.chunk.num_samples())
                    .sum::<usize>();
                n += s.head.as_ref().map_or(0, |h| h.app.num_samples());
            }
            (shape.name(), bytes as f64 / n.max(1) as f64)
        })
        .collect();
    BenchReport {
        per_shape,
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
        assert_eq!(r.per_shape.len(), 5);
        assert_eq!(r.per_shape[0].0, "constant");
        // Constant series: 2 bits a sample plus each chunk's first samples.
        assert!(r.per_shape[0].1 < 0.5, "{:?}", r.per_shape);
    }
}
