//! The export as one `.zip` (the page's download): every file under one folder,
//! deflated.

use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::ExportFile;

/// `files` in a zip archive, under `folder/`.
pub fn zip(files: &[ExportFile], folder: &str) -> Result<Vec<u8>, String> {
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for file in files {
        writer
            .start_file(format!("{folder}/{}", file.path), options)
            .map_err(|e| e.to_string())?;
        writer
            .write_all(file.contents.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let cursor = writer.finish().map_err(|e| e.to_string())?;
    Ok(cursor.into_inner())
}
