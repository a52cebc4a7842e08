//! The Service pane's "Classic and native" section: in a run with native
//! histograms on, the service's latency histogram both ways, side by side (see
//! `views::histogram_compare`).

use leptos::prelude::*;

use crate::sim::http_signals;
use crate::ui::chart::Chart;
use crate::ui::playground::Playground;
use crate::views::chart::Unit;
use crate::views::histogram_compare::{Comparison, compare, queries};

/// Heatmaps cover the last 30 minutes, a column a minute.
const RANGE_MS: i64 = 30 * 60_000;
const STEP_MS: i64 = 60_000;

#[component]
pub fn HistogramComparison() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let comparison = Memo::new(move |_| {
        playground
            .read_data(|p| {
                let name = http_signals(&p.run().scenario)?.histogram?;
                if !p.run().native_histograms {
                    return None;
                }
                let opts = crate::views::query_options(crate::ui::browser::now_ms);
                Some(compare(
                    p.store(),
                    name,
                    p.now_ms(),
                    (RANGE_MS, STEP_MS),
                    &opts,
                ))
            })
            .flatten()
    });
    move || {
        comparison.get().map(|c: Comparison| {
            let (classic_query, native_query) = queries(&c.name, "5m");
            let rows = c
                .quantiles
                .iter()
                .map(|&(q, classic, native)| {
                    let show = |v: f64| {
                        if v.is_finite() {
                            Unit::Seconds.format(v)
                        } else {
                            "no data yet".to_string()
                        }
                    };
                    view! {
                        <tr>
                            <td>{format!("p{}", q * 100.0)}</td>
                            <td>{show(classic)}</td>
                            <td>{show(native)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let classic_spec = Signal::derive(move || {
                comparison.with(|c| c.as_ref().map(|c| c.classic_heatmap.clone()).unwrap_or_default())
            });
            let native_spec = Signal::derive(move || {
                comparison.with(|c| c.as_ref().map(|c| c.native_heatmap.clone()).unwrap_or_default())
            });
            view! {
                <section class="histogram-compare" data-testid="histogram-compare">
                    <h3>"Classic and native, the same observations"</h3>
                    <p class="note">
                        "The service keeps its latency both ways; the scraper reads both from the protobuf format. "
                        "The classic histogram takes " {c.classic_series} " series, the native one " {c.native_series}
                        ". Quantiles over the whole service, from each:"
                    </p>
                    <table class="compare-table">
                        <thead><tr><th></th><th>"classic"</th><th>"native"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    <div class="compare-charts">
                        <div>
                            <p class="note"><code>{classic_query}</code></p>
                            <Chart spec=classic_spec label="Classic buckets" testid="classic-heatmap" file_name="classic"/>
                        </div>
                        <div>
                            <p class="note"><code>{native_query}</code></p>
                            <Chart spec=native_spec label="Native buckets" testid="native-heatmap" file_name="native"/>
                        </div>
                    </div>
                </section>
            }
        })
    }
}
