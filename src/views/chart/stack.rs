//! Stacked areas: series summed bottom-up at each timestamp. As in Prometheus's
//! stacked graph, a series without a point at a timestamp where others have one
//! counts as 0 there; where no series has a point (a step missing from all of
//! them) the stack breaks.

use super::time_grid;

/// The stack over the union of the series' timestamps.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Stack {
    /// Every timestamp at which some series has a finite value, ascending.
    pub times: Vec<f64>,
    /// Whether the stack breaks before `times[i]` (a step with no point in any series).
    pub break_before: Vec<bool>,
    /// Per input series, the top of its band at each time (the running sum up to
    /// and including it); the bottom is the previous series' top (0 for the first).
    pub tops: Vec<Vec<f64>>,
}

impl Stack {
    /// The bottom of series `i`'s band at time index `t`.
    pub fn bottom(&self, i: usize, t: usize) -> f64 {
        if i == 0 { 0.0 } else { self.tops[i - 1][t] }
    }

    /// The maximal runs of time indices without a break.
    pub fn runs(&self) -> Vec<std::ops::Range<usize>> {
        let mut runs = Vec::new();
        let mut start = 0;
        for i in 1..=self.times.len() {
            if i == self.times.len() || self.break_before[i] {
                if i > start {
                    runs.push(start..i);
                }
                start = i;
            }
        }
        runs
    }
}

/// Stacks `series` (time-ordered points each) bottom-up in the order given.
/// Non-finite values count as missing. A break is placed where consecutive
/// timestamps are more than 1.5 times the smallest spacing apart.
pub fn stack(series: &[&[(f64, f64)]]) -> Stack {
    let (times, step) = time_grid(series.iter().flat_map(|s| s.iter()));
    let break_before = (0..times.len())
        .map(|i| i > 0 && times[i] - times[i - 1] > step * 1.5)
        .collect();
    let mut tops = Vec::with_capacity(series.len());
    let mut running = vec![0.0; times.len()];
    for s in series {
        // Both are ascending: walk them together.
        let mut j = 0;
        for (t, sum) in times.iter().zip(running.iter_mut()) {
            while j < s.len() && s[j].0 < *t {
                j += 1;
            }
            if j < s.len() && s[j].0 == *t && s[j].1.is_finite() {
                *sum += s[j].1;
            }
        }
        tops.push(running.clone());
    }
    Stack {
        times,
        break_before,
        tops,
    }
}
