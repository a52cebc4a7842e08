//! The PromQL editor: a textarea over a highlighted copy of its text (the parse
//! error underlined at its span), with autocompletion from `promql::complete` fed
//! by the store. Ctrl/Cmd+Enter runs; Ctrl+Space opens the completions. What it
//! shows and does is decided in `views::query::editor`.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use super::source::QuerySource;
use crate::promql::complete::{Completion, Completions};
use crate::ui::panes::parts::loaded_engine;
use crate::ui::playground::Playground;
use crate::views::query::editor::{
    ListKey, accept, byte_offset, list_key, opens, refreshes_on_keyup, segments,
};

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

    // Looks for completions at the cursor; `asked` is Ctrl+Space.
    let refresh = move |asked: bool| {
        let Some(area) = area_ref.get_untracked() else {
            return;
        };
        let text = area.value();
        let cursor = byte_offset(&text, area.selection_start().ok().flatten().unwrap_or(0));
        let server_names = use_context::<QuerySource>()
            .filter(|source| source.server.with_untracked(Option::is_some))
            .map(|source| source.names);
        let found = match server_names {
            // Completion from the server's metric names.
            Some(names) => loaded_engine().map(|engine| {
                names.with_untracked(|names| (engine.complete_names)(&text, cursor, names))
            }),
            None => pg.read_engine(|engine, p| (engine.complete)(p, &text, cursor)),
        };
        selected.set(0);
        open.set(found.filter(|c| opens(c, &text, cursor, asked)));
    };
    let choose = Callback::new(move |item: Completion| {
        let (Some(area), Some(c)) = (area_ref.get_untracked(), open.get_untracked()) else {
            return;
        };
        let (new_text, caret) = accept(&area.value(), c.replace, &item.insert);
        on_input.run(new_text.clone());
        area.set_value(&new_text);
        let _ = area.set_selection_range(caret, caret);
        let _ = area.focus();
        open.set(None);
    });
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
        let action = list_key(&key, c.items.len(), selected.get_untracked());
        if action != ListKey::Pass {
            ev.prevent_default();
        }
        match action {
            ListKey::Select(i) => selected.set(i),
            ListKey::Accept(i) => choose.run(c.items[i].clone()),
            ListKey::Close => open.set(None),
            ListKey::Pass => {}
        }
    };

    view! {
        <div class="editor">
            <Highlighted text=text error_span=error_span/>
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
                on:keyup=move |ev: KeyboardEvent| {
                    if refreshes_on_keyup(&ev.key(), ev.ctrl_key() || ev.meta_key()) {
                        refresh(false);
                    }
                }
                on:blur=move |_| {
                    // Let a click on an item land first.
                    set_timeout(move || open.set(None), std::time::Duration::from_millis(150));
                }
            ></textarea>
            {move || open.get().map(|c| view! { <CompletionList items=c.items selected=selected on_choose=choose/> })}
        </div>
    }
}

/// The text, highlighted, under the transparent textarea.
#[component]
fn Highlighted(text: Signal<String>, error_span: Signal<Option<(usize, usize)>>) -> impl IntoView {
    view! {
        <pre class="editor-highlight" aria-hidden="true">
            {move || segments(&text.get(), error_span.get()).into_iter().map(|(text, class)| view! {
                <span class=class>{text}</span>
            }).collect_view()}
            // Keeps the last line's height when the text ends with a newline.
            " "
        </pre>
    }
}

/// The open completions, `selected` marked; a click chooses one.
#[component]
fn CompletionList(
    items: Vec<Completion>,
    selected: RwSignal<usize>,
    on_choose: Callback<Completion>,
) -> impl IntoView {
    view! {
        <ul class="completions" data-testid="autocomplete" role="listbox">
            {items.into_iter().enumerate().map(|(i, item)| {
                let chosen = item.clone();
                view! {
                    <li
                        data-testid="completion-item"
                        role="option"
                        class:selected=move || selected.get() == i
                        on:mousedown=move |ev| {
                            ev.prevent_default();
                            on_choose.run(chosen.clone());
                        }
                    >
                        <span class="completion-label">{item.label.clone()}</span>
                        <span class="completion-kind">{format!("{:?}", item.kind).to_lowercase()}</span>
                        <span class="completion-detail">{item.detail}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
