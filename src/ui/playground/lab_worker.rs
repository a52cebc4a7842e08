//! The page's side of the Python lab's Web Worker (`static/python-worker.mjs`):
//! requests with ids, answered as futures, with a CPU budget. The worker is
//! created when the lab first needs it (so its runtime is not part of the first
//! download), shows its loading stages, and is terminated when a request runs
//! past its budget (a loop that never sleeps): the page never waits on it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::pipeline::{LabScrape, LabStart};
use crate::sim::Work;
use crate::ui::browser::now_ms;

/// How long one request may run once the runtime is loaded (wall ms).
pub const CPU_BUDGET_MS: f64 = 2_000.0;
/// How long the runtime may take to load.
const LOAD_BUDGET_MS: f64 = 120_000.0;

/// Why a request got no answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// It ran past the budget; the worker was terminated.
    Budget,
    /// The worker could not be created or posted to.
    Broken(String),
}

struct Inner {
    worker: Option<web_sys::Worker>,
    next_id: u32,
    /// Resolve functions of the requests waiting for their answer.
    waiting: HashMap<u32, Function>,
    /// When the runtime finished loading (`performance.now()`), if it has.
    ready_at: Option<f64>,
    _on_message: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
}

/// The worker and the requests in flight.
#[derive(Clone)]
pub struct LabWorker {
    inner: Rc<RefCell<Inner>>,
    /// Told each loading stage of the runtime ("loading Python", ..., "ready").
    on_stage: Rc<dyn Fn(String)>,
}

fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

/// A field of an answer.
pub fn field(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub fn text_field(value: &JsValue, key: &str) -> Option<String> {
    field(value, key).as_string()
}

impl LabWorker {
    pub fn new(on_stage: impl Fn(String) + 'static) -> LabWorker {
        LabWorker {
            on_stage: Rc::new(on_stage),
            inner: Rc::new(RefCell::new(Inner {
                worker: None,
                next_id: 0,
                waiting: HashMap::new(),
                ready_at: None,
                _on_message: None,
            })),
        }
    }

    fn worker(&self) -> Result<web_sys::Worker, String> {
        if let Some(worker) = self.inner.borrow().worker.clone() {
            return Ok(worker);
        }
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let base = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.base_uri().ok().flatten())
            .unwrap_or_default();
        let url = web_sys::Url::new_with_base("python-worker.mjs", &base)
            .map_err(|e| format!("{e:?}"))?
            .href();
        let worker =
            web_sys::Worker::new_with_options(&url, &options).map_err(|e| format!("{e:?}"))?;
        let inner = Rc::downgrade(&self.inner);
        let on_stage = self.on_stage.clone();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let data = event.data();
                let Some(inner) = inner.upgrade() else { return };
                if text_field(&data, "type").as_deref() == Some("progress") {
                    let stage = text_field(&data, "stage").unwrap_or_default();
                    if stage == "ready" {
                        inner.borrow_mut().ready_at = Some(now_ms());
                    }
                    on_stage(stage);
                    return;
                }
                let id = field(&data, "id").as_f64().unwrap_or(-1.0) as u32;
                let resolve = inner.borrow_mut().waiting.remove(&id);
                if let Some(resolve) = resolve {
                    let _ = resolve.call1(&JsValue::NULL, &data);
                }
            },
        );
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let mut inner = self.inner.borrow_mut();
        inner.worker = Some(worker.clone());
        inner._on_message = Some(on_message);
        inner.ready_at = None;
        Ok(worker)
    }

    /// Terminates the worker (a busy program, or the lab turned off); the next
    /// request starts a new one.
    pub fn terminate(&self) {
        let mut inner = self.inner.borrow_mut();
        if let Some(worker) = inner.worker.take() {
            worker.terminate();
        }
        inner.waiting.clear();
        inner._on_message = None;
        inner.ready_at = None;
    }

    /// Sends `message` (an id is added) and waits for its answer, within the CPU
    /// budget counted from when the runtime is ready.
    async fn ask(&self, message: Object) -> Result<JsValue, Failure> {
        let worker = self.worker().map_err(Failure::Broken)?;
        let id = {
            let mut inner = self.inner.borrow_mut();
            inner.next_id += 1;
            inner.next_id
        };
        set(&message, "id", id);
        let mut resolve_slot = None;
        let answer = Promise::new(&mut |resolve, _| resolve_slot = Some(resolve));
        if let Some(resolve) = resolve_slot {
            self.inner.borrow_mut().waiting.insert(id, resolve);
        }
        worker
            .post_message(&message)
            .map_err(|e| Failure::Broken(format!("{e:?}")))?;
        let sent = now_ms();
        race_budget(answer, || {
            let ready_at = self.inner.borrow().ready_at;
            match ready_at {
                Some(ready) => now_ms() - sent.max(ready) > CPU_BUDGET_MS,
                None => now_ms() - sent > LOAD_BUDGET_MS,
            }
        })
        .await
        .ok_or_else(|| {
            self.terminate();
            Failure::Budget
        })
    }

    /// Loads the runtime (the lab was opened: a program will likely run soon).
    pub async fn load(&self) -> Result<JsValue, Failure> {
        let message = Object::new();
        set(&message, "type", "load");
        self.ask(message).await
    }

    /// Starts the program in a fresh process.
    pub async fn start(&self, start: &LabStart) -> Result<JsValue, Failure> {
        let message = Object::new();
        set(&message, "type", "start");
        set(&message, "program", start.program.as_str());
        set(&message, "file_name", start.file_name.as_str());
        set(&message, "seed", start.seed.to_string());
        set(&message, "start_ms", start.start_ms as f64);
        self.ask(message).await
    }

    /// Runs the work up to the scrape's time.
    pub async fn advance(&self, scrape: &LabScrape) -> Result<JsValue, Failure> {
        let message = Object::new();
        set(&message, "type", "advance");
        set(&message, "to_ms", scrape.to_ms as f64);
        let work = Array::new();
        for item in &scrape.work {
            let entry = Object::new();
            set(&entry, "at_ms", item.at_ms() as f64);
            match item {
                Work::Request {
                    method,
                    path,
                    fault,
                    slow,
                    ..
                } => {
                    set(&entry, "kind", "request");
                    set(&entry, "method", method.as_str());
                    set(&entry, "path", path.as_str());
                    set(&entry, "fault", *fault);
                    set(&entry, "slow", *slow);
                }
                Work::Cron { .. } => set(&entry, "kind", "cron"),
            }
            work.push(&entry);
        }
        set(&message, "work", work);
        self.ask(message).await
    }

    /// Scrapes the program as Prometheus would, asking for `format`.
    pub async fn scrape(&self, format: crate::expo::textparse::Format) -> Result<JsValue, Failure> {
        let message = Object::new();
        set(&message, "type", "scrape");
        let format = match format {
            crate::expo::textparse::Format::OpenMetrics => "openmetrics",
            // The worker answers in text (a protobuf request falls back to text 0.0.4).
            crate::expo::textparse::Format::Text | crate::expo::textparse::Format::Protobuf => {
                "text"
            }
        };
        set(&message, "format", format);
        self.ask(message).await
    }
}

/// Awaits `answer`, checking `expired` every 50 ms; `None` once it says so.
async fn race_budget(answer: Promise, expired: impl Fn() -> bool) -> Option<JsValue> {
    const TICK: &str = "\u{0}tick";
    loop {
        let timer = Promise::new(&mut |resolve, _| {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_1(
                    &resolve,
                    50,
                    &JsValue::from_str(TICK),
                );
            }
        });
        let first = JsFuture::from(Promise::race(&Array::of2(&answer, &timer)))
            .await
            .unwrap_or(JsValue::UNDEFINED);
        if first.as_string().as_deref() != Some(TICK) {
            return Some(first);
        }
        if expired() {
            return None;
        }
    }
}
