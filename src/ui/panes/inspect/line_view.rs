//! The parsed text, line by line, with error lines marked and the selected line
//! highlighted. Only the lines in view are in the DOM, so a 10 MB document scrolls
//! as smoothly as a short one.

use std::sync::Arc;

use leptos::html::Div;
use leptos::prelude::*;

use super::analysis::Analysis;

const LINE_HEIGHT: f64 = 20.0;
const VISIBLE_LINES: usize = 18;
/// Extra lines rendered above and below the view, so fast scrolling shows no gaps.
const OVERSCAN: usize = 6;

#[component]
pub fn LineView(analysis: Arc<Analysis>, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let container = NodeRef::<Div>::new();
    let scroll_top = RwSignal::new(0.0f64);
    let total = analysis.line_count();

    // Bring the selected line into view when it is chosen elsewhere (an error, a family).
    Effect::new(move |_| {
        let Some(line) = selected.get() else { return };
        let Some(el) = container.get() else { return };
        let top = (line - 1) as f64 * LINE_HEIGHT;
        let view_top = el.scroll_top() as f64;
        let view_height = VISIBLE_LINES as f64 * LINE_HEIGHT;
        if top < view_top || top + LINE_HEIGHT > view_top + view_height {
            el.set_scroll_top((top - view_height / 3.0).max(0.0) as i32);
        }
    });

    let rows = {
        let analysis = analysis.clone();
        move || {
            let first = ((scroll_top.get() / LINE_HEIGHT) as usize).saturating_sub(OVERSCAN);
            let last = (first + VISIBLE_LINES + 2 * OVERSCAN).min(total);
            (first..last)
                .map(|i| {
                    let n = i + 1;
                    let error = analysis.has_error(n);
                    let text = analysis.line(n).to_string();
                    view! {
                        <div
                            class="line"
                            class:line-error=error
                            class:line-selected=move || selected.get() == Some(n)
                            style:top=format!("{}px", i as f64 * LINE_HEIGHT)
                            data-line=n
                            on:click=move |_| selected.set(Some(n))
                        >
                            <span class="line-no">{n}</span>
                            <span class="line-text">{text}</span>
                        </div>
                    }
                })
                .collect_view()
        }
    };

    view! {
        <div
            class="line-view"
            data-testid="line-view"
            node_ref=container
            style:height=format!("{}px", VISIBLE_LINES as f64 * LINE_HEIGHT)
            on:scroll=move |_| {
                if let Some(el) = container.get() {
                    scroll_top.set(el.scroll_top() as f64);
                }
            }
        >
            <div class="line-view-inner" style:height=format!("{}px", total as f64 * LINE_HEIGHT)>
                {rows}
            </div>
        </div>
    }
}
