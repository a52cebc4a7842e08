//! "Export the stack": the run as it stands, with the Dashboard pane's dashboard
//! for its scenario, as a `.zip` to `docker compose up` (see `crate::export`).
//! A part of its own in the split build (`parts::export_stack`): the JSON and zip
//! writers load when the button is first pressed.

use crate::export::{export, spec_of, stack_name, zip};
use crate::ui::browser::download_bytes;
use crate::ui::panes::dashboard::saved;
use crate::ui::playground::Playground;

/// Exports the run and offers the zip as a download; returns its file name, or
/// why there is nothing to export.
pub fn download_stack(playground: Playground) -> Result<String, String> {
    let spec = playground
        .read(|p| spec_of(p, saved::load(&p.run().scenario)))
        .ok_or("the run has not started yet")?;
    let folder = stack_name(&spec.scenario);
    let bytes = zip(&export(&spec)?, &folder)?;
    let file_name = format!("{folder}.zip");
    download_bytes(&file_name, "application/zip", &bytes)?;
    Ok(file_name)
}
