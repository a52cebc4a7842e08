//! DOM helpers the browser tests share.

use wasm_bindgen::JsCast;

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A canvas appended to the page with a CSS box of `w × h` pixels.
pub fn canvas_with_css_size(w: u32, h: u32) -> web_sys::HtmlCanvasElement {
    let canvas: web_sys::HtmlCanvasElement = document()
        .create_element("canvas")
        .unwrap()
        .unchecked_into();
    canvas
        .set_attribute("style", &format!("width:{w}px;height:{h}px;display:block"))
        .unwrap();
    document().body().unwrap().append_child(&canvas).unwrap();
    canvas
}

pub fn click(element: &web_sys::Element) {
    element.unchecked_ref::<web_sys::HtmlElement>().click();
}

/// Every element matching `selector`, in document order.
pub fn query_all(selector: &str) -> Vec<web_sys::Element> {
    let list = document().query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .collect()
}
