//! Where a catalog lives: `--db PATH`, else `SHELFMARK_DB`, else the platform data directory.

use std::path::{Path, PathBuf};

/// The environment variable that names the catalog file.
pub const DB_ENV_VAR: &str = "SHELFMARK_DB";

/// Why a catalog path was chosen, so faces can tell the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogLocation {
    /// Named on the command line (`--db`).
    Explicit,
    /// Named by `SHELFMARK_DB`.
    Environment,
    /// The platform data directory (e.g. `~/.local/share/shelfmark/catalog.db`).
    Default,
}

/// The platform's default catalog file, if the platform has a data directory.
pub fn default_catalog_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "Shelfmark", "shelfmark")
        .map(|d| d.data_dir().join("catalog.db"))
}

/// Picks the catalog path. The environment value is passed in, not read here, so callers and
/// tests decide where it comes from.
pub fn resolve_catalog_path(
    explicit: Option<&Path>,
    env_value: Option<&str>,
) -> Option<(PathBuf, CatalogLocation)> {
    if let Some(p) = explicit {
        return Some((p.to_path_buf(), CatalogLocation::Explicit));
    }
    if let Some(v) = env_value.filter(|v| !v.trim().is_empty()) {
        return Some((PathBuf::from(v), CatalogLocation::Environment));
    }
    default_catalog_path().map(|p| (p, CatalogLocation::Default))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_beats_environment_beats_default() {
        let (p, how) =
            resolve_catalog_path(Some(Path::new("/x/a.db")), Some("/y/b.db")).expect("path");
        assert_eq!(
            (p, how),
            (PathBuf::from("/x/a.db"), CatalogLocation::Explicit)
        );
        let (p, how) = resolve_catalog_path(None, Some("/y/b.db")).expect("path");
        assert_eq!(
            (p, how),
            (PathBuf::from("/y/b.db"), CatalogLocation::Environment)
        );
        let (p, how) = resolve_catalog_path(None, Some("  ")).expect("default exists on Linux");
        assert_eq!(how, CatalogLocation::Default);
        assert!(p.ends_with("shelfmark/catalog.db"), "{}", p.display());
    }
}
