//! A list shown with `<For>` whose items keep a stable key while others come and
//! go, and whose items' signals are disposed when they leave it. The dashboard's
//! panels and the Query pane's panels are such lists.
//!
//! Keys matter because `<For>` keeps an item's component (and what it computed
//! from its props) for as long as its key stays: anything that depends on the
//! other items (an item's place, whether it may be removed) must be read from
//! the list reactively ([`Keyed::position`], [`Keyed::len`]), not passed once.

use std::sync::atomic::{AtomicUsize, Ordering};

use leptos::prelude::*;

/// What an item frees (its signals) when it leaves the list.
pub trait Release {
    fn release(self);
}

impl<T: Send + Sync + 'static> Release for RwSignal<T> {
    fn release(self) {
        self.dispose();
    }
}

/// Items in keyed lists that have not been disposed: tests read it to see that
/// removing an item frees it.
static LIVE_ITEMS: AtomicUsize = AtomicUsize::new(0);

pub fn live_keyed_items() -> usize {
    LIVE_ITEMS.load(Ordering::Relaxed)
}

pub struct Keyed<T: Send + Sync + 'static> {
    items: RwSignal<Vec<(u64, T)>>,
    next_key: StoredValue<u64>,
}

impl<T: Send + Sync + 'static> Clone for Keyed<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Keyed<T> {}

impl<T: Release + Clone + Send + Sync + 'static> Keyed<T> {
    /// A list of `items`; when its owner is cleaned up, every item still in it is released.
    pub fn new(items: impl IntoIterator<Item = T>) -> Keyed<T> {
        let list = Keyed {
            items: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
        };
        list.replace(items);
        on_cleanup(move || {
            if let Some(all) = list.items.try_update_untracked(std::mem::take) {
                all.into_iter().for_each(|(_, item)| {
                    LIVE_ITEMS.fetch_sub(1, Ordering::Relaxed);
                    item.release();
                });
            }
        });
        list
    }

    fn keyed(&self, item: T) -> (u64, T) {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        LIVE_ITEMS.fetch_add(1, Ordering::Relaxed);
        (key, item)
    }

    /// Appends `item`; returns its key.
    pub fn push(&self, item: T) -> u64 {
        let entry = self.keyed(item);
        let key = entry.0;
        self.items.update(|all| all.push(entry));
        key
    }

    /// Removes the item with `key` and releases it (after the list has been told,
    /// so its view is gone first).
    pub fn remove(&self, key: u64) {
        let mut removed = None;
        self.items.update(|all| {
            if let Some(at) = all.iter().position(|(k, _)| *k == key) {
                removed = Some(all.remove(at).1);
            }
        });
        if let Some(item) = removed {
            LIVE_ITEMS.fetch_sub(1, Ordering::Relaxed);
            item.release();
        }
    }

    /// Replaces every item, releasing the old ones.
    pub fn replace(&self, items: impl IntoIterator<Item = T>) {
        let new: Vec<(u64, T)> = items.into_iter().map(|item| self.keyed(item)).collect();
        let old = self
            .items
            .try_update(|all| std::mem::replace(all, new))
            .unwrap_or_default();
        for (_, item) in old {
            LIVE_ITEMS.fetch_sub(1, Ordering::Relaxed);
            item.release();
        }
    }

    /// The keyed items, for `<For each=...>` (tracked).
    pub fn entries(&self) -> Vec<(u64, T)> {
        self.items.get()
    }

    /// The items, untracked (for saving).
    pub fn items_untracked(&self) -> Vec<T> {
        self.items
            .with_untracked(|all| all.iter().map(|(_, item)| item.clone()).collect())
    }

    /// The place of the item with `key` (tracked).
    pub fn position(&self, key: u64) -> Option<usize> {
        self.items
            .with(|all| all.iter().position(|(k, _)| *k == key))
    }

    /// How many items there are (tracked).
    pub fn len(&self) -> usize {
        self.items.with(Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads every item (tracked), for what depends on all of them.
    pub fn with_items<R>(&self, f: impl FnOnce(&mut dyn Iterator<Item = &T>) -> R) -> R {
        self.items
            .with(|all| f(&mut all.iter().map(|(_, item)| item)))
    }
}
