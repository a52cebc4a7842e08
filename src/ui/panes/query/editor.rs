//! The PromQL editor: a textarea over a highlighted copy of its text (token
//! classes from `promql::highlight`, the parse error underlined at its span), with
//! autocompletion from `promql::complete` fed by the store (metric names, label
//! names and values). Ctrl/Cmd+Enter runs; Ctrl+Space opens the completions.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::promql::complete::{Completion, Completions, Schema, complete};
use crate::promql::highlight::highlight;
use crate::tsdb::{Head, METRIC_NAME, Matcher};
use crate::ui::playground::Playground;

/// The store as a completion source.
struct StoreSchema<'a>(&'a Head);

impl StoreSchema<'_> {
    fn matchers(metric: Option<&str>) -> Vec<Matcher> {
        metric
            .map(|m| vec![Matcher::equal(METRIC_NAME, m)])
            .unwrap_or_default()
    }
}

impl Schema for StoreSchema<'_> {
    fn metric_names(&self) -> Vec<String> {
        self.0
            .label_values(METRIC_NAME, &[])
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    fn label_names(&self, metric: Option<&str>) -> Vec<String> {
        self.0
            .label_names(&Self::matchers(metric))
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    fn label_values(&self, metric: Option<&str>, label: &str) -> Vec<String> {
        self.0
            .label_values(label, &Self::matchers(metric))
            .into_iter()
            .map(str::to_string)
            .collect()
    }
}

/// One run of text with its CSS classes.
fn segments(src: &str, error: Option<(usize, usize)>) -> Vec<(String, String)> {
    let spans = highlight(src);
    let mut bounds: Vec<usize> = vec![0, src.len()];
    for (s, _) in &spans {
        bounds.extend([s.start, s.end]);
    }
    if let Some((a, b)) = error {
        // An error at the very end (a missing closing token) underlines one space.
        bounds.extend([a.min(src.len()), b.min(src.len())]);
    }
    bounds.retain(|&b| src.is_char_boundary(b));
    bounds.sort_unstable();
    bounds.dedup();
    let mut out = Vec::new();
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        let mut class = spans
            .iter()
            .find(|(s, _)| s.start <= a && b <= s.end)
            .map(|(_, c)| c.css().to_string())
            .unwrap_or_default();
        if let Some((ea, eb)) = error
            && ea <= a
            && b <= eb.max(ea + 1)
        {
            class.push_str(" err-underline");
        }
        out.push((src[a..b].to_string(), class));
    }
    if let Some((ea, _)) = error
        && ea >= src.len()
    {
        out.push((" ".into(), "err-underline".into()));
    }
    out
}

fn textarea(ev: &KeyboardEvent) -> Option<web_sys::HtmlTextAreaElement> {
    ev.target()?.dyn_into().ok()
}

/// The cursor's byte offset in `text` (the DOM counts UTF-16 units).
fn byte_offset(text: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

fn utf16_len(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

#[component]
pub fn QueryEditor(
    /// The text shown (the panel's).
    #[prop(into)]
    text: Signal<String>,
    /// Called with the new text on every edit (typing, an accepted completion).
    on_input: Callback<String>,
    /// Byte span of the parse error to underline.
    #[prop(into)]
    error_span: Signal<Option<(usize, usize)>>,
    on_run: Callback<()>,
) -> impl IntoView {
    let pg = expect_context::<Playground>();
    let open = RwSignal::new(None::<Completions>);
    let selected = RwSignal::new(0usize);
    let area_ref = NodeRef::<leptos::html::Textarea>::new();

    let refresh = move |explicit: bool| {
        let Some(area) = area_ref.get_untracked() else {
            return;
        };
        let text = area.value();
        let cursor = byte_offset(&text, area.selection_start().ok().flatten().unwrap_or(0));
        let found = pg.read(|p| complete(&text, cursor, &StoreSchema(p.store())));
        let show = found.filter(|c| {
            !c.items.is_empty()
                && (explicit
                    || c.replace.start < c.replace.end
                    || text[..cursor].ends_with(['{', '=', '[', ',', '"']))
        });
        selected.set(0);
        open.set(show);
    };
    let accept = move |item: Completion| {
        let (Some(area), Some(c)) = (area_ref.get_untracked(), open.get_untracked()) else {
            return;
        };
        let text = area.value();
        let (a, b) = (
            c.replace.start.min(text.len()),
            c.replace.end.min(text.len()),
        );
        let new_text = format!("{}{}{}", &text[..a], item.insert, &text[b..]);
        let caret = utf16_len(&text[..a]) + utf16_len(&item.insert);
        on_input.run(new_text.clone());
        area.set_value(&new_text);
        let _ = area.set_selection_range(caret, caret);
        let _ = area.focus();
        open.set(None);
    };
    let on_keydown = move |ev: KeyboardEvent| {
        let key = ev.key();
        if key == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            open.set(None);
            on_run.run(());
            return;
        }
        if key == " " && ev.ctrl_key() {
            ev.prevent_default();
            refresh(true);
            return;
        }
        let Some(c) = open.get_untracked() else {
            return;
        };
        let n = c.items.len();
        match key.as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                selected.update(|s| *s = (*s + 1) % n);
            }
            "ArrowUp" => {
                ev.prevent_default();
                selected.update(|s| *s = (*s + n - 1) % n);
            }
            "Enter" | "Tab" => {
                ev.prevent_default();
                let i = selected.get_untracked().min(n - 1);
                accept(c.items[i].clone());
            }
            "Escape" => {
                ev.prevent_default();
                open.set(None);
            }
            _ => {}
        }
    };
    let on_keyup = move |ev: KeyboardEvent| {
        let key = ev.key();
        let navigation = matches!(
            key.as_str(),
            "ArrowDown" | "ArrowUp" | "Enter" | "Tab" | "Escape" | "Control" | "Meta" | "Shift"
        );
        if navigation || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        if textarea(&ev).is_some() {
            refresh(false);
        }
    };

    view! {
        <div class="editor">
            <pre class="editor-highlight" aria-hidden="true">
                {move || segments(&text.get(), error_span.get()).into_iter().map(|(text, class)| view! {
                    <span class=class>{text}</span>
                }).collect_view()}
                // Keeps the last line's height when the text ends with a newline.
                " "
            </pre>
            <textarea
                node_ref=area_ref
                data-testid="query-input"
                class="code-input editor-input"
                rows="2"
                spellcheck="false"
                autocomplete="off"
                aria-autocomplete="list"
                placeholder="rate(http_requests_total[5m])"
                prop:value=move || text.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
                on:keydown=on_keydown
                on:keyup=on_keyup
                on:blur=move |_| {
                    // Let a click on an item land first.
                    set_timeout(move || open.set(None), std::time::Duration::from_millis(150));
                }
            ></textarea>
            {move || open.get().map(|c| view! {
                <ul class="completions" data-testid="autocomplete" role="listbox">
                    {c.items.into_iter().enumerate().map(|(i, item)| {
                        let chosen = item.clone();
                        view! {
                            <li
                                data-testid="completion-item"
                                role="option"
                                class:selected=move || selected.get() == i
                                on:mousedown=move |ev| {
                                    ev.prevent_default();
                                    accept(chosen.clone());
                                }
                            >
                                <span class="completion-label">{item.label.clone()}</span>
                                <span class="completion-kind">{format!("{:?}", item.kind).to_lowercase()}</span>
                                <span class="completion-detail">{item.detail}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}
