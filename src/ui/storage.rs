//! Versioned settings in `localStorage`, so the user's text and choices survive a
//! reload. Keys carry a schema version: a later layout uses a new version and old
//! values are simply not read, never misread. Storage may be unavailable (private
//! windows, quotas); every call degrades to "nothing saved" instead of failing.

/// Prefix of every key the playground writes; bump the number when a value's meaning changes.
pub const KEY_PREFIX: &str = "promplay.v1.";

/// Set for an embedded page: it neither reads nor writes the visitor's own saved
/// state (an embed shows its link, and must not change what the app shows them).
static ISOLATED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// From now on, nothing is read from or written to storage (see `ISOLATED`).
pub fn isolate() {
    ISOLATED.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn local_storage() -> Option<web_sys::Storage> {
    if ISOLATED.load(std::sync::atomic::Ordering::Relaxed) {
        return None;
    }
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved value of `name`, if any.
pub fn load(name: &str) -> Option<String> {
    local_storage()?
        .get_item(&format!("{KEY_PREFIX}{name}"))
        .ok()
        .flatten()
}

/// Saves `value` under `name`; returns false when the browser refused (quota, privacy mode).
pub fn save(name: &str, value: &str) -> bool {
    local_storage()
        .map(|s| s.set_item(&format!("{KEY_PREFIX}{name}"), value).is_ok())
        .unwrap_or(false)
}

/// Forgets the value saved under `name`.
pub fn remove(name: &str) {
    if let Some(s) = local_storage() {
        let _ = s.remove_item(&format!("{KEY_PREFIX}{name}"));
    }
}

/// A signal kept in storage under `name`: its saved value (`decode`d; `default`
/// when there is none or it does not read), written back (`encode`d) whenever it
/// changes. For values a pane must find again after a reload or a remount.
pub fn persisted<T>(
    name: &'static str,
    default: T,
    decode: fn(&str) -> Option<T>,
    encode: fn(&T) -> String,
) -> leptos::prelude::RwSignal<T>
where
    T: Clone + Send + Sync + 'static,
{
    use leptos::prelude::*;
    let value = RwSignal::new(load(name).and_then(|s| decode(&s)).unwrap_or(default));
    Effect::new(move |_| {
        save(name, &value.with(encode));
    });
    value
}
