//! Selections remembered between queries. Rules evaluate the same selectors every
//! interval, and a selection (matching the postings, then sorting the series by
//! their labels, as Prometheus's sorted `Select` returns them) costs more than the
//! samples a short window reads. A selection is remembered by its matchers' text
//! and stays valid until a series is created or removed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::SeriesRef;
use super::labels::Labels;
use super::matcher::MatchType;

/// Selections kept at most; past it the cache starts over (queries typed by hand
/// each add one, rules a handful).
const MAX_ENTRIES: usize = 512;

/// A selection's key: each matcher's kind, name and value.
pub(crate) type SelectKey = Vec<(MatchType, Box<str>, Box<str>)>;

/// The selected series, sorted by labels.
pub type Selection = Arc<[(SeriesRef, Labels)]>;

#[derive(Default)]
pub(crate) struct SelectCache(Mutex<Entries>);

#[derive(Default)]
struct Entries {
    /// The store's series generation the entries were computed at.
    generation: u64,
    map: HashMap<SelectKey, Selection>,
}

impl SelectCache {
    /// The remembered selection for `key` at `generation`, if any.
    pub(crate) fn get(&self, key: &SelectKey, generation: u64) -> Option<Selection> {
        let entries = self.0.lock().ok()?;
        if entries.generation != generation {
            return None;
        }
        entries.map.get(key).cloned()
    }

    pub(crate) fn insert(&self, key: SelectKey, generation: u64, selection: Selection) {
        let Ok(mut entries) = self.0.lock() else {
            return;
        };
        if entries.generation != generation || entries.map.len() >= MAX_ENTRIES {
            entries.map.clear();
            entries.generation = generation;
        }
        entries.map.insert(key, selection);
    }
}

/// A copy of a store starts with nothing remembered.
impl Clone for SelectCache {
    fn clone(&self) -> SelectCache {
        SelectCache::default()
    }
}

impl std::fmt::Debug for SelectCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map(|e| e.map.len()).unwrap_or(0);
        write!(f, "SelectCache({n} selections)")
    }
}

#[cfg(test)]
mod tests {
    use crate::tsdb::{Head, Labels, MatchType, Matcher};

    fn names(head: &Head, key: &[(MatchType, &str, &str)]) -> Vec<String> {
        let compile = || {
            key.iter()
                .map(|&(kind, name, value)| Matcher::new(kind, name, value))
                .collect()
        };
        head.select_sorted(key, compile)
            .unwrap()
            .iter()
            .map(|(_, l)| l.get("i").unwrap_or_default().to_string())
            .collect()
    }

    #[test]
    fn a_selection_is_sorted_remembered_and_renewed_when_series_change() {
        let mut head = Head::default();
        for i in ["b", "a"] {
            head.add(&Labels::new(&[("__name__", "x"), ("i", i)]), 0, 1.0)
                .unwrap();
        }
        let key = [(MatchType::Equal, "__name__", "x")];
        assert_eq!(names(&head, &key), ["a", "b"]);
        // Remembered: the matchers are not compiled again.
        let hit = head.select_sorted::<()>(&key, || panic!("compiled on a hit"));
        assert_eq!(hit.unwrap().len(), 2);
        // A new series renews it.
        head.add(&Labels::new(&[("__name__", "x"), ("i", "0")]), 0, 1.0)
            .unwrap();
        assert_eq!(names(&head, &key), ["0", "a", "b"]);
        // A matcher that does not compile is an error, every time.
        let bad = [(MatchType::Regexp, "i", "(")];
        let compile = || Matcher::new(MatchType::Regexp, "i", "(").map(|m| vec![m]);
        assert!(head.select_sorted(&bad, compile).is_err());
        assert!(head.select_sorted(&bad, compile).is_err());
    }
}
