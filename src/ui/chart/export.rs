//! Exports: the canvas as PNG, the series as CSV.

use crate::views::chart::{ChartSpec, to_csv};

/// Offers the canvas's pixels as a PNG download.
pub fn download_png(canvas: &web_sys::HtmlCanvasElement, file_name: &str) -> Result<(), String> {
    let url = canvas.to_data_url().map_err(|e| format!("{e:?}"))?;
    crate::ui::browser::download_url(&url, file_name)
}

/// Offers the spec's series as a CSV download.
pub fn download_csv(spec: &ChartSpec, file_name: &str) -> Result<(), String> {
    crate::ui::browser::download(file_name, "text/csv", &to_csv(spec))
}
