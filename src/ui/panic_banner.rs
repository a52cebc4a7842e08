//! A panic must not leave a blank page: the hook logs the panic to the console and
//! shows its message in a banner. The banner is built with plain DOM calls because
//! after a panic the reactive runtime can no longer be trusted.

use wasm_bindgen::JsCast;

/// `data-testid` of the banner, for tests.
pub const BANNER_TESTID: &str = "error-banner";

/// Installs the panic hook (console output plus the banner).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

/// Shows (or replaces) the error banner with `message`.
pub fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    if let Some(old) = document
        .query_selector(&format!("[data-testid=\"{BANNER_TESTID}\"]"))
        .ok()
        .flatten()
    {
        old.remove();
    }
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("class", "error-banner");
    let _ = banner.set_attribute("data-testid", BANNER_TESTID);

    let append_text = |tag: &str, class: &str, text: &str| {
        if let Ok(el) = document.create_element(tag) {
            let _ = el.set_attribute("class", class);
            el.set_text_content(Some(text));
            let _ = banner.append_child(&el);
        }
    };
    append_text(
        "strong",
        "error-banner-title",
        "promplay hit an internal error and stopped.",
    );
    append_text("pre", "error-banner-message", message);
    append_text(
        "span",
        "error-banner-hint",
        "Your saved text and settings are kept. Reload to start again; if it happens again, please report the message above.",
    );
    if let Ok(button) = document.create_element("button") {
        button.set_text_content(Some("Reload"));
        let _ = button.set_attribute("type", "button");
        let reload = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        if let Some(el) = button.dyn_ref::<web_sys::HtmlElement>() {
            el.set_onclick(Some(reload.as_ref().unchecked_ref()));
        }
        // The page is dead after a panic; leaking the one closure is fine.
        reload.forget();
        let _ = banner.append_child(&button);
    }
    let _ = body.prepend_with_node_1(&banner);
}
