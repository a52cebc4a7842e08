//! The run's timeline under the clock bar: every event with its virtual time
//! ("10:05:00 outage started (5m)"), the ones still to come removable.

use leptos::prelude::*;

use crate::ui::playground::Playground;

#[component]
pub fn TimelineList() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let rows = playground.events;
    // Which events are still to come moves with the clock: a memo of the flags, so
    // the list is rebuilt when one flips, not at every tick.
    let future = Memo::new(move |_| {
        let now = playground.clock.get().now_ms;
        rows.with(|rows| {
            rows.iter()
                .map(|row| row.future && row.at_ms >= now)
                .collect::<Vec<bool>>()
        })
    });
    let summary = move || match rows.with(Vec::len) {
        0 => {
            "Timeline: no events yet (changes you make to the service are listed here)".to_string()
        }
        1 => "Timeline: 1 event".to_string(),
        n => format!("Timeline: {n} events"),
    };
    let items = move || {
        let flags = future.get();
        rows.get()
            .into_iter()
            .zip(flags)
            .map(|(row, future)| {
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
