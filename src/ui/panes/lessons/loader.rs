//! A teacher's own lesson: from a file or a URL, read by the same parser as the
//! curriculum and refused whole, with its line and column, when it has an error.
//! The last one loaded is kept in storage.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::lessons::MAX_LESSON_BYTES;
use crate::lessons::{Lesson, parse_lesson};
use crate::ui::browser::chosen_file;
use crate::ui::storage;

const OWN_KEY: &str = "lessons.own";

/// Adds `lesson` to the list (replacing one with its id) and opens it.
fn add(lessons: RwSignal<Vec<Lesson>>, open: RwSignal<Option<String>>, lesson: Lesson) {
    let id = lesson.id.clone();
    lessons.update(|all| {
        all.retain(|l| l.id != id);
        all.push(lesson);
    });
    open.set(Some(id));
}

#[component]
pub fn LessonLoader(
    lessons: RwSignal<Vec<Lesson>>,
    open: RwSignal<Option<String>>,
) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    // The teacher's lesson of an earlier visit.
    if let Some(lesson) = storage::load(OWN_KEY).and_then(|text| parse_lesson(&text).ok()) {
        lessons.update(|all| {
            all.retain(|l| l.id != lesson.id);
            all.push(lesson);
        });
    }
    let accept = move |text: String, source: String| match parse_lesson(&text) {
        Ok(lesson) => {
            problem.set(None);
            storage::save(OWN_KEY, &text);
            add(lessons, open, lesson);
        }
        Err(e) => problem.set(Some(format!("{source}: {e}"))),
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(read) = chosen_file(&ev, MAX_LESSON_BYTES) else {
            return;
        };
        spawn_local(async move {
            match read.await {
                Ok((name, text)) => accept(text, name),
                Err(e) => problem.set(Some(e)),
            }
        });
    };
    let url = RwSignal::new(String::new());
    let on_url = move |_| {
        let address = url.get_untracked();
        spawn_local(async move {
            let answer = async {
                let response = gloo_net::http::Request::get(&address)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !response.ok() {
                    return Err(format!("HTTP {}", response.status()));
                }
                let text = response.text().await.map_err(|e| e.to_string())?;
                if text.len() > MAX_LESSON_BYTES {
                    return Err(format!(
                        "a lesson file is at most {} KB",
                        MAX_LESSON_BYTES / 1024
                    ));
                }
                Ok(text)
            };
            match answer.await {
                Ok(text) => accept(text, address),
                Err(e) => problem.set(Some(format!("{address}: {e}"))),
            }
        });
    };
    view! {
        <details class="lesson-loader">
            <summary>"Load your own lesson"</summary>
            <p class="note">"A Markdown file in the lesson format (see the README). It is checked before it is used."</p>
            <input type="file" accept=".md,.txt,text/markdown,text/plain" data-testid="lesson-file" on:change=on_file/>
            <div class="lesson-url">
                <input type="url" placeholder="https://example.org/lesson.md" data-testid="lesson-url"
                    prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
                <button type="button" data-testid="lesson-url-load" on:click=on_url>"Load"</button>
            </div>
            {move || problem.get().map(|p| view! { <p class="error" data-testid="lesson-load-error">{p}</p> })}
        </details>
    }
}
