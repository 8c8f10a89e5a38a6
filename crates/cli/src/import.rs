//! `shelfmark import FILE...`: MARC files into the catalog, with a report of every problem.
//!
//! Exit codes: 0 when every record went in (added, overlaid, skipped by the match policy or
//! already imported); 1 when some records were refused (the rest are in) or the catalog or a
//! file could not be used; 2 for a usage error (clap's own, a format that cannot be told, a
//! holdings mapping file of the wrong shape). Problems go to stderr, one per line; with
//! `--json` one report object goes to stdout.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use shelfmark_core::CoreError;
use shelfmark_core::catalog::import::{
    self, ImportOptions, ImportReport, MatchOn, OnMatch, import_file,
};
use shelfmark_core::holdings::embedded::HoldingsMap;
use shelfmark_marc::Format;

use crate::marc::parse_format;
use crate::usage::UsageError;

#[derive(Args)]
pub struct ImportArgs {
    /// MARC files: ISO 2709, MARCXML, mnemonic (.mrk), MARC-in-JSON or JSON lines.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// What an incoming record is matched against the catalog by.
    #[arg(long = "match", value_enum, default_value_t = MatchArg::ControlNumber)]
    match_on: MatchArg,
    /// What to do with a record that matches one in the catalog.
    #[arg(long, value_enum, default_value_t = OnMatchArg::Skip)]
    on_match: OnMatchArg,
    /// The input format (iso2709, marcxml, mrk, json, jsonl); default from the extension or content.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    format: Option<Format>,
    /// A holdings mapping (JSON, the shape of schemas/holdings/koha-952.json) used instead of
    /// the built-in Koha 952 and MARC 852 mappings.
    #[arg(long, value_name = "FILE")]
    holdings_map: Option<PathBuf>,
    /// Records per transaction.
    #[arg(long, default_value_t = 5_000, hide = true)]
    batch_size: usize,
}

#[derive(Clone, Copy, ValueEnum)]
enum MatchArg {
    None,
    ControlNumber,
    Isbn,
}

#[derive(Clone, Copy, ValueEnum)]
enum OnMatchArg {
    Skip,
    Overlay,
    Add,
}

fn holdings(path: Option<&Path>) -> anyhow::Result<Vec<HoldingsMap>> {
    let Some(path) = path else {
        return Ok(HoldingsMap::built_in().to_vec());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the holdings mapping {}", path.display()))?;
    HoldingsMap::from_json(&path.display().to_string(), &text)
        .map(|m| vec![m])
        .map_err(|e| UsageError::new(e.to_string()).into())
}

fn progress_bar() -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} {msg} ({bytes_per_sec}, {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Runs the import; `Ok(report)` even when records were refused (the caller sets the exit code).
pub fn run(
    args: &ImportArgs,
    json: bool,
    open: impl FnOnce() -> anyhow::Result<shelfmark_core::Catalog>,
    user: &str,
) -> anyhow::Result<ImportReport> {
    let options = ImportOptions {
        match_on: match args.match_on {
            MatchArg::None => MatchOn::None,
            MatchArg::ControlNumber => MatchOn::ControlNumber,
            MatchArg::Isbn => MatchOn::Isbn,
        },
        on_match: match args.on_match {
            OnMatchArg::Skip => OnMatch::Skip,
            OnMatchArg::Overlay => OnMatch::Overlay,
            OnMatchArg::Add => OnMatch::Add,
        },
        batch_size: args.batch_size,
        holdings: holdings(args.holdings_map.as_deref())?,
        ..ImportOptions::default()
    };
    // Every file is checked before the catalog is opened, so a typo touches nothing.
    for file in &args.files {
        std::fs::File::open(file).map_err(|source| CoreError::ImportSource {
            path: file.clone(),
            source,
        })?;
        import::detect_format(file, args.format).map_err(|e| match e {
            CoreError::UnknownFormat { .. } => anyhow::Error::new(UsageError::new(e.to_string())),
            other => other.into(),
        })?;
    }
    let mut catalog = open()?;
    let mut report = ImportReport::default();
    for file in &args.files {
        let bar = progress_bar();
        bar.set_message(file.display().to_string());
        let shown = report.problems.len();
        let result = import_file(
            &mut catalog,
            user,
            file,
            args.format,
            &options,
            &mut report,
            |p| {
                bar.set_length(p.file_bytes);
                bar.set_position(p.bytes_read);
            },
        );
        bar.finish_and_clear();
        for problem in &report.problems[shown..] {
            eprintln!("{problem}");
        }
        result?;
    }
    // The index is derived data: bring it up to date now so the new records are found at
    // once. The records are committed either way; an index that cannot be updated now is
    // caught up (or rebuilt) by the next search.
    let indexing = if io::stderr().is_terminal() {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    indexing.set_message("updating the search index");
    indexing.enable_steady_tick(std::time::Duration::from_millis(120));
    if let Err(e) = import::update_search_index(&catalog, report.added + report.overlaid) {
        eprintln!("warning: {e}");
    }
    indexing.finish_and_clear();
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "{} records read from {} file(s): {} added, {} overlaid, {} skipped (matched), {} already imported, {} failed; {} items added, {} skipped; {} branches created.",
            report.read,
            report.files,
            report.added,
            report.overlaid,
            report.skipped,
            report.already_imported,
            report.failed,
            report.items_added,
            report.items_skipped,
            report.branches_created
        );
    }
    Ok(report)
}
