//! The per-group heaps of `topk`, `bottomk`, `limitk` and `limit_ratio`, with
//! Go's `container/heap` steps and Prometheus's orderings, so ties and NaNs come
//! out in the same order as Prometheus's.

use crate::promql::ast::AggOp;
use crate::tsdb::Labels;

use super::value::Sample;

#[derive(Clone)]
pub(crate) struct KHeap {
    /// `bottomk` keeps the largest on top; the others the smallest.
    reverse: bool,
    sort_output: bool,
    items: Vec<Sample>,
}

impl KHeap {
    pub fn new(op: AggOp) -> KHeap {
        KHeap {
            reverse: op == AggOp::Bottomk,
            sort_output: matches!(op, AggOp::Topk | AggOp::Bottomk),
            items: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Prometheus's `vectorByValueHeap.Less` (or the reverse heap's): NaN first.
    fn less(&self, i: usize, j: usize) -> bool {
        let (a, b) = (self.items[i].v, self.items[j].v);
        if a.is_nan() {
            return true;
        }
        if self.reverse { a > b } else { a < b }
    }

    pub fn push(&mut self, s: Sample) {
        self.items.push(s);
        self.up(self.items.len() - 1);
    }

    /// `topk`/`bottomk`: keep the `k` largest (smallest) seen so far.
    pub fn offer(&mut self, s: Sample, k: usize) {
        if self.items.len() < k {
            self.push(s);
            return;
        }
        let top = self.items[0].v;
        let better = if self.reverse { top > s.v } else { top < s.v };
        if better || (top.is_nan() && !s.v.is_nan()) {
            self.items[0] = s;
            if k > 1 && !self.down(0, self.items.len()) {
                self.up(0);
            }
        }
    }

    /// The kept samples: best first for `topk`/`bottomk` (Go's insertion sort,
    /// which `sort.Sort` uses for heaps this small), heap order otherwise.
    pub fn take_sorted(&mut self) -> Vec<Sample> {
        let mut items = std::mem::take(&mut self.items);
        if self.sort_output && items.len() > 1 {
            let tmp = KHeap {
                items,
                ..self.clone()
            };
            let mut tmp = tmp;
            for i in 1..tmp.items.len() {
                let mut j = i;
                // sort.Reverse: less(j, j-1) is the heap's less(j-1, j).
                while j > 0 && tmp.less(j - 1, j) {
                    tmp.items.swap(j, j - 1);
                    j -= 1;
                }
            }
            items = tmp.items;
        }
        items
    }

    fn up(&mut self, mut j: usize) {
        while j > 0 {
            let i = (j - 1) / 2;
            if !self.less(j, i) {
                break;
            }
            self.items.swap(i, j);
            j = i;
        }
    }

    fn down(&mut self, i0: usize, n: usize) -> bool {
        let mut i = i0;
        loop {
            let j1 = 2 * i + 1;
            if j1 >= n {
                break;
            }
            let mut j = j1;
            let j2 = j1 + 1;
            if j2 < n && self.less(j2, j1) {
                j = j2;
            }
            if !self.less(j, i) {
                break;
            }
            self.items.swap(i, j);
            i = j;
        }
        i > i0
    }
}

/// Prometheus's `labels.Hash()`: xxhash64 of `name\xffvalue\xff...` (what
/// `limit_ratio` samples by).
pub(crate) fn label_hash(labels: &Labels) -> u64 {
    let mut buf = Vec::with_capacity(256);
    for (n, v) in labels.iter() {
        buf.extend_from_slice(n.as_bytes());
        buf.push(0xff);
        buf.extend_from_slice(v.as_bytes());
        buf.push(0xff);
    }
    xxhash_rust::xxh64::xxh64(&buf, 0)
}
