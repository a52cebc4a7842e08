//! The metric-types lab in the Service pane: a Counter, a Gauge, a Histogram and
//! a Summary side by side. Declare one (name, help, labels, buckets or
//! quantiles), press inc, dec, set or observe: the exposition lines change (the
//! changed ones marked), the next scrape stores them, and two small graphs show
//! the raw value and how fast it changes. Every press is an event of the run.
//! Shaped by `crate::views::metric_lab`; the metrics live in `crate::sim::MetricLab`.

use leptos::prelude::*;

use crate::expo::model::MetricType;
use crate::expo::textparse::Format;
use crate::sim::{Action, MetricOp};
use crate::ui::browser::now_ms;
use crate::ui::chart::Chart;
use crate::ui::playground::Playground;
use crate::views::dashboard::eval::evaluate_panel;
use crate::views::dashboard::interval::window;
use crate::views::dashboard::model::Panel;
use crate::views::metric_lab::{family_lines, graph_queries, starting_declaration};

const TYPES: [MetricType; 4] = [
    MetricType::Counter,
    MetricType::Gauge,
    MetricType::Histogram,
    MetricType::Summary,
];
/// The graphs show the last ten minutes.
const GRAPH_RANGE_MS: i64 = 10 * 60_000;

#[component]
pub fn MetricLabPanel() -> impl IntoView {
    view! {
        <section class="metric-lab" data-testid="metric-lab">
            <h3>"Metric types lab"</h3>
            <p class="pane-intro">
                "Declare a metric of each type and change it by hand: see its exposition lines change, "
                "the samples reach the store at the next scrape (job=\"metric-lab\"), and the raw value beside how fast it changes. "
                "Each press is an event of the run, so a link replays it."
            </p>
            <div class="metric-lab-grid">
                {TYPES.into_iter().map(|kind| view! { <MetricCard kind=kind/> }).collect_view()}
            </div>
        </section>
    }
}

#[component]
fn MetricCard(kind: MetricType) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let (name0, help0, bounds0) = starting_declaration(kind);
    let name = RwSignal::new(name0.to_string());
    let help = RwSignal::new(help0.to_string());
    let labels = RwSignal::new(String::new());
    let bounds = RwSignal::new(bounds0.to_string());
    let label_values = RwSignal::new(String::new());
    let value = RwSignal::new(
        if kind == MetricType::Histogram {
            "0.3"
        } else {
            "1"
        }
        .to_string(),
    );
    let error = RwSignal::new(None::<String>);
    // Whether this card's metric is declared in the run's lab.
    let declared = Memo::new(move |_| {
        playground
            .read_run(|p| p.metric_lab_declared(&name.get()) == Some(kind))
            .unwrap_or(false)
    });
    // The family's lines just before the last press: what it changed is marked.
    let before = RwSignal::new(Vec::<String>::new());
    let current_lines = move || {
        let text = playground
            .read(|p| p.metric_lab_text(Format::Text))
            .flatten()
            .unwrap_or_default();
        family_lines(&text, &name.get_untracked(), &[])
            .into_iter()
            .map(|(l, _)| l)
            .collect::<Vec<_>>()
    };
    let apply = move |op: MetricOp| {
        let snapshot = current_lines();
        let refused = playground.change_run(|p| p.apply_metric_op(&op)).err();
        if refused.is_none() {
            before.set(snapshot);
        }
        error.set(refused);
    };
    let declare = move |_| {
        let text = format!(
            "declare|{}|{}|{}|{}|{}",
            kind.openmetrics_name(),
            name.get_untracked().trim(),
            labels.get_untracked(),
            bounds.get_untracked(),
            help.get_untracked().replace('\n', " ")
        );
        match MetricOp::parse(&text) {
            Ok(op) => apply(op),
            Err(e) => error.set(Some(e)),
        }
    };
    let act = move |action: Action| {
        let text = format!(
            "{}|{}|{}|{}",
            action.name(),
            name.get_untracked().trim(),
            label_values.get_untracked(),
            value.get_untracked().trim()
        );
        match MetricOp::parse(&text) {
            Ok(op) => apply(op),
            Err(e) => error.set(Some(e)),
        }
    };
    // The family's lines now, the ones the last press changed marked.
    let lines = Memo::new(move |_| {
        playground.data.track();
        playground.run.track();
        let text = playground
            .read(|p| p.metric_lab_text(Format::Text))
            .flatten()
            .unwrap_or_default();
        before.with(|before| family_lines(&text, &name.get(), before))
    });
    let bounds_label = match kind {
        MetricType::Histogram => Some("Buckets"),
        MetricType::Summary => Some("Quantiles"),
        _ => None,
    };
    let field = |label: &'static str, signal: RwSignal<String>, testid: String| {
        view! {
            <label class="lab-field">
                <span>{label}</span>
                <input type="text" data-testid=testid prop:value=move || signal.get()
                    on:input=move |ev| signal.set(event_target_value(&ev))/>
            </label>
        }
    };
    let type_name = kind.openmetrics_name();
    view! {
        <div class="metric-card" data-testid=format!("metric-card-{type_name}")>
            <h4>{match kind { MetricType::Counter => "Counter", MetricType::Gauge => "Gauge", MetricType::Histogram => "Histogram", _ => "Summary" }}</h4>
            <fieldset disabled=move || declared.get()>
                {field("Name", name, format!("metric-{type_name}-name"))}
                {field("Help", help, format!("metric-{type_name}-help"))}
                {field("Label names", labels, format!("metric-{type_name}-labels"))}
                {bounds_label.map(|label| field(label, bounds, format!("metric-{type_name}-bounds")))}
                <button type="button" data-testid=format!("metric-{type_name}-declare") on:click=declare>"Declare"</button>
            </fieldset>
            <fieldset disabled=move || !declared.get()>
                {field("Label values", label_values, format!("metric-{type_name}-values"))}
                {field("Value", value, format!("metric-{type_name}-value"))}
                <div class="lab-buttons">
                    {Action::for_type(kind).iter().map(|&action| view! {
                        <button type="button" data-testid=format!("metric-{type_name}-{}", action.name()) on:click=move |_| act(action)>
                            {format!(".{}()", action.name())}
                        </button>
                    }).collect_view()}
                </div>
            </fieldset>
            {move || error.get().map(|e| view! { <p class="error" data-testid="metric-lab-error">{e}</p> })}
            <pre class="metric-lines" data-testid=format!("metric-{type_name}-lines")>
                {move || lines.get().into_iter().map(|(line, changed)| view! { <div class:changed=changed>{line}</div> }).collect_view()}
            </pre>
            <Show when=move || declared.get()>
                <MetricGraphs kind=kind name=name/>
            </Show>
        </div>
    }
}

/// The raw value and its rate of change over the last minutes, from the store.
#[component]
fn MetricGraphs(kind: MetricType, name: RwSignal<String>) -> impl IntoView {
    let playground = expect_context::<Playground>();
    graph_queries(kind, &name.get_untracked())
        .into_iter()
        .map(|(query, title)| {
            let label = title.clone();
            let spec = Memo::new(move |_| {
                playground
                    .read_data(|p| {
                        let w = window(p.now_ms(), GRAPH_RANGE_MS, p.settings().interval_ms);
                        evaluate_panel(p.store(), &Panel::new(&title, &query), &w, now_ms).spec
                    })
                    .unwrap_or_default()
            });
            view! {
                <div class="metric-graph">
                    <p class="note">{label.clone()}</p>
                    <Chart spec=spec label=label testid="metric-lab-graph"/>
                </div>
            }
        })
        .collect_view()
}
