//! Start timestamps (Prometheus's experimental `st-storage`): the time a sample's
//! counter started counting from, kept per series beside the chunks (whose
//! encodings do not change). `0` means unknown, as upstream's `AppenderV2`.

use std::collections::{BTreeMap, HashMap};

use super::{AppendError, Head, SeriesRef};
use crate::histogram::FloatHistogram;

/// Per series: sample time -> start timestamp (only the samples given one).
#[derive(Clone, Debug, Default)]
pub(crate) struct StartTimestamps(HashMap<SeriesRef, BTreeMap<i64, i64>>);

impl Head {
    /// `append` with the sample's start timestamp (`0`: unknown, not stored).
    pub fn append_with_st(
        &mut self,
        r: SeriesRef,
        t: i64,
        v: f64,
        st: i64,
    ) -> Result<(), AppendError> {
        self.append(r, t, v)?;
        self.note_st(r, t, st);
        Ok(())
    }

    /// `append_float_histogram` with the sample's start timestamp.
    pub fn append_float_histogram_with_st(
        &mut self,
        r: SeriesRef,
        t: i64,
        h: &FloatHistogram,
        st: i64,
    ) -> Result<(), AppendError> {
        self.append_float_histogram(r, t, h)?;
        self.note_st(r, t, st);
        Ok(())
    }

    fn note_st(&mut self, r: SeriesRef, t: i64, st: i64) {
        if st != 0 {
            self.start_timestamps.0.entry(r).or_default().insert(t, st);
        }
    }

    /// Whether any sample of the series has a start timestamp.
    pub fn has_start_timestamps(&self, r: SeriesRef) -> bool {
        // Asked for every series of every `rate`; most stores hold none, and an
        // empty map would still hash the key.
        !self.start_timestamps.0.is_empty() && self.start_timestamps.0.contains_key(&r)
    }

    /// The start timestamp of the series' sample at `t` (`0`: unknown).
    pub fn start_timestamp(&self, r: SeriesRef, t: i64) -> i64 {
        self.start_timestamps
            .0
            .get(&r)
            .and_then(|m| m.get(&t).copied())
            .unwrap_or(0)
    }

    /// The start timestamps given in `mint..=maxt`, as `(t, st)` oldest first.
    pub fn start_timestamps(&self, r: SeriesRef, mint: i64, maxt: i64) -> Vec<(i64, i64)> {
        match self.start_timestamps.0.get(&r) {
            Some(m) if mint <= maxt => m.range(mint..=maxt).map(|(&t, &st)| (t, st)).collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tsdb::Labels;

    #[test]
    fn start_timestamps_beside_samples_leave_chunks_alone() {
        let mut a = Head::default();
        let mut b = Head::default();
        let l = Labels::new(&[("__name__", "c")]);
        let (ra, _) = a.get_or_create(&l);
        let (rb, _) = b.get_or_create(&l);
        for t in 0..5 {
            a.append(ra, t * 1000, t as f64).unwrap();
            b.append_with_st(rb, t * 1000, t as f64, t * 1000 - 500)
                .unwrap();
        }
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.chunk_bytes(), b.chunk_bytes());
        assert!(!a.has_start_timestamps(ra) && b.has_start_timestamps(rb));
        assert_eq!(b.start_timestamp(rb, 2000), 1500);
        assert_eq!(b.start_timestamp(rb, 2500), 0);
        assert_eq!(
            b.start_timestamps(rb, 1000, 2000),
            vec![(1000, 500), (2000, 1500)]
        );
        // A rejected sample stores no start timestamp.
        assert!(b.append_with_st(rb, 0, 9.0, 1).is_err());
        assert_eq!(b.start_timestamp(rb, 0), -500);
    }
}
