//! The editor of a configuration file the run uses (the rule file,
//! `alertmanager.yml`): YAML highlighted, checked as it is typed with its problems
//! listed and underlined at their place, the draft kept in storage, "Apply now"
//! (off while the draft is broken) and a way back to the text in effect.

use leptos::prelude::*;

use crate::ui::browser::chosen_file;
use crate::ui::code_editor::CodeEditor;
use crate::ui::storage;
use crate::views::yaml_editor::{FileProblem, yaml_segments};

/// The largest file "Open file…" reads.
const MAX_OPEN_BYTES: usize = 1 << 20;
/// The longest draft checked as it is typed (a larger one is checked on Apply).
const LIVE_CHECK_BYTES: usize = 200_000;

#[component]
pub fn FileEditor(
    title: &'static str,
    /// Where the draft is kept (`storage` key).
    draft_key: &'static str,
    /// Test ids: `{testid}-editor`, `-apply`, `-reset`, `-open`, `-errors`.
    testid: &'static str,
    reset_label: &'static str,
    /// The text in effect now.
    #[prop(into)]
    applied: Signal<String>,
    /// The problems a text has, as its reader finds them at load.
    check: fn(&str) -> Vec<FileProblem>,
    /// Applies a text; returns its problems when it is refused.
    apply: Callback<String, Vec<FileProblem>>,
) -> impl IntoView {
    let draft = RwSignal::new(storage::load(draft_key).unwrap_or_else(|| applied.get_untracked()));
    Effect::new(move |_| {
        storage::save(draft_key, &draft.get());
    });
    let live = Memo::new(move |_| {
        draft.with(|text| {
            if text.len() > LIVE_CHECK_BYTES {
                return Vec::new();
            }
            check(text)
        })
    });
    let refused = RwSignal::new(Vec::<FileProblem>::new());
    let problems = Signal::derive(move || {
        let now = live.get();
        if now.is_empty() { refused.get() } else { now }
    });
    let runs = Signal::derive(move || {
        let places: Vec<_> = problems
            .get()
            .iter()
            .filter_map(FileProblem::place)
            .collect();
        draft.with(|text| yaml_segments(text, &places))
    });
    let on_apply = move |_| refused.set(apply.run(draft.get_untracked()));
    let on_reset = move |_| {
        draft.set(applied.get_untracked());
        refused.set(Vec::new());
    };
    // A file from disk becomes the draft (checked as typed text is; applied on Apply).
    let on_open = move |ev: leptos::ev::Event| {
        let Some(read) = chosen_file(&ev, MAX_OPEN_BYTES) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match read.await {
                Ok((_, text)) => {
                    refused.set(Vec::new());
                    draft.set(text);
                }
                Err(message) => refused.set(vec![FileProblem {
                    message,
                    line: None,
                    column: None,
                }]),
            }
        });
    };
    view! {
        <section class="rule-editor">
            <h3>{title}</h3>
            <CodeEditor text=draft on_input=Callback::new(move |t| draft.set(t)) runs=runs
                testid=format!("{testid}-editor") rows=18/>
            <div class="editor-actions">
                <button data-testid=format!("{testid}-apply") on:click=on_apply
                    disabled=move || !live.with(Vec::is_empty)>"Apply now"</button>
                <button data-testid=format!("{testid}-reset") on:click=on_reset>{reset_label}</button>
                <label class="file-button" title="Put a file's text in the editor (it is checked; Apply now puts it in effect)">
                    "Open file…"
                    <input type="file" accept=".yml,.yaml,text/yaml" data-testid=format!("{testid}-open") on:change=on_open/>
                </label>
            </div>
            <ErrorList problems=problems testid=format!("{testid}-errors")/>
        </section>
    }
}

/// Problems in a file, in their reader's words (which name the line and column).
#[component]
pub fn ErrorList(
    problems: Signal<Vec<FileProblem>>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    move || {
        let list = problems.get();
        (!list.is_empty()).then(|| {
            view! {
                <ul class="file-errors error" data-testid=testid.clone()>
                    {list.into_iter().map(|e| view! { <li data-line=e.line>{e.message}</li> }).collect_view()}
                </ul>
            }
        })
    }
}
