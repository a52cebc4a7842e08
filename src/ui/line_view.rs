//! A text line by line, as the Exposition and Inspect panes show it: numbered,
//! highlighted, marked (metadata, errors) and selectable. Only the lines in view
//! are in the DOM, so a 10 MB document scrolls as smoothly as a short one, and a
//! new text (the next scrape) keeps the scroll position.

use std::sync::Arc;

use leptos::html::Div;
use leptos::prelude::*;

use crate::views::exposition::{LineSource, highlight_line};

const LINE_HEIGHT: f64 = 20.0;
/// Extra lines rendered above and below the view, so fast scrolling shows no gaps.
const OVERSCAN: usize = 6;

/// The lines of `lines` with line `selected` outlined; clicking a line selects it,
/// and selecting one elsewhere (an error, a family) scrolls it into view.
#[component]
pub fn LineView(
    lines: Signal<Arc<dyn LineSource>>,
    selected: RwSignal<Option<usize>>,
    /// How many lines tall the view is.
    #[prop(default = 18)]
    visible: usize,
) -> impl IntoView {
    let container = NodeRef::<Div>::new();
    let scroll_top = RwSignal::new(0.0f64);
    let view_height = visible as f64 * LINE_HEIGHT;

    Effect::new(move |_| {
        let Some(line) = selected.get() else { return };
        let Some(el) = container.get() else { return };
        let top = (line - 1) as f64 * LINE_HEIGHT;
        let view_top = el.scroll_top() as f64;
        if top < view_top || top + LINE_HEIGHT > view_top + view_height {
            el.set_scroll_top((top - view_height / 3.0).max(0.0) as i32);
        }
    });

    let rows = move || {
        let source = lines.get();
        let first = ((scroll_top.get() / LINE_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let last = (first + visible + 2 * OVERSCAN).min(source.line_count());
        (first..last)
            .map(|i| view! { <Line n=i + 1 text=source.line(i + 1).to_string() mark=source.mark(i + 1).class() selected=selected/> })
            .collect_view()
    };

    view! {
        <div
            class="line-view"
            data-testid="line-view"
            node_ref=container
            style:height=format!("{view_height}px")
            on:scroll=move |_| {
                if let Some(el) = container.get() {
                    scroll_top.set(el.scroll_top() as f64);
                }
            }
        >
            <div class="line-view-inner" style:height=move || format!("{}px", lines.with(|l| l.line_count()) as f64 * LINE_HEIGHT)>
                {rows}
            </div>
        </div>
    }
}

#[component]
fn Line(
    n: usize,
    text: String,
    mark: &'static str,
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    let runs = highlight_line(&text)
        .into_iter()
        .map(|(run, class)| view! { <span class=class>{run}</span> })
        .collect_view();
    view! {
        <div
            class=format!("line {mark}")
            class:line-selected=move || selected.get() == Some(n)
            style:top=format!("{}px", (n - 1) as f64 * LINE_HEIGHT)
            data-line=n
            on:click=move |_| selected.set(Some(n))
        >
            <span class="line-no">{n}</span>
            <span class="line-text">{runs}</span>
        </div>
    }
}

/// What line `n` means, under the line view; `children` adds actions (Graph this).
#[component]
pub fn LineExplanation(
    n: usize,
    explanation: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="explanation" data-testid="line-explanation">
            <strong>{format!("Line {n}: ")}</strong>
            {explanation}
            {children.map(|c| c())}
        </div>
    }
}
