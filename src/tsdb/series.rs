//! One series in memory (Prometheus's `memSeries`): its labels, its sealed chunks
//! oldest first, and the open head chunk that takes appends.
//!
//! Chunks are cut as Prometheus's head cuts them: at the end of the chunk range
//! (aligned to `chunk_range`, 2 h by default), or earlier once a quarter of
//! `samples_per_chunk` shows the rate, so that the range splits into chunks of
//! about `samples_per_chunk` samples; and always at twice that count.

use std::collections::VecDeque;

use super::AppendError;
use super::chunkenc::{XorAppender, XorChunk, XorIterator};
use super::labels::Labels;

/// A finished chunk with its time bounds (Prometheus's chunk meta).
#[derive(Clone, Debug)]
pub(crate) struct SealedChunk {
    pub min_t: i64,
    pub max_t: i64,
    pub chunk: XorChunk,
}

/// The chunk being appended to.
#[derive(Clone, Debug)]
pub(crate) struct HeadChunk {
    pub min_t: i64,
    pub max_t: i64,
    pub app: XorAppender,
}

/// What an append did, for the head's counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Appended {
    /// A sample was stored; the head chunk grew by this many bytes (a new chunk
    /// counts its first bytes) and `cut` says whether a chunk was started.
    Sample { grew: usize, cut: bool },
    /// Same timestamp and same value as the last sample: ignored, as Prometheus does.
    Duplicate,
}

#[derive(Clone, Debug)]
pub(crate) struct MemSeries {
    pub labels: Labels,
    pub sealed: VecDeque<SealedChunk>,
    pub head: Option<HeadChunk>,
    /// Timestamp at which the head chunk is cut.
    next_at: i64,
    /// The last sample: timestamp and value bits (bits, so NaNs compare exactly).
    last: Option<(i64, u64)>,
    /// Native-histogram samples (interim storage until the histogram chunk
    /// encodings land).
    pub histograms: Vec<(i64, crate::histogram::FloatHistogram)>,
}

impl MemSeries {
    pub fn new(labels: Labels) -> MemSeries {
        MemSeries {
            labels,
            sealed: VecDeque::new(),
            head: None,
            next_at: i64::MIN,
            last: None,
            histograms: Vec::new(),
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

    pub fn append(
        &mut self,
        t: i64,
        v: f64,
        samples_per_chunk: usize,
        chunk_range: i64,
    ) -> Result<Appended, AppendError> {
        let vbits = v.to_bits();
        if let Some((last_t, last_v)) = self.last {
            if t < last_t {
                return Err(AppendError::OutOfOrder { t, last_t });
            }
            if t == last_t {
                return if vbits == last_v {
                    Ok(Appended::Duplicate)
                } else {
                    Err(AppendError::Duplicate {
                        t,
                        existing: f64::from_bits(last_v),
                        new: v,
                    })
                };
            }
        }
        let cut = match &self.head {
            None => true,
            Some(h) => {
                let n = h.app.num_samples();
                if n == samples_per_chunk / 4 {
                    // Enough samples to see the rate: aim for evenly filled chunks.
                    self.next_at = compute_chunk_end_time(h.min_t, h.max_t, self.next_at, 4);
                }
                t >= self.next_at || n >= samples_per_chunk * 2
            }
        };
        let before = if cut {
            self.cut(t, chunk_range);
            0
        } else {
            self.head.as_ref().map_or(0, |h| h.app.bytes().len())
        };
        let h = self.head.as_mut().expect("head chunk after cut");
        h.app.append(t, v);
        h.max_t = t;
        self.last = Some((t, vbits));
        Ok(Appended::Sample {
            grew: h.app.bytes().len() - before,
            cut,
        })
    }

    /// Seals the head chunk (if any) and opens a new one starting at `t`.
    fn cut(&mut self, t: i64, chunk_range: i64) {
        // Reserve about what the last chunk took: series tend to compress alike.
        let mut cap = 32;
        if let Some(h) = self.head.take() {
            cap = h.app.bytes().len() + 8;
            self.sealed.push_back(SealedChunk {
                min_t: h.min_t,
                max_t: h.max_t,
                chunk: h.app.finish(),
            });
        }
        self.head = Some(HeadChunk {
            min_t: t,
            max_t: t,
            app: XorAppender::with_capacity(cap),
        });
        self.next_at = range_end(t, chunk_range);
    }

    /// Drops the oldest chunk; returns its (bytes, samples) or `None` if none is left.
    pub fn drop_oldest_chunk(&mut self) -> Option<(usize, usize)> {
        if let Some(c) = self.sealed.pop_front() {
            return Some((c.chunk.bytes().len(), c.chunk.num_samples()));
        }
        let h = self.head.take()?;
        Some((h.app.bytes().len(), h.app.num_samples()))
    }

    /// The oldest chunk's (min time, max time).
    pub fn oldest_chunk_range(&self) -> Option<(i64, i64)> {
        self.sealed
            .front()
            .map(|c| (c.min_t, c.max_t))
            .or(self.head.as_ref().map(|h| (h.min_t, h.max_t)))
    }

    pub fn iter(&self, mint: i64, maxt: i64) -> SeriesIterator<'_> {
        // Chunks are in time order: skip those ending before `mint` by binary search.
        let first = self.sealed.partition_point(|c| c.max_t < mint);
        SeriesIterator {
            sealed: self.sealed.range(first..),
            head: self.head.as_ref(),
            cur: None,
            mint,
            maxt,
        }
    }
}

/// Samples of one series with `mint <= t <= maxt`, in time order.
#[derive(Clone, Debug)]
pub struct SeriesIterator<'a> {
    sealed: std::collections::vec_deque::Iter<'a, SealedChunk>,
    head: Option<&'a HeadChunk>,
    cur: Option<XorIterator<'a>>,
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
            mint: 0,
            maxt: -1,
        }
    }

    fn next_chunk(&mut self) -> Option<(i64, i64, &'a [u8])> {
        if let Some(c) = self.sealed.next() {
            return Some((c.min_t, c.max_t, c.chunk.bytes()));
        }
        let h = self.head.take()?;
        Some((h.min_t, h.max_t, h.app.bytes()))
    }
}

impl Iterator for SeriesIterator<'_> {
    type Item = (i64, f64);

    #[inline]
    fn next(&mut self) -> Option<(i64, f64)> {
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
            let (min_t, max_t, bytes) = self.next_chunk()?;
            if min_t > self.maxt {
                self.head = None;
                self.sealed = Default::default();
                return None;
            }
            if max_t >= self.mint {
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
fn compute_chunk_end_time(start: i64, cur: i64, max_t: i64, ratio: i64) -> i64 {
    let n = (max_t as f64 - start as f64) / ((cur as f64 - start as f64 + 1.0) * ratio as f64);
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
