//! Texts too large for `localStorage` (about 5 MB per site, counted in UTF-16),
//! kept in IndexedDB instead: one object store of strings by name, under the same
//! versioned names as `storage`. Every call degrades to an error the pane can
//! say plainly ("not saved across reloads: ..."), never a panic.

use js_sys::Promise;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

use super::storage::KEY_PREFIX;

const DATABASE: &str = "promplay";
const STORE: &str = "texts";

/// Resolves with the request's result once it succeeds, rejects with its error.
fn settled(request: &IdbRequest) -> JsFuture {
    let request = request.clone();
    JsFuture::from(Promise::new(&mut |resolve, reject| {
        let on_success = {
            let request = request.clone();
            Closure::once_into_js(move || {
                let _ = resolve.call1(
                    &JsValue::NULL,
                    &request.result().unwrap_or(JsValue::UNDEFINED),
                );
            })
        };
        let on_error = {
            let request = request.clone();
            Closure::once_into_js(move || {
                let error = request
                    .error()
                    .ok()
                    .flatten()
                    .map(|e| JsValue::from(e.message()))
                    .unwrap_or_else(|| JsValue::from_str("the browser refused"));
                let _ = reject.call1(&JsValue::NULL, &error);
            })
        };
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    }))
}

fn describe(error: JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "the browser refused".to_string())
}

async fn database() -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or("this browser offers no IndexedDB")?;
    let open = factory.open_with_u32(DATABASE, 1).map_err(describe)?;
    // First use: create the store before the open succeeds.
    let on_upgrade = {
        let open = open.clone();
        Closure::once_into_js(move || {
            if let Ok(db) = open.result().and_then(|r| r.dyn_into::<IdbDatabase>())
                && !db.object_store_names().contains(STORE)
            {
                let _ = db.create_object_store(STORE);
            }
        })
    };
    open.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    let db = settled(&open).await.map_err(describe)?;
    db.dyn_into::<IdbDatabase>()
        .map_err(|_| "IndexedDB gave no database".to_string())
}

async fn request(
    mode: IdbTransactionMode,
    make: impl FnOnce(&web_sys::IdbObjectStore) -> Result<IdbRequest, JsValue>,
) -> Result<JsValue, String> {
    let db = database().await?;
    let transaction = db
        .transaction_with_str_and_mode(STORE, mode)
        .map_err(describe)?;
    let store = transaction.object_store(STORE).map_err(describe)?;
    let request = make(&store).map_err(describe)?;
    let result = settled(&request).await.map_err(describe);
    db.close();
    result
}

/// Keeps `value` under `name`.
pub async fn save(name: &str, value: &str) -> Result<(), String> {
    let key = JsValue::from_str(&format!("{KEY_PREFIX}{name}"));
    let value = JsValue::from_str(value);
    request(IdbTransactionMode::Readwrite, |store| {
        store.put_with_key(&value, &key)
    })
    .await
    .map(|_| ())
}

/// The text kept under `name`, if any.
pub async fn load(name: &str) -> Option<String> {
    let key = JsValue::from_str(&format!("{KEY_PREFIX}{name}"));
    request(IdbTransactionMode::Readonly, |store| store.get(&key))
        .await
        .ok()?
        .as_string()
}

/// Forgets what is kept under `name`.
pub async fn remove(name: &str) {
    let key = JsValue::from_str(&format!("{KEY_PREFIX}{name}"));
    let _ = request(IdbTransactionMode::Readwrite, |store| store.delete(&key)).await;
}
