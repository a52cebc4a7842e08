//! The Python lab in the Service pane: the scenario's Python in an editor with
//! Python highlighting, Run (it replaces the simulated service's first instance
//! with the real program, from now on: an event), the runtime's loading stages,
//! the program's status, traceback with a hint and its line underlined, its
//! output, and what the lab supports. The draft is kept in storage per scenario.

use leptos::prelude::*;

use crate::ui::code_editor::CodeEditor;
use crate::ui::playground::{LabPhase, LabStatus, Playground};
use crate::ui::storage;
use crate::views::python::{SUPPORT, python_segments};

/// The runtime's loading stages, in order (the worker reports them).
const STAGES: [&str; 3] = ["loading Python", "installing prometheus_client", "ready"];

fn draft_key(scenario: &str) -> String {
    format!("python.draft.{scenario}")
}

#[component]
pub fn PythonLab(
    #[prop(into)] scenario: Signal<String>,
    /// The scenario's own program.
    #[prop(into)]
    original: Signal<String>,
) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let lab = playground.lab;
    // The program the run runs now, if one does (a link's program shows as it came).
    let running = Memo::new(move |_| {
        playground
            .read_run(|p| {
                p.lab_program()
                    .and_then(|n| p.run().programs.get(n).cloned())
                    .or_else(|| p.run().programs.last().cloned())
            })
            .flatten()
    });
    let initial = move || {
        running
            .get_untracked()
            .or_else(|| storage::load(&draft_key(&scenario.get_untracked())))
            .unwrap_or_else(|| original.get_untracked())
    };
    let draft = RwSignal::new(initial());
    // A new run (another scenario, or a link) shows its own program.
    Effect::new(move |previous: Option<(String, Option<String>)>| {
        let now = (scenario.get(), running.get());
        if previous.is_some_and(|p| p != now) {
            draft.set(initial());
        }
        now
    });
    Effect::new(move |_| {
        let text = draft.get();
        storage::save(&draft_key(&scenario.get_untracked()), &text);
    });
    let status = lab.status;
    let runs = Signal::derive(move || {
        let error_line = status.with(|s| s.error.as_ref().and_then(|e| e.line));
        draft.with(|text| python_segments(text, error_line.map(|l| (l, None))))
    });
    let is_running = move || {
        playground
            .read_run(|p| p.lab_program().is_some())
            .unwrap_or(false)
    };
    view! {
        <div class="python-lab" data-testid="python-lab-panel">
            <p class="pane-intro">
                "Run this program for real: CPython with the real prometheus_client, in a worker in this tab. "
                "From the moment you press Run, the program takes the first instance's place: the scenario's requests reach its routes, "
                "and Prometheus scrapes what prometheus_client generates."
            </p>
            <LabStatusLine status=status/>
            <div class="lab-buttons">
                <button type="button" class="primary" data-testid="python-run"
                    on:click=move |_| playground.run_program(&draft.get_untracked())>
                    "Run"
                </button>
                <button type="button" data-testid="python-stop" disabled=move || !is_running()
                    on:click=move |_| playground.stop_program()>
                    "Back to the simulation"
                </button>
                <button type="button" data-testid="python-reset"
                    on:click=move |_| draft.set(original.get_untracked())>
                    "Reset to the scenario's code"
                </button>
            </div>
            <CodeEditor
                text=draft
                on_input=Callback::new(move |text| draft.set(text))
                runs=runs
                testid="python-editor"
                rows=24
            />
            <ProgramProblems status=status/>
            <details class="lab-support">
                <summary>"What the lab supports"</summary>
                <dl>
                    {SUPPORT.iter().map(|(topic, text)| view! { <dt>{*topic}</dt><dd>{*text}</dd> }).collect_view()}
                </dl>
            </details>
        </div>
    }
}

/// Loading, running (requests served by status), held, or the error.
#[component]
fn LabStatusLine(status: RwSignal<LabStatus>) -> impl IntoView {
    let line = move || {
        status.with(|s| match &s.phase {
            LabPhase::Off => "Not running: the simulated service is scraped. Press Run to start the program.".to_string(),
            LabPhase::Held => "This link contains a Python program. It has not run: read it, then press Run to replay the run with it.".to_string(),
            LabPhase::Loading(stage) => format!("Loading: {stage}…"),
            LabPhase::Starting => "Starting the program…".to_string(),
            LabPhase::Running => {
                let served: Vec<String> = s.statuses.iter().map(|(code, n)| format!("{n} × {code}")).collect();
                if served.is_empty() {
                    "Running.".to_string()
                } else {
                    format!("Running: requests served {}.", served.join(", "))
                }
            }
            LabPhase::Failed => match &s.error {
                Some(e) => e.error.clone(),
                None => "The program stopped.".to_string(),
            },
        })
    };
    let progress = move || {
        status.with(|s| match &s.phase {
            LabPhase::Loading(stage) => {
                let step = STAGES.iter().position(|s| s == stage).unwrap_or(0);
                Some(view! { <progress max=STAGES.len().to_string() value=(step + 1).to_string()></progress> })
            }
            _ => None,
        })
    };
    let failed = move || status.with(|s| s.phase == LabPhase::Failed);
    view! {
        <p class="lab-status" class:error=failed role="status" data-testid="python-status">{line}</p>
        {progress}
    }
}

/// The last error's traceback and hint, and what the program printed.
#[component]
fn ProgramProblems(status: RwSignal<LabStatus>) -> impl IntoView {
    let error = move || {
        status.with(|s| s.error.clone()).map(|e| {
            view! {
                <div class="lab-error" data-testid="python-error">
                    {e.hint.map(|h| view! { <p class="hint">{h}</p> })}
                    <pre>{if e.traceback.is_empty() { e.error } else { e.traceback }}</pre>
                </div>
            }
        })
    };
    let output = move || {
        let text = status.with(|s| s.output.clone());
        (!text.is_empty()).then(|| {
            view! {
                <details class="lab-output" open>
                    <summary>"Output"</summary>
                    <pre data-testid="python-output">{text}</pre>
                </details>
            }
        })
    };
    view! { {error} {output} }
}
