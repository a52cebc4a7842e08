//! The head: Prometheus's in-memory block. Series by reference and by label set,
//! the postings index over them, appends, reads, listings and memory accounting.
//! Retention lives in `retention.rs`, statistics in `stats.rs`.

use std::collections::{BTreeSet, HashMap};
use std::mem::size_of;

use crate::histogram::{FloatHistogram, Histogram};

use super::labels::Labels;
use super::matcher::{MatchType, Matcher};
use super::postings::Postings;
use super::select_cache::{SelectCache, SelectKey, Selection};
use super::series::{Appended, MemSeries, RECENT_SAMPLES, SealedChunk, SeriesIterator};
use super::{AppendError, SeriesRef};

/// Estimated bytes per sealed chunk besides its data: the chunk meta (time bounds
/// and the boxed slice).
pub(crate) const CHUNK_OVERHEAD: usize = size_of::<SealedChunk>();
/// Estimated bytes per series besides its labels' heap and chunks: the boxed
/// series, its decoded newest samples (counted full) and its entry in the label-set
/// map (with the map's spare room).
pub(crate) const SERIES_OVERHEAD: usize = size_of::<MemSeries>()
    + RECENT_SAMPLES * size_of::<(i64, f64)>()
    + size_of::<(Labels, u32)>()
    + 8;

/// Store settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Keep samples newer than `now - retention_ms` (whole chunks are dropped).
    pub retention_ms: Option<i64>,
    /// Keep `bytes()` at or under this, dropping the oldest chunks first.
    pub max_bytes: Option<usize>,
    /// Chunks end at multiples of this (Prometheus's block range, 2 h).
    pub chunk_range_ms: i64,
    /// Target samples per chunk (Prometheus: 120).
    pub samples_per_chunk: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            retention_ms: None,
            max_bytes: None,
            chunk_range_ms: 2 * 3600 * 1000,
            samples_per_chunk: 120,
        }
    }
}

/// The in-memory store.
#[derive(Clone, Debug)]
pub struct Head {
    pub(crate) opts: Options,
    /// By reference; a removed series leaves `None` (references are never reused).
    pub(crate) series: Vec<Option<Box<MemSeries>>>,
    pub(crate) refs: HashMap<Labels, u32>,
    pub(crate) postings: Postings,
    pub(crate) num_samples: u64,
    pub(crate) num_chunks: usize,
    pub(crate) chunk_bytes: usize,
    /// Series-side bytes: `SERIES_OVERHEAD` plus each label set's heap.
    pub(crate) series_bytes: usize,
    /// Samples older than this are out of bounds (raised by time retention).
    pub(crate) min_valid_t: i64,
    /// Start timestamps of the samples given one (see `start_ts.rs`), kept
    /// beside the chunks so that their encodings stay as they are.
    pub(crate) start_timestamps: super::start_ts::StartTimestamps,
    /// Bumped whenever a series is created or removed: what a remembered
    /// selection depends on.
    pub(crate) series_generation: u64,
    select_cache: SelectCache,
}

impl Default for Head {
    fn default() -> Head {
        Head::new(Options::default())
    }
}

impl Head {
    pub fn new(opts: Options) -> Head {
        assert!(opts.chunk_range_ms > 0, "chunk range must be positive");
        assert!(
            (4..=u16::MAX as usize / 2).contains(&opts.samples_per_chunk),
            "samples per chunk must be in 4..=32767"
        );
        Head {
            opts,
            series: Vec::new(),
            refs: HashMap::new(),
            postings: Postings::default(),
            num_samples: 0,
            num_chunks: 0,
            chunk_bytes: 0,
            series_bytes: 0,
            min_valid_t: i64::MIN,
            start_timestamps: Default::default(),
            series_generation: 0,
            select_cache: SelectCache::default(),
        }
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Changes the retention settings; they apply at the next `apply_retention`.
    pub fn set_retention(&mut self, retention_ms: Option<i64>, max_bytes: Option<usize>) {
        self.opts.retention_ms = retention_ms;
        self.opts.max_bytes = max_bytes;
    }

    /// The series with these labels, created if new (`true`). Keep the reference
    /// for `append`: it stays valid until retention removes the series.
    pub fn get_or_create(&mut self, labels: &Labels) -> (SeriesRef, bool) {
        if let Some(&r) = self.refs.get(labels) {
            return (SeriesRef(r), false);
        }
        let r = u32::try_from(self.series.len()).expect("more than 2^32 series created");
        self.series
            .push(Some(Box::new(MemSeries::new(labels.clone()))));
        self.refs.insert(labels.clone(), r);
        self.postings.add(r, labels);
        self.series_bytes += SERIES_OVERHEAD + labels.heap_bytes();
        self.series_generation += 1;
        (SeriesRef(r), true)
    }

    /// The series with these labels, if stored.
    pub fn get(&self, labels: &Labels) -> Option<SeriesRef> {
        self.refs.get(labels).map(|&r| SeriesRef(r))
    }

    /// Appends a sample. Timestamps must not go back within a series; a repeat of the
    /// last timestamp with the same value (bit for bit) is accepted and ignored.
    pub fn append(&mut self, r: SeriesRef, t: i64, v: f64) -> Result<(), AppendError> {
        self.check_bounds(t)?;
        let s = self
            .series
            .get_mut(r.0 as usize)
            .and_then(|s| s.as_deref_mut())
            .ok_or(AppendError::UnknownSeries(r))?;
        match s.append(t, v, self.opts.samples_per_chunk, self.opts.chunk_range_ms)? {
            Appended::Sample { grew, cut } => self.count_appended(grew, cut),
            Appended::Duplicate => {}
        }
        Ok(())
    }

    fn count_appended(&mut self, grew: isize, cut: bool) {
        self.num_samples += 1;
        self.chunk_bytes = self.chunk_bytes.saturating_add_signed(grew);
        self.num_chunks += usize::from(cut);
    }

    /// Appends a native histogram with integer counts (what a scrape gives), in
    /// Prometheus's integer-histogram chunks.
    pub fn append_histogram(
        &mut self,
        r: SeriesRef,
        t: i64,
        h: &Histogram,
    ) -> Result<(), AppendError> {
        self.check_bounds(t)?;
        let range = self.opts.chunk_range_ms;
        let s = self.series_mut(r)?;
        if let Appended::Sample { grew, cut } = s.append_histogram(t, h, range)? {
            self.count_appended(grew, cut);
        }
        Ok(())
    }

    /// Appends a native histogram with float counts (as PromQL's tests and
    /// recording rules write them), in float-histogram chunks.
    pub fn append_float_histogram(
        &mut self,
        r: SeriesRef,
        t: i64,
        h: &FloatHistogram,
    ) -> Result<(), AppendError> {
        self.check_bounds(t)?;
        let range = self.opts.chunk_range_ms;
        let s = self.series_mut(r)?;
        if let Appended::Sample { grew, cut } = s.append_float_histogram(t, h, range)? {
            self.count_appended(grew, cut);
        }
        Ok(())
    }

    fn series_mut(&mut self, r: SeriesRef) -> Result<&mut MemSeries, AppendError> {
        self.series
            .get_mut(r.0 as usize)
            .and_then(|s| s.as_deref_mut())
            .ok_or(AppendError::UnknownSeries(r))
    }

    /// The series' native-histogram samples with `mint <= t <= maxt`, oldest
    /// first, as float histograms with the counter-reset hints their chunks give;
    /// stale markers included (a sum with the stale NaN's bits).
    pub fn iter_histograms(
        &self,
        r: SeriesRef,
        mint: i64,
        maxt: i64,
    ) -> impl Iterator<Item = (i64, FloatHistogram)> + '_ {
        self.series(r)
            .into_iter()
            .flat_map(move |s| s.iter_histograms(mint, maxt))
    }

    /// Whether the series may hold histograms in `mint..=maxt` (see
    /// [`MemSeries::has_histograms_in`]).
    pub fn has_histograms_in(&self, r: SeriesRef, mint: i64, maxt: i64) -> bool {
        self.series(r)
            .is_some_and(|s| s.has_histograms_in(mint, maxt))
    }

    /// `get_or_create` then `append`: the slow path, for callers without a reference.
    /// A sample out of bounds creates no series.
    pub fn add(&mut self, labels: &Labels, t: i64, v: f64) -> Result<SeriesRef, AppendError> {
        self.check_bounds(t)?;
        let (r, _) = self.get_or_create(labels);
        self.append(r, t, v).map(|()| r)
    }

    /// `add` for a float histogram (what recording rules write).
    pub fn add_float_histogram(
        &mut self,
        labels: &Labels,
        t: i64,
        h: &FloatHistogram,
    ) -> Result<SeriesRef, AppendError> {
        self.check_bounds(t)?;
        let (r, _) = self.get_or_create(labels);
        self.append_float_histogram(r, t, h).map(|()| r)
    }

    fn check_bounds(&self, t: i64) -> Result<(), AppendError> {
        if t < self.min_valid_t {
            return Err(AppendError::OutOfBounds {
                t,
                min_valid_t: self.min_valid_t,
            });
        }
        Ok(())
    }

    fn series(&self, r: SeriesRef) -> Option<&MemSeries> {
        self.series.get(r.0 as usize).and_then(|s| s.as_deref())
    }

    /// The series' labels (`None` once retention removed it).
    pub fn labels(&self, r: SeriesRef) -> Option<&Labels> {
        self.series(r).map(|s| &s.labels)
    }

    /// Series matching all matchers, in reference order. No matchers: every series.
    pub fn select(&self, matchers: &[Matcher]) -> Vec<SeriesRef> {
        self.postings
            .select(matchers)
            .into_iter()
            .map(SeriesRef)
            .collect()
    }

    /// Series matching all matchers with their labels, sorted by labels (as
    /// Prometheus's sorted `Select`), not in the order the store made them (which
    /// depends on how a run was advanced).
    pub fn select_in_label_order(&self, matchers: &[Matcher]) -> Vec<(SeriesRef, Labels)> {
        let mut selected: Vec<(SeriesRef, Labels)> = self
            .select(matchers)
            .into_iter()
            .filter_map(|r| self.labels(r).map(|l| (r, l.clone())))
            .collect();
        selected.sort_by(|a, b| a.1.cmp(&b.1));
        selected
    }

    /// [`Head::select_in_label_order`], remembered by the matchers' kinds, names and
    /// values until a series is created or removed, so `compile` (building the
    /// matchers, regexes included) runs only when the selection is not.
    pub fn select_sorted<E>(
        &self,
        key: &[(MatchType, &str, &str)],
        compile: impl FnOnce() -> Result<Vec<Matcher>, E>,
    ) -> Result<Selection, E> {
        let key: SelectKey = key
            .iter()
            .map(|&(kind, name, value)| (kind, Box::from(name), Box::from(value)))
            .collect();
        if let Some(hit) = self.select_cache.get(&key, self.series_generation) {
            return Ok(hit);
        }
        let selected: Selection = self.select_in_label_order(&compile()?).into();
        self.select_cache
            .insert(key, self.series_generation, selected.clone());
        Ok(selected)
    }

    /// The series' samples with `mint <= t <= maxt`, oldest first; chunks outside the
    /// range are skipped without decoding. Empty for an unknown series.
    pub fn iter(&self, r: SeriesRef, mint: i64, maxt: i64) -> SeriesIterator<'_> {
        match self.series(r) {
            Some(s) => s.iter(mint, maxt),
            None => SeriesIterator::empty(),
        }
    }

    /// The series' oldest and newest sample timestamps.
    pub fn series_time_range(&self, r: SeriesRef) -> Option<(i64, i64)> {
        let s = self.series(r)?;
        Some((s.min_time()?, s.max_time()?))
    }

    /// Label names in use, sorted; with matchers, only those of matching series.
    pub fn label_names(&self, matchers: &[Matcher]) -> Vec<&str> {
        if matchers.is_empty() {
            return self.postings.names().collect();
        }
        let mut names = BTreeSet::new();
        for r in self.postings.select(matchers) {
            if let Some(s) = self.series(SeriesRef(r)) {
                names.extend(s.labels.iter().map(|(n, _)| n));
            }
        }
        names.into_iter().collect()
    }

    /// Values of a label, sorted; with matchers, only those of matching series.
    pub fn label_values(&self, name: &str, matchers: &[Matcher]) -> Vec<&str> {
        if matchers.is_empty() {
            return self.postings.values(name).map(|(v, _)| v).collect();
        }
        let mut values = BTreeSet::new();
        for r in self.postings.select(matchers) {
            if let Some(v) = self.series(SeriesRef(r)).and_then(|s| s.labels.get(name)) {
                values.insert(v);
            }
        }
        values.into_iter().collect()
    }

    pub fn num_series(&self) -> usize {
        self.refs.len()
    }

    pub fn num_samples(&self) -> u64 {
        self.num_samples
    }

    /// Bytes of encoded chunk data alone (what Prometheus's bytes/sample counts).
    pub fn chunk_bytes(&self) -> usize {
        self.chunk_bytes
    }

    /// Estimated memory held: chunk data, plus `CHUNK_OVERHEAD` per chunk, plus per
    /// series `SERIES_OVERHEAD` and its labels' heap, plus the postings index
    /// (4 bytes per reference and about 56 bytes + the string per distinct name and
    /// per distinct value), plus 8 bytes per reference slot ever handed out.
    pub fn bytes(&self) -> usize {
        self.chunk_bytes
            + self.num_chunks * CHUNK_OVERHEAD
            + self.series_bytes
            + self.postings.bytes()
            + self.series.len() * size_of::<Option<Box<MemSeries>>>()
    }

    /// Oldest and newest sample timestamps over all series.
    pub fn time_range(&self) -> Option<(i64, i64)> {
        let mut range: Option<(i64, i64)> = None;
        for s in self.series.iter().flatten() {
            if let (Some(lo), Some(hi)) = (s.min_time(), s.max_time()) {
                range = Some(match range {
                    None => (lo, hi),
                    Some((a, b)) => (a.min(lo), b.max(hi)),
                });
            }
        }
        range
    }

    /// A hash (xxHash64) of everything stored: every series' labels, in label
    /// order, and its samples' timestamps and value bits. Equal stores give equal
    /// fingerprints on every platform, so tests pin it natively and in the page.
    pub fn fingerprint(&self) -> u64 {
        let mut series: Vec<&MemSeries> = self.series.iter().flatten().map(|s| &**s).collect();
        series.sort_by(|a, b| a.labels.cmp(&b.labels));
        let mut hash = xxhash_rust::xxh64::Xxh64::new(0);
        let mut buf = Vec::with_capacity(16 * 1024);
        for s in series {
            for (name, value) in s.labels.iter() {
                buf.extend_from_slice(name.as_bytes());
                buf.push(0xff);
                buf.extend_from_slice(value.as_bytes());
                buf.push(0xfe);
            }
            for (t, v) in s.iter(i64::MIN, i64::MAX) {
                buf.extend_from_slice(&t.to_le_bytes());
                buf.extend_from_slice(&v.to_bits().to_le_bytes());
                if buf.len() >= 16 * 1024 - 16 {
                    hash.update(&buf);
                    buf.clear();
                }
            }
            // Histograms by their test notation (float-only stores hash as before).
            if s.has_histograms() {
                for (t, h) in s.iter_histograms(i64::MIN, i64::MAX) {
                    buf.extend_from_slice(&t.to_le_bytes());
                    buf.extend_from_slice(h.test_expression().as_bytes());
                    hash.update(&buf);
                    buf.clear();
                }
            }
            buf.push(0xfd);
        }
        hash.update(&buf);
        hash.digest()
    }
}
