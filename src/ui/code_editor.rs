//! A multi-line code editor: a textarea over a highlighted copy of its text (the
//! runs and classes come from the caller, e.g. `views::yaml_editor`), the copy
//! scrolled with the textarea. The query editor draws the same way on one line.

use leptos::prelude::*;

#[component]
pub fn CodeEditor(
    #[prop(into)] text: Signal<String>,
    on_input: Callback<String>,
    /// The text as (run, CSS classes), covering it all.
    #[prop(into)]
    runs: Signal<Vec<(String, String)>>,
    #[prop(into)] testid: String,
    rows: u32,
) -> impl IntoView {
    let highlight = NodeRef::<leptos::html::Pre>::new();
    let follow_scroll = move |ev: leptos::ev::Event| {
        let area = event_target::<web_sys::HtmlTextAreaElement>(&ev);
        if let Some(pre) = highlight.get_untracked() {
            pre.set_scroll_top(area.scroll_top());
            pre.set_scroll_left(area.scroll_left());
        }
    };
    view! {
        <div class="editor code-editor-box">
            <pre node_ref=highlight class="editor-highlight" aria-hidden="true">
                {move || runs.get().into_iter().map(|(text, class)| view! { <span class=class>{text}</span> }).collect_view()}
                " "
            </pre>
            <textarea
                class="code-input editor-input code-editor"
                rows=rows
                spellcheck="false"
                autocomplete="off"
                data-testid=testid
                prop:value=move || text.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
                on:scroll=follow_scroll
            ></textarea>
        </div>
    }
}
