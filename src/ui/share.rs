//! The page's shareable state in its address: each part (the query panels, the
//! simulated run) owns some query-string keys and rewrites only those, without
//! adding history entries, so the address bar is always a link to what is shown.

/// The query string's `key=value` pairs (values still percent-encoded).
fn pairs() -> Vec<(String, String)> {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (p.to_string(), String::new()),
        })
        .collect()
}

/// The decoded value of `key` in the address, if present.
pub fn param(key: &str) -> Option<String> {
    pairs()
        .into_iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| js_sys::decode_uri_component(&v.replace('+', " ")).ok())
        .map(String::from)
}

/// The raw query string (for parsers that read several keys).
pub fn search() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

pub fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

/// Replaces the keys `owns` claims with `new` (already encoded `k=v` pairs),
/// keeping the other keys and the `#pane`.
pub fn update(owns: impl Fn(&str) -> bool, new: &[String]) {
    let Some(w) = web_sys::window() else {
        return;
    };
    let mut kept: Vec<String> = pairs()
        .into_iter()
        .filter(|(k, _)| !owns(k))
        .map(|(k, v)| if v.is_empty() { k } else { format!("{k}={v}") })
        .collect();
    kept.extend(new.iter().cloned());
    let query = kept.join("&");
    let current = search();
    if current.trim_start_matches('?') == query {
        return;
    }
    let hash = w.location().hash().unwrap_or_default();
    let path = w.location().pathname().unwrap_or_default();
    if let Ok(history) = w.history() {
        let url = format!("{path}?{query}{hash}");
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The page's whole address as it is now.
pub fn href() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}
