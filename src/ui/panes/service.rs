//! The Service pane: which simulated service runs (scenario, seed, instances), its
//! live controls (traffic, errors, latency, outages, a slow release), and the
//! Python prometheus_client code it mirrors, with the lines behind each metric marked.

use leptos::prelude::*;

use crate::sim::scenarios;
use crate::ui::playground::{FIRST_VISIT_HOURS, Playground, RunSettings};

/// How long the buttons' incidents last, in virtual time.
const OUTAGE_MS: i64 = 5 * 60_000;
const SLOW_RELEASE_MS: i64 = 15 * 60_000;

#[component]
fn Slider(
    label: &'static str,
    testid: &'static str,
    min: f64,
    max: f64,
    step: f64,
    value: Signal<f64>,
    on_change: impl Fn(f64) + 'static,
) -> impl IntoView {
    view! {
        <label class="slider">
            <span>{label} ": " <strong>{move || format!("{:.2}", value.get())}</strong></span>
            <input
                type="range"
                data-testid=testid
                min=min
                max=max
                step=step
                prop:value=move || value.get().to_string()
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        on_change(v);
                    }
                }
            />
        </label>
    }
}

#[component]
pub fn ServicePane() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let settings = move || playground.with(|p| p.settings.clone()).unwrap_or_default();
    // The fields follow the settings, not every scrape (which would undo typing).
    let shown = Memo::new(move |_| settings());
    let restart = move |change: Box<dyn Fn(&mut RunSettings)>| {
        let mut s = settings();
        change(&mut s);
        playground.backfill(s, FIRST_VISIT_HOURS);
    };
    let set_control = move |change: fn(&mut crate::sim::Controls, f64), v: f64| {
        playground.update(|p| {
            let mut controls = p.sim.controls().clone();
            change(&mut controls, v);
            p.sim.set_controls(controls.clone());
            p.settings.controls = controls;
        });
        playground.save();
    };
    let control = move |get: fn(&crate::sim::Controls) -> f64| {
        Signal::derive(move || playground.with(|p| get(p.sim.controls())).unwrap_or(0.0))
    };
    let scenario_options = scenarios()
        .iter()
        .map(|s| view! { <option value=s.name>{s.title}</option> })
        .collect_view();
    let description = move || {
        let name = settings().scenario;
        scenarios()
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.description)
            .unwrap_or("")
    };
    let highlighted = RwSignal::new(None::<&'static str>);
    let source = move || {
        playground.with(|p| {
            let src = p.sim.python_source();
            let marks = src.metric_lines.clone();
            let chosen = highlighted.get();
            let metric_of = |n: usize| marks.iter().find(|(_, lines)| lines.contains(&n)).map(|(m, _)| *m);
            let lines = src
                .code
                .lines()
                .enumerate()
                .map(|(i, line)| {
                    let n = i + 1;
                    let metric = metric_of(n);
                    let active = metric.is_some() && (chosen.is_none() || chosen == metric);
                    view! {
                        <div class="src-line" class:src-metric=active data-metric=metric.unwrap_or("")>
                            <span class="line-no">{n}</span>
                            <span>{line.to_string()}</span>
                        </div>
                    }
                })
                .collect_view();
            let legend = marks
                .iter()
                .map(|(metric, _)| {
                    let m = *metric;
                    view! {
                        <button
                            type="button"
                            class="metric-chip"
                            aria-pressed=move || (highlighted.get() == Some(m)).to_string()
                            on:click=move |_| highlighted.update(|h| *h = if *h == Some(m) { None } else { Some(m) })
                        >
                            {m}
                        </button>
                    }
                })
                .collect_view();
            view! {
                <div class="metric-legend">{legend}</div>
                <div class="python-source" data-testid="python-source">
                    <div class="src-file">{src.file_name}</div>
                    {lines}
                </div>
            }
        })
    };

    view! {
        <section class="service">
            <h2>"The simulated service"</h2>
            <p class="pane-intro">{description}</p>
            <div class="service-settings">
                <label>
                    "Scenario "
                    <select
                        data-testid="scenario"
                        prop:value=move || shown.get().scenario
                        on:change=move |ev| {
                            let name = event_target_value(&ev);
                            restart(Box::new(move |s| s.scenario = name.clone()));
                        }
                    >
                        {scenario_options}
                    </select>
                </label>
                <label>
                    "Seed "
                    <input
                        type="number"
                        min="0"
                        data-testid="seed"
                        prop:value=move || shown.get().seed.to_string()
                        on:change=move |ev| {
                            let seed = event_target_value(&ev).parse().unwrap_or(1);
                            restart(Box::new(move |s| s.seed = seed));
                        }
                    />
                </label>
                <label>
                    "Instances "
                    <input
                        type="number"
                        min="1"
                        max="10"
                        data-testid="instances"
                        prop:value=move || shown.get().instances.to_string()
                        on:change=move |ev| {
                            let n: usize = event_target_value(&ev).parse().unwrap_or(1).clamp(1, 10);
                            let now = playground.clock.get_untracked().now_ms;
                            playground.update(|p| {
                                p.sim.set_instances(n);
                                p.settings.instances = n;
                                p.scraper.sync_targets(&p.sim, &mut p.store, now);
                            });
                            playground.save();
                        }
                    />
                </label>
            </div>
            <div class="controls">
                <Slider label="Traffic (requests/s per instance)" testid="traffic" min=0.0 max=200.0 step=1.0
                    value=control(|c| c.traffic_rate) on_change=move |v| set_control(|c, v| c.traffic_rate = v, v)/>
                <Slider label="Error ratio" testid="error-ratio" min=0.0 max=1.0 step=0.01
                    value=control(|c| c.error_ratio) on_change=move |v| set_control(|c, v| c.error_ratio = v, v)/>
                <Slider label="Latency multiplier" testid="latency" min=0.1 max=10.0 step=0.1
                    value=control(|c| c.latency_multiplier) on_change=move |v| set_control(|c, v| c.latency_multiplier = v, v)/>
                <div class="incident-buttons">
                    <button type="button" data-testid="start-outage" on:click=move |_| { playground.update(|p| p.sim.start_outage(OUTAGE_MS)); }>
                        "Start an outage (5 min)"
                    </button>
                    <button type="button" data-testid="slow-release" on:click=move |_| { playground.update(|p| p.sim.deploy_slow_release(SLOW_RELEASE_MS)); }>
                        "Deploy a slow release (15 min)"
                    </button>
                </div>
            </div>
            <h3>"The Python code this service mirrors"</h3>
            <p class="pane-intro">"Lines that create or update a metric are marked; pick a metric to see only its lines."</p>
            {source}
        </section>
    }
}
