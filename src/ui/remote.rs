//! A Prometheus server as the Query pane's data source: its HTTP API fetched
//! from the page (the server must allow this page's origin:
//! `--web.cors.origin`), the answers read by `views::query::remote`. A part of
//! its own in the split build (`parts::remote`), loaded when a server is chosen.

use std::future::Future;
use std::pin::Pin;

use crate::views::query::remote::{api_url, names_url, no_answer, read_answer, read_names};
use crate::views::query::run::{Outcome, Request};

pub type Pending<T> = Pin<Box<dyn Future<Output = T>>>;

/// What the Query pane asks of a server.
#[derive(Clone, Copy)]
pub struct Remote {
    /// A panel's request answered by the server at the base URL.
    pub query: fn(String, Request) -> Pending<Outcome>,
    /// The server's metric names, for completion; or why not (no answer, CORS, ...).
    pub metric_names: fn(String) -> Pending<Result<Vec<String>, String>>,
}

impl Remote {
    pub const ALL: Remote = Remote {
        query: |base, request| Box::pin(query(base, request)),
        metric_names: |base| Box::pin(metric_names(base)),
    };
}

/// `url`'s status and body, or None when no answer came.
async fn get(url: &str) -> Option<(u16, String)> {
    let response = gloo_net::http::Request::get(url).send().await.ok()?;
    let status = response.status();
    Some((status, response.text().await.unwrap_or_default()))
}

/// Whether the server answers at all: an opaque (`no-cors`) request succeeds even
/// where the server does not allow this origin, so a failure of the real request
/// with this one succeeding is a cross-origin refusal.
async fn reachable(base: &str) -> bool {
    gloo_net::http::Request::get(&format!("{base}/-/healthy"))
        .mode(web_sys::RequestMode::NoCors)
        .send()
        .await
        .is_ok()
}

async fn query(base: String, request: Request) -> Outcome {
    let src = request.expr.trim_end().to_string();
    if src.trim().is_empty() {
        return Outcome::nothing_typed();
    }
    match get(&api_url(&base, &request)).await {
        Some((status, body)) => read_answer(&src, status, &body),
        None => no_answer(&base, reachable(&base).await),
    }
}

async fn metric_names(base: String) -> Result<Vec<String>, String> {
    match get(&names_url(&base)).await {
        Some((status, body)) => read_names(status, &body),
        None => Err(no_answer(&base, reachable(&base).await)
            .error
            .map(|e| e.message)
            .unwrap_or_default()),
    }
}
