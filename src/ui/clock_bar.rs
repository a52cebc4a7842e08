//! The virtual clock's controls, above every pane: the simulated time, the speed
//! (pause, 1×, 10×, 60×, 600×), and "backfill the last N hours" with its progress.

use leptos::prelude::*;

use crate::ui::playground::{Playground, SPEEDS, VirtualClock};

/// `2024-05-01 13:45:10 UTC` of a Unix time in ms.
pub fn format_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

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
        let settings = playground.with(|p| p.settings.clone()).unwrap_or_default();
        playground.backfill(settings, hours.get_untracked());
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
            <button type="button" data-testid="backfill" on:click=backfill disabled=move || playground.backfill.get().is_some()>
                "Backfill"
            </button>
            {move || playground.backfill.get().map(|p| view! {
                <progress data-testid="backfill-progress" max="1" value=p title="Backfilling"></progress>
            })}
            {move || playground.error.get().map(|e| view! { <span class="clock-error">{e}</span> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::format_utc;

    #[test]
    fn utc_formatting() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(1_714_521_600_000), "2024-05-01 00:00:00 UTC");
        assert_eq!(
            format_utc(951_825_600_000 + 3_723_000),
            "2000-02-29 13:02:03 UTC"
        );
    }
}
