//! The run's timeline under the clock bar: every event with its virtual time
//! ("10:05:00 outage started (5m)"), the ones still to come removable.

use leptos::prelude::*;

use crate::ui::playground::Playground;

#[component]
pub fn TimelineList() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let rows = Memo::new(move |_| playground.read_run(|p| p.event_rows()).unwrap_or_default());
    // Whether each event is still in the future moves with the clock, not only the run.
    let now = Memo::new(move |_| playground.clock.get().now_ms);
    let summary = move || match rows.with(Vec::len) {
        0 => {
            "Timeline: no events yet (changes you make to the service are listed here)".to_string()
        }
        1 => "Timeline: 1 event".to_string(),
        n => format!("Timeline: {n} events"),
    };
    let items = move || {
        let now = now.get();
        rows.get()
            .into_iter()
            .map(|row| {
                let future = row.future && row.at_ms >= now;
                let index = row.index;
                let label = format!("Remove the event at {}: {}", row.time, row.text);
                view! {
                    <li data-testid="timeline-event" class:future=future data-future=future.to_string()>
                        <time>{row.time}</time>
                        <span>{row.text}</span>
                        {future.then(|| view! {
                            <button type="button" data-testid="timeline-remove" title=label.clone() aria-label=label
                                on:click=move |_| playground.remove_event(index)>"×"</button>
                        })}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <details class="timeline" data-testid="timeline" open=move || rows.with(|r| !r.is_empty())>
            <summary>{summary}</summary>
            <ol>{items}</ol>
        </details>
    }
}
