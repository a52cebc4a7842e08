//! The inverted index: for each label name and value, the sorted list of series
//! holding that pair ("postings", as Prometheus's `tsdb/index/postings.go`), and the
//! set algebra over such lists that answers matchers.
//!
//! Series references grow monotonically, so a new series is always pushed at the end
//! of its lists and every list stays sorted without sorting.

use std::collections::BTreeMap;

use super::labels::Labels;
use super::matcher::Matcher;

/// Estimated bytes of one (name, value) entry besides its strings: the list's vector
/// header, the boxed value and its share of a B-tree node.
const ENTRY_OVERHEAD: usize = 24 + 16 + 16;

#[derive(Clone, Debug, Default)]
pub(crate) struct Postings {
    m: BTreeMap<Box<str>, BTreeMap<Box<str>, Vec<u32>>>,
    all: Vec<u32>,
    /// Running estimate of this index's heap bytes.
    bytes: usize,
}

impl Postings {
    /// Adds a series whose reference is larger than every one added before.
    pub fn add(&mut self, r: u32, labels: &Labels) {
        debug_assert!(self.all.last().is_none_or(|&l| l < r));
        self.all.push(r);
        self.bytes += 4;
        for (n, v) in labels.iter() {
            let values = match self.m.get_mut(n) {
                Some(values) => values,
                None => {
                    self.bytes += ENTRY_OVERHEAD + n.len();
                    self.m.entry(n.into()).or_default()
                }
            };
            let list = match values.get_mut(v) {
                Some(list) => list,
                None => {
                    self.bytes += ENTRY_OVERHEAD + v.len();
                    values.entry(v.into()).or_default()
                }
            };
            list.push(r);
            self.bytes += 4;
        }
    }

    /// Removes series (sorted by reference) with their labels; empty lists, and
    /// names left without values, go too.
    pub fn remove(&mut self, dead: &[(u32, Labels)]) {
        if dead.is_empty() {
            return;
        }
        let refs: Vec<u32> = dead.iter().map(|(r, _)| *r).collect();
        self.all = subtract(&self.all, &refs);
        self.bytes -= 4 * refs.len();
        // Group the dead references per pair, so each list is rewritten once.
        let mut per_pair: BTreeMap<(&str, &str), Vec<u32>> = BTreeMap::new();
        for (r, labels) in dead {
            for pair in labels.iter() {
                per_pair.entry(pair).or_default().push(*r);
            }
        }
        for ((n, v), refs) in per_pair {
            let Some(values) = self.m.get_mut(n) else {
                continue;
            };
            if let Some(list) = values.get_mut(v) {
                let before = list.len();
                *list = subtract(list, &refs);
                self.bytes -= 4 * (before - list.len());
                if list.is_empty() {
                    values.remove(v);
                    self.bytes -= ENTRY_OVERHEAD + v.len();
                }
            }
            if values.is_empty() {
                self.m.remove(n);
                self.bytes -= ENTRY_OVERHEAD + n.len();
            }
        }
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn get(&self, name: &str, value: &str) -> &[u32] {
        self.m
            .get(name)
            .and_then(|values| values.get(value))
            .map_or(&[], |l| l.as_slice())
    }

    /// Label names in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.m.keys().map(|k| &**k)
    }

    /// A label's values in order, with their lists.
    pub fn values(&self, name: &str) -> impl Iterator<Item = (&str, &[u32])> {
        self.m
            .get(name)
            .into_iter()
            .flat_map(|values| values.iter().map(|(v, l)| (&**v, l.as_slice())))
    }

    /// Names with their value maps (for statistics).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &BTreeMap<Box<str>, Vec<u32>>)> {
        self.m.iter().map(|(n, v)| (&**n, v))
    }

    /// The union of the lists of `name`'s values for which `keep` holds.
    fn union_where(&self, m: &Matcher, keep: bool) -> Vec<u32> {
        // Literal values: look them up rather than scan every value of the name.
        if let Some(vals) = m.literal_values()
            && m.is_negative() != keep
        {
            let lists: Vec<&[u32]> = vals.iter().map(|v| self.get(m.name(), v)).collect();
            return union(&lists);
        }
        let lists: Vec<&[u32]> = self
            .values(m.name())
            .filter(|(v, _)| m.matches(v) == keep)
            .map(|(_, l)| l)
            .collect();
        union(&lists)
    }

    /// The series whose labels satisfy every matcher, a missing label counting as
    /// the value "" (Prometheus's `PostingsForMatchers`). Sorted.
    pub fn select(&self, matchers: &[Matcher]) -> Vec<u32> {
        let mut positive: Vec<Vec<u32>> = Vec::new();
        let mut negative: Vec<Vec<u32>> = Vec::new();
        for m in matchers {
            if m.matches_empty() {
                // Selects series without the label too: subtract those whose value fails.
                negative.push(self.union_where(m, false));
            } else {
                let list = self.union_where(m, true);
                if list.is_empty() {
                    return Vec::new();
                }
                positive.push(list);
            }
        }
        positive.sort_by_key(|l| l.len());
        let mut it = positive.into_iter();
        let mut out = match it.next() {
            Some(first) => it.fold(first, |acc, l| intersect(&acc, &l)),
            None => self.all.clone(),
        };
        for n in negative {
            if out.is_empty() {
                break;
            }
            out = subtract(&out, &n);
        }
        out
    }
}

/// Elements in both sorted lists.
pub fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut out = Vec::with_capacity(small.len());
    if small.len() * 16 < large.len() {
        // Very unequal sizes: gallop through the large one by binary search.
        let mut rest = large;
        for &x in small {
            match rest.binary_search(&x) {
                Ok(i) => {
                    out.push(x);
                    rest = &rest[i + 1..];
                }
                Err(i) => rest = &rest[i..],
            }
        }
        return out;
    }
    let (mut i, mut j) = (0, 0);
    while i < small.len() && j < large.len() {
        match small[i].cmp(&large[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(small[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Elements of sorted `a` not in sorted `b`.
pub fn subtract(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len());
    let mut j = 0;
    for &x in a {
        while j < b.len() && b[j] < x {
            j += 1;
        }
        if j < b.len() && b[j] == x {
            continue;
        }
        out.push(x);
    }
    out
}

/// The sorted union of sorted lists.
pub fn union(lists: &[&[u32]]) -> Vec<u32> {
    match lists {
        [] => Vec::new(),
        [one] => one.to_vec(),
        _ => {
            let mut out: Vec<u32> = lists.iter().flat_map(|l| l.iter().copied()).collect();
            out.sort_unstable();
            out.dedup();
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    fn sorted_set(rng: &mut SplitMix64, n: u64, max: u64) -> Vec<u32> {
        let mut v: Vec<u32> = (0..rng.below(n)).map(|_| rng.below(max) as u32).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    #[test]
    fn set_algebra_matches_a_naive_model() {
        let mut rng = SplitMix64::new(3);
        for _ in 0..500 {
            let a = sorted_set(&mut rng, 200, 300);
            let nb = if rng.below(2) == 0 { 5 } else { 200 };
            let b = sorted_set(&mut rng, nb, 300);
            let naive_i: Vec<u32> = a.iter().copied().filter(|x| b.contains(x)).collect();
            let naive_s: Vec<u32> = a.iter().copied().filter(|x| !b.contains(x)).collect();
            let mut naive_u = [a.clone(), b.clone()].concat();
            naive_u.sort_unstable();
            naive_u.dedup();
            assert_eq!(intersect(&a, &b), naive_i);
            assert_eq!(intersect(&b, &a), naive_i);
            assert_eq!(subtract(&a, &b), naive_s);
            assert_eq!(union(&[&a, &b]), naive_u);
        }
    }

    #[test]
    fn add_and_remove_keep_lists_and_bytes() {
        let mut p = Postings::default();
        let a = Labels::new(&[("__name__", "up"), ("job", "a")]);
        let b = Labels::new(&[("__name__", "up"), ("job", "b")]);
        p.add(1, &a);
        let one = p.bytes();
        p.add(2, &b);
        assert_eq!(p.get("__name__", "up"), &[1, 2]);
        assert_eq!(p.names().collect::<Vec<_>>(), vec!["__name__", "job"]);
        p.remove(&[(2, b)]);
        assert_eq!(p.get("__name__", "up"), &[1]);
        assert_eq!(p.get("job", "b"), &[] as &[u32]);
        assert_eq!(p.bytes(), one);
        p.remove(&[(1, a)]);
        assert_eq!(p.names().count(), 0);
        assert_eq!(p.bytes(), 0);
    }
}
