//! The content store: the bytes of digital objects, content-addressed beside the catalog at
//! `<catalog file>.files/<first two hex digits>/<sha256 hex>`.
//!
//! A file is written to a temporary name in the store's folder while it is hashed, synced to
//! disk and only then renamed to its address, so an address never holds half a file; content
//! already there is not written again. This module never decides whether content may be
//! shown (that is `access`) and never deletes content an object still uses (`objects` asks
//! before calling [`discard`]).

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::params;
use sha2::{Digest, Sha256};

use crate::api::VerifyReport;
use crate::error::CoreError;
use crate::store::Catalog;

/// The folder of the content store of the catalog at `catalog_path`.
pub fn files_dir(catalog_path: &Path) -> PathBuf {
    let mut name = catalog_path.as_os_str().to_os_string();
    name.push(".files");
    PathBuf::from(name)
}

/// Where content with this SHA-256 (lowercase hex) lives; `None` for anything that is not 64
/// hex digits, so a stored value can never point outside the store.
pub fn content_file(catalog_path: &Path, sha256: &str) -> Option<PathBuf> {
    if sha256.len() != 64
        || !sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    Some(files_dir(catalog_path).join(&sha256[..2]).join(sha256))
}

/// Content put in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size_bytes: u64,
    pub path: PathBuf,
    /// The same content was there already; nothing was written.
    pub already_stored: bool,
}

fn store_error(path: &Path, e: impl std::fmt::Display) -> CoreError {
    CoreError::ContentStore {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

/// Hashes everything `reader` gives, copying it into `out` as it goes.
fn hash_copy(reader: &mut impl Read, out: &mut impl Write) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
        size += n as u64;
    }
    Ok((hex(&hasher.finalize()), size))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 and size of the file at `path`, read in a stream.
pub fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    hash_copy(&mut File::open(path)?, &mut io::sink())
}

/// Removes the temporary file when the store gives up half-way.
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = fs::remove_file(path);
        }
    }
}

/// Copies the file at `source` into the store of `catalog`. Content already stored is kept
/// as it is (a damaged copy under the address is replaced by the good one).
pub fn put(catalog: &Catalog, source: &Path) -> Result<Stored, CoreError> {
    let dir = files_dir(catalog.path());
    fs::create_dir_all(&dir).map_err(|e| store_error(&dir, e))?;
    let mut input = File::open(source).map_err(|e| CoreError::AttachSource {
        path: source.to_path_buf(),
        source: e,
    })?;
    if input.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(CoreError::AttachSource {
            path: source.to_path_buf(),
            source: io::Error::new(io::ErrorKind::InvalidInput, "it is a folder, not a file"),
        });
    }
    // A name no other writer picks: the process and a counter within it.
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temp_path = dir.join(format!(".incoming-{}-{n}", std::process::id()));
    let mut temp = TempFile(Some(temp_path.clone()));
    let mut out = File::create(&temp_path).map_err(|e| store_error(&temp_path, e))?;
    let (sha256, size_bytes) = hash_copy(&mut input, &mut out).map_err(|e| {
        // Reading the source and writing the store fail differently; say which.
        match e.kind() {
            io::ErrorKind::StorageFull | io::ErrorKind::PermissionDenied => {
                store_error(&temp_path, e)
            }
            _ => CoreError::AttachSource {
                path: source.to_path_buf(),
                source: e,
            },
        }
    })?;
    out.sync_all().map_err(|e| store_error(&temp_path, e))?;
    drop(out);
    let path = content_file(catalog.path(), &sha256)
        .ok_or_else(|| store_error(&dir, "a hash that is not hex"))?;
    if path.exists() && hash_file(&path).is_ok_and(|(h, _)| h == sha256) {
        return Ok(Stored {
            sha256,
            size_bytes,
            path,
            already_stored: true,
        });
    }
    let parent = path.parent().unwrap_or(&dir);
    fs::create_dir_all(parent).map_err(|e| store_error(parent, e))?;
    fs::rename(&temp_path, &path).map_err(|e| store_error(&path, e))?;
    temp.0 = None;
    // The rename itself is only durable once the folder is synced (not possible on Windows).
    #[cfg(unix)]
    if let Ok(d) = File::open(parent) {
        let _ = d.sync_all();
    }
    Ok(Stored {
        sha256,
        size_bytes,
        path,
        already_stored: false,
    })
}

/// Whether any digital object still uses this content.
pub(crate) fn in_use(conn: &rusqlite::Connection, sha256: &str) -> Result<bool, CoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM digital_objects WHERE sha256 = ?1)",
        params![sha256],
        |r| r.get(0),
    )?)
}

/// Deletes the content when no object uses it any more; says whether it did.
pub(crate) fn discard(catalog: &Catalog, sha256: &str) -> Result<bool, CoreError> {
    if in_use(catalog.conn(), sha256)? {
        return Ok(false);
    }
    let Some(path) = content_file(catalog.path(), sha256) else {
        return Ok(false);
    };
    match fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(store_error(&path, e)),
    }
}

/// Re-hashes the content of every object: missing files and files whose SHA-256 changed are
/// named by object id. Content shared by several objects is read once.
pub fn verify(catalog: &Catalog) -> Result<VerifyReport, CoreError> {
    let mut stmt = catalog
        .conn()
        .prepare("SELECT id, sha256 FROM digital_objects ORDER BY sha256, id")?;
    let rows: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut report = VerifyReport {
        objects: rows.len() as u64,
        ok: 0,
        missing: Vec::new(),
        damaged: Vec::new(),
    };
    let mut last: Option<(String, Result<bool, ()>)> = None;
    for (id, sha256) in rows {
        let state = match &last {
            Some((h, state)) if *h == sha256 => *state,
            _ => {
                let state = match content_file(catalog.path(), &sha256) {
                    None => Ok(false),
                    Some(path) => match hash_file(&path) {
                        Ok((h, _)) => Ok(h == sha256),
                        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(()),
                        Err(_) => Ok(false),
                    },
                };
                last = Some((sha256.clone(), state));
                state
            }
        };
        match state {
            Ok(true) => report.ok += 1,
            Ok(false) => report.damaged.push(id),
            Err(()) => report.missing.push(id),
        }
    }
    Ok(report)
}
