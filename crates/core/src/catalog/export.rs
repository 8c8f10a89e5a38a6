//! Export: the catalog's records written to a MARC file, streaming.
//!
//! Records are read from SQLite one at a time and written as they come, so memory stays flat
//! at any catalog size. The file is written to `OUT.partial` and renamed to `OUT` only when
//! every record is in it: a failed or interrupted export never leaves a file that looks whole.
//!
//! ISO 2709 is written from the stored bytes as they are: they are the record exactly as it
//! was saved (`iso2709::to_bytes` at insert), so copying them is both the faithful and the fast
//! way. Every other format parses the stored record and goes through `shelfmark_marc::writer`.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use shelfmark_marc::{Format, iso2709};

use crate::error::CoreError;
use crate::rights;
use crate::search::SearchIndex;
use crate::store::Catalog;

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub format: Format,
    /// Only the records matching this search (the search box's language); all when `None`.
    pub query: Option<String>,
    /// Set from elsewhere (the Cancel button) to stop the export: `OUT.partial` is removed,
    /// an `OUT` already there is left as it was, and the report says `cancelled`.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Write each record's current rights determination into it (542, 506, 540; see
    /// `rights::marc`). Records without one go out as stored.
    pub with_rights: bool,
}

/// How far an export is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExportProgress {
    /// Records written or refused so far.
    pub records: u64,
    /// Records the export will go through (the catalog's, or the query's matches).
    pub records_total: u64,
    /// Bytes written to the output so far.
    pub bytes_written: u64,
}

/// A record that could not be written, and why; the others were.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportFailure {
    pub id: String,
    pub control_number: Option<String>,
    pub reason: String,
}

/// How an export went.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExportReport {
    pub written: u64,
    pub failed: Vec<ExportFailure>,
    /// Stopped by [`ExportOptions::cancel`]: nothing was left at the output path.
    pub cancelled: bool,
}

/// The temporary name an export is written under until it is complete.
pub fn partial_path(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_os_string();
    name.push(".partial");
    PathBuf::from(name)
}

/// Writes the catalog's records (or those matching `options.query`) to `output`.
/// `progress` is told how far it is every 1,000 records and at the end.
pub fn export(
    catalog: &Catalog,
    options: &ExportOptions,
    output: &Path,
    mut progress: impl FnMut(ExportProgress),
) -> Result<ExportReport, CoreError> {
    // The query is checked (and the index caught up) before anything is created on disk.
    let ids = match &options.query {
        Some(q) => Some(SearchIndex::open(catalog)?.matching_ids(catalog, q)?),
        None => None,
    };
    let partial = partial_path(output);
    let write_error = |source: std::io::Error| CoreError::WriteFile {
        path: output.to_path_buf(),
        source,
    };
    let records_total = match &ids {
        Some(ids) => ids.len() as u64,
        None => catalog
            .conn()
            .query_row("SELECT count(*) FROM records", [], |r| r.get::<_, i64>(0))?
            as u64,
    };
    let file = File::create(&partial).map_err(write_error)?;
    let bytes = Arc::new(AtomicU64::new(0));
    let counted = CountingWriter {
        inner: BufWriter::with_capacity(1 << 20, file),
        count: bytes.clone(),
    };
    let result = write_all(
        catalog,
        options,
        ids.as_deref(),
        output,
        counted,
        &mut |records| {
            progress(ExportProgress {
                records,
                records_total,
                bytes_written: bytes.load(Ordering::Relaxed),
            })
        },
    )
    .and_then(|report| {
        if !report.cancelled {
            std::fs::rename(&partial, output).map_err(write_error)?;
        }
        Ok(report)
    });
    // A failed or cancelled export leaves nothing behind, and never touches an `OUT` that
    // was already there: only a complete `OUT.partial` is renamed over it.
    if result.as_ref().map_or(true, |r| r.cancelled) {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Counts the bytes written (into the buffer in front of the file), for progress.
struct CountingWriter {
    inner: BufWriter<File>,
    count: Arc<AtomicU64>,
}

impl Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// One stored record: id, control number, ISO 2709 bytes.
type Row = (String, Option<String>, Vec<u8>);

/// Whether `each` should go on after a record, or the export was cancelled.
enum Next {
    Go,
    Stop,
}

fn write_all(
    catalog: &Catalog,
    options: &ExportOptions,
    ids: Option<&[String]>,
    output: &Path,
    mut out: CountingWriter,
    progress: &mut impl FnMut(u64),
) -> Result<ExportReport, CoreError> {
    let conn = catalog.conn();
    let mut report = ExportReport::default();
    let cancel = options.cancel.clone();
    let cancelled = move || cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed));
    let mut sink = Sink::new(options.format, output, &mut out);
    let with_rights = options.with_rights && rights::marc::any(conn)?;
    let now = catalog.clock().now();
    let mut each = |row: Row| -> Result<Next, CoreError> {
        if cancelled() {
            report.cancelled = true;
            return Ok(Next::Stop);
        }
        let (id, control_number, mut marc) = row;
        let written = match with_rights {
            true => match rights::marc::annotate_bytes(conn, now, &id, &marc) {
                Ok(Some(annotated)) => {
                    marc = annotated;
                    sink.write(&marc)
                }
                Ok(None) => sink.write(&marc),
                Err(e) => Err(Failure::Record(format!(
                    "the rights determination could not be written into it: {e}"
                ))),
            },
            false => sink.write(&marc),
        };
        match written {
            Ok(()) => report.written += 1,
            Err(Failure::Record(reason)) => report.failed.push(ExportFailure {
                id,
                control_number,
                reason,
            }),
            Err(Failure::Output(e)) => return Err(e),
        }
        let done = report.written + report.failed.len() as u64;
        if done.is_multiple_of(1_000) {
            progress(done);
        }
        Ok(Next::Go)
    };
    match ids {
        None => {
            let mut stmt =
                conn.prepare("SELECT id, control_number, marc FROM records ORDER BY rowid")?;
            for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
                if let Next::Stop = each(row?)? {
                    break;
                }
            }
        }
        Some(ids) => {
            let mut stmt =
                conn.prepare_cached("SELECT id, control_number, marc FROM records WHERE id = ?1")?;
            for id in ids {
                let row = stmt
                    .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?;
                if let Some(row) = row
                    && let Next::Stop = each(row)?
                {
                    break;
                }
            }
        }
    }
    if report.cancelled {
        // The partial file is removed by the caller; nothing more is worth writing to it.
        return Ok(report);
    }
    sink.finish()?;
    out.flush().map_err(|source| CoreError::WriteFile {
        path: output.to_path_buf(),
        source,
    })?;
    progress(report.written + report.failed.len() as u64);
    Ok(report)
}

enum Failure {
    /// This record could not be written; the export goes on.
    Record(String),
    /// The output failed; the export stops.
    Output(CoreError),
}

/// Where records go: stored bytes straight through for ISO 2709, a MARC writer otherwise.
enum Sink<'w> {
    Raw(&'w mut CountingWriter, &'w Path),
    Marc(Box<dyn shelfmark_marc::RecordWriter + 'w>),
}

impl<'w> Sink<'w> {
    fn new(format: Format, output: &'w Path, out: &'w mut CountingWriter) -> Self {
        match format {
            Format::Iso2709 => Sink::Raw(out, output),
            other => Sink::Marc(shelfmark_marc::writer(other, out)),
        }
    }

    fn write(&mut self, marc: &[u8]) -> Result<(), Failure> {
        match self {
            Sink::Raw(out, output) => out.write_all(marc).map_err(|source| {
                Failure::Output(CoreError::WriteFile {
                    path: output.to_path_buf(),
                    source,
                })
            }),
            Sink::Marc(writer) => {
                let record = iso2709::from_bytes(marc).map_err(|e| {
                    Failure::Record(format!("the stored record cannot be read: {e}"))
                })?;
                writer
                    .write_record(&record)
                    .map_err(|e| Failure::Output(CoreError::Marc(e)))
            }
        }
    }

    fn finish(self) -> Result<(), CoreError> {
        match self {
            Sink::Raw(..) => Ok(()),
            Sink::Marc(writer) => Ok(writer.finish()?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CatalogOptions;
    use crate::demo::{self, DemoConfig};

    fn demo(records: u64) -> (tempfile::TempDir, Catalog) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut catalog =
            Catalog::open(dir.path().join("c.db"), CatalogOptions::default()).expect("opens");
        demo::build(&mut catalog, "t", DemoConfig { records, seed: 3 }, |_| {}).expect("demo");
        (dir, catalog)
    }

    fn count_records(path: &Path, format: Format) -> usize {
        let file = File::open(path).expect("open");
        let mut n = 0;
        for record in shelfmark_marc::reader(format, file) {
            record.expect("every exported record reads back");
            n += 1;
        }
        n
    }

    #[test]
    fn every_format_writes_every_record_and_reads_back() {
        let (dir, catalog) = demo(120);
        for format in Format::ALL {
            let out = dir.path().join(format!("all.{}", format.name()));
            let report = export(
                &catalog,
                &ExportOptions {
                    format,
                    query: None,
                    cancel: None,
                    with_rights: true,
                },
                &out,
                |_| {},
            )
            .expect("exports");
            assert_eq!(report.written, 120, "{format:?}");
            assert!(report.failed.is_empty());
            assert!(!partial_path(&out).exists());
            assert_eq!(count_records(&out, format), 120, "{format:?}");
        }
    }

    #[test]
    fn iso2709_export_is_the_stored_bytes() {
        let (dir, catalog) = demo(30);
        let out = dir.path().join("all.mrc");
        // Without the rights fields (the demo has determinations and digital objects, which
        // an export with rights writes into 542/506/540/856).
        export(
            &catalog,
            &ExportOptions {
                format: Format::Iso2709,
                query: None,
                cancel: None,
                with_rights: false,
            },
            &out,
            |_| {},
        )
        .expect("exports");
        let mut stored = Vec::new();
        let mut stmt = catalog
            .conn()
            .prepare("SELECT marc FROM records ORDER BY rowid")
            .expect("q");
        for m in stmt
            .query_map([], |r| r.get::<_, Vec<u8>>(0))
            .expect("rows")
        {
            stored.extend(m.expect("row"));
        }
        assert_eq!(std::fs::read(&out).expect("read"), stored);
    }

    #[test]
    fn a_query_exports_only_the_matching_records() {
        let (dir, catalog) = demo(200);
        let serials: u64 = catalog
            .conn()
            .query_row(
                "SELECT count(*) FROM records WHERE material_type = 'serial'",
                [],
                |r| r.get(0),
            )
            .expect("count");
        let out = dir.path().join("serials.jsonl");
        let options = ExportOptions {
            format: Format::JsonLines,
            query: Some("type:serial".into()),
            cancel: None,
            with_rights: true,
        };
        let report = export(&catalog, &options, &out, |_| {}).expect("exports");
        assert_eq!(report.written, serials);
        assert_eq!(count_records(&out, Format::JsonLines) as u64, serials);
    }

    #[test]
    fn a_bad_query_or_an_unwritable_place_leaves_nothing_behind() {
        let (dir, catalog) = demo(10);
        let out = dir.path().join("x.mrc");
        let bad = ExportOptions {
            format: Format::Iso2709,
            query: Some("isbn:123".into()),
            cancel: None,
            with_rights: true,
        };
        let err = export(&catalog, &bad, &out, |_| {}).expect_err("bad query");
        assert!(matches!(err, CoreError::InvalidInput { .. }), "{err}");
        assert!(!out.exists() && !partial_path(&out).exists());
        let nowhere = dir.path().join("no/such/folder/x.mrc");
        let all = ExportOptions {
            format: Format::Iso2709,
            query: None,
            cancel: None,
            with_rights: true,
        };
        let err = export(&catalog, &all, &nowhere, |_| {}).expect_err("unwritable");
        assert!(err.to_string().contains("could not write"), "{err}");
    }
}
