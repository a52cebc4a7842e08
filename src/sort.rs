//! One sort for code off the hot paths. Each `sort_by` with its own element type
//! or comparator is a copy of the standard library's sort, several KiB of wasm
//! (two hundred such functions were 7% of the page's code, issue 17). These sort
//! positions with one comparator type, so every caller shares one copy, then move
//! the elements into place. Hot paths (the store, the PromQL engine, the scrape)
//! keep the standard sorts.

use std::cmp::Ordering;

/// The positions `0..n` in the stable order `cmp` gives.
fn order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..n).collect();
    positions.sort_by(|&a, &b| cmp(a, b));
    positions
}

/// `items.sort_by(cmp)`: stable, sharing one sort with every caller.
pub fn sort_by<T>(items: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = order(items.len(), &|a, b| cmp(&items[a], &items[b]));
    // Place i takes the element at order[i]: follow each cycle of the permutation.
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        let mut at = start;
        while !placed[at] {
            placed[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// `items.sort_by_key(key)`, as [`sort_by`].
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// `items.sort()`, as [`sort_by`].
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every permutation of a few elements, with equal keys: the standard stable
    /// sort's order.
    #[test]
    fn sorts_as_the_standard_stable_sort() {
        let mut seed = 7u64;
        for len in 0..40 {
            for _ in 0..50 {
                let items: Vec<(u8, usize)> = (0..len)
                    .map(|i| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        (((seed >> 33) % 5) as u8, i)
                    })
                    .collect();
                let mut expected = items.clone();
                expected.sort_by_key(|p| p.0);
                let mut got = items.clone();
                sort_by_key(&mut got, |p| p.0);
                assert_eq!(got, expected);
                let mut whole = items.clone();
                sort(&mut whole);
                let mut std_whole = items;
                std_whole.sort();
                assert_eq!(whole, std_whole);
            }
        }
    }
}
