//! Import and export: long jobs with progress events and Cancel, and the file picker.
//!
//! A job runs on its own connection to the catalog file, so the window keeps reading (the
//! summary, the record list) while it writes; SQLite's WAL lets both happen at once. It holds
//! the search index for its whole run: the import brings the index up to date at the end, and
//! no search may be catching it up meanwhile.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use shelfmark_core::api::{
    ErrorCode, ErrorPayload, ExportRequest, ExportSummary, ImportPreview, ImportRequest,
    ImportSummary, JobProgress,
};
use shelfmark_core::catalog::export::{self, ExportOptions};
use shelfmark_core::catalog::import::{self, ImportOptions, ImportReport};
use shelfmark_core::catalog::jobs;
use shelfmark_core::{Catalog, CatalogOptions, CoreError};
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_dialog::DialogExt;

use super::with_catalog;
use crate::startup::AppState;

/// The one job that may run, and its Cancel flag; cleared when the job's guard is dropped.
#[derive(Default)]
pub struct Jobs {
    running: std::sync::Mutex<Option<Arc<AtomicBool>>>,
}

pub struct JobGuard<'a> {
    jobs: &'a Jobs,
    pub cancel: Arc<AtomicBool>,
}

impl Jobs {
    fn start(&self) -> Result<JobGuard<'_>, ErrorPayload> {
        let mut running = self.running.lock().map_err(|_| busy())?;
        if running.is_some() {
            return Err(busy());
        }
        let cancel = Arc::new(AtomicBool::new(false));
        *running = Some(cancel.clone());
        Ok(JobGuard { jobs: self, cancel })
    }

    fn cancel(&self) {
        if let Ok(running) = self.running.lock()
            && let Some(flag) = running.as_ref()
        {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

impl Drop for JobGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut running) = self.jobs.running.lock() {
            *running = None;
        }
    }
}

fn busy() -> ErrorPayload {
    ErrorPayload {
        code: ErrorCode::JobRunning,
        message: "an import or export is already running; wait for it or cancel it".into(),
        details: None,
    }
}

/// A second connection to the window's catalog file, for a job.
fn job_catalog(state: &AppState) -> Result<Catalog, ErrorPayload> {
    let path = with_catalog(state, |c| Ok(c.path().to_path_buf()))?;
    Catalog::open(&path, CatalogOptions::default()).map_err(|e| e.to_payload())
}

#[tauri::command(async)]
pub fn preview_import(
    state: State<'_, AppState>,
    path: String,
) -> Result<ImportPreview, ErrorPayload> {
    with_catalog(&state, |c| jobs::preview(c, Path::new(&path)))
}

#[tauri::command(async)]
pub fn run_import(
    app: AppHandle,
    state: State<'_, AppState>,
    request: ImportRequest,
) -> Result<ImportSummary, ErrorPayload> {
    let job = state.jobs.start()?;
    let mut catalog = job_catalog(&state)?;
    // The import feeds the index itself when it is level with the catalog, or catches it up
    // at the end; the window's copy is closed first so neither can trip over the other.
    let mut index = state.index.lock().map_err(|_| busy())?;
    *index = None;
    let options = ImportOptions {
        match_on: request.match_on.into(),
        on_match: request.on_match.into(),
        cancel: Some(job.cancel.clone()),
        ..ImportOptions::default()
    };
    let mut report = ImportReport::default();
    let run = import::import_file(
        &mut catalog,
        &state.user,
        Path::new(&request.path),
        request.format.map(Into::into),
        &options,
        &mut report,
        |p| {
            let _ = app.emit("import-progress", JobProgress::from(p));
        },
    );
    // Whatever was committed (all of it, or up to a cancel or a failure) is in the index
    // once this returns.
    let changed = report.added + report.overlaid;
    let updated = import::update_search_index(&catalog, changed);
    run.map_err(|e| e.to_payload())?;
    *index = Some(updated.map_err(|e| e.to_payload())?);
    Ok(jobs::summary(&report))
}

#[tauri::command(async)]
pub fn run_export(
    app: AppHandle,
    state: State<'_, AppState>,
    request: ExportRequest,
) -> Result<ExportSummary, ErrorPayload> {
    let job = state.jobs.start()?;
    let catalog = job_catalog(&state)?;
    // An export of a search catches the index up; no search may do so at the same time.
    let mut index = state.index.lock().map_err(|_| busy())?;
    *index = None;
    let options = ExportOptions {
        format: request.format.into(),
        query: request.query.clone().filter(|q| !q.trim().is_empty()),
        cancel: Some(job.cancel.clone()),
        with_rights: true,
    };
    let path = Path::new(&request.path);
    let report = export::export(&catalog, &options, path, |p| {
        let _ = app.emit("export-progress", JobProgress::from(p));
    })
    .map_err(|e: CoreError| e.to_payload())?;
    Ok(jobs::export_summary(&report, path))
}

#[tauri::command(async)]
pub fn cancel_job(state: State<'_, AppState>) {
    state.jobs.cancel();
}

/// The platform's file picker; `None` when the reader closes it.
#[tauri::command(async)]
pub fn pick_file(app: AppHandle, mode: String, suggested_name: Option<String>) -> Option<String> {
    let dialog = app.dialog().file().add_filter(
        "MARC",
        &["mrc", "marc", "iso", "dat", "xml", "mrk", "json", "jsonl"],
    );
    let picked = if mode == "save" {
        let dialog = match suggested_name {
            Some(name) => dialog.set_file_name(name),
            None => dialog,
        };
        dialog.blocking_save_file()
    } else {
        dialog.blocking_pick_file()
    };
    picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string())
}
