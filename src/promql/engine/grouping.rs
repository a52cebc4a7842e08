//! Series grouped by some of their labels (an aggregation's `by`/`without`, or a
//! classic histogram's labels but `le`) without building a label set per series:
//! a series is hashed by the labels its group keeps (as upstream's
//! `HashForLabels`, with a faster hash, of the values alone), and only a new
//! group's label set is built. A rule evaluated every interval groups the same
//! series again and again; building and hashing a fresh `Labels` for each one was
//! most of an aggregation's cost.

use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHasher};

use crate::tsdb::{Labels, METRIC_NAME};

/// Which of a series' labels make its group.
#[derive(Clone, Copy)]
pub(crate) enum Keep<'a> {
    /// `by (…)`: only these names.
    By(&'a [String]),
    /// `without (…)`: all but these names and the metric name.
    Without(&'a [String]),
    /// All but this one name (a classic histogram's buckets: all but `le`).
    AllBut(&'a str),
}

impl Keep<'_> {
    /// An aggregation's grouping.
    pub(crate) fn aggregation(grouping: &[String], without: bool) -> Keep<'_> {
        if without {
            Keep::Without(grouping)
        } else {
            Keep::By(grouping)
        }
    }

    fn keeps(&self, name: &str) -> bool {
        match self {
            Keep::By(names) => names.iter().any(|g| g == name),
            Keep::Without(names) => name != METRIC_NAME && !names.iter().any(|g| g == name),
            Keep::AllBut(dropped) => name != *dropped,
        }
    }

    /// The labels of `labels` this keeps, in name order.
    fn pairs<'l>(&self, labels: &'l Labels) -> impl Iterator<Item = (&'l str, &'l str)> {
        let keep = *self;
        labels.iter().filter(move |(n, _)| keep.keeps(n))
    }

    /// The group's label set (what a new group is given).
    pub(crate) fn labels(&self, labels: &Labels) -> Labels {
        self.pairs(labels).collect()
    }
}

/// Groups in order of first appearance, each with its label set.
pub(crate) struct GroupIndex {
    /// The first group with a hash; groups sharing one are chained by `next`.
    first: FxHashMap<u64, usize>,
    next: Vec<Option<usize>>,
    keys: Vec<Labels>,
    /// The bits of the hash used: all, but tests make every hash collide.
    mask: u64,
}

impl Default for GroupIndex {
    fn default() -> GroupIndex {
        GroupIndex {
            first: FxHashMap::default(),
            next: Vec::new(),
            keys: Vec::new(),
            mask: u64::MAX,
        }
    }
}

impl GroupIndex {
    /// A group's hash: of its values alone (its names are nearly always the
    /// grouping's; sets that differ only in names share a chain, told apart there).
    fn hash<'l>(&self, pairs: impl Iterator<Item = (&'l str, &'l str)>) -> u64 {
        let mut hasher = FxHasher::default();
        for (_, v) in pairs {
            hasher.write(v.as_bytes());
            hasher.write_u8(0xff);
        }
        hasher.finish() & self.mask
    }

    /// The group of `labels` (and whether it is new), its label set built only
    /// when it is new.
    pub(crate) fn group_of(&mut self, labels: &Labels, keep: Keep<'_>) -> (usize, bool) {
        let hash = self.hash(keep.pairs(labels));
        let mut at = self.first.get(&hash).copied();
        let mut last = None;
        while let Some(g) = at {
            if self.keys[g].iter().eq(keep.pairs(labels)) {
                return (g, false);
            }
            last = Some(g);
            at = self.next[g];
        }
        let g = self.keys.len();
        self.keys.push(keep.labels(labels));
        self.next.push(None);
        match last {
            Some(prev) => self.next[prev] = Some(g),
            None => {
                self.first.insert(hash, g);
            }
        }
        (g, true)
    }

    /// The group whose label set is exactly `labels`, if there is one.
    pub(crate) fn find(&self, labels: &Labels) -> Option<usize> {
        let hash = self.hash(labels.iter());
        let mut at = self.first.get(&hash).copied();
        while let Some(g) = at {
            if self.keys[g] == *labels {
                return Some(g);
            }
            at = self.next[g];
        }
        None
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The groups' label sets, in order of first appearance.
    pub(crate) fn into_labels(self) -> Vec<Labels> {
        self.keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(pairs: &[(&str, &str)]) -> Labels {
        Labels::new(pairs)
    }

    /// Every projection groups as building each series' label set and comparing
    /// would, with real hashes and with every hash colliding (one chain).
    #[test]
    fn groups_as_building_the_label_sets_would() {
        let series = [
            l(&[("__name__", "a"), ("job", "x"), ("le", "1"), ("i", "1")]),
            l(&[("__name__", "a"), ("job", "x"), ("le", "2"), ("i", "1")]),
            l(&[("__name__", "b"), ("job", "y"), ("le", "1"), ("i", "2")]),
            l(&[("__name__", "a"), ("job", "x"), ("le", "1"), ("i", "2")]),
            l(&[("job", "x")]),
            l(&[("job", "x"), ("le", "2")]),
            // Equal values under different names: one hash, two groups.
            l(&[("i", "7")]),
            l(&[("job", "7")]),
        ];
        let by = ["job".to_string(), "le".to_string()];
        let without = ["le".to_string()];
        for mask in [u64::MAX, 0] {
            for keep in [
                Keep::By(&by),
                Keep::By(&[]),
                Keep::Without(&without),
                Keep::Without(&[]),
                Keep::AllBut("le"),
            ] {
                let mut index = GroupIndex {
                    mask,
                    ..GroupIndex::default()
                };
                let mut built: Vec<Labels> = Vec::new();
                for s in &series {
                    let key = keep.labels(s);
                    let known = built.iter().position(|b| *b == key);
                    let expected = known.unwrap_or_else(|| {
                        built.push(key.clone());
                        built.len() - 1
                    });
                    assert_eq!(index.group_of(s, keep), (expected, known.is_none()), "{s}");
                    assert_eq!(index.find(&key), Some(expected));
                }
                assert_eq!(index.find(&l(&[("job", "z")])), None);
                assert_eq!(index.len(), built.len());
                assert_eq!(index.into_labels(), built);
            }
        }
    }
}
