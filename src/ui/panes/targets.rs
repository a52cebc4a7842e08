//! The Targets pane, as Prometheus's Targets page: each scrape target's health,
//! labels, last scrape, its duration and the last error.

use leptos::prelude::*;

use crate::pipeline::Change;
use crate::scrape::{Health, TargetStatus};
use crate::time::{format_ago, format_utc};
use crate::ui::panes::PaneHeader;
use crate::ui::playground::Playground;

#[component]
pub fn TargetsPane() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let rows = move || {
        let now = playground.clock.get().now_ms;
        playground
            .read_data(|p| p.targets())
            .unwrap_or_default()
            .into_iter()
            .map(|target| view! { <TargetRow target=target now_ms=now/> })
            .collect_view()
    };
    let store_stats = move || {
        playground.read_data(|p| {
            let s = p.store().stats(5);
            format!(
                "Store: {} series, {} samples, {:.1} MB ({:.2} bytes per sample)",
                s.series,
                s.samples,
                s.bytes as f64 / 1e6,
                s.bytes_per_sample
            )
        })
    };
    view! {
        <section class="targets">
            <PaneHeader title="Targets">
                "What the in-page Prometheus scrapes: one target per service instance, every scrape interval. "
                "A target that fails a scrape is DOWN, its up series is 0 and its series get stale markers."
            </PaneHeader>
            <SampleLimitField/>
            <table class="targets-table" data-testid="targets-table">
                <thead>
                    <tr>
                        <th>"Endpoint"</th><th>"State"</th><th>"Labels"</th><th>"Last scrape"</th>
                        <th>"Duration"</th><th>"Scraped"</th><th>"Error"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <h3>"TSDB status"</h3>
            <p class="store-stats" data-testid="store-stats">{store_stats}</p>
            <StoreFingerprint/>
            <TsdbStatus/>
        </section>
    }
}

/// One target: endpoint, health, labels, last scrape (virtual time), duration,
/// samples and error.
#[component]
fn TargetRow(target: TargetStatus, now_ms: i64) -> impl IntoView {
    let t = target;
    let health_class = format!("health health-{}", t.health.as_str());
    let last = t
        .last_scrape_ms
        .map_or_else(|| "never".into(), |ms| format_ago(now_ms, ms));
    let last_title = t.last_scrape_ms.map(format_utc).unwrap_or_default();
    let scraped = if t.health == Health::Up {
        format!("{} samples", t.last_samples)
    } else {
        String::new()
    };
    view! {
        <tr data-testid="target-row" data-health=t.health.as_str()>
            <td>{format!("{} / {}", t.job, t.instance)}</td>
            <td><span class=health_class>{t.health.as_str().to_uppercase()}</span></td>
            <td class="labels">
                <code>{format!("instance=\"{}\"", t.instance)}</code>
                " "
                <code>{format!("job=\"{}\"", t.job)}</code>
                {t.honor_labels.then(|| view! { " " <span class="badge">"honor_labels"</span> })}
            </td>
            <td title=last_title>{last}</td>
            <td>{format!("{:.1} ms", t.last_duration_s * 1000.0)}</td>
            <td>{scraped}</td>
            <td class="error">{t.last_error.unwrap_or_default()}</td>
        </tr>
    }
}

/// The scrape's sample_limit; a change is an event on the timeline.
#[component]
fn SampleLimitField() -> impl IntoView {
    let playground = expect_context::<Playground>();
    // Only a change of the limit itself may rewrite the field (re-setting the value
    // on every scrape would undo typing).
    let sample_limit = Memo::new(move |_| {
        playground
            .read_run(|p| p.settings().sample_limit)
            .unwrap_or(0)
    });
    view! {
        <label class="sample-limit">
            "sample_limit "
            <input
                type="number"
                min="0"
                data-testid="sample-limit"
                prop:value=move || sample_limit.get().to_string()
                on:change=move |ev| {
                    let limit = event_target_value(&ev).parse().unwrap_or(0);
                    if limit != sample_limit.get_untracked() {
                        playground.change_now(Change::SampleLimit(limit));
                    }
                }
            />
            " (0: no limit; a scrape with more samples fails and stores nothing, as in Prometheus; a change is an event on the timeline)"
        </label>
    }
}

/// A hash of everything stored, on demand: two pages (a link and its sender's)
/// with equal fingerprints hold exactly the same data.
#[component]
fn StoreFingerprint() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let shown = RwSignal::new(None::<(i64, u64)>);
    let compute = move |_| shown.set(playground.read(|p| (p.now_ms(), p.store().fingerprint())));
    view! {
        <p class="store-fingerprint">
            <button type="button" data-testid="fingerprint-store" on:click=compute>"Fingerprint the store"</button>
            " "
            <code data-testid="store-fingerprint">
                {move || shown.get().map(|(at, hash)| format!("{hash:016x} at {}", crate::time::format_utc(at)))}
            </code>
        </p>
    }
}

/// Prometheus's TSDB status: the metrics with the most series, the label names with the most values.
#[component]
fn TsdbStatus() -> impl IntoView {
    let playground = expect_context::<Playground>();
    move || {
        playground.read_data(|p| {
            let s = p.store().stats(8);
            let list = |rows: Vec<(String, usize)>| {
                rows.into_iter()
                    .map(|(name, n)| view! { <tr><td><code>{name}</code></td><td class="num">{n}</td></tr> })
                    .collect_view()
            };
            view! {
                <div class="tsdb-status" data-testid="tsdb-status">
                    <table>
                        <thead><tr><th>"Top metrics"</th><th>"Series"</th></tr></thead>
                        <tbody>{list(s.top_metrics_by_series)}</tbody>
                    </table>
                    <table>
                        <thead><tr><th>"Top label names"</th><th>"Values"</th></tr></thead>
                        <tbody>{list(s.top_label_names_by_value_count)}</tbody>
                    </table>
                </div>
            }
        })
    }
}
