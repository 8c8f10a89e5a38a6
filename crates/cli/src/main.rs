//! `shelfmark`: the command-line face over `shelfmark-core`, for batch work and administration.
//!
//! Each subcommand parses its arguments, calls one core function and prints the result, as text
//! for people or as JSON with `--json`. Errors go to stderr with a non-zero exit code.
//!
//! What this crate must never do: hold domain rules (they live in core) or write to the catalog
//! except through core.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

mod circ;
mod digital;
mod import;
mod kiosk;
mod marc;
mod rights;
mod search;
mod sip2;
mod sru;
mod sync;
mod usage;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use shelfmark_core::api::ErrorPayload;
use shelfmark_core::demo::{self, DemoConfig};
use shelfmark_core::{Catalog, CatalogOptions, CoreError, changelog, resolve_catalog_path};

#[derive(Parser)]
#[command(
    name = "shelfmark",
    version,
    about = "Shelfmark library system: catalog, circulation and sync"
)]
struct Cli {
    /// The catalog file (default: $SHELFMARK_DB, else the platform data directory).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,

    /// Who is making changes, for the change log (default: $USER).
    #[arg(long, global = true, value_name = "NAME")]
    user: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a deterministic demo catalog with Vietnamese and English records.
    Demo {
        /// How many bibliographic records to make.
        #[arg(long, default_value_t = 3_000)]
        records: u64,
        /// The random seed; the same seed gives the same catalog.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Show the catalog's schema version, node id and counts.
    Info,
    /// Show recent change-log entries, newest first.
    Log {
        /// How many entries to show.
        #[arg(long, short = 'n', default_value_t = 20)]
        limit: u32,
    },
    /// Import MARC files into the catalog, with their embedded holdings (Koha 952, MARC 852).
    Import(import::ImportArgs),
    /// Work with MARC files: convert, validate, dump, count.
    #[command(subcommand)]
    Marc(marc::MarcCommand),
    /// Search the catalog; words may be typed without diacritics.
    Search(search::SearchArgs),
    /// Rebuild the search index from the catalog (it also rebuilds itself when needed).
    Reindex,
    /// Write the catalog's records (or those a search finds) to a MARC file.
    Export(search::ExportArgs),
    /// Circulation: check out, check in, renew, holds, patrons, fines, policy, calendar.
    Circ(circ::CircArgs),
    /// Copyright determinations: compute, set with a reason, access levels, the report.
    Rights(rights::RightsArgs),
    /// The digital collection: attach files to records, search their text, verify the store.
    Digital(digital::DigitalArgs),
    /// The self-service kiosk's settings.
    #[command(subcommand)]
    Kiosk(kiosk::KioskCommand),
    /// Push this branch's changes to the central server and pull everyone else's, once.
    Sync(sync::SyncArgs),
    /// Run the central server over the union catalog in --db.
    Serve(sync::ServeArgs),
    /// Administer the central server's branches (on its --db).
    #[command(subcommand)]
    Server(sync::ServerCommand),
    /// Sync conflicts and circulation exceptions: list and resolve.
    #[command(subcommand)]
    Exceptions(sync::ExceptionsCommand),
    /// SIP2 for self-check kiosks and return machines: the server and its accounts.
    #[command(subcommand)]
    Sip2(sip2::Sip2Command),
    /// Serve this catalog over SRU (for other libraries' copy cataloging, and for tests).
    #[command(subcommand)]
    Sru(sru::SruCommand),
    /// Copy cataloging: search other libraries' SRU targets and import their records.
    #[command(subcommand)]
    Copy(sru::CopyCommand),
    /// List bibliographic records in title order, as the desktop app does.
    Records {
        #[arg(long, default_value_t = 0)]
        offset: u64,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}

/// Rust ignores SIGPIPE, so `shelfmark log | head` would fail (and panic in `println!`) once
/// `head` closes the pipe. A command-line tool should end quietly instead, as `cat` does: put
/// the default action back. No crate wraps this one call.
#[cfg(unix)]
fn end_quietly_on_closed_pipe() {
    // SAFETY: called first thing in `main`, before any thread exists; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn end_quietly_on_closed_pipe() {}

fn main() -> ExitCode {
    end_quietly_on_closed_pipe();
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            report(&e, cli.json);
            // A MARC format that cannot be told is a usage error, like clap's own.
            if e.downcast_ref::<usage::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn report(error: &anyhow::Error, json: bool) {
    let mut stderr = std::io::stderr().lock();
    let core = error.downcast_ref::<CoreError>();
    if json {
        let payload = core
            .map(CoreError::to_payload)
            .unwrap_or_else(|| ErrorPayload {
                code: shelfmark_core::api::ErrorCode::Internal,
                message: format!("{error:#}"),
                details: None,
            });
        let _ = writeln!(
            stderr,
            "{}",
            serde_json::to_string(&payload).unwrap_or_default()
        );
    } else {
        let _ = writeln!(stderr, "shelfmark: {error:#}");
    }
}

fn db_path(cli: &Cli) -> anyhow::Result<PathBuf> {
    let env = std::env::var(shelfmark_core::DB_ENV_VAR).ok();
    let (path, _) = resolve_catalog_path(cli.db.as_deref(), env.as_deref()).ok_or_else(|| {
        anyhow::anyhow!("this platform has no data directory; name a catalog with --db PATH")
    })?;
    Ok(path)
}

fn open(cli: &Cli) -> anyhow::Result<Catalog> {
    Ok(Catalog::open(db_path(cli)?, CatalogOptions::default())?)
}

fn user(cli: &Cli) -> String {
    cli.user
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "shelfmark".to_string())
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    let done = match &cli.command {
        Command::Demo { records, seed } => run_demo(cli, *records, *seed),
        Command::Info => run_info(cli),
        Command::Log { limit } => run_log(cli, *limit),
        Command::Records { offset, limit } => run_records(cli, *offset, *limit),
        Command::Import(args) => {
            let report = import::run(args, cli.json, || open(cli), &user(cli))?;
            // Refused records fail the command; the others are in the catalog all the same.
            return Ok(if report.failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        Command::Circ(args) => return circ::run(args, cli.json, || open(cli), &user(cli)),
        Command::Rights(args) => rights::run(args, cli.json, &mut open(cli)?, &user(cli)),
        Command::Digital(args) => digital::run(args, cli.json, &mut open(cli)?, &user(cli)),
        Command::Kiosk(command) => kiosk::run(command, cli.json, &mut open(cli)?, &user(cli)),
        Command::Sip2(command) => sip2::run(command, cli.json, &mut open(cli)?, &user(cli)),
        Command::Sru(command) => sru::run_sru(command, open(cli)?),
        Command::Copy(command) => sru::run_copy(command, cli.json, &mut open(cli)?, &user(cli)),
        Command::Search(args) => search::run_search(&open(cli)?, args, cli.json),
        Command::Sync(args) => sync::run_sync(&mut open(cli)?, args, cli.json),
        Command::Serve(args) => sync::run_serve(&db_path(cli)?, args),
        Command::Server(command) => sync::run_server(&db_path(cli)?, command, cli.json),
        Command::Exceptions(command) => {
            sync::run_exceptions(&mut open(cli)?, command, cli.json, &user(cli))
        }
        Command::Reindex => search::run_reindex(&open(cli)?, cli.json),
        Command::Export(args) => {
            // Records that could not be written fail the command; the rest are in the file.
            return Ok(if search::run_export(&open(cli)?, args, cli.json)? {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        Command::Marc(command) => {
            // Some records failing is not an error of the command: the rest were handled.
            let summary = marc::run(command, cli.json)?;
            return Ok(if summary.all_made_it() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
    };
    done.map(|()| ExitCode::SUCCESS)
}

fn run_demo(cli: &Cli, records: u64, seed: u64) -> anyhow::Result<()> {
    let mut catalog = open(cli)?;
    let bar = if cli.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(records)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} building demo [{bar:40}] {pos}/{len} records ({per_sec}, {eta})",
        )?
        .progress_chars("=> "),
    );
    let report = demo::build(
        &mut catalog,
        &user(cli),
        DemoConfig { records, seed },
        |done| bar.set_position(done),
    )?;
    bar.finish_and_clear();
    if cli.json {
        return print_json(&report);
    }
    println!(
        "Demo catalog built in {}: {} records, {} items in {} branches, {} patrons; {} loans over the last {} days ({} still out), {} holds. Every tenth patron (200000000001, 200000000011, ...) has the kiosk PIN {}.",
        catalog.path().display(),
        report.records,
        report.items,
        report.branches,
        report.patrons,
        report.loans,
        demo::HISTORY_DAYS,
        report.open_loans,
        report.holds,
        demo::DEMO_PIN
    );
    let digital = &report.digital;
    println!(
        "Copyright: the rules determined {} records ({} determinations stored); the rest are not yet evaluated.",
        digital.records_determined, digital.determinations
    );
    if !digital.objects.is_empty() {
        println!("Digital collection ({} objects):", digital.objects.len());
        for o in &digital.objects {
            println!(
                "  {}  {}  {:<10} {:<8} {}{}",
                o.id,
                o.control_number,
                o.access.as_str(),
                serde_json::to_value(o.kind)?.as_str().unwrap_or_default(),
                o.label,
                if o.accessible_format {
                    " (accessible format)"
                } else {
                    ""
                }
            );
        }
    }
    if let (Some(impaired), Some(ordinary)) =
        (&digital.visually_impaired_card, &digital.ordinary_card)
    {
        println!(
            "Readers: {impaired} is visually impaired (kiosk PIN {}; opens the accessible audiobook), {ordinary} an ordinary adult reader.",
            demo::DEMO_PIN
        );
    }
    Ok(())
}

fn run_info(cli: &Cli) -> anyhow::Result<()> {
    let summary = open(cli)?.summary()?;
    if cli.json {
        return print_json(&summary);
    }
    println!("Catalog          {}", summary.path);
    println!("Schema version   {}", summary.schema_version);
    println!("Node id          {}", summary.node_id);
    println!("Records          {}", summary.records);
    println!("Items            {}", summary.items);
    println!("Patrons          {}", summary.patrons);
    println!(
        "Changes          {} ({} not yet synced)",
        summary.changes, summary.unsynced_changes
    );
    Ok(())
}

fn run_log(cli: &Cli, limit: u32) -> anyhow::Result<()> {
    let entries = changelog::recent(&open(cli)?, limit)?;
    if cli.json {
        return print_json(&entries);
    }
    if entries.is_empty() {
        println!("The change log is empty.");
    }
    for e in entries {
        println!(
            "{:>8}  {}  {:<6}  {:<7} {}  by {}",
            e.seq,
            e.hlc,
            e.operation.as_str(),
            e.entity_type.as_str(),
            e.entity_id,
            e.user
        );
    }
    Ok(())
}

fn run_records(cli: &Cli, offset: u64, limit: u32) -> anyhow::Result<()> {
    let page = shelfmark_core::catalog::records::list(&open(cli)?, offset, limit)?;
    if cli.json {
        return print_json(&page);
    }
    for (i, row) in page.rows.iter().enumerate() {
        println!(
            "{:>7}  {:<12} {:<50}  {:<28} {:>4}  {}",
            offset + i as u64 + 1,
            row.control_number.as_deref().unwrap_or("-"),
            row.title,
            row.author.as_deref().unwrap_or("-"),
            row.year
                .map(|y| y.to_string())
                .unwrap_or_else(|| "-".into()),
            row.material_type.as_str()
        );
    }
    println!("{} of {} records", page.rows.len(), page.total);
    Ok(())
}
