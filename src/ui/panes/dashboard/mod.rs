//! The Dashboard pane: the running service's four golden signals as a grid of
//! panels, each a PromQL range query drawn as a chart, over a shared range that
//! follows the live simulation. Panels are data (`model.rs`), editable in the
//! page and kept across reloads (`saved.rs`); each shows how long its last
//! evaluation and drawing took, for the benchmarks.
//!
//! Evaluation is driven, not reactive per panel: one task evaluates the panels
//! one after another when the window moves by a step (or a backfill finished),
//! so each panel's draw time is its own and the page gets a turn in between.

mod editor;
pub mod saved;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use crate::ui::browser::{Latest, Ticket, chosen_file, now_ms, yield_to_page};
use crate::ui::chart::Chart;
use crate::ui::keyed::{Keyed, Release};
use crate::ui::playground::Playground;
use crate::views::alerts::firing_alert_markers;
use crate::views::chart::markers;

use crate::views::dashboard::defaults::default_dashboard;
use crate::views::dashboard::eval::{PanelOutcome, evaluate_panel};
use crate::views::dashboard::grafana::from_grafana;
use crate::views::dashboard::interval::{RANGES, Window, promql_duration, rate_interval_ms};
use crate::views::dashboard::model::{Dashboard, Panel};

/// The largest Grafana dashboard an import reads.
const MAX_IMPORT_BYTES: usize = 5 << 20;
use editor::PanelEditor;

/// One panel on the page: its definition and its last results, each a signal so
/// editing one panel redraws only that one.
#[derive(Clone, Copy)]
struct Slot {
    panel: RwSignal<Panel>,
    outcome: RwSignal<Option<PanelOutcome>>,
    draw_ms: RwSignal<Option<f64>>,
    editing: RwSignal<bool>,
}

impl Slot {
    fn new(panel: Panel) -> Slot {
        Slot {
            panel: RwSignal::new(panel),
            outcome: RwSignal::new(None),
            draw_ms: RwSignal::new(None),
            editing: RwSignal::new(false),
        }
    }
}

impl Release for Slot {
    /// Work still in flight for a removed panel (an evaluation) finds its signals
    /// gone and stops.
    fn release(self) {
        self.panel.dispose();
        self.outcome.dispose();
        self.draw_ms.dispose();
        self.editing.dispose();
    }
}

/// Waits until the effects woken so far (the chart's redraw) have run: they are
/// queued as microtasks, so two turns of the microtask queue come after them.
async fn after_pending_effects() {
    for _ in 0..2 {
        let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&JsValue::UNDEFINED))
            .await;
    }
}

/// The dashboard shown and the scenario it belongs to (set together, so a save
/// never writes one service's panels under another's key).
#[derive(Clone, Copy)]
struct Shown {
    title: RwSignal<String>,
    slots: Keyed<Slot>,
    scenario: RwSignal<Option<String>>,
}

impl Shown {
    fn new() -> Shown {
        Shown {
            title: RwSignal::new(String::new()),
            slots: Keyed::new([]),
            scenario: RwSignal::new(None),
        }
    }

    fn show(&self, scenario: &str, dashboard: Dashboard) {
        self.title.set(dashboard.title);
        self.slots
            .replace(dashboard.panels.into_iter().map(Slot::new));
        self.scenario.set(Some(scenario.to_string()));
    }

    /// Saves the panels as they are now under their scenario.
    fn persist(&self) {
        let Some(scenario) = self.scenario.get_untracked() else {
            return;
        };
        let dashboard = Dashboard {
            title: self.title.get_untracked(),
            panels: self
                .slots
                .items_untracked()
                .iter()
                .filter_map(|s| s.panel.try_get_untracked())
                .collect(),
        };
        saved::save(&scenario, &dashboard);
    }
}

/// Evaluates `targets` over `w` one after another, each drawn before the next
/// starts; stops when `ticket` (a full refresh's) stops being current.
fn evaluate_panels(pg: Playground, targets: Vec<Slot>, w: Window, ticket: Option<Ticket>) {
    spawn_local(async move {
        for slot in targets {
            if ticket.is_some_and(|t| !t.is_current()) {
                return;
            }
            let Some(panel) = slot.panel.try_get_untracked() else {
                continue;
            };
            let outcome = pg.read(|p| evaluate_panel(p.store(), &panel, &w, now_ms));
            let drawing = now_ms();
            if slot.outcome.try_set(outcome).is_some() {
                continue; // the panel was removed meanwhile
            }
            after_pending_effects().await;
            let _ = slot.draw_ms.try_set(Some(now_ms() - drawing));
            // A turn for input and painting before the next panel.
            yield_to_page().await;
        }
    });
}

#[component]
pub fn DashboardPane() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let scenario = Memo::new(move |_| pg.read_run(|p| p.run().scenario.clone()));
    let scrape_interval = Memo::new(move |_| pg.read_run(|p| p.settings().interval_ms));
    let events = Memo::new(move |_| {
        let mut all = markers(&pg.events.get());
        all.extend(
            pg.read_data(|p| firing_alert_markers(p.store(), i64::MIN, i64::MAX))
                .unwrap_or_default(),
        );
        all
    });
    let backfilling = Memo::new(move |_| pg.backfill.get().is_some());
    let range_ms = saved::range();
    let window = Memo::new(move |_| {
        let interval = scrape_interval.get()?;
        Some(crate::views::dashboard::interval::window(
            pg.clock.get().now_ms,
            range_ms.get(),
            interval,
        ))
    });
    let shown = Shown::new();
    let slots = shown.slots;

    // A full refresh takes a new ticket; an older one still running stops at its next panel.
    let refreshes = Latest::new();
    let evaluate_one = move |slot: Slot| {
        if let Some(w) = window.get_untracked() {
            evaluate_panels(pg, vec![slot], w, None);
        }
    };
    let refresh_all = move || {
        if let Some(w) = window.get_untracked()
            && !backfilling.get_untracked()
        {
            evaluate_panels(pg, slots.items_untracked(), w, Some(refreshes.next()));
        }
    };
    // A new scenario brings its own dashboard.
    Effect::new(move |_| {
        if let Some(name) = scenario.get()
            && shown.scenario.get_untracked().as_deref() != Some(name.as_str())
        {
            shown.show(&name, saved::load(&name));
            refresh_all();
        }
    });
    // The window moved by a step, or a backfill finished: every panel again.
    Effect::new(move |_| {
        window.track();
        backfilling.track();
        refresh_all();
    });
    on_cleanup(move || refreshes.cancel());

    let add_panel = move || {
        let slot = Slot::new(Panel::new("New panel", "sum(up)"));
        slot.editing.set(true);
        slots.push(slot);
        shown.persist();
        evaluate_one(slot);
    };
    let reset = move || {
        if let Some(name) = scenario.get_untracked() {
            saved::forget(&name);
            shown.show(&name, default_dashboard(&name));
            refresh_all();
        }
    };
    // A Grafana dashboard's JSON replaces the shown dashboard; what could not
    // come along is listed until the next import.
    let import_report = RwSignal::new(None::<Result<Vec<String>, String>>);
    let import = move |name: String, text: String| match from_grafana(&text) {
        Ok(imported) => {
            if let Some(scenario) = scenario.get_untracked() {
                shown.show(&scenario, imported.dashboard);
                shown.persist();
                refresh_all();
            }
            import_report.set(Some(Ok(imported.report)));
        }
        Err(e) => import_report.set(Some(Err(format!("{name}: {e}")))),
    };
    let panel_view = move |(key, slot): (u64, Slot)| {
        let on_edit = Callback::new(move |()| shown.persist());
        let on_apply = Callback::new(move |()| {
            shown.persist();
            evaluate_one(slot);
        });
        let on_remove = Callback::new(move |()| {
            slots.remove(key);
            shown.persist();
        });
        view! { <DashboardPanel entry=slot markers=events on_edit on_apply on_remove/> }
    };

    view! {
        <DashboardToolbar title=shown.title range_ms=range_ms window=window
            on_add=Callback::new(move |()| add_panel()) on_reset=Callback::new(move |()| reset())
            on_import=Callback::new(move |(name, text)| import(name, text))
            on_import_error=Callback::new(move |e| import_report.set(Some(Err(e))))/>
        <ImportReport report=import_report/>
        {move || backfilling.get().then(|| view! {
            <p class="notice">"Filling in the past; the panels follow when it is done."</p>
        })}
        {move || pg.error.get().map(|e| view! { <p class="panel-error" role="alert">{e}</p> })}
        <div class="dashboard-grid" data-testid="dashboard-grid">
            <For each=move || slots.entries() key=|(key, _)| *key children=panel_view/>
        </div>
        {move || slots.is_empty().then(|| view! {
            <p class="notice">"No panels: add one, or reset to the default dashboard."</p>
        })}
    }
}

/// The title, the window's range and step, and Add panel / Reset to default.
#[component]
fn DashboardToolbar(
    #[prop(into)] title: Signal<String>,
    range_ms: RwSignal<i64>,
    #[prop(into)] window: Signal<Option<Window>>,
    on_add: Callback<()>,
    on_reset: Callback<()>,
    /// A chosen file's name and text.
    on_import: Callback<(String, String)>,
    on_import_error: Callback<String>,
) -> impl IntoView {
    let on_file = move |ev: leptos::ev::Event| {
        let Some(read) = chosen_file(&ev, MAX_IMPORT_BYTES) else {
            return;
        };
        spawn_local(async move {
            match read.await {
                Ok(chosen) => on_import.run(chosen),
                Err(e) => on_import_error.run(e),
            }
        });
    };
    view! {
        <div class="dashboard-toolbar">
            <h2 class="dashboard-title" data-testid="dashboard-title">{move || title.get()}</h2>
            <label class="inline-field">
                "Range "
                <select data-testid="dashboard-range" on:change=move |ev| {
                    if let Ok(ms) = event_target_value(&ev).parse() { range_ms.set(ms) }
                }>
                    {RANGES.iter().map(|(ms, label)| view! {
                        <option value=ms.to_string() selected=move || range_ms.get() == *ms>{*label}</option>
                    }).collect_view()}
                </select>
            </label>
            <span class="dashboard-step" data-testid="dashboard-step">{move || step_text(window.get())}</span>
            <button type="button" data-testid="dashboard-add" on:click=move |_| on_add.run(())>"Add panel"</button>
            <button type="button" data-testid="dashboard-reset" on:click=move |_| on_reset.run(())>"Reset to default"</button>
            <label class="file-button" title="Replace this dashboard with a Grafana dashboard's JSON (Export → Save to file); its Prometheus panels come in, and a list says what did not">
                "Import Grafana JSON…"
                <input type="file" accept=".json,application/json" data-testid="dashboard-import" on:change=on_file/>
            </label>
        </div>
    }
}

/// What the last import left out (or why it failed).
#[component]
fn ImportReport(report: RwSignal<Option<Result<Vec<String>, String>>>) -> impl IntoView {
    move || {
        report.get().map(|result| match result {
            Ok(lines) if lines.is_empty() => view! {
                <p class="notice" data-testid="import-report">"Imported: every panel came along."</p>
            }
            .into_any(),
            Ok(lines) => view! {
                <div class="notice" data-testid="import-report">
                    <p>"Imported. Not carried over:"</p>
                    <ul>{lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                </div>
            }
            .into_any(),
            Err(e) => view! {
                <p class="panel-error" role="alert" data-testid="import-report">{e}</p>
            }
            .into_any(),
        })
    }
}

/// One panel: its title and Edit button, the editor when open, the chart (with the
/// run's events as markers), its error and notes, and its timings.
#[component]
fn DashboardPanel(
    entry: Slot,
    #[prop(into)] markers: Signal<Vec<crate::views::chart::ChartMarker>>,
    on_edit: Callback<()>,
    on_apply: Callback<()>,
    on_remove: Callback<()>,
) -> impl IntoView {
    let slot = entry;
    // A memo: an evaluation with the same result (the timing aside) draws nothing.
    let spec = Memo::new(move |_| {
        let mut spec = slot
            .outcome
            .with(|o| o.as_ref().map(|o| o.spec.clone()))
            .unwrap_or_default();
        spec.markers = markers.get();
        spec
    });
    let label = slot.panel.with_untracked(|p| p.title.clone());
    view! {
        <article class="dashboard-panel" data-testid="dashboard-panel">
            <header class="dashboard-panel-header">
                <h3>{move || slot.panel.with(|p| p.title.clone())}</h3>
                <button type="button" class="small" data-testid="panel-edit"
                    aria-expanded=move || slot.editing.get().to_string()
                    on:click=move |_| slot.editing.update(|e| *e = !*e)>
                    {move || if slot.editing.get() { "Done" } else { "Edit" }}
                </button>
            </header>
            <Show when=move || slot.editing.get()>
                <PanelEditor panel=slot.panel on_edit on_apply on_remove/>
            </Show>
            <Chart spec=spec label=label testid="panel-chart"/>
            {move || slot.outcome.with(|o| o.as_ref().and_then(|o| o.error.clone())).map(|e| view! {
                <pre class="panel-error" data-testid="panel-error" role="alert">{e}</pre>
            })}
            {move || slot.outcome.with(|o| o.as_ref().map(|o| o.notes.clone()).unwrap_or_default())
                .into_iter().map(|n| view! { <p class="panel-note">{n}</p> }).collect_view()}
            <p class="panel-timing" data-testid="panel-timing">{move || timing_text(slot)}</p>
        </article>
    }
}

fn step_text(w: Option<Window>) -> String {
    w.map(|w| {
        format!(
            "step {}, $__rate_interval {}",
            promql_duration(w.step_ms),
            promql_duration(rate_interval_ms(w.step_ms, w.scrape_interval_ms))
        )
    })
    .unwrap_or_default()
}

fn timing_text(slot: Slot) -> String {
    let eval_ms = slot.outcome.with(|o| o.as_ref().map(|o| o.eval_ms));
    match (eval_ms, slot.draw_ms.get()) {
        (None, _) => "not evaluated yet".into(),
        (Some(e), None) => format!("evaluated in {e:.1} ms"),
        (Some(e), Some(d)) => format!("evaluated in {e:.1} ms, drawn in {d:.1} ms"),
    }
}
