//! The simulated service's live `/metrics` text. The service and the encoders
//! arrive with issues #3 and #4; until then the pane says so in the format itself.

use leptos::prelude::*;

use super::Coming;

#[component]
pub fn ExpositionPane() -> impl IntoView {
    view! {
        <Coming issue=3 title="Exposition text">
            "The service's /metrics text, in Prometheus text 0.0.4 or OpenMetrics, updating with the "
            "virtual clock; click a line to see what it means and graph it."
        </Coming>
        <pre class="exposition" data-testid="exposition-text" aria-label="Exposition text">
            "# The simulated service's /metrics text will appear here.\n"
            "# Nothing is scraped yet: the encoders and the service land with issues #3 and #4.\n"
        </pre>
    }
}
