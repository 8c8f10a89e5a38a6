//! The import and export dialogs' side of core: a file looked at before anything is written
//! (`preview`), and the engine's reports, options and progress in the boundary types of
//! `api::cataloging` (the Tauri commands only forward these).

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use rusqlite::params;
use sha2::{Digest, Sha256};
use shelfmark_marc::{Format, Severity};

use super::export::{ExportProgress, ExportReport};
use super::import::{
    ImportProblem, ImportProgress, ImportReport, MatchOn, OnMatch, ProblemOutcome, detect_format,
};
use crate::api::{
    ExportSummary, ImportMatch, ImportOnMatch, ImportPreview, ImportProblemEntry, ImportSummary,
    IssueSeverity, JobProgress, MarcFormat, ProblemOutcomeKind,
};
use crate::error::CoreError;
use crate::store::Catalog;

/// What the import dialog shows once a file is picked: its format, how many records it holds
/// (and how many of those the MARC engine cannot read), its size, and whether this same
/// content was imported into `catalog` before. Nothing is stored: the file is streamed once
/// through the engine's reader, hashed on the way, so memory stays flat at any size.
pub fn preview(catalog: &Catalog, path: &Path) -> Result<ImportPreview, CoreError> {
    let unreadable = |source: io::Error| CoreError::ImportSource {
        path: path.into(),
        source,
    };
    let file = File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.is_dir() {
        return Err(unreadable(io::Error::other("it is a folder, not a file")));
    }
    let format = detect_format(path, None)?;
    let mut hashing = Hashing {
        inner: BufReader::with_capacity(1 << 16, file),
        hasher: Sha256::new(),
        error: None,
    };
    let (mut records, mut bad) = (0u64, 0u64);
    for result in shelfmark_marc::reader(format, &mut hashing) {
        records += 1;
        if result.is_err() {
            bad += 1;
        }
    }
    // The reader turns an I/O failure into the end of its records; a file that could not be
    // read to its end has no trustworthy count.
    if let Some(e) = hashing.error.take() {
        return Err(unreadable(e));
    }
    // Whatever the reader left unread (it may stop before trailing bytes) is part of the
    // content the import ledger names the file by.
    io::copy(&mut hashing, &mut io::sink()).map_err(unreadable)?;
    let source: String = hashing
        .hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let imported_before: bool = catalog.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM import_sources WHERE source = ?1)",
        params![source],
        |r| r.get(0),
    )?;
    Ok(ImportPreview {
        path: path.display().to_string(),
        format: format.into(),
        size_bytes: meta.len(),
        records,
        unreadable: bad,
        imported_before,
    })
}

/// Hashes (SHA-256, as `import::content_hash` does) every byte read through it, and keeps the
/// first read error.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    error: Option<io::Error>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.hasher.update(&buf[..n]);
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                let kept = io::Error::new(e.kind(), e.to_string());
                self.error.get_or_insert(e);
                Err(kept)
            }
        }
    }
}

/// The import report as the dialog shows it.
pub fn summary(report: &ImportReport) -> ImportSummary {
    ImportSummary {
        cancelled: report.cancelled,
        read: report.read,
        added: report.added,
        overlaid: report.overlaid,
        skipped: report.skipped,
        already_imported: report.already_imported,
        failed: report.failed,
        items_added: report.items_added,
        items_skipped: report.items_skipped,
        problems: report.problems.iter().map(problem_entry).collect(),
    }
}

fn problem_entry(p: &ImportProblem) -> ImportProblemEntry {
    ImportProblemEntry {
        record: p.record,
        offset: p.offset,
        control_number: p.control_number.clone(),
        field: p.field.clone(),
        severity: match p.severity {
            Severity::Warning => IssueSeverity::Warning,
            Severity::Error => IssueSeverity::Error,
        },
        outcome: match p.outcome {
            ProblemOutcome::RecordRefused => ProblemOutcomeKind::RecordRefused,
            ProblemOutcome::ItemSkipped => ProblemOutcomeKind::ItemSkipped,
            ProblemOutcome::Imported => ProblemOutcomeKind::Imported,
        },
        reason: p.reason.clone(),
    }
}

/// The export report as the dialog shows it; `path` is where the file was written.
pub fn export_summary(report: &ExportReport, path: &Path) -> ExportSummary {
    ExportSummary {
        path: path.display().to_string(),
        records: report.written,
        cancelled: report.cancelled,
    }
}

/// An import's progress as the `import-progress` event carries it. `records_total` is the
/// preview's count when the dialog has one, else 0 (unknown).
pub fn import_progress(progress: ImportProgress, records_total: u64) -> JobProgress {
    JobProgress {
        records: progress.records,
        records_total,
        bytes_done: progress.bytes_read,
        bytes_total: progress.file_bytes,
    }
}

impl From<ImportProgress> for JobProgress {
    /// Without a preview the total number of records is not known.
    fn from(progress: ImportProgress) -> Self {
        import_progress(progress, 0)
    }
}

impl From<ExportProgress> for JobProgress {
    /// An export knows its total records; its output has no known final size.
    fn from(p: ExportProgress) -> Self {
        JobProgress {
            records: p.records,
            records_total: p.records_total,
            bytes_done: p.bytes_written,
            bytes_total: 0,
        }
    }
}

impl From<MarcFormat> for Format {
    fn from(f: MarcFormat) -> Self {
        match f {
            MarcFormat::Iso2709 => Format::Iso2709,
            MarcFormat::Marcxml => Format::MarcXml,
            MarcFormat::Mrk => Format::Mrk,
            MarcFormat::Json => Format::Json,
            MarcFormat::JsonLines => Format::JsonLines,
        }
    }
}

impl From<Format> for MarcFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Iso2709 => MarcFormat::Iso2709,
            Format::MarcXml => MarcFormat::Marcxml,
            Format::Mrk => MarcFormat::Mrk,
            Format::Json => MarcFormat::Json,
            Format::JsonLines => MarcFormat::JsonLines,
        }
    }
}

impl From<ImportMatch> for MatchOn {
    fn from(m: ImportMatch) -> Self {
        match m {
            ImportMatch::None => MatchOn::None,
            ImportMatch::ControlNumber => MatchOn::ControlNumber,
            ImportMatch::Isbn => MatchOn::Isbn,
        }
    }
}

impl From<ImportOnMatch> for OnMatch {
    fn from(m: ImportOnMatch) -> Self {
        match m {
            ImportOnMatch::Skip => OnMatch::Skip,
            ImportOnMatch::Overlay => OnMatch::Overlay,
            ImportOnMatch::Add => OnMatch::Add,
        }
    }
}

#[cfg(test)]
mod tests;
