//! `shelfmark sru serve` (this catalog's own SRU endpoint) and `shelfmark copy ...` (copy
//! cataloging from other libraries' SRU targets): a thin face over `shelfmark-sru` and core's
//! `catalog::copy`.

use std::net::SocketAddr;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use shelfmark_core::Catalog;
use shelfmark_core::api::{CopyHit, CopyImportAction, CopyQuery, CopyTarget, ImportMatch};
use shelfmark_core::catalog::copy;
use shelfmark_core::catalog::import::{MatchOn, OnMatch};
use shelfmark_core::search::SearchIndex;
use shelfmark_sru::client;

use crate::print_json;

#[derive(Subcommand)]
pub enum SruCommand {
    /// Serve this catalog over SRU 1.2 and 2.0 at http://ADDRESS/sru until interrupted.
    Serve {
        /// The address to listen on (port 0 picks a free one, printed at start).
        #[arg(long, default_value = "127.0.0.1:8790")]
        listen: SocketAddr,
        /// The public address to give in explain (default: http://LISTEN/sru, or the request's
        /// Host when listening on every interface).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum CopyCommand {
    /// The SRU targets (other libraries' catalogs) to copy records from.
    #[command(subcommand)]
    Targets(TargetsCommand),
    /// Search a target by ISBN, title or author.
    Search {
        /// The target's name (see `copy targets list`).
        target: String,
        #[command(flatten)]
        by: By,
        /// The first result to show, from 1.
        #[arg(long, default_value_t = 1)]
        start: u64,
        /// How many results to show (at most 50).
        #[arg(long, default_value_t = 10)]
        max: u32,
    },
    /// Import one of a target's records into this catalog, validated by the MARC engine and
    /// matched against the catalog; a record with errors is refused (exit 1, nothing written)
    /// unless --accept-errors says to bring it in for fixing.
    Import {
        target: String,
        #[command(flatten)]
        by: By,
        /// Which result to import, from 1 (as `copy search` numbers them). Refused, with
        /// nothing written, when the target has no such record or sends another one instead.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
        pick: u64,
        /// What makes the record the same as one already in the catalog. By ISBN, a record
        /// without one is matched on its control number (001) from the same library (003)
        /// instead, and the result says so; one with neither is added as new, and the result
        /// says that too.
        #[arg(long = "match", value_enum, default_value_t = MatchArg::Isbn)]
        match_on: MatchArg,
        /// What to do when it matches: leave the catalog's record, replace it, or add anyway.
        #[arg(long, value_enum, default_value_t = OnMatchArg::Skip)]
        on_match: OnMatchArg,
        /// Bring the record in even with errors inside its fields (an indicator value, an 008
        /// code, a subfield, a field the target sent malformed), listed, to fix in the editor.
        /// Without it such a record is refused with its problems and nothing written. A record
        /// with no usable leader or no title is refused either way; warnings never stop it.
        #[arg(long)]
        accept_errors: bool,
    },
}

#[derive(Subcommand)]
pub enum TargetsCommand {
    /// Add a target, or change the one with this name.
    Add {
        name: String,
        /// The SRU base URL (http:// or https://).
        url: String,
        #[arg(long, default_value = "2.0", value_parser = ["1.1", "1.2", "2.0"])]
        version: String,
        #[arg(long, default_value = "marcxml")]
        schema: String,
    },
    /// List the targets.
    List,
    /// Remove a target.
    Remove { name: String },
}

/// Exactly one of ISBN, title or author.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct By {
    #[arg(long)]
    isbn: Option<String>,
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    author: Option<String>,
}

impl By {
    fn query(&self) -> CopyQuery {
        match (&self.isbn, &self.title, &self.author) {
            (Some(i), _, _) => CopyQuery::Isbn(i.clone()),
            (_, Some(t), _) => CopyQuery::Title(t.clone()),
            (_, _, Some(a)) => CopyQuery::Author(a.clone()),
            // clap's group requires one.
            _ => CopyQuery::Title(String::new()),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MatchArg {
    None,
    ControlNumber,
    Isbn,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OnMatchArg {
    Skip,
    Overlay,
    Add,
}

pub fn run_sru(command: &SruCommand, catalog: Catalog) -> anyhow::Result<()> {
    match command {
        SruCommand::Serve { listen, base_url } => {
            let index = SearchIndex::open(&catalog)?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("cannot start the server's runtime")?;
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind(listen)
                    .await
                    .with_context(|| format!("cannot listen on {listen}"))?;
                let bound = listener.local_addr()?;
                let base = base_url.clone().or_else(|| {
                    (!bound.ip().is_unspecified()).then(|| format!("http://{bound}/sru"))
                });
                let state = shelfmark_sru::SruState::new(catalog, index, base);
                println!("SRU at http://{bound}/sru (Ctrl+C to stop)");
                axum::serve(listener, shelfmark_sru::router(state))
                    .with_graceful_shutdown(async {
                        let _ = tokio::signal::ctrl_c().await;
                    })
                    .await
                    .context("the SRU server stopped")
            })
        }
    }
}

/// A hit as `copy search` lists it: `N. Title / Author. Publisher, year  ISBN ...`. A part
/// that already ends with a period (an initial, "Co.") is not given a second one.
fn hit_line(hit: &CopyHit) -> String {
    let mut line = format!("{:>4}. {}", hit.position, hit.title);
    if let Some(a) = &hit.author {
        line.push_str(&format!(" / {a}"));
    }
    if let Some(p) = &hit.publisher {
        line.push_str(if line.ends_with('.') { " " } else { ". " });
        line.push_str(p);
    }
    if let Some(y) = hit.year {
        line.push_str(&format!(", {y}"));
    }
    if !hit.isbns.is_empty() {
        line.push_str(&format!("  ISBN {}", hit.isbns.join(" ")));
    }
    line
}

pub fn run_copy(
    command: &CopyCommand,
    json: bool,
    catalog: &mut Catalog,
    user: &str,
) -> anyhow::Result<()> {
    match command {
        CopyCommand::Targets(TargetsCommand::Add {
            name,
            url,
            version,
            schema,
        }) => {
            let target = CopyTarget {
                name: name.clone(),
                base_url: url.clone(),
                version: version.clone(),
                record_schema: schema.clone(),
            };
            let stored = catalog.write(user, |m| copy::add_target(m, &target))?;
            if json {
                print_json(&stored)?;
            } else {
                println!(
                    "target {}: {} (SRU {}, {})",
                    stored.name, stored.base_url, stored.version, stored.record_schema
                );
            }
        }
        CopyCommand::Targets(TargetsCommand::List) => {
            let all = copy::targets(catalog)?;
            if json {
                print_json(&all)?;
            } else if all.is_empty() {
                println!(
                    "no copy-cataloging targets; add one with `shelfmark copy targets add NAME URL`"
                );
            } else {
                for t in all {
                    println!(
                        "{:<12} {}  SRU {}  {}",
                        t.name, t.base_url, t.version, t.record_schema
                    );
                }
            }
        }
        CopyCommand::Targets(TargetsCommand::Remove { name }) => {
            catalog.write(user, |m| copy::remove_target(m, name))?;
            if json {
                print_json(&serde_json::json!({ "removed": name }))?;
            } else {
                println!("removed target {name}");
            }
        }
        CopyCommand::Search {
            target,
            by,
            start,
            max,
        } => {
            let target = copy::target(catalog, target)?;
            let results = client::search(&target, &by.query(), *start, *max)?;
            let page = results.to_page(&target.name);
            if json {
                print_json(&page)?;
            } else {
                println!(
                    "{} record(s) at {} for {}",
                    page.total, page.target, page.query
                );
                for hit in &page.hits {
                    println!("{}", hit_line(hit));
                }
                for p in &page.problems {
                    eprintln!("problem: {p}");
                }
            }
        }
        CopyCommand::Import {
            target,
            by,
            pick,
            match_on,
            on_match,
            accept_errors,
        } => {
            let target = copy::target(catalog, target)?;
            let chosen = client::fetch_one(&target, &by.query(), *pick)
                .with_context(|| format!("nothing imported from {}", target.name))?;
            let match_on = match match_on {
                MatchArg::None => MatchOn::None,
                MatchArg::ControlNumber => MatchOn::ControlNumber,
                MatchArg::Isbn => MatchOn::Isbn,
            };
            let on_match = match on_match {
                OnMatchArg::Skip => OnMatch::Skip,
                OnMatchArg::Overlay => OnMatch::Overlay,
                OnMatchArg::Add => OnMatch::Add,
            };
            let strictness = if *accept_errors {
                copy::Strictness::AcceptFieldErrors
            } else {
                copy::Strictness::RefuseErrors
            };
            let outcome = catalog.write(user, |m| {
                copy::import_checked(
                    m,
                    &chosen.record,
                    &chosen.repairs,
                    match_on,
                    on_match,
                    strictness,
                )
            })?;
            if json {
                print_json(&outcome)?;
            } else {
                match outcome.action {
                    CopyImportAction::Added => {
                        println!("added record {}: {}", outcome.record_id, outcome.title)
                    }
                    CopyImportAction::Matched => println!(
                        "matched existing record {}: {} (nothing written)",
                        outcome.record_id, outcome.title
                    ),
                    CopyImportAction::Overlaid => println!(
                        "overlaid record {} with {}'s: {}",
                        outcome.record_id, target.name, outcome.title
                    ),
                }
                match outcome.matched_on_instead {
                    Some(ImportMatch::ControlNumber) => println!(
                        "  no ISBN to match on: matched on the control number (001 {}) from the same library (003) instead",
                        chosen.summary.control_number.as_deref().unwrap_or("?")
                    ),
                    Some(ImportMatch::None) => println!(
                        "  no {} to match on: added as a new record",
                        match match_on {
                            MatchOn::ControlNumber => "control number (001)",
                            _ => "ISBN, nor control number (001) with its library (003),",
                        }
                    ),
                    _ => {}
                }
                for issue in &outcome.issues {
                    println!(
                        "  {}: {}{}",
                        issue.severity,
                        issue
                            .field
                            .as_deref()
                            .map(|f| format!("{f}: "))
                            .unwrap_or_default(),
                        issue.message
                    );
                }
            }
        }
    }
    Ok(())
}
