//! The virtual clock's controls, above every pane: the simulated time, the speed
//! (pause, 1×, 10×, 60×, 600×), and "backfill the last N hours" with its progress.

use leptos::prelude::*;

use crate::ui::playground::{LabPhase, Playground, SPEEDS, VirtualClock};

use crate::time::format_utc;

#[component]
pub fn ClockBar() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let hours = RwSignal::new(1i64);
    let speed_buttons = SPEEDS
        .into_iter()
        .map(|speed| {
            view! {
                <button
                    type="button"
                    class="speed"
                    data-testid=format!("speed-{speed}")
                    aria-pressed=move || (playground.clock.get().speed == speed).to_string()
                    on:click=move |_| playground.set_speed(speed)
                >
                    {VirtualClock::label(speed)}
                </button>
            }
        })
        .collect_view();
    let backfill = move |_| {
        let (scenario, seed) = playground
            .read(|p| (p.run().scenario.clone(), p.run().seed))
            .unwrap_or_else(|| ("api".into(), 1));
        playground.new_run(&scenario, seed, hours.get_untracked());
    };
    // Writes the exact link now (the address trails a running clock by a few
    // seconds) and puts it on the clipboard.
    let copied = RwSignal::new(false);
    let copy_link = move |_| {
        let href = playground.write_link();
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&href);
        }
        copied.set(true);
        set_timeout(
            move || {
                copied.try_set(false);
            },
            std::time::Duration::from_secs(2),
        );
    };
    let embed_copied = RwSignal::new(false);
    let copy_embed = move |_| {
        let code = embed_code(&playground.write_link());
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&code);
        }
        embed_copied.set(true);
        set_timeout(
            move || {
                embed_copied.try_set(false);
            },
            std::time::Duration::from_secs(2),
        );
    };
    let exported = RwSignal::new(false);
    let export_stack = move |_| {
        leptos::task::spawn_local(async move {
            match crate::ui::panes::parts::export_stack(playground).await {
                Ok(_) => {
                    exported.set(true);
                    set_timeout(
                        move || {
                            exported.try_set(false);
                        },
                        std::time::Duration::from_secs(2),
                    );
                }
                Err(e) => playground
                    .error
                    .set(Some(format!("The stack could not be exported: {e}"))),
            }
        });
    };
    view! {
        <div class="clock-bar" data-testid="clock-bar">
            <span class="virtual-time" data-testid="virtual-time" title="Simulated time">
                {move || format_utc(playground.clock.get().now_ms)}
            </span>
            <span class="speeds" role="group" aria-label="Clock speed">{speed_buttons}</span>
            <label>
                "Backfill the last "
                <select on:change=move |ev| hours.set(event_target_value(&ev).parse().unwrap_or(1))>
                    <option value="1">"1 hour"</option>
                    <option value="6">"6 hours"</option>
                    <option value="24">"24 hours"</option>
                </select>
            </label>
            <button type="button" data-testid="backfill" on:click=backfill
                title="Starts a new run that many hours before now, with the settings in effect now and an empty timeline" disabled=move || playground.backfill.get().is_some()>
                "Backfill"
            </button>
            <button type="button" data-testid="copy-embed" on:click=copy_embed
                title="Copy an <iframe> that shows this run in the Query pane (or the dashboard, or the lesson step, when one is open), for a blog post or course page">
                {move || if embed_copied.get() { "Embed code copied" } else { "Copy embed code" }}
            </button>
            <button type="button" data-testid="export-stack" on:click=export_stack
                disabled=move || playground.backfill.get().is_some()
                title="Download this run as the real stack, for docker compose up: the service's Python program, Prometheus with the run's rules, Alertmanager, and Grafana with the dashboard">
                {move || if exported.get() { "Stack exported" } else { "Export the stack" }}
            </button>
            <button type="button" data-testid="copy-link" on:click=copy_link
                title="Copy a link that replays this run up to this moment, in any browser">
                {move || if copied.get() { "Link copied" } else { "Copy link" }}
            </button>
            {move || playground.backfill.get().map(|p| view! {
                <progress data-testid="backfill-progress" max="1" value=p title="Backfilling"></progress>
            })}
            {move || (playground.lab.status.with(|s| s.phase == LabPhase::Held)).then(|| view! {
                <span class="clock-error" data-testid="lab-held">
                    "This link contains a Python program; the replay waits until you run it: "
                    <a href="#service">"review it in the Python lab"</a>
                </span>
            })}
            {move || playground.error.get().map(|e| view! { <span class="clock-error" data-testid="clock-error">{e}</span> })}
            {move || playground.link_warning.get().map(|w| view! { <span class="clock-error" data-testid="link-warning">{w}</span> })}
        </div>
    }
}

/// The `<iframe>` that embeds `href`'s run in the pane shown now (the dashboard,
/// a lesson's step, or else the Query pane).
fn embed_code(href: &str) -> String {
    let (base, hash) = href.split_once('#').unwrap_or((href, ""));
    let pane = if ["dashboard", "lessons"].contains(&hash) {
        hash
    } else {
        "query"
    };
    let joiner = if base.contains('?') { '&' } else { '?' };
    let src = format!("{base}{joiner}embed={pane}")
        .replace('&', "&amp;")
        .replace('"', "&quot;");
    format!(
        r#"<iframe src="{src}" title="promplay: a Prometheus query" style="width:100%;height:480px;border:0" loading="lazy"></iframe>"#
    )
}
