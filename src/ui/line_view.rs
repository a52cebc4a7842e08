//! A text line by line, as the Exposition and Inspect panes show it: numbered,
//! highlighted, marked (metadata, errors) and selectable. Only the lines in view
//! are in the DOM, so a 10 MB document scrolls as smoothly as a short one, and a
//! new text (the next scrape) keeps the scroll position. What the selected line
//! means can be shown right under it, where the reader clicked.

use std::sync::Arc;

use leptos::html::Div;
use leptos::prelude::*;

use crate::views::exposition::{LineSource, highlight_line};

const LINE_HEIGHT: f64 = 20.0;
/// Extra lines rendered above and below the view, so fast scrolling shows no gaps.
const OVERSCAN: usize = 6;
/// Lines kept in view under a selected line for its detail (its explanation).
const DETAIL_LINES: f64 = 5.0;

/// The lines of `lines` with line `selected` outlined and the lines `found` (a
/// search's, ascending) marked; clicking a line selects it, and selecting one
/// elsewhere (an error, a family, a search) scrolls it into view. `children`,
/// if given, is shown under the selected line.
#[component]
pub fn LineView(
    lines: Signal<Arc<dyn LineSource>>,
    selected: RwSignal<Option<usize>>,
    /// How many lines tall the view is.
    #[prop(default = 18)]
    visible: usize,
    #[prop(optional, into)] found: Option<Signal<Arc<Vec<usize>>>>,
    #[prop(optional)] children: Option<ChildrenFn>,
) -> impl IntoView {
    let container = NodeRef::<Div>::new();
    let scroll_top = RwSignal::new(0.0f64);
    let view_height = visible as f64 * LINE_HEIGHT;
    let below = if children.is_some() {
        DETAIL_LINES
    } else {
        0.0
    };

    Effect::new(move |_| {
        let Some(line) = selected.get() else { return };
        let Some(el) = container.get() else { return };
        let top = (line - 1) as f64 * LINE_HEIGHT;
        let view_top = el.scroll_top() as f64;
        if top < view_top || top + LINE_HEIGHT * (1.0 + below) > view_top + view_height {
            el.set_scroll_top((top - view_height / 3.0).max(0.0) as i32);
        }
    });

    let rows = move || {
        let source = lines.get();
        let found = found.map(|f| f.get()).unwrap_or_default();
        let first = ((scroll_top.get() / LINE_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let last = (first + visible + 2 * OVERSCAN).min(source.line_count());
        (first..last)
            .map(|i| {
                let n = i + 1;
                let mark = if found.binary_search(&n).is_ok() {
                    "line-found"
                } else {
                    source.mark(n).class()
                };
                view! { <Line n=n text=source.line(n).to_string() mark=mark selected=selected/> }
            })
            .collect_view()
    };
    let detail = move || {
        let n = selected.get()?;
        let content = children.clone()?;
        Some(view! {
            <div class="line-detail" style:top=format!("{}px", n as f64 * LINE_HEIGHT)>
                <button type="button" class="line-detail-close" title="Close" aria-label="Close"
                    on:click=move |_| selected.set(None)>"×"</button>
                {content()}
            </div>
        })
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
                {detail}
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
