//! The tidy CSV the reports are exported as: one table `section,key,count,detail`, which a
//! spreadsheet can filter and pivot. It owns the file's shape: UTF-8 with a byte-order mark
//! (so Excel shows Vietnamese right), written beside the target as `<path>.partial` and
//! renamed into place, so a failed write leaves no half file. It must never decide what a
//! report says: each report gives its own rows.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::CoreError;

/// The rows of one tidy CSV being written; the header is already there.
pub(crate) struct TidyRows<'a> {
    writer: csv::Writer<BufWriter<File>>,
    path: &'a Path,
}

fn failed(path: &Path, e: &dyn std::fmt::Display) -> CoreError {
    CoreError::WriteFile {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

impl TidyRows<'_> {
    /// One row; `count` is empty for a row that only carries a value in `detail`.
    pub(crate) fn row(
        &mut self,
        section: &str,
        key: &str,
        count: &str,
        detail: &str,
    ) -> Result<(), CoreError> {
        self.writer
            .write_record([section, key, count, detail])
            .map_err(|e| failed(self.path, &e))
    }
}

/// Writes a tidy CSV at `path` with the rows `fill` gives; on any failure the partial file is
/// removed and the target is left as it was.
pub(crate) fn write(
    path: &Path,
    fill: impl FnOnce(&mut TidyRows<'_>) -> Result<(), CoreError>,
) -> Result<(), CoreError> {
    let partial = {
        let mut p = path.as_os_str().to_owned();
        p.push(".partial");
        PathBuf::from(p)
    };
    let result = (|| -> Result<(), CoreError> {
        let mut file = File::create(&partial).map_err(|e| failed(path, &e))?;
        // The byte-order mark tells Excel the file is UTF-8.
        file.write_all(b"\xEF\xBB\xBF")
            .map_err(|e| failed(path, &e))?;
        let mut rows = TidyRows {
            writer: csv::Writer::from_writer(BufWriter::new(file)),
            path,
        };
        rows.row("section", "key", "count", "detail")?;
        fill(&mut rows)?;
        let file = rows
            .writer
            .into_inner()
            .map_err(|e| failed(path, &e))?
            .into_inner()
            .map_err(|e| failed(path, e.error()))?;
        file.sync_all().map_err(|e| failed(path, &e))?;
        Ok(())
    })();
    match result {
        Ok(()) => std::fs::rename(&partial, path).map_err(|e| failed(path, &e)),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}
