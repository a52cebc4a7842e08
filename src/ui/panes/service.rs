//! The Service pane: which simulated service runs (scenario, seed: a new run), its
//! live controls (traffic, errors, latency, instances, outages, a slow release: each
//! an event on the run's timeline, from now on), and the Python prometheus_client
//! code it mirrors, with the lines behind each metric marked.

use leptos::prelude::*;

use crate::pipeline::{Change, Settings};
use crate::sim::{PythonSource, scenarios};
use crate::ui::panes::PaneHeader;
use crate::ui::panes::python_lab::PythonLab;
use crate::ui::panes::query::set_only_query;
use crate::ui::playground::{FIRST_VISIT_HOURS, Playground};
use crate::ui::storage;
use crate::views::dashboard::defaults::default_dashboard;

/// Whether the user opened the Python lab (storage key).
const LAB_OPEN_KEY: &str = "python.lab-open";
/// How long the buttons' incidents last, in virtual time.
const OUTAGE_MS: i64 = 5 * 60_000;
const SLOW_RELEASE_MS: i64 = 15 * 60_000;
/// When an incident starts: now, or this many virtual minutes from now.
const DELAYS_MIN: [i64; 4] = [0, 1, 5, 15];

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

/// The scenario's Python, with the lines of the chosen metric marked.
#[component]
fn PythonListing(source: PythonSource) -> impl IntoView {
    let highlighted = RwSignal::new(None::<&'static str>);
    let marks = source.metric_lines.clone();
    let lines = source
        .code
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let n = i + 1;
            let metric = marks
                .iter()
                .find(|(_, lines)| lines.contains(&n))
                .map(|(m, _)| *m);
            let active = move || {
                let chosen = highlighted.get();
                metric.is_some() && (chosen.is_none() || chosen == metric)
            };
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
            <div class="src-file">{source.file_name}</div>
            {lines}
        </div>
    }
}

/// The run's identity (scenario and seed: a new run) and its instance count (an event).
#[component]
fn RunFields(
    #[prop(into)] identity: Signal<(String, u64, bool)>,
    #[prop(into)] settings: Signal<Settings>,
) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let scenario_options = scenarios()
        .iter()
        .map(|s| view! { <option value=s.name>{s.title}</option> })
        .collect_view();
    view! {
        <div class="service-settings">
            <label>
                "Scenario "
                <select
                    data-testid="scenario"
                    prop:value=move || identity.get().0
                    on:change=move |ev| {
                        let name = event_target_value(&ev);
                        playground.new_run(&name, identity.get_untracked().1, FIRST_VISIT_HOURS);
                        // The Query pane starts from the new service's own first question
                        // (the other service's query would find nothing).
                        if let Some(panel) = default_dashboard(&name).panels.first() {
                            set_only_query(&panel.query);
                        }
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
                    prop:value=move || identity.get().1.to_string()
                    on:change=move |ev| {
                        let seed = event_target_value(&ev).parse().unwrap_or(1);
                        playground.new_run(&identity.get_untracked().0, seed, FIRST_VISIT_HOURS);
                    }
                />
            </label>
            <label title="Latency histograms carry a native histogram beside their classic buckets, and the scraper asks for the protobuf format, as Prometheus with native histograms enabled does. Starts a new run.">
                <input
                    type="checkbox"
                    data-testid="native-histograms"
                    prop:checked=move || identity.get().2
                    on:change=move |ev| {
                        let (scenario, seed, _) = identity.get_untracked();
                        playground.new_run_with(&scenario, seed, FIRST_VISIT_HOURS, event_target_checked(&ev));
                    }
                />
                " Native histograms"
            </label>
            <label>
                "Instances "
                <input
                    type="number"
                    min="1"
                    max="10"
                    data-testid="instances"
                    prop:value=move || settings.get().instances.to_string()
                    on:change=move |ev| {
                        let n: usize = event_target_value(&ev).parse().unwrap_or(1).clamp(1, 10);
                        if n != settings.get_untracked().instances {
                            playground.change_now(Change::Instances(n));
                        }
                    }
                />
            </label>
        </div>
        <p class="pane-intro note">
            "Changing the scenario, the seed or native histograms starts a new run (its timeline starts empty). "
            "Every other change is an event on the run's timeline: it applies from now on and never rewrites the past."
        </p>
    }
}

/// The live controls and incidents, each change an event at now (incidents
/// optionally a few minutes later).
#[component]
fn Controls(#[prop(into)] settings: Signal<Settings>) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let control = move |get: fn(&Settings) -> f64| Signal::derive(move || settings.with(get));
    let delay_min = RwSignal::new(0i64);
    let incident = move |change: Change| {
        let now = playground.clock.get_untracked().now_ms;
        playground.add_event(now + delay_min.get_untracked() * 60_000, change);
    };
    let delay_options = DELAYS_MIN
        .iter()
        .map(|&m| {
            let label = if m == 0 {
                "now".to_string()
            } else {
                format!("in {m} min")
            };
            view! { <option value=m.to_string()>{label}</option> }
        })
        .collect_view();
    view! {
        <div class="controls">
            <Slider label="Traffic (requests/s per instance)" testid="traffic" min=0.0 max=200.0 step=1.0
                value=control(|s| s.controls.traffic_rate) on_change=move |v| playground.change_now(Change::Traffic(v))/>
            <Slider label="Error ratio" testid="error-ratio" min=0.0 max=1.0 step=0.01
                value=control(|s| s.controls.error_ratio) on_change=move |v| playground.change_now(Change::ErrorRatio(v))/>
            <Slider label="Latency multiplier" testid="latency" min=0.1 max=10.0 step=0.1
                value=control(|s| s.controls.latency_multiplier) on_change=move |v| playground.change_now(Change::Latency(v))/>
            <div class="incident-buttons">
                <button type="button" data-testid="start-outage"
                    on:click=move |_| incident(Change::Outage { duration_ms: OUTAGE_MS })>
                    "Start an outage (5 min)"
                </button>
                <button type="button" data-testid="slow-release"
                    on:click=move |_| incident(Change::SlowRelease { duration_ms: SLOW_RELEASE_MS })>
                    "Deploy a slow release (15 min)"
                </button>
                <label>
                    "starting "
                    <select data-testid="incident-delay"
                        on:change=move |ev| delay_min.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {delay_options}
                    </select>
                </label>
            </div>
        </div>
    }
}

#[component]
pub fn ServicePane() -> impl IntoView {
    let playground = expect_context::<Playground>();
    // What the run is (a new run changes it) and the settings in effect now (events
    // change them): the fields follow these, not every scrape, which would undo typing.
    let identity = Memo::new(move |_| {
        playground
            .read_run(|p| {
                let run = p.run();
                (run.scenario.clone(), run.seed, run.native_histograms)
            })
            .unwrap_or_else(|| ("api".into(), 1, false))
    });
    let settings = Memo::new(move |_| {
        playground
            .read_run(|p| p.settings().clone())
            .unwrap_or_else(|| Settings::for_scenario("api", 2))
    });
    let description = move || {
        let name = identity.get().0;
        scenarios()
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.description)
            .unwrap_or("")
    };
    // The Python lab is open when the user opened it, or when the run has a program.
    let lab_open = RwSignal::new(storage::load(LAB_OPEN_KEY).as_deref() == Some("1"));
    let has_program = Memo::new(move |_| {
        playground
            .read_run(|p| !p.run().programs.is_empty())
            .unwrap_or(false)
    });
    let open = move || lab_open.get() || has_program.get();
    let toggle = move |_| {
        let now = !lab_open.get_untracked();
        lab_open.set(now);
        storage::save(LAB_OPEN_KEY, if now { "1" } else { "0" });
        if now {
            // Opening the lab starts loading its runtime (a few MB, once).
            playground.lab.preload();
        }
    };
    // The listing is rebuilt only when the scenario changes or the lab opens.
    let source = move || {
        identity.track();
        let source = playground.read(|p| p.python_source().clone())?;
        Some(if open() {
            let scenario = Signal::derive(move || identity.get().0);
            let code = source.code.to_string();
            view! { <PythonLab scenario=scenario original=Signal::derive(move || code.clone())/> }
                .into_any()
        } else {
            view! { <PythonListing source=source/> }.into_any()
        })
    };
    view! {
        <section class="service">
            <PaneHeader title="The simulated service">{description}</PaneHeader>
            <RunFields identity=identity settings=settings/>
            <Controls settings=settings/>
            <crate::ui::panes::histogram_compare::HistogramComparison/>
            <crate::ui::panes::metric_lab::MetricLabPanel/>
            <div class="python-heading">
                <h3>"The Python code this service mirrors"</h3>
                <button type="button" data-testid="python-lab" aria-pressed=move || open().to_string()
                    disabled=move || has_program.get() on:click=toggle>
                    "Python lab: run it for real"
                </button>
            </div>
            <Show when=move || !open()>
                <p class="pane-intro">"Lines that create or update a metric are marked; pick a metric to see only its lines."</p>
            </Show>
            {source}
        </section>
    }
}
