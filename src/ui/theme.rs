//! Light and dark theme: follows the system until the user picks one, and the pick
//! is remembered. The effective theme is written to `<html data-theme="…">`, which
//! the CSS and the charts read.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::storage;

const STORAGE_KEY: &str = "theme";
const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

/// What the user chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeChoice {
    System,
    Light,
    Dark,
}

/// What is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Light,
    Dark,
}

impl ThemeChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeChoice::System => "system",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "system" => Some(ThemeChoice::System),
            "light" => Some(ThemeChoice::Light),
            "dark" => Some(ThemeChoice::Dark),
            _ => None,
        }
    }

    /// The order the toggle button walks through.
    pub fn next(self) -> Self {
        match self {
            ThemeChoice::System => ThemeChoice::Light,
            ThemeChoice::Light => ThemeChoice::Dark,
            ThemeChoice::Dark => ThemeChoice::System,
        }
    }

    pub fn resolve(self, system_dark: bool) -> Mode {
        match self {
            ThemeChoice::Light => Mode::Light,
            ThemeChoice::Dark => Mode::Dark,
            ThemeChoice::System if system_dark => Mode::Dark,
            ThemeChoice::System => Mode::Light,
        }
    }
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Light => "light",
            Mode::Dark => "dark",
        }
    }
}

/// The theme state shared through Leptos context.
#[derive(Clone, Copy)]
pub struct Theme {
    pub choice: RwSignal<ThemeChoice>,
    pub system_dark: RwSignal<bool>,
    pub mode: Memo<Mode>,
}

fn saved_choice() -> ThemeChoice {
    storage::load(STORAGE_KEY)
        .and_then(|s| ThemeChoice::parse(&s))
        .unwrap_or(ThemeChoice::System)
}

fn system_prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(DARK_QUERY).ok().flatten())
        .map(|m| m.matches())
        .unwrap_or(false)
}

fn write_to_document(choice: ThemeChoice, mode: Mode) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", mode.as_str());
        let _ = root.set_attribute("data-theme-choice", choice.as_str());
    }
}

/// Sets `data-theme` before the first render, so nothing flashes in the wrong theme.
pub fn apply_saved_before_mount() {
    let choice = saved_choice();
    write_to_document(choice, choice.resolve(system_prefers_dark()));
}

/// Creates the theme state, keeps `<html data-theme>` and storage in step with it,
/// follows system changes, and provides it as context.
pub fn provide_theme() -> Theme {
    let choice = RwSignal::new(saved_choice());
    let system_dark = RwSignal::new(system_prefers_dark());
    let mode = Memo::new(move |_| choice.get().resolve(system_dark.get()));

    Effect::new(move |_| {
        let c = choice.get();
        write_to_document(c, mode.get());
        if c == ThemeChoice::System {
            storage::remove(STORAGE_KEY);
        } else {
            storage::save(STORAGE_KEY, c.as_str());
        }
    });

    if let Some(media) = web_sys::window().and_then(|w| w.match_media(DARK_QUERY).ok().flatten()) {
        let on_change = Closure::<dyn Fn(web_sys::MediaQueryListEvent)>::new(
            move |ev: web_sys::MediaQueryListEvent| system_dark.set(ev.matches()),
        );
        let _ =
            media.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        // The listener lives as long as the page.
        on_change.forget();
    }

    let theme = Theme {
        choice,
        system_dark,
        mode,
    };
    provide_context(theme);
    theme
}

/// The button that cycles system → light → dark.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = expect_context::<Theme>();
    let label = move || {
        let choice = theme.choice.get();
        match choice {
            ThemeChoice::System => format!("Theme: system ({})", theme.mode.get().as_str()),
            _ => format!("Theme: {}", choice.as_str()),
        }
    };
    view! {
        <button
            type="button"
            class="theme-toggle"
            data-testid="theme-toggle"
            title="Switch theme: system → light → dark"
            on:click=move |_| theme.choice.update(|c| *c = c.next())
        >
            {label}
        </button>
    }
}
