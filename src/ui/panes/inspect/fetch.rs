//! Fetching a real `/metrics` endpoint into the Inspect pane. Browsers only let a
//! page read another origin's response when that server allows it (CORS), so most
//! failures need explaining rather than just reporting.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::expo::textparse::Format;

/// What Prometheus sends when it scrapes: OpenMetrics preferred, text 0.0.4 accepted.
// At most 128 bytes, or the browser sends a CORS preflight exporters do not answer
// (so protobuf is not asked for; a server that sends it anyway is read).
const ACCEPT: &str =
    "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// A successful fetch.
pub struct Fetched {
    pub body: String,
    /// The format the `Content-Type` names, if it names one.
    pub format: Option<Format>,
    /// Something worth saying even though the fetch worked.
    pub note: Option<String>,
}

fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Fetches `url` with a timeout; the error is an explanation with a fix.
pub async fn fetch_metrics(url: &str, timeout_ms: u32) -> Result<Fetched, String> {
    let url = url.trim();
    let parsed_url = web_sys::Url::new_with_base(url, &page_origin()).map_err(|_| {
        format!("{url:?} is not a URL. Try something like http://127.0.0.1:9100/metrics.")
    })?;
    let protocol = parsed_url.protocol();
    if protocol != "http:" && protocol != "https:" {
        return Err(format!(
            "Only http and https URLs can be fetched, not {protocol}"
        ));
    }
    if page_origin().starts_with("https:") && protocol == "http:" {
        return Err(format!(
            "This page is served over https, and browsers block plain-http requests from it (mixed content). \
             Fetch an https URL, or open the playground over http (e.g. `bash .ci/serve`) to read {url}."
        ));
    }

    let controller = web_sys::AbortController::new().map_err(|e| format!("{e:?}"))?;
    let abort = {
        let controller = controller.clone();
        Closure::once_into_js(move || controller.abort())
    };
    let timer = web_sys::window().and_then(|w| {
        w.set_timeout_with_callback_and_timeout_and_arguments_0(
            abort.unchecked_ref(),
            timeout_ms as i32,
        )
        .ok()
    });
    let signal = controller.signal();
    let response = gloo_net::http::Request::get(url)
        .header("Accept", ACCEPT)
        .abort_signal(Some(&signal))
        .send()
        .await;
    if let (Some(w), Some(t)) = (web_sys::window(), timer) {
        w.clear_timeout_with_handle(t);
    }
    let response = match response {
        Ok(r) => r,
        Err(_) if signal.aborted() => {
            return Err(format!(
                "No answer from {url} within {} s. Is the address right, and is the exporter running and reachable from this machine?",
                timeout_ms / 1000
            ));
        }
        Err(_) => return Err(network_failure(url, &parsed_url.origin())),
    };
    if !response.ok() {
        return Err(format!(
            "The server answered {} {} for {url}. Check the path (exporters usually serve /metrics) and that the target is up.",
            response.status(),
            response.status_text()
        ));
    }
    let content_type = response.headers().get("content-type").unwrap_or_default();
    let format = Format::from_content_type(&content_type);
    if format == Some(Format::Protobuf) {
        let bytes = response
            .binary()
            .await
            .map_err(|e| format!("The response could not be read: {e}"))?;
        return protobuf_as_text(&bytes);
    }
    let body = response
        .text()
        .await
        .map_err(|e| format!("The response could not be read as text: {e}"))?;
    let note = if content_type.is_empty() {
        Some("The server sent no Content-Type; the format was detected from the text.".to_string())
    } else if format.is_none() {
        Some(format!(
            "The server says this is {content_type:?}, not exposition text (text/plain; version=0.0.4 or application/openmetrics-text); it was parsed anyway, with the format detected from the text."
        ))
    } else {
        None
    };
    Ok(Fetched { body, format, note })
}

/// A protobuf body shown as OpenMetrics text (the 2.0 draft when it holds native
/// histograms, which 1.0 cannot write), so the pane can explain and lint it.
fn protobuf_as_text(bytes: &[u8]) -> Result<Fetched, String> {
    use crate::expo::encode::EncodeOptions;
    use crate::expo::encode::openmetrics::encode_version;
    use crate::expo::{OpenMetricsVersion, protobuf};
    let families = protobuf::decode(bytes)
        .map_err(|e| format!("The server sent the protobuf format, which does not decode: {e}"))?;
    let native = families
        .iter()
        .any(|f| f.samples.iter().any(|s| s.native.is_some()));
    let version = if native {
        OpenMetricsVersion::V2Draft
    } else {
        OpenMetricsVersion::V1
    };
    let body = encode_version(&families, EncodeOptions::default(), version)
        .map_err(|e| format!("The protobuf body decodes, but cannot be written as text: {e}"))?;
    Ok(Fetched {
        body,
        format: Some(Format::OpenMetrics),
        note: Some(format!(
            "The server sent Prometheus's protobuf format ({} bytes); it is shown as OpenMetrics{}.",
            bytes.len(),
            if native {
                " 2.0 (draft), whose text has native histograms"
            } else {
                ""
            }
        )),
    })
}

/// The browser gives no detail for a failed request: it is either unreachable or
/// refused by CORS. Say both, with the fix for each.
fn network_failure(url: &str, target_origin: &str) -> String {
    format!(
        "The browser could not read {url}. Either nothing answers there (is the exporter running, is the port right?), \
         or the server does not let pages from {page} read it: a browser only shows a page another origin's response \
         when that server sends the header `Access-Control-Allow-Origin` (for example `Access-Control-Allow-Origin: *`). \
         Fixes: make {target_origin} send that header (most exporters cannot; put a reverse proxy in front that adds it), \
         or while developing, proxy it through Trunk: add to Trunk.toml\n\n[[proxy]]\nbackend = \"{url}\"\n\n\
         restart `bash .ci/serve` and fetch the same path from this page's own address.",
        page = page_origin()
    )
}
