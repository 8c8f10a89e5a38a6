//! `shelfmark sync`, `serve`, `server add-branch|list-branches|revoke-branch` and
//! `exceptions list|resolve`.
//!
//! The HTTP client lives here, not in core: core must not depend on an HTTP stack, and ureq is
//! a small blocking client that fits a command that pushes and pulls once. Core gives the
//! batches and applies the pages; this file only carries them and retries with backoff when
//! the server does not answer.
//!
//! What this module must never do: change the catalog other than through core's sync
//! functions, or move the pushed mark before the server acknowledged a batch.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use serde::de::DeserializeOwned;
use shelfmark_core::api::{
    MAX_BATCH, PROTOCOL_HEADER, PullResponse, PushRequest, PushResponse, SYNC_PROTOCOL_VERSION,
    SyncErrorBody, SyncReport,
};
use shelfmark_core::{Catalog, sync};

#[derive(Args)]
pub struct SyncArgs {
    /// The central server, e.g. https://thuvien.example.vn:8787
    #[arg(long, value_name = "URL")]
    server: String,
    /// This branch's token (from `shelfmark server add-branch`).
    #[arg(long, value_name = "TOKEN", env = "SHELFMARK_SYNC_TOKEN")]
    token: String,
    /// Entries per push batch and pull page.
    #[arg(long, default_value_t = 500)]
    batch: u32,
    /// Tries per request when the server does not answer, waiting longer each time.
    #[arg(long, default_value_t = 5)]
    retries: u32,
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
    /// Resolve one with one of its actions (`local`, `remote`, or a change id it names).
    Resolve {
        id: String,
        #[arg(long)]
        keep: String,
    },
}

pub fn run_serve(db: &Path, args: &ServeArgs) -> anyhow::Result<()> {
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

/// A sync request that failed for good.
#[derive(Debug, thiserror::Error)]
pub enum SyncClientError {
    #[error(
        "the server {url} did not answer after {tries} tries ({last}); your changes are kept here and go out with the next sync"
    )]
    NoAnswer {
        url: String,
        tries: u32,
        last: String,
    },
    #[error("the server refused ({code:?}, HTTP {status}): {message}")]
    Refused {
        status: u16,
        code: shelfmark_core::api::SyncErrorCode,
        message: String,
    },
}

struct Client {
    agent: ureq::Agent,
    base: String,
    token: String,
    retries: u32,
}

impl Client {
    fn new(base: &str, token: &str, retries: u32) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .build()
            .into();
        Client {
            agent,
            base: base.trim_end_matches('/').to_string(),
            token: token.trim().to_string(),
            retries: retries.max(1),
        }
    }

    /// One request, tried again with exponential backoff and jitter while the server does
    /// not answer (connection refused or cut, timeout) or answers 5xx. A refusal (4xx) is
    /// final: trying again would not change it.
    fn call<T: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&PushRequest>,
    ) -> anyhow::Result<T> {
        let url = format!("{}{path}", self.base);
        let mut last = String::new();
        for attempt in 0..self.retries {
            if attempt > 0 {
                std::thread::sleep(backoff(attempt));
            }
            let auth = format!("Bearer {}", self.token);
            let version = SYNC_PROTOCOL_VERSION.to_string();
            let sent = match body {
                Some(body) => self
                    .agent
                    .post(&url)
                    .header("authorization", &auth)
                    .header(PROTOCOL_HEADER, &version)
                    .send_json(body),
                None => self
                    .agent
                    .get(&url)
                    .header("authorization", &auth)
                    .header(PROTOCOL_HEADER, &version)
                    .call(),
            };
            let mut response = match sent {
                Ok(r) => r,
                Err(e) => {
                    last = e.to_string();
                    continue;
                }
            };
            let status = response.status().as_u16();
            if status >= 500 {
                last = format!("HTTP {status}");
                continue;
            }
            if status >= 400 {
                let body: SyncErrorBody = response.body_mut().read_json().map_err(|e| {
                    anyhow!("the server answered HTTP {status} without a reason: {e}")
                })?;
                return Err(SyncClientError::Refused {
                    status,
                    code: body.code,
                    message: body.message,
                }
                .into());
            }
            match response.body_mut().read_json::<T>() {
                Ok(value) => return Ok(value),
                Err(e) => last = format!("the answer was cut: {e}"),
            }
        }
        Err(SyncClientError::NoAnswer {
            url,
            tries: self.retries,
            last,
        }
        .into())
    }
}

/// 250 ms doubled per attempt, at most 8 s, plus up to half again at random so branches that
/// lost the line together do not come back in step. The jitter only spreads retries, so the
/// clock's nanoseconds are random enough; no random-number crate is pulled in for it.
fn backoff(attempt: u32) -> Duration {
    let base = 250u64.saturating_mul(1 << attempt.min(5)).min(8_000);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    Duration::from_millis(base + u64::from(nanos) % (base / 2 + 1))
}

/// Pushes every unpushed entry in batches, then pulls every page; prints what moved.
pub fn run_sync(catalog: &mut Catalog, args: &SyncArgs, json: bool) -> anyhow::Result<()> {
    if args.server.trim().is_empty() {
        bail!("name the server with --server URL");
    }
    let client = Client::new(&args.server, &args.token, args.retries);
    let batch = args.batch.clamp(1, MAX_BATCH);
    let mut report = SyncReport::default();
    loop {
        let outbox = sync::outbox(catalog, batch)?;
        if outbox.entries.is_empty() {
            break;
        }
        let request = PushRequest {
            node_id: catalog.node_id().to_string(),
            entries: outbox.entries.clone(),
        };
        let answer: PushResponse = client.call("/v1/sync/push", Some(&request))?;
        sync::acknowledge(catalog, &outbox, &answer.server_seqs)?;
        report.pushed += answer.accepted;
        report.already_on_server += answer.duplicates;
    }
    loop {
        let cursor = sync::pull_cursor(catalog)?;
        let page: PullResponse =
            client.call(&format!("/v1/sync/pull?after={cursor}&limit={batch}"), None)?;
        report.pulled += page.entries.len() as u32;
        let applied = sync::apply_pulled(catalog, &page)?;
        report.applied += applied.applied;
        report.new_exceptions += applied.new_exceptions;
        if !page.more {
            break;
        }
    }
    report.cursor = sync::pull_cursor(catalog)?;
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
