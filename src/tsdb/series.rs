//! One series in memory (Prometheus's `memSeries`): its labels, its sealed chunks
//! oldest first, and the open head chunk that takes appends.
//!
//! Chunks are cut as Prometheus's head cuts them: at the end of the chunk range
//! (aligned to `chunk_range`, 2 h by default), or earlier once a quarter of
//! `samples_per_chunk` shows the rate, so that the range splits into chunks of
//! about `samples_per_chunk` samples; and always at twice that count.

use std::collections::VecDeque;

use crate::histogram::{FloatHistogram, Histogram};

use super::AppendError;
use super::chunk::{Appender, ChunkData, HistogramDecoder};
use super::chunkenc::{AppendOutcome, Encoding, XorIterator};
use super::labels::Labels;
use super::{STALE_NAN, is_stale_nan};

/// Histogram chunks aim at this size (Prometheus's `TargetBytesPerHistogramChunk`)...
const HISTOGRAM_TARGET_BYTES: usize = 1024;
/// ...but hold at least this many samples unless the chunk range ends first.
const HISTOGRAM_MIN_SAMPLES: usize = 10;
/// The chunk encodings count samples in 16 bits.
const MAX_CHUNK_SAMPLES: usize = u16::MAX as usize - 1;
/// Float samples each series also keeps decoded, newest last: 8 minutes at 15 s
/// scrapes, enough for the windows rules and live panels read at the head (`[1m]`,
/// `[5m]`, the 5 m lookback), which would otherwise decode the head chunk from its
/// first sample on every evaluation.
pub(crate) const RECENT_SAMPLES: usize = 32;

/// A finished chunk with its time bounds (Prometheus's chunk meta).
#[derive(Clone, Debug)]
pub(crate) struct SealedChunk {
    pub min_t: i64,
    pub max_t: i64,
    pub chunk: ChunkData,
}

/// The chunk being appended to.
#[derive(Clone, Debug)]
pub(crate) struct HeadChunk {
    pub min_t: i64,
    pub max_t: i64,
    pub app: Appender,
}

/// What an append did, for the head's counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Appended {
    /// A sample was stored; the head chunk grew by this many bytes (a new chunk
    /// counts its first bytes; a recoded one the difference) and `cut` says
    /// whether a chunk was started.
    Sample { grew: isize, cut: bool },
    /// Same timestamp and same value as the last sample: ignored, as Prometheus does.
    Duplicate,
}

/// The last sample's value, for duplicates and for the kind of a stale marker.
#[derive(Clone, Debug, PartialEq)]
enum Last {
    /// Value bits, so NaNs compare exactly.
    Float(u64),
    Histogram(Box<Histogram>),
    FloatHistogram(Box<FloatHistogram>),
}

/// A sample to append, of any kind.
enum Value<'a> {
    Float(f64),
    Histogram(&'a Histogram),
    FloatHistogram(&'a FloatHistogram),
}

impl Value<'_> {
    fn encoding(&self) -> Encoding {
        match self {
            Value::Float(_) => Encoding::Xor,
            Value::Histogram(_) => Encoding::Histogram,
            Value::FloatHistogram(_) => Encoding::FloatHistogram,
        }
    }

    fn same_as(&self, last: &Last) -> bool {
        match (self, last) {
            (Value::Float(v), Last::Float(bits)) => v.to_bits() == *bits,
            (Value::Histogram(h), Last::Histogram(l)) => h.equals(l),
            (Value::FloatHistogram(h), Last::FloatHistogram(l)) => h.equals(l),
            _ => false,
        }
    }

    fn to_last(&self) -> Last {
        match self {
            Value::Float(v) => Last::Float(v.to_bits()),
            Value::Histogram(h) => Last::Histogram(Box::new((*h).clone())),
            Value::FloatHistogram(h) => Last::FloatHistogram(Box::new((*h).clone())),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct MemSeries {
    pub labels: Labels,
    pub sealed: VecDeque<SealedChunk>,
    pub head: Option<HeadChunk>,
    /// Timestamp at which the head chunk is cut.
    next_at: i64,
    /// A histogram head chunk's end time was estimated from its size.
    histogram_end_computed: bool,
    last: Option<(i64, Last)>,
    /// The newest float samples (at most [`RECENT_SAMPLES`]), decoded, with every
    /// stored sample from the first one on: emptied when a histogram is appended.
    recent: VecDeque<(i64, f64)>,
}

impl MemSeries {
    pub fn new(labels: Labels) -> MemSeries {
        MemSeries {
            labels,
            sealed: VecDeque::new(),
            head: None,
            next_at: i64::MIN,
            histogram_end_computed: false,
            last: None,
            recent: VecDeque::new(),
        }
    }

    pub fn num_chunks(&self) -> usize {
        self.sealed.len() + usize::from(self.head.is_some())
    }

    pub fn min_time(&self) -> Option<i64> {
        self.sealed
            .front()
            .map(|c| c.min_t)
            .or(self.head.as_ref().map(|h| h.min_t))
    }

    pub fn max_time(&self) -> Option<i64> {
        self.head
            .as_ref()
            .map(|h| h.max_t)
            .or(self.sealed.back().map(|c| c.max_t))
    }

    /// Appends a float. A stale marker after a histogram becomes a histogram
    /// stale marker of the same kind, as Prometheus's head does.
    pub fn append(
        &mut self,
        t: i64,
        v: f64,
        samples_per_chunk: usize,
        chunk_range: i64,
    ) -> Result<Appended, AppendError> {
        if is_stale_nan(v) {
            match self.last.as_ref().map(|(_, l)| l) {
                Some(Last::Histogram(_)) => {
                    let stale = Histogram {
                        sum: f64::from_bits(STALE_NAN),
                        ..Histogram::default()
                    };
                    return self.append_value(
                        t,
                        Value::Histogram(&stale),
                        samples_per_chunk,
                        chunk_range,
                    );
                }
                Some(Last::FloatHistogram(_)) => {
                    let stale = FloatHistogram {
                        sum: f64::from_bits(STALE_NAN),
                        ..FloatHistogram::default()
                    };
                    return self.append_value(
                        t,
                        Value::FloatHistogram(&stale),
                        samples_per_chunk,
                        chunk_range,
                    );
                }
                _ => {}
            }
        }
        self.append_value(t, Value::Float(v), samples_per_chunk, chunk_range)
    }

    pub fn append_histogram(
        &mut self,
        t: i64,
        h: &Histogram,
        chunk_range: i64,
    ) -> Result<Appended, AppendError> {
        self.append_value(t, Value::Histogram(h), 0, chunk_range)
    }

    pub fn append_float_histogram(
        &mut self,
        t: i64,
        h: &FloatHistogram,
        chunk_range: i64,
    ) -> Result<Appended, AppendError> {
        self.append_value(t, Value::FloatHistogram(h), 0, chunk_range)
    }

    fn append_value(
        &mut self,
        t: i64,
        value: Value<'_>,
        samples_per_chunk: usize,
        chunk_range: i64,
    ) -> Result<Appended, AppendError> {
        if let Some((last_t, last)) = &self.last {
            if t < *last_t {
                return Err(AppendError::OutOfOrder { t, last_t: *last_t });
            }
            if t == *last_t {
                if value.same_as(last) {
                    return Ok(Appended::Duplicate);
                }
                return Err(match (&value, last) {
                    (Value::Float(new), Last::Float(bits)) => AppendError::Duplicate {
                        t,
                        existing: f64::from_bits(*bits),
                        new: *new,
                    },
                    _ => AppendError::DuplicateHistogram { t },
                });
            }
        }
        let encoding = value.encoding();
        let cut = match &self.head {
            None => true,
            Some(h) if h.app.encoding() != encoding => true,
            Some(h) if encoding == Encoding::Xor => {
                let n = h.app.num_samples();
                if n == samples_per_chunk / 4 {
                    // Enough samples to see the rate: aim for evenly filled chunks.
                    self.next_at = compute_chunk_end_time(h.min_t, h.max_t, self.next_at, 4.0);
                }
                t >= self.next_at || n >= samples_per_chunk * 2
            }
            Some(h) => {
                // Histogram chunks are cut by size (upstream's
                // `histogramsAppendPreprocessor`).
                let n = h.app.num_samples();
                let bytes = h.app.bytes().len();
                let range_start = if self.histogram_end_computed {
                    range_end(h.min_t, chunk_range)
                } else {
                    self.next_at
                };
                if !self.histogram_end_computed && bytes >= HISTOGRAM_TARGET_BYTES / 4 {
                    let ratio = HISTOGRAM_TARGET_BYTES as f64 / bytes as f64;
                    self.next_at = compute_chunk_end_time(h.min_t, h.max_t, self.next_at, ratio);
                    self.histogram_end_computed = true;
                }
                ((t >= self.next_at || bytes >= HISTOGRAM_TARGET_BYTES * 2)
                    && (n >= HISTOGRAM_MIN_SAMPLES || t >= range_start))
                    || n >= MAX_CHUNK_SAMPLES
            }
        };
        // The previous chunk's appender decides a new histogram chunk's header.
        let prev = if cut {
            self.cut(t, encoding, chunk_range)
        } else {
            None
        };
        let h = self.head.as_mut().expect("head chunk after cut");
        let before = h.app.bytes().len() as isize;
        let new_chunk = match (&mut h.app, &value) {
            (Appender::Xor(app), Value::Float(v)) => {
                app.append(t, *v);
                None
            }
            (Appender::Histogram(app), Value::Histogram(hist)) => {
                let prev = match &prev {
                    Some(Appender::Histogram(p)) => Some(p),
                    _ => None,
                };
                match app.append_histogram_after(prev, t, hist) {
                    AppendOutcome::NewChunk { app, .. } => Some(Appender::Histogram(app)),
                    AppendOutcome::Appended | AppendOutcome::Recoded => None,
                }
            }
            (Appender::FloatHistogram(app), Value::FloatHistogram(hist)) => {
                let prev = match &prev {
                    Some(Appender::FloatHistogram(p)) => Some(p),
                    _ => None,
                };
                match app.append_histogram_after(prev, t, hist) {
                    AppendOutcome::NewChunk { app, .. } => Some(Appender::FloatHistogram(app)),
                    AppendOutcome::Appended | AppendOutcome::Recoded => None,
                }
            }
            _ => unreachable!("the head chunk has the sample's encoding"),
        };
        let mut cut = cut;
        let grew = match new_chunk {
            None => {
                h.max_t = t;
                h.app.bytes().len() as isize - if cut { 0 } else { before }
            }
            Some(app) => {
                // A counter reset, or a layout the chunk cannot take: a new chunk.
                let grew = app.bytes().len() as isize;
                let old = std::mem::replace(
                    h,
                    HeadChunk {
                        min_t: t,
                        max_t: t,
                        app,
                    },
                );
                self.sealed.push_back(SealedChunk {
                    min_t: old.min_t,
                    max_t: old.max_t,
                    chunk: old.app.finish(),
                });
                self.next_at = range_end(t, chunk_range);
                self.histogram_end_computed = false;
                cut = true;
                grew
            }
        };
        match value {
            Value::Float(v) => {
                if self.recent.len() == RECENT_SAMPLES {
                    self.recent.pop_front();
                }
                self.recent.push_back((t, v));
            }
            _ => self.recent.clear(),
        }
        self.last = Some((t, value.to_last()));
        Ok(Appended::Sample { grew, cut })
    }

    /// Seals the head chunk (if any) and opens a new one of `encoding` starting
    /// at `t`; returns the sealed chunk's appender state for a histogram header.
    fn cut(&mut self, t: i64, encoding: Encoding, chunk_range: i64) -> Option<Appender> {
        // Reserve about what the last chunk took: series tend to compress alike.
        let mut cap = 32;
        let mut prev = None;
        if let Some(h) = self.head.take() {
            cap = h.app.bytes().len() + 8;
            if h.app.encoding() != Encoding::Xor {
                prev = Some(h.app.clone());
            }
            self.sealed.push_back(SealedChunk {
                min_t: h.min_t,
                max_t: h.max_t,
                chunk: h.app.finish(),
            });
        }
        self.head = Some(HeadChunk {
            min_t: t,
            max_t: t,
            app: Appender::new(encoding, cap),
        });
        self.next_at = range_end(t, chunk_range);
        self.histogram_end_computed = false;
        prev
    }

    /// Drops the oldest chunk; returns its (bytes, samples) or `None` if none is left.
    pub fn drop_oldest_chunk(&mut self) -> Option<(usize, usize)> {
        if let Some(c) = self.sealed.pop_front() {
            while self.recent.front().is_some_and(|(t, _)| *t <= c.max_t) {
                self.recent.pop_front();
            }
            return Some((c.chunk.bytes().len(), c.chunk.num_samples()));
        }
        let h = self.head.take()?;
        self.recent.clear();
        Some((h.app.bytes().len(), h.app.num_samples()))
    }

    /// The oldest chunk's (min time, max time).
    pub fn oldest_chunk_range(&self) -> Option<(i64, i64)> {
        self.sealed
            .front()
            .map(|c| (c.min_t, c.max_t))
            .or(self.head.as_ref().map(|h| (h.min_t, h.max_t)))
    }

    /// The float samples in `mint..=maxt`.
    pub fn iter(&self, mint: i64, maxt: i64) -> SeriesIterator<'_> {
        // A window that starts among the newest samples reads them decoded.
        if self.recent.front().is_some_and(|(t, _)| *t <= mint) {
            let first = self.recent.partition_point(|(t, _)| *t < mint);
            return SeriesIterator {
                recent: Some(self.recent.range(first..)),
                mint,
                maxt,
                ..SeriesIterator::empty()
            };
        }
        // Chunks are in time order: skip those ending before `mint` by binary search.
        let first = self.sealed.partition_point(|c| c.max_t < mint);
        SeriesIterator {
            sealed: self.sealed.range(first..),
            head: self.head.as_ref(),
            cur: None,
            recent: None,
            mint,
            maxt,
        }
    }

    /// The native-histogram samples in `mint..=maxt`, as float histograms, with the
    /// counter-reset hints their chunks give them; stale markers included.
    pub fn iter_histograms(
        &self,
        mint: i64,
        maxt: i64,
    ) -> impl Iterator<Item = (i64, FloatHistogram)> + '_ {
        self.chunks_in(mint, maxt)
            .filter_map(|(encoding, bytes)| HistogramDecoder::new(encoding, bytes))
            .flatten()
            .skip_while(move |(t, _)| *t < mint)
            .take_while(move |(t, _)| *t <= maxt)
    }

    /// Whether a chunk overlapping `mint..=maxt` holds histograms: a cheap test
    /// before reading them (most series hold floats alone).
    pub fn has_histograms_in(&self, mint: i64, maxt: i64) -> bool {
        self.chunks_in(mint, maxt).any(|(e, _)| e != Encoding::Xor)
    }

    /// The encoding and bytes of the chunks that may hold samples in
    /// `mint..=maxt`, oldest first.
    fn chunks_in(&self, mint: i64, maxt: i64) -> impl Iterator<Item = (Encoding, &[u8])> + '_ {
        // A window that starts among the newest samples holds floats alone: they
        // are every sample since the last histogram.
        let floats_only = self.recent.front().is_some_and(|(t, _)| *t <= mint);
        let first = if floats_only {
            self.sealed.len()
        } else {
            self.sealed.partition_point(|c| c.max_t < mint)
        };
        let sealed = self
            .sealed
            .range(first..)
            .map(|c| (c.min_t, c.chunk.encoding(), c.chunk.bytes()));
        let head = self
            .head
            .as_ref()
            .filter(|_| !floats_only)
            .map(|h| (h.min_t, h.app.encoding(), h.app.bytes()));
        sealed
            .chain(head)
            .take_while(move |(min_t, _, _)| *min_t <= maxt)
            .map(|(_, encoding, bytes)| (encoding, bytes))
    }

    /// Whether any chunk holds histograms.
    pub fn has_histograms(&self) -> bool {
        self.sealed
            .iter()
            .map(|c| c.chunk.encoding())
            .chain(self.head.as_ref().map(|h| h.app.encoding()))
            .any(|e| e != Encoding::Xor)
    }
}

/// Float samples of one series with `mint <= t <= maxt`, in time order.
#[derive(Clone, Debug)]
pub struct SeriesIterator<'a> {
    sealed: std::collections::vec_deque::Iter<'a, SealedChunk>,
    head: Option<&'a HeadChunk>,
    cur: Option<XorIterator<'a>>,
    /// Set when the window is served from the decoded newest samples instead.
    recent: Option<std::collections::vec_deque::Iter<'a, (i64, f64)>>,
    mint: i64,
    maxt: i64,
}

impl<'a> SeriesIterator<'a> {
    /// An iterator over nothing (an unknown series).
    pub(crate) fn empty() -> SeriesIterator<'a> {
        SeriesIterator {
            sealed: Default::default(),
            head: None,
            cur: None,
            recent: None,
            mint: 0,
            maxt: -1,
        }
    }

    fn next_chunk(&mut self) -> Option<(i64, i64, Encoding, &'a [u8])> {
        if let Some(c) = self.sealed.next() {
            return Some((c.min_t, c.max_t, c.chunk.encoding(), c.chunk.bytes()));
        }
        let h = self.head.take()?;
        Some((h.min_t, h.max_t, h.app.encoding(), h.app.bytes()))
    }
}

impl Iterator for SeriesIterator<'_> {
    type Item = (i64, f64);

    #[inline]
    fn next(&mut self) -> Option<(i64, f64)> {
        if let Some(recent) = &mut self.recent {
            return recent.next().copied().filter(|(t, _)| *t <= self.maxt);
        }
        loop {
            if let Some(it) = &mut self.cur {
                for (t, v) in it.by_ref() {
                    if t < self.mint {
                        continue;
                    }
                    if t > self.maxt {
                        break;
                    }
                    return Some((t, v));
                }
                self.cur = None;
            }
            if self.mint > self.maxt {
                return None;
            }
            let (min_t, max_t, encoding, bytes) = self.next_chunk()?;
            if min_t > self.maxt {
                self.head = None;
                self.sealed = Default::default();
                return None;
            }
            if max_t >= self.mint && encoding == Encoding::Xor {
                self.cur = Some(XorIterator::new(bytes));
            }
        }
    }
}

/// The end of the aligned range holding `t` (Prometheus's `rangeForTimestamp`).
fn range_end(t: i64, width: i64) -> i64 {
    (t.div_euclid(width) * width).saturating_add(width)
}

/// Prometheus's `computeChunkEndTime`: given a chunk from `start` to `cur` holding
/// `1/ratio` of its target, the end time that splits `start..max_t` into equal chunks.
fn compute_chunk_end_time(start: i64, cur: i64, max_t: i64, ratio: f64) -> i64 {
    let n = (max_t as f64 - start as f64) / ((cur as f64 - start as f64 + 1.0) * ratio);
    if n <= 1.0 {
        return max_t;
    }
    (start as f64 + (max_t as f64 - start as f64) / n.floor()) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    const RANGE: i64 = 2 * 3600 * 1000;

    #[test]
    fn scrape_every_15s_cuts_four_chunks_of_120_per_2h() {
        let mut s = MemSeries::new(Labels::new(&[("__name__", "x")]));
        for i in 0..(4 * 120) {
            s.append(i * 15_000, i as f64, 120, RANGE).unwrap();
        }
        let sizes: Vec<usize> = s.sealed.iter().map(|c| c.chunk.num_samples()).collect();
        assert_eq!(sizes, vec![120, 120, 120]);
        assert_eq!(s.head.as_ref().unwrap().app.num_samples(), 120);
        // The next sample starts the next range.
        assert_eq!(
            s.append(480 * 15_000, 0.0, 120, RANGE),
            // header 2 + varint(7_200_000) 4 + value 8
            Ok(Appended::Sample {
                grew: 14,
                cut: true
            })
        );
    }

    #[test]
    fn the_rate_estimate_fills_chunks_and_a_rate_jump_cuts_at_twice_the_target() {
        let mut s = MemSeries::new(Labels::default());
        // 1 ms apart: the estimate at 30 samples places the end at 120 samples.
        for i in 0..1000 {
            s.append(i, 1.0, 120, RANGE).unwrap();
        }
        assert!(s.sealed.iter().all(|c| c.chunk.num_samples() == 120));
        assert_eq!(s.sealed.len(), 8);
        // 30 samples 15 s apart set a far end; then 1 ms apart: cut at 240.
        let mut s = MemSeries::new(Labels::default());
        let mut t = 0;
        for _ in 0..30 {
            s.append(t, 1.0, 120, RANGE).unwrap();
            t += 15_000;
        }
        for _ in 0..300 {
            s.append(t, 1.0, 120, RANGE).unwrap();
            t += 1;
        }
        assert_eq!(s.sealed.len(), 1);
        assert_eq!(s.sealed[0].chunk.num_samples(), 240);
    }

    #[test]
    fn iterator_bounds_are_inclusive_and_skip_chunks() {
        let mut s = MemSeries::new(Labels::default());
        for i in 0..1000 {
            s.append(i * 10_000, i as f64, 120, RANGE).unwrap();
        }
        let got: Vec<i64> = s.iter(20_000, 50_000).map(|(t, _)| t).collect();
        assert_eq!(got, vec![20_000, 30_000, 40_000, 50_000]);
        let got: Vec<i64> = s.iter(9_985_000, 20_000_000).map(|(t, _)| t).collect();
        assert_eq!(got, vec![9_990_000]);
        assert_eq!(s.iter(5_001, 5_999).count(), 0);
        assert_eq!(s.iter(10, 5).count(), 0);
        assert_eq!(s.iter(i64::MIN, i64::MAX).count(), 1000);
    }
}

#[cfg(test)]
mod histogram_tests {
    use super::*;
    use crate::histogram::CounterResetHint;
    use crate::histogram::notation::parse_histogram;

    const RANGE: i64 = 2 * 3600 * 1000;

    #[test]
    fn a_count_going_down_cuts_a_chunk_whose_first_sample_is_unknown() {
        let mut s = MemSeries::new(Labels::default());
        for (i, count) in [0, 2, 3, 2].iter().enumerate() {
            let h = parse_histogram(&format!(
                "{{{{schema:0 sum:1 count:{count} buckets:[1 1 1]}}}}"
            ))
            .unwrap();
            s.append_float_histogram(i as i64 * 60_000, &h, RANGE)
                .unwrap();
        }
        let hints: Vec<CounterResetHint> = s
            .iter_histograms(i64::MIN, i64::MAX)
            .map(|(_, h)| h.counter_reset_hint)
            .collect();
        assert_eq!(
            hints,
            vec![
                CounterResetHint::Unknown,
                CounterResetHint::NotCounterReset,
                CounterResetHint::NotCounterReset,
                // Upstream cannot trust that the previous chunk is the one before.
                CounterResetHint::Unknown
            ]
        );
        assert_eq!(s.num_chunks(), 2);
    }
}

#[cfg(test)]
mod recent_tests {
    use super::*;

    const RANGE: i64 = 2 * 3600 * 1000;

    /// Every window, read through the decoded newest samples or the chunks.
    fn all_windows_agree(s: &MemSeries, times: &[i64]) {
        let from_chunks = |mint: i64, maxt: i64| -> Vec<(i64, u64)> {
            let mut it = s.iter(i64::MIN, i64::MAX);
            // The full range never starts among the newest samples: chunks only.
            assert!(it.recent.is_none());
            it.by_ref()
                .filter(|(t, _)| (mint..=maxt).contains(t))
                .map(|(t, v)| (t, v.to_bits()))
                .collect()
        };
        for &mint in times {
            for &maxt in times {
                for (lo, hi) in [(mint, maxt), (mint - 1, maxt + 1), (mint + 1, maxt - 1)] {
                    let got: Vec<(i64, u64)> =
                        s.iter(lo, hi).map(|(t, v)| (t, v.to_bits())).collect();
                    assert_eq!(got, from_chunks(lo, hi), "window {lo}..={hi}");
                }
            }
        }
    }

    #[test]
    fn windows_at_the_head_read_the_decoded_samples_and_equal_the_chunks() {
        let mut s = MemSeries::new(Labels::default());
        let mut times = Vec::new();
        for i in 0..300 {
            let t = i * 15_000;
            let v = if i % 50 == 7 {
                f64::from_bits(STALE_NAN)
            } else {
                (i * i) as f64 / 3.0
            };
            s.append(t, v, 120, RANGE).unwrap();
            times.push(t);
        }
        assert_eq!(s.recent.len(), RECENT_SAMPLES);
        // A [1m] window at the head is served decoded.
        assert!(s.iter(299 * 15_000 - 60_000, 299 * 15_000).recent.is_some());
        all_windows_agree(&s, &times[250..]);
        // Retention drops old chunks: what they held leaves the decoded samples too.
        while !s.sealed.is_empty() {
            s.drop_oldest_chunk();
            all_windows_agree(&s, &times[250..]);
        }
        s.drop_oldest_chunk();
        assert!(s.recent.is_empty() && s.iter(i64::MIN, i64::MAX).next().is_none());
    }

    #[test]
    fn a_window_among_the_newest_floats_has_no_histograms() {
        let mut s = MemSeries::new(Labels::default());
        let h = FloatHistogram::default();
        s.append_float_histogram(0, &h, RANGE).unwrap();
        s.append_float_histogram(1000, &h, RANGE).unwrap();
        for i in 2..50 {
            s.append(i * 1000, i as f64, 120, RANGE).unwrap();
        }
        assert_eq!(s.iter_histograms(0, 60_000).count(), 2);
        assert_eq!(s.iter_histograms(1000, 60_000).count(), 1);
        assert_eq!(s.iter_histograms(20_000, 60_000).count(), 0);
        assert_eq!(s.iter(20_000, 60_000).count(), 30);
    }

    #[test]
    fn a_histogram_empties_the_decoded_samples() {
        let mut s = MemSeries::new(Labels::default());
        for i in 0..10 {
            s.append(i * 1000, i as f64, 120, RANGE).unwrap();
        }
        s.append_float_histogram(10_000, &FloatHistogram::default(), RANGE)
            .unwrap();
        assert!(s.recent.is_empty());
        s.append(11_000, 1.0, 120, RANGE).unwrap();
        let times: Vec<i64> = (0..12).map(|i| i * 1000).collect();
        all_windows_agree(&s, &times);
    }
}
