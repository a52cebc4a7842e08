//! The Lessons pane: the curriculum (and a teacher's own lessons) with each one's
//! progress, one lesson open at a time. The open lesson and step are in the
//! address (`lesson=id.step`), so a link opens a lesson at a step; progress is
//! kept in storage. Shaped by `crate::lessons` and `crate::views::lesson`.

mod loader;
mod step;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::lessons::{Lesson, curriculum};

use crate::ui::panes::PaneHeader;
use crate::ui::playground::Playground;
use crate::ui::{share, storage};
use crate::views::lesson::{
    Block, Inline, Progress, markdown_blocks, read_step_link, step_link_value,
};

const PROGRESS_KEY: &str = "lessons.progress";

/// A title's inline Markdown (`code`, **bold**) as elements.
pub(super) fn title(text: &str) -> impl IntoView + use<> {
    inline(crate::views::lesson::inlines(text))
}

fn inline(runs: Vec<Inline>) -> impl IntoView + use<> {
    runs.into_iter()
        .map(|run| match run {
            Inline::Text(t) => view! { <span>{t}</span> }.into_any(),
            Inline::Code(t) => view! { <code>{t}</code> }.into_any(),
            Inline::Bold(t) => view! { <strong>{t}</strong> }.into_any(),
        })
        .collect_view()
}

/// A lesson's Markdown as elements.
pub(super) fn prose(text: &str) -> impl IntoView + use<> {
    markdown_blocks(text)
        .into_iter()
        .map(|block| match block {
            Block::Paragraph(runs) => view! { <p>{inline(runs)}</p> }.into_any(),
            Block::List(items) => view! { <ul>{items.into_iter().map(|i| view! { <li>{inline(i)}</li> }).collect_view()}</ul> }.into_any(),
            Block::Code(code) => view! { <pre class="lesson-code">{code}</pre> }.into_any(),
        })
        .collect_view()
}

#[component]
pub fn LessonsPane() -> impl IntoView {
    let lessons = RwSignal::new(curriculum());
    let progress = storage::persisted(
        PROGRESS_KEY,
        Progress::default(),
        |s| Some(Progress::from_text(s)),
        Progress::to_text,
    );
    // The open lesson and step, from the address.
    let (initial_id, initial_step) = share::param("lesson")
        .map(|v| read_step_link(&v))
        .unwrap_or_default();
    let open = RwSignal::new((!initial_id.is_empty()).then_some(initial_id));
    let step = RwSignal::new(initial_step);
    Effect::new(move |_| {
        let pairs: Vec<String> = match open.get() {
            Some(id) => vec![format!("lesson={}", step_link_value(&id, step.get()))],
            None => Vec::new(),
        };
        share::update(|k| k == "lesson", &pairs);
    });
    let current = Memo::new(move |_| {
        let id = open.get()?;
        lessons.with(|all| all.iter().find(|l| l.id == id).cloned())
    });
    let list = move || {
        lessons
            .get()
            .into_iter()
            .map(|lesson| {
                let id = lesson.id.clone();
                let done = move || progress.with(|p| p.count(&id));
                let total = lesson.steps.len();
                let coming = lesson.needs.clone();
                let id = lesson.id.clone();
                let selected = {
                    let id = id.clone();
                    move || open.get().as_deref() == Some(id.as_str())
                };
                view! {
                    <li>
                        <button type="button" class="lesson-item" data-testid="lesson-item" aria-current=move || selected().to_string()
                            on:click=move |_| { open.set(Some(id.clone())); step.set(0); }>
                            <span class="lesson-title">{title(&lesson.title)}</span>
                            <span class="lesson-progress">
                                {move || match &coming {
                                    Some(needs) => format!("coming: needs {needs}"),
                                    None => format!("{} / {total}", done()),
                                }}
                            </span>
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="lessons">
            <PaneHeader title="Lessons">
                "Short lessons that follow the tutorials' loop: instrument, expose, scrape, query, alert. "
                "Each step says what to do in the app and checks it against the live data."
            </PaneHeader>
            <div class="lessons-layout">
                <nav class="lesson-list" aria-label="Lessons">
                    <ol>{list}</ol>
                    <loader::LessonLoader lessons=lessons open=open/>
                </nav>
                <div class="lesson-body">
                    {move || match current.get() {
                        Some(lesson) => view! { <LessonView lesson=lesson step=step progress=progress/> }.into_any(),
                        None => view! { <p class="note">"Pick a lesson to start."</p> }.into_any(),
                    }}
                </div>
            </div>
        </section>
    }
}

/// One lesson: its introduction, the run it starts from, and its steps.
#[component]
fn LessonView(
    lesson: Lesson,
    step: RwSignal<usize>,
    progress: RwSignal<Progress>,
) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let total = lesson.steps.len();
    let start = {
        let lesson = lesson.clone();
        move |_| {
            let now = playground.clock.get_untracked().now_ms;
            let begin = now - lesson.hours * 3_600_000;
            playground.replay(lesson.run(begin), now);
        }
    };
    let id = lesson.id.clone();
    let reset = move |_| progress.update(|p| p.reset(&id));
    // Steps by keyboard (a presenter's clicker sends PageDown/PageUp), except while typing.
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if typing || ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        match ev.key().as_str() {
            "PageDown" | "n" => step.update(|s| *s = (*s + 1).min(total.saturating_sub(1))),
            "PageUp" | "p" => step.update(|s| *s = s.saturating_sub(1)),
            _ => return,
        }
        ev.prevent_default();
    });
    on_cleanup(move || keys.remove());
    let steps = lesson.steps.clone();
    let lesson_id = lesson.id.clone();
    let shown = move || {
        let i = step.get().min(total.saturating_sub(1));
        steps.get(i).cloned().map(|s| {
            view! { <step::StepView lesson_id=lesson_id.clone() index=i step=s progress=progress/> }
        })
    };
    let running_same = {
        let scenario = lesson.scenario.clone();
        move || {
            playground
                .read_run(|p| p.run().scenario == scenario)
                .unwrap_or(false)
        }
    };
    view! {
        <article class="lesson" data-testid="lesson">
            <h3>{title(&lesson.title)}</h3>
            {lesson.needs.clone().map(|needs| view! { <p class="coming-badge">{format!("Coming: this lesson needs {needs}, which is not built yet.")}</p> })}
            <div class="lesson-intro">{prose(&lesson.intro)}</div>
            <p>
                <button type="button" data-testid="lesson-start" on:click=start>"Start this lesson's run"</button>
                " "
                <span class="note">
                    {format!("A new {} run, {} h of history{}", lesson.scenario, lesson.hours,
                        if lesson.timeline.is_empty() { String::new() } else { format!(", timeline {}", lesson.timeline) })}
                    {move || if running_same() { " (this scenario is running now)" } else { "" }}
                </span>
            </p>
            <nav class="lesson-steps" aria-label="Steps">
                <button type="button" data-testid="lesson-prev" disabled=move || step.get() == 0
                    on:click=move |_| step.update(|s| *s = s.saturating_sub(1))>"← Previous"</button>
                <span>{move || format!("Step {} of {total}", step.get().min(total.saturating_sub(1)) + 1)}</span>
                <button type="button" data-testid="lesson-next" disabled=move || { step.get() + 1 >= total }
                    on:click=move |_| step.update(|s| *s = (*s + 1).min(total.saturating_sub(1)))>"Next →"</button>
                <button type="button" class="link-button" on:click=reset>"Reset progress"</button>
                <span class="note">"Keys: n / PageDown next, p / PageUp previous"</span>
            </nav>
            {shown}
        </article>
    }
}
