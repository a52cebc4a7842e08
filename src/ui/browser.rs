//! Small browser services the panes share: timers as futures, a clock for budgets,
//! and file downloads.

use wasm_bindgen::JsCast;

/// Resolves after `ms` milliseconds (to yield between slices of work, use
/// [`yield_to_page`]).
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Gives the page a turn (input, rendering) between two slices of work, and resumes
/// as soon as it has had it: a message the page posts to itself, a task of its own.
/// `setTimeout(0)` would do the same, but chained it is clamped to 4 ms, which
/// slices of 12 ms turn into a third of a backfill's time.
pub async fn yield_to_page() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        match web_sys::MessageChannel::new() {
            Ok(channel) => {
                channel.port1().set_onmessage(Some(resolve.unchecked_ref()));
                let _ = channel.port2().post_message(&wasm_bindgen::JsValue::NULL);
            }
            // No channel (not expected in a page): a timer still yields.
            Err(_) => {
                if let Some(window) = web_sys::window() {
                    let _ =
                        window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
                }
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Milliseconds from `performance.now()`, for time budgets.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// A performance mark (`performance.mark`), for the benchmarks and traces.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// The file chosen in the file input that fired `ev` (the input is then cleared,
/// so choosing the same file again fires again), read as text: `(name, text)`, or
/// why not; a file over `max_bytes` is refused before it is read. `None` when
/// nothing was chosen.
pub fn chosen_file(
    ev: &leptos::ev::Event,
    max_bytes: usize,
) -> Option<impl std::future::Future<Output = Result<(String, String), String>> + use<>> {
    let input: web_sys::HtmlInputElement = leptos::prelude::event_target(ev);
    let file = input.files()?.get(0)?;
    input.set_value("");
    Some(async move {
        let name = file.name();
        if file.size() > max_bytes as f64 {
            return Err(format!(
                "{name}: a file to open here is at most {} KB",
                max_bytes >> 10
            ));
        }
        match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(text) => Ok((name, text.as_string().unwrap_or_default())),
            Err(e) => Err(format!("{name}: {e:?}")),
        }
    })
}

/// Offers `contents` as a file download named `file_name`.
pub fn download(file_name: &str, mime: &str, contents: &str) -> Result<(), String> {
    download_blob(file_name, mime, &wasm_bindgen::JsValue::from_str(contents))
}

/// Offers `bytes` as a file download named `file_name`.
pub fn download_bytes(file_name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    download_blob(file_name, mime, &js_sys::Uint8Array::from(bytes))
}

fn download_blob(
    file_name: &str,
    mime: &str,
    contents: &wasm_bindgen::JsValue,
) -> Result<(), String> {
    let parts = js_sys::Array::of1(contents);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let clicked = download_url(&url, file_name);
    let _ = web_sys::Url::revoke_object_url(&url);
    clicked
}

/// Saves what `url` (an object or `data:` URL) holds as `file_name`, through a
/// clicked download link.
pub fn download_url(url: &str, file_name: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    anchor.set_href(url);
    anchor.set_download(file_name);
    anchor.click();
    Ok(())
}

/// "The latest request wins" for async work that spans several turns of the
/// event loop: each start takes a [`Ticket`]; work whose ticket is no longer the
/// newest (a newer start, or `cancel`, or its owner disposed) stops at its next check.
#[derive(Clone, Copy)]
pub struct Latest(leptos::prelude::StoredValue<u64>);

/// One start of some async work (see [`Latest`]).
#[derive(Clone, Copy)]
pub struct Ticket {
    latest: Latest,
    number: u64,
}

impl Latest {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Latest {
        Latest(leptos::prelude::StoredValue::new(0))
    }

    /// A new ticket: every earlier one stops being current.
    pub fn next(&self) -> Ticket {
        use leptos::prelude::*;
        self.0.update_value(|n| *n += 1);
        Ticket {
            latest: *self,
            number: self.0.get_value(),
        }
    }

    /// Makes every ticket handed out so far stale.
    pub fn cancel(&self) {
        use leptos::prelude::*;
        self.0.try_update_value(|n| *n += 1);
    }
}

impl Ticket {
    /// Whether this is still the newest start (false once the owner is gone).
    pub fn is_current(&self) -> bool {
        use leptos::prelude::*;
        self.latest.0.try_get_value() == Some(self.number)
    }
}
