//! `shelfmark sync` (once, `configure`, `status`, `check`), `serve`, `server
//! add-branch|list-branches|revoke-branch` and `exceptions list|resolve`.
//!
//! The HTTP client is `shelfmark-sync-client`, shared with the desktop app; this file parses,
//! calls it or core, and prints.
//!
//! What this module must never do: change the catalog other than through core's sync
//! functions, or print the token once it is saved.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use shelfmark_core::sync::settings;
use shelfmark_core::{Catalog, sync};
use shelfmark_sync_client::{ServerAddress, SyncClientError, SyncOptions};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    command: Option<SyncCommand>,
    #[command(flatten)]
    run: SyncRunArgs,
}

#[derive(Subcommand)]
enum SyncCommand {
    /// Save the server, token and interval this catalog syncs with (the token from stdin).
    Configure(ConfigureArgs),
    /// Pending changes, open exceptions, and how the last sync went.
    Status,
    /// Ask the saved server whether it answers and speaks this version's protocol.
    Check,
}

#[derive(Args)]
struct SyncRunArgs {
    /// The central server, e.g. https://thuvien.example.vn:8787 (default: the saved one).
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// This branch's token (default: the saved one).
    #[arg(
        long,
        value_name = "TOKEN",
        env = "SHELFMARK_SYNC_TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,
    /// A PEM certificate (or the authority that signed it) to trust for a server with a
    /// private certificate.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Entries per push batch and pull page.
    #[arg(long, default_value_t = 500)]
    batch: u32,
    /// Tries per request when the server does not answer, waiting longer each time.
    #[arg(long, default_value_t = 5)]
    retries: u32,
}

#[derive(Args)]
struct ConfigureArgs {
    /// The central server's address.
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// Read the branch's token from the first line of stdin (so it stays out of the shell's
    /// history and the process list).
    #[arg(long)]
    token_stdin: bool,
    /// Minutes between automatic syncs while the app is open; 0: only when asked.
    #[arg(long, value_name = "MINUTES")]
    interval: Option<u32>,
    /// A PEM certificate authority to trust for this server.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Stop syncing: forget the server and the token.
    #[arg(long, conflicts_with_all = ["server", "token_stdin", "interval", "ca_cert"])]
    off: bool,
}

#[derive(Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// A PEM certificate chain: serve HTTPS (with --tls-key).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The certificate's PEM private key.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum ServerCommand {
    /// Register a branch; its token is printed once, alone on the last line.
    AddBranch { name: String },
    /// The registered branches, their node ids and how much each has pushed.
    ListBranches,
    /// Revoke a branch's token: its requests are refused from now on.
    RevokeBranch { name: String },
}

#[derive(Subcommand)]
pub enum ExceptionsCommand {
    /// Conflicts and circulation exceptions waiting for a person.
    List {
        /// Resolved ones too.
        #[arg(long)]
        all: bool,
    },
    /// Resolve one with one of the actions `exceptions list` shows beside it.
    Resolve {
        id: String,
        /// The action: for a record edited twice `local`, `remote` or a change id it names,
        /// for a record deleted while edited `deleted` or `restore`; for an item lent twice
        /// `keep:LOAN_ID` (the other loans end as returned by correction) or `both_returned`;
        /// for a loan to a blocked reader `accept` or `recall`; for a hold filled twice
        /// `keep:BARCODE`; for a branch code taken `rename`, for a barcode taken `relabel`.
        #[arg(long, value_name = "ACTION")]
        keep: String,
    },
}

pub fn run_serve(db: &Path, args: &ServeArgs) -> anyhow::Result<()> {
    // The server's warnings (a union catalog that could not catch up, a refused request) go
    // to stderr, where whoever runs the server (systemd's journal) keeps them.
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(std::io::stderr)
        .try_init();
    let runtime = tokio::runtime::Runtime::new().context("cannot start the server's runtime")?;
    let tls = args.tls_cert.clone().zip(args.tls_key.clone());
    let scheme = if tls.is_some() { "https" } else { "http" };
    runtime.block_on(shelfmark_server::serve(
        shelfmark_server::ServeOptions {
            db: db.to_path_buf(),
            listen: args.listen,
            tls,
        },
        |addr| {
            println!(
                "Serving the union catalog {} on {scheme}://{addr}",
                db.display()
            )
        },
    ))?;
    Ok(())
}

pub fn run_server(db: &Path, command: &ServerCommand, json: bool) -> anyhow::Result<()> {
    use shelfmark_server::admin;
    match command {
        ServerCommand::AddBranch { name } => {
            let token = admin::add_branch(db, name)?;
            if json {
                crate::print_json(&serde_json::json!({ "branch": name, "token": token }))?;
            } else {
                println!("Branch {name} registered. Its token, shown only now:");
                println!("{token}");
            }
        }
        ServerCommand::ListBranches => {
            let branches = admin::list_branches(db)?;
            if json {
                crate::print_json(&branches)?;
            } else {
                for b in branches {
                    println!(
                        "{}\t{}\t{} entries\t{}",
                        b.name,
                        b.node_id.as_deref().unwrap_or("(not yet synced)"),
                        b.entries,
                        match b.revoked_at {
                            Some(at) => format!("revoked {at}"),
                            None => "active".into(),
                        }
                    );
                }
            }
        }
        ServerCommand::RevokeBranch { name } => {
            admin::revoke_branch(db, name)?;
            if json {
                crate::print_json(&serde_json::json!({ "revoked": name }))?;
            } else {
                println!("Branch {name}'s token is revoked.");
            }
        }
    }
    Ok(())
}

pub fn run_exceptions(
    catalog: &mut Catalog,
    command: &ExceptionsCommand,
    json: bool,
    user: &str,
) -> anyhow::Result<()> {
    match command {
        ExceptionsCommand::List { all } => {
            let list = sync::exceptions(catalog, !all)?;
            if json {
                crate::print_json(&list)?;
            } else if list.is_empty() {
                println!("No exceptions waiting.");
            } else {
                for x in list {
                    println!(
                        "{}\t{:?}\t{} {}\t{}\tactions: {}",
                        x.id,
                        x.kind,
                        x.entity_type.as_str(),
                        x.entity_id,
                        x.resolved.as_deref().unwrap_or("open"),
                        x.actions.join(", ")
                    );
                    println!("  {}", x.facts);
                }
            }
        }
        ExceptionsCommand::Resolve { id, keep } => {
            let done = sync::resolve(catalog, user, id, keep)?;
            if json {
                crate::print_json(&done)?;
            } else {
                println!(
                    "Resolved {}: {}",
                    done.id,
                    done.resolved.as_deref().unwrap_or("")
                );
            }
        }
    }
    Ok(())
}

/// Pushes and pulls once through the shared client (`shelfmark-sync-client`), with the
/// server and token given here or saved with `sync configure`; records the attempt in the
/// catalog's sync status and prints what moved.
pub fn run_sync(catalog: &mut Catalog, args: &SyncArgs, json: bool) -> anyhow::Result<()> {
    match &args.command {
        Some(SyncCommand::Configure(configure)) => return run_configure(catalog, configure, json),
        Some(SyncCommand::Status) => return run_status(catalog, json),
        Some(SyncCommand::Check) => {
            let Some(connection) = settings::connection(catalog)? else {
                return Err(SyncClientError::NotConfigured.into());
            };
            let health = shelfmark_sync_client::check_server(
                &connection.server_url,
                connection.ca_cert.as_deref().map(Path::new),
            )?;
            if json {
                crate::print_json(&health)?;
            } else {
                println!(
                    "{} answers: sync protocol {}, central catalog schema {}.",
                    connection.server_url, health.protocol_version, health.schema_version
                );
            }
            return Ok(());
        }
        None => {}
    }
    let run = &args.run;
    let saved = settings::connection(catalog)?;
    let url = run
        .server
        .clone()
        .or_else(|| saved.as_ref().map(|c| c.server_url.clone()));
    let token = run
        .token
        .clone()
        .or_else(|| saved.as_ref().map(|c| c.token.clone()));
    let (Some(url), Some(token)) = (url, token) else {
        return Err(SyncClientError::NotConfigured.into());
    };
    if url.trim().is_empty() {
        bail!("name the server with --server URL");
    }
    let server = ServerAddress {
        url,
        token,
        ca_cert: run
            .ca_cert
            .clone()
            .or_else(|| saved.and_then(|c| c.ca_cert).map(PathBuf::from)),
    };
    let options = SyncOptions {
        batch: run.batch,
        retries: run.retries,
        cancel: None,
    };
    let outcome = shelfmark_sync_client::sync_once(catalog, &server, &options);
    shelfmark_sync_client::record(catalog, &outcome)?;
    let report = outcome?;
    if json {
        crate::print_json(&report)?;
    } else {
        println!(
            "Pushed {} changes ({} the server already had); pulled {}, applied {}; {} new exceptions.",
            report.pushed,
            report.already_on_server,
            report.pulled,
            report.applied,
            report.new_exceptions
        );
        let open = sync::open_exception_count(catalog)?;
        if open > 0 {
            println!("{open} exceptions wait for review: shelfmark exceptions list");
        }
    }
    Ok(())
}

fn run_configure(catalog: &mut Catalog, args: &ConfigureArgs, json: bool) -> anyhow::Result<()> {
    let saved = if args.off {
        settings::save_ca_cert(catalog, None)?;
        settings::save_settings(catalog, None, None, 0)?
    } else {
        let current = settings::settings(catalog)?;
        let Some(url) = args.server.clone().or(current.server_url) else {
            bail!("name the server with --server URL (or stop syncing with --off)");
        };
        let token = if args.token_stdin {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the token from stdin")?;
            if line.trim().is_empty() {
                bail!("no token on stdin: pipe the line `shelfmark server add-branch` printed");
            }
            Some(line)
        } else {
            None
        };
        if token.is_none() && !current.has_token {
            bail!("this catalog keeps no token yet: give it with --token-stdin");
        }
        if let Some(ca) = &args.ca_cert {
            let ca = std::path::absolute(ca)
                .with_context(|| format!("cannot use {} as a path", ca.display()))?;
            settings::save_ca_cert(catalog, Some(&ca.to_string_lossy()))?;
        }
        settings::save_settings(
            catalog,
            Some(&url),
            token.as_deref(),
            args.interval.unwrap_or(current.interval_minutes),
        )?
    };
    if json {
        crate::print_json(&saved)?;
    } else if let Some(url) = &saved.server_url {
        println!(
            "This catalog syncs with {url}{}; token kept: {}.",
            match saved.interval_minutes {
                0 => String::from(" when asked"),
                m => format!(" every {m} minutes while the app is open"),
            },
            if saved.has_token { "yes" } else { "no" }
        );
    } else {
        println!("This catalog does not sync.");
    }
    Ok(())
}

fn run_status(catalog: &Catalog, json: bool) -> anyhow::Result<()> {
    let status = settings::status(catalog)?;
    if json {
        return crate::print_json(&status);
    }
    let configured = settings::settings(catalog)?;
    match &configured.server_url {
        Some(url) if status.configured => println!("Server            {url}"),
        Some(url) => println!("Server            {url} (no token kept)"),
        None => println!("Server            none: this catalog does not sync"),
    }
    println!("Pending changes   {}", status.pending_changes);
    println!("Open exceptions   {}", status.open_exceptions);
    println!(
        "Last sync         {}",
        status.last_sync_at.as_deref().unwrap_or("never")
    );
    if let Some(error) = &status.last_error {
        println!("Last error        {error}");
    }
    if let Some(next) = &status.next_attempt_at {
        println!("Next attempt      {next}");
    }
    Ok(())
}
