//! The honest placeholder for a pane that is not built yet.

use leptos::prelude::*;

/// Says what the pane will do and which issue brings it (`issue = 0`: not scheduled).
#[component]
pub fn Coming(issue: u32, title: &'static str, children: Children) -> impl IntoView {
    let when = if issue == 0 {
        "Planned.".to_string()
    } else {
        format!("Coming with issue #{issue}.")
    };
    view! {
        <section class="coming" data-testid="coming">
            <h2>{title}</h2>
            <p class="coming-badge">{when}</p>
            <p>{children()}</p>
        </section>
    }
}
