//! The Query pane. The PromQL engine arrives with issue #5; until then the editor
//! keeps the user's query across reloads and the graph draws a clearly labelled demo
//! signal through the same chart component real results will use.

use leptos::prelude::*;
use std::time::Duration;

use super::Coming;
use crate::ui::chart::{Series, TimeSeriesChart};
use crate::ui::storage;

const STORAGE_KEY: &str = "query.expr";
/// How much demo history the graph keeps.
const DEMO_POINTS: usize = 120;
const DEMO_TICK: Duration = Duration::from_millis(500);

/// The demo signal: a one-minute sine with a slower drift, at time `t` (seconds).
fn demo_value(t: f64) -> f64 {
    use std::f64::consts::TAU;
    50.0 + 30.0 * (TAU * t / 60.0).sin() + 8.0 * (TAU * t / 17.0).sin()
}

fn now_seconds() -> f64 {
    js_sys::Date::now() / 1000.0
}

#[component]
pub fn QueryPane() -> impl IntoView {
    let expr = RwSignal::new(storage::load(STORAGE_KEY).unwrap_or_default());
    Effect::new(move |_| {
        storage::save(STORAGE_KEY, &expr.get());
    });

    let demo = RwSignal::new({
        let now = now_seconds();
        let step = DEMO_TICK.as_secs_f64();
        let points = (0..DEMO_POINTS)
            .rev()
            .map(|i| {
                let t = now - i as f64 * step;
                (t, demo_value(t))
            })
            .collect();
        vec![Series {
            name: "demo signal".into(),
            points,
        }]
    });
    if let Ok(handle) = set_interval_with_handle(
        move || {
            demo.update(|series| {
                let points = &mut series[0].points;
                let t = now_seconds();
                points.push((t, demo_value(t)));
                if points.len() > DEMO_POINTS {
                    points.drain(..points.len() - DEMO_POINTS);
                }
            })
        },
        DEMO_TICK,
    ) {
        on_cleanup(move || handle.clear());
    }

    view! {
        <Coming issue=5 title="PromQL">
            "Type a query and get a table, a graph and an explanation of every sub-expression, "
            "with results equal to Prometheus's."
        </Coming>
        <div class="query-editor">
            <label class="field">
                <span>"Expression (kept across reloads)"</span>
                <textarea
                    data-testid="query-input"
                    class="code-input"
                    rows="2"
                    spellcheck="false"
                    placeholder="rate(http_requests_total[5m])"
                    prop:value=move || expr.get()
                    on:input=move |ev| expr.set(event_target_value(&ev))
                ></textarea>
            </label>
            <button
                type="button"
                data-testid="run-query"
                disabled=true
                title="The PromQL engine arrives with issue #5"
            >
                "Execute"
            </button>
        </div>
        <p class="chart-caption">
            "Demo signal, drawn live through the chart component that will show query results "
            "(a sine wave, not data from any service)."
        </p>
        <TimeSeriesChart series=demo label="Demo signal: a sine wave drawn live" testid="graph"/>
    }
}
